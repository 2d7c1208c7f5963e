use brisk::prelude::*;

#[get("/{user_id}")]
async fn get_user(user_id: u64) -> String {
    user_id.to_string()
}

fn main() {
    let prefix = String::from("/users");
    let _ = Router::new().prefix(prefix).routes(routes![get_user]);
}
