//! Human-readable views of records and states, for the CLI.

use std::fmt::Write as _;

use serde_json::Value;

use crate::core::clock;
use crate::core::event::Event;
use crate::core::outcome::Outcome;
use crate::core::state::{Account, State};
use crate::log::record::Record;

/// The role's state in `account`, in a few words.
pub fn role_status(state: &State, account: &str) -> String {
    let acct = state.account(account);
    match acct.service_linked_role() {
        None => "role: none".to_string(),
        Some(r) => match acct.open_deletion_task(&r.role_name) {
            Some(t) => format!("role: {} (deletion {})", r.role_id, t.status.as_str()),
            None => format!("role: {}", r.role_id),
        },
    }
}

/// What an outcome says, in one line.
pub fn outcome_summary(rec: &Record) -> String {
    match &rec.outcome {
        Outcome::Error { error, .. } => {
            let mut line = format!("ERROR {} ({}): {}", error.code, error.status, error.message);
            if error.code.is_throttling() {
                let (account, region, operation) = crate::core::state::bucket_key(&rec.action);
                let region = if region.is_empty() {
                    String::new()
                } else {
                    format!(" in {region}")
                };
                line.push_str(&format!(
                    " [throttled: the {operation} bucket of account {account}{region} was empty]"
                ));
            }
            // A malformed request's record keeps what was sent: its start shows here, all of it
            // in `log --json`.
            if let crate::core::action::Operation::RefusedRequest(p) = &rec.action.op {
                if let Some(sent) = &p.request {
                    let one_line: String = sent
                        .chars()
                        .map(|c| if c.is_control() { ' ' } else { c })
                        .collect();
                    line.push_str(&format!(
                        " [sent: {}]",
                        crate::core::validate::shown(&one_line)
                    ));
                }
            }
            line
        }
        Outcome::Ok { events, response } => {
            let mut parts = response_summary(response);
            parts.extend(events.iter().filter_map(event_summary));
            if parts.is_empty() {
                "ok".to_string()
            } else {
                format!("ok: {}", parts.join("; "))
            }
        }
    }
}

/// What a response body says that a reader of the timeline wants to see.
fn response_summary(r: &Value) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    if let Some(id) = r.get("DeletionTaskId").and_then(Value::as_str) {
        parts.push(format!("task …{}", last_chars(id, 8)));
    }
    if let Some(s) = r.get("Status").and_then(Value::as_str) {
        parts.push(format!("Status {s}"));
    }
    if let Some(list) = r.pointer("/Reason/RoleUsageList").and_then(Value::as_array) {
        let regions: Vec<&str> = list
            .iter()
            .filter_map(|u| u.get("Region").and_then(Value::as_str))
            .collect();
        if !regions.is_empty() {
            parts.push(format!("in use in {}", regions.join(", ")));
        }
    }
    if let Some(reason) = r.pointer("/Reason/Reason").and_then(Value::as_str) {
        if reason.contains("Wait a few minutes") {
            parts.push("role used recently".to_string());
        }
    }
    if let Some(p) = r.get("PercentEnabled") {
        parts.push(format!("PercentEnabled {p}"));
    }
    if let Some(n) = r.get("LoggedSessions") {
        parts.push(format!(
            "{} sessions, {} logged, {} delivered, {} lost",
            r.get("Sessions").unwrap_or(&Value::Null),
            n,
            r.get("DeliveredSessions").unwrap_or(&Value::Null),
            r.get("LostSessions").unwrap_or(&Value::Null)
        ));
        if r.get("LogMode").is_some() {
            parts.push("debug log mode".to_string());
        }
        if let Some(v) = r.get("VendedSessions") {
            parts.push(format!(
                "{v} for vended logs (not simulated; nothing written to MediaTailor/* log groups)"
            ));
        }
    }
    if let Some(now) = r.get("Now").and_then(Value::as_str) {
        parts.push(format!("clock {now}"));
    }
    if let Some(Value::Object(by_account)) = r.get("ViewerSessions") {
        let counts: Vec<String> = match by_account.len() {
            1 => by_account.values().map(Value::to_string).collect(),
            _ => by_account
                .iter()
                .map(|(a, n)| format!("{n} in {a}"))
                .collect(),
        };
        parts.push(format!(
            "viewers played {} sessions on each configuration",
            counts.join(", ")
        ));
    }
    if let Some(groups) = r.get("logGroups").and_then(Value::as_array) {
        let names: Vec<&str> = groups
            .iter()
            .filter_map(|g| g.get("logGroupName").and_then(Value::as_str))
            .collect();
        parts.push(format!("groups [{}]", names.join(", ")));
    }
    if let Some(role) = r.get("Role") {
        if let Some(id) = role.get("RoleId").and_then(Value::as_str) {
            parts.push(format!("Role {id}"));
        }
    }
    parts
}

