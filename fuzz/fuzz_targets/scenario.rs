//! Scenario text → `scenario::parse` → every parsed action on a fresh temporary simulator.
//!
//! Never panics; a parse error names a real line and says something; every refused action changes
//! nothing (the state hash is unchanged) but is recorded (the sequence number moves on by one); an
//! error is AWS-shaped (code, message, a 4xx/5xx status that belongs to the code).
#![no_main]

use libfuzzer_sys::fuzz_target;
use slrsim::core::outcome::Outcome;
use slrsim::Simulator;
use slrsim::simulator::scenario;

/// Actions executed per input, so that one input stays fast.
const MAX_ACTIONS: usize = 64;

fuzz_target!(|data: &[u8]| {
    let lines = data.iter().filter(|&&b| b == b'\n').count() + 1;
    let sc = match scenario::parse(data) {
        Ok(sc) => sc,
        Err(e) => {
            assert!(e.line >= 1 && e.line <= lines, "line {} of {lines}", e.line);
            assert!(
                !e.message.trim().is_empty(),
                "empty message at line {}",
                e.line
            );
            return;
        }
    };
    if sc.actions.is_empty() {
        return;
    }
    // A header the parser accepted is one the simulator accepts.
    let mut sim =
        Simulator::temporary(sc.genesis.unwrap_or_default()).expect("a temporary simulator");
    for (line, action) in sc.actions.into_iter().take(MAX_ACTIONS) {
        assert!(line >= 1 && line <= lines);
        let before = sim.state().hash();
        let seq = sim.next_seq();
        let rec = sim.execute(action).expect("storage works");
        assert_eq!(rec.seq, seq);
        assert_eq!(sim.next_seq(), seq + 1, "every action is recorded");
        if let Outcome::Error { error } = &rec.outcome {
            assert!(!error.code.as_str().is_empty());
            assert!(!error.message.trim().is_empty(), "{:?}", error.code);
            assert!((400..=599).contains(&error.status), "{error:?}");
            assert_eq!(error.status, error.code.status());
            assert_eq!(
                sim.state().hash(),
                before,
                "a refused action changed the state: {error}"
            );
        }
    }
});
