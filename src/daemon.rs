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
use crate::model::{ServiceError, StatusReport};
use crate::service::Service;
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
    StoreFailed(#[source] crate::intake::imap::ImapError),
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
    pub report: StatusReport,
}

/// The status file's path for a configuration.
pub fn status_path(cfg: &Config) -> PathBuf {
    cfg.runtime_dir().join(STATUS_FILE)
}

/// Writes the status file: `report` as published to counsellors, dated `step` (a time rounded
/// to `received_precision`). Its modification time, and those of everything in the runtime
/// folder, are set to `step`: the folder is readable by the counsellors' group, and a time to
/// the second there would tell when mail arrived more precisely than the store does.
fn write_status(path: &Path, state: &str, report: StatusReport, step: i64, gid: Option<u32>) {
    let file = StatusFile {
        state: state.into(),
        updated: Stamp(step),
        report,
    };
    let tmp = path.with_extension("json.tmp");
    let result = (|| -> std::io::Result<()> {
        let bytes = serde_json::to_vec_pretty(&file).map_err(std::io::Error::other)?;
        if fs::read(path).is_ok_and(|old| old == bytes) {
            return Ok(());
        }
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o640)
            .open(&tmp)?;
        f.write_all(&bytes)?;
        // Dated by its step before it is renamed into place: never seen with a finer time.
        let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(step.max(0) as u64);
        f.set_times(fs::FileTimes::new().set_modified(at).set_accessed(at))?;
        fs::set_permissions(&tmp, fs::Permissions::from_mode(0o640))?;
        if let Some(g) = gid {
            nix::unistd::chown(&tmp, None, Some(nix::unistd::Gid::from_raw(g)))?;
        }
        fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        tracing::warn!(error = %e, "could not write the status file");
    }
    if let Some(dir) = path.parent() {
        blur_folder(dir, step);
    }
}

/// Sets the access and modification times of `dir` and of everything in it to `t`.
fn blur_folder(dir: &Path, t: i64) {
    use nix::sys::stat::{UtimensatFlags, utimensat};
    use nix::sys::time::TimeSpec;
    let ts = TimeSpec::new(t.max(0), 0);
    let set = |p: &Path| {
        let _ = utimensat(
            nix::fcntl::AT_FDCWD,
            p,
            &ts,
            &ts,
            UtimensatFlags::NoFollowSymlink,
        );
    };
    if let Ok(rd) = fs::read_dir(dir) {
        for e in rd.flatten() {
            set(&e.path());
        }
    }
    set(dir);
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
        let service = ready(Service::open_for_daemon(&cfg)?, started);
        let report = runtime.block_on(run_once(cfg, service.clone()))?;
        keep_catalog(&service);
        return Ok(report);
    }
    let lock = Service::lock_for_daemon(&cfg)?;
    runtime.block_on(start_serving(cfg, lock, started))?;
    Ok(OnceReport::default())
}

/// The service opened (`tickets` in its catalog), `started` ago: logged and marked running.
fn ready((service, tickets): (Service, usize), started: std::time::Instant) -> Arc<Service> {
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
    service
}

/// Binds the control socket as soon as the store's lock is held, answering "still loading"
/// while the store is read and the catalog built (by a child, see
/// [`crate::service::startup`]), then serves.
async fn start_serving(
    cfg: Config,
    lock: crate::store::StoreLock,
    started: std::time::Instant,
) -> Result<(), DaemonError> {
    // A slow start before the socket, for the tests of what `ticket` says meanwhile.
    crate::failpoint::delay("daemon-before-socket");
    let listener = server::bind(&cfg.control_socket, cfg.counsellors_group.as_deref()).await?;
    tracing::info!(
        socket = %cfg.control_socket.display(),
        "answering counsellors: still loading until the catalog is built"
    );
    let (ready_tx, ready_rx) = watch::channel(None);
    let (stop_tx, stop_rx) = watch::channel(false);
    let server = tokio::spawn(server::serve(listener, ready_rx, started, stop_rx.clone()));
    let opening = {
        let cfg = cfg.clone();
        tokio::task::spawn_blocking(move || Service::open_for_daemon_locked(&cfg, lock)).await
    };
    let service = match opening {
        Ok(Ok(opened)) => ready(opened, started),
        failed => {
            let _ = stop_tx.send(true);
            let _ = server.await;
            let _ = fs::remove_file(&cfg.control_socket);
            return Err(match failed {
                Ok(Err(e)) => e.into(),
                _ => DaemonError::Io {
                    what: "opening the store".into(),
                    source: std::io::Error::other("task failed"),
                },
            });
        }
    };
    // Caught before anyone is told the service is ready: a stop asked from then on is clean.
    let signals = catch_signals();
    // Before any change of this run: whether the catalog snapshot is behind the store.
    let snapshot_due = service.catalog_snapshot_due(crate::service::SNAPSHOT_AFTER);
    ready_tx.send_replace(Some(service.clone()));
    let serving = Serving {
        server,
        stop_tx,
        stop_rx,
        signals,
        snapshot_due,
    };
    serve(cfg, service, serving).await
}

