//! Dependency injection: `#[depends]` functions, resolved at most once per
//! request and shared by everything in the request that asks for them.
//!
//! The graph is static: each `#[depends]` function becomes a type that
//! implements [`Dependency`] and names its own dependencies, so a route's
//! whole tree is known to the compiler. At run time a request keeps a small
//! cache of the values resolved so far (FastAPI's `use_cache=True`), and the
//! app may hold overrides that swap one dependency for another.

mod cache;
mod cycles;
mod describe;
mod overrides;
mod teardown;

pub(crate) use cache::RequestScope;
#[doc(hidden)]
pub use cycles::{DependencyNode, DependencyRef, assert_acyclic};
pub use describe::DependencyInfo;
#[doc(hidden)]
pub use describe::outlives;
pub(crate) use overrides::Overrides;
pub(crate) use teardown::YieldSlot;
pub use teardown::{Failure, Outcome, Scope};
#[doc(hidden)]
pub use teardown::{Teardowns, Yield, yielding};

use std::future::Future;

use crate::extract::Errors;
use crate::request::Request;

/// A function annotated with `#[depends]`, as a type.
///
/// The macro writes the implementation: `resolve` extracts the function's
/// parameters (and resolves its own dependencies) exactly like a handler's,
/// calls it, and records any failure in `errors`.
///
/// The output is cloned for each user within a request, so it should be
/// cheap to clone: a handle (`Arc`, a pool connection wrapper), not the data.
///
/// ```
/// use brisk::prelude::*;
///
/// #[derive(Clone)]
/// struct User { name: String }
///
/// #[depends]
/// async fn current_user(#[header] x_user: Option<String>) -> Result<User, HttpError> {
///     x_user.map(|name| User { name }).ok_or(HttpError::unauthorized("Invalid credentials"))
/// }
///
/// #[get("/me")]
/// async fn me(#[depends(current_user)] user: User) -> String {
///     user.name
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a dependency",
    label = "not annotated with #[depends]",
    note = "annotate the function with `#[depends]` to use it in `#[depends(...)]`, `dependencies = [...]` or `App::dependency`"
)]
pub trait Dependency: Send + Sync + 'static {
    /// What the function provides (the `T` of a `Result<T, E>` return type).
    type Output: Clone + Send + Sync + 'static;

    /// The name and direct dependencies, for introspection and cycle detection.
    const INFO: DependencyInfo;

    /// The node of the compile-time graph that finds cycles.
    #[doc(hidden)]
    const NODE: DependencyRef = DependencyRef::LEAF;

    /// Resolves the function's parameters and calls it; `None` when it could not run.
    fn resolve(
        request: &mut Request,
        errors: &mut Errors,
    ) -> impl Future<Output = Option<Self::Output>> + Send;
}

/// Resolves `D` for this request: through the app's overrides, then the
/// request's cache (unless `use_cache` is false), then by calling it.
///
/// A failure is recorded in `errors`; once a dependency has failed with a
/// response of its own, later dependencies in the request don't run.
#[doc(hidden)]
///
/// `T` is the type the parameter declares; naming it here makes a mismatch
/// with `D`'s output one error, on the dependency's name.
pub async fn depend<D: Dependency<Output = T>, T>(
    request: &mut Request,
    errors: &mut Errors,
    use_cache: bool,
) -> Option<T> {
    resolve::<D>(request, errors, use_cache).await
}

/// Resolves a route's `dependencies = [...]` entry for its side effects.
#[doc(hidden)]
pub async fn depend_only<D: Dependency>(request: &mut Request, errors: &mut Errors) {
    resolve::<D>(request, errors, true).await;
}

pub(crate) async fn resolve<D: Dependency>(
    request: &mut Request,
    errors: &mut Errors,
    use_cache: bool,
) -> Option<D::Output> {
    if errors.has_rejection() {
        return None;
    }
    if request.app().overrides.is_some() {
        // Only apps with overrides (tests, mostly) pay for this reference count.
        let app = request.app().clone();
        let overrides = app.overrides.as_deref().and_then(|any| any.downcast_ref::<Overrides>());
        if let Some(replacement) = overrides.and_then(|overrides| overrides.get::<D>()) {
            return replacement.resolve::<D>(request, errors, use_cache).await;
        }
    }
    if use_cache && let Some(value) = request.scope::<RequestScope>().and_then(|scope| scope.cache.get::<D>())
    {
        return Some(value);
    }
    let value = D::resolve(request, errors).await?;
    if use_cache {
        request.scope_mut::<RequestScope>().cache.insert::<D>(value.clone());
    }
    Some(value)
}

/// Maps a `#[depends]` function's return value to its output or a recorded failure.
#[doc(hidden)]
pub fn fallible<T, E>(result: Result<T, E>, errors: &mut Errors) -> Option<T>
where
    E: std::fmt::Debug + Send + 'static,
{
    match result {
        Ok(value) => Some(value),
        Err(err) => {
            errors.reject(crate::errors::error_response(err));
            None
        }
    }
}

/// A dependency run for its side effects, with its type erased so the app
/// and its routers can keep a list of them (`App::dependency::<D>()`,
/// `Router::dependency::<D>()`).
#[derive(Clone, Copy)]
pub(crate) struct SideEffect {
    pub(crate) info: &'static DependencyInfo,
    pub(crate) run: for<'a> fn(&'a mut Request, &'a mut Errors) -> BoxFuture<'a, ()>,
}

type BoxFuture<'a, T> = std::pin::Pin<Box<dyn Future<Output = T> + Send + 'a>>;

impl SideEffect {
    /// `D`, resolved through the request's cache like any other use of it.
    pub(crate) fn of<D: Dependency>() -> Self {
        SideEffect {
            info: &D::INFO,
            run: |request, errors| {
                Box::pin(async move {
                    resolve::<D>(request, errors, true).await;
                })
            },
        }
    }
}

/// Names the `T` of a `Result<T, E>` return type at the type level.
#[doc(hidden)]
pub trait Fallible {
    type Ok;
}

impl<T, E> Fallible for Result<T, E> {
    type Ok = T;
}
