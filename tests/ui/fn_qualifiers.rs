use brisk::prelude::*;

#[get("/answer")]
const fn answer() -> &'static str {
    "42"
}

#[get("/raw")]
extern "C" fn raw() -> u8 {
    0
}

#[get("/danger")]
async unsafe fn danger() -> &'static str {
    "careful"
}

fn main() {}
