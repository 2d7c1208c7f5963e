//! `#[depends]`: parse → check → generate, sharing the handlers' parameter rules.

pub(crate) mod yields;

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Ident, ItemFn, ReturnType};

use crate::route::Diagnostics;
use crate::route::check::{self, Kind};
use crate::route::generate::{Locals, dependency_infos, extraction, local, pattern_statics, send_check};
use crate::route::params::{self, Handler, Source, last_segment};

pub fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut diagnostics = Diagnostics::default();
    let scope = parse_scope(attr, &mut diagnostics);
    let mut function = match crate::route::parse_function(
        item,
        "`#[depends]` applies to functions: write it on an `async fn` or `fn`",
    ) {
        Ok(function) => function,
        Err(out) => return out,
    };
    let mut handler = params::parse(&mut function, &mut diagnostics);
    check::check(Kind::Dependency, &mut handler, &function, &mut diagnostics);
    for socket in handler.params.iter().filter(|p| p.source == crate::route::params::Source::Socket) {
        diagnostics.error_spanned(
            &socket.ty,
            "a dependency cannot take the `WebSocket`: dependencies resolve before the upgrade; \
             take the socket in the `#[websocket]` handler",
        );
    }
    let yields = yields::check(&function.block, handler.is_async, &mut diagnostics);
    if yields {
        for param in handler.params.iter().filter(|p| p.source == Source::Request) {
            diagnostics.error_spanned(
                &param.ty,
                "a dependency with `yield_!` lives until its teardown and cannot borrow the request: \
                 take the values you need as parameters",
            );
        }
    } else if let Some((_, span)) = &scope {
        diagnostics.error(*span, "`scope` applies to dependencies with a `yield_!` (a teardown)");
    }
    let value = yields.then(|| yielded_type(&function, &mut diagnostics)).flatten();
    match diagnostics.into_error() {
        None => match value {
            Some(value) => {
                let scope = scope.map_or("Request", |(scope, _)| scope);
                generate_yielding(&handler, function, value, scope)
            }
            None => generate(&handler, &function),
        },
        Some(error) => crate::route::emit_with_errors(function, error, yields),
    }
}

/// `#[depends(scope = "function")]`: the scope and the span of its value.
fn parse_scope(attr: TokenStream, diagnostics: &mut Diagnostics) -> Option<(&'static str, Span)> {
    if attr.is_empty() {
        return None;
    }
    let metas = match syn::parse::Parser::parse2(
        syn::punctuated::Punctuated::<syn::MetaNameValue, syn::Token![,]>::parse_terminated,
        attr.clone(),
    ) {
        Ok(metas) => metas,
        Err(_) => {
            diagnostics.error_spanned(
                &attr,
                "`#[depends]` takes only `scope = \"request\"` or `scope = \"function\"`",
            );
            return None;
        }
    };
    let mut scope = None;
    for meta in metas {
        if !meta.path.is_ident("scope") {
            diagnostics
                .error_spanned(&meta.path, "unknown option; `#[depends]` takes only `scope = \"function\"`");
            continue;
        }
        match &meta.value {
            syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(text), .. }) => match text.value().as_str() {
                "request" => scope = Some(("Request", text.span())),
                "function" => scope = Some(("Function", text.span())),
                _ => diagnostics.error(text, "`scope` is `\"request\"` (the default) or `\"function\"`"),
            },
            other => {
                diagnostics.error_spanned(other, "`scope` is `\"request\"` (the default) or `\"function\"`")
            }
        }
    }
    scope
}

/// The type a yield dependency provides: `T` of `-> Result<T, E>`, or the return type.
fn yielded_type(function: &ItemFn, diagnostics: &mut Diagnostics) -> Option<syn::Type> {
    match &function.sig.output {
        ReturnType::Default => Some(syn::parse_quote! { () }),
        ReturnType::Type(_, ty) => {
            let Some(segment) = last_segment(ty).filter(|s| s.ident == "Result") else {
                return Some((**ty).clone());
            };
            match &segment.arguments {
                syn::PathArguments::AngleBracketed(args) => match args.args.first() {
                    Some(syn::GenericArgument::Type(value)) => Some(value.clone()),
                    _ => None,
                },
                _ => None,
            }
            .or_else(|| {
                diagnostics.error_spanned(
                    ty,
                    "write the return type as `Result<T, E>`: `T` is what `yield_!` provides",
                );
                None
            })
        }
    }
}