/// What an event says in a few words, for the events worth naming on the timeline.
fn event_summary(e: &Event) -> Option<String> {
    let said = match e {
        Event::RoleCreated { role, .. } if role.service_linked.is_some() => {
            "service-linked role created"
        }
        Event::RoleDeleted { .. } => "role deleted",
        Event::DeletionTaskFailed { .. } => "deletion FAILED",
        Event::DeletionTaskSucceeded { .. } => "deletion SUCCEEDED",
        _ => return None,
    };
    Some(said.to_string())
}

/// The role a read names, for the reads that eventual consistency can make stale.
pub fn read_role_name(op: &crate::core::action::Operation) -> Option<&str> {
    use crate::core::action::Operation as O;
    match op {
        O::GetRole(p) => Some(&p.role_name),
        O::ListAttachedRolePolicies(p) => Some(&p.role_name),
        O::ListRoleTags(p) | O::ListRolePolicies(p) | O::ListInstanceProfilesForRole(p) => {
            Some(&p.role_name)
        }
        O::GetRolePolicy(p) => Some(&p.role_name),
        _ => None,
    }
}

/// Why a read saw a role other than as it was (`SetConsistency`), in words: "stale read: the role
/// was created 3 s ago". A read changes nothing, so the state after it is the state it read.
pub fn stale_read(rec: &Record, after: &State) -> Option<String> {
    if let crate::core::action::Operation::ServeSessions(_) = &rec.action.op {
        return lag_lost_delivery(rec, after);
    }
    let name = read_role_name(&rec.action.op)?;
    after
        .account(&rec.action.account)
        .stale_read(name, rec.time)
        .map(|s| s.words())
}

/// Sessions whose logs were lost because MediaTailor's role was too new to use (`SetConsistency`).
fn lag_lost_delivery(rec: &Record, after: &State) -> Option<String> {
    let Outcome::Ok { response, .. } = &rec.outcome else {
        return None;
    };
    if response
        .get("LostSessions")
        .and_then(Value::as_u64)
        .unwrap_or(0)
        == 0
    {
        return None;
    }
    let account = after.account(&rec.action.account);
    let age = rec
        .time
        .saturating_sub(account.service_linked_role()?.create_date);
    (account.consistency_delay > 0 && age < account.consistency_delay)
        .then(|| format!("the role was created {age} s ago and is not yet usable"))
}

/// One line of the timeline: number, time, who, where, what, outcome, and the role after it.
pub fn timeline_line(rec: &Record, after: &State) -> String {
    let a = &rec.action;
    if rec.seq == 0 {
        return format!(
            "{:>6}  {}  log started (seed {})",
            rec.seq,
            clock::format(rec.time),
            after.seed
        );
    }
    let region = if a.op.is_global() {
        "(global)"
    } else if matches!(a.op, crate::core::action::Operation::AdvanceClock(_)) {
        "-"
    } else {
        a.region.as_str()
    };
    let mut outcome = outcome_summary(rec);
    if let Some(words) = stale_read(rec, after) {
        outcome.push_str(&format!(" ({words})"));
    }
    format!(
        "{:>6}  {}  {} {:<8} {:<14} {:<38} {}  [{}]",
        rec.seq,
        clock::format(rec.time),
        a.account,
        a.caller,
        region,
        a.op.name(),
        outcome,
        role_status(after, &a.account)
    )
}

/// A readable account-by-account view of a state.
pub fn state_text(state: &State) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "clock: {}   seed: {}",
        clock::format(state.now),
        state.seed
    );
    if state.accounts.is_empty() {
        let _ = writeln!(out, "no accounts yet");
    }
    for (id, acct) in &state.accounts {
        let _ = writeln!(
            out,
            "account {id}{}",
            if acct.used_media_tailor_before_slr_support {
                " (used MediaTailor before 2021-09-15)"
            } else {
                ""
            }
        );
        role_text(&mut out, acct);
        principals_text(&mut out, acct);
        tasks_text(&mut out, acct);
        regions_text(&mut out, acct);
    }
    out
}

