//! The audit log against someone who can write the store (the service user, root): what they
//! did by hand, on the sled store opened from here with the service stopped, and what
//! `sourdine audit --verify [--expect-head]` says afterwards. Also: every ticket a list or a
//! search shows is named in the log, and `sourdine audit --ticket X` finds who saw X.

use std::fs;
use std::path::Path;
use std::process::Output;

use serde_json::Value;

use crate::common::{Env, ok, text};

const ENTRY: &[u8] = b"a:";
const HEAD: &[u8] = b"meta:audit-head";
const BASE: &[u8] = b"meta:audit-base";

fn write_mails(dir: &Path, n: usize, tag: &str) {
    fs::create_dir_all(dir).unwrap();
    for i in 0..n {
        fs::write(
            dir.join(format!("{tag}-{i}.eml")),
            format!(
                "From: writer{i}@example.org\nTo: contact@helpline.example\nSubject: {tag} private subject {i}\nMessage-ID: <{tag}{i}@example.org>\n\nI cannot sleep, message {i}.\n"
            ),
        )
        .unwrap();
    }
}

/// An instance with `n` tickets and some reads in its log.
fn busy_env(n: usize) -> Env {
    let env = Env::new();
    let dir = env.dir.path().join("in");
    write_mails(&dir, n, "au");
    ok(env.sourdine(&["ingest", dir.to_str().unwrap()]));
    for id in env.ticket_ids() {
        ok(env.ticket(&["show", &id, "--json"]));
    }
    env
}

fn json(out: Output) -> Value {
    serde_json::from_str(&text(&out.stdout))
        .unwrap_or_else(|_| panic!("not JSON: {} {}", text(&out.stdout), text(&out.stderr)))
}

/// `sourdine audit --head`: "SEQ MAC".
fn head(env: &Env) -> String {
    ok(env.sourdine(&["audit", "--head"])).trim().to_string()
}

fn verify(env: &Env, expect: Option<&str>) -> Output {
    let mut args = vec!["audit", "--verify"];
    if let Some(h) = expect {
        args.extend(["--expect-head", h]);
    }
    env.sourdine(&args)
}

fn seq_of(key: &[u8]) -> u64 {
    u64::from_be_bytes(key[ENTRY.len()..].try_into().unwrap())
}

/// The store opened as the attacker does, with the service stopped.
fn with_store<T>(env: &Env, f: impl FnOnce(&sled::Db) -> T) -> T {
    let db = sled::open(env.data_dir.join("db")).unwrap();
    let out = f(&db);
    db.flush().unwrap();
    out
}

fn entry(db: &sled::Db, seq: u64) -> sourdine::store::AuditEntry {
    let mut k = ENTRY.to_vec();
    k.extend_from_slice(&seq.to_be_bytes());
    postcard::from_bytes(&db.get(k).unwrap().unwrap()).unwrap()
}

/// The heads the service wrote to its log ("audit head SEQ MAC (when)").
fn logged_heads(log: &str) -> Vec<(String, String)> {
    let re = regex::Regex::new(r"audit head (\d+ [0-9a-f]{64}) \(([a-z ]+)\)").unwrap();
    re.captures_iter(log)
        .map(|c| (c[1].to_string(), c[2].to_string()))
        .collect()
}

#[track_caller]
fn fails_with(out: Output, needle: &str) {
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains(needle), "expected {needle:?} in: {all}");
}

