//! How a command ends: the process exit codes, and the shell's failures that map to them.

use std::process::ExitCode;

use slrsim::log::error::StoreError;

/// The process exit codes. AWS-level errors are results, not failures: a scenario whose calls are
/// refused still exits `Ok`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Exit {
    /// The command did what it was asked.
    Ok = 0,
    /// `verify` found a bad record, `bisect` a broken rule, `check` a failing history.
    BadLog = 1,
    /// Malformed input or usage; nothing was appended.
    Input = 2,
    /// The database (or another file the command reads or writes) could not be opened, read or
    /// written.
    Storage = 3,
    /// Stopped by Ctrl-C or SIGTERM (`fuzz`, after stopping the command it was running): 128 + SIGINT,
    /// as a shell reports a command ended by Ctrl-C.
    Interrupted = 130,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}

/// What exit code an error ends the process with.
pub(crate) trait ExitStatus {
    /// The exit code this error maps to.
    fn exit(&self) -> Exit;
}

impl ExitStatus for StoreError {
    fn exit(&self) -> Exit {
        match self {
            // What the user asked for does not fit the log: a usage error (exit 2), nothing appended.
            StoreError::NoSuchRecord { .. }
            | StoreError::NoSuchTask { .. }
            | StoreError::AmbiguousTask { .. }
            | StoreError::UnknownInvariant { .. }
            | StoreError::TargetHoldsLog { .. }
            | StoreError::OtherGenesis { .. }
            | StoreError::CannotStart(_) => Exit::Input,
            // Damage, a missing sled file, a folder that is not a database and a log that lost
            // acknowledged records are storage failures (exit 3), like every other store error.
            StoreError::Damaged { .. }
            | StoreError::MissingFile { .. }
            | StoreError::NotADatabase { .. }
            | StoreError::RolledBack { .. }
            | StoreError::HeadDamaged { .. }
            | StoreError::Sled(_)
            | StoreError::Locked { .. }
            | StoreError::Corrupt { .. }
            | StoreError::OutOfOrder { .. }
            | StoreError::Empty { .. }
            | StoreError::Panicked { .. }
            | StoreError::WriterStopped
            | StoreError::Encode(_) => Exit::Storage,
        }
    }
}

/// A failure of the shell, with the exit code it maps to.
pub(crate) enum Failure {
    /// Malformed input or usage: the message, shown after `slrsim: `.
    Input(String),
    /// The store failed.
    Storage(StoreError),
    /// A file other than the database (the scenario, standard input or output, a spool file)
    /// could not be read or written.
    Io(std::io::Error),
    /// The log (or a soak history) holds something wrong: the message, shown after `slrsim: `.
    BadLog(String),
    /// The output already said it all; exit with this code.
    Quiet(Exit),
    /// Standard output was closed (e.g. `slrsim log | head`): end quietly.
    Pipe,
}

impl ExitStatus for Failure {
    fn exit(&self) -> Exit {
        match self {
            Failure::Input(_) => Exit::Input,
            Failure::Storage(_) | Failure::Io(_) => Exit::Storage,
            Failure::BadLog(_) => Exit::BadLog,
            Failure::Quiet(code) => *code,
            Failure::Pipe => Exit::Ok,
        }
    }
}

impl Failure {
    /// Says what went wrong on standard error (unless the output already did) and gives the exit code.
    pub(crate) fn report(self) -> ExitCode {
        let exit = self.exit();
        match self {
            Failure::Input(m) | Failure::BadLog(m) => eprintln!("slrsim: {m}"),
            Failure::Storage(e) => eprintln!("slrsim: {e}"),
            Failure::Io(e) => eprintln!("slrsim: input/output error: {e}"),
            Failure::Quiet(_) | Failure::Pipe => {}
        }
        exit.into()
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        match e.exit() {
            Exit::Input => Failure::Input(e.to_string()),
            _ => Failure::Storage(e),
        }
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Failure::Pipe
        } else {
            Failure::Io(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A thread that panicked while writing may have appended records: that is a storage failure
    /// (exit 3), never the usage error's "nothing appended" (exit 2).
    #[test]
    fn a_panicked_writer_is_a_storage_failure() {
        let f = Failure::from(StoreError::Panicked {
            thread: "simulator",
            detail: "boom".into(),
        });
        assert!(matches!(f, Failure::Storage(StoreError::Panicked { .. })));
        assert_eq!(f.exit(), Exit::Storage);
    }

    /// The exit codes scripts rely on.
    #[test]
    fn exit_codes_keep_their_values() {
        assert_eq!(Exit::Ok as u8, 0);
        assert_eq!(Exit::BadLog as u8, 1);
        assert_eq!(Exit::Input as u8, 2);
        assert_eq!(Exit::Storage as u8, 3);
    }
}
