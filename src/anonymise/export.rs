//! A quarantined message made fit for a bug report (`sourdine quarantine export`): its
//! structure kept, the identifying values of its headers replaced by placeholders.
//!
//! The message is cut by `lenient` into header blocks, boundary lines and bodies, at
//! every level: the top message, each MIME part, each embedded `message/rfc822` (decoded,
//! rewritten and encoded again when it was base64 or quoted-printable). In every header block
//! the field names, their order and the folding of the MIME fields are kept; values are kept by
//! allow-list only:
//!
//! - `Content-Type`, `Content-Disposition`, `Content-Transfer-Encoding` and `MIME-Version` keep
//!   their type and their structural parameters (charset, format, report-type...); comments
//!   become `()`, file names and every other parameter `"[redacted]"`;
//! - boundaries are renamed `sourdine-boundary-...`, in the `Content-Type` and on their
//!   boundary lines, keeping equality and prefixes between them (see `boundaries`),
//!   so a mismatch, or a boundary that begins another, stays as it was;
//! - address fields become `<address-N@example.invalid>`, Message-IDs and Content-IDs
//!   `<id-N@example.invalid>` (the same value, the same placeholder), dates the epoch;
//! - every other value (Received, DKIM, ARC, Authentication-Results, Subject, X-...) becomes
//!   `[redacted]`; a malformed line in a header block becomes a note.
//!
//! Bodies are kept byte for byte (with their encodings, broken or not), except header-shaped
//! runs of lines found in text outside any header block, which are rewritten the same way.
//! The body may still identify the writer: the caller says so before writing the file.
//! Linear in the size of the message (nested encoded messages are opened at most
//! [`MAX_ENCODED_NESTING`] deep).

use std::collections::HashMap;
use std::ops::Range;

use super::boundaries::Renaming;
use super::lenient::{self, Block, Field, Piece, Pieces};

/// Encoded nested messages rewritten one inside the other; a deeper one is replaced by a note.
pub const MAX_ENCODED_NESTING: usize = 8;

/// The placeholder date (the epoch).
const EPOCH: &str = "Thu, 01 Jan 1970 00:00:00 +0000";
/// The placeholder of any other value.
const REDACTED: &str = "[redacted]";

/// What the export made of a message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exported {
    /// The rewritten message.
    pub bytes: Vec<u8>,
    /// Header values replaced (or cleaned of comments and parameters).
    pub fields: usize,
    /// Distinct boundaries (and boundary-line tokens) renamed.
    pub boundaries: usize,
}

/// How a header field's value is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// MIME structure: type and structural parameters kept.
    Structure,
    /// Kept as it is (delivery status codes).
    Kept,
    Address,
    Id,
    Date,
    Other,
}

fn class(name: &[u8]) -> Class {
    let name = String::from_utf8_lossy(name).to_ascii_lowercase();
    match name.as_str() {
        "content-type" | "content-disposition" | "content-transfer-encoding" | "mime-version" => {
            Class::Structure
        }
        "action" | "status" => Class::Kept,
        "from"
        | "to"
        | "cc"
        | "bcc"
        | "reply-to"
        | "sender"
        | "return-path"
        | "delivered-to"
        | "x-original-to"
        | "resent-from"
        | "resent-to"
        | "resent-cc"
        | "resent-bcc"
        | "resent-sender"
        | "resent-reply-to"
        | "disposition-notification-to"
        | "return-receipt-to"
        | "errors-to"
        | "x-sender"
        | "x-envelope-from"
        | "x-envelope-to"
        | "envelope-to"
        | "x-original-from"
        | "x-original-sender"
        | "mail-followup-to"
        | "mail-reply-to"
        | "original-recipient"
        | "final-recipient"
        | "x-beenthere" => Class::Address,
        "message-id"
        | "in-reply-to"
        | "references"
        | "content-id"
        | "resent-message-id"
        | "original-message-id" => Class::Id,
        "date" | "resent-date" | "delivery-date" | "expiry-date" | "arrival-date"
        | "last-attempt-date" => Class::Date,
        _ => Class::Other,
    }
}

/// Parameters of the MIME fields kept as they are (`boundary` is renamed, `start` mapped
/// like a Content-ID).
const STRUCTURAL_PARAMS: &[&str] = &[
    "charset",
    "format",
    "delsp",
    "reply-type",
    "report-type",
    "type",
    "protocol",
    "micalg",
    "method",
    "differences",
    "access-type",
    "number",
    "total",
    "size",
    "smime-type",
];

