use super::*;
use base64::Engine as _;
use mail_parser::MimeHeaders as _;

/// Every planted identifier (compared case-insensitively, also in the decoded nested
/// message): the export must hold none of them.
const PLANTED: &[&str] = &[
    "plantmboxaddr",
    "planthopone",
    "192.0.2.201",
    "2001:db8:77::1",
    "planthoptwo",
    "PLANTQUEUEID",
    "plantfromaddr",
    "plantfromdom",
    "PLANTFROMNAME",
    "PLANTFROMCOMMENT",
    "planttoaddr",
    "PLANTTONAME",
    "plantccaddr",
    "plantreplyaddr",
    "plantmsgid",
    "plantrefid",
    "PLANTDKIMSEL",
    "PLANTDKIMSIG",
    "PLANTARCSIG",
    "PLANTARSENDER",
    "198.51.100.202",
    "PLANTMAILER",
    "PLANTAGENT",
    "PLANTBOUNDARY",
    "PLANTCTCOMMENT",
    "PLANTFILENAME",
    "PLANTFILENAMETWO",
    "PLANTDESCRIPTION",
    "plantcid",
    "PLANTSUBJECT",
    "plantinnerfrom",
    "PLANTINNERNAME",
    "203.0.113.203",
    "plantinnerhost",
    "plantinnermsgid",
    "plantencodedfrom",
    "PLANTENCODEDNAME",
    "plantencodedhost",
    "203.0.113.204",
    "plantdumpaddr",
    "plantdumphost",
    "plantdsnaddr",
    "plantdsnhost",
    "PLANTSTRAYLINE",
    "plantstrayaddr",
];

/// Body text that must stay (compared case-sensitively).
const KEPT: &[&str] = &["KEEPBODYTEXT", "KEEPINNERBODY", "S0VFUEJBU0U2NA=="];

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

fn sample() -> String {
    let encoded_inner = b64(
        "Received: from plantencodedhost.example ([203.0.113.204])\r\nFrom: \"PLANTENCODEDNAME\" <plantencodedfrom@example.org>\r\nSubject: hi\r\n\r\nKEEPENCODEDBODY\r\n",
    );
    let name_word = format!("=?UTF-8?B?{}?=", b64("PLANTFROMNAME"));
    let to_word = format!("=?iso-8859-1?Q?{}?=", "PLANTTONAME");
    format!(
        "From plantmboxaddr@example.org Mon Jun  3 11:16:40 2024\r
Return-Path: <plantfromaddr@plantfromdom.example>\r
Received: from planthopone.example (planthopone.example [192.0.2.201])\r
\tby planthoptwo.example (Postfix) with ESMTPS id PLANTQUEUEID\r
\tfor <contact@helpline.example>; Mon,  3 Jun 2024 11:16:43 +0200 (CEST)\r
Received: from [IPv6:2001:db8:77::1] by planthoptwo.example\r
DKIM-Signature: v=1; a=rsa-sha256; d=plantfromdom.example; s=PLANTDKIMSEL;\r
\tb=PLANTDKIMSIG\r
ARC-Seal: i=1; a=rsa-sha256; d=plantfromdom.example; b=PLANTARCSIG\r
ARC-Authentication-Results: i=1; mx.example; dkim=pass header.i=@plantfromdom.example\r
Authentication-Results: mx.helpline.example; spf=pass smtp.mailfrom=PLANTARSENDER@plantfromdom.example (sender IP is 198.51.100.202)\r
From: {name_word} <plantfromaddr@plantfromdom.example> (PLANTFROMCOMMENT)\r
To: {to_word} <planttoaddr@example.org>, contact@helpline.example\r
Cc: plantccaddr@example.org\r
Reply-To: plantreplyaddr@example.org\r
Subject: PLANTSUBJECT\r
Message-ID: <plantmsgid@plantfromdom.example>\r
References: <plantrefid@plantfromdom.example>\r
X-Mailer: PLANTMAILER 1.0\r
User-Agent: PLANTAGENT\r
MIME-Version: 1.0\r
Content-Type: multipart/mixed; (PLANTCTCOMMENT)\r
 boundary=\"PLANTBOUNDARY_0042\"\r
\r
This is a multi-part message in MIME format.\r
--PLANTBOUNDARY_0042\r
Content-Type: text/plain; charset=utf-8\r
Content-Transfer-Encoding: 7bit\r
\r
KEEPBODYTEXT\r
--PLANTBOUNDARY_0042\r
Content-Type: application/pdf; name=\"PLANTFILENAME.pdf\"\r
Content-Disposition: attachment; filename*0*=utf-8''PLANTFILENAMETWO; size=4\r
Content-Description: PLANTDESCRIPTION\r
Content-ID: <plantcid@plantfromdom.example>\r
Content-Transfer-Encoding: base64\r
\r
S0VFUEJBU0U2NA==\r
--PLANTBOUNDARY_0042\r
Content-Type: message/rfc822\r
\r
Received: from plantinnerhost.example ([203.0.113.203])\r
From: \"PLANTINNERNAME\" <plantinnerfrom@example.org>\r
Message-ID: <plantinnermsgid@example.org>\r
Subject: inner\r
\r
KEEPINNERBODY\r
--PLANTBOUNDARY_0042\r
Content-Type: message/rfc822\r
Content-Transfer-Encoding: base64\r
\r
{encoded_inner}\r
--PLANTBOUNDARY_0042\r
Content-Type: text/rfc822-headers\r
\r
From: plantdumpaddr@example.org\r
Received: from plantdumphost.example\r
--PLANTBOUNDARY_0042\r
Content-Type: message/delivery-status\r
\r
Reporting-MTA: dns; plantdsnhost.example\r
\r
Final-Recipient: rfc822; plantdsnaddr@example.org\r
Action: failed\r
Status: 5.1.1\r
--PLANTBOUNDARY_0042--\r
"
    )
}

