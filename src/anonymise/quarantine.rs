//! The best-effort text of a message that failed the normal path (a quarantined message),
//! for the operator to read (`sourdine quarantine show`) and to release to counsellors.
//!
//! The message is read by `lenient`, not by the parser, so the limits that refused it
//! do not stop this: every part it can find is walked. Header blocks go through the allow-list
//! (only the decoded subject is kept; the sender, for a reply, is read into [`Secrets`] exactly
//! as the normal path reads it); text parts get the same body rules as the normal path
//! (signature removal, attribution redaction, normalisation), plus address redaction and the
//! removal of header-shaped blocks found in the text. HTML is read without building a tree.
//! Attachments are only sniffed and counted: their bytes never leave this function.
//! Everything is linear in the size of the message.

use std::collections::{HashMap, HashSet};

use super::lenient::{self, PartInfo, Piece, Pieces};
use super::{AttachmentKind, Language, Options, Secrets, Signals, body, headers};

/// Attachments listed at most; the rest are only counted.
pub const MAX_LISTED: usize = 1000;
/// Encoded nested messages (base64 or quoted-printable `message/rfc822`) opened at most, one
/// inside the other; deeper ones are counted as attachments.
const MAX_ENCODED_NESTING: usize = 8;
/// Separator lines (`--`) past which a text is not searched for a signature (each one would
/// be searched from; the text is kept instead).
const MAX_SEPARATORS: usize = 16;
/// Largest header field copied for the allow-listed header reading.
const MAX_FIELD: usize = 16 * 1024;
/// Largest allow-listed header block read.
const MAX_BLOCK: usize = 256 * 1024;
/// A signature found in an HTML alternative that is longer than this (in bytes) is not looked
/// for in the plain alternative (each start of its first word would be matched against it).
const MAX_SIGNATURE: usize = 4 * 1024;

/// What can safely be read from a message that failed the normal path.
#[derive(Debug, Default)]
pub struct Readable {
    /// The decoded subject (empty when there is none).
    pub subject: String,
    /// The readable text, cleaned by the body rules.
    pub body: String,
    /// The language of the text.
    pub language: Language,
    /// The attachments found (type and size only), at most [`MAX_LISTED`].
    pub attachments: Vec<FoundAttachment>,
    /// Attachments found beyond [`MAX_LISTED`].
    pub more_attachments: usize,
    /// The `Date` header as UTC seconds.
    pub date_utc: Option<i64>,
    /// Facts read from the allow-listed headers, as the normal path reads them.
    pub signals: Signals,
    /// The reply address and identifiers: sealed or compared only, never shown.
    pub secrets: Secrets,
}

/// An attachment found in a quarantined message: never its bytes or its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FoundAttachment {
    /// The type sniffed from the decoded bytes.
    pub kind: AttachmentKind,
    /// The decoded size in bytes.
    pub size: u64,
}

/// A piece of text found, in message order.
enum Segment {
    Text {
        text: String,
        html: bool,
        /// The `multipart/alternative` it belongs to: (reading, alternative number).
        alt: Option<(usize, usize)>,
        preamble: bool,
    },
    Forwarded {
        subject: String,
    },
}

struct Reader<'o> {
    opts: &'o Options,
    segments: Vec<Segment>,
    out: Readable,
    /// Readings done (the top message and encoded nested messages), to number alternatives.
    readings: usize,
}

/// Reads what can be read of `raw`; never fails, never panics on any input.
pub fn readable(raw: &[u8], opts: &Options) -> Readable {
    let mut r = Reader {
        opts,
        segments: Vec::new(),
        out: Readable::default(),
        readings: 0,
    };
    r.read(raw, 0);
    let body = render(std::mem::take(&mut r.segments), opts.remove_signature);
    r.out.language = super::language::detect(&super::unquoted(&body));
    r.out.body = body;
    r.out
}

