//! The time-travel commands against a running server: `--server URL` (or `SLRSIM_SERVER`), or a
//! database that a running `slrsim serve` holds (the folder's `slrsim-server.json` says where it
//! listens; its operator file holds the token). Each command asks the control API and prints what it
//! prints against the database.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};
use slrsim::State;
use slrsim::log::record::Record;
use slrsim::timetravel::{self, LogFilter, timeline as render};

use super::{pretty, print};
use crate::cli::Point;
use crate::exit::{Exit, Failure};

/// The file in a database folder that says where the server holding it listens.
pub(crate) const SERVER_FILE: &str = slrsim::log::store::SERVER_FILE;

/// How long one answer may take (a bisect or verify of a long log included).
const ANSWER_LIMIT: Duration = Duration::from_secs(600);

/// A running server to ask: where, and with which token.
pub(crate) struct Remote {
    /// `host:port`.
    addr: String,
    token: Option<String>,
}

impl Remote {
    /// The server at `url` (`http://host:port` or `host:port`).
    pub(crate) fn new(url: &str, token: Option<String>) -> Result<Self, Failure> {
        let addr = url
            .strip_prefix("http://")
            .unwrap_or(url)
            .trim_end_matches('/');
        if addr.is_empty() || addr.contains('/') || url.starts_with("https://") {
            return Err(Failure::Input(format!(
                "--server `{}`: give the server's address as http://HOST:PORT",
                slrsim::core::validate::shown(url)
            )));
        }
        Ok(Self {
            addr: addr.to_string(),
            token,
        })
    }

    /// Where the server listens.
    pub(crate) fn addr(&self) -> &str {
        &self.addr
    }

    /// The server holding `db`, if it says where it listens and answers there.
    pub(crate) fn holding(db: &Path) -> Option<Self> {
        let text = std::fs::read_to_string(db.join(SERVER_FILE)).ok()?;
        let v: Value = serde_json::from_str(&text).ok()?;
        let addr = v.get("Address")?.as_str()?.to_string();
        let remote = Self {
            addr,
            token: operator_token(db),
        };
        // A server gone (an address left by one that was killed) does not answer.
        remote.call("GET", "/_slrsim/status", "").ok()?;
        Some(remote)
    }

    /// One request; the answer's status and JSON. A connection that fails is an error.
    fn call(&self, method: &str, uri: &str, body: &str) -> std::io::Result<(u16, Value)> {
        let mut s = TcpStream::connect(&self.addr)?;
        s.set_read_timeout(Some(ANSWER_LIMIT))?;
        let mut req = format!(
            "{method} {uri} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        if let Some(t) = &self.token {
            req.push_str(&format!("Authorization: Bearer {t}\r\n"));
        }
        req.push_str("\r\n");
        req.push_str(body);
        s.write_all(req.as_bytes())?;
        let mut raw = Vec::new();
        s.read_to_end(&mut raw)?;
        let bad = || std::io::Error::new(std::io::ErrorKind::InvalidData, "not an HTTP answer");
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .ok_or_else(bad)?;
        let head = String::from_utf8_lossy(raw.get(..split).ok_or_else(bad)?);
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(bad)?;
        let body = raw.get(split + 4..).ok_or_else(bad)?;
        Ok((status, serde_json::from_slice(body).unwrap_or(Value::Null)))
    }

    /// One request whose connection must work: the answer's status and JSON.
    fn send(&self, method: &str, uri: &str, body: &str) -> Result<(u16, Value), Failure> {
        self.call(method, uri, body)
            .map_err(|e| Failure::Input(format!("cannot ask the server at {}: {e}", self.addr)))
    }

    /// A call that must succeed: its JSON; a refusal is the failure its status means.
    fn ask(&self, method: &str, uri: &str, body: &str) -> Result<Value, Failure> {
        let (status, v) = self.send(method, uri, body)?;
        self.judge(status, v)
    }

    /// An answer's JSON if it is a success; otherwise the failure its status means.
    fn judge(&self, status: u16, v: Value) -> Result<Value, Failure> {
        let message = || {
            v.get("Message")
                .or_else(|| v.get("message"))
                .and_then(Value::as_str)
                .unwrap_or("no message")
                .to_string()
        };
        match status {
            200 => Ok(v),
            401 => Err(Failure::Input(format!(
                "the server at {} refused the token: give the operator's token with --token or SLRSIM_TOKEN",
                self.addr
            ))),
            400 | 404 => Err(Failure::Input(message())),
            _ => Err(Failure::BadLog(message())),
        }
    }
}

