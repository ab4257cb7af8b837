//! Helpers shared by the integration tests: a simulator on a real sled database in a temp directory,
//! and actions written as scenario lines.
#![allow(dead_code)]

use serde_json::Value;
use slrsim::core::outcome::Outcome;
use slrsim::log::record::Record;
use slrsim::{Action, ApiError, Genesis, Simulator};

/// A simulator over a fresh sled database in its own temporary directory (kept alive by the guard).
pub struct TestSim {
    pub sim: Simulator,
    pub dir: tempfile::TempDir,
}

impl TestSim {
    /// Seed 0, starting 2026-01-01T00:00:00Z.
    pub fn new() -> Self {
        Self::with(Genesis::default())
    }

    pub fn with(genesis: Genesis) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let sim = Simulator::open(&dir.path().join("db"), Some(genesis)).expect("open db");
        TestSim { sim, dir }
    }

    /// Executes a scenario line; returns the whole record.
    pub fn record(&mut self, line: &str) -> Record {
        let action = action(line);
        self.sim.execute(action).expect("storage works")
    }

    /// Executes a scenario line; returns AWS's response or error.
    pub fn call(&mut self, line: &str) -> Result<Value, ApiError> {
        match self.record(line).outcome {
            Outcome::Ok { response, .. } => Ok(response),
            Outcome::Error { error } => Err(error),
        }
    }

    /// Executes a line that must succeed.
    pub fn ok(&mut self, line: &str) -> Value {
        match self.call(line) {
            Ok(v) => v,
            Err(e) => panic!("expected success for {line}, got {e}"),
        }
    }

    /// Executes a line that must fail; returns the error.
    pub fn err(&mut self, line: &str) -> ApiError {
        match self.call(line) {
            Ok(v) => panic!("expected an error for {line}, got {v}"),
            Err(e) => e,
        }
    }
}

/// Parses one scenario line into an action (panics on malformed test input).
pub fn action(line: &str) -> Action {
    let obj = match serde_json::from_str::<Value>(line).expect("test line is JSON") {
        Value::Object(o) => o,
        other => panic!("test line is not an object: {other}"),
    };
    slrsim::simulator::scenario::parse_action(obj)
        .unwrap_or_else(|e| panic!("bad test line {line}: {e}"))
}

/// The name and ARN of the service-linked role in account 111122223333.
pub const SLR: &str = "AWSServiceRoleForMediaTailor";
pub const SLR_ARN: &str = "arn:aws:iam::111122223333:role/aws-service-role/mediatailor.amazonaws.com/AWSServiceRoleForMediaTailor";

/// Reads a child's pipe to its end on a thread of its own (so a chatty child never blocks on a full
/// pipe), giving the text read.
pub fn read_all(mut r: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = r.read_to_end(&mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    })
}

/// Waits for `child` up to `limit`; kills it and returns `None` if it takes longer. The limit only
/// turns a hang into a failure: no verdict depends on how fast the child is.
pub fn wait_or_kill(
    child: &mut std::process::Child,
    limit: std::time::Duration,
) -> Option<std::process::ExitStatus> {
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return Some(status);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}
