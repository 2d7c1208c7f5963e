//! JSON Schemas of what routes read and return, for the OpenAPI document.
//!
//! Models describe themselves with `#[derive(JsonSchema)]` (schemars,
//! re-exported as [`brisk::schemars`](crate::schemars) and in the prelude,
//! so an app adds no dependency of its own). The derive also reads the
//! `#[validate(...)]` attributes that drive the 422s (`length`, `range`,
//! `email`, `url`, `regex`, `contains`, `required`), so the document shows
//! the same constraints the app enforces.
//!
//! The macros record, for every parameter, body and response, a function
//! that asks a [`SchemaGenerator`] for its schema. A type that does not
//! derive `JsonSchema` is still accepted: it is documented as any value
//! (`{}`), and deriving the trait later fills it in. Nothing here runs per
//! request: the document is made once, when the app is built.

use std::marker::PhantomData;

pub use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Serialize;
use serde_json::Value;

/// The schema of one recorded type, asked of the document's generator
/// (which collects named models into `components/schemas`).
pub type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

/// The type `T`, for picking its schema by what it implements.
///
/// `SchemaOf::<T>::new().schema(generator)` calls the inherent method when
/// `T: JsonSchema`; when it is not, the method's bound fails and method
/// lookup goes on through `Deref` to [`AnySchema`]'s, which documents any
/// value. The choice is made where `T` is concrete (in the macros' code),
/// not in a generic function, and needs no trait in scope, so the macros
/// write one short expression per type.
#[doc(hidden)]
pub struct SchemaOf<T: ?Sized>(AnySchema<T>);

impl<T: ?Sized> SchemaOf<T> {
    #[doc(hidden)]
    pub const fn new() -> Self {
        SchemaOf(AnySchema(PhantomData))
    }
}

impl<T: ?Sized> Default for SchemaOf<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: ?Sized + JsonSchema> SchemaOf<T> {
    /// The type's own schema (a reference to it, for a named model).
    pub fn schema(&self, generator: &mut SchemaGenerator) -> Schema {
        generator.subschema_for::<T>()
    }
}

impl<T: ?Sized> std::ops::Deref for SchemaOf<T> {
    type Target = AnySchema<T>;

    fn deref(&self) -> &AnySchema<T> {
        &self.0
    }
}

/// The fallback of [`SchemaOf`], for a type without a schema of its own.
#[doc(hidden)]
pub struct AnySchema<T: ?Sized>(PhantomData<fn() -> *const T>);

impl<T: ?Sized> AnySchema<T> {
    /// Any value: `{}`.
    pub fn schema(&self, _generator: &mut SchemaGenerator) -> Schema {
        Schema::default()
    }
}

/// A value for the document (a parameter's `default`), when its type can
/// say it as JSON: `Example::new(&value).to_json()`, picked as
/// [`SchemaOf`] picks a schema.
#[doc(hidden)]
pub struct Example<'a, T>(&'a T, NoExample<T>);

impl<'a, T> Example<'a, T> {
    #[doc(hidden)]
    pub const fn new(value: &'a T) -> Self {
        Example(value, NoExample(PhantomData))
    }
}

impl<T: Serialize> Example<'_, T> {
    /// The value as JSON, `None` if it does not serialize.
    pub fn to_json(&self) -> Option<Value> {
        serde_json::to_value(self.0).ok()
    }
}

impl<'a, T> std::ops::Deref for Example<'a, T> {
    type Target = NoExample<T>;

    fn deref(&self) -> &NoExample<T> {
        &self.1
    }
}

/// The fallback of [`Example`], for a value that cannot be said as JSON.
#[doc(hidden)]
pub struct NoExample<T>(PhantomData<fn() -> *const T>);

impl<T> NoExample<T> {
    /// No example.
    pub fn to_json(&self) -> Option<Value> {
        None
    }
}

/// Sets `key` (`minimum`, `maxLength`, `pattern`, `default`, …) on a
/// parameter's schema, as its options say. The options constrain each
/// value, so on a repeated parameter they go on `items`; on an optional
/// one written as `anyOf`, on the non-null branch, where FastAPI puts
/// them too. `default` always goes on the parameter itself.
#[doc(hidden)]
pub fn constrain(schema: &mut Schema, key: &str, value: Option<Value>) {
    let Some(value) = value else { return };
    if key == "default" {
        schema.insert(key.to_owned(), value);
        return;
    }
    let Some(object) = schema.as_object_mut() else {
        // `true`: a type without a schema of its own, constrained anyway.
        schema.insert(key.to_owned(), value);
        return;
    };
    let target = match object.get_mut("anyOf") {
        Some(Value::Array(branches)) => {
            branches.iter_mut().find(|b| b.get("type").and_then(Value::as_str) != Some("null"))
        }
        _ => None,
    };
    let target = match target {
        Some(Value::Object(branch)) => branch,
        _ => object,
    };
    let repeated = target.get("type").and_then(Value::as_str) == Some("array");
    match target.get_mut("items") {
        Some(Value::Object(items)) if repeated => {
            items.insert(key.to_owned(), value);
        }
        _ => {
            target.insert(key.to_owned(), value);
        }
    }
}

/// A bound or length as JSON, for [`constrain`].
#[doc(hidden)]
pub fn bound(value: impl Serialize) -> Option<Value> {
    serde_json::to_value(value).ok()
}

/// A type the document must describe (`response_model = T`,
/// `responses(404 = T)`): one that derives `JsonSchema`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no JSON Schema for the OpenAPI document",
    label = "a response model must describe itself",
    note = "derive it on the type: `#[derive(Serialize, JsonSchema)]` (`JsonSchema` is in `brisk::prelude`)"
)]
pub trait Documented {
    #[doc(hidden)]
    fn describe(generator: &mut SchemaGenerator) -> Schema;
}

impl<T: JsonSchema + ?Sized> Documented for T {
    fn describe(generator: &mut SchemaGenerator) -> Schema {
        generator.subschema_for::<T>()
    }
}

/// `T`'s schema, where `T` must derive `JsonSchema` (a declared
/// response's model).
#[doc(hidden)]
pub fn schema_for<T: Documented + ?Sized>(generator: &mut SchemaGenerator) -> Schema {
    T::describe(generator)
}
