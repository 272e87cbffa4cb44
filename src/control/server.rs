//! The daemon's side of the control socket: peer credentials, roles, one request per line,
//! a size limit on every request and a timeout on every connection.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use nix::unistd::{Gid, Group};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{oneshot, watch};
use tokio::task::JoinSet;

use super::protocol::{ListPieces, MAX_REQUEST, ResponseFrame, parse_request};
use crate::model::{Bytes, Caller, ErrorKind, Request, Response, Role, ServiceError};
use crate::service::{Service, roles};

/// How long a client may take to send a request line.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How long an idle connection is kept open.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(120);

/// A socket setup problem.
#[derive(Debug, thiserror::Error)]
pub enum SocketError {
    /// Another daemon answers on the socket.
    #[error("another sourdine service already answers on {0}")]
    InUse(PathBuf),
    /// The counsellors' group does not exist.
    #[error("counsellors_group `{0}` is not a group on this system")]
    NoGroup(String),
    /// A file-system error.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// Why it failed.
        source: std::io::Error,
    },
}

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> SocketError {
    let what = what.into();
    move |source| SocketError::Io { what, source }
}

/// The gid of the counsellors' group (name or number).
pub fn group_gid(group: &str) -> Result<u32, SocketError> {
    if let Ok(n) = group.parse::<u32>() {
        return Ok(n);
    }
    Group::from_name(group)
        .ok()
        .flatten()
        .map(|g| g.gid.as_raw())
        .ok_or_else(|| SocketError::NoGroup(group.to_string()))
}

/// Creates the socket's directory (0750, counsellors' group) and binds the socket (0660).
/// A stale socket left by a crash is replaced; a live one is an error.
pub async fn bind(socket: &Path, group: Option<&str>) -> Result<UnixListener, SocketError> {
    let gid = group.map(group_gid).transpose()?;
    let dir = socket.parent().unwrap_or(Path::new("/"));
    std::fs::create_dir_all(dir).map_err(io(format!("creating {}", dir.display())))?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o750))
        .map_err(io(format!("setting the mode of {}", dir.display())))?;
    if let Some(g) = gid {
        nix::unistd::chown(dir, None, Some(Gid::from_raw(g))).map_err(|e| SocketError::Io {
            what: format!("giving {} to the counsellors' group", dir.display()),
            source: e.into(),
        })?;
    }
    if socket.exists() {
        if UnixStream::connect(socket).await.is_ok() {
            return Err(SocketError::InUse(socket.to_path_buf()));
        }
        std::fs::remove_file(socket).map_err(io(format!("removing stale {}", socket.display())))?;
    }
    let listener =
        UnixListener::bind(socket).map_err(io(format!("binding {}", socket.display())))?;
    std::fs::set_permissions(socket, std::fs::Permissions::from_mode(0o660))
        .map_err(io(format!("setting the mode of {}", socket.display())))?;
    if let Some(g) = gid {
        nix::unistd::chown(socket, None, Some(Gid::from_raw(g))).map_err(|e| SocketError::Io {
            what: format!("giving {} to the counsellors' group", socket.display()),
            source: e.into(),
        })?;
    }
    Ok(listener)
}

/// Serves connections until `shutdown` turns true, then waits for the requests under way.
/// Until `ready` holds the service (its store open and its catalog built), every request is
/// answered "still loading" ([`ServiceError::still_loading`], counted from `started`) and the
/// connection closed: nothing is answered from a partial catalog.
pub async fn serve(
    listener: UnixListener,
    ready: watch::Receiver<Option<Arc<Service>>>,
    started: Instant,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut tasks = JoinSet::new();
    let service_uid = nix::unistd::geteuid().as_raw();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                match accepted {
                    Ok((stream, _)) => {
                        let service = ready.borrow().clone();
                        let shutdown = shutdown.clone();
                        tasks.spawn(async move {
                            let Some(service) = service else {
                                return still_loading(stream, started).await;
                            };
                            if let Err(e) = connection(stream, service, service_uid, shutdown).await {
                                tracing::debug!(error = %e, "control connection ended with an error");
                            }
                        });
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "accepting a control connection failed");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                }
            }
            _ = shutdown.changed() => break,
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
        }
    }
    drop(listener);
    // Requests under way finish; idle connections close at once (they watch `shutdown`).
    let _ = tokio::time::timeout(Duration::from_secs(30), async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
}

