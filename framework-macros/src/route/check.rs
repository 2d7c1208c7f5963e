//! Every misuse the route macros can see, reported together.

use syn::ItemFn;

use super::Diagnostics;
use super::args::RouteArgs;
use super::params::{Handler, Source, wrapped};
use crate::template::{self, Variable};

/// Checks the handler against its route and settles each implicit parameter
/// as path or query. Returns the template's variables when the path is valid.
pub(crate) fn check(
    args: &RouteArgs,
    handler: &mut Handler,
    function: &ItemFn,
    diagnostics: &mut Diagnostics,
) -> Option<Vec<Variable>> {
    let sig = &function.sig;
    if !sig.generics.params.is_empty() {
        diagnostics.error(&sig.generics, "handlers cannot be generic: the route needs one concrete function");
    }
    if let Some(variadic) = &sig.variadic {
        diagnostics.error(variadic, "handlers cannot be variadic");
    }
    if let Some(constness) = &sig.constness {
        diagnostics.error(constness, "handlers cannot be `const fn`");
    }
    if let Some(abi) = &sig.abi {
        diagnostics.error(abi, "handlers use the Rust ABI: remove the `extern`");
    }

    let variables = match template::parse(&args.path.value()) {
        Ok(variables) => Some(variables),
        Err(message) => {
            diagnostics.error(&args.path, message);
            None
        }
    };

    let mut body_seen = false;
    let mut request_seen = false;
    for param in &mut handler.params {
        let name = param.binding.to_string();
        let in_template = variables.as_ref().is_some_and(|vars| vars.iter().any(|v| v.name == name));
        match param.source {
            Source::Implicit if in_template => param.source = Source::Path,
            Source::Implicit => param.source = Source::Query,
            Source::Path if variables.is_some() && !in_template => diagnostics.error(
                &param.binding,
                format!("`{name}` is marked #[path] but the route path `{}` has no `{{{name}}}`", args.path.value()),
            ),
            Source::Query | Source::Header | Source::Cookie | Source::Body | Source::Extractor if in_template => {
                diagnostics.error(
                    param.attribute.unwrap_or_else(|| param.binding.span()),
                    format!("`{name}` is a variable of the route path, so it is a path parameter; remove the annotation or rename the parameter"),
                )
            }
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
                    diagnostics.error(
                        &param.ty,
                        format!("path parameters are always present: use the plain type instead of `{wrapper}<_>`"),
                    );
                }
            }
            if let Some(default) = &param.options.default {
                diagnostics.error(default, "path parameters are always present, so they take no `default`");
            }
        }
        if param.options.convert_underscores.is_some() && param.source != Source::Header {
            diagnostics.error(&param.binding, "`convert_underscores` applies to #[header] parameters only");
        }
        if let Some(pattern) = &param.options.pattern {
            if let Err(err) = regex_lite::Regex::new(&pattern.value()) {
                diagnostics.error(pattern, format!("invalid `pattern`: {err}"));
            }
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
        if let Some(alias) = &param.options.alias {
            if alias.value().is_empty() {
                diagnostics.error(alias, "`alias` cannot be empty");
            }
        }
    }

    if let Some(variables) = &variables {
        for variable in variables {
            let bound = handler
                .params
                .iter()
                .any(|p| p.source == Source::Path && p.binding == variable.name.as_str());
            if !bound {
                diagnostics.error(
                    &args.path,
                    format!(
                        "the route path names `{{{}}}` but `{}` has no parameter `{}`",
                        variable.name,
                        function.sig.ident,
                        variable.name
                    ),
                );
            }
        }
    }
    variables
}

/// The wire name of a header parameter: the alias, or the parameter name with
/// underscores turned into hyphens; lowercase, as `http` stores names.
pub(crate) fn header_name(param: &super::params::Param) -> String {
    match &param.options.alias {
        Some(alias) => alias.value().to_ascii_lowercase(),
        None if param.options.convert_underscores == Some(false) => param.binding.to_string().to_ascii_lowercase(),
        None => param.binding.to_string().replace('_', "-").to_ascii_lowercase(),
    }
}
