//! The `slrsim` command line: the imperative shell around the library.

// unwrap/expect/panic only where an invariant makes failure impossible (with a comment saying why);
// tests are free to use them.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Seek, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use slrsim::State;
use slrsim::core::outcome::Outcome;
use slrsim::log::error::StoreError;
use slrsim::log::replay;
use slrsim::log::store::{Durability, Store};
use slrsim::simulator::Simulator;
use slrsim::simulator::scenario;
use slrsim::timetravel::{self, timeline as render};

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
    /// Records between snapshots, for a database this command creates (default 1000).
    #[arg(long, global = true)]
    snapshot_every: Option<u64>,
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
        /// Print no line per action; only a summary on standard error at the end.
        #[arg(long)]
        quiet: bool,
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
        /// Only records of this account.
        #[arg(long)]
        account: Option<String>,
        /// Only records sent to this region.
        #[arg(long)]
        region: Option<String>,
        /// Only records of this operation.
        #[arg(long)]
        op: Option<String>,
        /// Only refused calls.
        #[arg(long)]
        errors: bool,
    },
    /// Shows the whole state, now, after record N, or at a simulated time.
    State {
        #[command(flatten)]
        point: Point,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Shows one thing at a point: `role [NAME]`, `config REGION NAME`, `task ID`, `account`.
    Get {
        #[command(flatten)]
        point: Point,
        /// The account (default 111122223333).
        #[arg(long, default_value = slrsim::core::action::DEFAULT_ACCOUNT)]
        account: String,
        /// What: role [NAME] | config REGION NAME | task ID | account.
        #[arg(required = true, num_args = 1..=3)]
        what: Vec<String>,
    },
    /// What changed between records N and M (M may be in another database: --other-db).
    Diff {
        /// The earlier point.
        n: u64,
        /// The later point.
        m: u64,
        /// Read M from this database instead (compare two timelines).
        #[arg(long)]
        other_db: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Finds the first record after which a rule is broken (exit 1), or says the log is clean (exit 0).
    Bisect {
        /// One state invariant (default: all).
        #[arg(long)]
        invariant: Option<String>,
    },
    /// Tells why a deletion task failed or succeeded.
    Explain {
        /// The DeletionTaskId.
        task_id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Starts a new timeline in NEW_DB from records 0..=N of this one.
    Fork {
        /// The last record to keep.
        #[arg(long)]
        at: u64,
        /// The new database folder.
        #[arg(long)]
        to: PathBuf,
    },
    /// Re-decides every logged action with this version of slrsim; reports the first that differs.
    Replay {
        /// Compare outcomes (the only mode).
        #[arg(long)]
        verify: bool,
    },
    /// Checks the log: hash chain, re-decided outcomes, replay equals live state. Exit 1 names the first bad record.
    Verify,
    /// Writes a scenario of N actions from the property tests' generator to standard output.
    Generate {
        /// How many actions.
        #[arg(long)]
        actions: u64,
        /// The generator's seed (also the scenario's seed).
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
    /// Serves the AWS wire protocols (IAM query, MediaTailor rest-json, CloudWatch Logs JSON) on one
    /// HTTP endpoint, recording every request in the database; prints `export` lines for the default
    /// account's root key.
    Serve {
        /// Address to listen on (port 0: any free port; the printed AWS_ENDPOINT_URL tells which).
        #[arg(long, default_value = "127.0.0.1:4566")]
        addr: std::net::SocketAddr,
        /// How simulated time moves: `manual` (only POST /_slrsim/advance) or `wall` (follows real time).
        #[arg(long, value_enum, default_value_t = ClockArg::Manual)]
        clock: ClockArg,
        /// With --clock wall: simulated seconds per real second.
        #[arg(long, default_value_t = 1.0)]
        speed: f64,
        /// Answer a call as soon as its record is appended, before it is on disk (flushed every 1000
        /// records, within 200 ms of going idle and at shutdown). Faster for one client at a time,
        /// but a crash can lose answered calls, and their request ids, keys and task ids are then
        /// given again to other calls. Default: a call is answered once its record is durable.
        #[arg(long)]
        no_sync: bool,
        /// Answer a call once its record is durable: the default (accepted for scripts that pass it).
        #[arg(long, conflicts_with = "no_sync")]
        sync: bool,
        /// Seed of a database this command creates (ids, request ids and access keys derive from it).
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Start of the simulated clock for a database this command creates (RFC 3339).
        #[arg(long, default_value = "2026-01-01T00:00:00Z")]
        start: String,
    },
    /// Prints the `export` lines `serve` prints (the default account's root key for the database's
    /// seed), without serving: `eval "$(slrsim env)"`.
    Env {
        /// The address the server listens on.
        #[arg(long, default_value = "127.0.0.1:4566")]
        addr: std::net::SocketAddr,
        /// The seed, when the database does not exist yet.
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
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

/// `serve --clock`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ClockArg {
    /// Time moves only through `POST /_slrsim/advance?seconds=N`.
    Manual,
    /// Time follows real time (times --speed).
    Wall,
}

/// A failure of the shell, with the exit code it maps to.
enum Failure {
    Input(String),
    Storage(StoreError),
    BadLog(String),
    /// The output already said it all; exit with this code.
    Quiet(u8),
    /// Standard output was closed (e.g. `slrsim log | head`): end quietly.
    Pipe,
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        match e {
            // What the user asked for does not fit the log: a usage error (exit 2), nothing appended.
            e @ (StoreError::NoSuchRecord { .. }
            | StoreError::NoSuchTask { .. }
            | StoreError::AmbiguousTask { .. }
            | StoreError::UnknownInvariant { .. }
            | StoreError::TargetHoldsLog { .. }
            | StoreError::OtherGenesis { .. }
            | StoreError::CannotStart(_)) => Failure::Input(e.to_string()),
            // Damage, a missing sled file, a folder that is not a database and a log that lost
            // acknowledged records are storage failures (exit 3), like every other store error.
            e @ (StoreError::Damaged { .. }
            | StoreError::MissingFile { .. }
            | StoreError::NotADatabase { .. }
            | StoreError::RolledBack { .. }
            | StoreError::HeadDamaged { .. }) => Failure::Storage(e),
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
                // sled's own log lines name the private copy a reader opens and repeat what the one
                // `slrsim:` line says; they are shown only when asked for with SLRSIM_LOG.
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,sled=off")),
        )
        .with_writer(std::io::stderr)
        .init();
    // sled's panics on damaged files are contained at the store boundary and reported as storage
    // errors; this hook keeps their backtraces away from the user and words any other panic as a bug.
    slrsim::log::store::install_panic_hook();
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Demo => demo(&cli.db, cli.snapshot_every),
        Command::Run { file, sync, quiet } => run(&cli.db, file, *sync, *quiet, cli.snapshot_every),
        Command::Log {
            from,
            to,
            json,
            account,
            region,
            op,
            errors,
        } => log(
            &cli.db,
            *from,
            *to,
            *json,
            &LogFilter {
                account: account.clone(),
                region: region.clone(),
                op: op.clone(),
                errors: *errors,
            },
        ),
        Command::State { point, json } => state(&cli.db, point, *json),
        Command::Get {
            point,
            account,
            what,
        } => get(&cli.db, point, account, what),
        Command::Diff {
            n,
            m,
            other_db,
            json,
        } => diff(&cli.db, *n, *m, other_db.as_deref(), *json),
        Command::Bisect { invariant } => bisect(&cli.db, invariant.as_deref()),
        Command::Explain { task_id, json } => explain(&cli.db, task_id, *json),
        Command::Fork { at, to } => fork(&cli.db, *at, to),
        Command::Replay { verify } => replay_verify(&cli.db, *verify),
        Command::Verify => verify(&cli.db),
        Command::Generate { actions, seed } => generate(*actions, *seed),
        Command::Check {
            cases,
            steps,
            seed,
            out,
        } => check(*cases, *steps, *seed, out),
        Command::Serve {
            addr,
            clock,
            speed,
            no_sync,
            sync: _,
            seed,
            start,
        } => serve(
            &cli.db,
            *addr,
            *clock,
            *speed,
            *no_sync,
            *seed,
            start,
            cli.snapshot_every,
        ),
        Command::Env { addr, seed } => env(&cli.db, *addr, *seed),
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
        Err(Failure::Quiet(code)) => ExitCode::from(code),
    }
}

/// Opens an existing database for reading; never creates one, and never writes to it (sled reads a
/// private copy: see `Store::open_read_only`). A log that lost acknowledged records, or whose head file
/// is damaged, is refused.
fn open_existing(db: &Path) -> Result<Store, Failure> {
    let store = open_read(db)?;
    store.check_head()?;
    Ok(store)
}

/// Opens an existing database for reading without judging its head (`verify` reports a rolled-back
/// log as a finding of its own).
fn open_read(db: &Path) -> Result<Store, Failure> {
    if !db.exists() {
        return Err(Failure::Input(format!(
            "no database at `{}`: run `slrsim demo` or `slrsim run FILE` first, or give --db",
            db.display()
        )));
    }
    Ok(Store::open_read_only(db)?)
}

fn run(
    db: &Path,
    file: &str,
    sync: bool,
    quiet: bool,
    snapshot_every: Option<u64>,
) -> Result<(), Failure> {
    // Two passes in bounded memory: the whole scenario is checked first (a malformed line appends
    // nothing), then read again and run. Standard input is spooled to a temporary file for the second
    // pass.
    let bad = |e: slrsim::simulator::scenario::ScenarioError| {
        Failure::Input(format!("{file}: {e}; nothing was appended"))
    };
    let (source, genesis) = if file == "-" {
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
        (spool, genesis)
    } else {
        let open = || {
            std::fs::File::open(file)
                .map_err(|e| Failure::Input(format!("cannot open `{file}`: {e}")))
        };
        let genesis = check_scenario(BufReader::new(open()?)).map_err(bad)?;
        (open()?, genesis)
    };
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
    let mut next = || {
        reader.next_item().map_err(|e| {
            Failure::Input(format!(
                "{file} changed while it ran: {e}; the records before line {} are in the log",
                e.line
            ))
        })
    };
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

/// Prints `run`'s lines. The log is the record of what happened: a closed standard output
/// (`slrsim run f | head`) stops the printing, never the scenario.
struct Printer<'o, W: Write> {
    out: &'o mut W,
    printing: bool,
    sync: bool,
}

impl<W: Write> Printer<'_, W> {
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
    inner: R,
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
        Outcome::Error { error } => format!(
            "{{\"seq\":{},\"op\":\"{op}\",\"ok\":false,\"error\":{{\"code\":\"{}\",\"message\":{},\"status\":{}}}}}",
            rec.seq,
            error.code,
            serde_json::to_string(&error.message).unwrap_or_else(|_| "null".to_string()),
            error.status
        ),
    }
}

fn demo(db: &Path, snapshot_every: Option<u64>) -> Result<(), Failure> {
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
    let sc = scenario::parse(include_str!("../../../examples/demo.jsonl").as_bytes())
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
    include_str!("../../../examples/demo.jsonl")
        .lines()
        .enumerate()
        .skip(1)
        .filter_map(|(i, l)| l.strip_prefix("# ").map(|c| (i + 1, c.to_string())))
        .collect()
}

/// Which records `log` shows.
struct LogFilter {
    account: Option<String>,
    region: Option<String>,
    op: Option<String>,
    errors: bool,
}

impl LogFilter {
    fn keeps(&self, rec: &slrsim::log::record::Record) -> bool {
        let a = &rec.action;
        self.account.as_ref().is_none_or(|x| *x == a.account)
            && self.region.as_ref().is_none_or(|x| *x == a.region)
            && self.op.as_ref().is_none_or(|x| x == a.op.name())
            && (!self.errors || !rec.outcome.is_ok())
    }
}

fn log(
    db: &Path,
    from: Option<u64>,
    to: Option<u64>,
    json: bool,
    filter: &LogFilter,
) -> Result<(), Failure> {
    let store = open_existing(db)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let from = from.unwrap_or(0);
    if store.last()?.is_none_or(|(last, _)| from > last) {
        return Ok(());
    }
    // Start from the state before `from` (a snapshot plus a few applies), not from the genesis.
    let (mut state, prev) = match from.checked_sub(1) {
        Some(before) => {
            let r = replay::state_at(&store, Some(before))?;
            (r.state, r.last_hash)
        }
        None => (State::default(), slrsim::log::record::genesis_hash()),
    };
    let mut pipe = None;
    replay::for_each_record_from(&store, from, prev, to, |rec| {
        for e in rec.outcome.events() {
            slrsim::core::apply::apply_mut(&mut state, e);
        }
        if pipe.is_some() || !filter.keeps(rec) {
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

/// A point in history: after record N, or at a simulated time (the last record at or before it).
#[derive(clap::Args, Debug, Clone, Default)]
struct Point {
    /// After record N.
    #[arg(long, conflicts_with = "at_time")]
    at: Option<u64>,
    /// At a simulated time (RFC 3339): after the last record at or before it.
    #[arg(long)]
    at_time: Option<String>,
}

/// Resolves a point to a record number (`None`: the end of the log).
fn resolve(store: &Store, point: &Point) -> Result<Option<u64>, Failure> {
    if let Some(t) = &point.at_time {
        let secs = slrsim::core::clock::parse(t)
            .ok_or_else(|| Failure::Input(format!("--at-time `{t}` is not an RFC 3339 time")))?;
        return match timetravel::seq_at_time(store, secs)? {
            Some(n) => Ok(Some(n)),
            None => Err(Failure::Input(format!("the log starts after {t}"))),
        };
    }
    Ok(point.at)
}

fn print(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", text.trim_end())?;
    Ok(())
}

fn pretty<T: serde::Serialize>(v: &T) -> Result<String, Failure> {
    Ok(serde_json::to_string_pretty(v).map_err(StoreError::from)?)
}

fn state(db: &Path, point: &Point, json: bool) -> Result<(), Failure> {
    let store = open_existing(db)?;
    let at = resolve(&store, point)?;
    let replayed = replay::state_at(&store, at)?;
    if json {
        print(&pretty(&replayed.state)?)
    } else {
        print(&render::state_text(&replayed.state))
    }
}

fn get(db: &Path, point: &Point, account: &str, what: &[String]) -> Result<(), Failure> {
    let store = open_existing(db)?;
    let at = resolve(&store, point)?;
    let words: Vec<&str> = what.iter().map(String::as_str).collect();
    let query = match words.as_slice() {
        ["role"] => timetravel::Query::Role {
            account: account.to_string(),
            name: slrsim::core::catalog::SLR_NAME.to_string(),
        },
        ["role", name] => timetravel::Query::Role {
            account: account.to_string(),
            name: name.to_string(),
        },
        ["config", region, name] => timetravel::Query::Config {
            account: account.to_string(),
            region: region.to_string(),
            name: name.to_string(),
        },
        ["task", id] => timetravel::Query::Task { id: id.to_string() },
        ["account"] => timetravel::Query::Account {
            account: account.to_string(),
        },
        _ => {
            return Err(Failure::Input(
                "what to get: `role [NAME]`, `config REGION NAME`, `task ID` or `account`"
                    .to_string(),
            ));
        }
    };
    let state = replay::state_at(&store, at)?.state;
    match timetravel::get(&state, &query) {
        Some(v) => print(&pretty(&v)?),
        None => Err(Failure::BadLog(format!(
            "{} does not exist {}",
            what.join(" "),
            at.map_or("now".to_string(), |n| format!("after record {n}"))
        ))),
    }
}

fn diff(db: &Path, n: u64, m: u64, other: Option<&Path>, json: bool) -> Result<(), Failure> {
    let store = open_existing(db)?;
    let before = timetravel::state_at(&store, n)?;
    let after = match other {
        Some(path) => {
            let other = open_existing(path)?;
            timetravel::state_at(&other, m)?
        }
        None => timetravel::state_at(&store, m)?,
    };
    let changes = timetravel::diff(&before, &after);
    if json {
        return print(&pretty(&changes)?);
    }
    let mut text = format!(
        "{} change(s) from record {n} to record {m}{}\n",
        changes.len(),
        other.map_or(String::new(), |p| format!(" of {}", p.display()))
    );
    for c in &changes {
        text.push_str(&format!("{c}\n"));
    }
    print(&text)
}

fn bisect(db: &Path, invariant: Option<&str>) -> Result<(), Failure> {
    let store = open_existing(db)?;
    match timetravel::bisect(&store, invariant)? {
        None => print(&format!(
            "clean: {} holds after every record",
            invariant.unwrap_or("every state invariant")
        )),
        Some(b) => {
            let rec = timetravel::record_at(&store, b.seq)?;
            let state = timetravel::state_at(&store, b.seq)?;
            print(&format!(
                "{} first broken after record {} ({} states reconstructed): {}\n{}\naction: {}",
                b.invariant,
                b.seq,
                b.reconstructions,
                b.detail,
                render::timeline_line(&rec, &state),
                slrsim::simulator::scenario::to_line(&rec.action)
            ))?;
            Err(Failure::Quiet(EXIT_BAD_LOG))
        }
    }
}

fn explain(db: &Path, task_id: &str, json: bool) -> Result<(), Failure> {
    let store = open_existing(db)?;
    let e = timetravel::explain(&store, task_id)?;
    if json {
        print(&pretty(&e)?)
    } else {
        print(&e.summary)
    }
}

fn fork(db: &Path, at: u64, to: &Path) -> Result<(), Failure> {
    let store = open_existing(db)?;
    let n = timetravel::fork(&store, at, to)?;
    print(&format!(
        "forked records 0..={at} ({n} records) into {}; continue it with `slrsim --db {} run FILE` and compare with `slrsim diff {at} N --other-db {}`",
        to.display(),
        to.display(),
        to.display()
    ))
}

fn replay_verify(db: &Path, verify: bool) -> Result<(), Failure> {
    if !verify {
        return Err(Failure::Input("replay needs --verify".to_string()));
    }
    let store = open_existing(db)?;
    match timetravel::replay_verify(&store)? {
        None => print(
            "every logged action re-decides to its logged outcome with this version of slrsim",
        ),
        Some((seq, logged, now)) => {
            print(&format!(
                "record {seq} re-decides differently\nlogged: {}\nnow:    {}",
                serde_json::to_string(&logged).map_err(StoreError::from)?,
                serde_json::to_string(&now).map_err(StoreError::from)?
            ))?;
            Err(Failure::Quiet(EXIT_BAD_LOG))
        }
    }
}

fn verify(db: &Path) -> Result<(), Failure> {
    let store = open_read(db)?;
    match store.check_head() {
        // A log shorter than its head is named by `replay::verify` as its first missing record.
        Ok(()) | Err(StoreError::RolledBack { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    let v = replay::verify(&store)?;
    match v.problem {
        None => {
            if !v.snapshots_rebuilt.is_empty() {
                // The rebuilt snapshots are in the private copy verify read. The log verified intact,
                // so the folder is opened for writing to keep them: the one write `verify` makes.
                let target = Store::open(db)?;
                for &seq in &v.snapshots_rebuilt {
                    if let Some((at, value)) = store.snapshots_before(seq).next().transpose()? {
                        if at == seq {
                            target.put_snapshot(seq, &value)?;
                        }
                    }
                }
                target.flush()?;
            }
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

fn generate(actions: u64, seed: u64) -> Result<(), Failure> {
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

// glibc's allocator spent a fifth of `run`'s time in malloc/free and page faults (perf, see ARCHITECTURE.md);
// mimalloc keeps freed memory for reuse across the two threads of a batch.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[allow(clippy::too_many_arguments)]
fn serve(
    db: &Path,
    addr: std::net::SocketAddr,
    clock: ClockArg,
    speed: f64,
    no_sync: bool,
    seed: u64,
    start: &str,
    snapshot_every: Option<u64>,
) -> Result<(), Failure> {
    use slrsim::aws::server::{Acknowledge, ClockMode, ServeOptions};
    let clock = match clock {
        ClockArg::Manual => ClockMode::Manual,
        ClockArg::Wall if speed.is_finite() && speed > 0.0 && speed <= 1e6 => {
            ClockMode::Wall { speed }
        }
        ClockArg::Wall => {
            return Err(Failure::Input(format!(
                "--speed {speed}: give a number of simulated seconds per real second, above 0 and at most 1000000"
            )));
        }
    };
    let start = slrsim::core::clock::parse(start).ok_or_else(|| {
        Failure::Input(format!(
            "--start `{}`: give an RFC 3339 time such as 2026-01-01T00:00:00Z",
            slrsim::core::validate::shown(start)
        ))
    })?;
    // Bind before opening the database: a taken port leaves no new database behind.
    let listener = std::net::TcpListener::bind(addr)
        .map_err(|e| Failure::Input(format!("cannot serve on {addr}: {e}")))?;
    let genesis = slrsim::Genesis { seed, start };
    // An existing log keeps its own seed and start: --seed/--start only shape a new one. (The folder
    // may exist without a log: `slrsim env` makes it to keep the operator file.)
    let store = Store::open(db)?;
    let genesis = (store.next_seq()? == 0).then_some(genesis);
    let sim = Simulator::with_options(store, genesis, snapshot_every)?;
    let operator = operator(db)?;
    let opts = ServeOptions {
        listener,
        clock,
        acknowledge: if no_sync {
            Acknowledge::NoSync
        } else {
            Acknowledge::Durable
        },
        operator,
    };
    let db_shown = db.display().to_string();
    let result = slrsim::aws::server::serve(sim, opts, |ready| {
        let mut out = std::io::stdout().lock();
        // The exports go to standard output alone, so `slrsim serve > env.sh &` then `. env.sh` works.
        let _ = out.write_all(ready.exports().as_bytes());
        let _ = out.flush();
        eprintln!(
            "slrsim: serving IAM, STS, MediaTailor and CloudWatch Logs on http://{} (database {db_shown}); Ctrl-C stops",
            ready.addr
        );
    });
    match result {
        Ok(()) => Ok(()),
        Err(slrsim::aws::server::ServeError::Store(e)) => Err(e.into()),
        Err(slrsim::aws::server::ServeError::Io(e)) => {
            Err(Failure::Input(format!("cannot serve on {addr}: {e}")))
        }
    }
}

/// The database's operator secrets (the control API's token, the key secret), made if it has none.
fn operator(db: &Path) -> Result<slrsim::aws::server::operator::Operator, Failure> {
    slrsim::aws::server::operator::Operator::load_or_create(db).map_err(|e| {
        // A database file that cannot be read or made: a storage failure (exit 3).
        eprintln!("slrsim: the operator file (control token and key secret): {e}");
        Failure::Quiet(EXIT_STORAGE)
    })
}

fn env(db: &Path, addr: std::net::SocketAddr, seed: u64) -> Result<(), Failure> {
    let logged = if Store::holds_log(db)? {
        // The seed is the genesis record's: no need to replay the log.
        match timetravel::record_at(&open_existing(db)?, 0)?.action.op {
            slrsim::Operation::Genesis(g) => Some(g.seed),
            _ => {
                return Err(Failure::BadLog(
                    "record 0 is not a genesis record".to_string(),
                ));
            }
        }
    } else {
        None
    };
    // Made now if the database has none, so `eval "$(slrsim env)"` before `serve` gives the token and
    // root key that `serve` will use.
    let operator = operator(db)?;
    let ready = slrsim::aws::server::Ready::for_database(addr, logged.unwrap_or(seed), &operator);
    std::io::stdout().write_all(ready.exports().as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A thread that panicked while writing may have appended records: that is a storage failure
    /// (exit 3), never the usage error's "nothing appended" (exit 2).
    #[test]
    fn a_panicked_writer_is_a_storage_failure() {
        let f = Failure::from(StoreError::Panicked {
            thread: "simulator",
            detail: "boom".into(),
        });
        assert!(matches!(f, Failure::Storage(StoreError::Panicked { .. })));
    }
}
