//! End-to-end tests of the `slrsim` binary: each test drives the real executable against its own sled
//! database in a temporary folder, and reaches under the binary with `slrsim::log::store::Store` only where
//! the command line cannot (comparing raw stored bytes, damaging records, holding the lock).
// Test code: a failed unwrap or expect is a failed test, which is what a test should do.

use crate::support;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{ChildStdout, Stdio};

use serde_json::{Value, json};
use slrsim::core::outcome::Outcome;
use slrsim::log::record::{self, HASH_LEN, Record};
use slrsim::log::replay;
use slrsim::{Genesis, Simulator, StoreError};

use support::run::*;
use support::{SLR, SLR_ARN, action};

// ---------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------

/// The built-in demo scenario, to count its actions.
const DEMO: &str = include_str!("../../examples/demo.jsonl");

fn open_sim(db: &Path, genesis: Option<Genesis>) -> Simulator {
    open_when_free(|| Simulator::open(db, genesis)).expect("open simulator")
}

/// `slrsim --db DB run FILE` for a scenario written to a file.
fn run_text(db: &Db, text: &str) -> Out {
    let file = db.scenario("scenario.jsonl", text);
    slrsim(&db.path, &["run", file.to_str().expect("utf-8 path")])
}

/// `log --json`, which must succeed.
fn log_json(db: &Path) -> String {
    slrsim(db, &["log", "--json"])
        .code(0, "log --json")
        .stdout
        .clone()
}

/// The stored records, as `log --json` shows them.
fn log_records(db: &Path) -> Vec<Value> {
    log_json(db)
        .lines()
        .map(|l| serde_json::from_str(l).expect("log --json line is JSON"))
        .collect()
}

/// Joins scenario lines into a file's text.
fn lines(ls: &[&str]) -> String {
    let mut s = ls.join("\n");
    s.push('\n');
    s
}

/// The object's keys.
fn keys(v: &Value) -> BTreeSet<&str> {
    v.as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .map(String::as_str)
        .collect()
}

fn set<'a>(ks: &[&'a str]) -> BTreeSet<&'a str> {
    ks.iter().copied().collect()
}

/// Whether the JSON state has the MediaTailor service-linked role in the default account.
fn has_slr(state: &Value) -> bool {
    state["accounts"]["111122223333"]["roles"]
        .get(SLR)
        .is_some()
}

const PUT_LIVE: &str = r#"{"op":"PutPlaybackConfiguration","params":{"Name":"live"}}"#;
const LOGS_10: &str = r#"{"op":"ConfigureLogsForPlaybackConfiguration","params":{"PlaybackConfigurationName":"live","PercentEnabled":10}}"#;
const LOGS_101: &str = r#"{"op":"ConfigureLogsForPlaybackConfiguration","params":{"PlaybackConfigurationName":"live","PercentEnabled":101}}"#;
const GET_SLR: &str = r#"{"op":"GetRole","params":{"RoleName":"AWSServiceRoleForMediaTailor"}}"#;
const HEADER_7: &str = r#"{"seed":7,"start":"2026-05-01T00:00:00Z"}"#;

fn get_role(name: &str) -> String {
    json!({"op": "GetRole", "params": {"RoleName": name}}).to_string()
}

/// A small scenario: a playback configuration, logging on (which creates the role), reads and refusals.
fn basic_scenario() -> String {
    lines(&[
        HEADER_7,
        PUT_LIVE,
        LOGS_10,
        GET_SLR,
        LOGS_101,
        &get_role(&"A".repeat(65)),
    ])
}

/// A varied, deterministic workload of `n` valid scenario lines (AWS may accept or refuse each):
/// several accounts, regions and callers; logging on and off; deletions of the role; clock moves.
fn workload(n: usize, seed: u64) -> Vec<String> {
    let mut x = seed;
    let mut next = move |m: usize| -> usize {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((x >> 33) as usize) % m
    };
    let accounts = ["111122223333", "444455556666"];
    let regions = ["us-east-1", "eu-west-1", "ap-northeast-1"];
    let trust = json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]
    })
    .to_string();
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let account = accounts[next(accounts.len())];
        let region = regions[next(regions.len())];
        let k = next(3);
        let (op, params) = match next(19) {
            0 | 1 => (
                "PutPlaybackConfiguration",
                json!({"Name": format!("pc{k}")}),
            ),
            2..=4 => (
                "ConfigureLogsForPlaybackConfiguration",
                json!({"PlaybackConfigurationName": format!("pc{k}"), "PercentEnabled": ([0, 25, 100, 101][next(4)])}),
            ),
            5 => (
                "ServeSessions",
                json!({"PlaybackConfigurationName": format!("pc{k}"), "Sessions": 40}),
            ),
            6 => ("GetRole", json!({"RoleName": SLR})),
            7 => ("DeleteServiceLinkedRole", json!({"RoleName": SLR})),
            8 => (
                "GetServiceLinkedRoleDeletionStatus",
                json!({"DeletionTaskId": "$last"}),
            ),
            9 => (
                "AdvanceClock",
                json!({"Seconds": ([30, 120, 600][next(3)])}),
            ),
            10 => ("CreateUser", json!({"UserName": format!("u{k}")})),
            11 => (
                "AttachUserPolicy",
                json!({"UserName": format!("u{k}"), "PolicyArn": "arn:aws:iam::aws:policy/AWSElementalMediaTailorReadOnly"}),
            ),
            12 => (
                "CreateRole",
                json!({"RoleName": format!("role{k}"), "AssumeRolePolicyDocument": trust}),
            ),
            13 => (
                "TagRole",
                json!({"RoleName": format!("role{k}"), "Tags": [{"Key": "team", "Value": format!("t{k}")}]}),
            ),
            14 => ("DeleteRole", json!({"RoleName": format!("role{k}")})),
            15 => (
                "UpdateRoleDescription",
                json!({"RoleName": SLR, "Description": format!("d{k}")}),
            ),
            16 => ("ListRoles", json!({})),
            17 => ("DescribeLogGroups", json!({})),
            _ => (
                "CreateServiceLinkedRole",
                json!({"AWSServiceName": "mediatailor.amazonaws.com"}),
            ),
        };
        // Mostly root; sometimes an IAM user, who may not exist or may lack the permission.
        let caller = if next(5) == 0 {
            format!("u{k}")
        } else {
            "root".to_string()
        };
        out.push(
            json!({"op": op, "account": account, "region": region, "caller": caller, "params": params}).to_string(),
        );
    }
    out
}

