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
    assert_eq!(normalise_address("no at sign"), None);
    assert_eq!(normalise_address("a b@c"), None);
}

/// Regression: the sealed reply address was the Reply-To, while the verification looked at
/// From. Only From is ever kept; no secret carries the Reply-To address.
#[test]
fn reply_to_is_never_a_secret() {
    let p = top(
        "From: attacker@evil.example\nReply-To: victim@other.example\nSender: victim2@other.example\n\n",
    );
    let s = secrets(&p, &opts());
    assert_eq!(s.from_address.as_deref(), Some("attacker@evil.example"));
    assert!(!format!("{s:?}").contains("victim"), "{s:?}");
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
fn ancestry_is_the_references_chain_in_order() {
    let s = secrets(
        &top(
            "Message-ID: <w2@x.example>\nIn-Reply-To: <ours1@line.example>\nReferences: <w1@x.example>\n <ours1@line.example>\n\n",
        ),
        &opts(),
    );
    assert_eq!(s.ancestry, vec!["w1@x.example", "ours1@line.example"]);
    // Without References, a single In-Reply-To is the parent.
    let s = secrets(&top("In-Reply-To: <p@x.example>\n\n"), &opts());
    assert_eq!(s.ancestry, vec!["p@x.example"]);
    // Several In-Reply-To ids say nothing of the chain (RFC 5322 §3.6.4).
    let s = secrets(
        &top("In-Reply-To: <p@x.example> <q@x.example>\n\n"),
        &opts(),
    );
    assert!(s.ancestry.is_empty());
    // Repeats and ids unfit for a header of ours are dropped.
    let s = secrets(
        &top(
            "References: <a@x.example> <a@x.example> <no-at-sign> <caf\u{e9}@x.example> <b@x.example>\n\n",
        ),
        &opts(),
    );
    assert_eq!(s.ancestry, vec!["a@x.example", "b@x.example"]);
}

#[test]
fn long_ancestry_keeps_the_first_and_the_latest() {
    let refs: Vec<String> = (0..50).map(|i| format!("<r{i}@x.example>")).collect();
    let s = secrets(
        &top(&format!("References: {}\n\n", refs.join(" "))),
        &opts(),
    );
    assert_eq!(s.ancestry.len(), MAX_REFERENCES - 1);
    assert_eq!(s.ancestry[0], "r0@x.example");
    assert_eq!(
        s.ancestry[1],
        format!("r{}@x.example", 50 - (MAX_REFERENCES - 2))
    );
    assert_eq!(s.ancestry.last().unwrap(), "r49@x.example");
    assert!(is_header_safe_id("a.b@c.example"));
    assert!(!is_header_safe_id(&format!("{}@x", "a".repeat(300))));
    assert!(!is_header_safe_id("a b@c") && !is_header_safe_id("a>@c") && !is_header_safe_id(""));
}

#[test]
fn auto_reply_signals() {
    let sig = |h: &str| signals(&top(&format!("{h}\n\n")), &opts());
    assert!(sig("Auto-Submitted: auto-replied").auto_submitted);
    assert!(sig("Auto-Submitted: auto-generated; owner-email=x@y").auto_submitted);
    let s = sig("Auto-Submitted: no");
    assert!(!s.auto_submitted && !s.suppresses_auto_reply());
    for p in ["Bulk", "junk", "list", "auto_reply"] {
        assert!(sig(&format!("Precedence: {p}")).bulk, "{p}");
    }
    assert!(!sig("Precedence: first-class").bulk);
    assert!(sig("List-Id: <x.y>").mailing_list);
    assert!(sig("X-Auto-Response-Suppress: OOF, DR").suppress_auto_reply);
    assert!(!sig("X-Auto-Response-Suppress: None").suppress_auto_reply);
    for h in [
        "X-Autoreply: yes",
        "x-autoreply: YES",
        "X-Autorespond: vacation",
        "X-Loop: helpdesk@x.example",
        "X-Loop:",
    ] {
        let s = sig(h);
        assert!(s.vendor_auto_reply && s.suppresses_auto_reply(), "{h}");
    }
    assert!(!sig("X-Autoreply: no").vendor_auto_reply);
    assert!(sig("Return-Path: < >").null_sender);
    assert!(!sig("Return-Path: <a@b.example>").null_sender);
    assert!(sig("From: MAILER-DAEMON@x.example").daemon_sender);
    assert!(sig("From: postmaster@x.example").daemon_sender);
    assert!(!sig("From: noreply@x.example").daemon_sender);
    let plain = sig("From: jane@x.example\nSubject: Besoin d'aide");
    assert!(!plain.suppresses_auto_reply(), "{plain:?}");
}

#[test]
fn no_reply_senders() {
    for a in [
        "noreply@x.example",
        "No-Reply@x.example",
        "no_reply.alerts@x.example",
        "noreply+abc@x.example",
        "donotreply@x.example",
        "do-not-reply@x.example",
    ] {
        assert!(is_no_reply_address(a), "{a}");
        let s = signals(&top(&format!("From: X <{a}>\n\n")), &opts());
        assert!(s.no_reply_sender && s.suppresses_auto_reply(), "{a}");
    }
    for a in ["noel@x.example", "reply@x.example", "nora@x.example"] {
        assert!(!is_no_reply_address(a), "{a}");
    }
}

#[test]
fn out_of_office_subjects_in_four_languages() {
    for subject in [
        "Automatic reply: Need to talk",
        "Out of Office: Re: [K7F3QX9M] Need to talk",
        "Out of Office AutoReply: hello",
        "[Auto-Reply] hello",
        "Autoreply",
        "Réponse automatique : Besoin d'aide",
        "RÉPONSE AUTOMATIQUE: x",
        "Absence",
        "Absent du bureau",
        "Message d'absence - Marie",
        "Automatisch antwoord: Vraag",
        "Afwezig",
        "Afwezig: tot 12 juni",
        "Abwesenheitsnotiz: Frage",
        "Automatische Antwort: Frage",
    ] {
        assert!(is_out_of_office_subject(subject), "{subject}");
        let raw = format!("Subject: =?utf-8?q?{}?=\n\n", q_encode(subject));
        assert!(signals(&top(&raw), &opts()).out_of_office, "{subject}");
    }
    // A writer's own words that merely start alike are not automatic.
    for subject in [
        "Absence de mon fils à l'école",
        "Absent-minded? no: Absentee father",
        "Afwezigheid van mijn vader thuis",
        "Automatically I think of him",
        "Out of ideas",
        "",
        "Re: Absence",
    ] {
        assert!(!is_out_of_office_subject(subject), "{subject}");
    }
}

/// Q-encodes a subject for an encoded-word (tests only).
fn q_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else if b == b' ' {
                "_".into()
            } else {
                format!("={b:02X}")
            }
        })
        .collect()
}

