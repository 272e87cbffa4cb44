//! Attachment policy: sniff the type from the bytes, give a generic name, decide what is kept.

use serde::{Deserialize, Serialize};

/// The type of an attachment, told from its bytes (magic numbers, structure), never from its
/// declared type or file name (except to tell text from CSV, which have no magic).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    /// Plain text.
    Text,
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
}

// TEMPORARY (replaced by the anonymise branch)
impl AttachmentKind {
    /// MIME type.
    pub fn content_type(&self) -> &'static str {
        "application/octet-stream"
    }
    /// Extension.
    pub fn extension(&self) -> &'static str {
        "bin"
    }
}
