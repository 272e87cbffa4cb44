//! `sourdine ingest` and the read side of `ticket`, through the real binaries.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::common::{Env, contains_ci, files_under, found_ci, ok, root, shared_corpus, text};

#[derive(Debug, Deserialize)]
struct Manifest {
    client: String,
    outcome: String,
    planted: Vec<String>,
    content: Vec<String>,
    #[serde(default)]
    attachments: Vec<ExpectedAttachment>,
    /// Content tokens inside kept attachments (checked in the exported bytes).
    #[serde(default)]
    attachment_content: Vec<String>,
    #[serde(default)]
    sender_verified: Option<bool>,
    #[serde(default)]
    language: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ExpectedAttachment {
    kind: String,
    withheld: bool,
}

fn fixtures() -> Vec<(PathBuf, Manifest)> {
    let mut out = Vec::new();
    for folder in ["fixtures/clients", "fixtures/attachments"] {
        let dir = root().join(folder);
        if !dir.is_dir() {
            continue;
        }
        out.extend(fixtures_in(&dir));
    }
    assert!(out.len() >= 5, "expected the fixtures under fixtures/");
    out
}

fn fixtures_in(dir: &Path) -> Vec<(PathBuf, Manifest)> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "eml") {
            let m: Manifest =
                toml::from_str(&fs::read_to_string(p.with_extension("toml")).unwrap())
                    .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            out.push((p, m));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(
        out.len() >= 5,
        "expected the client fixtures in {}",
        dir.display()
    );
    out
}

/// Every identifying field of every fixture carries a planted token; none may survive
/// anywhere: store files read raw, CLI output, logs at trace level, exported attachments.
/// Every content token must be readable through `ticket show`.
#[test]
fn planted_identifiers_never_leave_the_anonymiser() {
    let env = Env::init_with("[replies]\ntrusted_authserv_id = \"mx.helpline.example\"\n");
    let mut outputs: Vec<(String, Vec<u8>)> = Vec::new();
    let mut all_planted = BTreeSet::new();
    let mut known: BTreeSet<String> = BTreeSet::new();

    for (path, m) in fixtures() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        all_planted.extend(m.planted.iter().cloned());
        let out = env
            .cmd("sourdine")
            .args(["ingest", "--json"])
            .arg(&path)
            .env("SOURDINE_LOG", "trace")
            .output()
            .unwrap();
        outputs.push((format!("{name}: ingest stdout"), out.stdout.clone()));
        outputs.push((
            format!("{name}: ingest stderr (trace logs)"),
            out.stderr.clone(),
        ));
        let counts: serde_json::Value = serde_json::from_str(&ok(out)).unwrap();

        if m.outcome == "quarantine" {
            assert_eq!(
                counts["quarantined"], 1,
                "{name} ({}) should be quarantined",
                m.client
            );
            // A quarantined message is sealed whole: its content is not readable either.
            all_planted.extend(m.content.iter().cloned());
            continue;
        }
        assert_eq!(
            counts["ticketed"], 1,
            "{name} ({}) should be ticketed: {counts}",
            m.client
        );
        let ids: BTreeSet<String> = env.ticket_ids().into_iter().collect();
        let new: Vec<_> = ids.difference(&known).cloned().collect();
        assert_eq!(new.len(), 1, "{name}: one new ticket");
        known = ids;
        let id = &new[0];

        let show = env.ticket(&["show", id, "--json"]);
        outputs.push((format!("{name}: show --json"), show.stdout.clone()));
        let human = env.ticket(&["show", id]);
        outputs.push((format!("{name}: show"), human.stdout.clone()));
        ok(human);
        let v: serde_json::Value = serde_json::from_str(&ok(show)).unwrap();
        let shown = v.to_string();
        for token in &m.content {
            assert!(
                shown.contains(token.as_str()),
                "{name}: content token {token} not readable: {shown}"
            );
        }
        let msg = &v["messages"][0];
        assert_eq!(msg["direction"], "in");
        let atts = msg["attachments"].as_array().unwrap();
        let got: Vec<(String, bool)> = atts
            .iter()
            .map(|a| {
                (
                    a["kind"].as_str().unwrap().to_string(),
                    a["withheld"].as_bool().unwrap(),
                )
            })
            .collect();
        let want: Vec<(String, bool)> = m
            .attachments
            .iter()
            .map(|a| (a.kind.clone(), a.withheld))
            .collect();
        assert_eq!(got, want, "{name}: attachments");
        for a in atts {
            let name_shown = a["name"].as_str().unwrap();
            assert!(
                name_shown.starts_with("attachment-"),
                "{name}: generic name, got {name_shown}"
            );
            if !a["withheld"].as_bool().unwrap() {
                let export = env.dir.path().join(format!("export-{id}-{}", a["id"]));
                let out = env.ticket(&[
                    "attachment",
                    id,
                    &a["id"].to_string(),
                    "--output",
                    export.to_str().unwrap(),
                ]);
                outputs.push((format!("{name}: attachment stderr"), out.stderr.clone()));
                ok(out);
                for (k, part) in expanded(&fs::read(&export).unwrap())
                    .into_iter()
                    .enumerate()
                {
                    outputs.push((format!("{name}: exported {name_shown} (part {k})"), part));
                }
            }
        }
        let exported: Vec<u8> = outputs
            .iter()
            .filter(|(w, _)| w.starts_with(&format!("{name}: exported")))
            .flat_map(|(_, b)| b.clone())
            .collect();
        for token in &m.attachment_content {
            assert!(
                contains_ci(&exported, token),
                "{name}: attachment content token {token} not in the exported attachments"
            );
        }
        if let Some(verified) = m.sender_verified {
            assert_eq!(v["sender_verified"], verified, "{name}: sender_verified");
        }
        if let Some(lang) = &m.language {
            assert_eq!(v["language"], lang.as_str(), "{name}: language");
        }
    }
    for args in [
        &["list", "--status", "all"][..],
        &["list", "--status", "all", "--json"],
    ] {
        let out = env.ticket(args);
        outputs.push((format!("ticket {args:?}"), out.stdout.clone()));
        ok(out);
    }
    let out = env.sourdine(&["quarantine", "list", "--json"]);
    outputs.push(("quarantine list".into(), out.stdout.clone()));
    ok(out);

    let files = files_under(&env.data_dir);
    assert!(files.len() > 3, "the store has files");
    let mut leaks = Vec::new();
    for f in &files {
        for t in found_ci(&fs::read(f).unwrap(), &all_planted) {
            leaks.push(format!("{t} in store file {}", f.display()));
        }
    }
    for (what, bytes) in &outputs {
        for t in found_ci(bytes, &all_planted) {
            leaks.push(format!("{t} in {what}"));
        }
    }
    assert!(
        leaks.is_empty(),
        "planted identifiers leaked:\n{}",
        leaks.join("\n")
    );
    eprintln!(
        "checked {} planted tokens against {} store files and {} outputs",
        all_planted.len(),
        files.len(),
        outputs.len()
    );
}

