use super::*;
use std::time::{Duration, Instant};

fn opts() -> Options {
    Options {
        remove_signature: true,
        limits: Limits::default(),
        contact_address: "help@line.example".into(),
        trusted_authserv_id: Some("mx.line.example".into()),
    }
}

fn run(raw: &str) -> Anonymised {
    anonymise(raw.as_bytes(), &opts()).expect("anonymised")
}

#[test]
fn strict_base64_agrees_with_the_parsers_decoder() {
    use base64::Engine as _;
    for len in [0usize, 1, 2, 3, 57, 58, 1000, 4099] {
        let data: Vec<u8> = (0..len).map(|i| (i * 7 % 256) as u8).collect();
        let text = base64::engine::general_purpose::STANDARD.encode(&data);
        for eol in ["\r\n", "\n"] {
            let wrapped = text
                .as_bytes()
                .chunks(76)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect::<Vec<_>>()
                .join(eol)
                + eol;
            let fast = strict_base64(wrapped.as_bytes());
            assert_eq!(fast.as_deref(), Some(&data[..]), "{len} {eol:?}");
            assert_eq!(fast, parser_decoded(wrapped.as_bytes(), "base64", b""));
        }
    }
}

/// The line-by-line decoding `strict_base64` did before it decoded the joined lines at once.
fn strict_base64_by_line(encoded: &[u8]) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let engine = &base64::engine::general_purpose::STANDARD;
    let text = String::from_utf8_lossy(encoded).into_owned();
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut out = Vec::new();
    if lines
        .iter()
        .all(|l| l.len() % 4 == 0 && engine.decode_vec(l, &mut out).is_ok())
    {
        return Some(out);
    }
    engine.decode(lines.concat()).ok()
}

#[test]
fn strict_base64_by_windows_decodes_as_joined_at_once() {
    use base64::Engine as _;
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    // A photo's worth of lines, decoded through many windows.
    let data: Vec<u8> = (0..100_000u32).map(|i| (i * 31 % 251) as u8).collect();
    let text = base64::engine::general_purpose::STANDARD.encode(&data);
    let wrapped = text
        .as_bytes()
        .chunks(76)
        .collect::<Vec<_>>()
        .join(&b"\r\n"[..]);
    assert_eq!(strict_base64(&wrapped).as_deref(), Some(&data[..]));
    // Padding inside the first window of a line that goes on: refused, as joined at once.
    assert_eq!(strict_base64_windowed(b"QQ==QQ\nQQ", 4), None);
    assert_eq!(strict_base64_joined(b"QQ==QQ\nQQ"), None);
    // Padding, bad characters and odd lengths before a window's end or at it.
    let piece = prop::sample::select(vec![
        &b"QUJD"[..],
        b"Ag+/",
        b"QQ==",
        b"QUI=",
        b"QQ",
        b"=",
        b"\r\n",
        b"\n",
        b"*",
    ]);
    TestRunner::new(Config {
        cases: 5000,
        failure_persistence: None,
        ..Config::default()
    })
    .run(
        &(prop::collection::vec(piece, 0..16), 1usize..4),
        |(pieces, groups)| {
            let encoded = pieces.concat();
            prop_assert_eq!(
                strict_base64_windowed(&encoded, groups * 4),
                strict_base64_joined(&encoded)
            );
            Ok(())
        },
    )
    .unwrap();
}

#[test]
fn strict_base64_decodes_long_parts_as_the_scalar_decoder_does() {
    use base64::Engine as _;
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    // Long enough for the vector decoder, with one byte set anywhere to anything: a bad
    // character, padding or a line end inside the groups must be refused or kept as the
    // scalar decoder of the joined lines refuses or keeps it.
    TestRunner::new(Config {
        cases: 400,
        failure_persistence: None,
        ..Config::default()
    })
    .run(
        &(
            prop::collection::vec(any::<u8>(), 0..3000),
            any::<prop::sample::Index>(),
            prop::sample::select(b"A/+=*\r\n\x80 -".to_vec()),
            any::<bool>(),
        ),
        |(data, at, byte, corrupt)| {
            let text = base64::engine::general_purpose::STANDARD.encode(&data);
            let mut wrapped = text
                .as_bytes()
                .chunks(76)
                .collect::<Vec<_>>()
                .join(&b"\r\n"[..]);
            if corrupt && !wrapped.is_empty() {
                let i = at.index(wrapped.len());
                wrapped[i] = byte;
            } else {
                prop_assert_eq!(strict_base64(&wrapped), Some(data));
            }
            prop_assert_eq!(
                strict_base64_windowed(&wrapped, 64),
                strict_base64_joined(&wrapped)
            );
            prop_assert_eq!(strict_base64(&wrapped), strict_base64_joined(&wrapped));
            Ok(())
        },
    )
    .unwrap();
}

