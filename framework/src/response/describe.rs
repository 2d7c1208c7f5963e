//! What a handler's return type says of its success response, for the
//! OpenAPI document: a media type and a schema.

use std::borrow::Cow;
use std::marker::PhantomData;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

#[cfg(feature = "fs")]
use super::FileResponse;
use super::{EventStream, Html, Json};

/// A success response's body as the OpenAPI document shows it.
#[derive(Debug)]
pub struct ResponseContent {
    /// The media type, as in `Content-Type`.
    pub media_type: &'static str,
    /// The body's schema.
    pub schema: Schema,
}

impl ResponseContent {
    /// A JSON body of this schema.
    pub fn json(schema: Schema) -> Self {
        ResponseContent { media_type: "application/json", schema }
    }
}

/// The success response's description, as the macros record it.
pub type ResponseFn = fn(&mut SchemaGenerator) -> Option<ResponseContent>;

/// A return type that can say what its success response holds, for the
/// OpenAPI document.
///
/// brisk implements it for `Json<T>` when `T: JsonSchema`, text, HTML,
/// event streams and files, and through `Result<T, E>`, `(StatusCode, T)`
/// and `(StatusCode, headers, T)`. A return type without it is documented
/// with a description and no content. Implement it for a response type of
/// your own:
///
/// ```
/// use brisk::prelude::*;
/// use brisk::response::{DescribeResponse, ResponseContent};
/// use brisk::schemars::{SchemaGenerator, json_schema};
///
/// struct Csv(String);
///
/// impl IntoResponse for Csv {
///     fn into_response(self) -> Response {
///         (StatusCode::OK, [("content-type", "text/csv")], self.0).into_response()
///     }
/// }
///
/// impl DescribeResponse for Csv {
///     fn describe(_generator: &mut SchemaGenerator) -> Option<ResponseContent> {
///         Some(ResponseContent { media_type: "text/csv", schema: json_schema!({ "type": "string" }) })
///     }
/// }
///
/// #[get("/export")]
/// async fn export() -> Csv {
///     Csv("id,name\n".into())
/// }
///
/// let document = App::new().routes(routes![export]).openapi();
/// let ok = &document["paths"]["/export"]["get"]["responses"]["200"];
/// assert_eq!(ok["content"]["text/csv"]["schema"]["type"], "string");
/// ```
pub trait DescribeResponse {
    /// The body of the success response, if it has a known shape.
    fn describe(generator: &mut SchemaGenerator) -> Option<ResponseContent>;
}

impl<T: JsonSchema> DescribeResponse for Json<T> {
    fn describe(generator: &mut SchemaGenerator) -> Option<ResponseContent> {
        Some(ResponseContent::json(generator.subschema_for::<T>()))
    }
}

impl DescribeResponse for serde_json::Value {
    fn describe(_generator: &mut SchemaGenerator) -> Option<ResponseContent> {
        Some(ResponseContent::json(Schema::default()))
    }
}

fn text(media_type: &'static str) -> Option<ResponseContent> {
    Some(ResponseContent { media_type, schema: json_schema!({ "type": "string" }) })
}

impl DescribeResponse for String {
    fn describe(_generator: &mut SchemaGenerator) -> Option<ResponseContent> {
        text("text/plain")
    }
}

impl DescribeResponse for &'static str {
    fn describe(_generator: &mut SchemaGenerator) -> Option<ResponseContent> {
        text("text/plain")
    }
}

impl DescribeResponse for Cow<'static, str> {
    fn describe(_generator: &mut SchemaGenerator) -> Option<ResponseContent> {
        text("text/plain")
    }
}

impl<T> DescribeResponse for Html<T> {
    fn describe(_generator: &mut SchemaGenerator) -> Option<ResponseContent> {
        text("text/html")
    }
}

impl DescribeResponse for EventStream {
    fn describe(_generator: &mut SchemaGenerator) -> Option<ResponseContent> {
        text("text/event-stream")
    }
}

#[cfg(feature = "fs")]
impl DescribeResponse for FileResponse {
    fn describe(_generator: &mut SchemaGenerator) -> Option<ResponseContent> {
        Some(ResponseContent {
            media_type: "application/octet-stream",
            schema: json_schema!({ "type": "string", "contentMediaType": "application/octet-stream" }),
        })
    }
}

impl<T: DescribeResponse, E> DescribeResponse for Result<T, E> {
    fn describe(generator: &mut SchemaGenerator) -> Option<ResponseContent> {
        T::describe(generator)
    }
}

impl<T: DescribeResponse> DescribeResponse for (http::StatusCode, T) {
    fn describe(generator: &mut SchemaGenerator) -> Option<ResponseContent> {
        T::describe(generator)
    }
}

impl<H, T: DescribeResponse> DescribeResponse for (http::StatusCode, H, T) {
    fn describe(generator: &mut SchemaGenerator) -> Option<ResponseContent> {
        T::describe(generator)
    }
}

/// The return type `T`, for picking its description by what it
/// implements: `ResponseOf::<T>::new().describe(generator)` calls the
/// inherent method when `T: DescribeResponse`, and [`NoResponseContent`]'s
/// through `Deref` otherwise (see [`SchemaOf`](crate::schema::SchemaOf)).
#[doc(hidden)]
pub struct ResponseOf<T: ?Sized>(NoResponseContent<T>);

impl<T: ?Sized> ResponseOf<T> {
    #[doc(hidden)]
    pub const fn new() -> Self {
        ResponseOf(NoResponseContent(PhantomData))
    }
}

impl<T: ?Sized> Default for ResponseOf<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: DescribeResponse> ResponseOf<T> {
    /// What the return type says of itself.
    pub fn describe(&self, generator: &mut SchemaGenerator) -> Option<ResponseContent> {
        T::describe(generator)
    }
}

impl<T: ?Sized> std::ops::Deref for ResponseOf<T> {
    type Target = NoResponseContent<T>;

    fn deref(&self) -> &NoResponseContent<T> {
        &self.0
    }
}

/// The fallback of [`ResponseOf`], for a return type that says nothing.
#[doc(hidden)]
pub struct NoResponseContent<T: ?Sized>(PhantomData<fn() -> *const T>);

impl<T: ?Sized> NoResponseContent<T> {
    /// No content.
    pub fn describe(&self, _generator: &mut SchemaGenerator) -> Option<ResponseContent> {
        None
    }
}

/// A `response_model = T`'s description: `T` as JSON.
#[doc(hidden)]
pub fn model<T: crate::schema::Documented>(generator: &mut SchemaGenerator) -> Option<ResponseContent> {
    Some(ResponseContent::json(T::describe(generator)))
}

/// A response declared with `responses(404 = NotFound, …)` on a route:
/// its status and its body's schema.
#[derive(Clone, Copy, Debug)]
pub struct DeclaredResponse {
    /// The status code.
    pub status: u16,
    /// The JSON body's schema.
    pub schema: crate::schema::SchemaFn,
}
