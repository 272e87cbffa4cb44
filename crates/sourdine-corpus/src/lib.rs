#![forbid(unsafe_code)]
//! A deterministic corpus of realistic helpline mail, for sourdine's benchmarks and tests
//! (a crate of its own: the product never ships it), and the hostile shapes of mail that
//! are the slowest inputs known for each pass over a message ([`hostile`]).
//!
//! [`generate`] returns the raw RFC 5322 bytes (CRLF line ends) of message number `index` of
//! the corpus named by `seed`. Every message depends on `(seed, index)` alone, so any message
//! can be made on its own, in any order and in parallel, and the bytes are the same on every
//! run and machine: the randomness is a SplitMix64 stream seeded from `(seed, index)`, and
//! only integer arithmetic feeds it.
//!
//! What the corpus holds (the default [`Mix`], from the project's issue):
//!
//! - **70 % plain text** of 1–8 KB (decoded body) in French, Dutch and English, about a
//!   third of them replies that quote an earlier message: an attribution line
//!   (`Le … a écrit :`, `Op … schreef …:`, `On … wrote:`) and `>`-quoted lines.
//! - **20 % HTML**: `multipart/alternative` with a text/plain part and 10–60 KB of HTML in the
//!   markup of the writer's client (Gmail's `gmail_signature` and `gmail_quote`, Outlook's
//!   Word styles, Apple Mail's and Thunderbird's `blockquote type="cite"`), inline styles, a
//!   signature block and a quoted thread in a blockquote.
//! - **10 % with an attachment** (6 % photos, 4 % documents): a JPEG photo of 200 KB–2 MB
//!   (generated pixels, really encoded) with an Exif segment carrying GPS coordinates,
//!   camera make, model and serial number, Artist and CameraOwnerName, DateTimeOriginal;
//!   or a PDF of 50–500 KB (several text pages) whose Info dictionary names the
//!   `/Author`, `/Creator` and `/Producer`, with an XMP stream naming the author.
//!
//! Each message has a distinct writer (the address carries the index) and the headers of one
//! of five clients (Thunderbird, Outlook, Gmail, Apple Mail, K-9): display name, Message-ID,
//! User-Agent or X-Mailer, a Received chain of two or three hops with IP addresses, DKIM
//! for Gmail and Outlook, Authentication-Results, RFC 2047 subjects, folded at 78
//! characters. Text parts are quoted-printable, attachments base64 with a file name.
//! Addresses of writers' machines are in the documentation ranges (192.0.2.0/24,
//! 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32), phone numbers in fiction ranges where a
//! country has one; the providers' relays use the providers' own address blocks.
//!
//! Sizes (seed 1, 5,000 messages, measured): a plain message weighs 6.9 KB on average, an
//! HTML one 72 KB (two quoted-printable alternatives and a long quoted thread), a photo
//! message 1.38 MB and a document message 388 KB (base64 adds a third to the attachment).
//! The 5,000 messages make **605,519,469 bytes** (≈ 606 MB, 121 KB a message on average; the
//! issue's reference corpus was 5,000 mails ≈ 661 MB): 2,340 plain, 1,092 quoting, 1,047 HTML,
//! 307 with a photo and 214 with a document. The attachments make 84 % of the bytes.
//! Generating them takes about 23 s of CPU in a release build (JPEG encoding dominates), so
//! `sourdine-corpus` (two threads, [`write`](mod@write)) writes them in 12–23 s on two cores, depending on what
//! else the machine runs.

pub mod hostile;
mod jpeg;
mod message;
mod mime;
mod pdf;
mod people;
mod rng;
mod text;
pub mod write;

#[cfg(test)]
mod tests;

use std::ops::RangeInclusive;

use rng::Rng;

/// The kind of a generated message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MessageKind {
    /// A single text/plain part.
    Plain,
    /// A single text/plain part that quotes an earlier message.
    PlainWithQuote,
    /// multipart/alternative: text/plain and text/html.
    Html,
    /// multipart/mixed with a JPEG photo carrying Exif metadata.
    WithJpeg,
    /// multipart/mixed with a PDF document carrying author metadata.
    WithPdf,
}

impl MessageKind {
    /// All kinds, in declaration order.
    pub const ALL: [MessageKind; 5] = [
        MessageKind::Plain,
        MessageKind::PlainWithQuote,
        MessageKind::Html,
        MessageKind::WithJpeg,
        MessageKind::WithPdf,
    ];

    /// A short lower-case name: `plain`, `quoted`, `html`, `jpeg`, `pdf`.
    pub fn name(self) -> &'static str {
        match self {
            MessageKind::Plain => "plain",
            MessageKind::PlainWithQuote => "quoted",
            MessageKind::Html => "html",
            MessageKind::WithJpeg => "jpeg",
            MessageKind::WithPdf => "pdf",
        }
    }
}

/// The proportions of kinds (relative weights) and the size ranges of the parts.
///
/// Sizes are targets for the decoded part: text bodies land inside their range, photos
/// within about a tenth of the drawn size (JPEG compression is only predicted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mix {
    /// Weight of [`MessageKind::Plain`].
    pub plain: u32,
    /// Weight of [`MessageKind::PlainWithQuote`].
    pub plain_with_quote: u32,
    /// Weight of [`MessageKind::Html`].
    pub html: u32,
    /// Weight of [`MessageKind::WithJpeg`].
    pub jpeg: u32,
    /// Weight of [`MessageKind::WithPdf`].
    pub pdf: u32,
    /// Bytes of the decoded text/plain body of plain messages.
    pub plain_bytes: RangeInclusive<usize>,
    /// Bytes of the decoded text/html part of HTML messages.
    pub html_bytes: RangeInclusive<usize>,
    /// Bytes of a photo.
    pub jpeg_bytes: RangeInclusive<usize>,
    /// Bytes of a document.
    pub pdf_bytes: RangeInclusive<usize>,
}

impl Default for Mix {
    /// The realistic mix: 70 % plain (a third quoting), 20 % HTML, 6 % photos, 4 % PDFs.
    fn default() -> Self {
        Mix {
            plain: 467,
            plain_with_quote: 233,
            html: 200,
            jpeg: 60,
            pdf: 40,
            plain_bytes: 1_024..=8_192,
            html_bytes: 10_240..=61_440,
            jpeg_bytes: 200_000..=2_000_000,
            pdf_bytes: 50_000..=500_000,
        }
    }
}

/// Salt of the stream that decides a message's kind.
const SALT_KIND: u64 = 0x6b69_6e64;

/// The kind of message `index` of corpus `seed` (all weights zero: always plain).
pub fn kind_of(seed: u64, index: u64, mix: &Mix) -> MessageKind {
    let weights = [mix.plain, mix.plain_with_quote, mix.html, mix.jpeg, mix.pdf];
    let total: u64 = weights.iter().map(|w| u64::from(*w)).sum();
    if total == 0 {
        return MessageKind::Plain;
    }
    let mut r = Rng::stream(seed, index, SALT_KIND).below(total);
    for (kind, w) in MessageKind::ALL.iter().zip(weights) {
        if r < u64::from(w) {
            return *kind;
        }
        r -= u64::from(w);
    }
    MessageKind::Plain
}

/// The raw bytes (RFC 5322, CRLF) of message `index` of corpus `seed`.
pub fn generate(seed: u64, index: u64, mix: &Mix) -> Vec<u8> {
    message::build(seed, index, kind_of(seed, index, mix), mix)
}
