//! What reading the store returns: the same shapes whether the store was opened directly or
//! reached through the daemon, so the output is the same either way.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::anonymise::{AttachmentKind, Language, WithheldReason};
use crate::time::Stamp;

/// Which tickets a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StatusFilter {
    /// Awaiting an answer (default).
    #[default]
    Open,
    /// Answered, awaiting the writer.
    Waiting,
    Closed,
    /// Every ticket.
    All,
}

impl StatusFilter {
    /// Whether `s` passes.
    pub fn admits(self, s: Status) -> bool {
        match self {
            StatusFilter::Open => s == Status::Open,
            StatusFilter::Waiting => s == Status::Waiting,
            StatusFilter::Closed => s == Status::Closed,
            StatusFilter::All => true,
        }
    }

    /// Whether a ticket in state `s` passes, `urgent` or not: an urgent mark keeps an
    /// answered ticket among the open ones until the mark is cleared.
    pub fn admits_marked(self, s: Status, urgent: bool) -> bool {
        self.admits(s) || (self == StatusFilter::Open && urgent && s == Status::Waiting)
    }
}

/// A list request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ListFilter {
    /// Status filter.
    #[serde(default)]
    pub status: StatusFilter,
    /// At most this many tickets.
    #[serde(default)]
    pub limit: Option<usize>,
    /// Only tickets never answered.
    #[serde(default)]
    pub unanswered: bool,
    /// Only tickets claimed by this uid (`--mine`; set by the service from the caller).
    #[serde(default)]
    pub claimed_by: Option<u32>,
    /// Only tickets with this tag.
    #[serde(default)]
    pub tag: Option<String>,
    /// Only urgent tickets.
    #[serde(default)]
    pub urgent: bool,
    /// Only open tickets whose writer has waited longer than the reply target (in working
    /// hours; the service judges it, see [`crate::hours`]).
    #[serde(default)]
    pub overdue: bool,
}

impl ListFilter {
    /// Whether a ticket passes.
    pub fn admits(&self, t: &TicketSummary) -> bool {
        self.status.admits_marked(t.status, t.urgent)
            && (!self.unanswered || !t.answered)
            && (!self.urgent || t.urgent)
            && self
                .claimed_by
                .is_none_or(|uid| t.claimed_by_uid == Some(uid))
            && self
                .tag
                .as_ref()
                .is_none_or(|tag| t.tags.iter().any(|x| x.eq_ignore_ascii_case(tag)))
    }
}

/// One line of `ticket list`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketSummary {
    /// The reference (shared, not copied, by the catalog and its search index).
    pub id: Arc<str>,
    /// The state.
    pub status: Status,
    /// When the first message arrived (rounded).
    pub received: Stamp,
    /// When the writer last wrote (rounded).
    pub last_in: Stamp,
    /// The subject of the first message (shared: a listing copies no text).
    pub subject: Arc<str>,
    /// Messages in the thread.
    pub messages: u32,
    /// Marked urgent.
    pub urgent: bool,
    pub tags: Vec<String>,
    /// The language told from the first message.
    pub language: Language,
    /// Whether we ever answered.
    pub answered: bool,
    /// Who claimed it.
    pub claimed_by: Option<String>,
    /// The uid of who claimed it.
    pub claimed_by_uid: Option<u32>,
    /// What the counsellor recorded when closing it (codes; null until then).
    pub classification: Option<Box<crate::taxonomy::Classification>>,
}

/// A whole ticket, for `ticket show`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketView {
    /// The reference.
    pub id: String,
    /// The state.
    pub status: Status,
    /// When the first message arrived (rounded).
    pub received: Stamp,
    /// The subject of the first message.
    pub subject: String,
    /// The writer, as a pseudonym (never an address).
    pub writer: String,
    /// Our mail server verified the first sender (`sender` is `verified`).
    pub sender_verified: bool,
    /// What our mail server said about the first sender: `verified`, `unknown` or `failed`.
    pub sender: crate::anonymise::Verification,
    /// Whether a reply can still be sent (the sealed envelope exists).
    pub can_reply: bool,
    /// Marked urgent.
    pub urgent: bool,
    pub tags: Vec<String>,
    /// The language told from the first message.
    pub language: Language,
    /// Why it is urgent (a counsellor's words).
    pub urgent_reason: Option<String>,
    /// Who claimed it.
    pub claimed_by: Option<String>,
    /// What the counsellor recorded when closing it (codes; null until then).
    pub classification: Option<crate::taxonomy::Classification>,
    /// The thread, oldest first.
    pub messages: Vec<MessageView>,
    /// Internal notes, oldest first (never sent).
    pub notes: Vec<NoteView>,
}

