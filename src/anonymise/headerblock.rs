//! Header blocks found inside text: an embedded message's header block shown as text, a
//! webmail's "Original Message" block, headers pasted into a reply, the header lines of a
//! raw-MIME fallback. They go through the same allow-list as the message's own headers
//! ([`super::headers::KEPT`]): the subject is kept (decoded), the date is kept (in UTC when it
//! carries an offset, which would tell a time zone), the address fields show their label with
//! `[redacted]`, and every other field (`Received`, `Message-ID`, `X-Originating-IP`,
//! `X-Mailer`, ...) is dropped, with one note saying so.
//!
//! Not every line of the form `Word: text` is a header: a writer's "Note: ..." or "From: my
//! mother" stays. A run of header-shaped lines is taken for a header block only on evidence: a
//! field that only mail software writes (`Received: from`, `Message-ID`, `MIME-Version`,
//! `Content-Type`, `X-Mailer`...), or two known fields of which an address field holds an
//! address, or a sender field with a date field (the reply headers of Outlook and webmails), or
//! a block right after an "Original Message" / "Forwarded message" line.
//!
//! The same shapes, at the start of a file, tell that an attachment is a message
//! ([`looks_like_message`]), whatever its declared type.

use std::borrow::Cow;

/// The note left where header fields were dropped.
pub const NOTE: &str = "[mail header lines removed]";

/// Most unindented lines between two header lines read as folded lines of the first (mail
/// that lost its folding indentation); more, and they are text.
const MAX_UNINDENTED_FOLD: usize = 64;

/// Most lines after the last header line read as its folded lines without an indentation,
/// when they look like the rest of a header value.
const MAX_TRAILING_FOLD: usize = 8;

/// What a header field is, for the allow-list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Names a person: shown as `Label: [redacted]`.
    Address,
    /// The subject: kept, decoded.
    Subject,
    /// The date: kept, in UTC when it has an offset.
    Date,
    /// Only mail software writes it: dropped, and proof of a header block.
    Machine,
    /// A known field that is also an everyday word (`Importance`, `Organization`): dropped.
    Known,
    /// Any other name: dropped inside a proven block.
    Unknown,
}

const ADDRESS: &[&str] = &[
    "from",
    "to",
    "cc",
    "bcc",
    "reply-to",
    "sender",
    "de",
    "à",
    "a",
    "cci",
    "répondre à",
    "van",
    "aan",
    "von",
    "an",
    "antwort an",
    "kopie",
];
const SUBJECT: &[&str] = &[
    "subject",
    "objet",
    "sujet",
    "onderwerp",
    "betreft",
    "betreff",
];
const DATE: &[&str] = &[
    "date",
    "sent",
    "envoyé",
    "envoyé le",
    "verzonden",
    "verstuurd",
    "datum",
    "gesendet",
];
/// Fields only mail software writes (besides `X-` fields, see [`machine_x`]).
const MACHINE: &[&str] = &[
    "received",
    "message-id",
    "in-reply-to",
    "references",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "content-disposition",
    "content-id",
    "content-description",
    "content-language",
    "return-path",
    "delivered-to",
    "envelope-to",
    "dkim-signature",
    "domainkey-signature",
    "authentication-results",
    "arc-seal",
    "arc-message-signature",
    "arc-authentication-results",
    "received-spf",
    "user-agent",
    "thread-topic",
    "thread-index",
    "list-id",
    "list-unsubscribe",
    "list-unsubscribe-post",
    "list-post",
    "list-help",
    "list-subscribe",
    "list-owner",
    "list-archive",
    "auto-submitted",
    "disposition-notification-to",
    "return-receipt-to",
    "errors-to",
    "resent-from",
    "resent-to",
    "resent-cc",
    "resent-date",
    "resent-message-id",
    "resent-sender",
    "autocrypt",
    "openpgp",
    "feedback-id",
    "accept-language",
    "mail-followup-to",
    "mail-reply-to",
    "nntp-posting-host",
    "nntp-posting-date",
    "injection-info",
    "original-recipient",
    "final-recipient",
    "reporting-mta",
    "remote-mta",
    "diagnostic-code",
];
/// Known fields that are everyday words too.
const KNOWN: &[&str] = &[
    "importance",
    "priority",
    "priorité",
    "sensitivity",
    "organization",
    "organisation",
    "keywords",
    "comments",
    "precedence",
    "newsgroups",
];
/// Second parts of one-part `X-` fields that mail software writes (`X-Mailer`): one-part
/// `X-` names are otherwise words (`X-ray: nothing broken`).
const X_SINGLE: &[&str] = &[
    "mailer",
    "sender",
    "priority",
    "received",
    "mimeole",
    "uid",
    "face",
    "url",
    "spam",
    "virus",
    "library",
    "originator",
    "source",
    "envelope",
    "account",
    "complaints",
    "abuse",
    "report",
    "authenticated",
    "forwarded",
    "mailgun",
    "php",
    "ovh",
    "ui",
    "gm",
    "ms",
    "tm",
    "yahoo",
];

