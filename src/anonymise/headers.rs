//! Header allow-lists, and everything this module reads from headers.
//!
//! The parser is configured from [`READ`]: every other header field is skipped unparsed (only
//! its name is seen by the parser), at every level (message, MIME parts, nested messages).
//! Of what is read, only [`KEPT`] may reach stored output; the rest feeds [`Secrets`] (sealed
//! or compared in memory) and [`Signals`] (booleans and our own identifiers).

use mail_parser::{Address, HeaderName, HeaderValue, MessageParser, MessagePart};

use super::{Options, Secrets, Signals};

/// Header fields that the anonymiser reads, at any level. Everything else is never parsed.
///
/// `Content-Language`, `Autocrypt`, `Received`, `User-Agent`, `X-Mailer`, DKIM/ARC,
/// `Sender`, `Bcc` and every `X-*` field but the two below are deliberately absent.
pub const READ: &[&str] = &[
    "From",
    "Reply-To",
    "To",
    "Cc",
    "Delivered-To",
    "X-Original-To",
    "Message-ID",
    "In-Reply-To",
    "References",
    "Subject",
    "Date",
    "Auto-Submitted",
    "Precedence",
    "X-Auto-Response-Suppress",
    "List-Id",
    "List-Unsubscribe",
    "List-Post",
    "List-Help",
    "List-Subscribe",
    "List-Owner",
    "List-Archive",
    "Return-Path",
    "Authentication-Results",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Content-Disposition",
];

/// Header fields whose content may be stored: the decoded `Subject`, and the `Date` only as
/// UTC seconds (its offset, which tells the writer's time zone, is dropped).
pub const KEPT: &[&str] = &["Subject", "Date"];

/// How one header of [`READ`] is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Parse {
    Address,
    Id,
    Text,
    Date,
    Raw,
    /// MIME structure (`Content-Type`, `Content-Disposition`, and `Content-Transfer-Encoding`:
    /// parsing the latter as a structured value keeps the parser from decoding bodies).
    Mime,
}

fn header_name(name: &str) -> HeaderName<'static> {
    HeaderName::parse(name.to_string())
        .unwrap_or_else(|| HeaderName::Other(name.to_string().into()))
}

fn parse_kind(name: &str) -> Parse {
    match name {
        "From" | "Reply-To" | "To" | "Cc" | "Delivered-To" | "X-Original-To" => Parse::Address,
        "Message-ID" | "In-Reply-To" | "References" => Parse::Id,
        "Subject" => Parse::Text,
        "Date" => Parse::Date,
        "Content-Type" | "Content-Disposition" | "Content-Transfer-Encoding" => Parse::Mime,
        _ => Parse::Raw,
    }
}

/// The parser, configured by allow-list: only [`READ`] fields are parsed, all others ignored.
///
/// `Content-Transfer-Encoding` is parsed as a structured (content-type-like) value on purpose:
/// mail-parser only decodes a body whose encoding header parsed as plain text, so it never
/// decodes base64 or quoted-printable here. Nothing is decoded behind the pre-scan's back, in
/// particular no base64 `message/rfc822` is parsed recursively; this module decodes bodies itself.
pub(crate) fn parser() -> MessageParser {
    let mut p = MessageParser::new();
    for &name in READ {
        let h = header_name(name);
        p = match parse_kind(name) {
            Parse::Address => p.header_address(h),
            Parse::Id => p.header_id(h),
            Parse::Text => p.header_text(h),
            Parse::Date => p.header_date(h),
            Parse::Raw => p.header_raw(h),
            Parse::Mime => p.header_content_type(h),
        };
    }
    p.default_header_ignore()
}

/// The values of all fields named `name` in a header block, in order.
fn values<'a, 'x>(
    part: &'a MessagePart<'x>,
    name: &str,
) -> impl Iterator<Item = &'a HeaderValue<'x>> {
    let wanted = header_name(name);
    part.headers
        .iter()
        .filter(move |h| h.name == wanted)
        .map(|h| &h.value)
}

