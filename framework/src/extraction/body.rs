use serde_json::{Value, json};

use super::Errors;
use crate::body::BodyError;
use crate::errors::{ErrorItem, HttpError, Loc};
use crate::request::Request;

/// Reads and deserializes a JSON body (`#[body]` parameters).
///
/// Accepts `application/json` and `application/*+json` (and a missing
/// content type, as FastAPI does); any other type is a 415. Malformed JSON
/// and values of the wrong shape are 422s whose `loc` points into the body.
///
/// `KEEP` is for a dependency's `#[body]`: the body stays readable
/// afterwards, for the handler's own (the same body, read as its type).
pub async fn json_body<T: for<'de> serde::Deserialize<'de>, const KEEP: bool>(
    request: &mut Request,
    errors: &mut Errors,
) -> Option<T> {
    if let Some(content_type) = request.headers().get(http::header::CONTENT_TYPE)
        && !is_json(content_type.as_bytes())
    {
        errors.reject_error(HttpError::new(
            http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Unsupported Media Type: expected `application/json`",
        ));
        return None;
    }
    let bytes = match request.bytes().await {
        Ok(bytes) => bytes,
        Err(err) => {
            errors.reject_error(unreadable(err));
            return None;
        }
    };
    if KEEP {
        request.restore_body(bytes.clone());
    }
    if bytes.is_empty() {
        // An optional body (`Option<T>`) may be left out altogether.
        if let Ok(absent) = serde_json::from_slice::<T>(b"null") {
            return Some(absent);
        }
        errors.push(ErrorItem::missing(vec!["body".into()]));
        return None;
    }
    // Most bodies are valid: parse them directly. A failing one is located
    // afterwards from the error's position (`json_path_at`), so the model's
    // deserializer is compiled once, not again with path tracking around it.
    let err = match serde_json::from_slice::<T>(&bytes) {
        Ok(value) => return Some(value),
        Err(err) => err,
    };
    // A float with no fractional part (`2.0`) is an integer to JSON Schema
    // and to pydantic, though not to serde: read integral floats as
    // integers, then try once more. Written out again as text, so this
    // parse is the same code as the first (one copy of the model's
    // deserializer per type, not one per input format).
    if err.is_data()
        && let Ok(mut value) = serde_json::from_slice::<Value>(&bytes)
        && integral_floats_to_integers(&mut value)
        && let Ok(text) = serde_json::to_vec(&value)
        && let Ok(value) = serde_json::from_slice(&text)
    {
        return Some(value);
    }
    errors.push(describe_json_error(&bytes, &err));
    None
}

/// The answer to a body that could not be read: 413 over the limit, 408
/// for a client that stopped sending it, 400 for one that went away.
pub(crate) fn unreadable(err: BodyError) -> HttpError {
    match err {
        BodyError::TooLarge => HttpError::new(http::StatusCode::PAYLOAD_TOO_LARGE, "Request body too large"),
        BodyError::TimedOut => HttpError::new(http::StatusCode::REQUEST_TIMEOUT, "Request Timeout"),
        BodyError::Read(err) => {
            tracing::debug!(target: "brisk::extract", error = %err, "client body read failed");
            HttpError::bad_request("Could not read the request body")
        }
    }
}

fn json_invalid(bytes: &[u8], err: &serde_json::Error) -> ErrorItem {
    let loc = vec![Loc::from("body"), Loc::Index(byte_offset(bytes, err.line(), err.column()))];
    ErrorItem::new("json_invalid", loc, "JSON decode error", json!({}))
        .with_ctx(json!({ "error": strip_position(&err.to_string()) }))
}

fn is_json(content_type: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(content_type) else { return false };
    let essence = text.split(';').next().unwrap_or("").trim().as_bytes();
    let (application, json) = (b"application/".as_slice(), b"+json".as_slice());
    essence.eq_ignore_ascii_case(b"application/json")
        || (essence.len() > application.len() + json.len()
            && essence[..application.len()].eq_ignore_ascii_case(application)
            && essence[essence.len() - json.len()..].eq_ignore_ascii_case(json))
}

