//! The daemon's start. Reading every record of a large store (the start-up maintenance, the
//! summaries, the search index) leaves sled's page cache and the allocator's free lists at
//! their high-water mark for as long as the process lives: about 150 MiB at 100,000 tickets.
//! So a child process of the same program (`sourdine __catalog`) reads the store while the
//! daemon holds its lock, sends the catalog back over a pipe and exits, giving that memory
//! back to the system; the daemon then opens the store and keeps only the catalog. When a
//! current sealed snapshot is kept (written by the daemon while it ran or at its stop, see
//! [`crate::store::Store::take_snapshot`]), the child reads the catalog from it and then only
//! the tickets changed since, instead of every ticket.

use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::catalog::Catalog;
use crate::config::Config;
use crate::store::{SnapshotRefusal, Store, StoreError, StoreLock};

/// The hidden subcommand of `sourdine` that builds the catalog for its parent.
pub const CHILD_COMMAND: &str = "__catalog";

/// Why the catalog did not come from a child process (the daemon then builds it itself).
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The `sourdine` program was not found.
    #[error("the sourdine program was not found beside this one")]
    NoProgram,
    /// Reading or writing the pipe, or starting the child, failed.
    #[error("the catalog child process: {0}")]
    Io(#[from] io::Error),
    /// The child ended without a complete catalog.
    #[error("the catalog child process ended badly ({0})")]
    Failed(ExitStatus),
    /// The child could not open or read the store.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How long the daemon waits for the store's lock when a short-lived command holds it (a
/// `ticket` or `sourdine` that opened the store directly, not knowing the service starts).
pub const LOCK_WAIT: Duration = Duration::from_secs(10);

/// Takes the store's lock for the daemon, waiting up to [`LOCK_WAIT`] while another command
/// holds it; at once refused when another service (`sourdine run`) holds it.
pub fn lock_waiting(cfg: &Config) -> Result<StoreLock, StoreError> {
    let started = Instant::now();
    let mut logged = false;
    loop {
        match Store::lock(cfg) {
            Err(e) if e.is_locked() && !e.is_held_by_service() && started.elapsed() < LOCK_WAIT => {
                if !logged {
                    tracing::info!(
                        pid = e.owner_pid(),
                        seconds = LOCK_WAIT.as_secs(),
                        "another command holds the store; waiting for it to finish"
                    );
                    logged = true;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            Ok(lock) => {
                if logged {
                    tracing::info!(
                        seconds = started.elapsed().as_secs_f32(),
                        "the store is free: starting"
                    );
                }
                return Ok(lock);
            }
            Err(e) => return Err(e),
        }
    }
}

/// What the parent sends the child on its standard input: the configuration it runs with.
#[derive(Debug, Serialize, Deserialize)]
struct ChildInput {
    source: PathBuf,
    config: Config,
}

/// Starts `sourdine __catalog`, sends it the configuration, and reads the catalog it builds.
/// The caller holds the store's lock and has not opened the store.
pub fn catalog_from_child(cfg: &Config) -> Result<Catalog, StartupError> {
    let program = crate::intake::worker::worker_program().ok_or(StartupError::NoProgram)?;
    let mut child = Command::new(program)
        .arg(CHILD_COMMAND)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()?;
    let input = ChildInput {
        source: cfg.source.clone(),
        config: cfg.clone(),
    };
    let sent = child.stdin.take().map_or(Ok(()), |mut stdin| {
        serde_json::to_writer(&mut stdin, &input).map_err(io::Error::other)
    });
    let read = sent.and_then(|()| match child.stdout.take() {
        Some(out) => Catalog::read_from(&mut BufReader::with_capacity(1 << 16, out)),
        None => Err(io::Error::other("no pipe from the child")),
    });
    if read.is_err() {
        let _ = child.kill();
    }
    // Always reaped, and only then may the caller open the store.
    let status = child.wait()?;
    let catalog = read?;
    if !status.success() {
        return Err(StartupError::Failed(status));
    }
    Ok(catalog)
}

/// Reads the configuration the parent sends (the first step of `sourdine __catalog`).
pub fn read_child_config(input: impl Read) -> Result<Config, StartupError> {
    let ChildInput { source, mut config } = serde_json::from_reader(input)
        .map_err(|e| StartupError::Io(io::Error::new(io::ErrorKind::InvalidData, e)))?;
    config.source = source;
    Ok(config)
}

/// The child's work: opens the store under its parent's lock (which also runs the start-up
/// maintenance), builds the catalog and writes it to `out`. Dies with its parent.
pub fn child_main(cfg: &Config, out: impl Write) -> Result<(), StartupError> {
    // Never outlive the daemon with the store open.
    let _ = nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL);
    crate::hardening::protect_process()?;
    let store = Store::open_for_parent(cfg)?;
    // A slow build, for the tests of what the service answers meanwhile.
    crate::failpoint::delay("catalog-build");
    let catalog = match from_snapshot(&store) {
        Some(c) => c,
        None => Catalog::build(&store)?,
    };
    drop(store);
    catalog.write_to(&mut BufWriter::with_capacity(1 << 16, out))?;
    Ok(())
}

/// The catalog kept in the snapshot, when it is current (see [`Store::take_snapshot`]), with
/// the tickets changed since it was written read again; None otherwise (and the snapshot
/// gone).
fn from_snapshot(store: &Store) -> Option<Catalog> {
    let started = std::time::Instant::now();
    let why = match store.take_snapshot(super::catalog::SNAPSHOT_FORMAT) {
        Ok(Ok((mut r, changed))) => {
            match Catalog::read_from(&mut BufReader::with_capacity(1 << 16, &mut r))
                .map_err(|e| format!("unreadable: {e}"))
                .and_then(|c| refresh_changed(store, c, &changed))
            {
                Ok(c) => {
                    tracing::info!(
                        tickets = c.len(),
                        changed = changed.len(),
                        seconds = started.elapsed().as_secs_f32(),
                        "catalog read from the snapshot, changed tickets read again"
                    );
                    return Some(c);
                }
                Err(why) => {
                    if let Err(e) = store.discard_snapshot() {
                        tracing::warn!(error = %e, "the catalog snapshot could not be removed");
                    }
                    why
                }
            }
        }
        Ok(Err(SnapshotRefusal::Missing)) => return None,
        Ok(Err(refusal)) => format!("{refusal:?}"),
        Err(e) => e.to_string(),
    };
    tracing::info!(why, "catalog snapshot not used: reading every ticket");
    None
}

/// Reads the tickets changed since the snapshot again (a ticket gone is dropped).
fn refresh_changed(store: &Store, mut c: Catalog, changed: &[String]) -> Result<Catalog, String> {
    for id in changed {
        c.refresh(store, id)
            .map_err(|e| format!("a changed ticket could not be read: {e}"))?;
    }
    Ok(c)
}