#[test]
fn strict_base64_joined_decodes_as_line_by_line() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    // Padding at the end of a line before the last: line by line only.
    assert_eq!(
        strict_base64(b"QQ==\r\nQg==\r\n").as_deref(),
        Some(&b"AB"[..])
    );
    assert_eq!(strict_base64(b"QQ==QQ=="), None);
    let byte = prop::sample::select(b"QUJDRAgw+/==\r\n\n*".to_vec());
    TestRunner::new(Config {
        cases: 3000,
        failure_persistence: None,
        ..Config::default()
    })
    .run(&prop::collection::vec(byte, 0..40), |encoded| {
        prop_assert_eq!(strict_base64(&encoded), strict_base64_by_line(&encoded));
        Ok(())
    })
    .unwrap();
}

#[test]
fn quoted_printable_decodes_as_the_parser_does() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    for sample in [
        &b"caf=C3=A9 cr=C3=A8me  \r\nsoft=\r\nbreak=  \nend"[..],
        b"a=\nb\n\n  \t\n=3d=3D=zz=4=\r\n",
        b"==",
        b"x=A\ny",
        b"",
    ] {
        assert_eq!(
            quoted_printable(sample),
            parser_decoded(sample, "quoted-printable", b""),
            "{:?}",
            String::from_utf8_lossy(sample)
        );
    }
    // Random text made of what matters to the decoder: `=`, hex digits (and the bytes
    // around them), white space, line ends, ordinary and 8-bit bytes.
    let byte = prop::sample::select(b"==\r\n\n \t\x0cAFaf09_`gGx-\xc3\xa9".to_vec());
    TestRunner::new(Config {
        cases: 3000,
        failure_persistence: None,
        ..Config::default()
    })
    .run(&prop::collection::vec(byte, 0..80), |encoded| {
        prop_assert_eq!(
            quoted_printable(&encoded),
            parser_decoded(&encoded, "quoted-printable", b"")
        );
        Ok(())
    })
    .unwrap();
}

#[test]
fn strict_base64_leaves_loose_base64_to_the_parser() {
    // No padding, a space inside, padding in the middle, junk, non-canonical last bits:
    // the parser's own decoder takes these (or refuses them).
    for loose in [
        &b"QUJDRA"[..],
        b"QUJD RA==",
        b"QQ==QQ==",
        b"QUJ*RA==",
        b"QUJDRB==",
    ] {
        assert_eq!(
            strict_base64(loose),
            None,
            "{:?}",
            String::from_utf8_lossy(loose)
        );
    }
    let mail = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\nQm9uam91ciBsZSBtb25kZQ\r\n--b--\r\n";
    let m = headers::parser().parse(mail.as_bytes()).unwrap();
    let part = &m.parts[2];
    let body = decoded_body(mail.as_bytes(), part, b"b");
    assert!(
        body.starts_with(b"Bonjour le mond"),
        "unpadded base64 still decodes"
    );
    assert_eq!(
        Some(body),
        parser_decoded(b"Qm9uam91ciBsZSBtb25kZQ\r\n", "base64", b"")
    );
}

/// Runs `f` on a thread with a 2 MiB stack, failing if it takes longer than `secs`.
fn on_small_stack<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let start = Instant::now();
    let out = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .expect("no panic, no stack overflow");
    assert!(
        start.elapsed() < Duration::from_secs(secs),
        "took {:?}",
        start.elapsed()
    );
    out
}

const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

