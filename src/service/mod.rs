//! What counsellors and the operator can do, with roles and the audit trail. The same
//! [`Service::handle`] serves `ticket` and `sourdine` whether they open the store directly or
//! go through the daemon, so the output is the same either way.

pub mod ack_memory;
pub mod catalog;
mod classification;
mod drafts;
pub mod live;
pub mod quarantine;
pub mod roles;
pub mod search;
pub mod startup;
pub mod stats;
pub mod suppress;
pub mod targets;
pub mod templates;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use tokio::sync::Notify;
use zeroize::Zeroizing;

use crate::config::Config;
use crate::intake::pipeline::{Arrival, Pipeline};
use crate::model::{Actor, Bytes, Outcome, Prepared, PreparedItem, Request, Response, SearchHit};
pub use crate::model::{ErrorKind, IntakeStatus, ServiceError, StatusReport, Whoami};
use crate::store::records::Status;
use crate::store::{
    Change, ListFilter, Store, StoreError, TicketRefs, TicketSummary, summary_order,
};
use crate::time::{Clock, Stamp};
use catalog::Catalog;

pub use crate::model::{Caller, Role};

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        let kind = if e.is_not_found() || e.is_withheld() {
            ErrorKind::NotFound
        } else if e.is_invalid() {
            ErrorKind::Invalid
        } else if e.is_conflict() {
            ErrorKind::Conflict
        } else if e.is_forbidden() {
            ErrorKind::Forbidden
        } else if e.is_locked() || e.is_not_initialised() {
            ErrorKind::Unavailable
        } else {
            ErrorKind::Internal
        };
        ServiceError::new(kind, e.to_string())
    }
}

/// The error for a saved reply that does not exist, naming those that do.
fn not_saved(saved: &templates::SavedReplies, name: &str) -> ServiceError {
    ServiceError::new(
        ErrorKind::NotFound,
        format!(
            "no saved reply `{name}`; the saved replies are: {} (ticket templates lists them)",
            saved.names().join(", ")
        ),
    )
}

/// What the daemon reports about itself through `status`.
#[derive(Debug, Clone, Default)]
pub struct Runtime {
    /// pid of the daemon.
    pub pid: Option<u32>,
    /// Start time.
    pub started: Option<i64>,
    /// The intake duty.
    pub intake: Option<IntakeStatus>,
    /// The last report published for counsellors (the status file's).
    pub published: Option<StatusReport>,
}

/// The operations, over an open store.
pub struct Service {
    store: Arc<Store>,
    pipeline: Pipeline,
    config: Config,
    catalog: RwLock<Option<Catalog>>,
    runtime: Arc<RwLock<Runtime>>,
    outbox_wake: Arc<Notify>,
    /// The addresses acknowledged today (see [`ack_memory`]).
    acknowledged: Mutex<ack_memory::AckMemory>,
    in_use: classification::InUse,
    /// Requests and intake batches under way: a change they committed may not be in the
    /// catalog yet, so no snapshot is kept while there is one ([`Service::keep_catalog`]).
    in_flight: AtomicUsize,
}

/// A batch of an `Ingest` request, prepared for a supervisor and not yet committed: only
/// [`Service::prepare_ingest`] makes one, after checking the role.
#[derive(Debug)]
pub struct PreparedBatch(Vec<Prepared>);

/// Counts one piece of work in [`Service::in_flight`] for as long as it lives.
struct InFlight<'a>(&'a AtomicUsize);

impl<'a> InFlight<'a> {
    fn new(count: &'a AtomicUsize) -> InFlight<'a> {
        count.fetch_add(1, Ordering::SeqCst);
        InFlight(count)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Service")
            .field("store", &self.store)
            .finish()
    }
}

/// Tickets changed since the catalog snapshot after which the daemon writes a new one.
pub const SNAPSHOT_AFTER_CHANGES: usize = 1000;
/// Time after which the daemon writes a new catalog snapshot when any ticket changed.
pub const SNAPSHOT_AFTER: std::time::Duration = std::time::Duration::from_secs(600);

/// Whether a new catalog snapshot is due: `changed` tickets since the one kept (None: none is
/// kept), `since_last` since it was written.
pub fn snapshot_due(changed: Option<usize>, since_last: std::time::Duration) -> bool {
    match changed {
        None => true,
        Some(0) => false,
        Some(n) => n >= SNAPSHOT_AFTER_CHANGES || since_last >= SNAPSHOT_AFTER,
    }
}

/// Default number of search results.
pub const DEFAULT_SEARCH_LIMIT: usize = 20;

impl Service {
    /// Opens the store named by the configuration.
    pub fn open(cfg: &Config) -> Result<Service, ServiceError> {
        Ok(Service::open_store(cfg)?)
    }

    /// Opens the store named by the configuration, saying why it could not (locked by the
    /// service that is starting, ...).
    pub fn open_store(cfg: &Config) -> Result<Service, StoreError> {
        Ok(Service::over(cfg, Store::open(cfg)?))
    }

    /// The daemon's start: the store's lock is taken, a child process reads the whole store
    /// once and hands over the catalog ([`startup`]), then the store is opened here. Returns
    /// the service with its catalog built and the number of tickets.
    pub fn open_for_daemon(cfg: &Config) -> Result<(Service, usize), ServiceError> {
        Service::open_for_daemon_locked(cfg, Service::lock_for_daemon(cfg)?)
    }

    /// The daemon's first step: the store's lock, waited for a few seconds while a short-lived
    /// command holds it ([`startup::lock_waiting`]).
    pub fn lock_for_daemon(cfg: &Config) -> Result<crate::store::StoreLock, ServiceError> {
        Ok(startup::lock_waiting(cfg)?)
    }

