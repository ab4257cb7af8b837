//! Helpers shared by the integration-test binaries (`tests/library`, `tests/programs`): a simulator on
//! a real sled database in a temp directory and actions written as scenario lines (here), the `slrsim`
//! binary as a child process (`run`), `slrsim serve` over HTTP (`http`) and SigV4 signing (`sign`).
// Each binary includes the whole module and uses only part of it.
#![allow(
    dead_code,
    reason = "each test binary uses its own part of the support module"
)]

pub(crate) mod http;
pub(crate) mod run;
pub(crate) mod sign;

use proptest::test_runner::{Config, FileFailurePersistence};
use serde_json::Value;
use slrsim::core::outcome::Outcome;
use slrsim::log::record::Record;
use slrsim::{Action, ApiError, Genesis, Simulator};

/// A simulator over a fresh sled database in its own temporary directory (kept alive by the guard).
pub(crate) struct TestSim {
    pub sim: Simulator,
    pub dir: tempfile::TempDir,
}

impl TestSim {
    /// Seed 0, starting 2026-01-01T00:00:00Z.
    pub(crate) fn new() -> Self {
        Self::with(Genesis::default())
    }

    pub(crate) fn with(genesis: Genesis) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let sim = Simulator::open(&dir.path().join("db"), Some(genesis)).expect("open db");
        TestSim { sim, dir }
    }

    /// Executes a scenario line; returns the whole record.
    pub(crate) fn record(&mut self, line: &str) -> Record {
        let action = action(line);
        self.sim.execute(action).expect("storage works")
    }

    /// Executes a scenario line, checking every step invariant on the state before and after it;
    /// returns the whole record.
    pub(crate) fn checked_record(&mut self, line: &str) -> Record {
        let before = self.sim.state().clone();
        let record = self.record(line);
        let violations =
            slrsim::testing::invariants::check_step(&slrsim::testing::invariants::Step {
                before: &before,
                record: &record,
                after: self.sim.state(),
            });
        assert!(violations.is_empty(), "{line}: {violations:?}");
        record
    }

    /// Executes a scenario line; returns AWS's response or error.
    pub(crate) fn call(&mut self, line: &str) -> Result<Value, ApiError> {
        match self.record(line).outcome {
            Outcome::Ok { response, .. } => Ok(response),
            Outcome::Error { error, .. } => Err(error),
        }
    }

    /// Executes a line that must succeed.
    pub(crate) fn ok(&mut self, line: &str) -> Value {
        match self.call(line) {
            Ok(v) => v,
            Err(e) => panic!("expected success for {line}, got {e}"),
        }
    }

    /// Executes a line that must fail; returns the error.
    pub(crate) fn err(&mut self, line: &str) -> ApiError {
        match self.call(line) {
            Ok(v) => panic!("expected an error for {line}, got {v}"),
            Err(e) => e,
        }
    }
}

/// Parses one scenario line into an action (panics on malformed test input).
pub(crate) fn action(line: &str) -> Action {
    let obj = match serde_json::from_str::<Value>(line).expect("test line is JSON") {
        Value::Object(o) => o,
        other => panic!("test line is not an object: {other}"),
    };
    slrsim::simulator::scenario::parse_action(obj)
        .unwrap_or_else(|e| panic!("bad test line {line}: {e}"))
}

/// A property's configuration: `cases` unless `PROPTEST_CASES` says otherwise, failures persisted in
/// `regressions` (a path relative to the package root, where cargo runs integration tests) and replayed
/// first on every run.
pub(crate) fn proptest_config(cases: u32, regressions: &'static str) -> Config {
    Config {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(cases),
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(regressions))),
        ..Config::default()
    }
}

/// The name and ARN of the service-linked role in account 111122223333.
pub(crate) const SLR: &str = "AWSServiceRoleForMediaTailor";
pub(crate) const SLR_ARN: &str = "arn:aws:iam::111122223333:role/aws-service-role/mediatailor.amazonaws.com/AWSServiceRoleForMediaTailor";