fn b64(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (b as u32) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn plain_message_end_to_end() {
    let a = run(concat!(
        "From: \"Jane Doe\" <Jane@Example.ORG>\r\n",
        "Reply-To: <reply@Example.org>\r\n",
        "To: help+tok123@line.example\r\n",
        "Message-ID: <m1@example.org>\r\n",
        "In-Reply-To: <ours1@line.example>\r\n",
        "References: <ours0@line.example> <ours1@line.example>\r\n",
        "Subject: =?utf-8?q?Besoin_d=27aide?=\r\n",
        "Date: Mon, 3 Jun 2024 12:00:00 +0200\r\n",
        "\r\n",
        "Bonjour, je ne sais pas à qui parler. Depuis des mois je me sens seule et\r\n",
        "j'ai peur de le dire à ma famille.   \r\n",
        "-- \r\n",
        "Jane Doe, 0470 11 22 33\r\n",
    ));
    assert_eq!(a.subject, "Besoin d'aide");
    assert_eq!(a.date_utc, Some(1_717_408_800));
    assert_eq!(a.language, Language::Fr);
    assert!(
        a.body.starts_with("Bonjour") && a.body.ends_with("famille."),
        "{:?}",
        a.body
    );
    assert!(!a.body.contains("0470") && !a.body.contains('\r'));
    assert_eq!(a.secrets.from_address.as_deref(), Some("Jane@example.org"));
    assert_eq!(a.secrets.message_id.as_deref(), Some("m1@example.org"));
    assert_eq!(
        a.secrets.references,
        vec!["ours1@line.example", "ours0@line.example"]
    );
    assert_eq!(
        a.secrets.ancestry,
        vec!["ours0@line.example", "ours1@line.example"]
    );
    // The Reply-To is read only to withhold verification; it is no secret of the ticket.
    assert!(!format!("{:?}", a.secrets).contains("reply@"));
    assert_eq!(a.secrets.recipient_tokens, vec!["tok123"]);
    assert!(a.attachments.is_empty());
    assert!(!a.signals.suppresses_auto_reply());
}

#[test]
fn alternative_prefers_plain_text() {
    let a = run(concat!(
        "From: a@b.example\nSubject: alt\nContent-Type: multipart/alternative; boundary=AB\n\n",
        "--AB\nContent-Type: text/plain; charset=utf-8\n\nplain version\n",
        "--AB\nContent-Type: text/html; charset=utf-8\n\n<p>html version</p>\n",
        "--AB--\n",
    ));
    assert_eq!(a.body, "plain version");
}

#[test]
fn html_only_message_is_sanitised_text() {
    let a = run(concat!(
        "From: a@b.example\nSubject: html\nContent-Type: text/html; charset=utf-8\n",
        "Content-Transfer-Encoding: quoted-printable\n\n",
        "<html><head><style>p{background:url(https://t.example/x)}</style></head><body>",
        "<p>Hello <b>there</b></p><img src=3D\"https://t.example/pixel\"><script>x()</script>",
        "<div class=3D\"gmail_signature\">Jane 0470</div></body></html>\n",
    ));
    assert!(a.body.contains("Hello there"), "{:?}", a.body);
    for leak in ["t.example", "pixel", "x()", "0470", "Jane", "<"] {
        assert!(!a.body.contains(leak), "{leak}: {:?}", a.body);
    }
}

#[test]
fn several_text_parts_are_concatenated_in_order() {
    let a = run(concat!(
        "From: a@b.example\nSubject: mixed\nContent-Type: multipart/mixed; boundary=MX\n\n",
        "--MX\nContent-Type: text/plain\n\nfirst part\n",
        "--MX\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\n",
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ\n",
        "--MX\nContent-Type: text/plain\n\nsecond part\n",
        "--MX--\n",
    ));
    assert_eq!(a.body, "first part\n\nsecond part");
    assert_eq!(a.attachments.len(), 1);
    assert_eq!(a.attachments[0].kind, AttachmentKind::Png);
}

#[test]
fn attachments_are_sniffed_never_named() {
    let raw = format!(
        concat!(
            "From: a@b.example\nSubject: files\nContent-Type: multipart/mixed; boundary=MX\n\n",
            "--MX\nContent-Type: text/plain\n\nsee files\n",
            "--MX\nContent-Type: application/octet-stream; name=\"secret-name.pdf\"\n",
            "Content-Disposition: attachment; filename=\"secret-name.pdf\"\n",
            "Content-Transfer-Encoding: base64\n\n{png}\n",
            "--MX\nContent-Type: text/plain; name=notes.txt\nContent-Disposition: attachment; filename=notes.txt\n\n",
            "my notes\n",
            "--MX\nContent-Type: text/x-vcard\n\nBEGIN:VCARD\nFN:Jane\nEND:VCARD\n",
            "--MX\nContent-Type: application/pgp-signature\n\n-----BEGIN PGP SIGNATURE-----\n\niQ\n-----END PGP SIGNATURE-----\n",
            "--MX--\n",
        ),
        png = b64(PNG)
    );
    let a = run(&raw);
    assert_eq!(a.body, "see files");
    let kinds: Vec<AttachmentKind> = a.attachments.iter().map(|x| x.kind).collect();
    assert_eq!(
        kinds,
        vec![
            AttachmentKind::Png,
            AttachmentKind::Text,
            AttachmentKind::VCard
        ]
    );
    assert_eq!(a.attachments[0].size, PNG.len() as u64);
    assert_eq!(
        a.attachments[0].content,
        AttachmentContent::NeedsCleaning(PNG.to_vec())
    );
    assert_eq!(
        a.attachments[1].content,
        AttachmentContent::Kept(b"my notes".to_vec())
    );
    assert_eq!(
        a.attachments[2].content,
        AttachmentContent::Withheld(WithheldReason::CarriesIdentity)
    );
    assert!(!format!("{:?}", a.attachments).contains("secret-name"));
}

#[test]
fn inline_images_of_related_html_are_attachments() {
    let raw = format!(
        concat!(
            "From: a@b.example\nSubject: rel\nContent-Type: multipart/related; boundary=RL\n\n",
            "--RL\nContent-Type: text/html\n\n<p>look <img src=\"cid:img1\"></p>\n",
            "--RL\nContent-Type: image/png\nContent-ID: <img1>\nContent-Transfer-Encoding: base64\n\n{}\n",
            "--RL--\n",
        ),
        b64(PNG)
    );
    let a = run(&raw);
    assert_eq!(a.body, "look");
    assert_eq!(a.attachments.len(), 1);
    assert_eq!(a.attachments[0].kind, AttachmentKind::Png);
}

#[test]
fn nested_message_becomes_a_forwarded_section() {
    let a = run(&format!(
        concat!(
            "From: a@b.example\nSubject: fwd\nContent-Type: multipart/mixed; boundary=MX\n\n",
            "--MX\nContent-Type: text/plain\n\nsee below\n",
            "--MX\nContent-Type: message/rfc822\n\n",
            "From: Nested Person <nested@person.example>\nTo: someone@else.example\n",
            "Date: Tue, 4 Jun 2024 09:00:00 -0500\nSubject: inner subject\n",
            "Content-Type: multipart/mixed; boundary=IN\n\n",
            "--IN\nContent-Type: text/plain\n\ninner text\n",
            "--IN\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\n{}\n",
            "--IN--\n",
            "--MX--\n",
        ),
        b64(PNG)
    ));
    assert!(a.body.starts_with("see below"));
    assert!(
        a.body.contains("Subject: inner subject") && a.body.contains("inner text"),
        "{:?}",
        a.body
    );
    for leak in ["Nested", "nested@", "someone@", "2024", "-0500"] {
        assert!(!a.body.contains(leak), "{leak}");
    }
    assert_eq!(a.subject, "fwd");
    assert_eq!(
        a.attachments.iter().map(|x| x.kind).collect::<Vec<_>>(),
        vec![AttachmentKind::Png]
    );
}

#[test]
fn base64_nested_message_is_decoded_and_checked() {
    let inner = "From: Inner <inner@x.example>\nSubject: encoded inner\n\nencoded text\n";
    let a = run(&format!(
        "From: a@b.example\nSubject: fwd\nContent-Type: multipart/mixed; boundary=MX\n\n--MX\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n{}\n--MX--\n",
        b64(inner.as_bytes())
    ));
    assert!(
        a.body.contains("encoded inner") && a.body.contains("encoded text"),
        "{:?}",
        a.body
    );
    assert!(!a.body.contains("inner@"));
    // Hidden structure inside the encoding is held to the same limits.
    let mut deep = String::new();
    for _ in 0..10_000 {
        deep.push_str("Content-Type: message/rfc822\n\n");
    }
    deep.push_str("Subject: x\n\ny\n");
    let raw = format!(
        "From: a@b.example\nSubject: fwd\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n{}\n",
        b64(deep.as_bytes())
    );
    let r = on_small_stack(30, move || anonymise(raw.as_bytes(), &opts()).map(|_| ()));
    assert_eq!(r, Err(Rejection::TooManyParts { limit: 256 }));
}

#[test]
fn parts_of_encoded_nested_messages_count_towards_the_limit() {
    let mut inner = String::from("Subject: i\nContent-Type: multipart/mixed; boundary=p\n\n");
    for _ in 0..100 {
        inner.push_str("--p\n\nx\n");
    }
    inner.push_str("--p--\n");
    let part = format!(
        "--MX\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n{}\n",
        b64(inner.as_bytes())
    );
    let one = format!(
        "From: a@b.example\nSubject: s\nContent-Type: multipart/mixed; boundary=MX\n\n{part}--MX--\n"
    );
    assert!(anonymise(one.as_bytes(), &opts()).is_ok());
    let three = format!(
        "From: a@b.example\nSubject: s\nContent-Type: multipart/mixed; boundary=MX\n\n{part}{part}{part}--MX--\n"
    );
    assert_eq!(
        anonymise(three.as_bytes(), &opts()).unwrap_err(),
        Rejection::TooManyParts { limit: 256 }
    );
}

#[test]
fn parts_after_an_encoded_message_are_kept() {
    let inner = "From: i@x.example\nSubject: first\n\nfirst text\n";
    let a = run(&format!(
        concat!(
            "From: a@b.example\nSubject: s\nContent-Type: multipart/mixed; boundary=MX\n\n",
            "--MX\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n{}\n",
            "--MX\nContent-Type: text/plain\n\nafter text\n--MX--\n"
        ),
        b64(inner.as_bytes())
    ));
    assert!(
        a.body.contains("first text") && a.body.ends_with("after text"),
        "{:?}",
        a.body
    );
}

#[test]
fn digest_children_are_messages() {
    let a = run(concat!(
        "From: a@b.example\nSubject: digest\nContent-Type: multipart/digest; boundary=DG\n\n",
        "--DG\n\nFrom: one@x.example\nSubject: one\n\nfirst\n",
        "--DG\n\nFrom: two@x.example\nSubject: two\n\nsecond\n",
        "--DG--\n",
    ));
    assert!(
        a.body.contains("Subject: one") && a.body.contains("second"),
        "{:?}",
        a.body
    );
    assert!(!a.body.contains("one@") && !a.body.contains("two@"));
}

#[test]
fn delivery_report_is_a_bounce_without_addresses() {
    let a = run(concat!(
        "From: MAILER-DAEMON@mx.example\nSubject: Undelivered Mail Returned to Sender\n",
        "Auto-Submitted: auto-replied\n",
        "Content-Type: multipart/report; report-type=delivery-status; boundary=RP\n\n",
        "--RP\nContent-Type: text/plain\n\nI'm sorry to have to inform you that your message could not\n",
        "be delivered to <writer@their.example>.\n",
        "--RP\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example\n\n",
        "Final-Recipient: rfc822; writer@their.example\nAction: failed\n",
        "--RP\nContent-Type: message/rfc822\n\nFrom: help@line.example\nTo: writer@their.example\n",
        "Message-ID: <ours.42@line.example>\nSubject: Re: hello\n\nour reply text\n",
        "--RP--\n",
    ));
    assert!(a.signals.is_bounce && a.signals.daemon_sender && a.signals.suppresses_auto_reply());
    assert_eq!(
        a.signals.bounced_message_id.as_deref(),
        Some("ours.42@line.example")
    );
    assert!(
        a.body.contains("could not") && a.body.contains("[redacted]"),
        "{:?}",
        a.body
    );
    for leak in ["writer@", "Final-Recipient", "our reply text"] {
        assert!(!a.body.contains(leak), "{leak}");
    }
    assert!(a.attachments.is_empty());
}

#[test]
fn returned_headers_give_the_bounced_id() {
    let a = run(concat!(
        "From: postmaster@mx.example\nSubject: failure\n",
        "Content-Type: multipart/report; report-type=\"Delivery-Status\"; boundary=RP\n\n",
        "--RP\nContent-Type: text/plain\n\nfailed\n",
        "--RP\nContent-Type: message/delivery-status\n\nAction: failed\n",
        "--RP\nContent-Type: text/rfc822-headers\n\nMessage-ID: <ours.7@line.example>\nTo: w@x.example\n",
        "--RP--\n",
    ));
    assert!(a.signals.is_bounce);
    assert_eq!(
        a.signals.bounced_message_id.as_deref(),
        Some("ours.7@line.example")
    );
}

#[test]
fn a_report_that_is_not_a_bounce_still_hides_its_status_fields() {
    let a = run(concat!(
        "From: j@x.example\nSubject: Read: hi\n",
        "Content-Type: multipart/report; report-type=disposition-notification; boundary=RP\n\n",
        "--RP\nContent-Type: text/plain\n\nYour message was read by j@x.example\n",
        "--RP\nContent-Type: message/disposition-notification\n\nFinal-Recipient: rfc822; j@x.example\n",
        "--RP--\n",
    ));
    assert!(!a.signals.is_bounce && a.signals.bounced_message_id.is_none());
    assert!(
        !a.body.contains("j@x") && a.attachments.is_empty(),
        "{:?}",
        a.body
    );
}

#[test]
fn signed_and_encrypted_parts() {
    let a = run(concat!(
        "From: a@b.example\nSubject: signed\n",
        "Content-Type: multipart/signed; protocol=\"application/pgp-signature\"; boundary=SG\n\n",
        "--SG\nContent-Type: text/plain\n\nsigned text\n",
        "--SG\nContent-Type: application/pgp-signature\n\n-----BEGIN PGP SIGNATURE-----\n\niQ\n-----END PGP SIGNATURE-----\n",
        "--SG--\n",
    ));
    assert_eq!(a.body, "signed text");
    assert!(a.attachments.is_empty());
    let a = run(concat!(
        "From: a@b.example\nSubject: enc\n",
        "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=EN\n\n",
        "--EN\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n",
        "--EN\nContent-Type: application/octet-stream\n\n-----BEGIN PGP MESSAGE-----\n\nhQ\n-----END PGP MESSAGE-----\n",
        "--EN--\n",
    ));
    assert_eq!(a.attachments.len(), 1);
    assert_eq!(a.attachments[0].kind, AttachmentKind::PgpEncrypted);
    assert_eq!(
        a.attachments[0].content,
        AttachmentContent::Withheld(WithheldReason::Encrypted)
    );
}

#[test]
fn rejections() {
    let o = opts();
    assert_eq!(anonymise(b"", &o).unwrap_err(), Rejection::Empty);
    assert_eq!(anonymise(b"  \r\n\t ", &o).unwrap_err(), Rejection::Empty);
    assert_eq!(anonymise(b":::", &o).unwrap_err(), Rejection::Unparseable);
    assert_eq!(
        anonymise(b"\x00\x01\x02 no header here", &o).unwrap_err(),
        Rejection::NoHeaders
    );
    assert_eq!(
        anonymise(b"\nbody without headers", &o).unwrap_err(),
        Rejection::NoHeaders
    );
    assert_eq!(
        anonymise(b"X-Unknown: 1\n\nbody", &o).unwrap_err(),
        Rejection::NoHeaders
    );
    let small = Options {
        limits: Limits {
            max_message_bytes: 250,
            max_depth: 2,
            ..Limits::default()
        },
        ..opts()
    };
    let big = format!("Subject: x\n\n{}", "y".repeat(300));
    assert_eq!(
        anonymise(big.as_bytes(), &small).unwrap_err(),
        Rejection::TooLarge { limit: 250 }
    );
    let deep = concat!(
        "Subject: x\nContent-Type: multipart/mixed; boundary=A\n\n--A\n",
        "Content-Type: multipart/mixed; boundary=B\n\n--B\n",
        "Content-Type: multipart/mixed; boundary=C\n\n--C\n\ntext\n--C--\n--B--\n--A--\n"
    );
    assert_eq!(
        anonymise(deep.as_bytes(), &small).unwrap_err(),
        Rejection::TooDeep { limit: 2 }
    );
    let shallow = Options {
        limits: Limits {
            max_depth: 3,
            ..small.limits.clone()
        },
        ..opts()
    };
    assert_eq!(anonymise(deep.as_bytes(), &shallow).unwrap().body, "text");
}

#[test]
fn part_header_blocks_are_limited_after_parsing() {
    let o = Options {
        limits: Limits {
            max_header_bytes: 200,
            ..Limits::default()
        },
        ..opts()
    };
    let raw = format!(
        "Subject: x\nContent-Type: multipart/mixed; boundary=A\n\n--A\nX-Filler: {}\n\ntext\n--A--\n",
        "f".repeat(300)
    );
    assert_eq!(
        anonymise(raw.as_bytes(), &o).unwrap_err(),
        Rejection::HeaderTooLarge { limit: 200 }
    );
}

#[test]
fn hostile_nested_multiparts() {
    let mut raw = String::from("Subject: x\n");
    for i in 0..10_000 {
        raw.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=b{i}\n\n--b{i}\n"
        ));
    }
    raw.push_str("\ntext\n");
    let r = on_small_stack(30, move || anonymise(raw.as_bytes(), &opts()).map(|_| ()));
    assert_eq!(r, Err(Rejection::TooManyParts { limit: 256 }));
    // Even with the part limit lifted, the parse stays iterative and the depth check holds
    // (3,000 levels: under the boundary-scanning budget, so the parser really runs).
    let mut raw = String::from("Subject: x\n");
    for i in 0..3_000 {
        raw.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=b{i}\n\n--b{i}\n"
        ));
    }
    raw.push_str("\ntext\n");
    let lifted = Options {
        limits: Limits {
            max_parts: 1_000_000,
            ..Limits::default()
        },
        ..opts()
    };
    let r = on_small_stack(60, move || anonymise(raw.as_bytes(), &lifted).map(|_| ()));
    assert_eq!(r, Err(Rejection::TooDeep { limit: 16 }));
}

