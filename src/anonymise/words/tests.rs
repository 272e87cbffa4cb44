use super::*;
use crate::anonymise::{Limits, Options, anonymise};

const WORDS: &str = "I am scared, my stepfather hits me";

fn opts() -> Options {
    Options {
        remove_signature: true,
        limits: Limits::default(),
        contact_address: "help@line.example".into(),
        trusted_authserv_id: None,
    }
}

fn body_of(raw: &str) -> String {
    anonymise(raw.as_bytes(), &opts()).expect("anonymised").body
}

#[test]
fn a_body_after_a_line_of_spaces_is_body() {
    for sep in [" ", "\t", "  "] {
        let raw = format!("From: a@b.example\r\nSubject: s\r\n{sep}\r\n{WORDS}\r\nand more\r\n");
        assert_eq!(body_of(&raw), format!("{WORDS}\nand more"), "{sep:?}");
    }
    // Header fields after the line of spaces are headers: read by the allow-list, not shown.
    let raw = format!(
        "From: a@b.example\r\n \r\nX-Mailer: Secret Client 1.0\r\nSubject: s\r\n\r\n{WORDS}\r\n"
    );
    let a = anonymise(raw.as_bytes(), &opts()).unwrap();
    assert_eq!(a.body, WORDS);
    assert!(!a.body.contains("Secret"));
    assert!(matches!(
        blank_separator(b"From: a\n \nX-A: b\n\nbody", 1024),
        Cow::Borrowed(_)
    ));
}

#[test]
fn a_multipart_that_cannot_be_split_shows_its_text() {
    // The boundary never appears.
    let raw = format!(
        "From: a@b.example\nSubject: s\nContent-Type: multipart/mixed; boundary=\"ab\"\n\n{WORDS}\n"
    );
    assert_eq!(body_of(&raw), WORDS);
    // Two Content-Type fields in a part: its raw structure, read for text only.
    let raw = format!(
        "From: a@b.example\nSubject: s\nContent-Type: multipart/related; boundary=\"rel\"\n\n--rel\nContent-Type: multipart/alternative; boundary=\"alt\"\nContent-Type: text/plain; charset=UTF-8\n\n{WORDS}\n\n--alt\nContent-Type: text/html; charset=UTF-8\nX-Secret: hidden@example.org\n\n<p>in <b>html</b> too</p>\n--alt\n\n--rel--\n"
    );
    let body = body_of(&raw);
    assert!(
        body.contains(WORDS) && body.contains("in html too"),
        "{body}"
    );
    assert!(
        !body.contains("Content-Type") && !body.contains("hidden@"),
        "{body}"
    );
}

#[test]
fn human_text_in_a_status_part_is_shown_and_status_fields_are_not() {
    let raw = format!(
        "From: a@b.example\nSubject: s\nContent-Type: multipart/mixed; boundary=M\n\n--M\nContent-Type: message/delivery-status\n\n{WORDS}.\nPlease write to me at me@example.org.\n--M\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example\n\nFinal-Recipient: rfc822; writer@their.example\nAction: failed\n--M--\n"
    );
    let a = anonymise(raw.as_bytes(), &opts()).unwrap();
    assert!(a.body.contains(WORDS), "{}", a.body);
    assert!(!a.body.contains("me@example.org") && !a.body.contains("writer@"));
    assert!(!a.body.contains("Final-Recipient"));
    assert!(header_shaped(
        "Action: failed\nStatus: 5.0.0\n  continued\n"
    ));
    assert!(!header_shaped(
        "Hello: I am scared\nand alone\nplease help\n"
    ));
}

#[test]
fn the_preamble_is_the_body_when_there_is_nothing_better() {
    let raw = format!(
        "From: a@b.example\nSubject: s\nContent-Type: text/plain\nContent-Type: multipart/mixed; boundary=X\n\n{WORDS}\n--X\nContent-Type: application/octet-stream\n\n\x01\x02\n--X--\n"
    );
    assert!(body_of(&raw).contains(WORDS), "{}", body_of(&raw));
    // With a text part, the preamble (client boilerplate) is not added.
    let raw = "From: a@b.example\nSubject: s\nContent-Type: multipart/mixed; boundary=X\n\nThis is a multi-part message in MIME format.\n--X\nContent-Type: text/plain\n\nthe text\n--X--\n";
    assert_eq!(body_of(raw), "the text");
}

#[test]
fn raw_mime_text_keeps_lines_and_drops_structure() {
    let t = raw_mime_text(&format!(
        "{WORDS}\n--b1\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\n{}\n--b1--\nlast words\n",
        "iVBORw0KGgoAAAANSUhEUgAAAAYAAAALCAIAAADTMGvBAAAAEUlEQVQImWPgsi5D"
    ));
    assert_eq!(t, format!("{WORDS}\nlast words\n"));
}

#[test]
fn raw_mime_text_shows_an_embedded_header_block_through_the_allow_list() {
    let t = raw_mime_text(&format!(
        "--b1\nContent-Type: message/rfc822\n\nReceived: from host.example ([192.0.2.9])\n\tby mx.example; Mon, 3 Jun 2024 10:00:00 +0200\nFrom: Someone <someone@host.example>\nSubject: =?utf-8?q?caf=C3=A9?=\n\n{WORDS}\n--b1--\n"
    ));
    assert!(t.contains("Subject: café"), "{t}");
    assert!(t.contains(super::super::headerblock::NOTE), "{t}");
    assert!(t.contains(WORDS), "{t}");
    for planted in ["host.example", "192.0.2.9", "Someone", "mx.example"] {
        assert!(!t.contains(planted), "{planted} in {t}");
    }
}
