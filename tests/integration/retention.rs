//! Retention and erasure: the life cycle of a ticket ends with nothing readable on disk.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::common::{Env, files_under, ok, root, text};

const DAYS: i64 = 86_400;

fn all_bytes(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files_under(dir)
        .into_iter()
        .filter(|p| !p.ends_with("lock"))
        .map(|p| (p.display().to_string(), fs::read(&p).unwrap()))
        .collect()
}

fn ingest_fixtures(env: &Env) -> Vec<String> {
    let mut planted = Vec::new();
    for folder in ["fixtures/clients", "fixtures/attachments"] {
        let dir = root().join(folder);
        if !dir.is_dir() {
            continue;
        }
        ok(env.sourdine(&["ingest", dir.to_str().unwrap()]));
        for e in fs::read_dir(&dir).unwrap().flatten() {
            if e.path().extension().is_some_and(|x| x == "toml") {
                let v: toml::Value =
                    toml::from_str(&fs::read_to_string(e.path()).unwrap()).unwrap();
                for key in ["planted", "content", "attachment_content"] {
                    if let Some(a) = v.get(key).and_then(|a| a.as_array()) {
                        planted.extend(a.iter().filter_map(|t| t.as_str().map(str::to_string)));
                    }
                }
            }
        }
    }
    planted
}

/// Every wrapped key in the store: (what, aad, sealed).
fn wrapped_keys(data: &Path) -> Vec<(String, Vec<u8>, Vec<u8>)> {
    let db = sled::open(data.join("db")).unwrap();
    let mut out = Vec::new();
    for item in db.scan_prefix(b"k:") {
        let (k, v) = item.unwrap();
        let id = String::from_utf8_lossy(&k[2..]).into_owned();
        let tk: sourdine::store::records::TicketKeys = postcard::from_bytes(&v).unwrap();
        out.push((
            format!("content key of {id}"),
            format!("sourdine/v1/key/content/{id}").into_bytes(),
            tk.content.sealed,
        ));
        if let Some(e) = tk.envelope {
            out.push((
                format!("envelope key of {id}"),
                format!("sourdine/v1/key/envelope/{id}").into_bytes(),
                e.sealed,
            ));
        }
    }
    for item in db.scan_prefix(b"q:") {
        let (k, v) = item.unwrap();
        let r = String::from_utf8_lossy(&k[2..]).into_owned();
        let q: sourdine::store::records::QuarantineRecord = postcard::from_bytes(&v).unwrap();
        out.push((
            format!("quarantine key of {r}"),
            format!("sourdine/v1/key/quarantine/{r}").into_bytes(),
            q.key.sealed,
        ));
    }
    out
}