/// The user's function, rewritten around its yield: it takes the provider
/// handle, `yield_!(v)` becomes `provider.provide(v).await`, and it returns
/// what the teardown returns (`Result<(), E>`, or nothing).
fn rewrite(mut function: ItemFn, value: &syn::Type) -> ItemFn {
    let handle = yields::handle();
    function.sig.inputs.push(syn::parse_quote! { #handle: ::brisk::__private::Yield<#value> });
    if let ReturnType::Type(_, ty) = &mut function.sig.output {
        let fallible = last_segment(ty).is_some_and(|s| s.ident == "Result");
        if fallible {
            if let syn::Type::Path(path) = &mut **ty
                && let Some(segment) = path.path.segments.last_mut()
                && let syn::PathArguments::AngleBracketed(args) = &mut segment.arguments
                && let Some(first) = args.args.first_mut()
            {
                *first = syn::parse_quote! { () };
            }
            yields::rewrite(&mut function.block, &handle);
            yields::close_fallible(&mut function.block);
            return function;
        } else {
            function.sig.output = ReturnType::Default;
        }
    }
    yields::rewrite(&mut function.block, &handle);
    function
}

fn generate_yielding(handler: &Handler, function: ItemFn, value: syn::Type, scope: &str) -> TokenStream {
    let name = function.sig.ident.clone();
    let name_text = name.to_string();
    let fallible = matches!(&function.sig.output, ReturnType::Type(_, ty) if last_segment(ty).is_some_and(|s| s.ident == "Result"));
    let function = rewrite(function, &value);
    let locals = Locals::new(true);
    let (request, errors) = (&locals.request, &locals.errors);
    let handler_fn = Ident::new("handler", Span::mixed_site());
    let handle = yields::handle();
    let scope = Ident::new(scope, Span::call_site());

    let arguments: Vec<_> = handler.params.iter().map(local).collect();
    let body = if fallible {
        quote! { move |#handle| #handler_fn(#(#arguments,)* #handle) }
    } else {
        quote! {
            move |#handle| async move {
                #handler_fn(#(#arguments,)* #handle).await;
                ::core::result::Result::<(), ::core::convert::Infallible>::Ok(())
            }
        }
    };
    let scope_checks = if scope == "Request" {
        let checks = handler.params.iter().filter_map(|p| p.options.dependency.as_ref()).map(|path| {
            let message = format!(
                "`{name}` tears down after the response, so it cannot depend on `{}`, whose teardown \
                 (scope = \"function\") runs before the response",
                path.to_token_stream().to_string().replace(' ', "")
            );
            quote_spanned! {path.span()=>
                const _: () = ::core::assert!(
                    !::brisk::__private::outlives(
                        &<#name as ::brisk::__private::Dependency>::INFO,
                        &<#path as ::brisk::__private::Dependency>::INFO,
                    ),
                    #message
                );
            }
        });
        quote! { #(#checks)* }
    } else {
        quote! {}
    };
    let shape = Shape {
        doc: format!(
            " The yield dependency [`{name}()`]; use it with `#[depends({name})]`, `dependencies = [{name}]` \
             or `App::dependency::<{name}>()`."
        ),
        output_decl: quote! { type Output = #value; },
        blocking: false,
        teardown: quote! { ::core::option::Option::Some(::brisk::__private::Scope::#scope) },
        request_pattern: quote! { #request },
        errors_pattern: quote! { #errors },
        checks: scope_checks,
        finish: quote! {
            ::brisk::__private::yielding(
                #name_text,
                ::brisk::__private::Scope::#scope,
                #body,
                #request,
                #errors,
            )
            .await
        },
    };
    emit(handler, &function, &locals, shape)
}

/// What differs between the impls of a plain and a yield dependency.
struct Shape {
    doc: String,
    output_decl: TokenStream,
    blocking: bool,
    teardown: TokenStream,
    request_pattern: TokenStream,
    errors_pattern: TokenStream,
    /// Compile-time checks at the top of `resolve`.
    checks: TokenStream,
    /// What `resolve` does once every parameter is extracted.
    finish: TokenStream,
}

/// The function, its type, and the `Dependency` impl: extraction, then `finish`.
fn emit(handler: &Handler, function: &ItemFn, locals: &Locals, shape: Shape) -> TokenStream {
    let name = &function.sig.ident;
    let vis = &function.vis;
    let name_text = name.to_string();
    let handler_fn = Ident::new("handler", Span::mixed_site());
    let extractions =
        crate::route::generate::in_extraction_order(handler).map(|param| extraction(param, &[], locals));
    let checked: Vec<_> = handler.params.iter().filter(|p| p.source != Source::Request).map(local).collect();
    let mut guard = if checked.is_empty() {
        quote! {}
    } else {
        quote! {
            let (#(::core::option::Option::Some(#checked),)*) = (#(#checked,)*) else {
                return ::core::option::Option::None;
            };
        }
    };
    if handler.params.iter().any(|p| matches!(p.source, Source::Form | Source::File)) {
        // A form that could not be read (413, 415) leaves optional and
        // repeated fields at their defaults: the rejection decides.
        let errors = &locals.errors;
        guard.extend(quote! {
            if #errors.has_rejection() {
                return ::core::option::Option::None;
            }
        });
    }
    let infos = dependency_infos(&[], handler);
    let nodes = handler.params.iter().filter_map(|p| p.options.dependency.as_ref()).map(|path| {
        quote_spanned! {path.span()=> <#path as ::brisk::__private::Dependency>::NODE }
    });
    let body = crate::route::params::body_reader(handler)
        .unwrap_or_else(|| quote! { ::brisk::__private::BodyReader::None });
    let params = crate::route::params::param_infos(handler);
    let request_body = crate::route::params::body_fields(handler);
    let security = crate::route::params::security_infos(handler);
    let states = crate::route::params::state_needs(handler);
    let statics = pattern_statics(handler);
    let Shape { doc, output_decl, blocking, teardown, request_pattern, errors_pattern, checks, finish } =
        shape;
    let send_check = send_check(function);
    quote! {
        #function
        #send_check

        #[doc = #doc]
        #[allow(non_camel_case_types)]
        #vis struct #name {}

        // Before the impl: the type system evaluates this array length
        // first, so a cycle is reported by name ahead of rustc's own error.
        const _: () = {
            struct Acyclic([(); {
                ::brisk::__private::assert_acyclic(<#name as ::brisk::__private::Dependency>::NODE);
                0
            }]);
        };

        impl ::brisk::__private::Dependency for #name {
            #output_decl

            const NODE: ::brisk::__private::DependencyRef = {
                static NODE: ::brisk::__private::DependencyNode = ::brisk::__private::DependencyNode {
                    id: ::core::concat!(::core::module_path!(), "::", #name_text),
                    name: #name_text,
                    dependencies: &[#(#nodes),*],
                };
                ::brisk::__private::DependencyRef::new(&NODE)
            };

            // The helpers shared with routes write `__brisk::` paths.
            const INFO: ::brisk::__private::DependencyInfo = {
                use ::brisk::__private as __brisk;
                __brisk::DependencyInfo {
                    name: #name_text,
                    dependencies: &[#(#infos),*],
                    blocking: #blocking,
                    teardown: #teardown,
                    body: #body,
                    params: &[#(#params),*],
                    request_body: &[#(#request_body),*],
                    security: &[#(#security),*],
                    states: &[#(#states),*],
                }
            };

            async fn resolve(
                #request_pattern: &mut ::brisk::__private::Request,
                #errors_pattern: &mut ::brisk::__private::Errors,
            ) -> ::core::option::Option<Self::Output> {
                #[allow(unused_imports)]
                use ::brisk::__private as __brisk;
                #checks
                #statics
                let #handler_fn = #name;
                #(#extractions)*
                #guard
                #finish
            }
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
    let name_text = name.to_string();
    let locals = Locals::new(true);
    let (request, errors) = (&locals.request, &locals.errors);
    let handler_fn = Ident::new("handler", Span::mixed_site());

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
    let result = if fallible {
        quote! { ::brisk::__private::fallible(output, #errors) }
    } else {
        quote! { ::core::option::Option::Some(output) }
    };
    let output_span = match &function.sig.output {
        ReturnType::Type(_, ty) => ty.span(),
        ReturnType::Default => name.span(),
    };
    let blocking = !handler.is_async;
    let unused = handler.params.is_empty();
    let shape = Shape {
        doc: format!(
            " The dependency [`{name}()`]; use it with `#[depends({name})]`, `dependencies = [{name}]` \
             or `App::dependency::<{name}>()`."
        ),
        output_decl: quote_spanned! {output_span=> type Output = #output_ty; },
        blocking,
        teardown: quote! { ::core::option::Option::None },
        request_pattern: if unused {
            quote! { _ }
        } else {
            quote! { #request }
        },
        errors_pattern: if unused && !fallible && !blocking {
            quote! { _ }
        } else {
            quote! { #errors }
        },
        checks: quote! {},
        finish: quote! {
            let output = #call;
            #result
        },
    };
    emit(handler, function, &locals, shape)
}
