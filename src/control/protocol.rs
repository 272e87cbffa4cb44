//! The control protocol between `ticket` (or `sourdine`) and the running service: one JSON
//! object per line, versioned, each request answered by one response.
//!
//! ```text
//! -> {"v":1,"request":{"op":"show","id":"K7F3QX9M"}}
//! <- {"v":1,"ok":{"type":"ticket","data":{...}}}
//! <- {"v":1,"error":{"kind":"not_found","message":"ticket K7F3QX9M not found"}}
//! ```
//!
//! The caller's identity is never part of a request: the service reads it from the socket.

use base64::Engine;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::service::{SearchHit, ServiceError, StatusReport, Whoami};
use crate::store::{
    AttachmentView, AuditEntry, AuditVerification, ListFilter, Outcome, QuarantineView, RevealView,
    TicketSummary, TicketView,
};

/// The protocol version this build speaks.
pub const VERSION: u32 = 1;
/// Largest request from a counsellor, in bytes (notes, searches...).
pub const MAX_REQUEST: usize = 1024 * 1024;

/// Bytes carried as base64 in JSON.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Bytes(pub Vec<u8>);

impl std::fmt::Debug for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bytes({} bytes)", self.0.len())
    }
}

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Bytes, D::Error> {
        let s = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD
            .decode(s.as_bytes())
            .map(Bytes)
            .map_err(serde::de::Error::custom)
    }
}

