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
#[cfg(test)]
mod growth;
pub mod headerblock;
pub mod headers;
pub mod invisible;
pub mod language;
mod lenient;
mod lines;
pub mod links;
mod prescan;
pub mod quarantine;
pub mod signature;
mod types;
pub mod uuencode;
mod words;

use std::borrow::Cow;

use mail_parser::{HeaderName, Message, MessagePart, PartType, parsers::MessageStream};

pub use attachments::{AttachmentContent, AttachmentKind, WithheldReason};
pub use language::Language;
pub use types::{
    Anonymised, Attachment, Limits, Options, Rejection, Secrets, Signals, Verification,
};

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
    // Whether every piece is normalised already (by `finish_text`): then so is their join,
    // and the last pass over the whole body is skipped.
    let mut normalised = true;
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
            Segment::Forwarded { subject, body } => {
                normalised = false;
                format!(
                    "---------- Forwarded message ----------\nSubject: {subject}\n\n{body}\n---------- End of forwarded message ----------"
                )
            }
        };
        if !text.trim().is_empty() {
            pieces.push(text);
        }
    }
    let body = pieces.join("\n\n");
    if normalised {
        body
    } else {
        body::normalise(&body)
    }
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

/// The bytes of a part's body as the message carries them (still encoded), by offset.
fn encoded_body<'a>(raw: &'a [u8], part: &MessagePart<'_>) -> &'a [u8] {
    let start = (part.offset_body as usize).min(raw.len());
    let end = (part.offset_end as usize).clamp(start, raw.len());
    &raw[start..end]
}

