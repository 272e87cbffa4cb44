//! What [`anonymise`](super::anonymise) takes (its options and limits) and what it gives: the
//! storable message apart from the writer's secrets, or the reason it was refused.

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::language::Language;

/// Structure limits applied before and during parsing. Passing one quarantines the message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Options {
    /// Remove signature blocks (RFC 3676 `-- `, the signature markup of common clients, and
    /// the identity lines under a valediction, see `signature`).
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

/// What the helpline's own mail server said about the sender (its `Authentication-Results`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verification {
    /// Nothing trustworthy either way: no header from the trusted server, no trusted server
    /// configured, a pass without `header.from` or for another domain, or a `Reply-To` that
    /// names another address than `From`.
    #[default]
    Unknown,
    /// Exactly one header from the trusted server, whose `dmarc=pass` names the From domain in
    /// `header.from`, and nothing in it failed.
    Verified,
    /// The trusted server's header reports a failure, or two or more headers claim to be the
    /// trusted server's (all but one forged).
    Failed,
}

impl Verification {
    /// Whether the sender was verified.
    pub fn is_verified(self) -> bool {
        self == Verification::Verified
    }
}

/// Booleans and our own identifiers; nothing here identifies the writer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signals {
    /// `Auto-Submitted` other than `no`.
    pub auto_submitted: bool,
    /// `Precedence: auto_reply | bulk | junk | list`.
    pub bulk: bool,
    /// Mailing-list headers (`List-Id`, `List-Unsubscribe`, ...).
    pub mailing_list: bool,
    /// `X-Auto-Response-Suppress` present (other than `None`).
    pub suppress_auto_reply: bool,
    /// Vendor marks of automatic mail: `X-Autoreply`, `X-Autorespond`, `X-Loop`.
    pub vendor_auto_reply: bool,
    /// Null return path (`Return-Path: <>`).
    pub null_sender: bool,
    /// Sender local part is mailer-daemon, postmaster or similar.
    pub daemon_sender: bool,
    /// Sender local part says nobody reads it (`noreply`, `no-reply`, `donotreply`...).
    pub no_reply_sender: bool,
    /// The subject of an out-of-office or automatic reply ("Automatic reply:", "Absence",
    /// "Afwezig", "Abwesenheitsnotiz"...).
    pub out_of_office: bool,
    /// A delivery status notification (`multipart/report; report-type=delivery-status`).
    pub is_bounce: bool,
    /// For a bounce: the Message-ID of the message that bounced (one of ours, if any).
    pub bounced_message_id: Option<String>,
    /// What the helpline's own mail server said about the sender.
    pub sender: Verification,
}

impl Signals {
    /// Whether an automatic answer to this message would be wrong (bounce, list, auto-reply...;
    /// RFC 3834 and the common vendor forms).
    pub fn suppresses_auto_reply(&self) -> bool {
        self.auto_submitted
            || self.bulk
            || self.mailing_list
            || self.suppress_auto_reply
            || self.vendor_auto_reply
            || self.null_sender
            || self.daemon_sender
            || self.no_reply_sender
            || self.out_of_office
            || self.is_bounce
    }
}

/// Writer data: sealed into the reply envelope or compared in memory, never stored in clear.
#[derive(Debug, Clone, Default, PartialEq, Eq, Zeroize, ZeroizeOnDrop, Serialize, Deserialize)]
pub struct Secrets {
    /// The bare `From` address (no display name): the only address the helpline ever writes
    /// to, the one the trusted server verified. `Reply-To` and `Sender` are never used.
    pub from_address: Option<String>,
    /// The writer's `Message-ID` (without angle brackets), for In-Reply-To on our reply.
    pub message_id: Option<String>,
    /// Message-IDs named by `In-Reply-To` then `References` (without angle brackets), to find
    /// one of ours.
    pub references: Vec<String>,
    /// This message's ancestors, oldest first (its `References`, else its `In-Reply-To`),
    /// without angle brackets and shortened to
    /// [`headers::MAX_REFERENCES`](super::headers::MAX_REFERENCES)` - 1`: with `message_id`
    /// after them, the `References` of an answer to it.
    pub ancestry: Vec<String>,
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

/// The type of an attachment, told from its bytes (magic numbers, structure), never from its
/// declared type or file name (except to tell text from CSV, which have no magic).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    /// Plain text.
    Text,
    /// Rich Text Format (a WordPad or Word document).
    Rtf,
    /// Comma-separated values.
    Csv,
    /// JPEG image.
    Jpeg,
    /// PNG image.
    Png,
    /// GIF image.
    Gif,
    /// WebP image.
    Webp,
    /// TIFF image.
    Tiff,
    /// HEIC/HEIF image.
    Heic,
    /// PDF document.
    Pdf,
    /// Word (Office Open XML).
    Docx,
    /// Excel (Office Open XML).
    Xlsx,
    /// PowerPoint (Office Open XML).
    Pptx,
    /// OpenDocument text.
    Odt,
    /// OpenDocument spreadsheet.
    Ods,
    /// OpenDocument presentation.
    Odp,
    /// Any other zip archive.
    Zip,
    /// An HTML document attached as a file.
    Html,
    /// A contact card (vCard): carries an identity.
    #[serde(rename = "vcard")]
    VCard,
    /// A calendar invitation (iCalendar): carries identities.
    Calendar,
    /// Outlook's TNEF (winmail.dat): carries identities.
    Tnef,
    /// An attached e-mail message that is not anonymised in place.
    Message,
    /// OpenPGP key material.
    PgpKey,
    /// OpenPGP signature.
    PgpSignature,
    /// OpenPGP encrypted data.
    PgpEncrypted,
    /// S/MIME (PKCS#7 / CMS) signature or envelope.
    Pkcs7,
    /// X.509 certificate.
    Certificate,
    /// Anything else.
    Other,
}

