use brisk::prelude::*;

struct UserId {
    value: u64,
}

#[get("/users/{user_id}")]
async fn read_user(user_id: UserId) -> String {
    user_id.value.to_string()
}

fn main() {}
