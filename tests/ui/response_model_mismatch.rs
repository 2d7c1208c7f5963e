use brisk::prelude::*;

struct UserRecord {
    name: String,
}

#[derive(Serialize, JsonSchema)]
struct UserOut {
    name: String,
}

// No `From<UserRecord> for UserOut`: the return type cannot convert.
#[get("/users/{name}", response_model = UserOut)]
async fn read_user(name: String) -> Result<UserRecord, HttpError> {
    Ok(UserRecord { name })
}

fn main() {}