/// Rewrites `raw` for a bug report (see the module's documentation). Never fails, never
/// panics on any input.
pub fn export(raw: &[u8]) -> Exported {
    // Three passes: the declared boundaries, then the tokens of the boundary lines (whose
    // renaming depends on every declared boundary), then the writing.
    let mut w = Writer::default();
    let mut scratch = Vec::new();
    w.message(raw, 0, &mut scratch);
    w.phase = Phase::Collect;
    scratch.clear();
    w.message(raw, 0, &mut scratch);
    drop(scratch);
    w.boundaries.build();
    w.phase = Phase::Write;
    w.fields = 0;
    let mut out = Vec::with_capacity(raw.len());
    w.message(raw, 0, &mut out);
    Exported {
        bytes: out,
        fields: w.fields,
        boundaries: w.boundaries.len(),
    }
}

/// Which pass the writer is in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Phase {
    /// Reading the declared boundaries.
    #[default]
    Declare,
    /// Noting every token to rename.
    Collect,
    /// Writing, with the new names.
    Write,
}

/// Placeholders handed out so far, by original value.
#[derive(Default)]
struct Writer {
    phase: Phase,
    addresses: HashMap<Vec<u8>, usize>,
    ids: HashMap<Vec<u8>, usize>,
    boundaries: Renaming,
    fields: usize,
}

fn numbered(map: &mut HashMap<Vec<u8>, usize>, key: &[u8]) -> usize {
    let n = map.len() + 1;
    *map.entry(key.to_vec()).or_insert(n)
}

/// The line end that closes `whole` (`\r\n`, `\n`, or nothing at the end of the input).
fn eol(whole: &[u8]) -> &'static [u8] {
    if whole.ends_with(b"\r\n") {
        b"\r\n"
    } else if whole.ends_with(b"\n") {
        b"\n"
    } else {
        b""
    }
}

impl Writer {
    /// The new name of a boundary (or a boundary line's token), in the writing pass; the
    /// earlier passes note it.
    fn boundary(&mut self, b: &[u8], declared: bool) -> String {
        match self.phase {
            Phase::Declare if declared => self.boundaries.declare(b),
            Phase::Declare => {}
            Phase::Collect => self.boundaries.note(b),
            Phase::Write => return self.boundaries.name(b),
        }
        String::new()
    }

    fn id(&mut self, value: &[u8]) -> String {
        let key = lenient::trim_ws(value);
        let key = key.strip_prefix(b"<").unwrap_or(key);
        let key = key.strip_suffix(b">").unwrap_or(key);
        format!("<id-{}@example.invalid>", numbered(&mut self.ids, key))
    }

    /// One message (the top one, or an encoded nested one at `depth`).
    fn message(&mut self, raw: &[u8], depth: usize, out: &mut Vec<u8>) {
        for piece in Pieces::new(raw) {
            match piece {
                Piece::MboxFrom(r) => {
                    self.fields += 1;
                    out.extend_from_slice(b"From MAILER-DAEMON Thu Jan  1 00:00:00 1970");
                    out.extend_from_slice(eol(&raw[r]));
                }
                Piece::Headers { block, .. } => self.block(raw, &block, out),
                Piece::Delimiter { line, token, .. } => {
                    // `--`, the renamed boundary, then the rest as written (`--`, white
                    // space, the line end).
                    out.extend_from_slice(b"--");
                    out.extend_from_slice(self.boundary(&raw[token.clone()], false).as_bytes());
                    out.extend_from_slice(&raw[token.end..line.end]);
                }
                Piece::Body { range, info, .. } => {
                    let bytes = &raw[range];
                    let headers_only = (info.ctype == "text" && info.subtype == "rfc822-headers")
                        || (info.ctype == "message" && !info.is_message());
                    if info.is_message() && info.is_encoded() {
                        self.encoded_message(bytes, &info.cte, depth, out);
                    } else if info.cte == "base64" {
                        out.extend_from_slice(bytes);
                    } else {
                        self.text(bytes, headers_only, out);
                    }
                }
                Piece::Filler { range, .. } => self.text(&raw[range], false, out),
            }
        }
    }

