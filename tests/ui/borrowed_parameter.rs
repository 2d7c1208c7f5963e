use brisk::prelude::*;

#[get("/users/{name}")]
async fn read_user(name: &str, #[header] user_agent: &str) -> String {
    format!("{name} {user_agent}")
}

fn main() {
    let _ = App::new().routes(routes![read_user]);
}
