//! What the store keeps, record by record. Fields in clear carry no writer data: only
//! rounded times, states, counts and random references. Everything a writer wrote is inside
//! sealed payloads.

use serde::{Deserialize, Serialize};

use crate::anonymise::{AttachmentKind, Language, Verification, WithheldReason};
pub use crate::model::{DeliveryView, Direction, OutKind, Status};

/// The schema this build reads and writes.
pub const SCHEMA_VERSION: u32 = 1;
use crate::seal::WrappedKey;

/// A ticket's record (key `t:` + reference).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TicketRecord {
    /// Creation time, rounded to the configured precision.
    pub created: i64,
    /// Current state.
    pub status: Status,
    /// When the writer last wrote, rounded.
    pub last_in: i64,
    /// When we last answered, rounded.
    pub last_out: Option<i64>,
    /// When the ticket was closed (precise: a counsellor's action).
    pub closed_at: Option<i64>,
    /// Marked urgent (grave and imminent danger).
    pub urgent: bool,
    /// The counsellor who claimed it.
    pub claimed_by: Option<crate::model::Actor>,
    /// Messages in the thread.
    pub messages: u32,
    /// Sequence number of the next message.
    pub next_seq: u32,
    /// Number of the next attachment.
    pub next_attachment: u32,
    /// Sequence number of the next internal note.
    pub next_note: u32,
    /// The thread token our replies carry (80 bits; key `x:` + token points back here).
    pub token: String,
    /// An automatic acknowledgement was queued for this ticket (at most one).
    pub acknowledged: bool,
    /// Sealed [`TicketSecret`] under the ticket's content key.
    #[serde(with = "serde_bytes")]
    pub secret: Vec<u8>,
}

/// The sealed part of a ticket record.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TicketSecret {
    /// The subject of the first message.
    pub subject: String,
    /// The language of the first message.
    pub language: Language,
    /// Tags set by counsellors.
    pub tags: Vec<String>,
    /// What our mail server said about the first message's sender (stores written before the
    /// three states kept a boolean here: see [`verification_byte`]).
    #[serde(with = "verification_byte")]
    pub sender: Verification,
    /// Why a counsellor marked the ticket urgent (counsellor text, sealed).
    pub urgent_reason: Option<String>,
}

/// A [`Verification`] in one byte, so that records written when it was a boolean still read:
/// 0 (`false`) reads as unknown, 1 (`true`) as verified; 2 is failed. postcard writes a
/// boolean and a `u8` alike, as one byte.
pub mod verification_byte {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    use crate::anonymise::Verification;

    /// Writes the byte.
    pub fn serialize<S: Serializer>(v: &Verification, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(match v {
            Verification::Unknown => 0,
            Verification::Verified => 1,
            Verification::Failed => 2,
        })
    }

    /// Reads the byte.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Verification, D::Error> {
        match u8::deserialize(d)? {
            0 => Ok(Verification::Unknown),
            1 => Ok(Verification::Verified),
            2 => Ok(Verification::Failed),
            n => Err(D::Error::custom(format!("unknown sender verification {n}"))),
        }
    }
}

/// A ticket's wrapped data keys (key `k:` + reference).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TicketKeys {
    /// Seals the messages, attachments, notes and ticket secret.
    pub content: WrappedKey,
    /// Seals the reply envelope; destroyed on its own when the reply address expires.
    pub envelope: Option<WrappedKey>,
}

/// Where a sealed payload lives.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Payload {
    /// Small enough to live in the record.
    Inline(#[serde(with = "serde_bytes")] Vec<u8>),
    /// In a file under `files/`, by random name.
    File(String),
}

/// One message of a thread (key `m:` + reference + sequence).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MessageRecord {
    /// Which way it went.
    pub direction: Direction,
    /// When it arrived (or was sent), rounded.
    pub received: i64,
    /// The dedupe keys that point at this message (to delete them with it).
    pub digests: Vec<[u8; 32]>,
    /// Files this message owns under `files/` (attachments, a large body).
    pub files: Vec<String>,
    /// For our messages: the outbox entry that delivers it.
    pub outbox: Option<String>,
    /// For our messages: sent automatically (the acknowledgement).
    pub automatic: bool,
    /// Sealed [`MessageContent`].
    pub content: Payload,
}

/// The sealed part of a message.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MessageContent {
    pub subject: String,
    /// The text.
    pub body: String,
    /// The language told from the text.
    pub language: Language,
    pub attachments: Vec<AttachmentMeta>,
    /// What our mail server said about the sender (see [`verification_byte`]).
    #[serde(with = "verification_byte")]
    pub sender: Verification,
    /// A follow-up whose sender address differs from the sealed one.
    pub different_sender: bool,
}

