use brisk::prelude::*;

#[get("/echo")]
async fn echo(first: Request, second: Request) -> String {
    format!("{} {}", first.uri(), second.uri())
}

fn main() {}
