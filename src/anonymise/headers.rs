//! Header allow-lists, and everything this module reads from headers.
//!
//! The parser is configured from [`READ`]: every other header field is skipped unparsed (only
//! its name is seen by the parser), at every level (message, MIME parts, nested messages).
//! Of what is read, only [`KEPT`] may reach stored output; the rest feeds [`Secrets`] (sealed
//! or compared in memory) and [`Signals`] (booleans and our own identifiers).

use mail_parser::{Address, HeaderName, HeaderValue, MessageParser, MessagePart};

use super::types::{Options, Secrets, Signals, Verification};

/// Header fields that the anonymiser reads, at any level. Everything else is never parsed.
///
/// `Content-Language`, `Autocrypt`, `Received`, `User-Agent`, `X-Mailer`, DKIM/ARC,
/// `Sender`, `Bcc` and every `X-*` field but the auto-reply marks below are deliberately
/// absent. `Reply-To` is read only to tell whether it names another address than `From`
/// (then the sender is not verified); it is never sealed, stored or written to.
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
    "X-Autoreply",
    "X-Autorespond",
    "X-Loop",
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

/// The most Message-IDs the `References` of our answers carry: the first of the thread and the
/// latest ones (RFC 5322 §3.6.4 allows shortening the list this way).
pub const MAX_REFERENCES: usize = 20;

/// The longest Message-ID copied into the `References` of our answers.
const MAX_ID_LEN: usize = 250;

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
    // Duplicates are dropped through a set: a header of many ids is not rescanned per id.
    let mut seen = std::collections::HashSet::new();
    let mut references: Vec<String> = Vec::new();
    for name in ["In-Reply-To", "References"] {
        for v in values(part, name) {
            for id in ids(v) {
                if seen.insert(id.clone()) {
                    references.push(id);
                }
            }
        }
    }
    seen.clear();
    let mut recipient_tokens: Vec<String> = Vec::new();
    if let Some((contact_local, contact_domain)) = opts.contact_address.trim().rsplit_once('@') {
        let contact_local = contact_local.split('+').next().unwrap_or(contact_local);
        for name in ["To", "Cc", "Delivered-To", "X-Original-To"] {
            for v in values(part, name) {
                for addr in all_addresses(v) {
                    if let Some(token) = plus_detail(&addr, contact_local, contact_domain)
                        && seen.insert(token.clone())
                    {
                        recipient_tokens.push(token);
                    }
                }
            }
        }
    }
    Secrets {
        from_address: first_address(first_value(part, "From")),
        message_id: message_id(part),
        references,
        ancestry: ancestry(part),
        recipient_tokens,
    }
}

/// A Message-ID that may be written back into a header of ours: printable ASCII, no angle
/// brackets, not too long.
pub fn is_header_safe_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id.contains('@')
        && id
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'<' && b != b'>')
}

