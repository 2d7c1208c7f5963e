//! `#[get]`, `#[post]`, …: parse → check → generate.

mod args;
mod check;
mod generate;
mod params;

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

    pub(crate) fn into_error(self) -> Option<syn::Error> {
        self.0
    }
}

pub fn expand(method: &'static str, attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut diagnostics = Diagnostics::default();
    let args = args::parse(attr, &mut diagnostics);
    let mut function = match syn::parse2::<syn::ItemFn>(item.clone()) {
        Ok(function) => function,
        Err(_) => {
            let message = format!(
                "`#[{}]` applies to functions: write it on an `async fn` or `fn` handler",
                method.to_lowercase()
            );
            let error = syn::Error::new_spanned(&item, message);
            let mut out = error.to_compile_error();
            out.extend(item);
            return out;
        }
    };
    let mut handler = params::parse(&mut function, &mut diagnostics);
    let template = args.as_ref().map(|args| check::check(args, &mut handler, &function, &mut diagnostics));
    match (diagnostics.into_error(), args, template) {
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

/// Expands one route attribute for the snapshot tests.
#[cfg(test)]
pub(crate) fn expand_for_test(method: &'static str, attr: TokenStream, item: TokenStream) -> TokenStream {
    expand(method, attr, item)
}