/// Answers the request of a connection made while the service is loading: "still loading",
/// after the request line is read (at most [`REQUEST_TIMEOUT`]), then closes it.
async fn still_loading(stream: UnixStream, started: Instant) {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    // The request itself is not needed: read up to its end (an ingest may be large), so that
    // the client reads the answer rather than a broken pipe.
    let _ = tokio::time::timeout(REQUEST_TIMEOUT, async {
        loop {
            let buf = reader.fill_buf().await?;
            if buf.is_empty() {
                return Ok::<(), std::io::Error>(());
            }
            let (n, end) = match buf.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            reader.consume(n);
            if end {
                return Ok(());
            }
        }
    })
    .await;
    let seconds = started.elapsed().as_secs();
    let _ = write_frame(&mut write, Err(ServiceError::still_loading(seconds))).await;
}

/// About how many bytes of a long list go to the socket at a time (see [`ListPieces`]).
const LIST_PIECE: usize = 64 * 1024;

/// Writes one answer as a line; a list of tickets or audit entries in pieces, so that the
/// longest answer (every ticket, every entry) needs no buffer of its size.
async fn write_frame(
    w: &mut (impl AsyncWriteExt + Unpin),
    result: Result<crate::control::protocol::Response, ServiceError>,
) -> std::io::Result<()> {
    let in_pieces = match &result {
        Ok(Response::Tickets(list)) => {
            write_pieces(w, ListPieces::new(Response::Tickets, list, LIST_PIECE)).await?
        }
        Ok(Response::Audit(list)) => {
            write_pieces(w, ListPieces::new(Response::Audit, list, LIST_PIECE)).await?
        }
        _ => false,
    };
    if in_pieces {
        return Ok(());
    }
    let mut line =
        serde_json::to_vec(&ResponseFrame::new(result)).map_err(std::io::Error::other)?;
    line.push(b'\n');
    w.write_all(&line).await?;
    w.flush().await
}

async fn connection(
    stream: UnixStream,
    service: Arc<Service>,
    service_uid: u32,
    mut shutdown: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let cred = stream.peer_cred()?;
    let (read, mut write) = stream.into_split();
    let caller = match roles::resolve(&service.config().roles, cred.uid(), cred.gid(), service_uid)
    {
        Ok(c) => c,
        Err(refusal) => {
            tracing::warn!(uid = refusal.uid, "refused a control connection: no role");
            let s = service.clone();
            let (uid, name) = (refusal.uid, refusal.name.clone());
            let _ = tokio::task::spawn_blocking(move || s.audit_refusal(uid, &name)).await;
            return write_frame(
                &mut write,
                Err(ServiceError::new(ErrorKind::Forbidden, refusal.to_string())),
            )
            .await;
        }
    };
    let limit = if caller.role == Role::Supervisor {
        // Operators send whole messages (ingest): room for a batch of base64 messages.
        (service.config().intake.max_message_bytes * 3).max(64 * 1024 * 1024)
    } else {
        MAX_REQUEST
    };
    let mut reader = BufReader::new(read);
    // The `Ingest` request whose answer is not written yet (see [`PendingIngest`]).
    let mut pending: Option<PendingIngest> = None;
    loop {
        // Wait for the first byte of a request (idle), then for the whole line; a pending
        // ingest's answer goes out as soon as it is ready.
        let first = tokio::select! {
            r = tokio::time::timeout(IDLE_TIMEOUT, reader.fill_buf()) => r,
            r = async { (&mut pending.as_mut().expect("branch taken with one pending").task).await },
                if pending.is_some() =>
            {
                pending = None;
                write_frame(&mut write, joined(r)).await?;
                continue;
            }
            _ = shutdown.changed() => return finish(pending, &mut write).await,
        };
        match first {
            Err(_) | Ok(Ok([])) => return finish(pending, &mut write).await,
            Ok(Err(e)) => return Err(e),
            Ok(Ok(_)) => {}
        }
        let request = match read_request(&mut reader, limit).await? {
            Incoming::Request(request) => request,
            Incoming::Refused(refusal) => {
                finish(pending, &mut write).await?;
                return write_frame(&mut write, Err(refusal)).await;
            }
        };
        if let Ok(Request::Ingest { messages }) = request {
            // Prepared now, committed after the batch before it: answer that one meanwhile.
            let after = pending.as_mut().and_then(|p| p.committed.take());
            let next = PendingIngest::start(service.clone(), caller.clone(), messages, after);
            if let Some(previous) = pending.replace(next) {
                write_frame(&mut write, joined(previous.task.await)).await?;
            }
            continue;
        }
        // Anything else is answered in turn, after the ingest before it.
        if let Some(previous) = pending.take() {
            write_frame(&mut write, joined(previous.task.await)).await?;
        }
        let result = match request {
            Ok(request) => answer(&service, &caller, request).await,
            Err(e) => Err(e),
        };
        write_frame(&mut write, result).await?;
    }
}

