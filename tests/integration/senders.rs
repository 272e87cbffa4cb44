//! Mail from the helpline goes only to the sender the trusted server verified: forgeries of
//! the verdict, automatic mail and repeated senders get no acknowledgement; a counsellor's
//! reply to a sender nobody verified needs `--unverified`. Real binaries, real Postfix and
//! Dovecot on loopback; the Postfix plays the helpline's MX (deploy/dev/mailstack.sh): it
//! vouches for writer@example.test, gives spoofer@example.test a failed verdict, and, like a
//! misconfigured MX, leaves headers that claim its name in place.

use std::fs;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{Env, ok, text};
use crate::imap::wait_tickets;
use crate::mailstack::{self, MailStack};
use crate::replies::{helpline, wait_inbox};

/// A new message to the helpline; `extra` is more header lines, each ending in CRLF.
fn mail(from: &str, subject: &str, extra: &str) -> String {
    let id = subject
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>();
    format!(
        "From: {from}\r\nTo: contact@example.test\r\nSubject: {subject}\r\nMessage-ID: <{id}.{}@example.test>\r\nDate: Mon, 3 Jun 2024 10:00:00 +0200\r\n{extra}\r\nHello, I would like to talk to someone about what happens at home.\r\n",
        std::process::id()
    )
}