// ---------------------------------------------------------------------------------------------------
// demo
// ---------------------------------------------------------------------------------------------------

fn demo_actions() -> usize {
    DEMO.lines()
        .filter(|l| l.trim_start().starts_with("{\"op\""))
        .count()
}

#[test]
fn demo_walks_the_lifecycle_and_verifies() {
    let db = fresh_db();
    let out = slrsim(&db.path, &["demo"]);
    out.code(0, "demo into a fresh db");
    // Two failed deletions (logging on in two regions, then one), then a successful one.
    let status_lines: Vec<&str> = out
        .lines()
        .into_iter()
        .filter(|l| l.contains("GetServiceLinkedRoleDeletionStatus"))
        .collect();
    assert_eq!(status_lines.len(), 3, "{status_lines:#?}");
    assert!(
        status_lines[0].contains("Status FAILED"),
        "{}",
        status_lines[0]
    );
    assert!(
        status_lines[1].contains("Status FAILED"),
        "{}",
        status_lines[1]
    );
    assert!(
        status_lines[2].contains("Status SUCCEEDED"),
        "{}",
        status_lines[2]
    );
    assert!(out.stdout.matches("FAILED").count() >= 2);
    assert!(out.stdout.contains("SUCCEEDED"));

    let records = log_records(&db.path);
    assert_eq!(
        records.len(),
        demo_actions() + 1,
        "genesis plus one record per demo action"
    );
    assert_eq!(records[0]["action"]["op"], "Genesis");

    let v = slrsim(&db.path, &["verify"]);
    v.code(0, "verify after demo");
    assert!(
        v.stdout
            .starts_with(&format!("verified {} records", records.len())),
        "{}",
        v.stdout
    );
}

#[test]
fn demo_twice_replaces_its_own_earlier_demo() {
    let db = fresh_db();
    let first = slrsim(&db.path, &["demo"]);
    first.code(0, "first demo");
    let log1 = log_json(&db.path);
    let second = slrsim(&db.path, &["demo"]);
    second.code(0, "second demo on the demo's own db");
    assert_eq!(first.stdout, second.stdout, "the demo is deterministic");
    let log2 = log_json(&db.path);
    assert_eq!(
        log1, log2,
        "the second demo replaced the first rather than appending to it"
    );
    assert_eq!(log2.lines().count(), demo_actions() + 1);
    slrsim(&db.path, &["verify"]).code(0, "verify after the second demo");
}

