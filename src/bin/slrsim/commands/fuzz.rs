//! `fuzz`: runs the user's own automation against generated worlds, each on a fresh server, judges
//! the goals on the final state, and shrinks a failure to the smallest world that still fails.

use std::io::{Read, Seek};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use slrsim::aws::server::{Acknowledge, ClockMode, Ready, ServeOptions, Stop};
use slrsim::core::state::State;
use slrsim::log::store::Store;
use slrsim::simulator::Simulator;
use slrsim::testing::goals::{self, Goal, Verdict};
use slrsim::testing::world::World;

use crate::cli::FuzzArgs;
use crate::exit::{Exit, Failure};

/// Simulated seconds each AWS request takes (`serve --clock requests:10`): a deletion task (30 s)
/// ends within three requests, MediaTailor's five minutes of use within thirty.
pub(crate) const SECONDS_PER_REQUEST: i64 = 10;

/// Where every world's clock starts.
const START: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z

/// Lines of the command's standard output and of its standard error shown for a failure.
const OUTPUT_LINES: usize = 40;

/// One run of the command in one world.
struct CaseRun {
    dir: tempfile::TempDir,
    state: State,
    exit: String,
    exited_ok: bool,
    stdout: String,
    stderr: String,
    /// Real time spent building the world, starting and stopping its server and reading the
    /// final state.
    overhead: Duration,
    /// Real time the command ran.
    ran_for: Duration,
}

/// Runs every case; on the first failure shrinks it, reports it and keeps its database.
pub(crate) fn fuzz(args: &FuzzArgs) -> Result<(), Failure> {
    let goals = parse_goals(&args.goals)?;
    if args.timeout == 0 || args.timeout > 86_400 {
        return Err(Failure::Input(
            "--timeout: give a whole number of seconds from 1 to 86400".into(),
        ));
    }
    if let Some(keep) = &args.keep {
        std::fs::create_dir_all(keep).map_err(Failure::Io)?;
    }
    watch_for_stop()?;
    let started = Instant::now();
    for case in 0..args.cases {
        let world = World::generate(args.seed, case);
        let run = run_case(&world, args)?;
        let verdicts = goals::judge(&goals, &run.state, run.exited_ok);
        if let Some(keep) = &args.keep {
            copy_dir(run.dir.path(), &keep.join(format!("case-{case}")))?;
        }
        let failed = verdicts.iter().any(|v| !v.held());
        let rate = (case + 1) as f64 * 60.0 / started.elapsed().as_secs_f64().max(1e-3);
        eprintln!(
            "slrsim fuzz: case {}/{} {} ({:.0} cases a minute; the command {} ms, slrsim {} ms): {}",
            case + 1,
            args.cases,
            if failed { "FAILED" } else { "passed" },
            rate,
            run.ran_for.as_millis(),
            run.overhead.as_millis(),
            world.describe()
        );
        if failed {
            return report_failure(args, &goals, case, world, run);
        }
    }
    eprintln!(
        "slrsim fuzz: all {} cases passed in {:.1} s (seed {})",
        args.cases,
        started.elapsed().as_secs_f64(),
        args.seed
    );
    Ok(())
}

fn parse_goals(given: &[String]) -> Result<Vec<Goal>, Failure> {
    if given.is_empty() {
        return Ok(goals::DEFAULT_GOALS.to_vec());
    }
    given
        .iter()
        .map(|g| Goal::parse(g).map_err(Failure::Input))
        .collect()
}