/// What a caller asks.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Request {
    /// Who the service thinks the caller is.
    Whoami,
    /// Tickets passing a filter.
    List {
        /// The filter.
        #[serde(default)]
        filter: ListFilter,
        /// Only the caller's claimed tickets.
        #[serde(default)]
        mine: bool,
    },
    /// One ticket (audited).
    Show {
        /// The reference.
        id: String,
    },
    /// An attachment's cleaned bytes (audited).
    Attachment {
        /// The ticket.
        id: String,
        /// Number or generic name.
        attachment: String,
    },
    /// Adds an internal note.
    Note {
        /// The ticket.
        id: String,
        /// The text.
        text: String,
    },
    /// Closes a ticket.
    Close {
        /// The ticket.
        id: String,
        /// What the counsellor records about the contact (needed unless the configuration
        /// says `classification_required = false`).
        #[serde(default)]
        classification: Option<crate::taxonomy::Classification>,
        /// Close it although someone else claimed it (audited).
        #[serde(default)]
        force: bool,
    },
    /// The contact classification: codes and labels.
    Classification,
    /// The statistics (supervisors).
    Stats {
        /// First month, `YYYY-MM` (default: eleven months before `to`).
        #[serde(default)]
        from: Option<String>,
        /// Last month, `YYYY-MM` (default: the current month).
        #[serde(default)]
        to: Option<String>,
    },
    /// Reopens a ticket.
    Reopen {
        /// The ticket.
        id: String,
    },
    /// Adds a tag.
    Tag {
        /// The ticket.
        id: String,
        /// The tag.
        tag: String,
    },
    /// Removes a tag.
    Untag {
        /// The ticket.
        id: String,
        /// The tag.
        tag: String,
    },
    /// Claims a ticket.
    Claim {
        /// The ticket.
        id: String,
        /// Take it from whoever holds it (supervisors).
        #[serde(default)]
        force: bool,
    },
    /// Releases a claim.
    Release {
        /// The ticket.
        id: String,
        /// Release someone else's claim (supervisors).
        #[serde(default)]
        force: bool,
    },
    /// Marks a ticket urgent (with a reason) or clears the mark (no reason).
    Urgent {
        /// The ticket.
        id: String,
        /// Why; None clears the mark.
        reason: Option<String>,
    },
    /// Searches subjects, message text and notes.
    Search {
        /// The words.
        text: String,
        /// At most this many results.
        #[serde(default)]
        limit: Option<usize>,
    },
    /// Queues a reply to the writer of a ticket.
    Reply {
        /// The ticket.
        id: String,
        /// The text.
        text: String,
        /// The counsellor confirmed replying although our mail server did not verify the
        /// sender (refused without it; audited with it).
        #[serde(default)]
        unverified: bool,
        /// Answer although someone else claimed the ticket (audited).
        #[serde(default)]
        force: bool,
        /// Hold it for a supervisor's review (`replies.review` may ask for it anyway).
        #[serde(default)]
        review: bool,
    },
    /// Keeps a reply as the caller's draft on a ticket (one per ticket and author).
    DraftSave {
        /// The ticket.
        id: String,
        /// The text.
        text: String,
    },
    /// The caller's draft on a ticket, if any.
    Draft {
        /// The ticket.
        id: String,
    },
    /// Destroys the caller's draft on a ticket.
    DraftDiscard {
        /// The ticket.
        id: String,
    },
    /// The caller's drafts (never anyone else's).
    Drafts,
    /// Replies waiting for review (supervisors: all; counsellors: their own).
    Reviews,
    /// A reply waiting for review, with its text (supervisors, and its author).
    ReviewShow {
        /// The ticket.
        id: String,
    },
    /// Sends a reply waiting for review (a supervisor who did not write it).
    ReviewApprove {
        /// The ticket.
        id: String,
        /// The approver confirmed sending although our mail server did not verify the
        /// sender (refused without it; audited with it).
        #[serde(default)]
        unverified: bool,
    },
    /// Returns a reply waiting for review to its author as a draft, with the reason.
    ReviewReject {
        /// The ticket.
        id: String,
        /// Why (sealed in the draft, for its author).
        reason: String,
    },
    /// A canned answer by name (empty name: the list of names).
    Template {
        /// The template's name.
        name: String,
        /// The language wanted (default: the configuration's).
        #[serde(default)]
        language: Option<crate::anonymise::Language>,
    },
    /// The outbox (operator).
    Outbox,
    /// Applies the retention policy now (operator).
    Purge {
        /// Only report what would be removed.
        #[serde(default)]
        dry_run: bool,
    },
    /// Destroys a ticket and its keys now (supervisors).
    Forget {
        /// The ticket.
        id: String,
        /// Why (recorded in the audit log, addresses redacted).
        reason: String,
    },
    /// Starts a new key epoch and destroys the old ones (operator).
    RotateKeys,
    /// Asks to reveal a ticket's reply address (supervisors).
    RevealRequest {
        /// The ticket.
        id: String,
        /// Why (grave and imminent danger).
        reason: String,
    },
    /// Approves a reveal request as a second supervisor; shows the address once.
    RevealApprove {
        /// The request reference.
        request: String,
    },
    /// Lists reveal requests (supervisors).
    RevealList,
    /// Takes in raw messages (operator).
    Ingest {
        /// The raw messages.
        messages: Vec<Bytes>,
    },
    /// The quarantine (operator).
    QuarantineList,
    /// What can be read of a quarantined message (operator; audited).
    QuarantineShow {
        /// The quarantine reference.
        reference: String,
    },
    /// Runs quarantined messages through the pipeline again (operator; audited).
    QuarantineRetry {
        /// The quarantine references.
        references: Vec<String>,
    },
    /// Makes a ticket of a quarantined message's readable text, every attachment withheld
    /// (operator; audited).
    QuarantineRelease {
        /// The quarantine reference.
        reference: String,
    },
    /// A quarantined message with its header values replaced, for a bug report (operator;
    /// audited).
    QuarantineExport {
        /// The quarantine reference.
        reference: String,
    },
    /// The audit log (operator).
    Audit {
        /// Only the last N entries.
        #[serde(default)]
        tail: Option<usize>,
        /// Only the entries that name this ticket (who saw it, who did what to it).
        #[serde(default)]
        ticket: Option<String>,
    },
    /// Checks the audit chain (operator).
    AuditVerify {
        /// A head recorded earlier ("SEQ MAC"), to check that it is still in the log.
        #[serde(default)]
        expect_head: Option<crate::store::ExpectedHead>,
    },
    /// The service's state.
    Status,
    /// The catalog's change counter: a view that stays open (the inbox) asks for it at most
    /// once a second and fetches the list again only when it moved.
    Changes,
    /// Tickets passing a filter, for a view that stays open: recorded in the audit log as
    /// `list` is, except when they are the same set the proof `shown` names.
    LiveList {
        /// The filter.
        #[serde(default)]
        filter: ListFilter,
        /// Only the caller's claimed tickets.
        #[serde(default)]
        mine: bool,
        /// The proof of the view's last answer (`LiveList::shown`).
        #[serde(default)]
        shown: Option<String>,
    },
}

