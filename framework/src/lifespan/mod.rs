//! The lifespan: one function around a yield point. The code before
//! `yield_!` is startup (it runs before the server binds its socket); the
//! yielded [`AppState`] is what handlers reach through `State<T>`; the code
//! after it is shutdown, which runs once in-flight requests and background
//! work have drained.

use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::task::Poll;

use crate::dependencies::{Outcome, Yield};
use crate::state::StateMap;

/// The state a lifespan yields: any number of values, one per type, each
/// reachable by handlers as `State<T>`.
///
/// ```
/// use brisk::lifespan::AppState;
///
/// struct Pool;
/// struct Settings { debug: bool }
///
/// let state = AppState::new().with(Pool).with(Settings { debug: false });
/// # let _ = state;
/// ```
#[derive(Default)]
pub struct AppState {
    pub(crate) values: StateMap,
}

impl AppState {
    /// No values yet.
    pub fn new() -> Self {
        AppState::default()
    }

    /// Adds a value; a second value of the same type replaces the first.
    pub fn with<T: Send + Sync + 'static>(mut self, value: T) -> Self {
        self.values.insert(value);
        self
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").finish_non_exhaustive()
    }
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;
type Body = BoxFuture<Result<(), String>>;
type Start = Box<dyn FnOnce(Yield<AppState>) -> Body + Send>;

/// A registered lifespan, not started yet.
pub(crate) struct Lifespan {
    start: Start,
}

impl Lifespan {
    pub(crate) fn new<F, Fut, E>(function: F) -> Self
    where
        F: FnOnce(Yield<AppState>) -> Fut + Send + 'static,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
        E: std::fmt::Debug + Send + 'static,
    {
        Lifespan {
            start: Box::new(move |provider| {
                let body = function(provider);
                Box::pin(async move { body.await.map_err(|err| format!("{err:?}")) })
            }),
        }
    }

    /// Runs startup up to the yield; the rest waits in the returned [`Running`].
    pub(crate) async fn start(self) -> Result<(AppState, Running), String> {
        let (provider, slot) = Yield::new();
        let mut body = (self.start)(provider);
        let started = poll_fn(|cx| match body.as_mut().poll(cx) {
            Poll::Ready(result) => Poll::Ready(Err(result)),
            Poll::Pending => match slot.take_value() {
                Some(state) => Poll::Ready(Ok(state)),
                None => Poll::Pending,
            },
        })
        .await;
        match started {
            Ok(state) => Ok((state, Running { slot, body })),
            Err(Err(err)) => Err(err),
            Err(Ok(())) => Err("the lifespan finished without reaching `yield_!`".to_owned()),
        }
    }
}

/// A lifespan suspended at its yield, waiting for shutdown.
pub(crate) struct Running {
    slot: crate::dependencies::YieldSlot<AppState>,
    body: Body,
}

impl Running {
    /// Resumes the lifespan after its yield and waits for its shutdown half.
    pub(crate) async fn shutdown(self) {
        self.slot.resume(Outcome::Ok);
        if let Err(err) = self.body.await {
            tracing::error!(target: "brisk::lifespan", error = err, "lifespan shutdown failed");
        }
    }
}
