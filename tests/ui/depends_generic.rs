use brisk::prelude::*;

#[depends]
async fn get_value<T: Default + Clone + Send + Sync + 'static>() -> T {
    T::default()
}

fn main() {}
