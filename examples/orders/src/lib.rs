//! The orders app: every phase of brisk around a real database, SQLite by
//! default or PostgreSQL, through one async pool.
//!
//! - lifespan: opens the pool, applies the migrations under `migrations/`,
//!   and closes the pool after the last request;
//! - routers: `/users` and `/orders` (whose routes all need credentials);
//! - middleware: request ids (tower-http's layers, as they come), CORS for
//!   https://yourapp.com, then a timing layer;
//! - dependencies: `get_db` (one pooled connection and one transaction per
//!   request, committed or rolled back by its teardown when the handler
//!   returns) and `get_current_user`;
//! - a background task writes the welcome email after `POST /users`;
//! - an exception handler answers `InsufficientFunds` with a 402;
//! - streamed responses: a CSV export and server-sent events of new orders;
//! - uploads: `POST /upload` stores a file in the upload folder, spooled
//!   to disk as it arrives, never held whole in memory;
//! - the `static/` folder at `/static`;
//! - a WebSocket at `/ws/orders` that pushes each new order to its owner's
//!   open sockets (a broadcast channel in the app state);
//! - the OpenAPI document at `/openapi.json`, browsable at `/docs` (Swagger
//!   UI) and `/redoc`: every model derives `JsonSchema`, so each route's
//!   body and response is described, with the same constraints the 422s
//!   enforce, and `get_current_user` takes an `HttpBearer`, so the docs'
//!   Authorize button works.
//!
//! Every query is `async` (sqlx): no handler or dependency blocks the
//! executor while the database works or waits for a lock.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use brisk::middleware::Next;
use brisk::prelude::*;
use brisk::response::{Event, EventStream, StreamingResponse};
use brisk::routing::StaticFiles;
use brisk::security::HttpBearer;
use brisk::websocket::{Message, WebSocket};
use brisk::{Cors, MultipartLimits};
use futures_util::StreamExt;
use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;
use sqlx::{Any, AnyConnection, AnyPool, Transaction};
use tokio::sync::{Mutex, MutexGuard};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use validator::Validate;

/// The same schema for each backend; the queries below run on both.
static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// How the app reaches its database.
#[derive(Clone, Debug)]
pub struct Settings {
    /// `sqlite://orders.db?mode=rwc` (the file is created if missing) or
    /// `postgres://user:password@host/database`.
    pub database_url: String,
    /// The pool's size: at most this many requests hold a connection at once;
    /// the others wait for one (asynchronously).
    pub max_connections: u32,
    /// Where `POST /upload` stores files; made at startup if missing.
    pub upload_dir: PathBuf,
    /// The largest file `POST /upload` accepts, in bytes (413 beyond).
    pub max_upload_size: u64,
}

impl Settings {
    /// The default database: `orders.db` in the working directory.
    pub const DEFAULT_DATABASE_URL: &str = "sqlite://orders.db?mode=rwc";

    /// The largest upload by default: 1 GiB.
    pub const DEFAULT_MAX_UPLOAD_SIZE: u64 = 1024 * 1024 * 1024;

    /// `database_url` with a pool of 10 connections, uploads stored in
    /// `orders-uploads` under the system's temporary directory.
    pub fn new(database_url: impl Into<String>) -> Self {
        Settings {
            database_url: database_url.into(),
            max_connections: 10,
            upload_dir: std::env::temp_dir().join("orders-uploads"),
            max_upload_size: Self::DEFAULT_MAX_UPLOAD_SIZE,
        }
    }

    /// `DATABASE_URL` (default [`Settings::DEFAULT_DATABASE_URL`]),
    /// `DATABASE_MAX_CONNECTIONS` (default 10; a whole number from 1 up, or
    /// an error that names the variable) and `UPLOAD_DIR` (default as in
    /// [`Settings::new`]).
    pub fn from_env() -> Result<Self, String> {
        let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| Self::DEFAULT_DATABASE_URL.to_owned());
        let mut settings = Settings::new(url);
        if let Some(dir) = std::env::var_os("UPLOAD_DIR") {
            settings.upload_dir = dir.into();
        }
        if let Ok(max) = std::env::var("DATABASE_MAX_CONNECTIONS") {
            settings.max_connections = match max.parse() {
                Ok(max) if max >= 1 => max,
                _ => {
                    return Err(format!(
                        "DATABASE_MAX_CONNECTIONS must be a whole number from 1 up, not {max:?}"
                    ));
                }
            };
        }
        Ok(settings)
    }
}

