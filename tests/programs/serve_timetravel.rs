//! Time travel while serving, over real HTTP: every read of the control API (state at a record or a
//! time, get, diff, bisect, explain, verify, the timeline with its filters) and a fork, asked of a
//! server under concurrent clients, and compared with what the command line prints on the same
//! database once the server has stopped.

use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::support::SLR;
use crate::support::http::{self, Resp, signed_headers, tag};
use crate::support::run::{BIN, Out, command, exec};

struct Server {
    srv: http::Server,
    dir: tempfile::TempDir,
}

fn start() -> Server {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut cmd = Command::new(BIN);
    cmd.arg("--db")
        .arg(dir.path().join("db"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stderr(Stdio::null());
    Server {
        srv: http::Server::start(cmd),
        dir,
    }
}

impl Server {
    fn db(&self) -> std::path::PathBuf {
        self.dir.path().join("db")
    }

    fn stop(self) -> tempfile::TempDir {
        let (exit, _) = self.srv.stop();
        assert!(exit.success(), "serve exited {exit:?}");
        self.dir
    }
}

fn send(addr: &str, method: &str, uri: &str, headers: &[(String, String)], body: &[u8]) -> Resp {
    http::send(addr, method, uri, headers, body).expect("a whole response")
}

fn iam(srv: &Server, params: &[(&str, &str)]) -> Resp {
    let s = &srv.srv;
    let body = http::iam_form(params);
    let h = signed_headers(
        s,
        (&s.key, &s.secret),
        "iam",
        "POST",
        "/",
        &[http::FORM],
        &body,
    );
    send(&s.addr, "POST", "/", &h, &body)
}

fn mt(srv: &Server, method: &str, uri: &str, body: &Value) -> Resp {
    let s = &srv.srv;
    let body = body.to_string().into_bytes();
    let ct = [("Content-Type", "application/json")];
    let h = signed_headers(
        s,
        (&s.key, &s.secret),
        "mediatailor",
        method,
        uri,
        &ct,
        &body,
    );
    send(&s.addr, method, uri, &h, &body)
}

fn control(srv: &Server, method: &str, uri: &str, body: &str) -> Resp {
    let auth = [(
        "Authorization".to_string(),
        format!("Bearer {}", srv.srv.token),
    )];
    send(&srv.srv.addr, method, uri, &auth, body.as_bytes())
}

/// A read that must succeed: its JSON.
fn read(srv: &Server, uri: &str) -> Value {
    let r = control(srv, "GET", uri, "");
    assert_eq!(r.status, 200, "{uri}: {}", r.body);
    r.json()
}

fn put_config(srv: &Server, name: &str) -> Resp {
    mt(
        srv,
        "PUT",
        "/playbackConfiguration",
        &json!({
            "Name": name,
            "AdDecisionServerUrl": "https://ads.example.com/ads",
            "VideoContentSourceUrl": "https://videos.example.com/",
        }),
    )
}

fn logging(srv: &Server, name: &str, percent: u32) -> Resp {
    mt(
        srv,
        "PUT",
        "/configureLogs/playbackConfiguration",
        &json!({"PlaybackConfigurationName": name, "PercentEnabled": percent}),
    )
}

/// `slrsim --db DB ARGS...` after the server stopped.
fn cli(db: &Path, args: &[&str]) -> Out {
    exec(command(db, args), None)
}

/// A command's `--json` output, its secrets redacted as the control API's answers are.
fn cli_json(db: &Path, args: &[&str]) -> Value {
    let out = cli(db, args);
    assert_eq!(out.code, Some(0), "{args:?}: {}", out.stderr);
    let mut v: Value = serde_json::from_str(&out.stdout).expect("JSON");
    redact(&mut v);
    v
}

fn redact(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if k == "SecretAccessKey" {
                    *x = Value::String("(redacted)".into());
                } else {
                    redact(x);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(redact),
        _ => {}
    }
}

/// A history with a failed deletion: the role in use by a logging configuration, its deletion task
/// FAILED once the clock moves. Gives the task id.
fn failed_deletion(srv: &Server) -> String {
    assert_eq!(put_config(srv, "live").status, 200);
    assert_eq!(logging(srv, "live", 100).status, 200);
    let r = iam(
        srv,
        &[("Action", "DeleteServiceLinkedRole"), ("RoleName", SLR)],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let task = tag(&r.body, "DeletionTaskId").expect("task").to_string();
    assert_eq!(
        control(srv, "POST", "/_slrsim/advance?seconds=60", "").status,
        200
    );
    task
}

/// Threads sending signed IAM and MediaTailor requests while another asks the control API's reads.
/// Gives the answers read during the load about records 0..=4 (which the load cannot change), each
/// with the `--json` command line that must print the same after the server stops.
fn load_while_reading(srv: &Server) -> Vec<(Vec<String>, Value)> {
    std::thread::scope(|s| {
        for t in 0..4u32 {
            s.spawn(move || {
                for i in 0..15u32 {
                    let r = match (t + i) % 3 {
                        0 => logging(srv, "live", if i % 2 == 0 { 0 } else { 100 }),
                        1 => iam(srv, &[("Action", "ListRoles")]),
                        _ => put_config(srv, &format!("c{t}")),
                    };
                    assert_eq!(r.status, 200, "{}", r.body);
                }
            });
        }
        let reader = s.spawn(move || {
            let mut seen = Vec::new();
            for i in 0..10u64 {
                let n = (i % 5).to_string();
                let fixed = [
                    (
                        format!("/_slrsim/state?at={n}"),
                        vec!["state", "--at", &n, "--json"],
                    ),
                    (
                        "/_slrsim/diff?from=0&to=4".into(),
                        vec!["diff", "0", "4", "--json"],
                    ),
                    (
                        format!("/_slrsim/get?what=role&at={n}"),
                        vec!["get", "--at", &n, "role"],
                    ),
                ];
                for (uri, args) in fixed {
                    let r = control(srv, "GET", &uri, "");
                    // The role does not exist after every one of records 0..=4.
                    if r.status == 404 && uri.contains("get?") {
                        continue;
                    }
                    assert_eq!(r.status, 200, "{uri}: {}", r.body);
                    seen.push((args.iter().map(|a| a.to_string()).collect(), r.json()));
                }
                for uri in [
                    "/_slrsim/bisect",
                    "/_slrsim/log?errors=true",
                    "/_slrsim/verify",
                ] {
                    read(srv, uri);
                }
            }
            seen
        });
        reader.join().expect("the reader")
    })
}

/// The key one: the reads answered while serving, under concurrent clients, equal what the command
/// line prints on the same database after the server stopped.
#[test]
fn time_travel_while_serving_equals_the_command_line_after() {
    let srv = start();
    let task = failed_deletion(&srv);
    // Read during the load: records 0..=3 will not change.
    let early = read(&srv, "/_slrsim/state?at=3");
    let during = load_while_reading(&srv);
    let status = read(&srv, "/_slrsim/status");
    let last = status["NextSeq"].as_u64().expect("n") - 1;
    let mid = last / 2;
    let time = read(&srv, &format!("/_slrsim/log?from={mid}&to={mid}"))["Records"][0]["time"]
        .as_i64()
        .expect("a time");
    let at_time = slrsim::core::clock::format(time);
    let uris = [
        format!("/_slrsim/state?at={mid}"),
        format!("/_slrsim/state?time={at_time}"),
        "/_slrsim/state".to_string(),
        format!("/_slrsim/get?what=role&at={mid}"),
        "/_slrsim/get?what=config&region=us-east-1&name=live".to_string(),
        format!("/_slrsim/get?what=task&id={task}"),
        "/_slrsim/get?what=account".to_string(),
        format!("/_slrsim/diff?from=1&to={last}"),
        format!("/_slrsim/explain?task={task}"),
        "/_slrsim/bisect".to_string(),
        "/_slrsim/verify".to_string(),
        "/_slrsim/log?from=0".to_string(),
        "/_slrsim/log?from=0&op=ListRoles".to_string(),
        "/_slrsim/log?from=0&errors=true".to_string(),
    ];
    let live: Vec<Value> = uris.iter().map(|u| read(&srv, u)).collect();
    // Reads are not recorded.
    assert_eq!(read(&srv, "/_slrsim/status")["NextSeq"], status["NextSeq"]);
    let dir = srv.stop();
    let db = dir.path().join("db");
    let (m, l) = (mid.to_string(), last.to_string());
    assert_eq!(early, cli_json(&db, &["state", "--at", "3", "--json"]));
    assert!(during.len() >= 20, "{}", during.len());
    for (args, answer) in &during {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_eq!(answer, &cli_json(&db, &args), "{args:?}");
    }
    assert_eq!(live[0], cli_json(&db, &["state", "--at", &m, "--json"]));
    assert_eq!(
        live[1],
        cli_json(&db, &["state", "--at-time", &at_time, "--json"])
    );
    assert_eq!(live[2], cli_json(&db, &["state", "--json"]));
    assert_eq!(live[3], cli_json(&db, &["get", "--at", &m, "role"]));
    assert_eq!(
        live[4],
        cli_json(&db, &["get", "config", "us-east-1", "live"])
    );
    assert_eq!(live[5], cli_json(&db, &["get", "task", &task]));
    assert_eq!(live[6], cli_json(&db, &["get", "account"]));
    assert_eq!(live[7], cli_json(&db, &["diff", "1", &l, "--json"]));
    assert_eq!(live[8], cli_json(&db, &["explain", &task, "--json"]));
    assert_eq!(live[8]["status"], "FAILED", "{}", live[8]);
    let bisect = cli(&db, &["bisect"]);
    assert_eq!(bisect.code, Some(0), "{}", bisect.stdout);
    assert_eq!(live[9]["Broken"], Value::Null, "{}", live[9]);
    let verify = cli(&db, &["verify"]);
    assert_eq!(verify.code, Some(0), "{}", verify.stdout);
    assert!(
        verify.stdout.contains(&format!(
            "verified {} records: hash chain intact",
            live[10]["Records"]
        )) && verify.stdout.contains(&format!(
            "(state hash {})",
            live[10]["StateHash"].as_str().expect("a hash")
        )),
        "{}\n{}",
        verify.stdout,
        live[10]
    );
    assert_eq!(live[10]["Problem"], Value::Null);
    for (answer, filter) in [(&live[11], None), (&live[12], Some(["--op", "ListRoles"]))] {
        let mut args = vec!["log", "--json"];
        args.extend(filter.iter().flatten());
        let out = cli(&db, &args);
        let mut lines: Vec<Value> = out
            .stdout
            .lines()
            .map(|l| serde_json::from_str(l).expect("a record"))
            .collect();
        lines.iter_mut().for_each(redact);
        assert_eq!(answer["Records"].as_array().expect("records"), &lines);
    }
    let errors = cli(&db, &["log", "--json", "--errors"]);
    assert_eq!(
        live[13]["Records"].as_array().expect("records").len(),
        errors.stdout.lines().count()
    );
}

/// `POST /_slrsim/fork` writes records 0..=N into a new folder (refusing one that exists), changes
/// nothing in the served log, and `diff` compares against the fork while serving.
#[test]
fn a_fork_while_serving_is_a_new_database() {
    let srv = start();
    failed_deletion(&srv);
    let next = read(&srv, "/_slrsim/status")["NextSeq"].clone();
    let fork = srv.dir.path().join("fork");
    let body = json!({"At": 2, "To": fork.display().to_string()}).to_string();
    let r = control(&srv, "POST", "/_slrsim/fork", &body);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["Records"], 3);
    let again = control(&srv, "POST", "/_slrsim/fork", &body);
    assert_eq!(again.status, 400, "{}", again.body);
    assert!(again.body.contains("exists"), "{}", again.body);
    let far = json!({"At": 99, "To": srv.dir.path().join("far").display().to_string()});
    let r = control(&srv, "POST", "/_slrsim/fork", &far.to_string());
    assert_eq!(r.status, 404, "{}", r.body);
    let other = format!("/_slrsim/diff?from=2&to=2&other_db={}", fork.display());
    assert_eq!(read(&srv, &other), json!([]));
    let differs = read(
        &srv,
        &format!("/_slrsim/diff?from=4&to=2&other_db={}", fork.display()),
    );
    assert!(!differs.as_array().expect("changes").is_empty());
    assert_eq!(read(&srv, "/_slrsim/status")["NextSeq"], next);
    let db = srv.db();
    let dir = srv.stop();
    let forked = cli(&fork, &["log", "--json"]);
    let served = cli(&db, &["log", "--json", "--to", "2"]);
    assert_eq!(forked.stdout, served.stdout);
    drop(dir);
}

/// Every new route refuses a call without the operator's token, or with a wrong one (401), and
/// records nothing.
#[test]
fn the_time_travel_routes_need_the_token() {
    let srv = start();
    let before = read(&srv, "/_slrsim/status")["NextSeq"].clone();
    let calls = [
        ("GET", "/_slrsim/state?time=2026-01-01T00:00:00Z"),
        ("GET", "/_slrsim/get?what=role"),
        ("GET", "/_slrsim/diff?from=0&to=0"),
        ("GET", "/_slrsim/bisect"),
        ("GET", "/_slrsim/verify"),
        ("GET", "/_slrsim/log?errors=true"),
        ("POST", "/_slrsim/fork"),
    ];
    let wrong = vec![(
        "Authorization".to_string(),
        format!("Bearer {}x", srv.srv.token),
    )];
    for (method, uri) in calls {
        for headers in [vec![], wrong.clone()] {
            let r = send(&srv.srv.addr, method, uri, &headers, b"{}");
            assert_eq!(r.status, 401, "{method} {uri}: {}", r.body);
        }
    }
    assert_eq!(read(&srv, "/_slrsim/status")["NextSeq"], before);
}

/// A bad parameter is 400 with a JSON message naming it; nothing panics, nothing is recorded.
#[test]
fn bad_time_travel_parameters_are_named() {
    let srv = start();
    let before = read(&srv, "/_slrsim/status")["NextSeq"].clone();
    let long = "a".repeat(9000);
    let cases: Vec<(&str, String, &str, &str)> = vec![
        (
            "GET",
            "/_slrsim/state?at=1&time=2026-01-01T00:00:00Z".into(),
            "",
            "not both",
        ),
        ("GET", "/_slrsim/state?time=yesterday".into(), "", "time="),
        ("GET", "/_slrsim/state?colour=red".into(), "", "`colour`"),
        ("GET", "/_slrsim/get".into(), "", "what="),
        ("GET", "/_slrsim/get?what=bucket".into(), "", "what=bucket"),
        (
            "GET",
            "/_slrsim/get?what=config&name=x".into(),
            "",
            "region=",
        ),
        ("GET", "/_slrsim/get?what=task".into(), "", "id="),
        ("GET", "/_slrsim/diff?from=1".into(), "", "to="),
        ("GET", "/_slrsim/diff?from=x&to=1".into(), "", "from=x"),
        ("GET", "/_slrsim/bisect?invariant=nope".into(), "", "nope"),
        ("GET", "/_slrsim/verify?now=1".into(), "", "`now`"),
        ("GET", "/_slrsim/log?errors=maybe".into(), "", "errors="),
        ("GET", format!("/_slrsim/log?op={long}"), "", "longer than"),
        ("POST", "/_slrsim/fork".into(), "{}", "At"),
        ("POST", "/_slrsim/fork".into(), r#"{"At":1,"To":""}"#, "To"),
        (
            "POST",
            "/_slrsim/fork".into(),
            r#"{"At":1,"To":"x","Y":1}"#,
            "Y",
        ),
        ("GET", "/_slrsim/explain".into(), "", "task="),
    ];
    for (method, uri, body, named) in cases {
        let r = control(&srv, method, &uri, body);
        assert_eq!(r.status, 400, "{method} {uri}: {}", r.body);
        let message = r.json()["Message"].as_str().expect("a message").to_string();
        assert!(message.contains(named), "{uri}: {message}");
    }
    let r = control(&srv, "GET", "/_slrsim/state?at=99", "");
    assert_eq!(r.status, 404, "{}", r.body);
    let r = control(&srv, "GET", "/_slrsim/get?what=role&name=Nobody", "");
    assert_eq!(r.status, 404, "{}", r.body);
    let r = control(
        &srv,
        "GET",
        "/_slrsim/diff?from=0&to=0&other_db=/nowhere",
        "",
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(read(&srv, "/_slrsim/status")["NextSeq"], before);
}

/// The command line against a running server, found through the database it holds (a note on
/// standard error) or given with `--server`, prints what it prints on the database after the server
/// stopped, text and `--json`; a server that is gone leaves the lock's error as it was.
#[test]
fn the_command_line_asks_the_server_that_holds_the_database() {
    let srv = start();
    let task = failed_deletion(&srv);
    load_while_reading(&srv);
    let db = srv.db();
    let file = db.join("slrsim-server.json");
    let meta = std::fs::metadata(&file).expect("serve writes where it listens");
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o777,
        0o600
    );
    let commands: Vec<Vec<&str>> = vec![
        vec!["state", "--at", "3"],
        vec!["state", "--json"],
        vec!["state", "--at-time", "2026-01-01T00:01:00Z", "--json"],
        vec!["get", "role", "--at", "3"],
        vec!["get", "config", "us-east-1", "live"],
        vec!["diff", "1", "5"],
        vec!["diff", "1", "5", "--json"],
        vec!["bisect"],
        vec!["explain", &task],
        vec!["explain", &task, "--json"],
        vec!["verify"],
        vec!["log"],
        vec!["log", "--json", "--from", "2", "--to", "9"],
        vec!["log", "--op", "ListRoles", "--from", "3"],
    ];
    let url = format!("http://{}", srv.srv.addr);
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let mut live = Vec::new();
    for args in &commands {
        let held = cli(&db, args);
        assert_eq!(held.code, Some(0), "{args:?}: {}", held.stderr);
        assert!(
            held.stderr.contains("is held by the server at"),
            "{}",
            held.stderr
        );
        // `--server` with the token, from a folder with no database.
        let mut given = vec!["--server", url.as_str(), "--token", srv.srv.token.as_str()];
        given.extend(args.iter().copied());
        let asked = cli(&elsewhere.path().join("none"), &given);
        assert_eq!(asked.code, Some(0), "{args:?}: {}", asked.stderr);
        assert_eq!(held.stdout, asked.stdout, "{args:?}");
        live.push(held.stdout);
    }
    let missing = cli(&db, &["get", "role", "Nobody"]);
    assert_eq!(missing.code, Some(1), "{}", missing.stderr);
    assert!(
        missing.stderr.contains("role Nobody does not exist now"),
        "{}",
        missing.stderr
    );
    let refused = cli(
        &elsewhere.path().join("none"),
        &["--server", &url, "--token", "nope", "verify"],
    );
    assert_eq!(refused.code, Some(2), "{}", refused.stderr);
    assert!(
        refused.stderr.contains("refused the token"),
        "{}",
        refused.stderr
    );
    let fork = elsewhere.path().join("fork");
    let forked = cli(
        &db,
        &["fork", "--at", "3", "--to", &fork.display().to_string()],
    );
    assert_eq!(forked.code, Some(0), "{}", forked.stderr);
    assert!(forked.stdout.contains("(4 records)"), "{}", forked.stdout);
    // A server file that names no server: the lock is reported, as before.
    let kept = std::fs::read(&file).expect("read");
    std::fs::write(&file, r#"{"Address":"127.0.0.1:1","Pid":1}"#).expect("write");
    let stale = cli(&db, &["verify"]);
    assert_eq!(stale.code, Some(3), "{}", stale.stderr);
    std::fs::write(&file, kept).expect("write");
    let dir = srv.stop();
    assert!(!file.exists(), "the server file goes with the server");
    for (args, held) in commands.iter().zip(&live) {
        let after = cli(&db, args);
        assert_eq!(after.code, Some(0), "{args:?}: {}", after.stderr);
        assert_eq!(&after.stdout, held, "{args:?}");
    }
    assert_eq!(
        cli(&fork, &["log"]).stdout,
        cli(&db, &["log", "--to", "3"]).stdout
    );
    drop(dir);
}
