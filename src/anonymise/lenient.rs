//! A lenient, linear reading of a message's MIME structure, for messages the normal path
//! refused (quarantine): header blocks, boundary lines and leaf bodies are found line by line,
//! without the parser and whatever the limits that refused the message.
//!
//! [`Pieces`] cuts a message into consecutive pieces that cover every byte exactly once, in
//! one pass: [`super::quarantine`] reads the text from them, [`super::export`] rewrites their
//! header blocks. Every step looks at each line a bounded number of times (a boundary line is
//! compared with at most [`MAX_DEPTH`] open boundaries of at most [`MAX_BOUNDARY`] bytes), so
//! the whole reading is linear in the size of the message.

use std::ops::Range;

/// Deepest nesting of multiparts followed; deeper structure is read as the body of its part.
pub(crate) const MAX_DEPTH: usize = 64;
/// Longest boundary recognised (RFC 2046 allows 70 characters).
pub(crate) const MAX_BOUNDARY: usize = 256;
/// Longest header name recognised.
const MAX_NAME: usize = 100;

/// One line of `raw`: `start..end` without its line end; the next line starts at `next`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Line {
    pub start: usize,
    pub end: usize,
    pub next: usize,
}

/// The line that starts at `pos` (which must be at most `raw.len()`).
pub(crate) fn line_at(raw: &[u8], pos: usize) -> Line {
    match memchr::memchr(b'\n', &raw[pos..]) {
        Some(i) => {
            let nl = pos + i;
            let end = if nl > pos && raw[nl - 1] == b'\r' {
                nl - 1
            } else {
                nl
            };
            Line {
                start: pos,
                end,
                next: nl + 1,
            }
        }
        None => Line {
            start: pos,
            end: raw.len(),
            next: raw.len(),
        },
    }
}

/// The lines of `raw`, in order.
pub(crate) fn lines(raw: &[u8]) -> impl Iterator<Item = Line> + '_ {
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= raw.len() {
            return None;
        }
        let l = line_at(raw, pos);
        pos = l.next;
        Some(l)
    })
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c)
}

/// `s` without white space at its end.
pub(crate) fn trim_end_ws(s: &[u8]) -> &[u8] {
    let n = s.iter().rev().take_while(|&&b| is_ws(b)).count();
    &s[..s.len() - n]
}

/// `s` without white space at either end.
pub(crate) fn trim_ws(s: &[u8]) -> &[u8] {
    let s = trim_end_ws(s);
    let n = s.iter().take_while(|&&b| is_ws(b)).count();
    &s[n..]
}

/// Whether a line holds only white space (or nothing).
pub(crate) fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|&b| is_ws(b))
}

/// The name of a header-shaped line (`Name: value`): printable ASCII without spaces, then a
/// colon (white space tolerated before it). `None` for anything else.
pub(crate) fn header_name(line: &[u8]) -> Option<&[u8]> {
    let head = &line[..line.len().min(MAX_NAME + 16)];
    let colon = memchr::memchr(b':', head)?;
    let name = trim_end_ws(&head[..colon]);
    (!name.is_empty() && name.len() <= MAX_NAME && name.iter().all(|&b| (0x21..=0x7e).contains(&b)))
        .then_some(name)
}

/// Whether a line continues the header field above it (starts with a space or a tab and is
/// not blank).
fn is_continuation(line: &[u8]) -> bool {
    matches!(line.first(), Some(b' ' | b'\t')) && !is_blank(line)
}

/// One header field of a block, by byte ranges into the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Field {
    /// The name, trimmed (empty for a malformed line).
    pub name: Range<usize>,
    /// The value: after the colon up to the end of the last continuation line, without its line
    /// end.
    pub value: Range<usize>,
    /// Every line of the field, with the last line end.
    pub whole: Range<usize>,
    /// A line inside a header block that is not shaped like a header field.
    pub malformed: bool,
}

/// A header block: its fields, then the blank line that ends it (empty when the block ends at
/// a boundary line, a line that is not a header, or the end of the message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Block {
    pub fields: Vec<Field>,
    /// The lines of the fields.
    pub lines: Range<usize>,
    /// The separating blank line, with its line end.
    pub separator: Range<usize>,
}

