//! uuencoded files: a part sent with `Content-Transfer-Encoding: x-uuencode`, or a
//! `begin 644 name` ... `end` block written inline in a text (old clients, scripts, mailing
//! list archives). Such a block is a file, not text: it is decoded and handled as the
//! attachment it is (sniffed, cleaned or withheld), and its `begin` line, which names the
//! file, is never kept. `begin-base64` blocks (`uuencode -m`) are read the same way.

/// The note left in a text where a uuencoded file was taken out.
pub const NOTE: &str = "[a uuencoded file was taken out of the text: see the attachments]";

/// A file found in a text: its decoded bytes, or `None` when the block is damaged (it is then
/// withheld, never kept as text).
pub type File = Option<Vec<u8>>;

/// The decoded content of a part whose transfer encoding is uuencode: the first block's bytes.
/// `None` when no whole block is found (the part is then read as it is, and a damaged block in
/// it is withheld by [`extract`]).
pub fn decode_part(body: &[u8]) -> Option<Vec<u8>> {
    let mut work = 0;
    let (_, files) = extract_counted(body, &mut work)?;
    files.into_iter().next().flatten()
}

/// Takes the uuencoded blocks out of `text`: the text with a note ([`NOTE`]) in place of each
/// block, and the files in order. `None` when there is no block. Linear: each line is read
/// once.
pub fn extract(text: &[u8]) -> Option<(Vec<u8>, Vec<File>)> {
    let mut work = 0;
    extract_counted(text, &mut work)
}

/// [`extract`] on text already decoded: the text with notes, and the files.
pub fn extract_text(text: String) -> (String, Vec<File>) {
    match extract(text.as_bytes()) {
        // Only whole lines are taken out, so what is left is still UTF-8.
        Some((rest, files)) => (
            String::from_utf8(rest)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
            files,
        ),
        None => (text, Vec::new()),
    }
}

/// Lines of `b` without their line end (`\n` or `\r\n`), with their start offset and the
/// offset after their line end.
fn lines(b: &[u8]) -> impl Iterator<Item = (usize, usize, &[u8])> {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start > b.len() || (start == b.len() && start > 0 && b[start - 1] == b'\n') {
            return None;
        }
        let end = memchr::memchr(b'\n', &b[start..]).map_or(b.len(), |i| start + i);
        let line = &b[start..end];
        let at = start;
        start = end + 1;
        Some((
            at,
            start.min(b.len()),
            line.strip_suffix(b"\r").unwrap_or(line),
        ))
    })
}

/// The kind of block a `begin` line opens: `begin MODE NAME` or `begin-base64 MODE NAME`.
#[derive(Clone, Copy, PartialEq)]
enum Begin {
    Uu,
    Base64,
}

fn begin_line(line: &[u8]) -> Option<Begin> {
    let (kind, rest) = if let Some(r) = line.strip_prefix(b"begin-base64 ") {
        (Begin::Base64, r)
    } else {
        (Begin::Uu, line.strip_prefix(b"begin ")?)
    };
    let mode_len = rest
        .iter()
        .take_while(|b| (b'0'..=b'7').contains(b))
        .count();
    let name = rest.get(mode_len + 1..)?;
    ((3..=4).contains(&mode_len)
        && rest[mode_len] == b' '
        && !name.iter().all(u8::is_ascii_whitespace))
    .then_some(kind)
}

/// One uuencoded line decoded into `out`; `false` when the line is not uuencoding. A line
/// shorter than its count says is padded with zeros (transports strip trailing spaces).
fn uu_line(line: &[u8], out: &mut Vec<u8>) -> bool {
    let Some((&first, data)) = line.split_first() else {
        return true; // an empty line: a zero-length line whose space was stripped
    };
    let in_range = |b: &u8| (0x20..=0x60).contains(b);
    if !in_range(&first) || !data.iter().all(in_range) {
        return false;
    }
    let n = ((first - 0x20) & 0x3F) as usize;
    let needed = n.div_ceil(3) * 4;
    // A few characters past the count are tolerated (some encoders add a checksum).
    if data.len() > needed + 2 {
        return false;
    }
    let value = |i: usize| data.get(i).map_or(0, |b| (b - 0x20) & 0x3F);
    let start = out.len();
    for group in 0..needed / 4 {
        let [a, b, c, d] = [0, 1, 2, 3].map(|k| value(group * 4 + k));
        out.extend_from_slice(&[a << 2 | b >> 4, b << 4 | c >> 2, c << 6 | d]);
    }
    out.truncate(start + n);
    true
}

/// Reads one line of an open block; `true` when the block ends here: at its closing line
/// (then `last_end` is this line's end), or at a line that is not encoding.
fn end_block(
    block: &mut Option<(Begin, usize, Vec<u8>, Vec<u8>)>,
    line: &[u8],
    line_end: usize,
    last_end: &mut usize,
) -> bool {
    let Some((kind, _, data, b64)) = block.as_mut() else {
        return false;
    };
    let t = line.trim_ascii();
    let closing = match kind {
        Begin::Uu => t == b"end",
        Begin::Base64 => t == b"====",
    };
    let ok = closing
        || match kind {
            Begin::Uu => uu_line(line, data),
            Begin::Base64 => {
                b64.extend_from_slice(t);
                t.iter()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
            }
        };
    if ok {
        *last_end = line_end;
    }
    closing || !ok
}

