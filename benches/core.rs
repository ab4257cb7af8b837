//! Criterion benchmarks of the pieces the goals (benches/goals.rs) are made of: parsing a scenario
//! line, deciding and applying one action, encoding and decoding a record, one lifecycle call through
//! the simulator, and the state at a record of a 100,000-record log.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark that cannot set up or measure stops loudly"
)]
#![allow(
    missing_docs,
    reason = "criterion's macros write the undocumented `benches` and `main`"
)]

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

use slrsim::core::action::Action;
use slrsim::core::apply::apply_mut;
use slrsim::core::decide::decide;
use slrsim::core::outcome::Outcome;
use slrsim::log::record::{self, Record, SCHEMA_VERSION};
use slrsim::log::replay;
use slrsim::simulator::{Genesis, Simulator};

fn action(line: &str) -> Action {
    let v: serde_json::Value = serde_json::from_str(line).expect("json");
    let serde_json::Value::Object(o) = v else {
        unreachable!("literal objects")
    };
    slrsim::simulator::scenario::parse_action(o).expect("valid action")
}

/// A simulator that has run `n` generated actions.
fn warmed(n: usize) -> Simulator {
    let mut sim = Simulator::temporary(Genesis::default()).expect("temporary sled");
    for a in slrsim::testing::reference::generate(3).take(n) {
        sim.execute(a).expect("execute");
    }
    sim
}

fn core(c: &mut Criterion) {
    let actions: Vec<Action> = slrsim::testing::reference::generate(9).take(1000).collect();
    let lines: Vec<String> = actions
        .iter()
        .map(slrsim::simulator::scenario::to_line)
        .collect();

    let mut g = c.benchmark_group("scenario");
    g.throughput(Throughput::Elements(lines.len() as u64));
    let text = lines.join("\n");
    g.bench_function("parse 1000 generated lines", |b| {
        b.iter(|| slrsim::simulator::scenario::parse(black_box(text.as_bytes())).expect("valid"))
    });
    g.finish();

    let sim = warmed(5000);
    let state = sim.state().clone();
    let seq = sim.next_seq();
    let mut g = c.benchmark_group("core");
    g.throughput(Throughput::Elements(actions.len() as u64));
    g.bench_function("decide 1000 generated actions", |b| {
        b.iter(|| {
            for a in &actions {
                black_box(decide(&state, seq, a).ok());
            }
        })
    });
    let decided: Vec<Record> = actions
        .iter()
        .map(|a| Record {
            v: SCHEMA_VERSION,
            seq,
            time: state.now,
            request_id: "00000000-0000-0000-0000-000000000000".to_string(),
            action: a.clone(),
            outcome: Outcome::from(decide(&state, seq, a)),
        })
        .collect();
    g.bench_function("apply the events of 1000 decided actions", |b| {
        b.iter_batched(
            || state.clone(),
            |mut s| {
                for r in &decided {
                    for e in r.outcome.events() {
                        apply_mut(&mut s, e);
                    }
                }
                s
            },
            BatchSize::LargeInput,
        )
    });
    let prev = record::genesis_hash();
    g.bench_function("encode 1000 records", |b| {
        b.iter(|| {
            for r in &decided {
                black_box(record::encode(r, &prev).expect("encode"));
            }
        })
    });
    let encoded: Vec<Vec<u8>> = decided
        .iter()
        .map(|r| record::encode(r, &prev).expect("encode").0)
        .collect();
    g.bench_function("decode and check 1000 records", |b| {
        b.iter(|| {
            for v in &encoded {
                black_box(record::decode(seq, v, &prev).expect("decode"));
            }
        })
    });
    g.finish();

    let mut g = c.benchmark_group("simulator");
    let lifecycle = [
        action(
            r#"{"op":"CreateServiceLinkedRole","params":{"AWSServiceName":"mediatailor.amazonaws.com"}}"#,
        ),
        action(r#"{"op":"GetRole","params":{"RoleName":"AWSServiceRoleForMediaTailor"}}"#),
        action(
            r#"{"op":"UpdateRoleDescription","params":{"RoleName":"AWSServiceRoleForMediaTailor","Description":"bench"}}"#,
        ),
        action(
            r#"{"op":"DeleteServiceLinkedRole","params":{"RoleName":"AWSServiceRoleForMediaTailor"}}"#,
        ),
        action(
            r#"{"op":"GetServiceLinkedRoleDeletionStatus","params":{"DeletionTaskId":"$last"}}"#,
        ),
        action(r#"{"op":"AdvanceClock","params":{"Seconds":31}}"#),
    ];
    let mut sim = Simulator::temporary(Genesis::default()).expect("temporary sled");
    g.throughput(Throughput::Elements(lifecycle.len() as u64));
    g.bench_function("lifecycle loop (6 actions, sled, flush every 1000)", |b| {
        b.iter(|| {
            for a in &lifecycle {
                black_box(sim.execute(a.clone()).expect("execute"));
            }
        })
    });
    g.finish();

    let big = warmed(100_000);
    let store = big.store();
    let mut g = c.benchmark_group("time travel (100k-record log)");
    for at in [999u64, 50_499, 99_999] {
        g.bench_function(format!("state at {at}"), |b| {
            b.iter(|| replay::state_at(store, Some(at)).expect("state"))
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3));
    targets = core
}
criterion_main!(benches);