/// The control socket's server, started before the service was ready, the switch that stops
/// every duty, and the signals that ask for the stop.
struct Serving {
    server: tokio::task::JoinHandle<()>,
    stop_tx: watch::Sender<bool>,
    stop_rx: watch::Receiver<bool>,
    signals: Signals,
    /// Whether the catalog snapshot was behind the store when the service became ready.
    snapshot_due: bool,
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
        let outbox =
            crate::outbox::Outbox::new(&cfg, &smtp, service.shared_store(), service.outbox_wake())?;
        let (r, _) = outbox.pass().await?;
        report.sent = Some(r.sent);
        report.deferred = r.deferred;
        report.not_delivered = r.failed;
    }
    // Run every few minutes by a timer: the head goes to the log once a day.
    match service.store().audit_head_log_due() {
        Ok(true) => log_audit_head(&service, "daily"),
        Ok(false) => {}
        Err(e) => tracing::warn!(error = %e, "could not read the audit head"),
    }
    Ok(report)
}

async fn serve(cfg: Config, service: Arc<Service>, serving: Serving) -> Result<(), DaemonError> {
    let gid = counsellors_gid(&cfg)?;
    tracing::info!(socket = %cfg.control_socket.display(), "serving counsellors");
    let Serving {
        server,
        stop_tx,
        stop_rx,
        signals,
        snapshot_due,
    } = serving;
    let (fatal_tx, mut fatal_rx) = tokio::sync::mpsc::channel::<crate::intake::imap::ImapError>(4);

    log_audit_head(&service, "at start");
    let intake = match cfg.imap.clone() {
        Some(imap) => {
            let intake = crate::intake::imap::Intake::new(imap, service.clone())?;
            Some(tokio::spawn(intake.run(stop_rx.clone(), fatal_tx.clone())))
        }
        None => None,
    };
    let every_purge = Duration::from_secs(cfg.retention.purge_interval_minutes * 60);
    let retention = every(every_purge, stop_rx.clone(), {
        let service = service.clone();
        move || retention_pass(service.clone())
    });
    let outbox = match cfg.smtp.clone() {
        Some(smtp) => {
            let outbox = crate::outbox::Outbox::new(
                &cfg,
                &smtp,
                service.shared_store(),
                service.outbox_wake(),
            )?;
            Some(tokio::spawn(outbox.run(stop_rx.clone())))
        }
        None => None,
    };

    // Once a day (the first at start): the quarantine, in counts only.
    let daily = every(Duration::from_secs(86_400), stop_rx.clone(), {
        let service = service.clone();
        move || log_quarantine(service.clone())
    });
    // Past days' acknowledgement memory, destroyed within seconds of the day's end.
    let forget_task = every(Duration::from_secs(5), stop_rx.clone(), {
        let service = service.clone();
        move || forget_acknowledgements(service.clone())
    });

    let status_task = tokio::spawn(publish_status(
        service.clone(),
        status_path(&cfg),
        gid,
        stop_rx.clone(),
    ));
    let head_task = tokio::spawn(log_audit_head_daily(service.clone(), stop_rx.clone()));
    let snapshot_task = spawn_snapshot_keeper(service.clone(), stop_rx.clone(), snapshot_due);
    let targets_task = spawn_target_watch(&cfg, service.clone(), stop_rx.clone())?;

    let failure = tokio::select! {
        _ = wait_for_signal(signals) => None,
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
    let _ = daily.await;
    let _ = forget_task.await;
    let _ = server.await;
    let _ = head_task.await;
    let _ = snapshot_task.await;
    let _ = targets_task.await;
    let _ = fs::remove_file(&cfg.control_socket);
    // The counts stay those of the last step: a count taken now would date an arrival.
    if let Ok((mut report, step)) = status_task.await {
        report.daemon = false;
        write_status(&status_path(&cfg), "stopped", report, step, gid);
    }
    if failure.is_none() {
        keep_catalog(&service);
    }
    log_audit_head(&service, "at stop");
    tracing::info!("stopped");
    match failure {
        None => Ok(()),
        Some(why) => Err(DaemonError::StoreFailed(why)),
    }
}

/// The counsellors' group's id, when one is configured.
fn counsellors_gid(cfg: &Config) -> Result<Option<u32>, DaemonError> {
    cfg.counsellors_group
        .as_deref()
        .map(server::group_gid)
        .transpose()
        .map_err(DaemonError::from)
}

/// Keeps the catalog, sealed, for the next start (a clean stop): the next start reads it, and
/// only the tickets changed since, instead of every ticket.
fn keep_catalog(service: &Service) {
    let started = std::time::Instant::now();
    match service.keep_catalog() {
        Ok(true) => tracing::info!(
            seconds = started.elapsed().as_secs_f32(),
            "catalog kept, sealed, for the next start"
        ),
        Ok(false) => tracing::info!("catalog not kept: the next start reads every ticket"),
        Err(e) => tracing::warn!(
            error = %e,
            "the catalog could not be kept: the next start reads every ticket"
        ),
    }
}

/// How often the daemon looks whether the catalog snapshot is due.
const SNAPSHOT_CHECK: Duration = Duration::from_secs(5);
/// How long after a failed snapshot the daemon tries again.
const SNAPSHOT_RETRY: Duration = Duration::from_secs(60);

/// When the catalog snapshot was last written (or the service started), whether it is due at
/// once, and when writing it last failed.
struct SnapshotTimes {
    written: std::time::Instant,
    due_now: bool,
    failed: Option<std::time::Instant>,
}

/// Keeps the catalog snapshot current while the service runs: at start when it is behind the
/// store (`due_now`), after an erasure destroyed it, and when enough tickets changed since
/// ([`crate::service::snapshot_due`]), so that a crash costs only the changes since.
fn spawn_snapshot_keeper(
    service: Arc<Service>,
    stop: watch::Receiver<bool>,
    due_now: bool,
) -> tokio::task::JoinHandle<()> {
    let times = Arc::new(std::sync::Mutex::new(SnapshotTimes {
        written: std::time::Instant::now(),
        due_now,
        failed: None,
    }));
    every(SNAPSHOT_CHECK, stop, move || {
        let service = service.clone();
        let times = times.clone();
        async move {
            let _ =
                tokio::task::spawn_blocking(move || keep_catalog_if_due(&service, &times)).await;
        }
    })
}

/// One look of [`spawn_snapshot_keeper`].
fn keep_catalog_if_due(service: &Service, times: &std::sync::Mutex<SnapshotTimes>) {
    let mut times = times.lock().expect("snapshot times");
    if times.failed.is_some_and(|t| t.elapsed() < SNAPSHOT_RETRY) {
        return;
    }
    let since = if times.due_now {
        crate::service::SNAPSHOT_AFTER
    } else {
        times.written.elapsed()
    };
    if !service.catalog_snapshot_due(since) {
        return;
    }
    let started = std::time::Instant::now();
    match service.keep_catalog() {
        Ok(true) => {
            times.written = std::time::Instant::now();
            times.due_now = false;
            tracing::info!(
                seconds = started.elapsed().as_secs_f32(),
                "catalog snapshot written, sealed, while running"
            );
        }
        Ok(false) => tracing::debug!("catalog snapshot not written now: work under way"),
        Err(e) => {
            times.failed = Some(std::time::Instant::now());
            tracing::warn!(error = %e, "the catalog snapshot could not be written");
        }
    }
}

/// Runs `pass` now and then every `period`, until told to stop.
fn every<F, P>(
    period: Duration,
    mut stop: watch::Receiver<bool>,
    pass: P,
) -> tokio::task::JoinHandle<()>
where
    P: Fn() -> F + Send + 'static,
    F: Future<Output = ()> + Send + 'static,
{
    tokio::spawn(async move {
        loop {
            pass().await;
            tokio::select! {
                _ = tokio::time::sleep(period) => {}
                _ = stop.changed() => break,
            }
        }
    })
}

/// One retention pass, what it removed logged in counts.
async fn retention_pass(service: Arc<Service>) {
    match tokio::task::spawn_blocking(move || service.purge(&crate::store::Actor::service(), false))
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
}

/// Logs the quarantine, in counts only.
async fn log_quarantine(service: Arc<Service>) {
    if let Ok(Ok(q)) = tokio::task::spawn_blocking(move || service.quarantine_summary()).await {
        q.log();
    }
}

/// Destroys past days' acknowledgement memory.
async fn forget_acknowledgements(service: Arc<Service>) {
    let _ = tokio::task::spawn_blocking(move || service.forget_past_acknowledgements()).await;
}

/// Publishes the status counsellors may see at each step of `received_precision` (and at
/// start), to the status file and to `sourdine status` through the socket; returns the last
/// report published and its step when told to stop.
async fn publish_status(
    service: Arc<Service>,
    path: PathBuf,
    gid: Option<u32>,
    mut stop: watch::Receiver<bool>,
) -> (StatusReport, i64) {
    let p = service.config().received_precision;
    let clock = crate::time::Clock::from_env();
    let runtime = service.runtime();
    let rt = runtime.read().expect("runtime lock").clone();
    // At start, the counts of the last step published (when the file is still there): counts
    // taken now would date the arrivals since that step by the time of this start.
    let mut last = match read_status(service.config()) {
        Some(old) => {
            let step = old.updated.0;
            let report = StatusReport {
                version: env!("CARGO_PKG_VERSION").to_string(),
                daemon: true,
                pid: rt.pid,
                started: rt.started.map(Stamp),
                ..old.report
            }
            .published(p, step);
            (report, step)
        }
        None => {
            let s = service.clone();
            let step = p.round(clock.now());
            let report = tokio::task::spawn_blocking(move || s.status())
                .await
                .ok()
                .and_then(Result::ok)
                .unwrap_or_default();
            (report.published(p, step), step)
        }
    };
    loop {
        runtime.write().expect("runtime lock").published = Some(last.0.clone());
        write_status(&path, "running", last.0.clone(), last.1, gid);
        let now = clock.now();
        let next = p.round(now) + p.seconds();
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs((next - now).max(1) as u64)) => {}
            _ = stop.changed() => return last,
        }
        let s = service.clone();
        if let Ok(Ok(report)) = tokio::task::spawn_blocking(move || s.status()).await {
            last = (report.published(p, next), next);
        }
    }
}

