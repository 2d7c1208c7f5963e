// Three dependencies in two modules, and one outside the cycle that uses it:
// each member reports the cycle from its own start, the outsider not at all.
use brisk::prelude::*;

mod auth {
    use brisk::prelude::*;

    #[depends]
    pub async fn get_user(#[depends(super::db::get_db)] db: u32) -> u32 {
        db
    }

    #[depends]
    pub async fn get_token(#[depends(get_user)] user: u32) -> u32 {
        user
    }
}

mod db {
    use brisk::prelude::*;

    #[depends]
    pub async fn get_db(#[depends(super::auth::get_token)] token: u32) -> u32 {
        token
    }
}

#[depends]
async fn get_audit(#[depends(auth::get_user)] user: u32) -> u32 {
    user
}

#[get("/audit")]
async fn audit(#[depends(get_audit)] audit: u32) -> String {
    audit.to_string()
}

fn main() {
    let _ = App::new().routes(routes![audit]);
}