/// Shrinks the failing world, runs the minimal one once more to be sure, prints the report and
/// keeps the minimal world's database.
fn report_failure(
    args: &FuzzArgs,
    goals: &[Goal],
    case: u64,
    world: World,
    run: CaseRun,
) -> Result<(), Failure> {
    let fails = |run: &CaseRun| {
        goals::judge(goals, &run.state, run.exited_ok)
            .iter()
            .any(|v| !v.held())
    };
    let (mut minimal, mut kept) = (world.clone(), run);
    let mut runs = 1;
    'shrink: loop {
        for candidate in minimal.simpler() {
            let run = run_case(&candidate, args)?;
            runs += 1;
            let mut steady = fails(&run);
            for _ in 0..args.reruns {
                if !steady {
                    break;
                }
                runs += 1;
                steady = fails(&run_case(&candidate, args)?);
            }
            if steady {
                eprintln!(
                    "slrsim fuzz: still fails in a simpler world: {}",
                    candidate.describe()
                );
                (minimal, kept) = (candidate, run);
                continue 'shrink;
            }
        }
        break;
    }
    let again = run_case(&minimal, args)?;
    let steady = fails(&again) && again.exit == kept.exit;
    let verdicts = goals::judge(goals, &kept.state, kept.exited_ok);
    let place = keep_place(args, case)?;
    copy_dir(kept.dir.path(), &place)?;
    let mut out = String::new();
    out.push_str(&format!(
        "slrsim fuzz: the command failed a goal (seed {}, case {case}).\n\n",
        args.seed
    ));
    out.push_str(&format!("The world it failed in: {}\n", world.describe()));
    out.push_str(&format!(
        "The smallest world that still fails ({runs} runs while shrinking): {}\n",
        minimal.describe()
    ));
    if !steady {
        out.push_str("Warning: run again in the smallest world, the command did not fail the same way: it does not answer the same requests the same way every time.\n");
    }
    out.push_str(&format!("\nThe command {}.\n", kept.exit));
    for v in verdicts.iter().filter(|v| !v.held()) {
        out.push_str(&failed_goal(v, &place));
    }
    out.push_str(&bounded("standard output", &kept.stdout));
    out.push_str(&bounded("standard error", &kept.stderr));
    out.push_str(&format!(
        "\nIts database is kept in {0}: `slrsim --db {0} log`, `state`, `diff`, `explain` read it.\n",
        place.display()
    ));
    print!("{out}");
    Err(Failure::Quiet(Exit::BadLog))
}

fn failed_goal(v: &Verdict, db: &Path) -> String {
    let mut s = format!(
        "Goal `{}` does not hold: {}.\n",
        v.goal,
        v.failure.as_deref().unwrap_or("")
    );
    if let Some(task) = &v.task {
        let explained = Store::open_read_only(db)
            .ok()
            .and_then(|store| slrsim::timetravel::explain(&store, task).ok());
        if let Some(e) = explained {
            s.push_str(&format!("  {}\n", e.summary.replace('\n', "\n  ")));
        }
    }
    s
}

fn bounded(what: &str, text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    if lines.is_empty() {
        return format!("\nIts {what} was empty.\n");
    }
    let skip = lines.len().saturating_sub(OUTPUT_LINES);
    let mut s = format!("\nIts {what}");
    if skip > 0 {
        s.push_str(&format!(
            " (the last {OUTPUT_LINES} of {} lines)",
            lines.len()
        ));
    }
    s.push_str(":\n");
    for line in &lines[skip..] {
        let line: String = line.chars().take(400).collect();
        s.push_str(&format!("  | {line}\n"));
    }
    s
}

/// Where the failing case's database is kept: under --keep, or a new folder here.
fn keep_place(args: &FuzzArgs, case: u64) -> Result<PathBuf, Failure> {
    let name = format!("slrsim-fuzz-seed{}-case{case}", args.seed);
    let base = args.keep.clone().unwrap_or_else(|| PathBuf::from("."));
    let mut place = base.join(format!("{name}.db"));
    let mut n = 2;
    while place.exists() {
        place = base.join(format!("{name}-{n}.db"));
        n += 1;
    }
    Ok(place)
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), Failure> {
    std::fs::create_dir_all(to).map_err(Failure::Io)?;
    for entry in std::fs::read_dir(from).map_err(Failure::Io)? {
        let entry = entry.map_err(Failure::Io)?;
        let target = to.join(entry.file_name());
        if entry.file_type().map_err(Failure::Io)?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target).map_err(Failure::Io)?;
        }
    }
    Ok(())
}

