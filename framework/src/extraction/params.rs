use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt::Display;

use http::HeaderName;
use serde::Serialize;
use serde_json::{Value, json};

use super::Errors;
use super::text::FromText;
use crate::errors::{ErrorItem, Loc};
use crate::request::Request;

/// The declared type of a path, query, header or cookie parameter: a scalar
/// (required), `Option<T>` (optional) or `Vec<T>` (repeated, empty when absent).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a path, query, header or cookie parameter",
    note = "use a scalar type that implements `brisk::extract::FromText`, or `Option<_>` / `Vec<_>` of one"
)]
pub trait ParamValue: Sized + Send {
    /// The type each single value is parsed into.
    type Scalar: FromText;
    /// Whether every occurrence is collected (`?a=1&a=2`), not only one.
    const REPEATED: bool = false;
    /// Builds the value from the one occurrence found; `None` means a required value is missing.
    fn from_one(value: Option<Self::Scalar>) -> Option<Self>;
    /// Builds the value from every occurrence (only called when `REPEATED`).
    fn from_all(values: Vec<Self::Scalar>) -> Self;
}

impl<T: FromText> ParamValue for T {
    type Scalar = T;
    fn from_one(value: Option<T>) -> Option<T> {
        value
    }
    fn from_all(mut values: Vec<T>) -> T {
        values.swap_remove(0)
    }
}

impl<T: FromText> ParamValue for Option<T> {
    type Scalar = T;
    fn from_one(value: Option<T>) -> Option<Self> {
        Some(value)
    }
    fn from_all(values: Vec<T>) -> Self {
        values.into_iter().next()
    }
}

impl<T: FromText> ParamValue for Vec<T> {
    type Scalar = T;
    const REPEATED: bool = true;
    fn from_one(value: Option<T>) -> Option<Self> {
        Some(value.into_iter().collect())
    }
    fn from_all(values: Vec<T>) -> Self {
        values
    }
}

#[derive(Clone)]
enum Source {
    Path(usize),
    /// A path parameter looked up by name, for dependencies (which don't see the template).
    PathNamed,
    Query,
    Header(HeaderName),
    Cookie,
    /// A field of the form body (`read_form` put it in the request's extensions).
    Form,
}

impl Source {
    fn loc(&self) -> &'static str {
        match self {
            Source::Path(_) | Source::PathNamed => "path",
            Source::Query => "query",
            Source::Header(_) => "header",
            Source::Cookie => "cookie",
            Source::Form => "body",
        }
    }
}

struct Bound<T> {
    value: T,
    cmp: fn(&T, &T) -> Option<Ordering>,
    show: fn(&T) -> (String, Value),
}

struct TextCheck<T> {
    as_str: fn(&T) -> &str,
}

/// One non-body parameter of a handler: where it comes from, its constraints
/// and its default. The route macros build one per parameter; its
/// [`extract`](Param::extract) records every failure in [`Errors`].
///
/// ```
/// use brisk::extract::Param;
///
/// // What `#[query(default = 10, ge = 1, le = 100)] limit: u32` becomes:
/// let limit = Param::<u32>::query("limit").default(|| 10).ge(1).le(100);
/// # let _ = limit;
/// ```
pub struct Param<T: ParamValue> {
    name: &'static str,
    source: Source,
    default: Option<fn() -> T>,
    ge: Option<Bound<T::Scalar>>,
    gt: Option<Bound<T::Scalar>>,
    le: Option<Bound<T::Scalar>>,
    lt: Option<Bound<T::Scalar>>,
    min_length: Option<(usize, TextCheck<T::Scalar>)>,
    max_length: Option<(usize, TextCheck<T::Scalar>)>,
    pattern: Option<(&'static regex_lite::Regex, &'static str, TextCheck<T::Scalar>)>,
}

impl<T: ParamValue> Param<T> {
    fn new(name: &'static str, source: Source) -> Self {
        Param {
            name,
            source,
            default: None,
            ge: None,
            gt: None,
            le: None,
            lt: None,
            min_length: None,
            max_length: None,
            pattern: None,
        }
    }

