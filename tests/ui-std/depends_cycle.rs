use brisk::prelude::*;

#[depends]
async fn get_a(#[depends(get_b)] b: u32) -> u32 {
    b + 1
}

#[depends]
async fn get_b(#[depends(get_a)] a: u32) -> u32 {
    a + 1
}

#[get("/cycle")]
async fn cycle(#[depends(get_a)] a: u32) -> String {
    a.to_string()
}

fn main() {
    let _ = App::new().routes(routes![cycle]);
}
