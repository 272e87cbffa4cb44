//! What the service answers besides tickets: who the caller is, search hits, the service's
//! state, what a purge, a key rotation or a quarantine step did.

use serde::{Deserialize, Serialize};

use super::actor::Caller;
use super::incoming::Outcome;
use super::views::Status;
use crate::anonymise::{AttachmentKind, Language};
use crate::time::{Precision, Stamp};

/// Who the caller is, and how the service shows times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Whoami {
    /// The caller, as the service sees them.
    pub caller: Caller,
    /// How precisely arrival times are stored.
    pub precision: Precision,
    /// The service's version.
    pub version: String,
    /// When counsellors answer mail (`[hours]`).
    #[serde(default)]
    pub hours: Box<crate::hours::HoursConfig>,
    /// The helpline's time zone (IANA name), when the service knows one by name; else the
    /// caller's system zone is used.
    #[serde(default)]
    pub timezone: Option<String>,
    /// The reply target, in working hours.
    #[serde(default = "default_target_hours")]
    pub target_hours: u32,
}

fn default_target_hours() -> u32 {
    16
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    /// The ticket.
    pub id: String,
    /// Its state.
    pub status: Status,
    pub urgent: bool,
    /// Its subject.
    pub subject: String,
    /// A line of text around the first match.
    pub excerpt: String,
}

/// The state of the intake duty, as `sourdine status` shows it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IntakeStatus {
    /// The last poll that completed without error.
    pub last_poll: Option<Stamp>,
    /// Messages the mailbox held at the last poll.
    pub waiting: Option<u64>,
    /// Messages taken in since start.
    pub taken_in: u64,
    /// Errors since start.
    pub errors: u64,
    /// The last error (no writer data).
    pub last_error: Option<String>,
}

/// The state of the service.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StatusReport {
    /// sourdine's version.
    pub version: String,
    /// Whether a daemon answered (else the store was opened directly).
    pub daemon: bool,
    /// The daemon's pid.
    pub pid: Option<u32>,
    /// When the daemon started.
    pub started: Option<Stamp>,
    /// Open tickets.
    pub open: usize,
    /// Tickets waiting for the writer.
    pub waiting: usize,
    /// Closed tickets.
    pub closed: usize,
    /// Quarantined messages.
    pub quarantined: usize,
    /// Whole days before the oldest quarantined message is destroyed.
    #[serde(default)]
    pub quarantine_oldest_days_left: Option<i64>,
    /// The intake duty, when configured.
    pub intake: Option<IntakeStatus>,
    /// When the counts were taken, for a report published to counsellors (a snapshot at each
    /// step of `received_precision`); None: live.
    #[serde(default)]
    pub as_of: Option<Stamp>,
}

impl StatusReport {
    /// This report as counsellors may see it, taken at `step` (a time rounded to `p`): every
    /// time rounded to `p`, so that it tells no arrival finer than the stored times do.
    pub fn published(mut self, p: Precision, step: i64) -> StatusReport {
        self.started = self.started.map(|t| Stamp(p.round(t.0)));
        if let Some(i) = self.intake.as_mut() {
            i.last_poll = i.last_poll.map(|t| Stamp(p.round(t.0)));
        }
        self.as_of = Some(Stamp(p.round(step)));
        self
    }
}

/// What a key rotation did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RekeyReport {
    /// The new key epoch.
    pub epoch: u32,
    /// Data keys re-wrapped under it.
    pub rewrapped: usize,
    /// Epochs whose key files were destroyed.
    pub destroyed: Vec<u32>,
}

/// What a purge removed (counts and references; never writer data).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurgeReport {
    /// Nothing was changed: this is what would be removed.
    pub dry_run: bool,
    /// Tickets whose sealed reply address was destroyed.
    pub reply_addresses: Vec<String>,
    /// Tickets destroyed.
    pub tickets: Vec<String>,
    /// Quarantine entries destroyed.
    pub quarantine: Vec<String>,
    /// Audit entries removed behind a checkpoint.
    pub audit_entries: u64,
    /// The key rotation that made the erasure final.
    pub rekey: Option<RekeyReport>,
    /// Statistics facts and monthly counts removed for their age (`retention.stats_months`);
    /// the destroyed tickets' own facts are kept for the statistics.
    #[serde(default)]
    pub stats_expired: usize,
    /// Drafts destroyed for their age (`retention.draft_days`).
    #[serde(default)]
    pub drafts: usize,
}

/// What `sourdine quarantine show` prints: never a header but the subject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuarantineShown {
    pub reference: String,
    /// Why it is in quarantine (no writer data).
    pub reason: String,
    /// Size of the raw message, in bytes.
    pub size: u64,
    /// When it arrived, at the configured precision.
    pub received: Stamp,
    /// When retention destroys it.
    pub expires: Stamp,
    /// Whole days left before then (0: at the next purge).
    pub days_left: i64,
    /// The decoded subject.
    pub subject: String,
    /// The readable text, cleaned by the body rules.
    pub text: String,
    /// The language of the text.
    pub language: Language,
    /// The attachments found: type and size only.
    pub attachments: Vec<FoundView>,
    /// Attachments found beyond those listed.
    pub more_attachments: usize,
}

/// An attachment found in a quarantined message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FoundView {
    /// The sniffed type.
    pub kind: AttachmentKind,
    /// Its MIME type.
    pub content_type: String,
    /// The decoded size, in bytes.
    pub size: u64,
}

/// What became of one retried entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retried {
    /// The quarantine reference.
    pub reference: String,
    #[serde(flatten)]
    pub result: RetryResult,
}

/// The result of a retry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum RetryResult {
    /// The pipeline took it: a new ticket, a follow-up or a delivery report; the entry is gone.
    Filed {
        /// What the store made of it.
        outcome: Outcome,
    },
    /// The pipeline refused it again; the entry stays, with this reason.
    StillQuarantined {
        /// The reason now.
        reason: String,
        /// The reason before the retry.
        previous: String,
    },
    /// No such entry.
    NotFound,
}

/// What a release made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Released {
    /// The quarantine reference (now gone).
    pub reference: String,
    /// The ticket made (or joined, for a follow-up).
    pub outcome: Outcome,
    pub attachments_withheld: usize,
}

/// One saved reply, as `ticket templates` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedReplyInfo {
    /// Its name (`ticket reply ID --template NAME`).
    pub name: String,
    /// The languages it is written in (`fr`, `nl`, `en`).
    pub languages: Vec<String>,
    /// Its first line that is not blank, in the first of those languages.
    pub first_line: String,
}

/// Saved replies put together for one ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComposedReply {
    /// The texts, one after the other, placeholders filled.
    pub text: String,
    /// The language the ticket was written in (what the texts were wanted in).
    pub language: Language,
    /// The saved replies that do not exist in that language and are given in English.
    pub in_english: Vec<String>,
}
