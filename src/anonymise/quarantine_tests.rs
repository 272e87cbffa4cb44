use super::*;
use crate::anonymise::Limits;

fn opts() -> Options {
    Options {
        remove_signature: true,
        limits: Limits::default(),
        contact_address: "help@line.example".into(),
        trusted_authserv_id: Some("mx.line.example".into()),
    }
}

fn read(raw: &[u8]) -> Readable {
    readable(raw, &opts())
}

#[track_caller]
fn assert_absent(text: &str, planted: &[&str]) {
    let lower = text.to_ascii_lowercase();
    for p in planted {
        assert!(
            !lower.contains(&p.to_ascii_lowercase()),
            "{p} is in:\n{text}"
        );
    }
}

const FIXTURE: &[u8] = include_bytes!("../../fixtures/clients/broken-quarantine.eml");

#[test]
fn the_text_of_a_message_with_too_many_parts_is_read_without_its_headers() {
    assert!(
        super::super::anonymise(FIXTURE, &opts()).is_err(),
        "still refused"
    );
    let r = read(FIXTURE);
    assert!(r.body.contains("PLANTBQBODYFIRST"), "{}", r.body);
    assert!(r.subject.contains("PLANTBQSUBJECT"), "{}", r.subject);
    assert_eq!(r.attachments.len(), 299);
    assert!(r.attachments.iter().all(|a| a.kind == AttachmentKind::Text));
    assert_absent(
        &format!("{}\n{}", r.subject, r.body),
        &[
            "plantbqfromaddr",
            "PLANTBQFROMNAME",
            "plantbqtoaddr",
            "plantbqccaddr",
            "plantbqbccaddr",
            "plantbqreplytoaddr",
            "plantbqmsgid",
            "PLANTBQXMAILER",
            "198.51.100.250",
            "203.0.113.187",
            "plantbqhelo",
            "PLANTBQLMTPID",
            "PLANTBQBND",
            "PLANTBQATTFILE",
            "PLANTBQATTDESC",
        ],
    );
    // The sender is read as the normal path reads it, for a reply (the From address, never
    // the Reply-To): never shown.
    assert_eq!(
        r.secrets.from_address.as_deref(),
        Some("plantbqfromaddr@plantbqdom.example")
    );
}

const NESTED: &str = "Received: from host.planted.example ([192.0.2.77])\r
From: =?UTF-8?B?UGxhbnRlZCBOYW1l?= <sender@planted.example>\r
Subject: the outer subject\r
Message-ID: <outer.id@planted.example>\r
Content-Type: multipart/mixed; boundary=\"b1\"\r
\r
This is a multi-part message in MIME format.\r
--b1\r
Content-Type: text/plain; charset=utf-8\r
\r
I am scared, my stepfather hits me.\r
Write to me at writer.private@planted.example please.\r
\r
On Mon, 3 Jun 2024 at 10:00, Attributed Name <attr@planted.example> wrote:\r
> an older message\r
\r
-- \r
Signature Line Planted\r
--b1\r
Content-Type: message/rfc822\r
\r
Received: from inner.planted.example ([198.51.100.9])\r
From: Inner Name <inner@planted.example>\r
Subject: the forwarded subject\r
DKIM-Signature: v=1; d=planted.example; s=sel; b=abc\r
\r
The forwarded text.\r
--b1\r
Content-Type: message/rfc822\r
Content-Transfer-Encoding: base64\r
\r
RnJvbTogRW5jb2RlZCBOYW1lIDxlbmNvZGVkQHBsYW50ZWQuZXhhbXBsZT4NClN1YmplY3Q6IGVu\r
Y29kZWQgc3ViamVjdA0KDQpUZXh0IG9mIHRoZSBlbmNvZGVkIG1lc3NhZ2UuDQo=\r
--b1\r
Content-Type: image/png; name=\"planted-file-name.png\"\r
Content-Transfer-Encoding: base64\r
\r
iVBORw0KGgo=\r
--b1--\r
";

