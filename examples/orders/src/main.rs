use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::LevelFilter;

#[tokio::main]
async fn main() -> Result<(), brisk::Error> {
    // RUST_LOG decides (e.g. `RUST_LOG=warn` silences the access log); by
    // default: startup, one line per request, warnings and errors.
    let filter = EnvFilter::builder().with_default_directive(LevelFilter::INFO.into()).from_env_lossy();
    // Colours only on a terminal: a file, a pipe or journald gets plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    tracing_subscriber::fmt().with_env_filter(filter).with_ansi(ansi).init();
    let host = std::env::var("HOST").unwrap_or_else(|_| "127.0.0.1".to_owned());
    let port = std::env::var("PORT").unwrap_or_else(|_| "8000".to_owned());
    let settings = orders::Settings::from_env().map_err(brisk::Error::Startup)?;
    orders::app(settings).serve(format!("{host}:{port}")).await
}