#[test]
fn hostile_nested_messages() {
    let mut raw = String::from("Subject: x\n");
    for _ in 0..10_000 {
        raw.push_str("Content-Type: message/rfc822\n\nSubject: y\n");
    }
    raw.push_str("\ntext\n");
    let r1 = raw.clone();
    let r = on_small_stack(30, move || anonymise(r1.as_bytes(), &opts()).map(|_| ()));
    assert_eq!(r, Err(Rejection::TooManyParts { limit: 256 }));
    let lifted = Options {
        limits: Limits {
            max_parts: 1_000_000,
            ..Limits::default()
        },
        ..opts()
    };
    let r = on_small_stack(30, move || anonymise(raw.as_bytes(), &lifted).map(|_| ()));
    assert_eq!(r, Err(Rejection::TooDeep { limit: 16 }));
}

#[test]
fn hostile_many_parts() {
    let mut raw = String::from("Subject: x\nContent-Type: multipart/mixed; boundary=p\n\n");
    for _ in 0..100_000 {
        raw.push_str("--p\n\nx\n");
    }
    raw.push_str("--p--\n");
    let r = on_small_stack(30, move || anonymise(raw.as_bytes(), &opts()).map(|_| ()));
    assert_eq!(r, Err(Rejection::TooManyParts { limit: 256 }));
}

