//! The catalog kept across a restart: a sealed snapshot read at start, then only the tickets
//! changed since, instead of every ticket; written while the service runs and at its stop,
//! destroyed by every erasure before it is committed, refused when stale or damaged.

use std::fs;
use std::path::PathBuf;

use serde_json::Value;

use crate::common::{Daemon, Env, ok};

const SNAPSHOT: &str = "catalog.sealed";
const READ_LINE: &str = "catalog read from the snapshot";
const WRITTEN_LINE: &str = "catalog snapshot written, sealed, while running";

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

/// Waits until the daemon's log holds `line` `n` times.
fn wait_log(d: &Daemon, line: &str, n: usize) {
    let start = std::time::Instant::now();
    while d.log_text().matches(line).count() < n {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(30),
            "never logged {line:?}: {}",
            d.log_text()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
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
    assert!(snapshot(&env).exists(), "kept after it is read");
    assert_eq!(answers(&env, &words), before);
    let log = stop(d);
    assert!(log.contains(READ_LINE), "{log}");
    assert!(log.contains("changed=0"), "{log}");
    assert!(
        !log.contains(WRITTEN_LINE),
        "current: not written again at start; {log}"
    );
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
    // A change after the stop (mail taken in directly) is recorded beside the snapshot.
    ingest(&env, 3, "second");
    assert!(snapshot(&env).exists(), "kept across the change");
    let all = ids(&env);
    assert_eq!(all.len(), 7);
    let d = env.start_daemon();
    assert_eq!(ids(&env), all);
    let found = json(env.ticket(&["search", "secondnights", "--json"]));
    assert_eq!(found.as_array().unwrap().len(), 3);
    // Behind the store at start: written again at once.
    wait_log(&d, WRITTEN_LINE, 1);
    let log = stop(d);
    assert!(log.contains(READ_LINE), "{log}");
    assert!(log.contains("changed=3"), "{log}");
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

/// A crash costs only the changes since the snapshot: the next start reads the snapshot, then
/// the tickets changed since (new mail, a note, a closed ticket).
#[test]
fn after_a_crash_the_snapshot_and_the_tickets_changed_since_are_read() {
    let env = Env::new();
    ingest(&env, 4, "before");
    stop(env.start_daemon());
    let mut d = env.start_daemon();
    let first = ids(&env);
    let dir = write_mails(&env, 2, "during");
    ok(env.sourdine(&["ingest", dir.to_str().unwrap()]));
    let note = env.dir.path().join("note.txt");
    fs::write(&note, "prefers Thursdays").unwrap();
    ok(env.ticket(&["note", &first[1], "--file", note.to_str().unwrap()]));
    ok(env.ticket(&["close", &first[2], "--type", "counselling"]));
    let all = ids(&env);
    assert_eq!(all.len(), 6);
    let words = ["beforenights", "duringnights", "thursdays"];
    let before = answers(&env, &words);
    d.kill();
    assert!(!d.log_text().contains(WRITTEN_LINE), "{}", d.log_text());
    assert!(snapshot(&env).exists());

    let d = env.start_daemon();
    assert_eq!(ids(&env), all);
    assert_eq!(answers(&env, &words), before);
    let found = json(env.ticket(&["search", "thursdays", "--json"]));
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    let list = json(env.ticket(&["list", "--status", "all", "--json"]));
    let closed = list
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == first[2].as_str())
        .unwrap();
    assert_eq!(closed["status"], "closed", "{closed}");
    wait_log(&d, WRITTEN_LINE, 1);
    let log = stop(d);
    assert!(log.contains(READ_LINE), "{log}");
    assert!(log.contains("changed=4"), "2 new, a note, a close: {log}");
}

/// A ticket forgotten while the service runs: the snapshot goes before the erasure is
/// committed (a crash between the two finds none), is written again without the ticket, and
/// a crash after that does not bring the ticket back.
#[test]
fn a_ticket_forgotten_then_a_crash_leaves_it_nowhere() {
    let env = Env::new();
    ingest(&env, 4, "gone");
    stop(env.start_daemon());
    let all = ids(&env);
    // A crash once the snapshot is removed, before the erasure is committed.
    let mut d = env.start_daemon_env(&[("SOURDINE_FAILPOINT", "forget-before-commit")]);
    let _ = env.ticket(&["forget", &all[0], "--reason", "asked", "--yes"]);
    assert!(d.wait_exit(std::time::Duration::from_secs(20)).is_some());
    assert!(!snapshot(&env).exists(), "removed before the erasure");
    let d = env.start_daemon();
    assert_eq!(ids(&env), all, "not erased: the crash came first");
    assert!(!d.log_text().contains(READ_LINE));
    wait_log(&d, WRITTEN_LINE, 1);
    ok(env.ticket(&["forget", &all[0], "--reason", "asked", "--yes"]));
    // Destroyed by the erasure, then written again (without it) while running.
    wait_log(&d, WRITTEN_LINE, 2);
    let mut d = d;
    d.kill();
    assert!(snapshot(&env).exists());
    let d = env.start_daemon();
    assert_eq!(ids(&env), all[1..].to_vec());
    let found = json(env.ticket(&["search", "gonenights", "--json", "--limit", "100"]));
    let found: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(!found.contains(&all[0].as_str()));
    let log = stop(d);
    assert!(log.contains(READ_LINE), "{log}");
    assert!(log.contains("changed=0"), "{log}");
}

/// A purge that destroys tickets removes the snapshot before it commits.
#[test]
fn a_purge_destroys_the_snapshot() {
    let env = Env::new();
    ingest(&env, 2, "old");
    let d = env.start_daemon();
    for id in ids(&env) {
        ok(env.ticket(&["close", &id, "--type", "counselling"]));
    }
    stop(d);
    assert!(snapshot(&env).exists());
    let out = env
        .cmd("sourdine")
        .args(["purge", "--json"])
        .env("SOURDINE_CLOCK_OFFSET", (400 * 86_400).to_string())
        .output()
        .unwrap();
    let r = json(out);
    assert_eq!(r["tickets"].as_array().unwrap().len(), 2, "{r}");
    assert!(!snapshot(&env).exists(), "destroyed by the purge");
}
