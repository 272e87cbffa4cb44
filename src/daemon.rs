//! `sourdine run`: the long-running service. It owns the store and the keys, serves the
//! commands over the control socket, writes a status file, and runs the duties (intake,
//! outbox, retention) that are configured. SIGTERM or Ctrl-C: finish what is under way, then
//! exit 0.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use crate::config::Config;
use crate::control::server;
use crate::service::{Service, ServiceError, StatusReport};
use crate::time::Stamp;

/// A reason the service could not start or had to stop.
#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    /// The store could not be opened.
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// The control socket could not be set up.
    #[error(transparent)]
    Socket(#[from] server::SocketError),
    /// The mailbox could not be reached or used (`--once`), or is misconfigured.
    #[error(transparent)]
    Intake(#[from] crate::intake::imap::ImapError),
    /// The outbox is misconfigured.
    #[error(transparent)]
    Outbox(#[from] crate::outbox::OutboxError),
    /// A password file is missing, unreadable or open to other users.
    #[error(transparent)]
    PasswordFile(#[from] crate::config::PasswordFileError),
    /// The store stopped accepting writes (a full disk?): the service stopped so that its
    /// manager restarts it once the cause is gone.
    #[error(
        "the store could not write ({0}); stopped so that the service manager restarts sourdine once the disk has room again; nothing was deleted from the mailbox that was not on disk"
    )]
    StoreFailed(String),
    /// Another system error.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// Why it failed.
        source: std::io::Error,
    },
}

/// The file `sourdine status` reads, in the runtime directory.
pub const STATUS_FILE: &str = "status.json";

/// What the status file holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StatusFile {
    /// `running` or `stopped`.
    pub state: String,
    /// When the file was written.
    pub updated: Stamp,
    /// The report.
    pub report: StatusReport,
}

/// The status file's path for a configuration.
pub fn status_path(cfg: &Config) -> PathBuf {
    cfg.runtime_dir().join(STATUS_FILE)
}

fn write_status(path: &Path, state: &str, report: StatusReport, gid: Option<u32>) {
    let file = StatusFile {
        state: state.into(),
        updated: Stamp(jiff::Timestamp::now().as_second()),
        report,
    };
    let tmp = path.with_extension("json.tmp");
    let result = (|| -> std::io::Result<()> {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o640)
            .open(&tmp)?;
        f.write_all(&serde_json::to_vec_pretty(&file).map_err(std::io::Error::other)?)?;
        fs::set_permissions(&tmp, fs::Permissions::from_mode(0o640))?;
        if let Some(g) = gid {
            nix::unistd::chown(&tmp, None, Some(nix::unistd::Gid::from_raw(g)))?;
        }
        fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        tracing::warn!(error = %e, "could not write the status file");
    }
}