/// An attachment as the store lists it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AttachmentMeta {
    /// Number within the ticket, from 1.
    pub id: u32,
    /// The sniffed type.
    pub kind: AttachmentKind,
    /// Size of the original, in bytes.
    pub size: u64,
    /// Why it is withheld, if it is.
    pub withheld: Option<WithheldReason>,
    /// Whether a cleaner rewrote it (false for content kept as is).
    pub cleaned: bool,
    /// The file holding the sealed bytes, when kept.
    pub file: Option<String>,
    /// Size of the kept bytes.
    pub stored_size: u64,
}

impl AttachmentMeta {
    /// The generic name shown to counsellors: `attachment-N.ext`.
    pub fn name(&self) -> String {
        format!("attachment-{}.{}", self.id, self.kind.extension())
    }
}

/// An internal note (key `n:` + reference + `/` + sequence). Never sent.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NoteRecord {
    /// When (precise: a counsellor's action).
    pub time: i64,
    /// Who wrote it.
    pub author: crate::model::Actor,
    /// The text, sealed under the ticket's content key.
    #[serde(with = "serde_bytes")]
    pub sealed: Vec<u8>,
}

/// A request to lift the secret (key `r:` + request reference).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RevealRecord {
    pub ticket: String,
    /// The supervisor who asked.
    pub requested_by: crate::model::Actor,
    /// When.
    pub requested_at: i64,
    /// The reason, sealed under the ticket's content key.
    #[serde(with = "serde_bytes")]
    pub reason_sealed: Vec<u8>,
    /// The second supervisor who approved it, once.
    pub approved_by: Option<crate::model::Actor>,
    /// When it was approved.
    pub approved_at: Option<i64>,
}

/// Where a message to the writer stands (as stored; see [`DeliveryView`] for output).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Delivery {
    /// Waiting to be sent (again).
    Queued {
        /// Attempts made so far.
        attempts: u32,
        /// Not before this time.
        next_attempt: i64,
        /// Why the last attempt failed (no writer data).
        last_error: Option<String>,
    },
    /// The server accepted it.
    Sent {
        /// When.
        at: i64,
    },
    /// The server refused it for good, or it could not be sent in time.
    NotDelivered {
        /// When.
        at: i64,
        /// Why (no writer data).
        reason: String,
    },
    /// Accepted, then bounced back (a delivery status notification).
    Bounced {
        /// When the bounce arrived.
        at: i64,
    },
}

impl From<&Delivery> for DeliveryView {
    fn from(d: &Delivery) -> Self {
        let (state, attempts, reason, at) = match d {
            Delivery::Queued {
                attempts,
                last_error,
                ..
            } => ("queued", Some(*attempts), last_error.clone(), None),
            Delivery::Sent { at } => ("sent", None, None, Some(*at)),
            Delivery::NotDelivered { at, reason } => {
                ("not_delivered", None, Some(reason.clone()), Some(*at))
            }
            Delivery::Bounced { at } => ("bounced", None, None, Some(*at)),
        };
        DeliveryView {
            state: state.into(),
            attempts,
            reason,
            at: at.map(crate::time::Stamp),
        }
    }
}

/// A message to the writer waiting in, or gone through, the outbox (key `o:` + reference).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutboxRecord {
    pub ticket: String,
    /// The message in the ticket's thread that holds the text.
    pub seq: u32,
    /// Reply or acknowledgement.
    pub kind: OutKind,
    /// When it was queued.
    pub created: i64,
    /// Our Message-ID for it (stable across resends, so a resend is recognisable).
    pub message_id: String,
    /// Delivery state.
    pub delivery: Delivery,
}

/// What a dedupe key points at (key `d:` + digest).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DedupeTarget {
    Ticket(String),
    /// A quarantine entry.
    Quarantine(String),
}

/// A quarantined message (key `q:` + reference).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QuarantineRecord {
    /// Why it was quarantined (no writer data).
    pub reason: String,
    /// Size of the raw message.
    pub size: u64,
    /// When it arrived, rounded.
    pub received: i64,
    /// The key sealing the raw message, wrapped.
    pub key: WrappedKey,
    /// The file holding the sealed raw message.
    pub file: String,
    /// Its dedupe keys.
    pub digests: Vec<[u8; 32]>,
}