/// One request read from a connection.
enum Incoming {
    /// The request, or why its line could not be understood (answered, the connection goes on).
    Request(Result<Request, ServiceError>),
    /// Too large or too late: answered, then the connection is closed.
    Refused(ServiceError),
}

/// Reads one request line (at most `limit` bytes, within [`REQUEST_TIMEOUT`]) and, for an
/// `ingest_following`, the messages after it, passed on as an `Ingest`.
async fn read_request(
    reader: &mut (impl tokio::io::AsyncBufRead + Unpin),
    limit: usize,
) -> std::io::Result<Incoming> {
    let mut line = Vec::new();
    let read = tokio::time::timeout(
        REQUEST_TIMEOUT,
        (&mut *reader)
            .take(limit as u64 + 1)
            .read_until(b'\n', &mut line),
    )
    .await;
    match read {
        Err(_) => return Ok(Incoming::Refused(too_late())),
        Ok(Err(e)) => return Err(e),
        Ok(Ok(_)) if line.len() > limit => return Ok(Incoming::Refused(too_large(limit))),
        Ok(Ok(_)) => {}
    }
    let request = parse_request(line.trim_ascii_end());
    // The raw line can be as large as the batch it carries.
    drop(line);
    Ok(match request {
        Ok(Request::IngestFollowing { lengths }) => {
            match read_following(reader, &lengths, limit).await? {
                Ok(messages) => Incoming::Request(Ok(Request::Ingest { messages })),
                Err(refusal) => Incoming::Refused(refusal),
            }
        }
        other => Incoming::Request(other),
    })
}

/// Reads the messages that follow an `ingest_following` line, `lengths` bytes each, at most
/// `limit` bytes in all and within [`REQUEST_TIMEOUT`]; a refusal when they are too large or
/// late (the connection is then closed: what follows cannot be told from a request).
async fn read_following(
    reader: &mut (impl tokio::io::AsyncRead + Unpin),
    lengths: &[u64],
    limit: usize,
) -> std::io::Result<Result<Vec<Bytes>, ServiceError>> {
    let total = lengths.iter().try_fold(0u64, |t, &l| t.checked_add(l));
    if total.is_none_or(|t| t > limit as u64) {
        return Ok(Err(too_large(limit)));
    }
    let read = tokio::time::timeout(REQUEST_TIMEOUT, async {
        let mut messages = Vec::with_capacity(lengths.len());
        for &len in lengths {
            // Within the limit checked above.
            let mut bytes = vec![0; len as usize];
            reader.read_exact(&mut bytes).await?;
            messages.push(Bytes(bytes));
        }
        Ok::<_, std::io::Error>(messages)
    })
    .await;
    match read {
        Err(_) => Ok(Err(too_late())),
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(Err(ServiceError::new(
            ErrorKind::Invalid,
            "request cut short",
        ))),
        Ok(r) => r.map(Ok),
    }
}