#[test]
fn authentication_results_are_parsed_as_rfc_8601_says() {
    let ar = parse_auth_results(
        "mx.line.example 1; (comment; with a semicolon) dkim = pass (good) reason=\"a; b = c\" header.d=example.org;\n\tdmarc/1=PASS header.from=\"example.org\"; none",
    );
    assert_eq!(ar.authserv_id, "mx.line.example");
    assert_eq!(ar.results.len(), 2, "{ar:?}");
    assert_eq!(ar.results[0].method, "dkim");
    assert_eq!(ar.results[0].result, "pass");
    assert_eq!(ar.results[0].prop("reason"), Some("a; b = c"));
    assert_eq!(ar.results[0].prop("header.d"), Some("example.org"));
    assert_eq!(ar.results[1].method, "dmarc");
    assert_eq!(ar.results[1].result, "pass");
    assert_eq!(ar.results[1].prop("header.from"), Some("example.org"));
    let ar = parse_auth_results("(lead) mx.line.example; none");
    assert_eq!(ar.authserv_id, "mx.line.example");
    assert!(ar.results.is_empty());
    assert_eq!(parse_auth_results("").authserv_id, "");
}

fn verify(headers: &str) -> Verification {
    signals(&top(&format!("{headers}\n\n")), &opts()).sender
}

const PASS: &str = "Authentication-Results: mx.line.example; spf=pass smtp.mailfrom=j@mail.example.org; dkim=pass header.d=mail.example.org; dmarc=pass header.from=mail.example.org";

#[test]
fn verified_needs_one_trusted_dmarc_pass_for_the_from_domain() {
    let from = "From: J <j@Mail.Example.org>";
    assert_eq!(verify(&format!("{from}\n{PASS}")), Verification::Verified);
    assert_eq!(
        verify(&format!(
            "{from}\nauthentication-results: MX.LINE.EXAMPLE 1; dmarc=pass (p=none) header.from=MAIL.example.org."
        )),
        Verification::Verified
    );
    // Other servers' headers are not counted, whatever they say.
    assert_eq!(
        verify(&format!(
            "{from}\n{PASS}\nAuthentication-Results: other.example; dmarc=fail header.from=mail.example.org"
        )),
        Verification::Verified
    );
    // Reply-To naming the From address itself is harmless.
    assert_eq!(
        verify(&format!("{from}\nReply-To: J <J@mail.example.org>\n{PASS}")),
        Verification::Verified
    );
    // ARC-Authentication-Results is another header.
    assert_eq!(
        verify(&format!(
            "{from}\nARC-Authentication-Results: i=1; mx.line.example; dmarc=pass header.from=mail.example.org"
        )),
        Verification::Unknown
    );
}