/// Builds `world` into a fresh database, serves it, runs the command, stops the server and reads
/// the final state.
fn run_case(world: &World, args: &FuzzArgs) -> Result<CaseRun, Failure> {
    let began = Instant::now();
    let dir = tempfile::Builder::new()
        .prefix("slrsim-fuzz-")
        .tempdir()
        .map_err(Failure::Io)?;
    let mut sim = Simulator::open(
        dir.path(),
        Some(slrsim::Genesis {
            seed: args.seed,
            start: START,
        }),
    )?;
    for action in world.actions() {
        sim.execute(action)?;
    }
    let operator = super::serve::operator(dir.path())?;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(Failure::Io)?;
    let opts = ServeOptions {
        listener,
        clock: ClockMode::Requests {
            seconds: args.seconds_per_request,
        },
        acknowledge: Acknowledge::NoSync,
        operator,
        read_only: false,
    };
    let stop = Stop::new();
    let (tx, rx) = std::sync::mpsc::channel::<Ready>();
    let server = {
        let stop = stop.clone();
        std::thread::Builder::new()
            .name("slrsim-fuzz-server".into())
            .spawn(move || {
                slrsim::aws::server::serve_until(sim, opts, &stop, |ready| {
                    let _ = tx.send(ready.clone());
                })
            })
            .map_err(Failure::Io)?
    };
    let (ran, ran_for) = match rx.recv() {
        Ok(ready) => {
            let command_began = Instant::now();
            (run_command(&ready, args), command_began.elapsed())
        }
        Err(_) => (
            Err(Failure::BadLog("the case's server did not start".into())),
            Duration::ZERO,
        ),
    };
    stop.stop();
    match server.join() {
        Ok(Ok(())) => {}
        Ok(Err(slrsim::aws::server::ServeError::Store(e))) => return Err(e.into()),
        Ok(Err(slrsim::aws::server::ServeError::Io(e))) => return Err(Failure::Io(e)),
        Err(_) => return Err(Failure::BadLog("the case's server stopped by a bug".into())),
    }
    let (exit, exited_ok, stdout, stderr) = ran?;
    let store = Store::open(dir.path())?;
    let state = slrsim::log::replay::state_at(&store, None)?.state;
    drop(store);
    Ok(CaseRun {
        dir,
        state,
        exit,
        exited_ok,
        stdout,
        stderr,
        overhead: began.elapsed().saturating_sub(ran_for),
        ran_for,
    })
}