/// Writes a list's pieces; false (nothing written) when there are none to write.
async fn write_pieces<T: serde::Serialize>(
    w: &mut (impl AsyncWriteExt + Unpin),
    pieces: Option<ListPieces<'_, T>>,
) -> std::io::Result<bool> {
    let Some(mut pieces) = pieces else {
        return Ok(false);
    };
    let mut buf = Vec::with_capacity(LIST_PIECE + 1024);
    while pieces.next_into(&mut buf).map_err(std::io::Error::other)? {
        w.write_all(&buf).await?;
    }
    w.flush().await?;
    Ok(true)
}

/// The refusal of a request over `limit` bytes.
fn too_large(limit: usize) -> ServiceError {
    ServiceError::new(
        ErrorKind::Invalid,
        format!("request larger than {limit} bytes"),
    )
}

/// The refusal of a request not received within [`REQUEST_TIMEOUT`].
fn too_late() -> ServiceError {
    ServiceError::new(ErrorKind::Invalid, "request not received in time")
}

/// Answers one request (other than `Ingest`) on a blocking thread.
async fn answer(
    service: &Arc<Service>,
    caller: &Caller,
    request: Request,
) -> Result<Response, ServiceError> {
    let op = request.op();
    let (s, c) = (service.clone(), caller.clone());
    let r = joined(tokio::task::spawn_blocking(move || s.handle(&c, request)).await);
    if let Err(e) = &r {
        tracing::debug!(op, kind = ?e.kind(), "request refused");
    }
    r
}

/// One `Ingest` request of a connection, in flight: prepared on its own task as soon as it
/// is read, committed only once the batch sent before it on the same connection is, so
/// that a `sourdine ingest` through the service prepares one batch while the one before it
/// commits, with the batches still committed in the order sent. At most two are in flight:
/// the next request is read only after the older one's answer is written.
struct PendingIngest {
    /// The request's answer.
    task: tokio::task::JoinHandle<Result<Response, ServiceError>>,
    /// True once its batch is committed, false (or dropped) if it is not: no later batch of
    /// the connection commits then (the command stops at the first failed batch).
    committed: Option<oneshot::Receiver<bool>>,
}

impl PendingIngest {
    fn start(
        service: Arc<Service>,
        caller: Caller,
        messages: Vec<Bytes>,
        after: Option<oneshot::Receiver<bool>>,
    ) -> PendingIngest {
        let (done, committed) = oneshot::channel();
        let task = tokio::spawn(async move {
            let s = service.clone();
            let prepared = joined(
                tokio::task::spawn_blocking(move || s.prepare_ingest(&caller, messages)).await,
            )?;
            if let Some(after) = after
                && after.await != Ok(true)
            {
                return Err(ServiceError::new(
                    ErrorKind::Conflict,
                    "not taken in: the batch sent before it was not",
                ));
            }
            let r =
                joined(tokio::task::spawn_blocking(move || service.commit_ingest(prepared)).await);
            if let Err(e) = &r {
                tracing::debug!(op = "ingest", kind = ?e.kind(), "request refused");
            }
            let _ = done.send(r.is_ok());
            r
        });
        PendingIngest {
            task,
            committed: Some(committed),
        }
    }
}

/// A blocking task's result, or the error said when it panicked.
fn joined<T>(
    r: Result<Result<T, ServiceError>, tokio::task::JoinError>,
) -> Result<T, ServiceError> {
    r.unwrap_or_else(|_| {
        Err(ServiceError::new(
            ErrorKind::Internal,
            "the request failed inside the service",
        ))
    })
}

/// Writes the answer of the ingest still in flight, if any, before the connection closes.
async fn finish(
    pending: Option<PendingIngest>,
    write: &mut (impl AsyncWriteExt + Unpin),
) -> std::io::Result<()> {
    match pending {
        Some(p) => write_frame(write, joined(p.task.await)).await,
        None => Ok(()),
    }
}
