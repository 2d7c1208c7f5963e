// A form route; `cargo test -p brisk-macros` expands it and compares the
// result with forms.expanded.rs (BRISK_BLESS=1 rewrites it).
use brisk::prelude::*;

#[post("/login")]
async fn login(#[form] username: String, #[form(min_length = 8)] password: String, #[form] remember: Option<bool>) -> String {
    format!("{username} {} {remember:?}", password.len())
}

#[derive(Deserialize)]
struct Contact {
    email: String,
}

// A form-and-upload route: a text field, a whole model, a file and repeated files.
#[post("/upload")]
async fn upload(
    #[form] description: String,
    #[form] contact: Contact,
    #[file] file: UploadFile,
    #[file(alias = "extra")] extras: Vec<UploadFile>,
) -> String {
    format!("{description} {} {:?} {}", contact.email, file.filename(), extras.len())
}

// A file route: the conditional headers are copied before the handler runs.
#[get("/report")]
async fn report() -> Result<brisk::response::FileResponse, HttpError> {
    brisk::response::FileResponse::open("report.pdf").await.map_err(|_| HttpError::not_found())
}
