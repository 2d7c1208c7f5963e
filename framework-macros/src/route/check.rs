//! Every misuse the route macros can see, reported together.

use quote::ToTokens;
use syn::{Expr, ExprLit, Ident, ItemFn, LitStr};

use super::Diagnostics;
use super::params::{Handler, Param, Source, is_multipart, is_text_like, is_upload, last_segment, wrapped};
use crate::template::{self, Variable};

/// What is being checked: a route handler (with its path template) or a
/// `#[depends]` function (which sees no template).
#[derive(Clone, Copy)]
pub(crate) enum Kind<'a> {
    Route(&'a LitStr),
    Dependency,
}

/// Checks the handler against its route and settles each implicit parameter
/// as path or query. Returns the template's variables when the path is valid.
pub(crate) fn check(
    kind: Kind<'_>,
    handler: &mut Handler,
    function: &ItemFn,
    diagnostics: &mut Diagnostics,
) -> Option<Vec<Variable>> {
    let sig = &function.sig;
    if !sig.generics.params.is_empty() {
        let message = match kind {
            Kind::Route(_) => "handlers cannot be generic: the route needs one concrete function",
            Kind::Dependency => {
                "a dependency cannot be generic: `#[depends(f)]` names one concrete function; \
                 write one per type, or take the varying part as a parameter"
            }
        };
        diagnostics.error_spanned(&sig.generics, message);
    }
    if let Some(variadic) = &sig.variadic {
        diagnostics.error(variadic, "handlers cannot be variadic");
    }
    if let Some(constness) = &sig.constness {
        diagnostics.error(constness, "handlers cannot be `const fn`");
    }
    if let Some(abi) = &sig.abi {
        diagnostics.error_spanned(abi, "handlers use the Rust ABI: remove the `extern`");
    }
    if let Some(unsafety) = &sig.unsafety {
        diagnostics.error(unsafety, "handlers cannot be `unsafe fn`: use an `unsafe` block inside the body");
    }

    // A route moves each value out of the request into the handler, so
    // nothing can be lent to it (a dependency's parameters are the same).
    if matches!(kind, Kind::Route(_)) {
        for param in &handler.params {
            let syn::Type::Reference(reference) = &param.ty else { continue };
            // A borrowed request or socket has its own message below.
            if last_segment(&reference.elem).is_some_and(|s| s.ident == "Request" || s.ident == "WebSocket") {
                continue;
            }
            let owned = match &*reference.elem {
                syn::Type::Path(path) if path.path.is_ident("str") => "String".to_owned(),
                syn::Type::Slice(slice) => format!("Vec<{}>", type_text(&slice.elem)),
                elem => type_text(elem),
            };
            let ty = type_text(&param.ty);
            diagnostics.error_spanned(
                &param.ty,
                format!(
                    "`{ty}` borrows, but a handler's parameters are values of its own, moved out of the \
                     request: take `{owned}`"
                ),
            );
        }
    }

    // Each of these macros defines a type named after the function: a
    // second one on the same function would define it again.
    for attr in &function.attrs {
        let Some(ident) = attr.path().get_ident() else { continue };
        let defining = ["get", "post", "put", "patch", "delete", "head", "options", "websocket", "depends"];
        if defining.iter().any(|name| ident == name) {
            diagnostics.error_spanned(
                attr,
                format!(
                    "`#[{ident}]` on a function that already has a route or `#[depends]` attribute: \
                     a function is one route (one method and path) or one dependency; write a second \
                     function for this one, sharing the work through a plain helper function"
                ),
            );
        }
    }

    let template = match kind {
        Kind::Route(template) => Some(template),
        Kind::Dependency => None,
    };
    let variables = template.and_then(|template| match template::parse(&template.value()) {
        Ok(variables) => Some(variables),
        Err(message) => {
            diagnostics.error(template, message);
            None
        }
    });

    check_body_readers(handler, diagnostics);
    let mut body_seen = false;
    let mut request_seen = false;
    for param in &mut handler.params {
        if let syn::Type::ImplTrait(ty) = &param.ty {
            diagnostics.error_spanned(
                ty,
                "a parameter's type cannot be `impl Trait`: brisk reads the parameter into one \
                 concrete type, so name it (`#[body] item: ItemCreate`)",
            );
        }
        check_option_literals(param, diagnostics);
        let name = param.binding.to_string();
        let in_template = variables.as_ref().is_some_and(|vars| vars.iter().any(|v| v.name == name));
        match param.source {
            Source::Implicit if in_template => param.source = Source::Path,
            Source::Implicit => param.source = Source::Query,
            Source::Path if variables.is_some() && !in_template => diagnostics.error(
                &param.binding,
                format!(
                    "`{name}` is marked #[path] but the route path `{}` has no `{{{name}}}`",
                    template.map(LitStr::value).unwrap_or_default()
                ),
            ),
            // Named in the template: a path parameter, whatever its type; a type that
            // cannot be parsed from text then fails on the type itself.
            Source::Extractor if in_template && param.attribute.is_none() => param.source = Source::Path,
            Source::Query
            | Source::Header
            | Source::Cookie
            | Source::Form
            | Source::File
            | Source::Body
            | Source::Depends
            | Source::Extractor
                if in_template =>
            {
                let attribute = param.source.attribute();
                diagnostics.error(
                    param.attribute.unwrap_or_else(|| param.binding.span()),
                    format!(
                        "`{name}` is a variable of the route path, so it is a path parameter: \
                         remove `#[{attribute}]` or rename the parameter"
                    ),
                )
            }
            Source::Request if in_template => diagnostics.error(
                &param.binding,
                format!(
                    "`{name}` is a variable of the route path, so it is a path parameter, \
                     not the whole `Request`: rename one of them"
                ),
            ),
            Source::Body if body_seen => diagnostics.error(
                param.attribute.unwrap_or_else(|| param.binding.span()),
                "a handler has at most one #[body]: gather the fields into one struct",
            ),
            Source::Body => body_seen = true,
            Source::Request if request_seen => {
                diagnostics.error(&param.ty, "a handler takes the `Request` at most once")
            }
            Source::Request => request_seen = true,
            _ => {}
        }
        if param.source == Source::Path {
            for wrapper in ["Option", "Vec"] {
                if wrapped(&param.ty, wrapper).is_some() {
                    diagnostics.error_spanned(
                        &param.ty,
                        format!(
                            "path parameters are always present: use the plain type instead of `{wrapper}<_>`"
                        ),
                    );
                }
            }
            if let Some(default) = &param.options.default {
                diagnostics.error(default, "path parameters are always present, so they take no `default`");
            }
        }
        if let Some(key) = param.options.key("convert_underscores")
            && param.source != Source::Header
        {
            diagnostics.error(key, "`convert_underscores` applies to #[header] parameters only");
        }
        if let Some(scalar) = non_text_scalar(&param.ty) {
            for option in ["min_length", "max_length", "pattern"] {
                if let Some(key) = param.options.key(option) {
                    diagnostics.error(
                        key,
                        format!(
                            "`{option}` applies to text parameters, and `{name}` is a `{scalar}`; \
                             bound numbers with `ge`, `gt`, `le` or `lt`"
                        ),
                    );
                }
            }
        }
        if let Some(pattern) = &param.options.pattern
            && let Err(err) = regex_lite::Regex::new(&pattern.value())
        {
            diagnostics.error(pattern, format!("invalid `pattern`: {err}"));
        }
        if param.source == Source::Header {
            let header = header_name(param);
            let valid = !header.is_empty()
                && header.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
            if !valid {
                let span = param.options.alias.as_ref().map_or_else(|| param.binding.span(), |a| a.span());
                diagnostics.error(span, format!("`{header}` is not a valid header name"));
            }
        }
        if let Some(alias) = &param.options.alias
            && alias.value().is_empty()
        {
            diagnostics.error(alias, "`alias` cannot be empty");
        }
    }

    for param in &handler.params {
        if param.source != Source::Request {
            continue;
        }
        let borrowed = matches!(param.ty, syn::Type::Reference(_));
        match kind {
            Kind::Route(_) if borrowed => diagnostics.error_spanned(
                &param.ty,
                "handlers own the request: take `Request` by value (dependencies take `&Request`)",
            ),
            Kind::Dependency if !borrowed => diagnostics.error_spanned(
                &param.ty,
                "dependencies borrow the request, which the handler may still need: take `&Request`",
            ),
            Kind::Dependency if !handler.is_async => diagnostics.error_spanned(
                &param.ty,
                "a plain `fn` dependency runs on the blocking pool and cannot borrow the request: \
                 make it `async fn`, or take the values you need as parameters",
            ),
            _ => {}
        }
    }

    if let (Some(variables), Some(template)) = (&variables, template) {
        for variable in variables {
            // A parameter of that name with another source has its own error already.
            let bound = handler.params.iter().any(|p| p.binding == variable.name.as_str());
            if !bound {
                diagnostics.error(
                    template,
                    format!(
                        "the route path names `{{{name}}}` but `{}` has no parameter `{name}`: \
                         add one, as in `{name}: i64`",
                        function.sig.ident,
                        name = variable.name,
                    ),
                );
            }
        }
    }
    variables
}

