//! Time travel while serving, in the library: the control API's reads decoded from a request, and
//! answered from a simulator's open store with what `timetravel` computes on it (the demo's history).

use serde_json::{Value, json};
use slrsim::aws::server::history::{self, Point};
use slrsim::aws::server::protocol::{HttpRequest, Inspect};
use slrsim::timetravel::{self, LogFilter};
use slrsim::{Genesis, Simulator};

fn req(method: &str, uri: &str, body: &str) -> HttpRequest {
    HttpRequest {
        method: method.into(),
        uri: uri.into(),
        headers: vec![],
        body: body.as_bytes().to_vec(),
    }
}

fn demo() -> Simulator {
    let mut sim = Simulator::temporary(Genesis {
        seed: 42,
        start: 1_767_225_600,
    })
    .expect("a simulator");
    let text = std::fs::read_to_string("examples/demo.jsonl").expect("the demo");
    for line in text
        .lines()
        .skip(2)
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        sim.execute(slrsim::simulator::scenario::parse_line(line).expect("an action"))
            .expect("executed");
    }
    sim
}

fn ask(sim: &Simulator, method: &str, uri: &str) -> (u16, Value) {
    let what = uri
        .trim_start_matches("/_slrsim/")
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string();
    match history::decode(&req(method, uri, ""), &what) {
        Ok(i) => history::answer(sim, &i),
        Err(m) => (400, json!({"Message": m})),
    }
}

#[test]
fn reads_decode_with_their_defaults() {
    let d = |uri: &str, what: &str| history::decode(&req("GET", uri, ""), what);
    assert_eq!(
        d("/_slrsim/state", "state"),
        Ok(Inspect::State { at: Point::Now })
    );
    assert_eq!(
        d("/_slrsim/state?time=2026-01-01T00:01:00Z", "state"),
        Ok(Inspect::State {
            at: Point::Time(1_767_225_660)
        })
    );
    assert_eq!(
        d("/_slrsim/log?errors&op=GetRole", "log"),
        Ok(Inspect::Log {
            from: None,
            to: None,
            filter: LogFilter {
                op: Some("GetRole".into()),
                errors: true,
                ..LogFilter::default()
            }
        })
    );
    // The browser's one-time token is not a parameter of the read.
    assert_eq!(
        d("/_slrsim/verify?token=abc", "verify"),
        Ok(Inspect::Verify)
    );
    let e = d("/_slrsim/diff?from=1&to=2&colour=red", "diff").expect_err("refused");
    assert!(
        e.contains("`colour`") && e.contains("from, to, other_db"),
        "{e}"
    );
}

#[test]
fn answers_are_what_timetravel_computes_on_the_same_store() {
    let sim = demo();
    let store = sim.store();
    let last = sim.next_seq() - 1;
    let (s, v) = ask(&sim, "GET", "/_slrsim/state?at=9");
    assert_eq!(s, 200);
    assert_eq!(
        v,
        serde_json::to_value(timetravel::state_at(store, 9).expect("state")).expect("json")
    );
    let (s, v) = ask(&sim, "GET", &format!("/_slrsim/diff?from=9&to={last}"));
    assert_eq!(s, 200);
    let changes = timetravel::diff(
        &timetravel::state_at(store, 9).expect("state"),
        &timetravel::state_at(store, last).expect("state"),
    );
    assert_eq!(v, serde_json::to_value(changes).expect("json"));
    let (_, v) = ask(&sim, "GET", "/_slrsim/bisect");
    assert_eq!(v["Broken"], Value::Null);
    let (_, v) = ask(&sim, "GET", "/_slrsim/verify");
    assert_eq!(v["Problem"], Value::Null, "{v}");
    assert_eq!(v["Records"], last + 1);
    // The filters keep what `slrsim log` keeps.
    let (_, v) = ask(&sim, "GET", "/_slrsim/log?from=0&op=AdvanceClock");
    let seqs: Vec<u64> = v["Records"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| r["seq"].as_u64().expect("seq"))
        .collect();
    let expected: Vec<u64> = (0..=last)
        .filter(|n| {
            let r = timetravel::record_at(store, *n).expect("record");
            r.action.op.name() == "AdvanceClock"
        })
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(seqs, expected);
    // What does not exist is 404; an unknown rule is 400, named.
    assert_eq!(
        ask(&sim, "GET", &format!("/_slrsim/state?at={}", last + 1)).0,
        404
    );
    assert_eq!(
        ask(&sim, "GET", "/_slrsim/get?what=role&name=Nobody").0,
        404
    );
    let (s, v) = ask(&sim, "GET", "/_slrsim/bisect?invariant=nope");
    assert_eq!(s, 400);
    assert!(
        v["Message"].as_str().expect("message").contains("nope"),
        "{v}"
    );
    let (s, v) = ask(&sim, "GET", "/_slrsim/state?time=2025-01-01T00:00:00Z");
    assert_eq!(s, 404, "before the log starts");
    assert_eq!(
        v["Message"], "the log starts after 2025-01-01T00:00:00Z",
        "{v}"
    );
}

#[test]
fn a_fork_refuses_a_folder_that_exists() {
    let sim = demo();
    let dir = tempfile::tempdir().expect("temp dir");
    let to = dir.path().join("fork");
    let body = json!({"At": 9, "To": to.display().to_string()}).to_string();
    let fork = history::decode(&req("POST", "/_slrsim/fork", &body), "fork").expect("decoded");
    let (s, v) = history::answer(&sim, &fork);
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["Records"], 10);
    let (s, v) = history::answer(&sim, &fork);
    assert_eq!(s, 400, "{v}");
}