/// The control API's token kept in the database's operator file, if it has one (never made here).
pub(crate) fn operator_token(db: &Path) -> Option<String> {
    let file = db.join(slrsim::aws::server::operator::FILE_NAME);
    if !file.exists() {
        return None;
    }
    slrsim::aws::server::operator::Operator::load_or_create(db)
        .ok()
        .map(|o| o.token().to_string())
}

fn query(pairs: &[(&str, Option<String>)]) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        if let Some(v) = v {
            q.append_pair(k, v);
        }
    }
    q.finish()
}

fn point_pairs(point: &Point) -> [(&'static str, Option<String>); 2] {
    [
        ("at", point.at.map(|n| n.to_string())),
        ("time", point.at_time.clone()),
    ]
}

fn decoded<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, Failure> {
    serde_json::from_value(v)
        .map_err(|e| Failure::BadLog(format!("the server's answer is not what was expected: {e}")))
}

/// `state` against a server.
pub(crate) fn state(r: &Remote, point: &Point, json: bool) -> Result<(), Failure> {
    let v = r.ask(
        "GET",
        &format!("/_slrsim/state?{}", query(&point_pairs(point))),
        "",
    )?;
    let state: State = decoded(v)?;
    if json {
        print(&pretty(&state)?)
    } else {
        print(&render::state_text(&state))
    }
}

/// `get` against a server.
pub(crate) fn get(
    r: &Remote,
    point: &Point,
    account: &str,
    what: &[String],
) -> Result<(), Failure> {
    let words: Vec<&str> = what.iter().map(String::as_str).collect();
    let s = |x: &str| Some(x.to_string());
    let mut pairs: Vec<(&str, Option<String>)> = match words.as_slice() {
        ["role"] => vec![("what", s("role"))],
        ["role", name] => vec![("what", s("role")), ("name", s(name))],
        ["config", region, name] => vec![
            ("what", s("config")),
            ("region", s(region)),
            ("name", s(name)),
        ],
        ["task", id] => vec![("what", s("task")), ("id", s(id))],
        ["account"] => vec![("what", s("account"))],
        _ => {
            return Err(Failure::Input(
                "what to get: `role [NAME]`, `config REGION NAME`, `task ID` or `account`"
                    .to_string(),
            ));
        }
    };
    pairs.push(("account", s(account)));
    pairs.extend(point_pairs(point));
    let uri = format!("/_slrsim/get?{}", query(&pairs));
    match r.send("GET", &uri, "")? {
        // A thing that does not exist at that point is a finding (exit 1), as against the database.
        (404, v) if v["Found"] == false => Err(Failure::BadLog(
            v["Message"].as_str().unwrap_or_default().to_string(),
        )),
        (status, v) => print(&pretty(&r.judge(status, v)?)?),
    }
}

/// `diff` against a server (`other`, a database folder, is read by the server).
pub(crate) fn diff(
    r: &Remote,
    n: u64,
    m: u64,
    other: Option<&Path>,
    json: bool,
) -> Result<(), Failure> {
    let other_db = other.map(std::path::absolute).transpose()?;
    let uri = format!(
        "/_slrsim/diff?{}",
        query(&[
            ("from", Some(n.to_string())),
            ("to", Some(m.to_string())),
            ("other_db", other_db.map(|p| p.display().to_string())),
        ])
    );
    let changes: Vec<timetravel::Change> = decoded(r.ask("GET", &uri, "")?)?;
    super::state::print_changes(&changes, n, m, other, json)
}

/// `bisect` against a server.
pub(crate) fn bisect(r: &Remote, invariant: Option<&str>) -> Result<(), Failure> {
    let uri = format!(
        "/_slrsim/bisect?{}",
        query(&[("invariant", invariant.map(String::from))])
    );
    let v = r.ask("GET", &uri, "")?;
    let b = &v["Broken"];
    if b.is_null() {
        return print(&format!(
            "clean: {} holds after every record",
            invariant.unwrap_or("every state invariant")
        ));
    }
    let rec: Record = decoded(v["Record"].clone())?;
    let state: State = decoded(r.ask("GET", &format!("/_slrsim/state?at={}", rec.seq), "")?)?;
    print(&format!(
        "{} first broken after record {} ({} states reconstructed): {}\n{}\naction: {}",
        b["invariant"].as_str().unwrap_or_default(),
        rec.seq,
        b["reconstructions"],
        b["detail"].as_str().unwrap_or_default(),
        render::timeline_line(&rec, &state),
        slrsim::simulator::scenario::to_line(&rec.action)
    ))?;
    Err(Failure::Quiet(Exit::BadLog))
}

/// `timetravel::Explanation` as its JSON reads, in its order, so that `explain --json` prints the same
/// against a server (a field it does not know is an error, not a silent loss).
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Explained {
    deletion_task_id: String,
    account: String,
    started_by: u64,
    finished_by: Option<u64>,
    status: String,
    enabled: Vec<(String, String, i64, u64)>,
    recent_use: Option<(String, String, u64)>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    recent_use_by_viewers: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    faulted_by: Option<u64>,
    summary: String,
}

/// `explain` against a server.
pub(crate) fn explain(r: &Remote, task_id: &str, json: bool) -> Result<(), Failure> {
    let uri = format!(
        "/_slrsim/explain?{}",
        query(&[("task", Some(task_id.into()))])
    );
    let e: Explained = decoded(r.ask("GET", &uri, "")?)?;
    if json {
        print(&pretty(&e)?)
    } else {
        print(&e.summary)
    }
}

/// `fork` against a server: it writes the new folder (`to`, made absolute here).
pub(crate) fn fork(r: &Remote, at: u64, to: &Path) -> Result<(), Failure> {
    let path = std::path::absolute(to)?;
    let body = json!({"At": at, "To": path.display().to_string()}).to_string();
    let v = r.ask("POST", "/_slrsim/fork", &body)?;
    print(&format!(
        "forked records 0..={at} ({} records) into {}; continue it with `slrsim --db {} run FILE` and compare with `slrsim diff {at} N --other-db {}`",
        v["Records"],
        to.display(),
        to.display(),
        to.display()
    ))
}

/// `verify` against a server.
pub(crate) fn verify(r: &Remote) -> Result<(), Failure> {
    let v = r.ask("GET", "/_slrsim/verify", "")?;
    if let Some(p) = v.get("Problem").filter(|p| !p.is_null()) {
        return Err(Failure::BadLog(format!(
            "record {} fails verification: {}",
            p["Seq"],
            p["Detail"].as_str().unwrap_or_default()
        )));
    }
    let rebuilt: Vec<u64> = decoded(v["SnapshotsRebuilt"].clone())?;
    let mut text = format!(
        "verified {} records: hash chain intact, every action re-decides to its logged outcome, replay equals the live state (state hash {})",
        v["Records"],
        v["StateHash"].as_str().unwrap_or_default()
    );
    if !rebuilt.is_empty() {
        text.push_str(&format!(
            "\nrebuilt {} missing or damaged snapshot(s) from the log: after records {rebuilt:?}",
            rebuilt.len()
        ));
    }
    print(&text)
}

/// `log` against a server: pages of records read in order, folded into the state to show each line.
pub(crate) fn log(
    r: &Remote,
    from: Option<u64>,
    to: Option<u64>,
    json: bool,
    filter: &LogFilter,
) -> Result<(), Failure> {
    let from = from.unwrap_or(0);
    let mut state = match from.checked_sub(1) {
        None => State::default(),
        Some(before) => match r.send("GET", &format!("/_slrsim/state?at={before}"), "")? {
            // Past the end: nothing to show, as against the database.
            (404, _) => return Ok(()),
            (status, v) => decoded(r.judge(status, v)?)?,
        },
    };
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    let mut next = from;
    let mut last = None;
    while to.is_none_or(|t| next <= t) && last.is_none_or(|l| next <= l) {
        let end = to.map_or(String::new(), |t| format!("&to={t}"));
        let page = r.ask("GET", &format!("/_slrsim/log?from={next}{end}"), "")?;
        last = Some(last.unwrap_or(page["Last"].as_u64().unwrap_or(0)));
        let records: Vec<Record> = decoded(page["Records"].clone())?;
        if records.is_empty() {
            break;
        }
        for rec in records.iter().filter(|r| last.is_none_or(|l| r.seq <= l)) {
            next = rec.seq + 1;
            for e in rec.outcome.events() {
                slrsim::core::apply::apply_mut(&mut state, e);
            }
            if !filter.keeps(rec) {
                continue;
            }
            let line = if json {
                serde_json::to_string(rec).map_err(slrsim::StoreError::from)?
            } else {
                render::timeline_line(rec, &state)
            };
            writeln!(out, "{line}")?;
        }
    }
    out.flush()?;
    Ok(())
}
