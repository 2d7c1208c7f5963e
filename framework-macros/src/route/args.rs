//! The route attribute's own arguments: `("/path", status_code = 201, …)`.

use proc_macro2::{Span, TokenStream};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, Ident, Lit, LitStr, Meta, Token, Type};

use super::Diagnostics;

pub(crate) struct RouteArgs {
    pub path: LitStr,
    pub status_code: Option<u16>,
    pub tags: Vec<LitStr>,
    pub summary: Option<LitStr>,
    pub description: Option<LitStr>,
    pub deprecated: bool,
    pub operation_id: Option<LitStr>,
    pub include_in_schema: bool,
    /// `dependencies = [verify_key]`: run for their side effects before the handler's own.
    pub dependencies: Vec<syn::Path>,
    /// `response_model = T`: the success value converts into `T`, which is
    /// what is serialized and documented.
    pub response_model: Option<Type>,
    /// `responses(404 = NotFound, …)`: documented extra responses.
    pub responses: Vec<(u16, Type)>,
    /// `subprotocols = ["v2.chat", …]` of a `#[websocket]` route, in its order of preference.
    pub subprotocols: Vec<LitStr>,
}

/// One argument after the path: a plain option, or one of the two whose
/// values are types (which `Meta` cannot hold when they are generic).
enum Arg {
    Meta(Meta),
    ResponseModel(Ident, Type),
    Responses(Ident, Vec<(proc_macro2::TokenTree, Type)>),
}

impl syn::parse::Parse for Arg {
    fn parse(input: syn::parse::ParseStream) -> syn::Result<Self> {
        if input.peek(Ident) && input.peek2(Token![=]) && input.fork().parse::<Ident>()? == "response_model" {
            let key: Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            return Ok(Arg::ResponseModel(key, input.parse()?));
        }
        if input.peek(Ident)
            && input.peek2(syn::token::Paren)
            && input.fork().parse::<Ident>()? == "responses"
        {
            let key: Ident = input.parse()?;
            let content;
            syn::parenthesized!(content in input);
            let mut entries = Vec::new();
            while !content.is_empty() {
                let status: proc_macro2::TokenTree = content.parse()?;
                content.parse::<Token![=]>()?;
                entries.push((status, content.parse()?));
                if content.is_empty() {
                    break;
                }
                content.parse::<Token![,]>()?;
            }
            return Ok(Arg::Responses(key, entries));
        }
        Ok(Arg::Meta(input.parse()?))
    }
}

const KEYS: &str = "`status_code`, `response_model`, `responses`, `tags`, `summary`, `description`, \
                    `deprecated`, `operation_id`, `include_in_schema` or `dependencies`";

/// Whether the arguments are a `#[get]`-style route's or a `#[websocket]`'s.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Http,
    WebSocket,
}

const WEBSOCKET_KEYS: &str = "`subprotocols` or `dependencies`";

pub(crate) fn parse(attr: TokenStream, kind: Kind, diagnostics: &mut Diagnostics) -> Option<RouteArgs> {
    let parser =
        |input: syn::parse::ParseStream| -> syn::Result<(Option<LitStr>, Punctuated<Arg, Token![,]>)> {
            let path = if input.peek(LitStr) { Some(input.parse::<LitStr>()?) } else { None };
            if path.is_some() && !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
            let rest = Punctuated::<Arg, Token![,]>::parse_terminated(input)?;
            Ok((path, rest))
        };
    match parser.parse2(attr.clone()) {
        Ok((Some(path), rest)) => finish(path, rest.into_iter(), kind, diagnostics),
        Ok((None, _)) if attr.is_empty() => {
            diagnostics.error(Span::call_site(), "missing route path: write `#[get(\"/path\")]`");
            None
        }
        Ok((None, _)) => {
            diagnostics
                .error(attr, "the route path comes first, as a string literal: `#[get(\"/items/{id}\")]`");
            None
        }
        Err(err) => {
            diagnostics.push(err);
            None
        }
    }
}

