//! Live intake from the helpline's mailbox over IMAP (async-imap on tokio).
//!
//! Each pass lists the messages waiting, moves the oversized ones (by RFC822.SIZE, before
//! any fetch) to a folder for the operator, fetches the rest in batches with `BODY.PEEK[]`,
//! runs them through the intake pipeline, commits each batch with one durable flush, and
//! only then flags them `\Deleted` and expunges them (or moves them, for `move:`). A crash
//! between the commit and the expunge leaves messages that the next pass fetches again: the
//! dedupe keys recognise them, and they are deleted then.
//!
//! Every command but IDLE runs under a timeout, every response stream is drained, and IDLE is
//! renewed at most every `idle_refresh_secs`. Logs carry counts only.

use std::collections::{BTreeMap, HashSet};
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use async_imap::Session;
use futures_util::TryStreamExt;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::watch;
use zeroize::Zeroizing;

use crate::config::{AfterIntake, ImapConfig, Tls};
use crate::intake::pipeline::{Arrival, Pipeline};
use crate::model::{Actor, IntakeStatus, Outcome, Prepared, ServiceError};
use crate::store::Store;

/// What the mailbox duty files its messages into: the service, which also brings its catalog
/// up to date and queues the acknowledgements. The intake names only this, so that it
/// depends on nothing above it.
pub trait Filing: Send + Sync {
    /// The store: the mailbox's UIDVALIDITY, the dedupe keys, audit entries.
    fn store(&self) -> &Store;
    /// The pipeline every message goes through.
    fn pipeline(&self) -> &Pipeline;
    /// Files prepared messages as one durable batch: when this returns Ok, every outcome is on
    /// disk.
    fn file(&self, prepared: Vec<Prepared>) -> Result<Vec<Outcome>, ServiceError>;
    /// Updates the intake's part of the service's status (`sourdine status`).
    fn intake_status(&self, update: &mut dyn FnMut(&mut IntakeStatus));
}