/// Key prefixes of the single sled tree.
pub mod keys {
    /// Schema version.
    pub const SCHEMA: &[u8] = b"meta:schema";
    /// Head of the audit chain.
    pub const AUDIT_HEAD: &[u8] = b"meta:audit-head";
    /// Tickets.
    pub const TICKET: &[u8] = b"t:";
    /// Ticket keys.
    pub const KEYS: &[u8] = b"k:";
    /// Sealed reply envelopes.
    pub const ENVELOPE: &[u8] = b"e:";
    /// Messages.
    pub const MESSAGE: &[u8] = b"m:";
    /// Dedupe keys.
    pub const DEDUPE: &[u8] = b"d:";
    pub const QUARANTINE: &[u8] = b"q:";
    /// Audit entries.
    pub const AUDIT: &[u8] = b"a:";
    /// Internal notes.
    pub const NOTE: &[u8] = b"n:";
    /// Reveal requests.
    pub const REVEAL: &[u8] = b"r:";
    /// Thread tokens.
    pub const TOKEN: &[u8] = b"x:";
    /// Outbox entries.
    pub const OUTBOX: &[u8] = b"o:";
    /// Our Message-IDs, to the outbox entry (for bounces).
    pub const OUR_MESSAGE_ID: &[u8] = b"i:";
    /// A ticket's classification (sealed under its content key).
    pub const CLASSIFICATION: &[u8] = b"c:";
    /// The generation of the statistics' facts file (`stats/facts`).
    pub const STATS_GENERATION: &[u8] = b"meta:stats-generation";
    /// Random, written with each catalog snapshot: tells whether the snapshot is current.
    pub const GENERATION: &[u8] = b"meta:generation";
    /// The tickets changed since the catalog snapshot was written (`meta:changed/` + ticket).
    pub const CHANGED: &[u8] = b"meta:changed/";
    /// Drafts: replies written and not sent (`w:` + ticket + `/` + author's uid).
    pub const DRAFT: &[u8] = b"w:";
    /// Replies waiting for a supervisor's review (`v:` + ticket).
    pub const REVIEW: &[u8] = b"v:";

    /// The key of the draft of `author` (a uid) on ticket `id`.
    pub fn draft(id: &str, author: u32) -> Vec<u8> {
        let mut k = drafts_of(id);
        k.extend_from_slice(author.to_string().as_bytes());
        k
    }

    /// The prefix of every draft on ticket `id`.
    pub fn drafts_of(id: &str) -> Vec<u8> {
        let mut k = of(super::keys::DRAFT, id);
        k.push(b'/');
        k
    }

    /// `prefix` + `id`.
    pub fn of(prefix: &[u8], id: &str) -> Vec<u8> {
        let mut k = prefix.to_vec();
        k.extend_from_slice(id.as_bytes());
        k
    }

    /// The key of message `seq` of ticket `id`.
    pub fn message(id: &str, seq: u32) -> Vec<u8> {
        let mut k = of(super::keys::MESSAGE, id);
        k.push(b'/');
        k.extend_from_slice(&seq.to_be_bytes());
        k
    }

    /// The key of note `seq` of ticket `id`.
    pub fn note(id: &str, seq: u32) -> Vec<u8> {
        let mut k = of(super::keys::NOTE, id);
        k.push(b'/');
        k.extend_from_slice(&seq.to_be_bytes());
        k
    }

    /// The prefix of every note of ticket `id`.
    pub fn notes_of(id: &str) -> Vec<u8> {
        let mut k = of(super::keys::NOTE, id);
        k.push(b'/');
        k
    }

    /// The prefix of every message of ticket `id`.
    pub fn messages_of(id: &str) -> Vec<u8> {
        let mut k = of(super::keys::MESSAGE, id);
        k.push(b'/');
        k
    }
}