impl Request {
    /// The operation's name, for logs (never its arguments).
    pub fn op(&self) -> &'static str {
        match self {
            Request::Whoami => "whoami",
            Request::List { .. } => "list",
            Request::Show { .. } => "show",
            Request::Attachment { .. } => "attachment",
            Request::Note { .. } => "note",
            Request::Close { .. } => "close",
            Request::Classification => "classification",
            Request::Stats { .. } => "stats",
            Request::Reopen { .. } => "reopen",
            Request::Tag { .. } => "tag",
            Request::Untag { .. } => "untag",
            Request::Claim { .. } => "claim",
            Request::Release { .. } => "release",
            Request::Urgent { .. } => "urgent",
            Request::Search { .. } => "search",
            Request::Reply { .. } => "reply",
            Request::DraftSave { .. } => "draft_save",
            Request::Draft { .. } => "draft",
            Request::DraftDiscard { .. } => "draft_discard",
            Request::Drafts => "drafts",
            Request::Reviews => "reviews",
            Request::ReviewShow { .. } => "review_show",
            Request::ReviewApprove { .. } => "review_approve",
            Request::ReviewReject { .. } => "review_reject",
            Request::Template { .. } => "template",
            Request::Outbox => "outbox",
            Request::Purge { .. } => "purge",
            Request::Forget { .. } => "forget",
            Request::RotateKeys => "rotate_keys",
            Request::RevealRequest { .. } => "reveal_request",
            Request::RevealApprove { .. } => "reveal_approve",
            Request::RevealList => "reveal_list",
            Request::Ingest { .. } => "ingest",
            Request::QuarantineList => "quarantine_list",
            Request::QuarantineShow { .. } => "quarantine_show",
            Request::QuarantineRetry { .. } => "quarantine_retry",
            Request::QuarantineRelease { .. } => "quarantine_release",
            Request::QuarantineExport { .. } => "quarantine_export",
            Request::Audit { .. } => "audit",
            Request::AuditVerify { .. } => "audit_verify",
            Request::Status => "status",
            Request::Changes => "changes",
            Request::LiveList { .. } => "live_list",
        }
    }
}

/// What the service answers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum Response {
    /// The caller, as the service sees them.
    Whoami(Whoami),
    /// A list of tickets.
    Tickets(Vec<TicketSummary>),
    /// One ticket.
    Ticket(Box<TicketView>),
    /// An attachment.
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
    Draft(Option<crate::store::DraftView>),
    /// The caller's drafts.
    Drafts(Vec<crate::store::DraftSummary>),
    /// Replies waiting for review.
    Reviews(Vec<crate::store::ReviewView>),
    /// A reply waiting for review, with its text.
    Review(Box<crate::store::ReviewView>),
    /// A canned answer.
    Template(String),
    /// The names of the canned answers.
    Templates(Vec<String>),
    /// The outbox.
    Outbox(Vec<crate::store::OutboxView>),
    /// What a purge removed (or would remove).
    Purged(crate::store::PurgeReport),
    /// A key rotation.
    Rekeyed(crate::store::RekeyReport),
    /// A reveal request was recorded.
    RevealRequested {
        /// Its reference, for the second supervisor.
        request: String,
    },
    /// The reply address, shown once to the approving supervisor.
    Revealed {
        /// The ticket.
        ticket: String,
        /// The address.
        address: String,
    },
    /// Reveal requests.
    Reveals(Vec<RevealView>),
    /// What became of ingested messages.
    Ingested(Vec<Outcome>),
    /// The quarantine.
    Quarantine(Vec<QuarantineView>),
    /// What can be read of a quarantined message.
    QuarantineShown(Box<crate::service::quarantine::QuarantineShown>),
    /// What became of retried quarantine entries.
    QuarantineRetried(Vec<crate::service::quarantine::Retried>),
    /// A released quarantine entry.
    QuarantineReleased(crate::service::quarantine::Released),
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
        taxonomy: crate::taxonomy::Taxonomy,
        /// Whether closing a ticket needs a type.
        required: bool,
    },
    /// The statistics, suppressed, with the labels.
    Stats(Box<crate::service::stats::StatsReport>),
    /// The catalog's change counter.
    Changes(u64),
    /// A list for a view that stays open.
    LiveList(crate::service::live::LiveList),
}

