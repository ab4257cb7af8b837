//! The command line's shape: the clap types `main` parses into.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

// No doc comment on `Cli` or `Command`: clap would take it for the help text.
#[derive(Parser)]
#[command(
    name = "slrsim",
    version,
    about = "Simulates the AWSServiceRoleForMediaTailor service-linked role lifecycle, event-sourced on sled"
)]
pub(crate) struct Cli {
    /// The database folder.
    #[arg(long, global = true, env = "SLRSIM_DB", default_value = "./slrsim.db")]
    pub(crate) db: PathBuf,
    /// Ask this running `slrsim serve` (http://HOST:PORT) instead of opening the database: state,
    /// get, diff, bisect, explain, fork, verify and log.
    #[arg(long, global = true, env = "SLRSIM_SERVER")]
    pub(crate) server: Option<String>,
    /// The control API's token for --server (default: the database's operator file).
    #[arg(long, global = true, env = "SLRSIM_TOKEN", hide_env_values = true)]
    pub(crate) token: Option<String>,
    /// Records between snapshots, for a database this command creates (default 1000).
    #[arg(long, global = true)]
    pub(crate) snapshot_every: Option<u64>,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
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
    /// Lists every AWS operation `serve` answers: its service, request, IAM permission and what still
    /// differs from AWS (the README's table).
    Operations {
        /// Print JSON instead of a Markdown table.
        #[arg(long)]
        json: bool,
    },
    /// Serves the AWS wire protocols (IAM query, MediaTailor rest-json, CloudWatch Logs JSON) on one
    /// HTTP endpoint, recording every request in the database; prints `export` lines for the default
    /// account's root key.
    Serve(ServeArgs),
    /// Shows the history in a browser: prints the page's address, token included, as the first line;
    /// the server that holds the database serves it, or else a read-only one on a copy of the folder
    Ui {
        /// Where the page is served for a database no server holds (port 0: any free port).
        #[arg(long, default_value = "127.0.0.1:0")]
        addr: std::net::SocketAddr,
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
    /// Runs COMMAND (your own automation) against generated worlds, each on a fresh server, judges
    /// the goals on the final state, and shrinks a failure to the smallest world that still fails.
    Fuzz(FuzzArgs),
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClockArg {
    /// Time moves only through `POST /_slrsim/advance?seconds=N`.
    Manual,
    /// Time follows real time (times --speed).
    Wall,
    /// Time moves by this many seconds before each AWS request.
    Requests(i64),
}

impl ClockArg {
    /// The most simulated seconds one request may take: a day.
    const MAX_SECONDS_PER_REQUEST: i64 = 86_400;

    /// `manual`, `wall`, `requests` or `requests:SECONDS`.
    fn parse(s: &str) -> Result<ClockArg, String> {
        match s {
            "manual" => Ok(ClockArg::Manual),
            "wall" => Ok(ClockArg::Wall),
            "requests" => Ok(ClockArg::Requests(1)),
            _ => {
                let bad = || {
                    format!(
                        "`{s}`: give manual, wall, requests or requests:SECONDS (SECONDS a whole number from 1 to {})",
                        Self::MAX_SECONDS_PER_REQUEST
                    )
                };
                let seconds = s.strip_prefix("requests:").ok_or_else(bad)?;
                match seconds.parse::<i64>() {
                    Ok(n) if (1..=Self::MAX_SECONDS_PER_REQUEST).contains(&n) => {
                        Ok(ClockArg::Requests(n))
                    }
                    _ => Err(bad()),
                }
            }
        }
    }
}

/// A point in history: after record N, or at a simulated time (the last record at or before it).
#[derive(clap::Args, Debug, Clone, Default)]
pub(crate) struct Point {
    /// After record N.
    #[arg(long, conflicts_with = "at_time")]
    pub(crate) at: Option<u64>,
    /// At a simulated time (RFC 3339): after the last record at or before it.
    #[arg(long)]
    pub(crate) at_time: Option<String>,
}

/// `slrsim fuzz`'s arguments.
/// `serve`'s flags.
#[derive(clap::Args, Debug, Clone)]
pub(crate) struct ServeArgs {
    /// Address to listen on (port 0: any free port; the printed AWS_ENDPOINT_URL tells which).
    #[arg(long, default_value = "127.0.0.1:4566")]
    pub(crate) addr: std::net::SocketAddr,
    /// How simulated time moves: `manual` (only POST /_slrsim/advance), `wall` (follows real
    /// time), or `requests[:SECONDS]` (SECONDS, default 1, before each AWS request).
    #[arg(long, default_value = "manual", value_parser = ClockArg::parse)]
    pub(crate) clock: ClockArg,
    /// With --clock wall: simulated seconds per real second.
    #[arg(long, default_value_t = 1.0)]
    pub(crate) speed: f64,
    /// Answer a call as soon as its record is appended, before it is on disk (flushed every 1000
    /// records, within 200 ms of going idle and at shutdown). Faster for one client at a time,
    /// but a crash can lose answered calls, and their request ids, keys and task ids are then
    /// given again to other calls. Default: a call is answered once its record is durable.
    #[arg(long)]
    pub(crate) no_sync: bool,
    /// Answer a call once its record is durable: the default (accepted for scripts that pass it).
    #[arg(long, conflicts_with = "no_sync")]
    pub(crate) sync: bool,
    /// Seed of a database this command creates (ids, request ids and access keys derive from it).
    #[arg(long, default_value_t = 0)]
    pub(crate) seed: u64,
    /// Start of the simulated clock for a database this command creates (RFC 3339).
    #[arg(long, default_value = "2026-01-01T00:00:00Z")]
    pub(crate) start: String,
    /// IAM reads of the default account lag SECONDS (0..=60) behind writes: a new role is not
    /// seen for that long, a deleted one still is (recorded as a `SetConsistency` at start).
    #[arg(long, value_name = "SECONDS")]
    pub(crate) consistency: Option<i64>,
    /// Throttle AWS calls: a token bucket per account and operation holding BURST calls and
    /// refilled with RATE calls a second of simulated time (`RATE[:BURST]`, default 10; RATE may be
    /// a fraction, such as 0.5, for `--clock requests`).
    /// Recorded in the log as a SetThrottling action before the first call.
    #[arg(long, num_args = 0..=1, default_missing_value = "10", value_parser = parse_throttle)]
    pub(crate) throttle: Option<(String, Option<u32>)>,
    /// Viewers watch every playback configuration of the default account: SESSIONS a minute
    /// (0..=100000, default 60) start on each as simulated time passes, and those a configuration
    /// logs are delivered through the role, so it stays in use while logging is on and for five
    /// minutes after (recorded as a SetViewers action at start).
    #[arg(long, value_name = "SESSIONS", num_args = 0..=1, default_missing_value = "60",
          value_parser = clap::value_parser!(i64).range(0..=slrsim::core::limits::MAX_VIEWER_SESSIONS_PER_MINUTE))]
    pub(crate) viewers: Option<i64>,
    /// Inject faults into the default account's calls: the JSON of a SetFaults action, every
    /// member optional: `InternalErrors` ([{"Operation":"GetRole","Count":2}]: its next 2 calls
    /// answer the service's internal error, HTTP 500), `DeletionTaskFailures` (the next N
    /// deletions of MediaTailor's role fail for a service reason), `DeletionTaskSeconds` (30 to
    /// 3600: how long a deletion takes), `PageSize` (1 to 100 items a page of every list call),
    /// `EmptyFirstPages` (true: a list call without a marker gets an empty page and a marker).
    /// Example: --faults '{"InternalErrors":[{"Operation":"DeleteServiceLinkedRole","Count":1}],"PageSize":1}'.
    /// Recorded in the log as a SetFaults action before the first call.
    #[arg(long, value_name = "JSON", value_parser = parse_faults)]
    pub(crate) faults: Option<slrsim::core::action::SetFaultsParams>,
}

