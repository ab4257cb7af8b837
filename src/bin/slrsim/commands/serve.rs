//! `serve`: the AWS wire protocols on one HTTP endpoint, every request recorded in the database.

use std::io::Write;
use std::path::Path;

use slrsim::log::store::Store;
use slrsim::simulator::Simulator;

use crate::cli::{ClockArg, ServeArgs};
use crate::exit::{Exit, Failure};

/// Serves the AWS wire protocols on `args.addr` until Ctrl-C, recording every request in the database.
pub(crate) fn serve(
    db: &Path,
    args: &ServeArgs,
    snapshot_every: Option<u64>,
) -> Result<(), Failure> {
    let ServeArgs {
        addr,
        clock,
        speed,
        no_sync,
        sync: _,
        seed,
        start,
        consistency,
        throttle,
        viewers,
        faults,
    } = args.clone();
    let start = start.as_str();
    check_consistency(consistency)?;
    use slrsim::aws::server::{Acknowledge, ServeOptions};
    let clock = clock_mode(clock, speed)?;
    let start = slrsim::core::clock::parse(start).ok_or_else(|| {
        Failure::Input(format!(
            "--start `{}`: give an RFC 3339 time such as 2026-01-01T00:00:00Z",
            slrsim::core::validate::shown(start)
        ))
    })?;
    // Bind before opening the database: a taken port leaves no new database behind.
    let listener = std::net::TcpListener::bind(addr)
        .map_err(|e| Failure::Input(format!("cannot serve on {addr}: {e}")))?;
    let genesis = slrsim::Genesis { seed, start };
    // An existing log keeps its own seed and start: --seed/--start only shape a new one. (The folder
    // may exist without a log: `slrsim env` makes it to keep the operator file.)
    let store = Store::open(db)?;
    let genesis = (store.next_seq()? == 0).then_some(genesis);
    let mut sim = Simulator::with_options(store, genesis, snapshot_every)?;
    // The adversities asked for, recorded before the first call so that the log holds them.
    record_consistency(&mut sim, consistency)?;
    if let Some((rate, burst)) = throttle {
        set_throttling(&mut sim, &rate, burst)?;
    }
    record_viewers(&mut sim, viewers)?;
    set_faults(&mut sim, faults)?;
    let operator = operator(db)?;
    let opts = ServeOptions {
        listener,
        clock,
        acknowledge: if no_sync {
            Acknowledge::NoSync
        } else {
            Acknowledge::Durable
        },
        operator,
        read_only: false,
    };
    let db_shown = db.display().to_string();
    let result = slrsim::aws::server::serve(sim, opts, |ready| {
        announce_server(db, ready.addr);
        let mut out = std::io::stdout().lock();
        // The exports go to standard output alone, so `slrsim serve > env.sh &` then `. env.sh` works.
        let _ = out.write_all(ready.exports().as_bytes());
        let _ = out.flush();
        eprintln!(
            "slrsim: serving IAM, STS, MediaTailor and CloudWatch Logs on http://{} (database {db_shown}); Ctrl-C stops",
            ready.addr
        );
    });
    // Gone with the server: a command that finds the file left by one that was killed gets no
    // answer there and reports the lock, or opens the database.
    let _ = std::fs::remove_file(db.join(super::remote::SERVER_FILE));
    match result {
        Ok(()) => Ok(()),
        Err(slrsim::aws::server::ServeError::Store(e)) => Err(e.into()),
        Err(slrsim::aws::server::ServeError::Io(e)) => {
            Err(Failure::Input(format!("cannot serve on {addr}: {e}")))
        }
    }
}

/// Writes where the server listens, for the time-travel commands that find the database held (no
/// secret); a failure is said on standard error and serving goes on.
fn announce_server(db: &Path, addr: std::net::SocketAddr) {
    if let Err(e) = write_server_file(db, addr) {
        eprintln!(
            "slrsim: cannot write {} in {} ({e}): the time-travel commands need --server to reach this server",
            super::remote::SERVER_FILE,
            db.display()
        );
    }
}

/// Writes the server file (`{"Address", "Pid"}`) whole: a temporary file, readable by the owner
/// alone, renamed into place.
fn write_server_file(db: &Path, addr: std::net::SocketAddr) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let path = db.join(super::remote::SERVER_FILE);
    let tmp = db.join(format!("{}.tmp", super::remote::SERVER_FILE));
    let body = serde_json::json!({"Address": addr.to_string(), "Pid": std::process::id()});
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)?;
    f.write_all(body.to_string().as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&tmp, &path)
}