impl Reader<'_> {
    /// Reads one message (the top one at `depth` 0, or an encoded nested one).
    fn read(&mut self, raw: &[u8], depth: usize) {
        let reading = self.readings;
        self.readings += 1;
        for piece in Pieces::new(raw) {
            match piece {
                Piece::Headers {
                    block,
                    message: true,
                    top,
                    ..
                } => {
                    let allowed = allowed_block(raw, &block.fields);
                    let parsed = headers::parser().parse_headers(&allowed);
                    let root = parsed.as_ref().and_then(|m| m.parts.first());
                    let subject = root.map(headers::subject).unwrap_or_default();
                    if top && depth == 0 {
                        if let Some(root) = root {
                            self.out.date_utc = headers::date_utc(root);
                            self.out.secrets = headers::secrets(root, self.opts);
                            self.out.signals = headers::signals(root, self.opts);
                        }
                        self.out.subject = subject;
                    } else {
                        self.segments.push(Segment::Forwarded { subject });
                    }
                }
                Piece::Body { range, info, alt } => {
                    self.leaf(&raw[range], &info, alt.map(|a| (reading, a)), depth);
                }
                Piece::Filler {
                    range,
                    preamble: true,
                } => self.segments.push(Segment::Text {
                    text: decode_text(&raw[range], None),
                    html: false,
                    alt: None,
                    preamble: true,
                }),
                Piece::Headers { .. }
                | Piece::MboxFrom(_)
                | Piece::Delimiter { .. }
                | Piece::Filler { .. } => {}
            }
        }
    }

    /// One leaf part: text to the segments, anything else counted as an attachment.
    fn leaf(&mut self, bytes: &[u8], info: &PartInfo, alt: Option<(usize, usize)>, depth: usize) {
        let decoded = decode_transfer(bytes, &info.cte);
        let text_type = (info.ctype == "text" && matches!(info.subtype.as_str(), "plain" | "html"))
            // A multipart whose structure could not be followed: its lines are read as text
            // (header-shaped runs in it are removed like any other).
            || info.ctype == "multipart";
        if text_type && !info.attachment {
            self.segments.push(Segment::Text {
                text: decode_text(&decoded, info.charset.as_deref()),
                html: info.subtype == "html",
                alt,
                preamble: false,
            });
            return;
        }
        if info.ctype == "text" && info.subtype == "rfc822-headers" {
            // Headers of some message: never shown.
            return;
        }
        if info.is_message() && info.is_encoded() && depth < MAX_ENCODED_NESTING {
            self.read(&decoded, depth + 1);
            return;
        }
        let kind = if info.ctype == "message" {
            AttachmentKind::Message
        } else {
            super::attachments::sniff(&decoded, Some(&info.mime_type()))
        };
        if self.out.attachments.len() < MAX_LISTED {
            self.out.attachments.push(FoundAttachment {
                kind,
                size: decoded.len() as u64,
            });
        } else {
            self.out.more_attachments += 1;
        }
    }
}

/// The allow-listed fields of a header block ([`headers::READ`] but the MIME ones, which are
/// read by [`lenient`]), each cut at [`MAX_FIELD`], as a header block for the parser. Nothing
/// else of the block is ever given to the parser.
fn allowed_block(raw: &[u8], fields: &[lenient::Field]) -> Vec<u8> {
    let mut out = Vec::new();
    for f in fields.iter().filter(|f| !f.malformed) {
        let name = &raw[f.name.clone()];
        let wanted = headers::READ
            .iter()
            .any(|r| name.eq_ignore_ascii_case(r.as_bytes()))
            && !name.to_ascii_lowercase().starts_with(b"content-");
        if !wanted {
            continue;
        }
        let whole = &raw[f.whole.clone()];
        let field = &whole[..whole.len().min(MAX_FIELD)];
        if out.len() + field.len() + 2 > MAX_BLOCK {
            break;
        }
        out.extend_from_slice(field);
        if !field.ends_with(b"\n") {
            out.extend_from_slice(b"\r\n");
        }
    }
    out.extend_from_slice(b"\r\n");
    out
}

/// Decodes a transfer encoding the way the normal path does; undecodable bytes stay as they
/// are.
pub(crate) fn decode_transfer(bytes: &[u8], cte: &str) -> Vec<u8> {
    match cte {
        "base64" => super::strict_base64(bytes)
            .or_else(|| super::parser_decoded(bytes, cte, b""))
            .unwrap_or_else(|| bytes.to_vec()),
        "quoted-printable" => super::quoted_printable(bytes).unwrap_or_else(|| bytes.to_vec()),
        _ => bytes.to_vec(),
    }
}

/// Text in its declared charset (UTF-8, else Windows-1252, when none is declared or known).
fn decode_text(bytes: &[u8], charset: Option<&str>) -> String {
    use mail_parser::decoders::charsets::map::charset_decoder;
    if let Some(decoder) = charset.and_then(|c| charset_decoder(c.trim().as_bytes())) {
        return decoder(bytes);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => charset_decoder(b"windows-1252")
            .map(|d| d(bytes))
            .unwrap_or_else(|| String::from_utf8_lossy(bytes).into_owned()),
    }
}

