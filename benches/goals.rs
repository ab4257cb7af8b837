//! The performance goals, each measured beside its limit in the same run.
//!
//! `cargo bench --bench goals` prints one table: ingest against raw sled inserts of the same bytes,
//! replay against a raw sled scan plus decode of the same records (with each one's peak memory), time
//! travel at many positions, the role lifecycle loop against moto, and property-test cases per second.
//! `SLRSIM_BENCH_ACTIONS` sets the log's length (default 1,000,000; CI-sized runs use fewer).
//!
//! This is a plain program (`harness = false`), not criterion: each goal is one long measurement whose
//! figure is compared with a limit measured in the same run, which criterion's repeated samples do not
//! express. The small, repeated measurements are in `benches/core.rs` (criterion).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark that cannot set up or measure stops loudly"
)]

use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use slrsim::log::record::{HASH_LEN, Record};
use slrsim::log::replay;
use slrsim::log::store::Store;
use slrsim::simulator::{Genesis, Simulator};

const CHILD_ENV: &str = "SLRSIM_BENCH_CHILD";

// The same allocator as the slrsim binary, so the raw baselines are measured as favourably as slrsim.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    if let Ok(mode) = std::env::var(CHILD_ENV) {
        child(&mode);
        return;
    }
    let actions: u64 = std::env::var("SLRSIM_BENCH_ACTIONS")
        .ok()
        .and_then(|s| s.replace('_', "").parse().ok())
        .unwrap_or(1_000_000);
    let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("goals");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).expect("make the bench's work folder");
    let mut rows: Vec<Row> = Vec::new();

    eprintln!("goals: generating {actions} actions");
    let scenario = work.join("scenario.jsonl");
    write_scenario(&scenario, actions);

    // Ingest: `slrsim run` against raw sled inserts of the records it stored.
    let db = work.join("log.db");
    eprintln!("goals: slrsim run");
    let t = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_slrsim"))
        .arg("--db")
        .arg(&db)
        .arg("run")
        .arg("--quiet")
        .arg(&scenario)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("start slrsim");
    assert!(status.success(), "slrsim run failed");
    let run_secs = t.elapsed().as_secs_f64();
    let (values, bytes) = dump_values(&db, &work.join("values.bin"));
    eprintln!("goals: raw sled inserts");
    let raw_secs = raw_insert(&work.join("values.bin"), &work.join("raw.db"), 1000);
    let run_rate = values as f64 / run_secs;
    let raw_rate = values as f64 / raw_secs;
    rows.push(Row::new(
        "ingest: `slrsim run --quiet` (flush every 1000)",
        format!("{run_rate:.0} actions/s ({run_secs:.1} s)"),
        format!(
            "≥ 50% of raw sled insert of the same {} MB: {raw_rate:.0}/s",
            bytes / 1_000_000
        ),
        run_rate >= 0.5 * raw_rate,
        format!("{:.0}%", 100.0 * run_rate / raw_rate),
    ));

    // Replay in a fresh process each, so peak memory is the replay's own.
    eprintln!("goals: replay");
    let replay = run_child("replay", &db);
    let scan = run_child("scan", &db);
    rows.push(Row::new(
        "replay: state from the whole log",
        format!(
            "{:.0} records/s, peak RSS {} MiB",
            replay.rate(),
            replay.peak_kib / 1024
        ),
        format!(
            "≥ 70% of raw scan + decode: {:.0}/s (peak RSS {} MiB); RSS < 256 MiB",
            scan.rate(),
            scan.peak_kib / 1024
        ),
        replay.rate() >= 0.7 * scan.rate() && replay.peak_kib < 256 * 1024,
        format!("{:.0}%", 100.0 * replay.rate() / scan.rate()),
    ));

    // Time travel: state at many positions, the worst just before a snapshot.
    eprintln!("goals: time travel");
    let (worst, median, worst_at) = time_travel(&db, values);
    rows.push(Row::new(
        "time travel: state at any record (56 positions, median of 3 each)",
        format!("worst {worst:.1} ms (at {worst_at}), median {median:.1} ms"),
        "< 20 ms".to_string(),
        worst < 20.0,
        String::new(),
    ));

    // The role lifecycle loop against moto's in-process rate.
    eprintln!("goals: lifecycle loop");
    let one_by_one = lifecycle_rate(&work.join("lifecycle.db"), 20_000, false);
    let batched = lifecycle_rate(&work.join("lifecycle-batch.db"), 20_000, true);
    let (moto, moto_source) = moto_rate();
    rows.push(Row::new(
        "lifecycle loop (create, get, update description, delete, status), `Simulator::batch`",
        format!("{batched:.0} calls/s"),
        format!(
            "≥ 100 × moto in process: {:.0}/s ({moto_source})",
            100.0 * moto
        ),
        batched >= 100.0 * moto,
        format!("{:.0}×", batched / moto),
    ));
    rows.push(Row::new(
        "the same loop, `Simulator::execute` (each record stored before the call returns)",
        format!("{one_by_one:.0} calls/s"),
        format!("≥ 100 × moto in process: {:.0}/s", 100.0 * moto),
        one_by_one >= 100.0 * moto,
        format!("{:.0}×", one_by_one / moto),
    ));

    // Property tests: 50-step histories, each on its own sled database, model and invariants checked.
    eprintln!("goals: property-test cases");
    let t = Instant::now();
    let cases = 200;
    let report = slrsim::testing::check::soak(cases, 50, 7, |_| {});
    assert!(
        report.failure.is_none(),
        "a property failed during the bench"
    );
    let secs = t.elapsed().as_secs_f64();
    rows.push(Row::new(
        "property tests: histories of up to 50 steps",
        format!(
            "{:.1} cases/s ({:.0} actions/s)",
            f64::from(cases) / secs,
            report.actions as f64 / secs
        ),
        "reported".to_string(),
        true,
        String::new(),
    ));

    print_table(actions, &rows);
}