#[test]
fn hostile_huge_header_line() {
    let mut raw = String::from("Subject: ");
    raw.push_str(&"A".repeat(10 << 20));
    raw.push_str("\n\nbody\n");
    let r = on_small_stack(30, move || anonymise(raw.as_bytes(), &opts()).map(|_| ()));
    assert_eq!(r, Err(Rejection::HeaderTooLarge { limit: 256 * 1024 }));
}

#[test]
fn hostile_boundary_scanning_is_budgeted() {
    // Multiparts whose boundaries never appear would each make the parser scan to the end.
    let mut raw = String::from("Subject: x\nContent-Type: multipart/mixed; boundary=top\n\n");
    for i in 0..100 {
        raw.push_str(&format!(
            "--top\nContent-Type: multipart/mixed; boundary=never{i}\n\n"
        ));
    }
    raw.push_str(&"z".repeat(11 << 20));
    let r = on_small_stack(30, move || anonymise(raw.as_bytes(), &opts()).map(|_| ()));
    assert_eq!(r, Err(Rejection::TooManyParts { limit: 256 }));
}

#[test]
fn hostile_binary_garbage() {
    // A deterministic pseudo-random byte stream, sprinkled with MIME-looking fragments.
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut raw = Vec::with_capacity(2 << 20);
    while raw.len() < 2 << 20 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        match state % 50 {
            0 => raw.extend_from_slice(b"\nContent-Type: multipart/mixed; boundary=g\n\n--g\n"),
            1 => raw.extend_from_slice(
                b"\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n",
            ),
            2 => raw.extend_from_slice(b"\n--g--\n"),
            _ => raw.extend_from_slice(&state.to_le_bytes()),
        }
    }
    let mut with_header = b"Subject: garbage\n".to_vec();
    with_header.extend_from_slice(&raw);
    for input in [raw, with_header] {
        // Any outcome is fine as long as it is prompt and does not panic.
        let _ = on_small_stack(60, move || anonymise(&input, &opts()).map(|a| a.body.len()));
    }
}

