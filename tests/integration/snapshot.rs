//! The catalog kept across a clean restart: a sealed snapshot read at start instead of every
//! ticket, used only when exactly current, destroyed by every erasure, never kept by a crash.

use std::fs;
use std::path::PathBuf;

use serde_json::Value;

use crate::common::{Daemon, Env, ok};

const SNAPSHOT: &str = "catalog.sealed";
const READ_LINE: &str = "catalog read from the snapshot";

fn write_mails(env: &Env, n: usize, tag: &str) -> PathBuf {
    let dir = env.dir.path().join(tag);
    fs::create_dir_all(&dir).unwrap();
    for i in 0..n {
        fs::write(
            dir.join(format!("{tag}-{i}.eml")),
            format!(
                "From: writer{i}@example.org\nTo: contact@helpline.example\nSubject: {tag} subject {i}\nMessage-ID: <{tag}{i}@example.org>\n\nHello, message {i} about {tag}nights.\n"
            ),
        )
        .unwrap();
    }
    dir
}

fn ingest(env: &Env, n: usize, tag: &str) {
    let dir = write_mails(env, n, tag);
    ok(env.sourdine(&["ingest", dir.to_str().unwrap()]));
}

fn json(out: std::process::Output) -> Value {
    serde_json::from_str(&ok(out)).unwrap()
}

/// Every ticket reference, sorted.
fn ids(env: &Env) -> Vec<String> {
    let mut v = env.ticket_ids();
    v.sort();
    v
}

fn snapshot(env: &Env) -> PathBuf {
    env.data_dir.join(SNAPSHOT)
}

/// What counsellors see: the list, and one search for each word.
fn answers(env: &Env, words: &[&str]) -> Vec<Value> {
    let mut out =
        vec![json(env.ticket(&[
            "list", "--status", "all", "--json", "--limit", "1000",
        ]))];
    for w in words {
        out.push(json(
            env.ticket(&["search", w, "--json", "--limit", "1000"]),
        ));
    }
    out
}

fn stop(mut d: Daemon) -> String {
    assert!(d.stop().success(), "{}", d.log_text());
    d.log_text()
}

#[test]
fn a_clean_restart_reads_the_kept_catalog_and_answers_the_same() {
    let env = Env::new();
    ingest(&env, 12, "kept");
    let d = env.start_daemon();
    let all = ids(&env);
    let note = env.dir.path().join("note.txt");
    fs::write(&note, "prefers Wednesdays").unwrap();
    ok(env.ticket(&["note", &all[2], "--file", note.to_str().unwrap()]));
    ok(env.ticket(&["tag", &all[4], "school"]));
    let words = ["keptnights", "wednesdays", "subject 7", "school"];
    let before = answers(&env, &words);
    let log = stop(d);
    assert!(log.contains("catalog kept"), "{log}");
    let sealed = fs::read(snapshot(&env)).expect("a clean stop keeps the catalog");
    {
        use std::os::unix::fs::MetadataExt;
        for p in [snapshot(&env), env.data_dir.clone()] {
            let m = fs::metadata(&p).unwrap();
            assert_eq!(
                m.mtime() % 3600,
                0,
                "{} dated finer than the hour",
                p.display()
            );
        }
    }
    for clear in ["keptnights", "kept subject", "Wednesdays", "school"] {
        assert!(
            !crate::common::contains_ci(&sealed, clear),
            "{clear} in clear in the snapshot"
        );
    }

    let d = env.start_daemon();
    assert!(!snapshot(&env).exists(), "taken at start");
    assert_eq!(answers(&env, &words), before);
    let log = stop(d);
    assert!(log.contains(READ_LINE), "{log}");
}

#[test]
fn a_ticket_forgotten_never_comes_back_after_a_restart() {
    let env = Env::new();
    ingest(&env, 5, "forget");
    let d = env.start_daemon();
    let all = ids(&env);
    // Forgotten through the daemon: the snapshot kept at the stop does not hold it.
    ok(env.ticket(&["forget", &all[0], "--reason", "asked", "--yes"]));
    stop(d);
    assert!(snapshot(&env).exists());
    let d = env.start_daemon();
    assert_eq!(ids(&env), all[1..].to_vec());
    stop(d);
    // Forgotten while the daemon is stopped: the snapshot goes with it.
    assert!(snapshot(&env).exists());
    ok(env.ticket(&["forget", &all[1], "--reason", "asked", "--yes"]));
    assert!(!snapshot(&env).exists(), "destroyed by the erasure");
    let d = env.start_daemon();
    assert_eq!(ids(&env), all[2..].to_vec());
    let log = stop(d);
    assert!(!log.contains(READ_LINE), "{log}");
    // A rotation destroys it too (a purge: the store's unit tests).
    ok(env.sourdine(&["keys", "rotate"]));
    assert!(!snapshot(&env).exists());
}

#[test]
fn a_stale_corrupt_or_old_epoch_snapshot_is_ignored_and_rebuilt() {
    let env = Env::new();
    ingest(&env, 4, "first");
    stop(env.start_daemon());
    let old = fs::read(snapshot(&env)).unwrap();
    // A change after the stop (mail taken in directly) removes the snapshot.
    ingest(&env, 3, "second");
    assert!(!snapshot(&env).exists(), "removed by the change");
    fs::write(snapshot(&env), &old).unwrap();
    let all = ids(&env);
    assert_eq!(all.len(), 7);
    let d = env.start_daemon();
    assert_eq!(ids(&env), all);
    let found = json(env.ticket(&["search", "secondnights", "--json"]));
    assert_eq!(found.as_array().unwrap().len(), 3);
    let log = stop(d);
    assert!(log.contains("not used"), "{log}");
    assert!(!log.contains(READ_LINE), "{log}");
    // An older snapshot put back in place: stale, not used.
    fs::write(snapshot(&env), &old).unwrap();
    let d = env.start_daemon();
    assert_eq!(ids(&env), all);
    let log = stop(d);
    assert!(!log.contains(READ_LINE), "{log}");
    // A damaged one: not used.
    let mut bad = fs::read(snapshot(&env)).unwrap();
    let at = bad.len() - 20;
    bad[at] ^= 0x40;
    fs::write(snapshot(&env), &bad).unwrap();
    let d = env.start_daemon();
    assert_eq!(ids(&env), all);
    let log = stop(d);
    assert!(!log.contains(READ_LINE), "{log}");
    // The current one, kept across a rotation (copied aside): its epoch's key is gone.
    let current = fs::read(snapshot(&env)).unwrap();
    ok(env.sourdine(&["keys", "rotate"]));
    fs::write(snapshot(&env), &current).unwrap();
    let d = env.start_daemon();
    assert_eq!(ids(&env), all);
    let log = stop(d);
    assert!(log.contains("OtherEpoch"), "{log}");
}

/// A crash keeps no snapshot, and the one read at start is gone: the next start reads every
/// ticket, and mail taken in before the crash is listed.
#[test]
fn after_a_crash_the_next_start_reads_every_ticket() {
    let env = Env::new();
    ingest(&env, 3, "before");
    stop(env.start_daemon());
    let mut d = env.start_daemon();
    let dir = write_mails(&env, 2, "during");
    ok(env.sourdine(&["ingest", dir.to_str().unwrap()]));
    let all = ids(&env);
    assert_eq!(all.len(), 5);
    d.kill();
    assert!(!snapshot(&env).exists());
    let d = env.start_daemon();
    assert_eq!(ids(&env), all);
    let log = stop(d);
    assert!(!log.contains(READ_LINE), "{log}");
}