/// Cut the last entries and rewrite the head to the new last one, as the attacker did: the
/// head written by hand does not authenticate, so the next opening records the damage and
/// `--verify` fails. The same cut with an authentic head put back from an earlier state of
/// the store passes `--verify` (nothing in the store can tell), and fails `--expect-head`
/// with the head the service logged at its stop.
#[test]
fn a_log_cut_at_its_end_fails_verify_or_expect_head() {
    let env = busy_env(3);
    let early = head(&env);
    let early_record = with_store(&env, |db| db.get(HEAD).unwrap().unwrap().to_vec());
    let mut d = env.start_daemon();
    for id in env.ticket_ids() {
        ok(env.ticket(&["show", &id]));
    }
    assert!(d.stop().success());
    let heads = logged_heads(&d.log_text());
    let at_stop = heads
        .iter()
        .find(|(_, when)| when == "at stop")
        .expect("the head is logged at stop")
        .0
        .clone();
    assert!(heads.iter().any(|(_, when)| when == "at start"));
    assert_eq!(at_stop, head(&env), "the logged head is what --head prints");
    ok(verify(&env, Some(&at_stop)));
    let copy = env.dir.path().join("data.before-attack");
    copy_dir(&env.data_dir, &copy);

    // The naive cut: the last three entries deleted, the head rewritten to the new last one.
    with_store(&env, |db| {
        let last = seq_of(&db.scan_prefix(ENTRY).keys().next_back().unwrap().unwrap());
        for seq in last - 2..=last {
            let mut k = ENTRY.to_vec();
            k.extend_from_slice(&seq.to_be_bytes());
            db.remove(k).unwrap();
        }
        let e = entry(db, last - 3);
        db.insert(HEAD, postcard::to_stdvec(&(e.seq, e.mac)).unwrap())
            .unwrap();
    });
    fails_with(verify(&env, None), "found damaged");
    fails_with(verify(&env, Some(&at_stop)), "BROKEN");

    // The careful cut: back to the earlier head, with the head record of that time.
    replace_dir(&copy, &env.data_dir);
    let early_seq: u64 = early.split(' ').next().unwrap().parse().unwrap();
    with_store(&env, |db| {
        let keys: Vec<_> = db.scan_prefix(ENTRY).keys().map(|k| k.unwrap()).collect();
        for k in keys.into_iter().filter(|k| seq_of(k) > early_seq) {
            db.remove(k).unwrap();
        }
        db.insert(HEAD, early_record.clone()).unwrap();
    });
    let out = verify(&env, None);
    assert!(
        out.status.success(),
        "an earlier state is consistent: {}",
        text(&out.stdout)
    );
    assert!(
        text(&out.stdout).contains("--expect-head"),
        "--verify explains how to check against a recorded head: {}",
        text(&out.stdout)
    );
    fails_with(verify(&env, Some(&at_stop)), "is not in the log");
}

/// Cut the first entries and write a base record that accounts for them, as the attacker
/// did (in the format the older versions wrote, and in the current one without the key):
/// neither authenticates, and the head alone (unchanged) does not save it.
#[test]
fn a_log_cut_at_its_start_with_a_forged_base_fails_verify() {
    let env = busy_env(3);
    let recorded = head(&env);
    let copy = env.dir.path().join("data.before-attack");
    copy_dir(&env.data_dir, &copy);
    for current_format in [false, true] {
        replace_dir(&copy, &env.data_dir);
        with_store(&env, |db| {
            for seq in 1..=4u64 {
                let mut k = ENTRY.to_vec();
                k.extend_from_slice(&seq.to_be_bytes());
                db.remove(k).unwrap();
            }
            let fifth = entry(db, 5);
            let base = if current_format {
                // A base in today's layout, with a MAC the attacker cannot compute.
                postcard::to_stdvec(&((4u64, fifth.prev, Vec::<(u64, i64, u8)>::new()), [0u8; 32]))
                    .unwrap()
            } else {
                postcard::to_stdvec(&(4u64, fifth.prev)).unwrap()
            };
            db.insert(BASE, base).unwrap();
        });
        fails_with(verify(&env, None), "found damaged");
        let v = json(env.sourdine(&["audit", "--verify", "--json"]));
        assert_eq!(v["ok"], false);
        assert!(
            v["problem"]
                .as_str()
                .unwrap()
                .contains("base record (entries up to 4 removed) does not authenticate"),
            "{v}"
        );
        // A head recorded before the cut, from the part that was cut: missing, not removed by
        // retention.
        fails_with(
            verify(&env, Some(&format!("3 {}", "0".repeat(64)))),
            "missing",
        );
        // The head recorded before still holds: the cut was at the start.
        let out = verify(&env, Some(&recorded));
        assert_eq!(
            out.status.code(),
            Some(1),
            "the log still reports the damage"
        );
        assert!(text(&out.stdout).contains("recorded head"));
    }
}

/// Delete every entry, leaving the head (the attacker's "entries": 0 while the head said
/// 351); then every entry and the head and base too, on a store that holds tickets.
#[test]
fn a_log_emptied_fails_verify() {
    let env = busy_env(2);
    let recorded = head(&env);
    let copy = env.dir.path().join("data.before-attack");
    copy_dir(&env.data_dir, &copy);
    for also_head in [false, true] {
        replace_dir(&copy, &env.data_dir);
        with_store(&env, |db| {
            let keys: Vec<_> = db.scan_prefix(ENTRY).keys().map(|k| k.unwrap()).collect();
            for k in keys {
                db.remove(k).unwrap();
            }
            if also_head {
                db.remove(HEAD).unwrap();
                db.remove(BASE).unwrap();
            }
        });
        let needle = if also_head {
            "there is no head record"
        } else {
            "but the log holds no entry"
        };
        fails_with(verify(&env, None), needle);
        fails_with(verify(&env, Some(&recorded)), "BROKEN");
    }
}

