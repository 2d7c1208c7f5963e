use brisk::prelude::*;

#[get("/me")]
async fn me(#[depends(get_curent_user)] user: String) -> String {
    user
}

fn main() {}
