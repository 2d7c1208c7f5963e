//! The code a route macro writes: the user's function, unchanged, and a
//! unit-like type of the same name that implements `Endpoint`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, Ident, ItemFn, Lit, LitFloat, LitStr, ReturnType};

use super::args::RouteArgs;
use super::check::header_name;
use super::params::{
    Handler, Param, Source, body_fields, body_reader, doc_comment, is_float, is_text_like, last_segment,
    param_infos, security_infos, state_needs,
};
use crate::template::Variable;

/// The most parameters a route may await: `brisk::__private::MAX_STEPS`.
const MAX_STEPS: usize = 16;
/// The most parameters a route may take, the request aside:
/// `brisk::__private::MAX_PARAMS`.
const MAX_PARAMS: usize = 32;

pub(crate) fn generate(
    method: &str,
    args: &RouteArgs,
    variables: &[Variable],
    handler: &Handler,
    function: &ItemFn,
) -> TokenStream {
    let name = &function.sig.ident;
    let vis = &function.vis;
    let method = Ident::new(method, Span::call_site());
    let path = &args.path;
    let name_text = name.to_string();
    let (driver, chain) = match chain(args, variables, handler, function) {
        Ok(chain) => chain,
        Err(error) => {
            let error = error.to_compile_error();
            return quote! { #function #error };
        }
    };
    let mut info = InfoFields::new(quote! { __brisk::Method::#method }, path, &name_text);
    info.list("tags", args.tags.iter().map(|tag| quote! { #tag }).collect());
    info.list("dependencies", dependency_infos(&args.dependencies, handler).collect());
    if let Some(body) = body_reader(handler) {
        info.set("body", body);
    }
    info.list("params", param_infos(handler));
    info.list("request_body", body_fields(handler));
    if let Some(response) = response_description(args, function) {
        info.set("response", response);
    }
    info.list("security", security_infos(handler));
    info.list("states", state_needs(handler));
    info.list(
        "responses",
        args.responses
            .iter()
            .map(|(status, ty)| {
                quote_spanned! {ty.span()=>
                    __brisk::DeclaredResponse {
                        status: #status,
                        schema: __brisk::schema_for::<#ty>,
                    }
                }
            })
            .collect(),
    );
    info.text("summary", args.summary.as_ref().map(LitStr::value));
    info.text("description", args.description.as_ref().map(LitStr::value).or_else(|| doc_comment(function)));
    if args.deprecated {
        info.set("deprecated", quote! { true });
    }
    info.text("operation_id", args.operation_id.as_ref().map(LitStr::value));
    if !args.include_in_schema {
        info.set("include_in_schema", quote! { false });
    }
    if let Some(code) = &args.status_code {
        info.set("status_code", quote! { ::core::option::Option::Some(#code) });
    }
    let doc = format!(
        " The `{method} {}` route of [`{name}()`]; register it with `routes![{name}]`.",
        path.value()
    );

    let send_check = send_check(function);
    quote! {
        #function
        #send_check

        #[doc = #doc]
        #[allow(non_camel_case_types)]
        #vis struct #name {}

        // In one block, so that one attribute covers every function (a
        // route's locals may go unused: a handler without parameters reads
        // nothing), and one short import serves every path into brisk: the
        // fewer tokens, the less for the compiler to read in every route.
        #[allow(unused_variables, unused_mut)]
        const _: () = {
            use ::brisk::__private as __brisk;

            impl __brisk::Endpoint for #name {
                const INFO: __brisk::RouteInfo = #info;

                fn call(
                    &self,
                    request: __brisk::Request,
                ) -> impl __brisk::Future<Output = __brisk::Response> + ::core::marker::Send {
                    __brisk::#driver::<Self>(request)
                }
            }

            #chain
        };
    }
}

/// One awaited parameter of the chain: the type its future yields, the
/// future, and the statements that keep its value (the plain parameters
/// after it follow them).
struct Awaited {
    out: TokenStream,
    start: TokenStream,
    keep: Vec<TokenStream>,
}

/// The route's typed steps (`Chain`, `Step<K>`, `Respond` or `Finish`) and
/// the driver that awaits them: plain functions, so that the futures are
/// brisk's (see `brisk::routing::chain`).
fn chain(
    args: &RouteArgs,
    variables: &[Variable],
    handler: &Handler,
    function: &ItemFn,
) -> Result<(Ident, TokenStream), syn::Error> {
    let name = &function.sig.ident;
    let name_text = name.to_string();
    let locals = Locals { reads_form: false, ..Locals::new(true) };
    let (request, errors) = (&locals.request, &locals.errors);
    let state = Ident::new("state", Span::mixed_site());
    let out = Ident::new("out", Span::mixed_site());
    let teardowns = Ident::new("teardowns", Span::mixed_site());
    let file_request = Ident::new("file_request", Span::mixed_site());
    // Mixed-site, like the other locals: a handler may be called `args`.
    let args_local = Ident::new("args", Span::mixed_site());

    let checked: Vec<&Param> = handler.params.iter().filter(|p| p.source != Source::Request).collect();
    let slot = |param: &Param| {
        let index = checked.iter().position(|p| std::ptr::eq(*p, param)).unwrap_or_default();
        syn::Index::from(index)
    };

    // The plain parameters before the first await, then each awaited one.
    let mut begin: Vec<TokenStream> = Vec::new();
    let mut awaited: Vec<Awaited> = Vec::new();
    for path in &args.dependencies {
        awaited.push(Awaited {
            out: quote! { () },
            start: quote_spanned! {path.span()=> __brisk::depend_only::<#path>(#request, #errors) },
            keep: Vec::new(),
        });
    }
    let mut form_read = false;
    for param in in_extraction_order(handler) {
        let ty = &param.ty;
        let owned_ty = owned(ty);
        let index = slot(param);
        let binding = local(param);
        let step = match param.source {
            Source::Request | Source::Socket => continue,
            Source::Body => Some(Awaited {
                out: quote_spanned! {ty.span()=> __brisk::Option<#owned_ty> },
                start: quote_spanned! {ty.span()=>
                    __brisk::json_body::<#ty, false>(#request, #errors)
                },
                keep: vec![quote_spanned! {ty.span()=>
                    #state.#index = #out.filter(|body| __brisk::Validated::new(body).check(#errors));
                }],
            }),
            Source::Extractor => Some(Awaited {
                out: quote_spanned! {ty.span()=>
                    __brisk::Result<#owned_ty, __brisk::Rejection>
                },
                // The type comes from `Out`: with no turbofish, this error and the
                // one on the signature's future share a span, and are reported once.
                start: quote_spanned! {ty.span()=> __brisk::extract(#request) },
                keep: vec![quote_spanned! {ty.span()=> #state.#index = #errors.absorb(#out); }],
            }),
            Source::Depends => {
                let Some(path) = &param.options.dependency else { continue };
                let use_cache = !param.options.no_cache;
                // Spanned on the dependency's name, where a mismatched output is reported.
                Some(Awaited {
                    out: quote_spanned! {ty.span()=> __brisk::Option<#owned_ty> },
                    start: quote_spanned! {path.span()=>
                        __brisk::depend::<#path, #ty>(#request, #errors, #use_cache)
                    },
                    keep: vec![quote! { #state.#index = #out; }],
                })
            }
            // Form fields and files come from the body, read once, before the first of them.
            Source::Form | Source::File if !form_read => {
                form_read = true;
                Some(Awaited {
                    out: quote! { () },
                    start: quote_spanned! {ty.span()=> __brisk::read_form(#request, #errors) },
                    keep: Vec::new(),
                })
            }
            _ => None,
        };
        // What reads the value (plain parameters, and a form's fields once
        // the form is read) goes after the last await so far.
        let plain = match param.source {
            Source::Body | Source::Extractor | Source::Depends => None,
            _ => {
                let statics = pattern_static_item(param);
                let extraction = extraction(param, variables, &locals);
                Some(quote! {
                    #statics
                    #extraction
                    #state.#index = #binding;
                })
            }
        };
        if let Some(step) = step {
            awaited.push(step);
        }
        if let Some(plain) = plain {
            match awaited.last_mut() {
                Some(last) => last.keep.push(plain),
                None => begin.push(plain),
            }
        }
    }
    if awaited.len() > MAX_STEPS {
        let span = handler
            .params
            .iter()
            .filter(|p| matches!(p.source, Source::Body | Source::Extractor | Source::Depends))
            .nth(MAX_STEPS.saturating_sub(args.dependencies.len()))
            .map_or_else(|| name.span(), |p| p.ty.span());
        return Err(syn::Error::new(
            span,
            format!(
                "a route awaits at most {MAX_STEPS} dependencies, bodies and `FromRequest` parameters, and \
                 this one awaits {}: gather some into a `#[depends]` function of their own",
                awaited.len()
            ),
        ));
    }

    if let Some(extra) = checked.get(MAX_PARAMS) {
        return Err(syn::Error::new(
            extra.ty.span(),
            format!(
                "a route takes at most {MAX_PARAMS} parameters besides the request, and this one takes {}: \
                 gather some into a `#[depends]` function, or a query model (`#[query] filters: Filters`)",
                checked.len()
            ),
        ));
    }

    let types: Vec<syn::Type> = checked.iter().map(|p| owned(&p.ty)).collect();
    // A form that could not be read (413, 415) leaves optional and
    // repeated fields at their defaults: only `errors` shows it. So does a
    // side-effect dependency, which binds nothing.
    let reads_form = handler.params.iter().any(|p| matches!(p.source, Source::Form | Source::File));
    let check_errors = (!args.dependencies.is_empty() || reads_form).then(|| {
        quote! { const CHECK_ERRORS: bool = true; }
    });
    // The handler is called with `args`' fields, not with locals of the
    // parameters' names: one of those may be the handler's own name.
    let mut position = 0;
    let arguments: Vec<TokenStream> = handler
        .params
        .iter()
        .map(|param| match param.source {
            Source::Request => quote! { #request },
            _ => {
                let index = syn::Index::from(position);
                position += 1;
                quote! { #args_local.#index }
            }
        })
        .collect();
    let output_span = match &function.sig.output {
        ReturnType::Type(_, ty) => ty.span(),
        ReturnType::Default => function.sig.ident.span(),
    };
    // A return type that cannot be written (`impl IntoResponse`) is
    // converted as soon as the handler returns.
    let opaque = match &function.sig.output {
        ReturnType::Type(_, ty) => names_impl(quote! { #ty }),
        ReturnType::Default => false,
    };
    let returned = match &function.sig.output {
        _ if opaque => quote! { __brisk::Responded },
        ReturnType::Type(_, ty) => quote! { #ty },
        ReturnType::Default => quote! { () },
    };
    let (call, output) = match (handler.is_async, opaque) {
        (true, false) => (quote! { #name(#(#arguments),*) }, returned),
        (true, true) => (quote! { __brisk::responded(#name(#(#arguments),*)) }, returned),
        (false, opaque) => {
            let call = quote! {
                __brisk::run_blocking(#name_text, move || #name(#(#arguments),*))
            };
            let call = if opaque {
                quote! { __brisk::responded_blocking(#call) }
            } else {
                call
            };
            (call, quote! { __brisk::Result<#returned, __brisk::Response> })
        }
    };
    // A `FileResponse` answers the request's conditional headers: they
    // are copied before the handler (which may own the request) runs.
    // `carried` is what `handle` hands on: the captured headers, or `()`.
    let (carry, capture, carried, resolve) = if returns_file(function) {
        (
            quote! { __brisk::FileRequest },
            quote! {
                let #file_request = __brisk::FileRequest::capture(#request.method(), #request.headers());
            },
            quote! { #file_request },
            quote_spanned! {output_span=>
                let output = __brisk::ResolveFile::resolve(output, &#file_request);
            },
        )
    } else {
        (quote! { () }, quote! {}, quote! { () }, quote! {})
    };
    let convert = convert(args, function, output_span);
    let status = args.status_code.map(|code| {
        let code = proc_macro2::Literal::u16_unsuffixed(code);
        quote! { __brisk::status_code(#code) }
    });
    // A 204 or 304 route sends no body, whatever the handler returned.
    let bodiless = matches!(args.status_code, Some(204 | 304));

    let has_teardowns = needs_teardowns(args, handler);
    let exit = if has_teardowns {
        let status = match &status {
            Some(status) => quote! { __brisk::Option::Some(#status) },
            None => quote! { __brisk::Option::None },
        };
        let mut finish = if handler.is_async {
            quote_spanned! {output_span=>
                #convert
                #resolve
                #teardowns.finish(output, #status)
            }
        } else {
            quote_spanned! {output_span=>
                let output = __brisk::Result::map(output, |output| {
                    #convert
                    #resolve
                    output
                });
                #teardowns.conclude(output, #status)
            }
        };
        if bodiless {
            finish = quote! { __brisk::bodiless_after({ #finish }) };
        }
        quote! {
            impl __brisk::Finish for #name {
                fn finish(
                    #teardowns: __brisk::Teardowns,
                    output: Self::Output,
                    #file_request: Self::Carry,
                ) -> impl __brisk::Future<Output = __brisk::Response> {
                    #finish
                }
            }
        }
    } else {
        let unwrap = (!handler.is_async).then(|| {
            quote! {
                let output = match output {
                    __brisk::Result::Ok(output) => output,
                    __brisk::Result::Err(response) => return response,
                };
            }
        });
        let mut respond = match &status {
            Some(status) => quote_spanned! {output_span=>
                __brisk::IntoResponse::into_response_with_status(output, #status)
            },
            None => quote_spanned! {output_span=> __brisk::IntoResponse::into_response(output) },
        };
        if bodiless {
            respond = quote! { __brisk::bodiless(#respond) };
        }
        quote! {
            impl __brisk::Respond for #name {
                fn respond(output: Self::Output, #file_request: Self::Carry) -> __brisk::Response {
                    #unwrap
                    #convert
                    #resolve
                    #respond
                }
            }
        }
    };

    let steps = awaited.iter().enumerate().map(|(k, step)| {
        let Awaited { out: out_ty, start, keep } = step;
        let k = proc_macro2::Literal::usize_unsuffixed(k);
        let span = start.clone().into_iter().next().map_or_else(Span::call_site, |token| token.span());
        let start_fn = quote_spanned! {span=>
            fn start<'a>(
                #request: &'a mut __brisk::Request,
                #errors: &'a mut __brisk::Errors,
            ) -> impl __brisk::Future<Output = Self::Out> + 'a {
                #start
            }
        };
        quote! {
            impl __brisk::Step<#k> for #name {
                type Out = #out_ty;

                #start_fn

                fn keep(
                    #state: &mut Self::State,
                    #out: Self::Out,
                    #request: &mut __brisk::Request,
                    #errors: &mut __brisk::Errors,
                ) {
                    #(#keep)*
                }
            }
        }
    });
    let driver = if checked.is_empty() && awaited.is_empty() && !has_teardowns {
        format_ident!("drive_bare")
    } else {
        format_ident!("drive{}{}", awaited.len(), if has_teardowns { "_scoped" } else { "" })
    };
    // Left to the trait's default when nothing is read before the first await.
    let begin_fn = (!begin.is_empty()).then(|| {
        quote! {
            fn begin(
                #state: &mut Self::State,
                #request: &mut __brisk::Request,
                #errors: &mut __brisk::Errors,
            ) {
                #(#begin)*
            }
        }
    });
    // Inside `generate`'s block, which imports `__brisk`.
    let impls = quote! {
        impl __brisk::Chain for #name {
            type State = (#(__brisk::Option<#types>,)*);
            type Args = (#(#types,)*);
            type Output = #output;
            type Carry = #carry;

            #check_errors
            #begin_fn

            fn handle(
                #args_local: Self::Args,
                #request: __brisk::Request,
            ) -> (impl __brisk::Future<Output = Self::Output>, Self::Carry) {
                #capture
                (#call, #carried)
            }
        }

        #(#steps)*

        #exit
    };
    Ok((driver, impls))
}

/// The type as the chain's associated types write it: a borrowed type
/// (`&str`, which is reported as no parameter type) with its elided
/// lifetime spelled `'static`, since an associated type cannot elide one.
fn owned(ty: &syn::Type) -> syn::Type {
    struct Elided;
    impl syn::visit_mut::VisitMut for Elided {
        fn visit_type_reference_mut(&mut self, reference: &mut syn::TypeReference) {
            if reference.lifetime.is_none() {
                reference.lifetime = Some(syn::Lifetime::new("'static", reference.and_token.span));
            }
            syn::visit_mut::visit_type_reference_mut(self, reference);
        }
    }
    let mut ty = ty.clone();
    syn::visit_mut::VisitMut::visit_type_mut(&mut Elided, &mut ty);
    ty
}

/// `response_model = T`: the success value converts into `T` (reported
/// on the return type when it cannot) and is serialized as `T`.
fn convert(args: &RouteArgs, function: &ItemFn, output_span: Span) -> TokenStream {
    match (&args.response_model, model_shape(function)) {
        (Some(model), Ok(shape)) => {
            let json = quote_spanned! {output_span=> __brisk::Json };
            let into = quote_spanned! {output_span=> ::core::convert::Into::<#model>::into };
            match shape {
                ModelShape::Value => quote_spanned! {output_span=> let output = #json(#into(output)); },
                ModelShape::Json => quote_spanned! {output_span=> let output = #json(#into(output.0)); },
                ModelShape::Result => quote_spanned! {output_span=>
                    let output = ::core::result::Result::map(output, |value| #json(#into(value)));
                },
                ModelShape::ResultJson => quote_spanned! {output_span=>
                    let output = ::core::result::Result::map(output, |value| #json(#into(value.0)));
                },
            }
        }
        _ => quote! {},
    }
}

/// What the handler returns, as far as `response_model` needs to know.
pub(crate) enum ModelShape {
    /// The value itself: `-> UserRecord`.
    Value,
    /// `-> Json<UserRecord>`.
    Json,
    /// `-> Result<UserRecord, E>`.
    Result,
    /// `-> Result<Json<UserRecord>, E>`.
    ResultJson,
}

/// The return type's shape for `response_model`, or the error to report on
/// it (a tuple, `impl Trait` or no return type cannot be converted).
pub(crate) fn model_shape(function: &ItemFn) -> Result<ModelShape, syn::Error> {
    let message = "`response_model` converts what the handler returns into the model: return the \
                   value (`T`), `Json<T>` or `Result<T, E>`";
    let ty = match &function.sig.output {
        ReturnType::Type(_, ty) => ty,
        ReturnType::Default => return Err(syn::Error::new(function.sig.ident.span(), message)),
    };
    if !matches!(**ty, syn::Type::Path(_)) {
        return Err(syn::Error::new_spanned(ty, message));
    }
    let is_json = |ty: &syn::Type| last_segment(ty).is_some_and(|s| s.ident == "Json");
    match last_segment(ty) {
        Some(segment) if segment.ident == "Result" => {
            let ok = match &segment.arguments {
                syn::PathArguments::AngleBracketed(args) => args.args.iter().find_map(|arg| match arg {
                    syn::GenericArgument::Type(ty) => Some(ty),
                    _ => None,
                }),
                _ => None,
            };
            Ok(if ok.is_some_and(is_json) { ModelShape::ResultJson } else { ModelShape::Result })
        }
        _ if is_json(ty) => Ok(ModelShape::Json),
        _ => Ok(ModelShape::Value),
    }
}

/// The route's `response`: the model's schema, or what the return type
/// says of itself. A return type the description cannot name (`impl
/// IntoResponse`) or none at all has no content.
/// `None` leaves `RouteInfo::DEFAULT`'s, which has no content.
fn response_description(args: &RouteArgs, function: &ItemFn) -> Option<TokenStream> {
    if let Some(model) = &args.response_model {
        return Some(quote_spanned! {model.span()=> __brisk::response_model::<#model> });
    }
    let ReturnType::Type(_, ty) = &function.sig.output else { return None };
    if names_impl(quote! { #ty }) {
        return None;
    }
    Some(quote! { |generator| __brisk::ResponseOf::<#ty>::new().describe(generator) })
}

/// A route's `RouteInfo`, written as the fields that differ from
/// `RouteInfo::DEFAULT`: the fewer tokens, the less for the compiler to
/// read in every route of the app.
struct InfoFields {
    fields: Vec<TokenStream>,
}

impl InfoFields {
    fn new(method: TokenStream, path: &LitStr, name: &str) -> Self {
        InfoFields { fields: vec![quote! { method: #method, path: #path, name: #name }] }
    }

    fn set(&mut self, field: &str, value: TokenStream) {
        let field = Ident::new(field, Span::call_site());
        self.fields.push(quote! { #field: #value });
    }

    /// A `&'static [T]` field, left out when empty.
    fn list(&mut self, field: &str, items: Vec<TokenStream>) {
        if !items.is_empty() {
            self.set(field, quote! { &[#(#items),*] });
        }
    }

    /// An `Option<&'static str>` field, left out when `None`.
    fn text(&mut self, field: &str, text: Option<String>) {
        if let Some(text) = text {
            self.set(field, quote! { ::core::option::Option::Some(#text) });
        }
    }
}

impl quote::ToTokens for InfoFields {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let fields = &self.fields;
        tokens.extend(quote! {
            __brisk::RouteInfo { #(#fields,)* ..__brisk::RouteInfo::DEFAULT }
        });
    }
}

fn names_impl(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|token| match token {
        proc_macro2::TokenTree::Ident(ident) => ident == "impl",
        proc_macro2::TokenTree::Group(group) => names_impl(group.stream()),
        _ => false,
    })
}

/// Whether the handler's exits go through `Teardowns`: its dependencies
/// may set teardowns up, and background tasks and the headers a
/// `ResponseHeaders` collects travel with them.
fn needs_teardowns(args: &RouteArgs, handler: &Handler) -> bool {
    let uses_scope = handler.params.iter().any(|p| {
        p.source == Source::Extractor
            && last_segment(&p.ty)
                .is_some_and(|s| s.ident == "BackgroundTasks" || s.ident == "ResponseHeaders")
    });
    uses_scope || !args.dependencies.is_empty() || handler.params.iter().any(|p| p.source == Source::Depends)
}

/// Stops the route with `reject` unless every parameter was extracted;
/// `check_errors` when a failure can show only in `errors` (a side-effect
/// dependency binds nothing).
fn guard(bindings: &[Ident], reject: &TokenStream, errors: &Ident, check_errors: bool) -> TokenStream {
    let mut guard = if bindings.is_empty() {
        quote! {}
    } else {
        quote! {
            let (#(::core::option::Option::Some(#bindings),)*) = (#(#bindings,)*) else {
                #reject;
            };
        }
    };
    if check_errors {
        guard.extend(quote! {
            if !#errors.is_empty() {
                #reject;
            }
        });
    }
    guard
}

/// Whether the declared return type names `FileResponse` anywhere (as in
/// `Result<FileResponse, HttpError>`).
fn returns_file(function: &ItemFn) -> bool {
    fn names_file(tokens: TokenStream) -> bool {
        tokens.into_iter().any(|token| match token {
            proc_macro2::TokenTree::Ident(ident) => ident == "FileResponse",
            proc_macro2::TokenTree::Group(group) => names_file(group.stream()),
            _ => false,
        })
    }
    match &function.sig.output {
        ReturnType::Type(_, ty) => names_file(quote! { #ty }),
        ReturnType::Default => false,
    }
}

/// The request and error collector as the generated code holds them: owned
/// locals in a route's `call`, `&mut` parameters in a dependency's `resolve`.
pub(crate) struct Locals {
    pub request: Ident,
    pub errors: Ident,
    pub borrowed: bool,
    /// Whether a form field or file reads the form first (a route's chain
    /// reads it in a step of its own).
    pub reads_form: bool,
}

impl Locals {
    pub(crate) fn new(borrowed: bool) -> Self {
        // Mixed-site names cannot collide with the user's parameter names.
        Locals {
            request: Ident::new("request", Span::mixed_site()),
            errors: Ident::new("errors", Span::mixed_site()),
            borrowed,
            reads_form: true,
        }
    }

    fn request_ref(&self) -> TokenStream {
        let request = &self.request;
        if self.borrowed {
            quote! { #request }
        } else {
            quote! { &#request }
        }
    }

    fn request_mut(&self) -> TokenStream {
        let request = &self.request;
        if self.borrowed {
            quote! { #request }
        } else {
            quote! { &mut #request }
        }
    }

    fn errors_mut(&self) -> TokenStream {
        let errors = &self.errors;
        if self.borrowed {
            quote! { #errors }
        } else {
            quote! { &mut #errors }
        }
    }
}

/// `&<f as Dependency>::INFO` for each dependency of a handler, in order.
pub(crate) fn dependency_infos<'a>(
    side_effects: &'a [syn::Path],
    handler: &'a Handler,
) -> impl Iterator<Item = TokenStream> + 'a {
    let params = handler.params.iter().filter_map(|p| p.options.dependency.as_ref());
    side_effects.iter().chain(params).map(|path| {
        quote_spanned! {path.span()=> &<#path as __brisk::Dependency>::INFO }
    })
}

/// For an `async fn`, a check that its future is `Send`, spanned on its
/// name and placed ahead of the impl: the compiler reports a value held
/// across an `.await` there first, as "future returned by `name`", rather
/// than only at the macro's impl. A closure that is never called gives the
/// check values of the parameters' types.
pub(crate) fn send_check(function: &ItemFn) -> TokenStream {
    if function.sig.asyncness.is_none() {
        return quote! {};
    }
    let name = &function.sig.ident;
    let types = function.sig.inputs.iter().filter_map(|input| match input {
        syn::FnArg::Typed(typed) => Some(&typed.ty),
        syn::FnArg::Receiver(_) => None,
    });
    let arguments: Vec<Ident> = (0..function.sig.inputs.len())
        .map(|i| format_ident!("argument{i}", span = Span::mixed_site()))
        .collect();
    quote_spanned! {name.span()=>
        const _: () = {
            #[allow(dead_code)]
            struct SendFuture([(); {
                let _ = |#(#arguments: #types),*| ::brisk::__private::assert_send(#name(#(#arguments),*));
                0
            }]);
        };
    }
}

/// Resolves a route's `dependencies = [...]` for their side effects.
pub(crate) fn side_effects(paths: &[syn::Path], locals: &Locals) -> TokenStream {
    let (request, errors) = (locals.request_mut(), locals.errors_mut());
    let calls = paths.iter().map(|path| {
        quote_spanned! {path.span()=>
            __brisk::depend::<#path, _>(#request, #errors, true).await;
        }
    });
    quote! { #(#calls)* }
}

/// One parameter's line of the extraction chain.
pub(crate) fn extraction(param: &Param, variables: &[Variable], locals: &Locals) -> TokenStream {
    let binding = &local(param);
    let ty = &param.ty;
    let errors = &locals.errors;
    let request_ref = locals.request_ref();
    let request_mut = locals.request_mut();
    let errors_mut = locals.errors_mut();
    match param.source {
        Source::Request | Source::Socket => quote! {},
        Source::Body => {
            // A dependency leaves the body readable for the handler's own `#[body]`.
            let keep = locals.borrowed;
            quote_spanned! {ty.span()=>
                let #binding = __brisk::json_body::<#ty, #keep>(#request_mut, #errors_mut)
                    .await
                    .filter(|body| __brisk::Validated::new(body).check(#errors_mut));
            }
        }
        Source::Extractor => quote_spanned! {ty.span()=>
            let #binding = #errors.absorb(
                <#ty as __brisk::FromRequest>::from_request(#request_mut).await,
            );
        },
        Source::File => {
            let span = ty.span();
            let mut wire = proc_macro2::Literal::string(&wire_name(param));
            wire.set_span(span);
            // Files come from the body, read (once) before the first form part.
            let read = locals.reads_form.then(|| {
                quote_spanned! {span=> __brisk::read_form(#request_mut, #errors_mut).await; }
            });
            quote_spanned! {span=>
                #read
                let #binding = __brisk::upload::<#ty>(#wire, #request_ref, #errors_mut);
            }
        }
        Source::Depends => {
            let Some(path) = &param.options.dependency else { return quote! {} };
            let use_cache = !param.options.no_cache;
            // Spanned on the dependency's name, where a mismatched output is reported.
            quote_spanned! {path.span()=>
                let #binding = __brisk::depend::<#path, #ty>(#request_mut, #errors_mut, #use_cache).await;
            }
        }
        Source::Path | Source::Query | Source::Header | Source::Cookie | Source::Form | Source::Implicit => {
            // Every token carries the type's span, so a type that is not a
            // parameter type is reported on the type, not on the attribute.
            let span = ty.span();
            let mut wire = proc_macro2::Literal::string(&wire_name(param));
            wire.set_span(span);
            let constructor = match param.source {
                Source::Path => {
                    let name = param.binding.to_string();
                    match variables.iter().position(|v| v.name == name) {
                        Some(index) => {
                            let mut index = proc_macro2::Literal::usize_unsuffixed(index);
                            index.set_span(span);
                            quote_spanned! {span=> path(#wire, #index) }
                        }
                        // A dependency does not see the template: the name is looked up per request.
                        None => quote_spanned! {span=> path_named(#wire) },
                    }
                }
                // Built once, at compile time, rather than parsed on every request.
                Source::Header => quote_spanned! {span=>
                    header_named(#wire, const { ::brisk::http::HeaderName::from_static(#wire) })
                },
                Source::Cookie => quote_spanned! {span=> cookie(#wire) },
                Source::Form => quote_spanned! {span=> form(#wire) },
                _ => quote_spanned! {span=> query(#wire) },
            };
            // Form fields come from the body, read (once) before the first of them.
            let read = match param.source {
                Source::Form if locals.reads_form => quote_spanned! {span=>
                    __brisk::read_form(#request_mut, #errors_mut).await;
                },
                _ => quote! {},
            };
            if param.source == Source::Form && !is_text_like(ty) && param.options.keys.is_empty() {
                // A single field of a parameter type, or a whole model:
                // which one is settled by the type's traits (see `FormTarget`).
                quote_spanned! {span=>
                    #read
                    let #binding: ::core::option::Option<#ty> = {
                        #[allow(unused_imports)]
                        use ::brisk::__private::{FormField as _, FormModel as _};
                        (&&__brisk::FormTarget::<#ty>::new(#wire))
                            .extract_form(#request_ref, #errors_mut)
                            .filter(|value| __brisk::Validated::new(value).check(#errors_mut))
                    };
                }
            } else if is_text_like(ty) {
                let options = options(param, false);
                quote_spanned! {span=>
                    #read
                    let #binding = __brisk::Param::<#ty>::#constructor
                        #(#options)*
                        .extract(#request_ref, #errors_mut);
                }
            } else {
                // A type the macro does not know is named only on the result, so
                // that one that is not a parameter type fails once, on the type,
                // instead of once per method called on `Param<T>`.
                let options = options(param, true);
                quote_spanned! {span=>
                    #read
                    let #binding: ::core::option::Option<#ty> = __brisk::Param::#constructor
                        #(#options)*
                        .extract(#request_ref, #errors_mut);
                }
            }
        }
    }
}

/// The order parameters are read in: as written, except that a JSON body
/// comes last, after the dependencies (as FastAPI reads it): a
/// dependency's `#[body]` leaves the body for the handler's, which takes
/// it for good.
pub(crate) fn in_extraction_order(handler: &Handler) -> impl Iterator<Item = &Param> {
    let body = |p: &&Param| p.source == Source::Body;
    handler.params.iter().filter(move |p| !body(p)).chain(handler.params.iter().filter(body))
}

/// The local holding a parameter's value: the parameter's own name.
pub(crate) fn local(param: &Param) -> Ident {
    param.binding.clone()
}

fn wire_name(param: &Param) -> String {
    match param.source {
        Source::Header => header_name(param),
        _ => param.options.alias.as_ref().map_or_else(|| param.binding.to_string(), |a| a.value()),
    }
}

/// The option calls, each spanned on its key, so a constraint the type does
/// not support (`max_length` on a number) is reported on the key.
/// `typed_default` writes the parameter's type on the default's closure.
fn options(param: &Param, typed_default: bool) -> Vec<TokenStream> {
    let mut out = Vec::new();
    let opts = &param.options;
    let key_span = |name: &str, fallback: Span| opts.key(name).map_or(fallback, Ident::span);
    if let Some(default) = &opts.default {
        let span = default.span();
        let ty = &param.ty;
        // A string literal is written as FastAPI writes `source: str = "web"`:
        // it converts into the parameter's type, so `String` takes one as is.
        let default = match default {
            Expr::Lit(ExprLit { lit: Lit::Str(_), .. }) => {
                quote_spanned! {span=> ::core::convert::From::from(#default) }
            }
            other => quote! { #other },
        };
        out.push(if typed_default {
            quote_spanned! {span=> .default(|| -> #ty { #default }) }
        } else {
            quote_spanned! {span=> .default(|| #default) }
        });
    }
    for (key, bound) in &opts.bounds {
        let bound = float_literal(bound, is_float(&param.ty));
        out.push(quote_spanned! {key.span()=> .#key(#bound) });
    }
    if let Some(min) = &opts.min_length {
        let span = key_span("min_length", min.span());
        out.push(quote_spanned! {span=> .min_length(#min) });
    }
    if let Some(max) = &opts.max_length {
        let span = key_span("max_length", max.span());
        out.push(quote_spanned! {span=> .max_length(#max) });
    }
    if let Some(pattern) = &opts.pattern {
        let regex = pattern_static(param);
        let span = key_span("pattern", pattern.span());
        out.push(quote_spanned! {span=> .pattern(&#regex, #pattern) });
    }
    out
}

/// The name of the static holding a parameter's compiled `pattern`
/// (`s` and `_s` would both be `S`: leading underscores are kept as `U`).
fn pattern_static(param: &Param) -> Ident {
    let name = param.binding.to_string();
    let underscores = name.len() - name.trim_start_matches('_').len();
    format_ident!("{}{}_PATTERN", "U".repeat(underscores), name.trim_start_matches('_').to_uppercase())
}

/// The static holding one parameter's compiled `pattern`, if it has one:
/// compiled once, on first use, for the lifetime of the process.
fn pattern_static_item(param: &Param) -> TokenStream {
    let Some(pattern) = &param.options.pattern else { return quote! {} };
    let name = pattern_static(param);
    quote! {
        static #name: __brisk::LazyLock<__brisk::Regex> =
            __brisk::LazyLock::new(|| __brisk::regex(#pattern));
    }
}

/// Compiled once, on first use, for the lifetime of the process.
pub(crate) fn pattern_statics(handler: &Handler) -> TokenStream {
    let statics = handler.params.iter().filter_map(|param| {
        let pattern = param.options.pattern.as_ref()?;
        let name = pattern_static(param);
        Some(quote! {
            static #name: __brisk::LazyLock<__brisk::Regex> =
                __brisk::LazyLock::new(|| __brisk::regex(#pattern));
        })
    });
    quote! { #(#statics)* }
}

/// `ge = 0` on an `f64` parameter means `0.0`; FastAPI users write it either way.
fn float_literal(bound: &Expr, float: bool) -> TokenStream {
    match bound {
        Expr::Lit(ExprLit { lit: Lit::Int(int), .. }) if float => {
            let value = LitFloat::new(&format!("{}.0", int.base10_digits()), int.span());
            quote! { #value }
        }
        Expr::Unary(unary) if float => {
            let op = &unary.op;
            let inner = float_literal(&unary.expr, float);
            quote! { #op #inner }
        }
        other => quote! { #other },
    }
}

/// A `#[websocket]` route: the handshake is checked first (426, 400), then
/// the parameters and dependencies as for any route; the 101 then answers,
/// and the handler runs with the socket on a task of its own, the
/// dependencies' teardowns after it (`Upgrade::accept`).
pub(crate) fn generate_websocket(
    args: &RouteArgs,
    variables: &[Variable],
    handler: &Handler,
    function: &ItemFn,
) -> TokenStream {
    let name = &function.sig.ident;
    let vis = &function.vis;
    let path = &args.path;
    let name_text = name.to_string();
    let locals = Locals::new(false);
    let (request, errors) = (&locals.request, &locals.errors);
    let handler_fn = Ident::new("handler", Span::mixed_site());
    let upgrade = Ident::new("upgrade", Span::mixed_site());
    let teardowns = Ident::new("teardowns", Span::mixed_site());

    let side_effects = side_effects(&args.dependencies, &locals);
    let extractions = handler
        .params
        .iter()
        .filter(|p| p.source != Source::Socket)
        .map(|param| extraction(param, variables, &locals));
    let checked: Vec<&Param> =
        handler.params.iter().filter(|p| !matches!(p.source, Source::Request | Source::Socket)).collect();
    let bindings: Vec<Ident> = checked.iter().map(|p| local(p)).collect();
    let has_dependencies = needs_teardowns(args, handler);
    let take_teardowns = if has_dependencies {
        quote! { let #teardowns = __brisk::Teardowns::take(&mut #request); }
    } else {
        quote! { let #teardowns = __brisk::Teardowns::default(); }
    };
    let reject = if has_dependencies {
        quote! { return #teardowns.fail(#errors.into_response()).await }
    } else {
        quote! { return #errors.into_response() }
    };
    let guard = guard(&bindings, &reject, errors, !args.dependencies.is_empty());
    let errors_decl = if checked.is_empty() && args.dependencies.is_empty() {
        quote! {}
    } else {
        quote! { let mut #errors = __brisk::Errors::new(); }
    };
    let socket = handler.params.iter().find(|p| p.source == Source::Socket).map(local);
    let arguments = handler.params.iter().map(|param| match param.source {
        Source::Request => quote! { #request },
        _ => {
            let binding = local(param);
            quote! { #binding }
        }
    });
    let protocols = &args.subprotocols;
    // Spanned on the return type, where one that is not `()` or
    // `Result<(), E>` is reported.
    let output_span = match &function.sig.output {
        ReturnType::Type(_, ty) => ty.span(),
        ReturnType::Default => function.sig.ident.span(),
    };
    let accept = quote_spanned! {output_span=>
        #upgrade.accept(#teardowns, #name_text, move |#socket| #handler_fn(#(#arguments),*))
    };
    let statics = pattern_statics(handler);
    let mut info = InfoFields::new(quote! { __brisk::Method::GET }, path, &name_text);
    info.list("dependencies", dependency_infos(&args.dependencies, handler).collect());
    info.list("params", param_infos(handler));
    info.list("security", security_infos(handler));
    info.list("states", state_needs(handler));
    info.text("description", args.description.as_ref().map(LitStr::value).or_else(|| doc_comment(function)));
    // As in FastAPI, WebSocket routes are not in the document.
    info.set("include_in_schema", quote! { false });
    let doc = format!(
        " The WebSocket route `{}` of [`{name}()`]; register it with `routes![{name}]`.",
        path.value()
    );

    let send_check = send_check(function);
    quote! {
        #function
        #send_check

        #[doc = #doc]
        #[allow(non_camel_case_types)]
        #vis struct #name {}

        // One short import serves every path into brisk, as in a route's block.
        const _: () = {
            use ::brisk::__private as __brisk;

            impl __brisk::Endpoint for #name {
                const INFO: __brisk::RouteInfo = #info;

                async fn call(&self, mut #request: __brisk::Request) -> __brisk::Response {
                    #statics
                    let #handler_fn = #name;
                    let #upgrade = match __brisk::Upgrade::check(&mut #request, &[#(#protocols),*]) {
                        ::core::result::Result::Ok(upgrade) => upgrade,
                        ::core::result::Result::Err(response) => return response,
                    };
                    #errors_decl
                    #side_effects
                    #(#extractions)*
                    #take_teardowns
                    #guard
                    #accept
                }
            }
        };
    }
}