fn first_value<'a, 'x>(part: &'a MessagePart<'x>, name: &str) -> Option<&'a HeaderValue<'x>> {
    values(part, name).next()
}

fn raw_values<'a>(part: &'a MessagePart<'_>, name: &str) -> impl Iterator<Item = &'a str> {
    values(part, name).filter_map(|v| v.as_text())
}

/// The first address of an address header, bare: no display name, domain lowercased.
fn first_address(value: Option<&HeaderValue<'_>>) -> Option<String> {
    let addr: &Address<'_> = value?.as_address()?;
    addr.iter()
        .filter_map(|a| a.address())
        .find_map(normalise_address)
}

fn all_addresses(value: &HeaderValue<'_>) -> Vec<String> {
    value
        .as_address()
        .map(|a| {
            a.iter()
                .filter_map(|a| a.address())
                .filter_map(normalise_address)
                .collect()
        })
        .unwrap_or_default()
}

/// A bare address with its domain lowercased; `None` unless it looks like `local@domain`.
pub(crate) fn normalise_address(addr: &str) -> Option<String> {
    let addr = addr.trim().trim_start_matches('<').trim_end_matches('>');
    let (local, domain) = addr.rsplit_once('@')?;
    let ok = |s: &str| {
        !s.is_empty()
            && s.len() <= 254
            && !s
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'))
    };
    if !ok(local) || !ok(domain) || domain.contains('@') {
        return None;
    }
    Some(format!("{local}@{}", domain.to_ascii_lowercase()))
}

/// Message-IDs of an id header, without angle brackets.
fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    let list: Vec<&str> = match value {
        HeaderValue::Text(t) => vec![t.as_ref()],
        HeaderValue::TextList(l) => l.iter().map(|t| t.as_ref()).collect(),
        _ => Vec::new(),
    };
    list.into_iter()
        .map(|id| {
            id.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .trim()
        })
        .filter(|id| !id.is_empty() && !id.chars().any(|c| c.is_whitespace() || c.is_control()))
        .map(str::to_string)
        .collect()
}

/// The Message-ID of a header block, without angle brackets.
pub(crate) fn message_id(part: &MessagePart<'_>) -> Option<String> {
    first_value(part, "Message-ID").and_then(|v| ids(v).into_iter().next())
}

/// The decoded subject of a header block: white space collapsed, control and bidi-override
/// characters removed.
pub(crate) fn subject(part: &MessagePart<'_>) -> String {
    first_value(part, "Subject")
        .and_then(|v| v.as_text())
        .map(clean_line)
        .unwrap_or_default()
}

