//! Background tasks: work a handler (or its dependencies) schedules to run
//! after the response has been sent.
//!
//! As in FastAPI, tasks run only when the handler succeeded, one after the
//! other in the order added, after the response body has been sent and
//! before request-scoped teardowns. Unlike FastAPI, each task is isolated: a
//! task that fails or panics is logged with the request's method and path,
//! and the next one still runs. Graceful shutdown waits for pending tasks,
//! within the grace period.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use futures_util::FutureExt;

use crate::request::Request;

enum Task {
    Async(Pin<Box<dyn Future<Output = Result<(), String>> + Send>>),
    Blocking(Box<dyn FnOnce() -> Result<(), String> + Send>),
}

struct Shared {
    tasks: Mutex<Vec<Task>>,
    method: http::Method,
    path: String,
}

/// The request's background tasks; every handle in one request (the
/// handler's and its dependencies') adds to the same list.
///
/// ```
/// use brisk::prelude::*;
///
/// #[post("/users", status_code = 201)]
/// async fn create_user(tasks: BackgroundTasks) -> &'static str {
///     tasks.add_task(async { /* send the welcome email */ });
///     tasks.add_blocking(|| { /* write an audit file */ });
///     "created"
/// }
/// ```
#[derive(Clone)]
pub struct BackgroundTasks {
    shared: Arc<Shared>,
}

/// What a task may return: nothing, or a `Result` whose error is logged.
pub trait TaskOutput: Send + 'static {
    /// The error's `Debug` text, if the task failed.
    fn failure(self) -> Result<(), String>;
}

impl TaskOutput for () {
    fn failure(self) -> Result<(), String> {
        Ok(())
    }
}

impl<T: Send + 'static, E: std::fmt::Debug + Send + 'static> TaskOutput for Result<T, E> {
    fn failure(self) -> Result<(), String> {
        self.map(|_| ()).map_err(|err| format!("{err:?}"))
    }
}

impl BackgroundTasks {
    pub(crate) fn new(request: &Request) -> Self {
        BackgroundTasks {
            shared: Arc::new(Shared {
                tasks: Mutex::new(Vec::new()),
                method: request.method().clone(),
                path: request.path().to_owned(),
            }),
        }
    }

    fn push(&self, task: Task) {
        self.shared.tasks.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(task);
    }

    /// Runs `task` on the runtime after the response has been sent.
    pub fn add_task<F>(&self, task: F)
    where
        F: Future + Send + 'static,
        F::Output: TaskOutput,
    {
        self.push(Task::Async(Box::pin(async move { task.await.failure() })));
    }

    /// Runs `task` on the blocking pool after the response has been sent.
    pub fn add_blocking<F, R>(&self, task: F)
    where
        F: FnOnce() -> R + Send + 'static,
        R: TaskOutput,
    {
        self.push(Task::Blocking(Box::new(move || task().failure())));
    }

    /// Moves `other`'s waiting tasks after this one's.
    pub(crate) fn append(&self, other: BackgroundTasks) {
        if Arc::ptr_eq(&self.shared, &other.shared) {
            return;
        }
        let moved = std::mem::take(&mut *other.shared.tasks.lock().unwrap_or_else(|p| p.into_inner()));
        self.shared.tasks.lock().unwrap_or_else(|p| p.into_inner()).extend(moved);
    }

    /// How many tasks are waiting.
    pub fn len(&self) -> usize {
        self.shared.tasks.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).len()
    }

    /// Whether no task is waiting.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Runs the tasks in order, each isolated from the others.
    pub(crate) async fn run(self) {
        let tasks = std::mem::take(&mut *self.shared.tasks.lock().unwrap_or_else(|p| p.into_inner()));
        let (method, path) = (&self.shared.method, &self.shared.path);
        for task in tasks {
            let outcome = match task {
                Task::Async(future) => AssertUnwindSafe(future)
                    .catch_unwind()
                    .await
                    .map_err(|panic| format!("panicked: {}", crate::panic::panic_message(&*panic))),
                Task::Blocking(call) => {
                    tokio::task::spawn_blocking(call).await.map_err(|err| match err.try_into_panic() {
                        Ok(panic) => format!("panicked: {}", crate::panic::panic_message(&*panic)),
                        Err(err) => format!("was cancelled: {err}"),
                    })
                }
            };
            match outcome {
                Ok(Ok(())) => {}
                Ok(Err(error)) => {
                    tracing::error!(target: "brisk::background", %method, path, error, "background task failed")
                }
                Err(error) => {
                    tracing::error!(target: "brisk::background", %method, path, error, "background task failed")
                }
            }
        }
    }

    /// Drops the tasks unrun, saying so: the handler failed.
    pub(crate) fn discard(self) {
        let count = self.len();
        if count > 0 {
            tracing::info!(
                target: "brisk::background",
                method = %self.shared.method,
                path = self.shared.path,
                count,
                "background tasks not run: the request failed"
            );
        }
    }
}

impl std::fmt::Debug for BackgroundTasks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BackgroundTasks").field("pending", &self.len()).finish()
    }
}