fn describe_json_error(bytes: &[u8], err: &serde_json::Error) -> ErrorItem {
    if !err.is_data() {
        // Malformed JSON, trailing characters, or a body cut short.
        return json_invalid(bytes, err);
    }
    let mut loc: Vec<Loc> = vec!["body".into()];
    loc.extend(json_path_at(bytes, byte_offset(bytes, err.line(), err.column()) + 1));
    let message = strip_position(&err.to_string());
    if let Some(field) = message.strip_prefix("missing field `").and_then(|m| m.strip_suffix('`')) {
        loc.push(Loc::from(field.to_owned()));
        return ErrorItem::missing(loc);
    }
    let input = serde_json::from_slice::<Value>(bytes)
        .ok()
        .and_then(|root| value_at(&root, &loc[1..]).cloned())
        .unwrap_or(Value::Null);
    let (kind, msg) = classify_data_error(&message, &input);
    ErrorItem::new(kind, loc, msg, input)
}

/// Maps serde's wording onto FastAPI's error types.
fn classify_data_error(message: &str, input: &Value) -> (&'static str, String) {
    let expected = message.rsplit_once(", expected ").map(|(_, e)| e).unwrap_or("");
    let integer = ["i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize"]
        .iter()
        .any(|t| expected == *t || expected.starts_with(&format!("{t} ")))
        || expected.contains("integer");
    if integer {
        return match input {
            Value::String(_) => (
                "int_parsing",
                "Input should be a valid integer, unable to parse string as an integer".into(),
            ),
            Value::Number(n) if n.as_f64().is_some_and(|f| f.fract() != 0.0) => (
                "int_from_float",
                "Input should be a valid integer, got a number with a fractional part".into(),
            ),
            Value::Number(_) => ("int_type", format!("Input should be a valid integer: {message}")),
            _ => ("int_type", "Input should be a valid integer".into()),
        };
    }
    if expected == "f32" || expected == "f64" || expected.contains("float") {
        return match input {
            Value::String(_) => {
                ("float_parsing", "Input should be a valid number, unable to parse string as a number".into())
            }
            _ => ("float_type", "Input should be a valid number".into()),
        };
    }
    if expected == "a boolean" {
        return ("bool_type", "Input should be a valid boolean".into());
    }
    if expected.contains("string") || expected == "a character" {
        return ("string_type", "Input should be a valid string".into());
    }
    if expected.contains("sequence") || expected.contains("tuple") || expected.contains("array") {
        return ("list_type", "Input should be a valid list".into());
    }
    if expected.starts_with("struct ") || expected.contains("map") {
        return (
            "model_attributes_type",
            "Input should be a valid dictionary or object to extract fields from".into(),
        );
    }
    if message.starts_with("unknown variant") {
        return ("enum", format!("Input should be {}", expected.replace('`', "'")));
    }
    if message.starts_with("unknown field") {
        return ("extra_forbidden", "Extra inputs are not permitted".into());
    }
    ("value_error", message.to_owned())
}

/// The keys and indices that lead to what a JSON deserializer was reading
/// when it stopped at byte `end` of `bytes` (just after the last byte it
/// consumed): the value that ends there, else the member being read.
///
/// serde_json reports only a line and column; this recovers the path that
/// FastAPI's `loc` needs without deserializing the model a second time
/// through a path-tracking wrapper. It follows the JSON grammar up to `end`,
/// which the deserializer has already accepted, so it needs no validation.
fn json_path_at(bytes: &[u8], end: usize) -> Vec<Loc> {
    enum Frame {
        /// The key of the member being read, once its key has been read.
        Object(Option<String>),
        /// The index of the element being read.
        Array(usize),
    }
    fn path(stack: &[Frame]) -> Vec<Loc> {
        stack
            .iter()
            .filter_map(|frame| match frame {
                Frame::Object(key) => key.clone().map(Loc::from),
                Frame::Array(index) => Some(Loc::Index(*index)),
            })
            .collect()
    }
    let end = end.min(bytes.len());
    let mut stack: Vec<Frame> = Vec::new();
    // The path of the last value read, and where it ended.
    let mut last: Option<(usize, Vec<Loc>)> = None;
    let mut i = 0;
    while i < end {
        match bytes[i] {
            b'{' => {
                stack.push(Frame::Object(None));
                i += 1;
            }
            b'[' => {
                stack.push(Frame::Array(0));
                i += 1;
            }
            b'}' | b']' => {
                stack.pop();
                i += 1;
                last = Some((i, path(&stack)));
            }
            b',' => {
                match stack.last_mut() {
                    Some(Frame::Array(index)) => *index += 1,
                    Some(Frame::Object(key)) => *key = None,
                    None => {}
                }
                i += 1;
            }
            b'"' => {
                let start = i + 1;
                i = start;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                let text = &bytes[start.min(bytes.len())..i.min(bytes.len())];
                i += 1;
                match stack.last_mut() {
                    Some(Frame::Object(key @ None)) => {
                        let raw = [b"\"", text, b"\""].concat();
                        *key = Some(serde_json::from_slice::<String>(&raw).unwrap_or_default());
                    }
                    _ => last = Some((i, path(&stack))),
                }
            }
            b' ' | b'\t' | b'\n' | b'\r' | b':' => i += 1,
            _ => {
                // A number, `true`, `false` or `null`.
                while i < bytes.len()
                    && !matches!(bytes[i], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                {
                    i += 1;
                }
                last = Some((i, path(&stack)));
            }
        }
    }
    match last {
        Some((at, path)) if at == end => path,
        _ => path(&stack),
    }
}

fn value_at<'a>(root: &'a Value, path: &[Loc]) -> Option<&'a Value> {
    path.iter().try_fold(root, |value, segment| match segment {
        Loc::Name(name) => value.get(name.as_ref()),
        Loc::Index(index) => value.get(index),
    })
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

