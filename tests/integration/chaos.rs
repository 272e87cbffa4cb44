//! The chaos run: for a set time, mail of every kind (the fixtures, the shared corpus,
//! generated mail) is delivered while the daemon, Dovecot and Postfix are restarted or killed
//! at random; replies are queued all along. At the end: what was sent, ticketed,
//! quarantined, duplicated, queued, delivered, and lost. Lost must be 0.
//!
//! Short here (`SOURDINE_CHAOS_SECS`, default 40); `deploy/dev/chaos.sh` runs it for longer
//! (`SOURDINE_LONG=1`: 20 minutes).

use std::collections::BTreeMap;
use std::fs;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{Env, Rng, files_under, long, ok, root, shared_corpus};
use crate::mailstack::{self, MailStack, SendError, send_smtp};

/// Every source message: the fixtures, the shared corpus (if present), generated mail.
fn sources() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut dirs = vec![
        root().join("fixtures/clients"),
        root().join("fixtures/attachments"),
    ];
    if let Some(c) = shared_corpus() {
        dirs.push(c);
    }
    for d in dirs {
        if !d.is_dir() {
            continue;
        }
        for f in files_under(&d) {
            if f.extension().is_some_and(|x| x == "eml") {
                // The hostile fixture is half a megabyte of zip bomb; once is enough elsewhere.
                if f.ends_with("hostile.eml") {
                    continue;
                }
                out.push(fs::read(&f).unwrap());
            }
        }
    }
    let mix = sourdine_corpus::Mix {
        jpeg: 0,
        pdf: 0,
        ..Default::default()
    };
    for i in 0..40 {
        out.push(sourdine_corpus::generate(3, i, &mix));
    }
    out
}

/// `raw` with its Subject prefixed by `[chaos N]` (added when there is none).
fn tagged(raw: &[u8], n: usize) -> Vec<u8> {
    let text = String::from_utf8_lossy(raw).replace("\r\n", "\n");
    let (head, body) = match text.find("\n\n") {
        Some(i) => (&text[..i], &text[i..]),
        None => (text.as_str(), "\n\n"),
    };
    let mut lines: Vec<String> = head.lines().map(str::to_string).collect();
    match lines
        .iter()
        .position(|l| l.to_ascii_lowercase().starts_with("subject:"))
    {
        Some(i) => {
            let value = lines[i][8..].trim().to_string();
            lines[i] = format!("Subject: [chaos {n}] {value}");
        }
        None => lines.push(format!("Subject: [chaos {n}]")),
    }
    format!("{}{}", lines.join("\n"), body).into_bytes()
}

/// A message from the writer's own test mailbox, so replies to it can be delivered.
fn writer_mail(n: usize) -> Vec<u8> {
    format!(
        "From: Writer <writer@example.test>\nTo: contact@example.test\nSubject: [chaos {n}] I need to talk\nMessage-ID: <chaos{n}@example.test>\n\nPlease answer me, number {n}.\n"
    )
    .into_bytes()
}

fn chaos_number(subject: &str) -> Option<usize> {
    let i = subject.find("[chaos ")?;
    subject[i + 7..].split(']').next()?.trim().parse().ok()
}

