//! An answer of `slrsim serve` is a promise: once a call is answered, its record survives a crash, so
//! nothing the answer gave (its request id, an access key and its secret) is ever given again. Real
//! server processes on a real sled database in a temp directory, killed with SIGKILL under several
//! concurrent clients; and a real disk-full (a file-size limit, so `write` fails with EFBIG).
//!
//! The kills are triggered by a count of answers, not by a timer: whatever the machine's speed, the
//! server dies with calls in flight, and every assertion holds for any point of death.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, mpsc};
use std::time::Duration;

use serde_json::{Value, json};
use slrsim::core::outcome::Outcome;

use crate::support::http::{self, Resp, Server, signed_headers, tag};
use crate::support::run::{BIN, command, exec};

/// Only turns a hang into a failure: nothing here waits this long when the server works.
const DEADLINE: Duration = Duration::from_secs(120);

/// Starts `slrsim --db DB serve` on a free port; with `file_blocks`, under `ulimit -f` (and with
/// SIGXFSZ ignored, so a write past the limit fails with EFBIG instead of killing the process).
fn start(db: &Path, extra: &[&str], file_blocks: Option<u64>) -> Server {
    let mut cmd = match file_blocks {
        Some(n) => {
            let mut c = Command::new("sh");
            c.arg("-c")
                .arg(format!(
                    "ulimit -f {n} && trap '' XFSZ && exec \"$0\" \"$@\""
                ))
                .arg(BIN);
            c
        }
        None => Command::new(BIN),
    };
    // Standard error is read only at the end: keep it to the few lines serve writes by itself.
    cmd.env_remove("SLRSIM_LOG")
        .arg("--db")
        .arg(db)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(extra)
        .stdin(Stdio::null())
        .stderr(Stdio::piped());
    Server::start(cmd)
}

/// Sends one request on a new connection. An `Err` is a connection that failed or closed before a
/// whole response came (the server was killed).
fn send(
    addr: &str,
    method: &str,
    uri: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> std::io::Result<Resp> {
    let r = http::send(addr, method, uri, headers, body)?;
    let length: usize = r
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    // A response cut short by the kill is no answer.
    if r.body.len() < length {
        return Err(std::io::Error::other("an incomplete response"));
    }
    Ok(r)
}

/// Which protocol a call speaks (its answers differ in shape).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Proto {
    Iam,
    MediaTailor,
    Logs,
}

/// The operation of the `i`-th call of a client.
fn operation(i: usize) -> &'static str {
    [
        "CreateUser",
        "CreateAccessKey",
        "PutUserPolicy",
        "PutPlaybackConfiguration",
        "ConfigureLogsForPlaybackConfiguration",
        "DescribeLogGroups",
    ][i % 6]
}

/// The `i`-th call of client `name`: a round of mutating calls of every protocol, named uniquely.
fn call(srv: &Server, name: &str, i: usize) -> (Proto, std::io::Result<Resp>) {
    let user = format!("{name}-{}", i / 6);
    let config = format!("c{name}-{}", i / 6);
    let iam = |params: &[(&str, &str)]| {
        let body = http::iam_form(params);
        let ct = [http::FORM];
        let h = signed_headers(srv, (&srv.key, &srv.secret), "iam", "POST", "/", &ct, &body);
        (Proto::Iam, send(&srv.addr, "POST", "/", &h, &body))
    };
    let mt = |method: &str, uri: &str, body: Value| {
        let body = body.to_string().into_bytes();
        let ct = [("Content-Type", "application/json")];
        let h = signed_headers(
            srv,
            (&srv.key, &srv.secret),
            "mediatailor",
            method,
            uri,
            &ct,
            &body,
        );
        (Proto::MediaTailor, send(&srv.addr, method, uri, &h, &body))
    };
    match i % 6 {
        0 => iam(&[("Action", "CreateUser"), ("UserName", &user)]),
        1 => iam(&[("Action", "CreateAccessKey"), ("UserName", &user)]),
        2 => {
            let policy = json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*"}]})
            .to_string();
            iam(&[
                ("Action", "PutUserPolicy"),
                ("UserName", &user),
                ("PolicyName", "list"),
                ("PolicyDocument", &policy),
            ])
        }
        3 => mt(
            "PUT",
            "/playbackConfiguration",
            json!({
                "Name": config,
                "AdDecisionServerUrl": "https://ads.example.com/ads",
                "VideoContentSourceUrl": "https://videos.example.com/",
            }),
        ),
        4 => mt(
            "PUT",
            "/configureLogs/playbackConfiguration",
            json!({"PlaybackConfigurationName": config, "PercentEnabled": 100}),
        ),
        _ => {
            let body = b"{}".to_vec();
            let target = [
                ("X-Amz-Target", "Logs_20140328.DescribeLogGroups"),
                ("Content-Type", "application/x-amz-json-1.1"),
            ];
            let h = signed_headers(
                srv,
                (&srv.key, &srv.secret),
                "logs",
                "POST",
                "/",
                &target,
                &body,
            );
            (Proto::Logs, send(&srv.addr, "POST", "/", &h, &body))
        }
    }
}

