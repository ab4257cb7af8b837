//! `demo`: a built-in walkthrough of the role's whole lifecycle, into a fresh database.

use std::io::Write;
use std::path::Path;

use slrsim::log::replay;
use slrsim::log::store::Store;
use slrsim::simulator::Simulator;
use slrsim::simulator::scenario;
use slrsim::timetravel::timeline as render;

use crate::exit::Failure;

/// The meta key the demo marks its database with (its record count).
const DEMO_META: &str = "demo";

/// Runs the built-in walkthrough into a fresh database (replacing an earlier, untouched demo).
pub(crate) fn demo(db: &Path, snapshot_every: Option<u64>) -> Result<(), Failure> {
    if db.exists() {
        let store = Store::open(db)?;
        if store.next_seq()? > 0 {
            // The demo marks its database with its record count: a log the demo did not make, or one
            // that has grown since, holds someone's work and is never replaced.
            let count = store.next_seq()?.to_string();
            let untouched = store
                .meta(DEMO_META)?
                .is_some_and(|m| m == count.as_bytes());
            if !untouched {
                return Err(Failure::Input(format!(
                    "`{}` holds a log the demo did not make (or that has grown since); the demo needs a fresh database: give --db another path",
                    db.display()
                )));
            }
            drop(store);
            std::fs::remove_dir_all(db).map_err(|e| {
                Failure::Input(format!(
                    "cannot replace the earlier demo at `{}`: {e}",
                    db.display()
                ))
            })?;
        }
    }
    let sc = scenario::parse(include_str!("../../../../examples/demo.jsonl").as_bytes())
        .map_err(|e| Failure::Input(format!("the built-in demo is malformed: {e}")))?;
    let mut sim = Simulator::with_options(Store::open(db)?, sc.genesis, snapshot_every)?;
    // The demo's text is gathered and printed at the end, so that a closed pipe (`slrsim demo | head`)
    // cannot stop the walkthrough half way and leave a half-made database.
    let mut out: Vec<u8> = Vec::new();
    writeln!(
        out,
        "slrsim demo: the life of AWSServiceRoleForMediaTailor in account 111122223333"
    )?;
    writeln!(out, "database: {}\n", db.display())?;
    // Replay the genesis line, then run the walkthrough, printing each record as it lands.
    let genesis = replay::replay(sim.store(), Some(0))?;
    replay::for_each_record(sim.store(), Some(0), |rec| {
        let _ = writeln!(out, "{}", render::timeline_line(rec, &genesis.state));
        Ok(())
    })?;
    let comments = demo_comments();
    for (line, action) in sc.actions {
        if let Some(c) = comments.iter().find(|(l, _)| *l + 1 == line) {
            writeln!(out, "\n  # {}", c.1)?;
        }
        let rec = sim.execute(action)?;
        writeln!(out, "{}", render::timeline_line(&rec, sim.state()))?;
    }
    sim.store()
        .set_meta(DEMO_META, sim.next_seq().to_string().as_bytes())?;
    sim.flush()?;
    writeln!(out, "\nFinal state:\n{}", render::state_text(sim.state()))?;
    writeln!(
        out,
        "Next: `slrsim log`, `slrsim state --at 12`, `slrsim log --json`, `slrsim verify` (all read {}).",
        db.display()
    )?;
    std::io::stdout().lock().write_all(&out)?;
    Ok(())
}

/// The demo scenario's comment lines, by line number.
fn demo_comments() -> Vec<(usize, String)> {
    include_str!("../../../../examples/demo.jsonl")
        .lines()
        .enumerate()
        .skip(1)
        .filter_map(|(i, l)| l.strip_prefix("# ").map(|c| (i + 1, c.to_string())))
        .collect()
}