#[test]
fn parser_does_not_decode_bodies() {
    // Relied on by the pre-scan: mail-parser must not decode (and so never parse a base64
    // message/rfc822 by itself). If an upgrade changes this, this test fails.
    let raw = b"Subject: x\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\nU3ViamVjdDogaQoKYgo=\n";
    let m = headers::parser().parse(&raw[..]).unwrap();
    assert!(
        m.parts
            .iter()
            .all(|p| p.encoding == mail_parser::Encoding::None)
    );
    assert!(
        !m.parts.iter().any(
            |p| matches!(&p.body, PartType::Message(n) if headers::subject(&n.parts[0]) == "i")
        )
    );
}

mod leaks {
    use super::*;
    use proptest::prelude::*;

    /// A message carrying `t[i]` tokens in every place that must not reach the output.
    fn hostile_message(t: &[String]) -> String {
        format!(
            concat!(
                "Received: from {0} by mx.line.example\n",
                "DKIM-Signature: v=1; d={1}.example; b={1}\n",
                "ARC-Seal: i=1; d={1}.example\n",
                "User-Agent: {2}\n",
                "X-Mailer: {2}\n",
                "X-Originating-IP: [{3}]\n",
                "Message-ID: <{4}@example.org>\n",
                "From: \"{5} Doe\" <{5}@example.org>\n",
                "Sender: {6}@example.org\n",
                "Cc: \"{6} Friend\" <{6}@example.org>\n",
                "Bcc: {6}b@example.org\n",
                "Reply-To: \"{7}\" <{7}@example.org>\n",
                "To: \"{7} Help\" <help@line.example>\n",
                "Content-Language: {8}\n",
                "Organization: {8}\n",
                "Autocrypt: addr={9}@example.org; keydata={9}\n",
                "Authentication-Results: mx.line.example; dkim=pass header.d={9}.example header.b={9}\n",
                "Thread-Topic: {10}\n",
                "Date: Mon, 3 Jun 2024 12:00:00 +0200\n",
                "Subject: plain subject\n",
                "MIME-Version: 1.0 ({11})\n",
                "Content-Type: multipart/mixed; boundary=\"{12}\"\n",
                "\n",
                "preamble {13}\n",
                "--{12}\n",
                "Content-Type: text/plain; charset=utf-8; x-param={13}\n",
                "Content-Description: {14}\n",
                "Content-Language: {14}\n",
                "X-Part: {14}\n",
                "\n",
                "Body text without secrets.\n",
                "--{12}\n",
                "Content-Type: text/plain; name=\"{15}.txt\"\n",
                "Content-Disposition: attachment; filename=\"{15}.txt\"; size=3\n",
                "Content-ID: <{15}@example.org>\n",
                "Content-Location: {15}\n",
                "\n",
                "attached text\n",
                "--{12}\n",
                "Content-Type: message/rfc822; name=\"{16}.eml\"\n",
                "Content-Description: {16}\n",
                "\n",
                "From: \"{17} Nested\" <{17}@example.org>\n",
                "To: {17}t@example.org\n",
                "Cc: {17}c@example.org\n",
                "Message-ID: <{17}m@example.org>\n",
                "Date: Sun, 2 Jun 2024 08:00:00 -0700\n",
                "X-Mailer: {18}\n",
                "Received: from {18}\n",
                "Subject: nested subject\n",
                "\n",
                "Nested text without secrets.\n",
                "--{12}--\n",
                "epilogue {19}\n",
            ),
            t[0],
            t[1],
            t[2],
            t[3],
            t[4],
            t[5],
            t[6],
            t[7],
            t[8],
            t[9],
            t[10],
            t[11],
            t[12],
            t[13],
            t[14],
            t[15],
            t[16],
            t[17],
            t[18],
            t[19],
        )
    }

