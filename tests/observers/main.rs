//! The `observers` test binary: one module per topic, sharing `tests/common`.
//! A new test file joins by a `mod` line here (see tests/README.md).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;

mod local;
mod mirror;
mod remote;