#[track_caller]
fn assert_clean(bytes: &[u8]) {
    let lower = String::from_utf8_lossy(bytes).to_ascii_lowercase();
    let found: Vec<&&str> = PLANTED
        .iter()
        .filter(|p| lower.contains(&p.to_ascii_lowercase()))
        .collect();
    assert!(
        found.is_empty(),
        "{found:?} in:\n{}",
        String::from_utf8_lossy(bytes)
    );
}

/// The MIME tree as the parser sees it: each part's content type, in order.
fn tree(raw: &[u8]) -> Vec<String> {
    let m = mail_parser::MessageParser::default()
        .parse(raw)
        .expect("parses");
    m.parts
        .iter()
        .map(|p| {
            p.content_type()
                .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or("")))
                .unwrap_or_else(|| "none".into())
        })
        .collect()
}

#[test]
fn planted_identifiers_are_replaced_everywhere_and_the_structure_stays() {
    let raw = sample();
    let e = export(raw.as_bytes());
    let text = String::from_utf8_lossy(&e.bytes).into_owned();
    assert_clean(&e.bytes);
    for k in KEPT {
        assert!(text.contains(k), "{k} lost:\n{text}");
    }
    // The base64 nested message, decoded: its headers too.
    let inner = text
        .split("Content-Transfer-Encoding: base64\r\n\r\n")
        .nth(2)
        .and_then(|s| s.split("\r\n--").next())
        .expect("the encoded nested message");
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(inner.replace("\r\n", ""))
        .expect("still base64");
    assert_clean(&decoded);
    assert!(String::from_utf8_lossy(&decoded).contains("KEEPENCODEDBODY"));
    // The MIME tree and the header names are those of the original.
    assert_eq!(tree(raw.as_bytes()), tree(&e.bytes));
    let names = |b: &[u8]| -> Vec<String> {
        let block = lenient::read_block(b, lenient::line_at(b, 0).next, |_| false);
        block
            .fields
            .iter()
            .map(|f| String::from_utf8_lossy(&b[f.name.clone()]).into_owned())
            .collect()
    };
    assert_eq!(names(raw.as_bytes()), names(&e.bytes));
    assert!(text.contains("boundary=\"sourdine-boundary-0\""), "{text}");
    assert_eq!(text.matches("--sourdine-boundary-0\r\n").count(), 6);
    assert!(text.contains("--sourdine-boundary-0--\r\n"));
    // Structural values stay; the same address gets the same placeholder.
    assert!(text.contains("Content-Type: text/plain; charset=utf-8\r\n"));
    assert!(text.contains("Action: failed\r\nStatus: 5.1.1"));
    assert!(text.contains("size=4"));
    assert!(text.contains("Return-Path: <address-1@example.invalid>"));
    assert!(text.contains("Received: [redacted]"));
    assert!(e.boundaries == 1 && e.fields > 30, "{e:?}");
}

