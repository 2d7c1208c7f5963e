use brisk::prelude::*;

struct Signup {
    email: String,
}

#[post("/signup")]
async fn signup(#[form] signup: Signup) -> String {
    signup.email
}

fn main() {}
