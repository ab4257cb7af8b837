//! `operations`: what `serve` answers, as the README's table or as JSON.

use std::io::Write;

use crate::exit::Failure;

/// Prints every served operation (Markdown, or JSON with `json`).
pub(crate) fn operations(json: bool) -> Result<(), Failure> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if json {
        writeln!(out, "{:#}", slrsim::aws::served::json())?;
    } else {
        write!(out, "{}", slrsim::aws::served::markdown())?;
    }
    out.flush()?;
    Ok(())
}