/// `--clock` and `--speed` as the server's clock mode.
fn clock_mode(clock: ClockArg, speed: f64) -> Result<slrsim::aws::server::ClockMode, Failure> {
    use slrsim::aws::server::ClockMode;
    Ok(match clock {
        ClockArg::Manual => ClockMode::Manual,
        ClockArg::Requests(seconds) => ClockMode::Requests { seconds },
        ClockArg::Wall if speed.is_finite() && speed > 0.0 && speed <= 1e6 => {
            ClockMode::Wall { speed }
        }
        ClockArg::Wall => {
            return Err(Failure::Input(format!(
                "--speed {speed}: give a number of simulated seconds per real second, above 0 and at most 1000000"
            )));
        }
    })
}

/// `--consistency`: refused out of range before anything is made.
fn check_consistency(consistency: Option<i64>) -> Result<(), Failure> {
    match consistency {
        Some(n) if !(0..=slrsim::core::limits::MAX_CONSISTENCY_DELAY).contains(&n) => {
            Err(Failure::Input(format!(
                "--consistency {n}: give a number of seconds from 0 to {}",
                slrsim::core::limits::MAX_CONSISTENCY_DELAY
            )))
        }
        _ => Ok(()),
    }
}

/// `--consistency`: a `SetConsistency` for the default account, recorded when it changes the lag.
fn record_consistency(sim: &mut Simulator, consistency: Option<i64>) -> Result<(), Failure> {
    let Some(n) = consistency else {
        return Ok(());
    };
    let account = slrsim::core::action::DEFAULT_ACCOUNT;
    let a = sim.state().account(account);
    if a.consistency_delay != n || a.stale_updates != (n > 0) {
        // Everything IAM does lags, changes to a role included, as at AWS.
        let op = slrsim::Operation::SetConsistency(slrsim::core::action::SetConsistencyParams {
            delay_seconds: n,
            updates: (n > 0).then_some(true),
        });
        sim.execute(slrsim::Action::root(op))?;
    }
    Ok(())
}

/// `--viewers`: a `SetViewers` for the default account, recorded when it changes the rate.
fn record_viewers(sim: &mut Simulator, viewers: Option<i64>) -> Result<(), Failure> {
    let Some(n) = viewers else {
        return Ok(());
    };
    let account = slrsim::core::action::DEFAULT_ACCOUNT;
    if sim.state().account(account).viewers_per_minute != n {
        let op = slrsim::Operation::SetViewers(slrsim::core::action::SetViewersParams {
            sessions_per_minute: n,
        });
        sim.execute(slrsim::Action::root(op))?;
    }
    Ok(())
}

/// The database's operator secrets (the control API's token, the key secret), made if it has none.
pub(crate) fn operator(db: &Path) -> Result<slrsim::aws::server::operator::Operator, Failure> {
    slrsim::aws::server::operator::Operator::load_or_create(db).map_err(|e| {
        // A database file that cannot be read or made: a storage failure (exit 3).
        eprintln!("slrsim: the operator file (control token and key secret): {e}");
        Failure::Quiet(Exit::Storage)
    })
}

/// Records `SetThrottling` for `serve --throttle`.
fn set_throttling(sim: &mut Simulator, rate: &str, burst: Option<u32>) -> Result<(), Failure> {
    use slrsim::core::action::{Action, Operation, SetThrottlingParams};
    let rate: serde_json::Number = rate
        .parse()
        .map_err(|_| Failure::Input(format!("--throttle: `{rate}` is not a number")))?;
    let record = sim.execute(Action::root(Operation::SetThrottling(
        SetThrottlingParams {
            enabled: true,
            rate_per_second: Some(rate),
            burst,
        },
    )))?;
    if let slrsim::core::outcome::Outcome::Error { error, .. } = &record.outcome {
        return Err(Failure::Input(format!("--throttle: {error}")));
    }
    Ok(())
}

/// Records `SetFaults` for `serve --faults` (its parameters were checked when the flag was read).
fn set_faults(
    sim: &mut Simulator,
    faults: Option<slrsim::core::action::SetFaultsParams>,
) -> Result<(), Failure> {
    use slrsim::core::action::{Action, Operation};
    let Some(p) = faults else {
        return Ok(());
    };
    let record = sim.execute(Action::root(Operation::SetFaults(p)))?;
    if let Some(error) = record.outcome.error() {
        return Err(Failure::Input(format!("--faults: {error}")));
    }
    Ok(())
}
