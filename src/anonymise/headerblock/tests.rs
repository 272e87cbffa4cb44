use super::*;

#[test]
fn an_original_message_block_keeps_only_the_allowed_fields() {
    let text = concat!(
        "Thank you for your answer.\n",
        "\n",
        "-----Original Message-----\n",
        "From: Jane Doe <plantjane@plantisp.example>\n",
        "Sent: Monday, June 3, 2024 10:00 AM\n",
        "To: help@line.example\n",
        "Subject: my question\n",
        "X-Originating-IP: [192.0.2.77]\n",
        "X-Mailer: PLANTMAILER 5.1\n",
        "\n",
        "the quoted question\n",
    );
    assert_eq!(
        filter(text),
        concat!(
            "Thank you for your answer.\n",
            "\n",
            "-----Original Message-----\n",
            "From: [redacted]\n",
            "Sent: Monday, June 3, 2024 10:00 AM\n",
            "To: [redacted]\n",
            "Subject: my question\n",
            "[mail header lines removed]\n",
            "\n",
            "the quoted question\n",
        )
    );
}

#[test]
fn an_embedded_header_block_with_lost_folding_is_dropped_whole() {
    // A raw header block whose folded lines lost their indentation, quoted.
    let text = concat!(
        "> Received: from PLANTHOST.example (PLANTHOST.example [198.51.100.9])\n",
        "> (using TLSv1.3 with cipher TLS13_AES_256_GCM_SHA384)\n",
        "> by mx.example with ESMTPS id PLANTQUEUEID;\n",
        "> Thu, 12 Feb 2026 12:21:04 +0000\n",
        "> Message-ID: <PLANTMSGID@PLANTHOST.example>\n",
        "> Subject: =?us-ascii?Q?Bestellung_PLANT?=\n",
        "> =?us-ascii?Q?_zwei?=\n",
        "> Date: Thu, 12 Feb 2026 13:21:03 +0100\n",
        "> Content-Type: multipart/alternative;\n",
        "> boundary=\"b1_PLANTBOUNDARY\"\n",
        "> I wrote this line myself.\n",
    );
    let out = filter(text);
    assert_eq!(
        out,
        concat!(
            "> [mail header lines removed]\n",
            "> Subject: Bestellung PLANT zwei\n",
            "> Date: 2026-02-12 12:21 UTC\n",
            "> I wrote this line myself.\n",
        )
    );
}

#[test]
fn localised_reply_headers_are_filtered() {
    let text = concat!(
        "De\u{a0}: Marie <PLANTMARIE@plant.example>\n",
        "Envoyé\u{a0}: lundi 3 juin 2024 10:00\n",
        "À\u{a0}: Aide\n",
        "Objet\u{a0}: =?utf-8?q?J=27ai_peur?=\n",
    );
    assert_eq!(
        filter(text),
        "De: [redacted]\nEnvoyé: lundi 3 juin 2024 10:00\nÀ: [redacted]\nObjet: J'ai peur\n"
    );
    let nl = "Van: Piet <p@x.example>\nVerzonden: 3 juni 2024\nAan: hulp\nOnderwerp: vraag\nX-Mailer: PLANTNL";
    assert_eq!(
        filter(nl),
        "Van: [redacted]\nVerzonden: 3 juni 2024\nAan: [redacted]\nOnderwerp: vraag\n[mail header lines removed]"
    );
}

#[test]
fn a_single_machine_field_in_forwarded_text_is_dropped() {
    let text = "see below\nContent-Type: x-sourdine-message/rfc822\n\nthe rest";
    assert_eq!(
        filter(text),
        "see below\n[mail header lines removed]\n\nthe rest"
    );
    let text = "Received: from PLANTRELAY ([203.0.113.4]) by mx; Mon, 3 Jun 2024";
    assert_eq!(filter(text), NOTE);
}

