//! What the helpline sends must reach people: every kind of outgoing message (the
//! acknowledgement and a counsellor's reply, in French, Dutch and English), as it arrives
//! through the real Postfix and Dovecot, is scored by SpamAssassin (Debian's package, its
//! shipped rules, local tests only: no DNS, no network checks, no Bayes) under 1.0.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::ok;
use crate::mailstack::{self, MailStack};
use crate::replies::{helpline, wait_inbox};

/// The highest score a message of ours may get.
const MAX_SCORE: f64 = 1.0;

/// A SpamAssassin verdict: the score and the rules that fired.
struct Verdict {
    score: f64,
    rules: String,
    report: String,
}

fn spamassassin_installed() -> bool {
    Command::new("spamassassin")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Scores one raw message with local rules only, in a throw-away home (no user prefs, no
/// Bayes database, no learning).
fn score(raw: &[u8]) -> Verdict {
    let home = tempfile::tempdir().unwrap();
    let mut child = Command::new("spamassassin")
        .args([
            "--local",
            "--nocreate-prefs",
            "--test-mode",
            "--cf=use_bayes 0",
            "--cf=bayes_auto_learn 0",
            // The loopback servers are always trusted relays to SpamAssassin, which then
            // takes a point off; a writer's provider gives no such bonus.
            "--cf=score ALL_TRUSTED 0",
        ])
        .env("HOME", home.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spamassassin runs");
    child.stdin.take().unwrap().write_all(raw).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "spamassassin failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    // X-Spam-Status: No, score=0.1 required=5.0 tests=A,B,\n\tC autolearn=... (folded)
    let mut status = String::new();
    let mut in_status = false;
    for line in text.lines() {
        if line.is_empty() {
            break;
        }
        if line.starts_with("X-Spam-Status:") {
            in_status = true;
            status.push_str(line);
        } else if in_status && line.starts_with([' ', '\t']) {
            status.push(' ');
            status.push_str(line.trim());
        } else {
            in_status = false;
        }
    }
    let score = status
        .split_whitespace()
        .find_map(|w| w.strip_prefix("score="))
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or_else(|| panic!("no score in: {status}"));
    // The list of tests may be folded after a comma: join it again.
    let rules: String = status
        .split_once("tests=")
        .map(|(_, t)| t.split(" autolearn=").next().unwrap_or(t))
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let report = text
        .split("Content analysis details:")
        .nth(1)
        .unwrap_or("")
        .to_string();
    Verdict {
        score,
        rules,
        report,
    }
}

/// What the counsellor writes into the saved reply's gap, in the order of [`WRITERS`].
const FILLED: [&str; 3] = [
    "Ce que vous ressentez est important, et vous avez bien fait de l'écrire. Vous n'êtes pas obligée d'en parler à votre famille tout de suite : nous pouvons d'abord en parler ensemble, à votre rythme.",
    "Wat je voelt is belangrijk, en het is goed dat je het hebt opgeschreven. Je hoeft het niet meteen aan je familie te vertellen: we kunnen er eerst samen over praten, in jouw tempo.",
    "What you feel matters, and you did well to write it down. You do not have to tell your family straight away: we can talk about it together first, at your own pace.",
];

/// The writer's first mail in each language, and the acknowledgement and reply it gets.
const WRITERS: [(&str, &str, &str); 3] = [
    (
        "fr",
        "Besoin de parler",
        "Bonjour, je ne sais pas à qui parler. Depuis des mois je me sens seule et j'ai peur de le dire à ma famille. Est-ce que vous pouvez m'aider ?",
    ),
    (
        "nl",
        "Ik wil praten",
        "Hallo, ik weet niet met wie ik moet praten. Ik voel me al maanden alleen en ik durf het niet aan mijn familie te zeggen. Kunnen jullie mij helpen?",
    ),
    (
        "en",
        "I need to talk",
        "Hello, I don't know who to talk to. For months I have been feeling alone and I am afraid to tell my family. Can you help me?",
    ),
];

#[test]
fn outgoing_mail_scores_under_one_with_spamassassin() {
    if !mailstack::available() {
        return;
    }
    if !spamassassin_installed() {
        eprintln!(
            "SKIPPED: spamassassin is not installed (apt-get install spamassassin; .ci/run installs it)"
        );
        return;
    }
    let stack = MailStack::start();
    let env = helpline(&stack, "");
    // One writer, one language a day: the acknowledgement goes to an address once a day.
    for (day, (lang, subject, text)) in WRITERS.iter().enumerate() {
        let offset = (day as i64 * 86_400).to_string();
        let at = |args: &[&str]| {
            ok(env
                .cmd(args[0])
                .args(&args[1..])
                .env("SOURDINE_CLOCK_OFFSET", &offset)
                .output()
                .unwrap())
        };
        let raw = format!(
            "From: A Writer <writer@example.test>\r\nTo: contact@example.test\r\nSubject: {subject}\r\nMessage-ID: <spam-{lang}@example.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{text}\r\n"
        );
        stack.send(
            "writer@example.test",
            "contact@example.test",
            raw.as_bytes(),
        );
        assert!(stack.wait_count("contact", "", 1, Duration::from_secs(20)));
        at(&["sourdine", "run", "--once"]);
        let id = env
            .ticket_ids()
            .into_iter()
            .find(|id| env.show(id)["subject"] == *subject)
            .expect("the ticket");
        assert_eq!(env.show(&id)["language"], *lang);
        // The saved reply as a counsellor sends it: its gap filled in the writer's language.
        let saved = std::fs::read_to_string(
            crate::common::root().join(format!("deploy/templates/welcome.{lang}.txt")),
        )
        .unwrap();
        let filled = saved.replace("[...]", FILLED[day]);
        assert_ne!(filled, saved, "the saved reply has its gap");
        let file = env.dir.path().join(format!("reply-{lang}.txt"));
        std::fs::write(&file, filled).unwrap();
        at(&[
            "ticket",
            "reply",
            &id,
            "--file",
            file.to_str().unwrap(),
            "--yes",
        ]);
        at(&["sourdine", "run", "--once"]);
        wait_inbox(&stack, "writer", 2 * (day + 1), Duration::from_secs(30));
    }
    let inbox = stack.messages("writer", "");
    assert_eq!(
        inbox.len(),
        6,
        "an acknowledgement and a reply per language"
    );
    let mut report = Vec::new();
    let mut worst = f64::MIN;
    for raw in &inbox {
        let msg = mail_parser::MessageParser::default().parse(raw).unwrap();
        let kind = if msg.header_raw("Auto-Submitted").is_some() {
            "acknowledgement"
        } else {
            "reply"
        };
        let subject = msg.subject().unwrap_or("").to_string();
        let lang = WRITERS
            .iter()
            .find(|(_, s, _)| subject.contains(s))
            .map_or("?", |(l, _, _)| l);
        let v = score(raw);
        eprintln!(
            "spamassassin: {kind} ({lang}): score {:.1}, rules {}",
            v.score,
            if v.rules.is_empty() { "none" } else { &v.rules }
        );
        worst = worst.max(v.score);
        if v.score >= MAX_SCORE {
            report.push(format!(
                "{kind} ({lang}) scored {:.1} (rules {}):{}\n{}",
                v.score,
                v.rules,
                v.report,
                String::from_utf8_lossy(raw)
            ));
        }
    }
    assert!(
        report.is_empty(),
        "outgoing mail scored {MAX_SCORE} or more:\n{}",
        report.join("\n")
    );
    eprintln!("spamassassin: 6 messages, worst score {worst:.1}");
    let kinds: Vec<bool> = inbox
        .iter()
        .map(|m| String::from_utf8_lossy(m).contains("Auto-Submitted: auto-replied"))
        .collect();
    assert_eq!(
        kinds.iter().filter(|a| **a).count(),
        3,
        "three acknowledgements"
    );
}
