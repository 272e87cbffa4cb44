//! The error a caller of the service sees, whether it answered in-process or over the socket.

use serde::{Deserialize, Serialize};

/// An error a caller sees. Its message never carries writer data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct ServiceError {
    kind: ErrorKind,
    message: String,
    /// [`ErrorKind::Loading`]: seconds since the service started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    seconds: Option<u64>,
}

/// The kinds of [`ServiceError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// No such ticket, attachment or request.
    NotFound,
    /// The caller's role does not allow it.
    Forbidden,
    /// The request makes no sense.
    Invalid,
    /// The ticket's state does not allow it (claimed by someone else...).
    Conflict,
    /// The store or daemon cannot serve now (locked, not initialised, busy).
    Unavailable,
    /// Something broke on the service's side.
    Internal,
    /// The service is starting: its catalog (or the store) is not loaded yet, so it cannot
    /// answer this correctly now; try again in a moment.
    Loading,
}

impl ServiceError {
    /// An error of `kind`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> ServiceError {
        ServiceError {
            kind,
            message: message.into(),
            seconds: None,
        }
    }
    /// The service started `seconds` ago and is still loading its catalog.
    pub fn still_loading(seconds: u64) -> ServiceError {
        ServiceError {
            kind: ErrorKind::Loading,
            message: format!(
                "the service is still loading its catalog (started {seconds} s ago); try again in a moment"
            ),
            seconds: Some(seconds),
        }
    }
    /// Still loading: the seconds since the service started.
    pub fn loading_seconds(&self) -> Option<u64> {
        (self.kind == ErrorKind::Loading).then_some(self.seconds.unwrap_or(0))
    }
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
    /// Not found.
    pub fn is_not_found(&self) -> bool {
        self.kind == ErrorKind::NotFound
    }
    /// Refused for the caller's role.
    pub fn is_forbidden(&self) -> bool {
        self.kind == ErrorKind::Forbidden
    }
    /// Unavailable.
    pub fn is_unavailable(&self) -> bool {
        self.kind == ErrorKind::Unavailable
    }
    /// In conflict with the ticket's state.
    pub fn is_conflict(&self) -> bool {
        self.kind == ErrorKind::Conflict
    }
}
