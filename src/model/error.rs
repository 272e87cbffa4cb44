//! The error a caller of the service sees, whether it answered in-process or over the socket.

use serde::{Deserialize, Serialize};

/// An error a caller sees. Its message never carries writer data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct ServiceError {
    kind: ErrorKind,
    message: String,
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
}

impl ServiceError {
    /// An error of `kind`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> ServiceError {
        ServiceError {
            kind,
            message: message.into(),
        }
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