/// The final text: alternatives reduced to their plain text when they have one, the preamble
/// only when nothing else has text, each text through the body rules.
fn render(segments: Vec<Segment>, remove_signature: bool) -> String {
    // Signatures that only the HTML alternative marks (Outlook, Apple Mail), by alternative,
    // to remove from the plain alternative as the normal path does.
    let mut signatures: HashMap<(usize, usize), Vec<String>> = HashMap::new();
    if remove_signature {
        for s in &segments {
            if let Segment::Text {
                text,
                html: true,
                alt: Some(a),
                ..
            } = s
            {
                signatures.entry(*a).or_default().extend(
                    body::html_signature_texts(text)
                        .into_iter()
                        .filter(|sig| sig.len() <= MAX_SIGNATURE),
                );
            }
        }
    }
    let has_text = |s: &Segment| match s {
        Segment::Text { text, .. } => !text.trim().is_empty(),
        Segment::Forwarded { .. } => false,
    };
    let plain_alts: HashSet<(usize, usize)> = segments
        .iter()
        .filter(|s| has_text(s))
        .filter_map(|s| match s {
            Segment::Text {
                html: false,
                alt: Some(a),
                preamble: false,
                ..
            } => Some(*a),
            _ => None,
        })
        .collect();
    let any_text = segments.iter().any(|s| {
        has_text(s)
            && matches!(
                s,
                Segment::Text {
                    preamble: false,
                    ..
                }
            )
    });
    let mut pieces = Vec::new();
    for s in segments {
        let text = match s {
            Segment::Text { preamble: true, .. } if any_text => continue,
            Segment::Text {
                html: true,
                alt: Some(a),
                ..
            } if plain_alts.contains(&a) => continue,
            Segment::Text {
                text, html, alt, ..
            } => {
                let text = if html {
                    body::html_to_flat_text(&text)
                } else {
                    text
                };
                let sigs = match alt {
                    Some(a) if !html => signatures.get(&a).map(Vec::as_slice),
                    _ => None,
                };
                clean_text(&text, remove_signature, sigs.unwrap_or_default())
            }
            Segment::Forwarded { subject } => {
                format!("---------- Forwarded message ----------\nSubject: {subject}")
            }
        };
        if !text.trim().is_empty() {
            pieces.push(text);
        }
    }
    body::normalise(&pieces.join("\n\n"))
}

/// The body rules, for one text: runs of blank lines cut (which keeps every later pass
/// linear), header-shaped blocks removed, then the normal path's signature removal (a `-- `
/// block, and the `signatures` that an HTML alternative marked), attribution redaction and
/// normalisation, and every address redacted.
pub fn clean_text(text: &str, remove_signature: bool, signatures: &[String]) -> String {
    let t = body::normalise(text);
    let t = drop_header_runs(&t);
    let separators = t
        .lines()
        .filter(|l| l.trim_end() == "--")
        .take(MAX_SEPARATORS + 1)
        .count();
    let mut t = if remove_signature && separators <= MAX_SEPARATORS {
        body::remove_plain_signature(&t)
    } else {
        t
    };
    if remove_signature {
        for sig in signatures {
            t = body::remove_signature_text(&t, sig);
        }
    }
    let t = body::redact_attributions(&t);
    let t = body::redact_addresses(&t);
    body::normalise(&t)
}

/// Header names that mark a header block on their own (no prose line starts with them).
const TECHNICAL: &[&str] = &[
    "received",
    "message-id",
    "return-path",
    "dkim-signature",
    "authentication-results",
    "arc-seal",
    "arc-message-signature",
    "arc-authentication-results",
    "received-spf",
    "delivered-to",
    "mime-version",
    "content-transfer-encoding",
    "x-originating-ip",
    "x-mailer",
];

/// Header names of mail (two of them in a row make a header block).
const MAIL: &[&str] = &[
    "from",
    "to",
    "cc",
    "bcc",
    "reply-to",
    "sender",
    "date",
    "subject",
    "in-reply-to",
    "references",
    "content-type",
    "content-disposition",
    "content-id",
    "content-description",
    "user-agent",
    "organization",
    "importance",
    "priority",
    "thread-topic",
    "thread-index",
    "list-id",
    "list-unsubscribe",
    "precedence",
    "auto-submitted",
];

/// Whether the names of a run of header-shaped lines make it a header block: one name of the
/// [`TECHNICAL`] kind, or two of [`MAIL`] (or `X-` names).
pub(crate) fn is_header_run<'a>(names: impl IntoIterator<Item = &'a [u8]>) -> bool {
    let mut named = 0;
    for name in names {
        let name = String::from_utf8_lossy(name).to_ascii_lowercase();
        if TECHNICAL.contains(&name.as_str()) {
            return true;
        }
        if MAIL.contains(&name.as_str()) || name.starts_with("x-") {
            named += 1;
        }
    }
    named >= 2
}

/// Removes header blocks found in text (an embedded message's headers, a raw header dump):
/// runs of header-shaped lines (with their continuation lines) that hold a `TECHNICAL` name
/// or two names of `MAIL` (or `X-` names). Only the allow-listed `Subject` line of a run is
/// kept; a note stands for the rest. Other lines are kept as they are. Linear.
pub fn drop_header_runs(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out: Vec<&str> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        if lenient::header_name(lines[i].as_bytes()).is_none() {
            out.push(lines[i]);
            i += 1;
            continue;
        }
        let mut end = i;
        let mut names = Vec::new();
        while end < lines.len() {
            let l = lines[end];
            if let Some(name) = lenient::header_name(l.as_bytes()) {
                names.push(name);
            } else if !(end > i && (l.starts_with(' ') || l.starts_with('\t'))) {
                break;
            }
            end += 1;
        }
        if is_header_run(names) {
            for l in &lines[i..end] {
                if lenient::header_name(l.as_bytes())
                    .is_some_and(|n| n.eq_ignore_ascii_case(b"subject"))
                {
                    out.push(l);
                }
            }
            out.push("[header lines removed]");
        } else {
            out.extend_from_slice(&lines[i..end]);
        }
        i = end;
    }
    out.join("\n")
}

#[cfg(test)]
#[path = "quarantine_tests.rs"]
pub(crate) mod tests;
