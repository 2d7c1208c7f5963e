//! Attribute macros for brisk. Each macro runs three separate steps:
//! `parse` reads the user's tokens into a model, `check` finds every misuse
//! (all of them, combined into one error), and `generate` writes the code.
//! The user's function is always emitted unchanged next to the errors, so one
//! mistake does not cascade into "cannot find value" noise.

use proc_macro::TokenStream;

mod route;
mod template;

macro_rules! route_macro {
    ($($name:ident => $method:literal),* $(,)?) => {$(
        #[doc = concat!("Declares a `", $method, "` route: `#[", stringify!($name), "(\"/path/{param}\")]` on an `async fn` or `fn`.")]
        ///
        /// Parameters named in the template are path parameters; plain scalars,
        /// `Option<_>` and `Vec<_>` are query parameters; `#[query]`, `#[path]`,
        /// `#[header]`, `#[cookie]` and `#[body]` say the rest. Options:
        /// `status_code = 201`, `tags = ["items"]`, `summary = "…"`, `description = "…"`.
        #[proc_macro_attribute]
        pub fn $name(attr: TokenStream, item: TokenStream) -> TokenStream {
            route::expand($method, attr.into(), item.into()).into()
        }
    )*};
}

route_macro! {
    get => "GET",
    post => "POST",
    put => "PUT",
    patch => "PATCH",
    delete => "DELETE",
    head => "HEAD",
    options => "OPTIONS",
}
