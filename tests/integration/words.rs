//! The writer's words are never removed: each fixture of `fixtures/words/` hides a marked
//! sentence where a rule could take it (right before an attribution, a reply header or a
//! signature; after a header block ending in a line of spaces; in a preamble, a mislabelled
//! part, a multipart whose structure cannot be read). Through `sourdine ingest`, the sentence
//! is in the ticket's body, and the planted identifiers are nowhere.

use std::collections::BTreeSet;
use std::fs;

use serde::Deserialize;

use crate::common::{Env, found_ci, ok, root};

#[derive(Debug, Deserialize)]
struct Manifest {
    shape: String,
    marked: String,
    planted: Vec<String>,
}

#[test]
fn the_marked_sentence_of_every_shape_reaches_the_body() {
    let dir = root().join("fixtures/words");
    let mut fixtures: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    fixtures.sort();
    assert!(fixtures.len() >= 8, "the fixtures of {}", dir.display());
    let env = Env::new();
    let mut known: BTreeSet<String> = BTreeSet::new();
    for path in fixtures {
        let m: Manifest =
            toml::from_str(&fs::read_to_string(path.with_extension("toml")).unwrap()).unwrap();
        let out = env
            .cmd("sourdine")
            .args(["ingest", "--json"])
            .arg(&path)
            .env("SOURDINE_LOG", "trace")
            .output()
            .unwrap();
        let logs = out.stderr.clone();
        let c: serde_json::Value = serde_json::from_str(&ok(out)).unwrap();
        assert_eq!(c["ticketed"], 1, "{}: {c}", m.shape);
        let ids: BTreeSet<String> = env.ticket_ids().into_iter().collect();
        let new: Vec<String> = ids.difference(&known).cloned().collect();
        assert_eq!(new.len(), 1, "{}: one new ticket", m.shape);
        known = ids;
        let id = &new[0];
        let show = ok(env.ticket(&["show", id, "--json"]));
        let v: serde_json::Value = serde_json::from_str(&show).unwrap();
        let body = v["messages"][0]["body"].as_str().unwrap_or_default();
        assert!(
            body.contains(&m.marked),
            "{}: the marked sentence is not in the body: {body:?}",
            m.shape
        );
        let human = ok(env.ticket(&["show", id]));
        for (what, bytes) in [
            ("show --json", show.as_bytes()),
            ("show", human.as_bytes()),
            ("logs", &logs[..]),
        ] {
            let leaks = found_ci(bytes, &m.planted);
            assert!(leaks.is_empty(), "{}: {leaks:?} in {what}", m.shape);
        }
    }
}
