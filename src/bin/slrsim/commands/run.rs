//! `run`: a JSON Lines scenario, checked whole and then run, one output line per action.

use std::io::{BufRead, BufReader, Seek, Write};
use std::path::Path;

use slrsim::core::outcome::Outcome;
use slrsim::log::store::{Durability, Store};
use slrsim::simulator::Simulator;
use slrsim::simulator::scenario;

use crate::exit::Failure;

/// Checks the scenario in `file` (or standard input, `-`) whole, then runs it into the database.
pub(crate) fn run(
    db: &Path,
    file: &str,
    sync: bool,
    quiet: bool,
    snapshot_every: Option<u64>,
) -> Result<(), Failure> {
    let (source, genesis) = checked_source(file)?;
    let mut sim = Simulator::with_options(Store::open(db)?, genesis, snapshot_every)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut reader = scenario::Reader::new(BufReader::with_capacity(1 << 16, source));
    let mut printer = Printer {
        out: &mut out,
        printing: !quiet,
        sync,
    };
    let first = sim.next_seq();
    let next = || {
        reader.next_item().map_err(|e| {
            Failure::Input(format!(
                "{file} changed while it ran: {e}; the records before line {} are in the log",
                e.line
            ))
        })
    };
    execute_all(&mut sim, next, &mut printer, sync)?;
    if quiet {
        let last = sim.next_seq().saturating_sub(1);
        eprintln!(
            "slrsim: appended records {first}..={last} ({} actions); state hash {}",
            sim.next_seq() - first,
            sim.state().hash()
        );
    }
    match out.flush() {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// The scenario, checked whole, ready to be read again from its start, and its header's genesis.
///
/// Two passes in bounded memory: the whole scenario is checked first (a malformed line appends
/// nothing), then read again and run. Standard input is spooled to a temporary file for the second
/// pass.
fn checked_source(
    file: &str,
) -> Result<(std::fs::File, Option<slrsim::simulator::Genesis>), Failure> {
    let bad =
        |e: scenario::ScenarioError| Failure::Input(format!("{file}: {e}; nothing was appended"));
    if file == "-" {
        return spool_stdin(bad);
    }
    let open = || {
        std::fs::File::open(file).map_err(|e| Failure::Input(format!("cannot open `{file}`: {e}")))
    };
    let genesis = check_scenario(BufReader::new(open()?)).map_err(bad)?;
    Ok((open()?, genesis))
}

/// Checks standard input while copying it to a temporary file; returns the file, rewound.
fn spool_stdin(
    bad: impl Fn(scenario::ScenarioError) -> Failure,
) -> Result<(std::fs::File, Option<slrsim::simulator::Genesis>), Failure> {
    let mut spool = tempfile::tempfile().map_err(|e| {
        Failure::Input(format!(
            "cannot make a temporary file for standard input: {e}"
        ))
    })?;
    let genesis = {
        let stdin = std::io::stdin();
        let mut tee = Tee {
            inner: stdin.lock(),
            copy: std::io::BufWriter::new(&mut spool),
            error: None,
        };
        let g = check_scenario(&mut tee).map_err(bad)?;
        if let Some(e) = tee.error.take() {
            return Err(Failure::Input(format!(
                "cannot spool standard input to a temporary file: {e}; nothing was appended"
            )));
        }
        tee.copy.flush()?;
        g
    };
    spool.seek(std::io::SeekFrom::Start(0))?;
    Ok((spool, genesis))
}

/// Executes every action `next` reads, printing each record; with `sync` one by one, each flushed
/// before its line is printed.
fn execute_all<W: Write>(
    sim: &mut Simulator,
    mut next: impl FnMut() -> Result<Option<scenario::Item>, Failure>,
    printer: &mut Printer<'_, W>,
    sync: bool,
) -> Result<(), Failure> {
    if sync {
        // Every printed line is durable: each record is flushed before its line is written.
        sim.set_durability(Durability { flush_every: 1 });
        while let Some(item) = next()? {
            if let scenario::Item::Action(_, action) = item {
                printer.print(&sim.execute(action)?)?;
            }
        }
        sim.flush()?;
    } else {
        // Deciding and storing overlap (Simulator::batch); durability is the same as one by one.
        sim.batch(|batch| -> Result<(), Failure> {
            while let Some(item) = next()? {
                if let scenario::Item::Action(_, action) = item {
                    batch.execute(action, |rec| printer.print(rec))??;
                }
            }
            Ok(())
        })??;
    }
    Ok(())
}

/// Prints `run`'s lines. The log is the record of what happened: a closed standard output
/// (`slrsim run f | head`) stops the printing, never the scenario.
struct Printer<'o, W: Write> {
    /// Where the lines go (standard output).
    out: &'o mut W,
    /// False once standard output is closed (or with --quiet).
    printing: bool,
    /// Flush each line as it is written (--sync).
    sync: bool,
}

impl<W: Write> Printer<'_, W> {
    /// Prints `rec`'s line, unless printing has stopped.
    fn print(&mut self, rec: &slrsim::log::record::Record) -> Result<(), Failure> {
        if !self.printing {
            return Ok(());
        }
        // With --sync every printed line is durable: flush it at once so a reader can rely on it.
        let written = writeln!(self.out, "{}", run_line(rec))
            .and_then(|()| if self.sync { self.out.flush() } else { Ok(()) });
        if let Err(e) = written {
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                return Err(e.into());
            }
            self.printing = false;
        }
        Ok(())
    }
}