/// The `WebSocket` parameter: exactly one in a `#[websocket]` handler,
/// which is `async` and reads no body; none anywhere else.
pub(crate) fn check_socket(
    websocket: bool,
    handler: &Handler,
    function: &ItemFn,
    diagnostics: &mut Diagnostics,
) {
    let sockets: Vec<_> = handler.params.iter().filter(|p| p.source == Source::Socket).collect();
    if !websocket {
        for socket in sockets {
            diagnostics.error_spanned(
                &socket.ty,
                "a `WebSocket` comes with a WebSocket route: write `#[websocket(\"/path\")]` instead of an HTTP method",
            );
        }
        return;
    }
    let name = &function.sig.ident;
    // A socket written another way than `socket: WebSocket`.
    let miswritten: Vec<_> = handler
        .params
        .iter()
        .filter(|p| p.source != Source::Socket && names_websocket(quote::ToTokens::to_token_stream(&p.ty)))
        .collect();
    for param in &miswritten {
        if let Some(attribute) = param.attribute.filter(|_| super::params::is_websocket(&param.ty)) {
            diagnostics.error(attribute, "the socket takes no attribute: write `socket: WebSocket`");
            continue;
        }
        let message = if matches!(param.ty, syn::Type::Reference(_)) {
            "the handler owns its socket: take it by value, `socket: WebSocket`"
        } else if wrapped(&param.ty, "Option").is_some() {
            "a WebSocket handler always has its socket: take `WebSocket`, not `Option<WebSocket>`"
        } else {
            "take the socket itself: `socket: WebSocket`"
        };
        diagnostics.error_spanned(&param.ty, message);
    }
    match sockets.as_slice() {
        [] if !miswritten.is_empty() => {}
        [] => diagnostics.error(
            name,
            format!(
                "`{name}` is a WebSocket handler: take the socket as a parameter, as in `socket: WebSocket`"
            ),
        ),
        [_] => {}
        [_, again @ ..] => {
            for socket in again {
                diagnostics.error_spanned(&socket.ty, "a WebSocket handler takes one `WebSocket`");
            }
        }
    }
    if !handler.is_async {
        diagnostics.error(
            function.sig.fn_token,
            "WebSocket handlers are `async fn`: the conversation awaits the client",
        );
    }
    for param in &handler.params {
        let body = matches!(param.source, Source::Body | Source::Form | Source::File)
            || (param.source == Source::Extractor && is_multipart(&param.ty));
        if body {
            diagnostics.error(
                param.attribute.unwrap_or_else(|| param.binding.span()),
                "a WebSocket handshake has no body: receive data as messages on the socket",
            );
        }
    }
}

