//! `slrsim fuzz` as a process: a command that needs nothing (a shell) so the runner is tested
//! everywhere, usage errors, the time limit, and the example clients in `examples/clients/` with
//! boto3 (skipped, with a message, where the end-to-end suite's Python is not installed).

use crate::support;
use support::run::*;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The Python with boto3 and the AWS CLI that `tests/e2e/aws_clients.sh` makes.
const VENV_PYTHON: &str = "/tmp/slrsim-e2e-venv/bin/python";

fn clients() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/clients")
}

/// `slrsim fuzz ARGS...`, run in `dir` (where an unkept failure would be kept).
fn fuzz(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Out {
    let mut cmd: Command = command(&dir.join("unused.db"), &["fuzz"]);
    cmd.args(args).current_dir(dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    exec(cmd, None)
}

fn kept_db(dir: &Path) -> PathBuf {
    let kept: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "db"))
        .collect();
    assert_eq!(kept.len(), 1, "one failing database kept: {kept:?}");
    kept.into_iter().next().unwrap()
}

#[test]
fn a_command_that_does_nothing_fails_role_absent_and_shrinks_to_the_bare_role() {
    let db = fresh_db();
    let keep = db.sibling("keep");
    let out = fuzz(
        db.dir.path(),
        &[
            "--cases",
            "5",
            "--keep",
            keep.to_str().unwrap(),
            "--",
            "sh",
            "-c",
            "exit 0",
        ],
        &[],
    );
    out.code(1, "a command that deletes nothing fails role-absent");
    assert!(
        out.stdout.contains("The smallest world that still fails (")
            && out
                .stdout
                .contains("): no playback configurations; the role present\n"),
        "{}",
        out.show()
    );
    assert!(out.stdout.contains("Goal `role-absent` does not hold: AWSServiceRoleForMediaTailor still exists: no deletion was ever started."), "{}", out.show());
    assert!(
        out.stdout.contains(
            "Goal `honest-exit` does not hold: the command exited 0, but a goal does not hold."
        ),
        "{}",
        out.show()
    );
    assert!(
        out.stderr.contains("slrsim fuzz: case 1/5 FAILED"),
        "{}",
        out.show()
    );
    // Every case's database under --keep, and the failing one there too, which verifies and reads.
    assert!(keep.join("case-0").exists(), "{}", out.show());
    let kept = kept_db(&keep);
    slrsim(&kept, &["verify"]).code(0, "the kept database verifies");
    let state = slrsim(&kept, &["state", "--json"]);
    state.code(0, "state of the kept database");
    assert!(
        state.json()["accounts"]["111122223333"]["roles"]["AWSServiceRoleForMediaTailor"]
            .is_object()
    );
}

#[test]
fn the_command_gets_the_servers_address_keys_and_region_and_a_pointer_goal_is_judged() {
    let db = fresh_db();
    let script = r#"[ "$AWS_REGION" = us-east-1 ] && [ "$AWS_DEFAULT_REGION" = us-east-1 ] \
        && [ -n "$AWS_ACCESS_KEY_ID" ] && [ -n "$AWS_SECRET_ACCESS_KEY" ] && [ -n "$SLRSIM_TOKEN" ] \
        && [ "$AWS_EC2_METADATA_DISABLED" = true ] && [ -z "$AWS_PROFILE" ] || exit 3
        case "$AWS_ENDPOINT_URL" in http://127.0.0.1:*) exit 0 ;; esac; exit 4"#;
    let out = fuzz(
        db.dir.path(),
        &[
            "--cases",
            "8",
            "--seed",
            "3",
            "--goal",
            "/seed=3",
            "--goal",
            "honest-exit",
            "--",
            "sh",
            "-c",
            script,
        ],
        &[("AWS_PROFILE", "someone-else")],
    );
    out.code(0, "every case passes");
    assert!(
        out.stderr.contains("slrsim fuzz: all 8 cases passed"),
        "{}",
        out.show()
    );
    // A pointer that does not hold, with the value it found.
    let out = fuzz(
        db.dir.path(),
        &["--cases", "3", "--goal", "/seed=4", "--", "true"],
        &[],
    );
    out.code(1, "the seed is 0, not 4");
    assert!(
        out.stdout
            .contains("Goal `/seed=4` does not hold: /seed is 0, not 4."),
        "{}",
        out.show()
    );
    assert!(
        out.stdout
            .contains("): no playback configurations; no role\n"),
        "{}",
        out.show()
    );
}

