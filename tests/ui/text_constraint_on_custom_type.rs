use brisk::extract::{FromText, TextError};
use brisk::prelude::*;

enum Color {
    Red,
    Blue,
}

impl FromText for Color {
    fn from_text(text: &str) -> Result<Self, TextError> {
        match text {
            "red" => Ok(Color::Red),
            "blue" => Ok(Color::Blue),
            _ => Err(TextError::new("enum", "Input should be 'red' or 'blue'")),
        }
    }
}

#[get("/paint")]
async fn paint(#[query(max_length = 4)] color: Color) -> &'static str {
    match color {
        Color::Red => "red",
        Color::Blue => "blue",
    }
}

fn main() {}
