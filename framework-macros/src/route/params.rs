//! A handler's parameters: where each one comes from and its options.

use proc_macro2::Span;
use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, ExprLit, FnArg, Ident, ItemFn, LitBool, LitInt, LitStr, Meta, Pat, Token, Type};

use super::Diagnostics;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Source {
    Path,
    Query,
    Header,
    Cookie,
    /// `#[form]`: a field of a form body.
    Form,
    /// `#[file]`: an uploaded file of a multipart body.
    File,
    Body,
    /// The raw `Request`.
    Request,
    /// Any other type, through `FromRequest`.
    Extractor,
    /// Not annotated: a path parameter if the template names it, else a query parameter.
    Implicit,
    /// `#[depends(f)]`: the output of another `#[depends]` function.
    Depends,
    /// The `WebSocket` of a `#[websocket]` route, handed over after the 101.
    Socket,
}

impl Source {
    pub(crate) fn attribute(self) -> &'static str {
        match self {
            Source::Path => "path",
            Source::Query => "query",
            Source::Header => "header",
            Source::Cookie => "cookie",
            Source::Form => "form",
            Source::File => "file",
            Source::Body => "body",
            Source::Depends => "depends",
            Source::Request | Source::Extractor | Source::Implicit | Source::Socket => "",
        }
    }
}

#[derive(Default)]
pub(crate) struct Options {
    pub alias: Option<LitStr>,
    pub default: Option<Expr>,
    /// `ge`, `gt`, `le`, `lt` with their bound, in the order written.
    pub bounds: Vec<(Ident, Expr)>,
    pub min_length: Option<LitInt>,
    pub max_length: Option<LitInt>,
    pub pattern: Option<LitStr>,
    pub convert_underscores: Option<bool>,
    /// Every option key, as written, for error spans.
    pub keys: Vec<Ident>,
    /// The function named by `#[depends(f)]`.
    pub dependency: Option<syn::Path>,
    /// `use_cache = false` in `#[depends(f, use_cache = false)]`.
    pub no_cache: bool,
}

impl Options {
    /// The key `name` as the user wrote it, if they did.
    pub(crate) fn key(&self, name: &str) -> Option<&Ident> {
        self.keys.iter().find(|key| *key == name)
    }
}

pub(crate) struct Param {
    /// The local name the generated code binds the value to.
    pub binding: Ident,
    pub ty: Type,
    pub source: Source,
    /// The annotation that set the source, for error spans.
    pub attribute: Option<Span>,
    pub options: Options,
}

pub(crate) struct Handler {
    pub params: Vec<Param>,
    pub is_async: bool,
}

const OPTIONS: &str = "`alias`, `default`, `ge`, `gt`, `le`, `lt`, `min_length`, `max_length`";

const ATTRIBUTES: &str =
    "#[path], #[query], #[header], #[cookie], #[form], #[file], #[body] or #[depends(f)]";

/// Reads every parameter and strips brisk's attributes from the function.
pub(crate) fn parse(function: &mut ItemFn, diagnostics: &mut Diagnostics) -> Handler {
    let mut params = Vec::new();
    for (position, input) in function.sig.inputs.iter_mut().enumerate() {
        let typed = match input {
            FnArg::Receiver(receiver) => {
                diagnostics.error_spanned(
                    &*receiver,
                    "handlers are free functions: remove `self` and move the handler out of the `impl` block",
                );
                continue;
            }
            FnArg::Typed(typed) => typed,
        };
        let (source, attribute, options) = take_attributes(&mut typed.attrs, diagnostics);
        let binding = match &*typed.pat {
            Pat::Ident(pat) => Ident::new(&pat.ident.to_string(), pat.ident.span()),
            Pat::Wild(wild) => Ident::new(&format!("__arg{position}"), wild.span()),
            other => {
                diagnostics
                    .error(other, "use a plain name for handler parameters; destructure inside the body");
                continue;
            }
        };
        let ty = (*typed.ty).clone();
        let source = match source {
            Some(source) => source,
            None if is_request(&ty) => Source::Request,
            None if is_websocket(&ty) => Source::Socket,
            None if is_text_like(&ty) => Source::Implicit,
            None => Source::Extractor,
        };
        params.push(Param { binding, ty, source, attribute, options });
    }
    Handler { params, is_async: function.sig.asyncness.is_some() }
}