#[test]
fn a_broken_boundary_stays_broken_and_the_headers_after_it_are_rewritten() {
    let raw = "Subject: x\nContent-Type: multipart/mixed; boundary=\"declared-123\"\n\n--actual-4567\nContent-Type: text/plain; name=\"PLANTFILENAME.txt\"\nstray PLANTSTRAYLINE without a colon\nContent-Description: PLANTDESCRIPTION\n\nKEEPBODYTEXT\nFrom: plantstrayaddr@example.org\nTo: x@example.org\n--actual-4567--\n";
    let e = export(raw.as_bytes());
    let text = String::from_utf8_lossy(&e.bytes);
    assert_clean(&e.bytes);
    assert!(text.contains("KEEPBODYTEXT"));
    assert!(
        text.contains("[a malformed header line was removed here]\n"),
        "{text}"
    );
    assert!(text.contains("boundary=\"sourdine-boundary-1\""), "{text}");
    assert!(text.contains("--sourdine-boundary-0\n"), "{text}");
    assert!(text.contains("--sourdine-boundary-0--\n"), "{text}");
    assert_eq!(e.boundaries, 2, "the mismatch stays visible");
}

#[test]
fn a_boundary_that_begins_another_still_does() {
    // Taken from a parser's test suite: the inner boundary begins the outer one, so a parser
    // reads the outer boundary line inside the inner part as the inner boundary's.
    for raw in [
        &b"Content-Type: multipart/mixed; boundary=\"ab\"\n\n--ab\nContent-Type: multipart/mixed; boundary=\"a\"\n\n--ab\nContent-Type: text/plain\n\n--a\n\n"[..],
        b"Content-Type: multipart/mixed; boundary=\"PLANTBOUNDARY1\"\n\n--PLANTBOUNDARY1 trailing words\nContent-Type: text/plain\n\nKEEPBODYTEXT\n--PLANTBOUNDARY1--\n",
    ] {
        let e = export(raw);
        assert_eq!(tree(raw), tree(&e.bytes), "{}", String::from_utf8_lossy(&e.bytes));
        assert_clean(&e.bytes);
    }
}

#[test]
fn broken_encodings_are_kept_byte_for_byte() {
    let body = "SGVsbG8gd29ybGQ=\r\n!!not base64 at all!!\r\n=ZZ=\r\n";
    let raw = format!(
        "Subject: x\r\nContent-Type: multipart/mixed; boundary=b0000000\r\n\r\n--b0000000\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n{body}--b0000000\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nbroken =Q2 soft=\r\n--b0000000--\r\n"
    );
    let e = export(raw.as_bytes());
    let text = String::from_utf8_lossy(&e.bytes);
    assert!(text.contains(body), "{text}");
    assert!(text.contains("broken =Q2 soft=\r\n"), "{text}");
}

#[test]
fn a_message_without_headers_is_kept_with_its_header_runs_rewritten() {
    let raw = "just text, no header block\nReceived: from plantdumphost.example\nFrom: plantdumpaddr@example.org\n\nKEEPBODYTEXT\n";
    let e = export(raw.as_bytes());
    assert_clean(&e.bytes);
    let text = String::from_utf8_lossy(&e.bytes);
    assert!(text.starts_with("just text, no header block\n") && text.contains("KEEPBODYTEXT"));
}

#[test]
fn nothing_panics_on_odd_shapes() {
    for raw in [
        &b""[..],
        b"\r\n",
        b"From x\n",
        b"Content-Type: multipart/mixed; boundary=\"\n\n--\n",
        b"Content-Type: message/rfc822\nContent-Transfer-Encoding: quoted-printable\n\nFrom: a=\n@b\n\nx=FF\n",
        b"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n!!!\n--b--",
    ] {
        let _ = export(raw);
    }
}

