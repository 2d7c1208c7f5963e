use brisk::prelude::*;

#[depends]
struct Session;

fn main() {}
