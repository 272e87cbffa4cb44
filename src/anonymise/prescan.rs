//! Cheap structural checks on the raw bytes, run before the parser sees them.
//!
//! mail-parser has no limit on parts or nesting, and some of its work grows faster than the
//! input: a multipart whose boundary is never found makes it scan to the end of the message,
//! and a `Content-Type` field with many RFC 2231 continuations is merged in quadratic time.
//! This pass bounds what the parser can be made to do, in one linear pass over the bytes:
//!
//! - the message size, and the top header block (up to the first empty line);
//! - every `Content-Type`, `Content-Disposition` and `Content-Transfer-Encoding` field that the
//!   parser could see (names matched the way mail-parser matches them: anywhere, with ASCII
//!   white space tolerated between the letters): each field's size, and the number of
//!   `Content-Type` fields (an upper bound on multiparts and nested messages);
//! - an upper bound on the number of parts: one, plus every occurrence of `--boundary` for
//!   every declared boundary, plus every declared `message/rfc822` (doubled for digests,
//!   whose children are messages without a `Content-Type`);
//! - an upper bound on the nesting of `message/*` parts, whose parsed form is dropped
//!   recursively (so a deep chain could overflow the stack);
//! - the boundary-scanning work (multipart fields times message size).
//!
//! The parser itself never decodes a transfer encoding here (see `headers::parser`), and it
//! never parses a nested message either: this pass marks every `message/rfc822`,
//! `message/global` and `multipart/digest` type (see [`MARKER_PREFIX`]) so that the parser
//! keeps nested messages as opaque leaves. They are decoded, checked again by this same pass,
//! and parsed one level at a time by the caller, so no structure can hide from this pass
//! inside an encoding or a nested message.

use mail_parser::{HeaderValue, parsers::MessageStream};
use std::sync::LazyLock;

use memchr::{memchr, memmem};

use super::{Limits, Rejection};

/// Nesting of `message/*` parts refused before parsing, whatever the configured limits, so that
/// dropping the parsed tree (which recurses once per nested message) stays within a small stack.
pub(crate) const STACK_SAFE_NESTING: usize = 256;

/// Upper bound on the bytes the parser may scan looking for boundaries: multipart fields times
/// message size. A message past it is refused as having too many parts.
pub(crate) const BOUNDARY_SCAN_BUDGET: usize = 1 << 30;

/// The MIME fields whose names this pass recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Type,
    Disposition,
    TransferEncoding,
}

const FIELD_NAMES: [(&[u8], Field); 3] = [
    (b"content-type", Field::Type),
    (b"content-disposition", Field::Disposition),
    (b"content-transfer-encoding", Field::TransferEncoding),
];

/// What the pre-scan learned; used by tests.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Scan {
    /// Size of the top header block.
    pub header_bytes: usize,
    /// Number of `Content-Type` fields.
    pub content_types: usize,
    /// Upper bound on the number of parts.
    pub parts_upper_bound: usize,
    /// Upper bound on the nesting of `message/*` parts.
    pub message_nesting_upper_bound: usize,
    /// Offsets where [`MARKER_PREFIX`] is to be inserted (see [`apply_rewrites`]).
    pub rewrites: Vec<usize>,
}

/// Checks the raw bytes against the limits before parsing. Linear in the input size.
pub(crate) fn prescan(raw: &[u8], limits: &Limits) -> Result<Scan, Rejection> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(Rejection::Empty);
    }
    if raw.len() > limits.max_message_bytes {
        return Err(Rejection::TooLarge {
            limit: limits.max_message_bytes,
        });
    }
    let header_bytes = header_block_len(raw);
    if header_bytes > limits.max_header_bytes {
        return Err(Rejection::HeaderTooLarge {
            limit: limits.max_header_bytes,
        });
    }

    let content_type_values = content_type_values(raw, limits)?;
    let content_types = content_type_values.len();
    let types = read_content_types(raw, &content_type_values)?;
    if types.multiparts.saturating_mul(raw.len()) > BOUNDARY_SCAN_BUDGET {
        return Err(Rejection::TooManyParts {
            limit: limits.max_parts,
        });
    }
    let bound = |delimiters: usize| {
        let per_delimiter = if types.digest { 2 } else { 1 };
        1usize
            .saturating_add(delimiters.saturating_mul(per_delimiter))
            .saturating_add(types.messages)
    };
    let delimiters = count_delimiters(raw, &types.boundaries, limits, bound)?;
    let parts_upper_bound = bound(delimiters);
    let message_nesting_upper_bound = types.messages + if types.digest { delimiters } else { 0 };
    if message_nesting_upper_bound > STACK_SAFE_NESTING.max(limits.max_depth) {
        return Err(Rejection::TooDeep {
            limit: limits.max_depth,
        });
    }
    Ok(Scan {
        header_bytes,
        content_types,
        parts_upper_bound,
        message_nesting_upper_bound,
        rewrites: types.rewrites,
    })
}

