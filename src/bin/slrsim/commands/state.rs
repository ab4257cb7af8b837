//! `state`, `get` and `diff`: the state at a point in history, one thing in it, and what changed between two points.

use std::path::Path;

use slrsim::log::replay;
use slrsim::timetravel::{self, timeline as render};

use super::{open_existing, pretty, print, resolve};
use crate::cli::Point;
use crate::exit::Failure;

/// Prints the whole state at a point.
pub(crate) fn state(db: &Path, point: &Point, json: bool) -> Result<(), Failure> {
    let store = open_existing(db)?;
    let at = resolve(&store, point)?;
    let replayed = replay::state_at(&store, at)?;
    if json {
        print(&pretty(&replayed.state)?)
    } else {
        print(&render::state_text(&replayed.state))
    }
}

/// Prints one thing (a role, a configuration, a task, an account) at a point.
pub(crate) fn get(db: &Path, point: &Point, account: &str, what: &[String]) -> Result<(), Failure> {
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

/// Prints what changed from record `n` to record `m` (of `other`, if given).
pub(crate) fn diff(
    db: &Path,
    n: u64,
    m: u64,
    other: Option<&Path>,
    json: bool,
) -> Result<(), Failure> {
    let store = open_existing(db)?;
    let before = timetravel::state_at(&store, n)?;
    let after = match other {
        Some(path) => {
            let other = open_existing(path)?;
            timetravel::state_at(&other, m)?
        }
        None => timetravel::state_at(&store, m)?,
    };
    print_changes(&timetravel::diff(&before, &after), n, m, other, json)
}

/// Prints what changed from record `n` to record `m` (of the database `other`, when given), as
/// `diff` prints it, whether the changes were found here or by a server.
pub(crate) fn print_changes(
    changes: &[timetravel::Change],
    n: u64,
    m: u64,
    other: Option<&Path>,
    json: bool,
) -> Result<(), Failure> {
    if json {
        return print(&pretty(&changes)?);
    }
    let mut text = format!(
        "{} change(s) from record {n} to record {m}{}\n",
        changes.len(),
        other.map_or(String::new(), |p| format!(" of {}", p.display()))
    );
    for c in changes {
        text.push_str(&format!("{c}\n"));
    }
    print(&text)
}
