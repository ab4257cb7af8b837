//! The integration tests that run the `slrsim` binary as processes: the command line, crashes
//! (SIGKILL of `run` and of `serve`), damaged records and damaged database files, time travel through
//! the command line, and `slrsim serve` over real HTTP. Each test has its own database in a temp
//! directory, its children are killed if they hang, and every server listens on a port the system
//! chose, so the tests can run on many threads at once.
//!
//! They are modules of one test binary rather than one binary each: every test binary links the whole
//! library and its dependencies again, which made linking most of a `cargo test` build. The tests that
//! use the library in this process are the other binary, `tests/library`. None of these tests sets an
//! environment variable, changes the current directory or installs a panic hook; what a test reads from
//! the environment (`SLRSIM_CRASH_SEED`, `SLRSIM_DAMAGE_CASES`, `PROPTEST_CASES`...) it only reads, and
//! what a child must not inherit is removed from the child's environment only.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

#[path = "../support/mod.rs"]
mod support;

mod cli;
mod corruption;
mod crash;
mod damage;
mod fuzz;
mod serve;
mod serve_crash;
mod serve_timetravel;
mod timetravel;