/// Runs the command against the server `ready` describes, within the time limit: how it ended,
/// whether it exited 0, and its output.
fn run_command(ready: &Ready, args: &FuzzArgs) -> Result<(String, bool, String, String), Failure> {
    let (program, rest) = args
        .command
        .split_first()
        .ok_or_else(|| Failure::Input("give the command to run after `--`".into()))?;
    let mut out = tempfile::tempfile().map_err(Failure::Io)?;
    let mut err = tempfile::tempfile().map_err(Failure::Io)?;
    let region = slrsim::core::action::DEFAULT_REGION;
    let mut cmd = Command::new(program);
    cmd.args(rest)
        .env("AWS_ENDPOINT_URL", format!("http://{}", ready.addr))
        .env("AWS_ACCESS_KEY_ID", &ready.access_key_id)
        .env("AWS_SECRET_ACCESS_KEY", &ready.secret_access_key)
        .env("AWS_DEFAULT_REGION", region)
        .env("AWS_REGION", region)
        .env("SLRSIM_TOKEN", &ready.token)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_PAGER", "")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_DEFAULT_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_SECURITY_TOKEN")
        .stdin(Stdio::null())
        .stdout(Stdio::from(out.try_clone().map_err(Failure::Io)?))
        .stderr(Stdio::from(err.try_clone().map_err(Failure::Io)?));
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    if STOP.load(Ordering::SeqCst) {
        return Err(interrupted());
    }
    let mut child = cmd.spawn().map_err(|e| {
        Failure::Input(format!(
            "cannot run `{}`: {e}",
            slrsim::core::validate::shown(program)
        ))
    })?;
    let deadline = Instant::now() + Duration::from_secs(args.timeout);
    let status = loop {
        if let Some(status) = child.try_wait().map_err(Failure::Io)? {
            break Some(status);
        }
        if STOP.load(Ordering::SeqCst) {
            // The command is in a group of its own, so the terminal's Ctrl-C did not reach it.
            kill_group(&child);
            let _ = child.kill();
            let _ = child.wait();
            return Err(interrupted());
        }
        if Instant::now() >= deadline {
            kill_group(&child);
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let (exit, ok) = match status {
        None => (
            format!("was stopped after its time limit of {} s", args.timeout),
            false,
        ),
        Some(s) if s.success() => ("exited 0".to_string(), true),
        Some(s) => match s.code() {
            Some(code) => (format!("exited {code}"), false),
            None => ("was ended by a signal".to_string(), false),
        },
    };
    Ok((exit, ok, read_all(&mut out)?, read_all(&mut err)?))
}

/// Set once `fuzz` is asked to stop (Ctrl-C or SIGTERM).
static STOP: AtomicBool = AtomicBool::new(false);

/// Catches Ctrl-C and SIGTERM for the rest of the run: the command runs in a process group of its
/// own (so a time limit can stop its children too), which the terminal's Ctrl-C does not reach, so
/// `fuzz` stops the command's group itself before it exits, and leaves nothing running.
fn watch_for_stop() -> Result<(), Failure> {
    use tokio::signal::unix::{SignalKind, signal};
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .map_err(Failure::Io)?;
    // Registered here, before any command starts, so no signal falls between.
    let streams = {
        let _in_runtime = rt.enter();
        (
            signal(SignalKind::interrupt()).map_err(Failure::Io)?,
            signal(SignalKind::terminate()).map_err(Failure::Io)?,
        )
    };
    std::thread::spawn(move || {
        let (mut int, mut term) = streams;
        rt.block_on(async {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
        });
        STOP.store(true, Ordering::SeqCst);
        // Nothing is running between the commands' runs for long: if no command notices within
        // a few seconds, end here as the default action would have.
        std::thread::sleep(Duration::from_secs(5));
        eprintln!("slrsim fuzz: interrupted");
        std::process::exit(Exit::Interrupted as i32);
    });
    Ok(())
}

fn interrupted() -> Failure {
    eprintln!("slrsim fuzz: interrupted; the command's processes were stopped");
    Failure::Quiet(Exit::Interrupted)
}

/// Sends SIGKILL to the command's process group (it was started as the leader of a group of its
/// own), so a script's own children stop too. Done with kill(2) itself: the `kill` program of
/// procps-ng 4 reads `kill -KILL -PID` as `kill -KILL -1`, every process the user may signal.
fn kill_group(child: &std::process::Child) {
    let group = i32::try_from(child.id())
        .ok()
        .and_then(rustix::process::Pid::from_raw);
    // A pid of 1 as a group would mean every process: never the child's, but never sent either.
    if let Some(group) = group.filter(|g| g.as_raw_nonzero().get() > 1) {
        let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
    }
}

fn read_all(file: &mut std::fs::File) -> Result<String, Failure> {
    file.rewind().map_err(Failure::Io)?;
    let mut bytes = Vec::new();
    // At most 1 MiB of output is read back; only its last lines are shown.
    file.by_ref()
        .take(1 << 20)
        .read_to_end(&mut bytes)
        .map_err(Failure::Io)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
