//! What the service answers, in-process or over the socket.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::audit::{AuditEntry, AuditVerification};
use super::drafts::{DraftSummary, DraftView, ReviewView};
use super::incoming::Outcome;
use super::reports::{ComposedReply, SavedReplyInfo};
use super::reports::{
    PurgeReport, QuarantineShown, RekeyReport, Released, Retried, SearchHit, StatusReport, Whoami,
};
use super::request::Bytes;
use super::stats::StatsReport;
use super::views::LiveList;
use super::views::{
    AttachmentView, OutboxView, QuarantineView, RevealView, TicketSummary, TicketView,
};
use crate::taxonomy::Taxonomy;

/// What the service answers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum Response {
    /// The caller, as the service sees them.
    Whoami(Whoami),
    /// A list of tickets.
    Tickets(Vec<Arc<TicketSummary>>),
    /// One ticket.
    Ticket(Box<TicketView>),
    Attachment {
        /// What it is.
        view: AttachmentView,
        /// Its cleaned bytes.
        bytes: Bytes,
    },
    /// A change was made (or was not needed).
    Done {
        /// Whether anything changed.
        changed: bool,
        /// What happened, for people.
        message: String,
    },
    /// Search results.
    Search(Vec<SearchHit>),
    /// A reply was queued in the outbox.
    Queued {
        /// The outbox reference.
        reference: String,
        /// The subject it goes out with.
        subject: String,
        /// Whether an `[smtp]` server is configured (else it waits).
        will_send: bool,
    },
    /// A reply was held for a supervisor's review instead of going to the outbox.
    Held {
        /// The ticket.
        ticket: String,
    },
    /// The caller's draft on a ticket, if any.
    Draft(Option<DraftView>),
    /// The caller's drafts.
    Drafts(Vec<DraftSummary>),
    /// Replies waiting for review.
    Reviews(Vec<ReviewView>),
    /// A reply waiting for review, with its text.
    Review(Box<ReviewView>),
    /// A canned answer.
    Template(String),
    /// The names of the canned answers.
    Templates(Vec<String>),
    /// The saved replies.
    SavedReplies(Vec<SavedReplyInfo>),
    /// Saved replies put together for a ticket.
    SavedReply(ComposedReply),
    Outbox(Vec<OutboxView>),
    /// What a purge removed (or would remove).
    Purged(PurgeReport),
    /// A key rotation.
    Rekeyed(RekeyReport),
    /// A reveal request was recorded.
    RevealRequested {
        /// Its reference, for the second supervisor.
        request: String,
    },
    /// The reply address, shown once to the approving supervisor.
    Revealed {
        ticket: String,
        address: String,
    },
    /// Reveal requests.
    Reveals(Vec<RevealView>),
    /// What became of ingested messages.
    Ingested(Vec<Outcome>),
    Quarantine(Vec<QuarantineView>),
    /// What can be read of a quarantined message.
    QuarantineShown(Box<QuarantineShown>),
    /// What became of retried quarantine entries.
    QuarantineRetried(Vec<Retried>),
    /// A released quarantine entry.
    QuarantineReleased(Released),
    /// A quarantined message for a bug report.
    QuarantineExported {
        /// The quarantine reference.
        reference: String,
        /// Header values replaced.
        fields: usize,
        /// Boundaries renamed.
        boundaries: usize,
        /// The rewritten message.
        bytes: Bytes,
    },
    /// Audit entries.
    Audit(Vec<AuditEntry>),
    /// The audit chain check.
    Verification(AuditVerification),
    /// The service's state.
    Status(Box<StatusReport>),
    /// The contact classification.
    Classification {
        /// Codes and labels.
        taxonomy: Taxonomy,
        /// Whether closing a ticket needs a type.
        required: bool,
    },
    /// The statistics, suppressed, with the labels.
    Stats(Box<StatsReport>),
    /// The catalog's change counter.
    Changes(u64),
    /// A list for a view that stays open.
    LiveList(LiveList),
}
