use brisk::prelude::*;
use brisk::security::{ApiKeyHeader, OAuth2PasswordBearer};

struct NotAKey;

#[get("/stock")]
async fn stock(key: ApiKeyHeader<NotAKey>, token: OAuth2PasswordBearer<NotAKey>) -> String {
    format!("{} {}", key.key, token.token)
}

fn main() {}