/// A request on the wire.
#[derive(Debug, Serialize, Deserialize)]
pub struct RequestFrame {
    /// Protocol version.
    pub v: u32,
    /// The request.
    pub request: Request,
}

/// A response on the wire.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WireResult {
    /// Success.
    Ok(Response),
    /// Failure.
    Error(ServiceError),
}

/// A response on the wire.
#[derive(Debug, Serialize, Deserialize)]
pub struct ResponseFrame {
    /// Protocol version.
    pub v: u32,
    /// The result.
    #[serde(flatten)]
    pub result: WireResult,
}

impl ResponseFrame {
    /// Wraps a result.
    pub fn new(result: Result<Response, ServiceError>) -> ResponseFrame {
        ResponseFrame {
            v: VERSION,
            result: match result {
                Ok(r) => WireResult::Ok(r),
                Err(e) => WireResult::Error(e),
            },
        }
    }

    /// Unwraps the result.
    pub fn into_result(self) -> Result<Response, ServiceError> {
        match self.result {
            WireResult::Ok(r) => Ok(r),
            WireResult::Error(e) => Err(e),
        }
    }
}

/// Parses one request line; the error names what is wrong without echoing the input.
pub fn parse_request(line: &[u8]) -> Result<Request, ServiceError> {
    use crate::service::ErrorKind;
    let frame: RequestFrame = serde_json::from_slice(line).map_err(|e| {
        ServiceError::new(
            ErrorKind::Invalid,
            format!(
                "malformed request (line {}, column {}: {:?})",
                e.line(),
                e.column(),
                e.classify()
            ),
        )
    })?;
    if frame.v != VERSION {
        return Err(ServiceError::new(
            ErrorKind::Invalid,
            format!(
                "protocol version {} is not spoken here (this service speaks {VERSION}); use the same sourdine version on both sides",
                frame.v
            ),
        ));
    }
    Ok(frame.request)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_round_trip() {
        let line = serde_json::to_vec(&RequestFrame {
            v: VERSION,
            request: Request::Show {
                id: "K7F3QX9M".into(),
            },
        })
        .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&line),
            r#"{"v":1,"request":{"op":"show","id":"K7F3QX9M"}}"#
        );
        assert!(matches!(parse_request(&line).unwrap(), Request::Show { id } if id == "K7F3QX9M"));
    }

    #[test]
    fn bad_requests_are_refused_without_echo() {
        for bad in [
            &br#"{"v":2,"request":{"op":"whoami"}}"#[..],
            br#"{"v":1,"request":{"op":"drop_all"}}"#,
            br#"{"v":1,"request":{"op":"show","id":"X","extra":"SECRETTOKEN"}}"#,
            b"not json at all SECRETTOKEN",
            b"",
        ] {
            let e = parse_request(bad).unwrap_err();
            assert!(!e.to_string().contains("SECRETTOKEN"), "{e}");
        }
    }

    #[test]
    fn bytes_travel_as_base64() {
        let j = serde_json::to_string(&Bytes(vec![0, 255, 1])).unwrap();
        assert_eq!(j, "\"AP8B\"");
        assert_eq!(
            serde_json::from_str::<Bytes>(&j).unwrap().0,
            vec![0, 255, 1]
        );
    }
}
