//! `routes![a, b]`: parse the handler paths → check each is named once →
//! generate the `Vec<Route>`.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote, quote_spanned};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;

use crate::route::Diagnostics;

pub fn expand(input: TokenStream) -> TokenStream {
    let paths =
        match syn::parse::Parser::parse2(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated, input) {
            Ok(paths) => paths,
            Err(err) => {
                let error = syn::Error::new(
                    err.span(),
                    "`routes!` takes the names of route handlers, separated by commas: \
                 `routes![read_item, items::create_item]`",
                );
                return with_errors(error);
            }
        };
    let mut diagnostics = Diagnostics::default();
    check(&paths, &mut diagnostics);
    if let Some(error) = diagnostics.into_error() {
        return with_errors(error);
    }
    generate(&paths)
}

/// The errors, in an expression that is still a `Vec<Route>`: the call
/// around `routes!` type-checks, and reports nothing more.
fn with_errors(error: syn::Error) -> TokenStream {
    let errors = error.to_compile_error();
    quote! {{ #errors ::std::vec::Vec::<::brisk::Route>::new() }}
}

/// Each handler once: a second copy would claim its own method and path.
fn check(paths: &Punctuated<syn::Path, syn::Token![,]>, diagnostics: &mut Diagnostics) {
    let names: Vec<String> = paths.iter().map(|path| path.to_token_stream().to_string()).collect();
    for (i, path) in paths.iter().enumerate() {
        if names[..i].contains(&names[i]) {
            diagnostics.error_spanned(
                path,
                format!(
                    "`{}` is already in this `routes!`: a handler serves the one method and path of its \
                     attribute, so list it once",
                    names[i].replace(' ', "")
                ),
            );
        }
    }
}

fn generate(paths: &Punctuated<syn::Path, syn::Token![,]>) -> TokenStream {
    // Spanned on each name, so "not a route" points at the one that is not.
    let routes = paths.iter().map(|path| quote_spanned! {path.span()=> ::brisk::Route::new(#path {}) });
    quote! { ::std::vec![#(#routes),*] }
}