fn machine_x(name: &str) -> bool {
    name.strip_prefix("x-")
        .is_some_and(|rest| rest.contains('-') || X_SINGLE.contains(&rest))
}

fn class_of(name: &str, value: &str) -> Class {
    if ADDRESS.contains(&name) {
        Class::Address
    } else if SUBJECT.contains(&name) {
        Class::Subject
    } else if DATE.contains(&name) {
        Class::Date
    } else if name == "received" {
        // "Received: your letter" is a sentence; a trace field names a host.
        let v = value.to_ascii_lowercase();
        if v.starts_with("from ") || v.starts_with("by ") || v.contains(';') {
            Class::Machine
        } else {
            Class::Known
        }
    } else if MACHINE.contains(&name) || machine_x(name) || name.starts_with("arc-") {
        Class::Machine
    } else if KNOWN.contains(&name) {
        Class::Known
    } else {
        Class::Unknown
    }
}

/// A quote prefix: `>` markers, each with the one space that may follow it.
fn quote_prefix(line: &str) -> &str {
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() && b[i] == b'>' {
        i += 1;
        if b.get(i) == Some(&b' ') {
            i += 1;
        }
    }
    &line[..i]
}

/// One header-shaped line: `Label: value` (also `De :`, `*From:*`).
#[derive(Debug)]
struct Field<'a> {
    /// The label as written, without bold markers or the colon.
    label: &'a str,
    /// The label lowercased, spaces normalised.
    name: String,
    /// The value on this line.
    value: &'a str,
}

/// Reads `content` (a line without its quote prefix) as a header line.
fn field(content: &str) -> Option<Field<'_>> {
    let s = content.trim_start_matches('*');
    if s.starts_with([' ', '\t']) {
        return None;
    }
    // Labels are short: only the start of the line is searched.
    let colon = memchr::memchr(b':', &s.as_bytes()[..s.len().min(42)])?;
    if colon == 0 || colon > 40 || !s.is_char_boundary(colon) {
        return None;
    }
    let label = s[..colon].trim_end_matches([' ', '\u{a0}', '*']);
    if label.is_empty() || s[label.len()..colon].chars().count() > 2 {
        return None;
    }
    let after = &s[colon + 1..];
    if !(after.is_empty() || after.starts_with([' ', '\t', '\u{a0}', '*'])) {
        return None;
    }
    let token = label
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let name = if token {
        label.to_ascii_lowercase()
    } else {
        // A multi-word or accented label only when it is one of the localised ones (all
        // short).
        if label.len() > 16 {
            return None;
        }
        let name = label.to_lowercase().replace('\u{a0}', " ");
        let localised = [ADDRESS, SUBJECT, DATE, KNOWN]
            .iter()
            .any(|list| list.contains(&name.as_str()));
        if !localised {
            return None;
        }
        name
    };
    Some(Field {
        label,
        name,
        value: after
            .trim_start_matches(['*', ' ', '\t', '\u{a0}'])
            .trim_end(),
    })
}

/// Lines that announce a reply or forward history: a header block may follow.
fn is_history_marker(line: &str) -> bool {
    let raw = line.trim();
    // Every marker starts with a dash, an underscore or a star, or ends with a colon.
    if !(raw.starts_with(['-', '_', '*']) || raw.ends_with(':')) {
        return false;
    }
    let t = raw.trim_matches(['-', '_', ' ', '*']).trim();
    if line.trim().len() >= 10 && t.is_empty() && line.contains("__") {
        return true; // Outlook's line of underscores
    }
    let t = t.trim_end_matches([':', ' ']).to_lowercase();
    [
        "original message",
        "message d'origine",
        "oorspronkelijk bericht",
        "ursprüngliche nachricht",
        "forwarded message",
        "message transféré",
        "doorgestuurd bericht",
        "weitergeleitete nachricht",
        "begin forwarded message",
        "début du message réexpédié",
        "begin doorgestuurd bericht",
        "anfang der weitergeleiteten nachricht",
    ]
    .contains(&t.as_str())
}

