//! The heart of the promise: turn raw mail bytes into what may be stored.
//!
//! Everything in this module is a pure function: no I/O, no store, no clock, no logging of
//! writer data. The output types separate what may be stored ([`Anonymised`] minus
//! [`Secrets`]) from what must only be sealed or used in memory ([`Secrets`]).
//!
//! Headers are read by allow-list ([`headers::READ`]) and kept by a shorter allow-list
//! ([`headers::KEPT`]); nothing else of a header block ever leaves this module.

pub mod armour;
pub mod attachments;
pub mod body;
mod boundaries;
pub mod clean;
mod doors;
pub mod export;
pub mod headerblock;
pub mod headers;
pub mod invisible;
pub mod language;
mod lenient;
pub mod links;
mod prescan;
pub mod quarantine;
pub mod signature;
pub mod uuencode;
mod words;

use std::borrow::Cow;

use mail_parser::{HeaderName, Message, MessagePart, PartType, parsers::MessageStream};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop};

pub use attachments::{AttachmentKind, WithheldReason};
pub use language::Language;

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
    /// without angle brackets and shortened to [`headers::MAX_REFERENCES`]` - 1`: with
    /// `message_id` after them, the `References` of an answer to it.
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

/// Anonymises one raw message: parses it within the structure limits, reads only allow-listed
/// headers, and returns the storable text and attachments apart from the writer data.
///
/// Never panics on any input; a message that cannot be handled safely is a [`Rejection`]
/// (the caller quarantines it). Cost is bounded by the limits: a pre-scan of the raw bytes
/// refuses, before parsing, what could make the parser work hard (see the `prescan` module).
pub fn anonymise(raw: &[u8], opts: &Options) -> Result<Anonymised, Rejection> {
    let mut walker = Walker {
        opts,
        parts: 0,
        attachments: Vec::new(),
        bounced_message_id: None,
    };
    let buf = walker.prepare(raw, 0)?;
    let message = walker.parse_checked(&buf, 0)?;
    let root = &message.parts[0];
    if !root.headers.iter().any(|h| {
        !matches!(h.name, HeaderName::Other(_))
            || headers::READ
                .iter()
                .any(|r| h.name == HeaderName::Other((*r).into()))
    }) {
        return Err(Rejection::NoHeaders);
    }
    let subject = headers::subject(root);
    let date_utc = headers::date_utc(root);
    let secrets = headers::secrets(root, opts);
    let mut signals = headers::signals(root, opts);
    signals.is_bounce = is_delivery_report(root);
    let mut segments = Vec::new();
    walker.walk(&message, &buf, 0, 0, &[], Mode::Normal, &mut segments)?;
    if signals.is_bounce {
        signals.bounced_message_id = walker.bounced_message_id.take();
    }
    let mut body = render(segments, opts.remove_signature);
    if body.is_empty() {
        // Nothing better: the text a multipart holds before its first part.
        body = words::preamble(&buf, root)
            .filter(|text| !words::is_boilerplate(text))
            .map(|text| finish_text(&words::raw_mime_text(&text), true))
            .unwrap_or_default();
    }
    let language = language::detect(&unquoted(&body));
    Ok(Anonymised {
        subject,
        body,
        language,
        attachments: walker.attachments,
        date_utc,
        signals,
        secrets,
    })
}

