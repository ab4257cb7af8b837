//! `generate`: a scenario from the property tests' generator.

use std::io::Write;

use slrsim::simulator::scenario;

use crate::exit::Failure;

/// Writes a scenario of `actions` generated actions to standard output.
pub(crate) fn generate(actions: u64, seed: u64) -> Result<(), Failure> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let genesis = slrsim::Genesis {
        seed,
        ..slrsim::Genesis::default()
    };
    writeln!(
        out,
        "{}",
        serde_json::json!({"seed": seed, "start": slrsim::core::clock::format(genesis.start)})
    )?;
    for action in slrsim::testing::reference::generate(seed)
        .take(usize::try_from(actions).unwrap_or(usize::MAX))
    {
        writeln!(out, "{}", scenario::to_line(&action))?;
    }
    out.flush()?;
    Ok(())
}