/// Every sample of the shared corpus is ticketed or quarantined, never a crash.
#[test]
fn shared_corpus_is_ticketed_or_quarantined() {
    let Some(corpus) = shared_corpus() else {
        eprintln!("SKIPPED: ../shared/corpus/mime-samples is absent on this machine");
        return;
    };
    let env = Env::new();
    let out = env.sourdine(&["ingest", "--json", corpus.to_str().unwrap()]);
    let stdout = ok(out);
    let c: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let emls = files_under(&corpus)
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .count() as u64;
    let ticketed = c["ticketed"].as_u64().unwrap();
    let quarantined = c["quarantined"].as_u64().unwrap();
    let seen = c["already_seen"].as_u64().unwrap();
    eprintln!(
        "shared corpus: {emls} messages -> {ticketed} ticketed, {quarantined} quarantined, {seen} already seen (identical bytes), {} other files skipped",
        c["skipped"]
    );
    assert_eq!(ticketed + quarantined + seen, emls);
    assert_eq!(c["failed"], 0);
    // Every ticket can be shown.
    for id in env.ticket_ids() {
        ok(env.ticket(&["show", &id, "--json"]));
    }
}

/// The same bytes twice make one ticket; the second run reports them as already seen.
#[test]
fn ingesting_the_same_bytes_twice_makes_one_ticket() {
    let env = Env::new();
    let dir = env.dir.path().join("in");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("a.eml"),
        "From: a@example.org\nSubject: once\n\nhello\n",
    )
    .unwrap();
    fs::write(
        dir.join("copy.eml"),
        "From: a@example.org\nSubject: once\n\nhello\n",
    )
    .unwrap();
    let c: serde_json::Value = serde_json::from_str(&ok(env.sourdine(&[
        "ingest",
        "--json",
        dir.to_str().unwrap(),
    ])))
    .unwrap();
    assert_eq!(
        (c["ticketed"].as_u64(), c["already_seen"].as_u64()),
        (Some(1), Some(1))
    );
    let c: serde_json::Value = serde_json::from_str(&ok(env.sourdine(&[
        "ingest",
        "--json",
        dir.to_str().unwrap(),
    ])))
    .unwrap();
    assert_eq!(
        (c["ticketed"].as_u64(), c["already_seen"].as_u64()),
        (Some(0), Some(2))
    );
    assert_eq!(env.ticket_ids().len(), 1);
}