/// serde_json reports line and column; FastAPI reports the byte position.
fn byte_offset(bytes: &[u8], line: usize, column: usize) -> usize {
    let line_start: usize =
        bytes.split(|b| *b == b'\n').take(line.saturating_sub(1)).map(|l| l.len() + 1).sum();
    (line_start + column.saturating_sub(1)).min(bytes.len())
}

/// Runs `validator` constraints on a body when its type derives `Validate`.
///
/// The generated code calls `Validated::new(&value).check(&mut errors)`:
/// the inherent method applies when `T: Validate`; when it does not, its
/// bound fails and method lookup goes on through `Deref` to
/// [`NoValidation`]'s no-op. This works because the type is concrete at
/// every call site the macros generate, and needs no trait in scope there.
#[doc(hidden)]
pub struct Validated<'a, T>(&'a T, NoValidation<T>);

impl<'a, T> Validated<'a, T> {
    #[doc(hidden)]
    pub const fn new(value: &'a T) -> Self {
        Validated(value, NoValidation(std::marker::PhantomData))
    }
}

impl<T: validator::Validate> Validated<'_, T> {
    /// Whether the value passes its constraints; each failure goes to `errors`.
    pub fn check(&self, errors: &mut Errors) -> bool {
        match self.0.validate() {
            Ok(()) => true,
            Err(failures) => {
                let mut loc = vec![Loc::from("body")];
                push_validation_errors(&failures, &mut loc, errors);
                false
            }
        }
    }
}

impl<'a, T> std::ops::Deref for Validated<'a, T> {
    type Target = NoValidation<T>;

    fn deref(&self) -> &NoValidation<T> {
        &self.1
    }
}

/// The fallback of [`Validated`], for a type without constraints.
#[doc(hidden)]
pub struct NoValidation<T>(std::marker::PhantomData<fn() -> *const T>);

impl<T> NoValidation<T> {
    /// Nothing to check.
    pub fn check(&self, _errors: &mut Errors) -> bool {
        true
    }
}

fn push_validation_errors(failures: &validator::ValidationErrors, loc: &mut Vec<Loc>, errors: &mut Errors) {
    use validator::ValidationErrorsKind;
    let mut fields: Vec<_> = failures.errors().iter().collect();
    // HashMap order is random; a stable order keeps responses reproducible.
    fields.sort_by(|a, b| a.0.cmp(b.0));
    for (field, kind) in fields {
        loc.push(Loc::from(field.to_string()));
        match kind {
            ValidationErrorsKind::Field(list) => {
                for failure in list {
                    errors.push(describe_constraint(failure, loc.clone()));
                }
            }
            ValidationErrorsKind::Struct(nested) => push_validation_errors(nested, loc, errors),
            ValidationErrorsKind::List(items) => {
                for (index, nested) in items {
                    loc.push(Loc::Index(*index));
                    push_validation_errors(nested, loc, errors);
                    loc.pop();
                }
            }
        }
        loc.pop();
    }
}

