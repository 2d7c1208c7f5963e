//! The orders app: every phase of brisk around a real SQLite database.
//!
//! - lifespan: opens the database, creates the tables, seeds two users;
//! - middleware: CORS for https://yourapp.com, then a timing layer;
//! - dependencies: `get_db` (one connection and transaction per request,
//!   committed or rolled back by its teardown when the handler returns) and
//!   `get_current_user`;
//! - a background task writes the welcome email after `POST /users`;
//! - an exception handler answers `InsufficientFunds` with a 402.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use brisk::Cors;
use brisk::middleware::Next;
use brisk::prelude::*;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Value, json};
use validator::Validate;

/// Where the database lives; handlers open connections from it.
pub struct Database {
    path: PathBuf,
}

impl Database {
    fn connect(&self) -> rusqlite::Result<Connection> {
        let connection = Connection::open(&self.path)?;
        // Concurrent requests wait for the writer instead of failing.
        connection.busy_timeout(std::time::Duration::from_secs(10))?;
        Ok(connection)
    }
}

fn database_error(err: rusqlite::Error) -> HttpError {
    tracing::error!(error = %err, "database error");
    HttpError::internal()
}

/// Opens the database, creates the tables if missing and seeds the users
/// (idempotently, so the data survives restarts).
fn prepare(path: &std::path::Path) -> rusqlite::Result<Database> {
    let database = Database { path: path.to_path_buf() };
    let connection = database.connect()?;
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.execute_batch(
        "CREATE TABLE IF NOT EXISTS users (
             id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL UNIQUE,
             token TEXT UNIQUE, balance REAL NOT NULL DEFAULT 0);
         CREATE TABLE IF NOT EXISTS orders (
             id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, product_id INTEGER NOT NULL,
             quantity INTEGER NOT NULL, source TEXT);
         CREATE TABLE IF NOT EXISTS outbox (
             id INTEGER PRIMARY KEY, email TEXT NOT NULL, subject TEXT NOT NULL);
         INSERT OR IGNORE INTO users (id, name, email, token, balance)
             VALUES (1, 'alice', 'alice@example.com', 'alice-token', 100.0),
                    (2, 'bob', 'bob@example.com', 'bob-token', 5.0);",
    )?;
    Ok(database)
}

/// One connection and one transaction for the whole request, shared by
/// every dependency and the handler.
#[derive(Clone)]
pub struct Session(Arc<Mutex<Connection>>);

