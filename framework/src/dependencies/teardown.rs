//! Yield dependencies: the value a `#[depends]` function provides at its
//! `yield_!`, and the teardown (the code after it) run once the request's
//! outcome is known.
//!
//! When a teardown runs:
//! - `scope = "function"`: right after the handler returns, before the
//!   response goes out. The response has not gone yet, so a teardown that
//!   fails (returns `Err` or panics) answers the request in its place: the
//!   error's response, as if a dependency had failed (an `HttpError` its
//!   own status, anything else a 500), and the teardowns after it see that
//!   failure as the outcome. A commit that fails is never reported as a
//!   success.
//! - the default, request scope: after the response body has been sent
//!   (FastAPI's behaviour). Its errors are logged with the dependency's
//!   name; the response has already gone and cannot change.
//! - If the request ends early (the client disconnects, or the handler
//!   panics) the teardowns still run, spawned on the runtime, with an
//!   `Interrupted` outcome.
//!
//! Teardowns run in reverse order of setup, one after the other; a panic or
//! error in one never keeps the next from running.

use std::future::{Future, poll_fn};
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};

use futures_util::FutureExt;
use futures_util::future::Either;
use http::StatusCode;

use super::RequestScope;
use crate::background::BackgroundTasks;
use crate::body::{Body, EndWork, OnEnd};
use crate::extract::Errors;
use crate::pending::Pending;
use crate::recycle::RecycledFuture;
use crate::request::Request;
use crate::response::{IntoResponse, Response, ResponseHeaders};

/// When a yield dependency's teardown runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// After the response has been sent (the default).
    Request,
    /// Right after the handler returns, before the response is sent.
    Function,
}

/// How the request went, as a yield dependency's teardown sees it.
///
/// ```
/// use brisk::dependencies::Outcome;
/// let outcome = Outcome::Ok;
/// assert!(outcome.is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The handler (and every dependency) succeeded.
    Ok,
    /// Something failed; the teardown may roll back.
    Err(Failure),
}

impl Outcome {
    /// Whether the request succeeded.
    pub fn is_ok(&self) -> bool {
        matches!(self, Outcome::Ok)
    }

    /// Whether the request failed.
    pub fn is_err(&self) -> bool {
        !self.is_ok()
    }

    /// What failed, if anything did.
    pub fn failure(&self) -> Option<&Failure> {
        match self {
            Outcome::Ok => None,
            Outcome::Err(failure) => Some(failure),
        }
    }
}

/// The error a request ended with, captured before any exception handler maps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The error's type (`my_app::DbError`), or `Interrupted` when the
    /// request ended before the handler finished (a panic or a client that
    /// went away).
    pub kind: std::borrow::Cow<'static, str>,
    /// The error's `Debug` text.
    pub message: String,
    /// The status of the response the error became.
    pub status: StatusCode,
}

impl Failure {
    /// A WebSocket handler that panicked or returned an error.
    #[cfg(feature = "websockets")]
    pub(crate) fn socket(kind: &'static str, message: String) -> Self {
        Failure { kind: kind.into(), message, status: StatusCode::INTERNAL_SERVER_ERROR }
    }