/// The pieces of `text` between `\n`s, exactly as `text.split('\n')` gives them (a last empty
/// piece after a final `\n` included), found with `memchr`: the standard searcher compares each
/// match with `memcmp`, which cost more than the rest of a pass over a text of short lines.
pub(crate) fn split_lf(text: &str) -> impl Iterator<Item = &str> + '_ {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let r = rest?;
        match memchr::memchr(b'\n', r.as_bytes()) {
            Some(i) => {
                rest = Some(&r[i + 1..]);
                Some(&r[..i])
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// [`split_lf`] from the end: what `text.rsplit('\n')` gives.
pub(crate) fn rsplit_lf(text: &str) -> impl Iterator<Item = &str> + '_ {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let r = rest?;
        match memchr::memrchr(b'\n', r.as_bytes()) {
            Some(i) => {
                rest = Some(&r[..i]);
                Some(&r[i + 1..])
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// Lines of the body that are not quoted, for language detection (quotes are usually ours).
fn unquoted(body: &str) -> String {
    body.lines()
        .filter(|l| !l.trim_start().starts_with('>'))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A piece of body text, in message order.
enum Segment {
    Plain {
        text: String,
        redact_addresses: bool,
        /// Signature texts found in the HTML alternative of this text part.
        signatures: Vec<String>,
        /// Link targets of the HTML alternative that were not its visible text.
        hidden_links: Vec<String>,
    },
    Html {
        html: String,
        redact_addresses: bool,
    },
    Forwarded {
        subject: String,
        body: String,
    },
}

/// How the parts under a multipart are taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Text parts are body, other leaves attachments.
    Normal,
    /// The human-readable part of a report: body, with every address redacted.
    ReportText,
    /// Alternatives not chosen: their text parts are skipped, other leaves are attachments.
    NotChosen,
}

/// Turns body segments into the final text.
fn render(segments: Vec<Segment>, remove_signature: bool) -> String {
    let mut pieces = Vec::new();
    for segment in segments {
        let text = match segment {
            Segment::Plain {
                text,
                redact_addresses,
                signatures,
                hidden_links,
            } => {
                let text = doors::prepare_text(&text, &hidden_links);
                let t = if remove_signature {
                    let mut t = body::remove_plain_signature(&text);
                    for sig in &signatures {
                        t = body::remove_signature_text(&t, sig);
                    }
                    t
                } else {
                    text
                };
                finish_text(
                    &doors::after_signature(t, remove_signature),
                    redact_addresses,
                )
            }
            Segment::Html {
                html,
                redact_addresses,
            } => {
                let text =
                    doors::prepare_text(&body::html_body_to_text(&html, remove_signature), &[]);
                finish_text(
                    &doors::after_signature(text, remove_signature),
                    redact_addresses,
                )
            }
            Segment::Forwarded { subject, body } => format!(
                "---------- Forwarded message ----------\nSubject: {subject}\n\n{body}\n---------- End of forwarded message ----------"
            ),
        };
        if !text.trim().is_empty() {
            pieces.push(text);
        }
    }
    body::normalise(&pieces.join("\n\n"))
}

fn finish_text(text: &str, redact_addresses: bool) -> String {
    let t = body::redact_attributions(text);
    let t = if redact_addresses {
        body::redact_addresses(&t)
    } else {
        t
    };
    body::normalise(&t)
}

/// Whether a header block declares a delivery status notification.
fn is_delivery_report(part: &MessagePart<'_>) -> bool {
    content_type(part).is_some_and(|(t, s, ct)| {
        t == "multipart"
            && s == "report"
            && ct
                .attribute("report-type")
                .is_some_and(|r| r.trim().eq_ignore_ascii_case("delivery-status"))
    })
}

/// A part's content type, lowercased, with its parsed value.
fn content_type<'a>(
    part: &'a MessagePart<'_>,
) -> Option<(String, String, &'a mail_parser::ContentType<'a>)> {
    part.headers
        .iter()
        .find(|h| h.name == HeaderName::ContentType)
        .and_then(|h| h.value.as_content_type())
        .map(|ct| {
            (
                ct.ctype().to_ascii_lowercase(),
                ct.subtype().unwrap_or("").to_ascii_lowercase(),
                ct,
            )
        })
}

/// A part's transfer encoding, lowercased (parsed as a structured value, see `headers::parser`).
fn transfer_encoding(part: &MessagePart<'_>) -> String {
    part.headers
        .iter()
        .find(|h| h.name == HeaderName::ContentTransferEncoding)
        .and_then(|h| h.value.as_content_type())
        .map(|ct| ct.ctype().trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Whether a part is an attachment by disposition or by carrying a file name (the name itself
/// is never read beyond its presence).
fn is_attachment(part: &MessagePart<'_>) -> bool {
    let cd = part
        .headers
        .iter()
        .find(|h| h.name == HeaderName::ContentDisposition)
        .and_then(|h| h.value.as_content_type());
    cd.is_some_and(|cd| {
        cd.ctype().eq_ignore_ascii_case("attachment")
            || cd.has_attribute("filename")
            || cd.has_attribute("filename*")
    }) || content_type(part)
        .is_some_and(|(_, _, ct)| ct.has_attribute("name") || ct.has_attribute("name*"))
}

/// The decoded bytes of a part's body, read from the raw message by offset and decoded here
/// (the parser is not asked to decode; see `headers::parser`).
fn decoded_body(raw: &[u8], part: &MessagePart<'_>, boundary: &[u8]) -> Vec<u8> {
    let start = (part.offset_body as usize).min(raw.len());
    let end = (part.offset_end as usize).clamp(start, raw.len());
    let slice = &raw[start..end];
    let cte = transfer_encoding(part);
    let parser = |b: &[u8]| parser_decoded(slice, cte.as_str(), b);
    match cte.as_str() {
        "base64" => strict_base64(slice)
            .or_else(|| parser(b""))
            .or_else(|| parser(boundary))
            .unwrap_or_else(|| slice.to_vec()),
        // The extent normally stops before the next boundary; when the parser could not tell
        // (an encoded message it tried to read as one), decoding stops at the boundary.
        "quoted-printable" => quoted_printable(slice)
            .or_else(|| parser(boundary))
            .unwrap_or_else(|| slice.to_vec()),
        "x-uuencode" | "uuencode" | "x-uue" | "uue" => {
            uuencode::decode_part(slice).unwrap_or_else(|| slice.to_vec())
        }
        _ => slice.to_vec(),
    }
}

/// mail-parser's own decoding of `encoded` (`base64` or `quoted-printable`), stopping at
/// `boundary` when it is not empty; `None` where it fails.
fn parser_decoded(encoded: &[u8], cte: &str, boundary: &[u8]) -> Option<Vec<u8>> {
    let mut stream = MessageStream::new(encoded);
    let (end, bytes) = match cte {
        "base64" => stream.decode_base64_mime(boundary),
        "quoted-printable" => stream.decode_quoted_printable_mime(boundary),
        _ => return None,
    };
    (end != usize::MAX).then(|| bytes.into_owned())
}

/// Decodes base64 written as it should be (lines of the standard alphabet, canonical
/// padding), as the parser's decoder would, several times faster; `None` for anything else,
/// which is left to the parser's tolerant decoder.
fn strict_base64(encoded: &[u8]) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let engine = &base64::engine::general_purpose::STANDARD;
    let lines = || {
        let mut start = 0;
        memchr::memchr_iter(b'\n', encoded)
            .chain([encoded.len()])
            .map(move |end| {
                let line = &encoded[start..end];
                start = end + 1;
                line.strip_suffix(b"\r").unwrap_or(line)
            })
    };
    // Lines of whole 4-character groups (as every client writes them) decode one by one.
    let mut out = Vec::with_capacity(encoded.len() / 4 * 3);
    if lines().all(|line| line.len() % 4 == 0 && engine.decode_vec(line, &mut out).is_ok()) {
        return Some(out);
    }
    let joined: Vec<u8> = lines().flatten().copied().collect();
    engine.decode(joined).ok()
}

/// Decodes quoted-printable exactly as the parser's decoder does (same output, same refusal
/// of `==`), but copies the runs between `=` and line ends at once instead of byte by byte.
/// `None` where the parser's decoder fails.
fn quoted_printable(encoded: &[u8]) -> Option<Vec<u8>> {
    use mail_parser::decoders::quoted_printable::HEX_MAP;
    #[derive(PartialEq)]
    enum State {
        None,
        Eq,
        Hex1(u8),
    }
    let mut out = Vec::with_capacity(encoded.len());
    let mut state = State::None;
    let mut last = 0u8;
    // White space at the end of the output, dropped before a line end.
    let mut white = 0usize;
    // Line ends are written as the input writes them, once it has shown a `\r`.
    let mut eol: &[u8] = b"\n";
    let mut i = 0;
    while i < encoded.len() {
        if state == State::None {
            let end =
                memchr::memchr3(b'=', b'\n', b'\r', &encoded[i..]).map_or(encoded.len(), |n| i + n);
            if end > i {
                let run = &encoded[i..end];
                out.extend_from_slice(run);
                let trailing = run
                    .iter()
                    .rev()
                    .take_while(|c| c.is_ascii_whitespace())
                    .count();
                white = if trailing == run.len() {
                    white + trailing
                } else {
                    trailing
                };
                last = run[run.len() - 1];
                i = end;
                continue;
            }
        }
        let ch = encoded[i];
        i += 1;
        match (ch, &state) {
            (b'=', State::None) => state = State::Eq,
            (b'=', _) => return None,
            (b'\n', State::Eq) => {
                state = State::None;
                white = 0;
            }
            (b'\n', _) => {
                out.truncate(out.len() - white);
                out.extend_from_slice(eol);
                white = 0;
            }
            (b'\r', _) => eol = b"\r\n",
            (_, State::Eq) => {
                if let Ok(high) = u8::try_from(HEX_MAP[ch as usize]) {
                    state = State::Hex1(high);
                } else if !ch.is_ascii_whitespace() {
                    state = State::None;
                    out.extend_from_slice(&[b'=', ch]);
                    white = 0;
                }
            }
            (_, State::Hex1(high)) => {
                match u8::try_from(HEX_MAP[ch as usize]) {
                    Ok(low) => out.push((high << 4) | low),
                    Err(_) => out.extend_from_slice(&[b'=', last, ch]),
                }
                state = State::None;
                white = 0;
            }
            // Taken by the runs above.
            (_, State::None) => {
                out.push(ch);
                white = if ch.is_ascii_whitespace() {
                    white + 1
                } else {
                    0
                };
            }
        }
        last = ch;
    }
    Some(out)
}

/// Text of a part in its declared charset (Windows-1252 when undeclared and not UTF-8).
fn decode_text(bytes: &[u8], part: &MessagePart<'_>) -> String {
    let charset =
        content_type(part).and_then(|(_, _, ct)| ct.attribute("charset").map(str::to_string));
    if let Some(decoder) = charset
        .and_then(|c| mail_parser::decoders::charsets::map::charset_decoder(c.trim().as_bytes()))
    {
        return decoder(bytes);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => mail_parser::decoders::charsets::map::charset_decoder(b"windows-1252")
            .map(|d| d(bytes))
            .unwrap_or_else(|| String::from_utf8_lossy(bytes).into_owned()),
    }
}

/// Walks the MIME tree, collecting body segments and attachments.
struct Walker<'o> {
    opts: &'o Options,
    /// Parts of all messages parsed so far (the top one and decoded nested ones).
    parts: usize,
    attachments: Vec<Attachment>,
    bounced_message_id: Option<String>,
}

impl Walker<'_> {
    /// Pre-scans one message (the top one, or a nested one) at nesting `depth`, and returns the
    /// bytes to parse: the same bytes, with nested-message types marked (see `prescan`).
    fn prepare<'r>(&mut self, raw: &'r [u8], depth: usize) -> Result<Cow<'r, [u8]>, Rejection> {
        let limits = &self.opts.limits;
        let too_many = Rejection::TooManyParts {
            limit: limits.max_parts,
        };
        let too_deep = Rejection::TooDeep {
            limit: limits.max_depth,
        };
        if depth > limits.max_depth {
            return Err(too_deep);
        }
        let remaining = Limits {
            max_parts: limits
                .max_parts
                .checked_sub(self.parts)
                .ok_or(too_many.clone())?,
            max_depth: limits.max_depth - depth,
            ..limits.clone()
        };
        let raw = words::blank_separator(raw, limits.max_header_bytes);
        let scan = prescan::prescan(&raw, &remaining).map_err(|e| match e {
            Rejection::TooManyParts { .. } => too_many.clone(),
            Rejection::TooDeep { .. } => too_deep.clone(),
            other => other,
        })?;
        Ok(if scan.rewrites.is_empty() {
            raw
        } else {
            Cow::Owned(prescan::apply_rewrites(&raw, &scan.rewrites))
        })
    }

    /// Parses prepared bytes and checks the exact structure: part count (over all messages
    /// parsed so far), nesting depth from `depth`, and each part's header block size.
    fn parse_checked<'r>(&mut self, raw: &'r [u8], depth: usize) -> Result<Message<'r>, Rejection> {
        let limits = &self.opts.limits;
        let too_many = Rejection::TooManyParts {
            limit: limits.max_parts,
        };
        let too_deep = Rejection::TooDeep {
            limit: limits.max_depth,
        };
        let message = headers::parser().parse(raw).ok_or(Rejection::Unparseable)?;
        if message.parts.is_empty() {
            return Err(Rejection::Unparseable);
        }
        // Exact structure checks, iteratively (no recursion on attacker-controlled depth).
        let mut stack: Vec<(&Message<'_>, u32, usize)> = vec![(&message, 0, depth)];
        let mut count = 0usize;
        while let Some((msg, id, d)) = stack.pop() {
            let Some(part) = msg.parts.get(id as usize) else {
                continue;
            };
            count += 1;
            if self.parts.saturating_add(count) > limits.max_parts {
                return Err(too_many);
            }
            if d > limits.max_depth {
                return Err(too_deep);
            }
            if (part.offset_body as usize).saturating_sub(part.offset_header as usize)
                > limits.max_header_bytes
            {
                return Err(Rejection::HeaderTooLarge {
                    limit: limits.max_header_bytes,
                });
            }
            match &part.body {
                PartType::Multipart(children) => {
                    for &c in children.iter().filter(|&&c| c > id) {
                        stack.push((msg, c, d + 1));
                    }
                }
                PartType::Message(nested) => stack.push((nested, 0, d + 1)),
                _ => {}
            }
        }
        self.parts += count;
        Ok(message)
    }

    /// Walks part `id` of `msg` (whose offsets refer to `raw`), at nesting `depth`.
    #[allow(clippy::too_many_arguments)]
    fn walk(
        &mut self,
        msg: &Message<'_>,
        raw: &[u8],
        id: u32,
        depth: usize,
        boundary: &[u8],
        mode: Mode,
        segments: &mut Vec<Segment>,
    ) -> Result<(), Rejection> {
        self.walk_in(msg, raw, id, depth, boundary, mode, false, segments)
    }

    #[allow(clippy::too_many_arguments)]
    fn walk_in(
        &mut self,
        msg: &Message<'_>,
        raw: &[u8],
        id: u32,
        depth: usize,
        boundary: &[u8],
        mode: Mode,
        in_digest: bool,
        segments: &mut Vec<Segment>,
    ) -> Result<(), Rejection> {
        let Some(part) = msg.parts.get(id as usize) else {
            return Ok(());
        };
        if depth > self.opts.limits.max_depth {
            return Err(Rejection::TooDeep {
                limit: self.opts.limits.max_depth,
            });
        }
        let ct = content_type(part);
        let (ctype, subtype) = match &ct {
            Some((t, s, _)) => (t.as_str(), s.as_str()),
            None if in_digest => ("message", "rfc822"),
            None => ("text", "plain"),
        };
        let is_message = is_message_type(ctype, subtype);

        if let PartType::Multipart(children) = &part.body {
            let children: Vec<u32> = children.iter().copied().filter(|&c| c > id).collect();
            let own_boundary: Vec<u8> = ct
                .as_ref()
                .and_then(|(_, _, c)| c.attribute("boundary"))
                .map(|b| b.as_bytes().to_vec())
                .unwrap_or_default();
            let digest = subtype == "digest" || subtype == MARKED_DIGEST;
            match (subtype, mode) {
                ("alternative", Mode::Normal | Mode::ReportText) => {
                    let chosen = choose_alternative(msg, raw, &children);
                    // A plain alternative often carries the signature without any marker;
                    // the HTML alternative marks it: find it there to remove it here.
                    let htmls: Vec<String> = children
                        .iter()
                        .filter(|&&c| Some(c) != chosen)
                        .flat_map(|&c| find_html(msg, raw, c))
                        .collect();
                    let signatures = if self.opts.remove_signature {
                        htmls
                            .iter()
                            .flat_map(|h| body::html_signature_texts(h))
                            .collect()
                    } else {
                        Vec::new()
                    };
                    let hidden_links = doors::hidden_links(&htmls);
                    for &c in &children {
                        let m = if Some(c) == chosen {
                            mode
                        } else {
                            Mode::NotChosen
                        };
                        let before = segments.len();
                        self.walk_in(msg, raw, c, depth + 1, &own_boundary, m, false, segments)?;
                        if Some(c) == chosen {
                            for seg in &mut segments[before..] {
                                if let Segment::Plain {
                                    signatures: s,
                                    hidden_links: l,
                                    ..
                                } = seg
                                {
                                    s.extend(signatures.iter().cloned());
                                    l.extend(hidden_links.iter().cloned());
                                }
                            }
                        }
                    }
                }
                ("related", Mode::Normal | Mode::ReportText) => {
                    for (i, &c) in children.iter().enumerate() {
                        let m = if i == 0 { mode } else { Mode::NotChosen };
                        self.walk_in(msg, raw, c, depth + 1, &own_boundary, m, false, segments)?;
                    }
                }
                ("report", _) => {
                    // First child: the human-readable text. The rest (status fields, returned
                    // message or headers) names the recipients of our own mail: read for the
                    // bounced Message-ID only, never kept.
                    for (i, &c) in children.iter().enumerate() {
                        if i == 0 {
                            let m = if mode == Mode::NotChosen {
                                mode
                            } else {
                                Mode::ReportText
                            };
                            self.walk_in(
                                msg,
                                raw,
                                c,
                                depth + 1,
                                &own_boundary,
                                m,
                                false,
                                segments,
                            )?;
                        } else {
                            self.note_returned(msg, raw, c, &own_boundary);
                        }
                    }
                }
                _ => {
                    for &c in &children {
                        self.walk_in(
                            msg,
                            raw,
                            c,
                            depth + 1,
                            &own_boundary,
                            mode,
                            digest,
                            segments,
                        )?;
                    }
                }
            }
            return Ok(());
        }

        if is_message {
            if mode == Mode::NotChosen {
                return Ok(());
            }
            // A nested message: anonymised the same way, kept as a forwarded section with only
            // its subject and text.
            let section = if let PartType::Message(nested) = &part.body {
                // Not expected (the pre-scan marks nested messages), but handled.
                Some(self.forwarded(nested, raw, depth + 1)?)
            } else {
                let bytes = decoded_body(raw, part, boundary);
                match self.forwarded_bytes(&bytes, depth + 1)? {
                    Some(section) => Some(section),
                    None => {
                        self.add_attachment(&bytes, None, true);
                        None
                    }
                }
            };
            if let Some((subject, body)) = section {
                segments.push(Segment::Forwarded { subject, body });
            }
            return Ok(());
        }

        let bytes = decoded_body(raw, part, boundary);
        if let Some(text) = hidden_text(ctype, subtype, part, &bytes) {
            if mode != Mode::NotChosen {
                segments.push(Segment::Plain {
                    text,
                    redact_addresses: true,
                    signatures: Vec::new(),
                    hidden_links: Vec::new(),
                });
            }
            return Ok(());
        }
        let text_kind = ctype == "text" && matches!(subtype, "plain" | "html");
        if text_kind && !is_attachment(part) {
            if mode == Mode::NotChosen {
                return Ok(());
            }
            let text = decode_text(&bytes, part);
            let redact_addresses = mode == Mode::ReportText;
            if subtype != "html" {
                return self.add_plain(text, redact_addresses, depth, segments);
            }
            segments.push(Segment::Html {
                html: text,
                redact_addresses,
            });
            return Ok(());
        }
        if ctype == "message" || (ctype == "text" && subtype == "rfc822-headers") {
            // Status reports, partial or external messages, header dumps: headers of some
            // message, never stored.
            self.attachments.push(Attachment {
                kind: AttachmentKind::Message,
                size: bytes.len() as u64,
                content: AttachmentContent::Withheld(WithheldReason::Unsupported),
            });
            return Ok(());
        }
        let declared = format!("{ctype}/{subtype}");
        self.add_leaf(&bytes, &declared, depth, segments)
    }

    /// Sniffs and applies the policy to one attachment.
    fn add_attachment(&mut self, bytes: &[u8], declared: Option<&str>, is_message: bool) {
        let kind = if is_message {
            AttachmentKind::Message
        } else {
            attachments::sniff(bytes, declared)
        };
        let content = if is_message {
            Some(AttachmentContent::Withheld(WithheldReason::Unsupported))
        } else {
            attachments::policy(kind, bytes)
        };
        if let Some(content) = content {
            self.attachments.push(Attachment {
                kind,
                size: bytes.len() as u64,
                content,
            });
        }
    }

    /// Subject and body of a nested message; its attachments join the list.
    fn forwarded(
        &mut self,
        nested: &Message<'_>,
        raw: &[u8],
        depth: usize,
    ) -> Result<(String, String), Rejection> {
        let Some(root) = nested.parts.first() else {
            return Ok((String::new(), String::new()));
        };
        let subject = headers::subject(root);
        let mut segments = Vec::new();
        self.walk(nested, raw, 0, depth, &[], Mode::Normal, &mut segments)?;
        Ok((subject, render(segments, self.opts.remove_signature)))
    }

    /// Subject and body of a nested message given as bytes (decoded from its part); `None`
    /// when the bytes are not a message.
    fn forwarded_bytes(
        &mut self,
        bytes: &[u8],
        depth: usize,
    ) -> Result<Option<(String, String)>, Rejection> {
        let not_a_message = |e: &Rejection| {
            matches!(
                e,
                Rejection::Unparseable | Rejection::Empty | Rejection::NoHeaders
            )
        };
        let buf = match self.prepare(bytes, depth) {
            Ok(buf) => buf,
            Err(e) if not_a_message(&e) => return Ok(None),
            Err(e) => return Err(e),
        };
        let nested = match self.parse_checked(&buf, depth) {
            Ok(nested) => nested,
            Err(e) if not_a_message(&e) => return Ok(None),
            Err(e) => return Err(e),
        };
        self.forwarded(&nested, &buf, depth).map(Some)
    }

    /// Reads the Message-ID of a message (or header block) returned in a report.
    fn note_returned(&mut self, msg: &Message<'_>, raw: &[u8], id: u32, boundary: &[u8]) {
        if self.bounced_message_id.is_some() {
            return;
        }
        let Some(part) = msg.parts.get(id as usize) else {
            return;
        };
        let (ctype, subtype) = content_type(part)
            .map(|(t, s, _)| (t, s))
            .unwrap_or_default();
        let headers_only = matches!(
            (ctype.as_str(), subtype.as_str()),
            ("text", "rfc822-headers")
                | ("message", "rfc822-headers")
                | ("message", "global-headers")
        );
        let message = is_message_type(&ctype, &subtype);
        if let PartType::Message(nested) = &part.body
            && !matches!(
                transfer_encoding(part).as_str(),
                "base64" | "quoted-printable"
            )
        {
            self.bounced_message_id = nested.parts.first().and_then(headers::message_id);
        } else if headers_only || message {
            let bytes = decoded_body(raw, part, boundary);
            let end = prescan::header_block_len(&bytes);
            if end <= self.opts.limits.max_header_bytes {
                self.bounced_message_id = headers::parser()
                    .parse_headers(&bytes[..end])
                    .and_then(|m| m.parts.first().and_then(headers::message_id));
            }
        }
    }
}

