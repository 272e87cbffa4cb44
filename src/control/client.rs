//! The commands' side of the control socket (blocking, with timeouts).

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::protocol::{Request, RequestFrame, Response, ResponseFrame, VERSION};
use crate::model::{ErrorKind, ServiceError};

/// How long a command waits for the service to answer one request.
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(600);

/// Why a connection could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// No service listens there (no socket, or nobody behind it).
    #[error("no sourdine service is running at {0}")]
    NotRunning(PathBuf),
    /// The socket exists but this user may not reach it.
    #[error(
        "cannot reach the sourdine service at {path}: permission denied (ask the operator to add you to the counsellors' group)"
    )]
    Denied {
        /// The socket.
        path: PathBuf,
    },
    /// Another error.
    #[error("cannot reach the sourdine service at {path}: {source}")]
    Other {
        /// The socket.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// A connection to the service.
#[derive(Debug)]
pub struct Client {
    reader: BufReader<UnixStream>,
    path: PathBuf,
}

impl Client {
    /// Connects to the socket at `path`.
    pub fn connect(path: &Path) -> Result<Client, ConnectError> {
        let stream = UnixStream::connect(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused => {
                ConnectError::NotRunning(path.to_path_buf())
            }
            std::io::ErrorKind::PermissionDenied => ConnectError::Denied {
                path: path.to_path_buf(),
            },
            _ => ConnectError::Other {
                path: path.to_path_buf(),
                source: e,
            },
        })?;
        let _ = stream.set_write_timeout(Some(Duration::from_secs(60)));
        let _ = stream.set_read_timeout(Some(ANSWER_TIMEOUT));
        Ok(Client {
            reader: BufReader::new(stream),
            path: path.to_path_buf(),
        })
    }

    /// The socket's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Sends one request and waits for its answer.
    pub fn call(&mut self, request: Request) -> Result<Response, ServiceError> {
        self.send(request)?;
        self.receive()
    }

    /// Sends one request without waiting for its answer. The service answers a
    /// connection's requests in the order sent; only `Ingest` requests are worked on while
    /// an earlier one is under way (the next batch prepared while one commits), so a
    /// command keeps at most two in flight and reads each answer with [`Client::receive`].
    pub fn send(&mut self, request: Request) -> Result<(), ServiceError> {
        let mut line = serde_json::to_vec(&RequestFrame {
            v: VERSION,
            request,
        })
        .map_err(|e| ServiceError::new(ErrorKind::Internal, e.to_string()))?;
        line.push(b'\n');
        self.reader
            .get_mut()
            .write_all(&line)
            .map_err(|e| self.lost(e))
    }

    /// Sends an ingest of `messages` without waiting for its answer, as [`Client::send`]
    /// does: the request's line ([`Request::IngestFollowing`]), then each message's bytes as
    /// they are, neither base64 nor JSON to encode here and decode in the service.
    pub fn send_ingest(&mut self, messages: &[Vec<u8>]) -> Result<(), ServiceError> {
        self.send(Request::IngestFollowing {
            lengths: messages.iter().map(|m| m.len() as u64).collect(),
        })?;
        let stream = self.reader.get_mut();
        match messages.iter().try_for_each(|m| stream.write_all(m)) {
            Ok(()) => Ok(()),
            // The service may have answered the line before reading the messages (still
            // loading, a batch over its limit) and closed: its answer says more than the
            // broken connection. (A write that timed out waits for no answer.)
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset
                ) =>
            {
                match self.receive() {
                    Err(answer) if !answer.is_unavailable() => Err(answer),
                    _ => Err(self.lost(e)),
                }
            }
            Err(e) => Err(self.lost(e)),
        }
    }

    /// Reads the answer to the oldest request sent and not yet answered.
    pub fn receive(&mut self) -> Result<Response, ServiceError> {
        let mut answer = Vec::new();
        if let Err(e) = self.reader.read_until(b'\n', &mut answer) {
            return Err(self.lost(e));
        }
        if answer.is_empty() {
            return Err(ServiceError::new(
                ErrorKind::Unavailable,
                format!(
                    "the service at {} closed the connection",
                    self.path.display()
                ),
            ));
        }
        let frame: ResponseFrame = serde_json::from_slice(&answer).map_err(|e| {
            ServiceError::new(
                ErrorKind::Internal,
                format!("unreadable answer from the service: {e}"),
            )
        })?;
        frame.into_result()
    }

    fn lost(&self, e: std::io::Error) -> ServiceError {
        ServiceError::new(
            ErrorKind::Unavailable,
            format!(
                "lost the connection to the service at {}: {e}",
                self.path.display()
            ),
        )
    }
}