/// The ticket whose subject contains `marker`.
fn ticket_with(env: &Env, marker: &str) -> String {
    let out = ok(env.ticket(&["list", "--status", "all", "--json"]));
    let v: Value = serde_json::from_str(&out).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .find(|t| t["subject"].as_str().unwrap_or("").contains(marker))
        .unwrap_or_else(|| panic!("no ticket for {marker}: {v}"))["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The outbox's acknowledgements, by ticket.
fn acknowledged(env: &Env) -> Vec<String> {
    let v: Value = serde_json::from_str(&ok(env.sourdine(&["outbox", "--json"]))).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .filter(|o| o["kind"] == "acknowledgement")
        .map(|o| o["ticket"].as_str().unwrap().to_string())
        .collect()
}

/// Waits until the outbox has sent everything it holds (nothing queued).
fn outbox_settled(env: &Env, within: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < within {
        let v: Value = serde_json::from_str(&ok(env.sourdine(&["outbox", "--json"]))).unwrap();
        if v.as_array()
            .unwrap()
            .iter()
            .all(|o| o["delivery"]["state"] != "queued")
        {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

/// One request on the control socket, as JSON, and its answer.
fn raw_request(socket: &std::path::Path, line: &str) -> Value {
    use std::io::{BufRead, BufReader, Write};
    let mut s = std::os::unix::net::UnixStream::connect(socket).unwrap();
    s.write_all(line.as_bytes()).unwrap();
    s.write_all(b"\n").unwrap();
    let mut answer = String::new();
    BufReader::new(s).read_line(&mut answer).unwrap();
    serde_json::from_str(&answer).unwrap()
}

fn subjects(msgs: &[Vec<u8>]) -> Vec<String> {
    msgs.iter()
        .map(|m| {
            mail_parser::MessageParser::default()
                .parse(m)
                .and_then(|p| p.subject().map(str::to_string))
                .unwrap_or_default()
        })
        .collect()
}

/// The forgery shapes the issue saw: each was acknowledged and marked verified. Now none is
/// acknowledged, none is verified, the Reply-To is never written to, and a verified writer
/// still gets an acknowledgement. A counsellor's reply to a forgery is refused without
/// `--unverified`, delivered (to the From address, never the Reply-To) and audited with it.
#[test]
fn forged_verdicts_get_no_acknowledgement() {
    if !mailstack::available() {
        return;
    }
    let stack = MailStack::start();
    let env = helpline(&stack, "");
    let d = env.start_daemon();
    let forged_pass = "Authentication-Results: mail.example.test; dkim=pass header.d=example.test; dmarc=pass header.from=example.test\r\n";
    let shapes: [(&str, &str, String, &str); 4] = [
        // From the attacker's own address with a genuine pass, Reply-To a third person.
        (
            "writer@example.test",
            "FORGEREPLYTO",
            "Reply-To: Victim <victim@example.test>\r\n".into(),
            "unknown",
        ),
        // The MX's genuine dmarc=fail on top, a forged dmarc=pass with its name below.
        (
            "spoofer@example.test",
            "FORGEFAILFIRST",
            forged_pass.into(),
            "failed",
        ),
        // The forged pass above, the MX's genuine fail below it.
        (
            "forger@example.test",
            "FORGEPASSFIRST",
            format!("{forged_pass}X-Test-Mx-Verdict: fail\r\n"),
            "failed",
        ),
        // The only header with the MX's name says dmarc=pass, but for no header.from.
        (
            "forger@example.test",
            "FORGENOHEADERFROM",
            "Authentication-Results: mail.example.test; dmarc=pass\r\n".into(),
            "unknown",
        ),
    ];
    for (envelope, subject, extra, _) in &shapes {
        let raw = mail("A Writer <writer@example.test>", subject, extra);
        stack.send(envelope, "contact@example.test", raw.as_bytes());
    }
    let genuine = mail("A Writer <writer@example.test>", "GENUINEWRITER", "");
    stack.send(
        "writer@example.test",
        "contact@example.test",
        genuine.as_bytes(),
    );
    assert!(
        wait_tickets(&env, shapes.len() + 1, Duration::from_secs(60)),
        "{}",
        d.log_text()
    );
    // The verified writer's acknowledgement arrives; nothing else does.
    wait_inbox(&stack, "writer", 1, Duration::from_secs(30));
    assert!(outbox_settled(&env, Duration::from_secs(30)));
    std::thread::sleep(Duration::from_secs(1));
    let inbox = stack.messages("writer", "");
    let genuine_id = ticket_with(&env, "GENUINEWRITER");
    assert_eq!(
        subjects(&inbox),
        vec![format!("Re: GENUINEWRITER [{genuine_id}]")],
        "{}",
        d.log_text()
    );
    assert!(
        stack.messages("victim", "").is_empty(),
        "never the Reply-To"
    );
    assert_eq!(acknowledged(&env), vec![genuine_id.clone()]);
    assert_eq!(env.show(&genuine_id)["sender"], "verified");
    for (_, subject, _, verdict) in &shapes {
        let id = ticket_with(&env, subject);
        let t = env.show(&id);
        assert_eq!(t["sender_verified"], false, "{subject}: {t}");
        assert_eq!(t["sender"], *verdict, "{subject}: {t}");
        assert_eq!(t["messages"].as_array().unwrap().len(), 1, "{subject}: {t}");
        let human = ok(env.ticket(&["show", &id]));
        assert!(human.contains("Sender not verified"), "{human}");
        assert_eq!(
            human.contains("suspicious"),
            *verdict == "failed",
            "{human}"
        );
        for address in ["writer@", "victim@", "spoofer@", "forger@"] {
            assert!(!human.contains(address), "{human}");
        }
    }

    // A counsellor answers the Reply-To forgery: refused without --unverified, nothing queued.
    let id = ticket_with(&env, "FORGEREPLYTO");
    let f = env.dir.path().join("reply.txt");
    fs::write(&f, "We read you. UNVERIFIEDREPLYTOKEN\n").unwrap();
    let refused = env.ticket(&["reply", &id, "--file", f.to_str().unwrap(), "--yes"]);
    assert!(!refused.status.success());
    let err = text(&refused.stderr);
    assert!(
        err.contains("--unverified") && err.contains("did not verify"),
        "{err}"
    );
    assert_eq!(env.show(&id)["messages"].as_array().unwrap().len(), 1);
    // The service refuses it too when a client (an older `ticket`) leaves the confirmation out.
    let answer = raw_request(
        &d.socket,
        &format!(r#"{{"v":1,"request":{{"op":"reply","id":"{id}","text":"RAWREPLYTOKEN"}}}}"#),
    );
    assert_eq!(answer["error"]["kind"], "conflict", "{answer}");
    assert!(!env.show(&id).to_string().contains("RAWREPLYTOKEN"));
    let failed_id = ticket_with(&env, "FORGEFAILFIRST");
    let again = env.ticket(&["reply", &failed_id, "--file", f.to_str().unwrap(), "--yes"]);
    assert!(!again.status.success(), "refused without --unverified");
    assert!(text(&again.stderr).contains("--unverified"));
    // With --unverified it is queued, audited, and delivered to the From address only.
    let queued = ok(env.ticket(&[
        "reply",
        &id,
        "--file",
        f.to_str().unwrap(),
        "--yes",
        "--unverified",
    ]));
    assert!(queued.contains("queued"), "{queued}");
    let inbox = wait_inbox(&stack, "writer", 2, Duration::from_secs(30));
    assert!(
        inbox
            .iter()
            .any(|m| String::from_utf8_lossy(m).contains("UNVERIFIEDREPLYTOKEN")),
        "{}",
        d.log_text()
    );
    assert!(
        stack.messages("victim", "").is_empty(),
        "never the Reply-To"
    );
    let audit: Value =
        serde_json::from_str(&ok(env.sourdine(&["audit", "--tail", "20", "--json"]))).unwrap();
    let entry = audit
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "reply.unverified")
        .unwrap_or_else(|| panic!("the confirmation is audited: {audit}"));
    assert_eq!(entry["ticket"], id.as_str());
    assert!(!audit.to_string().contains("writer@example.test"));
}

/// Automatic mail in every common form gets no acknowledgement (RFC 3834 and the vendor
/// forms), although our MX verified its sender; the ordinary mail sent after it gets one.
#[test]
fn automatic_mail_gets_no_acknowledgement() {
    if !mailstack::available() {
        return;
    }
    let stack = MailStack::start();
    let env = helpline(&stack, "");
    let d = env.start_daemon();
    let writer = "A Writer <writer@example.test>";
    let forms: Vec<(String, String, String)> = [
        ("AUTOPRECAUTOREPLY", writer, "Precedence: auto_reply\r\n"),
        ("AUTOPRECBULK", writer, "Precedence: bulk\r\n"),
        ("AUTOPRECJUNK", writer, "Precedence: junk\r\n"),
        ("AUTOPRECLIST", writer, "Precedence: list\r\n"),
        ("AUTOXAUTOREPLY", writer, "X-Autoreply: yes\r\n"),
        ("AUTOXAUTORESPOND", writer, "X-Autorespond: yes\r\n"),
        ("AUTOXLOOP", writer, "X-Loop: contact@example.test\r\n"),
        ("AUTOSUBREPLIED", writer, "Auto-Submitted: auto-replied\r\n"),
        (
            "AUTOSUBGENERATED",
            writer,
            "Auto-Submitted: auto-generated\r\n",
        ),
        ("AUTONOREPLY", "Notices <noreply@example.test>", ""),
        ("AUTONODASHREPLY", "Notices <no-reply@example.test>", ""),
        ("AUTOMAILERDAEMON", "MAILER-DAEMON@example.test", ""),
        ("AUTOPOSTMASTER", "postmaster@example.test", ""),
    ]
    .iter()
    .map(|(s, f, h)| (s.to_string(), f.to_string(), h.to_string()))
    .chain(
        [
            "Automatic reply: AUTOOOOEN",
            "Out of Office: AUTOOOOEN2",
            "Réponse automatique : AUTOOOOFR",
            "Absence",
            "Automatisch antwoord: AUTOOOONL",
            "Afwezig",
            "Abwesenheitsnotiz: AUTOOOODE",
        ]
        .iter()
        .map(|s| (s.to_string(), writer.to_string(), String::new())),
    )
    .collect();
    for (subject, from, extra) in &forms {
        let subject = if subject.is_ascii() {
            subject.clone()
        } else {
            format!("=?utf-8?b?{}?=", base64_encode(subject.as_bytes()))
        };
        let raw = mail(from, &subject, extra);
        stack.send(
            "writer@example.test",
            "contact@example.test",
            raw.as_bytes(),
        );
    }
    // Sent last: had any automatic form been acknowledged, the day's one acknowledgement to
    // this address would be gone, and this mail would get none.
    let control = mail(writer, "ORDINARYMAIL", "");
    stack.send(
        "writer@example.test",
        "contact@example.test",
        control.as_bytes(),
    );
    assert!(
        wait_tickets(&env, forms.len() + 1, Duration::from_secs(60)),
        "{}",
        d.log_text()
    );
    let inbox = wait_inbox(&stack, "writer", 1, Duration::from_secs(30));
    assert!(outbox_settled(&env, Duration::from_secs(30)));
    let control_id = ticket_with(&env, "ORDINARYMAIL");
    assert_eq!(
        acknowledged(&env),
        vec![control_id.clone()],
        "only the ordinary mail is acknowledged: {}",
        d.log_text()
    );
    assert_eq!(
        subjects(&inbox),
        vec![format!("Re: ORDINARYMAIL [{control_id}]")]
    );
}

fn base64_encode(b: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in b.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= c.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// One acknowledgement per address and day: three new tickets from one verified writer get
/// one; another address (nobody could check it, and the operator opted in) gets its own; a
/// failed check never gets one. The memory holds across processes (`run --once`) and dies
/// with the day: the next day the writer is acknowledged again, and a purge after that day
/// leaves no trace of it.
#[test]
fn one_acknowledgement_per_address_and_day() {
    if !mailstack::available() {
        return;
    }
    let stack = MailStack::start();
    let env = helpline(&stack, "acknowledge_unverified = true");
    let mut d = env.start_daemon();
    for i in 0..3 {
        let raw = mail("A Writer <writer@example.test>", &format!("LIMITW{i}"), "");
        stack.send(
            "writer@example.test",
            "contact@example.test",
            raw.as_bytes(),
        );
    }
    for i in 0..2 {
        let raw = mail("Someone <victim@example.test>", &format!("LIMITV{i}"), "");
        stack.send(
            "victim@example.test",
            "contact@example.test",
            raw.as_bytes(),
        );
    }
    // Failed (the MX's dmarc=fail): never acknowledged, even with the opt-in.
    let raw = mail("Other <other@example.test>", "LIMITFAILED", "");
    stack.send(
        "spoofer@example.test",
        "contact@example.test",
        raw.as_bytes(),
    );
    assert!(
        wait_tickets(&env, 6, Duration::from_secs(60)),
        "{}",
        d.log_text()
    );
    wait_inbox(&stack, "victim", 1, Duration::from_secs(30));
    wait_inbox(&stack, "writer", 1, Duration::from_secs(30));
    assert!(outbox_settled(&env, Duration::from_secs(30)));
    let acks = acknowledged(&env);
    assert_eq!(acks.len(), 2, "{acks:?}: {}", d.log_text());
    let writer_tickets: Vec<String> = (0..3)
        .map(|i| ticket_with(&env, &format!("LIMITW{i}")))
        .collect();
    let victim_tickets: Vec<String> = (0..2)
        .map(|i| ticket_with(&env, &format!("LIMITV{i}")))
        .collect();
    assert_eq!(
        acks.iter().filter(|a| writer_tickets.contains(a)).count(),
        1
    );
    assert_eq!(
        acks.iter().filter(|a| victim_tickets.contains(a)).count(),
        1
    );
    assert_eq!(
        env.show(&ticket_with(&env, "LIMITFAILED"))["sender"],
        "failed"
    );
    assert_eq!(env.show(&victim_tickets[0])["sender"], "unknown");
    assert_eq!(stack.messages("writer", "").len(), 1);
    assert_eq!(stack.messages("victim", "").len(), 1);
    d.stop();

    // What it remembers: a day key in key_dir, hashes in data_dir; no address.
    let key = env.key_dir.join("ack-day.key");
    let list = env.data_dir.join("ack-day");
    assert_eq!(fs::read(&key).unwrap().len(), 32);
    let remembered = fs::read(&list).unwrap();
    assert_eq!(remembered.len(), 8 + 2 * 32, "two addresses today");
    assert!(!String::from_utf8_lossy(&remembered).contains("example"));

    // Another process the same day remembers.
    let raw = mail("A Writer <writer@example.test>", "LIMITW3", "");
    stack.send(
        "writer@example.test",
        "contact@example.test",
        raw.as_bytes(),
    );
    assert!(stack.wait_count("contact", "", 1, Duration::from_secs(20)));
    ok(env.sourdine(&["run", "--once"]));
    assert_eq!(acknowledged(&env).len(), 2, "not twice the same day");

    // The next day (the clock moved on by a day): the old memory is destroyed, and the
    // writer is acknowledged again.
    let raw = mail("A Writer <writer@example.test>", "LIMITNEXTDAY", "");
    stack.send(
        "writer@example.test",
        "contact@example.test",
        raw.as_bytes(),
    );
    assert!(stack.wait_count("contact", "", 1, Duration::from_secs(20)));
    let next_day = |args: &[&str]| {
        ok(env
            .cmd("sourdine")
            .args(args)
            .env("SOURDINE_CLOCK_OFFSET", "86400")
            .output()
            .unwrap())
    };
    next_day(&["run", "--once"]);
    let acks = acknowledged(&env);
    assert_eq!(acks.len(), 3, "{acks:?}");
    assert!(acks.contains(&ticket_with(&env, "LIMITNEXTDAY")));
    assert_eq!(
        fs::read(&list).unwrap().len(),
        8 + 32,
        "yesterday's addresses are gone"
    );
    // Two days on, a purge leaves no memory at all.
    ok(env
        .cmd("sourdine")
        .args(["purge"])
        .env("SOURDINE_CLOCK_OFFSET", "172800")
        .output()
        .unwrap());
    assert!(!key.exists() && !list.exists());
}
