//! `#[lifespan]`: one `async fn` around a `yield_!` of the app's state. It is
//! rewritten like a yield dependency: it takes the provider handle, the
//! yield becomes `provider.provide(state).await`, and it returns what its
//! shutdown half returns, so `App::lifespan(name)` can drive it.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{ItemFn, ReturnType};

use crate::depends::yields;
use crate::route::params::last_segment;
use crate::route::{Diagnostics, FreeFunction};

pub fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut diagnostics = Diagnostics::default();
    let checks = FreeFunction {
        no_arguments: "`#[lifespan]` takes no arguments",
        shape: "`#[lifespan]` applies to an `async fn` that yields the app state: `yield_!(AppState::new().with(pool))`",
        receiver: "a lifespan is a free function: remove `self`",
        generic: "a lifespan cannot be generic",
    };
    let function = match checks.parse(attr, item, &mut diagnostics) {
        Ok(function) => function,
        Err(out) => return out,
    };
    let sig = &function.sig;
    let yields = yields::check(&function.block, sig.asyncness.is_some(), &mut diagnostics);
    if !yields {
        diagnostics.error(
            &sig.ident,
            "a lifespan yields the app state once: startup, then `yield_!(AppState::new().with(...))`, then shutdown",
        );
    }
    if let Some(error) = diagnostics.into_error() {
        return crate::route::emit_with_errors(function, error, true);
    }
    if function.sig.inputs.is_empty() {
        rewrite(function).into_token_stream()
    } else {
        configured(rewrite(function))
    }
}

/// A lifespan with parameters (a database path, settings) becomes a
/// function that takes them and returns the lifespan itself:
/// `App::lifespan(lifespan(path))`.
fn configured(function: ItemFn) -> TokenStream {
    let ItemFn { attrs, vis, sig, block } = function;
    let mut inputs = sig.inputs.clone();
    let handle = inputs.pop().map(|pair| pair.into_value());
    let Some(syn::FnArg::Typed(handle)) = handle else { return quote::quote! {} };
    let provider = &handle.pat;
    let name = &sig.ident;
    let output = match &sig.output {
        ReturnType::Type(_, ty) => quote::quote! { #ty },
        ReturnType::Default => quote::quote! { () },
    };
    quote::quote! {
        #(#attrs)*
        #vis fn #name(#inputs) -> impl ::core::ops::FnOnce(
            ::brisk::__private::Yield<::brisk::lifespan::AppState>,
        ) -> ::core::pin::Pin<
            ::std::boxed::Box<dyn ::core::future::Future<Output = #output> + ::core::marker::Send>,
        > + ::core::marker::Send
               + 'static {
            move |#provider| ::std::boxed::Box::pin(async move #block)
        }
    }
}

fn rewrite(mut function: ItemFn) -> ItemFn {
    let handle = yields::handle();
    function
        .sig
        .inputs
        .push(syn::parse_quote! { #handle: ::brisk::__private::Yield<::brisk::lifespan::AppState> });
    yields::rewrite(&mut function.block, &handle);
    let fallible = matches!(&function.sig.output, ReturnType::Type(_, ty) if last_segment(ty).is_some_and(|s| s.ident == "Result"));
    if fallible {
        if let ReturnType::Type(_, ty) = &mut function.sig.output
            && let syn::Type::Path(path) = &mut **ty
            && let Some(segment) = path.path.segments.last_mut()
            && let syn::PathArguments::AngleBracketed(args) = &mut segment.arguments
            && let Some(first) = args.args.first_mut()
        {
            *first = syn::parse_quote! { () };
        }
        yields::close_fallible(&mut function.block);
    } else {
        let block = &function.block;
        function.block = Box::new(syn::parse_quote!({
            #block;
            ::core::result::Result::Ok(())
        }));
        function.sig.output =
            syn::parse_quote! { -> ::core::result::Result<(), ::core::convert::Infallible> };
    }
    function
}