#[test]
fn nested_messages_show_their_subject_and_text_never_their_headers() {
    let r = read(NESTED.as_bytes());
    for keep in [
        "I am scared, my stepfather hits me.",
        "the outer subject",
        "Subject: the forwarded subject",
        "The forwarded text.",
        "Subject: encoded subject",
        "Text of the encoded message.",
    ] {
        assert!(
            r.body.contains(keep) || r.subject.contains(keep),
            "{keep} lost:\n{}",
            r.body
        );
    }
    assert_absent(
        &r.body,
        &[
            "planted.example",
            "192.0.2.77",
            "198.51.100.9",
            "Planted Name",
            "Inner Name",
            "Encoded Name",
            "Attributed Name",
            "Signature Line Planted",
            "planted-file-name",
            "outer.id",
            "multi-part message in MIME",
        ],
    );
    assert!(r.body.contains("[redacted]"), "{}", r.body);
    assert_eq!(
        r.attachments,
        [FoundAttachment {
            kind: AttachmentKind::Png,
            size: 8
        }]
    );
}

#[test]
fn header_blocks_inside_text_keep_only_their_subject() {
    let raw = "Subject: s\n\nHere is what I received:\n\nReturn-Path: <dump@planted.example>\nReceived: from relay.planted.example (relay [203.0.113.8])\n\tby mx; Mon, 3 Jun 2024\nX-Originating-IP: [203.0.113.9]\nSubject: dumped subject\nUser-Agent: Planted/1.0\n\nPS: my own words stay.\nX-ray: my arm is broken.\n";
    let r = read(raw.as_bytes());
    assert!(r.body.contains("Subject: dumped subject"), "{}", r.body);
    assert!(r.body.contains("[header lines removed]"));
    assert!(r.body.contains("PS: my own words stay."));
    assert!(r.body.contains("X-ray: my arm is broken."));
    assert_absent(
        &r.body,
        &["planted.example", "203.0.113", "Planted/1.0", "by mx"],
    );
}

#[test]
fn an_alternative_is_read_once_and_html_alone_is_read_flat() {
    let raw = "Content-Type: multipart/alternative; boundary=a\n\n--a\nContent-Type: text/plain\n\nplain words\n--a\nContent-Type: text/html\n\n<p>html words</p>\n--a--\n";
    let r = read(raw.as_bytes());
    assert!(r.body.contains("plain words") && !r.body.contains("html words"));
    let html = "Content-Type: text/html\n\n<p>only <a href=\"https://t.example/?id=planted\">html</a></p><script>x()</script>";
    let r = read(html.as_bytes());
    assert_eq!(r.body, "only html");
}

#[test]
fn the_preamble_is_read_only_when_nothing_else_has_text() {
    let raw = "Content-Type: multipart/mixed; boundary=\"never-used\"\n\nMy words in the preamble.\n--other\nnot a part of anything known\n";
    let r = read(raw.as_bytes());
    assert!(r.body.contains("My words in the preamble."), "{}", r.body);
}

#[test]
fn a_message_without_headers_is_all_text() {
    let raw = "I have no headers at all.\nStill my words.\n";
    let r = read(raw.as_bytes());
    assert_eq!(r.body, "I have no headers at all.\nStill my words.");
    assert!(r.subject.is_empty() && r.secrets.from_address.is_none());
}

#[test]
fn nothing_panics_on_odd_shapes() {
    for raw in [
        &b""[..],
        b"\n\n\n",
        b"Content-Type: multipart/mixed; boundary=b\n\n--b\n--b\n--b--\n--b--",
        b"Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n!!!!",
        b"Content-Type: text/plain; charset=no-such-charset\n\n\xff\xfe words",
        b"From x Mon Jan  1 00:00:00 2024\nFrom: y@z.example\n\nmbox words",
    ] {
        let _ = read(raw);
    }
}

proptest::proptest! {
    #[test]
    fn any_input_is_read_without_panicking(lines in proptest::collection::vec(
        proptest::prop_oneof![
            proptest::string::string_regex("[A-Za-z-]{1,12}: [ -~]{0,30}").unwrap(),
            proptest::string::string_regex("--[a-z]{1,3}(--)?").unwrap(),
            proptest::string::string_regex("Content-Type: (multipart/(mixed|alternative|digest)|message/rfc822|text/(plain|html)); boundary=[a-z]{1,3}").unwrap(),
            proptest::string::string_regex("Content-Transfer-Encoding: (base64|quoted-printable)").unwrap(),
            proptest::string::string_regex("[ -~]{0,40}").unwrap(),
        ],
        0..60,
    )) {
        let raw = lines.join("\r\n");
        let r = read(raw.as_bytes());
        proptest::prop_assert!(r.body.len() <= raw.len() * 4 + 1024);
    }
}

