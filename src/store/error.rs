//! What can go wrong in the store, said so that the operator knows what to do.

use std::fs;
use std::path::{Path, PathBuf};

use super::records::SCHEMA_VERSION;
use crate::seal::SealError;

/// A store error. Opaque on purpose; ask it what it is with the `is_*` methods.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct StoreError(#[from] pub(super) Kind);

#[derive(Debug, thiserror::Error)]
pub(super) enum Kind {
    #[error("no store in {0}: run `sourdine init` first")]
    NotInitialised(PathBuf),
    #[error(
        "the store in {dir} is in use by another process{}: stop it first, or use the commands that go through the running service (ticket, sourdine ingest, sourdine status)",
        owner_text(*pid)
    )]
    Locked { dir: PathBuf, pid: Option<u32> },
    #[error(
        "the store was to be opened for the parent process, which does not hold its lock (this command is run by `sourdine run` only)"
    )]
    NotUnderParent,
    #[error("ticket {0} not found")]
    TicketNotFound(String),
    #[error("attachment {attachment} of ticket {ticket} not found")]
    AttachmentNotFound { ticket: String, attachment: String },
    #[error("attachment {attachment} of ticket {ticket} is withheld; its bytes were never stored")]
    Withheld { ticket: String, attachment: String },
    #[error(
        "the store in {dir} is damaged ({detail}); it was not modified. Restore it from a backup"
    )]
    Corrupt { dir: PathBuf, detail: String },
    #[error(
        "the store has schema version {found}, newer than this build ({SCHEMA_VERSION}); upgrade sourdine"
    )]
    SchemaTooNew { found: u32 },
    #[error("{what}: {source}")]
    Io {
        what: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Seal(#[from] SealError),
    #[error("store: {0}")]
    Sled(#[source] sled::Error),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Forbidden(String),
    #[error(
        "the store in {dir} belongs to {owner} (uid {uid}); run this as that user (for example `runuser -u {owner} -- ...`), or its files would change owner and the service could no longer write them"
    )]
    NotOwner {
        dir: PathBuf,
        owner: String,
        uid: u32,
    },
    #[error(
        "the store in {dir} belongs to {owner} (uid {uid}), not to you (uid {me}), so only the running service can open it for you"
    )]
    NoAccess {
        dir: PathBuf,
        owner: String,
        uid: u32,
        me: u32,
    },
    #[error("reveal request {0} not found")]
    RequestNotFound(String),
    #[error("ticket {0} has no reply address any more (it expired or was never there)")]
    NoEnvelope(String),
    #[error("{0}")]
    Missing(String),
}

/// " (pid N, `sourdine run`)": the owner, named by its pid and, when this process may read
/// it, the command it runs.
fn owner_text(pid: Option<u32>) -> String {
    let Some(pid) = pid else {
        return String::new();
    };
    match owner_command(pid) {
        Some(what) => format!(" (pid {pid}, `{what}`)"),
        None => format!(" (pid {pid})"),
    }
}

/// The program of process `pid`, with the subcommand when it is one of sourdine's (never
/// other arguments: they could name files): `sourdine run`, `ticket`...
fn owner_command(pid: u32) -> Option<String> {
    fs::read(format!("/proc/{pid}/cmdline"))
        .ok()
        .and_then(|raw| {
            let mut args = raw
                .split(|&b| b == 0)
                .map(|a| String::from_utf8_lossy(a).into_owned());
            let program = args.next()?;
            let program = Path::new(&program)
                .file_name()?
                .to_string_lossy()
                .into_owned();
            let sub = args.find(|a| {
                [
                    "run",
                    "ingest",
                    "init",
                    "purge",
                    "keys",
                    "audit",
                    "outbox",
                    "quarantine",
                ]
                .contains(&a.as_str())
            });
            Some(match sub {
                Some(sub) if program == "sourdine" => format!("sourdine {sub}"),
                _ => program,
            })
        })
}