/// The writer's text of a leaf whose type hides it, to be shown with every address redacted:
/// a multipart the parser could not split (its structure cannot be trusted: boundary lines and
/// header blocks are left out), or human text mislabelled as a status report or header dump
/// (after any leading header block). `None` for every other leaf, and for status fields and
/// header dumps, which are never shown.
fn hidden_text(ctype: &str, subtype: &str, part: &MessagePart<'_>, bytes: &[u8]) -> Option<String> {
    if ctype == "multipart" {
        return Some(words::raw_mime_text(&decode_text(bytes, part)));
    }
    if !(ctype == "message" || (ctype == "text" && subtype == "rfc822-headers")) {
        return None;
    }
    let text = decode_text(bytes, part);
    let rest = words::after_header_block(&text);
    let readable = words::raw_mime_text(rest);
    (!words::header_shaped(rest) && !readable.trim().is_empty()).then_some(readable)
}

/// The type of a nested message part as the parser sees it (marked by the pre-scan).
const MARKED_MESSAGE: &str = "x-sourdine-message";
/// The subtype of a digest as the parser sees it (marked by the pre-scan).
const MARKED_DIGEST: &str = "x-sourdine-digest";

/// Whether a (lowercased) content type is a nested message.
fn is_message_type(ctype: &str, subtype: &str) -> bool {
    (ctype == "message" || ctype == MARKED_MESSAGE) && matches!(subtype, "rfc822" | "global")
}

