use brisk::prelude::*;

#[depends]
async fn twice() -> u32 {
    yield_!(1);
    yield_!(2);
}

#[depends]
async fn in_loop() -> u32 {
    for n in 0..3 {
        yield_!(n);
    }
}

#[depends]
async fn in_closure() -> u32 {
    let provide = |n| yield_!(n);
    provide(1);
}

#[depends]
async fn in_branch(flag: bool) -> u32 {
    if flag {
        yield_!(1);
    }
}

#[depends]
fn not_async() -> u32 {
    yield_!(1);
}

fn main() {}