/// Reads the header block that starts at `pos`. It ends at the first blank line (a line of only
/// white space ends it too, unless a header-shaped line follows: then the block goes on), at a
/// line `stop` recognises (a boundary), or at a line that is neither a header field, nor the
/// continuation of one, nor a stray line followed by a header field.
pub(crate) fn read_block(raw: &[u8], pos: usize, stop: impl Fn(&[u8]) -> bool) -> Block {
    let mut fields: Vec<Field> = Vec::new();
    let mut p = pos;
    let next_is_header = |next: usize| {
        next < raw.len() && {
            let n = line_at(raw, next);
            header_name(&raw[n.start..n.end]).is_some()
        }
    };
    while p < raw.len() {
        let l = line_at(raw, p);
        let line = &raw[l.start..l.end];
        if stop(line) {
            break;
        }
        if is_blank(line) {
            if !line.is_empty() && !fields.is_empty() && next_is_header(l.next) {
                fields.push(Field {
                    name: l.start..l.start,
                    value: l.start..l.end,
                    whole: l.start..l.next,
                    malformed: true,
                });
                p = l.next;
                continue;
            }
            return Block {
                fields,
                lines: pos..p,
                separator: p..l.next,
            };
        }
        if is_continuation(line)
            && let Some(last) = fields.last_mut()
        {
            last.value.end = l.end;
            last.whole.end = l.next;
            p = l.next;
            continue;
        }
        if let Some(name) = header_name(line) {
            let name_start = l.start + (name.as_ptr() as usize - line.as_ptr() as usize);
            let colon = l.start + memchr::memchr(b':', line).unwrap_or(0) + 1;
            fields.push(Field {
                name: name_start..name_start + name.len(),
                value: colon..l.end,
                whole: l.start..l.next,
                malformed: false,
            });
            p = l.next;
            continue;
        }
        if !fields.is_empty() && next_is_header(l.next) {
            fields.push(Field {
                name: l.start..l.start,
                value: l.start..l.end,
                whole: l.start..l.next,
                malformed: true,
            });
            p = l.next;
            continue;
        }
        break;
    }
    Block {
        fields,
        lines: pos..p,
        separator: p..p,
    }
}

/// The value of a structured field (`Content-Type` and the like), cut into its parts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Structured {
    /// The leading token (`text/plain`, `attachment`, `base64`), trimmed.
    pub head: Range<usize>,
    /// `name=value` parameters; the value range includes its quotes.
    pub params: Vec<(Range<usize>, Range<usize>)>,
    /// Comments, with their parentheses (outside quoted strings).
    pub comments: Vec<Range<usize>>,
}

/// Cuts a structured value (`raw[value]`) into head, parameters and comments, in one pass:
/// `;` outside quotes and comments separates, `"..."` quotes (with `\` escapes), `(...)`
/// comments nest. Lenient: an unterminated quote or comment runs to the end.
pub(crate) fn structured(raw: &[u8], value: Range<usize>) -> Structured {
    let mut out = Structured::default();
    let mut segments: Vec<Range<usize>> = Vec::new();
    let mut seg_start = value.start;
    let mut i = value.start;
    let mut quoted = false;
    let mut comment = 0usize;
    let mut comment_start = 0usize;
    while i < value.end {
        let b = raw[i];
        if b == b'\\' && (quoted || comment > 0) {
            i += 2;
            continue;
        }
        if comment > 0 {
            match b {
                b'(' => comment += 1,
                b')' => {
                    comment -= 1;
                    if comment == 0 {
                        out.comments.push(comment_start..i + 1);
                    }
                }
                _ => {}
            }
        } else if quoted {
            if b == b'"' {
                quoted = false;
            }
        } else {
            match b {
                b'"' => quoted = true,
                b'(' => {
                    comment = 1;
                    comment_start = i;
                }
                b';' => {
                    segments.push(seg_start..i);
                    seg_start = i + 1;
                }
                _ => {}
            }
        }
        i += 1;
    }
    if comment > 0 {
        out.comments.push(comment_start..value.end);
    }
    segments.push(seg_start..value.end.max(seg_start));
    let trimmed = |r: Range<usize>| {
        let s = &raw[r.clone()];
        let lead = s.iter().take_while(|&&b| is_ws(b)).count();
        let t = trim_ws(s);
        r.start + lead..r.start + lead + t.len()
    };
    let mut segments = segments.into_iter();
    if let Some(first) = segments.next() {
        let head = trimmed(first);
        // A comment inside the head (`text/plain (note)`) is not part of the token.
        let end = out
            .comments
            .iter()
            .find(|c| c.start >= head.start && c.start < head.end)
            .map_or(head.end, |c| c.start);
        out.head = head.start..head.start + trim_end_ws(&raw[head.start..end]).len();
    }
    for seg in segments {
        let seg = trimmed(seg);
        let Some(eq) = memchr::memchr(b'=', &raw[seg.clone()]) else {
            continue;
        };
        // A comment before the name (`; (note) name=value`) is not part of it.
        let name_start = out
            .comments
            .iter()
            .filter(|c| c.end > seg.start && c.end <= seg.start + eq)
            .map(|c| c.end)
            .max()
            .unwrap_or(seg.start);
        let name = trimmed(name_start..seg.start + eq);
        let value = trimmed(seg.start + eq + 1..seg.end);
        if !name.is_empty() {
            out.params.push((name, value));
        }
    }
    out
}

