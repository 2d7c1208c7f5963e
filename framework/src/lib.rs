//! brisk: FastAPI's developer experience in Rust, on tokio and hyper.
//!
//! Annotate plain functions with [`get`], [`post`] and friends; the macros
//! turn each signature into the code that extracts and validates every
//! argument, and [`App`] serves them.
//!
//! ```no_run
//! use brisk::prelude::*;
//!
//! #[get("/items/{item_id}")]
//! async fn read_item(item_id: i64, q: Option<String>) -> Json<serde_json::Value> {
//!     Json(serde_json::json!({ "item_id": item_id, "q": q }))
//! }
//!
//! #[tokio::main]
//! async fn main() -> Result<(), brisk::Error> {
//!     App::new().routes(routes![read_item]).serve("127.0.0.1:8000").await
//! }
//! ```
//!
//! # Optional parts
//!
//! Five Cargo features, all on by default; `default-features = false`
//! leaves them out, with the crates behind them:
//!
//! - `http2`: HTTP/2 with prior knowledge on the same port as HTTP/1.1
//!   (without it, a connection that opens with the HTTP/2 preface is
//!   closed unanswered);
//! - `websockets`: `#[websocket]` routes, [`websocket::WebSocket`],
//!   `App::websocket_limits`, `TestClient::websocket`;
//! - `multipart`: `#[file]` parameters, `UploadFile`, `Multipart`,
//!   `App::multipart_limits`, and `#[form]` bodies sent as
//!   `multipart/form-data` (without it they are answered 415);
//! - `fs`: `FileResponse` and `App::mount_static`;
//! - `gzip`: the `GZip` middleware.
//!
//! Both `multipart` and `fs` turn on tokio's `fs` feature.

// `unsafe` lives in `recycle` and `dependencies::cycles` (a pointer followed
// only at compile time), where it is argued line by line.
#![deny(unsafe_code)]

// One module per phase. A request meets them in this order: server →
// app (the pipeline) → middleware → routing → extraction (`extract`) →
// dependencies → the handler → response / errors → background; the
// lifespan wraps them all, and `testing` drives the same pipeline in-process.
// Imports run the other way, each module only from the layers below it:
// ARCHITECTURE.md has the map, and tests/tests/layers.rs enforces it.
mod app;
pub mod background;
mod body;
pub mod dependencies;
mod error;
pub mod errors;
#[path = "extraction/mod.rs"]
pub mod extract;
pub mod lifespan;
#[cfg(any(feature = "multipart", feature = "websockets"))]
mod limits;
pub mod middleware;
mod openapi;
mod panic;
mod pending;
mod recycle;
mod request;
pub mod response;
pub mod routing;
pub mod schema;
pub mod security;
mod server;
mod state;
pub mod testing;
#[cfg(feature = "websockets")]
pub mod websocket;

pub use app::{App, Service};
pub use background::BackgroundTasks;
pub use body::{Body, BodyError, BoxError};
pub use error::Error;
pub use errors::{ErrorItem, HttpError, Loc, RequestValidationError};
#[cfg(feature = "multipart")]
pub use extract::{Multipart, UploadFile};
#[cfg(feature = "multipart")]
pub use limits::MultipartLimits;
#[cfg(feature = "websockets")]
pub use limits::WebSocketLimits;
#[cfg(feature = "gzip")]
pub use middleware::GZip;
pub use middleware::{Cors, TrustedHost};
pub use request::Request;
#[cfg(feature = "fs")]
pub use response::FileResponse;
pub use response::{
    Cookie, Html, IntoResponse, Json, Redirect, Response, ResponseHeaders, StreamingResponse,
};
pub use routing::{Route, RouteInfo, Router};
pub use state::State;

/// schemars, for `#[derive(JsonSchema)]` on models (the prelude brings it
/// into scope, where the derive looks for it).
pub use schemars;
pub use schemars::JsonSchema;

/// Collects route handlers into a `Vec<Route>` for [`App::routes`] and
/// [`Router::routes`]: `routes![a, b]`, paths allowed (`routes![items::create_item]`).
///
/// Naming a handler twice is a compile error: each serves the one method and
/// path of its attribute. Two routes that claim the same requests from
/// different lists (or routers) are an [`Error::RouteConflict`] at startup.
///
/// ```
/// use brisk::prelude::*;
///
/// #[get("/a")]
/// async fn a() -> &'static str { "a" }
/// #[post("/b")]
/// async fn b() -> &'static str { "b" }
///
/// let app = App::new().routes(routes![a, b]);
/// # let _ = app;
/// ```
pub use brisk_macros::routes;
// Exported without the `websockets` feature too: a `#[websocket]` route
// then fails on the items it needs, and the compiler names the feature.
pub use brisk_macros::{
    delete, depends, exception_handler, get, head, lifespan, middleware, options, patch, post, put, websocket,
};
pub use dependencies::Dependency;

pub use http::{self, HeaderMap, HeaderValue, Method, StatusCode};