struct Row {
    what: &'static str,
    figure: String,
    limit: String,
    met: bool,
    ratio: String,
}

impl Row {
    fn new(what: &'static str, figure: String, limit: String, met: bool, ratio: String) -> Self {
        Row {
            what,
            figure,
            limit,
            met,
            ratio,
        }
    }
}

fn print_table(actions: u64, rows: &[Row]) {
    println!();
    println!("slrsim goals, {actions} generated actions");
    println!();
    println!("| goal | figure | limit (same run) | ratio | met |");
    println!("|---|---|---|---|---|");
    for r in rows {
        println!(
            "| {} | {} | {} | {} | {} |",
            r.what,
            r.figure,
            r.limit,
            r.ratio,
            if r.met { "yes" } else { "**no**" }
        );
    }
}

fn write_scenario(path: &Path, actions: u64) {
    let mut out = BufWriter::new(std::fs::File::create(path).expect("create scenario"));
    writeln!(out, "{{\"seed\":5,\"start\":\"2026-01-01T00:00:00Z\"}}").expect("write");
    for a in slrsim::testing::reference::generate(5).take(actions as usize) {
        writeln!(out, "{}", slrsim::simulator::scenario::to_line(&a)).expect("write");
    }
    out.flush().expect("write");
}

/// Copies every stored value of the log to a flat file (u32 length, bytes), so the raw insert
/// reads them at disk speed. Returns the count and total bytes.
fn dump_values(db: &Path, to: &Path) -> (u64, u64) {
    let store = Store::open(db).expect("open the log");
    let mut out = BufWriter::new(std::fs::File::create(to).expect("create dump"));
    let (mut n, mut bytes) = (0u64, 0u64);
    for item in store.iter_from(0) {
        let (_, v) = item.expect("read the log");
        out.write_all(&(v.len() as u32).to_le_bytes())
            .expect("write");
        out.write_all(&v).expect("write");
        n += 1;
        bytes += v.len() as u64;
    }
    out.flush().expect("write");
    (n, bytes)
}