/// A parameter's name without its RFC 2231 section and charset marks (`name*0*` -> `name`),
/// lowercased.
pub(crate) fn param_base(name: &[u8]) -> String {
    let end = memchr::memchr(b'*', name).unwrap_or(name.len());
    String::from_utf8_lossy(&name[..end]).to_ascii_lowercase()
}

/// A parameter's value without its quotes and escapes, unfolded (a value may be folded onto
/// the next line: the line ends are not part of it).
pub(crate) fn unquote(value: &[u8]) -> Vec<u8> {
    let unfolded: Vec<u8>;
    let value = if value.contains(&b'\n') {
        unfolded = value
            .iter()
            .copied()
            .filter(|&b| b != b'\r' && b != b'\n')
            .collect();
        &unfolded[..]
    } else {
        value
    };
    let Some(inner) = value.strip_prefix(b"\"") else {
        return value.to_vec();
    };
    let inner = inner.strip_suffix(b"\"").unwrap_or(inner);
    let mut out = Vec::with_capacity(inner.len());
    let mut escaped = false;
    for &b in inner {
        if escaped || b != b'\\' {
            out.push(b);
            escaped = false;
        } else {
            escaped = true;
        }
    }
    out
}

/// What a part's header block says about its body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PartInfo {
    /// The type, lowercased (`text` when none was declared; `message` in a digest).
    pub ctype: String,
    /// The subtype, lowercased.
    pub subtype: String,
    /// The multipart boundary, when declared (and at most [`MAX_BOUNDARY`] bytes).
    pub boundary: Option<Vec<u8>>,
    /// The declared charset.
    pub charset: Option<String>,
    /// The transfer encoding, lowercased.
    pub cte: String,
    /// An attachment by its disposition or because it carries a file name.
    pub attachment: bool,
}

impl PartInfo {
    /// `type/subtype`.
    pub fn mime_type(&self) -> String {
        format!("{}/{}", self.ctype, self.subtype)
    }

    /// A nested message whose header block starts its body (not encoded).
    pub fn is_message(&self) -> bool {
        self.ctype == "message" && matches!(self.subtype.as_str(), "rfc822" | "global")
    }

    /// Encoded with base64 or quoted-printable.
    pub fn is_encoded(&self) -> bool {
        matches!(self.cte.as_str(), "base64" | "quoted-printable")
    }
}

/// Reads the part description from a block's fields (the first field of each name counts).
pub(crate) fn part_info(raw: &[u8], fields: &[Field], in_digest: bool) -> PartInfo {
    let find = |wanted: &str| {
        fields
            .iter()
            .find(|f| !f.malformed && raw[f.name.clone()].eq_ignore_ascii_case(wanted.as_bytes()))
    };
    let mut info = PartInfo {
        ctype: if in_digest { "message" } else { "text" }.into(),
        subtype: if in_digest { "rfc822" } else { "plain" }.into(),
        ..PartInfo::default()
    };
    if let Some(f) = find("content-type") {
        let s = structured(raw, f.value.clone());
        let head = String::from_utf8_lossy(&raw[s.head.clone()]).to_ascii_lowercase();
        if let Some((t, sub)) = head.split_once('/') {
            info.ctype = t.trim().to_string();
            info.subtype = sub.trim().to_string();
        }
        for (name, value) in &s.params {
            let value = unquote(&raw[value.clone()]);
            match param_base(&raw[name.clone()]).as_str() {
                "boundary" if !value.is_empty() && value.len() <= MAX_BOUNDARY => {
                    info.boundary.get_or_insert(value);
                }
                "charset" => {
                    info.charset
                        .get_or_insert_with(|| String::from_utf8_lossy(&value).trim().to_string());
                }
                "name" => info.attachment = true,
                _ => {}
            }
        }
    }
    if let Some(f) = find("content-transfer-encoding") {
        let s = structured(raw, f.value.clone());
        info.cte = String::from_utf8_lossy(&raw[s.head]).to_ascii_lowercase();
    }
    if let Some(f) = find("content-disposition") {
        let s = structured(raw, f.value.clone());
        if raw[s.head].eq_ignore_ascii_case(b"attachment")
            || s.params
                .iter()
                .any(|(n, _)| param_base(&raw[n.clone()]) == "filename")
        {
            info.attachment = true;
        }
    }
    info
}