/// Reads a whole scenario, checking every line; returns its header's genesis.
fn check_scenario(
    reader: impl BufRead,
) -> Result<Option<slrsim::simulator::Genesis>, slrsim::simulator::scenario::ScenarioError> {
    let mut r = scenario::Reader::new(reader);
    let mut genesis = None;
    while let Some(item) = r.next_item()? {
        if let scenario::Item::Header(g) = item {
            genesis = Some(g);
        }
    }
    Ok(genesis)
}

/// A reader that copies what it reads (spooling standard input while it is checked).
struct Tee<R: BufRead, W: Write> {
    /// What is read.
    inner: R,
    /// Where what is consumed is copied.
    copy: W,
    /// The first failure to copy (reported once the check is done).
    error: Option<std::io::Error>,
}

impl<R: BufRead, W: Write> std::io::Read for Tee<R, W> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.copy.write_all(&buf[..n])?;
        Ok(n)
    }
}

impl<R: BufRead, W: Write> BufRead for Tee<R, W> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        // Only what is consumed is copied: `fill_buf` may show more than a line.
        if let Ok(buf) = self.inner.fill_buf() {
            let n = amt.min(buf.len());
            if let Err(e) = self.copy.write_all(&buf[..n]) {
                self.error.get_or_insert(e);
            }
        }
        self.inner.consume(amt);
    }
}

/// One line of `run`'s output, keys in the documented order: seq, op, ok, response | error.
fn run_line(rec: &slrsim::log::record::Record) -> String {
    let op = rec.action.op.name();
    // Serialising JSON values and the error struct cannot fail; "null" would only mark a bug.
    match &rec.outcome {
        Outcome::Ok { response, .. } => format!(
            "{{\"seq\":{},\"op\":\"{op}\",\"ok\":true,\"response\":{}}}",
            rec.seq,
            serde_json::to_string(response).unwrap_or_else(|_| "null".to_string())
        ),
        Outcome::Error { error, .. } => format!(
            "{{\"seq\":{},\"op\":\"{op}\",\"ok\":false,\"error\":{{\"code\":\"{}\",\"message\":{},\"status\":{}}}}}",
            rec.seq,
            error.code,
            serde_json::to_string(&error.message).unwrap_or_else(|_| "null".to_string()),
            error.status
        ),
    }
}