/// Every text/html leaf at or under part `start` (at most a few levels down), decoded.
fn find_html(msg: &Message<'_>, raw: &[u8], start: u32) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![(start, 0usize)];
    while let Some((id, depth)) = stack.pop() {
        let Some(part) = msg.parts.get(id as usize) else {
            continue;
        };
        match &part.body {
            PartType::Multipart(children) if depth < 4 => {
                stack.extend(children.iter().rev().map(|&c| (c, depth + 1)));
            }
            _ => {
                let is_html =
                    content_type(part).is_some_and(|(t, s, _)| t == "text" && s == "html");
                if is_html && !is_attachment(part) {
                    out.push(decode_text(&decoded_body(raw, part, b""), part));
                }
            }
        }
    }
    out
}

/// Picks the alternative to read: a non-empty `text/plain` if there is one, else the last
/// alternative that is HTML or a multipart, else the last one.
fn choose_alternative(msg: &Message<'_>, raw: &[u8], children: &[u32]) -> Option<u32> {
    let kind = |c: u32| msg.parts.get(c as usize).map(|p| (content_type(p), p));
    let plain = children.iter().copied().find(|&c| {
        kind(c).is_some_and(|(ct, p)| {
            let (t, s) = ct
                .map(|(t, s, _)| (t, s))
                .unwrap_or(("text".into(), "plain".into()));
            t == "text"
                && s == "plain"
                && !is_attachment(p)
                && !decoded_body(raw, p, b"")
                    .iter()
                    .all(u8::is_ascii_whitespace)
        })
    });
    plain.or_else(|| {
        children
            .iter()
            .copied()
            .rev()
            .find(|&c| {
                kind(c).is_some_and(|(ct, p)| {
                    matches!(p.body, PartType::Multipart(_))
                        || ct.is_some_and(|(t, s, _)| t == "text" && s == "html")
                })
            })
            .or_else(|| children.last().copied())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn split_lf_gives_what_split_gives() {
        for text in [
            "",
            "\n",
            "\n\n",
            "a",
            "a\n",
            "\na",
            "a\nb",
            "a\r\nb\n\n",
            "é\nü\n\u{a0}",
            "> a\n>\n",
        ] {
            let ours: Vec<&str> = split_lf(text).collect();
            let std: Vec<&str> = text.split('\n').collect();
            assert_eq!(ours, std, "{text:?}");
            let ours: Vec<&str> = rsplit_lf(text).collect();
            let std: Vec<&str> = text.rsplit('\n').collect();
            assert_eq!(ours, std, "{text:?}");
        }
    }

    fn opts() -> Options {
        Options {
            remove_signature: true,
            limits: Limits::default(),
            contact_address: "help@line.example".into(),
            trusted_authserv_id: Some("mx.line.example".into()),
        }
    }

    fn run(raw: &str) -> Anonymised {
        anonymise(raw.as_bytes(), &opts()).expect("anonymised")
    }

    #[test]
    fn strict_base64_agrees_with_the_parsers_decoder() {
        use base64::Engine as _;
        for len in [0usize, 1, 2, 3, 57, 58, 1000, 4099] {
            let data: Vec<u8> = (0..len).map(|i| (i * 7 % 256) as u8).collect();
            let text = base64::engine::general_purpose::STANDARD.encode(&data);
            for eol in ["\r\n", "\n"] {
                let wrapped = text
                    .as_bytes()
                    .chunks(76)
                    .map(|c| String::from_utf8_lossy(c).into_owned())
                    .collect::<Vec<_>>()
                    .join(eol)
                    + eol;
                let fast = strict_base64(wrapped.as_bytes());
                assert_eq!(fast.as_deref(), Some(&data[..]), "{len} {eol:?}");
                assert_eq!(fast, parser_decoded(wrapped.as_bytes(), "base64", b""));
            }
        }
    }

    #[test]
    fn quoted_printable_decodes_as_the_parser_does() {
        use proptest::prelude::*;
        use proptest::test_runner::{Config, TestRunner};
        for sample in [
            &b"caf=C3=A9 cr=C3=A8me  \r\nsoft=\r\nbreak=  \nend"[..],
            b"a=\nb\n\n  \t\n=3d=3D=zz=4=\r\n",
            b"==",
            b"x=A\ny",
            b"",
        ] {
            assert_eq!(
                quoted_printable(sample),
                parser_decoded(sample, "quoted-printable", b""),
                "{:?}",
                String::from_utf8_lossy(sample)
            );
        }
        // Random text made of what matters to the decoder: `=`, hex digits (and the bytes
        // around them), white space, line ends, ordinary and 8-bit bytes.
        let byte = prop::sample::select(b"==\r\n\n \t\x0cAFaf09_`gGx-\xc3\xa9".to_vec());
        TestRunner::new(Config {
            cases: 3000,
            failure_persistence: None,
            ..Config::default()
        })
        .run(&prop::collection::vec(byte, 0..80), |encoded| {
            prop_assert_eq!(
                quoted_printable(&encoded),
                parser_decoded(&encoded, "quoted-printable", b"")
            );
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn strict_base64_leaves_loose_base64_to_the_parser() {
        // No padding, a space inside, padding in the middle, junk, non-canonical last bits:
        // the parser's own decoder takes these (or refuses them).
        for loose in [
            &b"QUJDRA"[..],
            b"QUJD RA==",
            b"QQ==QQ==",
            b"QUJ*RA==",
            b"QUJDRB==",
        ] {
            assert_eq!(
                strict_base64(loose),
                None,
                "{:?}",
                String::from_utf8_lossy(loose)
            );
        }
        let mail = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\nQm9uam91ciBsZSBtb25kZQ\r\n--b--\r\n";
        let m = headers::parser().parse(mail.as_bytes()).unwrap();
        let part = &m.parts[2];
        let body = decoded_body(mail.as_bytes(), part, b"b");
        assert!(
            body.starts_with(b"Bonjour le mond"),
            "unpadded base64 still decodes"
        );
        assert_eq!(
            Some(body),
            parser_decoded(b"Qm9uam91ciBsZSBtb25kZQ\r\n", "base64", b"")
        );
    }

    /// Runs `f` on a thread with a 2 MiB stack, failing if it takes longer than `secs`.
    fn on_small_stack<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
        let start = Instant::now();
        let out = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(f)
            .unwrap()
            .join()
            .expect("no panic, no stack overflow");
        assert!(
            start.elapsed() < Duration::from_secs(secs),
            "took {:?}",
            start.elapsed()
        );
        out
    }

    const PNG: &[u8] =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

    fn b64(bytes: &[u8]) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, &b)| n | (b as u32) << (16 - 8 * i));
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    #[test]
    fn plain_message_end_to_end() {
        let a = run(concat!(
            "From: \"Jane Doe\" <Jane@Example.ORG>\r\n",
            "Reply-To: <reply@Example.org>\r\n",
            "To: help+tok123@line.example\r\n",
            "Message-ID: <m1@example.org>\r\n",
            "In-Reply-To: <ours1@line.example>\r\n",
            "References: <ours0@line.example> <ours1@line.example>\r\n",
            "Subject: =?utf-8?q?Besoin_d=27aide?=\r\n",
            "Date: Mon, 3 Jun 2024 12:00:00 +0200\r\n",
            "\r\n",
            "Bonjour, je ne sais pas à qui parler. Depuis des mois je me sens seule et\r\n",
            "j'ai peur de le dire à ma famille.   \r\n",
            "-- \r\n",
            "Jane Doe, 0470 11 22 33\r\n",
        ));
        assert_eq!(a.subject, "Besoin d'aide");
        assert_eq!(a.date_utc, Some(1_717_408_800));
        assert_eq!(a.language, Language::Fr);
        assert!(
            a.body.starts_with("Bonjour") && a.body.ends_with("famille."),
            "{:?}",
            a.body
        );
        assert!(!a.body.contains("0470") && !a.body.contains('\r'));
        assert_eq!(a.secrets.from_address.as_deref(), Some("Jane@example.org"));
        assert_eq!(a.secrets.message_id.as_deref(), Some("m1@example.org"));
        assert_eq!(
            a.secrets.references,
            vec!["ours1@line.example", "ours0@line.example"]
        );
        assert_eq!(
            a.secrets.ancestry,
            vec!["ours0@line.example", "ours1@line.example"]
        );
        // The Reply-To is read only to withhold verification; it is no secret of the ticket.
        assert!(!format!("{:?}", a.secrets).contains("reply@"));
        assert_eq!(a.secrets.recipient_tokens, vec!["tok123"]);
        assert!(a.attachments.is_empty());
        assert!(!a.signals.suppresses_auto_reply());
    }

    #[test]
    fn alternative_prefers_plain_text() {
        let a = run(concat!(
            "From: a@b.example\nSubject: alt\nContent-Type: multipart/alternative; boundary=AB\n\n",
            "--AB\nContent-Type: text/plain; charset=utf-8\n\nplain version\n",
            "--AB\nContent-Type: text/html; charset=utf-8\n\n<p>html version</p>\n",
            "--AB--\n",
        ));
        assert_eq!(a.body, "plain version");
    }

    #[test]
    fn html_only_message_is_sanitised_text() {
        let a = run(concat!(
            "From: a@b.example\nSubject: html\nContent-Type: text/html; charset=utf-8\n",
            "Content-Transfer-Encoding: quoted-printable\n\n",
            "<html><head><style>p{background:url(https://t.example/x)}</style></head><body>",
            "<p>Hello <b>there</b></p><img src=3D\"https://t.example/pixel\"><script>x()</script>",
            "<div class=3D\"gmail_signature\">Jane 0470</div></body></html>\n",
        ));
        assert!(a.body.contains("Hello there"), "{:?}", a.body);
        for leak in ["t.example", "pixel", "x()", "0470", "Jane", "<"] {
            assert!(!a.body.contains(leak), "{leak}: {:?}", a.body);
        }
    }

    #[test]
    fn several_text_parts_are_concatenated_in_order() {
        let a = run(concat!(
            "From: a@b.example\nSubject: mixed\nContent-Type: multipart/mixed; boundary=MX\n\n",
            "--MX\nContent-Type: text/plain\n\nfirst part\n",
            "--MX\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\n",
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ\n",
            "--MX\nContent-Type: text/plain\n\nsecond part\n",
            "--MX--\n",
        ));
        assert_eq!(a.body, "first part\n\nsecond part");
        assert_eq!(a.attachments.len(), 1);
        assert_eq!(a.attachments[0].kind, AttachmentKind::Png);
    }

    #[test]
    fn attachments_are_sniffed_never_named() {
        let raw = format!(
            concat!(
                "From: a@b.example\nSubject: files\nContent-Type: multipart/mixed; boundary=MX\n\n",
                "--MX\nContent-Type: text/plain\n\nsee files\n",
                "--MX\nContent-Type: application/octet-stream; name=\"secret-name.pdf\"\n",
                "Content-Disposition: attachment; filename=\"secret-name.pdf\"\n",
                "Content-Transfer-Encoding: base64\n\n{png}\n",
                "--MX\nContent-Type: text/plain; name=notes.txt\nContent-Disposition: attachment; filename=notes.txt\n\n",
                "my notes\n",
                "--MX\nContent-Type: text/x-vcard\n\nBEGIN:VCARD\nFN:Jane\nEND:VCARD\n",
                "--MX\nContent-Type: application/pgp-signature\n\n-----BEGIN PGP SIGNATURE-----\n\niQ\n-----END PGP SIGNATURE-----\n",
                "--MX--\n",
            ),
            png = b64(PNG)
        );
        let a = run(&raw);
        assert_eq!(a.body, "see files");
        let kinds: Vec<AttachmentKind> = a.attachments.iter().map(|x| x.kind).collect();
        assert_eq!(
            kinds,
            vec![
                AttachmentKind::Png,
                AttachmentKind::Text,
                AttachmentKind::VCard
            ]
        );
        assert_eq!(a.attachments[0].size, PNG.len() as u64);
        assert_eq!(
            a.attachments[0].content,
            AttachmentContent::NeedsCleaning(PNG.to_vec())
        );
        assert_eq!(
            a.attachments[1].content,
            AttachmentContent::Kept(b"my notes".to_vec())
        );
        assert_eq!(
            a.attachments[2].content,
            AttachmentContent::Withheld(WithheldReason::CarriesIdentity)
        );
        assert!(!format!("{:?}", a.attachments).contains("secret-name"));
    }

    #[test]
    fn inline_images_of_related_html_are_attachments() {
        let raw = format!(
            concat!(
                "From: a@b.example\nSubject: rel\nContent-Type: multipart/related; boundary=RL\n\n",
                "--RL\nContent-Type: text/html\n\n<p>look <img src=\"cid:img1\"></p>\n",
                "--RL\nContent-Type: image/png\nContent-ID: <img1>\nContent-Transfer-Encoding: base64\n\n{}\n",
                "--RL--\n",
            ),
            b64(PNG)
        );
        let a = run(&raw);
        assert_eq!(a.body, "look");
        assert_eq!(a.attachments.len(), 1);
        assert_eq!(a.attachments[0].kind, AttachmentKind::Png);
    }

    #[test]
    fn nested_message_becomes_a_forwarded_section() {
        let a = run(&format!(
            concat!(
                "From: a@b.example\nSubject: fwd\nContent-Type: multipart/mixed; boundary=MX\n\n",
                "--MX\nContent-Type: text/plain\n\nsee below\n",
                "--MX\nContent-Type: message/rfc822\n\n",
                "From: Nested Person <nested@person.example>\nTo: someone@else.example\n",
                "Date: Tue, 4 Jun 2024 09:00:00 -0500\nSubject: inner subject\n",
                "Content-Type: multipart/mixed; boundary=IN\n\n",
                "--IN\nContent-Type: text/plain\n\ninner text\n",
                "--IN\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\n{}\n",
                "--IN--\n",
                "--MX--\n",
            ),
            b64(PNG)
        ));
        assert!(a.body.starts_with("see below"));
        assert!(
            a.body.contains("Subject: inner subject") && a.body.contains("inner text"),
            "{:?}",
            a.body
        );
        for leak in ["Nested", "nested@", "someone@", "2024", "-0500"] {
            assert!(!a.body.contains(leak), "{leak}");
        }
        assert_eq!(a.subject, "fwd");
        assert_eq!(
            a.attachments.iter().map(|x| x.kind).collect::<Vec<_>>(),
            vec![AttachmentKind::Png]
        );
    }

    #[test]
    fn base64_nested_message_is_decoded_and_checked() {
        let inner = "From: Inner <inner@x.example>\nSubject: encoded inner\n\nencoded text\n";
        let a = run(&format!(
            "From: a@b.example\nSubject: fwd\nContent-Type: multipart/mixed; boundary=MX\n\n--MX\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n{}\n--MX--\n",
            b64(inner.as_bytes())
        ));
        assert!(
            a.body.contains("encoded inner") && a.body.contains("encoded text"),
            "{:?}",
            a.body
        );
        assert!(!a.body.contains("inner@"));
        // Hidden structure inside the encoding is held to the same limits.
        let mut deep = String::new();
        for _ in 0..10_000 {
            deep.push_str("Content-Type: message/rfc822\n\n");
        }
        deep.push_str("Subject: x\n\ny\n");
        let raw = format!(
            "From: a@b.example\nSubject: fwd\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n{}\n",
            b64(deep.as_bytes())
        );
        let r = on_small_stack(30, move || anonymise(raw.as_bytes(), &opts()).map(|_| ()));
        assert_eq!(r, Err(Rejection::TooManyParts { limit: 256 }));
    }

    #[test]
    fn parts_of_encoded_nested_messages_count_towards_the_limit() {
        let mut inner = String::from("Subject: i\nContent-Type: multipart/mixed; boundary=p\n\n");
        for _ in 0..100 {
            inner.push_str("--p\n\nx\n");
        }
        inner.push_str("--p--\n");
        let part = format!(
            "--MX\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n{}\n",
            b64(inner.as_bytes())
        );
        let one = format!(
            "From: a@b.example\nSubject: s\nContent-Type: multipart/mixed; boundary=MX\n\n{part}--MX--\n"
        );
        assert!(anonymise(one.as_bytes(), &opts()).is_ok());
        let three = format!(
            "From: a@b.example\nSubject: s\nContent-Type: multipart/mixed; boundary=MX\n\n{part}{part}{part}--MX--\n"
        );
        assert_eq!(
            anonymise(three.as_bytes(), &opts()).unwrap_err(),
            Rejection::TooManyParts { limit: 256 }
        );
    }

    #[test]
    fn parts_after_an_encoded_message_are_kept() {
        let inner = "From: i@x.example\nSubject: first\n\nfirst text\n";
        let a = run(&format!(
            concat!(
                "From: a@b.example\nSubject: s\nContent-Type: multipart/mixed; boundary=MX\n\n",
                "--MX\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n{}\n",
                "--MX\nContent-Type: text/plain\n\nafter text\n--MX--\n"
            ),
            b64(inner.as_bytes())
        ));
        assert!(
            a.body.contains("first text") && a.body.ends_with("after text"),
            "{:?}",
            a.body
        );
    }

    #[test]
    fn digest_children_are_messages() {
        let a = run(concat!(
            "From: a@b.example\nSubject: digest\nContent-Type: multipart/digest; boundary=DG\n\n",
            "--DG\n\nFrom: one@x.example\nSubject: one\n\nfirst\n",
            "--DG\n\nFrom: two@x.example\nSubject: two\n\nsecond\n",
            "--DG--\n",
        ));
        assert!(
            a.body.contains("Subject: one") && a.body.contains("second"),
            "{:?}",
            a.body
        );
        assert!(!a.body.contains("one@") && !a.body.contains("two@"));
    }

    #[test]
    fn delivery_report_is_a_bounce_without_addresses() {
        let a = run(concat!(
            "From: MAILER-DAEMON@mx.example\nSubject: Undelivered Mail Returned to Sender\n",
            "Auto-Submitted: auto-replied\n",
            "Content-Type: multipart/report; report-type=delivery-status; boundary=RP\n\n",
            "--RP\nContent-Type: text/plain\n\nI'm sorry to have to inform you that your message could not\n",
            "be delivered to <writer@their.example>.\n",
            "--RP\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example\n\n",
            "Final-Recipient: rfc822; writer@their.example\nAction: failed\n",
            "--RP\nContent-Type: message/rfc822\n\nFrom: help@line.example\nTo: writer@their.example\n",
            "Message-ID: <ours.42@line.example>\nSubject: Re: hello\n\nour reply text\n",
            "--RP--\n",
        ));
        assert!(
            a.signals.is_bounce && a.signals.daemon_sender && a.signals.suppresses_auto_reply()
        );
        assert_eq!(
            a.signals.bounced_message_id.as_deref(),
            Some("ours.42@line.example")
        );
        assert!(
            a.body.contains("could not") && a.body.contains("[redacted]"),
            "{:?}",
            a.body
        );
        for leak in ["writer@", "Final-Recipient", "our reply text"] {
            assert!(!a.body.contains(leak), "{leak}");
        }
        assert!(a.attachments.is_empty());
    }

    #[test]
    fn returned_headers_give_the_bounced_id() {
        let a = run(concat!(
            "From: postmaster@mx.example\nSubject: failure\n",
            "Content-Type: multipart/report; report-type=\"Delivery-Status\"; boundary=RP\n\n",
            "--RP\nContent-Type: text/plain\n\nfailed\n",
            "--RP\nContent-Type: message/delivery-status\n\nAction: failed\n",
            "--RP\nContent-Type: text/rfc822-headers\n\nMessage-ID: <ours.7@line.example>\nTo: w@x.example\n",
            "--RP--\n",
        ));
        assert!(a.signals.is_bounce);
        assert_eq!(
            a.signals.bounced_message_id.as_deref(),
            Some("ours.7@line.example")
        );
    }

    #[test]
    fn a_report_that_is_not_a_bounce_still_hides_its_status_fields() {
        let a = run(concat!(
            "From: j@x.example\nSubject: Read: hi\n",
            "Content-Type: multipart/report; report-type=disposition-notification; boundary=RP\n\n",
            "--RP\nContent-Type: text/plain\n\nYour message was read by j@x.example\n",
            "--RP\nContent-Type: message/disposition-notification\n\nFinal-Recipient: rfc822; j@x.example\n",
            "--RP--\n",
        ));
        assert!(!a.signals.is_bounce && a.signals.bounced_message_id.is_none());
        assert!(
            !a.body.contains("j@x") && a.attachments.is_empty(),
            "{:?}",
            a.body
        );
    }

    #[test]
    fn signed_and_encrypted_parts() {
        let a = run(concat!(
            "From: a@b.example\nSubject: signed\n",
            "Content-Type: multipart/signed; protocol=\"application/pgp-signature\"; boundary=SG\n\n",
            "--SG\nContent-Type: text/plain\n\nsigned text\n",
            "--SG\nContent-Type: application/pgp-signature\n\n-----BEGIN PGP SIGNATURE-----\n\niQ\n-----END PGP SIGNATURE-----\n",
            "--SG--\n",
        ));
        assert_eq!(a.body, "signed text");
        assert!(a.attachments.is_empty());
        let a = run(concat!(
            "From: a@b.example\nSubject: enc\n",
            "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=EN\n\n",
            "--EN\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n",
            "--EN\nContent-Type: application/octet-stream\n\n-----BEGIN PGP MESSAGE-----\n\nhQ\n-----END PGP MESSAGE-----\n",
            "--EN--\n",
        ));
        assert_eq!(a.attachments.len(), 1);
        assert_eq!(a.attachments[0].kind, AttachmentKind::PgpEncrypted);
        assert_eq!(
            a.attachments[0].content,
            AttachmentContent::Withheld(WithheldReason::Encrypted)
        );
    }

    #[test]
    fn rejections() {
        let o = opts();
        assert_eq!(anonymise(b"", &o).unwrap_err(), Rejection::Empty);
        assert_eq!(anonymise(b"  \r\n\t ", &o).unwrap_err(), Rejection::Empty);
        assert_eq!(anonymise(b":::", &o).unwrap_err(), Rejection::Unparseable);
        assert_eq!(
            anonymise(b"\x00\x01\x02 no header here", &o).unwrap_err(),
            Rejection::NoHeaders
        );
        assert_eq!(
            anonymise(b"\nbody without headers", &o).unwrap_err(),
            Rejection::NoHeaders
        );
        assert_eq!(
            anonymise(b"X-Unknown: 1\n\nbody", &o).unwrap_err(),
            Rejection::NoHeaders
        );
        let small = Options {
            limits: Limits {
                max_message_bytes: 250,
                max_depth: 2,
                ..Limits::default()
            },
            ..opts()
        };
        let big = format!("Subject: x\n\n{}", "y".repeat(300));
        assert_eq!(
            anonymise(big.as_bytes(), &small).unwrap_err(),
            Rejection::TooLarge { limit: 250 }
        );
        let deep = concat!(
            "Subject: x\nContent-Type: multipart/mixed; boundary=A\n\n--A\n",
            "Content-Type: multipart/mixed; boundary=B\n\n--B\n",
            "Content-Type: multipart/mixed; boundary=C\n\n--C\n\ntext\n--C--\n--B--\n--A--\n"
        );
        assert_eq!(
            anonymise(deep.as_bytes(), &small).unwrap_err(),
            Rejection::TooDeep { limit: 2 }
        );
        let shallow = Options {
            limits: Limits {
                max_depth: 3,
                ..small.limits.clone()
            },
            ..opts()
        };
        assert_eq!(anonymise(deep.as_bytes(), &shallow).unwrap().body, "text");
    }

    #[test]
    fn part_header_blocks_are_limited_after_parsing() {
        let o = Options {
            limits: Limits {
                max_header_bytes: 200,
                ..Limits::default()
            },
            ..opts()
        };
        let raw = format!(
            "Subject: x\nContent-Type: multipart/mixed; boundary=A\n\n--A\nX-Filler: {}\n\ntext\n--A--\n",
            "f".repeat(300)
        );
        assert_eq!(
            anonymise(raw.as_bytes(), &o).unwrap_err(),
            Rejection::HeaderTooLarge { limit: 200 }
        );
    }

    #[test]
    fn hostile_nested_multiparts() {
        let mut raw = String::from("Subject: x\n");
        for i in 0..10_000 {
            raw.push_str(&format!(
                "Content-Type: multipart/mixed; boundary=b{i}\n\n--b{i}\n"
            ));
        }
        raw.push_str("\ntext\n");
        let r = on_small_stack(30, move || anonymise(raw.as_bytes(), &opts()).map(|_| ()));
        assert_eq!(r, Err(Rejection::TooManyParts { limit: 256 }));
        // Even with the part limit lifted, the parse stays iterative and the depth check holds
        // (3,000 levels: under the boundary-scanning budget, so the parser really runs).
        let mut raw = String::from("Subject: x\n");
        for i in 0..3_000 {
            raw.push_str(&format!(
                "Content-Type: multipart/mixed; boundary=b{i}\n\n--b{i}\n"
            ));
        }
        raw.push_str("\ntext\n");
        let lifted = Options {
            limits: Limits {
                max_parts: 1_000_000,
                ..Limits::default()
            },
            ..opts()
        };
        let r = on_small_stack(60, move || anonymise(raw.as_bytes(), &lifted).map(|_| ()));
        assert_eq!(r, Err(Rejection::TooDeep { limit: 16 }));
    }

    #[test]
    fn hostile_nested_messages() {
        let mut raw = String::from("Subject: x\n");
        for _ in 0..10_000 {
            raw.push_str("Content-Type: message/rfc822\n\nSubject: y\n");
        }
        raw.push_str("\ntext\n");
        let r1 = raw.clone();
        let r = on_small_stack(30, move || anonymise(r1.as_bytes(), &opts()).map(|_| ()));
        assert_eq!(r, Err(Rejection::TooManyParts { limit: 256 }));
        let lifted = Options {
            limits: Limits {
                max_parts: 1_000_000,
                ..Limits::default()
            },
            ..opts()
        };
        let r = on_small_stack(30, move || anonymise(raw.as_bytes(), &lifted).map(|_| ()));
        assert_eq!(r, Err(Rejection::TooDeep { limit: 16 }));
    }

    #[test]
    fn hostile_many_parts() {
        let mut raw = String::from("Subject: x\nContent-Type: multipart/mixed; boundary=p\n\n");
        for _ in 0..100_000 {
            raw.push_str("--p\n\nx\n");
        }
        raw.push_str("--p--\n");
        let r = on_small_stack(30, move || anonymise(raw.as_bytes(), &opts()).map(|_| ()));
        assert_eq!(r, Err(Rejection::TooManyParts { limit: 256 }));
    }

    #[test]
    fn hostile_huge_header_line() {
        let mut raw = String::from("Subject: ");
        raw.push_str(&"A".repeat(10 << 20));
        raw.push_str("\n\nbody\n");
        let r = on_small_stack(30, move || anonymise(raw.as_bytes(), &opts()).map(|_| ()));
        assert_eq!(r, Err(Rejection::HeaderTooLarge { limit: 256 * 1024 }));
    }

    #[test]
    fn hostile_boundary_scanning_is_budgeted() {
        // Multiparts whose boundaries never appear would each make the parser scan to the end.
        let mut raw = String::from("Subject: x\nContent-Type: multipart/mixed; boundary=top\n\n");
        for i in 0..100 {
            raw.push_str(&format!(
                "--top\nContent-Type: multipart/mixed; boundary=never{i}\n\n"
            ));
        }
        raw.push_str(&"z".repeat(11 << 20));
        let r = on_small_stack(30, move || anonymise(raw.as_bytes(), &opts()).map(|_| ()));
        assert_eq!(r, Err(Rejection::TooManyParts { limit: 256 }));
    }

    #[test]
    fn hostile_binary_garbage() {
        // A deterministic pseudo-random byte stream, sprinkled with MIME-looking fragments.
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut raw = Vec::with_capacity(2 << 20);
        while raw.len() < 2 << 20 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            match state % 50 {
                0 => raw.extend_from_slice(b"\nContent-Type: multipart/mixed; boundary=g\n\n--g\n"),
                1 => raw.extend_from_slice(
                    b"\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n",
                ),
                2 => raw.extend_from_slice(b"\n--g--\n"),
                _ => raw.extend_from_slice(&state.to_le_bytes()),
            }
        }
        let mut with_header = b"Subject: garbage\n".to_vec();
        with_header.extend_from_slice(&raw);
        for input in [raw, with_header] {
            // Any outcome is fine as long as it is prompt and does not panic.
            let _ = on_small_stack(60, move || anonymise(&input, &opts()).map(|a| a.body.len()));
        }
    }

    #[test]
    fn parser_does_not_decode_bodies() {
        // Relied on by the pre-scan: mail-parser must not decode (and so never parse a base64
        // message/rfc822 by itself). If an upgrade changes this, this test fails.
        let raw = b"Subject: x\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\nU3ViamVjdDogaQoKYgo=\n";
        let m = headers::parser().parse(&raw[..]).unwrap();
        assert!(
            m.parts
                .iter()
                .all(|p| p.encoding == mail_parser::Encoding::None)
        );
        assert!(!m.parts.iter().any(
            |p| matches!(&p.body, PartType::Message(n) if headers::subject(&n.parts[0]) == "i")
        ));
    }

    mod leaks {
        use super::*;
        use proptest::prelude::*;

        /// A message carrying `t[i]` tokens in every place that must not reach the output.
        fn hostile_message(t: &[String]) -> String {
            format!(
                concat!(
                    "Received: from {0} by mx.line.example\n",
                    "DKIM-Signature: v=1; d={1}.example; b={1}\n",
                    "ARC-Seal: i=1; d={1}.example\n",
                    "User-Agent: {2}\n",
                    "X-Mailer: {2}\n",
                    "X-Originating-IP: [{3}]\n",
                    "Message-ID: <{4}@example.org>\n",
                    "From: \"{5} Doe\" <{5}@example.org>\n",
                    "Sender: {6}@example.org\n",
                    "Cc: \"{6} Friend\" <{6}@example.org>\n",
                    "Bcc: {6}b@example.org\n",
                    "Reply-To: \"{7}\" <{7}@example.org>\n",
                    "To: \"{7} Help\" <help@line.example>\n",
                    "Content-Language: {8}\n",
                    "Organization: {8}\n",
                    "Autocrypt: addr={9}@example.org; keydata={9}\n",
                    "Authentication-Results: mx.line.example; dkim=pass header.d={9}.example header.b={9}\n",
                    "Thread-Topic: {10}\n",
                    "Date: Mon, 3 Jun 2024 12:00:00 +0200\n",
                    "Subject: plain subject\n",
                    "MIME-Version: 1.0 ({11})\n",
                    "Content-Type: multipart/mixed; boundary=\"{12}\"\n",
                    "\n",
                    "preamble {13}\n",
                    "--{12}\n",
                    "Content-Type: text/plain; charset=utf-8; x-param={13}\n",
                    "Content-Description: {14}\n",
                    "Content-Language: {14}\n",
                    "X-Part: {14}\n",
                    "\n",
                    "Body text without secrets.\n",
                    "--{12}\n",
                    "Content-Type: text/plain; name=\"{15}.txt\"\n",
                    "Content-Disposition: attachment; filename=\"{15}.txt\"; size=3\n",
                    "Content-ID: <{15}@example.org>\n",
                    "Content-Location: {15}\n",
                    "\n",
                    "attached text\n",
                    "--{12}\n",
                    "Content-Type: message/rfc822; name=\"{16}.eml\"\n",
                    "Content-Description: {16}\n",
                    "\n",
                    "From: \"{17} Nested\" <{17}@example.org>\n",
                    "To: {17}t@example.org\n",
                    "Cc: {17}c@example.org\n",
                    "Message-ID: <{17}m@example.org>\n",
                    "Date: Sun, 2 Jun 2024 08:00:00 -0700\n",
                    "X-Mailer: {18}\n",
                    "Received: from {18}\n",
                    "Subject: nested subject\n",
                    "\n",
                    "Nested text without secrets.\n",
                    "--{12}--\n",
                    "epilogue {19}\n",
                ),
                t[0],
                t[1],
                t[2],
                t[3],
                t[4],
                t[5],
                t[6],
                t[7],
                t[8],
                t[9],
                t[10],
                t[11],
                t[12],
                t[13],
                t[14],
                t[15],
                t[16],
                t[17],
                t[18],
                t[19],
            )
        }

        fn check(t: &[String]) {
            let a = anonymise(hostile_message(t).as_bytes(), &opts()).expect("anonymised");
            let attachments = format!("{:?}", a.attachments);
            let signals = format!("{:?}", a.signals);
            for token in t {
                let lower = token.to_lowercase();
                for (place, text) in [
                    ("subject", &a.subject),
                    ("body", &a.body),
                    ("attachments", &attachments),
                    ("signals", &signals),
                ] {
                    assert!(
                        !text.to_lowercase().contains(&lower),
                        "{token} reached {place}: {text}"
                    );
                }
            }
            // The message was really processed.
            assert!(
                a.body.contains("Body text without secrets.")
                    && a.body.contains("Nested text without secrets.")
            );
            assert!(a.body.contains("nested subject"));
            assert_eq!(a.attachments.len(), 1);
            assert_eq!(
                a.attachments[0].content,
                AttachmentContent::Kept(b"attached text".to_vec())
            );
            assert_eq!(a.date_utc, Some(1_717_408_800));
        }

        #[test]
        fn no_unlisted_header_reaches_output() {
            let t: Vec<String> = (0..20)
                .map(|i| format!("tok{i}zq{}", 7919 * (i + 3)))
                .collect();
            check(&t);
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(48))]
            #[test]
            fn no_unlisted_header_reaches_output_random(tokens in proptest::collection::hash_set("[a-z]{4}[0-9]{4}[a-z]{4}", 20)) {
                let t: Vec<String> = tokens.into_iter().collect();
                check(&t);
            }
        }
    }
}
