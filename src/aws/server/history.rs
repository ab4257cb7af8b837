//! Time travel while serving: the control API's reads of the server's own history (`GET
//! /_slrsim/state`, `get`, `diff`, `bisect`, `explain`, `verify`, `log`) and `POST /_slrsim/fork`,
//! decoded from the request and answered on the simulator thread between two actions, so what they
//! read is exactly the log up to then. Each answer is the JSON the command line's `--json` form prints
//! (the library's `timetravel` functions compute both). None is recorded: a read changes nothing, and
//! a fork writes a new database, never this one.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::aws::server::protocol::HttpRequest;
use crate::aws::server::protocol::Inspect;
use crate::core::action::DEFAULT_ACCOUNT;
use crate::log::error::StoreError;
use crate::log::store::Store;
use crate::simulator::Simulator;
use crate::timetravel::{self, LogFilter, Query};

/// Most records one `GET /_slrsim/log` reads (and so returns).
pub const MAX_LOG_PAGE: u64 = 1000;
/// Longest query string a read takes, in bytes.
pub const MAX_READ_QUERY: usize = 8192;
/// Longest value of one parameter (a name, a task id, a path), in bytes.
pub const MAX_READ_VALUE: usize = 4096;

/// A point in the history: now, after a record, or at a simulated time (the last record at or before
/// it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Point {
    /// The state now.
    Now,
    /// After this record.
    Record(u64),
    /// At this simulated time (seconds since the epoch).
    Time(i64),
}

/// The decoded query string of a read: its parameters, checked against the ones the route takes.
struct Params {
    route: String,
    pairs: Vec<(String, String)>,
}