#[test]
fn usage_errors_exit_2_and_a_command_past_its_time_limit_is_stopped() {
    let db = fresh_db();
    let dir = db.dir.path();
    fuzz(dir, &["--goal", "role", "--", "true"], &[]).code(2, "an unknown goal");
    fuzz(dir, &["--goal", "/now=soon", "--", "true"], &[]).code(2, "a value that is not JSON");
    fuzz(dir, &["--cases", "1"], &[]).code(2, "no command");
    fuzz(dir, &["--seconds-per-request", "0", "--", "true"], &[])
        .code(2, "a request must take some simulated time");
    fuzz(dir, &["--cases", "1", "--", "/nonexistent/teardown"], &[])
        .code(2, "a command that cannot start");
    // A process of another group, that the stop must leave alone (the `kill` program of
    // procps-ng 4 once turned the stop into a SIGKILL to every process of the machine).
    let mut bystander = Command::new("sleep");
    bystander.arg("60");
    std::os::unix::process::CommandExt::process_group(&mut bystander, 0);
    let mut bystander = bystander.spawn().expect("start a bystander");
    let pid_file = dir.join("grandchild.pid");
    let script = format!("sleep 30 & echo $! > '{}'; wait", pid_file.display());
    let out = fuzz(
        dir,
        &[
            "--cases",
            "1",
            "--timeout",
            "1",
            "--goal",
            "role-present",
            "--goal",
            "honest-exit",
            "--",
            "sh",
            "-c",
            &script,
        ],
        &[],
    );
    let bystander_ran_on = bystander.try_wait().expect("the bystander").is_none();
    let _ = bystander.kill();
    let _ = bystander.wait();
    assert!(
        bystander_ran_on,
        "the stop reached a process outside the command's group"
    );
    out.code(1, "a command that never ends fails honest-exit");
    assert!(
        out.stdout
            .contains("The command was stopped after its time limit of 1 s."),
        "{}",
        out.show()
    );
    // The script's own child was stopped with it (its group was), not left running.
    let grandchild = std::fs::read_to_string(&pid_file).expect("the script wrote its child's pid");
    assert_stopped(grandchild.trim());
}

#[test]
fn ctrl_c_stops_the_command_and_its_children_and_exits_130() {
    let db = fresh_db();
    let dir = db.dir.path();
    let pid_file = dir.join("grandchild.pid");
    let script = format!("sleep 30 & echo $! > '{}'; wait", pid_file.display());
    let mut cmd: Command = command(&dir.join("unused.db"), &["fuzz"]);
    cmd.args([
        "--cases",
        "1",
        "--timeout",
        "600",
        "--",
        "sh",
        "-c",
        &script,
    ])
    .current_dir(dir)
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped());
    let mut fuzz = cmd.spawn().expect("start slrsim fuzz");
    // The command runs once its script has written its child's pid.
    let started = (0..600).any(|_| {
        let there = std::fs::read_to_string(&pid_file).is_ok_and(|p| p.ends_with('\n'));
        if !there {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        there
    });
    assert!(started, "the command never started");
    let status = Command::new("kill")
        .args(["-INT", &fuzz.id().to_string()])
        .status()
        .expect("kill -INT");
    assert!(status.success());
    let status = wait_or_kill(&mut fuzz, HANG_LIMIT).expect("fuzz stopped on Ctrl-C");
    let mut stderr = String::new();
    std::io::Read::read_to_string(fuzz.stderr.as_mut().expect("stderr"), &mut stderr)
        .expect("read");
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("interrupted; the command's processes were stopped"),
        "{stderr}"
    );
    // Its group was stopped with it: nothing of the command is left running.
    let grandchild = std::fs::read_to_string(&pid_file).expect("pid");
    assert_stopped(grandchild.trim());
}