/// Pass 1: finds the MIME fields, checks their sizes, and returns where each Content-Type
/// value starts and ends.
fn content_type_values(raw: &[u8], limits: &Limits) -> Result<Vec<(usize, usize)>, Rejection> {
    let mut content_type_values: Vec<(usize, usize)> = Vec::new();
    let mut cached_end: Option<(usize, usize)> = None; // (field start, field end)
    for start in name_candidates(raw) {
        let Some((field, value_start)) = match_field_name(raw, start) else {
            continue;
        };
        let end = match cached_end {
            Some((prev_start, prev_end)) if start >= prev_start && start < prev_end => prev_end,
            _ => field_end(raw, value_start),
        };
        cached_end = Some((start, end));
        if end - start > limits.max_header_bytes {
            return Err(Rejection::HeaderTooLarge {
                limit: limits.max_header_bytes,
            });
        }
        if field == Field::Type {
            if content_type_values.len() >= limits.max_parts {
                return Err(Rejection::TooManyParts {
                    limit: limits.max_parts,
                });
            }
            content_type_values.push((value_start, end));
        }
    }
    Ok(content_type_values)
}

/// Every watched name starts with `c` then `o`, with the white space the parser skips inside a
/// name allowed between them: these are the byte pairs a name can start with.
const NAME_STARTS: [&[u8]; 12] = [
    b"co", b"cO", b"Co", b"CO", b"c ", b"C ", b"c\t", b"C\t", b"c\r", b"C\r", b"c\x0c", b"C\x0c",
];

/// A SIMD searcher for [`NAME_STARTS`]; None on a CPU without one.
static NAME_START_SEARCHER: LazyLock<Option<aho_corasick::packed::Searcher>> =
    LazyLock::new(|| aho_corasick::packed::Searcher::new(NAME_STARTS));

/// Where a watched field name may start, in order: every offset of a [`NAME_STARTS`] pair
/// (pairs cannot overlap: none has a `c` second), or every `c` where there is no SIMD
/// searcher. A base64 body has a `c` in every 32 bytes but a pair in every 2000 or so: one
/// search for the pairs costs a third of stopping at every `c`.
fn name_candidates(raw: &[u8]) -> impl Iterator<Item = usize> + '_ {
    let pairs = NAME_START_SEARCHER
        .as_ref()
        .map(|s| s.find_iter(raw).map(|m| m.start()));
    let every_c = NAME_START_SEARCHER
        .is_none()
        .then(|| memchr::memchr2_iter(b'c', b'C', raw));
    pairs
        .into_iter()
        .flatten()
        .chain(every_c.into_iter().flatten())
}

/// What the Content-Type values say about the structure.
#[derive(Default)]
struct Types {
    /// The multiparts' boundaries, each once.
    boundaries: Vec<Vec<u8>>,
    multiparts: usize,
    /// Nested `message/rfc822` and `message/global` parts.
    messages: usize,
    /// A `multipart/digest` is present.
    digest: bool,
    rewrites: Vec<usize>,
}

/// Pass 2: parses each Content-Type value exactly as the parser will; marks nested messages
/// and digests for rewriting.
fn read_content_types(raw: &[u8], values: &[(usize, usize)]) -> Result<Types, Rejection> {
    let mut t = Types::default();
    for &(value_start, end) in values {
        let mut stream = MessageStream::new(&raw[value_start..end]);
        let HeaderValue::ContentType(ct) = stream.parse_content_type() else {
            continue;
        };
        if ct.ctype().eq_ignore_ascii_case("multipart") {
            t.multiparts += 1;
            if ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("digest"))
            {
                t.digest = true;
                t.rewrites
                    .push(marker_position(raw, value_start, end, b"digest")?);
            }
            if let Some(b) = ct.attribute("boundary").filter(|b| !b.is_empty()) {
                let b = b.as_bytes().to_vec();
                if !t.boundaries.contains(&b) {
                    t.boundaries.push(b);
                }
            }
        } else if ct.ctype().eq_ignore_ascii_case("message")
            && ct.subtype().is_some_and(|s| {
                s.eq_ignore_ascii_case("rfc822") || s.eq_ignore_ascii_case("global")
            })
        {
            t.messages += 1;
            t.rewrites
                .push(marker_position(raw, value_start, end, b"message")?);
        }
    }
    Ok(t)
}

