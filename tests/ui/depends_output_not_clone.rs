use brisk::prelude::*;

struct Connection;

#[depends]
async fn get_connection() -> Connection {
    Connection
}

fn main() {}