impl StoreError {
    /// No store exists yet.
    pub fn is_not_initialised(&self) -> bool {
        matches!(self.0, Kind::NotInitialised(_))
    }
    /// Another process owns the store.
    pub fn is_locked(&self) -> bool {
        matches!(self.0, Kind::Locked { .. })
    }
    /// The store belongs to another user.
    pub fn is_not_owner(&self) -> bool {
        matches!(self.0, Kind::NotOwner { .. } | Kind::NoAccess { .. })
    }
    /// The pid of the process that owns the store, when known.
    pub fn owner_pid(&self) -> Option<u32> {
        match self.0 {
            Kind::Locked { pid, .. } => pid,
            _ => None,
        }
    }
    /// The store is locked by the service (`sourdine run`), which may still be starting.
    pub fn is_held_by_service(&self) -> bool {
        self.owner_pid()
            .and_then(owner_command)
            .is_some_and(|c| c == "sourdine run")
    }
    /// A ticket, attachment or request does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(
            self.0,
            Kind::TicketNotFound(_)
                | Kind::AttachmentNotFound { .. }
                | Kind::RequestNotFound(_)
                | Kind::NoEnvelope(_)
                | Kind::Missing(_)
        )
    }
    /// The change conflicts with the ticket's state (claimed by someone else...).
    pub fn is_conflict(&self) -> bool {
        matches!(self.0, Kind::Conflict(_))
    }
    /// The store refused the actor (a supervisor approving their own reveal...).
    pub fn is_forbidden(&self) -> bool {
        matches!(self.0, Kind::Forbidden(_))
    }
    /// The requested bytes were withheld.
    pub fn is_withheld(&self) -> bool {
        matches!(self.0, Kind::Withheld { .. })
    }
    /// The store files are damaged.
    pub fn is_corrupt(&self) -> bool {
        matches!(self.0, Kind::Corrupt { .. })
    }
    /// Sealed data failed authentication or its key is gone.
    pub fn is_seal(&self) -> bool {
        matches!(self.0, Kind::Seal(_))
    }
    /// A disk or file-system error (full disk included).
    pub fn is_io(&self) -> bool {
        matches!(self.0, Kind::Io { .. })
    }
    /// A request that makes no sense (bad reference...).
    pub fn is_invalid(&self) -> bool {
        matches!(self.0, Kind::Invalid(_))
    }

    pub(crate) fn invalid(msg: impl Into<String>) -> StoreError {
        StoreError(Kind::Invalid(msg.into()))
    }
    pub(crate) fn ticket_not_found(id: &str) -> StoreError {
        StoreError(Kind::TicketNotFound(id.to_string()))
    }
    pub(crate) fn io(what: impl Into<String>, source: std::io::Error) -> StoreError {
        StoreError(Kind::Io {
            what: what.into(),
            source,
        })
    }
}

impl From<SealError> for StoreError {
    fn from(e: SealError) -> Self {
        StoreError(Kind::Seal(e))
    }
}

impl From<sled::Error> for StoreError {
    fn from(e: sled::Error) -> Self {
        match e {
            sled::Error::Io(source) => StoreError(Kind::Io {
                what: "store".into(),
                source,
            }),
            sled::Error::Corruption { .. } => StoreError(Kind::Corrupt {
                dir: PathBuf::new(),
                detail: "corruption detected in the log".into(),
            }),
            other => StoreError(Kind::Sled(other)),
        }
    }
}

/// Maps an I/O error to a store error naming `path`.
pub(super) fn io_at(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |e| StoreError::io(path.display().to_string(), e)
}

#[cfg(test)]
mod tests {
    use std::error::Error;

    use super::*;

    #[test]
    fn a_sled_error_keeps_its_source_and_its_message() {
        let sled = sled::Error::Unsupported("a feature".into());
        let text = format!("store: {sled}");
        let e = StoreError::from(sled);
        assert_eq!(e.to_string(), text);
        let source = e.source().expect("the sled error is kept");
        assert!(source.downcast_ref::<sled::Error>().is_some());
    }
}