    fn check(t: &[String]) {
        let a = anonymise(hostile_message(t).as_bytes(), &opts()).expect("anonymised");
        let attachments = format!("{:?}", a.attachments);
        let signals = format!("{:?}", a.signals);
        for token in t {
            let lower = token.to_lowercase();
            for (place, text) in [
                ("subject", &a.subject),
                ("body", &a.body),
                ("attachments", &attachments),
                ("signals", &signals),
            ] {
                assert!(
                    !text.to_lowercase().contains(&lower),
                    "{token} reached {place}: {text}"
                );
            }
        }
        // The message was really processed.
        assert!(
            a.body.contains("Body text without secrets.")
                && a.body.contains("Nested text without secrets.")
        );
        assert!(a.body.contains("nested subject"));
        assert_eq!(a.attachments.len(), 1);
        assert_eq!(
            a.attachments[0].content,
            AttachmentContent::Kept(b"attached text".to_vec())
        );
        assert_eq!(a.date_utc, Some(1_717_408_800));
    }

    #[test]
    fn no_unlisted_header_reaches_output() {
        let t: Vec<String> = (0..20)
            .map(|i| format!("tok{i}zq{}", 7919 * (i + 3)))
            .collect();
        check(&t);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn no_unlisted_header_reaches_output_random(tokens in proptest::collection::hash_set("[a-z]{4}[0-9]{4}[a-z]{4}", 20)) {
            let t: Vec<String> = tokens.into_iter().collect();
            check(&t);
        }
    }
}

