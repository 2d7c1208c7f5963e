//! Attribute macros for brisk. Each macro runs three separate steps:
//! `parse` reads the user's tokens into a model, `check` finds every misuse
//! (all of them, combined into one error), and `generate` writes the code.
//! The user's function is always emitted unchanged next to the errors, so one
//! mistake does not cascade into "cannot find value" noise.

use proc_macro::TokenStream;

mod depends;
mod exception_handler;
mod lifespan;
mod middleware;
mod route;
mod routes;
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

/// Declares a dependency: `#[depends]` on an `async fn` or `fn` whose
/// parameters follow the handler rules (path, query, header, cookie, body,
/// `&Request`, `State<T>`, other dependencies). It becomes a type of the same
/// name that `#[depends(f)]`, `dependencies = [f]` and `App::dependency::<f>()`
/// accept; its output (the `T` of a `Result<T, E>`) is resolved at most once
/// per request and cloned to each user.
#[proc_macro_attribute]
pub fn depends(attr: TokenStream, item: TokenStream) -> TokenStream {
    depends::expand(attr.into(), item.into()).into()
}

/// Checks a middleware where it is written: `#[middleware]` on an
/// `async fn(request: Request, next: Next) -> Response` (or a `Result` of a
/// response). Register it with `App::middleware(name)`.
#[proc_macro_attribute]
pub fn middleware(attr: TokenStream, item: TokenStream) -> TokenStream {
    middleware::expand(attr.into(), item.into()).into()
}

/// Checks an exception handler where it is written: `#[exception_handler]`
/// on an `async fn(request: &Request, err: YourError) -> Response`.
/// Register it with `App::exception_handler(name)`; the type of `err`
/// chooses the errors it answers.
#[proc_macro_attribute]
pub fn exception_handler(attr: TokenStream, item: TokenStream) -> TokenStream {
    exception_handler::expand(attr.into(), item.into()).into()
}

/// The app's lifespan: an `async fn` whose startup runs before the server
/// binds, which yields the app state with `yield_!(AppState::new().with(pool))`,
/// and whose shutdown runs after the last request. Register it with
/// `App::lifespan(name)`.
#[proc_macro_attribute]
pub fn lifespan(attr: TokenStream, item: TokenStream) -> TokenStream {
    lifespan::expand(attr.into(), item.into()).into()
}

/// Declares a WebSocket route: `#[websocket("/ws/{room}")]` on an
/// `async fn` that takes a `WebSocket` beside the usual parameters (path,
/// query, header, cookie, dependencies), all resolved before the upgrade;
/// a failing one answers the handshake over HTTP instead. Options:
/// `subprotocols = ["v2.chat", "v1.chat"]` (preferred first) and
/// `dependencies = [verify_key]`.
#[proc_macro_attribute]
pub fn websocket(attr: TokenStream, item: TokenStream) -> TokenStream {
    route::expand_websocket(attr.into(), item.into()).into()
}

/// Collects route handlers into a `Vec<Route>`: `routes![read_item, items::create_item]`.
/// Each handler is named once; the brisk crate documents it with an example.
#[proc_macro]
pub fn routes(input: TokenStream) -> TokenStream {
    routes::expand(input.into()).into()
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

/// Expansion snapshots: every macro in `tests/expand/*.rs` is expanded and
/// pretty-printed next to its source, so each codegen change is a reviewable diff.
#[cfg(test)]
mod snapshots {
    use std::path::Path;

    const METHODS: [&str; 7] = ["get", "post", "put", "patch", "delete", "head", "options"];

    fn expand_file(source: &str) -> String {
        let file = syn::parse_file(source).expect("the snapshot input parses");
        let mut items = Vec::new();
        for item in file.items {
            // `routes![...];` at the top level: expanded into a function
            // returning the list, so the snapshot stays a file of items.
            if let syn::Item::Macro(call) = &item
                && call.mac.path.is_ident("routes")
            {
                let list = crate::routes::expand(call.mac.tokens.clone());
                items.push(syn::parse_quote! { fn routes() -> Vec<::brisk::Route> { #list } });
                continue;
            }
            let syn::Item::Fn(mut function) = item else {
                items.push(item);
                continue;
            };
            let position = function.attrs.iter().position(|attr| {
                attr.path().get_ident().is_some_and(|ident| {
                    ["depends", "websocket", "middleware", "exception_handler", "lifespan"]
                        .iter()
                        .any(|kind| ident == kind)
                        || METHODS.iter().any(|m| ident == m)
                })
            });
            let Some(position) = position else {
                items.push(syn::Item::Fn(function));
                continue;
            };
            let attr = function.attrs.remove(position);
            let args = match &attr.meta {
                syn::Meta::List(list) => list.tokens.clone(),
                _ => proc_macro2::TokenStream::new(),
            };
            let item = quote::quote!(#function);
            let expanded = if attr.path().is_ident("depends") {
                crate::depends::expand(args, item)
            } else if attr.path().is_ident("middleware") {
                crate::middleware::expand(args, item)
            } else if attr.path().is_ident("exception_handler") {
                crate::exception_handler::expand(args, item)
            } else if attr.path().is_ident("lifespan") {
                crate::lifespan::expand(args, item)
            } else if attr.path().is_ident("websocket") {
                crate::route::expand_websocket(args, item)
            } else {
                let method = METHODS
                    .iter()
                    .find(|m| attr.path().is_ident(m))
                    .map(|m| m.to_uppercase())
                    .expect("a route method");
                crate::route::expand_for_test(Box::leak(method.into_boxed_str()), args, item)
            };
            let expanded: syn::File = syn::parse2(expanded).expect("the expansion parses");
            items.extend(expanded.items);
        }
        prettyplease::unparse(&syn::File { shebang: None, attrs: file.attrs, items })
    }

    #[test]
    fn expansions_match_the_checked_in_snapshots() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/expand");
        let bless = std::env::var_os("BRISK_BLESS").is_some();
        let mut checked = 0;
        for entry in std::fs::read_dir(&dir).expect("tests/expand exists") {
            let path = entry.expect("a directory entry").path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
            if !name.ends_with(".rs") || name.ends_with(".expanded.rs") {
                continue;
            }
            let source = std::fs::read_to_string(&path).expect("readable input");
            let actual = expand_file(&source);
            let snapshot = path.with_file_name(name.replace(".rs", ".expanded.rs"));
            if bless {
                std::fs::write(&snapshot, &actual).expect("writable snapshot");
            } else {
                let expected = std::fs::read_to_string(&snapshot)
                    .unwrap_or_else(|_| panic!("missing {}: run with BRISK_BLESS=1", snapshot.display()));
                assert_eq!(
                    expected, actual,
                    "expansion of {name} changed; review and rerun with BRISK_BLESS=1"
                );
            }
            checked += 1;
        }
        assert!(checked > 0, "no snapshot inputs found in {}", dir.display());
    }
}
