use brisk::prelude::*;

#[derive(Clone)]
struct Session;

#[depends]
async fn get_db() -> Result<Session, HttpError> {
    Ok(Session)
}

#[get("/me")]
async fn me(#[depends(get_db)] db: String) -> String {
    db
}

fn main() {}