    pub(crate) fn interrupted() -> Self {
        Failure {
            kind: "Interrupted".into(),
            message: "the request ended before the handler finished (a panic or a client disconnect)".into(),
            status: StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// The handle a yield dependency's body receives in place of `yield_!`:
/// `provide` hands the value to the request and waits for its outcome.
#[doc(hidden)]
pub struct Yield<T> {
    slot: Arc<Slot<T>>,
}

struct Slot<T> {
    state: Mutex<SlotState<T>>,
}

struct SlotState<T> {
    value: Option<T>,
    outcome: Option<Outcome>,
    waker: Option<Waker>,
}

impl<T> Slot<T> {
    fn lock(&self) -> std::sync::MutexGuard<'_, SlotState<T>> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The other end of a [`Yield`]: takes the provided value, later delivers the outcome.
pub(crate) struct YieldSlot<T>(Arc<Slot<T>>);

impl<T: Send> YieldSlot<T> {
    pub(crate) fn take_value(&self) -> Option<T> {
        self.0.lock().value.take()
    }

    pub(crate) fn resume(&self, outcome: Outcome) {
        Resume::resume(&*self.0, outcome);
    }
}

impl<T: Send> Yield<T> {
    /// A connected handle and slot.
    pub(crate) fn new() -> (Yield<T>, YieldSlot<T>) {
        let slot =
            Arc::new(Slot { state: Mutex::new(SlotState { value: None, outcome: None, waker: None }) });
        (Yield { slot: slot.clone() }, YieldSlot(slot))
    }

    /// Provides `value` to the request; resolves to the request's outcome
    /// once the teardown may run.
    pub async fn provide(self, value: T) -> Outcome {
        self.slot.lock().value = Some(value);
        poll_fn(|cx| {
            let mut state = self.slot.lock();
            match state.outcome.take() {
                Some(outcome) => Poll::Ready(outcome),
                None => {
                    state.waker = Some(cx.waker().clone());
                    Poll::Pending
                }
            }
        })
        .await
    }
}

/// Delivers the outcome to a suspended dependency body, whatever its value type.
trait Resume: Send + Sync {
    fn resume(&self, outcome: Outcome);
}

impl<T: Send> Resume for Slot<T> {
    fn resume(&self, outcome: Outcome) {
        let waker = {
            let mut state = self.lock();
            state.outcome = Some(outcome);
            state.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// One set-up yield dependency waiting for its teardown.
pub(crate) struct Teardown {
    name: &'static str,
    scope: Scope,
    slot: Arc<dyn Resume>,
    // Only ever polled through `&mut`, so it may sit in the (shared) request.
    // Resolves to the error response of a function-scoped teardown that
    // failed, boxed so the common case carries one word, not a response.
    rest: sync_wrapper::SyncFuture<RecycledFuture<Option<Box<Response>>>>,
}

impl Teardown {
    /// Runs the rest of the body; a function-scoped one that fails returns
    /// the response to answer with instead.
    async fn run(self, outcome: Outcome) -> Option<Box<Response>> {
        self.slot.resume(outcome);
        let (name, scope) = (self.name, self.scope);
        match AssertUnwindSafe(self.rest).catch_unwind().await {
            Ok(failed) => failed,
            Err(panic) => {
                let panic = crate::panic::panic_message(&*panic);
                tracing::error!(target: "brisk::dependencies", dependency = name, panic, "teardown panicked");
                (scope == Scope::Function).then(|| Box::new(crate::errors::internal_error_response()))
            }
        }
    }
}

/// Runs a yield dependency's body up to its `yield_!`, records the rest as
/// a teardown on the request, and returns the provided value.
///
/// An error before the yield is recorded in `errors` like any dependency
/// error; the teardown then never exists.
#[doc(hidden)]
pub async fn yielding<T, E, F>(
    name: &'static str,
    scope: Scope,
    body: impl FnOnce(Yield<T>) -> F,
    request: &mut Request,
    errors: &mut Errors,
) -> Option<T>
where
    T: Send + 'static,
    E: std::fmt::Debug + Send + 'static,
    F: Future<Output = Result<(), E>> + Send + 'static,
{
    enum First<T, R> {
        Provided(T),
        Finished(R),
    }
    let slot = Arc::new(Slot { state: Mutex::new(SlotState { value: None, outcome: None, waker: None }) });
    let mut body = RecycledFuture::future(body(Yield { slot: slot.clone() }));
    let first = poll_fn(|cx| match Pin::new(&mut body).poll(cx) {
        Poll::Ready(result) => Poll::Ready(First::Finished(result)),
        Poll::Pending => match slot.lock().value.take() {
            Some(value) => Poll::Ready(First::Provided(value)),
            None => Poll::Pending,
        },
    })
    .await;
    match first {
        First::Provided(value) => {
            let rest: RecycledFuture<Option<Box<Response>>> = RecycledFuture::future(async move {
                match body.await {
                    Ok(()) => None,
                    // Before the response: it answers instead (and is logged where it leaves the stack).
                    Err(err) if scope == Scope::Function => {
                        Some(Box::new(crate::errors::error_response(err)))
                    }
                    Err(err) => {
                        tracing::error!(
                            target: "brisk::dependencies",
                            dependency = name,
                            error = ?err,
                            "teardown failed; the response was not changed"
                        );
                        None
                    }
                }
            });
            let rest = sync_wrapper::SyncFuture::new(rest);
            request.scope_mut::<RequestScope>().teardowns.push(Teardown { name, scope, slot, rest });
            Some(value)
        }
        First::Finished(Err(err)) => {
            errors.reject(crate::errors::error_response(err));
            None
        }
        First::Finished(Ok(())) => {
            tracing::error!(target: "brisk::dependencies", dependency = name, "finished without reaching `yield_!`");
            errors.reject(crate::errors::internal_error_response());
            None
        }
    }
}

/// The teardowns a route's dependencies set up, taken off the request
/// before the handler (which may own the request) runs.
///
/// Dropped without being finished — the client went away, or the handler
/// panicked — they still run, spawned, with an `Interrupted` outcome.
#[doc(hidden)]
#[derive(Default)]
pub struct Teardowns {
    list: Vec<Teardown>,
    /// The request's background tasks: they run before request-scoped teardowns.
    tasks: Option<BackgroundTasks>,
    /// Where spawned work is counted, so shutdown can wait for it.
    pending: Option<Pending>,
    /// The headers and cookies to add to the response, whatever it is.
    headers: Option<ResponseHeaders>,
}

impl Teardowns {
    /// Takes the teardowns set up so far off the request.
    pub fn take(request: &mut Request) -> Self {
        let Some(scope) = request.scope_mut_if::<RequestScope>() else { return Teardowns::default() };
        let list = std::mem::take(&mut scope.teardowns);
        let tasks = scope.background.take();
        let headers = scope.headers.take();
        let pending = (!list.is_empty() || tasks.is_some()).then(|| request.app().pending.clone());
        Teardowns { list, tasks, pending, headers }
    }

    /// The handler never ran (a parameter or dependency failed): tear down
    /// with the failure as outcome, then answer with `response`.
    pub fn fail(self, response: Response) -> impl Future<Output = Response> + Send {
        let outcome = Outcome::Err(Failure {
            kind: "RequestFailed".into(),
            message: format!("the request was answered with {} before the handler ran", response.status()),
            status: response.status(),
        });
        self.complete(response, outcome)
    }

    /// A plain (`fn`) handler's end: [`finish`](Self::finish) with what it
    /// returned, or [`fail`](Self::fail) with the 500 of its panic.
    pub fn conclude<R: IntoResponse>(
        self,
        output: Result<R, Response>,
        status: Option<StatusCode>,
    ) -> impl Future<Output = Response> + Send {
        match output {
            Ok(output) => Either::Left(self.finish(output, status)),
            Err(response) => Either::Right(self.fail(response)),
        }
    }

    /// Builds the handler's response and runs (or schedules) the teardowns
    /// with its outcome.
    pub fn finish<R: IntoResponse>(
        self,
        output: R,
        status: Option<StatusCode>,
    ) -> impl Future<Output = Response> + Send {
        let failure = output.failure();
        let response = match status {
            Some(status) => output.into_response_with_status(status),
            None => output.into_response(),
        };
        let outcome = match failure {
            None => Outcome::Ok,
            Some((kind, message)) => Outcome::Err(Failure { kind, message, status: response.status() }),
        };
        self.complete(response, outcome)
    }

    /// Runs (or schedules) these teardowns, set up around a route, for the
    /// route's response. Those the route left on its body join ours: the
    /// route's background tasks and teardowns first, then ours, one after
    /// the other, all with the route's outcome. A route with none of its own
    /// has its outcome read from the status: 4xx and 5xx are failures.
    pub(crate) fn settle(mut self, response: Response) -> impl Future<Output = Response> + Send {
        let (parts, body) = response.into_parts();
        let (body, inner) = body.take_on_end::<AfterResponse>();
        let response = Response::from_parts(parts, body);
        let outcome = match inner {
            Some(AfterResponse { teardowns: mut inner, outcome }) => {
                // Set up before the route's, ours come first in the list,
                // which runs in reverse.
                let route = std::mem::take(&mut inner.list);
                self.list.extend(route);
                self.tasks = match (inner.tasks.take(), self.tasks.take()) {
                    (Some(route), Some(ours)) => {
                        route.append(ours);
                        Some(route)
                    }
                    (route, ours) => route.or(ours),
                };
                self.pending = self.pending.take().or(inner.pending.take());
                outcome
            }
            None => {
                let status = response.status();
                if status.is_client_error() || status.is_server_error() {
                    Outcome::Err(Failure { kind: "HttpStatus".into(), message: status.to_string(), status })
                } else {
                    Outcome::Ok
                }
            }
        };
        self.complete(response, outcome)
    }

    /// Only function-scoped teardowns are awaited here; request-scoped ones
    /// ride on the body. Without function-scoped ones nothing is awaited,
    /// so the future is ready at once and as small as the response: it sits
    /// inside every generated handler's future, which is moved into a box
    /// per request.
    fn complete(
        mut self,
        response: Response,
        outcome: Outcome,
    ) -> Either<std::future::Ready<Response>, Pin<Box<dyn Future<Output = Response> + Send>>> {
        // The collected headers go on the response that leaves: this one, or
        // the answer of a function-scoped teardown that fails. Out of the
        // way of routes that collect none, which are most.
        match self.headers.take() {
            None => self.complete_without_headers(response, outcome),
            Some(headers) => Either::Right(Box::pin(async move {
                headers.applied(self.complete_without_headers(response, outcome).await)
            })),
        }
    }

    fn complete_without_headers(
        mut self,
        response: Response,
        outcome: Outcome,
    ) -> Either<std::future::Ready<Response>, Pin<Box<dyn Future<Output = Response> + Send>>> {
        let list = std::mem::take(&mut self.list);
        let tasks = self.tasks.take();
        // Most teardowns are request-scoped: split the list only when it must.
        let (function, request): (Vec<_>, Vec<_>) = match list.iter().any(|t| t.scope == Scope::Function) {
            true => list.into_iter().partition(|t| t.scope == Scope::Function),
            false => (Vec::new(), list),
        };
        let pending = self.pending.take();
        let attach = move |response: Response, outcome: Outcome| {
            let tasks = match tasks {
                Some(tasks) if outcome.is_err() => {
                    tasks.discard();
                    None
                }
                tasks => tasks,
            };
            if request.is_empty() && tasks.is_none() {
                return response;
            }
            let teardowns = Teardowns { list: request, tasks, pending, headers: None };
            response.map(|body| Body::on_end(body, OnEnd::new(AfterResponse { teardowns, outcome })))
        };
        if function.is_empty() {
            return Either::Left(std::future::ready(attach(response, outcome)));
        }
        Either::Right(Box::pin(async move {
            match run_before_response(function, outcome).await {
                (Some(failed), outcome) => attach(*failed, outcome),
                (None, outcome) => attach(response, outcome),
            }
        }))
    }

    /// A WebSocket route's 101: the headers and cookies the dependencies
    /// collected go on it, the only response the route sends.
    #[cfg(feature = "websockets")]
    pub(crate) fn upgrade_response(&mut self, response: Response) -> Response {
        match self.headers.take() {
            Some(headers) => headers.applied(response),
            None => response,
        }
    }

    /// A WebSocket route's conversation is over: the background tasks
    /// (when it ended well), then every teardown, function- and
    /// request-scoped alike, with `outcome`, awaited here, on the socket's
    /// own task.
    #[cfg(feature = "websockets")]
    pub(crate) async fn after_socket(mut self, outcome: Outcome) {
        let list = std::mem::take(&mut self.list);
        match self.tasks.take() {
            Some(tasks) if outcome.is_ok() => tasks.run().await,
            Some(tasks) => tasks.discard(),
            None => {}
        }
        run_all(list, outcome).await;
    }

    /// Runs them now, on a task of their own, with `outcome`.
    fn spawn(mut self, outcome: Outcome) {
        let list = std::mem::take(&mut self.list);
        let tasks = self.tasks.take();
        if list.is_empty() && tasks.is_none() {
            return;
        }
        let tasks = match tasks {
            Some(tasks) if outcome.is_ok() => Some(tasks),
            Some(tasks) => {
                tasks.discard();
                None
            }
            None => None,
        };
        let work = async move {
            if let Some(tasks) = tasks {
                tasks.run().await;
            }
            run_all(list, outcome).await;
        };
        self.pending.take().unwrap_or_default().spawn(work);
    }
}

/// Request-scoped teardowns (and the background tasks before them), riding
/// on the response body until it has been sent.
struct AfterResponse {
    teardowns: Teardowns,
    outcome: Outcome,
}

impl EndWork for AfterResponse {
    fn run(self) {
        self.teardowns.spawn(self.outcome);
    }
}

impl Drop for Teardowns {
    fn drop(&mut self) {
        if !self.list.is_empty() || self.tasks.is_some() {
            std::mem::take(self).spawn(Outcome::Err(Failure::interrupted()));
        }
    }
}

/// In reverse order of setup, one after the other, once nobody waits for
/// the response any more: a failure has nothing left to answer.
async fn run_all(list: Vec<Teardown>, outcome: Outcome) {
    for teardown in list.into_iter().rev() {
        let _ = teardown.run(outcome.clone()).await;
    }
}

/// The function-scoped teardowns, in reverse order of setup, before the
/// response goes out. Returns the response of the first one that failed,
/// and the outcome the last one saw: from that failure on, the failure.
async fn run_before_response(list: Vec<Teardown>, mut outcome: Outcome) -> (Option<Box<Response>>, Outcome) {
    let mut failed = None;
    for teardown in list.into_iter().rev() {
        let name = teardown.name;
        if let Some(response) = teardown.run(outcome.clone()).await
            && failed.is_none()
        {
            outcome = Outcome::Err(Failure {
                kind: "TeardownFailed".into(),
                message: format!("the teardown of `{name}` failed"),
                status: response.status(),
            });
            failed = Some(response);
        }
    }
    (failed, outcome)
}