/// One line of display text: control characters (and bidirectional overrides, which can make
/// a terminal show text in another order) become spaces; runs of white space become one space;
/// invisible characters (zero-width, tags, see `invisible`) are removed.
pub(crate) fn clean_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in super::invisible::strip(s)
        .chars()
        .map(|c| {
            if c.is_control() || is_bidi_control(c) {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .split_whitespace()
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Unicode bidirectional embedding, override and isolate controls.
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// The `Date` header as UTC seconds since the epoch; `None` when absent or invalid.
pub(crate) fn date_utc(part: &MessagePart<'_>) -> Option<i64> {
    let dt = first_value(part, "Date")?.as_datetime()?;
    dt.is_valid().then(|| dt.to_timestamp())
}

/// Writer data from the top header block.
pub(crate) fn secrets(part: &MessagePart<'_>, opts: &Options) -> Secrets {
    let from_address = first_address(first_value(part, "From"));
    let reply_address =
        first_address(first_value(part, "Reply-To")).or_else(|| from_address.clone());
    let mut references: Vec<String> = Vec::new();
    for name in ["In-Reply-To", "References"] {
        for v in values(part, name) {
            for id in ids(v) {
                if !references.contains(&id) {
                    references.push(id);
                }
            }
        }
    }
    let mut recipient_tokens: Vec<String> = Vec::new();
    if let Some((contact_local, contact_domain)) = opts.contact_address.trim().rsplit_once('@') {
        let contact_local = contact_local.split('+').next().unwrap_or(contact_local);
        for name in ["To", "Cc", "Delivered-To", "X-Original-To"] {
            for v in values(part, name) {
                for addr in all_addresses(v) {
                    if let Some(token) = plus_detail(&addr, contact_local, contact_domain)
                        && !recipient_tokens.contains(&token)
                    {
                        recipient_tokens.push(token);
                    }
                }
            }
        }
    }
    Secrets {
        reply_address,
        from_address,
        message_id: message_id(part),
        references,
        recipient_tokens,
    }
}

/// The `+detail` of `addr` when its base local part and domain are the contact address's.
fn plus_detail(addr: &str, contact_local: &str, contact_domain: &str) -> Option<String> {
    let (local, domain) = addr.rsplit_once('@')?;
    let (base, detail) = local.split_once('+')?;
    (base.eq_ignore_ascii_case(contact_local)
        && domain.eq_ignore_ascii_case(contact_domain)
        && !detail.is_empty())
    .then(|| detail.to_string())
}

/// Facts from the top header block; the bounce facts are filled in by the MIME walk.
pub(crate) fn signals(part: &MessagePart<'_>, opts: &Options) -> Signals {
    let token = |v: &str| {
        v.split([';', '(', ','])
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    };
    let auto_submitted = raw_values(part, "Auto-Submitted").any(|v| token(v) != "no")
        || values(part, "Auto-Submitted").any(|v| v.is_empty());
    let bulk = raw_values(part, "Precedence")
        .any(|v| matches!(token(v).as_str(), "bulk" | "junk" | "list"));
    let mailing_list = [
        "List-Id",
        "List-Unsubscribe",
        "List-Post",
        "List-Help",
        "List-Subscribe",
        "List-Owner",
        "List-Archive",
    ]
    .iter()
    .any(|n| first_value(part, n).is_some());
    let suppress_auto_reply = raw_values(part, "X-Auto-Response-Suppress")
        .any(|v| token(v) != "none")
        || values(part, "X-Auto-Response-Suppress").any(|v| v.is_empty());
    let null_sender = raw_values(part, "Return-Path").any(|v| {
        let compact: String = v.chars().filter(|c| !c.is_whitespace()).collect();
        compact == "<>"
    });
    let from = first_address(first_value(part, "From"));
    let daemon_sender = from.as_deref().is_some_and(is_daemon_address);
    let sender_verified = match (&opts.trusted_authserv_id, from.as_deref()) {
        (Some(trusted), Some(from)) if !trusted.trim().is_empty() => {
            let from_domain = from.rsplit_once('@').map(|(_, d)| d).unwrap_or("");
            raw_values(part, "Authentication-Results")
                .any(|v| auth_results_verify(v, trusted.trim(), from_domain))
        }
        _ => false,
    };
    Signals {
        auto_submitted,
        bulk,
        mailing_list,
        suppress_auto_reply,
        null_sender,
        daemon_sender,
        is_bounce: false,
        bounced_message_id: None,
        sender_verified,
    }
}

/// Whether the local part names a mail system daemon (mailer-daemon, mail-daemon, postmaster,
/// in any case, with or without `-`, `_` or `.`).
pub(crate) fn is_daemon_address(addr: &str) -> bool {
    let local = addr.rsplit_once('@').map(|(l, _)| l).unwrap_or(addr);
    let squashed: String = local
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | '.'))
        .collect::<String>()
        .to_ascii_lowercase();
    matches!(
        squashed.as_str(),
        "mailerdaemon" | "maildaemon" | "postmaster"
    )
}

/// Removes RFC 5322 comments (nested parentheses) and quoted-string quotes.
fn strip_comments(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0usize;
    let mut escaped = false;
    for c in s.chars() {
        if escaped {
            escaped = false;
            if depth == 0 {
                out.push(c);
            }
            continue;
        }
        match c {
            '\\' => escaped = true,
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            '"' if depth == 0 => {}
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Whether one `Authentication-Results` value, from the trusted server, verifies the From
/// domain: `dmarc=pass` (with `header.from`, when given, equal to it), or `dkim=pass` whose
/// `header.d` (or the domain of `header.i`) equals the From domain or is a parent of it.
pub(crate) fn auth_results_verify(value: &str, trusted_id: &str, from_domain: &str) -> bool {
    let value = strip_comments(value);
    let mut segments = value.split(';');
    let authserv_id = segments
        .next()
        .and_then(|s| s.split_whitespace().next())
        .unwrap_or("");
    if !authserv_id.eq_ignore_ascii_case(trusted_id) || from_domain.is_empty() {
        return false;
    }
    let from_domain = from_domain.to_ascii_lowercase();
    let aligned = |d: &str| {
        let d = d.trim().trim_end_matches('.').to_ascii_lowercase();
        !d.is_empty() && (from_domain == d || from_domain.ends_with(&format!(".{d}")))
    };
    for segment in segments {
        let mut words = segment.split_whitespace();
        let Some((method, result)) = words.next().and_then(|w| w.split_once('=')) else {
            continue;
        };
        let method = method.to_ascii_lowercase();
        let pass = result.eq_ignore_ascii_case("pass");
        let props: Vec<(String, &str)> = words
            .filter_map(|w| w.split_once('='))
            .map(|(k, v)| (k.to_ascii_lowercase(), v))
            .collect();
        let prop = |name: &str| props.iter().find(|(k, _)| k == name).map(|(_, v)| *v);
        match method.as_str() {
            "dmarc"
                if pass
                    && prop("header.from")
                        .is_none_or(|d| d.trim().eq_ignore_ascii_case(&from_domain)) =>
            {
                return true;
            }
            "dkim" if pass => {
                let d = prop("header.d").map(str::to_string).or_else(|| {
                    prop("header.i").and_then(|i| i.rsplit_once('@').map(|(_, d)| d.to_string()))
                });
                if d.as_deref().is_some_and(aligned) {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> Options {
        Options {
            remove_signature: true,
            limits: Default::default(),
            contact_address: "Help@Line.example".into(),
            trusted_authserv_id: Some("mx.line.example".into()),
        }
    }

    fn top(raw: &str) -> MessagePart<'static> {
        let raw: &'static str = Box::leak(raw.to_string().into_boxed_str());
        parser()
            .parse(raw.as_bytes())
            .unwrap()
            .parts
            .into_iter()
            .next()
            .unwrap()
    }

    #[test]
    fn kept_is_a_subset_of_read() {
        for k in KEPT {
            assert!(READ.contains(k), "{k}");
        }
        for never in [
            "Content-Language",
            "Autocrypt",
            "Received",
            "User-Agent",
            "X-Mailer",
            "DKIM-Signature",
            "Sender",
            "Bcc",
            "Content-Description",
        ] {
            assert!(
                !READ.iter().any(|r| r.eq_ignore_ascii_case(never)),
                "{never}"
            );
        }
    }

    #[test]
    fn unlisted_headers_are_not_parsed() {
        let p = top(
            "From: a@b.example\nX-Secret: hush\nContent-Language: fr\nReceived: from x by y\n\nbody",
        );
        for h in &p.headers {
            let listed = READ.iter().any(|r| header_name(r) == h.name);
            assert_eq!(listed, !h.value.is_empty(), "{:?}", h.name);
        }
    }

    #[test]
    fn addresses_are_bare_with_lowercase_domain() {
        let p = top("From: \"Jane Doe\" <Jane.Doe@Example.ORG>\nReply-To: Other <x@Y.example>\n\n");
        let s = secrets(&p, &opts());
        assert_eq!(s.from_address.as_deref(), Some("Jane.Doe@example.org"));
        assert_eq!(s.reply_address.as_deref(), Some("x@y.example"));
        let p = top("From: Jane <jane@example.org>\n\n");
        assert_eq!(
            secrets(&p, &opts()).reply_address.as_deref(),
            Some("jane@example.org")
        );
        assert_eq!(normalise_address("no at sign"), None);
        assert_eq!(normalise_address("a b@c"), None);
    }

    #[test]
    fn ids_and_references() {
        let p = top(
            "Message-ID: <abc@x.example>\nIn-Reply-To: <one@h.example>\nReferences: <zero@h.example> <one@h.example>\n\n",
        );
        let s = secrets(&p, &opts());
        assert_eq!(s.message_id.as_deref(), Some("abc@x.example"));
        assert_eq!(s.references, vec!["one@h.example", "zero@h.example"]);
    }

    #[test]
    fn recipient_tokens_match_contact_address() {
        let p = top(
            "To: help+tok1@line.example, other+no@line.example\nCc: HELP+Tok2@LINE.EXAMPLE\nDelivered-To: help+tok3@elsewhere.example\nX-Original-To: help+tok4@line.example\n\n",
        );
        let s = secrets(&p, &opts());
        assert_eq!(s.recipient_tokens, vec!["tok1", "Tok2", "tok4"]);
    }

    #[test]
    fn subject_is_decoded_and_cleaned() {
        let p = top("Subject: =?utf-8?q?Caf=C3=A9?=  \t au\u{202E} lait\n\n");
        assert_eq!(subject(&p), "Café au lait");
        assert_eq!(clean_line("a\u{7}b\r\nc"), "a b c");
    }

    #[test]
    fn date_drops_offset() {
        let p = top("Date: Mon, 3 Jun 2024 12:00:00 +0200\n\n");
        assert_eq!(date_utc(&p), Some(1_717_408_800));
        let p = top("Date: not a date\n\n");
        assert_eq!(date_utc(&p), None);
    }

    #[test]
    fn auto_reply_signals() {
        let s = signals(&top("Auto-Submitted: auto-replied\n\n"), &opts());
        assert!(s.auto_submitted);
        let s = signals(&top("Auto-Submitted: no\n\n"), &opts());
        assert!(!s.auto_submitted && !s.suppresses_auto_reply());
        assert!(signals(&top("Precedence: Bulk\n\n"), &opts()).bulk);
        assert!(!signals(&top("Precedence: first-class\n\n"), &opts()).bulk);
        assert!(signals(&top("List-Id: <x.y>\n\n"), &opts()).mailing_list);
        assert!(
            signals(&top("X-Auto-Response-Suppress: OOF, DR\n\n"), &opts()).suppress_auto_reply
        );
        assert!(!signals(&top("X-Auto-Response-Suppress: None\n\n"), &opts()).suppress_auto_reply);
        assert!(signals(&top("Return-Path: < >\n\n"), &opts()).null_sender);
        assert!(!signals(&top("Return-Path: <a@b.example>\n\n"), &opts()).null_sender);
        assert!(signals(&top("From: MAILER-DAEMON@x.example\n\n"), &opts()).daemon_sender);
        assert!(signals(&top("From: postmaster@x.example\n\n"), &opts()).daemon_sender);
        assert!(!signals(&top("From: noreply@x.example\n\n"), &opts()).daemon_sender);
    }

    #[test]
    fn sender_verified_only_from_trusted_server() {
        let v = |ar: &str| {
            signals(
                &top(&format!(
                    "From: j@mail.example.org\nAuthentication-Results: {ar}\n\n"
                )),
                &opts(),
            )
            .sender_verified
        };
        assert!(v(
            "mx.line.example; dmarc=pass header.from=mail.example.org"
        ));
        assert!(v(
            "MX.LINE.EXAMPLE 1; dkim=pass (good) header.d=example.org header.s=s1"
        ));
        assert!(v("mx.line.example; dkim=pass header.i=@mail.example.org"));
        assert!(!v("mx.line.example; dkim=pass header.d=evil.example"));
        assert!(!v("mx.line.example; dkim=pass header.d=ample.org"));
        assert!(!v(
            "mx.line.example; dkim=fail header.d=example.org; dmarc=none"
        ));
        assert!(!v("attacker.example; dmarc=pass"));
        assert!(!v("mx.line.example; dmarc=pass header.from=other.example"));
        let mut o = opts();
        o.trusted_authserv_id = None;
        let p = top("From: j@example.org\nAuthentication-Results: mx.line.example; dmarc=pass\n\n");
        assert!(!signals(&p, &o).sender_verified);
    }
}
