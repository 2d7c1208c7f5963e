//! `#[middleware]`: checks an `async fn(Request, Next) -> Response` where it
//! is written, so a mistake is reported on the function rather than at the
//! `App::middleware` call. The function itself is left as it is: any such
//! function is a middleware.

use crate::route::{Diagnostics, FreeFunction};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

pub fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut diagnostics = Diagnostics::default();
    let checks = FreeFunction {
        no_arguments: "`#[middleware]` takes no arguments",
        shape: "`#[middleware]` applies to `async fn(request: Request, next: Next) -> Response`",
        receiver: "a middleware is a free function: remove `self`",
        generic: "a middleware cannot be generic",
    };
    let function = match checks.parse(attr, item, &mut diagnostics) {
        Ok(function) => function,
        Err(out) => return out,
    };
    let sig = &function.sig;
    if sig.asyncness.is_none() {
        diagnostics.error(sig.fn_token, "a middleware is an `async fn`: it awaits `next.run(request)`");
    }
    if sig.inputs.len() != 2 {
        diagnostics.error_spanned(
            &sig.inputs,
            format!(
                "a middleware takes two parameters, `request: Request` and `next: Next`; this one takes {}",
                sig.inputs.len()
            ),
        );
    }
    if let Some(error) = diagnostics.into_error() {
        return crate::route::emit_with_errors(function, error, false);
    }
    let name = &sig.ident;
    let check = quote_spanned! {name.span()=>
        const _: fn() = || ::brisk::__private::assert_middleware(&#name);
    };
    quote! {
        #function
        #check
    }
}