/// The pool, shared by every request of this process.
#[derive(Clone)]
pub struct Database {
    pool: AnyPool,
    sqlite: bool,
}

impl Database {
    /// Connects and brings the schema up to date. Several processes may
    /// start at once against one PostgreSQL: sqlx's migrator takes a lock,
    /// so each migration is applied exactly once.
    async fn open(settings: &Settings) -> Result<Database, sqlx::Error> {
        if settings.max_connections == 0 {
            return Err(sqlx::Error::Configuration("the pool needs at least one connection".into()));
        }
        sqlx::any::install_default_drivers();
        let sqlite = settings.database_url.starts_with("sqlite:");
        let pool = AnyPoolOptions::new()
            .max_connections(settings.max_connections)
            .after_connect(move |connection, _| {
                Box::pin(async move {
                    if sqlite {
                        // A writer waits up to 30 s for the write lock (on
                        // sqlx's worker thread, not the executor) instead
                        // of failing at sqlx's default of 5 s.
                        sqlx::query("PRAGMA busy_timeout = 30000").execute(&mut *connection).await?;
                    }
                    Ok(())
                })
            })
            .connect(&settings.database_url)
            .await?;
        if sqlite {
            // Readers never wait for the writer; the setting is kept in the file.
            sqlx::query("PRAGMA journal_mode = WAL").execute(&pool).await?;
            SQLITE_MIGRATIONS.run(&pool).await?;
        } else {
            POSTGRES_MIGRATIONS.run(&pool).await?;
        }
        Ok(Database { pool, sqlite })
    }

    /// A transaction. On SQLite, one that may write takes the write lock up
    /// front (`BEGIN IMMEDIATE`), so concurrent writers queue for it instead
    /// of failing when a read inside the transaction would have to be
    /// upgraded; a read-only one starts a plain snapshot and never waits.
    async fn begin(&self, read_only: bool) -> Result<Transaction<'static, Any>, sqlx::Error> {
        if self.sqlite && !read_only {
            self.pool.begin_with("BEGIN IMMEDIATE").await
        } else {
            self.pool.begin().await
        }
    }
}

fn database_error(err: sqlx::Error) -> HttpError {
    // SQLSTATE class 22, "data exception": input the database refuses to
    // store (PostgreSQL takes no NUL in text). The client's mistake, not ours.
    if let Some(code) = err.as_database_error().and_then(|db| db.code())
        && code.starts_with("22")
    {
        return HttpError::bad_request("The database cannot store this input");
    }
    tracing::error!(error = %err, "database error");
    HttpError::internal()
}

/// One pooled connection and one transaction for the whole request, shared
/// by every dependency and the handler (FastAPI's per-request cache hands
/// each the same `Session`).
#[derive(Clone)]
pub struct Session(Arc<Mutex<Option<Transaction<'static, Any>>>>);

impl Session {
    /// The transaction's connection, to run queries on (`&mut *connection`).
    /// One holder at a time: keep the guard for a run of queries, and drop
    /// it before asking again (a second call while holding it would wait
    /// for itself).
    async fn connection(&self) -> Result<tokio::sync::MappedMutexGuard<'_, AnyConnection>, HttpError> {
        MutexGuard::try_map(self.0.lock().await, |transaction| transaction.as_deref_mut()).map_err(|_| {
            tracing::error!("the request's transaction has already ended");
            HttpError::internal()
        })
    }
}

