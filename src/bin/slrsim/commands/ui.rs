//! `ui`: the page of a database's history. A database a server holds is shown by that server (its
//! address and the token are printed); one no server holds is shown by a read-only server of its own,
//! on a private copy of the folder, which answers the page and the reads of `/_slrsim/` and nothing
//! that would be recorded.

use std::io::Write;
use std::path::Path;

use slrsim::aws::server::{Acknowledge, ServeOptions, operator::Operator};
use slrsim::log::store::Store;
use slrsim::simulator::Simulator;

use super::remote::{Remote, operator_token};
use crate::exit::Failure;

/// Prints the page's address (token included) as the first line of standard output, then serves it
/// until Ctrl-C, unless a running server already does.
pub(crate) fn ui(db: &Path, addr: std::net::SocketAddr) -> Result<(), Failure> {
    if let Some(remote) = Remote::holding(db) {
        let token = operator_token(db).unwrap_or_default();
        println!("http://{}/_slrsim/?token={token}", remote.addr());
        eprintln!(
            "slrsim ui: {} is held by the server at http://{}, which serves its page",
            db.display(),
            remote.addr()
        );
        return Ok(());
    }
    // Bind first: a taken port is found before the database is read.
    let listener = std::net::TcpListener::bind(addr)
        .map_err(|e| Failure::Input(format!("cannot serve the page on {addr}: {e}")))?;
    let sim = Simulator::with_store(Store::open_read_only(db)?, None)?;
    // A token of its own, kept nowhere: nothing is written beside the database.
    let operator = Operator::generate().map_err(|e| Failure::Input(format!("a token: {e}")))?;
    let token = operator.token().to_string();
    let mut opts = ServeOptions::new(listener, operator);
    opts.read_only = true;
    opts.acknowledge = Acknowledge::NoSync;
    let shown = db.display().to_string();
    let result = slrsim::aws::server::serve(sim, opts, |ready| {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "http://{}/_slrsim/?token={token}", ready.addr);
        let _ = out.flush();
        eprintln!(
            "slrsim ui: the history of {shown}, read-only; open the address above; Ctrl-C stops"
        );
    });
    match result {
        Ok(()) => Ok(()),
        Err(slrsim::aws::server::ServeError::Store(e)) => Err(e.into()),
        Err(slrsim::aws::server::ServeError::Io(e)) => Err(Failure::Input(format!(
            "cannot serve the page on {addr}: {e}"
        ))),
    }
}
