//! Every message is prepared within `intake.max_prepare_seconds`: one that takes longer is
//! quarantined with its reason, the rest of its batch is ticketed, and over IMAP it is
//! removed from the mailbox like any committed message (never fetched again).

use std::fs;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{Env, ok, text};
use crate::imap::{env_for, mail, subjects};
use crate::mailstack::{self, MailStack};

/// Bytes that make the `prepare-worker-hang` failpoint hang on the message holding them
/// (`sourdine::intake::worker::FAILPOINT_MARK`).
const SLOW: &str = "sourdine-failpoint-slow-message";

fn slow_mail() -> Vec<u8> {
    format!(
        "From: Slow Writer <slow@example.test>\r\nTo: contact@example.test\r\nSubject: slow one\r\nMessage-ID: <slow.1@example.test>\r\n\r\nThis one never finishes: {SLOW}\r\n"
    )
    .into_bytes()
}

fn quarantine(env: &Env) -> Vec<Value> {
    let q: Value =
        serde_json::from_str(&ok(env.sourdine(&["quarantine", "list", "--json"]))).unwrap();
    q.as_array().unwrap().clone()
}

fn failpoints_build() -> bool {
    if !cfg!(feature = "failpoints") {
        eprintln!("SKIPPED: needs the failpoints build (cargo test --features failpoints)");
    }
    cfg!(feature = "failpoints")
}

#[test]
fn a_message_past_its_budget_is_quarantined_and_its_batch_goes_on() {
    if !failpoints_build() {
        return;
    }
    let env = Env::init_with("[intake]\nmax_prepare_seconds = 2\n");
    let dir = env.dir.path().join("in");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("a.eml"), mail(1, "fine")).unwrap();
    fs::write(dir.join("b.eml"), slow_mail()).unwrap();
    fs::write(dir.join("c.eml"), mail(2, "fine")).unwrap();
    let t0 = Instant::now();
    let out = env
        .cmd("sourdine")
        .args(["ingest", "--json"])
        .arg(&dir)
        .env("SOURDINE_FAILPOINT", "prepare-worker-hang")
        .env("SOURDINE_LOG", "warn")
        .output()
        .unwrap();
    let took = t0.elapsed();
    let err = text(&out.stderr);
    let c: Value = serde_json::from_str(&ok(out)).unwrap();
    assert_eq!(
        (c["ticketed"].as_u64(), c["quarantined"].as_u64()),
        (Some(2), Some(1)),
        "{c}"
    );
    assert!(took < Duration::from_secs(30), "bounded: {took:?}");
    assert!(err.contains("max_prepare_seconds"), "said why: {err}");
    assert!(
        !err.contains("slow") && !err.contains("Slow"),
        "no writer data: {err}"
    );
    let q = quarantine(&env);
    assert_eq!(q.len(), 1);
    assert_eq!(q[0]["reason"], "took too long to prepare", "{q:?}");
    let mut s = subjects(&env);
    s.sort();
    assert_eq!(s, vec!["fine 1", "fine 2"]);
}

#[test]
fn over_imap_a_message_past_its_budget_is_quarantined_once_and_removed() {
    if !failpoints_build() || !mailstack::available() {
        return;
    }
    let stack = MailStack::start();
    let env = env_for(
        &stack,
        "none",
        "contact-pass",
        "[intake]\nmax_prepare_seconds = 2\n",
    );
    stack.send(
        "writer@example.test",
        "contact@example.test",
        &mail(1, "imap"),
    );
    stack.send("writer@example.test", "contact@example.test", &slow_mail());
    stack.send(
        "writer@example.test",
        "contact@example.test",
        &mail(2, "imap"),
    );
    assert!(stack.wait_count("contact", "", 3, Duration::from_secs(30)));
    let run_once = || {
        let out = env
            .cmd("sourdine")
            .args(["run", "--once"])
            .env("SOURDINE_FAILPOINT", "prepare-worker-hang")
            .output()
            .unwrap();
        ok(out)
    };
    let t0 = Instant::now();
    let out = run_once();
    assert!(out.contains("took in 3 message(s)"), "{out}");
    assert!(t0.elapsed() < Duration::from_secs(60), "{:?}", t0.elapsed());
    assert_eq!(stack.count("contact", ""), 0, "the mailbox is empty");
    let q = quarantine(&env);
    assert_eq!(q.len(), 1);
    assert_eq!(q[0]["reason"], "took too long to prepare");
    assert_eq!(subjects(&env).len(), 2);
    // Nothing is fetched again: the slow message is not taken in a second time.
    assert!(run_once().contains("took in 0 message(s)"));
    assert_eq!(quarantine(&env).len(), 1);
}
