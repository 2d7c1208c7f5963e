use brisk::prelude::*;

#[get("/items")]
async fn list_items<T: Default + ToString>() -> String {
    T::default().to_string()
}

fn main() {}