/// The decoded bytes of a part's body, read from the raw message by offset and decoded here
/// (the parser is not asked to decode; see `headers::parser`).
fn decoded_body(raw: &[u8], part: &MessagePart<'_>, boundary: &[u8]) -> Vec<u8> {
    let slice = encoded_body(raw, part);
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

/// Whether a part's decoded body holds anything but white space. The part chosen is decoded
/// again when it is read, so the encoded bytes answer when they can: unencoded, they are the
/// body; quoted-printable, a first byte other than `=` (which starts an escape) or `-` (which
/// could start a boundary) is kept as it is by every decoding. Only the rest is decoded.
fn has_text(raw: &[u8], part: &MessagePart<'_>) -> bool {
    let first = encoded_body(raw, part)
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .copied();
    let decoded = || {
        !decoded_body(raw, part, b"")
            .iter()
            .all(u8::is_ascii_whitespace)
    };
    match transfer_encoding(part).as_str() {
        "base64" | "x-uuencode" | "uuencode" | "x-uue" | "uue" => decoded(),
        "quoted-printable" => match first {
            None | Some(b'=' | b'-') => decoded(),
            Some(_) => true,
        },
        _ => first.is_some(),
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

/// Encoded characters [`strict_base64`] joins before decoding them (a multiple of 4): a
/// window that stays in the processor's cache, where joining a whole photo's lines first
/// wrote and read again a buffer as large as the photo.
const BASE64_WINDOW: usize = 16 * 1024;

/// Decodes base64 written as it should be (lines of the standard alphabet, canonical
/// padding), as the parser's decoder would, several times faster; `None` for anything else,
/// which is left to the parser's tolerant decoder.
///
/// The lines are joined and decoded a window at a time: decoding line by line cost a call, a
/// length check and a fill of the output per 76 characters (a quarter of preparing a message
/// with a photo). A window before the last holds whole groups without padding, so it decodes
/// to exactly the bytes it gives inside the whole; anything else (padding or a bad character
/// before the end) is decoded by [`strict_base64_joined`], which says what the whole is.
fn strict_base64(encoded: &[u8]) -> Option<Vec<u8>> {
    strict_base64_windowed(encoded, BASE64_WINDOW)
}

/// The standard base64 engine's alphabet and rules (padded, canonical, no trailing bits), with
/// AVX2 or NEON where the processor has them (detected once): several times faster than the
/// scalar engine. Also the control socket's engine for message bytes.
pub fn base64_engine() -> &'static base64::engine::simd::Simd {
    static ENGINE: std::sync::LazyLock<base64::engine::simd::Simd> =
        std::sync::LazyLock::new(|| {
            base64::engine::simd::Simd::standard(base64::engine::general_purpose::PAD)
        });
    &ENGINE
}

/// [`strict_base64`] with windows of `window` characters (a multiple of 4).
fn strict_base64_windowed(encoded: &[u8], window: usize) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let engine = base64_engine();
    let mut out = Vec::with_capacity(encoded.len() / 4 * 3 + 3);
    let mut joined = Vec::with_capacity(window.min(encoded.len()) + 80);
    for line in base64_lines(encoded) {
        joined.extend_from_slice(line);
        if joined.len() >= window {
            let whole = joined.len() / 4 * 4;
            let groups = &joined[..whole];
            if memchr::memchr(b'=', groups).is_some()
                || engine.decode_vec(groups, &mut out).is_err()
            {
                return strict_base64_joined(encoded);
            }
            joined.drain(..whole);
        }
    }
    match engine.decode_vec(&joined, &mut out) {
        Ok(()) => Some(out),
        Err(_) => strict_base64_joined(encoded),
    }
}

/// The lines of base64 text, without their line ends.
fn base64_lines(encoded: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut start = 0;
    memchr::memchr_iter(b'\n', encoded)
        .chain([encoded.len()])
        .map(move |end| {
            let line = &encoded[start..end];
            start = end + 1;
            line.strip_suffix(b"\r").unwrap_or(line)
        })
}

/// [`strict_base64`] of the lines joined at once, and of the lines one by one when they each
/// hold whole groups but decode only one by one (padding at the end of a line before the last).
fn strict_base64_joined(encoded: &[u8]) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let engine = &base64::engine::general_purpose::STANDARD;
    let lines = || base64_lines(encoded);
    let mut joined = Vec::with_capacity(encoded.len());
    let mut whole_groups = true;
    for line in lines() {
        whole_groups &= line.len() % 4 == 0;
        joined.extend_from_slice(line);
    }
    // Joined, the groups decode to the bytes the lines decode to one by one, whenever both
    // succeed: decoding joined can only fail where a line's padding is not at the end.
    if let Ok(out) = engine.decode(&joined) {
        return Some(out);
    }
    if !whole_groups {
        return None;
    }
    let mut out = Vec::with_capacity(encoded.len() / 4 * 3);
    lines()
        .all(|line| engine.decode_vec(line, &mut out).is_ok())
        .then_some(out)
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

/// The children of a multipart, and where they are walked from.
struct Children<'a, 'm> {
    msg: &'a Message<'m>,
    /// The bytes the message's offsets refer to.
    raw: &'a [u8],
    ids: Vec<u32>,
    /// The children's nesting.
    depth: usize,
    /// The multipart's own boundary.
    boundary: Vec<u8>,
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
            let kids = Children {
                msg,
                raw,
                ids: children.iter().copied().filter(|&c| c > id).collect(),
                depth: depth + 1,
                boundary: ct
                    .as_ref()
                    .and_then(|(_, _, c)| c.attribute("boundary"))
                    .map(|b| b.as_bytes().to_vec())
                    .unwrap_or_default(),
            };
            return self.walk_multipart(&kids, subtype, mode, segments);
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
                        self.add_attachment(Cow::Borrowed(&bytes), None, true);
                        None
                    }
                }
            };
            if let Some((subject, body)) = section {
                segments.push(Segment::Forwarded { subject, body });
            }
            return Ok(());
        }

        // An alternative not chosen that is text is not read (walk_leaf would drop it): its
        // HTML, if any, was decoded already for the chosen one's signatures.
        let text_kind = ctype == "text" && matches!(subtype, "plain" | "html");
        if mode == Mode::NotChosen && text_kind && !is_attachment(part) {
            return Ok(());
        }
        let bytes = decoded_body(raw, part, boundary);
        self.walk_leaf(part, bytes, (ctype, subtype), depth, mode, segments)
    }

    /// Walks the children of a multipart of type `multipart/subtype`.
    fn walk_multipart(
        &mut self,
        kids: &Children<'_, '_>,
        subtype: &str,
        mode: Mode,
        segments: &mut Vec<Segment>,
    ) -> Result<(), Rejection> {
        let digest = subtype == "digest" || subtype == MARKED_DIGEST;
        match (subtype, mode) {
            ("alternative", Mode::Normal | Mode::ReportText) => {
                self.walk_alternative(kids, mode, segments)?;
            }
            ("related", Mode::Normal | Mode::ReportText) => {
                for (i, &c) in kids.ids.iter().enumerate() {
                    let m = if i == 0 { mode } else { Mode::NotChosen };
                    self.walk_child(kids, c, m, false, segments)?;
                }
            }
            ("report", _) => {
                // First child: the human-readable text. The rest (status fields, returned
                // message or headers) names the recipients of our own mail: read for the
                // bounced Message-ID only, never kept.
                for (i, &c) in kids.ids.iter().enumerate() {
                    if i == 0 {
                        let m = if mode == Mode::NotChosen {
                            mode
                        } else {
                            Mode::ReportText
                        };
                        self.walk_child(kids, c, m, false, segments)?;
                    } else {
                        self.note_returned(kids.msg, kids.raw, c, &kids.boundary);
                    }
                }
            }
            _ => {
                for &c in &kids.ids {
                    self.walk_child(kids, c, mode, digest, segments)?;
                }
            }
        }
        Ok(())
    }

    /// Walks one child of a multipart.
    fn walk_child(
        &mut self,
        kids: &Children<'_, '_>,
        id: u32,
        mode: Mode,
        in_digest: bool,
        segments: &mut Vec<Segment>,
    ) -> Result<(), Rejection> {
        let (msg, raw, depth, boundary) = (kids.msg, kids.raw, kids.depth, &kids.boundary);
        self.walk_in(msg, raw, id, depth, boundary, mode, in_digest, segments)
    }

    /// Walks a `multipart/alternative`: the chosen alternative's text, with the signatures and
    /// hidden links that the HTML alternatives mark.
    fn walk_alternative(
        &mut self,
        kids: &Children<'_, '_>,
        mode: Mode,
        segments: &mut Vec<Segment>,
    ) -> Result<(), Rejection> {
        let (msg, raw) = (kids.msg, kids.raw);
        let chosen = choose_alternative(msg, raw, &kids.ids);
        // A plain alternative often carries the signature without any marker;
        // the HTML alternative marks it: find it there to remove it here.
        let htmls: Vec<String> = kids
            .ids
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
        for &c in &kids.ids {
            let m = if Some(c) == chosen {
                mode
            } else {
                Mode::NotChosen
            };
            let before = segments.len();
            self.walk_child(kids, c, m, false, segments)?;
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
        Ok(())
    }

    /// Walks a part that is neither a multipart nor a message, its body decoded to `bytes`:
    /// text, hidden text, a header dump or an attachment.
    fn walk_leaf(
        &mut self,
        part: &MessagePart<'_>,
        bytes: Vec<u8>,
        (ctype, subtype): (&str, &str),
        depth: usize,
        mode: Mode,
        segments: &mut Vec<Segment>,
    ) -> Result<(), Rejection> {
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
            debug_assert!(
                mode != Mode::NotChosen,
                "walk_in skips a text alternative not chosen, undecoded"
            );
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
        self.add_leaf(Cow::Owned(bytes), &declared, depth, segments)
    }

    /// Sniffs and applies the policy to one attachment.
    fn add_attachment(&mut self, bytes: Cow<'_, [u8]>, declared: Option<&str>, is_message: bool) {
        let kind = if is_message {
            AttachmentKind::Message
        } else {
            attachments::sniff(&bytes, declared)
        };
        let size = bytes.len() as u64;
        let content = if is_message {
            Some(AttachmentContent::Withheld(WithheldReason::Unsupported))
        } else {
            attachments::policy(kind, bytes)
        };
        if let Some(content) = content {
            self.attachments.push(Attachment {
                kind,
                size,
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
            t == "text" && s == "plain" && !is_attachment(p) && has_text(raw, p)
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
mod tests;