#[test]
fn has_text_answers_as_the_decoded_body_would() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    let piece = prop::sample::select(vec![
        " ", "\t", "\r\n", "\n", "=20", "=09", "=0D=0A", "=\r\n", "=", "==", "=3D", "=4", "a", "-",
        "--b", "\u{e9}", "\x0c",
    ]);
    let cte = prop::sample::select(vec!["quoted-printable", "7bit", "8bit", "base64", ""]);
    TestRunner::new(Config {
        cases: 4000,
        failure_persistence: None,
        ..Config::default()
    })
    .run(
        &(prop::collection::vec(piece, 0..8), cte),
        |(pieces, cte)| {
            let raw = format!(
                "Content-Type: multipart/alternative; boundary=\"b\"\r\n\r\n--b\r\n\
                 Content-Type: text/plain\r\nContent-Transfer-Encoding: {cte}\r\n\r\n\
                 {}\r\n--b--\r\n",
                pieces.concat()
            );
            let msg = headers::parser().parse(raw.as_bytes()).expect("parsed");
            let part = &msg.parts[1];
            let decoded = !decoded_body(raw.as_bytes(), part, b"")
                .iter()
                .all(u8::is_ascii_whitespace);
            prop_assert_eq!(has_text(raw.as_bytes(), part), decoded, "{:?}", raw);
            Ok(())
        },
    )
    .unwrap();
}