/// One message of a thread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageView {
    /// `in` from the writer, `out` to the writer.
    pub direction: Direction,
    /// Who: the writer's pseudonym or `helpline`.
    pub from: String,
    /// When (rounded).
    pub received: Stamp,
    pub subject: String,
    /// The sanitised text.
    pub body: String,
    pub attachments: Vec<AttachmentView>,
    /// A follow-up from an address other than the sealed one (neither is shown).
    pub different_sender: bool,
    /// For our messages: sent automatically (the acknowledgement).
    pub automatic: bool,
    /// For our messages: where delivery stands.
    pub delivery: Option<DeliveryView>,
}

/// An attachment as counsellors see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttachmentView {
    /// Number within the ticket (for `ticket attachment`).
    pub id: u32,
    /// Generic name, `attachment-N.ext`.
    pub name: String,
    /// The sniffed type.
    pub content_type: String,
    /// The sniffed type, as a short name (`jpeg`, `pdf`, `vcard`...).
    pub kind: AttachmentKind,
    /// Size of the original, in bytes.
    pub size: u64,
    /// The bytes were not stored.
    pub withheld: bool,
    /// Why, when withheld.
    pub reason: Option<WithheldReason>,
    /// A cleaner removed its metadata.
    pub cleaned: bool,
}

/// One quarantine entry, for the operator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuarantineView {
    pub reference: String,
    /// Why (no writer data).
    pub reason: String,
    /// Size of the raw message in bytes.
    pub size: u64,
    /// When it arrived (rounded).
    pub received: Stamp,
}

/// The state of a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The writer's message awaits an answer.
    Open,
    /// We answered; the writer has not written back.
    Waiting,
    /// Closed by a counsellor.
    Closed,
}

impl Status {
    /// The status as the CLI spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Waiting => "waiting",
            Status::Closed => "closed",
        }
    }
}

/// Which way a message went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// From the writer.
    In,
    /// From the helpline to the writer.
    Out,
}

/// What kind of message the outbox delivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutKind {
    /// A counsellor's reply.
    Reply,
    /// The automatic acknowledgement.
    Acknowledgement,
}

/// Where a message to the writer stands, for people and scripts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryView {
    /// `queued`, `sent`, `not_delivered` or `bounced`.
    pub state: String,
    /// Attempts made (queued).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempts: Option<u32>,
    /// Why it failed (no writer data).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// When it was sent, refused or bounced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<Stamp>,
}

/// An internal note as counsellors see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteView {
    /// Who wrote it.
    pub author: String,
    /// When.
    pub time: Stamp,
    pub text: String,
}

/// A reveal request as supervisors see it (never the address).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevealView {
    /// The request reference (for `ticket reveal --approve`).
    pub request: String,
    pub ticket: String,
    /// Who asked.
    pub requested_by: String,
    /// When.
    pub requested_at: Stamp,
    /// Why (the requester's words).
    pub reason: String,
    /// Who approved it, if anyone did.
    pub approved_by: Option<String>,
}

/// An outbox entry as operators and tests see it (no text, no address).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxView {
    pub reference: String,
    pub ticket: String,
    /// Reply or acknowledgement.
    pub kind: OutKind,
    /// When it was queued.
    pub created: Stamp,
    /// Where it stands.
    pub delivery: DeliveryView,
}

/// A list for a view that stays open (the inbox): the tickets, and the proof of their set the
/// view sends back so the same set is not recorded in the audit log again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveList {
    /// The tickets, in list order.
    pub tickets: Vec<Arc<TicketSummary>>,
    /// The proof of this set of tickets, to send with the next request.
    pub shown: String,
    /// Whether this answer was recorded in the audit log (its set differed from the proof
    /// sent).
    pub recorded: bool,
}