fn take_attributes(
    attrs: &mut Vec<Attribute>,
    diagnostics: &mut Diagnostics,
) -> (Option<Source>, Option<Span>, Options) {
    let mut source: Option<(Source, Span)> = None;
    let mut options = Options::default();
    let mut kept = Vec::new();
    for attr in attrs.drain(..) {
        let name = attr.path().get_ident().map(ToString::to_string).unwrap_or_default();
        let this = match name.as_str() {
            "path" => Source::Path,
            "query" => Source::Query,
            "header" => Source::Header,
            "cookie" => Source::Cookie,
            "form" => Source::Form,
            "file" => Source::File,
            "body" => Source::Body,
            "depends" => Source::Depends,
            "allow" | "warn" | "deny" | "expect" | "forbid" | "cfg" | "cfg_attr" | "doc" => {
                kept.push(attr);
                continue;
            }
            _ => {
                let shown = quote::ToTokens::to_token_stream(attr.path()).to_string().replace(' ', "");
                diagnostics.error(
                    attr.path(),
                    format!("unknown parameter attribute `#[{shown}]`; expected {ATTRIBUTES}"),
                );
                continue;
            }
        };
        if let Some((first, _)) = source {
            diagnostics.error(
                attr.path(),
                format!(
                    "a parameter has one source: it is already `#[{}]`, so it cannot also be `#[{name}]`",
                    first.attribute()
                ),
            );
            continue;
        }
        source = Some((this, attr.path().span()));
        if this == Source::Depends {
            read_dependency(&attr, &mut options, diagnostics);
            continue;
        }
        if matches!(attr.meta, syn::Meta::Path(_)) {
            continue;
        }
        if this == Source::Body {
            let message = "`#[body]` takes no options; put constraints on the model's fields";
            match &attr.meta {
                Meta::List(list) if !list.tokens.is_empty() => {
                    diagnostics.error_spanned(&list.tokens, message)
                }
                other => diagnostics.error_spanned(other, message),
            }
            continue;
        }
        match attr.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated) {
            Ok(metas) => {
                for meta in metas {
                    read_option(meta, this, &name, &mut options, diagnostics);
                }
            }
            Err(err) => diagnostics.push(err),
        }
    }
    *attrs = kept;
    let (source, span) = source.unzip();
    (source, span, options)
}

/// Reads `#[depends(f)]` or `#[depends(f, use_cache = false)]`.
fn read_dependency(attr: &Attribute, options: &mut Options, diagnostics: &mut Diagnostics) {
    let usage = "name the dependency: `#[depends(get_db)]` or `#[depends(get_db, use_cache = false)]`";
    let Meta::List(list) = &attr.meta else {
        diagnostics.error_spanned(attr, usage);
        return;
    };
    let parsed = list.parse_args_with(|input: syn::parse::ParseStream| {
        if input.peek(syn::Ident) && input.peek2(Token![=]) {
            return Err(input.error("name the dependency first: `#[depends(get_db, use_cache = false)]`"));
        }
        let path: syn::Path = input.parse()?;
        let mut rest = Vec::new();
        if input.parse::<Option<Token![,]>>()?.is_some() {
            rest.extend(Punctuated::<Meta, Token![,]>::parse_terminated(input)?);
        }
        Ok((path, rest))
    });
    let (path, rest) = match parsed {
        Ok(parsed) => parsed,
        Err(_) if list.tokens.is_empty() => {
            diagnostics.error_spanned(attr, usage);
            return;
        }
        Err(err) => {
            diagnostics.push(err);
            return;
        }
    };
    options.dependency = Some(path);
    for meta in rest {
        match &meta {
            Meta::NameValue(pair) if pair.path.is_ident("use_cache") => match &pair.value {
                Expr::Lit(ExprLit { lit: syn::Lit::Bool(flag), .. }) => options.no_cache = !flag.value,
                other => diagnostics.error_spanned(other, "`use_cache` takes `true` or `false`"),
            },
            other => diagnostics.error_spanned(
                other.path(),
                "unknown option for `#[depends(...)]`; the only option is `use_cache = false`",
            ),
        }
    }
}