/// An mbox, a Maildir and stray files: counted as the issue says; an empty file is
/// quarantined, never dropped.
#[test]
fn mbox_maildir_and_skipped_files_are_counted() {
    let env = Env::new();
    let d = env.dir.path().join("in");
    for s in ["cur", "new", "tmp"] {
        fs::create_dir_all(d.join("box").join(s)).unwrap();
    }
    fs::write(
        d.join("box/new/1.x"),
        "From: a@example.org\nSubject: maildir new\n\nx\n",
    )
    .unwrap();
    fs::write(
        d.join("box/cur/2.x:2,S"),
        "From: a@example.org\nSubject: maildir cur\n\ny\n",
    )
    .unwrap();
    fs::write(d.join("readme.txt"), "not mail").unwrap();
    fs::write(d.join("empty.eml"), "").unwrap();
    let mbox = env.dir.path().join("archive.mbox");
    fs::write(
        &mbox,
        "From a@example.org Mon Jun  3 10:00:00 2024\nFrom: a@example.org\nSubject: m1\n\none\n\nFrom b@example.org Mon Jun  3 11:00:00 2024\nFrom: b@example.org\nSubject: m2\n\ntwo\n",
    )
    .unwrap();
    let out = env.sourdine(&[
        "ingest",
        "--json",
        d.to_str().unwrap(),
        mbox.to_str().unwrap(),
    ]);
    let c: serde_json::Value = serde_json::from_str(&ok(out)).unwrap();
    assert_eq!(c["ticketed"], 4, "{c}");
    assert_eq!(c["quarantined"], 1, "{c}");
    assert_eq!(c["skipped"], 1, "{c}");
    let q: serde_json::Value =
        serde_json::from_str(&ok(env.sourdine(&["quarantine", "list", "--json"]))).unwrap();
    let q = q.as_array().unwrap();
    assert_eq!(q.len(), 1);
    for key in ["reference", "reason", "size", "received"] {
        assert!(q[0].get(key).is_some(), "quarantine entry has {key}");
    }
}