/// Runs a Python `script` with boto3 against `srv`, stops the server (it must exit 0) and returns
/// the script's standard output (it must exit 0).
fn boto3_script(srv: crate::support::http::Server, script: &str) -> String {
    let out = std::process::Command::new(VENV_PYTHON)
        .args(["-c", script])
        .env("AWS_ENDPOINT_URL", format!("http://{}", srv.addr))
        .env("AWS_ACCESS_KEY_ID", &srv.key)
        .env("AWS_SECRET_ACCESS_KEY", &srv.secret)
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .output()
        .expect("python runs");
    let (exit, _) = srv.stop();
    assert!(exit.success());
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Asserts that process `pid` (a script's own child) ends, or is left a zombie, within 10 s.
fn assert_stopped(pid: &str) {
    let stat = format!("/proc/{pid}/stat");
    let stopped = (0..200).any(|_| {
        let gone = std::fs::read_to_string(&stat).map_or(true, |s| {
            s.rsplit(") ").next().is_some_and(|r| r.starts_with('Z'))
        });
        if !gone {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        gone
    });
    assert!(stopped, "the script's child {pid} still runs");
}

fn venv() -> bool {
    let there = Path::new(VENV_PYTHON).exists();
    if !there {
        eprintln!(
            "skipped: {VENV_PYTHON} is missing (tests/e2e/aws_clients.sh creates it, with boto3 and the AWS CLI)"
        );
    }
    there
}

#[test]
fn the_naive_python_teardown_fails_and_shrinks_to_one_fact_explained() {
    if !venv() {
        return;
    }
    let db = fresh_db();
    let naive = clients().join("teardown_naive.py");
    let out = fuzz(
        db.dir.path(),
        &["--cases", "5", "--", VENV_PYTHON, naive.to_str().unwrap()],
        &[],
    );
    out.code(1, "the naive teardown does not wait for its deletion");
    assert!(
        out.stdout
            .contains("): no playback configurations; the role present\n"),
        "{}",
        out.show()
    );
    assert!(
        out.stdout
            .contains("its deletion task was still running when the command exited"),
        "{}",
        out.show()
    );
    // explain's words on the kept database.
    assert!(
        out.stdout
            .contains("has not finished yet: it is NOT_STARTED"),
        "{}",
        out.show()
    );
    assert!(
        out.stdout
            .contains("  | deletion started: task/aws-service-role/"),
        "{}",
        out.show()
    );
    let kept = kept_db(db.dir.path());
    slrsim(&kept, &["verify"]).code(0, "the kept database verifies");
}

#[test]
fn the_robust_python_teardown_passes() {
    if !venv() {
        return;
    }
    let db = fresh_db();
    let robust = clients().join("teardown_robust.py");
    let out = fuzz(
        db.dir.path(),
        &[
            "--cases",
            "6",
            "--seed",
            "1",
            "--",
            VENV_PYTHON,
            robust.to_str().unwrap(),
        ],
        &[("TEARDOWN_POLL_SECONDS", "0")],
    );
    out.code(0, "the robust teardown reaches its goals in every world");
}

#[test]
fn the_naive_aws_cli_teardown_fails_the_same_way() {
    if !venv() {
        return;
    }
    let db = fresh_db();
    let naive = clients().join("teardown_naive.sh");
    let bin = Path::new(VENV_PYTHON)
        .parent()
        .unwrap()
        .display()
        .to_string();
    let path = format!("{bin}:{}", std::env::var("PATH").unwrap_or_default());
    let out = fuzz(
        db.dir.path(),
        &["--cases", "3", "--", "bash", naive.to_str().unwrap()],
        &[("PATH", &path)],
    );
    out.code(
        1,
        "the naive AWS CLI teardown does not wait for its deletion",
    );
    assert!(
        out.stdout
            .contains("): no playback configurations; the role present\n"),
        "{}",
        out.show()
    );
}

/// boto3 in standard retry mode against `serve --throttle`: every call succeeds, some after retries
/// of IAM's, CloudWatch Logs' and MediaTailor's throttling errors, which the log holds.
#[test]
fn boto3_retries_get_through_throttling() {
    if !venv() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("db");
    let mut cmd = std::process::Command::new(BIN);
    cmd.arg("--db")
        .arg(&db)
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--throttle",
            "0.5:2",
            "--clock",
            "requests:1",
        ])
        .stderr(std::process::Stdio::null());
    let srv = crate::support::http::Server::start(cmd);
    let script = r#"
import boto3, botocore.config
c = botocore.config.Config(retries={"mode": "standard", "max_attempts": 5})
iam = boto3.client("iam", config=c)
mt = boto3.client("mediatailor", config=c)
logs = boto3.client("logs", config=c)
for f in [iam.list_roles, mt.list_playback_configurations, logs.describe_log_groups]:
    print(sum(f()["ResponseMetadata"]["RetryAttempts"] for i in range(6)))
"#;
    let stdout = boto3_script(srv, script);
    let retries: Vec<u32> = stdout
        .lines()
        .map(|l| l.trim().parse().expect("a count"))
        .collect();
    assert_eq!(retries.len(), 3);
    assert!(
        retries.iter().all(|r| *r > 0),
        "each service retried: {retries:?}"
    );
    let log = exec(command(&db, &["log"]), None);
    for code in [
        "ERROR Throttling (400)",
        "ERROR TooManyRequestsException (429)",
        "ERROR ThrottlingException (400)",
    ] {
        assert!(log.stdout.contains(code), "{code}: {}", log.stdout);
    }
    assert_eq!(exec(command(&db, &["verify"]), None).code, Some(0));
}

/// boto3 against `serve --faults`: every call answers its service's internal error (HTTP 500) twice
/// and gets through on botocore's retries; list calls answer an empty first page and pages of one,
/// which boto3's paginators follow; the log holds each strike and verifies.
#[test]
fn boto3_retries_get_through_injected_internal_errors_and_paginators_follow_empty_pages() {
    if !venv() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("db");
    let faults = r#"{"InternalErrors":[{"Operation":"ListRoles","Count":2},{"Operation":"GetCallerIdentity","Count":2},{"Operation":"ListPlaybackConfigurations","Count":2},{"Operation":"DescribeLogGroups","Count":2}],"PageSize":1,"EmptyFirstPages":true}"#;
    let mut cmd = std::process::Command::new(BIN);
    cmd.arg("--db")
        .arg(&db)
        .args(["serve", "--addr", "127.0.0.1:0", "--faults", faults])
        .stderr(std::process::Stdio::null());
    let srv = crate::support::http::Server::start(cmd);
    let script = r#"
import boto3, botocore.config
c = botocore.config.Config(retries={"mode": "standard", "max_attempts": 5})
iam = boto3.client("iam", config=c)
sts = boto3.client("sts", config=c)
mt = boto3.client("mediatailor", config=c)
logs = boto3.client("logs", config=c)
for f in [iam.list_roles, sts.get_caller_identity, mt.list_playback_configurations, logs.describe_log_groups]:
    print(f()["ResponseMetadata"]["RetryAttempts"])
for name in ["a", "b", "c"]:
    mt.put_playback_configuration(Name=name, VideoContentSourceUrl="https://origin.example.com/" + name)
first = mt.list_playback_configurations(MaxResults=100)
print(len(first["Items"]), "NextToken" in first)
pages = list(mt.get_paginator("list_playback_configurations").paginate(MaxResults=100))
print(len(pages), [i["Name"] for p in pages for i in p["Items"]])
"#;
    let stdout = boto3_script(srv, script);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[..4], ["2", "2", "2", "2"], "{stdout}");
    assert_eq!(lines[4], "0 True", "{stdout}");
    assert_eq!(lines[5], "4 ['a', 'b', 'c']", "{stdout}");
    let log = exec(command(&db, &["log"]), None);
    assert!(log.stdout.contains("SetFaults"), "{}", log.stdout);
    for code in [
        "ERROR ServiceFailure (500)",
        "ERROR InternalFailure (500)",
        "ERROR ServiceUnavailableException (500)",
    ] {
        assert!(log.stdout.contains(code), "{code}: {}", log.stdout);
    }
    assert_eq!(exec(command(&db, &["verify"]), None).code, Some(0));
    assert_eq!(
        exec(command(&db, &["replay", "--verify"]), None).code,
        Some(0)
    );
}

/// `serve --faults` with a setting SetFaults refuses, or JSON that is not one, exits 2 naming what is
/// wrong, before the database is made.
#[test]
fn serve_faults_usage_errors_exit_2_before_the_database_is_made() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("db");
    for (faults, says) in [
        (r#"{"PageSize":0}"#, "PageSize must be between 1 and 100"),
        (
            r#"{"InternalErrors":[{"Operation":"Nope","Count":1}]}"#,
            "Operation `Nope` is not an AWS operation",
        ),
        (r#"{"Pagesize":1}"#, "unknown field `Pagesize`"),
        ("page-size=1", "give the JSON of a SetFaults action"),
    ] {
        let out = exec(
            command(&db, &["serve", "--addr", "127.0.0.1:0", "--faults", faults]),
            None,
        );
        assert_eq!(out.code, Some(2), "{faults}: {}", out.stderr);
        assert!(out.stderr.contains(says), "{faults}: {}", out.stderr);
        assert!(!db.exists(), "{faults}: the database was made");
    }
}