/// Starts the reply-target watch, with the staff notifier when `[notify] address` and
/// `[smtp]` are both set.
fn spawn_target_watch(
    cfg: &Config,
    service: Arc<Service>,
    stop: watch::Receiver<bool>,
) -> Result<tokio::task::JoinHandle<()>, DaemonError> {
    let notifier = match (&cfg.smtp, &cfg.notify.address) {
        (Some(smtp), Some(address)) => Some(crate::outbox::Notifier::new(cfg, smtp, address)?),
        (None, Some(_)) => {
            tracing::warn!("notify.address is set but [smtp] is not: the staff get no notices");
            None
        }
        _ => None,
    };
    Ok(tokio::spawn(watch_reply_targets(service, notifier, stop)))
}

/// Looks every minute at how many tickets are past the reply target: writes the count line
/// at start, once a day and when a ticket passes the target, and sends it to the staff
/// address when there is one (counts only; never when the count is zero).
async fn watch_reply_targets(
    service: Arc<Service>,
    notifier: Option<crate::outbox::Notifier>,
    mut stop: watch::Receiver<bool>,
) {
    let mut watch = crate::service::targets::TargetWatch::default();
    loop {
        let s = service.clone();
        match tokio::task::spawn_blocking(move || s.overdue_count()).await {
            Ok(Ok((day, count))) => {
                if let Some(line) = watch.look(day, count) {
                    tracing::info!("{line}");
                    if let Some(n) = notifier.as_ref().filter(|_| count > 0) {
                        match n.send(&line).await {
                            Ok(()) => tracing::info!("sent to the staff address: {line}"),
                            Err(e) => tracing::warn!(error = %e, "staff notice not sent"),
                        }
                    }
                }
            }
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "could not count the tickets past the reply target")
            }
            Err(_) => tracing::warn!("could not count the tickets past the reply target"),
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(60)) => {}
            _ = stop.changed() => break,
        }
    }
}

