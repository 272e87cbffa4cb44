//! Finding the writer's words where the MIME structure hides them: a body after a header
//! block that ends with a line of spaces, the text of a multipart the parser could not split,
//! human text mislabelled as a status report, the preamble of a multipart when there is
//! nothing better. Every function here is linear in its input.

use std::borrow::Cow;

use mail_parser::MessagePart;

use super::body;

/// Whether a line is a header field's first line: a name of printable ASCII without spaces,
/// then a colon.
pub(super) fn is_field_line(line: &str) -> bool {
    let Some(colon) = line.find(':') else {
        return false;
    };
    colon > 0 && colon <= 76 && line[..colon].bytes().all(|b| b.is_ascii_graphic())
}

/// Whether a text is a block of header fields (status fields, a header dump): its lines with
/// content are mostly `Name: value` lines or their continuations. Looks at 200 lines at most.
pub(super) fn header_shaped(text: &str) -> bool {
    let (mut fields, mut other) = (0usize, 0usize);
    for line in text.lines().take(200) {
        if line.trim().is_empty() || line.starts_with([' ', '\t']) {
            continue;
        }
        if is_field_line(line) {
            fields += 1;
        } else {
            other += 1;
        }
    }
    other == 0 || (fields > 0 && other * 4 <= fields)
}

/// The text after a leading header block (a `message/external-body` part's phantom headers),
/// or the whole text when it does not start with one.
pub(super) fn after_header_block(text: &str) -> &str {
    let mut pos = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let t = line.trim_end();
        if t.is_empty() {
            return if i == 0 {
                text
            } else {
                &text[pos + line.len()..]
            };
        }
        if !(is_field_line(t) || (i > 0 && line.starts_with([' ', '\t']))) {
            return text;
        }
        pos += line.len();
    }
    text
}

/// The raw message with a whitespace-only line that ends its header block made empty, when
/// what follows it is not header-shaped: the parser would read it as a folded header and take
/// the body for headers. When header fields follow, they are headers (read by the allow-list,
/// as every header is) and nothing changes. Looks at the first `max_header_bytes` only.
pub(super) fn blank_separator(raw: &[u8], max_header_bytes: usize) -> Cow<'_, [u8]> {
    let head = &raw[..raw.len().min(max_header_bytes.saturating_add(1))];
    let mut start = 0;
    let mut seen_field = false;
    while let Some(len) = memchr::memchr(b'\n', &head[start..]) {
        let line = &head[start..start + len];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            return Cow::Borrowed(raw);
        }
        if seen_field && line.iter().all(|&b| b == b' ' || b == b'\t') {
            let next_start = start + len + 1;
            let next_end =
                memchr::memchr(b'\n', &raw[next_start..]).map_or(raw.len(), |i| next_start + i);
            let next = String::from_utf8_lossy(&raw[next_start..next_end]);
            if is_field_line(next.trim_end()) || next.trim().is_empty() {
                return Cow::Borrowed(raw);
            }
            let mut fixed = Vec::with_capacity(raw.len());
            fixed.extend_from_slice(&raw[..start]);
            fixed.extend_from_slice(&raw[start + line.len()..]);
            return Cow::Owned(fixed);
        }
        seen_field |= is_field_line(&String::from_utf8_lossy(line));
        start += len + 1;
    }
    Cow::Borrowed(raw)
}

/// Whether a line is a field of a message or part header (by its name: the usual fields,
/// `Content-*`, `X-*`, `List-*`, `Resent-*`, `ARC-*`, `DKIM-*`), as opposed to a writer's
/// `Note: ...`.
fn is_known_field(line: &str) -> bool {
    const NAMES: &[&str] = &[
        "from",
        "to",
        "cc",
        "bcc",
        "subject",
        "date",
        "message-id",
        "received",
        "reply-to",
        "sender",
        "return-path",
        "mime-version",
        "in-reply-to",
        "references",
        "delivered-to",
        "authentication-results",
        "user-agent",
        "organization",
        "thread-topic",
        "thread-index",
        "importance",
        "priority",
        "precedence",
        "auto-submitted",
        "disposition-notification-to",
    ];
    const PREFIXES: &[&str] = &["content-", "x-", "list-", "resent-", "arc-", "dkim-"];
    if !is_field_line(line) {
        return false;
    }
    let name = line[..line.find(':').unwrap_or(0)].to_ascii_lowercase();
    NAMES.contains(&name.as_str()) || PREFIXES.iter().any(|p| name.starts_with(p))
}

/// Generated preambles ("This is a multi-part message in MIME format."): not the writer's.
pub(super) fn is_boilerplate(text: &str) -> bool {
    let lower = text.to_lowercase();
    [
        "message in mime format",
        "this message is in mime format",
        "mime-aware",
    ]
    .iter()
    .any(|p| lower.contains(p))
}

