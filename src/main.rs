//! The `slrsim` command line: the imperative shell around the library.

// unwrap/expect/panic only where an invariant makes failure impossible (with a comment saying why);
// tests are free to use them.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use slrsim::error::StoreError;
use slrsim::record::Outcome;
use slrsim::simulator::Simulator;
use slrsim::store::{Durability, Store};
use slrsim::{State, render, replay, scenario};

/// Exit code: AWS-level errors are results, not failures.
const EXIT_OK: u8 = 0;
/// Exit code: `verify` found a bad record.
const EXIT_BAD_LOG: u8 = 1;
/// Exit code: malformed input or usage; nothing was appended.
const EXIT_INPUT: u8 = 2;
/// Exit code: the database could not be opened, read or written.
const EXIT_STORAGE: u8 = 3;

const DEMO_META: &str = "demo";

#[derive(Parser)]
#[command(
    name = "slrsim",
    version,
    about = "Simulates the AWSServiceRoleForMediaTailor service-linked role lifecycle, event-sourced on sled"
)]
struct Cli {
    /// The database folder.
    #[arg(long, global = true, env = "SLRSIM_DB", default_value = "./slrsim.db")]
    db: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// A built-in walkthrough of the role's whole lifecycle, into a fresh database.
    Demo,
    /// Runs a JSON Lines scenario (FILE, or - for stdin); prints one JSON line per action.
    Run {
        /// The scenario file, or `-` for standard input.
        file: String,
        /// Flush to disk after every action (default: every 1000 actions and at the end).
        #[arg(long)]
        sync: bool,
    },
    /// Shows the history: time, caller, operation, outcome, and the role's state after each record.
    Log {
        /// First record to show.
        #[arg(long)]
        from: Option<u64>,
        /// Last record to show.
        #[arg(long)]
        to: Option<u64>,
        /// Print the stored records as JSON Lines.
        #[arg(long)]
        json: bool,
    },
    /// Shows the whole state, now or after record N.
    State {
        /// Show the state after record N.
        #[arg(long)]
        at: Option<u64>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Checks the log: hash chain, re-decided outcomes, replay equals live state. Exit 1 names the first bad record.
    Verify,
    /// Soak mode: random histories checked against the reference model and every invariant.
    Check {
        /// How many histories.
        #[arg(long, default_value_t = 100)]
        cases: u32,
        /// At most this many steps per history.
        #[arg(long, default_value_t = 60)]
        steps: usize,
        /// The seed of the generator (and of each history's log).
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Where a failing history is written, as a scenario for `slrsim run`.
        #[arg(long, default_value = "slrsim-failure.jsonl")]
        out: PathBuf,
    },
}

/// A failure of the shell, with the exit code it maps to.
enum Failure {
    Input(String),
    Storage(StoreError),
    BadLog(String),
    /// Standard output was closed (e.g. `slrsim log | head`): end quietly.
    Pipe,
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Mismatch(m) => Failure::Input(m),
            other => Failure::Storage(other),
        }
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Failure::Pipe
        } else {
            Failure::Storage(StoreError::Sled(sled::Error::Io(e)))
        }
    }
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SLRSIM_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Demo => demo(&cli.db),
        Command::Run { file, sync } => run(&cli.db, file, *sync),
        Command::Log { from, to, json } => log(&cli.db, *from, *to, *json),
        Command::State { at, json } => state(&cli.db, *at, *json),
        Command::Verify => verify(&cli.db),
        Command::Check {
            cases,
            steps,
            seed,
            out,
        } => check(*cases, *steps, *seed, out),
    };
    match result {
        Ok(()) | Err(Failure::Pipe) => ExitCode::from(EXIT_OK),
        Err(Failure::Input(m)) => {
            eprintln!("slrsim: {m}");
            ExitCode::from(EXIT_INPUT)
        }
        Err(Failure::Storage(e)) => {
            eprintln!("slrsim: {e}");
            ExitCode::from(EXIT_STORAGE)
        }
        Err(Failure::BadLog(m)) => {
            eprintln!("slrsim: {m}");
            ExitCode::from(EXIT_BAD_LOG)
        }
    }
}

/// Opens an existing database for reading; never creates one.
fn open_existing(db: &Path) -> Result<Store, Failure> {
    if !db.exists() {
        return Err(Failure::Input(format!(
            "no database at `{}`: run `slrsim demo` or `slrsim run FILE` first, or give --db",
            db.display()
        )));
    }
    Ok(Store::open(db)?)
}

