//! The heart of the promise: turn raw mail bytes into what may be stored.
//!
//! Everything in this module is a pure function: no I/O, no store, no clock, no logging of
//! writer data. The output types separate what may be stored ([`Anonymised`] minus
//! [`Secrets`]) from what must only be sealed or used in memory ([`Secrets`]).
//!
//! Headers are read by allow-list ([`headers::READ`]) and kept by a shorter allow-list
//! ([`headers::KEPT`]); nothing else of a header block ever leaves this module.

pub mod attachments;
pub mod body;
pub mod headers;
pub mod language;

use zeroize::{Zeroize, ZeroizeOnDrop};

pub use attachments::{AttachmentKind, WithheldReason};
pub use language::Language;

/// Structure limits applied before and during parsing. Passing one quarantines the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest raw message accepted, in bytes.
    pub max_message_bytes: usize,
    /// Largest header block (of the message or of any part), in bytes.
    pub max_header_bytes: usize,
    /// Most MIME parts in the whole message, nested messages included.
    pub max_parts: usize,
    /// Deepest nesting of multiparts and `message/rfc822` parts.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_bytes: 25 * 1024 * 1024,
            max_header_bytes: 256 * 1024,
            max_parts: 256,
            max_depth: 16,
        }
    }
}

/// What the anonymiser needs to know about the helpline.
#[derive(Debug, Clone)]
pub struct Options {
    /// Remove signature blocks (RFC 3676 `-- ` and the signature markup of common clients).
    pub remove_signature: bool,
    /// Structure limits.
    pub limits: Limits,
    /// The helpline's contact address, to recognise plus-address tokens (`local+TOKEN@domain`).
    pub contact_address: String,
    /// The authserv-id of the helpline's own mail server; only its Authentication-Results count.
    pub trusted_authserv_id: Option<String>,
}

/// Why a message is quarantined instead of ticketed. The reason never carries writer data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// The input was empty (or only whitespace).
    #[error("empty message")]
    Empty,
    /// The parser could not make a message of the bytes.
    #[error("unparseable message")]
    Unparseable,
    /// No header block was found.
    #[error("no header block")]
    NoHeaders,
    /// The message is larger than `max_message_bytes`.
    #[error("message larger than {limit} bytes")]
    TooLarge {
        /// The limit that was passed.
        limit: usize,
    },
    /// A header block is larger than `max_header_bytes`.
    #[error("header block larger than {limit} bytes")]
    HeaderTooLarge {
        /// The limit that was passed.
        limit: usize,
    },
    /// More MIME parts than `max_parts`.
    #[error("more than {limit} MIME parts")]
    TooManyParts {
        /// The limit that was passed.
        limit: usize,
    },
    /// Nesting deeper than `max_depth`.
    #[error("MIME nesting deeper than {limit}")]
    TooDeep {
        /// The limit that was passed.
        limit: usize,
    },
}

/// The result of anonymising one message.
#[derive(Debug)]
pub struct Anonymised {
    /// The decoded subject (empty when absent).
    pub subject: String,
    /// The readable message text: text/plain preferred, else sanitised HTML rendered as text;
    /// signature removed (when asked) and attribution lines redacted.
    pub body: String,
    /// The language of the body, told from the text (never from `Content-Language`).
    pub language: Language,
    /// Attachments in message order, with sniffed types; never with their original names.
    pub attachments: Vec<Attachment>,
    /// The `Date` header as UTC seconds since the epoch (the offset is dropped); the caller
    /// rounds it to the configured precision before storing anything.
    pub date_utc: Option<i64>,
    /// Facts about the message used for acknowledgements and bounces; no writer data.
    pub signals: Signals,
    /// Writer data that must never be stored in clear: sealed or used in memory only.
    pub secrets: Secrets,
}

/// Booleans and our own identifiers; nothing here identifies the writer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signals {
    /// `Auto-Submitted` other than `no`.
    pub auto_submitted: bool,
    /// `Precedence: bulk | junk | list`.
    pub bulk: bool,
    /// Mailing-list headers (`List-Id`, `List-Unsubscribe`, ...).
    pub mailing_list: bool,
    /// `X-Auto-Response-Suppress` present (other than `None`).
    pub suppress_auto_reply: bool,
    /// Null return path (`Return-Path: <>`).
    pub null_sender: bool,
    /// Sender local part is mailer-daemon, postmaster or similar.
    pub daemon_sender: bool,
    /// A delivery status notification (`multipart/report; report-type=delivery-status`).
    pub is_bounce: bool,
    /// For a bounce: the Message-ID of the message that bounced (one of ours, if any).
    pub bounced_message_id: Option<String>,
    /// The helpline's own server verified the sender (DMARC pass, or DKIM pass aligned with From).
    pub sender_verified: bool,
}

impl Signals {
    /// Whether an automatic answer to this message would be wrong (bounce, list, auto-reply...).
    pub fn suppresses_auto_reply(&self) -> bool {
        self.auto_submitted
            || self.bulk
            || self.mailing_list
            || self.suppress_auto_reply
            || self.null_sender
            || self.daemon_sender
            || self.is_bounce
    }
}

/// Writer data: sealed into the reply envelope or compared in memory, never stored in clear.
#[derive(Debug, Clone, Default, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Secrets {
    /// Where a reply goes: `Reply-To` if present, else `From` (bare address, no display name).
    pub reply_address: Option<String>,
    /// The bare `From` address, to tell whether a follow-up comes from the same address.
    pub from_address: Option<String>,
    /// The writer's `Message-ID` (without angle brackets), for In-Reply-To on our reply.
    pub message_id: Option<String>,
    /// Message-IDs named by `In-Reply-To` then `References` (without angle brackets), to find
    /// one of ours.
    pub references: Vec<String>,
    /// Plus-address details of recipients at the contact address (`contact+TOKEN@domain`).
    pub recipient_tokens: Vec<String>,
}

/// One attachment as the anonymiser leaves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The type sniffed from the bytes (never the declared type or the file name).
    pub kind: AttachmentKind,
    /// Size of the decoded original, in bytes.
    pub size: u64,
    /// The bytes to store, or why they are withheld.
    pub content: AttachmentContent,
}

/// Whether an attachment's bytes are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachmentContent {
    /// Safe to store as they are (plain text, CSV).
    Kept(Vec<u8>),
    /// A format that a cleaner may make safe; until then the bytes must not be stored.
    NeedsCleaning(Vec<u8>),
    /// Not stored; only the type and size are shown.
    Withheld(WithheldReason),
}

/// TEMPORARY (replaced by the anonymise branch).
pub fn anonymise(raw: &[u8], _opts: &Options) -> Result<Anonymised, Rejection> {
    if raw.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Rejection::Empty);
    }
    let m = mail_parser::MessageParser::default()
        .parse(raw)
        .ok_or(Rejection::Unparseable)?;
    Ok(Anonymised {
        subject: m.subject().unwrap_or("").to_string(),
        body: m.body_text(0).map(|s| s.to_string()).unwrap_or_default(),
        language: Language::Unknown,
        attachments: vec![],
        date_utc: None,
        signals: Signals::default(),
        secrets: Secrets {
            reply_address: m
                .from()
                .and_then(|a| a.first())
                .and_then(|a| a.address())
                .map(str::to_string),
            from_address: None,
            message_id: None,
            references: vec![],
            recipient_tokens: vec![],
        },
    })
}
