//! The `slrsim` command line: the imperative shell around the library. This file parses the command
//! line and hands it to the command's module; `exit` says how each failure ends the process.

mod cli;
mod commands;
mod exit;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};
use commands::log::LogFilter;
use commands::{
    bisect, check, demo, env, explain, fork, fuzz, generate, log, operations, remote, replay, run,
    serve, state, ui, verify,
};
use exit::{Exit, Failure};

// glibc's allocator spent a fifth of `run`'s time in malloc/free and page faults (perf, see ARCHITECTURE.md);
// mimalloc keeps freed memory for reuse across the two threads of a batch.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SLRSIM_LOG")
                // sled's own log lines name the private copy a reader opens and repeat what the one
                // `slrsim:` line says; they are shown only when asked for with SLRSIM_LOG.
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,sled=off")),
        )
        .with_writer(std::io::stderr)
        .init();
    // sled's panics on damaged files are contained at the store boundary and reported as storage
    // errors; this hook keeps their backtraces away from the user and words any other panic as a bug.
    slrsim::log::store::install_panic_hook();
    let cli = Cli::parse();
    match dispatch(&cli) {
        Ok(()) => Exit::Ok.into(),
        Err(failure) => failure.report(),
    }
}

/// Runs the command `cli` names. A time-travel command asks the server given with `--server`, or,
/// when a running server holds the database, that server (with a note on standard error).
fn dispatch(cli: &Cli) -> Result<(), Failure> {
    if !asks_a_server(&cli.command) {
        return local(cli);
    }
    if let Some(url) = &cli.server {
        let token = cli
            .token
            .clone()
            .or_else(|| remote::operator_token(&cli.db));
        return ask(&remote::Remote::new(url, token)?, &cli.command);
    }
    match local(cli) {
        Err(Failure::Storage(locked @ slrsim::StoreError::Locked { .. })) => {
            match remote::Remote::holding(&cli.db) {
                Some(r) => {
                    eprintln!(
                        "slrsim: {} is held by the server at http://{}: asking it",
                        cli.db.display(),
                        r.addr()
                    );
                    ask(&r, &cli.command)
                }
                None => Err(Failure::Storage(locked)),
            }
        }
        other => other,
    }
}

/// Whether `command` is one of those a running server answers.
fn asks_a_server(command: &Command) -> bool {
    matches!(
        command,
        Command::State { .. }
            | Command::Get { .. }
            | Command::Diff { .. }
            | Command::Bisect { .. }
            | Command::Explain { .. }
            | Command::Fork { .. }
            | Command::Verify
            | Command::Log { .. }
    )
}

/// The filter `log`'s flags ask for, whether the log is read from the database or from a server.
fn log_filter(
    account: &Option<String>,
    region: &Option<String>,
    op: &Option<String>,
    errors: bool,
) -> LogFilter {
    LogFilter {
        account: account.clone(),
        region: region.clone(),
        op: op.clone(),
        errors,
    }
}

/// Runs a time-travel command against a running server.
fn ask(r: &remote::Remote, command: &Command) -> Result<(), Failure> {
    match command {
        Command::Log {
            from,
            to,
            json,
            account,
            region,
            op,
            errors,
        } => remote::log(
            r,
            *from,
            *to,
            *json,
            &log_filter(account, region, op, *errors),
        ),
        Command::State { point, json } => remote::state(r, point, *json),
        Command::Get {
            point,
            account,
            what,
        } => remote::get(r, point, account, what),
        Command::Diff {
            n,
            m,
            other_db,
            json,
        } => remote::diff(r, *n, *m, other_db.as_deref(), *json),
        Command::Bisect { invariant } => remote::bisect(r, invariant.as_deref()),
        Command::Explain { task_id, json } => remote::explain(r, task_id, *json),
        Command::Fork { at, to } => remote::fork(r, *at, to),
        Command::Verify => remote::verify(r),
        _ => local_only(),
    }
}

fn local_only() -> Result<(), Failure> {
    Err(Failure::Input(
        "this command does not ask a server: --server is for state, get, diff, bisect, explain, fork, verify and log".to_string(),
    ))
}

/// Runs the command `cli` names on the database.
fn local(cli: &Cli) -> Result<(), Failure> {
    match &cli.command {
        Command::Demo => demo::demo(&cli.db, cli.snapshot_every),
        Command::Run { file, sync, quiet } => {
            run::run(&cli.db, file, *sync, *quiet, cli.snapshot_every)
        }
        Command::Log {
            from,
            to,
            json,
            account,
            region,
            op,
            errors,
        } => log::log(
            &cli.db,
            *from,
            *to,
            *json,
            &log_filter(account, region, op, *errors),
        ),
        Command::State { point, json } => state::state(&cli.db, point, *json),
        Command::Get {
            point,
            account,
            what,
        } => state::get(&cli.db, point, account, what),
        Command::Diff {
            n,
            m,
            other_db,
            json,
        } => state::diff(&cli.db, *n, *m, other_db.as_deref(), *json),
        Command::Bisect { invariant } => bisect::bisect(&cli.db, invariant.as_deref()),
        Command::Explain { task_id, json } => explain::explain(&cli.db, task_id, *json),
        Command::Fork { at, to } => fork::fork(&cli.db, *at, to),
        Command::Replay { verify } => replay::replay_verify(&cli.db, *verify),
        Command::Verify => verify::verify(&cli.db),
        Command::Generate { actions, seed } => generate::generate(*actions, *seed),
        Command::Operations { json } => operations::operations(*json),
        Command::Check {
            cases,
            steps,
            seed,
            out,
        } => check::check(*cases, *steps, *seed, out),
        Command::Serve(args) => serve::serve(&cli.db, args, cli.snapshot_every),
        Command::Env { addr, seed } => env::env(&cli.db, *addr, *seed),
        Command::Ui { addr } => ui::ui(&cli.db, *addr),
        Command::Fuzz(args) => fuzz::fuzz(args),
    }
}