fn finish(
    path: LitStr,
    rest: impl Iterator<Item = Arg>,
    kind: Kind,
    diagnostics: &mut Diagnostics,
) -> Option<RouteArgs> {
    let mut args = RouteArgs {
        path,
        status_code: None,
        tags: Vec::new(),
        summary: None,
        description: None,
        deprecated: false,
        operation_id: None,
        include_in_schema: true,
        dependencies: Vec::new(),
        response_model: None,
        responses: Vec::new(),
        subprotocols: Vec::new(),
    };
    let mut seen: Vec<String> = Vec::new();
    for arg in rest {
        if kind == Kind::WebSocket {
            websocket_arg(arg, &mut args, &mut seen, diagnostics);
            continue;
        }
        let meta = match arg {
            Arg::Meta(meta) => meta,
            Arg::ResponseModel(key, ty) => {
                if args.response_model.is_some() {
                    diagnostics.error(&key, "`response_model` is given twice");
                }
                args.response_model = Some(ty);
                continue;
            }
            Arg::Responses(key, entries) => {
                if !args.responses.is_empty() {
                    diagnostics.error(&key, "`responses` is given twice");
                }
                for (status, ty) in entries {
                    match status_of(&status) {
                        Some(code) if args.responses.iter().any(|(seen, _)| *seen == code) => {
                            diagnostics.error(&status, format!("status {code} is declared twice"))
                        }
                        Some(code) => args.responses.push((code, ty)),
                        None => diagnostics.error(
                            &status,
                            "`responses` maps HTTP statuses to models: `responses(404 = NotFound)`, \
                             with a status between 100 and 599",
                        ),
                    }
                }
                continue;
            }
        };
        let key = meta.path().get_ident().map(ToString::to_string).unwrap_or_default();
        let shown = quote::ToTokens::to_token_stream(meta.path()).to_string().replace(' ', "");
        let Meta::NameValue(pair) = &meta else {
            match key.as_str() {
                // A bare flag: `#[get("/old", deprecated)]`.
                "deprecated" if matches!(meta, Meta::Path(_)) && !seen.contains(&key) => {
                    seen.push(key);
                    args.deprecated = true;
                }
                "responses" => diagnostics.error_spanned(
                    &meta,
                    "`responses` lists statuses and models in parentheses: `responses(404 = NotFound)`",
                ),
                "status_code" | "tags" | "summary" | "description" | "deprecated" | "operation_id"
                | "include_in_schema" | "response_model" => {
                    diagnostics.error_spanned(&meta, format!("`{key}` takes a value: write `{key} = …`"))
                }
                _ => diagnostics
                    .error_spanned(meta.path(), format!("unknown route option `{shown}`; expected {KEYS}")),
            }
            continue;
        };
        if seen.contains(&key) {
            diagnostics.error_spanned(&pair.path, format!("`{key}` is given twice"));
            continue;
        }
        seen.push(key.clone());
        match key.as_str() {
            "status_code" => match &pair.value {
                Expr::Lit(ExprLit { lit: Lit::Int(code), .. }) => match code.base10_parse::<u16>() {
                    Ok(code) if (100..=999).contains(&code) => args.status_code = Some(code),
                    _ => diagnostics.error(code, "`status_code` must be an HTTP status between 100 and 999"),
                },
                other => diagnostics
                    .error(other, "`status_code` takes an integer literal, as in `status_code = 201`"),
            },
            "tags" => match &pair.value {
                Expr::Array(array) => {
                    for element in &array.elems {
                        match element {
                            Expr::Lit(ExprLit { lit: Lit::Str(tag), .. }) => args.tags.push(tag.clone()),
                            other => {
                                diagnostics.error(other, "tags are string literals: `tags = [\"items\"]`")
                            }
                        }
                    }
                }
                other => diagnostics.error(other, "`tags` takes a list of strings: `tags = [\"items\"]`"),
            },
            "dependencies" => match &pair.value {
                Expr::Array(array) => {
                    for element in &array.elems {
                        match element {
                            Expr::Path(path) if path.qself.is_none() => args.dependencies.push(path.path.clone()),
                            other => diagnostics.error_spanned(
                                other,
                                "dependencies are `#[depends]` functions, by name: `dependencies = [verify_key]`",
                            ),
                        }
                    }
                }
                other => diagnostics.error_spanned(
                    other,
                    "`dependencies` takes a list of `#[depends]` functions: `dependencies = [verify_key]`",
                ),
            },
            "deprecated" | "include_in_schema" => match &pair.value {
                Expr::Lit(ExprLit { lit: Lit::Bool(flag), .. }) => {
                    if key == "deprecated" {
                        args.deprecated = flag.value;
                    } else {
                        args.include_in_schema = flag.value;
                    }
                }
                other => diagnostics.error(other, format!("`{key}` takes `true` or `false`")),
            },
            "operation_id" => match &pair.value {
                Expr::Lit(ExprLit { lit: Lit::Str(text), .. }) if !text.value().is_empty() => {
                    args.operation_id = Some(text.clone())
                }
                other => diagnostics.error(other, "`operation_id` takes a non-empty string literal"),
            },
            "summary" | "description" => match &pair.value {
                Expr::Lit(ExprLit { lit: Lit::Str(text), .. }) => {
                    if key == "summary" {
                        args.summary = Some(text.clone());
                    } else {
                        args.description = Some(text.clone());
                    }
                }
                other => diagnostics.error(other, format!("`{key}` takes a string literal")),
            },
            "responses" => diagnostics.error_spanned(
                &meta,
                "`responses` lists statuses and models in parentheses: `responses(404 = NotFound)`",
            ),
            _ => diagnostics
                .error_spanned(&pair.path, format!("unknown route option `{shown}`; expected {KEYS}")),
        }
    }
    Some(args)
}

