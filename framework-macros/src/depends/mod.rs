//! `#[depends]`: parse → check → generate, sharing the handlers' parameter rules.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Ident, ItemFn, ReturnType};

use crate::route::Diagnostics;
use crate::route::check::{self, Kind};
use crate::route::generate::{Locals, dependency_infos, extraction, local, pattern_statics};
use crate::route::params::{self, Handler, Source, last_segment};

pub fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut diagnostics = Diagnostics::default();
    if !attr.is_empty() {
        diagnostics.error_spanned(&attr, "`#[depends]` on a function takes no arguments");
    }
    let mut function = match syn::parse2::<ItemFn>(item.clone()) {
        Ok(function) => function,
        Err(_) => {
            let error = syn::Error::new_spanned(
                &item,
                "`#[depends]` applies to functions: write it on an `async fn` or `fn`",
            );
            let mut out = error.to_compile_error();
            out.extend(item);
            return out;
        }
    };
    let mut handler = params::parse(&mut function, &mut diagnostics);
    check::check(Kind::Dependency, &mut handler, &function, &mut diagnostics);
    match diagnostics.into_error() {
        None => generate(&handler, &function),
        Some(error) => {
            let mut out = function.into_token_stream();
            out.extend(error.to_compile_error());
            out
        }
    }
}

/// The dependency's output type, and whether the function returns a `Result`.
fn output(function: &ItemFn) -> (TokenStream, bool) {
    match &function.sig.output {
        ReturnType::Default => (quote! { () }, false),
        ReturnType::Type(_, ty) => {
            let fallible = last_segment(ty).is_some_and(|s| s.ident == "Result");
            if fallible {
                (quote_spanned! {ty.span()=> <#ty as ::brisk::__private::Fallible>::Ok }, true)
            } else {
                (quote! { #ty }, false)
            }
        }
    }
}

fn generate(handler: &Handler, function: &ItemFn) -> TokenStream {
    let name = &function.sig.ident;
    let vis = &function.vis;
    let name_text = name.to_string();
    let locals = Locals::new(true);
    let (request, errors) = (&locals.request, &locals.errors);
    let handler_fn = Ident::new("handler", Span::mixed_site());

    let extractions = handler.params.iter().map(|param| extraction(param, &[], &locals));
    let checked: Vec<_> = handler.params.iter().filter(|p| p.source != Source::Request).map(local).collect();
    let guard = if checked.is_empty() {
        quote! {}
    } else {
        quote! {
            let (#(::core::option::Option::Some(#checked),)*) = (#(#checked,)*) else {
                return ::core::option::Option::None;
            };
        }
    };
    let arguments = handler.params.iter().map(|param| match param.source {
        Source::Request => quote! { &*#request },
        _ => local(param).into_token_stream(),
    });
    let call = if handler.is_async {
        quote! { #handler_fn(#(#arguments),*).await }
    } else {
        quote! {
            match ::brisk::__private::run_blocking(#name_text, move || #handler_fn(#(#arguments),*)).await {
                ::core::result::Result::Ok(output) => output,
                ::core::result::Result::Err(response) => {
                    #errors.reject(response);
                    return ::core::option::Option::None;
                }
            }
        }
    };
    let (output_ty, fallible) = output(function);
    let finish = if fallible {
        quote! { ::brisk::__private::fallible(output, #errors) }
    } else {
        quote! { ::core::option::Option::Some(output) }
    };
    let output_span = match &function.sig.output {
        ReturnType::Type(_, ty) => ty.span(),
        ReturnType::Default => name.span(),
    };
    let output_decl = quote_spanned! {output_span=> type Output = #output_ty; };
    let infos = dependency_infos(&[], handler);
    let blocking = !handler.is_async;
    let statics = pattern_statics(handler);
    let request_pattern = if handler.params.is_empty() {
        quote! { _ }
    } else {
        quote! { #request }
    };
    let errors_pattern = if handler.params.is_empty() && !fallible && handler.is_async {
        quote! { _ }
    } else {
        quote! { #errors }
    };
    let doc = format!(
        " The dependency [`{name}()`]; use it with `#[depends({name})]`, `dependencies = [{name}]` \
         or `App::dependency::<{name}>()`."
    );

    quote! {
        #function

        #[doc = #doc]
        #[allow(non_camel_case_types)]
        #vis struct #name {}

        impl ::brisk::__private::Dependency for #name {
            #output_decl

            const INFO: ::brisk::__private::DependencyInfo = ::brisk::__private::DependencyInfo {
                name: #name_text,
                dependencies: &[#(#infos),*],
                blocking: #blocking,
            };

            async fn resolve(
                #request_pattern: &mut ::brisk::__private::Request,
                #errors_pattern: &mut ::brisk::__private::Errors,
            ) -> ::core::option::Option<Self::Output> {
                #statics
                let #handler_fn = #name;
                #(#extractions)*
                #guard
                let output = #call;
                #finish
            }
        }
    }
}