/// One body, read once: as JSON (`#[body]`), as a form (`#[form]` and
/// `#[file]`), or streamed (`Multipart`). Also: an `UploadFile` is only ever
/// a `#[file]` parameter.
fn check_body_readers(handler: &Handler, diagnostics: &mut Diagnostics) {
    let span = |param: &super::params::Param| param.attribute.unwrap_or_else(|| param.binding.span());
    for param in &handler.params {
        if is_upload(&param.ty) && param.source != Source::File {
            let message = match param.attribute {
                Some(_) => format!(
                    "`{}` is an uploaded file, read from a multipart body: use #[file] instead of #[{}]",
                    param.binding,
                    param.source.attribute()
                ),
                None => format!(
                    "`{}` is an uploaded file: annotate it with #[file] to read the part named `{}` \
                     of a multipart body",
                    param.binding, param.binding
                ),
            };
            diagnostics.error(span(param), message);
        }
    }
    let json_body = handler.params.iter().find(|p| p.source == Source::Body);
    let streamed = handler.params.iter().find(|p| p.source == Source::Extractor && is_multipart(&p.ty));
    let form_parts = handler.params.iter().filter(|p| matches!(p.source, Source::Form | Source::File));
    for form in form_parts {
        let kind = if form.source == Source::File { "an uploaded file" } else { "a form field" };
        if let Some(json_body) = json_body {
            diagnostics.error(
                span(form),
                format!(
                    "`{}` is {kind}, but `{}` already reads the body as JSON: a request has one \
                     body, so take either `#[body]` or `#[form]`/`#[file]` parameters",
                    form.binding, json_body.binding
                ),
            );
        }
        if let Some(streamed) = streamed {
            diagnostics.error(
                span(form),
                format!(
                    "`{}` is {kind}, but `{}` streams the body part by part: read every part \
                     from the `Multipart`, or take `#[form]`/`#[file]` parameters instead of it",
                    form.binding, streamed.binding
                ),
            );
        }
    }
    for again in
        handler.params.iter().filter(|p| p.source == Source::Extractor && is_multipart(&p.ty)).skip(1)
    {
        diagnostics.error(
            span(again),
            format!(
                "`{}` streams the body, but `{}` already does: a request has one body, read once",
                again.binding,
                streamed.map(|p| p.binding.to_string()).unwrap_or_default()
            ),
        );
    }
    if let (Some(json_body), Some(streamed)) = (json_body, streamed) {
        diagnostics.error(
            span(json_body),
            format!(
                "`{}` reads the body as JSON, but `{}` streams it as multipart: a request has one body",
                json_body.binding, streamed.binding
            ),
        );
    }
}