    /// The path parameter at `index` in the route template, reported as `name`.
    pub fn path(name: &'static str, index: usize) -> Self {
        Param::new(name, Source::Path(index))
    }

    /// The path parameter named `name`, looked up in the matched route's template.
    pub fn path_named(name: &'static str) -> Self {
        Param::new(name, Source::PathNamed)
    }

    /// A query parameter.
    pub fn query(name: &'static str) -> Self {
        Param::new(name, Source::Query)
    }

    /// A header; `name` must be lowercase (the macros lower it at compile time).
    pub fn header(name: &'static str) -> Self {
        Param::header_named(name, HeaderName::from_static(name))
    }

    /// A header whose name was built at compile time (the macros write
    /// `const { HeaderName::from_static(..) }`), so no request parses it.
    #[doc(hidden)]
    pub fn header_named(name: &'static str, header: HeaderName) -> Self {
        Param::new(name, Source::Header(header))
    }

    /// A cookie.
    pub fn cookie(name: &'static str) -> Self {
        Param::new(name, Source::Cookie)
    }

    /// A field of a form body (`#[form]`). An empty value counts as absent,
    /// as in FastAPI: a form posts its empty inputs as `name=`.
    pub fn form(name: &'static str) -> Self {
        Param::new(name, Source::Form)
    }

    /// The value used when the request doesn't carry the parameter.
    pub fn default(mut self, default: fn() -> T) -> Self {
        self.default = Some(default);
        self
    }

    /// Each value must be `>= bound`.
    pub fn ge(mut self, bound: T::Scalar) -> Self
    where
        T::Scalar: PartialOrd + Display + Serialize,
    {
        self.ge = Some(Bound::new(bound));
        self
    }

    /// Each value must be `> bound`.
    pub fn gt(mut self, bound: T::Scalar) -> Self
    where
        T::Scalar: PartialOrd + Display + Serialize,
    {
        self.gt = Some(Bound::new(bound));
        self
    }

    /// Each value must be `<= bound`.
    pub fn le(mut self, bound: T::Scalar) -> Self
    where
        T::Scalar: PartialOrd + Display + Serialize,
    {
        self.le = Some(Bound::new(bound));
        self
    }

    /// Each value must be `< bound`.
    pub fn lt(mut self, bound: T::Scalar) -> Self
    where
        T::Scalar: PartialOrd + Display + Serialize,
    {
        self.lt = Some(Bound::new(bound));
        self
    }

    /// Each value must have at least `min` characters.
    pub fn min_length(mut self, min: usize) -> Self
    where
        T::Scalar: AsRef<str>,
    {
        self.min_length = Some((min, TextCheck { as_str: |v| v.as_ref() }));
        self
    }

    /// Each value must have at most `max` characters.
    pub fn max_length(mut self, max: usize) -> Self
    where
        T::Scalar: AsRef<str>,
    {
        self.max_length = Some((max, TextCheck { as_str: |v| v.as_ref() }));
        self
    }

    /// Each value must match `regex` (anywhere in the value, as in FastAPI).
    pub fn pattern(mut self, regex: &'static regex_lite::Regex, source: &'static str) -> Self
    where
        T::Scalar: AsRef<str>,
    {
        self.pattern = Some((regex, source, TextCheck { as_str: |v| v.as_ref() }));
        self
    }

    /// Takes the parameter from the request; on failure records why and returns `None`.
    pub fn extract(&self, request: &Request, errors: &mut Errors) -> Option<T> {
        let before = errors.items.len();
        let value = if T::REPEATED {
            let mut values = Vec::new();
            self.for_each_raw(request, |index, raw| {
                if let Some(v) = self.parse(raw, Some(index), errors) {
                    values.push(v);
                }
                true
            });
            if values.is_empty() {
                self.default.map(|d| d()).or_else(|| T::from_one(None))
            } else {
                Some(T::from_all(values))
            }
        } else {
            let mut found = None;
            self.for_each_raw(request, |_, raw| {
                found = Some(raw);
                // Query parameters keep the last occurrence (as Starlette does); the rest the first.
                matches!(self.source, Source::Query)
            });
            match found {
                Some(raw) => self.parse(raw, None, errors).and_then(|v| T::from_one(Some(v))),
                None => match self.default {
                    Some(default) => Some(default()),
                    None => T::from_one(None),
                },
            }
        };
        if value.is_none() && errors.items.len() == before {
            errors.push(ErrorItem::missing(vec![self.source.loc().into(), self.name.into()]));
        }
        if errors.items.len() > before { None } else { value }
    }