/// A copy of the data folder taken earlier and put back hides everything done since: the
/// copy is consistent, so only a head recorded after it shows it, before and after the
/// service writes to the restored store again.
#[test]
fn a_store_restored_from_an_older_copy_fails_expect_head() {
    let env = busy_env(2);
    let copy = env.dir.path().join("data.older");
    copy_dir(&env.data_dir, &copy);
    let mut d = env.start_daemon();
    let ids = env.ticket_ids();
    ok(env.ticket(&["show", &ids[0]]));
    ok(env.ticket(&["tag", &ids[0], "later"]));
    assert!(d.stop().success());
    let later = logged_heads(&d.log_text())
        .into_iter()
        .find(|(_, when)| when == "at stop")
        .unwrap()
        .0;
    ok(verify(&env, Some(&later)));

    replace_dir(&copy, &env.data_dir);
    ok(verify(&env, None));
    fails_with(verify(&env, Some(&later)), "restored from an older copy");
    // Written to again until the log is longer than it was: the entry now differs.
    let later_seq: u64 = later.split(' ').next().unwrap().parse().unwrap();
    while head(&env)
        .split(' ')
        .next()
        .unwrap()
        .parse::<u64>()
        .unwrap()
        < later_seq
    {
        ok(env.ticket(&["show", &ids[1]]));
    }
    fails_with(verify(&env, Some(&later)), "differs from the recorded head");
}

/// Retention moves the base forward, authenticated: a head older than the base cannot be
/// checked, and `--expect-head` says so with its own exit status (3), neither a failure nor
/// a pass; the chain from the base still verifies, and a later head still holds.
#[test]
fn a_head_older_than_the_base_is_reported_as_removed_by_retention() {
    let env = busy_env(2);
    let old = head(&env);
    ok(env.ticket(&["show", &env.ticket_ids()[0]]));
    let later_env = |args: &[&str]| {
        env.cmd("sourdine")
            .args(args)
            .env("SOURDINE_CLOCK_OFFSET", (800 * 86_400).to_string())
            .output()
            .unwrap()
    };
    let purged: Value = serde_json::from_str(&ok(later_env(&["purge", "--json"]))).unwrap();
    assert!(purged["audit_entries"].as_u64().unwrap() > 0, "{purged}");
    let after = head(&env);
    ok(verify(&env, None));
    let out = verify(&env, Some(&old));
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stdout));
    let said = text(&out.stdout);
    assert!(said.contains("removed by retention on"), "{said}");
    assert!(said.contains("cannot be checked further"), "{said}");
    let v = json(env.sourdine(&["audit", "--verify", "--json", "--expect-head", &old]));
    assert_eq!(v["expected"]["verdict"], "removed");
    ok(verify(&env, Some(&after)));
}

/// A store of the version before the base and head were authenticated (made by that
/// version's binaries: tickets, reads, a retention pass that removed old entries behind an
/// unauthenticated base) opens; its records are authenticated once, and the heads that
/// version printed still check.
#[test]
fn a_store_from_before_the_authenticated_base_still_opens_and_verifies() {
    let fixture = crate::common::root().join("fixtures/stores/audit-v1");
    let env = Env::with_config("");
    fs::create_dir_all(&env.key_dir).unwrap();
    let unpack = |name: &str, to: &Path| {
        let status = std::process::Command::new("tar")
            .args(["-xzf"])
            .arg(fixture.join(name))
            .arg("-C")
            .arg(to)
            .status()
            .unwrap();
        assert!(status.success());
    };
    unpack("data.tar.gz", env.dir.path());
    unpack("keys.tar.gz", env.key_dir.parent().unwrap());
    let before: Value =
        serde_json::from_str(&fs::read_to_string(fixture.join("verify-before.json")).unwrap())
            .unwrap();
    let v = json(env.sourdine(&["audit", "--verify", "--json"]));
    assert_eq!(v["ok"], true, "{v}");
    assert!(v["base"]["seq"].as_u64().unwrap() > 0, "{v}");
    let log: Value = json(env.sourdine(&["audit", "--json"]));
    let upgraded: Vec<_> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "audit.upgraded")
        .collect();
    assert_eq!(upgraded.len(), 1);
    // The head the older version printed ("entries MAC") named the last entry.
    let last = before["base_seq"].as_u64().unwrap() + before["entries"].as_u64().unwrap();
    let old_head = format!("{last} {}", before["head"].as_str().unwrap());
    ok(verify(&env, Some(&old_head)));
    let out = verify(&env, Some(&format!("1 {}", "0".repeat(64))));
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("upgraded"));
    // Once: opening again adds nothing.
    let again = json(env.sourdine(&["audit", "--json"]));
    assert_eq!(
        again.as_array().unwrap().len(),
        log.as_array().unwrap().len()
    );
}