/// Whether `f` at size 8N takes well under 64 times (what quadratic work would take) as long
/// as at size N: linear work takes about 8 times as long. Each timing is the best of three
/// runs, and the comparison is tried three times, so that a busy machine does not fail it;
/// quadratic work fails every try.
pub(crate) fn grows_linearly(what: &str, f: impl Fn(usize), n: usize) -> bool {
    let best = |size: usize| {
        (0..3)
            .map(|_| {
                let t = std::time::Instant::now();
                f(size);
                t.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min)
    };
    (0..3).any(|_| {
        let (t1, t8) = (best(n), best(8 * n));
        let ratio = t8 / t1.max(1e-6);
        eprintln!("{what}: {t1:.4}s at N, {t8:.4}s at 8N, ratio {ratio:.1}");
        ratio < 24.0
    })
}

#[test]
fn reading_grows_linearly_with_parts_and_lines() {
    let parts = |n: usize| {
        let mut m = String::from("Subject: s\nContent-Type: multipart/mixed; boundary=b\n\n");
        for i in 0..n {
            m.push_str(&format!(
                "--b\nContent-Type: text/plain\nContent-Disposition: attachment\n\npart {i}\n"
            ));
        }
        m.push_str("--b--\n");
        m
    };
    // Lines of prose, separator lines and blank runs: what the body rules search from.
    let text = |n: usize| {
        let mut m = String::from("Subject: s\n\n");
        for i in 0..n {
            m.push_str(&format!(
                "line {i} of my words, with a Name: in it\n--\n\n\n"
            ));
        }
        m
    };
    assert!(grows_linearly(
        "parts",
        |n| drop(read(parts(n).as_bytes())),
        4_000
    ));
    assert!(grows_linearly(
        "lines",
        |n| drop(read(text(n).as_bytes())),
        4_000
    ));
}

/// The manifest list `key` of a fixture (`planted`, `content`): the quoted tokens of its
/// lines, up to the closing bracket.
fn manifest_list(manifest: &str, key: &str) -> Vec<String> {
    let Some(rest) = manifest.split_once(&format!("\n{key} = [")) else {
        return Vec::new();
    };
    let list = rest.1.split_once(']').map_or(rest.1, |(l, _)| l);
    list.lines()
        .filter_map(|l| l.trim().strip_prefix('"')?.split('"').next())
        .map(str::to_string)
        .collect()
}

#[test]
fn the_text_of_every_fixture_keeps_its_words_and_none_of_its_planted_values() {
    // Including the signatures that only the HTML alternative marks (Outlook, Apple Mail):
    // no `-- ` line in the plain text.
    let mut checked = 0;
    for dir in ["clients", "attachments"] {
        let dir = format!("{}/fixtures/{dir}", env!("CARGO_MANIFEST_DIR"));
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let path = e.path();
            if path.extension().is_none_or(|x| x != "eml")
                || path.ends_with("broken-quarantine.eml")
            {
                // (That one's text is planted too: it is never ticketed.)
                continue;
            }
            let manifest = std::fs::read_to_string(path.with_extension("toml")).unwrap();
            let r = read(&std::fs::read(&path).unwrap());
            let shown = format!("{}\n{}", r.subject, r.body);
            let planted = manifest_list(&manifest, "planted");
            assert!(planted.len() >= 5, "{}: {planted:?}", path.display());
            let planted: Vec<&str> = planted.iter().map(String::as_str).collect();
            assert_absent(&shown, &planted);
            for word in manifest_list(&manifest, "content") {
                assert!(
                    shown.contains(&word),
                    "{}: {word} lost:\n{shown}",
                    path.display()
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 15, "{checked} fixtures");
}
