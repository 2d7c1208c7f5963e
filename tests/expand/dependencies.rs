// A dependency chain and a route that uses it; see hello.rs for how the
// snapshot test reads these files.
use brisk::prelude::*;

#[depends]
async fn get_db(pool: State<Pool>) -> Result<Session, HttpError> {
    let session = pool.session().await?;
    let outcome = yield_!(session.clone());
    if outcome.is_ok() { session.commit().await } else { session.rollback().await }
}

#[depends]
async fn get_current_user(
    #[header] authorization: String,
    #[depends(get_db)] db: Session,
) -> Result<User, HttpError> {
    db.user_for_token(&authorization).await.ok_or(HttpError::unauthorized("Invalid credentials"))
}

#[depends]
fn audit_log(#[path] user_id: i64) {
    log(user_id)
}

#[post("/users/{user_id}/orders", status_code = 201, dependencies = [audit_log])]
async fn create_order(
    user_id: i64,
    #[depends(get_current_user)] user: User,
    #[depends(get_db, use_cache = false)] db: Session,
) -> Result<Json<Order>, HttpError> {
    db.create_order(user_id, &user).await.map(Json)
}