#[test]
fn unknown_without_a_clear_pass() {
    let from = "From: j@mail.example.org";
    let ar = |v: &str| verify(&format!("{from}\nAuthentication-Results: {v}"));
    // A pass without header.from: which From did the server check?
    assert_eq!(ar("mx.line.example; dmarc=pass"), Verification::Unknown);
    // A pass for another domain.
    assert_eq!(
        ar("mx.line.example; dmarc=pass header.from=example.org"),
        Verification::Unknown
    );
    assert_eq!(
        ar("mx.line.example; dmarc=pass header.from=other.example"),
        Verification::Unknown
    );
    // DKIM alone, even aligned, is not DMARC.
    assert_eq!(
        ar("mx.line.example; dkim=pass header.d=mail.example.org"),
        Verification::Unknown
    );
    // No verdict, or not one that passes.
    assert_eq!(ar("mx.line.example; none"), Verification::Unknown);
    assert_eq!(
        ar("mx.line.example; dmarc=none header.from=mail.example.org"),
        Verification::Unknown
    );
    assert_eq!(
        ar("mx.line.example; dmarc=temperror header.from=mail.example.org"),
        Verification::Unknown
    );
    // Two dmarc results must both pass for the From domain.
    assert_eq!(
        ar(
            "mx.line.example; dmarc=pass header.from=mail.example.org; dmarc=none header.from=mail.example.org"
        ),
        Verification::Unknown
    );
    // Only other servers speak.
    assert_eq!(
        ar("attacker.example; dmarc=pass header.from=mail.example.org"),
        Verification::Unknown
    );
    assert_eq!(verify(from), Verification::Unknown);
    // No trusted server configured: nobody is verified.
    let mut o = opts();
    o.trusted_authserv_id = None;
    let p = top(&format!("{from}\n{PASS}\n\n"));
    assert_eq!(signals(&p, &o).sender, Verification::Unknown);
    o.trusted_authserv_id = Some("  ".into());
    assert_eq!(signals(&p, &o).sender, Verification::Unknown);
}

/// Regression: a mail From the attacker's own domain, with a genuine pass for it and a
/// Reply-To naming a third person, was marked verified and acknowledged to the third person.
#[test]
fn reply_to_elsewhere_is_never_verified() {
    for reply_to in [
        "Reply-To: victim@other.example",
        "Reply-To: j@mail.example.org, victim@other.example",
        "Reply-To: not an address",
    ] {
        assert_eq!(
            verify(&format!("From: j@mail.example.org\n{reply_to}\n{PASS}")),
            Verification::Unknown,
            "{reply_to}"
        );
    }
}

#[test]
fn several_or_no_from_addresses_are_never_verified() {
    for from in [
        "From: j@mail.example.org, k@mail.example.org",
        "From: j@mail.example.org\nFrom: k@mail.example.org",
        "From: undisclosed",
        "",
    ] {
        assert_eq!(
            verify(&format!("{from}\n{PASS}")),
            Verification::Unknown,
            "{from}"
        );
    }
}

#[test]
fn a_failure_in_the_trusted_header_is_failed() {
    let from = "From: j@mail.example.org";
    for bad in [
        "dmarc=fail header.from=mail.example.org",
        "spf=fail smtp.mailfrom=mail.example.org; dmarc=pass header.from=mail.example.org",
        "spf=softfail; dmarc=pass header.from=mail.example.org",
        "dkim=fail header.d=mail.example.org; dkim=pass header.d=mail.example.org; dmarc=pass header.from=mail.example.org",
        "dkim=permerror; dmarc=pass header.from=mail.example.org",
        "dkim=policy; dmarc=pass header.from=mail.example.org",
        "arc=fail; dmarc=pass header.from=mail.example.org",
    ] {
        assert_eq!(
            verify(&format!(
                "{from}\nAuthentication-Results: mx.line.example; {bad}"
            )),
            Verification::Failed,
            "{bad}"
        );
    }
}

/// Regression: a trusted dmarc=fail plus a forged dmarc=pass carrying the same authserv-id
/// was acknowledged, in either order. Two headers claiming the trusted id are a forgery.
#[test]
fn two_headers_claiming_the_trusted_id_are_failed() {
    let from = "From: j@mail.example.org";
    let fail = "Authentication-Results: mx.line.example; dmarc=fail header.from=mail.example.org";
    let forged = "Authentication-Results: mx.line.example; dmarc=pass header.from=mail.example.org";
    for headers in [
        format!("{from}\n{fail}\n{forged}"),
        format!("{from}\n{forged}\n{fail}"),
        format!("{from}\n{PASS}\n{forged}"),
        format!("{from}\n{forged}\nAuthentication-Results: MX.line.example 1; none"),
    ] {
        assert_eq!(verify(&headers), Verification::Failed, "{headers}");
    }
}