/// Whether the request only reads: `GET` and `HEAD` are safe methods (RFC 9110).
#[depends]
async fn read_only(request: &Request) -> bool {
    matches!(*request.method(), Method::GET | Method::HEAD)
}

/// Function scope: the transaction commits (or rolls back) as soon as the
/// handler returns, before the response goes out, so a client that reads
/// right after a write sees it, no lock is held while a response is still
/// on the wire, and a commit that fails answers 500 in place of the
/// handler's response: a client is never told a write succeeded when it
/// did not.
#[depends(scope = "function")]
async fn get_db(
    database: State<Database>,
    #[depends(read_only)] read_only: bool,
) -> Result<Session, HttpError> {
    let transaction = database.begin(read_only).await.map_err(database_error)?;
    let session = Session(Arc::new(Mutex::new(Some(transaction))));
    let outcome = yield_!(session.clone());
    let Some(transaction) = session.0.lock().await.take() else {
        return Ok(());
    };
    let end = if outcome.is_ok() { transaction.commit().await } else { transaction.rollback().await };
    end.map_err(database_error)
}

#[derive(Clone, Debug)]
struct User {
    id: i64,
}

fn invalid_credentials() -> HttpError {
    HttpError::unauthorized("Invalid credentials").with_header("www-authenticate", "Bearer")
}

/// The user whose token the request carries. `HttpBearer` answers 401 `Not
/// authenticated` without an `Authorization: Bearer …` header; a token no
/// user has is 401 `Invalid credentials`.
#[depends]
async fn get_current_user(
    credentials: HttpBearer,
    #[depends(get_db)] db: Session,
) -> Result<User, HttpError> {
    let user: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE token = $1")
        .bind(credentials.credentials)
        .fetch_optional(&mut *db.connection().await?)
        .await
        .map_err(database_error)?;
    user.map(|(id,)| User { id }).ok_or_else(invalid_credentials)
}

/// Where to read about the API.
#[derive(Serialize, JsonSchema)]
struct Index {
    name: &'static str,
    /// Swagger UI, which can also call every route.
    docs: &'static str,
    redoc: &'static str,
    openapi: &'static str,
    /// Each route, in a line.
    endpoints: std::collections::BTreeMap<&'static str, &'static str>,
}

/// A short index of the API; `/docs` describes it in full.
#[get("/")]
async fn index() -> Json<Index> {
    let endpoints = [
        ("GET /users/{id}", "a user's public profile"),
        ("POST /users", "create a user: {name, email}; a welcome email follows"),
        ("POST /users/{user_id}/orders", "place an order: {product_id, quantity}, ?source= (default web)"),
        ("GET /users/{id}/export", "a user's orders as CSV, streamed as the database reads them"),
        ("GET /orders", "the caller's orders (Authorization: Bearer <token>)"),
        ("GET /orders/events", "the caller's new orders as server-sent events (Last-Event-ID resumes)"),
        ("POST /purchase?item_id=", "buy item 1 or 2 from the caller's balance"),
        ("GET /outbox", "the emails sent so far"),
        ("POST /upload", "multipart form: description and file; stored in the upload folder"),
        ("GET /static/", "the example's static files (static/)"),
        (
            "GET /ws/orders",
            "WebSocket: the caller's new orders as they are stored (?token= or Authorization)",
        ),
    ];
    Json(Index {
        name: "orders",
        docs: "/docs",
        redoc: "/redoc",
        openapi: "/openapi.json",
        endpoints: endpoints.into_iter().collect(),
    })
}

/// An order as the queries read it: id, product id, quantity, source.
type OrderRow = (i64, i64, i64, Option<String>);

#[derive(Clone, Debug, Serialize, JsonSchema)]
struct OrderOut {
    id: i64,
    product_id: i64,
    quantity: i64,
    source: Option<String>,
}

