//! The `journal` test binary: one module per topic, sharing `tests/common`.
//! A new test file joins by a `mod` line here (see tests/README.md).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;

mod concurrent;
mod core_integrity;
mod corrections;
mod crash;
mod damage;
mod decode_once;
mod disk_full;
mod e2e;
mod hostile_files;
mod replay_equivalence;
mod slow_disk;
mod truncation;
mod umask;