impl Params {
    fn new(req: &HttpRequest, route: &str, takes: &[&str]) -> Result<Self, String> {
        let route = format!("{} /_slrsim/{route}", req.method);
        if req.query().len() > MAX_READ_QUERY {
            return Err(format!(
                "{route}: the query is longer than {MAX_READ_QUERY} bytes"
            ));
        }
        let pairs: Vec<(String, String)> = form_urlencoded::parse(req.query().as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        for (k, v) in &pairs {
            // The browser's one-time `?token=` is the operator's, checked before this.
            if k != "token" && !takes.contains(&k.as_str()) {
                let takes = if takes.is_empty() {
                    "no parameter".to_string()
                } else {
                    takes.join(", ")
                };
                return Err(format!(
                    "{route} takes no parameter `{}`: it takes {takes}",
                    crate::core::validate::shown(k)
                ));
            }
            if v.len() > MAX_READ_VALUE {
                return Err(format!(
                    "{route}: {k} is longer than {MAX_READ_VALUE} bytes"
                ));
            }
        }
        Ok(Self { route, pairs })
    }

    fn text(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn required(&self, name: &str, what: &str) -> Result<String, String> {
        match self.text(name) {
            Some(v) if !v.is_empty() => Ok(v.to_string()),
            _ => Err(format!("{} needs {name}={what}", self.route)),
        }
    }

    fn number(&self, name: &str) -> Result<Option<u64>, String> {
        match self.text(name) {
            None => Ok(None),
            Some(v) => v.parse().map(Some).map_err(|_| {
                format!(
                    "{}: {name}={} is not a record number",
                    self.route,
                    crate::core::validate::shown(v)
                )
            }),
        }
    }

    fn required_number(&self, name: &str) -> Result<u64, String> {
        self.number(name)?
            .ok_or_else(|| format!("{} needs {name}=N, a record number", self.route))
    }

    fn flag(&self, name: &str) -> Result<bool, String> {
        match self.text(name) {
            None | Some("false" | "0") => Ok(false),
            Some("" | "true" | "1") => Ok(true),
            Some(v) => Err(format!(
                "{}: {name}={} is not true or false",
                self.route,
                crate::core::validate::shown(v)
            )),
        }
    }

    fn point(&self) -> Result<Point, String> {
        match (self.number("at")?, self.text("time")) {
            (Some(_), Some(_)) => Err(format!(
                "{}: give at=N or time=RFC3339, not both",
                self.route
            )),
            (Some(n), None) => Ok(Point::Record(n)),
            (None, Some(t)) => crate::core::clock::parse(t)
                .map(Point::Time)
                .ok_or_else(|| {
                    format!(
                        "{}: time={} is not an RFC 3339 time",
                        self.route,
                        crate::core::validate::shown(t)
                    )
                }),
            (None, None) => Ok(Point::Now),
        }
    }
}

/// Decodes a read (`GET /_slrsim/<what>`) or a fork (`POST /_slrsim/fork`); the message of an error
/// names what was wrong, and is answered 400.
pub fn decode(req: &HttpRequest, what: &str) -> Result<Inspect, String> {
    match what {
        "state" => Ok(Inspect::State {
            at: Params::new(req, what, &["at", "time"])?.point()?,
        }),
        "get" => decode_get(&Params::new(
            req,
            what,
            &["what", "name", "region", "id", "account", "at", "time"],
        )?),
        "diff" => {
            let p = Params::new(req, what, &["from", "to", "other_db"])?;
            Ok(Inspect::Diff {
                from: p.required_number("from")?,
                to: p.required_number("to")?,
                other_db: p.text("other_db").map(PathBuf::from),
            })
        }
        "bisect" => Ok(Inspect::Bisect {
            invariant: Params::new(req, what, &["invariant"])?
                .text("invariant")
                .map(String::from),
        }),
        "verify" => Params::new(req, what, &[]).map(|_| Inspect::Verify),
        "log" => {
            let p = Params::new(
                req,
                what,
                &["from", "to", "account", "region", "op", "errors"],
            )?;
            Ok(Inspect::Log {
                from: p.number("from")?,
                to: p.number("to")?,
                filter: LogFilter {
                    account: p.text("account").map(String::from),
                    region: p.text("region").map(String::from),
                    op: p.text("op").map(String::from),
                    errors: p.flag("errors")?,
                },
            })
        }
        "fork" => decode_fork(req),
        _ => {
            let p = Params::new(req, "explain", &["task"])?;
            Ok(Inspect::Explain {
                task: p.required("task", "ID (the DeletionTaskId or its ending)")?,
            })
        }
    }
}

fn decode_get(p: &Params) -> Result<Inspect, String> {
    let account = p.text("account").unwrap_or(DEFAULT_ACCOUNT).to_string();
    let what = p.required("what", "role|config|task|account")?;
    let query = match what.as_str() {
        "role" => Query::Role {
            account,
            name: p
                .text("name")
                .unwrap_or(crate::core::catalog::SLR_NAME)
                .to_string(),
        },
        "config" => Query::Config {
            account,
            region: p.required("region", "R (the configuration's region)")?,
            name: p.required("name", "N (the configuration's name)")?,
        },
        "task" => Query::Task {
            id: p.required("id", "ID (the DeletionTaskId)")?,
        },
        "account" => Query::Account { account },
        other => {
            return Err(format!(
                "{}: what={} is not role, config, task or account",
                p.route,
                crate::core::validate::shown(other)
            ));
        }
    };
    Ok(Inspect::Get {
        at: p.point()?,
        query,
    })
}

/// The body of `POST /_slrsim/fork`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ForkBody {
    #[serde(rename = "At")]
    at: u64,
    #[serde(rename = "To")]
    to: String,
}

fn decode_fork(req: &HttpRequest) -> Result<Inspect, String> {
    Params::new(req, "fork", &[])?;
    let max = crate::aws::server::protocol::MAX_CONTROL_BODY;
    if req.body.len() > max {
        return Err(format!(
            "POST /_slrsim/fork: the body is larger than {max} bytes"
        ));
    }
    let body: ForkBody = serde_json::from_slice(&req.body).map_err(|e| {
        format!("POST /_slrsim/fork needs a JSON object {{\"At\": N, \"To\": \"PATH\"}}: {e}")
    })?;
    if body.to.is_empty() || body.to.len() > MAX_READ_VALUE {
        return Err(format!(
            "POST /_slrsim/fork: To must be a folder's path of 1 to {MAX_READ_VALUE} bytes"
        ));
    }
    Ok(Inspect::Fork {
        at: body.at,
        to: PathBuf::from(body.to),
    })
}

/// What a failed read answers: a record, task or thing that does not exist is 404, a request the log
/// cannot answer as asked (an unknown rule, another database that cannot be read, a fork's folder) is
/// 400, a damaged log is 500; each names what is wrong.
fn failed(e: &Unanswered) -> (u16, Value) {
    let e = match e {
        Unanswered::Missing(m) => return (404, json!({"Message": m})),
        Unanswered::Store(e) => e,
    };
    let status = match e {
        StoreError::NoSuchRecord { .. }
        | StoreError::NoSuchTask { .. }
        | StoreError::AmbiguousTask { .. } => 404,
        StoreError::UnknownInvariant { .. }
        | StoreError::TargetHoldsLog { .. }
        | StoreError::NotADatabase { .. }
        | StoreError::Locked { .. }
        | StoreError::Empty { .. }
        | StoreError::OtherGenesis { .. } => 400,
        _ => 500,
    };
    (status, json!({"Message": e.to_string()}))
}

/// Why a read has no answer: the store failed, or what it asks about does not exist (said in words).
enum Unanswered {
    Store(StoreError),
    Missing(String),
}

impl From<StoreError> for Unanswered {
    fn from(e: StoreError) -> Self {
        Unanswered::Store(e)
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or_default()
}

/// Answers a read from the live store (on the simulator thread, between actions): status and JSON.
pub fn answer(sim: &Simulator, what: &Inspect) -> (u16, Value) {
    match answer_or_error(sim, what) {
        Ok(v) => v,
        Err(e) => failed(&e),
    }
}

fn answer_or_error(sim: &Simulator, what: &Inspect) -> Result<(u16, Value), Unanswered> {
    let store = sim.store();
    Ok(match what {
        Inspect::State { at: Point::Now } => (200, to_json(sim.state())),
        Inspect::State { at } => (200, to_json(&state_at(sim, *at)?.1)),
        Inspect::Get { at, query } => {
            let (seq, state) = state_at(sim, *at)?;
            match timetravel::get(&state, query) {
                Some(v) => (200, v),
                None => (
                    404,
                    json!({"Message": format!("{} does not exist {}", shown_query(query),
                        seq.map_or("now".to_string(), |n| format!("after record {n}"))), "Found": false}),
                ),
            }
        }
        Inspect::Diff { from, to, other_db } => {
            let before = timetravel::state_at(store, *from)?;
            let after = match other_db {
                Some(path) => timetravel::state_at(&Store::open_read_only(path)?, *to)?,
                None => timetravel::state_at(store, *to)?,
            };
            (200, to_json(&timetravel::diff(&before, &after)))
        }
        Inspect::Bisect { invariant } => {
            let found = timetravel::bisect(store, invariant.as_deref())?;
            let record = match &found {
                Some(b) => Some(timetravel::record_at(store, b.seq)?),
                None => None,
            };
            (
                200,
                json!({"Invariant": invariant, "Broken": found, "Record": record}),
            )
        }
        Inspect::Explain { task } => (200, to_json(&timetravel::explain(store, task)?)),
        Inspect::Verify => (200, verify(store)?),
        Inspect::Log { from, to, filter } => (200, log_page(sim, *from, *to, filter)?),
        Inspect::Fork { at, to } => fork(store, *at, to)?,
    })
}

/// The state at a point, and the record it is after (`None`: now).
fn state_at(
    sim: &Simulator,
    at: Point,
) -> Result<(Option<u64>, crate::core::state::State), Unanswered> {
    let last = sim.next_seq().checked_sub(1);
    let seq = match at {
        Point::Now => return Ok((None, sim.state().clone())),
        Point::Record(n) => n,
        Point::Time(t) => match timetravel::seq_at_time(sim.store(), t)? {
            Some(n) => n,
            None => {
                return Err(Unanswered::Missing(format!(
                    "the log starts after {}",
                    crate::core::clock::format(t)
                )));
            }
        },
    };
    if last.is_none_or(|l| seq > l) {
        return Err(StoreError::NoSuchRecord { seq, last }.into());
    }
    Ok((Some(seq), timetravel::state_at(sim.store(), seq)?))
}

/// What was asked for, in `slrsim get`'s words (`role NAME`, `config REGION NAME`, `task ID`,
/// `account`).
fn shown_query(q: &Query) -> String {
    match q {
        Query::Account { .. } => "account".to_string(),
        Query::Role { name, .. } => format!("role {name}"),
        Query::Config { region, name, .. } => format!("config {region} {name}"),
        Query::Task { id } => format!("task {id}"),
    }
}

/// `verify` on the live log: its chain, every record re-decided, the replayed state. A snapshot found
/// missing or damaged is rebuilt in the live database (snapshots are derived from the log: rebuilding
/// one changes no record).
fn verify(store: &Store) -> Result<Value, StoreError> {
    let v = crate::log::replay::verify(store)?;
    Ok(json!({
        "Records": v.records,
        "StateHash": v.state_hash,
        "Problem": v.problem.map(|(seq, detail)| json!({"Seq": seq, "Detail": detail})),
        "SnapshotsRebuilt": v.snapshots_rebuilt,
    }))
}

/// One page of the timeline: records `from..=to` (at most [`MAX_LOG_PAGE`] read) that `filter` keeps.
fn log_page(
    sim: &Simulator,
    from: Option<u64>,
    to: Option<u64>,
    filter: &LogFilter,
) -> Result<Value, StoreError> {
    let last = sim.next_seq().saturating_sub(1);
    let page = MAX_LOG_PAGE;
    // A range past the end is cut at the newest record; a page reads at most `page`.
    let end = to.map_or(last, |t| t.min(last));
    let from = from.unwrap_or_else(|| end.saturating_sub(page - 1));
    let to = end.min(from.saturating_add(page - 1));
    let mut records = Vec::new();
    if sim.next_seq() > 0 {
        for seq in from..=to {
            let r = timetravel::record_at(sim.store(), seq)?;
            if filter.keeps(&r) {
                records.push(to_json(&r));
            }
        }
    }
    Ok(json!({"From": from, "To": to, "Last": last, "Records": records}))
}

/// `POST /_slrsim/fork`: records 0..=`at` into a new database at `to` (a folder that must not exist).
fn fork(store: &Store, at: u64, to: &std::path::Path) -> Result<(u16, Value), StoreError> {
    if to.exists() {
        return Ok((
            400,
            json!({"Message": format!("POST /_slrsim/fork: `{}` exists; a fork goes into a new folder", to.display())}),
        ));
    }
    let records = timetravel::fork(store, at, to)?;
    Ok((
        200,
        json!({"At": at, "To": to.display().to_string(), "Records": records}),
    ))
}