/// Lists the caller's orders (the router checked the credentials already:
/// the `User` here is the one it resolved, from the request's cache).
#[get("/")]
async fn list_orders(
    #[depends(get_current_user)] user: User,
    #[depends(get_db)] db: Session,
) -> Result<Json<Vec<OrderOut>>, HttpError> {
    let rows: Vec<OrderRow> =
        sqlx::query_as("SELECT id, product_id, quantity, source FROM orders WHERE user_id = $1 ORDER BY id")
            .bind(user.id)
            .fetch_all(&mut *db.connection().await?)
            .await
            .map_err(database_error)?;
    let orders = rows
        .into_iter()
        .map(|(id, product_id, quantity, source)| OrderOut { id, product_id, quantity, source })
        .collect();
    Ok(Json(orders))
}

#[derive(Deserialize, Serialize, Validate, JsonSchema)]
struct OrderCreate {
    product_id: i64,
    #[validate(range(min = 1, max = 100))]
    quantity: u32,
}

fn user_not_found() -> HttpError {
    HttpError::new(StatusCode::NOT_FOUND, "User not found")
}

/// New orders, announced to the sockets of `GET /ws/orders` once stored:
/// each message is the owner's id and the order.
#[derive(Clone)]
pub struct OrderFeed(tokio::sync::broadcast::Sender<(i64, OrderOut)>);

impl OrderFeed {
    /// A feed that keeps the last 256 orders for a socket that falls behind.
    fn new() -> Self {
        OrderFeed(tokio::sync::broadcast::channel(256).0)
    }
}

/// A stored order, as `POST /users/{user_id}/orders` answers it.
#[derive(Serialize, JsonSchema)]
struct OrderCreated {
    user_id: i64,
    order: OrderCreate,
    /// The client's address, when the server knows it.
    ip: Option<String>,
    source: String,
}

/// Places an order for the user in the path (no credentials needed: the
/// path names the user; `GET /orders` is where credentials matter).
#[post("/{user_id}/orders", status_code = 201, responses(404 = HttpError))]
async fn create_order(
    user_id: i64,
    #[query(default = "web", max_length = 50, pattern = "^[^\\x00]*$")] source: String,
    #[body] order: OrderCreate,
    #[depends(get_db)] db: Session,
    feed: State<OrderFeed>,
    tasks: BackgroundTasks,
    request: Request,
) -> Result<Json<OrderCreated>, HttpError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO orders (user_id, product_id, quantity, source) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(user_id)
    .bind(order.product_id)
    .bind(i64::from(order.quantity))
    .bind(&source)
    .fetch_one(&mut *db.connection().await?)
    .await
    .map_err(|err| match err.as_database_error() {
        Some(db) if db.is_foreign_key_violation() => user_not_found(),
        _ => database_error(err),
    })?;
    // Announced after the response, so after `get_db` has committed (it
    // is function-scoped), and only if the request succeeded: a socket
    // never hears of an order the database does not have.
    let stored = OrderOut {
        id,
        product_id: order.product_id,
        quantity: i64::from(order.quantity),
        source: Some(source.clone()),
    };
    let feed = (*feed).clone();
    tasks.add_task(async move {
        // No socket listening is no error.
        let _ = feed.0.send((user_id, stored));
    });
    let ip = request.client_addr().map(|addr| addr.ip().to_string());
    Ok(Json(OrderCreated { user_id, order, ip, source }))
}

/// The public view of a user: no email (the response model leaves it out).
#[derive(Serialize, JsonSchema)]
struct UserOut {
    id: i64,
    name: String,
}

/// A user as stored, email included.
struct UserRow {
    id: i64,
    name: String,
    #[expect(dead_code, reason = "read with the row, and kept from the client by `UserOut`")]
    email: String,
}

impl From<UserRow> for UserOut {
    fn from(row: UserRow) -> Self {
        // The email stays on the server.
        UserOut { id: row.id, name: row.name }
    }
}

