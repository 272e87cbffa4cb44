//! Live intake from real Dovecot and Postfix on loopback.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{Env, ok, text};
use crate::mailstack::{self, MailStack};

/// A configured instance whose `[imap]` points at the stack's contact mailbox.
pub fn env_for(stack: &MailStack, tls: &str, password: &str, extra: &str) -> Env {
    let pw_dir = tempfile::tempdir().unwrap().keep();
    let pw = pw_dir.join("imap.password");
    fs::write(&pw, format!("{password}\n")).unwrap();
    fs::set_permissions(&pw, fs::Permissions::from_mode(0o600)).unwrap();
    Env::init_with(&format!("{extra}\n{}", stack.imap_config(tls, &pw)))
}

pub fn mail(n: usize, tag: &str) -> Vec<u8> {
    format!(
        "From: Writer {n} <writer{n}@example.test>\r\nTo: contact@example.test\r\nSubject: {tag} {n}\r\nMessage-ID: <{tag}.{n}@example.test>\r\nDate: Mon, 3 Jun 2024 10:00:00 +0200\r\n\r\nHello, this is {tag} number {n}.\r\n"
    )
    .into_bytes()
}

/// Subjects of every ticket.
pub fn subjects(env: &Env) -> Vec<String> {
    let out = env.ticket(&["list", "--status", "all", "--json"]);
    let v: Value = serde_json::from_str(&ok(out)).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|t| t["subject"].as_str().unwrap().to_string())
        .collect()
}

