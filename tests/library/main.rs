//! The integration tests that drive slrsim as a library, in this process: the simulator on a real sled
//! database in a temp directory, its IAM and MediaTailor rules, authorisation, the stateful property
//! tests, the golden logs and hostile input. (A few of them also run the `slrsim` binary once, for what
//! only the command line does: `golden` takes the demo's log from `slrsim demo`, `hostile_input` feeds
//! `slrsim run` malformed lines.)
//!
//! They are modules of one test binary rather than one binary each: every test binary links the whole
//! library and its dependencies again, which made linking most of a `cargo test` build. The tests that
//! are mostly about running the binary or a server are the other binary, `tests/programs`. Tests of
//! both binaries run on many threads of one process, so none of them sets an environment variable,
//! changes the current directory or installs a panic hook; what a test reads from the environment
//! (`PROPTEST_CASES`, `SLRSIM_GOLDEN_WRITE`) it only reads.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

#[path = "../support/mod.rs"]
mod support;

mod authorization;
mod boundaries;
mod consistency;
mod faults;
mod golden;
mod hostile_input;
mod iam_reads;
mod iam_rules;
mod lifecycle;
mod logs_reads;
mod mediatailor_inputs;
mod properties;
mod serve_history;
mod throttling;
mod viewers;