/// The built-in scalar under `Option`/`Vec` when it is not text, as in `u32`.
fn non_text_scalar(ty: &syn::Type) -> Option<String> {
    if let Some(inner) = wrapped(ty, "Option").or_else(|| wrapped(ty, "Vec")) {
        return non_text_scalar(&inner);
    }
    let segment = last_segment(ty)?;
    let name = segment.ident.to_string();
    (segment.arguments.is_empty() && is_text_like(ty) && name != "String").then_some(name)
}

/// The wire name of a header parameter: the alias, or the parameter name with
/// underscores turned into hyphens; lowercase, as `http` stores names.
pub(crate) fn header_name(param: &super::params::Param) -> String {
    match &param.options.alias {
        Some(alias) => alias.value().to_ascii_lowercase(),
        None if param.options.convert_underscores == Some(false) => {
            param.binding.to_string().to_ascii_lowercase()
        }
        None => param.binding.to_string().replace('_', "-").to_ascii_lowercase(),
    }
}

/// Whether `tokens` name `WebSocket` anywhere (`Option<WebSocket>`, `&mut WebSocket`).
fn names_websocket(tokens: proc_macro2::TokenStream) -> bool {
    tokens.into_iter().any(|token| match token {
        proc_macro2::TokenTree::Ident(ident) => ident == "WebSocket",
        proc_macro2::TokenTree::Group(group) => names_websocket(group.stream()),
        _ => false,
    })
}