/// A declared response's status: an integer literal between 100 and 599.
fn status_of(token: &proc_macro2::TokenTree) -> Option<u16> {
    let proc_macro2::TokenTree::Literal(literal) = token else { return None };
    let Ok(Lit::Int(code)) = syn::parse2::<Lit>(quote::ToTokens::to_token_stream(literal)) else {
        return None;
    };
    code.base10_parse::<u16>().ok().filter(|code| (100..=599).contains(code))
}

/// One argument of `#[websocket("/path", …)]`: only `subprotocols` and
/// `dependencies` apply (a WebSocket route answers with a 101 and is not
/// in the OpenAPI document, as in FastAPI).
fn websocket_arg(arg: Arg, args: &mut RouteArgs, seen: &mut Vec<String>, diagnostics: &mut Diagnostics) {
    let (key, meta) = match arg {
        Arg::Meta(meta) => (meta.path().get_ident().map(ToString::to_string).unwrap_or_default(), Some(meta)),
        Arg::ResponseModel(key, _) | Arg::Responses(key, _) => (key.to_string(), None),
    };
    let Some(Meta::NameValue(pair)) =
        meta.as_ref().filter(|_| matches!(key.as_str(), "subprotocols" | "dependencies"))
    else {
        let message = match key.as_str() {
            "subprotocols" | "dependencies" => format!("`{key}` takes a list: write `{key} = [...]`"),
            "status_code" | "response_model" | "responses" | "tags" | "summary" | "description"
            | "deprecated" | "operation_id" | "include_in_schema" => format!(
                "`{key}` does not apply to `#[websocket]` routes: they answer the handshake with a 101 and \
                 are not in the OpenAPI document; the options are {WEBSOCKET_KEYS}"
            ),
            _ => format!("unknown `#[websocket]` option `{key}`; expected {WEBSOCKET_KEYS}"),
        };
        match &meta {
            Some(meta) => diagnostics.error_spanned(meta.path(), message),
            None => diagnostics.error(Span::call_site(), message),
        }
        return;
    };
    if seen.contains(&key) {
        diagnostics.error_spanned(&pair.path, format!("`{key}` is given twice"));
        return;
    }
    seen.push(key.clone());
    let Expr::Array(array) = &pair.value else {
        diagnostics.error_spanned(&pair.value, format!("`{key}` takes a list: `{key} = [...]`"));
        return;
    };
    for element in &array.elems {
        match (key.as_str(), element) {
            ("subprotocols", Expr::Lit(ExprLit { lit: Lit::Str(protocol), .. })) => {
                let valid = !protocol.value().is_empty()
                    && protocol
                        .value()
                        .bytes()
                        .all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b));
                if valid {
                    args.subprotocols.push(protocol.clone());
                } else {
                    diagnostics.error(
                        protocol,
                        "a subprotocol is a token (RFC 6455, 4.1): no spaces, commas or quotes",
                    );
                }
            }
            ("subprotocols", other) => diagnostics
                .error_spanned(other, "subprotocols are string literals: `subprotocols = [\"chat\"]`"),
            (_, Expr::Path(path)) if path.qself.is_none() => args.dependencies.push(path.path.clone()),
            (_, other) => diagnostics.error_spanned(
                other,
                "dependencies are `#[depends]` functions, by name: `dependencies = [verify_key]`",
            ),
        }
    }
}