/// Ingest the fixtures, reply, close, advance the clock past every retention period, purge:
/// then nothing is left, a reply can no longer be sent, and the old ciphertext that sled may
/// keep in its log cannot be opened with any key still on disk.
#[test]
fn ticket_life_cycle_ends_with_nothing_readable() {
    let env = Env::new();
    let planted = ingest_fixtures(&env);
    let ids = env.ticket_ids();
    assert!(ids.len() >= 5);
    let reply = env.dir.path().join("reply.txt");
    fs::write(&reply, "We are here for you.\n").unwrap();
    ok(env.ticket(&[
        "reply",
        &ids[0],
        "--file",
        reply.to_str().unwrap(),
        "--yes",
        "--unverified",
    ]));
    for id in &ids {
        ok(env.ticket(&["close", id, "--type", "counselling"]));
    }
    let q_before: Value =
        serde_json::from_str(&ok(env.sourdine(&["quarantine", "list", "--json"]))).unwrap();
    assert!(!q_before.as_array().unwrap().is_empty());
    let wrapped = wrapped_keys(&env.data_dir);
    assert!(wrapped.len() > ids.len());

    // 31 days later: only the reply addresses go.
    let later = |days: i64| (days * DAYS).to_string();
    let out = env
        .cmd("sourdine")
        .args(["purge", "--json"])
        .env("SOURDINE_CLOCK_OFFSET", later(31))
        .output()
        .unwrap();
    let r: Value = serde_json::from_str(&ok(out)).unwrap();
    assert_eq!(r["tickets"].as_array().unwrap().len(), 0);
    assert!(
        r["reply_addresses"].as_array().unwrap().len() >= ids.len() - 1,
        "{r}"
    );
    assert_eq!(
        r["quarantine"].as_array().unwrap().len(),
        q_before.as_array().unwrap().len(),
        "quarantine goes after 30 days"
    );
    let shown: Value = serde_json::from_str(&ok(env.ticket(&["show", &ids[0], "--json"]))).unwrap();
    assert_eq!(
        shown["can_reply"], false,
        "the content stays, the address is gone"
    );

    // A year and more later: everything.
    let out = env
        .cmd("sourdine")
        .args(["purge", "--json"])
        .env("SOURDINE_CLOCK_OFFSET", later(400))
        .output()
        .unwrap();
    let r: Value = serde_json::from_str(&ok(out)).unwrap();
    assert_eq!(r["tickets"].as_array().unwrap().len(), ids.len(), "{r}");
    assert!(
        r["rekey"]["destroyed"]
            .as_array()
            .is_some_and(|d| !d.is_empty())
    );

    // Every count is zero; the ticket is gone everywhere.
    assert_eq!(
        ok(env.ticket(&["list", "--status", "all", "--json"])).trim(),
        "[]"
    );
    assert_eq!(
        ok(env.sourdine(&["quarantine", "list", "--json"])).trim(),
        "[]"
    );
    let show = env.ticket(&["show", &ids[0]]);
    assert!(!show.status.success());
    assert!(text(&show.stderr).contains(&format!("ticket {} not found", ids[0])));
    let again = env.ticket(&["reply", &ids[0], "--file", reply.to_str().unwrap(), "--yes"]);
    assert!(!again.status.success(), "the reply can no longer be sent");
    assert!(
        text(&again.stderr).contains("not found"),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(ok(env.ticket(&["search", "help", "--json"])).trim(), "[]");

    // Old ciphertext, read raw from the store's files, cannot be opened with any key on disk.
    let raw = all_bytes(&env.data_dir);
    let still_on_disk = wrapped
        .iter()
        .filter(|(_, _, sealed)| {
            raw.values()
                .any(|b| b.windows(sealed.len()).any(|w| w == sealed.as_slice()))
        })
        .count();
    let ring = sourdine::seal::Keyring::load(&env.key_dir).unwrap();
    let mut keys: Vec<sourdine::seal::Key> = ring
        .epochs()
        .into_iter()
        .filter_map(|e| ring.kek(e).cloned())
        .collect();
    keys.push(ring.audit_key().clone());
    for (what, aad, sealed) in &wrapped {
        for k in &keys {
            assert!(
                sourdine::seal::open(k, aad, sealed).is_err(),
                "the {what} opened with a key still on disk"
            );
        }
    }
    eprintln!(
        "life cycle: {} wrapped keys before the purge, {still_on_disk} still in sled's files afterwards, none opens with the {} key(s) left",
        wrapped.len(),
        keys.len()
    );
    let mut leaks = Vec::new();
    for (path, bytes) in &raw {
        for t in crate::common::found_ci(bytes, &planted) {
            leaks.push(format!("{t} in {path}"));
        }
    }
    assert!(leaks.is_empty(), "{leaks:?}");
    let v: Value =
        serde_json::from_str(&ok(env.sourdine(&["audit", "--verify", "--json"]))).unwrap();
    assert_eq!(v["ok"], true, "{v}");
}

/// Rotate, ingest, rotate again, purge old tickets: the oldest epoch's key file is destroyed
/// and new tickets still work.
#[test]
fn key_rotation_destroys_old_epochs() {
    let env = Env::new();
    let dir = env.dir.path().join("in");
    fs::create_dir_all(&dir).unwrap();
    let mail = |n: &str| {
        format!(
            "From: w{n}@example.org\nSubject: rotation {n}\nMessage-ID: <{n}@example.org>\n\nhello {n}\n"
        )
    };
    fs::write(dir.join("a.eml"), mail("a")).unwrap();
    ok(env.sourdine(&["ingest", dir.join("a.eml").to_str().unwrap()]));
    let a = env.ticket_ids().remove(0);
    let r1: Value = serde_json::from_str(&ok(env.sourdine(&["keys", "rotate", "--json"]))).unwrap();
    assert_eq!(r1["epoch"], 2);
    assert_eq!(r1["destroyed"], serde_json::json!([1]));
    assert!(!env.key_dir.join("kek-000001.key").exists());
    fs::write(dir.join("b.eml"), mail("b")).unwrap();
    ok(env.sourdine(&["ingest", dir.join("b.eml").to_str().unwrap()]));
    let r2: Value = serde_json::from_str(&ok(env.sourdine(&["keys", "rotate", "--json"]))).unwrap();
    assert_eq!(r2["epoch"], 3);
    assert!(!env.key_dir.join("kek-000002.key").exists());
    ok(env.ticket(&["close", &a, "--type", "counselling"]));
    let out = env
        .cmd("sourdine")
        .args(["purge", "--json"])
        .env("SOURDINE_CLOCK_OFFSET", (400 * DAYS).to_string())
        .output()
        .unwrap();
    let r: Value = serde_json::from_str(&ok(out)).unwrap();
    assert_eq!(r["tickets"], serde_json::json!([a]));
    let epochs: Vec<String> = fs::read_dir(&env.key_dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("kek-"))
        .collect();
    assert_eq!(
        epochs,
        vec!["kek-000004.key".to_string()],
        "only the newest epoch is left"
    );
    let ids = env.ticket_ids();
    assert_eq!(ids.len(), 1);
    ok(env.ticket(&["show", &ids[0]]));
    fs::write(dir.join("c.eml"), mail("c")).unwrap();
    ok(env.sourdine(&["ingest", dir.join("c.eml").to_str().unwrap()]));
    assert_eq!(env.ticket_ids().len(), 2, "new tickets still work");
}

/// `sourdine purge --dry-run` changes nothing: the store's bytes are the same before and after.
#[test]
fn purge_dry_run_changes_nothing() {
    let env = Env::new();
    let dir = env.dir.path().join("in");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("a.eml"),
        "From: w@example.org\nSubject: dry\n\nhello\n",
    )
    .unwrap();
    fs::write(dir.join("empty.eml"), "").unwrap();
    ok(env.sourdine(&["ingest", dir.to_str().unwrap()]));
    let id = env.ticket_ids().remove(0);
    ok(env.ticket(&["close", &id, "--type", "counselling"]));
    // sled settles its log on the first open after a write session (a snapshot file, zero
    // padding of the segment): a read-only command first (not `ticket list`, which records
    // what it showed in the audit log), then compare.
    ok(env.sourdine(&["quarantine", "list"]));
    let before = all_bytes(&env.data_dir);
    let keys_before = all_bytes(&env.key_dir);
    let out = env
        .cmd("sourdine")
        .args(["purge", "--dry-run", "--json"])
        .env("SOURDINE_CLOCK_OFFSET", (400 * DAYS).to_string())
        .output()
        .unwrap();
    let r: Value = serde_json::from_str(&ok(out)).unwrap();
    assert_eq!(r["dry_run"], true);
    assert_eq!(r["tickets"], serde_json::json!([id]), "{r}");
    assert_eq!(r["quarantine"].as_array().unwrap().len(), 1);
    let after = all_bytes(&env.data_dir);
    let changed: Vec<&String> = after
        .keys()
        .chain(before.keys())
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    assert!(
        changed.is_empty(),
        "a dry run changed store files: {changed:?}"
    );
    assert!(
        all_bytes(&env.key_dir) == keys_before,
        "the key files changed"
    );
    ok(env.ticket(&["show", &id]));
}