impl Session {
    fn run<T>(&self, query: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T, HttpError> {
        let connection = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        query(&connection).map_err(database_error)
    }
}

/// Function scope: the transaction commits (or rolls back) as soon as the
/// handler returns, before the response goes out, so a client that reads
/// right after a write sees it, and the write lock is never held while a
/// response is still on the wire.
#[depends(scope = "function")]
async fn get_db(database: State<Database>) -> Result<Session, HttpError> {
    let connection = database.connect().map_err(database_error)?;
    // IMMEDIATE takes the write lock up front, so concurrent writers queue
    // (busy_timeout) instead of failing halfway.
    connection.execute_batch("BEGIN IMMEDIATE").map_err(database_error)?;
    let session = Session(Arc::new(Mutex::new(connection)));
    let outcome = yield_!(session.clone());
    let end = if outcome.is_ok() { "COMMIT" } else { "ROLLBACK" };
    session.run(|connection| connection.execute_batch(end))
}

#[derive(Clone, Debug)]
struct User {
    id: i64,
    balance: f64,
}

fn invalid_credentials() -> HttpError {
    HttpError::unauthorized("Invalid credentials").with_header("www-authenticate", "Bearer")
}

#[depends]
async fn get_current_user(
    #[header] authorization: Option<String>,
    #[depends(get_db)] db: Session,
) -> Result<User, HttpError> {
    let token = authorization
        .as_deref()
        .and_then(|value| value.strip_prefix("Bearer "))
        .ok_or_else(invalid_credentials)?
        .trim()
        .to_owned();
    let user = db.run(|connection| {
        connection
            .query_row("SELECT id, balance FROM users WHERE token = ?1", params![token], |row| {
                Ok(User { id: row.get(0)?, balance: row.get(1)? })
            })
            .optional()
    })?;
    user.ok_or_else(invalid_credentials)
}

#[derive(Serialize)]
struct OrderOut {
    id: i64,
    product_id: i64,
    quantity: i64,
    source: Option<String>,
}

#[get("/orders")]
async fn list_orders(
    #[depends(get_current_user)] user: User,
    #[depends(get_db)] db: Session,
) -> Result<Json<Vec<OrderOut>>, HttpError> {
    let orders = db.run(|connection| {
        let mut statement = connection
            .prepare("SELECT id, product_id, quantity, source FROM orders WHERE user_id = ?1 ORDER BY id")?;
        let rows = statement.query_map(params![user.id], |row| {
            Ok(OrderOut {
                id: row.get(0)?,
                product_id: row.get(1)?,
                quantity: row.get(2)?,
                source: row.get(3)?,
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
    })?;
    Ok(Json(orders))
}

#[derive(Deserialize, Serialize, Validate)]
struct OrderCreate {
    product_id: i64,
    #[validate(range(min = 1, max = 100))]
    quantity: u32,
}

/// Places an order for the user in the path (no credentials needed: the
/// path names the user; `GET /orders` is where credentials matter).
#[post("/users/{user_id}/orders", status_code = 201)]
async fn create_order(
    user_id: i64,
    source: Option<String>,
    #[body] order: OrderCreate,
    #[depends(get_db)] db: Session,
    request: Request,
) -> Result<Json<Value>, HttpError> {
    let (product_id, quantity) = (order.product_id, order.quantity);
    db.run(|connection| {
        connection.execute(
            "INSERT INTO orders (user_id, product_id, quantity, source) VALUES (?1, ?2, ?3, ?4)",
            params![user_id, product_id, quantity, source],
        )
    })?;
    let ip = request.client_addr().map(|addr| addr.ip().to_string());
    Ok(Json(json!({ "user_id": user_id, "order": order, "ip": ip, "source": source })))
}

/// The public view of a user: no email (the response model leaves it out).
#[derive(Serialize)]
struct UserOut {
    id: i64,
    name: String,
}

#[get("/users/{id}")]
async fn get_user(id: i64, #[depends(get_db)] db: Session) -> Result<Json<UserOut>, HttpError> {
    let user = db.run(|connection| {
        connection
            .query_row("SELECT id, name FROM users WHERE id = ?1", params![id], |row| {
                Ok(UserOut { id: row.get(0)?, name: row.get(1)? })
            })
            .optional()
    })?;
    user.map(Json).ok_or_else(|| HttpError::new(StatusCode::NOT_FOUND, "User not found"))
}

#[derive(Deserialize, Validate)]
struct UserCreate {
    #[validate(length(min = 1, max = 100))]
    name: String,
    #[validate(email)]
    email: String,
}

#[post("/users", status_code = 201)]
async fn create_user(
    #[body] user: UserCreate,
    #[depends(get_db)] db: Session,
    database: State<Database>,
    tasks: BackgroundTasks,
) -> Result<Json<UserOut>, HttpError> {
    let (name, email) = (user.name, user.email);
    let id = db.run(|connection| {
        connection.execute("INSERT INTO users (name, email) VALUES (?1, ?2)", params![name, email])?;
        Ok(connection.last_insert_rowid())
    })?;
    let subject = format!("Welcome, {name}!");
    // After the response, and after this request's transaction has committed.
    tasks.add_blocking(move || {
        let connection = database.connect()?;
        connection.execute("INSERT INTO outbox (email, subject) VALUES (?1, ?2)", params![email, subject])
    });
    Ok(Json(UserOut { id, name }))
}

#[derive(Serialize)]
struct Mail {
    email: String,
    subject: String,
}

#[get("/outbox")]
async fn outbox(#[depends(get_db)] db: Session) -> Result<Json<Vec<Mail>>, HttpError> {
    let mails = db.run(|connection| {
        let mut statement = connection.prepare("SELECT email, subject FROM outbox ORDER BY id")?;
        let rows = statement.query_map([], |row| Ok(Mail { email: row.get(0)?, subject: row.get(1)? }))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
    })?;
    Ok(Json(mails))
}

/// Raised when a purchase costs more than the balance; answered by its own handler.
#[derive(Debug)]
pub struct InsufficientFunds {
    balance: f64,
    required: f64,
}

#[derive(Debug)]
enum PurchaseError {
    Funds(InsufficientFunds),
    Http(HttpError),
}

#[exception_handler]
async fn insufficient_funds(_request: &Request, err: InsufficientFunds) -> Response {
    let body = json!({ "error": "insufficient_funds", "balance": err.balance, "required": err.required });
    (StatusCode::PAYMENT_REQUIRED, Json(body)).into_response()
}

#[exception_handler]
async fn purchase_errors(request: &Request, err: PurchaseError) -> Response {
    match err {
        PurchaseError::Funds(funds) => insufficient_funds(request, funds).await,
        PurchaseError::Http(http) => http.into_response(),
    }
}

const PRICES: [(i64, f64); 2] = [(1, 10.0), (2, 50.0)];

#[post("/purchase")]
async fn purchase(
    item_id: i64,
    #[depends(get_current_user)] user: User,
    #[depends(get_db)] db: Session,
) -> Result<Json<Value>, PurchaseError> {
    let Some((_, price)) = PRICES.iter().find(|(id, _)| *id == item_id) else {
        return Err(PurchaseError::Http(HttpError::new(StatusCode::NOT_FOUND, "Item not found")));
    };
    if user.balance < *price {
        return Err(PurchaseError::Funds(InsufficientFunds { balance: user.balance, required: *price }));
    }
    let balance = user.balance - price;
    db.run(|connection| {
        connection.execute("UPDATE users SET balance = ?1 WHERE id = ?2", params![balance, user.id])
    })
    .map_err(PurchaseError::Http)?;
    Ok(Json(json!({ "balance": balance })))
}

#[middleware]
async fn timing(request: Request, next: Next) -> Response {
    let start = Instant::now();
    let mut response = next.run(request).await;
    let elapsed = format!("{:.3}", start.elapsed().as_secs_f64() * 1000.0);
    if let Ok(value) = HeaderValue::from_str(&elapsed) {
        response.headers_mut().insert("x-process-time", value);
    }
    response
}

/// Opens (or creates) the database before the first request; nothing to
/// close afterwards, as connections live per request.
#[lifespan]
async fn lifespan(path: PathBuf) -> Result<AppState, rusqlite::Error> {
    let database = prepare(&path)?;
    yield_!(AppState::new().with(database));
    tracing::info!(path = %path.display(), "database closed");
}

/// The app on the SQLite database at `path` (created if missing).
pub fn app(path: impl Into<PathBuf>) -> App {
    App::new()
        .lifespan(lifespan(path.into()))
        .middleware(Cors::new().allow_origin("https://yourapp.com").allow_any_method().allow_any_header())
        .middleware(timing)
        .exception_handler(insufficient_funds)
        .exception_handler(purchase_errors)
        .routes(routes![list_orders, create_order, get_user, create_user, outbox, purchase])
}