/// Inserts the dumped values into a fresh sled tree (same cache as slrsim's store, big-endian keys),
/// flushing every `flush_every`; returns the seconds taken.
fn raw_insert(values: &Path, db: &Path, flush_every: u64) -> f64 {
    let _ = std::fs::remove_dir_all(db);
    let sled = sled::Config::new()
        .path(db)
        .cache_capacity(slrsim::log::store::CACHE_BYTES)
        .open()
        .expect("open raw sled");
    let tree = sled.open_tree("log").expect("tree");
    let mut input = BufReader::with_capacity(1 << 20, std::fs::File::open(values).expect("dump"));
    let t = Instant::now();
    let mut seq = 0u64;
    let mut len = [0u8; 4];
    let mut buf = Vec::new();
    while input.read_exact(&mut len).is_ok() {
        buf.resize(u32::from_le_bytes(len) as usize, 0);
        input.read_exact(&mut buf).expect("dump");
        tree.insert(seq.to_be_bytes(), buf.as_slice())
            .expect("insert");
        seq += 1;
        if seq % flush_every == 0 {
            sled.flush().expect("flush");
        }
    }
    sled.flush().expect("flush");
    t.elapsed().as_secs_f64()
}

struct ChildRun {
    records: u64,
    secs: f64,
    peak_kib: u64,
}

impl ChildRun {
    fn rate(&self) -> f64 {
        self.records as f64 / self.secs
    }
}

/// Runs this bench again as a child doing one measurement, so its peak RSS is its own.
fn run_child(mode: &str, db: &Path) -> ChildRun {
    let out = Command::new(std::env::current_exe().expect("own path"))
        .env(CHILD_ENV, mode)
        .env("SLRSIM_BENCH_DB", db)
        .stderr(Stdio::inherit())
        .output()
        .expect("start child");
    assert!(out.status.success(), "child {mode} failed");
    let text = String::from_utf8_lossy(&out.stdout);
    let nums: Vec<f64> = text
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert_eq!(nums.len(), 3, "child {mode} printed {text}");
    ChildRun {
        records: nums[0] as u64,
        secs: nums[1],
        peak_kib: nums[2] as u64,
    }
}

fn child(mode: &str) {
    let db = PathBuf::from(std::env::var("SLRSIM_BENCH_DB").expect("SLRSIM_BENCH_DB"));
    let store = Store::open(&db).expect("open the log");
    let t = Instant::now();
    let records = match mode {
        "replay" => replay::replay(&store, None).expect("replay").next_seq,
        "scan" => {
            let mut n = 0u64;
            for item in store.iter_from(0) {
                let (_, v) = item.expect("read");
                let rec: Record = serde_json::from_slice(&v[HASH_LEN..]).expect("decode");
                std::hint::black_box(&rec);
                n += 1;
            }
            n
        }
        // For profiling the lifecycle loop alone: SLRSIM_BENCH_CHILD=lifecycle.
        "lifecycle" => {
            drop(store);
            let dir = db.with_extension("lifecycle-profile");
            let rate = lifecycle_rate(&dir, 20_000, false);
            eprintln!("lifecycle: {rate:.0} calls/s");
            100_000
        }
        other => panic!("unknown child mode {other}"),
    };
    let secs = t.elapsed().as_secs_f64();
    println!("{records} {secs} {}", peak_rss_kib());
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

/// State at positions spread over the log (each the median of three tries): the worst position's ms,
/// the median position's ms, and where the worst was.
fn time_travel(db: &Path, records: u64) -> (f64, f64, u64) {
    let store = Store::open(db).expect("open the log");
    let every = slrsim::log::meta::snapshot_every_or_default(&store).expect("meta");
    let last = records - 1;
    let mut positions = vec![0, 1, last, last / 2, every.saturating_sub(1), every];
    // The worst case: the record just before a snapshot, so `every - 1` records are applied.
    for k in 1..=20u64 {
        let p = (last / 20 * k / every) * every + every - 1;
        positions.push(p.min(last));
    }
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..30 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        positions.push(x % records);
    }
    let mut times: Vec<(f64, u64)> = positions
        .iter()
        .map(|&p| {
            let mut tries: Vec<Duration> = (0..3)
                .map(|_| {
                    let t = Instant::now();
                    let r = replay::state_at(&store, Some(p)).expect("state at");
                    std::hint::black_box(&r);
                    t.elapsed()
                })
                .collect();
            tries.sort();
            // The median of three, so one scheduling hiccup does not stand for the position.
            (tries[1].as_secs_f64() * 1000.0, p)
        })
        .collect();
    times.sort_by(|a, b| a.0.total_cmp(&b.0));
    let median = times[times.len() / 2].0;
    let (worst, at) = times[times.len() - 1];
    (worst, median, at)
}

