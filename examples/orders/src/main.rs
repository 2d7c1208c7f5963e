use tracing_subscriber::filter::LevelFilter;

#[tokio::main]
async fn main() -> Result<(), brisk::Error> {
    tracing_subscriber::fmt().with_max_level(LevelFilter::INFO).init();
    let host = std::env::var("HOST").unwrap_or_else(|_| "127.0.0.1".to_owned());
    let port = std::env::var("PORT").unwrap_or_else(|_| "8000".to_owned());
    let database = std::env::var("DATABASE_URL").unwrap_or_else(|_| "orders.db".to_owned());
    orders::app(database).serve(format!("{host}:{port}")).await
}