/// Reads one `key = value` of `#[query(...)]` and friends; reports every bad one.
fn read_option(
    meta: Meta,
    source: Source,
    attribute: &str,
    options: &mut Options,
    diagnostics: &mut Diagnostics,
) {
    let key = meta.path().get_ident().map(ToString::to_string).unwrap_or_default();
    if source == Source::File && key != "alias" {
        let shown = meta.path().to_token_stream().to_string().replace(' ', "");
        diagnostics.error_spanned(
            meta.path(),
            format!(
                "unknown option `{shown}` for `#[file]`; the only option is `alias`: size limits \
                 are the app's `MultipartLimits`"
            ),
        );
        return;
    }
    // `convert_underscores` is read everywhere so that the check can say where it belongs.
    let known = matches!(
        key.as_str(),
        "alias"
            | "default"
            | "ge"
            | "gt"
            | "le"
            | "lt"
            | "min_length"
            | "max_length"
            | "pattern"
            | "convert_underscores"
    );
    if !known {
        let shown = meta.path().to_token_stream().to_string().replace(' ', "");
        let last =
            if source == Source::Header { ", `pattern` or `convert_underscores`" } else { " or `pattern`" };
        diagnostics.error_spanned(
            meta.path(),
            format!("unknown option `{shown}` for `#[{attribute}]`; expected {OPTIONS}{last}"),
        );
        return;
    }
    let Meta::NameValue(pair) = meta else {
        diagnostics.error_spanned(&meta, format!("`{key}` takes a value: write `{key} = …`"));
        return;
    };
    let ident = pair.path.get_ident().cloned().unwrap_or_else(|| Ident::new(&key, Span::call_site()));
    if options.keys.contains(&ident) {
        diagnostics.error(&ident, format!("`{key}` is given twice"));
        return;
    }
    match store_option(&key, &ident, pair.value, options) {
        Ok(()) => options.keys.push(ident),
        Err(err) => diagnostics.push(err),
    }
}

/// Stores the value of a known option, once its literal has the right kind.
fn store_option(key: &str, ident: &Ident, value: Expr, options: &mut Options) -> syn::Result<()> {
    match key {
        "alias" => {
            options.alias = Some(literal(value, "`alias` takes a string literal: `alias = \"x-name\"`")?)
        }
        "default" => options.default = Some(value),
        "min_length" => options.min_length = Some(literal(value, "`min_length` takes an integer literal")?),
        "max_length" => options.max_length = Some(literal(value, "`max_length` takes an integer literal")?),
        "pattern" => {
            options.pattern =
                Some(literal(value, "`pattern` takes a string literal: `pattern = \"^[a-z]+$\"`")?)
        }
        "convert_underscores" => {
            let flag: LitBool = literal(value, "`convert_underscores` takes `true` or `false`")?;
            options.convert_underscores = Some(flag.value);
        }
        _ => options.bounds.push((ident.clone(), value)),
    }
    Ok(())
}

/// A literal of the expected kind, or an error on the value as written.
fn literal<T: syn::parse::Parse>(value: Expr, message: &str) -> syn::Result<T> {
    match &value {
        Expr::Lit(ExprLit { lit, .. }) => {
            syn::parse2(lit.to_token_stream()).map_err(|_| syn::Error::new_spanned(&value, message))
        }
        _ => Err(syn::Error::new_spanned(&value, message)),
    }
}

/// The last path segment of a type, with its generic arguments.
pub(crate) fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(path) if path.qself.is_none() => path.path.segments.last(),
        Type::Group(group) => last_segment(&group.elem),
        Type::Paren(paren) => last_segment(&paren.elem),
        _ => None,
    }
}

