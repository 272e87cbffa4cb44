//! The doors through the whole anonymiser.

use super::super::{Anonymised, Limits, Options, anonymise};
use super::*;

fn run(raw: &str) -> Anonymised {
    let opts = Options {
        remove_signature: true,
        limits: Limits::default(),
        contact_address: "help@line.example".into(),
        trusted_authserv_id: None,
    };
    anonymise(raw.as_bytes(), &opts).expect("anonymised")
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

/// `data` uuencoded as a block named `name`.
fn uuencode(data: &[u8], name: &str) -> String {
    let c = |v: u8| if v == 0 { '`' } else { (v + 0x20) as char };
    let mut out = format!("begin 644 {name}\n");
    for chunk in data.chunks(45) {
        out.push(c(chunk.len() as u8));
        for g in chunk.chunks(3) {
            let b = [g[0], *g.get(1).unwrap_or(&0), *g.get(2).unwrap_or(&0)];
            for v in [
                b[0] >> 2,
                (b[0] << 4 | b[1] >> 4) & 63,
                (b[1] << 2 | b[2] >> 6) & 63,
                b[2] & 63,
            ] {
                out.push(c(v));
            }
        }
        out.push('\n');
    }
    out + "`\nend\n"
}

#[test]
fn a_uuencoded_part_is_the_file_it_encodes() {
    let a = run(&format!(
        concat!(
            "From: a@b.example\nSubject: uu\nContent-Type: multipart/mixed; boundary=MX\n\n",
            "--MX\nContent-Type: text/plain\n\nthe photo\n",
            "--MX\nContent-Type: image/png; name=PLANTNAME.png\nContent-Transfer-Encoding: x-uuencode\n\n{}",
            "--MX--\n",
        ),
        uuencode(PNG, "PLANTNAME.png")
    ));
    assert_eq!(a.body, "the photo");
    assert_eq!(a.attachments.len(), 1);
    assert_eq!(a.attachments[0].kind, AttachmentKind::Png);
    assert_eq!(
        a.attachments[0].content,
        AttachmentContent::NeedsCleaning(PNG.to_vec())
    );
}

#[test]
fn a_uuencoded_block_in_the_text_becomes_an_attachment() {
    let a = run(&format!(
        "From: a@b.example\nSubject: uu\n\nHere it is.\n\n{}\nKEEP after.\n",
        uuencode(b"my diary: KEEPDIARY", "PLANTDIARY.txt")
    ));
    assert_eq!(
        a.body,
        format!("Here it is.\n\n{}\n\nKEEP after.", uuencode::NOTE)
    );
    assert_eq!(
        a.attachments
            .iter()
            .map(|x| (x.kind, x.content.clone()))
            .collect::<Vec<_>>(),
        vec![(
            AttachmentKind::Text,
            AttachmentContent::Kept(b"my diary: KEEPDIARY".to_vec())
        )]
    );
    assert!(!format!("{a:?}").contains("PLANTDIARY"));
}

#[test]
fn a_message_is_recognised_whatever_its_declared_type() {
    let eml = "Received: from PLANTHOST ([192.0.2.9]) by mx; Mon, 3 Jun 2024 10:00:00 +0200\nFrom: PLANTNAME <plant@x.example>\nMessage-ID: <PLANTID@x.example>\nSubject: KEEPINNERSUBJECT\n\nKEEPINNERBODY\n";
    let a = run(&format!(
        concat!(
            "From: a@b.example\nSubject: fwd\nContent-Type: multipart/mixed; boundary=MX\n\n",
            "--MX\nContent-Type: text/plain\n\nsee the attached mail\n",
            "--MX\nContent-Type: application/octet-stream; name=PLANTFILE.eml\n",
            "Content-Disposition: attachment; filename=PLANTFILE.eml\nContent-Transfer-Encoding: base64\n\n{}\n",
            "--MX--\n",
        ),
        b64(eml.as_bytes())
    ));
    assert!(
        a.body.contains("Subject: KEEPINNERSUBJECT") && a.body.contains("KEEPINNERBODY"),
        "{}",
        a.body
    );
    assert!(a.attachments.is_empty());
    assert!(!format!("{a:?}").contains("PLANT"), "{a:?}");
}

#[test]
fn an_rtf_document_is_sniffed_by_its_content() {
    let rtf = "{\\rtf1{\\info{\\author PLANTAUTHOR}}KEEPRTF}";
    let a = run(&format!(
        concat!(
            "From: a@b.example\nSubject: doc\nContent-Type: multipart/mixed; boundary=MX\n\n",
            "--MX\nContent-Type: text/plain\n\nmy letter\n",
            "--MX\nContent-Type: application/msword; name=letter.doc\nContent-Transfer-Encoding: base64\n\n{}\n",
            "--MX--\n",
        ),
        b64(rtf.as_bytes())
    ));
    assert_eq!(a.attachments.len(), 1);
    assert_eq!(a.attachments[0].kind, AttachmentKind::Rtf);
    assert!(matches!(
        a.attachments[0].content,
        AttachmentContent::NeedsCleaning(_)
    ));
}

#[test]
fn a_raw_fallback_loses_its_header_blocks_and_boundaries() {
    // The declared boundary never comes: the parts are read as one text.
    let a = run(concat!(
        "From: a@b.example\nSubject: broken\nContent-Type: multipart/mixed; boundary=\"AAAA\"\n\n",
        "--PLANTBOUNDARY\nContent-Type: text/plain\n\nKEEPRAWTEXT\n",
        "--PLANTBOUNDARY\nContent-Type: message/rfc822\n\n",
        "From: Other <PLANTOTHER@x.example>\nReceived: from PLANTHOST ([192.0.2.55]) by mx; Mon, 3 Jun 2024\n",
        "Message-ID: <PLANTMID@x.example>\nSubject: inner\n\nKEEPINNER\n--PLANTBOUNDARY--\n",
    ));
    let mut all = a.body.clone();
    for att in &a.attachments {
        if let AttachmentContent::Kept(b) = &att.content {
            all.push_str(&String::from_utf8_lossy(b));
        }
    }
    assert!(!all.contains("PLANT"), "{all}");
    assert!(
        all.contains("KEEPRAWTEXT") && all.contains("KEEPINNER"),
        "{all}"
    );
}

#[test]
fn link_targets_the_writer_never_saw_are_dropped() {
    let a = run(concat!(
        "From: a@b.example\nSubject: links\nContent-Type: multipart/alternative; boundary=AL\n\n",
        "--AL\nContent-Type: text/plain\n\nRead this article <https://t.example/?uid=PLANTUID> please.\n",
        "--AL\nContent-Type: text/html\n\n<p>Read <a href=\"https://t.example/?uid=PLANTUID\">this article</a> please.</p>\n",
        "--AL--\n",
    ));
    assert_eq!(a.body, "Read this article please.");
    let a = run(concat!(
        "From: a@b.example\nSubject: links\nContent-Type: text/html\n\n",
        "<p>Read <a href=\"https://t.example/?uid=PLANTUID\">this article</a> please.</p>\n",
    ));
    assert_eq!(a.body, "Read this article please.");
}

#[test]
fn invisible_characters_leave_subject_and_body() {
    let a = run(
        "From: a@b.example\nSubject: =?utf-8?b?aGVscOKAiyBtZe+7vw==?=\n\nI\u{200B} am\u{E0041}\u{E0042} here\n",
    );
    assert_eq!(a.subject, "help me");
    assert_eq!(a.body, "I am here");
}
