//! Per-format cleaners: remove every piece of metadata that could identify the writer, keep
//! what is needed to show the content. Chosen by the sniffed type, never by name or declared
//! type. Pure functions over bytes: no I/O. They run in an isolated worker process (see
//! `crate::attachments`), because parsing hostile files can crash a parser.
//!
//! Images are cleaned at the segment/chunk level (an allow-list of what is needed to show
//! the picture), never re-encoded. PDFs lose their Info dictionary, XMP, trailer ID,
//! PieceInfo, embedded files and JavaScript. Office documents (OOXML, OpenDocument) lose their
//! properties, comments, revision authors, people lists, custom XML and thumbnails, and their
//! zip members get fixed timestamps. RTF documents lose their info group, generator, revision
//! tables and ids, comments, document variables and the metadata of their pictures.

mod gif;
mod jpeg;
mod office;
mod pdf;
mod png;
mod rtf;
mod webp;

use super::AttachmentKind;

/// Bounds on the work a cleaner may do for one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanLimits {
    /// Most members in a zip-based document.
    pub max_zip_members: usize,
    /// Most bytes a zip-based document may expand to (zip bombs).
    pub max_expanded_bytes: u64,
    /// Deepest nesting of PDF dictionaries and arrays accepted (checked before parsing).
    pub max_pdf_depth: usize,
    /// Largest image accepted, in pixels (width × height as declared).
    pub max_image_pixels: u64,
}

impl Default for CleanLimits {
    fn default() -> Self {
        CleanLimits {
            max_zip_members: 2000,
            max_expanded_bytes: 200 * 1024 * 1024,
            max_pdf_depth: 64,
            max_image_pixels: 100_000_000,
        }
    }
}

/// Why a file could not be cleaned. Messages never quote the file's content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CleanError {
    /// No cleaner for this format.
    #[error("no cleaner for this format")]
    Unsupported,
    /// The document is encrypted.
    #[error("the document is encrypted")]
    Encrypted,
    /// The file is damaged or not what its magic bytes say.
    #[error("the file is damaged ({0})")]
    Malformed(&'static str),
    /// The file passes a limit (zip bomb, nesting, giant image).
    #[error("the file passes a limit ({0})")]
    Limit(&'static str),
}

/// Cleans one file of `kind`.
pub fn clean(
    kind: AttachmentKind,
    bytes: &[u8],
    limits: &CleanLimits,
) -> Result<Vec<u8>, CleanError> {
    use AttachmentKind as K;
    match kind {
        K::Jpeg => jpeg::clean(bytes, limits),
        K::Png => png::clean(bytes, limits),
        K::Webp => webp::clean(bytes, limits),
        K::Gif => gif::clean(bytes, limits),
        K::Pdf => pdf::clean(bytes, limits),
        K::Docx | K::Xlsx | K::Pptx => office::clean_ooxml(bytes, limits),
        K::Odt | K::Ods | K::Odp => office::clean_odf(bytes, limits),
        K::Rtf => rtf::clean(bytes, limits),
        _ => Err(CleanError::Unsupported),
    }
}
