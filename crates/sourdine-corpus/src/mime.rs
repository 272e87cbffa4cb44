//! MIME building blocks: quoted-printable, base64, RFC 2047 words, folded headers, dates.

use std::fmt::Write as _;

/// CRLF, the line ending of mail.
pub(crate) const CRLF: &str = "\r\n";

/// Quoted-printable (RFC 2045 §6.7): lines of at most 76 characters, CRLF hard breaks.
pub(crate) fn quoted_printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str(CRLF);
        }
        let line = line.strip_suffix('\r').unwrap_or(line);
        let bytes = line.as_bytes();
        let mut col = 0;
        for (j, &b) in bytes.iter().enumerate() {
            let last = j + 1 == bytes.len();
            let lit = (b == b' ' || b == b'\t') && !last
                || (33..=126).contains(&b) && b != b'=' && !(col == 0 && b == b'.');
            // A "From " at the start of a line is encoded, as careful encoders do.
            let from = col == 0 && b == b'F' && line[j..].starts_with("From ");
            let width = if lit && !from { 1 } else { 3 };
            if col + width > 75 {
                out.push_str("=\r\n");
                col = 0;
            }
            if lit && !from {
                out.push(char::from(b));
            } else {
                let _ = write!(out, "={b:02X}");
            }
            col += width;
        }
    }
    out
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Base64 without line breaks.
pub(crate) fn base64(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let n = match chunk.len() {
            3 => u32::from(chunk[0]) << 16 | u32::from(chunk[1]) << 8 | u32::from(chunk[2]),
            2 => u32::from(chunk[0]) << 16 | u32::from(chunk[1]) << 8,
            _ => u32::from(chunk[0]) << 16,
        };
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(char::from(B64[(n >> (18 - 6 * k)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Base64 in lines of 76 characters, CRLF-terminated, as attachments are sent.
pub(crate) fn base64_lines(data: &[u8]) -> Vec<u8> {
    let flat = base64(data);
    let mut out = Vec::with_capacity(flat.len() + flat.len() / 76 * 2 + 2);
    for line in flat.as_bytes().chunks(76) {
        out.extend_from_slice(line);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// How a client writes non-ASCII header text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Word {
    /// `=?UTF-8?Q?...?=`
    Q,
    /// `=?UTF-8?B?...?=`
    B,
}

/// The text as RFC 2047 encoded words when it is not plain ASCII, else unchanged;
/// words are at most 66 characters and are joined by a folding space.
pub(crate) fn encode_words(text: &str, how: Word) -> String {
    if text.is_ascii() {
        return text.to_owned();
    }
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut cur_bytes: Vec<u8> = Vec::new();
    let (prefix, budget) = match how {
        Word::Q => ("=?UTF-8?Q?", 66 - 12),
        Word::B => ("=?UTF-8?B?", 66 - 12),
    };
    let flush = |cur: &mut String, cur_bytes: &mut Vec<u8>, words: &mut Vec<String>| {
        if cur_bytes.is_empty() {
            return;
        }
        let body = match how {
            Word::Q => std::mem::take(cur),
            Word::B => base64(cur_bytes),
        };
        words.push(format!("{prefix}{body}?="));
        cur.clear();
        cur_bytes.clear();
    };
    for c in text.chars() {
        let mut buf = [0u8; 4];
        let bytes = c.encode_utf8(&mut buf).as_bytes();
        let mut piece = String::new();
        for &b in bytes {
            match b {
                b' ' => piece.push('_'),
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'!' | b'*' | b'+' | b'-' | b'/' => {
                    piece.push(char::from(b));
                }
                _ => {
                    let _ = write!(piece, "={b:02X}");
                }
            }
        }
        let len_after = match how {
            Word::Q => cur.len() + piece.len(),
            Word::B => (cur_bytes.len() + bytes.len()).div_ceil(3) * 4,
        };
        if len_after > budget {
            flush(&mut cur, &mut cur_bytes, &mut words);
        }
        cur.push_str(&piece);
        cur_bytes.extend_from_slice(bytes);
    }
    flush(&mut cur, &mut cur_bytes, &mut words);
    words.join("\r\n ")
}

/// A display name and address as a client writes them in From or To.
pub(crate) fn mailbox(name: &str, addr: &str, how: Word) -> String {
    if name.is_ascii() {
        if name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
        {
            format!("{name} <{addr}>")
        } else {
            format!("\"{}\" <{addr}>", name.replace('"', "'"))
        }
    } else {
        format!("{} <{addr}>", encode_words(name, how))
    }
}

/// A message header block, folded at 78 characters.
#[derive(Debug, Default)]
pub(crate) struct Headers {
    out: String,
}

impl Headers {
    /// Adds a field; a value that already holds CRLF folds is kept as it is, other long
    /// lines are folded at a space.
    pub(crate) fn add(&mut self, name: &str, value: &str) {
        let field = format!("{name}: {value}");
        for (i, line) in field.split("\r\n").enumerate() {
            if i > 0 {
                self.out.push_str(CRLF);
            }
            fold_into(&mut self.out, line);
        }
        self.out.push_str(CRLF);
    }

    /// The header block, without the blank line that ends it.
    pub(crate) fn into_string(self) -> String {
        self.out
    }
}

/// Writes `line`, breaking it before a space so each piece is at most 78 characters.
fn fold_into(out: &mut String, line: &str) {
    let mut rest = line;
    while rest.len() > 78 {
        // The last space at or before column 78 that is not the line's first character.
        let window = &rest[..floor_char_boundary(rest, 78)];
        match window[1..].rfind([' ', '\t']) {
            Some(p) if p > 0 => {
                out.push_str(&rest[..p + 1]);
                out.push_str(CRLF);
                rest = &rest[p + 1..];
            }
            _ => break,
        }
    }
    out.push_str(rest);
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Word-wraps text at `width` characters (paragraphs are separated by `\n`).
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut n = 0;
        for word in para.split(' ') {
            let w = word.chars().count();
            if n > 0 && n + 1 + w > width {
                lines.push(std::mem::take(&mut line));
                n = 0;
            }
            if n > 0 {
                line.push(' ');
                n += 1;
            }
            line.push_str(word);
            n += w;
        }
        lines.push(line);
    }
    lines
}

/// Escapes text for HTML.
pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A local date and time with its UTC offset.
#[derive(Debug, Clone, Copy)]
pub(crate) struct When {
    /// Days since 1970-01-01 (local date).
    pub days: i64,
    /// Seconds since local midnight.
    pub secs: u32,
    /// UTC offset in minutes.
    pub offset_min: i32,
}

impl When {
    /// Year, month (1–12), day (1–31) of the local date.
    pub(crate) fn ymd(&self) -> (i64, u32, u32) {
        civil_from_days(self.days)
    }

    /// Monday = 0.
    pub(crate) fn weekday(&self) -> usize {
        // 1970-01-01 was a Thursday.
        (self.days + 3).rem_euclid(7) as usize
    }

    /// Hours, minutes, seconds.
    pub(crate) fn hms(&self) -> (u32, u32, u32) {
        (self.secs / 3600, self.secs / 60 % 60, self.secs % 60)
    }

    /// The same instant `secs` later (may cross midnight).
    pub(crate) fn plus(&self, secs: u32) -> When {
        let total = i64::from(self.secs) + i64::from(secs);
        When {
            days: self.days + total.div_euclid(86_400),
            secs: total.rem_euclid(86_400) as u32,
            offset_min: self.offset_min,
        }
    }

    /// The same instant at another UTC offset.
    pub(crate) fn at_offset(&self, offset_min: i32) -> When {
        let total = i64::from(self.secs) + i64::from(offset_min - self.offset_min) * 60;
        When {
            days: self.days + total.div_euclid(86_400),
            secs: total.rem_euclid(86_400) as u32,
            offset_min,
        }
    }

    /// `+0200`
    pub(crate) fn offset(&self) -> String {
        let sign = if self.offset_min < 0 { '-' } else { '+' };
        let m = self.offset_min.unsigned_abs();
        format!("{sign}{:02}{:02}", m / 60, m % 60)
    }

    /// `+02:00`
    pub(crate) fn offset_colon(&self) -> String {
        let o = self.offset();
        format!("{}:{}", &o[..3], &o[3..])
    }

    /// RFC 5322: `Mon, 3 Jun 2024 10:23:26 +0200` (`pad_day` gives `03`).
    pub(crate) fn rfc5322(&self, pad_day: bool) -> String {
        const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let (y, m, d) = self.ymd();
        let (hh, mm, ss) = self.hms();
        let day = if pad_day {
            format!("{d:02}")
        } else {
            d.to_string()
        };
        format!(
            "{}, {day} {} {y} {hh:02}:{mm:02}:{ss:02} {}",
            DAYS[self.weekday()],
            MONTHS[m as usize - 1],
            self.offset()
        )
    }

    /// Exif form: `2024:06:03 10:23:26`.
    pub(crate) fn exif(&self) -> String {
        let (y, m, d) = self.ymd();
        let (hh, mm, ss) = self.hms();
        format!("{y:04}:{m:02}:{d:02} {hh:02}:{mm:02}:{ss:02}")
    }

    /// ISO 8601 with offset: `2024-06-03T10:23:26+02:00`.
    pub(crate) fn iso(&self) -> String {
        let (y, m, d) = self.ymd();
        let (hh, mm, ss) = self.hms();
        format!(
            "{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}{}",
            self.offset_colon()
        )
    }

    /// PDF date: `D:20240603102326+02'00'`.
    pub(crate) fn pdf(&self) -> String {
        let (y, m, d) = self.ymd();
        let (hh, mm, ss) = self.hms();
        let o = self.offset();
        format!(
            "D:{y:04}{m:02}{d:02}{hh:02}{mm:02}{ss:02}{}'{}'",
            &o[..3],
            &o[3..]
        )
    }

    /// Seconds since the Unix epoch.
    pub(crate) fn unix(&self) -> i64 {
        self.days * 86_400 + i64::from(self.secs) - i64::from(self.offset_min) * 60
    }
}

/// Days since 1970-01-01 to (year, month, day) (H. Hinnant's algorithm).
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qp_round_trips_through_mail_parser_rules() {
        let text = "Je vous écris parce que je n'arrive plus à dormir depuis que mon beau-père est revenu vivre chez nous. Fin = fin \nFrom here\n.";
        let qp = quoted_printable(text);
        for line in qp.split("\r\n") {
            assert!(line.len() <= 76, "{line}");
        }
        assert!(qp.contains("=46rom here"));
        assert!(qp.contains("fin=20\r\n"));
    }

    #[test]
    fn base64_matches_known_values() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn encoded_words_are_short() {
        let s = "Besoin d'aide – ça ne va pas à la maison depuis la séparation de mes parents";
        for how in [Word::Q, Word::B] {
            let e = encode_words(s, how);
            for w in e.split("\r\n ") {
                assert!(w.len() <= 66, "{w}");
                assert!(w.starts_with("=?UTF-8?"));
            }
        }
        assert_eq!(encode_words("plain", Word::Q), "plain");
    }

    #[test]
    fn headers_fold_at_78() {
        let mut h = Headers::default();
        let long = "word ".repeat(40);
        h.add("X-Long", long.trim_end());
        for line in h.into_string().split("\r\n") {
            assert!(line.len() <= 78, "{line}");
        }
    }

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_877), (2024, 6, 3));
        let w = When {
            days: 19_877,
            secs: 10 * 3600 + 23 * 60 + 26,
            offset_min: 120,
        };
        assert_eq!(w.rfc5322(false), "Mon, 3 Jun 2024 10:23:26 +0200");
        assert_eq!(
            w.at_offset(-420).rfc5322(true),
            "Mon, 03 Jun 2024 01:23:26 -0700"
        );
        assert_eq!(w.pdf(), "D:20240603102326+02'00'");
        assert_eq!(w.unix(), 1_717_403_006);
    }
}
