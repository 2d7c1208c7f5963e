//! `#[lifespan]`: one `async fn` around a `yield_!` of the app's state. It is
//! rewritten like a yield dependency: it takes the provider handle, the
//! yield becomes `provider.provide(state).await`, and it returns what its
//! shutdown half returns, so `App::lifespan(name)` can drive it.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{ItemFn, ReturnType};

use crate::depends::yields;
use crate::route::Diagnostics;
use crate::route::params::last_segment;

pub fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut diagnostics = Diagnostics::default();
    if !attr.is_empty() {
        diagnostics.error_spanned(&attr, "`#[lifespan]` takes no arguments");
    }
    let mut function = match syn::parse2::<ItemFn>(item.clone()) {
        Ok(function) => function,
        Err(_) => {
            let error = syn::Error::new_spanned(
                &item,
                "`#[lifespan]` applies to an `async fn` that yields the app state: `yield_!(AppState::new().with(pool))`",
            );
            let mut out = error.to_compile_error();
            out.extend(item);
            return out;
        }
    };
    let sig = &function.sig;
    if !sig.inputs.is_empty() {
        diagnostics
            .error_spanned(&sig.inputs, "a lifespan takes no parameters: it runs before any request exists");
    }
    if !sig.generics.params.is_empty() {
        diagnostics.error_spanned(&sig.generics, "a lifespan cannot be generic");
    }
    let yields = yields::check(&function.block, sig.asyncness.is_some(), &mut diagnostics);
    if !yields {
        diagnostics.error(
            &sig.ident,
            "a lifespan yields the app state once: startup, then `yield_!(AppState::new().with(...))`, then shutdown",
        );
    }
    if let Some(error) = diagnostics.into_error() {
        function.block =
            Box::new(syn::parse_quote!({ ::core::unreachable!("this lifespan failed to compile") }));
        function.attrs.push(syn::parse_quote!(#[allow(unused_variables)]));
        let mut out = function.into_token_stream();
        out.extend(error.to_compile_error());
        return out;
    }
    rewrite(function).into_token_stream()
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
