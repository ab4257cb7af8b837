//! The property-test harness, shared by `tests/library/properties.rs` and `slrsim check`: it runs a generated
//! history against the real simulator on a real sled database in a temp directory, and after every
//! action checks the reference model's prediction and every invariant of `invariants`. At the end of a
//! history it checks the log-level promises: replay equals live, every action re-decides to its logged
//! outcome, reopening the database changes nothing, and the same seed gives byte-identical logs.

use std::io::Write;
use std::path::Path;

use crate::core::action::Action;
use crate::core::outcome::Outcome;
use crate::log::replay;
use crate::log::store::Store;
use crate::simulator::scenario;
use crate::simulator::{Genesis, Simulator};
use crate::testing::invariants::{self, Step};
use crate::testing::reference::{self, Model, Transition};

/// A history under test.
pub struct Harness {
    sim: Option<Simulator>,
    model: Model,
    genesis: Genesis,
    actions: Vec<Action>,
    dir: tempfile::TempDir,
}

impl Harness {
    /// A fresh simulator with `seed`, on a database in a new temp directory.
    pub fn new(seed: u64) -> Result<Self, String> {
        let dir = tempfile::tempdir().map_err(|e| format!("cannot make a temp dir: {e}"))?;
        let genesis = Genesis {
            seed,
            ..Genesis::default()
        };
        let sim =
            Simulator::open(&dir.path().join("db"), Some(genesis)).map_err(|e| e.to_string())?;
        Ok(Harness {
            sim: Some(sim),
            model: Model::new(),
            genesis,
            actions: Vec::new(),
            dir,
        })
    }

    /// The actions run so far.
    pub fn actions(&self) -> &[Action] {
        &self.actions
    }

    fn sim(&mut self) -> Result<&mut Simulator, String> {
        self.sim
            .as_mut()
            .ok_or_else(|| "the simulator is closed".to_string())
    }

    /// Runs one transition: every action, checked against the model and the invariants.
    pub fn step(&mut self, t: &Transition) -> Result<(), String> {
        let expected = self.model.step(t);
        for (action, expect) in reference::actions_for(t).into_iter().zip(expected) {
            self.actions.push(action.clone());
            let sim = self.sim()?;
            let before = sim.state().clone();
            let rec = sim
                .execute(action)
                .map_err(|e| format!("storage failed: {e}"))?;
            let after = sim.state();
            if !reference::outcome_matches(&rec.outcome, &expect) {
                let got = match &rec.outcome {
                    Outcome::Ok { .. } => "ok".to_string(),
                    Outcome::Error { error, .. } => format!("{}: {}", error.code, error.message),
                };
                return Err(format!(
                    "record {} ({}): the model expects {:?}, the simulator answered {got}",
                    rec.seq,
                    rec.action.op.name(),
                    expect
                ));
            }
            let step = Step {
                before: &before,
                record: &rec,
                after,
            };
            if let Some(v) = invariants::check_step(&step).into_iter().next() {
                return Err(format!(
                    "invariant {} broken by record {}: {}",
                    v.invariant, v.seq, v.detail
                ));
            }
        }
        let state = self.sim()?.state().clone();
        self.model
            .compare(&state)
            .map_err(|e| format!("model and simulator disagree: {e}"))
    }

    /// The log-level checks, run once a history is over.
    pub fn finish(&mut self) -> Result<(), String> {
        let sim = self.sim.take().ok_or("the simulator is closed")?;
        let live = sim.state().clone();
        let replayed = replay::replay(sim.store(), None).map_err(|e| e.to_string())?;
        if replayed.state != live {
            return Err("replaying the log's events does not give the live state".to_string());
        }
        let v = replay::verify(sim.store()).map_err(|e| e.to_string())?;
        if let Some((seq, detail)) = v.problem {
            return Err(format!("verify: record {seq}: {detail}"));
        }
        drop(sim);
        let path = self.dir.path().join("db");
        let reopened = Simulator::open(&path, None).map_err(|e| e.to_string())?;
        if *reopened.state() != live {
            return Err("closing and reopening the database changed the state".to_string());
        }
        // Same seed, same actions: byte-identical log.
        let mut twin = Simulator::temporary(self.genesis).map_err(|e| e.to_string())?;
        for a in &self.actions {
            twin.execute(a.clone()).map_err(|e| e.to_string())?;
        }
        same_bytes(reopened.store(), twin.store())?;
        self.sim = Some(reopened);
        Ok(())
    }

    /// Writes the history as a scenario file that `slrsim run` replays.
    pub fn write_scenario(&self, path: &Path) -> std::io::Result<()> {
        write_scenario(path, self.genesis, &self.actions)
    }
}

/// Compares two logs value by value.
fn same_bytes(a: &Store, b: &Store) -> Result<(), String> {
    let mut left = a.iter_from(0);
    let mut right = b.iter_from(0);
    loop {
        match (left.next(), right.next()) {
            (None, None) => return Ok(()),
            (Some(Ok((s, x))), Some(Ok((_, y)))) => {
                if x != y {
                    return Err(format!(
                        "the same seed and actions gave different bytes at record {s}"
                    ));
                }
            }
            (Some(Err(e)), _) | (_, Some(Err(e))) => return Err(e.to_string()),
            _ => return Err("the same seed and actions gave logs of different lengths".to_string()),
        }
    }
}

/// Writes `actions` as a scenario with a header line for `genesis`.
pub fn write_scenario(path: &Path, genesis: Genesis, actions: &[Action]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(
        f,
        "{}",
        serde_json::json!({"seed": genesis.seed, "start": crate::core::clock::format(genesis.start)})
    )?;
    for a in actions {
        writeln!(f, "{}", scenario::to_line(a))?;
    }
    f.flush()
}