pub fn wait_tickets(env: &Env, n: usize, within: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < within {
        if subjects(env).len() >= n {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

fn idle_case(tls: &str) {
    if !mailstack::available() {
        return;
    }
    let stack = MailStack::start();
    let env = env_for(&stack, tls, "contact-pass", "");
    let d = env.start_daemon();
    // Let the daemon reach IDLE, then deliver.
    std::thread::sleep(Duration::from_millis(500));
    for i in 0..3 {
        stack.send("writer@example.test", "contact@example.test", &mail(i, tls));
    }
    assert!(
        wait_tickets(&env, 3, Duration::from_secs(30)),
        "3 tickets over {tls}: {:?}\n{}",
        subjects(&env),
        d.log_text()
    );
    assert!(
        stack.wait_count("contact", "", 0, Duration::from_secs(10)),
        "the mailbox is empty afterwards"
    );
    let mut s = subjects(&env);
    s.sort();
    assert_eq!(
        s,
        vec![format!("{tls} 0"), format!("{tls} 1"), format!("{tls} 2")]
    );
    let status: Value = serde_json::from_str(&ok(env.sourdine(&["status", "--json"]))).unwrap();
    assert_eq!(status["report"]["intake"]["taken_in"], 3, "{status}");
    assert!(status["report"]["intake"]["last_poll"].is_string());
    // No writer data in the daemon's log, whatever the level (it ran at debug).
    let log = d.log_text();
    assert!(
        !log.contains("writer0@") && !log.contains(&format!("{tls} 0")),
        "{log}"
    );
}

#[test]
fn mail_becomes_a_ticket_through_idle_plain() {
    idle_case("none");
}

#[test]
fn mail_becomes_a_ticket_through_idle_starttls() {
    idle_case("starttls");
}

#[test]
fn mail_becomes_a_ticket_through_idle_implicit_tls() {
    idle_case("implicit");
}

/// The mail server restarts while the daemon is in IDLE: it reconnects and goes on.
#[test]
fn a_server_restart_mid_idle_is_survived() {
    if !mailstack::available() {
        return;
    }
    let mut stack = MailStack::start();
    let env = env_for(&stack, "none", "contact-pass", "");
    let d = env.start_daemon();
    stack.send(
        "writer@example.test",
        "contact@example.test",
        &mail(1, "before"),
    );
    assert!(
        wait_tickets(&env, 1, Duration::from_secs(30)),
        "{}",
        d.log_text()
    );
    stack.down();
    std::thread::sleep(Duration::from_millis(500));
    stack.up();
    stack.send(
        "writer@example.test",
        "contact@example.test",
        &mail(2, "after"),
    );
    assert!(
        wait_tickets(&env, 2, Duration::from_secs(60)),
        "the daemon reconnected after the restart: {}",
        d.log_text()
    );
    assert!(stack.wait_count("contact", "", 0, Duration::from_secs(10)));
    let status: Value = serde_json::from_str(&ok(env.sourdine(&["status", "--json"]))).unwrap();
    assert!(
        status["report"]["intake"]["errors"].as_u64().unwrap() >= 1,
        "{status}"
    );
}

/// A wrong password: a clear error and a non-zero exit for `--once`.
#[test]
fn wrong_password_fails_clearly() {
    if !mailstack::available() {
        return;
    }
    let stack = MailStack::start();
    let env = env_for(&stack, "starttls", "not-the-password", "");
    let out = env.sourdine(&["run", "--once"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("refused the login") && err.contains("password_file"),
        "{err}"
    );
    assert!(
        !err.contains("not-the-password"),
        "the password is never printed"
    );
}

/// `run --once` empties the mailbox batch after batch and exits 0; an oversized message is
/// not fetched but moved to the operator's folder; without [imap] --once has nothing to do.
#[test]
fn run_once_takes_everything_and_moves_oversized_mail() {
    if !mailstack::available() {
        return;
    }
    let stack = MailStack::start();
    let env = env_for(&stack, "none", "contact-pass", "");
    let cfg = fs::read_to_string(&env.config).unwrap();
    fs::write(
        &env.config,
        format!("{cfg}batch_size = 7\nmax_message_bytes = 20000\noversize_folder = \"too-big\"\n"),
    )
    .unwrap();
    for i in 0..30 {
        stack.send(
            "writer@example.test",
            "contact@example.test",
            &mail(i, "once"),
        );
    }
    let mut big = String::from_utf8(mail(99, "big")).unwrap();
    big.push_str(&"A long line of text.\r\n".repeat(2000));
    stack.send(
        "writer@example.test",
        "contact@example.test",
        big.as_bytes(),
    );
    assert!(stack.wait_count("contact", "", 31, Duration::from_secs(30)));
    let out = ok(env.sourdine(&["run", "--once"]));
    assert!(out.contains("took in 30 message(s)"), "{out}");
    assert!(out.contains("moved 1 oversized"), "{out}");
    assert_eq!(subjects(&env).len(), 30);
    assert_eq!(stack.count("contact", ""), 0, "INBOX is empty");
    assert_eq!(
        stack.count("contact", ".too-big"),
        1,
        "the oversized message waits for the operator"
    );
    let audit = ok(env.sourdine(&["audit", "--json"]));
    assert!(audit.contains("intake.oversize"));
    // Again: nothing left, still exit 0.
    assert!(ok(env.sourdine(&["run", "--once"])).contains("took in 0 message(s)"));

    let plain = Env::new();
    assert!(ok(plain.sourdine(&["run", "--once"])).contains("no [imap] configured"));
}

/// `after_intake = "move:FOLDER"` leaves a copy in that folder instead of deleting.
#[test]
fn after_intake_move_leaves_a_copy_in_the_folder() {
    if !mailstack::available() {
        return;
    }
    let stack = MailStack::start();
    let env = env_for(&stack, "none", "contact-pass", "");
    let cfg = fs::read_to_string(&env.config).unwrap();
    fs::write(&env.config, format!("{cfg}after_intake = \"move:Done\"\n")).unwrap();
    for i in 0..3 {
        stack.send(
            "writer@example.test",
            "contact@example.test",
            &mail(i, "moved"),
        );
    }
    assert!(stack.wait_count("contact", "", 3, Duration::from_secs(30)));
    ok(env.sourdine(&["run", "--once"]));
    assert_eq!(subjects(&env).len(), 3);
    assert_eq!(stack.count("contact", ""), 0);
    assert_eq!(stack.count("contact", ".Done"), 3);
}
