//! `slrsim serve` over real HTTP: a real server process on a loopback port, a real sled database in a
//! temp directory, requests signed with AWS's own `aws-sigv4` as an SDK signs them. The AWS CLI and
//! boto3 drive the same server in `tests/e2e/` (run by `.ci/run`); these tests need nothing but cargo.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

use crate::support::SLR;
use crate::support::http::{self, Resp, parse_response, signed_headers, tag};
use crate::support::run::{BIN, Out, command, exec};

/// A running server on a database in its own temp directory (kept until the server is stopped).
struct Server {
    srv: http::Server,
    dir: tempfile::TempDir,
}

/// The server's address and keys, as `http::Server` has them.
impl std::ops::Deref for Server {
    type Target = http::Server;
    fn deref(&self) -> &http::Server {
        &self.srv
    }
}

fn start(extra: &[&str]) -> Server {
    let dir = tempfile::tempdir().expect("temp dir");
    start_in(dir, extra)
}

fn start_in(dir: tempfile::TempDir, extra: &[&str]) -> Server {
    start_with(dir, extra, &[])
}

/// Starts a server with extra environment variables (the request timeout).
fn start_with(dir: tempfile::TempDir, extra: &[&str], vars: &[(&str, &str)]) -> Server {
    let mut cmd = Command::new(BIN);
    cmd.arg("--db")
        .arg(dir.path().join("db"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(extra)
        .envs(vars.iter().copied())
        .stderr(Stdio::null());
    Server {
        srv: http::Server::start(cmd),
        dir,
    }
}

impl Server {
    /// SIGTERM, then wait: the server flushes and exits 0. Gives the database's folder.
    fn stop(self) -> tempfile::TempDir {
        let (exit, _) = self.srv.stop();
        assert!(exit.success(), "serve exited {exit:?}");
        self.dir
    }
}

/// Runs `slrsim --db DB ARGS...` (killed if it hangs).
fn slrsim_at(db: &std::path::Path, args: &[&str]) -> Out {
    exec(command(db, args), None)
}

/// Sends one request on a new connection; reads the response whole.
fn send(addr: &str, method: &str, uri: &str, headers: &[(String, String)], body: &[u8]) -> Resp {
    http::send(addr, method, uri, headers, body).expect("a whole response")
}

/// An IAM query call, signed with `key`/`secret`.
fn iam_as(srv: &Server, key: &str, secret: &str, params: &[(&str, &str)]) -> Resp {
    let body = http::iam_form(params);
    let ct = [http::FORM];
    let h = signed_headers(srv, (key, secret), "iam", "POST", "/", &ct, &body);
    send(&srv.addr, "POST", "/", &h, &body)
}

fn iam(srv: &Server, params: &[(&str, &str)]) -> Resp {
    iam_as(srv, &srv.key.clone(), &srv.secret.clone(), params)
}

/// A MediaTailor rest-json call as the root key.
fn mt(srv: &Server, method: &str, uri: &str, body: Option<Value>) -> Resp {
    let body = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
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
    send(&srv.addr, method, uri, &h, &body)
}

/// A control-API call with the operator's token.
fn control(srv: &Server, method: &str, uri: &str, body: &str) -> Resp {
    let auth = [("Authorization".to_string(), format!("Bearer {}", srv.token))];
    send(&srv.addr, method, uri, &auth, body.as_bytes())
}

fn enable_logging(srv: &Server, name: &str, percent: u32) -> Resp {
    mt(
        srv,
        "PUT",
        "/configureLogs/playbackConfiguration",
        Some(json!({"PlaybackConfigurationName": name, "PercentEnabled": percent})),
    )
}

fn put_config(srv: &Server, name: &str) -> Resp {
    mt(
        srv,
        "PUT",
        "/playbackConfiguration",
        Some(json!({
            "Name": name,
            "AdDecisionServerUrl": "https://ads.example.com/ads",
            "VideoContentSourceUrl": "https://videos.example.com/",
        })),
    )
}

#[test]
fn the_lifecycle_over_http_is_recorded_and_the_log_verifies() {
    let srv = start(&[]);
    // Before any configuration logs, there is no role.
    let r = iam(&srv, &[("Action", "GetRole"), ("RoleName", SLR)]);
    assert_eq!(r.status, 404, "{}", r.body);
    assert_eq!(tag(&r.body, "Code"), Some("NoSuchEntity"));
    assert_eq!(tag(&r.body, "Type"), Some("Sender"));
    let rid = r
        .header("x-amzn-requestid")
        .expect("a request id")
        .to_string();
    assert_eq!(tag(&r.body, "RequestId"), Some(rid.as_str()));

    assert_eq!(put_config(&srv, "live").status, 200);
    let r = enable_logging(&srv, "live", 100);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["PercentEnabled"], 100);

    // The role appeared; IAM returns its trust policy URL-encoded.
    let r = iam(&srv, &[("Action", "GetRole"), ("RoleName", SLR)]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body
            .starts_with("<GetRoleResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">")
    );
    assert_eq!(
        tag(&r.body, "Path"),
        Some("/aws-service-role/mediatailor.amazonaws.com/")
    );
    let doc = tag(&r.body, "AssumeRolePolicyDocument").expect("trust policy");
    let decoded = percent_encoding::percent_decode_str(doc)
        .decode_utf8()
        .expect("utf-8");
    // The text itself, as AWS returns it: not re-serialised.
    assert_eq!(decoded, slrsim::core::catalog::SLR_TRUST_POLICY);
    let policy: Value = serde_json::from_str(&decoded).expect("a JSON document");
    assert_eq!(
        policy["Statement"][0]["Principal"]["Service"][0],
        "mediatailor.amazonaws.com"
    );

    // Deleting the role while logging is on: the task fails, naming the configuration.
    let r = iam(
        &srv,
        &[("Action", "DeleteServiceLinkedRole"), ("RoleName", SLR)],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let task = tag(&r.body, "DeletionTaskId").expect("a task").to_string();
    let r = iam(
        &srv,
        &[
            ("Action", "GetServiceLinkedRoleDeletionStatus"),
            ("DeletionTaskId", &task),
        ],
    );
    assert_eq!(tag(&r.body, "Status"), Some("NOT_STARTED"), "{}", r.body);
    let r = control(&srv, "POST", "/_slrsim/advance?seconds=60", "");
    assert_eq!(r.status, 200, "{}", r.body);
    let r = iam(
        &srv,
        &[
            ("Action", "GetServiceLinkedRoleDeletionStatus"),
            ("DeletionTaskId", &task),
        ],
    );
    assert_eq!(tag(&r.body, "Status"), Some("FAILED"), "{}", r.body);
    let usage = tag(&r.body, "RoleUsageList").expect("usage");
    assert!(usage.contains("<Region>us-east-1</Region>"), "{usage}");
    assert!(
        usage.contains(
            "<member>arn:aws:mediatailor:us-east-1:111122223333:playbackConfiguration/live</member>"
        ),
        "{usage}"
    );

    // Deactivate, delete again: SUCCEEDED, and the role is gone.
    assert_eq!(enable_logging(&srv, "live", 0).status, 200);
    let r = iam(
        &srv,
        &[("Action", "DeleteServiceLinkedRole"), ("RoleName", SLR)],
    );
    let task2 = tag(&r.body, "DeletionTaskId").expect("a task").to_string();
    control(&srv, "POST", "/_slrsim/advance?seconds=60", "");
    let r = iam(
        &srv,
        &[
            ("Action", "GetServiceLinkedRoleDeletionStatus"),
            ("DeletionTaskId", &task2),
        ],
    );
    assert_eq!(tag(&r.body, "Status"), Some("SUCCEEDED"), "{}", r.body);
    assert_eq!(
        iam(&srv, &[("Action", "GetRole"), ("RoleName", SLR)]).status,
        404
    );

    // MediaTailor's errors: the x-amzn-errortype header and a Message.
    let r = mt(&srv, "GET", "/playbackConfiguration/nope", None);
    assert_eq!(r.status, 404);
    assert!(
        r.header("x-amzn-errortype")
            .is_some_and(|t| t.starts_with("NotFoundException"))
    );
    assert!(r.json()["Message"].is_string());
    assert!(r.header("x-amzn-requestid").is_some());
    // Delete answers 204 with no body.
    let r = mt(&srv, "DELETE", "/playbackConfiguration/live", None);
    assert_eq!(r.status, 204, "{}", r.body);
    assert!(r.body.is_empty());

    let status = control(&srv, "GET", "/_slrsim/status", "").json();
    let last = status["Seq"].as_u64().expect("seq");
    assert_eq!(status["Time"], "2026-01-01T00:02:00Z");

    let dir = srv.stop();
    let db = dir.path().join("db");
    let out = slrsim_at(&db, &["verify"]);
    assert!(out.code == Some(0), "{}", out.stdout);
    let out = slrsim_at(&db, &["explain", &task, "--json"]);
    assert!(out.code == Some(0));
    assert!(out.stdout.contains("playbackConfiguration/live"));
    // Every request is a record: the log ends at the number status gave.
    let out = slrsim_at(&db, &["log", "--json"]);
    let records: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a record"))
        .collect();
    assert_eq!(records.last().expect("records")["seq"].as_u64(), Some(last));
    // The request id a client saw is the one its record keeps.
    assert!(records.iter().any(|r| r["request_id"] == rid.as_str()));
}

#[test]
fn bad_and_missing_signatures_are_refused_and_recorded() {
    let srv = start(&[]);
    let r = iam_as(
        &srv,
        &srv.key.clone(),
        "not-the-secret",
        &[("Action", "ListRoles")],
    );
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(tag(&r.body, "Code"), Some("SignatureDoesNotMatch"));
    let r = iam_as(
        &srv,
        "AKIANOSUCHKEY0000000",
        "x",
        &[("Action", "ListRoles")],
    );
    assert_eq!(r.status, 403);
    assert_eq!(tag(&r.body, "Code"), Some("InvalidClientTokenId"));
    // No signature at all.
    let r = send(
        &srv.addr,
        "GET",
        "/playbackConfigurations",
        &[("Host".into(), srv.addr.clone())],
        b"",
    );
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(
        r.header("x-amzn-errortype")
            .is_some_and(|t| t.starts_with("MissingAuthenticationToken"))
    );
    // A body changed after signing.
    let body = b"Action=ListRoles&Version=2010-05-08".to_vec();
    let h = signed_headers(
        &srv,
        (&srv.key, &srv.secret),
        "iam",
        "POST",
        "/",
        &[],
        &body,
    );
    let r = send(
        &srv.addr,
        "POST",
        "/",
        &h,
        b"Action=ListUsers&Version=2010-05-08",
    );
    assert_eq!(tag(&r.body, "Code"), Some("SignatureDoesNotMatch"));
    // A signed request for an action IAM does not have.
    let r = iam(&srv, &[("Action", "DeleteEverything")]);
    assert_eq!(r.status, 400);
    assert_eq!(tag(&r.body, "Code"), Some("InvalidAction"));

    let dir = srv.stop();
    let out = slrsim_at(
        &dir.path().join("db"),
        &["log", "--json", "--op", "RefusedRequest"],
    );
    let refused: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a record"))
        .collect();
    assert_eq!(refused.len(), 5, "{refused:#?}");
    let codes: Vec<&str> = refused
        .iter()
        .map(|r| r["action"]["params"]["Code"].as_str().expect("code"))
        .collect();
    assert_eq!(
        codes,
        [
            "SignatureDoesNotMatch",
            "InvalidClientTokenId",
            "MissingAuthenticationToken",
            "SignatureDoesNotMatch",
            "InvalidAction"
        ]
    );
    // Unproven identities are nobody; a signed but unknown action is its signer's.
    assert_eq!(refused[0]["action"]["caller"], "(anonymous)");
    assert_eq!(
        refused[1]["action"]["params"]["AccessKeyId"],
        "AKIANOSUCHKEY0000000"
    );
    assert_eq!(refused[4]["action"]["caller"], "root");
    assert_eq!(
        refused[4]["action"]["params"]["Operation"],
        "DeleteEverything"
    );
    let out = slrsim_at(&dir.path().join("db"), &["verify"]);
    assert!(out.code == Some(0));
}

#[test]
fn a_user_s_key_from_create_access_key_signs_as_that_user() {
    let srv = start(&[]);
    assert_eq!(
        iam(&srv, &[("Action", "CreateUser"), ("UserName", "ops")]).status,
        200
    );
    let r = iam(&srv, &[("Action", "CreateAccessKey"), ("UserName", "ops")]);
    assert_eq!(r.status, 200, "{}", r.body);
    let key = tag(&r.body, "AccessKeyId").expect("key").to_string();
    let secret = tag(&r.body, "SecretAccessKey").expect("secret").to_string();
    // Who am I: STS answers without any permission.
    let body = b"Action=GetCallerIdentity&Version=2011-06-15".to_vec();
    let ct = [(
        "Content-Type",
        "application/x-www-form-urlencoded; charset=utf-8",
    )];
    let h = signed_headers(&srv, (&key, &secret), "sts", "POST", "/", &ct, &body);
    let r = send(&srv.addr, "POST", "/", &h, &body);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.starts_with(
        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
    ));
    assert_eq!(
        tag(&r.body, "Arn"),
        Some("arn:aws:iam::111122223333:user/ops")
    );
    assert_eq!(tag(&r.body, "Account"), Some("111122223333"));
    // No policy: denied, and the record names the user.
    let r = iam_as(&srv, &key, &secret, &[("Action", "ListRoles")]);
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(tag(&r.body, "Code"), Some("AccessDenied"));
    let policy = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*"}]})
    .to_string();
    let r = iam(
        &srv,
        &[
            ("Action", "PutUserPolicy"),
            ("UserName", "ops"),
            ("PolicyName", "list"),
            ("PolicyDocument", &policy),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = iam_as(&srv, &key, &secret, &[("Action", "ListRoles")]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(tag(&r.body, "IsTruncated"), Some("false"));
    // A role created with a document laid out by hand lists that very text, URL-encoded.
    let trust = "{ \"Statement\": [ {\"Effect\": \"Allow\", \"Principal\": {\"Service\": \"ec2.amazonaws.com\"}, \"Action\": \"sts:AssumeRole\"} ],\n  \"Version\": \"2012-10-17\" }";
    let r = iam(
        &srv,
        &[
            ("Action", "CreateRole"),
            ("RoleName", "app"),
            ("AssumeRolePolicyDocument", trust),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    for r in [r, iam_as(&srv, &key, &secret, &[("Action", "ListRoles")])] {
        let doc = tag(&r.body, "AssumeRolePolicyDocument").expect("a document");
        let text = percent_encoding::percent_decode_str(doc)
            .decode_utf8()
            .expect("utf-8");
        assert_eq!(text, trust);
    }
    let dir = srv.stop();
    let out = slrsim_at(
        &dir.path().join("db"),
        &["log", "--json", "--op", "ListRoles"],
    );
    let callers: Vec<String> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("record")["action"]["caller"].to_string())
        .collect();
    assert_eq!(callers, ["\"ops\"", "\"ops\"", "\"ops\""]);
}

#[test]
fn many_clients_at_once_get_one_order_and_a_sound_log() {
    let srv = start(&[]);
    assert_eq!(put_config(&srv, "live").status, 200);
    let threads = 8;
    let per = 40;
    std::thread::scope(|s| {
        for t in 0..threads {
            let srv = &srv;
            s.spawn(move || {
                for i in 0..per {
                    let r = if (t + i) % 2 == 0 {
                        enable_logging(srv, "live", if i % 3 == 0 { 0 } else { 100 })
                    } else {
                        iam(srv, &[("Action", "ListRoles")])
                    };
                    assert_eq!(r.status, 200, "{}", r.body);
                }
            });
        }
    });
    let status = control(&srv, "GET", "/_slrsim/status", "").json();
    // Genesis, the configuration, then every call.
    assert_eq!(status["NextSeq"].as_u64(), Some(2 + threads * per));
    let dir = srv.stop();
    let out = slrsim_at(&dir.path().join("db"), &["verify"]);
    assert!(out.code == Some(0), "{}", out.stdout);
}

#[test]
fn the_wall_clock_finishes_a_deletion_without_being_told() {
    let srv = start(&["--clock", "wall", "--speed", "600"]);
    assert_eq!(put_config(&srv, "live").status, 200);
    assert_eq!(enable_logging(&srv, "live", 0).status, 200);
    let r = iam(
        &srv,
        &[
            ("Action", "CreateServiceLinkedRole"),
            ("AWSServiceName", "mediatailor.amazonaws.com"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = iam(
        &srv,
        &[("Action", "DeleteServiceLinkedRole"), ("RoleName", SLR)],
    );
    let task = tag(&r.body, "DeletionTaskId").expect("task").to_string();
    // 600 simulated seconds per real second: a task's 30 s pass within a fraction of a second.
    let mut status = String::new();
    for _ in 0..100 {
        let r = iam(
            &srv,
            &[
                ("Action", "GetServiceLinkedRoleDeletionStatus"),
                ("DeletionTaskId", &task),
            ],
        );
        status = tag(&r.body, "Status").unwrap_or("").to_string();
        if status == "SUCCEEDED" {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(status, "SUCCEEDED");
    let s = control(&srv, "GET", "/_slrsim/status", "").json();
    assert_eq!(s["Clock"], "wall");
    assert!(s["Epoch"].as_i64().expect("epoch") > 1_767_225_600 + 30);
    let dir = srv.stop();
    // The clock's steps are records: replay gives the same state, byte for byte.
    let out = slrsim_at(
        &dir.path().join("db"),
        &["log", "--json", "--op", "AdvanceClock"],
    );
    assert!(out.stdout.lines().count() >= 1);
    let out = slrsim_at(&dir.path().join("db"), &["verify"]);
    assert!(out.code == Some(0));
}

#[test]
fn the_root_key_and_token_are_kept_on_every_start_and_env_prints_them() {
    let srv = start(&["--seed", "7"]);
    let (key, secret, token) = (srv.key.clone(), srv.secret.clone(), srv.token.clone());
    let dir = srv.stop();
    let env = slrsim_at(&dir.path().join("db"), &["env", "--addr", "127.0.0.1:4566"]);
    let text = &env.stdout;
    assert!(
        text.contains(&format!("export AWS_ACCESS_KEY_ID={key}\n")),
        "{text}"
    );
    assert!(text.contains(&format!("export AWS_SECRET_ACCESS_KEY={secret}\n")));
    assert!(text.contains("export AWS_ENDPOINT_URL=http://127.0.0.1:4566\n"));
    assert!(text.contains(&format!("export SLRSIM_TOKEN={token}\n")));
    // A restart on the same database: the same key and token (the log's seed, whatever --seed
    // says now, and the database's operator file).
    let again = start_in(dir, &["--seed", "8"]);
    assert_eq!(again.key, key);
    assert_eq!(again.secret, secret);
    assert_eq!(again.token, token);
    assert_eq!(iam(&again, &[("Action", "ListRoles")]).status, 200);
    assert_eq!(control(&again, "GET", "/_slrsim/status", "").status, 200);
    drop(again);
    // Another seed, another key id.
    let other = start(&["--seed", "8"]);
    assert_ne!(other.key, key);
}

/// `slrsim env` before the first `serve` makes the operator file, and `serve` then uses what env
/// printed, with the seed env was given.
#[test]
fn env_before_serve_prints_what_serve_will_use() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("db");
    let env = slrsim_at(&db, &["env", "--seed", "7"]);
    assert!(env.code == Some(0), "{}", &env.stderr);
    let text = env.stdout.clone();
    let srv = start_in(dir, &["--seed", "7"]);
    assert!(
        text.contains(&format!("export AWS_ACCESS_KEY_ID={}\n", srv.key)),
        "{text}"
    );
    assert!(text.contains(&format!("export AWS_SECRET_ACCESS_KEY={}\n", srv.secret)));
    assert!(text.contains(&format!("export SLRSIM_TOKEN={}\n", srv.token)));
    let (seed_7_key, _) = slrsim::core::ids::root_access_key(7, "111122223333");
    assert_eq!(srv.key, seed_7_key);
    assert_eq!(iam(&srv, &[("Action", "ListRoles")]).status, 200);
}

#[test]
fn control_calls_are_actions_and_bad_ones_are_refused() {
    let srv = start(&[]);
    let r = control(&srv, "POST", "/_slrsim/advance?seconds=90", "");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["Response"]["Now"], "2026-01-01T00:01:30Z");
    let r = control(&srv, "POST", "/_slrsim/advance?seconds=-5", "");
    assert_eq!(r.status, 400, "{}", r.body);
    let r = control(&srv, "POST", "/_slrsim/advance", "");
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(
        r.json()["Message"]
            .as_str()
            .expect("message")
            .contains("seconds")
    );
    assert_eq!(put_config(&srv, "live").status, 200);
    assert_eq!(enable_logging(&srv, "live", 100).status, 200);
    let r = control(
        &srv,
        "POST",
        "/_slrsim/sessions",
        r#"{"PlaybackConfigurationName":"live","Sessions":5}"#,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = control(&srv, "POST", "/_slrsim/sessions", "not json");
    assert_eq!(r.status, 400);
    // What MediaTailor delivered is in CloudWatch Logs.
    let body = b"{}".to_vec();
    let target = [
        ("X-Amz-Target", "Logs_20140328.DescribeLogGroups"),
        ("Content-Type", "application/x-amz-json-1.1"),
    ];
    let h = signed_headers(
        &srv,
        (&srv.key, &srv.secret),
        "logs",
        "POST",
        "/",
        &target,
        &body,
    );
    let r = send(&srv.addr, "POST", "/", &h, &body);
    assert_eq!(r.status, 200, "{}", r.body);
    let groups: Vec<String> = r.json()["logGroups"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| g["logGroupName"].as_str().expect("name").to_string())
        .collect();
    assert!(
        groups.iter().any(|g| g.starts_with("MediaTailor/")),
        "{groups:?}"
    );
    let status = control(&srv, "GET", "/_slrsim/status", "").json();
    // Genesis, three advances (two refused), the configuration, logging, two sessions calls (one
    // refused) and DescribeLogGroups.
    assert_eq!(status["NextSeq"], 9);
}

/// The same requests, in the same order, to two servers on fresh databases give the same log, byte for
/// byte: the signature's time, the connection and the wall clock leave no trace in the records.
#[test]
fn the_same_requests_give_the_same_log_bytes() {
    let run = || {
        let srv = start(&["--seed", "42"]);
        assert_eq!(put_config(&srv, "live").status, 200);
        assert_eq!(enable_logging(&srv, "live", 100).status, 200);
        let r = iam(
            &srv,
            &[("Action", "DeleteServiceLinkedRole"), ("RoleName", SLR)],
        );
        assert_eq!(r.status, 200);
        control(&srv, "POST", "/_slrsim/advance?seconds=60", "");
        iam(&srv, &[("Action", "GetRole"), ("RoleName", SLR)]);
        iam_as(
            &srv,
            "AKIANOSUCHKEY0000000",
            "x",
            &[("Action", "ListRoles")],
        );
        iam(&srv, &[("Action", "CreateUser"), ("UserName", "ops")]);
        let r = iam(&srv, &[("Action", "CreateAccessKey"), ("UserName", "ops")]);
        let key = tag(&r.body, "AccessKeyId").expect("key").to_string();
        let secret = tag(&r.body, "SecretAccessKey").expect("secret").to_string();
        iam_as(&srv, &key, &secret, &[("Action", "ListRoles")]);
        let dir = srv.stop();
        let log = slrsim_at(&dir.path().join("db"), &["log", "--json"]);
        assert!(log.code == Some(0));
        let state = slrsim_at(&dir.path().join("db"), &["state", "--json"]);
        (log.stdout, state.stdout, key, secret)
    };
    let (log_a, state_a, key_a, secret_a) = run();
    // A second later: every signature differs, nothing recorded does.
    std::thread::sleep(Duration::from_millis(1100));
    let (log_b, state_b, key_b, secret_b) = run();
    assert_eq!(key_a, key_b);
    // The working secret comes from each database's own key secret, which the log never holds.
    assert_ne!(secret_a, secret_b);
    assert!(!log_a.contains(&secret_a));
    assert!(log_a.len() > 1000);
    assert!(
        log_a == log_b,
        "the logs differ:\n{}\n---\n{}",
        log_a,
        log_b
    );
    assert_eq!(state_a, state_b);
}

/// The history can be read while the server runs (sled locks the database, so the command line can
/// only read it afterwards): the state now and after a record, records, and why a task failed. Reads
/// are not recorded.
#[test]
fn the_history_can_be_read_while_serving() {
    let srv = start(&[]);
    assert_eq!(put_config(&srv, "live").status, 200);
    assert_eq!(enable_logging(&srv, "live", 100).status, 200);
    let r = iam(
        &srv,
        &[("Action", "DeleteServiceLinkedRole"), ("RoleName", SLR)],
    );
    let task = tag(&r.body, "DeletionTaskId").expect("task").to_string();
    control(&srv, "POST", "/_slrsim/advance?seconds=60", "");
    let next = control(&srv, "GET", "/_slrsim/status", "").json()["NextSeq"].clone();

    let now = control(&srv, "GET", "/_slrsim/state", "").json();
    let before = control(&srv, "GET", "/_slrsim/state?at=1", "").json();
    assert_eq!(now["now"], 1_767_225_660, "{now}");
    // After record 1 (the configuration) logging was off and there was no role.
    assert_ne!(now, before);
    let r = control(&srv, "GET", "/_slrsim/state?at=99", "");
    assert_eq!(r.status, 404, "{}", r.body);
    assert_eq!(control(&srv, "GET", "/_slrsim/state?at=x", "").status, 400);

    let log = control(&srv, "GET", "/_slrsim/log?from=2&to=3", "").json();
    let records = log["Records"].as_array().expect("records");
    assert_eq!(records.len(), 2);
    assert_eq!(records[0]["seq"], 2);
    assert_eq!(records[1]["action"]["op"], "DeleteServiceLinkedRole");
    let all = control(&srv, "GET", "/_slrsim/log", "").json();
    assert_eq!(all["From"], 0);
    assert_eq!(
        all["Records"].as_array().expect("records").len() as u64,
        next.as_u64().expect("n")
    );

    let why = control(
        &srv,
        "GET",
        &format!(
            "/_slrsim/explain?task={}",
            task.get(task.len() - 8..).expect("an ASCII task id")
        ),
        "",
    );
    assert_eq!(why.status, 200, "{}", why.body);
    assert!(
        why.body.contains("playbackConfiguration/live"),
        "{}",
        why.body
    );
    assert_eq!(
        control(&srv, "GET", "/_slrsim/explain?task=nope", "").status,
        404
    );
    // None of the reads was recorded.
    let after = control(&srv, "GET", "/_slrsim/status", "").json();
    assert_eq!(after["NextSeq"], next);
}

/// A taken port is refused (exit 2) before the database is touched: no new database is left behind.
#[test]
fn a_taken_port_creates_no_database() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr").to_string();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("db");
    let out = slrsim_at(&db, &["serve", "--addr", &addr]);
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("cannot serve on"));
    assert!(!db.exists());
}

/// The records of a stopped server's log, as `slrsim log --json` prints them (one line each).
fn log_lines(db: &std::path::Path) -> Vec<String> {
    let out = slrsim_at(db, &["log", "--json"]);
    assert!(out.code == Some(0));
    out.stdout.lines().map(String::from).collect()
}

/// The control API belongs to whoever holds the token: without it (or with a wrong one) every call
/// is 401 and nothing is recorded; a browser may give it once as `?token=` and keep the cookie.
#[test]
fn the_control_api_needs_the_operator_s_token() {
    let srv = start(&[]);
    let next = || control(&srv, "GET", "/_slrsim/status", "").json()["NextSeq"].clone();
    let before = next();
    let calls = [
        ("GET", "/_slrsim/status", ""),
        ("GET", "/_slrsim/state", ""),
        ("GET", "/_slrsim/log", ""),
        ("GET", "/_slrsim/explain?task=x", ""),
        ("POST", "/_slrsim/advance?seconds=60", ""),
        (
            "POST",
            "/_slrsim/sessions",
            r#"{"PlaybackConfigurationName":"live","Sessions":1,"Account":"999988887777"}"#,
        ),
        ("DELETE", "/_slrsim/nothing", ""),
    ];
    let wrong = format!("Bearer {}x", srv.token.get(1..).expect("an ASCII token"));
    let sigv4 = signed_headers(
        &srv,
        (&srv.key, &srv.secret),
        "iam",
        "GET",
        "/_slrsim/status",
        &[],
        b"",
    );
    for (method, uri, body) in calls {
        let tries: [Vec<(String, String)>; 4] = [
            vec![],
            vec![("Authorization".into(), wrong.clone())],
            vec![(
                "Cookie".into(),
                format!(
                    "slrsim_token={}",
                    srv.token.get(..32).expect("an ASCII token")
                ),
            )],
            // A valid AWS signature is not the operator's token.
            sigv4.clone(),
        ];
        for headers in tries {
            let r = send(&srv.addr, method, uri, &headers, body.as_bytes());
            assert_eq!(r.status, 401, "{method} {uri} {headers:?}: {}", r.body);
            assert!(
                r.header("www-authenticate")
                    .is_some_and(|v| v.starts_with("Bearer"))
            );
            assert!(!r.body.contains(&srv.token));
        }
        let r = send(
            &srv.addr,
            method,
            &format!("{uri}?token=nope"),
            &[],
            body.as_bytes(),
        );
        assert_eq!(r.status, 401);
    }
    // Nothing of it was recorded.
    assert_eq!(next(), before);

    // ?token= once: answered, and the cookie the answer sets is accepted after.
    let r = send(
        &srv.addr,
        "GET",
        &format!("/_slrsim/status?token={}", srv.token),
        &[],
        b"",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let cookie = r.header("set-cookie").expect("a cookie").to_string();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/_slrsim/"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    let pair = cookie.split(';').next().expect("name=value").to_string();
    let r = send(
        &srv.addr,
        "GET",
        "/_slrsim/status",
        &[("Cookie".into(), format!("theme=dark; {pair}"))],
        b"",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.header("set-cookie").is_none());
    // The seed is not served.
    assert!(r.json().get("Seed").is_none(), "{}", r.body);

    // A user's key: its working secret is in CreateAccessKey's answer and nowhere the control API
    // reads, and the log holds only a placeholder that does not sign.
    assert_eq!(
        iam(&srv, &[("Action", "CreateUser"), ("UserName", "ops")]).status,
        200
    );
    let r = iam(&srv, &[("Action", "CreateAccessKey"), ("UserName", "ops")]);
    assert_eq!(r.status, 200, "{}", r.body);
    let key = tag(&r.body, "AccessKeyId").expect("key").to_string();
    let secret = tag(&r.body, "SecretAccessKey").expect("secret").to_string();
    let r = iam_as(&srv, &key, &secret, &[("Action", "GetCallerIdentity")]);
    assert_ne!(
        tag(&r.body, "Code"),
        Some("SignatureDoesNotMatch"),
        "{}",
        r.body
    );
    let log = control(&srv, "GET", "/_slrsim/log", "");
    assert_eq!(log.status, 200);
    assert!(log.body.contains(&key));
    assert!(!log.body.contains(&secret));
    assert!(log.body.contains("(redacted)"), "{}", log.body);
    let state = control(&srv, "GET", "/_slrsim/state", "");
    assert!(!state.body.contains(&secret) && !state.body.contains(&srv.secret));
    let dir = srv.stop();
    let db = dir.path().join("db");
    let lines = log_lines(&db);
    let placeholder = lines
        .iter()
        .find(|l| l.contains("\"CreateAccessKey\""))
        .and_then(|l| serde_json::from_str::<Value>(l).ok())
        .and_then(|r| {
            r["outcome"]["ok"]["response"]["AccessKey"]["SecretAccessKey"]
                .as_str()
                .map(String::from)
        })
        .expect("the record's placeholder");
    assert_ne!(placeholder, secret);
    let all = lines.join("\n");
    assert!(!all.contains(&secret));
    // The token and key secret are in a file of the database folder only its owner may read.
    let file = db.join("slrsim-operator.json");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file)
            .expect("operator file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let srv = start_in(dir, &[]);
    // The placeholder the log holds signs nothing; the working secret still does after a restart.
    let r = iam_as(&srv, &key, &placeholder, &[("Action", "ListRoles")]);
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(tag(&r.body, "Code"), Some("SignatureDoesNotMatch"));
    let r = iam_as(&srv, &key, &secret, &[("Action", "ListRoles")]);
    assert_ne!(
        tag(&r.body, "Code"),
        Some("SignatureDoesNotMatch"),
        "{}",
        r.body
    );
}

/// Root keys of other accounts cannot be computed from anything a client reads: the seed gives the
/// key id and the log's placeholder, which signs nothing.
#[test]
fn root_keys_are_not_derived_from_the_seed() {
    let srv = start(&[]);
    for account in ["111122223333", "999988887777"] {
        let (id, from_seed) = slrsim::core::ids::root_access_key(0, account);
        let r = iam_as(&srv, &id, &from_seed, &[("Action", "ListRoles")]);
        assert_eq!(r.status, 403, "{account}: {}", r.body);
        // The default account's key exists (a wrong signature); the other account has none yet.
        let code = tag(&r.body, "Code").expect("a code");
        assert!(
            code == "SignatureDoesNotMatch" || code == "InvalidClientTokenId",
            "{code}"
        );
    }
    let (id, _) = slrsim::core::ids::root_access_key(0, "111122223333");
    assert_eq!(srv.key, id);
    assert_ne!(
        srv.secret,
        slrsim::core::ids::root_access_key(0, "111122223333").1
    );
    assert_eq!(iam(&srv, &[("Action", "ListRoles")]).status, 200);
}

/// Reads what the server sends until it closes the connection. The read timeout only turns a hang
/// into a failure; nothing here depends on how fast the machine is.
fn read_until_closed(s: &mut TcpStream) -> Vec<u8> {
    s.set_read_timeout(Some(Duration::from_secs(60))).ok();
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return raw,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            // A reset after the answer is a close too.
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return raw,
            Err(e) => panic!("the server neither answered nor closed: {e} (read {raw:?})"),
        }
    }
}

/// A body that never arrives cannot hold a connection: with the timeout at one second (the hidden
/// `SLRSIM_REQUEST_TIMEOUT_MS`; 30 s by default), a body that stops, one that drips a byte at a
/// time, and a head that never ends are each answered 408 or disconnected, and the server goes on
/// serving. Nothing of it is recorded.
#[test]
fn a_request_that_never_arrives_is_cut_at_the_deadline() {
    let dir = tempfile::tempdir().expect("temp dir");
    let srv = start_with(dir, &[], &[("SLRSIM_REQUEST_TIMEOUT_MS", "1000")]);
    let before = control(&srv, "GET", "/_slrsim/status", "").json()["NextSeq"].clone();
    let head = |len: u64| {
        format!(
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {len}\r\n\r\n"
        )
    };
    // A body that stops after 10 of its 1000 bytes.
    let mut s = TcpStream::connect(&srv.addr).expect("connect");
    s.write_all(head(1000).as_bytes()).expect("head");
    s.write_all(b"Action=Get").expect("some body");
    let r = parse_response(&read_until_closed(&mut s)).expect("a whole response");
    assert_eq!(r.status, 408, "{}", r.body);

    // A body that drips one byte every 100 ms (it would take 100 s): cut, answered 408, closed.
    let mut s = TcpStream::connect(&srv.addr).expect("connect");
    s.write_all(head(1000).as_bytes()).expect("head");
    let mut writer = s.try_clone().expect("clone");
    let drip = std::thread::spawn(move || {
        for _ in 0..1000 {
            if writer.write_all(b"a").is_err() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    });
    let r = parse_response(&read_until_closed(&mut s)).expect("a whole response");
    assert_eq!(r.status, 408, "{}", r.body);
    assert_eq!(r.header("connection"), Some("close"));
    drop(s);
    assert!(
        drip.join().expect("drip"),
        "the server kept reading the drip"
    );

    // A body that keeps a good pace (20 KB every 50 ms) but would take 2.5 s in all: cut at the
    // deadline, 408.
    let mut s = TcpStream::connect(&srv.addr).expect("connect");
    s.write_all(head(1_000_000).as_bytes()).expect("head");
    let mut writer = s.try_clone().expect("clone");
    let steady = std::thread::spawn(move || {
        for _ in 0..50 {
            if writer.write_all(&[b'a'; 20_000]).is_err() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    });
    let r = parse_response(&read_until_closed(&mut s)).expect("a whole response");
    assert_eq!(r.status, 408, "{}", r.body);
    drop(s);
    assert!(
        steady.join().expect("steady"),
        "the server read the whole slow body"
    );

    // A body declared larger than the limit (10^15 bytes) is refused before a byte is read.
    let mut s = TcpStream::connect(&srv.addr).expect("connect");
    s.write_all(head(1_000_000_000_000_000).as_bytes())
        .expect("head");
    let r = parse_response(&read_until_closed(&mut s)).expect("a whole response");
    assert_eq!(r.status, 413, "{}", r.body);

    // A head that never ends: the connection is closed.
    let mut s = TcpStream::connect(&srv.addr).expect("connect");
    s.write_all(b"POST / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .expect("part of a head");
    let raw = read_until_closed(&mut s);
    assert!(
        raw.is_empty() || String::from_utf8_lossy(&raw).starts_with("HTTP/1.1 408"),
        "{}",
        String::from_utf8_lossy(&raw)
    );

    // The server still serves, and recorded none of it.
    assert_eq!(iam(&srv, &[("Action", "ListRoles")]).status, 200);
    let after = control(&srv, "GET", "/_slrsim/status", "").json()["NextSeq"].clone();
    assert_eq!(after.as_u64(), before.as_u64().map(|n| n + 1));
}

/// Whatever a request holds — NUL, U+0001, U+FFFE, U+FFFF, a lone surrogate or invalid UTF-8, raw
/// or percent-encoded — every answer is well-formed: IAM's and STS's parse as XML 1.0 with a strict
/// parser (what the AWS CLI and boto3 need to read the error at all), the others as JSON.
#[test]
fn hostile_characters_get_well_formed_answers() {
    let srv = start(&[]);
    let hostile: [&[u8]; 8] = [
        b"%00",
        b"%01",
        b"a%01b%1Fc",
        b"%EF%BF%BE",
        b"%EF%BF%BF",
        b"%ED%A0%80",
        b"%FF%FE",
        b"\x01\x00\xff\xfe",
    ];
    let fields: [&[u8]; 8] = [
        b"Action=GetRole&RoleName=",
        b"Action=CreateUser&UserName=",
        b"Action=GetServiceLinkedRoleDeletionStatus&DeletionTaskId=",
        b"Action=ListRoles&Marker=",
        b"Action=CreateRole&RoleName=r&AssumeRolePolicyDocument=",
        b"Action=UpdateRoleDescription&RoleName=AWSServiceRoleForMediaTailor&Description=",
        b"Action=AttachRolePolicy&RoleName=r&PolicyArn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2F",
        b"Action=",
    ];
    let ct = [("Content-Type", "application/x-www-form-urlencoded")];
    let mut answers = 0;
    for field in fields {
        for value in hostile {
            let mut body = field.to_vec();
            body.extend_from_slice(value);
            body.extend_from_slice(b"&Version=2010-05-08");
            for signed in [true, false] {
                for service in ["iam", "sts"] {
                    let headers = if signed {
                        signed_headers(
                            &srv,
                            (&srv.key, &srv.secret),
                            service,
                            "POST",
                            "/",
                            &ct,
                            &body,
                        )
                    } else {
                        vec![("Content-Type".to_string(), ct[0].1.to_string())]
                    };
                    let r = send(&srv.addr, "POST", "/", &headers, &body);
                    let xml = r.body.clone();
                    if let Err(e) = roxmltree::Document::parse(&xml) {
                        panic!(
                            "{service} signed={signed} body {:?}: answer {} is not XML ({e}): {xml:?}",
                            String::from_utf8_lossy(&body),
                            r.status
                        );
                    }
                    answers += 1;
                }
            }
        }
    }
    assert_eq!(answers, 8 * 8 * 4);
    // MediaTailor and CloudWatch Logs answer JSON, which escapes what it must.
    for value in ["%00", "%01", "%EF%BF%BE", "%ED%A0%80", "%FF"] {
        let uri = format!("/playbackConfiguration/{value}");
        let r = mt(&srv, "GET", &uri, None);
        serde_json::from_str::<Value>(&r.body)
            .unwrap_or_else(|e| panic!("{uri}: {e}: {:?}", r.body));
    }
    for body in [
        &b"{\"logGroupNamePrefix\":\"\\u0001\\u0000\\ufffe\"}"[..],
        b"\x01\xff",
    ] {
        let target = [
            ("X-Amz-Target", "Logs_20140328.DescribeLogGroups"),
            ("Content-Type", "application/x-amz-json-1.1"),
        ];
        let h = signed_headers(
            &srv,
            (&srv.key, &srv.secret),
            "logs",
            "POST",
            "/",
            &target,
            body,
        );
        let r = send(&srv.addr, "POST", "/", &h, body);
        serde_json::from_str::<Value>(&r.body).unwrap_or_else(|e| panic!("{e}: {:?}", r.body));
    }
    let dir = srv.stop();
    let out = slrsim_at(&dir.path().join("db"), &["verify"]);
    assert!(out.code == Some(0), "{}", out.stdout);
}

/// What an unsigned request costs is bounded whatever its size: 1 MiB requests to every service
/// are each recorded in at most a few kilobytes (a refusal keeps the service, operation, key and
/// message, each clipped, never the body), and control calls without the token are not recorded.
#[test]
fn an_unsigned_request_is_recorded_in_bounded_size() {
    let srv = start(&[]);
    let big = "a".repeat((1 << 20) - 200);
    /// Method, path, headers, body.
    type Request<'a> = (&'a str, &'a str, Vec<(String, String)>, Vec<u8>);
    let requests: Vec<Request> = vec![
        (
            "POST",
            "/",
            vec![],
            format!("Action=CreateRole&Version=2010-05-08&RoleName={big}").into_bytes(),
        ),
        (
            "POST",
            "/",
            vec![],
            format!("Action={big}&Version=2010-05-08").into_bytes(),
        ),
        (
            "PUT",
            "/playbackConfiguration",
            vec![],
            format!(r#"{{"Name":"{big}"}}"#).into_bytes(),
        ),
        (
            "POST",
            "/",
            vec![(
                "X-Amz-Target".into(),
                "Logs_20140328.DescribeLogGroups".into(),
            )],
            format!(r#"{{"logGroupNamePrefix":"{big}"}}"#).into_bytes(),
        ),
        (
            "POST",
            "/",
            vec![(
                "Authorization".into(),
                format!(
                    "AWS4-HMAC-SHA256 Credential=AKIA{}/20261128/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00",
                    big.get(..4000).unwrap_or_default()
                ),
            )],
            format!("Action=GetRole&RoleName={big}").into_bytes(),
        ),
        (
            "POST",
            "/_slrsim/sessions",
            vec![],
            format!(r#"{{"PlaybackConfigurationName":"{big}","Sessions":1}}"#).into_bytes(),
        ),
        ("POST", "/_slrsim/x", vec![], big.clone().into_bytes()),
    ];
    for (method, uri, headers, body) in &requests {
        let r = send(&srv.addr, method, uri, headers, body);
        assert!(r.status >= 400, "{method} {uri}: {}", r.status);
    }
    // The operator's own control call with a large body is refused, and recorded small.
    let r = control(
        &srv,
        "POST",
        "/_slrsim/sessions",
        &format!(r#"{{"PlaybackConfigurationName":"{big}","Sessions":1}}"#),
    );
    assert!(r.status == 413 || r.status == 400, "{}", r.status);
    let dir = srv.stop();
    let lines = log_lines(&dir.path().join("db"));
    // Genesis and the five refusals of requests that reached a service; the two control calls
    // without the token and the operator's oversized one are not there (413 before the body).
    for line in &lines {
        assert!(
            line.len() < 4096,
            "a record of {} bytes: {}",
            line.len(),
            line.chars().take(300).collect::<String>()
        );
    }
    assert_eq!(lines.len(), 6, "{lines:#?}");
}

/// MediaTailor's tagging calls over the wire, as SDKs send them: the ARN percent-encoded in the path,
/// the tags under their wire name `tags`, the keys to remove repeated in the query string; Tag and
/// Untag answer 204 with no body, and Get returns the whole configuration with AWS's defaults.
#[test]
fn the_tagging_calls_over_http_take_the_encoded_arn_and_answer_as_mediatailor() {
    let srv = start(&[]);
    assert_eq!(put_config(&srv, "live").status, 200);
    let path =
        "/tags/arn%3Aaws%3Amediatailor%3Aus-east-1%3A111122223333%3AplaybackConfiguration%2Flive";
    let tag = mt(
        &srv,
        "POST",
        path,
        Some(json!({"tags": {"team": "video", "cost": "42"}})),
    );
    assert_eq!((tag.status, tag.body.as_str()), (204, ""), "{}", tag.body);
    let untag = mt(&srv, "DELETE", &format!("{path}?tagKeys=cost"), None);
    assert_eq!(untag.status, 204, "{}", untag.body);
    let list = mt(&srv, "GET", path, None);
    assert_eq!(list.status, 200);
    let listed: Value = serde_json::from_str(&list.body).expect("json");
    assert_eq!(listed, json!({"tags": {"team": "video"}}));
    let get = mt(&srv, "GET", "/playbackConfiguration/live", None);
    let got: Value = serde_json::from_str(&get.body).expect("json");
    assert_eq!(got["tags"], json!({"team": "video"}));
    assert!(
        got.get("Tags").is_none(),
        "the member travels as `tags`: {got}"
    );
    assert_eq!(
        got["DashConfiguration"]["OriginManifestType"],
        "MULTI_PERIOD"
    );
    let gone = mt(&srv, "GET", &path.replace("live", "gone"), None);
    assert_eq!(gone.status, 400);
    assert_eq!(gone.header("x-amzn-errortype"), Some("BadRequestException"));
    let dir = srv.stop();
    let out = slrsim_at(&dir.path().join("db"), &["verify"]);
    assert_eq!(out.code, Some(0), "{}", out.show());
}

/// `--clock requests:SECONDS`: each AWS request takes SECONDS of simulated time (an `AdvanceClock`
/// record before it), so a client that polls a deletion task sees it finish after the same number of
/// polls however fast it runs; the operator's calls and reads take none.
#[test]
fn the_requests_clock_moves_time_per_request_and_polling_finishes_a_task() {
    let srv = start(&["--clock", "requests:5"]);
    let s = control(&srv, "GET", "/_slrsim/status", "").json();
    assert_eq!(s["Clock"], "requests");
    assert_eq!(s["SecondsPerRequest"], 5);
    let start_time = s["Epoch"].as_i64().expect("epoch");
    let r = iam(
        &srv,
        &[
            ("Action", "CreateServiceLinkedRole"),
            ("AWSServiceName", "mediatailor.amazonaws.com"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = iam(
        &srv,
        &[("Action", "DeleteServiceLinkedRole"), ("RoleName", SLR)],
    );
    let task = tag(&r.body, "DeletionTaskId").expect("task").to_string();
    // The task finishes 30 s after the delete: the sixth poll (6 × 5 s) sees SUCCEEDED, never sooner.
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let r = iam(
            &srv,
            &[
                ("Action", "GetServiceLinkedRoleDeletionStatus"),
                ("DeletionTaskId", &task),
            ],
        );
        statuses.push(tag(&r.body, "Status").unwrap_or("").to_string());
    }
    assert_eq!(
        statuses.last().map(String::as_str),
        Some("SUCCEEDED"),
        "{statuses:?}"
    );
    assert!(
        statuses[..5].iter().all(|s| s != "SUCCEEDED"),
        "{statuses:?}"
    );
    // Eight AWS requests took 40 s; the status reads took none.
    let s = control(&srv, "GET", "/_slrsim/status", "").json();
    assert_eq!(s["Epoch"].as_i64(), Some(start_time + 40));
    let dir = srv.stop();
    let db = dir.path().join("db");
    let advances = slrsim_at(&db, &["log", "--json", "--op", "AdvanceClock"]);
    assert_eq!(advances.stdout.lines().count(), 8, "{}", advances.stdout);
    assert_eq!(slrsim_at(&db, &["verify"]).code, Some(0));
}

#[test]
fn a_bad_clock_is_a_usage_error_that_names_the_forms() {
    for bad in ["requests:0", "requests:x", "hourly", "requests:86401"] {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = slrsim_at(&dir.path().join("db"), &["serve", "--clock", bad]);
        assert_eq!(out.code, Some(2), "{bad}: {}", out.stderr);
        assert!(
            out.stderr.contains("requests:SECONDS"),
            "{bad}: {}",
            out.stderr
        );
        assert!(
            !dir.path().join("db").exists(),
            "{bad}: a database was made"
        );
    }
}

#[test]
fn serve_with_consistency_lags_iam_reads_and_the_log_names_the_stale_read() {
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    let srv = start(&["--consistency", "10"]);
    let created = iam(
        &srv,
        &[
            ("Action", "CreateRole"),
            ("RoleName", "app"),
            ("AssumeRolePolicyDocument", trust),
        ],
    );
    assert_eq!(created.status, 200, "{}", created.body);
    let stale = iam(&srv, &[("Action", "GetRole"), ("RoleName", "app")]);
    assert_eq!(stale.status, 404, "{}", stale.body);
    assert!(stale.body.contains("NoSuchEntity"), "{}", stale.body);
    let advanced = control(&srv, "POST", "/_slrsim/advance?seconds=10", "");
    assert_eq!(advanced.status, 200, "{}", advanced.body);
    let seen = iam(&srv, &[("Action", "GetRole"), ("RoleName", "app")]);
    assert_eq!(seen.status, 200, "{}", seen.body);
    let dir = srv.stop();
    let db = dir.path().join("db");
    let log = slrsim_at(&db, &["log"]);
    assert!(log.stdout.contains("SetConsistency"), "{}", log.stdout);
    assert!(
        log.stdout
            .contains("(stale read: the role was created 0 s ago)"),
        "{}",
        log.stdout
    );
    slrsim_at(&db, &["verify"]).code(0, "the log with its stale read verifies");
    let bad = tempfile::tempdir().expect("temp dir");
    slrsim_at(&bad.path().join("db"), &["serve", "--consistency", "61"])
        .code(2, "a lag past 60 s is a usage error");
}

/// `serve --throttle` records SetThrottling first; with the requests clock each request refills half
/// a call, so a fourth ListRoles in a row is refused with IAM's `Throttling` (a retry then gets
/// through), MediaTailor answers 429 `TooManyRequestsException`, and the log names each refusal and
/// verifies.
#[test]
fn serve_throttle_refuses_with_each_protocol_s_error_and_the_log_verifies() {
    let srv = start(&["--throttle", "0.5:2", "--clock", "requests:1"]);
    let statuses: Vec<u16> = (0..5)
        .map(|_| iam(&srv, &[("Action", "ListRoles")]).status)
        .collect();
    assert_eq!(statuses, [200, 200, 200, 400, 200]);
    let mut last = None;
    for _ in 0..4 {
        last = Some(mt(&srv, "GET", "/playbackConfigurations", None));
    }
    let last = last.expect("four answers");
    assert_eq!(last.status, 429, "{}", last.body);
    assert_eq!(
        last.header("x-amzn-errortype").map(|t| t.split(':').next()),
        Some(Some("TooManyRequestsException"))
    );
    let dir = srv.stop();
    let db = dir.path().join("db");
    let log = slrsim_at(&db, &["log"]);
    assert_eq!(log.code, Some(0));
    let lines: Vec<&str> = log.stdout.lines().collect();
    assert!(lines[1].contains("SetThrottling"), "{}", log.stdout);
    assert!(
        log.stdout.contains(
            "ERROR Throttling (400): Rate exceeded [throttled: the ListRoles bucket of account 111122223333 was empty]"
        ),
        "{}",
        log.stdout
    );
    assert_eq!(slrsim_at(&db, &["verify"]).code, Some(0));
}

/// `serve --viewers` with the requests clock: viewers watch as each request moves time, so a teardown
/// that turns logging off and deletes at once gets a FAILED task (the role was used moments before),
/// and the log says what the viewers played. The adversity settings are control calls too.
#[test]
fn serve_viewers_keep_the_role_in_use_and_the_settings_are_control_calls() {
    let srv = start(&["--viewers", "60", "--clock", "requests:10"]);
    assert_eq!(put_config(&srv, "live").status, 200);
    assert_eq!(enable_logging(&srv, "live", 100).status, 200);
    // A request later the viewers of the last 10 s were delivered through the role.
    assert_eq!(enable_logging(&srv, "live", 0).status, 200);
    let deleted = iam(
        &srv,
        &[
            ("Action", "DeleteServiceLinkedRole"),
            ("RoleName", "AWSServiceRoleForMediaTailor"),
        ],
    );
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    let task = deleted
        .body
        .split("<DeletionTaskId>")
        .nth(1)
        .and_then(|r| r.split("</DeletionTaskId>").next())
        .expect("a task id")
        .to_string();
    let mut status = String::new();
    for _ in 0..6 {
        let r = iam(
            &srv,
            &[
                ("Action", "GetServiceLinkedRoleDeletionStatus"),
                ("DeletionTaskId", &task),
            ],
        );
        status = r.body.clone();
        if r.body.contains("<Status>FAILED</Status>") || r.body.contains("SUCCEEDED") {
            break;
        }
    }
    assert!(status.contains("<Status>FAILED</Status>"), "{status}");
    assert!(status.contains("MediaTailor used the role"), "{status}");
    // The adversity settings over the control API, with a JSON body like a scenario's params.
    for (path, body) in [
        ("/_slrsim/viewers", r#"{"SessionsPerMinute":0}"#),
        ("/_slrsim/consistency", r#"{"DelaySeconds":5}"#),
        ("/_slrsim/throttling", r#"{"Enabled":false}"#),
        ("/_slrsim/faults", r#"{"PageSize":1}"#),
        (
            "/_slrsim/account-history",
            r#"{"UsedMediaTailorBeforeSlrSupport":false,"Account":"444455556666"}"#,
        ),
    ] {
        let r = control(&srv, "POST", path, body);
        assert_eq!(r.status, 200, "{path}: {}", r.body);
    }
    let refused = control(
        &srv,
        "POST",
        "/_slrsim/viewers",
        r#"{"SessionsPerMinute":-3}"#,
    );
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(
        refused.body.contains("SessionsPerMinute"),
        "{}",
        refused.body
    );
    let unknown = control(&srv, "POST", "/_slrsim/viewers", r#"{"Sessions":3}"#);
    assert_eq!(unknown.status, 400, "{}", unknown.body);
    let nowhere = control(&srv, "POST", "/_slrsim/weather", "{}");
    assert_eq!(nowhere.status, 400, "{}", nowhere.body);
    assert!(
        nowhere.body.contains("/_slrsim/viewers"),
        "{}",
        nowhere.body
    );
    let dir = srv.stop();
    let db = dir.path().join("db");
    let log = slrsim_at(&db, &["log"]);
    assert!(log.stdout.contains("SetViewers"), "{}", log.stdout);
    assert!(
        log.stdout
            .contains("viewers played 10 sessions on each configuration"),
        "{}",
        log.stdout
    );
    slrsim_at(&db, &["verify"]).code(0, "the log with viewers verifies");
    let bad = tempfile::tempdir().expect("temp dir");
    slrsim_at(&bad.path().join("db"), &["serve", "--viewers", "100001"])
        .code(2, "too many viewers is a usage error");
}

/// The page at `/_slrsim/`: the operator's like every control call (401 without the token), opened
/// once with `?token=` (the answer sets the cookie its reads then carry), its files served from the
/// binary with their types and with headers that keep the token in this origin.
#[test]
fn the_page_is_served_to_the_operator_with_its_files() {
    let srv = start(&[]);
    let none = send(&srv.addr, "GET", "/_slrsim/", &[], b"");
    assert_eq!(none.status, 401, "{}", none.body);
    let opened = send(
        &srv.addr,
        "GET",
        &format!("/_slrsim/?token={}", srv.token),
        &[],
        b"",
    );
    assert_eq!(opened.status, 200, "{}", opened.body);
    assert!(
        opened
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/html"))
    );
    assert!(
        opened.body.contains("/_slrsim/page/app.js"),
        "{}",
        opened.body
    );
    assert_eq!(opened.header("referrer-policy"), Some("no-referrer"));
    let cookie = opened
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .expect("the token's cookie")
        .to_string();
    for (path, kind) in [
        ("/_slrsim/page/app.js", "text/javascript"),
        ("/_slrsim/page/style.css", "text/css"),
    ] {
        let r = send(
            &srv.addr,
            "GET",
            path,
            &[("Cookie".to_string(), cookie.clone())],
            b"",
        );
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        assert!(
            r.header("content-type")
                .is_some_and(|t| t.starts_with(kind)),
            "{path}"
        );
    }
    // The page's reads with the cookie alone.
    let log = send(
        &srv.addr,
        "GET",
        "/_slrsim/log",
        &[("Cookie".to_string(), cookie)],
        b"",
    );
    assert_eq!(log.status, 200, "{}", log.body);
    let wrong = send(
        &srv.addr,
        "GET",
        "/_slrsim/page/app.js?token=nope",
        &[],
        b"",
    );
    assert_eq!(wrong.status, 401);
    drop(srv.stop());
}

/// `slrsim ui` on a database no server holds: the page's address (token included) is the first line
/// of its output; it answers the page and the reads, refuses every AWS call and everything that would
/// be recorded (405), and leaves the folder as it was. On a database a server holds it prints that
/// server's page and exits.
#[test]
fn ui_shows_a_database_read_only_or_names_the_server_that_holds_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("db");
    slrsim_at(&db, &["demo"]).code(0, "the demo's database");
    let files = |db: &std::path::Path| {
        let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(db)
            .expect("read dir")
            .filter_map(Result::ok)
            .filter(|e| e.path().is_file())
            .map(|e| {
                let bytes = std::fs::read(e.path()).expect("read");
                (e.file_name().to_string_lossy().into_owned(), bytes)
            })
            .collect();
        v.sort();
        v
    };
    let before = files(&db);
    let mut ui = Command::new(BIN)
        .arg("--db")
        .arg(&db)
        .args(["ui", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ui");
    let mut first = String::new();
    {
        use std::io::BufRead;
        let out = ui.stdout.take().expect("stdout");
        std::io::BufReader::new(out)
            .read_line(&mut first)
            .expect("the first line");
    }
    let url = first.trim();
    let rest = url.strip_prefix("http://").expect("an http address");
    let (addr, path) = rest.split_once('/').expect("a path");
    let token = path
        .split_once("token=")
        .map(|(_, t)| t)
        .expect("the token");
    let page = send(addr, "GET", &format!("/{path}"), &[], b"");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("/_slrsim/page/app.js"));
    let bearer = [("Authorization".to_string(), format!("Bearer {token}"))];
    let log = send(addr, "GET", "/_slrsim/log", &bearer, b"");
    assert_eq!(log.status, 200, "{}", log.body);
    let records = log.json()["Records"].as_array().map_or(0, Vec::len);
    assert!(records > 20, "the demo's records: {}", log.body);
    assert_eq!(send(addr, "GET", "/_slrsim/log", &[], b"").status, 401);
    let advance = send(addr, "POST", "/_slrsim/advance?seconds=5", &bearer, b"");
    assert_eq!(advance.status, 405, "{}", advance.body);
    let aws = send(
        addr,
        "POST",
        "/",
        &[],
        b"Action=ListRoles&Version=2010-05-08",
    );
    assert_eq!(aws.status, 405, "{}", aws.body);
    let _ = ui.kill();
    let _ = ui.wait();
    assert_eq!(files(&db), before, "the folder is as it was");
    // A database a server holds: its page, from that server.
    let srv = start_in(dir, &[]);
    let held = exec(command(&srv.dir.path().join("db"), &["ui"]), None);
    held.code(0, "ui of a held database");
    assert_eq!(
        held.stdout.lines().next(),
        Some(format!("http://{}/_slrsim/?token={}", srv.addr, srv.token).as_str()),
        "{}",
        held.stderr
    );
    drop(srv.stop());
}