/// Options whose literal values contradict each other: bounds no value
/// passes, a length range that is empty, a default the bounds refuse. Only
/// literals are compared; a bound written as a constant is left to run time.
fn check_option_literals(param: &Param, diagnostics: &mut Diagnostics) {
    let options = &param.options;
    let bound = |name: &str| {
        options.bounds.iter().rev().find(|(key, _)| key == name).and_then(|(_, value)| number(value))
    };
    let lower = bound("ge").map(|v| (v, false)).or_else(|| bound("gt").map(|v| (v, true)));
    let upper = bound("le").map(|v| (v, false)).or_else(|| bound("lt").map(|v| (v, true)));
    if let (Some((low, low_open)), Some((high, high_open))) = (lower, upper) {
        let empty = if low_open || high_open { low >= high } else { low > high };
        if empty {
            let key = options.key("le").or_else(|| options.key("lt"));
            diagnostics.error(
                key.map_or_else(|| param.binding.span(), Ident::span),
                format!(
                    "no value of `{}` passes these bounds: the lower bound {low} is not below the upper \
                     bound {high}",
                    param.binding
                ),
            );
        }
    }
    if let (Some(min), Some(max)) = (&options.min_length, &options.max_length)
        && let (Ok(min_value), Ok(max_value)) = (min.base10_parse::<u64>(), max.base10_parse::<u64>())
        && min_value > max_value
    {
        diagnostics.error(
            max,
            format!(
                "`max_length = {max_value}` is below `min_length = {min_value}`: no value of `{}` passes",
                param.binding
            ),
        );
    }
    let Some(default) = &options.default else { return };
    if let Some(value) = number(default) {
        let refused = lower.is_some_and(|(low, open)| if open { value <= low } else { value < low })
            || upper.is_some_and(|(high, open)| if open { value >= high } else { value > high });
        if refused {
            diagnostics.error(
                default,
                format!("the default {value} is outside the bounds of `{}`: every request without it would get a 422", param.binding),
            );
        }
    }
    if let Expr::Lit(ExprLit { lit: syn::Lit::Str(text), .. }) = default {
        let length = text.value().chars().count() as u64;
        let short = options
            .min_length
            .as_ref()
            .and_then(|m| m.base10_parse::<u64>().ok())
            .is_some_and(|m| length < m);
        let long = options
            .max_length
            .as_ref()
            .and_then(|m| m.base10_parse::<u64>().ok())
            .is_some_and(|m| length > m);
        if short || long {
            diagnostics.error(
                default,
                format!("the default is {length} characters long, outside the length bounds of `{}`: every request without it would get a 422", param.binding),
            );
        }
    }
}

/// A numeric literal (`10`, `-1`, `0.5`), as a float for comparing.
fn number(expr: &Expr) -> Option<f64> {
    match expr {
        Expr::Lit(ExprLit { lit: syn::Lit::Int(int), .. }) => int.base10_parse::<f64>().ok(),
        Expr::Lit(ExprLit { lit: syn::Lit::Float(float), .. }) => float.base10_parse::<f64>().ok(),
        Expr::Unary(unary) if matches!(unary.op, syn::UnOp::Neg(_)) => number(&unary.expr).map(|v| -v),
        Expr::Group(group) => number(&group.expr),
        Expr::Paren(paren) => number(&paren.expr),
        _ => None,
    }
}

/// A type as the user would write it: `State<Pool>`, not the token
/// stream's `State < Pool >`.
fn type_text(ty: &syn::Type) -> String {
    let text = ty.to_token_stream().to_string();
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let glued = matches!(c, '<' | '&' | ':') || matches!(next, Some('<' | '>' | ',' | ':'));
        out.push(c);
        if glued && next == Some(' ') {
            chars.next();
        }
        if c == ' ' && matches!(next, Some('<' | '>' | ',' | ':')) {
            out.pop();
        }
    }
    out
}