/// What a client was told.
#[derive(Debug, Clone)]
struct Answer {
    proto: Proto,
    /// The operation called.
    op: &'static str,
    status: u16,
    request_id: String,
    /// The error code, for an error.
    code: Option<String>,
    /// A CreateAccessKey's key id and secret.
    key: Option<(String, String)>,
}

/// Reads an answer as an SDK would: a request id in the header (and, for IAM, the same in the body),
/// and the error code where the protocol puts it. Panics on an answer an SDK could not parse.
fn read_answer(proto: Proto, op: &'static str, r: &Resp) -> Answer {
    let request_id = r
        .header("x-amzn-requestid")
        .unwrap_or_else(|| panic!("an answer without a request id: {r:?}"))
        .to_string();
    let ok = (200..300).contains(&r.status);
    let (code, key) = match proto {
        Proto::Iam => {
            assert_eq!(r.header("content-type"), Some("text/xml"), "{r:?}");
            assert_eq!(
                tag(&r.body, "RequestId"),
                Some(request_id.as_str()),
                "{r:?}"
            );
            if ok {
                let key = tag(&r.body, "AccessKeyId")
                    .zip(tag(&r.body, "SecretAccessKey"))
                    .map(|(k, s)| (k.to_string(), s.to_string()));
                (None, key)
            } else {
                assert!(r.body.starts_with("<ErrorResponse"), "{r:?}");
                (
                    Some(tag(&r.body, "Code").expect("a code").to_string()),
                    None,
                )
            }
        }
        Proto::MediaTailor if ok => (None, None),
        Proto::MediaTailor => {
            let v: Value = serde_json::from_str(&r.body).expect("a JSON error body");
            assert!(v["Message"].is_string(), "{r:?}");
            let code = r.header("x-amzn-errortype").expect("an error type");
            (Some(code.to_string()), None)
        }
        Proto::Logs => {
            let v: Value = serde_json::from_str(&r.body).expect("a JSON body");
            (
                (!ok).then(|| v["__type"].as_str().expect("__type").to_string()),
                None,
            )
        }
    };
    Answer {
        proto,
        op,
        status: r.status,
        request_id,
        code,
        key,
    }
}