fn describe_constraint(failure: &validator::ValidationError, loc: Vec<Loc>) -> ErrorItem {
    let param = |name: &str| failure.params.get(name).cloned();
    let input = param("value").unwrap_or(Value::Null);
    let number = input.as_f64();
    let custom = failure.message.as_ref().map(|m| m.to_string());
    let item = |kind: &'static str, msg: String, ctx: Value| {
        ErrorItem::new(kind, loc.clone(), custom.clone().unwrap_or(msg), input.clone()).with_ctx(ctx)
    };
    match failure.code.as_ref() {
        "range" => {
            let checks = [
                ("min", "greater_than_equal", "greater than or equal to", "ge"),
                ("exclusive_min", "greater_than", "greater than", "gt"),
                ("max", "less_than_equal", "less than or equal to", "le"),
                ("exclusive_max", "less_than", "less than", "lt"),
            ];
            for (name, kind, words, key) in checks {
                let Some(bound) = param(name) else { continue };
                let (Some(value), Some(limit)) = (number, bound.as_f64()) else { continue };
                let violated = match name {
                    "min" => value < limit,
                    "exclusive_min" => value <= limit,
                    "max" => value > limit,
                    _ => value >= limit,
                };
                if violated {
                    return item(kind, format!("Input should be {words} {bound}"), json!({ key: bound }));
                }
            }
            item("value_error", "Value error, out of range".into(), json!({}))
        }
        "length" => {
            let (len, noun, short_kind, long_kind) = match &input {
                Value::String(s) => (s.chars().count(), "String", "string_too_short", "string_too_long"),
                Value::Array(a) => (a.len(), "List", "too_short", "too_long"),
                Value::Object(o) => (o.len(), "Dictionary", "too_short", "too_long"),
                _ => (0, "Value", "too_short", "too_long"),
            };
            let unit = |n: u64| match (noun, n) {
                ("String", 1) => "character",
                ("String", _) => "characters",
                (_, 1) => "item",
                _ => "items",
            };
            let min = param("min").or_else(|| param("equal")).and_then(|v| v.as_u64());
            let max = param("max").or_else(|| param("equal")).and_then(|v| v.as_u64());
            if let Some(min) = min.filter(|m| (len as u64) < *m) {
                let msg = format!("{noun} should have at least {min} {}", unit(min));
                return item(short_kind, msg, json!({ "min_length": min }));
            }
            if let Some(max) = max.filter(|m| (len as u64) > *m) {
                let msg = format!("{noun} should have at most {max} {}", unit(max));
                return item(long_kind, msg, json!({ "max_length": max }));
            }
            item("value_error", "Value error, invalid length".into(), json!({}))
        }
        "regex" => {
            item("string_pattern_mismatch", "String should match the required pattern".into(), json!({}))
        }
        "email" => item("value_error", "value is not a valid email address".into(), json!({})),
        "url" => item("url_parsing", "Input should be a valid URL".into(), json!({})),
        code => {
            let msg = format!("Value error, {code}");
            ErrorItem::new("value_error", loc, custom.unwrap_or(msg), input)
        }
    }
}

/// Rewrites every float without a fractional part, within `i64`'s range,
/// as an integer; whether any was.
fn integral_floats_to_integers(value: &mut Value) -> bool {
    match value {
        Value::Number(number) if number.is_f64() => {
            let Some(float) = number.as_f64() else { return false };
            // 2^63: the first float past `i64::MAX`.
            if float.fract() == 0.0 && float.abs() < 9_223_372_036_854_775_808.0 {
                *value = Value::from(float as i64);
                true
            } else {
                false
            }
        }
        Value::Array(items) => {
            items.iter_mut().fold(false, |any, item| integral_floats_to_integers(item) | any)
        }
        Value::Object(object) => {
            object.values_mut().fold(false, |any, item| integral_floats_to_integers(item) | any)
        }
        _ => false,
    }
}

#[cfg(test)]
mod locate {
    use std::collections::HashMap;

    use serde::Deserialize;
    use serde::de::DeserializeOwned;

    use super::{Loc, byte_offset, json_path_at};

    #[allow(dead_code)]
    #[derive(Deserialize)]
    struct Line {
        sku: String,
        quantity: u32,
    }

    #[allow(dead_code)]
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Order {
        id: i64,
        lines: Vec<Line>,
        ship: Option<Address>,
        tags: HashMap<String, u8>,
        pair: (u8, bool),
        kind: Kind,
    }