#[test]
fn demo_refuses_a_database_made_by_run() {
    let db = fresh_db();
    run_text(&db, &basic_scenario()).code(0, "run");
    let before = log_json(&db.path);
    let out = slrsim(&db.path, &["demo"]);
    out.code(2, "demo on a db made by run");
    assert!(out.stderr.contains("demo"), "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert_eq!(before, log_json(&db.path), "the run's log is intact");
    slrsim(&db.path, &["verify"]).code(0, "verify after the refused demo");
}

// ---------------------------------------------------------------------------------------------------
// run: output shape, stdin, AWS errors
// ---------------------------------------------------------------------------------------------------

#[test]
fn run_prints_one_json_line_per_action_with_the_documented_shape() {
    let db = fresh_db();
    let name64 = "A".repeat(64);
    let text = lines(&[
        HEADER_7,
        PUT_LIVE,
        LOGS_10,
        GET_SLR,
        LOGS_101,
        &get_role(&"A".repeat(65)),
        &get_role(&name64),
    ]);
    let out = run_text(&db, &text);
    out.code(0, "run (AWS errors are results)");
    let printed = out.json_lines();
    assert_eq!(printed.len(), 6, "one line per action");

    let ops = [
        "PutPlaybackConfiguration",
        "ConfigureLogsForPlaybackConfiguration",
        "GetRole",
        "ConfigureLogsForPlaybackConfiguration",
        "GetRole",
        "GetRole",
    ];
    let oks = [true, true, true, false, false, false];
    for (i, line) in printed.iter().enumerate() {
        assert_eq!(
            line["seq"].as_u64(),
            Some(i as u64 + 1),
            "seq after genesis: {line}"
        );
        assert_eq!(line["op"], ops[i], "{line}");
        assert_eq!(line["ok"], Value::Bool(oks[i]), "{line}");
        if oks[i] {
            assert_eq!(keys(line), set(&["seq", "op", "ok", "response"]), "{line}");
            assert!(line["response"].is_object(), "{line}");
        } else {
            assert_eq!(keys(line), set(&["seq", "op", "ok", "error"]), "{line}");
            assert_eq!(
                keys(&line["error"]),
                set(&["code", "message", "status"]),
                "{line}"
            );
            assert!(
                line["error"]["message"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty()),
                "{line}"
            );
        }
    }
    assert_eq!(printed[2]["response"]["Role"]["Arn"], SLR_ARN);
    assert_eq!(printed[3]["error"]["code"], "BadRequestException");
    assert_eq!(printed[3]["error"]["status"], 400);
    assert_eq!(printed[4]["error"]["code"], "ValidationError");
    assert_eq!(printed[4]["error"]["status"], 400);
    // 64 characters is a valid name: the role is merely missing.
    assert_eq!(printed[5]["error"]["code"], "NoSuchEntity");
    assert_eq!(printed[5]["error"]["status"], 404);

    // What was printed is what was recorded.
    let records = log_records(&db.path);
    assert_eq!(records.len(), 7);
    for line in &printed {
        let rec = &records[line["seq"].as_u64().expect("seq") as usize];
        assert_eq!(rec["seq"], line["seq"]);
        assert_eq!(rec["action"]["op"], line["op"]);
        if line["ok"] == true {
            assert_eq!(
                rec["outcome"]["ok"]["response"], line["response"],
                "seq {}",
                line["seq"]
            );
        } else {
            assert_eq!(
                rec["outcome"]["error"]["error"], line["error"],
                "seq {}",
                line["seq"]
            );
        }
    }
}

#[test]
fn run_reads_stdin_with_dash() {
    let from_file = fresh_db();
    let from_stdin = fresh_db();
    let text = basic_scenario();
    let a = run_text(&from_file, &text);
    a.code(0, "run FILE");
    let b = slrsim_stdin(&from_stdin.path, &["run", "-"], text.as_bytes());
    b.code(0, "run -");
    assert_eq!(b.lines().len(), 5);
    assert_eq!(a.stdout, b.stdout, "stdin and a file give the same results");
    assert_eq!(log_json(&from_file.path), log_json(&from_stdin.path));
}

#[test]
fn aws_errors_exit_zero_and_are_recorded() {
    let db = fresh_db();
    run_text(&db, &lines(&[PUT_LIVE, LOGS_10])).code(0, "setup");
    let long = "R".repeat(65);
    let out = slrsim_stdin(
        &db.path,
        &["run", "-"],
        lines(&[LOGS_101, &get_role(&long)]).as_bytes(),
    );
    out.code(0, "AWS-level errors are results, not failures");
    let printed = out.json_lines();
    assert_eq!(printed.len(), 2);
    assert!(printed.iter().all(|l| l["ok"] == false), "{printed:?}");

    let records = log_records(&db.path);
    assert_eq!(
        records.len(),
        5,
        "genesis, 2 setup actions, 2 refused actions"
    );
    let pct = &records[3];
    assert_eq!(pct["action"]["params"]["PercentEnabled"], 101);
    assert_eq!(
        pct["outcome"]["error"]["error"]["code"],
        "BadRequestException"
    );
    assert_eq!(pct["outcome"]["error"]["error"]["status"], 400);
    let name = &records[4];
    assert_eq!(name["action"]["params"]["RoleName"], long.as_str());
    assert_eq!(name["outcome"]["error"]["error"]["code"], "ValidationError");
    assert_eq!(name["outcome"]["error"]["error"]["status"], 400);

    // A refusal changes nothing: logging stays at 10%.
    let state: Value = serde_json::from_str(
        &slrsim(&db.path, &["state", "--json"])
            .code(0, "state")
            .stdout,
    )
    .expect("state --json is JSON");
    let pc = &state["accounts"]["111122223333"]["regions"]["us-east-1"]["playback_configurations"]
        ["live"];
    assert_eq!(pc["log_configuration"]["percent_enabled"], 10, "{pc}");
    slrsim(&db.path, &["verify"]).code(0, "verify");
}

#[test]
fn run_with_sync_gives_the_same_log() {
    let a = fresh_db();
    let b = fresh_db();
    let text = lines(
        &workload(60, 3)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    let out_a = run_text(&a, &text);
    out_a.code(0, "run");
    let file = b.scenario("s.jsonl", &text);
    let out_b = slrsim(&b.path, &["run", file.to_str().expect("utf-8"), "--sync"]);
    out_b.code(0, "run --sync");
    assert_eq!(out_a.stdout, out_b.stdout);
    assert_eq!(log_json(&a.path), log_json(&b.path));
    slrsim(&b.path, &["verify"]).code(0, "verify after --sync");
}

// ---------------------------------------------------------------------------------------------------
// Malformed input: exit 2, the line named, nothing appended
// ---------------------------------------------------------------------------------------------------

/// (what, scenario text, the line to be named, a phrase the message must hold)
fn malformed_cases() -> Vec<(&'static str, String, usize, &'static str)> {
    let valid = get_role("x");
    let big = format!(
        r#"{{"op":"GetRole","params":{{"RoleName":"{}"}}}}"#,
        "x".repeat(1 << 20)
    );
    vec![
        ("not JSON", lines(&["this is not json"]), 1, "not JSON"),
        ("not an object", lines(&[&valid, "[1,2,3]"]), 2, "object"),
        (
            "unknown op",
            lines(&["# a comment", "", r#"{"op":"LaunchRockets","params":{}}"#]),
            3,
            "unknown op `LaunchRockets`",
        ),
        (
            "unknown top-level field",
            lines(&[r#"{"op":"GetRole","params":{"RoleName":"x"},"colour":"red"}"#]),
            1,
            "unknown field `colour`",
        ),
        (
            "unknown param",
            lines(&[
                HEADER_7,
                r#"{"op":"GetRole","params":{"RoleName":"x","Colour":"red"}}"#,
            ]),
            2,
            "Colour",
        ),
        (
            "missing required param",
            lines(&[
                r#"{"op":"ConfigureLogsForPlaybackConfiguration","params":{"PlaybackConfigurationName":"live"}}"#,
            ]),
            1,
            "PercentEnabled",
        ),
        (
            "wrong type",
            lines(&[
                r#"{"op":"ConfigureLogsForPlaybackConfiguration","params":{"PlaybackConfigurationName":"live","PercentEnabled":"ten"}}"#,
            ]),
            1,
            "invalid type",
        ),
        (
            "params not an object",
            lines(&[r#"{"op":"GetRole","params":"x"}"#]),
            1,
            "`params` must be an object",
        ),
        (
            "bad account id",
            lines(&[r#"{"op":"GetRole","account":"1234","params":{"RoleName":"x"}}"#]),
            1,
            "account",
        ),
        (
            "unknown region",
            lines(&[r#"{"op":"GetRole","region":"mars-north-1","params":{"RoleName":"x"}}"#]),
            1,
            "mars-north-1",
        ),
        (
            "op Genesis",
            lines(&[r#"{"op":"Genesis","params":{"Seed":1,"Start":1767225600}}"#]),
            1,
            "Genesis",
        ),
        (
            "a line over 1 MiB",
            lines(&[&valid, &big]),
            2,
            "longer than",
        ),
        (
            "malformed line after valid ones",
            lines(&[
                HEADER_7,
                PUT_LIVE,
                LOGS_10,
                GET_SLR,
                "{\"op\":\"GetRole\",\"params\":{",
            ]),
            5,
            "not JSON",
        ),
        (
            "header after an action",
            lines(&[&valid, HEADER_7]),
            2,
            "unknown field `seed`",
        ),
        (
            "header start not RFC 3339",
            lines(&[r#"{"seed":1,"start":"yesterday"}"#, &valid]),
            1,
            "RFC 3339",
        ),
    ]
}

#[test]
fn malformed_input_exits_2_names_the_line_and_appends_nothing() {
    let db = fresh_db();
    run_text(&db, &basic_scenario()).code(0, "setup");
    let before = log_json(&db.path);
    let before_values = stored_values(&db.path);
    for (what, text, line, phrase) in malformed_cases() {
        let out = run_text(&db, &text);
        out.code(2, what);
        assert!(
            out.stderr.contains(&format!("line {line}:")),
            "{what}: stderr should name line {line}: {}",
            cut(&out.stderr)
        );
        assert!(
            out.stderr.contains(phrase),
            "{what}: stderr should say `{phrase}`: {}",
            cut(&out.stderr)
        );
        assert!(
            out.stderr.contains("nothing was appended"),
            "{what}: {}",
            cut(&out.stderr)
        );
        assert!(
            out.stdout.is_empty(),
            "{what}: no action output: {}",
            cut(&out.stdout)
        );
        assert_eq!(before, log_json(&db.path), "{what}: nothing appended");
    }
    assert_eq!(
        before_values,
        stored_values(&db.path),
        "stored bytes unchanged"
    );
    slrsim(&db.path, &["verify"]).code(0, "verify after the refused scenarios");
}

#[test]
fn malformed_input_on_stdin_exits_2_and_appends_nothing() {
    let db = fresh_db();
    run_text(&db, &basic_scenario()).code(0, "setup");
    let before = log_json(&db.path);
    for (what, text, line, _) in malformed_cases() {
        let out = slrsim_stdin(&db.path, &["run", "-"], text.as_bytes());
        out.code(2, what);
        assert!(
            out.stderr.contains(&format!("line {line}:")),
            "{what}: {}",
            cut(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "{what}");
    }
    assert_eq!(before, log_json(&db.path));
}

#[test]
fn malformed_input_into_a_new_path_creates_no_database() {
    for (what, text, _, _) in malformed_cases() {
        let db = fresh_db();
        run_text(&db, &text).code(2, what);
        assert!(
            !db.path.exists(),
            "{what}: a refused scenario must not create the database"
        );
    }
}

#[test]
fn a_missing_scenario_file_or_database_is_a_usage_error() {
    let db = fresh_db();
    let out = slrsim(&db.path, &["run", "/nonexistent/scenario.jsonl"]);
    out.code(2, "run of a missing file");
    assert!(out.stderr.contains("cannot open"), "{}", out.stderr);
    assert!(!db.path.exists());
    for args in [&["log"][..], &["state"], &["verify"]] {
        let out = slrsim(&db.path, args);
        out.code(2, &format!("{args:?} without a database"));
        assert!(out.stderr.contains("no database"), "{}", out.stderr);
        assert!(!db.path.exists(), "{args:?} must not create a database");
    }
    slrsim(&db.path, &["frobnicate"]).code(2, "unknown subcommand");
    slrsim(&db.path, &["log", "--from", "abc"]).code(2, "non-numeric --from");
}

#[test]
fn a_line_over_1_mib_is_refused_even_without_a_newline() {
    // 1 MiB + 1 byte of content: refused, even as the last line without a newline.
    let db = fresh_db();
    run_text(&db, &lines(&[PUT_LIVE])).code(0, "setup");
    let before = log_json(&db.path);
    let pre = r#"{"op":"GetRole","params":{"RoleName":""#;
    let post = r#""}}"#;
    let line = format!(
        "{pre}{}{post}",
        "x".repeat((1 << 20) + 1 - pre.len() - post.len())
    );
    assert_eq!(line.len(), (1 << 20) + 1);
    let out = run_text(&db, &line);
    out.code(2, "a 1 MiB + 1 byte line without a newline");
    assert!(out.stderr.contains("line 1:"), "{}", cut(&out.stderr));
    assert_eq!(before, log_json(&db.path));
}

#[test]

fn a_line_of_exactly_1_mib_is_accepted_with_or_without_its_newline() {
    let pre = r#"{"op":"GetRole","params":{"RoleName":""#;
    let post = r#""}}"#;
    let line = format!(
        "{pre}{}{post}",
        "x".repeat((1 << 20) - pre.len() - post.len())
    );
    assert_eq!(line.len(), 1 << 20);
    for (what, text) in [
        ("without newline", line.clone()),
        ("with newline", format!("{line}\n")),
    ] {
        let db = fresh_db();
        let out = run_text(&db, &text);
        out.code(0, &format!("a line of exactly 1 MiB, {what}"));
        assert_eq!(out.lines().len(), 1, "{what}");
    }
}

// ---------------------------------------------------------------------------------------------------
// The header line
// ---------------------------------------------------------------------------------------------------

#[test]
fn header_sets_seed_and_clock() {
    let db = fresh_db();
    let out = run_text(
        &db,
        &lines(&[
            HEADER_7,
            PUT_LIVE,
            r#"{"op":"AdvanceClock","params":{"Seconds":3600}}"#,
            LOGS_10,
            GET_SLR,
        ]),
    );
    out.code(0, "run with a header");
    let printed = out.json_lines();
    assert_eq!(
        printed[3]["response"]["Role"]["CreateDate"],
        "2026-05-01T01:00:00Z"
    );
    let state: Value = serde_json::from_str(
        &slrsim(&db.path, &["state", "--json"])
            .code(0, "state")
            .stdout,
    )
    .expect("JSON");
    assert_eq!(state["seed"], 7);
    assert_eq!(state["start"], 1_777_593_600, "2026-05-01T00:00:00Z");
    assert_eq!(state["now"], 1_777_593_600 + 3600);
    let records = log_records(&db.path);
    assert_eq!(records[0]["action"]["op"], "Genesis");
    assert_eq!(
        records[0]["action"]["params"],
        json!({"Seed": 7, "Start": 1_777_593_600, "Rules": slrsim::core::rules::RULES})
    );
}

#[test]
fn no_header_means_seed_0_at_2026_01_01() {
    let db = fresh_db();
    let out = run_text(&db, &lines(&[PUT_LIVE, LOGS_10, GET_SLR]));
    out.code(0, "run without a header");
    assert_eq!(
        out.json_lines()[2]["response"]["Role"]["CreateDate"],
        "2026-01-01T00:00:00Z"
    );
    let state: Value = serde_json::from_str(
        &slrsim(&db.path, &["state", "--json"])
            .code(0, "state")
            .stdout,
    )
    .expect("JSON");
    assert_eq!(state["seed"], 0);
}

#[test]
fn a_different_header_against_an_existing_db_is_refused() {
    let db = fresh_db();
    run_text(&db, &basic_scenario()).code(0, "setup with seed 7");
    let before = log_json(&db.path);
    for (what, header) in [
        (
            "another seed",
            r#"{"seed":8,"start":"2026-05-01T00:00:00Z"}"#,
        ),
        (
            "another start",
            r#"{"seed":7,"start":"2026-05-02T00:00:00Z"}"#,
        ),
        ("seed only (start defaults)", r#"{"seed":7}"#),
    ] {
        let out = run_text(&db, &lines(&[header, &get_role("x")]));
        out.code(2, what);
        assert!(out.stderr.contains("seed 7"), "{what}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{what}: {}", out.stdout);
        assert_eq!(before, log_json(&db.path), "{what}: nothing appended");
    }
}

#[test]
fn the_same_header_or_none_appends_to_an_existing_db() {
    let db = fresh_db();
    run_text(&db, &basic_scenario()).code(0, "setup");
    let n = log_records(&db.path).len() as u64;
    let out = run_text(&db, &lines(&[HEADER_7, &get_role("x")]));
    out.code(0, "the same header");
    assert_eq!(
        out.json_lines()[0]["seq"].as_u64(),
        Some(n),
        "numbering continues"
    );
    let out = run_text(&db, &lines(&[&get_role("y")]));
    out.code(0, "no header");
    assert_eq!(out.json_lines()[0]["seq"].as_u64(), Some(n + 1));
    let records = log_records(&db.path);
    assert_eq!(records.len() as u64, n + 2);
    assert_eq!(records[n as usize + 1]["action"]["params"]["RoleName"], "y");
    slrsim(&db.path, &["verify"]).code(0, "verify after appending");
}

// ---------------------------------------------------------------------------------------------------
// Determinism
// ---------------------------------------------------------------------------------------------------

fn seeded(seed: u64, body: &[String]) -> String {
    let mut ls = vec![format!(
        r#"{{"seed":{seed},"start":"2026-03-01T12:00:00Z"}}"#
    )];
    ls.extend(body.iter().cloned());
    ls.push(PUT_LIVE.to_string());
    ls.push(LOGS_10.to_string());
    ls.push(GET_SLR.to_string());
    lines(&ls.iter().map(String::as_str).collect::<Vec<_>>())
}

#[test]
fn the_same_scenario_and_seed_give_identical_bytes() {
    let body = workload(300, 11);
    let text = seeded(11, &body);
    let a = fresh_db();
    let b = fresh_db();
    let out_a = run_text(&a, &text);
    out_a.code(0, "run into a");
    let out_b = run_text(&b, &text);
    out_b.code(0, "run into b");
    assert_eq!(out_a.stdout, out_b.stdout);
    let log_a = log_json(&a.path);
    assert_eq!(log_a, log_json(&b.path), "log --json is byte-identical");
    assert_eq!(log_a.lines().count(), body.len() + 4);

    let va = stored_values(&a.path);
    let vb = stored_values(&b.path);
    assert_eq!(va.len(), body.len() + 4);
    for ((sa, xa), (sb, xb)) in va.iter().zip(&vb) {
        assert_eq!(sa, sb);
        assert_eq!(xa, xb, "stored value of record {sa} differs");
    }
    assert_eq!(va, vb);

    // The workload really exercises the simulator: accepted and refused calls, roles made.
    let printed = out_a.json_lines();
    assert!(printed.iter().filter(|l| l["ok"] == true).count() > 50);
    assert!(printed.iter().filter(|l| l["ok"] == false).count() > 50);
}

#[test]
fn a_different_seed_gives_different_ids() {
    let text7 = seeded(7, &[]);
    let text8 = seeded(8, &[]);
    let a = fresh_db();
    let b = fresh_db();
    let ra = run_text(&a, &text7);
    ra.code(0, "seed 7");
    let rb = run_text(&b, &text8);
    rb.code(0, "seed 8");
    let role_a = &ra.json_lines()[2]["response"]["Role"]["RoleId"];
    let role_b = &rb.json_lines()[2]["response"]["Role"]["RoleId"];
    assert!(
        role_a.as_str().is_some_and(|s| s.starts_with("AROA")),
        "{role_a}"
    );
    assert!(
        role_b.as_str().is_some_and(|s| s.starts_with("AROA")),
        "{role_b}"
    );
    assert_ne!(role_a, role_b, "RoleIds derive from the seed");
    let la = log_records(&a.path);
    let lb = log_records(&b.path);
    assert_ne!(
        la[1]["request_id"], lb[1]["request_id"],
        "request ids derive from the seed"
    );
}

// ---------------------------------------------------------------------------------------------------
// state and log
// ---------------------------------------------------------------------------------------------------

#[test]
fn state_at_n_equals_the_state_replayed_to_n() {
    let db = fresh_db();
    // seq: 0 genesis, 1 Put, 2 ConfigureLogs (creates the role), 3 GetRole, 4 refused, 5 refused
    run_text(&db, &basic_scenario()).code(0, "run");
    let last = 5u64;
    let mut outputs = Vec::new();
    for n in 0..=last {
        let out = slrsim(&db.path, &["state", "--at", &n.to_string(), "--json"]);
        out.code(0, &format!("state --at {n} --json"));
        outputs.push(out.stdout);
    }
    let now = slrsim(&db.path, &["state", "--json"]);
    now.code(0, "state --json");
    let text_at_2 = slrsim(&db.path, &["state", "--at", "2"]);
    text_at_2.code(0, "state --at 2");
    let text_at_1 = slrsim(&db.path, &["state", "--at", "1"]);
    text_at_1.code(0, "state --at 1");

    let parsed: Vec<Value> = outputs
        .iter()
        .map(|o| serde_json::from_str(o).expect("JSON"))
        .collect();
    assert!(!has_slr(&parsed[1]), "no role before ConfigureLogs");
    assert!(
        has_slr(&parsed[2]),
        "the role exists at the record after ConfigureLogs"
    );
    assert!(has_slr(&parsed[5]));
    assert_eq!(
        outputs[last as usize], now.stdout,
        "state = state --at <last>"
    );
    let role_id = parsed[2]["accounts"]["111122223333"]["roles"][SLR]["role_id"]
        .as_str()
        .expect("role id")
        .to_string();
    assert!(text_at_2.stdout.contains(&role_id), "{}", text_at_2.stdout);
    assert!(!text_at_1.stdout.contains(&role_id), "{}", text_at_1.stdout);

    let store = open_store(&db.path);
    for (n, out) in outputs.iter().enumerate() {
        let replayed = replay::replay(&store, Some(n as u64)).expect("replay");
        assert_eq!(replayed.next_seq, n as u64 + 1);
        let want = serde_json::to_string_pretty(&replayed.state).expect("serialise state");
        assert_eq!(out.trim_end(), want, "state --at {n} --json");
    }
}

#[test]
fn state_at_beyond_the_end_fails_clearly() {
    let db = fresh_db();
    run_text(&db, &basic_scenario()).code(0, "run");
    for at in ["6", "1000"] {
        let out = slrsim(&db.path, &["state", "--at", at]);
        out.no_panic("state --at beyond the end");
        assert_ne!(
            out.code,
            Some(0),
            "state --at {at} of a 6-record log must fail"
        );
        assert!(
            out.stderr.contains(&format!("record {at} does not exist")),
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains("ends at 5"), "{}", out.stderr);
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn log_from_to_limits_the_lines() {
    let db = fresh_db();
    run_text(&db, &basic_scenario()).code(0, "run");
    let seqs = |args: &[&str]| -> Vec<u64> {
        let mut a = vec!["log", "--json"];
        a.extend_from_slice(args);
        slrsim(&db.path, &a)
            .code(0, &format!("{a:?}"))
            .json_lines()
            .iter()
            .map(|r| r["seq"].as_u64().expect("seq"))
            .collect()
    };
    assert_eq!(seqs(&[]), vec![0, 1, 2, 3, 4, 5]);
    assert_eq!(seqs(&["--from", "2", "--to", "4"]), vec![2, 3, 4]);
    assert_eq!(seqs(&["--from", "4"]), vec![4, 5]);
    assert_eq!(seqs(&["--to", "1"]), vec![0, 1]);
    assert_eq!(seqs(&["--from", "3", "--to", "3"]), vec![3]);
    assert!(seqs(&["--from", "9"]).is_empty());
    assert!(seqs(&["--from", "4", "--to", "2"]).is_empty());

    // The text view obeys the same limits.
    let text = slrsim(&db.path, &["log", "--from", "2", "--to", "4"]);
    text.code(0, "log --from 2 --to 4");
    let ls = text.lines();
    assert_eq!(ls.len(), 3, "{}", text.stdout);
    for (l, seq) in ls.iter().zip(2..) {
        assert!(l.trim_start().starts_with(&format!("{seq} ")), "{l}");
    }
    assert!(
        ls[0].contains("ConfigureLogsForPlaybackConfiguration"),
        "{}",
        ls[0]
    );
}

/// Spawns `log ARGS` with piped stdout, reads one line, closes the pipe, and waits.
fn read_one_line_then_close(db: &Path, args: &[&str]) -> (String, Option<i32>, String) {
    let mut child = command(db, args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn slrsim");
    let err = read_all(child.stderr.take().expect("stderr"));
    let stdout: ChildStdout = child.stdout.take().expect("stdout");
    let mut reader = BufReader::new(stdout);
    let mut first = String::new();
    reader.read_line(&mut first).expect("read first line");
    drop(reader);
    let status = wait_or_kill(&mut child, HANG_LIMIT);
    let stderr = err.join().expect("stderr reader");
    let status = status.unwrap_or_else(|| panic!("{args:?} hung after its reader went away"));
    (first, status.code(), stderr)
}

#[test]
fn a_closed_pipe_ends_log_and_state_quietly() {
    let db = fresh_db();
    // Enough output to overflow any pipe buffer, so the writer must meet the closed pipe.
    let many: Vec<String> = (0..3000).map(|i| get_role(&format!("r{i}"))).collect();
    let out = run_text(
        &db,
        &lines(&many.iter().map(String::as_str).collect::<Vec<_>>()),
    );
    out.code(0, "setup");
    for args in [&["log"][..], &["log", "--json"], &["log", "--from", "10"]] {
        let (first, code, stderr) = read_one_line_then_close(&db.path, args);
        assert!(!first.is_empty(), "{args:?}: printed a first line");
        assert_eq!(
            code,
            Some(0),
            "{args:?}: a closed pipe is not an error; stderr: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(
            stderr.trim().is_empty(),
            "{args:?}: ends quietly, but said: {stderr}"
        );
    }
    let (first, code, stderr) = read_one_line_then_close(&db.path, &["state", "--json"]);
    assert_eq!(first.trim(), "{");
    assert_eq!(code, Some(0), "state: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    // The log is untouched by readers.
    slrsim(&db.path, &["verify"]).code(0, "verify");
}

#[test]

fn run_into_a_closed_pipe_does_not_exit_0_with_a_half_run_scenario() {
    let db = fresh_db();
    let many: Vec<String> = (0..3000).map(|i| get_role(&format!("r{i}"))).collect();
    let file = db.scenario(
        "many.jsonl",
        &lines(&many.iter().map(String::as_str).collect::<Vec<_>>()),
    );
    let (_, code, stderr) =
        read_one_line_then_close(&db.path, &["run", file.to_str().expect("utf-8")]);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let records = log_records(&db.path).len();
    // Either the whole scenario ran (as the demo does), or the exit status says it did not.
    assert!(
        records == many.len() + 1 || code != Some(0),
        "exit {code:?} but only {} of {} actions were appended",
        records - 1,
        many.len()
    );
}

// ---------------------------------------------------------------------------------------------------
// Library: replay equals live
// ---------------------------------------------------------------------------------------------------

#[test]
fn replay_equals_live_after_reopening() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("db");
    let genesis = Genesis {
        seed: 99,
        ..Genesis::default()
    };
    let lines = workload(400, 5);
    let mut sim = open_sim(&path, Some(genesis));
    let mut live_after = vec![sim.state().clone()]; // after record 0
    let mut changed = 0;
    for l in &lines {
        let rec = sim.execute(action(l)).expect("execute");
        if !rec.outcome.events().is_empty() {
            changed += 1;
        }
        live_after.push(sim.state().clone());
    }
    assert!(
        changed > 50,
        "the workload changes the state often ({changed})"
    );
    let live = sim.state().clone();
    let next = sim.next_seq();
    assert_eq!(next, lines.len() as u64 + 1);
    drop(sim);

    let sim = open_sim(&path, None);
    assert_eq!(sim.state(), &live, "reopened state equals the live one");
    assert_eq!(sim.next_seq(), next);
    let replayed = replay::replay(sim.store(), None).expect("replay");
    assert_eq!(replayed.state, live);
    assert_eq!(replayed.next_seq, next);
    assert_eq!(replayed.state.hash(), live.hash());
    for (n, want) in live_after.iter().enumerate().step_by(7) {
        let r = replay::replay(sim.store(), Some(n as u64)).expect("replay prefix");
        assert_eq!(&r.state, want, "state after record {n}");
    }
    let v = replay::verify(sim.store()).expect("verify");
    assert_eq!(v.problem, None);
    assert_eq!(v.records, next);
    assert_eq!(v.state_hash, live.hash());
    drop(sim);

    // Reopening with the same genesis works; another is refused and writes nothing.
    drop(open_sim(&path, Some(genesis)));
    let other = Genesis {
        seed: 100,
        ..genesis
    };
    let refused = open_when_free(|| Simulator::open(&path, Some(other)));
    assert!(
        matches!(
            refused,
            Err(StoreError::OtherGenesis {
                seed: 99,
                asked_seed: 100,
                ..
            })
        ),
        "another genesis is refused: {refused:?}"
    );
    let sim = open_sim(&path, None);
    assert_eq!(sim.next_seq(), next);
}

#[test]
fn reopening_mid_run_continues_the_same_chain() {
    let lines = workload(200, 8);
    let genesis = Genesis {
        seed: 4,
        ..Genesis::default()
    };
    let a = tempfile::tempdir().expect("temp dir");
    let b = tempfile::tempdir().expect("temp dir");
    let (pa, pb) = (a.path().join("db"), b.path().join("db"));
    {
        let mut sim = open_sim(&pa, Some(genesis));
        for l in &lines {
            sim.execute(action(l)).expect("execute");
        }
    }
    {
        let (first, second) = lines.split_at(lines.len() / 2);
        let mut sim = open_sim(&pb, Some(genesis));
        for l in first {
            sim.execute(action(l)).expect("execute");
        }
        drop(sim);
        let mut sim = open_sim(&pb, None);
        for l in second {
            sim.execute(action(l)).expect("execute");
        }
    }
    let va = stored_values(&pa);
    assert_eq!(va.len(), lines.len() + 1);
    assert_eq!(
        va,
        stored_values(&pb),
        "an interrupted run stores the same bytes"
    );
    // And the binary agrees the reopened log is sound.
    slrsim(&pb, &["verify"]).code(0, "verify the reopened log");
}

// ---------------------------------------------------------------------------------------------------
// verify catches damage
// ---------------------------------------------------------------------------------------------------

/// A db with a few records, made by the binary.
fn db_with_records() -> Db {
    let db = fresh_db();
    run_text(&db, &basic_scenario()).code(0, "setup");
    slrsim(&db.path, &["verify"]).code(0, "verify before damage");
    db
}

/// Asserts that every reader of the damaged log fails naming `record N`, without panicking.
fn assert_readers_name(db: &Path, seq: u64) {
    let needle = format!("record {seq}");
    let v = slrsim(db, &["verify"]);
    v.code(1, "verify of a damaged log");
    assert!(
        v.stderr.contains(&needle),
        "verify should name {needle}: {}",
        v.stderr
    );
    for args in [
        &["state"][..],
        &["state", "--json"],
        &["log"],
        &["log", "--json"],
    ] {
        let out = slrsim(db, args);
        out.no_panic(&format!("{args:?}"));
        assert_ne!(out.code, Some(0), "{args:?} on a damaged log must fail");
        assert!(
            out.stderr.contains(&needle),
            "{args:?} should name {needle}: {}",
            out.stderr
        );
    }
    // Appending to a damaged log is refused, and nothing is written.
    let before = stored_values(db);
    let out = slrsim_stdin(db, &["run", "-"], lines(&[&get_role("x")]).as_bytes());
    out.no_panic("run on a damaged log");
    assert_ne!(out.code, Some(0), "run on a damaged log must fail");
    assert!(
        out.stderr.contains(&needle),
        "run should name {needle}: {}",
        out.stderr
    );
    assert_eq!(
        before,
        stored_values(db),
        "nothing appended to a damaged log"
    );
}

#[test]
fn verify_catches_a_flipped_byte() {
    let db = db_with_records();
    {
        let store = open_store(&db.path);
        let mut value = store
            .get(3)
            .expect("get")
            .expect("record 3 exists")
            .to_vec();
        let body = &value[HASH_LEN..];
        // Flip a byte inside a string of the JSON body, keeping it valid JSON: only the hash can tell.
        let at = HASH_LEN
            + body
                .windows(7)
                .position(|w| w == b"GetRole")
                .expect("record 3 is GetRole")
            + 1;
        value[at] ^= 0x20; // 'e' -> 'E'
        store.raw_put(3, &value).expect("raw_put");
        store.flush().expect("flush");
    }
    assert_readers_name(&db.path, 3);
    // Records before the damage still read.
    let out = slrsim(&db.path, &["state", "--at", "2", "--json"]);
    out.code(0, "state --at 2 before the damaged record");
}

#[test]
fn verify_catches_a_missing_record() {
    let db = db_with_records();
    {
        let store = open_store(&db.path);
        store.raw_remove(2).expect("raw_remove");
        assert!(store.get(2).expect("get").is_none());
        assert!(
            store.get(3).expect("get").is_some(),
            "only record 2 was removed"
        );
        store.flush().expect("flush");
    }
    assert_readers_name(&db.path, 2);
}

#[test]
fn verify_catches_a_rechained_record_with_another_outcome() {
    // A forger who re-hashes the chain still cannot change what an action did: verify re-decides it.
    let db = db_with_records();
    {
        let store = open_store(&db.path);
        let mut prev = record::genesis_hash();
        let mut recs: Vec<Record> = Vec::new();
        for item in store.iter_from(0) {
            let (seq, value) = item.expect("read");
            let (rec, hash) = record::decode(seq, &value, &prev).expect("decode");
            recs.push(rec);
            prev = hash;
        }
        match &mut recs[3].outcome {
            Outcome::Ok { response, .. } => {
                response["Role"]["RoleId"] = json!("AROAFORGEDFORGEDFORGE")
            }
            Outcome::Error { .. } => panic!("record 3 is an accepted GetRole"),
        }
        let mut prev = record::genesis_hash();
        for rec in &recs {
            let (value, hash) = record::encode(rec, &prev).expect("encode");
            store.raw_put(rec.seq, &value).expect("raw_put");
            prev = hash;
        }
        store.flush().expect("flush");
        // The chain itself is intact now.
        assert!(replay::replay(&store, None).is_ok());
    }
    let v = slrsim(&db.path, &["verify"]);
    v.code(1, "verify of a forged outcome");
    assert!(v.stderr.contains("record 3"), "{}", v.stderr);
    assert!(v.stderr.contains("GetRole"), "{}", v.stderr);
}

#[test]

fn verify_catches_a_truncated_tail() {
    let db = db_with_records();
    let last = {
        let store = open_store(&db.path);
        let last = store.next_seq().expect("next_seq") - 1;
        store.raw_remove(last).expect("raw_remove");
        store.flush().expect("flush");
        last
    };
    let v = slrsim(&db.path, &["verify"]);
    v.code(1, "verify of a log missing its last record");
    assert!(v.stderr.contains(&format!("record {last}")), "{}", v.stderr);
}

// ---------------------------------------------------------------------------------------------------
// A database in use
// ---------------------------------------------------------------------------------------------------

#[test]
fn a_database_in_use_is_a_clear_storage_error() {
    let db = db_with_records();
    let store = open_store(&db.path);
    for args in [&["state"][..], &["run", "-"], &["verify"], &["demo"]] {
        let mut child = command(&db.path, args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        if let Some(mut stdin) = child.stdin.take() {
            let _ = stdin.write_all(lines(&[&get_role("x")]).as_bytes());
        }
        let err = read_all(child.stderr.take().expect("stderr"));
        let out = read_all(child.stdout.take().expect("stdout"));
        let status = wait_or_kill(&mut child, HANG_LIMIT);
        let stderr = err.join().expect("stderr reader");
        let _ = out.join();
        let status = status
            .unwrap_or_else(|| panic!("{args:?} on a database in use hung for {HANG_LIMIT:?}"));
        assert_eq!(status.code(), Some(3), "{args:?}: {stderr}");
        assert!(stderr.contains("in use"), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
    assert_eq!(
        store.next_seq().expect("next_seq"),
        6,
        "nothing appended while in use"
    );
    drop(store);
    slrsim(&db.path, &["verify"]).code(0, "usable again once released");
}

/// `slrsim operations` needs no database, and prints the README's table or, with `--json`, one object
/// per served operation that tools can read.
#[test]
fn operations_lists_what_serve_answers() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("never-created");
    let table = slrsim(&db, &["operations"]);
    assert_eq!(table.code, Some(0), "{}", table.stderr);
    assert_eq!(table.stdout, slrsim::aws::served::markdown());
    let json = slrsim(&db, &["operations", "--json"]);
    assert_eq!(json.code, Some(0), "{}", json.stderr);
    let ops: Value = serde_json::from_str(&json.stdout).expect("JSON");
    let get_role = ops
        .as_array()
        .expect("a list")
        .iter()
        .find(|o| o["Name"] == "GetRole")
        .expect("GetRole is served");
    assert_eq!(get_role["Service"], "IAM");
    assert_eq!(get_role["Protocol"], "query");
    assert_eq!(get_role["Permission"], "iam:GetRole");
    assert!(
        !ops.as_array()
            .expect("a list")
            .iter()
            .any(|o| o["Name"] == "AdvanceClock"),
        "control calls are not AWS operations"
    );
    assert!(!db.exists(), "operations touched the database");
}