    /// A header block: every field rewritten, the blank line after it kept.
    fn block(&mut self, raw: &[u8], block: &Block, out: &mut Vec<u8>) {
        for f in &block.fields {
            self.field(raw, f, out);
        }
        out.extend_from_slice(&raw[block.separator.clone()]);
    }

    fn field(&mut self, raw: &[u8], f: &Field, out: &mut Vec<u8>) {
        let whole = &raw[f.whole.clone()];
        let end = eol(whole);
        if f.malformed {
            if lenient::is_blank(whole) {
                out.extend_from_slice(whole);
            } else {
                self.fields += 1;
                out.extend_from_slice(b"[a malformed header line was removed here]");
                out.extend_from_slice(end);
            }
            return;
        }
        // The name and the colon, as written.
        out.extend_from_slice(&raw[f.whole.start..f.value.start]);
        let value = &raw[f.value.clone()];
        let replacement = match class(&raw[f.name.clone()]) {
            Class::Kept => {
                out.extend_from_slice(value);
                out.extend_from_slice(end);
                return;
            }
            Class::Structure => {
                self.fields += 1;
                self.structure(raw, f.value.clone(), out);
                out.extend_from_slice(end);
                return;
            }
            Class::Address => format!(
                "<address-{}@example.invalid>",
                numbered(
                    &mut self.addresses,
                    &lenient::trim_ws(value).to_ascii_lowercase()
                )
            ),
            Class::Id => self.id(value),
            Class::Date => EPOCH.to_string(),
            Class::Other => REDACTED.to_string(),
        };
        self.fields += 1;
        out.push(b' ');
        out.extend_from_slice(replacement.as_bytes());
        out.extend_from_slice(end);
    }

    /// A MIME field's value: the head token and the folding kept, comments emptied,
    /// parameters kept by allow-list, boundaries renamed, `start` mapped like a Content-ID.
    fn structure(&mut self, raw: &[u8], value: Range<usize>, out: &mut Vec<u8>) {
        let s = lenient::structured(raw, value.clone());
        let mut edits: Vec<(Range<usize>, String)> = Vec::new();
        if raw[s.head.clone()].contains(&b'@') {
            edits.push((s.head.clone(), REDACTED.into()));
        }
        for c in &s.comments {
            edits.push((c.clone(), "()".into()));
        }
        for (name, v) in &s.params {
            let base = lenient::param_base(&raw[name.clone()]);
            let replacement = match base.as_str() {
                "boundary" => format!(
                    "\"{}\"",
                    self.boundary(&lenient::unquote(&raw[v.clone()]), true)
                ),
                "start" => format!("\"{}\"", self.id(&lenient::unquote(&raw[v.clone()]))),
                b if STRUCTURAL_PARAMS.contains(&b) && !raw[v.clone()].contains(&b'@') => continue,
                _ => format!("\"{REDACTED}\""),
            };
            edits.push((v.clone(), replacement));
        }
        edits.sort_by_key(|(r, _)| r.start);
        let mut at = value.start;
        for (r, replacement) in edits {
            // Overlapping edits (a comment inside a parameter value): the first one wins.
            if r.start < at {
                continue;
            }
            out.extend_from_slice(&raw[at..r.start]);
            out.extend_from_slice(replacement.as_bytes());
            at = r.end;
        }
        out.extend_from_slice(&raw[at..value.end]);
    }

    /// A base64 or quoted-printable `message/rfc822` part: decoded, rewritten, encoded again.
    fn encoded_message(&mut self, bytes: &[u8], cte: &str, depth: usize, out: &mut Vec<u8>) {
        let line_end: &[u8] = if memchr::memmem::find(bytes, b"\r\n").is_some() {
            b"\r\n"
        } else {
            b"\n"
        };
        if depth + 1 > MAX_ENCODED_NESTING {
            self.fields += 1;
            out.extend_from_slice(b"[an encoded message nested too deep was removed here]");
            out.extend_from_slice(line_end);
            return;
        }
        let decoded = super::quarantine::decode_transfer(bytes, cte);
        let mut inner = Vec::with_capacity(decoded.len());
        self.message(&decoded, depth + 1, &mut inner);
        if cte == "base64" {
            encode_base64(&inner, line_end, out);
        } else {
            encode_quoted_printable(&inner, line_end, out);
        }
    }