/// The readable text of a multipart whose structure could not be read: boundary lines, the
/// part header block after each, and lines of base64 are left out; HTML blocks are flattened
/// to their text; header fields anywhere else (an embedded message's, with their continuation
/// lines) go through the allow-list as [`headerblock`](super::headerblock) does: the subject
/// and date stay, the rest becomes one note.
pub(super) fn raw_mime_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() / 2);
    let mut html = String::new();
    let mut fields = EmbeddedFields::default();
    let (mut in_headers, mut is_html) = (false, false);
    let flush = |html: &mut String, out: &mut String| {
        if !html.is_empty() {
            out.push_str(&body::html_to_flat_text(html));
            out.push('\n');
            html.clear();
        }
    };
    for line in text.lines() {
        let t = line.trim_end();
        if is_boundary_line(t) {
            flush(&mut html, &mut out);
            (in_headers, is_html) = (true, false);
            continue;
        }
        if in_headers {
            if t.is_empty() {
                in_headers = false;
                continue;
            }
            if is_field_line(t) || t.starts_with([' ', '\t']) {
                let lower = t.to_ascii_lowercase();
                if lower.starts_with("content-type:") {
                    is_html = lower.contains("text/html");
                }
                continue;
            }
            in_headers = false;
        }
        if is_known_field(t) {
            fields.start(t);
            continue;
        }
        if fields.open() && t.starts_with([' ', '\t']) && !t.trim().is_empty() {
            fields.fold(t);
            continue;
        }
        fields.flush(&mut out);
        if is_base64_line(t) {
            continue;
        }
        let to = if is_html { &mut html } else { &mut out };
        to.push_str(line);
        to.push('\n');
    }
    fields.flush(&mut out);
    flush(&mut html, &mut out);
    out
}

/// A run of header fields met in raw text, shown as the allow-list allows.
#[derive(Default)]
struct EmbeddedFields {
    /// The current field: its name lowercased and its value so far.
    current: Option<(String, String)>,
    /// The kept lines of the run.
    kept: Vec<String>,
    /// Whether a field of the run was dropped.
    dropped: bool,
}

impl EmbeddedFields {
    fn open(&self) -> bool {
        self.current.is_some()
    }

    fn start(&mut self, line: &str) {
        self.end_field();
        let (name, value) = line.split_once(':').unwrap_or((line, ""));
        self.current = Some((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }

    fn fold(&mut self, line: &str) {
        if let Some((_, value)) = &mut self.current {
            value.push(' ');
            value.push_str(line.trim());
        }
    }

    fn end_field(&mut self) {
        let Some((name, value)) = self.current.take() else {
            return;
        };
        let allowed = |field: &str| super::headers::KEPT.contains(&field);
        match name.as_str() {
            "subject" if allowed("Subject") => self
                .kept
                .push(format!("Subject: {}", super::headerblock::subject(&value))),
            "date" if allowed("Date") => self
                .kept
                .push(format!("Date: {}", super::headerblock::date(&value))),
            _ => self.dropped = true,
        }
    }

    /// Writes the run (kept fields, then one note when others were dropped) and starts anew.
    fn flush(&mut self, out: &mut String) {
        self.end_field();
        for line in self.kept.drain(..) {
            out.push_str(&line);
            out.push('\n');
        }
        if std::mem::take(&mut self.dropped) {
            out.push_str(super::headerblock::NOTE);
            out.push('\n');
        }
    }
}

/// A MIME delimiter line: `--` then a boundary without white space.
fn is_boundary_line(line: &str) -> bool {
    line.len() > 3 && line.starts_with("--") && !line[2..].contains(char::is_whitespace)
}

/// A line of base64 as encoders write them: only the base64 alphabet, and long, or shorter
/// with a digit, `+`, `/` or padding (which words do not have).
fn is_base64_line(line: &str) -> bool {
    line.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
        && (line.len() >= 60
            || line.len() >= 16
                && line
                    .bytes()
                    .any(|b| b.is_ascii_digit() || matches!(b, b'+' | b'/' | b'=')))
}

/// The text a multipart holds before its first delimiter (its preamble), when there is some.
/// Any of the root's `Content-Type` fields may be the multipart one (a message may carry two).
pub(super) fn preamble(raw: &[u8], root: &MessagePart<'_>) -> Option<String> {
    let boundary = root
        .headers
        .iter()
        .filter(|h| h.name == mail_parser::HeaderName::ContentType)
        .filter_map(|h| h.value.as_content_type())
        .filter(|ct| ct.ctype().eq_ignore_ascii_case("multipart"))
        .find_map(|ct| ct.attribute("boundary").filter(|b| !b.is_empty()))?;
    let start = (root.offset_body as usize).min(raw.len());
    let rest = &raw[start..];
    let delimiter = format!("--{boundary}");
    let end = memchr::memmem::find(rest, delimiter.as_bytes())?;
    let bytes = &rest[..end];
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => mail_parser::decoders::charsets::map::charset_decoder(b"windows-1252")
            .map_or_else(|| String::from_utf8_lossy(bytes).into_owned(), |d| d(bytes)),
    };
    (!text.trim().is_empty()).then_some(text)
}

#[cfg(test)]
mod tests;