#[derive(clap::Args, Debug, Clone)]
pub(crate) struct FuzzArgs {
    /// How many worlds.
    #[arg(long, default_value_t = 20)]
    pub(crate) cases: u64,
    /// The seed worlds are generated from (case N of seed S is the same world everywhere).
    #[arg(long, default_value_t = 0)]
    pub(crate) seed: u64,
    /// A goal: role-absent, role-present, logging-off-everywhere, honest-exit, or
    /// /JSON/POINTER=absent or /JSON/POINTER=JSON into `slrsim state --json` (repeatable;
    /// default: role-absent and honest-exit).
    #[arg(long = "goal", value_name = "GOAL")]
    pub(crate) goals: Vec<String>,
    /// Keep every case's database under DIR (case-N), and the failing one there too.
    #[arg(long, value_name = "DIR")]
    pub(crate) keep: Option<PathBuf>,
    /// Seconds (real time) COMMAND may run in one world before it is stopped.
    #[arg(long, default_value_t = 60)]
    pub(crate) timeout: u64,
    /// Simulated seconds each AWS request takes in every world (`serve --clock requests:SECONDS`):
    /// with the default 10 a deletion task (30 s) ends within three requests and MediaTailor's five
    /// minutes of use within thirty.
    #[arg(long, value_name = "SECONDS", default_value_t = crate::commands::fuzz::SECONDS_PER_REQUEST,
          value_parser = clap::value_parser!(i64).range(1..=86_400))]
    pub(crate) seconds_per_request: i64,
    /// While shrinking, a simpler world that fails is run N more times (0..=10) and taken only if it
    /// fails every time, so a command that fails now and then does not steer the shrinking.
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(0..=10))]
    pub(crate) reruns: u32,
    /// The command and its arguments, after `--`.
    #[arg(last = true, required = true, value_name = "COMMAND")]
    pub(crate) command: Vec<String>,
}

/// `serve --throttle RATE[:BURST]`: RATE calls a second (0.001 to 1000), BURST calls (1 to 1000,
/// default RATE rounded up).
fn parse_throttle(s: &str) -> Result<(String, Option<u32>), String> {
    let bad = || {
        format!(
            "`{s}`: give RATE or RATE:BURST, RATE calls a second (0.001 to 1000), BURST a whole number from 1 to 1000"
        )
    };
    let (rate, burst) = match s.split_once(':') {
        Some((r, b)) => (r, Some(b)),
        None => (s, None),
    };
    let r: f64 = rate.parse().map_err(|_| bad())?;
    if !(0.001..=1000.0).contains(&r) {
        return Err(bad());
    }
    let burst = match burst {
        Some(b) => Some(
            b.parse::<u32>()
                .ok()
                .filter(|b| (1..=1000).contains(b))
                .ok_or_else(bad)?,
        ),
        None => None,
    };
    Ok((rate.to_string(), burst))
}

/// `serve --faults JSON`: a SetFaults action's parameters, checked as SetFaults checks them.
fn parse_faults(s: &str) -> Result<slrsim::core::action::SetFaultsParams, String> {
    let shown = slrsim::core::validate::shown(s);
    let p: slrsim::core::action::SetFaultsParams = serde_json::from_str(s).map_err(|e| {
        format!(
            "`{shown}`: {e}; give the JSON of a SetFaults action, such as {{\"InternalErrors\":[{{\"Operation\":\"GetRole\",\"Count\":2}}],\"PageSize\":1}}"
        )
    })?;
    slrsim::core::decide::faults_of(&p).map_err(|e| format!("`{shown}`: {}", e.message))?;
    Ok(p)
}