    /// [`Service::open_for_daemon`] under a lock already taken with
    /// [`Service::lock_for_daemon`] (the daemon answers on its socket meanwhile).
    pub fn open_for_daemon_locked(
        cfg: &Config,
        lock: crate::store::StoreLock,
    ) -> Result<(Service, usize), ServiceError> {
        let from_child = startup::catalog_from_child(cfg)
            .inspect_err(|e| {
                tracing::warn!(
                    error = %e,
                    "the catalog could not be built in a child process; building it in the service"
                )
            })
            .ok();
        let service = Service::over(cfg, Store::open_locked(cfg, lock, from_child.is_some())?);
        let tickets = match from_child {
            Some(catalog) => {
                let n = catalog.len();
                *service.catalog.write().expect("catalog lock") = Some(catalog);
                n
            }
            None => service.warm_up()?,
        };
        // A bad classification file stops the start, with what to fix.
        service.taxonomy()?;
        Ok((service, tickets))
    }

    fn over(cfg: &Config, store: Store) -> Service {
        let cleaner = crate::intake::worker::worker_program().map(|program| {
            Arc::new(crate::intake::worker::Cleaner::new(
                &program,
                crate::intake::worker::WorkerSettings::from_config(&cfg.attachments),
                cfg.attachments.workers,
            ))
        });
        let caps = crate::intake::pipeline::AttachmentCaps {
            max_attachment_bytes: cfg.attachments.max_attachment_bytes,
            max_message_bytes: cfg.attachments.max_message_bytes,
        };
        Service {
            pipeline: Pipeline::new(cfg.anonymise_options(), Clock::from_env())
                .with_cleaner(cleaner, caps)
                .with_budget(std::time::Duration::from_secs(
                    cfg.intake.max_prepare_seconds,
                )),
            store: Arc::new(store),
            config: cfg.clone(),
            catalog: RwLock::new(None),
            runtime: Arc::new(RwLock::new(Runtime::default())),
            outbox_wake: Arc::new(Notify::new()),
            acknowledged: Mutex::new(ack_memory::AckMemory::new(&cfg.key_dir(), &cfg.data_dir)),
            in_use: classification::InUse::default(),
            in_flight: AtomicUsize::new(0),
        }
    }

