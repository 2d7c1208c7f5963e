//! `#[exception_handler]`: checks an `async fn(request: &Request, err: E)`
//! where it is written. The function stays as it is: registration takes it
//! directly (`App::exception_handler(name)`), and `E` picks which errors it answers.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::FnArg;

use crate::route::{Diagnostics, FreeFunction};

pub fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut diagnostics = Diagnostics::default();
    let checks = FreeFunction {
        no_arguments: "`#[exception_handler]` takes no arguments: the error type of its second parameter chooses what it handles",
        shape: "`#[exception_handler]` applies to `async fn(request: &Request, err: YourError) -> Response`",
        receiver: "an exception handler is a free function: remove `self`",
        generic: "an exception handler cannot be generic: its error type chooses it",
    };
    let function = match checks.parse(attr, item, &mut diagnostics) {
        Ok(function) => function,
        Err(out) => return out,
    };
    let sig = &function.sig;
    if sig.asyncness.is_none() {
        diagnostics.error(sig.fn_token, "an exception handler is an `async fn`");
    }
    let typed: Vec<_> = (sig.inputs.iter())
        .filter_map(|input| match input {
            FnArg::Typed(typed) => Some(typed),
            FnArg::Receiver(_) => None,
        })
        .collect();
    if sig.inputs.len() != 2 {
        diagnostics.error_spanned(
            &sig.inputs,
            format!(
                "an exception handler takes two parameters, `request: &Request` and the error; this one takes {}",
                sig.inputs.len()
            ),
        );
    } else if !matches!(&*typed[0].ty, syn::Type::Reference(_)) {
        diagnostics.error_spanned(&typed[0].ty, "the request comes first, borrowed: `request: &Request`");
    }
    if let Some(error) = diagnostics.into_error() {
        return crate::route::emit_with_errors(function, error, false);
    }
    let name = &sig.ident;
    let error_ty = &typed[1].ty;
    let check = quote_spanned! {name.span()=>
        const _: fn() = || ::brisk::__private::assert_exception_handler::<#error_ty, _>(&#name);
    };
    quote! {
        #function
        #check
    }
}