    /// Calls `visit` with each raw occurrence in request order until it returns `false`.
    fn for_each_raw<'r>(&self, request: &'r Request, mut visit: impl FnMut(usize, Cow<'r, str>) -> bool) {
        match &self.source {
            Source::Path(index) => {
                if let Some(value) = request.path_param_at(*index) {
                    visit(0, value);
                }
            }
            Source::PathNamed => {
                if let Some(value) = request.path_param(self.name) {
                    visit(0, value);
                }
            }
            Source::Query => {
                let query = request.query_string().unwrap_or("");
                let pairs = split_ascii(query, b'&').filter(|pair| !pair.is_empty());
                let values = pairs.filter_map(|pair| query_value(pair, self.name));
                for (index, value) in values.enumerate() {
                    if !visit(index, value) {
                        break;
                    }
                }
            }
            Source::Header(name) => {
                for (index, value) in request.headers().get_all(name).iter().enumerate() {
                    let bytes = value.as_bytes();
                    // Checking for valid UTF-8 is cheaper than walking it chunk by chunk.
                    let text = std::str::from_utf8(bytes)
                        .map_or_else(|_| String::from_utf8_lossy(bytes), Cow::Borrowed);
                    if !visit(index, text) {
                        break;
                    }
                }
            }
            Source::Form => {
                let Some(fields) = request.extensions().get::<super::FormFields>() else { return };
                let values = fields.0.iter().filter(|(name, value)| name == self.name && !value.is_empty());
                for (index, (_, value)) in values.enumerate() {
                    if !visit(index, Cow::Borrowed(value.as_str())) {
                        break;
                    }
                }
            }
            Source::Cookie => {
                let mut index = 0;
                for header in request.headers().get_all(http::header::COOKIE) {
                    let Ok(header) = header.to_str() else { continue };
                    for cookie in cookie::Cookie::split_parse_encoded(header).flatten() {
                        if cookie.name() == self.name {
                            if !visit(index, Cow::Owned(cookie.value().to_owned())) {
                                return;
                            }
                            index += 1;
                        }
                    }
                }
            }
        }
    }

    /// Most parameters have no constraint: they skip the checks altogether.
    fn has_constraints(&self) -> bool {
        self.ge.is_some()
            || self.gt.is_some()
            || self.le.is_some()
            || self.lt.is_some()
            || self.min_length.is_some()
            || self.max_length.is_some()
            || self.pattern.is_some()
    }

    fn loc(&self, index: Option<usize>) -> Vec<Loc> {
        let mut loc = vec![Loc::from(self.source.loc()), Loc::from(self.name)];
        loc.extend(index.map(Loc::Index));
        loc
    }

