use brisk::prelude::*;

#[depends]
async fn get_settings(#[depends(get_settings)] settings: u32) -> u32 {
    settings
}

fn main() {}