/// An intake error. Opaque; ask it with the `is_*` methods. Never carries writer data: the
/// server's own errors are described without what it echoed (see `imap_err`) and never kept
/// as the source; a source is kept only for our own errors (the store's, the configuration's,
/// TLS settings').
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ImapError {
    kind: ErrorKind,
    message: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ErrorKind {
    Auth,
    Timeout,
    Tls,
    Network,
    Protocol,
    Store,
    Config,
}

impl ImapError {
    fn new(kind: ErrorKind, message: impl Into<String>) -> ImapError {
        ImapError {
            kind,
            message: message.into(),
            source: None,
        }
    }
    /// `message`, caused by `source` (an error of ours, or of the system: never the server's).
    fn because(
        kind: ErrorKind,
        message: String,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> ImapError {
        ImapError {
            kind,
            message,
            source: Some(Box::new(source)),
        }
    }
    /// An error of ours as the cause, its text the message.
    fn caused(
        kind: ErrorKind,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> ImapError {
        ImapError {
            kind,
            message: source.to_string(),
            source: Some(Box::new(source)),
        }
    }
    /// The server refused the login.
    pub fn is_auth(&self) -> bool {
        self.kind == ErrorKind::Auth
    }
    /// A command did not answer in time.
    pub fn is_timeout(&self) -> bool {
        self.kind == ErrorKind::Timeout
    }
    /// The TLS handshake or certificate check failed.
    pub fn is_tls(&self) -> bool {
        self.kind == ErrorKind::Tls
    }
    /// The connection failed or broke.
    pub fn is_network(&self) -> bool {
        self.kind == ErrorKind::Network
    }
    /// The store could not commit (disk full...): nothing was deleted from the server.
    pub fn is_store(&self) -> bool {
        self.kind == ErrorKind::Store
    }
    /// The configuration cannot work (password file unreadable...).
    pub fn is_config(&self) -> bool {
        self.kind == ErrorKind::Config
    }
}

/// Turns an async-imap error from command `what` into an [`ImapError`] (network or protocol),
/// keeping nothing the server echoed from messages. Shared with `sourdine doctor`.
pub(crate) fn imap_err(what: &str) -> impl FnOnce(async_imap::error::Error) -> ImapError + '_ {
    move |e| {
        let kind = match &e {
            async_imap::error::Error::Io(_) | async_imap::error::Error::ConnectionLost => {
                ErrorKind::Network
            }
            _ => ErrorKind::Protocol,
        };
        ImapError::new(kind, format!("IMAP {what} failed: {}", describe(&e)))
    }
}

/// A server error without anything the server echoed from messages.
fn describe(e: &async_imap::error::Error) -> String {
    use async_imap::error::Error as E;
    match e {
        E::Io(io) => io.to_string(),
        E::ConnectionLost => "connection lost".into(),
        E::No(text) => format!("server said NO: {}", short(text)),
        E::Bad(text) => format!("server said BAD: {}", short(text)),
        E::Parse(_) => "unreadable server response".into(),
        E::Validate(_) => "invalid command argument".into(),
        E::Append => "append failed".into(),
        _ => "IMAP error".into(),
    }
}

/// Server text cut to 120 characters, without control characters (for error messages).
pub(crate) fn short(s: &str) -> String {
    let s: String = s.chars().filter(|c| !c.is_control()).take(120).collect();
    s.trim().to_string()
}

/// Runs `f` under `limit`; past it, a timeout error naming the command `what`. Every IMAP
/// command but IDLE goes through this (also `sourdine doctor`'s).
pub(crate) async fn timed<T>(
    limit: Duration,
    what: &str,
    f: impl Future<Output = Result<T, ImapError>>,
) -> Result<T, ImapError> {
    match tokio::time::timeout(limit, f).await {
        Ok(r) => r,
        Err(_) => Err(ImapError::new(
            ErrorKind::Timeout,
            format!("IMAP {what} did not answer within {} s", limit.as_secs()),
        )),
    }
}

/// The connection under the IMAP session: plain TCP (loopback or before STARTTLS) or TLS.
#[derive(Debug)]
pub enum Conn {
    /// Plain TCP.
    Plain(TcpStream),
    /// TLS over TCP.
    Tls(Box<tokio_rustls::client::TlsStream<TcpStream>>),
}

impl AsyncRead for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_flush(cx),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// A TLS client configuration trusting the system's CAs and, if given, `ca_file` (PEM).
pub fn tls_config(
    ca_file: Option<&std::path::Path>,
) -> Result<Arc<rustls::ClientConfig>, ImapError> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    if let Some(path) = ca_file {
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
            .map_err(|e| {
                ImapError::because(
                    ErrorKind::Config,
                    format!("cannot read ca_file {}: {e}", path.display()),
                    e,
                )
            })?
            .collect::<Result<_, _>>()
            .map_err(|e| {
                ImapError::because(
                    ErrorKind::Config,
                    format!("ca_file {}: {e}", path.display()),
                    e,
                )
            })?;
        if certs.is_empty() {
            return Err(ImapError::new(
                ErrorKind::Config,
                format!("ca_file {} holds no certificate", path.display()),
            ));
        }
        for c in certs {
            roots.add(c).map_err(|e| {
                ImapError::because(
                    ErrorKind::Config,
                    format!("ca_file {}: {e}", path.display()),
                    e,
                )
            })?;
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| ImapError::caused(ErrorKind::Tls, e))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Reads the password file (its trailing newline removed); refuses one other users can read.
pub fn read_password(cfg: &ImapConfig) -> Result<Zeroizing<String>, ImapError> {
    crate::config::read_password_file("imap.password_file", &cfg.password_file)
        .map_err(|e| ImapError::caused(ErrorKind::Config, e))
}

/// A logged-in IMAP session.
pub type ImapSession = Session<Conn>;

/// Connects, secures the connection as configured, and logs in.
pub async fn connect(cfg: &ImapConfig, password: &str) -> Result<ImapSession, ImapError> {
    let limit = Duration::from_secs(cfg.command_timeout_secs);
    let host = cfg.host.as_str();
    let port = cfg.port();
    let tcp = timed(limit, "connection", async {
        TcpStream::connect((host, port)).await.map_err(|e| {
            ImapError::because(
                ErrorKind::Network,
                format!("cannot connect to {host}:{port}: {e}"),
                e,
            )
        })
    })
    .await?;
    let _ = tcp.set_nodelay(true);
    let tls = |tcp: TcpStream| async move {
        let config = tls_config(cfg.ca_file.as_deref())?;
        let name = rustls::pki_types::ServerName::try_from(host.to_string()).map_err(|_| {
            ImapError::new(
                ErrorKind::Config,
                format!("imap.host `{host}` is not a valid server name"),
            )
        })?;
        let stream = tokio_rustls::TlsConnector::from(config)
            .connect(name, tcp)
            .await
            .map_err(|e| {
                ImapError::because(
                    ErrorKind::Tls,
                    format!("TLS with {host}:{port} failed: {e}"),
                    e,
                )
            })?;
        Ok::<_, ImapError>(Conn::Tls(Box::new(stream)))
    };
    let conn = match cfg.tls {
        Tls::Implicit => timed(limit, "TLS handshake", tls(tcp)).await?,
        Tls::None | Tls::Starttls => Conn::Plain(tcp),
    };
    let mut client = async_imap::Client::new(conn);
    let greeting = timed(limit, "greeting", async {
        client.read_response().await.map_err(|e| {
            ImapError::new(
                ErrorKind::Network,
                format!("no IMAP greeting from {host}:{port}: {e}"),
            )
        })
    })
    .await?;
    if greeting.is_none() {
        return Err(ImapError::new(
            ErrorKind::Network,
            format!("{host}:{port} closed the connection before greeting"),
        ));
    }
    if cfg.tls == Tls::Starttls {
        timed(limit, "STARTTLS", async {
            client
                .run_command_and_check_ok("STARTTLS", None)
                .await
                .map_err(imap_err("STARTTLS"))
        })
        .await?;
        let Conn::Plain(tcp) = client.into_inner() else {
            unreachable!("STARTTLS starts from a plain connection")
        };
        client = async_imap::Client::new(timed(limit, "TLS handshake", tls(tcp)).await?);
    }
    let username = cfg.username.clone();
    timed(limit, "LOGIN", async move {
        client.login(&username, password).await.map_err(|(e, _)| match e {
            async_imap::error::Error::No(_) | async_imap::error::Error::Bad(_) => ImapError::new(
                ErrorKind::Auth,
                format!("the IMAP server refused the login for {username}: check imap.username and imap.password_file"),
            ),
            other => imap_err("LOGIN")(other),
        })
    })
    .await
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PassReport {
    /// Messages the mailbox held when the pass began.
    pub waiting: u64,
    /// Messages committed (ticketed, quarantined or already seen) and removed from the server.
    pub taken: u64,
    /// Messages moved to the oversize folder.
    pub oversize: u64,
    /// Messages asked for that did not come back (retried next pass).
    pub missing: u64,
}

/// The intake duty: one mailbox, the service it feeds.
pub struct Intake {
    cfg: ImapConfig,
    password: Zeroizing<String>,
    service: Arc<dyn Filing>,
    uidplus: bool,
    moves: bool,
    idle: bool,
    hour: i64,
    hour_count: u64,
}

fn uid_set(uids: &[u32]) -> String {
    // Compress runs: 1:5,7,9:10
    let mut out = String::new();
    let mut i = 0;
    while i < uids.len() {
        let start = uids[i];
        let mut end = start;
        while i + 1 < uids.len() && uids[i + 1] == end + 1 {
            i += 1;
            end = uids[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{end}"));
        }
        i += 1;
    }
    out
}

impl Intake {
    /// An intake for the configured mailbox (reads the password file now).
    pub fn new(cfg: ImapConfig, service: Arc<dyn Filing>) -> Result<Intake, ImapError> {
        let password = read_password(&cfg)?;
        Ok(Intake {
            cfg,
            password,
            service,
            uidplus: false,
            moves: false,
            idle: false,
            hour: 0,
            hour_count: 0,
        })
    }

    fn limit(&self) -> Duration {
        Duration::from_secs(self.cfg.command_timeout_secs)
    }

    /// Connects, logs in, reads the capabilities and selects the mailbox.
    pub async fn open(&mut self) -> Result<ImapSession, ImapError> {
        let mut session = connect(&self.cfg, &self.password).await?;
        let caps = timed(self.limit(), "CAPABILITY", async {
            session.capabilities().await.map_err(imap_err("CAPABILITY"))
        })
        .await?;
        self.uidplus = caps.has_str("UIDPLUS");
        self.moves = caps.has_str("MOVE");
        self.idle = caps.has_str("IDLE");
        tracing::info!(
            idle = self.idle,
            uidplus = self.uidplus,
            r#move = self.moves,
            "connected to the mailbox"
        );
        self.select(&mut session).await?;
        Ok(session)
    }

    async fn select(&self, session: &mut ImapSession) -> Result<(), ImapError> {
        let mailbox = self.cfg.mailbox.clone();
        let mb = timed(self.limit(), "SELECT", async {
            session.select(&mailbox).await.map_err(imap_err("SELECT"))
        })
        .await?;
        if let Some(v) = mb.uid_validity {
            let s = self.service.clone();
            let changed = tokio::task::spawn_blocking(move || s.store().note_uid_validity(v))
                .await
                .unwrap_or(Ok(false))
                .map_err(|e| ImapError::caused(ErrorKind::Store, e))?;
            if changed {
                tracing::warn!(
                    "the mailbox's UIDVALIDITY changed; every message present is taken in again (duplicates are recognised)"
                );
            }
        }
        Ok(())
    }

    /// One pass: everything waiting, batch after batch, until the mailbox is empty or
    /// `stop` turns true. Nothing is deleted before its batch is durably committed.
    pub async fn pass(
        &self,
        session: &mut ImapSession,
        stop: &watch::Receiver<bool>,
    ) -> Result<PassReport, ImapError> {
        let limit = self.limit();
        let mut report = PassReport::default();
        while session.unsolicited_responses.try_recv().is_ok() {}
        let found: HashSet<u32> = timed(limit, "UID SEARCH", async {
            session
                .uid_search("ALL")
                .await
                .map_err(imap_err("UID SEARCH"))
        })
        .await?;
        report.waiting = found.len() as u64;
        if found.is_empty() {
            return Ok(report);
        }
        let mut uids: Vec<u32> = found.into_iter().collect();
        uids.sort_unstable();

        // Sizes first: oversized messages are never fetched.
        let mut sizes: BTreeMap<u32, u64> = BTreeMap::new();
        for chunk in uids.chunks(500) {
            let set = uid_set(chunk);
            let fetched: Vec<_> = timed(limit, "UID FETCH (RFC822.SIZE)", async {
                session
                    .uid_fetch(&set, "(UID RFC822.SIZE)")
                    .await
                    .map_err(imap_err("UID FETCH"))?
                    .try_collect::<Vec<_>>()
                    .await
                    .map_err(imap_err("UID FETCH"))
            })
            .await?;
            for f in fetched {
                if let (Some(uid), Some(size)) = (f.uid, f.size) {
                    sizes.insert(uid, size as u64);
                }
            }
        }
        let oversize: Vec<u32> = sizes
            .iter()
            .filter(|(_, s)| **s > self.cfg.max_message_bytes)
            .map(|(u, _)| *u)
            .collect();
        if !oversize.is_empty() {
            self.move_oversize(session, &oversize, &sizes).await?;
            report.oversize = oversize.len() as u64;
        }
        let normal: Vec<u32> = sizes
            .keys()
            .copied()
            .filter(|u| !oversize.contains(u))
            .collect();

        let limits = super::BatchLimits {
            count: self.cfg.batch_size,
            bytes: super::BATCH_BYTES,
        };
        for batch in batches(&normal, &sizes, limits) {
            if *stop.borrow() {
                break;
            }
            let (taken, missing) = self.take_batch(session, &batch, &sizes).await?;
            report.taken += taken;
            report.missing += missing;
        }
        Ok(report)
    }

    async fn take_batch(
        &self,
        session: &mut ImapSession,
        batch: &[u32],
        sizes: &BTreeMap<u32, u64>,
    ) -> Result<(u64, u64), ImapError> {
        let bytes: u64 = batch.iter().filter_map(|u| sizes.get(u)).sum();
        // A fetch may take longer for big batches: one extra second per megabyte.
        let fetch_limit = self.limit() + Duration::from_secs(bytes / 1_000_000);
        let set = uid_set(batch);
        let fetched: Vec<_> = timed(fetch_limit, "UID FETCH (BODY.PEEK[])", async {
            session
                .uid_fetch(&set, "(UID INTERNALDATE BODY.PEEK[])")
                .await
                .map_err(imap_err("UID FETCH"))?
                .try_collect::<Vec<_>>()
                .await
                .map_err(imap_err("UID FETCH"))
        })
        .await?;
        let mut raws: Vec<(u32, Vec<u8>, Option<i64>)> = Vec::with_capacity(batch.len());
        // Each response is dropped once its body is copied: the batch is not held twice.
        for f in fetched {
            if let (Some(uid), Some(body)) = (f.uid, f.body())
                && batch.contains(&uid)
                && !raws.iter().any(|(u, _, _)| *u == uid)
            {
                raws.push((uid, body.to_vec(), f.internal_date().map(|d| d.timestamp())));
            }
        }
        let missing = (batch.len() - raws.len()) as u64;
        if missing > 0 {
            tracing::warn!(
                missing,
                "messages asked for did not come back; they are retried at the next pass"
            );
        }
        if raws.is_empty() {
            return Ok((0, missing));
        }
        let done: Vec<u32> = raws.iter().map(|(u, _, _)| *u).collect();
        crate::failpoint::hit("imap-before-commit");
        let service = self.service.clone();
        let outcomes = tokio::task::spawn_blocking(move || -> Result<usize, ServiceError> {
            let keys = service.store().dedupe_keys();
            let prepared: Vec<Prepared> = service.pipeline().prepare_all(
                raws.into_iter()
                    .map(|(_, raw, date)| (raw, date.map(Arrival::At).unwrap_or(Arrival::Now)))
                    .collect(),
                &keys,
            );
            crate::failpoint::hit("imap-mid-batch");
            Ok(service.file(prepared)?.len())
        })
        .await
        .map_err(|_| ImapError::new(ErrorKind::Store, "the intake worker failed"))?
        .map_err(|e| {
            ImapError::because(
                ErrorKind::Store,
                format!("could not commit the batch; nothing was deleted from the server: {e}"),
                e,
            )
        })?;
        crate::failpoint::hit("imap-after-commit");
        self.remove(session, &done).await?;
        crate::failpoint::hit("imap-after-expunge");
        tracing::info!(
            messages = outcomes,
            "batch taken in and removed from the server"
        );
        Ok((done.len() as u64, missing))
    }

    /// Removes committed messages from the mailbox: expunge, or move for `move:`.
    async fn remove(&self, session: &mut ImapSession, uids: &[u32]) -> Result<(), ImapError> {
        let set = uid_set(uids);
        match &self.cfg.after_intake {
            AfterIntake::Move(folder) => self.move_to(session, &set, folder).await,
            AfterIntake::Delete => self.delete(session, &set).await,
        }
    }

    async fn delete(&self, session: &mut ImapSession, set: &str) -> Result<(), ImapError> {
        let limit = self.limit();
        timed(limit, "UID STORE", async {
            session
                .uid_store(set, "+FLAGS.SILENT (\\Deleted)")
                .await
                .map_err(imap_err("UID STORE"))?
                .try_collect::<Vec<_>>()
                .await
                .map_err(imap_err("UID STORE"))
        })
        .await?;
        crate::failpoint::hit("imap-before-expunge");
        if self.uidplus {
            timed(limit, "UID EXPUNGE", async {
                session
                    .uid_expunge(set)
                    .await
                    .map_err(imap_err("UID EXPUNGE"))?
                    .try_collect::<Vec<_>>()
                    .await
                    .map_err(imap_err("UID EXPUNGE"))
            })
            .await?;
        } else {
            timed(limit, "EXPUNGE", async {
                session
                    .expunge()
                    .await
                    .map_err(imap_err("EXPUNGE"))?
                    .try_collect::<Vec<_>>()
                    .await
                    .map_err(imap_err("EXPUNGE"))
            })
            .await?;
        }
        Ok(())
    }

    async fn ensure_folder(
        &self,
        session: &mut ImapSession,
        folder: &str,
    ) -> Result<(), ImapError> {
        let limit = self.limit();
        let r = timed(limit, "CREATE", async { Ok(session.create(folder).await) }).await?;
        match r {
            Ok(()) => Ok(()),
            // Already there (ALREADYEXISTS or a server-specific NO).
            Err(async_imap::error::Error::No(_)) => Ok(()),
            Err(e) => Err(imap_err("CREATE")(e)),
        }
    }

    async fn move_to(
        &self,
        session: &mut ImapSession,
        set: &str,
        folder: &str,
    ) -> Result<(), ImapError> {
        self.ensure_folder(session, folder).await?;
        let limit = self.limit();
        if self.moves {
            timed(limit, "UID MOVE", async {
                session
                    .uid_mv(set, folder)
                    .await
                    .map_err(imap_err("UID MOVE"))
            })
            .await?;
            Ok(())
        } else {
            timed(limit, "UID COPY", async {
                session
                    .uid_copy(set, folder)
                    .await
                    .map_err(imap_err("UID COPY"))
            })
            .await?;
            self.delete(session, set).await
        }
    }

    async fn move_oversize(
        &self,
        session: &mut ImapSession,
        uids: &[u32],
        sizes: &BTreeMap<u32, u64>,
    ) -> Result<(), ImapError> {
        let folder = self.cfg.oversize_folder.clone();
        self.move_to(session, &uid_set(uids), &folder).await?;
        let total: u64 = uids.iter().filter_map(|u| sizes.get(u)).sum();
        tracing::warn!(
            messages = uids.len(),
            bytes = total,
            "messages larger than imap.max_message_bytes were not fetched; they were moved to the oversize folder for the operator"
        );
        let s = self.service.clone();
        let detail = format!(
            "{} message(s), {} bytes, moved to {folder}",
            uids.len(),
            total
        );
        let _ = tokio::task::spawn_blocking(move || {
            s.store()
                .audit_action(&Actor::service(), "intake.oversize", None, Some(detail))
        })
        .await;
        Ok(())
    }

    /// Waits for new mail: IDLE when offered (renewed every `idle_refresh_secs`), else the
    /// poll interval. Returns early when `stop` turns true.
    pub async fn wait(
        &self,
        session: ImapSession,
        stop: &mut watch::Receiver<bool>,
    ) -> Result<ImapSession, ImapError> {
        if !self.idle {
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(self.cfg.poll_interval_secs)) => {}
                _ = stop.changed() => {}
            }
            return Ok(session);
        }
        let limit = self.limit();
        let mut handle = session.idle();
        timed(limit, "IDLE", async {
            handle.init().await.map_err(imap_err("IDLE"))
        })
        .await?;
        let refresh = Duration::from_secs(self.cfg.idle_refresh_secs);
        {
            let (wait, interrupt) = handle.wait_with_timeout(refresh);
            tokio::select! {
                r = wait => {
                    r.map_err(imap_err("IDLE"))?;
                }
                _ = tokio::time::sleep(refresh) => {}
                _ = stop.changed() => {}
            }
            drop(interrupt);
        }
        timed(limit, "DONE", async {
            handle.done().await.map_err(imap_err("IDLE DONE"))
        })
        .await
    }

    /// Logs out (best effort, under the timeout).
    pub async fn logout(&self, mut session: ImapSession) {
        let _ = tokio::time::timeout(self.limit(), session.logout()).await;
    }

    /// The intake loop of `sourdine run`: passes, IDLE, reconnection with exponential
    /// backoff and jitter, until `stop` turns true. Errors are reported in the status. When
    /// the store cannot write (a full disk: sled's error is sticky), the loop reports it on
    /// `fatal` and ends, so the service stops and its manager restarts it.
    pub async fn run(
        mut self,
        mut stop: watch::Receiver<bool>,
        fatal: tokio::sync::mpsc::Sender<ImapError>,
    ) {
        let mut backoff = Duration::from_secs(1);
        while !*stop.borrow() {
            match self.connected_loop(&mut stop).await {
                Ok(()) => break,
                Err(e) if e.is_store() => {
                    self.record_error(&e);
                    let _ = fatal.send(e).await;
                    break;
                }
                Err(e) => {
                    self.record_error(&e);
                    let delay = jitter(backoff);
                    tracing::warn!(error = %e, retry_in_secs = delay.as_secs_f32(), "mailbox connection failed");
                    tokio::select! {
                        _ = tokio::time::sleep(delay) => {}
                        _ = stop.changed() => break,
                    }
                    backoff = (backoff * 2).min(Duration::from_secs(300));
                }
            }
        }
        tracing::info!("intake stopped");
    }

    async fn connected_loop(&mut self, stop: &mut watch::Receiver<bool>) -> Result<(), ImapError> {
        let mut session = self.open().await?;
        loop {
            let report = self.pass(&mut session, stop).await?;
            self.record_pass(&report);
            self.hourly_summary(report.taken);
            if *stop.borrow() {
                break;
            }
            if report.taken > 0 || report.oversize > 0 {
                // More may have arrived meanwhile: look again before waiting.
                continue;
            }
            session = self.wait(session, stop).await?;
            if *stop.borrow() {
                break;
            }
        }
        self.logout(session).await;
        Ok(())
    }

    /// `sourdine run --once`: everything waiting, batch after batch, then log out.
    pub async fn run_once(mut self) -> Result<PassReport, ImapError> {
        let (_tx, stop) = watch::channel(false);
        let mut session = self.open().await?;
        let mut total = PassReport::default();
        loop {
            let r = self.pass(&mut session, &stop).await?;
            self.record_pass(&r);
            if total.waiting == 0 {
                total.waiting = r.waiting;
            }
            total.taken += r.taken;
            total.oversize += r.oversize;
            total.missing += r.missing;
            if r.taken == 0 && r.oversize == 0 {
                break;
            }
        }
        self.logout(session).await;
        Ok(total)
    }

    fn record_pass(&self, r: &PassReport) {
        // The last poll, at the configured precision: status files and logs must not tell
        // when a message arrived more precisely than the store does.
        let precision = self.service.store().precision();
        self.service.intake_status(&mut |i| {
            i.last_poll = Some(crate::time::Stamp(
                precision.round(jiff::Timestamp::now().as_second()),
            ));
            i.waiting = Some(r.waiting.saturating_sub(r.taken + r.oversize));
            i.taken_in += r.taken;
        });
    }

    /// Logs how many messages were taken in during the past hour, once an hour (never a line
    /// per arrival).
    fn hourly_summary(&mut self, taken: u64) {
        let hour = jiff::Timestamp::now().as_second() / 3600;
        self.hour_count += taken;
        if hour != self.hour {
            if self.hour != 0 && self.hour_count > 0 {
                tracing::info!(
                    messages = self.hour_count,
                    "messages taken in during the past hour"
                );
            }
            self.hour = hour;
            self.hour_count = 0;
        }
    }

    fn record_error(&self, e: &ImapError) {
        self.service.intake_status(&mut |i| {
            i.errors += 1;
            i.last_error = Some(e.to_string());
        });
    }
}

/// `d` ± 25 %, from the CSPRNG.
fn jitter(d: Duration) -> Duration {
    let mut b = [0u8; 2];
    crate::ids::random_bytes(&mut b);
    let r = u16::from_le_bytes(b) as f64 / u16::MAX as f64; // 0..1
    d.mul_f64(0.75 + r * 0.5)
}

/// `uids` in order, in batches within `limits` by their announced sizes.
fn batches(uids: &[u32], sizes: &BTreeMap<u32, u64>, limits: super::BatchLimits) -> Vec<Vec<u32>> {
    let mut out: Vec<Vec<u32>> = Vec::new();
    let mut current: Vec<u32> = Vec::new();
    let mut held = 0usize;
    for &uid in uids {
        let size = sizes
            .get(&uid)
            .map_or(0, |s| usize::try_from(*s).unwrap_or(usize::MAX));
        if limits.full_before(current.len(), held, size) {
            out.push(std::mem::take(&mut current));
            held = 0;
        }
        current.push(uid);
        held = held.saturating_add(size);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_of_ours_is_kept_as_the_source_and_a_server_error_is_not() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
        let e = ImapError::because(
            ErrorKind::Config,
            format!("cannot read ca_file x: {io}"),
            io,
        );
        assert_eq!(e.to_string(), "cannot read ca_file x: gone");
        assert!(std::error::Error::source(&e).is_some());
        // A response the client could not read may hold a message's text: neither the
        // message nor the source carries it.
        let unexpected = async_imap::error::ParseError::Unexpected("From: w@example.org".into());
        let e = imap_err("FETCH")(async_imap::error::Error::Parse(unexpected));
        assert!(std::error::Error::source(&e).is_none());
        assert!(!e.to_string().contains("example.org"), "{e}");
    }

    #[test]
    fn batches_hold_at_most_their_count_and_about_their_bytes() {
        let sizes: BTreeMap<u32, u64> =
            [(1, 10), (2, 10), (3, 50), (4, 100), (5, 5), (6, 5), (7, 5)]
                .into_iter()
                .collect();
        let uids: Vec<u32> = sizes.keys().copied().collect();
        let limits = |count, bytes| crate::intake::BatchLimits { count, bytes };
        assert_eq!(
            batches(&uids, &sizes, limits(3, 60)),
            vec![vec![1, 2], vec![3], vec![4], vec![5, 6, 7]],
            "a batch closes before a message that would pass the bytes, a large one goes alone"
        );
        assert_eq!(
            batches(&uids, &sizes, limits(2, 1000)),
            vec![vec![1, 2], vec![3, 4], vec![5, 6], vec![7]]
        );
        assert!(batches(&[], &sizes, limits(2, 1000)).is_empty());
    }

    #[test]
    fn uid_sets_compress_runs() {
        assert_eq!(uid_set(&[1, 2, 3, 5, 7, 8]), "1:3,5,7:8");
        assert_eq!(uid_set(&[42]), "42");
    }

    #[test]
    fn jitter_stays_within_a_quarter() {
        for _ in 0..100 {
            let j = jitter(Duration::from_secs(100));
            assert!(j >= Duration::from_secs(75) && j <= Duration::from_secs(125));
        }
    }

    #[test]
    fn server_text_is_shortened_and_cleaned() {
        let s = short(&format!("{}\r\n\u{7}", "x".repeat(300)));
        assert_eq!(s.len(), 120);
    }
}