/// What a typical app needs: `use brisk::prelude::*;`.
pub mod prelude {
    #[cfg(feature = "multipart")]
    pub use crate::UploadFile;
    pub use crate::lifespan::AppState;
    // The attribute, and with the `websockets` feature the module too.
    pub use crate::websocket;
    pub use crate::{
        App, BackgroundTasks, HeaderMap, HeaderValue, Html, HttpError, IntoResponse, Json, Method, Request,
        RequestValidationError, Response, ResponseHeaders, Route, Router, State, StatusCode, delete, depends,
        exception_handler, get, head, lifespan, middleware, options, patch, post, put, routes, yield_,
    };
    // The derive names `schemars::…`: bringing the crate into scope lets it
    // resolve without a dependency of the app's own.
    pub use schemars::{self, JsonSchema};
    pub use serde::{Deserialize, Serialize};
}

/// Items the macros' generated code refers to; not part of the public API.
#[doc(hidden)]
pub mod __private {
    // The route macros import this module under one short name and write
    // these through it too: fewer tokens in every route.
    pub use core::future::Future;
    pub use core::option::Option;
    pub use core::result::Result;

    pub use crate::dependencies::{
        Dependency, DependencyInfo, DependencyNode, DependencyRef, Fallible, Scope, Teardowns, Yield,
        assert_acyclic, depend, depend_only, fallible, outlives, yielding,
    };
    pub use crate::errors::assert_exception_handler;
    #[cfg(feature = "multipart")]
    pub use crate::extract::upload;
    pub use crate::extract::{
        BodyField, BodyKind, BodyReader, BodySchema, Errors, FieldForm, FormField, FormModel, FormTarget,
        FromRequest, ModelForm, NoValidation, Param, ParamInfo, ParamLocation, Rejection, Validated,
        WholeForm, extract, json_body, read_form,
    };
    pub use crate::middleware::assert_middleware;
    #[cfg(feature = "fs")]
    pub use crate::response::file::{FileRequest, ResolveFile};
    pub use crate::response::{
        DeclaredResponse, NoResponseContent, ResponseOf, bodiless, model as response_model,
    };
    pub use crate::routing::chain::{
        Chain, Finish, MAX_PARAMS, MAX_STEPS, Respond, Responded, Slots, Step, bodiless_after, drive_bare,
        drive0, drive0_scoped, drive1, drive1_scoped, drive2, drive2_scoped, drive3, drive3_scoped, drive4,
        drive4_scoped, drive5, drive5_scoped, drive6, drive6_scoped, drive7, drive7_scoped, drive8,
        drive8_scoped, drive9, drive9_scoped, drive10, drive10_scoped, drive11, drive11_scoped, drive12,
        drive12_scoped, drive13, drive13_scoped, drive14, drive14_scoped, drive15, drive15_scoped, drive16,
        drive16_scoped, responded, responded_blocking,
    };
    pub use crate::routing::{Endpoint, RouteInfo, assert_send, run_blocking};
    pub use crate::schema::{
        AnySchema, Example, NoExample, Schema, SchemaGenerator, SchemaOf, bound, constrain, schema_for,
    };
    pub use crate::security::{Secured, SecurityOf, Unsecured};
    pub use crate::state::{NeedsNoState, NeedsState, StateOf};
    #[cfg(feature = "websockets")]
    pub use crate::websocket::Upgrade;
    pub use crate::{IntoResponse, Json, Request, Response};
    pub use http::{Method, StatusCode};
    pub use regex_lite::Regex;
    pub use std::sync::LazyLock;

    /// A status code checked by the macro (100..=999), so the fallback never happens.
    pub fn status_code(code: u16) -> StatusCode {
        StatusCode::from_u16(code).unwrap_or(StatusCode::OK)
    }

    /// A route pattern already compiled once by the macro, so it is known to be valid.
    pub fn regex(pattern: &str) -> Regex {
        Regex::new(pattern).unwrap_or_else(|err| panic!("invalid pattern {pattern:?}: {err}"))
    }
}

/// Marks the yield point of a `#[depends]` function: the value before it is
/// what the dependency provides; the code after it is the teardown, and
/// `yield_!` evaluates to the request's [`Outcome`](dependencies::Outcome).
///
/// `#[depends]` rewrites it; anywhere else it is a compile error that says so.
///
/// ```
/// use brisk::prelude::*;
///
/// #[derive(Clone)]
/// struct Session;
///
/// #[depends]
/// async fn get_db() -> Session {
///     let session = Session;
///     let outcome = yield_!(session.clone());
///     if outcome.is_ok() { /* commit */ } else { /* roll back */ }
/// }
/// ```
#[macro_export]
macro_rules! yield_ {
    ($($value:tt)*) => {
        ::core::compile_error!(
            "`yield_!` marks the yield point of a `#[depends]` function; write it as a statement at the top level of such a function's body"
        )
    };
}

// The macros write `::brisk::…` paths; in brisk's own tests that is this crate.
#[cfg(test)]
extern crate self as brisk;