/// One life of a server (started with `flags`): `clients` threads send calls until the server dies
/// (killed after `kill_after` answers) or each has sent `most` calls. Returns every answer.
fn round(
    db: &Path,
    flags: &[&str],
    round: usize,
    clients: usize,
    kill_after: Option<usize>,
    most: usize,
) -> Vec<Answer> {
    let srv = start(db, flags, None);
    let answered = AtomicUsize::new(0);
    let dying = AtomicBool::new(false);
    let answers = Mutex::new(Vec::new());
    let (kill_tx, kill_rx) = mpsc::channel::<()>();
    std::thread::scope(|s| {
        for t in 0..clients {
            let (srv, answered, dying, answers, kill_tx) =
                (&srv, &answered, &dying, &answers, kill_tx.clone());
            s.spawn(move || {
                let name = format!("u{round}-{t}");
                for i in 0..most {
                    let (proto, r) = call(srv, &name, i);
                    match r {
                        Ok(r) => {
                            let a = read_answer(proto, operation(i), &r);
                            answers.lock().expect("lock").push(a);
                            if Some(answered.fetch_add(1, Ordering::SeqCst) + 1) == kill_after {
                                let _ = kill_tx.send(());
                            }
                        }
                        // The server was killed under this call: the client was told nothing.
                        Err(_) if dying.load(Ordering::SeqCst) => return,
                        Err(e) => panic!("a call failed while the server ran: {e}"),
                    }
                }
            });
        }
        drop(kill_tx);
        if kill_after.is_some() {
            // Returns when the count is reached (or every client is done before it was).
            let _ = kill_rx.recv_timeout(DEADLINE);
            dying.store(true, Ordering::SeqCst);
            let killed = Command::new("kill")
                .args(["-KILL", &srv.child.id().to_string()])
                .status()
                .expect("kill");
            assert!(killed.success());
        }
    });
    if kill_after.is_some() {
        let mut srv = srv;
        srv.child.wait().expect("wait");
    } else {
        let (exit, err) = srv.stop();
        assert!(exit.success(), "serve exited {exit:?}: {err}");
    }
    answers.into_inner().expect("lock")
}

/// The whole log, by request id.
fn log_by_request_id(db: &Path) -> BTreeMap<String, slrsim::log::record::Record> {
    let store = slrsim::log::store::Store::open(db).expect("open the log");
    let last = store.last().expect("read").map_or(0, |(s, _)| s);
    let mut by_rid = BTreeMap::new();
    for seq in 0..=last {
        let r = slrsim::timetravel::record_at(&store, seq).expect("a record");
        let rid = r.request_id.clone();
        assert!(
            by_rid.insert(rid.clone(), r).is_none(),
            "request id {rid} is in the log twice"
        );
    }
    by_rid
}

fn verify(db: &Path) {
    let out = exec(command(db, &["verify"]), None);
    assert_eq!(out.code, Some(0), "verify: {}", out.show());
}

/// Every answer given as an outcome (success or AWS error) is in the log with that outcome; no
/// request id or access key was given twice; every key given is in the log, and no working secret was
/// given twice (the log keeps placeholders).
fn check_answers(db: &Path, answers: &[Answer]) {
    let log = log_by_request_id(db);
    let mut rids = BTreeSet::new();
    let mut keys = BTreeSet::new();
    let mut secrets = BTreeSet::new();
    for a in answers {
        assert!(
            rids.insert(a.request_id.clone()),
            "request id {} was given to two calls",
            a.request_id
        );
        if a.status >= 500 {
            // An internal error promises nothing, and its request id is none of the log's.
            assert!(!log.contains_key(&a.request_id), "{a:?}");
            continue;
        }
        let record = log
            .get(&a.request_id)
            .unwrap_or_else(|| panic!("an answered call is not in the log: {a:?}"));
        assert_eq!(
            record.action.op.name(),
            a.op,
            "request id {} was answered to one call and is another's in the log",
            a.request_id
        );
        match (&record.outcome, &a.code) {
            (Outcome::Ok { response, .. }, None) => {
                if let Some((id, secret)) = &a.key {
                    assert!(keys.insert(id.clone()), "key {id} was given twice");
                    assert_eq!(response["AccessKey"]["AccessKeyId"], id.as_str());
                    // The log keeps a placeholder; the secret a client is given is the working one,
                    // derived at the server's edge from the database's key secret.
                    assert_eq!(secret.len(), 40, "{a:?}");
                    assert_ne!(
                        response["AccessKey"]["SecretAccessKey"],
                        secret.as_str(),
                        "the log holds a working secret"
                    );
                    assert!(
                        secrets.insert(secret.clone()),
                        "secret of {id} was given twice"
                    );
                }
            }
            (Outcome::Error { error, .. }, Some(code)) => {
                assert_eq!(error.code.as_str(), code, "{a:?}");
                assert_eq!(error.status, a.status, "{a:?}");
            }
            (outcome, _) => panic!("answered {a:?}, but the log says {outcome:?}"),
        }
    }
}

