//! Shared helpers for brisk's integration tests.