/// A user's public profile: `UserOut`, whatever the row holds.
#[get("/{id}", response_model = UserOut, responses(404 = HttpError))]
async fn get_user(id: i64, #[depends(get_db)] db: Session) -> Result<UserRow, HttpError> {
    let user: Option<(i64, String, String)> =
        sqlx::query_as("SELECT id, name, email FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *db.connection().await?)
            .await
            .map_err(database_error)?;
    user.map(|(id, name, email)| UserRow { id, name, email }).ok_or_else(user_not_found)
}

/// A CSV field: quoted when it holds a comma, a quote or a line break
/// (RFC 4180), with quotes doubled.
fn csv_field(text: &str) -> std::borrow::Cow<'_, str> {
    match text.contains([',', '"', '\n', '\r']) {
        true => format!("\"{}\"", text.replace('"', "\"\"")).into(),
        false => text.into(),
    }
}

/// The user's orders as CSV, streamed row by row while the database reads
/// them: the process holds a few rows, however many orders there are.
///
/// It reads through the pool, not the request's `get_db` transaction: that
/// one ends when the handler returns, and the rows are still being sent
/// after that. A task reads them into a short channel; when the client
/// goes away, the channel closes and the task stops reading.
#[get("/{id}/export", responses(404 = HttpError))]
async fn export_orders(id: i64, database: State<Database>) -> Result<StreamingResponse, HttpError> {
    // Checked first: once the stream starts, the 200 has gone out.
    let user: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(&database.pool)
        .await
        .map_err(database_error)?;
    if user.is_none() {
        return Err(user_not_found());
    }
    let (rows, mut received) = tokio::sync::mpsc::channel::<Result<String, sqlx::Error>>(16);
    let pool = database.pool.clone();
    tokio::spawn(async move {
        if rows.send(Ok("id,product_id,quantity,source\n".to_owned())).await.is_err() {
            return;
        }
        let mut read = sqlx::query_as::<_, OrderRow>(
            "SELECT id, product_id, quantity, source FROM orders WHERE user_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch(&pool);
        while let Some(row) = read.next().await {
            let line = row.map(|(id, product_id, quantity, source)| {
                format!("{id},{product_id},{quantity},{}\n", csv_field(source.as_deref().unwrap_or("")))
            });
            let failed = line.is_err();
            if rows.send(line).await.is_err() || failed {
                return;
            }
        }
    });
    let body = futures_util::stream::poll_fn(move |cx| received.poll_recv(cx))
        .map(|line| line.map(bytes::Bytes::from));
    Ok(StreamingResponse::new(body)
        .media_type("text/csv; charset=utf-8")
        .header("content-disposition", &format!("attachment; filename=user-{id}.csv")))
}

/// How often `GET /orders/events` looks for new orders.
const EVENTS_POLL: std::time::Duration = std::time::Duration::from_millis(500);

/// The caller's new orders, as server-sent events (`event: order`, the
/// order's id as the event id, the order as JSON).
///
/// It polls the database rather than listening inside this process, so it
/// sees the orders placed through every process on the same database. A
/// browser that reconnects sends `Last-Event-ID` and gets what it missed;
/// without one, the stream starts after the newest order.
#[get("/events")]
async fn order_events(
    #[depends(get_current_user)] user: User,
    database: State<Database>,
    #[header] last_event_id: Option<i64>,
) -> Result<EventStream, HttpError> {
    let after = match last_event_id {
        Some(id) => id,
        None => {
            let newest: (Option<i64>,) = sqlx::query_as("SELECT MAX(id) FROM orders WHERE user_id = $1")
                .bind(user.id)
                .fetch_one(&database.pool)
                .await
                .map_err(database_error)?;
            newest.0.unwrap_or(0)
        }
    };
    let pool = database.pool.clone();
    let waiting = std::collections::VecDeque::new();
    let events = futures_util::stream::unfold((after, waiting), move |(mut after, mut waiting)| {
        let pool = pool.clone();
        async move {
            loop {
                if let Some((id, product_id, quantity, source)) = waiting.pop_front() {
                    let order = OrderOut { id, product_id, quantity, source };
                    let event = Event::json(&order).map(|event| event.event("order").id(id.to_string()));
                    return Some((event.map_err(sqlx::Error::decode), (after, waiting)));
                }
                tokio::time::sleep(EVENTS_POLL).await;
                let rows: Result<Vec<OrderRow>, sqlx::Error> = sqlx::query_as(
                    "SELECT id, product_id, quantity, source FROM orders WHERE user_id = $1 AND id > $2 ORDER BY id",
                )
                .bind(user.id)
                .bind(after)
                .fetch_all(&pool)
                .await;
                match rows {
                    Ok(rows) => {
                        after = rows.last().map_or(after, |row| row.0);
                        waiting.extend(rows);
                    }
                    // Ends the stream, logged; the browser reconnects with its last id.
                    Err(err) => return Some((Err(err), (after, waiting))),
                }
            }
        }
    });
    Ok(EventStream::new(events))
}

#[derive(Deserialize, Validate, JsonSchema)]
struct UserCreate {
    // A custom check says nothing to the document: the pattern says it.
    #[validate(length(min = 1, max = 100), custom(function = "no_nul"))]
    #[schemars(pattern(r"^[^\u0000]*$"))]
    name: String,
    #[validate(email)]
    email: String,
}

/// Text PostgreSQL can store (SQLite could, but one app, one rule).
fn no_nul(text: &str) -> Result<(), validator::ValidationError> {
    match text.contains('\0') {
        true => {
            Err(validator::ValidationError::new("no_nul")
                .with_message("must not contain NUL characters".into()))
        }
        false => Ok(()),
    }
}

#[post("/", status_code = 201, responses(409 = HttpError))]
async fn create_user(
    #[body] user: UserCreate,
    #[depends(get_db)] db: Session,
    database: State<Database>,
    tasks: BackgroundTasks,
) -> Result<Json<UserOut>, HttpError> {
    let (name, email) = (user.name, user.email);
    let subject = format!("Welcome, {name}!");
    let mut connection = db.connection().await?;
    let (id,): (i64,) = sqlx::query_as("INSERT INTO users (name, email) VALUES ($1, $2) RETURNING id")
        .bind(&name)
        .bind(&email)
        .fetch_one(&mut *connection)
        .await
        .map_err(|err| match err.as_database_error() {
            Some(db) if db.is_unique_violation() => {
                HttpError::new(StatusCode::CONFLICT, "Email already registered")
            }
            _ => database_error(err),
        })?;
    // The email is queued in the same transaction as the user: both are
    // stored or neither is, whatever happens to this process afterwards.
    let (mail,): (i64,) = sqlx::query_as("INSERT INTO outbox (email, subject) VALUES ($1, $2) RETURNING id")
        .bind(&email)
        .bind(&subject)
        .fetch_one(&mut *connection)
        .await
        .map_err(database_error)?;
    // Sending it is best-effort work for after the response (and after the
    // commit). Lost if the process dies first: the row stays unsent, for a
    // worker that retries unsent mail, which a real app would run.
    let pool = database.pool.clone();
    tasks.add_task(async move {
        tracing::info!(email, subject, "welcome email sent");
        sqlx::query("UPDATE outbox SET sent = TRUE WHERE id = $1").bind(mail).execute(&pool).await
    });
    Ok(Json(UserOut { id, name }))
}

#[derive(Serialize, JsonSchema)]
struct Mail {
    email: String,
    subject: String,
}

#[get("/outbox")]
async fn outbox(#[depends(get_db)] db: Session) -> Result<Json<Vec<Mail>>, HttpError> {
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT email, subject FROM outbox ORDER BY id")
        .fetch_all(&mut *db.connection().await?)
        .await
        .map_err(database_error)?;
    Ok(Json(rows.into_iter().map(|(email, subject)| Mail { email, subject }).collect()))
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

impl From<HttpError> for PurchaseError {
    fn from(err: HttpError) -> Self {
        PurchaseError::Http(err)
    }
}

#[exception_handler]
async fn insufficient_funds(_request: &Request, err: InsufficientFunds) -> Response {
    let body =
        FundsError { error: "insufficient_funds".to_owned(), balance: err.balance, required: err.required };
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

/// What a purchase leaves on the caller's balance.
#[derive(Serialize, JsonSchema)]
struct Balance {
    balance: f64,
}

/// The 402 of `InsufficientFunds`.
#[derive(Serialize, JsonSchema)]
struct FundsError {
    /// Always `insufficient_funds`.
    error: String,
    balance: f64,
    required: f64,
}

#[post("/purchase", responses(402 = FundsError, 404 = HttpError))]
async fn purchase(
    item_id: i64,
    #[depends(get_current_user)] user: User,
    #[depends(get_db)] db: Session,
) -> Result<Json<Balance>, PurchaseError> {
    let Some(&(_, price)) = PRICES.iter().find(|(id, _)| *id == item_id) else {
        return Err(HttpError::new(StatusCode::NOT_FOUND, "Item not found").into());
    };
    // One statement checks and debits, so two purchases at once can never
    // both spend the same balance (a read followed by a write could).
    let mut connection = db.connection().await?;
    let debited: Option<(f64,)> = sqlx::query_as(
        "UPDATE users SET balance = balance - $1 WHERE id = $2 AND balance >= $1 RETURNING balance",
    )
    .bind(price)
    .bind(user.id)
    .fetch_optional(&mut *connection)
    .await
    .map_err(database_error)?;
    match debited {
        Some((balance,)) => Ok(Json(Balance { balance })),
        None => {
            let (balance,): (f64,) = sqlx::query_as("SELECT balance FROM users WHERE id = $1")
                .bind(user.id)
                .fetch_one(&mut *connection)
                .await
                .map_err(database_error)?;
            Err(PurchaseError::Funds(InsufficientFunds { balance, required: price }))
        }
    }
}

/// The user of a WebSocket: browsers cannot set `Authorization` on a
/// WebSocket, so the token may come as `?token=` too. Looked up on the pool
/// directly: a socket lives long, and `get_db`'s transaction would live as
/// long as it.
#[depends]
async fn get_socket_user(
    #[query] token: Option<String>,
    credentials: Option<HttpBearer>,
    database: State<Database>,
) -> Result<User, HttpError> {
    let token = token.or(credentials.map(|c| c.credentials)).ok_or_else(invalid_credentials)?;
    let user: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE token = $1")
        .bind(token)
        .fetch_optional(&database.pool)
        .await
        .map_err(database_error)?;
    user.map(|(id,)| User { id }).ok_or_else(invalid_credentials)
}

/// Pushes each new order of the caller, as JSON (`OrderOut`), the moment
/// it is stored, until the client closes. A client too slow to keep up
/// with the last 256 orders is closed with 1008 and should reconnect (and
/// read `GET /orders` for what it missed).
#[websocket("/ws/orders")]
async fn order_feed(mut socket: WebSocket, #[depends(get_socket_user)] user: User, feed: State<OrderFeed>) {
    use tokio::sync::broadcast::error::RecvError;
    let mut orders = feed.0.subscribe();
    loop {
        tokio::select! {
            order = orders.recv() => match order {
                Ok((owner, order)) if owner == user.id => {
                    if socket.send_json(&order).await.is_err() {
                        break;
                    }
                }
                Ok(_) => {}
                Err(RecvError::Lagged(missed)) => {
                    let reason = format!("too slow: {missed} orders missed");
                    let _ = socket.close(brisk::websocket::close_code::POLICY, &reason).await;
                    break;
                }
                Err(RecvError::Closed) => break,
            },
            message = socket.recv() => match message {
                Some(Ok(Message::Text(_) | Message::Binary(_))) => {}
                _ => break,
            },
        }
    }
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

/// Where uploads go, and how each stored file is named.
pub struct Uploads {
    dir: PathBuf,
    stored: AtomicU64,
}

impl Uploads {
    /// A name of the server's choosing: the client's filename is only a
    /// hint (it may hold `..` or `/`), so only its safe characters are kept.
    fn name_for(&self, filename: Option<&str>) -> String {
        let hint: String = filename
            .unwrap_or("upload")
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
            .take(64)
            .collect();
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_micros());
        let serial = self.stored.fetch_add(1, Ordering::Relaxed);
        format!("{stamp}-{serial}-{}", hint.trim_start_matches('.'))
    }
}

/// What `POST /upload` stored.
#[derive(Serialize, JsonSchema)]
struct Stored {
    /// The client's name for the file, if it gave one.
    filename: Option<String>,
    /// Bytes written.
    size: u64,
    description: String,
    /// The server's name for it, in the upload folder.
    stored_as: String,
}

/// Stores the uploaded `file` in the upload folder. brisk spools a file
/// past 1 MiB to a temporary file as it arrives, so a large upload never
/// sits in memory; `save_to` then copies it with async file I/O.
#[post("/upload", status_code = 201, tags = ["uploads"])]
async fn upload(
    #[form(min_length = 1, max_length = 500)] description: String,
    #[file] file: UploadFile,
    uploads: State<Uploads>,
) -> Result<Json<Stored>, HttpError> {
    let stored = uploads.name_for(file.filename());
    let size = file.save_to(uploads.dir.join(&stored)).await.map_err(|err| {
        tracing::error!(error = %err, dir = %uploads.dir.display(), "could not store an upload");
        HttpError::internal()
    })?;
    Ok(Json(Stored { filename: file.filename().map(str::to_owned), size, description, stored_as: stored }))
}

/// Opens the pool and migrates before the first request; closes it after
/// the last one (and after pending background tasks).
#[lifespan]
async fn lifespan(settings: Settings) -> Result<AppState, sqlx::Error> {
    let database = Database::open(&settings).await?;
    tracing::info!(sqlite = database.sqlite, max_connections = settings.max_connections, "database ready");
    tokio::fs::create_dir_all(&settings.upload_dir).await?;
    let uploads = Uploads { dir: settings.upload_dir.clone(), stored: AtomicU64::new(0) };
    tracing::info!(dir = %uploads.dir.display(), "uploads folder ready");
    yield_!(AppState::new().with(database.clone()).with(uploads).with(OrderFeed::new()));
    database.pool.close().await;
    tracing::info!("database pool closed");
}

/// `/users`: profiles, sign-up, and placing an order for a user.
fn users() -> Router {
    Router::new().prefix("/users").tags(["users"]).routes(routes![
        get_user,
        create_user,
        create_order,
        export_orders
    ])
}

/// `/orders`: every route needs credentials, checked once for the router.
fn orders() -> Router {
    Router::new()
        .prefix("/orders")
        .tags(["orders"])
        .dependency::<get_current_user>()
        .routes(routes![list_orders, order_events])
}

/// The app on the database `settings` names.
pub fn app(settings: Settings) -> App {
    // The multipart body may be a little larger than its file: the
    // description, boundaries and part headers.
    let uploads = MultipartLimits::default()
        .max_file_size(settings.max_upload_size)
        .max_body_size(settings.max_upload_size + 64 * 1024);
    App::new()
        .title("orders")
        .version(env!("CARGO_PKG_VERSION"))
        .description("Users, their orders and purchases, over SQLite or PostgreSQL: the brisk example app.")
        .multipart_limits(uploads)
        .lifespan(lifespan(settings))
        // Every request gets an `x-request-id` (the client's, or a new UUID),
        // and its response carries it back: one id to find in both logs.
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(PropagateRequestIdLayer::x_request_id())
        .middleware(Cors::new().allow_origin("https://yourapp.com").allow_any_method().allow_any_header())
        .middleware(timing)
        .exception_handler(insufficient_funds)
        .exception_handler(purchase_errors)
        .routes(routes![index, outbox, purchase, upload, order_feed])
        .include(users())
        .include(orders())
        // The example's own folder, wherever the binary is started from.
        .mount_static("/static", StaticFiles::new(concat!(env!("CARGO_MANIFEST_DIR"), "/static")).html(true))
}
