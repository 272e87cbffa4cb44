//! What a caller asks the service, in-process or over the socket.

use base64::Engine;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::audit::ExpectedHead;
use super::views::ListFilter;
use crate::anonymise::Language;
use crate::taxonomy::Classification;

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
        s.serialize_str(&crate::anonymise::base64_engine().encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Bytes, D::Error> {
        let s = String::deserialize(d)?;
        crate::anonymise::base64_engine()
            .decode(s.as_bytes())
            .map(Bytes)
            // The crate's error names the offending byte and its offset: a byte of a message.
            .map_err(|_| serde::de::Error::custom("message bytes are not valid base64"))
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
        text: String,
    },
    /// Closes a ticket.
    Close {
        /// The ticket.
        id: String,
        /// What the counsellor records about the contact (needed unless the configuration
        /// says `classification_required = false`).
        #[serde(default)]
        classification: Option<Classification>,
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
        tag: String,
    },
    /// Removes a tag.
    Untag {
        /// The ticket.
        id: String,
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
        language: Option<Language>,
    },
    /// The saved replies: names, languages, first lines.
    SavedReplies,
    /// Saved replies put together for a ticket: one after the other, in the ticket's
    /// language (else English), placeholders filled.
    SavedReply {
        /// The ticket.
        id: String,
        /// The saved replies, in order.
        names: Vec<String>,
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
    /// [`Request::Ingest`] on the control socket with the messages after the request's line,
    /// one after the other as they are (no base64, no JSON): `lengths` gives each one's size
    /// in bytes. The socket reads them and passes on an `Ingest`.
    IngestFollowing {
        /// The size in bytes of each message that follows the line.
        lengths: Vec<u64>,
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
        expect_head: Option<ExpectedHead>,
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
            Request::SavedReplies => "saved_replies",
            Request::SavedReply { .. } => "saved_reply",
            Request::Outbox => "outbox",
            Request::Purge { .. } => "purge",
            Request::Forget { .. } => "forget",
            Request::RotateKeys => "rotate_keys",
            Request::RevealRequest { .. } => "reveal_request",
            Request::RevealApprove { .. } => "reveal_approve",
            Request::RevealList => "reveal_list",
            Request::Ingest { .. } | Request::IngestFollowing { .. } => "ingest",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_travel_as_standard_base64_both_ways() {
        let standard = &base64::engine::general_purpose::STANDARD;
        for len in [0usize, 1, 2, 3, 31, 32, 33, 95, 96, 97, 1000, 70_001] {
            let data: Vec<u8> = (0..len).map(|i| (i * 131 % 256) as u8).collect();
            let json = serde_json::to_string(&Bytes(data.clone())).unwrap();
            assert_eq!(json, format!("\"{}\"", standard.encode(&data)), "{len}");
            let back: Bytes = serde_json::from_str(&json).unwrap();
            assert_eq!(back.0, data, "{len}");
        }
        for bad in [
            "\"QQ\"",
            "\"QQ=A\"",
            "\"QR==\"",
            "\"Q*==\"",
            "\"QUJD\\nQUJD\"",
        ] {
            assert!(serde_json::from_str::<Bytes>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn invalid_base64_error_names_no_byte_of_the_message() {
        for (bad, byte) in [(r#""QUJDZ*==""#, "42"), (r#""QUJDZ\u00e9==""#, "195")] {
            let err = serde_json::from_str::<Bytes>(bad).unwrap_err().to_string();
            assert!(err.contains("not valid base64"), "{err}");
            // The base64 crate names a bad symbol by its value.
            assert!(!err.contains(byte), "{err}");
            assert!(!err.contains("offset"), "{err}");
        }
    }
}