/// [`extract`], adding the bytes examined to `work`.
fn extract_counted(text: &[u8], work: &mut u64) -> Option<(Vec<u8>, Vec<File>)> {
    *work += text.len() as u64;
    memchr::memmem::find(text, b"begin")?;
    let mut rest = Vec::with_capacity(text.len());
    let mut files = Vec::new();
    let mut copied = 0; // text up to here is in `rest` (or taken out)
    let mut block: Option<(Begin, usize, Vec<u8>, Vec<u8>)> = None; // kind, start, data, base64
    let mut last_end = 0; // end of the last line seen inside the block
    for (at, line_end, line) in lines(text) {
        *work += line.len() as u64 + 1;
        if block.is_some() && end_block(&mut block, line, line_end, &mut last_end) {
            let (kind, start, data, b64) = block.take().expect("a block is open");
            // A block ends at its closing line; a line that is not encoding ends it damaged,
            // and that line stays in the text.
            let closed = last_end == line_end;
            let file = match kind {
                _ if !closed => None,
                Begin::Base64 => {
                    use base64::Engine as _;
                    base64::engine::general_purpose::STANDARD.decode(&b64).ok()
                }
                Begin::Uu => Some(data),
            };
            rest.extend_from_slice(&text[copied..start]);
            rest.extend_from_slice(NOTE.as_bytes());
            rest.push(b'\n');
            copied = last_end;
            files.push(file);
            if closed {
                continue;
            }
        }
        if block.is_none()
            && let Some(kind) = begin_line(line)
        {
            block = Some((kind, at, Vec::new(), Vec::new()));
            last_end = line_end;
        }
    }
    if let Some((_, start, _, _)) = block {
        // Unterminated: withheld, as far as it looked like encoding.
        rest.extend_from_slice(&text[copied..start]);
        rest.extend_from_slice(NOTE.as_bytes());
        rest.push(b'\n');
        copied = last_end;
        files.push(None);
    }
    if files.is_empty() {
        return None;
    }
    rest.extend_from_slice(&text[copied.min(text.len())..]);
    Some((rest, files))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// uuencodes `data` as `uuencode` does (with backquotes for zero).
    fn encode(data: &[u8], name: &str) -> String {
        let c = |v: u8| if v == 0 { '`' } else { (v + 0x20) as char };
        let mut out = format!("begin 644 {name}\n");
        for chunk in data.chunks(45) {
            out.push(c(chunk.len() as u8));
            for g in chunk.chunks(3) {
                let b = [g[0], *g.get(1).unwrap_or(&0), *g.get(2).unwrap_or(&0)];
                for v in [
                    b[0] >> 2,
                    (b[0] << 4 | b[1] >> 4) & 0x3F,
                    (b[1] << 2 | b[2] >> 6) & 0x3F,
                    b[2] & 0x3F,
                ] {
                    out.push(c(v));
                }
            }
            out.push('\n');
        }
        out.push_str("`\nend\n");
        out
    }

    #[test]
    fn a_block_in_text_becomes_a_file_and_a_note() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89 and more bytes to pass one line of forty-five";
        let text = format!(
            "Here is the photo.\n\n{}\nPlease keep it for me.\n",
            encode(png, "PLANTUUNAME.png")
        );
        let (rest, files) = extract(text.as_bytes()).unwrap();
        let rest = String::from_utf8(rest).unwrap();
        assert_eq!(
            rest,
            format!("Here is the photo.\n\n{NOTE}\n\nPlease keep it for me.\n")
        );
        assert_eq!(files, vec![Some(png.to_vec())]);
        assert!(!rest.contains("PLANTUUNAME") && !rest.contains("begin"));
    }

    #[test]
    fn a_part_is_decoded_also_with_stripped_trailing_spaces() {
        let data: Vec<u8> = (0..200u8).collect();
        let encoded = encode(&data, "x.bin").replace('`', " ");
        let stripped: String = encoded
            .lines()
            .map(|l| {
                if l.trim().is_empty() {
                    ""
                } else {
                    l.trim_end()
                }
            })
            .collect::<Vec<_>>()
            .join("\r\n");
        assert_eq!(decode_part(stripped.as_bytes()), Some(data));
    }

    #[test]
    fn base64_blocks_are_read_too() {
        let text = "begin-base64 600 PLANTB64NAME.txt\naGVsbG8gd29ybGQ=\n====\nafter";
        let (rest, files) = extract(text.as_bytes()).unwrap();
        assert_eq!(files, vec![Some(b"hello world".to_vec())]);
        assert_eq!(String::from_utf8(rest).unwrap(), format!("{NOTE}\nafter"));
    }

    #[test]
    fn a_damaged_block_is_withheld_and_the_text_after_it_kept() {
        let text = "begin 644 PLANTDAMAGED.doc\nM86)C\nI am still writing here.\nend\n";
        let (rest, files) = extract(text.as_bytes()).unwrap();
        assert_eq!(files, vec![None]);
        assert_eq!(
            String::from_utf8(rest).unwrap(),
            format!("{NOTE}\nI am still writing here.\nend\n")
        );
        // Unterminated at the end of the text.
        let (rest, files) = extract(b"words\nbegin 600 PLANTOPEN.txt\nM86)C\n").unwrap();
        assert_eq!(files, vec![None]);
        assert_eq!(String::from_utf8(rest).unwrap(), format!("words\n{NOTE}\n"));
    }

    #[test]
    fn prose_that_mentions_begin_is_left_alone() {
        for t in [
            &b"Let us begin again.\nbegin with me\n"[..],
            b"begin 644\n",
            b"begin 99 x\n",
        ] {
            assert!(extract(t).is_none(), "{}", String::from_utf8_lossy(t));
        }
    }

    #[test]
    fn work_is_linear_in_the_text() {
        // Unterminated blocks, each broken by a line of text.
        let unit = "begin 644 a.bin\nM86)C\nwords between\n";
        let cost = |n: usize| {
            let mut work = 0;
            extract_counted(unit.repeat(n).as_bytes(), &mut work);
            work
        };
        let (small, large) = (cost(500), cost(4000));
        assert!(large <= small * 10, "{small} then {large}");
    }
}
