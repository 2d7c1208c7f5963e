//! The pipeline's panic guard: a panic in a handler, a middleware layer,
//! an exception handler or a dependency becomes a logged 500, and the
//! connection and the server carry on.
//!
//! It sits with the HTTP types at the bottom: every stage above uses it,
//! and it needs nothing but a response to answer with.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::recycle::RecycledFuture;
use crate::response::Response;

/// A type-erased stage of the pipeline (a route, a middleware layer) that
/// turns a panic inside it into a logged 500, so the connection and the
/// server carry on.
///
/// One concrete type for every stage: catching here, around the erased
/// call, spares each handler and layer a wrapper of its own in its future.
pub(crate) struct Caught {
    future: RecycledFuture<Response>,
    name: &'static str,
}

impl Caught {
    pub(crate) fn new(future: RecycledFuture<Response>, name: &'static str) -> Self {
        Caught { future, name }
    }
}

impl Future for Caught {
    type Output = Response;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Response> {
        let this = self.get_mut();
        let future = &mut this.future;
        match std::panic::catch_unwind(AssertUnwindSafe(|| Pin::new(future).poll(cx))) {
            Ok(poll) => poll,
            // The stage is not polled again: its response is this 500.
            Err(panic) => Poll::Ready(panicked(this.name, &*panic)),
        }
    }
}

/// Logs a panic in `stage` (a route, a middleware layer, an exception
/// handler, the app-level dependencies) and answers for it with a 500.
#[cold]
pub(crate) fn panicked(stage: &'static str, panic: &(dyn std::any::Any + Send)) -> Response {
    tracing::error!(target: "brisk::panic", stage, panic = panic_message(panic), "panicked");
    crate::response::internal_server_error()
}

pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<&'static str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("<non-string panic payload>")
}