    #[allow(dead_code)]
    #[derive(Deserialize)]
    struct Address {
        city: String,
        zip: u16,
    }

    #[allow(dead_code)]
    #[derive(Deserialize)]
    enum Kind {
        Pickup,
        Delivery { window: u8 },
    }

    /// What serde_path_to_error (a second, path-tracking deserializer)
    /// says, as the `loc` tail.
    fn tracked<T: DeserializeOwned>(body: &str) -> Vec<Loc> {
        let mut deserializer = serde_json::Deserializer::from_str(body);
        let Err(err) = serde_path_to_error::deserialize::<_, T>(&mut deserializer) else {
            panic!("{body} should fail")
        };
        err.path()
            .iter()
            .filter_map(|segment| match segment {
                serde_path_to_error::Segment::Seq { index } => Some(Loc::Index(*index)),
                serde_path_to_error::Segment::Map { key } => Some(Loc::from(key.clone())),
                serde_path_to_error::Segment::Enum { variant } => Some(Loc::from(variant.clone())),
                serde_path_to_error::Segment::Unknown => None,
            })
            .collect()
    }

    fn located<T: DeserializeOwned>(body: &str) -> Vec<Loc> {
        let err = serde_json::from_str::<T>(body).err().expect("a data error");
        assert!(err.is_data(), "{body}: {err}");
        json_path_at(body.as_bytes(), byte_offset(body.as_bytes(), err.line(), err.column()) + 1)
    }

    #[test]
    fn the_position_of_a_data_error_gives_the_path_a_tracking_deserializer_gives() {
        let valid = r#"{"id": 1, "lines": [{"sku": "a", "quantity": 2}], "ship": {"city": "Oslo", "zip": 150},
            "tags": {"x": 1}, "pair": [1, true], "kind": {"Delivery": {"window": 3}}}"#;
        assert!(serde_json::from_str::<Order>(valid).is_ok());
        let broken = [
            r#"{"id": "one"}"#,
            r#"{"id": 1.5, "lines": []}"#,
            r#"{"id": 1, "lines": [{"sku": "a", "quantity": 2}, {"sku": 7, "quantity": 2}]}"#,
            r#"{"id": 1, "lines": [{"sku": "a", "quantity": -2}]}"#,
            r#"{"id": 1, "lines": [{"sku": "a"}]}"#,
            r#"{"id": 1, "lines": [ {"sku": "a",  "quantity": 1 } , { } ]}"#,
            r#"{"id": 1, "lines": {}}"#,
            r#"{"id": 1, "lines": [], "ship": {"city": "Oslo", "zip": 70000}}"#,
            r#"{"id": 1, "lines": [], "ship": {"zip": 1}}"#,
            r#"{"id": 1, "lines": [], "ship": null, "tags": {"x": 1, "y": "2"}}"#,
            r#"{"id": 1, "lines": [], "ship": null, "tags": {"a \"quoted\" key": 300}}"#,
            r#"{"id": 1, "lines": [], "ship": null, "tags": {}, "pair": [1, 2]}"#,
            r#"{"id": 1, "lines": [], "ship": null, "tags": {}, "pair": [1]}"#,
            r#"{"id": 1, "lines": [], "ship": null, "tags": {}, "pair": [1, true], "kind": "Boat"}"#,
            r#"{"id": 1, "lines": [], "ship": null, "tags": {}, "pair": [1, true], "kind": {"Delivery": {"window": "soon"}}}"#,
            r#"{"id": 1, "extra": true}"#,
            "{\n  \"id\": 1,\n  \"lines\": [\n    {\"sku\": \"a\", \"quantity\": true}\n  ]\n}",
            r#"{"id": 1, "lines": [], "ship": null, "tags": {}, "pair": [1, true]}"#,
            r#"[1, 2]"#,
            r#""text""#,
        ];
        for body in broken {
            assert_eq!(located::<Order>(body), tracked::<Order>(body), "{body}");
        }
        for body in [r#"[1, 2, "x"]"#, r#"[[1], [2, "y"]]"#, r#"{"a": [1, {"b": 2}]}"#] {
            assert_eq!(located::<Vec<Vec<u8>>>(body), tracked::<Vec<Vec<u8>>>(body), "{body}");
        }
    }
}