/// Why an attachment's bytes were not stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WithheldReason {
    /// The format carries identities by nature (vCard, calendar, TNEF).
    CarriesIdentity,
    /// No cleaner handles this format yet.
    NotCleaned,
    /// The format is not accepted (archives, executables, unknown data).
    Unsupported,
    /// Encrypted content cannot be cleaned.
    Encrypted,
    /// Larger than the attachment size limit.
    TooLarge,
    /// The message's attachments together passed the per-message limit.
    MessageTooLarge,
    /// The cleaner failed, crashed or timed out on this file.
    CleanerFailed,
    /// The file is damaged or not what it claims to be.
    Damaged,
    /// The file passes a safety limit (a zip bomb, deep nesting, a giant image).
    LimitExceeded,
    /// The message was released from quarantine by the operator: its readable text only,
    /// every attachment withheld.
    Quarantined,
}

impl AttachmentKind {
    /// The MIME type to show and to store the attachment under.
    pub fn content_type(&self) -> &'static str {
        match self {
            AttachmentKind::Text => "text/plain",
            AttachmentKind::Rtf => "application/rtf",
            AttachmentKind::Csv => "text/csv",
            AttachmentKind::Jpeg => "image/jpeg",
            AttachmentKind::Png => "image/png",
            AttachmentKind::Gif => "image/gif",
            AttachmentKind::Webp => "image/webp",
            AttachmentKind::Tiff => "image/tiff",
            AttachmentKind::Heic => "image/heic",
            AttachmentKind::Pdf => "application/pdf",
            AttachmentKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            AttachmentKind::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            AttachmentKind::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            AttachmentKind::Odt => "application/vnd.oasis.opendocument.text",
            AttachmentKind::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            AttachmentKind::Odp => "application/vnd.oasis.opendocument.presentation",
            AttachmentKind::Zip => "application/zip",
            AttachmentKind::Html => "text/html",
            AttachmentKind::VCard => "text/vcard",
            AttachmentKind::Calendar => "text/calendar",
            AttachmentKind::Tnef => "application/vnd.ms-tnef",
            AttachmentKind::Message => "message/rfc822",
            AttachmentKind::PgpKey => "application/pgp-keys",
            AttachmentKind::PgpSignature => "application/pgp-signature",
            AttachmentKind::PgpEncrypted => "application/pgp-encrypted",
            AttachmentKind::Pkcs7 => "application/pkcs7-mime",
            AttachmentKind::Certificate => "application/pkix-cert",
            AttachmentKind::Other => "application/octet-stream",
        }
    }

    /// The file extension of the generic name the attachment is given (without the dot).
    pub fn extension(&self) -> &'static str {
        match self {
            AttachmentKind::Text => "txt",
            AttachmentKind::Rtf => "rtf",
            AttachmentKind::Csv => "csv",
            AttachmentKind::Jpeg => "jpg",
            AttachmentKind::Png => "png",
            AttachmentKind::Gif => "gif",
            AttachmentKind::Webp => "webp",
            AttachmentKind::Tiff => "tif",
            AttachmentKind::Heic => "heic",
            AttachmentKind::Pdf => "pdf",
            AttachmentKind::Docx => "docx",
            AttachmentKind::Xlsx => "xlsx",
            AttachmentKind::Pptx => "pptx",
            AttachmentKind::Odt => "odt",
            AttachmentKind::Ods => "ods",
            AttachmentKind::Odp => "odp",
            AttachmentKind::Zip => "zip",
            AttachmentKind::Html => "html",
            AttachmentKind::VCard => "vcf",
            AttachmentKind::Calendar => "ics",
            AttachmentKind::Tnef => "dat",
            AttachmentKind::Message => "eml",
            AttachmentKind::PgpKey => "asc",
            AttachmentKind::PgpSignature => "sig",
            AttachmentKind::PgpEncrypted => "pgp",
            AttachmentKind::Pkcs7 => "p7m",
            AttachmentKind::Certificate => "crt",
            AttachmentKind::Other => "bin",
        }
    }
}

/// Whether an attachment's bytes are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachmentContent {
    /// Safe to store as they are (plain text, CSV).
    Kept(Vec<u8>),
    /// A format that a cleaner may make safe; until then the bytes must not be stored.
    NeedsCleaning(Vec<u8>),
    /// Cleaned of its metadata by a cleaner; safe to store.
    Cleaned(Vec<u8>),
    /// Not stored; only the type and size are shown.
    Withheld(WithheldReason),
}