/// `ticket list` and `ticket search` name every ticket they showed (references only: no
/// subject, no searched words), one entry per command; `sourdine audit --ticket X` answers
/// who saw X; `sourdine audit` prints the references.
#[test]
fn every_ticket_a_list_or_search_shows_is_named_in_the_log() {
    let env = Env::new();
    let dir = env.dir.path().join("in");
    write_mails(&dir, 3, "seen");
    ok(env.sourdine(&["ingest", dir.to_str().unwrap()]));
    let _d = env.start_daemon();
    let listed: Value = json(env.ticket_via_socket(&["list", "--json"]));
    let mut ids: Vec<String> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ok(env.ticket_via_socket(&["list"]));
    let hits: Value = json(env.ticket_via_socket(&["search", "sleep", "--json"]));
    assert_eq!(hits.as_array().unwrap().len(), 3);
    ok(env.ticket_via_socket(&["search", "nothingmatchesthis"]));

    let log = json(env.sourdine(&["audit", "--json"]));
    let of = |action: &str| -> Vec<Value> {
        log.as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == action)
            .cloned()
            .collect()
    };
    let lists = of("ticket.list");
    assert_eq!(lists.len(), 2, "one entry per command");
    for l in &lists {
        let named: Vec<&str> = l["tickets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert_eq!(named, ids, "{l}");
    }
    let searches = of("ticket.search");
    assert_eq!(searches.len(), 2);
    assert_eq!(searches[0]["tickets"].as_array().unwrap().len(), 3);
    assert_eq!(searches[0]["detail"], "3 results");
    assert!(searches[1]["tickets"].as_array().unwrap().is_empty());
    let raw = serde_json::to_string(&log).unwrap();
    for secret in ["private subject", "sleep", "nothingmatchesthis", "writer0@"] {
        assert!(!raw.contains(secret), "{secret:?} is in the audit log");
    }

    // Who saw the first ticket: both lists, the search that found it.
    ok(env.ticket_via_socket(&["show", &ids[0]]));
    let seen = json(env.sourdine(&["audit", "--ticket", &ids[0].to_lowercase(), "--json"]));
    let actions: Vec<&str> = seen
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "ticket.created",
            "ticket.list",
            "ticket.list",
            "ticket.search",
            "ticket.read"
        ]
    );
    let table = ok(env.sourdine(&["audit", "--ticket", &ids[0]]));
    assert!(
        table.contains("ticket.search") && table.contains(&ids[0]),
        "{table}"
    );
    let all = ok(env.sourdine(&["audit"]));
    let list_line = all.lines().find(|l| l.contains("ticket.list")).unwrap();
    for id in &ids {
        assert!(list_line.contains(id.as_str()), "{list_line}");
    }
    ok(verify(&env, None));
}

/// `sourdine run --once`, run every few minutes by a timer, logs the head once a day.
#[test]
fn run_once_logs_the_head_once_a_day() {
    let env = busy_env(1);
    let first = env.sourdine(&["run", "--once"]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let heads = logged_heads(&text(&first.stderr));
    assert_eq!(heads.len(), 1, "{}", text(&first.stderr));
    ok(verify(&env, Some(&heads[0].0)));
    let second = env.sourdine(&["run", "--once"]);
    assert!(logged_heads(&text(&second.stderr)).is_empty());
    let next_day = env
        .cmd("sourdine")
        .args(["run", "--once"])
        .env("SOURDINE_CLOCK_OFFSET", "86400")
        .output()
        .unwrap();
    assert_eq!(logged_heads(&text(&next_day.stderr)).len(), 1);
}

fn copy_dir(from: &Path, to: &Path) {
    let status = std::process::Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .status()
        .unwrap();
    assert!(status.success());
}

fn replace_dir(from: &Path, to: &Path) {
    fs::remove_dir_all(to).unwrap();
    copy_dir(from, to);
}