    /// Builds the in-memory catalog now (the daemon does it at start).
    pub fn warm_up(&self) -> Result<usize, ServiceError> {
        let c = Catalog::build(&self.store)?;
        let n = c.len();
        *self.catalog.write().expect("catalog lock") = Some(c);
        Ok(n)
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Keeps the catalog, sealed, for the next start (the daemon does it while it runs and at
    /// its clean stop); returns whether it did. Not when it was never built, when a change
    /// could not be applied to it, or when work is under way whose change may not be in it
    /// yet (then later).
    pub fn keep_catalog(&self) -> Result<bool, ServiceError> {
        // Under the store's write lock, no change is committed; with no work under way, every
        // change committed before it is in the catalog. The catalog's lock is taken only then
        // (a request holding it may be waiting for the store's).
        let mut skipped = false;
        let kept = self
            .store
            .write_snapshot(catalog::SNAPSHOT_FORMAT, |mut w| {
                if self.in_flight.load(Ordering::SeqCst) > 0 {
                    skipped = true;
                    return Err(std::io::Error::other("work under way"));
                }
                let guard = self.catalog.read().expect("catalog lock");
                let Some(c) = guard.as_ref().filter(|c| !c.is_faulty()) else {
                    skipped = true;
                    return Err(std::io::Error::other("no catalog to keep"));
                };
                c.write_to(&mut w)
            });
        match kept {
            Err(_) if skipped => Ok(false),
            other => Ok(other?),
        }
    }

    /// Whether the daemon should write the catalog snapshot now: none is kept (never written,
    /// or destroyed by an erasure), or enough tickets changed since (see [`snapshot_due`]).
    pub fn catalog_snapshot_due(&self, since_last: std::time::Duration) -> bool {
        let built = self
            .catalog
            .read()
            .expect("catalog lock")
            .as_ref()
            .is_some_and(|c| !c.is_faulty());
        built
            && self
                .store
                .snapshot_changes_up_to(SNAPSHOT_AFTER_CHANGES)
                .is_ok_and(|changed| snapshot_due(changed, since_last))
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The runtime state shown by `status` (the daemon writes it).
    pub fn runtime(&self) -> Arc<RwLock<Runtime>> {
        self.runtime.clone()
    }

    /// Woken when a message is queued for the writer (the outbox waits on it).
    pub fn outbox_wake(&self) -> Arc<Notify> {
        self.outbox_wake.clone()
    }

    /// The store, shared with a duty that writes it beside the service (the outbox).
    pub fn shared_store(&self) -> Arc<Store> {
        self.store.clone()
    }

    /// The in-memory catalog's search index size (words, bytes), if built.
    pub fn index_stats(&self) -> Option<(usize, usize)> {
        self.catalog
            .read()
            .expect("catalog lock")
            .as_ref()
            .map(Catalog::index_stats)
    }

    fn with_catalog<T>(&self, f: impl FnOnce(&Catalog) -> T) -> Result<T, ServiceError> {
        {
            let guard = self.catalog.read().expect("catalog lock");
            if let Some(c) = guard.as_ref() {
                return Ok(f(c));
            }
        }
        self.warm_up()?;
        let guard = self.catalog.read().expect("catalog lock");
        Ok(f(guard.as_ref().expect("just built")))
    }

    /// Brings the catalog up to date after a change to `id` (`text`: new text was added).
    fn touched(&self, id: &str, text: bool) -> Result<(), ServiceError> {
        let mut guard = self.catalog.write().expect("catalog lock");
        if let Some(c) = guard.as_mut() {
            if text {
                c.refresh(&self.store, id)?;
            } else {
                c.refresh_summary(&self.store, id)?;
            }
        }
        Ok(())
    }

    /// Answers one request from `caller`.
    pub fn handle(&self, caller: &Caller, request: Request) -> Result<Response, ServiceError> {
        let _busy = InFlight::new(&self.in_flight);
        match request {
            r @ (Request::Whoami
            | Request::List { .. }
            | Request::Show { .. }
            | Request::Attachment { .. }
            | Request::Search { .. }
            | Request::Classification
            | Request::Template { .. }
            | Request::SavedReplies
            | Request::SavedReply { .. }
            | Request::Status
            | Request::Changes
            | Request::LiveList { .. }) => self.answer_reading(caller, r),
            r @ (Request::Note { .. }
            | Request::Close { .. }
            | Request::Reopen { .. }
            | Request::Tag { .. }
            | Request::Untag { .. }
            | Request::Claim { .. }
            | Request::Release { .. }
            | Request::Urgent { .. }) => self.answer_change(caller, r),
            r @ (Request::RevealRequest { .. }
            | Request::RevealApprove { .. }
            | Request::RevealList) => self.answer_reveal(caller, r),
            Request::Reply {
                id,
                text,
                unverified,
                force,
                review,
            } => self.reply(caller, &id, &text, (unverified, force), review),
            r @ (Request::DraftSave { .. }
            | Request::Draft { .. }
            | Request::DraftDiscard { .. }
            | Request::Drafts
            | Request::Reviews
            | Request::ReviewShow { .. }
            | Request::ReviewApprove { .. }
            | Request::ReviewReject { .. }) => self.desk_request(caller, r),
            r @ (Request::QuarantineShow { .. }
            | Request::QuarantineRetry { .. }
            | Request::QuarantineRelease { .. }
            | Request::QuarantineExport { .. }) => self.quarantine_request(caller, r),
            r @ (Request::Stats { .. }
            | Request::Outbox
            | Request::Purge { .. }
            | Request::Forget { .. }
            | Request::RotateKeys
            | Request::Ingest { .. }
            | Request::IngestFollowing { .. }
            | Request::QuarantineList
            | Request::Audit { .. }
            | Request::AuditVerify { .. }) => self.answer_supervision(caller, r),
        }
    }

    /// Requests that read: the caller, tickets, search, templates, the status.
    fn answer_reading(&self, caller: &Caller, request: Request) -> Result<Response, ServiceError> {
        let actor = caller.actor();
        let need = |role| require(caller, role);
        match request {
            Request::Whoami => Ok(Response::Whoami(Whoami {
                caller: caller.clone(),
                precision: self.config.received_precision,
                timezone: self.config.time_zone().iana_name().map(str::to_string),
                version: env!("CARGO_PKG_VERSION").to_string(),
                hours: Box::new(self.config.hours.clone()),
                target_hours: self.config.replies.target_hours,
            })),
            Request::List { mut filter, mine } => {
                need(Role::Counsellor)?;
                if mine {
                    filter.claimed_by = Some(caller.uid);
                }
                Ok(Response::Tickets(self.list_shown(&actor, &filter)?))
            }
            Request::Show { id } => {
                need(Role::Counsellor)?;
                let id = Store::parse_ticket_id(&id)?;
                let view = self.store.show_ticket(&id)?;
                self.store
                    .audit_action(&actor, "ticket.read", Some(&id), None)?;
                Ok(Response::Ticket(Box::new(view)))
            }
            Request::Attachment { id, attachment } => {
                need(Role::Counsellor)?;
                let id = Store::parse_ticket_id(&id)?;
                let (view, bytes) = self.store.attachment(&id, &attachment)?;
                self.store.audit_action(
                    &actor,
                    "attachment.exported",
                    Some(&id),
                    Some(format!("attachment {}", view.id)),
                )?;
                Ok(Response::Attachment {
                    view,
                    bytes: Bytes(bytes.to_vec()),
                })
            }
            Request::Search { text, limit } => {
                need(Role::Counsellor)?;
                let hits = self.search(&text, limit.unwrap_or(DEFAULT_SEARCH_LIMIT))?;
                self.record_shown(
                    &actor,
                    "ticket.search",
                    hits.iter().map(|h| h.id.as_str()),
                    format!("{} results", hits.len()),
                )?;
                Ok(Response::Search(hits))
            }
            Request::Classification => {
                need(Role::Counsellor)?;
                self.classification()
            }
            Request::Template { name, language } => {
                need(Role::Counsellor)?;
                self.template(&name, language)
            }
            Request::SavedReplies => {
                need(Role::Counsellor)?;
                Ok(Response::SavedReplies(self.saved_replies().list()))
            }
            Request::SavedReply { id, names } => {
                need(Role::Counsellor)?;
                self.saved_reply(&id, &names).map(Response::SavedReply)
            }
            Request::Status => {
                need(Role::Counsellor)?;
                Ok(Response::Status(Box::new(self.status_for(caller)?)))
            }
            Request::Changes => {
                need(Role::Counsellor)?;
                Ok(Response::Changes(self.changes()?))
            }
            Request::LiveList {
                filter,
                mine,
                shown,
            } => {
                need(Role::Counsellor)?;
                let list = self.live_list(caller, filter, mine, shown.as_deref())?;
                Ok(Response::LiveList(list))
            }
            _ => Err(invalid("not a request of this group")),
        }
    }

    /// Requests that change a ticket: notes, closing, tags, claims, urgency.
    fn answer_change(&self, caller: &Caller, request: Request) -> Result<Response, ServiceError> {
        let actor = caller.actor();
        let need = |role| require(caller, role);
        match request {
            Request::Note { id, text } => {
                need(Role::Counsellor)?;
                let id = Store::parse_ticket_id(&id)?;
                let text = crate::text::clean_lines(&text);
                let text = text.trim();
                if text.is_empty() {
                    return Err(invalid("the note is empty; nothing was saved"));
                }
                self.store.add_note(&id, &actor, text)?;
                self.touched(&id, false)?;
                if let Some(c) = self.catalog.write().expect("catalog lock").as_mut() {
                    c.index_text(&id, text);
                }
                Ok(done(true, format!("note added to ticket {id}")))
            }
            Request::Close {
                id,
                classification,
                force,
            } => {
                need(Role::Counsellor)?;
                self.respect_claim(caller, &id, force, "close")?;
                self.close(&actor, &id, classification)
            }
            Request::Reopen { id } => {
                need(Role::Counsellor)?;
                self.change(
                    &id,
                    |id| self.store.set_status(id, &actor, Status::Open),
                    "reopened",
                )
            }
            Request::Tag { id, tag } => {
                need(Role::Counsellor)?;
                let tag = crate::text::clean_line(&tag);
                self.change(
                    &id,
                    |id| self.store.set_tag(id, &actor, &tag, true),
                    "tagged",
                )
            }
            Request::Untag { id, tag } => {
                need(Role::Counsellor)?;
                let tag = crate::text::clean_line(&tag);
                self.change(
                    &id,
                    |id| self.store.set_tag(id, &actor, &tag, false),
                    "untagged",
                )
            }
            Request::Claim { id, force } => {
                need(if force {
                    Role::Supervisor
                } else {
                    Role::Counsellor
                })?;
                self.change(
                    &id,
                    |id| self.store.set_claim(id, &actor, true, force),
                    "claimed",
                )
            }
            Request::Release { id, force } => {
                need(if force {
                    Role::Supervisor
                } else {
                    Role::Counsellor
                })?;
                self.change(
                    &id,
                    |id| self.store.set_claim(id, &actor, false, force),
                    "released",
                )
            }
            Request::Urgent { id, reason } => {
                need(Role::Counsellor)?;
                let reason = reason.map(|r| crate::text::clean_line(&r));
                if reason.as_deref() == Some("") {
                    return Err(invalid("give a reason with --reason"));
                }
                let what = if reason.is_some() {
                    "marked urgent"
                } else {
                    "no longer urgent"
                };
                self.change(
                    &id,
                    |id| self.store.set_urgent(id, &actor, reason.as_deref()),
                    what,
                )
            }
            _ => Err(invalid("not a request of this group")),
        }
    }

    /// The two-person reveal of an address: request, approval, the pending list.
    fn answer_reveal(&self, caller: &Caller, request: Request) -> Result<Response, ServiceError> {
        let actor = caller.actor();
        let need = |role| require(caller, role);
        match request {
            Request::RevealRequest { id, reason } => {
                need(Role::Supervisor)?;
                self.reveal_party(caller)?;
                let id = Store::parse_ticket_id(&id)?;
                let reason = crate::text::clean_line(&reason);
                if reason.is_empty() {
                    return Err(invalid("a reveal needs a reason (--reason)"));
                }
                let request = self.store.reveal_request(&id, &actor, &reason)?;
                Ok(Response::RevealRequested { request })
            }
            Request::RevealApprove { request } => {
                need(Role::Supervisor)?;
                self.reveal_party(caller)?;
                let (ticket, envelope) = self
                    .store
                    .reveal_approve(&request, &actor, |asker| self.may_reveal(asker))?;
                Ok(Response::Revealed {
                    ticket,
                    address: envelope.address.clone(),
                })
            }
            Request::RevealList => {
                need(Role::Supervisor)?;
                Ok(Response::Reveals(self.store.reveal_requests()?))
            }
            _ => Err(invalid("not a request of this group")),
        }
    }

    /// The supervisor's requests: statistics, outbox, purge, forgetting, keys, ingest, audit.
    fn answer_supervision(
        &self,
        caller: &Caller,
        request: Request,
    ) -> Result<Response, ServiceError> {
        let actor = caller.actor();
        let need = |role| require(caller, role);
        match request {
            Request::Stats { from, to } => {
                need(Role::Supervisor)?;
                let report = self.stats(&actor, from.as_deref(), to.as_deref())?;
                Ok(Response::Stats(Box::new(report)))
            }
            Request::Outbox => {
                need(Role::Supervisor)?;
                Ok(Response::Outbox(self.store.outbox_list()?))
            }
            Request::Purge { dry_run } => {
                need(Role::Supervisor)?;
                Ok(Response::Purged(self.purge(&actor, dry_run)?))
            }
            Request::Forget { id, reason } => {
                need(Role::Supervisor)?;
                let id = Store::parse_ticket_id(&id)?;
                let reason =
                    crate::anonymise::body::redact_addresses(&crate::text::clean_line(&reason));
                if reason.is_empty() {
                    return Err(invalid("give a reason with --reason"));
                }
                let report = self.store.forget(&id, &actor, &reason)?;
                if let Some(c) = self.catalog.write().expect("catalog lock").as_mut() {
                    c.remove(&id);
                }
                self.in_use.reset();
                Ok(Response::Rekeyed(report))
            }
            Request::RotateKeys => {
                need(Role::Supervisor)?;
                Ok(Response::Rekeyed(self.store.rekey(&actor)?))
            }
            Request::Ingest { messages } => {
                need(Role::Supervisor)?;
                let outcomes = self.ingest(messages.into_iter().map(|b| b.0).collect())?;
                Ok(Response::Ingested(outcomes))
            }
            Request::IngestFollowing { .. } => {
                need(Role::Supervisor)?;
                Err(ServiceError::new(
                    ErrorKind::Invalid,
                    "ingest_following carries its messages after its line on the control socket",
                ))
            }
            Request::QuarantineList => {
                need(Role::Supervisor)?;
                Ok(Response::Quarantine(self.store.quarantine_list()?))
            }
            Request::Audit { tail, ticket } => {
                need(Role::Supervisor)?;
                let mut entries = self.audit_log(ticket.as_deref(), tail)?;
                for e in &mut entries {
                    self.store.open_audit_codes(e);
                }
                Ok(Response::Audit(entries))
            }
            Request::AuditVerify { expect_head } => {
                need(Role::Supervisor)?;
                let v = self.store.audit_verify_expecting(expect_head)?;
                Ok(Response::Verification(v))
            }
            _ => Err(invalid("not a request of this group")),
        }
    }

    /// The quarantine operations (see [`quarantine`]): the operator only, each audited.
    fn quarantine_request(
        &self,
        caller: &Caller,
        request: Request,
    ) -> Result<Response, ServiceError> {
        self.quarantine_operator(caller, request.op())?;
        match request {
            Request::QuarantineShow { reference } => Ok(Response::QuarantineShown(Box::new(
                self.quarantine_show(caller, &reference)?,
            ))),
            Request::QuarantineRetry { references } => Ok(Response::QuarantineRetried(
                self.quarantine_retry(caller, references)?,
            )),
            Request::QuarantineRelease { reference } => Ok(Response::QuarantineReleased(
                self.quarantine_release(caller, &reference)?,
            )),
            Request::QuarantineExport { reference } => {
                let (reference, e) = self.quarantine_export(caller, &reference)?;
                Ok(Response::QuarantineExported {
                    reference,
                    fields: e.fields,
                    boundaries: e.boundaries,
                    bytes: Bytes(e.bytes),
                })
            }
            _ => Err(invalid("not a quarantine request")),
        }
    }

    /// [`Service::list`], recorded in the audit log under `actor`.
    fn list_shown(
        &self,
        actor: &Actor,
        filter: &ListFilter,
    ) -> Result<Vec<Arc<TicketSummary>>, ServiceError> {
        let tickets = self.list(filter)?;
        self.record_shown(
            actor,
            "ticket.list",
            tickets.iter().map(|t| &*t.id),
            format!("{} tickets", tickets.len()),
        )?;
        Ok(tickets)
    }

    /// The audit log, or the entries naming one ticket.
    fn audit_log(
        &self,
        ticket: Option<&str>,
        tail: Option<usize>,
    ) -> Result<Vec<crate::store::AuditEntry>, ServiceError> {
        Ok(match ticket {
            Some(id) => self
                .store
                .audit_entries_naming(&Store::parse_ticket_id(id)?, tail)?,
            None => self.store.audit_entries(tail)?,
        })
    }

    /// Records, before they are shown, which tickets a list or a search returns: their
    /// references only (never a subject, never the words searched for).
    fn record_shown<'a>(
        &self,
        actor: &Actor,
        action: &'static str,
        ids: impl Iterator<Item = &'a str>,
        detail: String,
    ) -> Result<(), ServiceError> {
        let refs = TicketRefs::from_ids(ids).ok_or_else(|| {
            ServiceError::new(
                ErrorKind::Internal,
                "a ticket reference in the catalog is malformed",
            )
        })?;
        Ok(self.store.audit_shown(actor, action, refs, Some(detail))?)
    }

    /// Refuses to `what` (reply, close) a ticket claimed by someone else, unless `force`; a
    /// forced action is recorded in the audit log (before it is done) as overriding the claim.
    fn respect_claim(
        &self,
        caller: &Caller,
        id: &str,
        force: bool,
        what: &'static str,
    ) -> Result<(), ServiceError> {
        let id = Store::parse_ticket_id(id)?;
        let summary = self.store.ticket_summary(&id)?;
        let (Some(uid), Some(holder)) = (summary.claimed_by_uid, summary.claimed_by.as_deref())
        else {
            return Ok(());
        };
        if uid == caller.uid {
            return Ok(());
        }
        if !force {
            let verb = if what == "reply" { "answer" } else { what };
            return Err(ServiceError::new(
                ErrorKind::Conflict,
                format!(
                    "ticket {id} is claimed by {holder}: ask them, or ask them to release it (ticket release {id}); to {verb} it anyway, give --force (recorded in the audit log)"
                ),
            ));
        }
        self.store.audit_action(
            &caller.actor(),
            "claim.overridden",
            Some(&id),
            Some(format!("{what} despite the claim of {holder} (--force)")),
        )?;
        Ok(())
    }

    /// Refuses a caller who may not be one of a reveal's two supervisors (see
    /// [`roles::may_reveal`]).
    fn reveal_party(&self, caller: &Caller) -> Result<(), ServiceError> {
        if self.may_reveal(&caller.actor()) {
            return Ok(());
        }
        Err(ServiceError::new(
            ErrorKind::Forbidden,
            format!(
                "a reveal needs two different supervisors named in [roles] (supervisor_users or supervisor_groups); {} is {}, who takes part only when supervisor_users names them (a weaker setup: see docs/OPERATING.md)",
                caller.name,
                if caller.uid == 0 {
                    "root"
                } else {
                    "the service's own user"
                }
            ),
        ))
    }

    /// Whether `actor` may ask for or approve a reveal: root and the service's own user only
    /// when `[roles] supervisor_users` names them.
    fn may_reveal(&self, actor: &Actor) -> bool {
        actor.uid.is_some_and(|uid| {
            roles::may_reveal(
                &self.config.roles,
                uid,
                &actor.name,
                nix::unistd::geteuid().as_raw(),
            )
        })
    }

    fn change(
        &self,
        id: &str,
        f: impl FnOnce(&str) -> Result<Change, StoreError>,
        what: &str,
    ) -> Result<Response, ServiceError> {
        let id = Store::parse_ticket_id(id)?;
        let changed = f(&id)? == Change::Done;
        if changed {
            self.touched(&id, false)?;
        }
        Ok(done(
            changed,
            if changed {
                format!("ticket {id} {what}")
            } else {
                format!("ticket {id} was already {what}; nothing changed")
            },
        ))
    }

    /// What tells an overdue ticket from one still within the reply target, now.
    pub fn overdue_judge(&self) -> crate::hours::Overdue {
        crate::hours::Overdue::new(
            self.config.schedule(),
            self.config.replies.target_hours,
            self.store.now(),
        )
    }

    /// Tickets passing the filter, from the catalog: its summaries themselves, shared (a
    /// list of every ticket copies none).
    pub fn list(&self, filter: &ListFilter) -> Result<Vec<Arc<TicketSummary>>, ServiceError> {
        // Sorted by reference; only the first `limit` are taken.
        let late = filter.overdue.then(|| self.overdue_judge());
        self.with_catalog(|c| {
            let mut refs: Vec<&Arc<TicketSummary>> = c
                .summaries()
                .filter(|s| {
                    filter.admits(s)
                        && late
                            .as_ref()
                            .is_none_or(|l| s.status == Status::Open && l.is_late(s.last_in.0))
                })
                .collect();
            let order = |a: &&Arc<TicketSummary>, b: &&Arc<TicketSummary>| summary_order(a, b);
            match filter.limit {
                Some(n) if n < refs.len() => {
                    if n > 0 {
                        refs.select_nth_unstable_by(n - 1, order);
                    }
                    refs.truncate(n);
                }
                _ => {}
            }
            refs.sort_unstable_by(order);
            refs.into_iter().cloned().collect()
        })
    }

    /// Searches subjects, text and notes; results in list order, with an excerpt.
    pub fn search(&self, text: &str, limit: usize) -> Result<Vec<SearchHit>, ServiceError> {
        if search::words(text).next().is_none() {
            return Err(invalid("give at least one word to search for"));
        }
        // Sorted by reference; only the first `limit` are taken.
        let found: Vec<Arc<TicketSummary>> = self.with_catalog(|c| {
            let ids = c.search(text);
            let mut refs: Vec<&Arc<TicketSummary>> =
                ids.iter().filter_map(|id| c.summary(id)).collect();
            refs.sort_unstable_by(|a, b| summary_order(a, b));
            refs.into_iter().take(limit).cloned().collect()
        })?;
        let mut hits = Vec::with_capacity(found.len());
        for s in found {
            let excerpt = self
                .store
                .ticket_excerpt_source(&s.id)?
                .iter()
                .find_map(|t| search::excerpt(t, text, 80))
                .unwrap_or_default();
            hits.push(SearchHit {
                id: s.id.to_string(),
                status: s.status,
                urgent: s.urgent,
                subject: s.subject.to_string(),
                excerpt,
            });
        }
        Ok(hits)
    }

    /// Takes in raw messages as one durable batch.
    pub fn ingest(&self, messages: Vec<Vec<u8>>) -> Result<Vec<Outcome>, ServiceError> {
        self.commit_prepared(self.prepare_batch(messages))
    }

    /// Prepares raw messages on every core (no store write), for [`Service::commit_prepared`].
    fn prepare_batch(&self, messages: Vec<Vec<u8>>) -> Vec<Prepared> {
        let keys = self.store.dedupe_keys();
        self.pipeline.prepare_all(
            messages
                .into_iter()
                .map(|raw| (raw, Arrival::FromDateHeader))
                .collect(),
            &keys,
        )
    }

    /// The first half of an `Ingest` request from `caller`: the batch prepared, nothing
    /// written. The control socket prepares the next batch of a `sourdine ingest` while the
    /// one before it commits ([`Service::commit_ingest`]), as the command does with the store
    /// opened itself. Needs the supervisor role.
    pub fn prepare_ingest(
        &self,
        caller: &Caller,
        messages: Vec<Bytes>,
    ) -> Result<PreparedBatch, ServiceError> {
        require(caller, Role::Supervisor)?;
        let _busy = InFlight::new(&self.in_flight);
        Ok(PreparedBatch(self.prepare_batch(
            messages.into_iter().map(|b| b.0).collect(),
        )))
    }

    /// The second half of an `Ingest` request: commits a batch from
    /// [`Service::prepare_ingest`] and answers as [`Service::handle`] would.
    pub fn commit_ingest(&self, batch: PreparedBatch) -> Result<Response, ServiceError> {
        crate::failpoint::hit("remote-ingest-before-commit");
        Ok(Response::Ingested(self.commit_prepared(batch.0)?))
    }

    /// Runs one imported raw message through the pipeline (no store write), for a batch of
    /// [`Service::commit_prepared`]: `sourdine ingest` prepares messages on several threads.
    /// `dedupe_keys` are the store's ([`Store::dedupe_keys`]), taken once for the run.
    pub fn prepare_import(&self, raw: &[u8], dedupe_keys: &[crate::seal::Key]) -> Prepared {
        self.pipeline
            .prepare(raw, Arrival::FromDateHeader, dedupe_keys)
    }

    /// Commits prepared messages, updates the catalog, and queues the acknowledgements due.
    pub fn commit_prepared(&self, prepared: Vec<Prepared>) -> Result<Vec<Outcome>, ServiceError> {
        let _busy = InFlight::new(&self.in_flight);
        // What the acknowledgement needs to know, before the batch is consumed: the language,
        // and the address for the per-address limit (in memory only) when one is due.
        let ack: Vec<Option<(crate::anonymise::Language, Zeroizing<String>)>> = prepared
            .iter()
            .map(|p| match &p.item {
                PreparedItem::Message(a) if self.acknowledges(a) => a
                    .secrets
                    .from_address
                    .as_ref()
                    .map(|addr| (a.language, Zeroizing::new(addr.clone()))),
                _ => None,
            })
            .collect();
        let outcomes = self.store.commit_intake(prepared)?;
        for (o, ack) in outcomes.iter().zip(ack) {
            if let Outcome::Ticketed { ticket } | Outcome::FollowUp { ticket } = o {
                self.touched(ticket, true)?;
            }
            if let (Outcome::Ticketed { ticket }, Some((lang, address))) = (o, ack) {
                self.acknowledge(ticket, lang, &address);
            }
        }
        Ok(outcomes)
    }

    /// Whether a new ticket from this message gets an acknowledgement (limits aside): never
    /// to automatic mail; to a verified sender; to one nobody could check only when the
    /// operator opted in (`acknowledge_unverified`); never to one whose check failed.
    fn acknowledges(&self, a: &crate::anonymise::Anonymised) -> bool {
        use crate::anonymise::Verification;
        let r = &self.config.replies;
        r.acknowledge
            && !a.signals.suppresses_auto_reply()
            && match a.signals.sender {
                Verification::Verified => true,
                Verification::Unknown => r.acknowledge_unverified,
                Verification::Failed => false,
            }
    }

    /// Queues the automatic acknowledgement of a new ticket, within the hourly limit and the
    /// per-address limit (one a day). Best effort: a failure here never loses the ticket.
    fn acknowledge(&self, id: &str, lang: crate::anonymise::Language, address: &str) {
        let now = self.store.now();
        match self.store.acknowledgements_since(now - 3600) {
            Ok(n) if n >= self.config.replies.acknowledge_per_hour as usize => {
                tracing::warn!(
                    "acknowledgement limit reached for this hour; a new ticket gets none"
                );
                return;
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not count acknowledgements");
                return;
            }
            Ok(_) => {}
        }
        match self
            .acknowledged
            .lock()
            .expect("acknowledgement memory lock")
            .admit(address, now)
        {
            Ok(true) => {}
            Ok(false) => {
                tracing::info!(
                    "this address was acknowledged today already; a new ticket gets none"
                );
                return;
            }
            Err(e) => {
                tracing::warn!(
                    error = %e,
                    "could not read or write the memory of today's acknowledgements; a new ticket gets none"
                );
                return;
            }
        }
        let lang = if lang == crate::anonymise::Language::Unknown {
            self.config.replies.default_language
        } else {
            lang
        };
        let subject = match self.store.ticket_summary(id) {
            Ok(s) => crate::reply_tokens::reply_subject(&s.subject, id),
            Err(_) => return,
        };
        let within = match &self.config.replies.answer_within {
            Some(old) if self.config.uses_answer_within() => old.clone(),
            _ => self
                .config
                .schedule()
                .promise(now, self.config.replies.target_hours, lang),
        };
        let body = templates::acknowledgement(&self.config.templates_dir(), lang, id, &within);
        match self.store.queue_outgoing(
            id,
            &Actor::service(),
            crate::store::records::OutKind::Acknowledgement,
            &subject,
            &body,
        ) {
            Ok(_) => {
                let _ = self.touched(id, true);
                self.outbox_wake.notify_one();
            }
            // No reply address: nobody to acknowledge.
            Err(e) if e.is_not_found() => {}
            Err(e) => tracing::warn!(error = %e, "could not queue an acknowledgement"),
        }
    }

    /// Where saved replies are looked for.
    fn saved_replies(&self) -> templates::SavedReplies {
        templates::SavedReplies {
            saved_dir: self.config.saved_dir(),
            templates_dir: self.config.templates_dir(),
        }
    }

    /// A saved reply or canned answer by name in `language` (falling back to English), or
    /// the names of every one (empty name).
    fn template(
        &self,
        name: &str,
        language: Option<crate::anonymise::Language>,
    ) -> Result<Response, ServiceError> {
        let saved = self.saved_replies();
        if name.is_empty() {
            return Ok(Response::Templates(saved.names()));
        }
        let lang = language.unwrap_or(self.config.replies.default_language);
        saved
            .load(name, lang)
            .or_else(|| saved.load(name, crate::anonymise::Language::En))
            .map(Response::Template)
            .ok_or_else(|| not_saved(&saved, name))
    }

    /// The saved replies `names` for ticket `id`: in its language (else English), with
    /// `{reference}` and `{next_opening}` filled.
    fn saved_reply(
        &self,
        id: &str,
        names: &[String],
    ) -> Result<templates::ComposedReply, ServiceError> {
        use crate::anonymise::Language;
        if names.is_empty() {
            return Err(invalid("name at least one saved reply"));
        }
        let lang = match self.store.ticket_summary(id)?.language {
            Language::Unknown => self.config.replies.default_language,
            l => l,
        };
        let schedule = self.config.schedule();
        let next = schedule.next_opening(self.store.now());
        let saved = self.saved_replies();
        saved
            .compose(names, lang, |text, used| {
                let when = next
                    .map(|n| schedule.moment_words(n, used))
                    .unwrap_or_else(|| crate::hours::fallback_promise(used).to_string());
                text.replace("{reference}", id)
                    .replace("{next_opening}", &when)
            })
            .map_err(|name| not_saved(&saved, &name))
    }

    /// Destroys the memory of the addresses acknowledged on a past day (the daemon calls it
    /// every few seconds, a purge too).
    pub fn forget_past_acknowledgements(&self) {
        let now = self.store.now();
        if let Some(e) = self
            .acknowledged
            .lock()
            .expect("acknowledgement memory lock")
            .expire_reporting_once(now)
        {
            tracing::warn!(error = %e, "could not destroy the memory of past acknowledgements");
        }
    }

    /// A reply to a ticket whose sender our mail server did not verify goes out only when the
    /// counsellor said so (`--unverified`, or yes to the warning in the prompt), and that is
    /// audited. The refusal names no address.
    fn check_unverified_reply(
        &self,
        actor: &Actor,
        id: &str,
        confirmed: bool,
    ) -> Result<(), ServiceError> {
        use crate::anonymise::Verification;
        let sender = self.store.sender_verification(id)?;
        let what = match sender {
            Verification::Verified => return Ok(()),
            Verification::Unknown => "our mail server could not verify who sent this ticket",
            Verification::Failed => {
                "our mail server found that this ticket's sender address is not the real sender's (its check failed, or the message carried forged results)"
            }
        };
        if !confirmed {
            return Err(ServiceError::new(
                ErrorKind::Conflict,
                format!(
                    "ticket {id}: {what}, so the reply could reach someone who never wrote; nothing was queued. Send it anyway only if the message itself makes you sure: add --unverified (a terminal asks you instead)"
                ),
            ));
        }
        self.store.audit_action(
            actor,
            "reply.unverified",
            Some(id),
            Some(format!(
                "the sender was not verified ({}); the counsellor confirmed the reply",
                match sender {
                    Verification::Failed => "failed",
                    _ => "unknown",
                }
            )),
        )?;
        Ok(())
    }

    /// Applies the retention policy now and forgets what it destroyed from the catalog.
    pub fn purge(
        &self,
        actor: &Actor,
        dry_run: bool,
    ) -> Result<crate::store::PurgeReport, ServiceError> {
        let _busy = InFlight::new(&self.in_flight);
        let report = self.store.purge(&self.config.retention, actor, dry_run)?;
        if !dry_run {
            self.forget_past_acknowledgements();
            if let Some(c) = self.catalog.write().expect("catalog lock").as_mut() {
                for id in &report.tickets {
                    c.remove(id);
                }
            }
            if !report.tickets.is_empty() {
                self.in_use.reset();
            }
            for id in &report.reply_addresses {
                self.touched(id, false)?;
            }
        }
        Ok(report)
    }

    /// The pipeline (for intake duties that prepare messages themselves).
    pub fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    /// Counts and runtime state.
    pub fn status(&self) -> Result<StatusReport, ServiceError> {
        let (mut open, mut waiting, mut closed) = (0, 0, 0);
        self.with_catalog(|c| {
            for s in c.summaries() {
                match s.status {
                    Status::Open => open += 1,
                    Status::Waiting => waiting += 1,
                    Status::Closed => closed += 1,
                }
            }
        })?;
        let rt = self.runtime.read().expect("runtime lock").clone();
        let quarantine = self.quarantine_summary()?;
        Ok(StatusReport {
            version: env!("CARGO_PKG_VERSION").to_string(),
            daemon: rt.pid.is_some(),
            pid: rt.pid,
            started: rt.started.map(Stamp),
            open,
            waiting,
            closed,
            quarantined: quarantine.count,
            quarantine_oldest_days_left: quarantine.oldest_days_left,
            intake: rt.intake,
            as_of: None,
        })
    }

    /// The state as `caller` may see it: live for root and the service's user (who can read
    /// the store anyway), else the report published at the last step of `received_precision`,
    /// so that polling it tells no arrival time finer than the stored times.
    pub fn status_for(&self, caller: &Caller) -> Result<StatusReport, ServiceError> {
        let reads_store = caller.uid == 0 || caller.uid == nix::unistd::geteuid().as_raw();
        let published = self.runtime.read().expect("runtime lock").published.clone();
        match published {
            Some(report) if !reads_store => Ok(report),
            _ if reads_store => self.status(),
            _ => Ok(self
                .status()?
                .published(self.config.received_precision, self.store.now())),
        }
    }

    /// Records a refused connection in the audit log (uid only; no writer data).
    pub fn audit_refusal(&self, uid: u32, name: &str) {
        let _ = self.store.audit_action(
            &Actor {
                uid: Some(uid),
                name: name.to_string(),
            },
            "access.refused",
            None,
            None,
        );
    }
}

impl crate::intake::imap::Filing for Service {
    fn store(&self) -> &Store {
        &self.store
    }

    fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    fn file(&self, prepared: Vec<Prepared>) -> Result<Vec<Outcome>, ServiceError> {
        self.commit_prepared(prepared)
    }

    fn intake_status(&self, update: &mut dyn FnMut(&mut IntakeStatus)) {
        let mut rt = self.runtime.write().expect("runtime lock");
        update(rt.intake.get_or_insert_with(Default::default));
    }
}

fn done(changed: bool, message: String) -> Response {
    Response::Done { changed, message }
}

fn invalid(msg: &str) -> ServiceError {
    ServiceError::new(ErrorKind::Invalid, msg)
}

/// Refuses callers below `role`.
pub fn require(caller: &Caller, role: Role) -> Result<(), ServiceError> {
    if caller.role >= role {
        Ok(())
    } else {
        Err(ServiceError::new(
            ErrorKind::Forbidden,
            format!(
                "this needs the {} role; {} is a {}",
                role.as_str(),
                caller.name,
                caller.role.as_str()
            ),
        ))
    }
}

#[cfg(test)]
mod snapshot_due_tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_snapshot_is_due_when_none_is_kept_or_enough_changed() {
        let minute = Duration::from_secs(60);
        assert!(snapshot_due(None, Duration::ZERO));
        assert!(!snapshot_due(Some(0), 60 * minute));
        assert!(!snapshot_due(Some(1), minute));
        assert!(snapshot_due(Some(1), SNAPSHOT_AFTER));
        assert!(!snapshot_due(Some(SNAPSHOT_AFTER_CHANGES - 1), minute));
        assert!(snapshot_due(Some(SNAPSHOT_AFTER_CHANGES), Duration::ZERO));
    }
}