/// A missing path is a clear error with a non-zero exit; nothing is half-done.
#[test]
fn missing_path_fails_clearly() {
    let env = Env::new();
    let out = env.sourdine(&["ingest", "/nonexistent/mail"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("/nonexistent/mail"),
        "{}",
        text(&out.stderr)
    );
}

/// `ticket show` of an unknown reference names it; `--json` list is an array.
#[test]
fn unknown_ticket_is_named() {
    let env = Env::new();
    let out = env.ticket(&["show", "K7F3QX9M"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("ticket K7F3QX9M not found"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(ok(env.ticket(&["list", "--json"])).trim(), "[]");
}

/// Keys live outside the data directory, the data directory is 0700, key files 0600, and
/// `init` run twice changes no key.
#[test]
fn init_is_idempotent_and_private() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&env.data_dir), 0o700);
    let keys: Vec<_> = files_under(&env.key_dir);
    assert!(!keys.is_empty());
    let before: Vec<_> = keys.iter().map(|k| fs::read(k).unwrap()).collect();
    for k in &keys {
        assert_eq!(mode(k), 0o600, "{}", k.display());
        assert!(!k.starts_with(&env.data_dir));
    }
    ok(env.sourdine(&["init"]));
    let after: Vec<_> = keys.iter().map(|k| fs::read(k).unwrap()).collect();
    assert_eq!(before, after, "init must never overwrite a key");
}

/// `--config` is accepted before or after the subcommand, and `$SOURDINE_CONFIG` works too.
#[test]
fn config_option_before_or_after_the_subcommand() {
    let env = Env::with_config("");
    let cfg = env.config.to_str().unwrap();
    let before = std::process::Command::new(crate::common::bin("sourdine"))
        .args(["--config", cfg, "init"])
        .env_remove("SOURDINE_CONFIG")
        .output()
        .unwrap();
    ok(before);
    let after = std::process::Command::new(crate::common::bin("ticket"))
        .args(["list", "--config", cfg, "--json"])
        .env_remove("SOURDINE_CONFIG")
        .output()
        .unwrap();
    assert_eq!(ok(after).trim(), "[]");
    // A bad configuration names the key and the problem.
    fs::write(
        &env.config,
        "data_dir = \"relative\"\ncontact_address = \"a@b.example\"\n",
    )
    .unwrap();
    let out = env.sourdine(&["init"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("`data_dir`") && err.contains("absolute"),
        "{err}"
    );
}

/// The bytes of a file and everything compressed inside it: zip members (recursively) and
/// FlateDecode streams of a PDF, inflated, so a token cannot hide in compression.
pub fn expanded(bytes: &[u8]) -> Vec<Vec<u8>> {
    use std::io::Read;
    let mut out = vec![bytes.to_vec()];
    if bytes.starts_with(b"PK\x03\x04")
        && let Ok(mut z) = zip::ZipArchive::new(std::io::Cursor::new(bytes))
    {
        for i in 0..z.len().min(10_000) {
            if let Ok(f) = z.by_index(i) {
                let mut buf = Vec::new();
                if f.take(64 << 20).read_to_end(&mut buf).is_ok() {
                    out.extend(expanded(&buf));
                }
            }
        }
    }
    if bytes.starts_with(b"%PDF") {
        let mut pos = 0;
        while let Some(i) = find(&bytes[pos..], b"stream") {
            let start = pos + i + 6;
            let body_start = if bytes[start..].starts_with(b"\r\n") {
                start + 2
            } else {
                start + 1
            };
            if body_start >= bytes.len() {
                break;
            }
            let Some(end) = find(&bytes[body_start..], b"endstream") else {
                break;
            };
            let body = &bytes[body_start..body_start + end];
            let mut buf = Vec::new();
            if flate2::read::ZlibDecoder::new(body)
                .take(64 << 20)
                .read_to_end(&mut buf)
                .is_ok()
                && !buf.is_empty()
            {
                out.push(buf);
            }
            pos = body_start + end + 9;
        }
    }
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn the_table_shows_the_head_of_the_queue_and_says_there_is_more() {
    let env = Env::init_with("");
    let corpus = env.dir.path().join("corpus");
    // 53 generated messages (seed 1, as `sourdine-corpus --count 53` writes them).
    let mix = sourdine_corpus::Mix::default();
    sourdine_corpus::write::write(&corpus, sourdine_corpus::write::Format::Eml, 1, 53, &mix)
        .unwrap();
    ok(env.sourdine(&["ingest", corpus.to_str().unwrap()]));
    let rows = |out: &str| out.lines().filter(|l| l.contains("open")).count();
    let table = ok(env.ticket(&["list"]));
    assert_eq!(rows(&table), 50, "{table}");
    assert!(
        table.contains("(the first 50; --limit N or --all shows more)"),
        "{table}"
    );
    let all = ok(env.ticket(&["list", "--all"]));
    assert_eq!(rows(&all), 53);
    assert!(!all.contains("the first 50"));
    let few = ok(env.ticket(&["list", "--limit", "3"]));
    assert_eq!(rows(&few), 3);
    assert!(!few.contains("the first"));
    // The order of a limited list is the head of the full one.
    let ids = |out: &str| -> Vec<String> {
        out.lines()
            .filter(|l| l.contains("open"))
            .filter_map(|l| l.split_whitespace().next().map(str::to_string))
            .collect()
    };
    assert_eq!(ids(&few)[..], ids(&all)[..3]);
    let json: serde_json::Value =
        serde_json::from_str(&ok(env.ticket(&["list", "--json"]))).unwrap();
    assert_eq!(
        json.as_array().unwrap().len(),
        53,
        "--json lists every ticket"
    );
}
