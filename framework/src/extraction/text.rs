use std::borrow::Cow;

/// Why a piece of text is not a valid value: a FastAPI error type and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextError {
    /// The error type (`int_parsing`, `float_parsing`, …).
    pub kind: &'static str,
    /// The message shown to the client.
    pub msg: Cow<'static, str>,
}

impl TextError {
    /// An error with this type and message.
    pub fn new(kind: &'static str, msg: impl Into<Cow<'static, str>>) -> Self {
        TextError { kind, msg: msg.into() }
    }
}

/// A value that can be parsed from one piece of text: a path segment, a query
/// value, a header or a cookie.
///
/// ```
/// use brisk::extract::{FromText, TextError};
///
/// #[derive(Debug, PartialEq)]
/// enum Color { Red, Blue }
///
/// impl FromText for Color {
///     fn from_text(text: &str) -> Result<Self, TextError> {
///         match text {
///             "red" => Ok(Color::Red),
///             "blue" => Ok(Color::Blue),
///             _ => Err(TextError::new("enum", "Input should be 'red' or 'blue'")),
///         }
///     }
/// }
///
/// assert_eq!(Color::from_text("red"), Ok(Color::Red));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be parsed from a path, query, header or cookie value",
    label = "not parseable from text",
    note = "use an integer, float, bool, char or String, wrap it in Option<_> or Vec<_>, or implement `brisk::extract::FromText` for `{Self}`"
)]
pub trait FromText: Sized + Send + 'static {
    /// Parses the (already percent-decoded) text.
    fn from_text(text: &str) -> Result<Self, TextError>;
}

impl FromText for String {
    fn from_text(text: &str) -> Result<Self, TextError> {
        Ok(text.to_owned())
    }
}

impl FromText for Box<str> {
    fn from_text(text: &str) -> Result<Self, TextError> {
        Ok(text.into())
    }
}

impl FromText for std::sync::Arc<str> {
    fn from_text(text: &str) -> Result<Self, TextError> {
        Ok(text.into())
    }
}

/// `text` without surrounding whitespace, as `str::trim` has it. Most
/// values have none: when both ends are visible ASCII, the Unicode-aware
/// walk is skipped.
fn trimmed(text: &str) -> &str {
    let visible = |byte: Option<&u8>| byte.is_some_and(u8::is_ascii_graphic);
    match visible(text.as_bytes().first()) && visible(text.as_bytes().last()) {
        true => text,
        false => text.trim(),
    }
}

macro_rules! integers {
    ($($ty:ty),*) => {$(
        impl FromText for $ty {
            fn from_text(text: &str) -> Result<Self, TextError> {
                trimmed(text).parse().map_err(|_| TextError::new(
                    "int_parsing",
                    "Input should be a valid integer, unable to parse string as an integer",
                ))
            }
        }
    )*};
}

integers!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);

macro_rules! floats {
    ($($ty:ty),*) => {$(
        impl FromText for $ty {
            fn from_text(text: &str) -> Result<Self, TextError> {
                trimmed(text).parse().map_err(|_| TextError::new(
                    "float_parsing",
                    "Input should be a valid number, unable to parse string as a number",
                ))
            }
        }
    )*};
}

floats!(f32, f64);

impl FromText for bool {
    /// Accepts the spellings FastAPI accepts: true/false, 1/0, yes/no, on/off, t/f, y/n.
    fn from_text(text: &str) -> Result<Self, TextError> {
        const TRUE: [&str; 6] = ["true", "1", "yes", "on", "t", "y"];
        const FALSE: [&str; 6] = ["false", "0", "no", "off", "f", "n"];
        let text = trimmed(text);
        if TRUE.iter().any(|t| t.eq_ignore_ascii_case(text)) {
            Ok(true)
        } else if FALSE.iter().any(|f| f.eq_ignore_ascii_case(text)) {
            Ok(false)
        } else {
            Err(TextError::new("bool_parsing", "Input should be a valid boolean, unable to interpret input"))
        }
    }
}

impl FromText for char {
    fn from_text(text: &str) -> Result<Self, TextError> {
        let mut chars = text.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => Ok(c),
            _ => Err(TextError::new("string_type", "Input should be a single character")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::trimmed;

    #[test]
    fn trimmed_agrees_with_str_trim() {
        for text in ["", " ", "5", " 5", "5 ", "\t42\n", "\u{a0}7\u{2003}", "a b", "é", " é "] {
            assert_eq!(trimmed(text), text.trim(), "{text:?}");
        }
    }
}