fn db_in(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("db")
}

#[test]
fn sigkill_under_concurrent_clients_loses_no_answered_call() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = db_in(&dir);
    let clients = 4;
    let mut answers = Vec::new();
    // Several lives, each killed with calls in flight once it has answered 250 calls; the clients of
    // each life use their own names, so what they do never depends on what a kill lost.
    for r in 0..5 {
        let got = round(&db, &[], r, clients, Some(250), 1000);
        assert!(got.len() >= 250, "round {r}: {} answers", got.len());
        answers.extend(got);
    }
    // A last life that ends cleanly, with the flag scripts pass (it means the default).
    answers.extend(round(&db, &["--sync"], 5, clients, None, 12));
    verify(&db);
    check_answers(&db, &answers);
    // The calls did what they were meant to: keys were created and every protocol answered.
    assert!(answers.iter().filter(|a| a.key.is_some()).count() >= 5 * 30);
    for proto in [Proto::Iam, Proto::MediaTailor, Proto::Logs] {
        assert!(
            answers.iter().any(|a| a.proto == proto && a.status == 200),
            "{proto:?}"
        );
    }
}

/// The internal-error code each protocol answers a call that could not be made durable with.
fn failure_code(proto: Proto) -> &'static str {
    match proto {
        Proto::Iam => "ServiceFailure",
        Proto::MediaTailor => "InternalFailure",
        Proto::Logs => "ServiceUnavailableException",
    }
}

#[test]
fn a_full_disk_answers_every_client_in_its_protocol_and_loses_no_success() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = db_in(&dir);
    // Files of at most 1 MiB: sled's second log segment cannot be written, so a flush fails with
    // EFBIG after some hundreds of calls, and every later write too.
    let srv = start(&db, &[], Some(2048));
    let answers = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for t in 0..4 {
            let (srv, answers) = (&srv, &answers);
            s.spawn(move || {
                let name = format!("full-{t}");
                let mut failures = 0;
                for i in 0..20_000 {
                    let (proto, r) = call(srv, &name, i);
                    let r = r.unwrap_or_else(|e| panic!("call {i} of client {t}: {e}"));
                    let a = read_answer(proto, operation(i), &r);
                    if a.status >= 500 {
                        assert_eq!(a.status, 500, "{r:?}");
                        assert_eq!(a.code.as_deref(), Some(failure_code(proto)), "{r:?}");
                        failures += 1;
                    }
                    answers.lock().expect("lock").push(a);
                    // A few refusals each, then stop: the server no longer appends.
                    if failures == 6 {
                        return;
                    }
                }
                panic!("client {t}: 20,000 calls and the disk never filled");
            });
        }
    });
    let answers = answers.into_inner().expect("lock");
    let (exit, err) = srv.stop();
    // The storage failure is the server's exit status (3) and is named on standard error.
    assert_eq!(exit.code(), Some(3), "{err}");
    assert!(err.contains("File too large"), "{err}");
    let ok = answers.iter().filter(|a| a.status < 500).count();
    eprintln!("{} answers, {ok} below 500; {err}", answers.len());
    // Without the limit: the log verifies, every answered outcome is in it, and serving goes on.
    verify(&db);
    check_answers(&db, &answers);
    let mut all = answers;
    all.extend(round(&db, &[], 9, 2, None, 12));
    check_answers(&db, &all);
}

#[test]
fn no_sync_and_sync_cannot_both_be_asked_for() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = exec(
        command(
            &db_in(&dir),
            &["serve", "--addr", "127.0.0.1:0", "--sync", "--no-sync"],
        ),
        None,
    );
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(out.stderr.contains("--no-sync"));
    // Nothing was created.
    assert!(!db_in(&dir).exists());
}