/// The ancestors of a message, oldest first (RFC 5322 §3.6.4: its `References`, else an
/// `In-Reply-To` naming one message), kept only when header-safe, shortened to the first and
/// the latest so that, with the message's own ID, at most [`MAX_REFERENCES`] remain.
fn ancestry(part: &MessagePart<'_>) -> Vec<String> {
    let mut chain: Vec<String> = values(part, "References").flat_map(ids).collect();
    if chain.is_empty() {
        let replied: Vec<String> = values(part, "In-Reply-To").flat_map(ids).collect();
        if replied.len() == 1 {
            chain = replied;
        }
    }
    let mut seen = std::collections::HashSet::new();
    chain.retain(|id| is_header_safe_id(id) && seen.insert(id.clone()));
    let keep = MAX_REFERENCES - 1;
    if chain.len() > keep {
        chain.drain(1..chain.len() - (keep - 1));
    }
    chain
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

/// The first token of a structured header value, lowercased (`auto-replied; x=y` ->
/// `auto-replied`).
fn first_token(v: &str) -> String {
    v.split([';', '(', ','])
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Whether a header named `name` is present with a first token other than `unless` (an empty
/// value counts as present).
fn marked(part: &MessagePart<'_>, name: &str, unless: &str) -> bool {
    raw_values(part, name).any(|v| first_token(v) != unless)
        || values(part, name).any(|v| v.is_empty())
}

/// Facts from the top header block; the bounce facts are filled in by the MIME walk.
pub(crate) fn signals(part: &MessagePart<'_>, opts: &Options) -> Signals {
    let bulk = raw_values(part, "Precedence").any(|v| {
        matches!(
            first_token(v).as_str(),
            "auto_reply" | "bulk" | "junk" | "list"
        )
    });
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
    let vendor_auto_reply = marked(part, "X-Autoreply", "no")
        || marked(part, "X-Autorespond", "no")
        || first_value(part, "X-Loop").is_some();
    let null_sender = raw_values(part, "Return-Path").any(|v| {
        let compact: String = v.chars().filter(|c| !c.is_whitespace()).collect();
        compact == "<>"
    });
    let from = first_address(first_value(part, "From"));
    Signals {
        auto_submitted: marked(part, "Auto-Submitted", "no"),
        bulk,
        mailing_list,
        suppress_auto_reply: marked(part, "X-Auto-Response-Suppress", "none"),
        vendor_auto_reply,
        null_sender,
        daemon_sender: from.as_deref().is_some_and(is_daemon_address),
        no_reply_sender: from.as_deref().is_some_and(is_no_reply_address),
        out_of_office: is_out_of_office_subject(&subject(part)),
        is_bounce: false,
        bounced_message_id: None,
        sender: verification(part, opts.trusted_authserv_id.as_deref()),
    }
}

/// The local part of an address without `+detail`, `-`, `_` and `.`, lowercased.
fn squashed_local(addr: &str) -> String {
    let local = addr.rsplit_once('@').map(|(l, _)| l).unwrap_or(addr);
    let local = local.split('+').next().unwrap_or(local);
    local
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | '.'))
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Whether the local part names a mail system daemon (mailer-daemon, mail-daemon, postmaster,
/// in any case, with or without `-`, `_` or `.`).
pub(crate) fn is_daemon_address(addr: &str) -> bool {
    matches!(
        squashed_local(addr).as_str(),
        "mailerdaemon" | "maildaemon" | "postmaster"
    )
}

/// Whether the local part says that nobody reads answers (`noreply`, `no-reply`,
/// `no_reply.alerts`, `donotreply`, `do-not-reply`...).
pub(crate) fn is_no_reply_address(addr: &str) -> bool {
    let l = squashed_local(addr);
    l.starts_with("noreply") || l.starts_with("donotreply")
}

/// Subject openings of out-of-office and automatic replies, lowercased, in English, French,
/// Dutch and German (Outlook, Exchange, Lotus, Gmail and webmail wordings).
const OUT_OF_OFFICE: &[&str] = &[
    "automatic reply",
    "auto reply",
    "auto-reply",
    "autoreply",
    "auto-response",
    "out of office",
    "out of the office",
    "réponse automatique",
    "reponse automatique",
    "message d'absence",
    "message d’absence",
    "absent du bureau",
    "absence",
    "absent",
    "absente",
    "automatisch antwoord",
    "automatisch bericht",
    "afwezig",
    "afwezigheid",
    "niet aanwezig",
    "automatische antwort",
    "abwesenheitsnotiz",
    "automatische abwesenheitsnotiz",
    "abwesend",
];

/// Whether a (decoded) subject is that of an out-of-office or automatic reply: it opens with
/// one of [`OUT_OF_OFFICE`] (after an optional `[`), followed by nothing, a `:`, `(`, `[`,
/// `]`, a dash and a space, or another such opening ("Out of Office AutoReply: ...").
pub(crate) fn is_out_of_office_subject(subject: &str) -> bool {
    let s = subject.trim().to_lowercase();
    let mut rest = s.trim_start_matches('[').trim_start();
    // At most a few openings in a row ("Out of Office AutoReply").
    for _ in 0..3 {
        let Some(after) = OUT_OF_OFFICE
            .iter()
            .filter_map(|p| rest.strip_prefix(p))
            .min_by_key(|a| a.len())
        else {
            return false;
        };
        let after = after.trim_start();
        let mut chars = after.chars();
        match (chars.next(), chars.next()) {
            (None | Some(':' | '(' | '[' | ']'), _) => return true,
            // A dash that separates ("Absence - Marie"), not one that joins ("Absent-minded").
            (Some('-' | '–'), None) => return true,
            (Some('-' | '–'), Some(c)) if c.is_whitespace() => return true,
            _ => rest = after,
        }
    }
    false
}

/// One `Authentication-Results` value: its authserv-id and its results.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct AuthResults {
    /// The authserv-id, as written.
    pub authserv_id: String,
    /// The results, in order.
    pub results: Vec<AuthResult>,
}

/// One result of an `Authentication-Results` value (`dmarc=pass header.from=example.org`).
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct AuthResult {
    /// The method, lowercased, without its version (`dmarc`, `dkim`, `spf`...).
    pub method: String,
    /// The result, lowercased (`pass`, `fail`, `none`...).
    pub result: String,
    /// The properties (`header.from`, `smtp.mailfrom`, `reason`...), names lowercased.
    pub props: Vec<(String, String)>,
}

impl AuthResult {
    /// The value of a property, when given.
    pub fn prop(&self, name: &str) -> Option<&str> {
        self.props
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the result says the check failed (RFC 8601 §2.7: `fail`, `softfail`,
    /// `permerror`, `policy`). `temperror`, `neutral` and `none` say nothing either way.
    pub fn failed(&self) -> bool {
        matches!(
            self.result.as_str(),
            "fail" | "softfail" | "permerror" | "policy"
        )
    }
}

/// Splits an `Authentication-Results` value into its `;`-separated parts, each a list of
/// words: comments removed (they separate words), quoted strings unquoted and kept whole (a
/// `;` or a space inside one splits nothing), and white space around `=` dropped.
fn auth_results_parts(value: &str) -> Vec<Vec<String>> {
    let mut parts = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let (mut depth, mut quoted, mut escaped) = (0usize, false, false);
    let flush = |word: &mut String, words: &mut Vec<String>| {
        if word.is_empty() {
            return;
        }
        let w = std::mem::take(word);
        let glue = w.starts_with('=') || words.last().is_some_and(|l| l.ends_with('='));
        match words.last_mut() {
            Some(last) if glue => last.push_str(&w),
            _ => words.push(w),
        }
    };
    for c in value.chars() {
        if escaped {
            escaped = false;
            if depth == 0 {
                word.push(c);
            }
            continue;
        }
        match c {
            '\\' if quoted || depth > 0 => escaped = true,
            '"' if depth == 0 => quoted = !quoted,
            _ if quoted => word.push(c),
            '(' => {
                flush(&mut word, &mut words);
                depth += 1;
            }
            ')' if depth > 0 => depth -= 1,
            _ if depth > 0 => {}
            ';' => {
                flush(&mut word, &mut words);
                parts.push(std::mem::take(&mut words));
            }
            '=' => {
                flush(&mut word, &mut words);
                match words.last_mut() {
                    Some(last) => last.push('='),
                    None => words.push("=".into()),
                }
            }
            c if c.is_whitespace() => flush(&mut word, &mut words),
            c => word.push(c),
        }
    }
    flush(&mut word, &mut words);
    parts.push(words);
    parts
}

/// Parses one `Authentication-Results` value (RFC 8601). Parts that are not `method=result`
/// (such as `none`) carry no result.
pub(crate) fn parse_auth_results(value: &str) -> AuthResults {
    let mut parts = auth_results_parts(value).into_iter();
    let authserv_id = parts
        .next()
        .and_then(|words| words.into_iter().next())
        .unwrap_or_default();
    let mut results = Vec::new();
    for words in parts {
        let mut words = words.into_iter();
        let Some((method, result)) = words.next().and_then(|w| {
            w.split_once('=')
                .map(|(m, r)| (m.to_string(), r.to_string()))
        }) else {
            continue;
        };
        let method = method.split('/').next().unwrap_or("").to_ascii_lowercase();
        let props = words
            .filter_map(|w| {
                w.split_once('=')
                    .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
            })
            .collect();
        results.push(AuthResult {
            method,
            result: result.to_ascii_lowercase(),
            props,
        });
    }
    AuthResults {
        authserv_id,
        results,
    }
}

/// What the trusted server's `Authentication-Results` say about the From address.
///
/// - [`Verification::Failed`] when two or more headers claim `trusted_id` (all but one are
///   forged: the MX did not remove them), or when the one that does reports a failure;
/// - [`Verification::Verified`] when exactly one header claims it, nothing in it failed, it
///   has `dmarc` results and each is `pass` with `header.from` equal to the domain of the one
///   From address, and no `Reply-To` names another address;
/// - [`Verification::Unknown`] otherwise (no trusted id configured, no header from it, a pass
///   without `header.from` or for another domain, several From addresses...).
pub(crate) fn verification(part: &MessagePart<'_>, trusted_id: Option<&str>) -> Verification {
    let Some(trusted_id) = trusted_id.map(str::trim).filter(|t| !t.is_empty()) else {
        return Verification::Unknown;
    };
    let claims: Vec<AuthResults> = raw_values(part, "Authentication-Results")
        .map(parse_auth_results)
        .filter(|ar| ar.authserv_id.eq_ignore_ascii_case(trusted_id))
        .collect();
    let ours = match claims.as_slice() {
        [] => return Verification::Unknown,
        [ours] => ours,
        _ => return Verification::Failed,
    };
    if ours.results.iter().any(AuthResult::failed) {
        return Verification::Failed;
    }
    let Some(from_domain) = single_from_domain(part) else {
        return Verification::Unknown;
    };
    let same_domain = |d: &str| {
        d.trim_end_matches('.')
            .eq_ignore_ascii_case(from_domain.trim_end_matches('.'))
    };
    let mut dmarc = ours
        .results
        .iter()
        .filter(|r| r.method == "dmarc")
        .peekable();
    let dmarc_pass = dmarc.peek().is_some()
        && dmarc.all(|r| r.result == "pass" && r.prop("header.from").is_some_and(same_domain));
    if dmarc_pass && !reply_to_elsewhere(part) {
        Verification::Verified
    } else {
        Verification::Unknown
    }
}

/// The domain of the From address, when there is exactly one From field naming exactly one
/// address (the one that is sealed and written to).
fn single_from_domain(part: &MessagePart<'_>) -> Option<String> {
    let mut froms = values(part, "From");
    let (Some(from), None) = (froms.next(), froms.next()) else {
        return None;
    };
    let addrs = all_addresses(from);
    let [only] = addrs.as_slice() else {
        return None;
    };
    only.rsplit_once('@').map(|(_, d)| d.to_string())
}

/// Whether a `Reply-To` names any address other than the From address (compared without
/// case), or cannot be read.
fn reply_to_elsewhere(part: &MessagePart<'_>) -> bool {
    let from = first_address(first_value(part, "From"));
    values(part, "Reply-To").any(|v| {
        let addrs = all_addresses(v);
        (addrs.is_empty() && !v.is_empty())
            || addrs
                .iter()
                .any(|a| !from.as_deref().is_some_and(|f| f.eq_ignore_ascii_case(a)))
    })
}

#[cfg(test)]
mod tests;
