// A documented route; `cargo test -p brisk-macros` expands it and compares
// the result with openapi.expanded.rs (BRISK_BLESS=1 rewrites it).
use brisk::prelude::*;

/// Reads one user's public profile.
#[get(
    "/users/{user_id}",
    response_model = UserOut,
    responses(404 = HttpError),
    tags = ["users"],
    summary = "Read a user",
    operation_id = "readUser",
    deprecated
)]
async fn read_user(
    #[path(ge = 1)] user_id: i64,
    #[query(default = 10, le = 100)] limit: u32,
    credentials: brisk::security::HttpBearer,
) -> Result<UserRecord, HttpError> {
    let _ = (limit, credentials);
    Ok(UserRecord { id: user_id, password_hash: String::new() })
}
