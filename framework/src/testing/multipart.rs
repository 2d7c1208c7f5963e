//! `multipart/form-data` bodies for tests, as a browser's form with file
//! inputs posts them.

use bytes::Bytes;

/// A `multipart/form-data` body for [`TestRequest::multipart`](super::TestRequest::multipart):
/// text fields and files, in the order added.
///
/// ```
/// use brisk::prelude::*;
/// use brisk::testing::{MultipartForm, TestClient};
///
/// #[post("/upload")]
/// async fn upload(#[form] description: String, #[file] file: UploadFile) -> String {
///     format!("{description}: {:?} ({} bytes)", file.filename(), file.size())
/// }
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let client = TestClient::new(App::new().routes(routes![upload]));
/// let form = MultipartForm::new().text("description", "notes").file("file", "a.txt", "text/plain", "hello");
/// let response = client.post("/upload").multipart(form).send().await;
/// assert_eq!(response.text(), r#"notes: Some("a.txt") (5 bytes)"#);
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct MultipartForm {
    boundary: String,
    body: Vec<u8>,
}

impl Default for MultipartForm {
    fn default() -> Self {
        MultipartForm::new()
    }
}

impl MultipartForm {
    /// An empty form.
    pub fn new() -> Self {
        MultipartForm { boundary: "brisk-test-boundary-7MA4YWxkTrZu0gW".to_owned(), body: Vec::new() }
    }

    /// Adds a text field.
    pub fn text(mut self, name: &str, value: impl AsRef<str>) -> Self {
        self.part(&format!("form-data; name=\"{}\"", quote(name)), None);
        self.body.extend_from_slice(value.as_ref().as_bytes());
        self.body.extend_from_slice(b"\r\n");
        self
    }

    /// Adds a file with its name, content type and content.
    pub fn file(mut self, name: &str, filename: &str, content_type: &str, content: impl AsRef<[u8]>) -> Self {
        let disposition = format!("form-data; name=\"{}\"; filename=\"{}\"", quote(name), quote(filename));
        self.part(&disposition, Some(content_type));
        self.body.extend_from_slice(content.as_ref());
        self.body.extend_from_slice(b"\r\n");
        self
    }

    /// The `Content-Type` header for this body, with its boundary.
    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    /// The encoded body, closing boundary included.
    pub fn into_bytes(mut self) -> Bytes {
        self.body.extend_from_slice(format!("--{}--\r\n", self.boundary).as_bytes());
        self.body.into()
    }

    fn part(&mut self, disposition: &str, content_type: Option<&str>) {
        self.body.extend_from_slice(format!("--{}\r\n", self.boundary).as_bytes());
        self.body.extend_from_slice(format!("Content-Disposition: {disposition}\r\n").as_bytes());
        if let Some(content_type) = content_type {
            self.body.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
        }
        self.body.extend_from_slice(b"\r\n");
    }
}

/// Quotes as browsers do (the HTML standard's multipart encoding): `"` and
/// line breaks percent-encoded.
fn quote(text: &str) -> String {
    text.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A")
}