    fn parse(&self, raw: Cow<'_, str>, index: Option<usize>, errors: &mut Errors) -> Option<T::Scalar> {
        let fail = |errors: &mut Errors, kind, msg: String, ctx: Option<Value>| {
            let mut item = ErrorItem::new(kind, self.loc(index), msg, Value::String(raw.to_string()));
            item.ctx = ctx;
            errors.push(item);
        };
        let value = match T::Scalar::from_text(&raw) {
            Ok(value) => value,
            Err(err) => {
                fail(errors, err.kind, err.msg.into_owned(), None);
                return None;
            }
        };
        if !self.has_constraints() {
            return Some(value);
        }
        let mut ok = true;
        let bounds = [
            (&self.ge, Ordering::Greater, "greater_than_equal", "greater than or equal to", "ge", true),
            (&self.gt, Ordering::Greater, "greater_than", "greater than", "gt", false),
            (&self.le, Ordering::Less, "less_than_equal", "less than or equal to", "le", true),
            (&self.lt, Ordering::Less, "less_than", "less than", "lt", false),
        ];
        for (bound, allowed, kind, words, key, inclusive) in bounds {
            let Some(bound) = bound else { continue };
            let violated = match (bound.cmp)(&value, &bound.value) {
                None => true,
                Some(Ordering::Equal) => !inclusive,
                Some(ordering) => ordering != allowed,
            };
            if violated {
                let (shown, json_value) = (bound.show)(&bound.value);
                fail(
                    errors,
                    kind,
                    format!("Input should be {words} {shown}"),
                    Some(json!({ key: json_value })),
                );
                ok = false;
            }
        }
        if let Some((min, check)) = &self.min_length
            && (check.as_str)(&value).chars().count() < *min
        {
            let plural = if *min == 1 { "" } else { "s" };
            let msg = format!("String should have at least {min} character{plural}");
            fail(errors, "string_too_short", msg, Some(json!({ "min_length": min })));
            ok = false;
        }
        if let Some((max, check)) = &self.max_length
            && (check.as_str)(&value).chars().count() > *max
        {
            let plural = if *max == 1 { "" } else { "s" };
            let msg = format!("String should have at most {max} character{plural}");
            fail(errors, "string_too_long", msg, Some(json!({ "max_length": max })));
            ok = false;
        }
        if let Some((regex, source, check)) = &self.pattern
            && !regex.is_match((check.as_str)(&value))
        {
            let msg = format!("String should match pattern '{source}'");
            fail(errors, "string_pattern_mismatch", msg, Some(json!({ "pattern": source })));
            ok = false;
        }
        ok.then_some(value)
    }
}

/// `text` cut at each `separator`, an ASCII byte, as `str::split` would:
/// a plain byte scan, cheaper on short query strings than the general
/// pattern search. (An ASCII byte never occurs inside a multi-byte
/// character, so every cut falls on a character boundary.)
fn split_ascii(text: &str, separator: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        match current.bytes().position(|b| b == separator) {
            Some(at) => {
                rest = Some(&current[at + 1..]);
                Some(&current[..at])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

/// The value of a `key=value` query pair when its key is `name`, decoded
/// as `application/x-www-form-urlencoded` (`+` is a space, `%XX` a byte).
/// Only pairs that need decoding are decoded: most keys and values are
/// plain text, compared and borrowed as they are.
fn query_value<'q>(pair: &'q str, name: &str) -> Option<Cow<'q, str>> {
    let encoded = |text: &str| text.bytes().any(|b| b == b'%' || b == b'+');
    let (key, value) = match pair.bytes().position(|b| b == b'=') {
        Some(at) => (&pair[..at], &pair[at + 1..]),
        None => (pair, ""),
    };
    if encoded(key) || encoded(value) {
        let (key, value) = form_urlencoded::parse(pair.as_bytes()).next()?;
        return (key == name).then_some(value);
    }
    (key == name).then_some(Cow::Borrowed(value))
}

impl<T: PartialOrd + Display + Serialize> Bound<T> {
    fn new(value: T) -> Self {
        Bound {
            value,
            cmp: |a, b| a.partial_cmp(b),
            show: |v| (v.to_string(), serde_json::to_value(v).unwrap_or(Value::Null)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{query_value, split_ascii};

    #[test]
    fn split_ascii_cuts_where_str_split_does() {
        for text in ["", "&", "a=1", "a=1&b=2", "&&a&", "é=ü&ß", "q=日本&x"] {
            let ours: Vec<&str> = split_ascii(text, b'&').collect();
            let std: Vec<&str> = text.split('&').collect();
            assert_eq!(ours, std, "{text:?}");
        }
    }

    #[test]
    fn query_pairs_split_at_the_first_equals_sign() {
        assert_eq!(query_value("q=a=b", "q").as_deref(), Some("a=b"));
        assert_eq!(query_value("flag", "flag").as_deref(), Some(""));
        assert_eq!(query_value("q=x", "p"), None);
        assert_eq!(query_value("na%6De=caf%C3%A9+au+lait", "name").as_deref(), Some("café au lait"));
    }
}