    /// Text outside header blocks (bodies, preambles): kept, except boundary lines that the
    /// structure did not account for (renamed) and the header-shaped runs found in it
    /// (rewritten), such as the headers after a boundary line that does not match the
    /// declared one. With `headers_only` (a header dump or a delivery status), every
    /// header-shaped line is rewritten.
    fn text(&mut self, bytes: &[u8], headers_only: bool, out: &mut Vec<u8>) {
        let mut pos = 0;
        let mut after_boundary = false;
        while pos < bytes.len() {
            let l = lenient::line_at(bytes, pos);
            let line = &bytes[l.start..l.end];
            if let Some((token, close)) = self.boundary_line(line) {
                out.extend_from_slice(b"--");
                out.extend_from_slice(self.boundary(token, false).as_bytes());
                out.extend_from_slice(&bytes[l.start + 2 + token.len()..l.next]);
                after_boundary = !close;
                pos = l.next;
                continue;
            }
            if lenient::header_name(line).is_some() {
                let block = lenient::read_block(bytes, pos, |l| self.boundary_line(l).is_some());
                let end = block.lines.end;
                if headers_only || after_boundary || is_header_run(bytes, &block.fields) {
                    self.block(bytes, &block, out);
                    pos = block.separator.end;
                } else {
                    out.extend_from_slice(&bytes[pos..end]);
                    pos = end;
                }
                after_boundary = false;
                continue;
            }
            after_boundary = false;
            out.extend_from_slice(&bytes[l.start..l.next]);
            pos = l.next;
        }
    }

    /// The token of a line that a parser may take for a boundary line: one shaped like a
    /// boundary line (`--TOKEN` or `--TOKEN--`, a token of 8 to 256 bytes without white space,
    /// holding a digit), or one that begins with a declared boundary. With whether it closes.
    fn boundary_line<'l>(&self, line: &'l [u8]) -> Option<(&'l [u8], bool)> {
        let rest = lenient::trim_end_ws(line.strip_prefix(b"--")?);
        let (token, close) = match rest.strip_suffix(b"--") {
            Some(t) if !t.is_empty() => (t, true),
            _ => (rest, false),
        };
        if token.is_empty() || token.len() > 4 * lenient::MAX_BOUNDARY {
            return None;
        }
        let shaped = token.len() >= 8
            && token.len() <= lenient::MAX_BOUNDARY
            && !token.iter().any(|b| b.is_ascii_whitespace())
            && token.iter().any(u8::is_ascii_digit);
        (shaped || (self.phase != Phase::Declare && self.boundaries.has_declared_prefix(token)))
            .then_some((token, close))
    }
}

/// Whether fields found in text make a header block (see
/// [`super::quarantine::is_header_run`]).
fn is_header_run(raw: &[u8], fields: &[Field]) -> bool {
    super::quarantine::is_header_run(
        fields
            .iter()
            .filter(|f| !f.malformed)
            .map(|f| &raw[f.name.clone()]),
    )
}

/// Base64 in lines of 76 characters.
fn encode_base64(bytes: &[u8], line_end: &[u8], out: &mut Vec<u8>) {
    use base64::Engine as _;
    let engine = &base64::engine::general_purpose::STANDARD;
    for chunk in bytes.chunks(57) {
        out.extend_from_slice(engine.encode(chunk).as_bytes());
        out.extend_from_slice(line_end);
    }
}

/// Quoted-printable: printable ASCII kept (but `=` and white space at a line end), lines
/// broken softly before 76 characters.
fn encode_quoted_printable(bytes: &[u8], line_end: &[u8], out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for l in lenient::lines(bytes) {
        let line = &bytes[l.start..l.end];
        let mut width = 0;
        for (i, &b) in line.iter().enumerate() {
            let last = i + 1 == line.len();
            let plain =
                ((b == b' ' || b == b'\t') && !last) || ((b'!'..=b'~').contains(&b) && b != b'=');
            let n = if plain { 1 } else { 3 };
            if width + n > 75 {
                out.extend_from_slice(b"=");
                out.extend_from_slice(line_end);
                width = 0;
            }
            if plain {
                out.push(b);
            } else {
                out.extend_from_slice(&[b'=', HEX[(b >> 4) as usize], HEX[(b & 15) as usize]]);
            }
            width += n;
        }
        if l.next > l.end {
            out.extend_from_slice(line_end);
        }
    }
}

#[cfg(test)]
#[path = "export_tests.rs"]
mod tests;