/// One header field of a block: its line and the lines folded into it.
struct Entry<'a> {
    /// Index of its line.
    line: usize,
    field: Field<'a>,
    class: Class,
    /// Indexes of its folded lines.
    folded: Vec<usize>,
}

/// A run of header-shaped lines under one quote prefix.
struct Block<'a> {
    prefix: &'a str,
    start: usize,
    after_marker: bool,
    entries: Vec<Entry<'a>>,
    /// Unindented lines since the last header line: folded lines if a header line follows.
    pending: Vec<usize>,
}

/// Filters the header blocks of `text` through the allow-list (see the module documentation).
/// Linear: each line is read once, and looked at again at most once when its block ends.
pub fn filter(text: &str) -> Cow<'_, str> {
    let mut work = 0;
    filter_counted(text, &mut work)
}

/// [`filter`], adding the bytes examined to `work`.
fn filter_counted<'a>(text: &'a str, work: &mut u64) -> Cow<'a, str> {
    *work += text.len() as u64;
    // Most texts have no header-shaped line at all: told without a copy.
    if !super::lines::split_lf(text).any(|l| field(&l[quote_prefix(l).len()..]).is_some()) {
        return Cow::Borrowed(text);
    }
    let lines: Vec<&str> = super::lines::split_lf(text).collect();
    let mut out: Vec<Cow<'_, str>> = Vec::with_capacity(lines.len());
    let mut changed = false;
    let mut block: Option<Block<'_>> = None;
    // Whether the last non-blank line outside a block announced a history.
    let mut after_marker = false;
    for (i, &line) in lines.iter().enumerate() {
        *work += line.len() as u64 + 1;
        let prefix = quote_prefix(line);
        let content = &line[prefix.len()..];
        let blank = content.trim().is_empty();
        if let Some(b) = block.as_mut() {
            let same = b.prefix == prefix;
            if same && !blank && content.starts_with([' ', '\t']) && b.pending.is_empty() {
                if let Some(last) = b.entries.last_mut() {
                    last.folded.push(i);
                }
                continue;
            }
            let f = if same && !blank { field(content) } else { None };
            if let Some(f) = f {
                let pending = std::mem::take(&mut b.pending);
                if let Some(last) = b.entries.last_mut() {
                    last.folded.extend(pending);
                }
                let class = class_of(&f.name, f.value);
                b.entries.push(Entry {
                    line: i,
                    field: f,
                    class,
                    folded: Vec::new(),
                });
                continue;
            }
            if same && !blank && b.pending.len() < MAX_UNINDENTED_FOLD {
                b.pending.push(i);
                continue;
            }
            let done = block.take().expect("a block is open");
            changed |= close(done, &lines, &mut out, work);
        }
        if !blank && let Some(f) = field(content) {
            let class = class_of(&f.name, f.value);
            block = Some(Block {
                prefix,
                start: i,
                after_marker: std::mem::take(&mut after_marker),
                entries: vec![Entry {
                    line: i,
                    field: f,
                    class,
                    folded: Vec::new(),
                }],
                pending: Vec::new(),
            });
            continue;
        }
        if !blank {
            after_marker = is_history_marker(content);
        }
        out.push(Cow::Borrowed(line));
    }
    if let Some(done) = block {
        changed |= close(done, &lines, &mut out, work);
    }
    if changed {
        Cow::Owned(out.join("\n"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Whether an unindented line after the last header line continues its value: a MIME
/// parameter (`boundary="..."`), an encoded word, or the value before it ended with `;` or
/// `,`.
fn continues(previous: &str, content: &str) -> bool {
    let t = content.trim();
    let param = t.split_once('=').is_some_and(|(k, _)| {
        !k.is_empty()
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_*.".contains(c))
    });
    param || t.starts_with("=?") || previous.trim_end().ends_with([';', ','])
}

/// Ends a block: writes its lines to `out`, filtered when the block is proven a header block.
/// Returns whether anything changed.
fn close<'a>(
    mut b: Block<'a>,
    lines: &[&'a str],
    out: &mut Vec<Cow<'a, str>>,
    work: &mut u64,
) -> bool {
    // Unindented lines after the last header line: folded only while they look like it.
    let pending = std::mem::take(&mut b.pending);
    let mut text_from = pending.len();
    for (k, &i) in pending.iter().enumerate().take(MAX_TRAILING_FOLD) {
        *work += lines[i].len() as u64;
        let previous = if k == 0 {
            b.entries.last().map_or("", |e| e.field.value)
        } else {
            lines[pending[k - 1]]
        };
        if !continues(previous, &lines[i][b.prefix.len()..]) {
            text_from = k;
            break;
        }
    }
    if text_from == pending.len() && pending.len() > MAX_TRAILING_FOLD {
        text_from = MAX_TRAILING_FOLD;
    }
    if let Some(last) = b.entries.last_mut() {
        last.folded.extend(&pending[..text_from]);
    }
    let end = b
        .entries
        .last()
        .map_or(b.start, |e| e.folded.last().copied().unwrap_or(e.line))
        + 1;
    let proven = proven(&b);
    if proven {
        write_filtered(&b, lines, out);
    } else {
        out.extend(lines[b.start..end].iter().map(|l| Cow::Borrowed(*l)));
    }
    out.extend(
        pending[text_from..]
            .iter()
            .map(|&i| Cow::Borrowed(lines[i])),
    );
    proven
}

/// Whether a block is a header block (see the module documentation).
fn proven(b: &Block<'_>) -> bool {
    let has = |c: Class| b.entries.iter().any(|e| e.class == c);
    if has(Class::Machine) {
        return true;
    }
    let known = b
        .entries
        .iter()
        .filter(|e| e.class != Class::Unknown)
        .count();
    if known < 2 {
        return false;
    }
    let addressed = b.entries.iter().any(|e| {
        e.class == Class::Address && {
            let v = e.field.value.to_lowercase();
            v.contains('@') || v.contains("mailto:") || v.contains("[redacted]")
        }
    });
    let sender = b.entries.iter().any(|e| {
        matches!(
            e.field.name.as_str(),
            "from" | "de" | "van" | "von" | "sender"
        )
    });
    let dated = b
        .entries
        .iter()
        .any(|e| e.class == Class::Date && e.field.value.contains(|c: char| c.is_ascii_digit()));
    addressed || (sender && dated) || b.after_marker
}

/// Writes the allowed fields of a proven block, and one note where others were dropped.
fn write_filtered<'a>(b: &Block<'a>, lines: &[&'a str], out: &mut Vec<Cow<'a, str>>) {
    let mut noted = false;
    for e in &b.entries {
        let value = || {
            let mut v = e.field.value.to_string();
            for &i in &e.folded {
                v.push(' ');
                v.push_str(lines[i][b.prefix.len()..].trim());
            }
            v
        };
        let label = e.field.label;
        // The message's own allow-list decides which values are kept (a localised label
        // stands for its field).
        let allowed = |field: &str| super::headers::KEPT.contains(&field);
        let kept = match e.class {
            Class::Address => Some(format!("{label}: {}", super::body::REDACTED)),
            Class::Subject if allowed("Subject") => Some(format!("{label}: {}", subject(&value()))),
            Class::Date if allowed("Date") => Some(format!("{label}: {}", date(&value()))),
            _ => None,
        };
        match kept {
            Some(line) => out.push(Cow::Owned(format!("{}{}", b.prefix, line.trim_end()))),
            None if !noted => {
                out.push(Cow::Owned(format!("{}{NOTE}", b.prefix)));
                noted = true;
            }
            None => {}
        }
    }
}

/// A subject value decoded (RFC 2047) and cleaned as the message's own subject is.
pub(super) fn subject(value: &str) -> String {
    if value.contains("=?") {
        let raw = format!("Subject: {value}\n\n");
        if let Some(m) = super::headers::parser().parse_headers(raw.as_bytes())
            && let Some(part) = m.parts.first()
        {
            return super::headers::subject(part);
        }
    }
    super::headers::clean_line(value)
}

/// A date value: in UTC, to the minute, when it is an RFC 5322 date with a numeric offset;
/// otherwise as written.
pub(super) fn date(value: &str) -> String {
    let has_offset = value
        .as_bytes()
        .windows(5)
        .any(|w| matches!(w[0], b'+' | b'-') && w[1..].iter().all(u8::is_ascii_digit));
    if has_offset
        && let Some(d) = mail_parser::DateTime::parse_rfc822(value).filter(|d| d.is_valid())
    {
        let u = mail_parser::DateTime::from_timestamp(d.to_timestamp());
        return format!(
            "{:04}-{:02}-{:02} {:02}:{:02} UTC",
            u.year, u.month, u.day, u.hour, u.minute
        );
    }
    super::headers::clean_line(value)
}

/// The boundary of a MIME boundary line (`--token` or `--token--`), if `line` is one.
fn boundary_token(line: &str) -> Option<&str> {
    let t = line.trim_end().strip_prefix("--")?;
    let t = t.strip_suffix("--").unwrap_or(t);
    (!t.is_empty()
        && t.len() <= 70
        && !t.starts_with(' ')
        && t.chars().any(|c| c != '-')
        && t.bytes().all(|b| b.is_ascii_graphic()))
    .then_some(t)
}

/// Removes MIME boundary lines from a text (the raw form of a message whose structure could
/// not be read): a `--token` line whose token comes back on another line. Boundaries are
/// often made from the Message-ID or the sender's host. Linear: two passes over the lines.
pub fn drop_boundaries(text: &str) -> Cow<'_, str> {
    let mut work = 0;
    drop_boundaries_counted(text, &mut work)
}

/// [`drop_boundaries`], adding the bytes examined to `work`.
fn drop_boundaries_counted<'a>(text: &'a str, work: &mut u64) -> Cow<'a, str> {
    use std::collections::HashMap;
    *work += text.len() as u64;
    // A boundary line is `--` and a token without spaces: told without a copy.
    let candidate = |from: usize| {
        let rest = &text[from..];
        let line = rest.split('\n').next().unwrap_or("");
        boundary_token(line).is_some()
    };
    let found = (text.starts_with("--") && candidate(0))
        || memchr::memmem::find_iter(text.as_bytes(), b"\n--").any(|i| candidate(i + 1));
    if !found {
        return Cow::Borrowed(text);
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for line in text.split('\n') {
        *work += line.len() as u64 + 1;
        if let Some(t) = boundary_token(line) {
            *seen.entry(t).or_default() += 1;
        }
    }
    if !seen.values().any(|&n| n >= 2) {
        return Cow::Borrowed(text);
    }
    let kept: Vec<&str> = text
        .split('\n')
        .map(|line| match boundary_token(line) {
            Some(t) if seen.get(t).is_some_and(|&n| n >= 2) => "",
            _ => line,
        })
        .collect();
    Cow::Owned(kept.join("\n"))
}

/// Whether `bytes` start with the header block of a message (an `.eml` file), whatever its
/// declared type: header lines and folded lines up to a blank line (or the end), with two
/// known fields of which one only mail software writes, or an address field with an address.
/// An mbox `From ` line may come first. Reads at most the header block, and at most 256 KiB.
pub fn looks_like_message(bytes: &[u8]) -> bool {
    const MAX: usize = 256 * 1024;
    let head = &bytes[..bytes.len().min(MAX)];
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let Ok(text) =
        std::str::from_utf8(head).or_else(|e| std::str::from_utf8(&head[..e.valid_up_to()]))
    else {
        return false;
    };
    let mut lines = text.trim_start_matches(['\r', '\n']).split('\n').peekable();
    if lines.peek().is_some_and(|l| l.starts_with("From ")) {
        lines.next();
    }
    let (mut known, mut machine, mut addressed, mut fields) = (0, false, false, 0);
    let mut ended = false;
    for line in lines {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            ended = true;
            break;
        }
        if line.starts_with([' ', '\t']) && fields > 0 {
            continue;
        }
        let Some(f) = field(line).filter(|f| !f.label.contains(' ') && f.label.is_ascii()) else {
            return false;
        };
        fields += 1;
        match class_of(&f.name, f.value) {
            Class::Machine => {
                known += 1;
                machine = true;
            }
            Class::Address
                if matches!(
                    f.name.as_str(),
                    "from" | "to" | "cc" | "reply-to" | "sender"
                ) =>
            {
                known += 1;
                addressed |= f.value.contains('@');
            }
            Class::Subject | Class::Date if matches!(f.name.as_str(), "subject" | "date") => {
                known += 1;
            }
            _ => {}
        }
    }
    (ended || bytes.len() <= MAX) && known >= 2 && (machine || addressed)
}

#[cfg(test)]
mod tests;