#[test]
fn nesting_of_encoded_messages_is_bounded() {
    let mut m = "From: plantinnerfrom@example.org\r\n\r\nKEEPINNERBODY\r\n".to_string();
    for _ in 0..(MAX_ENCODED_NESTING + 3) {
        m = format!(
            "Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
            b64(&m)
        );
    }
    let e = export(m.as_bytes());
    assert!(String::from_utf8_lossy(&e.bytes).len() < m.len() * 2);
}

proptest::proptest! {
    #[test]
    fn any_input_is_exported_without_panicking(lines in proptest::collection::vec(
        proptest::prop_oneof![
            proptest::string::string_regex("[A-Za-z-]{1,12}: [ -~]{0,30}").unwrap(),
            proptest::string::string_regex("--[a-z0-9]{1,9}(--)?").unwrap(),
            proptest::string::string_regex("Content-Type: (multipart/(mixed|digest)|message/rfc822|text/plain); boundary=[a-z0-9]{1,9}").unwrap(),
            proptest::string::string_regex("Content-Transfer-Encoding: (base64|quoted-printable)").unwrap(),
            proptest::string::string_regex("[ -~]{0,40}").unwrap(),
        ],
        0..60,
    )) {
        let raw = lines.join("\r\n");
        let _ = export(raw.as_bytes());
    }
}

#[test]
fn export_grows_linearly() {
    // N and 8N parts, each with headers; quadratic work would take 64 times as long.
    let make = |n: usize| {
        let mut m =
            String::from("From: a@b.example\nContent-Type: multipart/mixed; boundary=b0000000\n\n");
        for i in 0..n {
            m.push_str(&format!(
                "--b0000000\nContent-Type: text/plain; name=\"f{i}.txt\"\nReceived: from h{i}.example\n\npart {i}\n"
            ));
        }
        m.push_str("--b0000000--\n");
        m
    };
    assert!(super::super::quarantine::tests::grows_linearly(
        "export",
        |n| drop(export(make(n).as_bytes())),
        4_000
    ));
}

/// Every header block of a message as mail-parser reads it, nested messages included (decoded
/// when encoded).
fn header_blocks(raw: &[u8], out: &mut Vec<String>) {
    let Some(m) = mail_parser::MessageParser::default().parse(raw) else {
        return;
    };
    collect_blocks(&m, out);
}

fn collect_blocks(m: &mail_parser::Message<'_>, out: &mut Vec<String>) {
    let raw = m.raw_message();
    for p in &m.parts {
        let (start, end) = (p.offset_header as usize, p.offset_body as usize);
        out.push(
            String::from_utf8_lossy(&raw[start.min(raw.len())..end.min(raw.len())]).into_owned(),
        );
        if let mail_parser::PartType::Message(nested) = &p.body {
            collect_blocks(nested, out);
        }
    }
}

#[test]
fn no_header_block_of_any_fixture_keeps_a_planted_value() {
    let mut checked = 0;
    for dir in ["clients", "attachments"] {
        let dir = format!("{}/fixtures/{dir}", env!("CARGO_MANIFEST_DIR"));
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let path = e.path();
            if path.extension().is_none_or(|x| x != "eml") {
                continue;
            }
            let manifest = std::fs::read_to_string(path.with_extension("toml")).unwrap();
            let planted: Vec<String> = manifest
                .split_once("\nplanted = [")
                .map(|(_, rest)| rest.split_once(']').map_or(rest, |(l, _)| l))
                .unwrap_or_default()
                .lines()
                .filter_map(|l| l.trim().strip_prefix('"')?.split('"').next())
                .map(str::to_string)
                .collect();
            assert!(planted.len() >= 5, "{}", path.display());
            let raw = std::fs::read(&path).unwrap();
            let e = export(&raw);
            let mut blocks = Vec::new();
            header_blocks(&e.bytes, &mut blocks);
            assert!(blocks.len() >= 2 || raw.len() < 2000, "{}", path.display());
            let headers = blocks.join("\n").to_ascii_lowercase();
            for p in &planted {
                assert!(
                    !headers.contains(&p.to_ascii_lowercase()),
                    "{}: {p} in a header block of the export",
                    path.display()
                );
            }
            assert_eq!(tree(&raw), tree(&e.bytes), "{}", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 20, "{checked}");
}