/// `ticket forget` destroys a ticket and its keys now, and says so in the audit log.
#[test]
fn forget_destroys_a_ticket_now() {
    let env = Env::new();
    let dir = env.dir.path().join("in");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("a.eml"),
        "From: w@example.org\nSubject: forget me\n\nplease forget me\n",
    )
    .unwrap();
    fs::write(
        dir.join("b.eml"),
        "From: v@example.org\nSubject: keep me\n\nkeep\n",
    )
    .unwrap();
    ok(env.sourdine(&["ingest", dir.to_str().unwrap()]));
    let ids = env.ticket_ids();
    let gone = ids
        .iter()
        .find(|i| ok(env.ticket(&["show", i])).contains("forget me"))
        .unwrap()
        .clone();
    let out = ok(env.ticket(&[
        "forget",
        &gone,
        "--reason",
        "the writer asked, writer x@y.example",
        "--yes",
    ]));
    assert!(
        out.contains("destroyed: nothing of it can be read any more"),
        "{out}"
    );
    assert!(!env.ticket(&["show", &gone]).status.success());
    assert_eq!(env.ticket_ids().len(), 1);
    let audit = ok(env.sourdine(&["audit", "--json"]));
    assert!(audit.contains("ticket.forgotten"));
    assert!(
        !audit.contains("x@y.example"),
        "addresses in the reason are redacted"
    );
    // The same bytes again are a new ticket: the dedupe key went with the ticket.
    ok(env.sourdine(&["ingest", dir.join("a.eml").to_str().unwrap()]));
    assert_eq!(env.ticket_ids().len(), 2);
}

