//! Identity that would reach a counsellor past the header allow-list (issue 16, section 3):
//! RTF documents, uuencoded files, raw MIME, messages sent as files, inline PGP, "Original
//! Message" blocks, signatures without a `-- ` line, device and list footers, invisible
//! characters, tracking links. Each door has a fixture in `fixtures/doors/` with planted
//! identifiers and the writer's marked words; everything goes through the real binaries.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::common::{Env, contains_ci, files_under, found_ci, ok, root};

#[derive(Debug, Deserialize)]
struct Manifest {
    client: String,
    planted: Vec<String>,
    content: Vec<String>,
    /// Readable through `ticket show` or in an exported attachment.
    #[serde(default)]
    readable: Vec<String>,
    #[serde(default)]
    attachment_content: Vec<String>,
    /// Checked only when given.
    #[serde(default)]
    attachments: Option<Vec<ExpectedAttachment>>,
    #[serde(default)]
    language: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ExpectedAttachment {
    kind: String,
    withheld: bool,
}

fn fixtures() -> Vec<(PathBuf, Manifest)> {
    let dir = root().join("fixtures/doors");
    let mut out: Vec<(PathBuf, Manifest)> = fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .map(|p| {
            let m = toml::from_str(&fs::read_to_string(p.with_extension("toml")).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p, m)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(
        out.len() >= 12,
        "expected the fixtures in {}",
        dir.display()
    );
    out
}

/// The bytes of the long hexadecimal runs of `b` (the pictures of an RTF document), decoded.
fn hex_runs(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut run = Vec::new();
    for &c in b.iter().chain(std::iter::once(&b'}')) {
        if c.is_ascii_hexdigit() {
            run.push(c);
        } else if c != b'\n' && c != b'\r' {
            if run.len() >= 64 {
                for pair in run.chunks_exact(2) {
                    let s = std::str::from_utf8(pair).unwrap();
                    out.push(u8::from_str_radix(s, 16).unwrap());
                }
            }
            run.clear();
        }
    }
    out
}

/// Ingests one fixture; returns the new ticket's id, with every output recorded in `outputs`.
fn ingest(env: &Env, path: &Path, outputs: &mut Vec<(String, Vec<u8>)>) -> String {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let before: BTreeSet<String> = env.ticket_ids().into_iter().collect();
    let out = env
        .cmd("sourdine")
        .args(["ingest", "--json"])
        .arg(path)
        .env("SOURDINE_LOG", "trace")
        .output()
        .unwrap();
    outputs.push((format!("{name}: ingest stdout"), out.stdout.clone()));
    outputs.push((format!("{name}: ingest logs"), out.stderr.clone()));
    let counts: serde_json::Value = serde_json::from_str(&ok(out)).unwrap();
    assert_eq!(counts["ticketed"], 1, "{name} should be ticketed: {counts}");
    let after: BTreeSet<String> = env.ticket_ids().into_iter().collect();
    let new: Vec<&String> = after.difference(&before).collect();
    assert_eq!(new.len(), 1, "{name}: one new ticket");
    new[0].clone()
}

/// Every fixture: no planted identifier anywhere (CLI output, logs, exported attachments and
/// the pictures inside them, store files), every marked piece of the writer's text readable.
#[test]
fn other_doors_leak_nothing_and_keep_the_writers_words() {
    let env = Env::new();
    let mut outputs: Vec<(String, Vec<u8>)> = Vec::new();
    let mut planted = BTreeSet::new();
    for (path, m) in fixtures() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        planted.extend(m.planted.iter().cloned());
        let id = ingest(&env, &path, &mut outputs);
        let show = env.ticket(&["show", &id, "--json"]);
        outputs.push((format!("{name}: show --json"), show.stdout.clone()));
        let human = env.ticket(&["show", &id]);
        outputs.push((format!("{name}: show"), human.stdout.clone()));
        ok(human);
        let v: serde_json::Value = serde_json::from_str(&ok(show)).unwrap();
        let shown = format!(
            "{}\n{}",
            v["subject"].as_str().unwrap(),
            v["messages"][0]["body"].as_str().unwrap()
        );
        for token in &m.content {
            assert!(
                shown.contains(token.as_str()),
                "{name} ({}): {token:?} not readable:\n{shown}",
                m.client
            );
        }
        let atts = v["messages"][0]["attachments"].as_array().unwrap().clone();
        if let Some(want) = &m.attachments {
            let got: Vec<(String, bool)> = atts
                .iter()
                .map(|a| {
                    (
                        a["kind"].as_str().unwrap().into(),
                        a["withheld"].as_bool().unwrap(),
                    )
                })
                .collect();
            let want: Vec<(String, bool)> =
                want.iter().map(|a| (a.kind.clone(), a.withheld)).collect();
            assert_eq!(got, want, "{name}: attachments");
        }
        let mut exported = Vec::new();
        for a in atts.iter().filter(|a| !a["withheld"].as_bool().unwrap()) {
            let file = env.dir.path().join(format!("export-{id}-{}", a["id"]));
            let out = env.ticket(&[
                "attachment",
                &id,
                &a["id"].to_string(),
                "--output",
                file.to_str().unwrap(),
            ]);
            outputs.push((format!("{name}: attachment stderr"), out.stderr.clone()));
            ok(out);
            let bytes = fs::read(&file).unwrap();
            outputs.push((format!("{name}: exported {}", a["name"]), bytes.clone()));
            outputs.push((
                format!("{name}: pictures in {}", a["name"]),
                hex_runs(&bytes),
            ));
            exported.extend(bytes);
        }
        for token in &m.attachment_content {
            assert!(
                contains_ci(&exported, token),
                "{name}: {token:?} not in the exported attachments"
            );
        }
        for token in &m.readable {
            assert!(
                shown.contains(token.as_str()) || contains_ci(&exported, token),
                "{name}: {token:?} neither shown nor in an attachment:\n{shown}"
            );
        }
        if let Some(lang) = &m.language {
            assert_eq!(v["language"], lang.as_str(), "{name}: language");
        }
    }
    let out = env.ticket(&["list", "--status", "all"]);
    outputs.push(("ticket list".into(), out.stdout.clone()));
    ok(out);
    let mut leaks = Vec::new();
    for (what, bytes) in &outputs {
        for t in found_ci(bytes, &planted) {
            leaks.push(format!("{t:?} in {what}"));
        }
    }
    // Store files are sealed (random-looking bytes): only tokens long enough not to occur by
    // chance are looked for there.
    let long: Vec<String> = planted.iter().filter(|t| t.len() >= 6).cloned().collect();
    for f in files_under(&env.data_dir) {
        for t in found_ci(&fs::read(&f).unwrap(), &long) {
            leaks.push(format!("{t:?} in store file {}", f.display()));
        }
    }
    assert!(
        leaks.is_empty(),
        "planted identifiers leaked:\n{}",
        leaks.join("\n")
    );
}

/// A uuencoded file is exported as the file it encodes (decoded, sniffed, cleaned), never as
/// the encoded text with its name.
#[test]
fn uuencoded_files_are_exported_as_the_files_they_encode() {
    let env = Env::new();
    let id = ingest(
        &env,
        &root().join("fixtures/doors/uuencode.eml"),
        &mut Vec::new(),
    );
    let v = env.show(&id);
    let atts = v["messages"][0]["attachments"].as_array().unwrap();
    let export = |n: usize| {
        let file = env.dir.path().join(format!("a{n}"));
        ok(env.ticket(&[
            "attachment",
            &id,
            &atts[n]["id"].to_string(),
            "--output",
            file.to_str().unwrap(),
        ]));
        fs::read(file).unwrap()
    };
    assert_eq!(
        export(0),
        b"My diary, 2 June: KEEPUUDIARY I did not go to school today.\n"
    );
    let png = export(1);
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    assert!(!contains_ci(&png, "tEXt"), "its text chunk was cleaned");
    assert_eq!(atts[1]["cleaned"], true);
}