/// Reads the status file.
pub fn read_status(cfg: &Config) -> Option<StatusFile> {
    let bytes = fs::read(status_path(cfg)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// What `sourdine run --once` did.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct OnceReport {
    /// Messages taken in from the mailbox (None: no `[imap]`).
    pub taken_in: Option<u64>,
    /// Oversized messages moved to the operator's folder.
    pub oversize: u64,
    /// Messages to writers accepted by the mail server (None: no `[smtp]`).
    pub sent: Option<u64>,
    /// Messages to writers that will be tried again later.
    pub deferred: u64,
    /// Messages to writers refused for good.
    pub not_delivered: u64,
    /// Tickets destroyed by the retention policy.
    pub purged_tickets: usize,
}

/// Runs the service until SIGTERM or Ctrl-C; with `once`, does one pass of every configured
/// duty (the whole mailbox, batch after batch) and returns.
pub fn run(cfg: Config, once: bool) -> Result<OnceReport, DaemonError> {
    // A password file that cannot be used stops the start here, before the store is opened.
    cfg.check_password_files()?;
    crate::hardening::protect_process().map_err(|source| DaemonError::Io {
        what: "disabling core dumps".into(),
        source,
    })?;
    let started = std::time::Instant::now();
    let (service, tickets) = Service::open_for_daemon(&cfg)?;
    let service = Arc::new(service);
    tracing::info!(
        tickets,
        seconds = started.elapsed().as_secs_f32(),
        "store opened, catalog built"
    );
    crate::intake::worker::log_sandbox();
    {
        let rt = service.runtime();
        let mut rt = rt.write().expect("runtime lock");
        rt.pid = Some(std::process::id());
        rt.started = Some(jiff::Timestamp::now().as_second());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(8)
        .enable_all()
        .build()
        .map_err(|source| DaemonError::Io {
            what: "starting the runtime".into(),
            source,
        })?;
    if once {
        return runtime.block_on(run_once(cfg, service));
    }
    runtime.block_on(serve(cfg, service))?;
    Ok(OnceReport::default())
}

async fn run_once(cfg: Config, service: Arc<Service>) -> Result<OnceReport, DaemonError> {
    let mut report = OnceReport::default();
    if let Some(imap) = cfg.imap.clone() {
        let intake = crate::intake::imap::Intake::new(imap, service.clone())?;
        let r = intake.run_once().await?;
        tracing::debug!(taken = r.taken, oversize = r.oversize, "mailbox emptied");
        report.taken_in = Some(r.taken);
        report.oversize = r.oversize;
    }
    let s = service.clone();
    let purge =
        tokio::task::spawn_blocking(move || s.purge(&crate::store::Actor::service(), false))
            .await
            .map_err(|_| DaemonError::Io {
                what: "the retention pass".into(),
                source: std::io::Error::other("task failed"),
            })??;
    report.purged_tickets = purge.tickets.len();
    if let Some(smtp) = cfg.smtp.clone() {
        let outbox = crate::outbox::Outbox::new(&cfg, &smtp, service.clone())?;
        let (r, _) = outbox.pass().await?;
        report.sent = Some(r.sent);
        report.deferred = r.deferred;
        report.not_delivered = r.failed;
    }
    Ok(report)
}

async fn serve(cfg: Config, service: Arc<Service>) -> Result<(), DaemonError> {
    let gid = cfg
        .counsellors_group
        .as_deref()
        .map(server::group_gid)
        .transpose()?;
    let listener = server::bind(&cfg.control_socket, cfg.counsellors_group.as_deref()).await?;
    tracing::info!(socket = %cfg.control_socket.display(), "serving counsellors");
    let (stop_tx, stop_rx) = watch::channel(false);
    let (fatal_tx, mut fatal_rx) = tokio::sync::mpsc::channel::<String>(4);

    let server = tokio::spawn(server::serve(listener, service.clone(), stop_rx.clone()));
    let intake = match cfg.imap.clone() {
        Some(imap) => {
            let intake = crate::intake::imap::Intake::new(imap, service.clone())?;
            Some(tokio::spawn(intake.run(stop_rx.clone(), fatal_tx.clone())))
        }
        None => None,
    };
    let retention = {
        let service = service.clone();
        let mut stop = stop_rx.clone();
        let every = Duration::from_secs(cfg.retention.purge_interval_minutes * 60);
        tokio::spawn(async move {
            loop {
                let s = service.clone();
                match tokio::task::spawn_blocking(move || {
                    s.purge(&crate::store::Actor::service(), false)
                })
                .await
                {
                    Ok(Ok(r))
                        if !r.tickets.is_empty()
                            || !r.reply_addresses.is_empty()
                            || !r.quarantine.is_empty() =>
                    {
                        tracing::info!(
                            tickets = r.tickets.len(),
                            reply_addresses = r.reply_addresses.len(),
                            quarantined = r.quarantine.len(),
                            audit_entries = r.audit_entries,
                            "retention applied"
                        );
                    }
                    Ok(Ok(_)) => {}
                    Ok(Err(e)) => tracing::warn!(error = %e, "retention pass failed"),
                    Err(_) => tracing::warn!("retention pass failed"),
                }
                tokio::select! {
                    _ = tokio::time::sleep(every) => {}
                    _ = stop.changed() => break,
                }
            }
        })
    };
    let outbox = match cfg.smtp.clone() {
        Some(smtp) => {
            let outbox = crate::outbox::Outbox::new(&cfg, &smtp, service.clone())?;
            Some(tokio::spawn(outbox.run(stop_rx.clone())))
        }
        None => None,
    };

    // The status file, refreshed every few seconds.
    let status_path = status_path(&cfg);
    let status_task = {
        let service = service.clone();
        let path = status_path.clone();
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            loop {
                let s = service.clone();
                if let Ok(Ok(report)) = tokio::task::spawn_blocking(move || s.status()).await {
                    write_status(&path, "running", report, gid);
                }
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(5)) => {}
                    _ = stop.changed() => break,
                }
            }
        })
    };

    let failure = tokio::select! {
        _ = wait_for_signal() => None,
        Some(why) = fatal_rx.recv() => Some(why),
    };
    match &failure {
        None => tracing::info!("stopping: finishing the work under way"),
        Some(why) => tracing::error!(problem = %why, "the store cannot write: stopping"),
    }
    let _ = stop_tx.send(true);
    if let Some(intake) = intake {
        // The batch under way is committed and removed, or abandoned before its commit.
        let _ = intake.await;
    }
    if let Some(outbox) = outbox {
        // A send under way finishes (or times out) before the outbox stops.
        let _ = outbox.await;
    }
    let _ = retention.await;
    let _ = server.await;
    let _ = status_task.await;
    let _ = fs::remove_file(&cfg.control_socket);
    let s = service.clone();
    if let Ok(Ok(mut report)) = tokio::task::spawn_blocking(move || s.status()).await {
        report.daemon = false;
        write_status(&status_path, "stopped", report, gid);
    }
    tracing::info!("stopped");
    match failure {
        None => Ok(()),
        Some(why) => Err(DaemonError::StoreFailed(why)),
    }
}

async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
    let mut int = signal(SignalKind::interrupt()).expect("SIGINT handler");
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
}