/// The account's service-linked role: its id, creation, description and last use.
fn role_text(out: &mut String, acct: &Account) {
    match acct.service_linked_role() {
        Some(r) => {
            let _ = writeln!(
                out,
                "  AWSServiceRoleForMediaTailor: {} created {}",
                r.role_id,
                clock::format(r.create_date)
            );
            if let Some(d) = &r.description {
                let _ = writeln!(out, "    description: {d}");
            }
            if let Some(u) = &r.role_last_used {
                let _ = writeln!(
                    out,
                    "    last used: {} in {}",
                    clock::format(u.last_used_date),
                    u.region
                );
            }
        }
        None => {
            let _ = writeln!(out, "  AWSServiceRoleForMediaTailor: none");
        }
    }
}

/// The account's other roles and its users.
fn principals_text(out: &mut String, acct: &Account) {
    let others: Vec<&str> = acct
        .roles
        .values()
        .filter(|r| r.service_linked.is_none())
        .map(|r| r.role_name.as_str())
        .collect();
    if !others.is_empty() {
        let _ = writeln!(out, "  other roles: {}", others.join(", "));
    }
    if !acct.users.is_empty() {
        let users: Vec<&str> = acct.users.keys().map(String::as_str).collect();
        let _ = writeln!(out, "  users: {}", users.join(", "));
    }
}

/// The account's deletion tasks, oldest first, with the resources that kept a failed one from deleting.
fn tasks_text(out: &mut String, acct: &Account) {
    let mut tasks: Vec<_> = acct.deletion_tasks.values().collect();
    tasks.sort_by_key(|t| t.created_seq);
    for t in tasks {
        let _ = writeln!(
            out,
            "  deletion task {}: {} (started {})",
            t.deletion_task_id,
            t.status.as_str(),
            clock::format(t.created)
        );
        if let Some(r) = &t.reason {
            for u in &r.role_usage_list {
                let _ = writeln!(
                    out,
                    "    in use in {}: {}",
                    u.region,
                    u.resources.join(", ")
                );
            }
        }
    }
}

/// The account's playback configurations and log streams, region by region.
fn regions_text(out: &mut String, acct: &Account) {
    for (region, rs) in &acct.regions {
        for c in rs.playback_configurations.values() {
            let _ = writeln!(
                out,
                "  {region} playback configuration {}: logging {}% ({} served, {} logged, {} lost)",
                c.name,
                c.log_configuration.percent_enabled,
                c.sessions.served,
                c.sessions.logged,
                c.sessions.lost
            );
        }
        for g in rs.log_groups.values() {
            for s in g.streams.values() {
                let _ = writeln!(
                    out,
                    "  {region} log {}/{}: {} events, {} bytes",
                    g.log_group_name, s.log_stream_name, s.event_count, s.stored_bytes
                );
            }
        }
    }
}

/// The last `n` characters of `s` (whole characters: a record read from a log may hold any text, and
/// slicing it by bytes could split one).
fn last_chars(s: &str, n: usize) -> &str {
    let start = s
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    s.get(start..).unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A log may hold any text (a hand-made but chain-valid log, or another version's): a task id whose
    /// last eight characters are not eight bytes is shown whole-character, never sliced mid-character.
    #[test]
    fn a_task_id_of_any_text_is_shortened_by_characters() {
        assert_eq!(last_chars("abcdefghij", 8), "cdefghij");
        assert_eq!(last_chars("ab", 8), "ab");
        assert_eq!(last_chars("", 8), "");
        assert_eq!(last_chars("ééééééééé", 8), "éééééééé");
        let rec = Record {
            v: crate::log::record::SCHEMA_VERSION,
            seq: 1,
            time: 0,
            request_id: "r".into(),
            action: crate::core::action::Action::root(
                crate::core::action::Operation::AdvanceClock(
                    crate::core::action::AdvanceClockParams { seconds: 0 },
                ),
            ),
            outcome: Outcome::Ok {
                events: Vec::new(),
                response: serde_json::json!({"DeletionTaskId": "tâche-été-ünïcødé"}),
            },
        };
        assert!(outcome_summary(&rec).contains("task …-ünïcødé"));
    }
}