/// Why a history failed, and the actions that got there.
#[derive(Debug, Clone)]
pub struct HistoryFailure {
    /// What went wrong.
    pub reason: String,
    /// The log's genesis.
    pub genesis: Genesis,
    /// Every action run, up to and including the failing one.
    pub actions: Vec<Action>,
    /// How many transitions ran (the failing one included).
    pub steps: usize,
}

impl HistoryFailure {
    /// Writes the failing history as a scenario file that `slrsim run` replays.
    pub fn write_scenario(&self, path: &Path) -> std::io::Result<()> {
        write_scenario(path, self.genesis, &self.actions)
    }
}

/// Runs a whole generated history; returns the number of actions run.
pub fn run_history(seed: u64, transitions: &[Transition]) -> Result<usize, HistoryFailure> {
    let mut h = Harness::new(seed).map_err(|reason| HistoryFailure {
        reason,
        genesis: Genesis {
            seed,
            ..Genesis::default()
        },
        actions: Vec::new(),
        steps: 0,
    })?;
    let fail = |h: &Harness, reason: String, steps: usize| HistoryFailure {
        reason,
        genesis: h.genesis,
        actions: h.actions.clone(),
        steps,
    };
    for (i, t) in transitions.iter().enumerate() {
        if let Err(e) = h.step(t) {
            return Err(fail(&h, format!("step {}: {e}", i + 1), i + 1));
        }
    }
    if let Err(e) = h.finish() {
        return Err(fail(&h, e, transitions.len()));
    }
    Ok(h.actions.len())
}

/// What a soak run found.
#[derive(Debug, Clone)]
pub struct SoakReport {
    /// Histories run to completion without failure (shrinking runs not counted).
    pub cases: u32,
    /// Actions executed in all, shrinking included.
    pub actions: u64,
    /// The shrunk failing history, if one failed.
    pub failure: Option<HistoryFailure>,
}

/// Runs `cases` random histories of 1..=`steps` transitions, from `seed`, with the same generator,
/// model and invariants as the property tests. A failure is shrunk by proptest to a minimal history.
/// `progress` is called after every history with the number run so far.
pub fn soak(cases: u32, steps: usize, seed: u64, progress: impl FnMut(u32)) -> SoakReport {
    use proptest::test_runner::{TestCaseError, TestError};
    use proptest_state_machine::ReferenceStateMachine;
    use std::cell::{Cell, RefCell};

    let mut runner = soak_runner(cases, seed);
    let strategy = reference::ReferenceMachine::sequential_strategy(1..=steps.max(1));
    // proptest takes an `Fn` test closure, so the counters live in cells.
    let run = Cell::new(0u32);
    let actions = Cell::new(0u64);
    let progress = RefCell::new(progress);
    let last_reason = RefCell::new(String::new());
    let result = runner.run(&strategy, |(_, transitions, seen)| {
        run.set(run.get() + 1);
        (progress.borrow_mut())(run.get());
        let outcome = run_history(seed, &transitions);
        // The shrinker only drops transitions the test saw run.
        if let Some(seen) = &seen {
            let n = outcome
                .as_ref()
                .map_or_else(|f| f.steps, |_| transitions.len());
            seen.store(n, std::sync::atomic::Ordering::SeqCst);
        }
        match outcome {
            Ok(n) => {
                actions.set(actions.get() + n as u64);
                Ok(())
            }
            Err(f) => {
                actions.set(actions.get() + f.actions.len() as u64);
                last_reason.replace(f.reason.clone());
                Err(TestCaseError::fail(f.reason))
            }
        }
    });
    let (run, actions) = (run.get(), actions.get());
    let failure = match result {
        Ok(()) => None,
        Err(TestError::Fail(_, (_, transitions, _))) => {
            Some(rerun_shrunk(seed, &transitions, &last_reason.borrow()))
        }
        Err(TestError::Abort(reason)) => Some(HistoryFailure {
            reason: format!("aborted: {reason}"),
            genesis: Genesis {
                seed,
                ..Genesis::default()
            },
            actions: Vec::new(),
            steps: 0,
        }),
    };
    SoakReport {
        cases: if failure.is_some() { run } else { cases },
        actions,
        failure,
    }
}

/// The soak's test runner: `cases` cases, no persisted failures, its random numbers from `seed`.
fn soak_runner(cases: u32, seed: u64) -> proptest::test_runner::TestRunner {
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 4096,
        ..Config::default()
    };
    let rng = TestRng::from_seed(
        RngAlgorithm::ChaCha,
        blake3::hash(&seed.to_be_bytes()).as_bytes(),
    );
    TestRunner::new_with_rng(config, rng)
}

/// Runs the shrunk failing history again for its failure. Should it pass, the history is reported
/// as it is, with `last_reason` (the last failure seen) and a word that something is not deterministic.
fn rerun_shrunk(seed: u64, transitions: &[Transition], last_reason: &str) -> HistoryFailure {
    match run_history(seed, transitions) {
        Err(f) => f,
        Ok(_) => HistoryFailure {
            reason: format!(
                "the history failed ({last_reason}), then passed when run again: something is not deterministic"
            ),
            genesis: Genesis {
                seed,
                ..Genesis::default()
            },
            actions: transitions
                .iter()
                .flat_map(reference::actions_for)
                .collect(),
            steps: transitions.len(),
        },
    }
}