/// One piece of a message; consecutive pieces cover every byte once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    /// A leading mbox `From ` line.
    MboxFrom(Range<usize>),
    /// A header block: of a message (`message`; `top` for the outermost) or of a MIME part.
    Headers {
        block: Block,
        message: bool,
        top: bool,
        info: PartInfo,
    },
    /// A boundary line of an open multipart (with its line end); `token` is the boundary in
    /// it, `close` for the closing `--boundary--`.
    Delimiter {
        line: Range<usize>,
        token: Range<usize>,
        close: bool,
    },
    /// The body of a leaf part (up to, and including, the line end before the next boundary).
    /// `alt` is the nearest enclosing `multipart/alternative`, by number.
    Body {
        range: Range<usize>,
        info: PartInfo,
        alt: Option<usize>,
    },
    /// Text of a multipart outside its parts: before the first boundary (`preamble`) or after
    /// the closing one.
    Filler { range: Range<usize>, preamble: bool },
}

#[derive(Debug)]
struct Frame {
    boundary: Vec<u8>,
    digest: bool,
    alt: Option<usize>,
}

#[derive(Debug)]
enum Next {
    Start {
        message: bool,
        top: bool,
        digest: bool,
    },
    Body(PartInfo),
    Filler {
        preamble: bool,
    },
    Done,
}

/// The pieces of a message, in order (see [`Piece`]).
#[derive(Debug)]
pub(crate) struct Pieces<'a> {
    raw: &'a [u8],
    pos: usize,
    stack: Vec<Frame>,
    next: Next,
    serial: usize,
    pending: Option<Piece>,
}