/// Pass 3: counts boundary occurrences, stopping as soon as `bound` of them passes the
/// limit on parts.
fn count_delimiters(
    raw: &[u8],
    boundaries: &[Vec<u8>],
    limits: &Limits,
    bound: impl Fn(usize) -> usize,
) -> Result<usize, Rejection> {
    let mut delimiters = 0usize;
    for b in boundaries {
        let mut needle = Vec::with_capacity(b.len() + 2);
        needle.extend_from_slice(b"--");
        needle.extend_from_slice(b);
        for _ in memmem::find_iter(raw, &needle) {
            delimiters += 1;
            if bound(delimiters) > limits.max_parts {
                return Err(Rejection::TooManyParts {
                    limit: limits.max_parts,
                });
            }
        }
    }
    Ok(delimiters)
}

/// Prefix inserted before the `message` type of `message/rfc822` and `message/global`, and
/// before the `digest` subtype of `multipart/digest`, so that the parser treats nested
/// messages as opaque leaves (this module parses them itself, within the limits).
pub(crate) const MARKER_PREFIX: &[u8] = b"x-sourdine-";

/// Where to insert [`MARKER_PREFIX`] in a Content-Type value so that the parser reads the
/// marked token: the first of a few occurrences of `token` that, marked, parses as marked.
fn marker_position(
    raw: &[u8],
    value_start: usize,
    end: usize,
    token: &[u8],
) -> Result<usize, Rejection> {
    let value = &raw[value_start..end];
    let lower = value.to_ascii_lowercase();
    for at in memmem::find_iter(&lower, token).take(4) {
        let mut candidate = Vec::with_capacity(value.len() + MARKER_PREFIX.len());
        candidate.extend_from_slice(&value[..at]);
        candidate.extend_from_slice(MARKER_PREFIX);
        candidate.extend_from_slice(&value[at..]);
        if let HeaderValue::ContentType(ct) = MessageStream::new(&candidate).parse_content_type() {
            let marked = |s: &str| {
                s.len() == MARKER_PREFIX.len() + token.len()
                    && s.as_bytes()[..MARKER_PREFIX.len()].eq_ignore_ascii_case(MARKER_PREFIX)
                    && s.as_bytes()[MARKER_PREFIX.len()..].eq_ignore_ascii_case(token)
            };
            if marked(ct.ctype()) || ct.subtype().is_some_and(marked) {
                return Ok(value_start + at);
            }
        }
    }
    Err(Rejection::Unparseable)
}

/// The raw message with [`MARKER_PREFIX`] inserted at the positions the pre-scan found.
pub(crate) fn apply_rewrites(raw: &[u8], rewrites: &[usize]) -> Vec<u8> {
    let mut positions = rewrites.to_vec();
    positions.sort_unstable();
    positions.dedup();
    let mut out = Vec::with_capacity(raw.len() + positions.len() * MARKER_PREFIX.len());
    let mut last = 0;
    for p in positions {
        out.extend_from_slice(&raw[last..p]);
        out.extend_from_slice(MARKER_PREFIX);
        last = p;
    }
    out.extend_from_slice(&raw[last..]);
    out
}

/// Length of the top header block: up to the first empty line (`\n` or `\r\n`), or the whole
/// input when there is none. The parser's header block never crosses an empty line.
pub(crate) fn header_block_len(raw: &[u8]) -> usize {
    let mut pos = 0;
    while pos < raw.len() {
        match memchr(b'\n', &raw[pos..]) {
            Some(i) => {
                let line = &raw[pos..pos + i];
                if line.is_empty() || line == b"\r" {
                    return pos;
                }
                pos += i + 1;
            }
            None => return raw.len(),
        }
    }
    raw.len()
}

/// White space that mail-parser skips inside a header name (ASCII white space but the newline).
fn is_name_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | 0x0c)
}