/// Logs the audit head once a day until told to stop.
async fn log_audit_head_daily(service: Arc<Service>, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(86_400)) => {}
            _ = stop.changed() => break,
        }
        log_audit_head(&service, "daily");
    }
}

/// Writes the audit log's head to the service's log, as `sourdine audit --head` prints it: an
/// anchor outside the store, once the log lines are kept elsewhere.
fn log_audit_head(service: &Service, when: &str) {
    match service.store().audit_head_text() {
        Ok(head) => tracing::info!(
            target: "sourdine::audit",
            "audit head {head} ({when}); keep this line off this machine: `sourdine audit --verify --expect-head \"{head}\"` shows later whether the log was cut or replaced since"
        ),
        Err(e) => tracing::warn!(error = %e, "could not read the audit head"),
    }
}

/// SIGTERM and SIGINT, caught from now on (until then they end the process at once).
struct Signals {
    term: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
}

fn catch_signals() -> Signals {
    use tokio::signal::unix::{SignalKind, signal};
    Signals {
        term: signal(SignalKind::terminate()).expect("SIGTERM handler"),
        int: signal(SignalKind::interrupt()).expect("SIGINT handler"),
    }
}

async fn wait_for_signal(signals: Signals) {
    let Signals { mut term, mut int } = signals;
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
}