/// The lifecycle loop through the library on a sled database: create the role, get it, update its
/// description, delete it, read the deletion status; then 31 simulated seconds so the deletion
/// finishes. Only the five API calls are counted; the clock action's time is included. `batched` runs
/// the loop through `Simulator::batch` (responses as soon as decided, storing on a second thread)
/// rather than `Simulator::execute` (each record stored before the call returns).
fn lifecycle_rate(db: &Path, loops: u32, batched: bool) -> f64 {
    let _ = std::fs::remove_dir_all(db);
    let mut sim = Simulator::open(db, Some(Genesis::default())).expect("open");
    let line = |s: &str| {
        let v: serde_json::Value = serde_json::from_str(s).expect("json");
        let serde_json::Value::Object(o) = v else {
            unreachable!("literal objects")
        };
        slrsim::simulator::scenario::parse_action(o).expect("valid action")
    };
    let ops = [
        line(
            r#"{"op":"CreateServiceLinkedRole","params":{"AWSServiceName":"mediatailor.amazonaws.com"}}"#,
        ),
        line(r#"{"op":"GetRole","params":{"RoleName":"AWSServiceRoleForMediaTailor"}}"#),
        line(
            r#"{"op":"UpdateRoleDescription","params":{"RoleName":"AWSServiceRoleForMediaTailor","Description":"bench"}}"#,
        ),
        line(
            r#"{"op":"DeleteServiceLinkedRole","params":{"RoleName":"AWSServiceRoleForMediaTailor"}}"#,
        ),
        line(r#"{"op":"GetServiceLinkedRoleDeletionStatus","params":{"DeletionTaskId":"$last"}}"#),
        line(r#"{"op":"AdvanceClock","params":{"Seconds":31}}"#),
    ];
    let t = Instant::now();
    if batched {
        sim.batch(|b| {
            for _ in 0..loops {
                for a in &ops {
                    let ok = b
                        .execute(a.clone(), |rec| rec.outcome.is_ok())
                        .expect("execute");
                    assert!(ok, "lifecycle step refused");
                }
            }
        })
        .expect("batch");
    } else {
        for _ in 0..loops {
            for a in &ops {
                let rec = sim.execute(a.clone()).expect("execute");
                assert!(rec.outcome.is_ok(), "lifecycle step refused: {rec:?}");
            }
        }
    }
    sim.flush().expect("flush");
    f64::from(loops * 5) / t.elapsed().as_secs_f64()
}

/// moto's in-process rate for the same loop, measured here when moto is installed
/// (`pip install 'moto[iam]' boto3`), else the figure the goal was set against (700 calls/s).
fn moto_rate() -> (f64, &'static str) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/moto_lifecycle.py");
    let python = std::env::var("SLRSIM_BENCH_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let measured = Command::new(python)
        .arg(script)
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| {
            BufReader::new(o.stdout.as_slice())
                .lines()
                .map_while(Result::ok)
                .last()
                .and_then(|l| l.trim().parse::<f64>().ok())
        });
    match measured {
        Some(rate) => (rate, "moto measured in this run"),
        None => (700.0, "moto not installed: the 700/s reference rate"),
    }
}
