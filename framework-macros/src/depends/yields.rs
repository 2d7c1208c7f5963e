//! Finding, checking and rewriting the one `yield_!` of a dependency.

use proc_macro2::Span;
use syn::visit::Visit;
use syn::{Block, Expr, ExprMacro, Ident, Macro, Stmt, StmtMacro};

use crate::route::Diagnostics;

fn is_yield(mac: &Macro) -> bool {
    mac.path.segments.last().is_some_and(|segment| segment.ident == "yield_")
}

/// Every `yield_!` anywhere in the body, nested ones included.
#[derive(Default)]
struct Finder<'a> {
    all: Vec<&'a Macro>,
}

impl<'a> Visit<'a> for Finder<'a> {
    fn visit_macro(&mut self, mac: &'a Macro) {
        if is_yield(mac) {
            self.all.push(mac);
        }
    }
}

/// The top-level statement that holds the yield, if it is one of the forms
/// that runs exactly once: `yield_!(v);` or `let x = yield_!(v);`.
fn top_level(stmt: &Stmt) -> Option<&Macro> {
    match stmt {
        Stmt::Macro(StmtMacro { mac, .. }) if is_yield(mac) => Some(mac),
        Stmt::Expr(Expr::Macro(ExprMacro { mac, .. }), _) if is_yield(mac) => Some(mac),
        Stmt::Local(local) => match local.init.as_ref().map(|init| &*init.expr) {
            Some(Expr::Macro(ExprMacro { mac, .. }))
                if is_yield(mac) && local.init.as_ref()?.diverge.is_none() =>
            {
                Some(mac)
            }
            _ => None,
        },
        _ => None,
    }
}

/// Checks the yields of a body; returns whether it has one.
pub(crate) fn check(block: &Block, is_async: bool, diagnostics: &mut Diagnostics) -> bool {
    let mut finder = Finder::default();
    finder.visit_block(block);
    if finder.all.is_empty() {
        return false;
    }
    let top: Vec<&Macro> = block.stmts.iter().filter_map(top_level).collect();
    for (index, mac) in finder.all.iter().enumerate() {
        let at_top = top.iter().any(|t| std::ptr::eq(*t, *mac));
        if index > 0 {
            diagnostics.error_spanned(
                mac,
                "a dependency yields once: its value is provided at the first `yield_!`, and the code after it is the teardown",
            );
        } else if !at_top {
            diagnostics.error_spanned(
                mac,
                "`yield_!` must run exactly once: write it as a statement at the top level of the function body \
                 (`let outcome = yield_!(value);`), not inside a loop, closure, `if`, `match` or block",
            );
        }
    }
    if !is_async {
        diagnostics.error_spanned(
            finder.all[0],
            "a dependency with `yield_!` must be an `async fn`: its teardown waits for the request's outcome",
        );
    }
    true
}

/// Replaces the top-level `yield_!(value)` with `handle.provide(value).await`.
pub(crate) fn rewrite(block: &mut Block, handle: &Ident) {
    for stmt in &mut block.stmts {
        let replacement = |mac: &Macro| -> Expr {
            let value = &mac.tokens;
            syn::parse_quote! { #handle.provide(#value).await }
        };
        match stmt {
            Stmt::Macro(StmtMacro { mac, semi_token, .. }) if is_yield(mac) => {
                let expr = replacement(mac);
                *stmt = Stmt::Expr(expr, *semi_token);
            }
            Stmt::Expr(Expr::Macro(ExprMacro { mac, .. }), semi) if is_yield(mac) => {
                let expr = replacement(mac);
                *stmt = Stmt::Expr(expr, *semi);
            }
            Stmt::Local(local) => {
                if let Some(init) = &mut local.init
                    && let Expr::Macro(ExprMacro { mac, .. }) = &*init.expr
                    && is_yield(mac)
                {
                    *init.expr = replacement(mac);
                }
            }
            _ => {}
        }
    }
}

/// The handle's name, hygienic so that it cannot meet the user's names.
pub(crate) fn handle() -> Ident {
    Ident::new("provider", Span::mixed_site())
}

/// A fallible body that ends in a statement (`pool.close().await;`) means
/// its teardown cannot fail: it returns `Ok(())`.
pub(crate) fn close_fallible(block: &mut Block) {
    if !matches!(block.stmts.last(), Some(Stmt::Expr(_, None))) {
        block.stmts.push(Stmt::Expr(syn::parse_quote! { ::core::result::Result::Ok(()) }, None));
    }
}
