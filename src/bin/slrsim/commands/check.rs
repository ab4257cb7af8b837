//! `check`: soak mode, random histories checked against the reference model and every invariant.

use std::io::Write;
use std::path::Path;

use crate::exit::Failure;

/// Runs `cases` random histories of up to `steps` steps; a failing one is shrunk and written to `out`.
pub(crate) fn check(cases: u32, steps: usize, seed: u64, out: &Path) -> Result<(), Failure> {
    if cases == 0 || steps == 0 {
        return Err(Failure::Input(
            "--cases and --steps must be at least 1".to_string(),
        ));
    }
    let started = std::time::Instant::now();
    let every = (cases / 10).max(1);
    eprintln!("slrsim check: {cases} histories of up to {steps} steps, seed {seed}");
    let report = slrsim::testing::check::soak(cases, steps, seed, |n| {
        if n % every == 0 {
            eprintln!(
                "  {n} histories run ({:.1} s)",
                started.elapsed().as_secs_f64()
            );
        }
    });
    let secs = started.elapsed().as_secs_f64().max(f64::EPSILON);
    match report.failure {
        None => {
            let mut o = std::io::stdout().lock();
            writeln!(
                o,
                "ok: {} histories, {} actions, {:.1} s ({:.1} histories/s, {:.0} actions/s); every answer agreed with the reference model and every invariant held",
                report.cases,
                report.actions,
                secs,
                f64::from(report.cases) / secs,
                report.actions as f64 / secs
            )?;
            Ok(())
        }
        Some(f) => {
            f.write_scenario(out)
                .map_err(|e| Failure::Input(format!("cannot write `{}`: {e}", out.display())))?;
            Err(Failure::BadLog(format!(
                "a history failed (seed {seed}): {}\nthe shrunk history ({} actions) is in {}; replay it with `slrsim --db failure.db run {}` and explore it with `slrsim --db failure.db log`",
                f.reason,
                f.actions.len(),
                out.display(),
                out.display()
            )))
        }
    }
}
