//! What counsellors and the operator can do, with roles and the audit trail. The same calls
//! serve `ticket` and `sourdine` whether they open the store directly or go through the
//! daemon, so the output is the same either way.

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::config::Config;
use crate::intake::pipeline::{Arrival, Pipeline};
use crate::store::{
    Actor, AttachmentView, ListFilter, Outcome, QuarantineView, Store, StoreError, TicketSummary,
    TicketView,
};
use crate::time::Clock;

/// What a caller may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads and answers tickets.
    Counsellor,
    /// Also approves reveals, forgets tickets, runs operator commands.
    Supervisor,
}

/// Who is calling: from the socket's peer credentials or, when the store is opened directly,
/// from the process's own uid. Never from anything the client says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caller {
    /// Unix uid.
    pub uid: u32,
    /// User name.
    pub name: String,
    /// Role.
    pub role: Role,
}

impl Caller {
    /// The audit actor for this caller.
    pub fn actor(&self) -> Actor {
        Actor {
            uid: Some(self.uid),
            name: self.name.clone(),
        }
    }

    /// The current process's user, as a supervisor: whoever can open the store files
    /// directly is the operator.
    pub fn this_process() -> Caller {
        let uid = nix::unistd::getuid();
        let name = nix::unistd::User::from_uid(uid)
            .ok()
            .flatten()
            .map(|u| u.name)
            .unwrap_or_else(|| format!("uid {uid}"));
        Caller {
            uid: uid.as_raw(),
            name,
            role: Role::Supervisor,
        }
    }
}

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
    /// The kind.
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
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        let kind = if e.is_not_found() || e.is_withheld() {
            ErrorKind::NotFound
        } else if e.is_invalid() {
            ErrorKind::Invalid
        } else if e.is_locked() || e.is_not_initialised() {
            ErrorKind::Unavailable
        } else {
            ErrorKind::Internal
        };
        ServiceError::new(kind, e.to_string())
    }
}

/// The operations, over an open store.
pub struct Service {
    store: Store,
    pipeline: Pipeline,
}

impl Service {
    /// Opens the store named by the configuration.
    pub fn open(cfg: &Config) -> Result<Service, ServiceError> {
        let store = Store::open(cfg)?;
        Ok(Service {
            pipeline: Pipeline::new(cfg.anonymise_options(), Clock::from_env()),
            store,
        })
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Tickets passing the filter.
    pub fn list(
        &self,
        _caller: &Caller,
        filter: &ListFilter,
    ) -> Result<Vec<TicketSummary>, ServiceError> {
        Ok(self.store.list_tickets(filter)?)
    }

    /// A whole ticket; the read is audited.
    pub fn show(&self, caller: &Caller, id: &str) -> Result<TicketView, ServiceError> {
        let id = Store::parse_ticket_id(id)?;
        let view = self.store.show_ticket(&id)?;
        self.store
            .audit_action(&caller.actor(), "ticket.read", Some(&id), None)?;
        Ok(view)
    }

    /// The cleaned bytes of an attachment; the export is audited.
    pub fn attachment(
        &self,
        caller: &Caller,
        id: &str,
        which: &str,
    ) -> Result<(AttachmentView, Zeroizing<Vec<u8>>), ServiceError> {
        let id = Store::parse_ticket_id(id)?;
        let (view, bytes) = self.store.attachment(&id, which)?;
        self.store.audit_action(
            &caller.actor(),
            "attachment.exported",
            Some(&id),
            Some(format!("attachment {}", view.id)),
        )?;
        Ok((view, bytes))
    }

    /// The quarantine (supervisors only).
    pub fn quarantine_list(&self, caller: &Caller) -> Result<Vec<QuarantineView>, ServiceError> {
        require(caller, Role::Supervisor)?;
        Ok(self.store.quarantine_list()?)
    }

    /// Takes in raw messages as one durable batch.
    pub fn ingest(
        &self,
        caller: &Caller,
        messages: Vec<Vec<u8>>,
    ) -> Result<Vec<Outcome>, ServiceError> {
        require(caller, Role::Supervisor)?;
        let keys = self.store.dedupe_keys();
        let prepared = messages
            .into_iter()
            .map(|raw| self.pipeline.prepare(raw, Arrival::FromDateHeader, &keys))
            .collect();
        Ok(self.store.commit_intake(prepared)?)
    }
}

/// Refuses callers below `role`.
pub fn require(caller: &Caller, role: Role) -> Result<(), ServiceError> {
    if caller.role >= role {
        Ok(())
    } else {
        Err(ServiceError::new(
            ErrorKind::Forbidden,
            format!(
                "this needs the {role:?} role; {} is a {:?}",
                caller.name, caller.role
            )
            .to_lowercase(),
        ))
    }
}