fn run(db: &Path, file: &str, sync: bool) -> Result<(), Failure> {
    let parsed = if file == "-" {
        scenario::parse(std::io::stdin().lock())
    } else {
        let f = std::fs::File::open(file)
            .map_err(|e| Failure::Input(format!("cannot open `{file}`: {e}")))?;
        scenario::parse(BufReader::new(f))
    };
    let sc = parsed.map_err(|e| Failure::Input(format!("{file}: {e}; nothing was appended")))?;
    let mut sim = Simulator::open(db, sc.genesis)?;
    if sync {
        sim.set_durability(Durability { flush_every: 1 });
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    // The log is the record of what happened: a closed standard output (`slrsim run f | head`) stops
    // the printing, never the scenario.
    let mut printing = true;
    for (_, action) in sc.actions {
        let rec = sim.execute(action)?;
        if printing {
            if let Err(e) = writeln!(out, "{}", run_line(&rec)) {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    return Err(e.into());
                }
                printing = false;
            }
        }
    }
    sim.flush()?;
    match out.flush() {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// One line of `run`'s output, keys in the documented order: seq, op, ok, response | error.
fn run_line(rec: &slrsim::record::Record) -> String {
    let op = rec.action.op.name();
    // Serialising JSON values and the error struct cannot fail; "null" would only mark a bug.
    match &rec.outcome {
        Outcome::Ok { response, .. } => format!(
            "{{\"seq\":{},\"op\":\"{op}\",\"ok\":true,\"response\":{}}}",
            rec.seq,
            serde_json::to_string(response).unwrap_or_else(|_| "null".to_string())
        ),
        Outcome::Error { error } => format!(
            "{{\"seq\":{},\"op\":\"{op}\",\"ok\":false,\"error\":{{\"code\":\"{}\",\"message\":{},\"status\":{}}}}}",
            rec.seq,
            error.code,
            serde_json::to_string(&error.message).unwrap_or_else(|_| "null".to_string()),
            error.status
        ),
    }
}

fn demo(db: &Path) -> Result<(), Failure> {
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
    let sc = scenario::parse(include_str!("../examples/demo.jsonl").as_bytes())
        .map_err(|e| Failure::Input(format!("the built-in demo is malformed: {e}")))?;
    let mut sim = Simulator::open(db, sc.genesis)?;
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
    include_str!("../examples/demo.jsonl")
        .lines()
        .enumerate()
        .skip(1)
        .filter_map(|(i, l)| l.strip_prefix("# ").map(|c| (i + 1, c.to_string())))
        .collect()
}

fn log(db: &Path, from: Option<u64>, to: Option<u64>, json: bool) -> Result<(), Failure> {
    let store = open_existing(db)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let from = from.unwrap_or(0);
    let mut state = State::default();
    let mut pipe = None;
    replay::for_each_record(&store, to, |rec| {
        for e in rec.outcome.events() {
            slrsim::reducer::apply_mut(&mut state, e);
        }
        if rec.seq < from || pipe.is_some() {
            return Ok(());
        }
        let line = if json {
            serde_json::to_string(rec)?
        } else {
            render::timeline_line(rec, &state)
        };
        if let Err(e) = writeln!(out, "{line}") {
            pipe = Some(e);
        }
        Ok(())
    })?;
    if let Some(e) = pipe {
        return Err(e.into());
    }
    out.flush()?;
    Ok(())
}

fn state(db: &Path, at: Option<u64>, json: bool) -> Result<(), Failure> {
    let store = open_existing(db)?;
    let replayed = replay::state_at(&store, at)?;
    let text = if json {
        serde_json::to_string_pretty(&replayed.state).map_err(StoreError::from)?
    } else {
        render::state_text(&replayed.state)
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", text.trim_end())?;
    Ok(())
}

fn verify(db: &Path) -> Result<(), Failure> {
    let store = open_existing(db)?;
    let v = replay::verify(&store)?;
    match v.problem {
        None => {
            let mut out = std::io::stdout().lock();
            writeln!(
                out,
                "verified {} records: hash chain intact, every action re-decides to its logged outcome, replay equals the live state (state hash {})",
                v.records, v.state_hash
            )?;
            if !v.snapshots_rebuilt.is_empty() {
                writeln!(
                    out,
                    "rebuilt {} missing or damaged snapshot(s) from the log: after records {:?}",
                    v.snapshots_rebuilt.len(),
                    v.snapshots_rebuilt
                )?;
            }
            Ok(())
        }
        Some((seq, detail)) => Err(Failure::BadLog(format!(
            "record {seq} fails verification: {detail}"
        ))),
    }
}

fn check(cases: u32, steps: usize, seed: u64, out: &Path) -> Result<(), Failure> {
    if cases == 0 || steps == 0 {
        return Err(Failure::Input(
            "--cases and --steps must be at least 1".to_string(),
        ));
    }
    let started = std::time::Instant::now();
    let every = (cases / 10).max(1);
    eprintln!("slrsim check: {cases} histories of up to {steps} steps, seed {seed}");
    let report = slrsim::check::soak(cases, steps, seed, |n| {
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