/// Whether a MIME field name we watch starts at `start` (the parser accepts white space between
/// the letters of a name, and any case). Returns the field and the offset after the colon.
fn match_field_name(raw: &[u8], start: usize) -> Option<(Field, usize)> {
    'names: for (name, field) in FIELD_NAMES {
        let mut j = start;
        for (k, &expected) in name.iter().enumerate() {
            if k > 0 {
                while j < raw.len() && is_name_space(raw[j]) {
                    j += 1;
                }
            }
            match raw.get(j) {
                Some(&b) if b.to_ascii_lowercase() == expected => j += 1,
                _ => continue 'names,
            }
        }
        while j < raw.len() && is_name_space(raw[j]) {
            j += 1;
        }
        if raw.get(j) == Some(&b':') {
            return Some((field, j + 1));
        }
    }
    None
}

/// End of a header field whose value starts at `value_start`: after the first newline that is
/// not followed by a space or tab (a folded continuation), or the end of the input.
fn field_end(raw: &[u8], value_start: usize) -> usize {
    let mut pos = value_start;
    loop {
        match memchr(b'\n', &raw[pos..]) {
            Some(i) => {
                let nl = pos + i;
                match raw.get(nl + 1) {
                    Some(b' ' | b'\t') => pos = nl + 1,
                    _ => return nl + 1,
                }
            }
            None => return raw.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits::default()
    }

    #[test]
    fn empty_and_whitespace_are_empty() {
        assert_eq!(prescan(b"", &limits()), Err(Rejection::Empty));
        assert_eq!(prescan(b" \r\n\t\n", &limits()), Err(Rejection::Empty));
    }

    #[test]
    fn size_limit() {
        let l = Limits {
            max_message_bytes: 10,
            ..limits()
        };
        assert_eq!(
            prescan(b"Subject: x\n\nhello", &l),
            Err(Rejection::TooLarge { limit: 10 })
        );
        assert!(prescan(b"Subject:x", &l).is_ok());
    }

    #[test]
    fn header_block_length() {
        assert_eq!(header_block_len(b"A: b\nC: d\n\nbody"), 10);
        assert_eq!(header_block_len(b"A: b\r\nC: d\r\n\r\nbody"), 12);
        assert_eq!(header_block_len(b"A: b"), 4);
        assert_eq!(header_block_len(b"\nbody"), 0);
        let l = Limits {
            max_header_bytes: 8,
            ..limits()
        };
        assert_eq!(
            prescan(b"Subject: a long one\n\nbody", &l),
            Err(Rejection::HeaderTooLarge { limit: 8 })
        );
    }

    #[test]
    fn field_names_match_like_the_parser() {
        assert_eq!(
            match_field_name(b"Content-Type: x", 0).map(|m| m.0),
            Some(Field::Type)
        );
        assert_eq!(
            match_field_name(b"cOnTeNt - tYpE  : x", 0).map(|m| m.0),
            Some(Field::Type)
        );
        assert_eq!(
            match_field_name(b"Content-Transfer-Encoding:x", 0).map(|m| m.0),
            Some(Field::TransferEncoding)
        );
        assert_eq!(match_field_name(b"Content-Typo: x", 0), None);
        assert_eq!(match_field_name(b"Content-Type\n: x", 0), None);
        assert_eq!(match_field_name(b"Content-Type x", 0), None);
    }

    #[test]
    fn field_end_follows_folding() {
        let raw = b"Content-Type: a;\n b=c;\n\td=e\nNext: x\n";
        let (_, v) = match_field_name(raw, 0).unwrap();
        assert_eq!(
            &raw[..field_end(raw, v)],
            b"Content-Type: a;\n b=c;\n\td=e\n"
        );
    }

    #[test]
    fn counts_content_types_against_max_parts() {
        let l = Limits {
            max_parts: 3,
            ..limits()
        };
        let mut raw = b"Subject: x\n\n".to_vec();
        for _ in 0..4 {
            raw.extend_from_slice(b"content-type: text/plain\n");
        }
        assert_eq!(prescan(&raw, &l), Err(Rejection::TooManyParts { limit: 3 }));
        raw.truncate(raw.len() - 25);
        assert_eq!(prescan(&raw, &l).unwrap().content_types, 3);
    }

    #[test]
    fn parts_without_content_type_are_counted_by_boundary() {
        let l = Limits {
            max_parts: 10,
            ..limits()
        };
        let mut raw = b"Content-Type: multipart/mixed; boundary=\"zz\"\n\n".to_vec();
        for _ in 0..20 {
            raw.extend_from_slice(b"--zz\n\nhello\n");
        }
        raw.extend_from_slice(b"--zz--\n");
        assert_eq!(
            prescan(&raw, &l),
            Err(Rejection::TooManyParts { limit: 10 })
        );
        let ok = b"Content-Type: multipart/mixed; boundary=zz\n\n--zz\n\na\n--zz\n\nb\n--zz--\n";
        let scan = prescan(ok, &l).unwrap();
        assert_eq!(scan.parts_upper_bound, 4);
    }

    #[test]
    fn nested_messages_and_digests_are_marked() {
        let raw = b"Content-Type: Message/RFC822\n\nx\nContent-Type: (message) message/global\n\ny\ncontent-type: multipart/Digest; boundary=d\n\n";
        let scan = prescan(raw, &limits()).unwrap();
        let out = apply_rewrites(raw, &scan.rewrites);
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("Content-Type: x-sourdine-Message/RFC822"),
            "{text}"
        );
        assert!(
            text.contains("(message) x-sourdine-message/global"),
            "{text}"
        );
        assert!(text.contains("multipart/x-sourdine-Digest"), "{text}");
        let plain = b"Content-Type: text/plain; name=message.txt\n\n";
        assert!(prescan(plain, &limits()).unwrap().rewrites.is_empty());
    }

    #[test]
    fn oversized_mime_field_anywhere_is_refused() {
        let l = Limits {
            max_header_bytes: 1000,
            ..limits()
        };
        let mut raw = b"Subject: x\n\n--b\nContent-Disposition: attachment".to_vec();
        for _ in 0..200 {
            raw.extend_from_slice(b";\n a=b");
        }
        raw.extend_from_slice(b"\n\nbody\n");
        assert_eq!(
            prescan(&raw, &l),
            Err(Rejection::HeaderTooLarge { limit: 1000 })
        );
    }

    #[test]
    fn message_nesting_bound() {
        let l = Limits {
            max_parts: 100_000,
            ..limits()
        };
        let mut raw = Vec::new();
        for _ in 0..(STACK_SAFE_NESTING + 1) {
            raw.extend_from_slice(b"Content-Type: message/rfc822\n\n");
        }
        raw.extend_from_slice(b"Subject: deep\n\nbody\n");
        assert_eq!(
            prescan(&raw, &l),
            Err(Rejection::TooDeep { limit: l.max_depth })
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// The pair search finds every offset where a watched name matches, and no other `c`
        /// than those a pair starts at.
        #[test]
        fn name_candidates_find_every_field_name(
            raw in proptest::collection::vec(
                proptest::sample::select(b"cCoOnNtTeE-:yYpP \t\r\x0c\nab+/=".to_vec()),
                0..400,
            )
        ) {
            let found: Vec<usize> = name_candidates(&raw).collect();
            // Without a SIMD searcher (a CPU without one), every `c` is a candidate.
            let simd = NAME_START_SEARCHER.is_some();
            let pair = |i: usize| {
                raw[i].eq_ignore_ascii_case(&b'c')
                    && (!simd
                        || raw
                            .get(i + 1)
                            .is_some_and(|&b| b.eq_ignore_ascii_case(&b'o') || is_name_space(b)))
            };
            let expected: Vec<usize> = (0..raw.len()).filter(|&i| pair(i)).collect();
            proptest::prop_assert_eq!(&found, &expected);
            for i in 0..raw.len() {
                if match_field_name(&raw, i).is_some() {
                    proptest::prop_assert!(found.contains(&i), "a name at {} was missed", i);
                }
            }
        }
    }

    #[test]
    fn nested_matches_inside_a_folded_field_stay_linear() {
        // Many field names inside one folded field: each is measured from its own start, but
        // the fold is scanned once.
        let l = Limits {
            max_parts: 1_000_000,
            max_header_bytes: 10 << 20,
            ..limits()
        };
        let mut raw = b"Subject: x\n\nContent-Disposition: a\n".to_vec();
        for _ in 0..50_000 {
            raw.extend_from_slice(b" content-disposition: b\n");
        }
        let t = std::time::Instant::now();
        assert!(prescan(&raw, &l).is_ok());
        assert!(t.elapsed() < std::time::Duration::from_secs(5));
    }
}
