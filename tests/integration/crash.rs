//! The crash test: mail keeps arriving while the daemon is killed at random moments and
//! stopped by failpoints at the dangerous places. Nothing may be lost, nothing duplicated,
//! and the mailbox ends empty.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::common::{Rng, long, ok};
use crate::imap::{env_for, mail, subjects};
use crate::mailstack::{self, MailStack};

const FAILPOINTS: &[&str] = &[
    "imap-before-commit",
    "imap-mid-batch",
    "imap-after-commit",
    "imap-before-expunge",
    "imap-after-expunge",
];

#[test]
fn intake_survives_kills_and_failpoints_without_loss_or_duplicates() {
    if !mailstack::available() {
        return;
    }
    if !cfg!(feature = "failpoints") {
        eprintln!(
            "SKIPPED: the crash test needs the failpoints build (cargo test --features failpoints)"
        );
        return;
    }
    let mut rng = Rng::from_env("crash test");
    let (messages, kills) = if long() { (2000, 200) } else { (300, 30) };
    let stack = MailStack::start();
    let env = env_for(&stack, "none", "contact-pass", "");
    let cfg = std::fs::read_to_string(&env.config).unwrap();
    std::fs::write(
        &env.config,
        format!("{cfg}batch_size = 16\npoll_interval_secs = 1\n"),
    )
    .unwrap();

    let smtp = stack.smtp;
    let mut delivery_rng = Rng(rng.next() | 1);
    let delivery = std::thread::spawn(move || {
        for i in 0..messages {
            crate::mailstack::send_smtp(
                smtp,
                "writer@example.test",
                "contact@example.test",
                &mail(i, "crash"),
            )
            .unwrap();
            if delivery_rng.range(0, 4) == 0 {
                std::thread::sleep(Duration::from_millis(delivery_rng.range(1, 30)));
            }
        }
    });

    let mut killed = 0;
    // Messages sent by the failpoint rounds are numbered after the others.
    let mut extra = messages;
    let mut aborted = BTreeMap::new();
    let mut round = 0;
    while killed < kills || !delivery.is_finished() {
        round += 1;
        if round % 5 == 0 {
            // A failpoint round: the daemon aborts itself at a dangerous place.
            let fp = FAILPOINTS[(round / 5) % FAILPOINTS.len()];
            // Make sure mail waits, so the daemon reaches the failpoint.
            for _ in 0..3 {
                stack.send(
                    "writer@example.test",
                    "contact@example.test",
                    &mail(extra, "crash"),
                );
                extra += 1;
            }
            let mut cmd = env.cmd("sourdine");
            cmd.arg("run").env("SOURDINE_FAILPOINT", fp);
            let mut child = cmd
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
            let start = std::time::Instant::now();
            loop {
                if child.try_wait().unwrap().is_some() {
                    *aborted.entry(fp).or_insert(0) += 1;
                    break;
                }
                if start.elapsed() > Duration::from_secs(10) {
                    let _ = child.kill();
                    let _ = child.wait();
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            continue;
        }
        let mut d = env.start_daemon();
        std::thread::sleep(Duration::from_millis(rng.range(20, 600)));
        d.kill();
        killed += 1;
    }
    delivery.join().unwrap();

    // Let the last delivery reach the mailbox, then drain it.
    std::thread::sleep(Duration::from_secs(2));
    for _ in 0..5 {
        ok(env.sourdine(&["run", "--once"]));
        if stack.count("contact", "") == 0 {
            break;
        }
        std::thread::sleep(Duration::from_secs(1));
    }
    let subjects = subjects(&env);
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for s in &subjects {
        *seen.entry(s.clone()).or_default() += 1;
    }
    let duplicates: usize = seen.values().map(|n| n - 1).sum();
    let sent = extra;
    let lost: Vec<usize> = (0..sent)
        .filter(|i| !seen.contains_key(&format!("crash {i}")))
        .collect();
    let left = stack.count("contact", "");
    eprintln!(
        "crash test: {sent} sent, {} tickets, {duplicates} duplicates, {} lost, {left} left in the mailbox, {killed} SIGKILLs, failpoint aborts {aborted:?}",
        subjects.len(),
        lost.len()
    );
    assert!(lost.is_empty(), "lost messages: {lost:?}");
    assert_eq!(duplicates, 0, "duplicated tickets");
    assert_eq!(left, 0, "the mailbox is empty at the end");
    assert!(aborted.len() >= 3, "failpoints were reached: {aborted:?}");
    let v: serde_json::Value =
        serde_json::from_str(&ok(env.sourdine(&["audit", "--verify", "--json"]))).unwrap();
    assert_eq!(v["ok"], true, "the audit chain survived the crashes: {v}");
}
