//! `#[get]`, `#[post]`, …: parse → check → generate.

mod args;
pub(crate) mod check;
pub(crate) mod generate;
pub(crate) mod params;

use proc_macro2::TokenStream;
use quote::ToTokens;

/// Collects every error of one macro call, to report them all at once.
#[derive(Default)]
pub(crate) struct Diagnostics(Option<syn::Error>);

impl Diagnostics {
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    pub(crate) fn error(&mut self, span: impl syn::spanned::Spanned, message: impl std::fmt::Display) {
        self.push(syn::Error::new(span.span(), message));
    }

    /// Like [`error`](Self::error), but underlines every token of `tokens`
    /// (`Option<i64>`, `<T: Clone>`), not only the first.
    pub(crate) fn error_spanned(&mut self, tokens: impl ToTokens, message: impl std::fmt::Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    pub(crate) fn into_error(self) -> Option<syn::Error> {
        self.0
    }
}

/// Parses the annotated item as a function, or returns the error (spanned on
/// the item) followed by the item itself, so nothing else breaks.
pub(crate) fn parse_function(item: TokenStream, message: &str) -> Result<syn::ItemFn, TokenStream> {
    syn::parse2::<syn::ItemFn>(item.clone()).map_err(|_| {
        let mut out = syn::Error::new_spanned(&item, message).to_compile_error();
        out.extend(item);
        out
    })
}

/// What `#[middleware]`, `#[exception_handler]` and `#[lifespan]` check
/// alike on the plain function they annotate: no arguments, a function,
/// no `self`, no generics. Each error is recorded in `diagnostics`.
pub(crate) struct FreeFunction {
    /// The attribute's error when given arguments.
    pub(crate) no_arguments: &'static str,
    /// The expected shape, reported when the item is not a function.
    pub(crate) shape: &'static str,
    /// The error on a `self` parameter.
    pub(crate) receiver: &'static str,
    /// The error on generic parameters.
    pub(crate) generic: &'static str,
}

impl FreeFunction {
    pub(crate) fn parse(
        &self,
        attr: TokenStream,
        item: TokenStream,
        diagnostics: &mut Diagnostics,
    ) -> Result<syn::ItemFn, TokenStream> {
        if !attr.is_empty() {
            diagnostics.error_spanned(&attr, self.no_arguments);
        }
        let function = parse_function(item, self.shape)?;
        for input in &function.sig.inputs {
            if let syn::FnArg::Receiver(receiver) = input {
                diagnostics.error_spanned(receiver, self.receiver);
            }
        }
        if !function.sig.generics.params.is_empty() {
            diagnostics.error_spanned(&function.sig.generics, self.generic);
        }
        Ok(function)
    }
}

/// The function as emitted next to its errors: a body that cannot compile
/// yet becomes a stub, so its name and signature still resolve without a
/// cascade of secondary errors.
pub(crate) fn emit_with_errors(mut function: syn::ItemFn, error: syn::Error, stub_body: bool) -> TokenStream {
    if stub_body {
        function.block =
            Box::new(syn::parse_quote!({ ::core::unreachable!("this function failed to compile") }));
        function.attrs.push(syn::parse_quote!(#[allow(unused_variables)]));
    }
    let mut out = function.into_token_stream();
    out.extend(error.to_compile_error());
    out
}

pub fn expand(method: &'static str, attr: TokenStream, item: TokenStream) -> TokenStream {
    expand_kind(method, args::Kind::Http, attr, item)
}

/// `#[websocket("/path")]`: a GET route whose handler takes the `WebSocket`.
pub fn expand_websocket(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand_kind("WEBSOCKET", args::Kind::WebSocket, attr, item)
}

fn expand_kind(method: &'static str, kind: args::Kind, attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut diagnostics = Diagnostics::default();
    let args = args::parse(attr, kind, &mut diagnostics);
    let mut function = match syn::parse2::<syn::ItemFn>(item.clone()) {
        Ok(function) => function,
        Err(_) => {
            let message = format!(
                "`#[{}]` applies to functions: write it on an `async fn` or `fn` handler",
                method.to_lowercase()
            );
            diagnostics.error_spanned(item_head(&item), message);
            let mut out = item;
            if let Some(error) = diagnostics.into_error() {
                out.extend(error.to_compile_error());
            }
            return out;
        }
    };
    let mut handler = params::parse(&mut function, &mut diagnostics);
    let template = args
        .as_ref()
        .map(|args| check::check(check::Kind::Route(&args.path), &mut handler, &function, &mut diagnostics));
    if args.as_ref().is_some_and(|args| args.response_model.is_some())
        && let Err(error) = generate::model_shape(&function)
    {
        diagnostics.push(error);
    }
    check::check_socket(kind == args::Kind::WebSocket, &handler, &function, &mut diagnostics);
    match (diagnostics.into_error(), args, template) {
        (None, Some(args), Some(Some(template))) if kind == args::Kind::WebSocket => {
            generate::generate_websocket(&args, &template, &handler, &function)
        }
        (None, Some(args), Some(Some(template))) => {
            generate::generate(method, &args, &template, &handler, &function)
        }
        (error, _, _) => {
            // Emit the user's function (attributes stripped) so the rest of the crate still resolves.
            let mut out = function.into_token_stream();
            if let Some(error) = error {
                out.extend(error.to_compile_error());
            }
            out
        }
    }
}

/// The tokens that name an item which is not a function, for instance
/// `struct Items`: underlining the whole item would hide the point.
fn item_head(item: &TokenStream) -> TokenStream {
    use syn::Item;
    fn head(keyword: impl ToTokens, name: impl ToTokens) -> TokenStream {
        quote::quote!(#keyword #name)
    }
    match syn::parse2::<Item>(item.clone()) {
        Ok(Item::Struct(s)) => head(s.struct_token, s.ident),
        Ok(Item::Enum(e)) => head(e.enum_token, e.ident),
        Ok(Item::Union(u)) => head(u.union_token, u.ident),
        Ok(Item::Const(c)) => head(c.const_token, c.ident),
        Ok(Item::Static(s)) => head(s.static_token, s.ident),
        Ok(Item::Type(t)) => head(t.type_token, t.ident),
        Ok(Item::Trait(t)) => head(t.trait_token, t.ident),
        Ok(Item::Mod(m)) => head(m.mod_token, m.ident),
        Ok(Item::Impl(i)) => head(i.impl_token, i.self_ty),
        _ => item.clone(),
    }
}

/// Expands one route attribute for the snapshot tests.
#[cfg(test)]
pub(crate) fn expand_for_test(method: &'static str, attr: TokenStream, item: TokenStream) -> TokenStream {
    expand(method, attr, item)
}