#[test]
fn chaos_run_loses_nothing() {
    if !mailstack::available() {
        return;
    }
    let secs: u64 = std::env::var("SOURDINE_CHAOS_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if long() { 1200 } else { 40 });
    let mut rng = Rng::from_env("chaos run");
    let stack = Arc::new(Mutex::new(MailStack::start()));
    let (smtp_port, imap_cfg) = {
        let s = stack.lock().unwrap();
        let pw = tempfile::tempdir().unwrap().keep().join("pw");
        fs::write(&pw, "contact-pass\n").unwrap();
        // The service refuses a password file other users can read.
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&pw, fs::Permissions::from_mode(0o600)).unwrap();
        (s.smtp, s.imap_config("none", &pw))
    };
    let env = Arc::new(
        Env::init_with(&format!(
            "[replies]\nacknowledge = false\n{imap_cfg}batch_size = 8\npoll_interval_secs = 1\n[smtp]\nhost = \"127.0.0.1\"\nport = {smtp_port}\ntls = \"none\"\ntimeout_secs = 10\nretry_secs = 1\nmax_retry_secs = 4\n"
        ))
        .with_contact("contact@example.test"),
    );
    let sources = sources();
    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicUsize::new(0));
    let writer_numbers = Arc::new(Mutex::new(Vec::new()));
    // Sessions that broke after the final dot: the server may or may not have the message.
    let ambiguous = Arc::new(Mutex::new(Vec::<usize>::new()));

    // Delivery: one message after another, every kind; a failed SMTP session is retried.
    let delivery = {
        let (stop, sent, writer_numbers, ambiguous) = (
            stop.clone(),
            sent.clone(),
            writer_numbers.clone(),
            ambiguous.clone(),
        );
        let mut rng = Rng(rng.next() | 1);
        std::thread::spawn(move || {
            let mut n = 0;
            let mut raw = Vec::new();
            while !stop.load(Ordering::SeqCst) {
                if raw.is_empty() {
                    raw = if n % 5 == 0 {
                        writer_mail(n)
                    } else {
                        tagged(&sources[rng.range(0, sources.len() as u64) as usize], n)
                    };
                }
                match send_smtp(
                    smtp_port,
                    "sender@example.org",
                    "contact@example.test",
                    &raw,
                ) {
                    Ok(()) => {
                        if n % 5 == 0 {
                            writer_numbers.lock().unwrap().push(n);
                        }
                        n += 1;
                        raw.clear();
                        sent.store(n, Ordering::SeqCst);
                    }
                    Err(SendError::Ambiguous(_)) => {
                        // As a real sender's MTA would, we cannot tell: not counted either way.
                        ambiguous.lock().unwrap().push(n);
                        n += 1;
                        raw.clear();
                        sent.store(n, Ordering::SeqCst);
                    }
                    Err(SendError::Before(_)) => std::thread::sleep(Duration::from_millis(200)),
                }
                std::thread::sleep(Duration::from_millis(rng.range(20, 150)));
            }
        })
    };

    // Replies, queued all along to writer tickets (through the daemon or the store).
    let replies_queued = Arc::new(Mutex::new(Vec::<String>::new()));
    let replies = {
        let (stop, env, queued) = (stop.clone(), env.clone(), replies_queued.clone());
        std::thread::spawn(move || {
            let mut k = 0;
            while !stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(700));
                let out = env.ticket_via_socket(&["list", "--status", "all", "--json"]);
                let Ok(list) = serde_json::from_slice::<Value>(&out.stdout) else {
                    continue;
                };
                let Some(t) = list
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|t| {
                        t["subject"]
                            .as_str()
                            .unwrap_or("")
                            .contains("I need to talk")
                    })
                    .nth(k % 3)
                else {
                    continue;
                };
                let token = format!("CHAOSREPLY{k}X");
                let f = env.dir.path().join(format!("reply{k}.txt"));
                fs::write(&f, format!("We hear you. {token}\n")).unwrap();
                let id = t["id"].as_str().unwrap();
                let out = env.ticket_via_socket(&[
                    "reply",
                    id,
                    "--file",
                    f.to_str().unwrap(),
                    "--yes",
                    "--unverified",
                ]);
                if out.status.success() {
                    queued.lock().unwrap().push(token);
                    k += 1;
                }
            }
        })
    };

    // Chaos: the daemon, Dovecot and Postfix restarted or killed at random.
    let mut daemon = Some(env.start_daemon_retrying());
    let mut actions: BTreeMap<&str, usize> = BTreeMap::new();
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(secs) {
        std::thread::sleep(Duration::from_millis(rng.range(500, 3000)));
        let action = match rng.range(0, 6) {
            0 => "daemon restart",
            1 => "daemon kill",
            2 => "dovecot restart",
            3 => "dovecot kill",
            4 => "postfix restart",
            _ => "postfix kill",
        };
        *actions.entry(action).or_default() += 1;
        match action {
            "daemon restart" => {
                if let Some(mut d) = daemon.take() {
                    d.stop();
                }
                daemon = Some(env.start_daemon_retrying());
            }
            "daemon kill" => {
                if let Some(mut d) = daemon.take() {
                    d.kill();
                }
                std::thread::sleep(Duration::from_millis(rng.range(0, 1000)));
                daemon = Some(env.start_daemon_retrying());
            }
            a => {
                let what = if a.starts_with("dovecot") {
                    "dovecot"
                } else {
                    "postfix"
                };
                let mut s = stack.lock().unwrap();
                s.stop_one(what);
                if a.ends_with("kill") {
                    std::thread::sleep(Duration::from_millis(rng.range(200, 2000)));
                }
                s.start_one(what);
            }
        }
    }
    stop.store(true, Ordering::SeqCst);
    delivery.join().unwrap();
    replies.join().unwrap();
    let sent = sent.load(Ordering::SeqCst);
    let queued = replies_queued.lock().unwrap().clone();

    // Calm: everything up (starting a server that runs is a no-op), until the mailbox and the
    // outbox are empty.
    {
        let mut s = stack.lock().unwrap();
        s.start_one("dovecot");
        s.start_one("postfix");
    }
    if daemon.is_none() {
        daemon = Some(env.start_daemon_retrying());
    }
    let t1 = Instant::now();
    loop {
        let queue_empty = stack.lock().unwrap().postfix_queue_empty();
        let waiting = stack.lock().unwrap().count("contact", "");
        let pending = {
            let out = env.sourdine(&["status", "--json"]);
            let s: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
            s["report"]["intake"]["waiting"].as_u64().unwrap_or(0)
        };
        let outbox: Value =
            serde_json::from_str(&ok(env.sourdine(&["outbox", "--queued", "--json"]))).unwrap();
        if queue_empty && waiting == 0 && pending == 0 && outbox.as_array().unwrap().is_empty() {
            break;
        }
        assert!(
            t1.elapsed() < Duration::from_secs(300),
            "did not settle: {waiting} in the mailbox, Postfix queue empty: {queue_empty}, outbox {outbox}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    // Let the outbox finish (delivery is at least once; wait for every token).
    let t2 = Instant::now();
    let delivered = loop {
        let inbox = stack.lock().unwrap().messages("writer", "");
        let texts: Vec<String> = inbox
            .iter()
            .map(|m| String::from_utf8_lossy(m).into_owned())
            .collect();
        let delivered: Vec<usize> = queued
            .iter()
            .map(|t| texts.iter().filter(|m| m.contains(t.as_str())).count())
            .collect();
        if delivered.iter().all(|n| *n >= 1) || t2.elapsed() > Duration::from_secs(120) {
            break delivered;
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    drop(daemon);

    let list: Value =
        serde_json::from_str(&ok(env.ticket(&["list", "--status", "all", "--json"]))).unwrap();
    let mut seen: BTreeMap<usize, usize> = BTreeMap::new();
    for t in list.as_array().unwrap() {
        if let Some(n) = chaos_number(t["subject"].as_str().unwrap_or("")) {
            *seen.entry(n).or_default() += 1;
        }
    }
    let quarantined =
        serde_json::from_str::<Value>(&ok(env.sourdine(&["quarantine", "list", "--json"])))
            .unwrap()
            .as_array()
            .unwrap()
            .len();
    let ambiguous = ambiguous.lock().unwrap().clone();
    // Copies the mail system itself made: Dovecot saved more messages than were sent (ambiguous
    // sends included). sourdine cannot tell such a copy from a new message (its bytes differ),
    // so it may make a second ticket of it; that is allowed, one for each copy.
    let saves = stack.lock().unwrap().inbox_saves("contact");
    let arrived_ambiguous = ambiguous.iter().filter(|n| seen.contains_key(n)).count();
    let mta_copies = saves.saturating_sub(sent - ambiguous.len() + arrived_ambiguous);
    let duplicates: usize = seen
        .iter()
        .filter(|(n, _)| !ambiguous.contains(n))
        .map(|(_, c)| c - 1)
        .sum();
    let definite = sent - ambiguous.len();
    let ticketed = seen.keys().filter(|n| !ambiguous.contains(n)).count();
    let lost = definite.saturating_sub(ticketed + quarantined);
    let replies_delivered = delivered.iter().filter(|n| **n >= 1).count();
    let replies_twice: usize = delivered.iter().map(|n| n.saturating_sub(1)).sum();
    let replies_lost = queued.len() - replies_delivered;
    println!(
        "chaos run ({secs} s): messages sent {sent} ({} ambiguous at the sender), saved by Dovecot {saves} ({mta_copies} extra copies made by the mail system), tickets {ticketed}, quarantined {quarantined}, duplicates {duplicates}, replies queued {}, replies delivered {replies_delivered} ({replies_twice} twice), lost {lost}, replies lost {replies_lost}; actions {actions:?}",
        ambiguous.len(),
        queued.len()
    );
    assert_eq!(lost, 0, "messages lost");
    assert!(
        duplicates <= mta_copies,
        "duplicated tickets: {duplicates}, of which the mail system's own copies explain {mta_copies}"
    );
    assert_eq!(replies_lost, 0, "replies lost");
    let writers = writer_numbers.lock().unwrap().len();
    assert!(writers > 0 && sent > 0);
}