/// `Option<T>` / `Vec<T>` → `T`, as written.
pub(crate) fn wrapped(ty: &Type, wrapper: &str) -> Option<Type> {
    let segment = last_segment(ty)?;
    if segment.ident != wrapper {
        return None;
    }
    match &segment.arguments {
        syn::PathArguments::AngleBracketed(args) if args.args.len() == 1 => match args.args.first() {
            Some(syn::GenericArgument::Type(inner)) => Some(inner.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// How a function's parameters read the body, as `BodyReader` tokens.
pub(crate) fn body_reader(handler: &Handler) -> Option<proc_macro2::TokenStream> {
    let reader = if handler.params.iter().any(|p| p.source == Source::Body) {
        "Json"
    } else if handler.params.iter().any(|p| p.source == Source::Extractor && is_multipart(&p.ty)) {
        "Multipart"
    } else if handler.params.iter().any(|p| matches!(p.source, Source::Form | Source::File)) {
        "Form"
    } else {
        return None;
    };
    let reader = Ident::new(reader, Span::call_site());
    Some(quote::quote! { __brisk::BodyReader::#reader })
}

/// The function's path, query, header and cookie parameters as
/// `ParamInfo` tokens, for the OpenAPI document. Call after `check`, which
/// settles implicit parameters as path or query.
pub(crate) fn param_infos(handler: &Handler) -> Vec<proc_macro2::TokenStream> {
    handler
        .params
        .iter()
        .filter_map(|param| {
            let location = match param.source {
                Source::Path => "Path",
                Source::Query | Source::Implicit => "Query",
                Source::Header => "Header",
                Source::Cookie => "Cookie",
                _ => return None,
            };
            let name = match param.source {
                Source::Header => super::check::header_name(param),
                _ => param.options.alias.as_ref().map_or_else(|| param.binding.to_string(), LitStr::value),
            };
            let optional = wrapped(&param.ty, "Option").is_some() || wrapped(&param.ty, "Vec").is_some();
            let required = param.source == Source::Path || (!optional && param.options.default.is_none());
            let location = Ident::new(location, Span::call_site());
            let schema = schema_expr(param);
            Some(quote::quote! {
                __brisk::ParamInfo {
                    name: #name,
                    location: __brisk::ParamLocation::#location,
                    required: #required,
                    schema: |generator| #schema,
                }
            })
        })
        .collect()
}

/// The parts of the body the function's parameters read, as `BodyField`
/// tokens, for the OpenAPI document.
pub(crate) fn body_fields(handler: &Handler) -> Vec<proc_macro2::TokenStream> {
    handler
        .params
        .iter()
        .filter_map(|param| {
            let kind = match param.source {
                Source::Body => "Json",
                Source::Form => "Form",
                Source::File => "File",
                _ => return None,
            };
            let name = param.options.alias.as_ref().map_or_else(|| param.binding.to_string(), LitStr::value);
            let optional = wrapped(&param.ty, "Option").is_some()
                || (param.source != Source::Body && wrapped(&param.ty, "Vec").is_some());
            let required = !optional && param.options.default.is_none();
            let schema = schema_expr(param);
            let ty = &param.ty;
            // A `#[form]` of a type the macro does not know may be one field
            // or the whole form: the type's traits say which (`FormTarget`).
            let whole = match param.source {
                Source::Body => quote::quote! { true },
                Source::Form if !is_text_like(ty) => quote::quote! {{
                    #[allow(unused_imports)]
                    use ::brisk::__private::{FieldForm as _, ModelForm as _};
                    (&&__brisk::WholeForm::<#ty>::new()).whole()
                }},
                _ => quote::quote! { false },
            };
            let kind = Ident::new(kind, Span::call_site());
            Some(quote::quote! {
                __brisk::BodyField {
                    name: #name,
                    kind: __brisk::BodyKind::#kind,
                    required: #required,
                    schema: |generator| __brisk::BodySchema { schema: #schema, whole: #whole },
                }
            })
        })
        .collect()
}

/// For each extractor parameter, the function that says whether its type
/// is a security scheme (`HttpBearer`, …) and which, for the document.
pub(crate) fn security_infos(handler: &Handler) -> Vec<proc_macro2::TokenStream> {
    ask_extractors(handler, ["Secured", "Unsecured"], "SecurityOf", "requirement")
}

/// What app state each extractor parameter needs, for the startup check.
pub(crate) fn state_needs(handler: &Handler) -> Vec<proc_macro2::TokenStream> {
    ask_extractors(handler, ["NeedsState", "NeedsNoState"], "StateOf", "need")
}

/// One `fn()` per extractor parameter that asks its type a question by
/// autoref: `(&&Of::<T>::new()).method()` picks the trait implemented for
/// `&Of<T>` when `T` qualifies and the fallback for `Of<T>` otherwise, so
/// any type may be asked.
fn ask_extractors(
    handler: &Handler,
    traits: [&str; 2],
    of: &str,
    method: &str,
) -> Vec<proc_macro2::TokenStream> {
    let ident = |name: &str| Ident::new(name, Span::call_site());
    let (traits, of, method) = (traits.map(ident), ident(of), ident(method));
    handler
        .params
        .iter()
        .filter(|param| param.source == Source::Extractor)
        .map(|param| {
            let ty = &param.ty;
            quote::quote! {
                || {
                    #[allow(unused_imports)]
                    use ::brisk::__private::{#(#traits as _),*};
                    (&&__brisk::#of::<#ty>::new()).#method()
                }
            }
        })
        .collect()
}

/// `10`, `-1`, `"web"`, `true`.
fn is_literal(expr: &Expr) -> bool {
    match expr {
        Expr::Lit(_) => true,
        Expr::Unary(unary) => matches!(unary.op, syn::UnOp::Neg(_)) && is_literal(&unary.expr),
        Expr::Group(group) => is_literal(&group.expr),
        Expr::Paren(paren) => is_literal(&paren.expr),
        _ => false,
    }
}

/// The expression that makes a parameter's schema from `generator`: its
/// type's, when it derives `JsonSchema` (any value when it does not), with
/// the options' constraints in JSON Schema's terms.
fn schema_expr(param: &Param) -> proc_macro2::TokenStream {
    let ty = &param.ty;
    let options = &param.options;
    let mut constraints = Vec::new();
    let mut set = |key: &str, value: proc_macro2::TokenStream| {
        constraints.push(quote::quote! {
            __brisk::constrain(&mut schema, #key, #value);
        });
    };
    for (key, bound) in &options.bounds {
        let keyword = match key.to_string().as_str() {
            "ge" => "minimum",
            "gt" => "exclusiveMinimum",
            "le" => "maximum",
            _ => "exclusiveMaximum",
        };
        set(keyword, quote::quote! { __brisk::bound(#bound) });
    }
    if let Some(min) = &options.min_length {
        set("minLength", quote::quote! { __brisk::bound(#min) });
    }
    if let Some(max) = &options.max_length {
        set("maxLength", quote::quote! { __brisk::bound(#max) });
    }
    if let Some(pattern) = &options.pattern {
        set("pattern", quote::quote! { __brisk::bound(#pattern) });
    }
    // A literal default is shown as written. Another expression is left
    // out: checking it a second time here would repeat its errors.
    if let Some(default) = options.default.as_ref().filter(|default| is_literal(default)) {
        set(
            "default",
            quote::quote! {{
                let value = #default;
                __brisk::Example::new(&value).to_json()
            }},
        );
    }
    let schema = quote::quote! { __brisk::SchemaOf::<#ty>::new().schema(generator) };
    if constraints.is_empty() {
        return schema;
    }
    quote::quote! {{
        let mut schema = #schema;
        #(#constraints)*
        schema
    }}
}

/// The function's doc comment, its lines joined and trimmed; `None` when
/// it has none.
pub(crate) fn doc_comment(function: &ItemFn) -> Option<String> {
    let lines: Vec<String> = function
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident("doc"))
        .filter_map(|attr| match &attr.meta {
            Meta::NameValue(pair) => match &pair.value {
                Expr::Lit(ExprLit { lit: syn::Lit::Str(text), .. }) => Some(text.value()),
                _ => None,
            },
            _ => None,
        })
        .map(|line| line.strip_prefix(' ').map(str::to_owned).unwrap_or(line))
        .collect();
    let text = lines.join("\n").trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// `UploadFile`, `Option<UploadFile>` or `Vec<UploadFile>`, by name.
pub(crate) fn is_upload(ty: &Type) -> bool {
    if let Some(inner) = wrapped(ty, "Option").or_else(|| wrapped(ty, "Vec")) {
        return is_upload(&inner);
    }
    last_segment(ty).is_some_and(|s| s.ident == "UploadFile" && s.arguments.is_empty())
}

/// The `WebSocket` of a `#[websocket]` route, by name.
pub(crate) fn is_websocket(ty: &Type) -> bool {
    last_segment(ty).is_some_and(|s| s.ident == "WebSocket" && s.arguments.is_empty())
}

/// The streaming `Multipart` body, by name.
pub(crate) fn is_multipart(ty: &Type) -> bool {
    last_segment(ty).is_some_and(|s| s.ident == "Multipart" && s.arguments.is_empty())
}

fn is_request(ty: &Type) -> bool {
    if let Type::Reference(reference) = ty {
        return is_request(&reference.elem);
    }
    last_segment(ty).is_some_and(|s| s.ident == "Request" && s.arguments.is_empty())
}

const SCALARS: &[&str] = &[
    "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize", "f32", "f64",
    "bool", "char", "String",
];

/// Types that FastAPI would read from the query string when unannotated.
pub(crate) fn is_text_like(ty: &Type) -> bool {
    if let Some(inner) = wrapped(ty, "Option").or_else(|| wrapped(ty, "Vec")) {
        return is_text_like(&inner);
    }
    last_segment(ty).is_some_and(|s| s.arguments.is_empty() && SCALARS.iter().any(|name| s.ident == name))
}

/// Whether the scalar under `Option`/`Vec` is a float, so integer bounds can be written as floats.
pub(crate) fn is_float(ty: &Type) -> bool {
    if let Some(inner) = wrapped(ty, "Option").or_else(|| wrapped(ty, "Vec")) {
        return is_float(&inner);
    }
    last_segment(ty).is_some_and(|s| s.ident == "f32" || s.ident == "f64")
}