/// File modification times in the data directory tell no more than the configured precision.
#[test]
fn file_times_reveal_no_more_than_the_precision() {
    use std::os::unix::fs::MetadataExt;
    let env = Env::new();
    let dir = env.dir.path().join("in");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("a.eml"),
        "From: w@example.org\nSubject: times\n\nhello\n",
    )
    .unwrap();
    fs::write(
        dir.join("b.eml"),
        "From: w@example.org\nSubject: big\n\n".to_string() + &"x".repeat(100_000),
    )
    .unwrap();
    ok(env.sourdine(&["ingest", dir.to_str().unwrap()]));
    let mut paths = files_under(&env.data_dir);
    paths.push(env.data_dir.clone());
    paths.push(env.data_dir.join("files"));
    paths.push(env.data_dir.join("db"));
    for p in &paths {
        let m = fs::metadata(p).unwrap();
        assert_eq!(
            m.mtime() % 3600,
            0,
            "{} has a modification time finer than the hour",
            p.display()
        );
    }
}

/// Working on the quarantine does not lengthen a quarantined message's life nor leave it
/// readable: an entry retried in vain and one shown and exported are destroyed after
/// `quarantine_days` like any other, and no key left on disk opens their keys; the key of a
/// released entry no longer opens right after the release.
#[test]
fn quarantine_entries_worked_on_are_still_shredded() {
    let env = Env::init_with("[intake]\nmax_parts = 4\n");
    let dir = env.dir.path().join("in");
    fs::create_dir_all(&dir).unwrap();
    let mut planted = Vec::new();
    for tag in ["RETRIED", "SHOWN", "RELEASED"] {
        let mut m = format!(
            "From: PLANTQ{tag}NAME <plantq{tag}addr@example.org>\nSubject: PLANTQ{tag}SUBJECT\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\nPLANTQ{tag}BODY\n"
        );
        for i in 0..10 {
            m.push_str(&format!(
                "--b\nContent-Type: text/plain; name=f{i}.txt\n\npage {i}\n"
            ));
        }
        m.push_str("--b--\n");
        fs::write(dir.join(format!("{tag}.eml")), m).unwrap();
        planted.extend([
            format!("PLANTQ{tag}NAME"),
            format!("plantq{tag}addr"),
            format!("PLANTQ{tag}SUBJECT"),
        ]);
        if tag != "RELEASED" {
            planted.push(format!("PLANTQ{tag}BODY"));
        }
    }
    ok(env.sourdine(&["ingest", dir.to_str().unwrap()]));
    let list: Value =
        serde_json::from_str(&ok(env.sourdine(&["quarantine", "list", "--json"]))).unwrap();
    let mut by_tag = BTreeMap::new();
    for e in list.as_array().unwrap() {
        let r = e["reference"].as_str().unwrap().to_string();
        let shown: Value =
            serde_json::from_str(&ok(env.sourdine(&["quarantine", "show", &r, "--json"]))).unwrap();
        let tag = ["RETRIED", "SHOWN", "RELEASED"]
            .into_iter()
            .find(|t| shown["subject"].as_str().unwrap().contains(t))
            .unwrap();
        by_tag.insert(tag, r);
    }
    assert_eq!(by_tag.len(), 3);
    let retry = env.sourdine(&["quarantine", "retry", &by_tag["RETRIED"]]);
    assert!(!retry.status.success(), "it still passes the limit");
    let export = env.dir.path().join("shown.eml");
    ok(env.sourdine(&[
        "quarantine",
        "export",
        &by_tag["SHOWN"],
        "-o",
        export.to_str().unwrap(),
        "--yes",
    ]));
    let wrapped = wrapped_keys(&env.data_dir);
    assert_eq!(wrapped.len(), 3);
    ok(env.sourdine(&["quarantine", "release", &by_tag["RELEASED"], "--yes"]));
    let keys_on_disk = || {
        let ring = sourdine::seal::Keyring::load(&env.key_dir).unwrap();
        let mut keys: Vec<sourdine::seal::Key> = ring
            .epochs()
            .into_iter()
            .filter_map(|e| ring.kek(e).cloned())
            .collect();
        keys.push(ring.audit_key().clone());
        keys
    };
    let opens = |what: &str, keys: &[sourdine::seal::Key]| {
        let (_, aad, sealed) = wrapped.iter().find(|(w, ..)| w.contains(what)).unwrap();
        keys.iter()
            .any(|k| sourdine::seal::open(k, aad, sealed).is_ok())
    };
    assert!(
        !opens(&by_tag["RELEASED"], &keys_on_disk()),
        "the released entry's key opens no more"
    );

    // Day 29: nothing goes, whatever was done to the entries.
    let purge = |days: i64| {
        let out = env
            .cmd("sourdine")
            .args(["purge", "--json"])
            .env("SOURDINE_CLOCK_OFFSET", (days * DAYS).to_string())
            .output()
            .unwrap();
        serde_json::from_str::<Value>(&ok(out)).unwrap()
    };
    assert_eq!(purge(29)["quarantine"].as_array().unwrap().len(), 0);
    // Day 31: both go, and their keys open with nothing left on disk.
    let r = purge(31);
    let mut gone: Vec<String> = r["quarantine"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    gone.sort();
    let mut expected = vec![by_tag["RETRIED"].clone(), by_tag["SHOWN"].clone()];
    expected.sort();
    assert_eq!(gone, expected, "{r}");
    let keys = keys_on_disk();
    for tag in ["RETRIED", "SHOWN", "RELEASED"] {
        assert!(
            !opens(&by_tag[tag], &keys),
            "the key of the {tag} entry opened with a key still on disk"
        );
    }
    let mut leaks = Vec::new();
    for (path, bytes) in all_bytes(&env.data_dir) {
        for t in crate::common::found_ci(&bytes, &planted) {
            leaks.push(format!("{t} in {path}"));
        }
    }
    assert!(leaks.is_empty(), "{leaks:?}");
    assert_eq!(
        ok(env.sourdine(&["quarantine", "list", "--json"])).trim(),
        "[]"
    );
}
