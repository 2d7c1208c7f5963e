//! Every misuse the route macros can detect, with the message users see.
//!
//! Each file under `tests/ui/` is one mistake; its `.stderr` is the exact
//! compiler output. Regenerate after an intended change with
//! `TRYBUILD=overwrite cargo test -p brisk-tests --test compile_fail`,
//! then read the diff: the caret must sit on the user's offending token.

#[test]
fn compile_fail() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/*.rs");
}

/// The mistakes whose messages quote the standard library's source (the
/// dependency cycle's report runs through `core`'s `panic!`). The compiler
/// quotes it only where the `rust-src` component is installed, and prints a
/// shorter note otherwise, so these expectations hold only with it. Run
/// with `rustup component add rust-src` and `--ignored`; regenerate with
/// `TRYBUILD=overwrite … -- --ignored`.
#[test]
#[ignore = "needs the rust-src component: rustup component add rust-src"]
fn compile_fail_quoting_the_standard_library() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui-std/*.rs");
}