/// Associated data binding sealed blobs to their place.
pub mod aad {
    /// A ticket's content key.
    pub fn content_key(id: &str) -> Vec<u8> {
        format!("sourdine/v1/key/content/{id}").into_bytes()
    }
    /// A ticket's envelope key.
    pub fn envelope_key(id: &str) -> Vec<u8> {
        format!("sourdine/v1/key/envelope/{id}").into_bytes()
    }
    /// A ticket's sealed envelope.
    pub fn envelope(id: &str) -> Vec<u8> {
        format!("sourdine/v1/envelope/{id}").into_bytes()
    }
    /// A ticket's secret.
    pub fn ticket(id: &str) -> Vec<u8> {
        format!("sourdine/v1/ticket/{id}").into_bytes()
    }
    /// A message's content.
    pub fn message(id: &str, seq: u32) -> Vec<u8> {
        format!("sourdine/v1/message/{id}/{seq}").into_bytes()
    }
    /// A note's text.
    pub fn note(id: &str, seq: u32) -> Vec<u8> {
        format!("sourdine/v1/note/{id}/{seq}").into_bytes()
    }
    /// A reveal request's reason.
    pub fn reveal(request: &str) -> Vec<u8> {
        format!("sourdine/v1/reveal/{request}").into_bytes()
    }
    /// A file's content.
    pub fn file(name: &str) -> Vec<u8> {
        format!("sourdine/v1/file/{name}").into_bytes()
    }
    /// A quarantine entry's key.
    pub fn quarantine_key(reference: &str) -> Vec<u8> {
        format!("sourdine/v1/key/quarantine/{reference}").into_bytes()
    }
    /// A ticket's classification.
    pub fn classification(id: &str) -> Vec<u8> {
        format!("sourdine/v1/classification/{id}").into_bytes()
    }
    /// The codes of a classification's audit entry.
    pub fn audit_codes(id: &str) -> Vec<u8> {
        format!("sourdine/v1/audit/classification/{id}").into_bytes()
    }
    /// A draft's text (ticket `id`, author `uid`).
    pub fn draft(id: &str, uid: u32) -> Vec<u8> {
        format!("sourdine/v1/draft/{id}/{uid}").into_bytes()
    }
    /// The text of a reply waiting for review on ticket `id`.
    pub fn review(id: &str) -> Vec<u8> {
        format!("sourdine/v1/review/{id}").into_bytes()
    }
}

/// The sled key of a dedupe digest.
pub(crate) fn dedupe_key(d: &[u8; 32]) -> Vec<u8> {
    let mut k = keys::DEDUPE.to_vec();
    k.extend_from_slice(d);
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_fields_keep_the_encoding_of_stores_written_before_serde_bytes() {
        // Byte vectors were serialised element by element; `serde_bytes` writes one slice.
        // postcard encodes both as a length and the raw bytes, so old records still read.
        let old_style: Vec<u8> = postcard::to_stdvec(&(0u8, vec![7u8, 8, 9])).unwrap();
        let now = postcard::to_stdvec(&Payload::Inline(vec![7, 8, 9])).unwrap();
        assert_eq!(now, old_style);
        assert_eq!(now, [0, 3, 7, 8, 9]);
        let back: Payload = postcard::from_bytes(&old_style).unwrap();
        assert!(matches!(back, Payload::Inline(b) if b == [7, 8, 9]));
    }

    /// Stores in the field kept `sender_verified: bool` where `sender` now is.
    #[test]
    fn stored_sender_booleans_read_as_verified_or_unknown() {
        #[derive(Serialize)]
        struct OldSecret {
            subject: String,
            language: Language,
            tags: Vec<String>,
            sender_verified: bool,
            urgent_reason: Option<String>,
        }
        #[derive(Serialize)]
        struct OldContent {
            subject: String,
            body: String,
            language: Language,
            attachments: Vec<AttachmentMeta>,
            sender_verified: bool,
            different_sender: bool,
        }
        for (old, now) in [
            (true, Verification::Verified),
            (false, Verification::Unknown),
        ] {
            let bytes = postcard::to_stdvec(&OldSecret {
                subject: "s".into(),
                language: Language::Fr,
                tags: vec!["t".into()],
                sender_verified: old,
                urgent_reason: Some("r".into()),
            })
            .unwrap();
            let back: TicketSecret = postcard::from_bytes(&bytes).unwrap();
            assert_eq!(back.sender, now);
            assert_eq!(back.urgent_reason.as_deref(), Some("r"));
            let bytes = postcard::to_stdvec(&OldContent {
                subject: "s".into(),
                body: "b".into(),
                language: Language::Nl,
                attachments: Vec::new(),
                sender_verified: old,
                different_sender: true,
            })
            .unwrap();
            let back: MessageContent = postcard::from_bytes(&bytes).unwrap();
            assert_eq!(back.sender, now);
            assert!(back.different_sender);
        }
        for v in [
            Verification::Unknown,
            Verification::Verified,
            Verification::Failed,
        ] {
            let secret = TicketSecret {
                sender: v,
                ..Default::default()
            };
            let back: TicketSecret =
                postcard::from_bytes(&postcard::to_stdvec(&secret).unwrap()).unwrap();
            assert_eq!(back.sender, v);
        }
        let mut bad = postcard::to_stdvec(&TicketSecret::default()).unwrap();
        let at = bad.len() - 2; // sender, then urgent_reason (None)
        bad[at] = 7;
        assert!(postcard::from_bytes::<TicketSecret>(&bad).is_err());
    }
}