#[test]
fn the_writers_own_colon_lines_stay() {
    for text in [
        "Note: I am scared, my stepfather hits me.",
        "From: my mother\nTo: me\nSubject: the fight\n\nShe shouted again.",
        "From: my mother\nDate: last week",
        "PS: I love you\nNB: please answer",
        "X-ray: nothing broken\nDoctor: fine",
        "Received: your letter, thank you.",
        "Dear Anna: I am writing because\nI need help: now.",
        "At 10:30 he came home.\nhttp://example.org/page",
        "Important: read this\nAgain: please",
    ] {
        assert!(matches!(filter(text), Cow::Borrowed(_)), "{text}");
    }
}

#[test]
fn text_right_after_a_block_is_not_taken_for_a_folded_line() {
    let text =
        "Content-Type: text/plain\nContent-Transfer-Encoding: 7bit\nI am scared.\nPlease help.";
    assert_eq!(
        filter(text),
        "[mail header lines removed]\nI am scared.\nPlease help."
    );
    // Lines between header lines are folded lines, but only so many of them.
    let many: String = (0..70)
        .map(|i| format!("line {i} of my own text\n"))
        .collect();
    let text = format!("Message-ID: <PLANTID@x>\n{many}Received: from x by y;\n");
    let out = filter(&text);
    assert!(out.contains("line 0 of my own text") && out.contains("line 69 of my own text"));
    assert!(!out.contains("PLANTID"), "{out}");
}

#[test]
fn boundary_lines_of_a_raw_message_go() {
    let raw = "--PLANTBND.x@host\nContent-Type: text/plain\n\nmy words\n--PLANTBND.x@host--\n";
    assert_eq!(
        drop_boundaries(raw),
        "\nContent-Type: text/plain\n\nmy words\n\n"
    );
    for keep in [
        "-- \nJane",
        "----------\nmy words\n----------",
        "--once only\nwords",
        "-- a dash list\n-- a dash list",
    ] {
        assert!(matches!(drop_boundaries(keep), Cow::Borrowed(_)), "{keep}");
    }
}

#[test]
fn messages_are_recognised_by_content() {
    let eml = b"Return-Path: <PLANT@x.example>\r\nReceived: from a by b; Mon, 3 Jun 2024\r\nFrom: PLANT <PLANT@x.example>\r\nSubject: hi\r\n\r\nbody\r\n";
    assert!(looks_like_message(eml));
    assert!(looks_like_message(
        b"From PLANT@x.example Mon Jun  3 10:00:00 2024\nFrom: a@x.example\nTo: b@y.example\n\nhi\n"
    ));
    assert!(looks_like_message(
        b"\xEF\xBB\xBFMIME-Version: 1.0\nSubject: x\n  folded\nContent-Type: text/plain\n\nhi"
    ));
    for not in [
        &b"Dear diary,\nFrom: me\n"[..],
        b"Subject: my story\n\nOnce upon a time",
        b"To: Mom\nFrom: me\n\nDear mom",
        b"Date: 2024-01-01\nSubject: notes\n\nmilk",
        b"name,phone\nJane,0470\n",
        b"",
    ] {
        assert!(!looks_like_message(not), "{}", String::from_utf8_lossy(not));
    }
}

#[test]
fn work_is_linear_in_the_text() {
    // The worst shapes: long runs of unindented lines between header lines, blocks that are
    // not proven, and proven ones.
    let filler: String = (0..60).map(|i| format!("text {i}\n")).collect();
    let unit = format!(
        "Note: a\n{filler}From: x\nTo: y\n\nMessage-ID: <a@b>\n{filler}X-Mailer: z\nboundary=q\n\n"
    );
    let cost = |n: usize| {
        let mut work = 0;
        filter_counted(&unit.repeat(n), &mut work);
        work
    };
    let (small, large) = (cost(50), cost(400));
    assert!(large <= small * 10, "{small} then {large}");
    let boundaries = |n: usize| {
        let mut work = 0;
        let text: String = (0..n).map(|i| format!("--b{i}\nx\n--b{i}--\n")).collect();
        drop_boundaries_counted(&text, &mut work);
        work
    };
    assert!(boundaries(8000) <= boundaries(1000) * 10);
}
