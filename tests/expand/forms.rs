// A form route; `cargo test -p brisk-macros` expands it and compares the
// result with forms.expanded.rs (BRISK_BLESS=1 rewrites it).
use brisk::prelude::*;

#[post("/login")]
async fn login(#[form] username: String, #[form(min_length = 8)] password: String, #[form] remember: Option<bool>) -> String {
    format!("{username} {} {remember:?}", password.len())
}