impl<'a> Pieces<'a> {
    /// The pieces of the message `raw`.
    pub fn new(raw: &'a [u8]) -> Pieces<'a> {
        Pieces {
            raw,
            pos: 0,
            stack: Vec::new(),
            next: Next::Start {
                message: true,
                top: true,
                digest: false,
            },
            serial: 0,
            pending: None,
        }
    }

    /// The open boundary a line closes or separates: (level, close, boundary range).
    fn delimiter(&self, line: Range<usize>) -> Option<(usize, bool, Range<usize>)> {
        delimiter_in(&self.stack, self.raw, line)
    }

    /// Reads a header block at the current position and decides what follows it.
    fn start(&mut self, message: bool, top: bool, digest: bool) -> Piece {
        let raw = self.raw;
        if top
            && self.pos == 0
            && raw.starts_with(b"From ")
            && header_name(&raw[..line_at(raw, 0).end]).is_none()
        {
            let l = line_at(raw, 0);
            self.pos = l.next;
            self.next = Next::Start {
                message,
                top,
                digest,
            };
            return Piece::MboxFrom(0..l.next);
        }
        let stack = &self.stack;
        let block = read_block(raw, self.pos, |line| {
            let start = line.as_ptr() as usize - raw.as_ptr() as usize;
            delimiter_in(stack, raw, start..start + line.len()).is_some()
        });
        self.pos = block.separator.end;
        let info = part_info(raw, &block.fields, digest && !message);
        self.next = match &info.boundary {
            Some(b) if info.ctype == "multipart" && self.stack.len() < MAX_DEPTH => {
                self.serial += 1;
                let alt = if info.subtype == "alternative" {
                    Some(self.serial)
                } else {
                    self.stack.last().and_then(|f| f.alt)
                };
                self.stack.push(Frame {
                    boundary: b.clone(),
                    digest: info.subtype == "digest",
                    alt,
                });
                Next::Filler { preamble: true }
            }
            _ if info.is_message() && !info.is_encoded() => Next::Start {
                message: true,
                top: false,
                digest: false,
            },
            _ => Next::Body(info.clone()),
        };
        Piece::Headers {
            block,
            message,
            top,
            info,
        }
    }

    /// Reads up to the next boundary line of an open multipart (or the end); the boundary
    /// line, if any, is kept for the next call.
    fn until_delimiter(&mut self, make: impl FnOnce(Range<usize>) -> Piece) -> Piece {
        let raw = self.raw;
        let start = self.pos;
        let mut at = start;
        let found = loop {
            if self.stack.is_empty() || at >= raw.len() {
                break None;
            }
            // Boundary lines start with `--`: jump from line start to line start.
            let candidate = if raw[at..].starts_with(b"--") {
                Some(at)
            } else {
                memchr::memmem::find(&raw[at..], b"\n--").map(|i| at + i + 1)
            };
            let Some(c) = candidate else { break None };
            let l = line_at(raw, c);
            if let Some((level, close, token)) = self.delimiter(l.start..l.end) {
                break Some((l, level, close, token));
            }
            at = l.next;
        };
        let Some((l, level, close, token)) = found else {
            self.pos = raw.len();
            self.next = Next::Done;
            return make(start..raw.len());
        };
        self.pos = l.next;
        self.stack.truncate(level + 1);
        let digest = self.stack[level].digest;
        if close {
            self.stack.pop();
            self.next = Next::Filler { preamble: false };
        } else {
            self.next = Next::Start {
                message: false,
                top: false,
                digest,
            };
        }
        self.pending = Some(Piece::Delimiter {
            line: l.start..l.next,
            token,
            close,
        });
        make(start..l.start)
    }
}

/// The open boundary (of `stack`) that `raw[line]` closes or separates, innermost first.
fn delimiter_in(
    stack: &[Frame],
    raw: &[u8],
    line: Range<usize>,
) -> Option<(usize, bool, Range<usize>)> {
    let text = &raw[line.clone()];
    if stack.is_empty() || !text.starts_with(b"--") {
        return None;
    }
    let rest = trim_end_ws(&text[2..]);
    for (level, f) in stack.iter().enumerate().rev() {
        if let Some(tail) = rest.strip_prefix(f.boundary.as_slice()) {
            let token = line.start + 2..line.start + 2 + f.boundary.len();
            match tail {
                b"" => return Some((level, false, token)),
                b"--" => return Some((level, true, token)),
                _ => {}
            }
        }
    }
    None
}

impl Iterator for Pieces<'_> {
    type Item = Piece;

