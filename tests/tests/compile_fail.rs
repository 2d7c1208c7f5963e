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