    fn next(&mut self) -> Option<Piece> {
        if let Some(p) = self.pending.take() {
            return Some(p);
        }
        match std::mem::replace(&mut self.next, Next::Done) {
            Next::Done => None,
            Next::Start {
                message,
                top,
                digest,
            } => Some(self.start(message, top, digest)),
            Next::Body(info) => {
                let alt = self.stack.last().and_then(|f| f.alt);
                Some(self.until_delimiter(|range| Piece::Body { range, info, alt }))
            }
            Next::Filler { preamble } => {
                if self.pos >= self.raw.len() {
                    return None;
                }
                Some(self.until_delimiter(|range| Piece::Filler { range, preamble }))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(raw: &[u8]) -> Vec<String> {
        Pieces::new(raw)
            .map(|p| match p {
                Piece::MboxFrom(_) => "mbox".to_string(),
                Piece::Headers { message, info, .. } => {
                    format!(
                        "headers({}{})",
                        if message { "msg " } else { "" },
                        info.mime_type()
                    )
                }
                Piece::Delimiter { close, .. } => if close { "close" } else { "delim" }.to_string(),
                Piece::Body { info, .. } => format!("body({})", info.mime_type()),
                Piece::Filler { preamble, .. } => {
                    if preamble { "preamble" } else { "epilogue" }.to_string()
                }
            })
            .collect()
    }

    fn covers_every_byte(raw: &[u8]) {
        let mut at = 0;
        for p in Pieces::new(raw) {
            let r = match p {
                Piece::MboxFrom(r) => r,
                Piece::Headers { block, .. } => {
                    assert_eq!(block.lines.end, block.separator.start);
                    block.lines.start..block.separator.end
                }
                Piece::Delimiter { line, .. } => line,
                Piece::Body { range, .. } | Piece::Filler { range, .. } => range,
            };
            assert_eq!(r.start, at, "pieces are consecutive");
            at = r.end;
        }
        assert_eq!(at, raw.len(), "pieces cover the message");
    }

    const NESTED: &[u8] = b"From: a@b.example\r\nSubject: s\r\nContent-Type: multipart/mixed; boundary=\"outer\"\r\n\r\npreamble\r\n--outer\r\nContent-Type: multipart/alternative; boundary=inner\r\n\r\n--inner\r\nContent-Type: text/plain\r\n\r\nplain\r\n--inner\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n--inner--\r\n--outer\r\nContent-Type: message/rfc822\r\n\r\nFrom: c@d.example\r\nSubject: inner\r\n\r\nnested body\r\n--outer--\r\nepilogue\r\n";

    #[test]
    fn a_nested_message_is_cut_into_its_pieces() {
        assert_eq!(
            kinds(NESTED),
            [
                "headers(msg multipart/mixed)",
                "preamble",
                "delim",
                "headers(multipart/alternative)",
                "preamble",
                "delim",
                "headers(text/plain)",
                "body(text/plain)",
                "delim",
                "headers(text/html)",
                "body(text/html)",
                "close",
                "epilogue",
                "delim",
                "headers(message/rfc822)",
                "headers(msg text/plain)",
                "body(text/plain)",
                "close",
                "epilogue",
            ]
        );
        covers_every_byte(NESTED);
    }

    #[test]
    fn broken_shapes_still_cover_every_byte() {
        for raw in [
            &b""[..],
            b"no headers at all\njust text\n",
            b"From someone@example.org Mon Jan  1 00:00:00 2024\nSubject: x\n\nbody",
            b"Subject: x\nContent-Type: multipart/mixed; boundary=b\n\n--b\n--b\n--b--",
            b"Subject: x\nContent-Type: multipart/mixed; boundary=never\n\n--other\nFrom: y\n\ntext",
            b"Subject: x\n \nX-Late: header after a white line\n\nbody",
            b"Subject: x\nstray line\nTo: y\n\nbody",
            b"Content-Type: multipart/mixed; boundary=\"unterminated\n\n--unterminated\n",
            b"Content-Type: multipart/digest; boundary=d\n\n--d\n\nFrom: z\n\ninner\n--d--\n",
        ] {
            covers_every_byte(raw);
        }
    }

    #[test]
    fn a_digest_part_without_a_type_is_a_message() {
        let raw = b"Content-Type: multipart/digest; boundary=d\n\n--d\n\nFrom: z\nSubject: in\n\ninner\n--d--\n";
        assert!(kinds(raw).contains(&"headers(msg text/plain)".to_string()));
        assert!(kinds(raw).contains(&"headers(message/rfc822)".to_string()));
    }

    #[test]
    fn a_white_line_followed_by_headers_does_not_end_the_block() {
        let raw = b"Subject: x\n \nX-Late: y\n\nbody";
        let Some(Piece::Headers { block, .. }) = Pieces::new(raw).next() else {
            panic!("headers first");
        };
        assert_eq!(block.fields.len(), 3);
        assert!(block.fields[1].malformed);
    }

    #[test]
    fn structured_values_are_cut_outside_quotes_and_comments() {
        let v = br#"multipart/mixed (a; comment) ; boundary="x;y" ;name*0*=utf-8''a%20b; charset=us-ascii"#;
        let s = structured(v, 0..v.len());
        assert_eq!(&v[s.head.clone()], b"multipart/mixed");
        assert_eq!(s.comments.len(), 1);
        assert_eq!(&v[s.comments[0].clone()], b"(a; comment)");
        let names: Vec<String> = s
            .params
            .iter()
            .map(|(n, _)| param_base(&v[n.clone()]))
            .collect();
        assert_eq!(names, ["boundary", "name", "charset"]);
        assert_eq!(unquote(&v[s.params[0].1.clone()]), b"x;y");
    }

    #[test]
    fn header_names_are_tokens_before_a_colon() {
        assert_eq!(header_name(b"Received: from x"), Some(&b"Received"[..]));
        assert_eq!(header_name(b"Subject : x"), Some(&b"Subject"[..]));
        assert_eq!(header_name(b"Dear Anna: hello"), None);
        assert_eq!(header_name(b"no colon"), None);
        assert_eq!(header_name(b": empty name"), None);
    }
}
