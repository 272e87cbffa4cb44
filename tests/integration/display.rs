//! Counsellors' own text cannot take over another counsellor's terminal (issue 17, point 3):
//! notes, urgent reasons, reveal reasons, tags and replies carrying every class of terminal
//! escape are kept without them, and what the programs print holds none, also for records
//! written before the filter existed. JSON keeps old text exact, escaped.

use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::common::{Env, bin, ok, text};

/// Every class of character that can drive a terminal, with a name for messages.
const CLASSES: [(&str, &str); 9] = [
    ("OSC 52 (clipboard write)", "\x1b]52;c;ZXZpbA==\x07"),
    ("CSI 2J (clear screen)", "\x1b[2J\x1b[H"),
    (
        "OSC 8 (link)",
        "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",
    ),
    ("C1 controls", "\u{85}\u{8d}\u{90}\u{9d}\u{9f}"),
    ("8-bit CSI", "\u{9b}2J"),
    ("bidi overrides", "\u{202e}\u{2066}\u{2067}\u{2068}\u{2069}"),
    ("lone ESC", "\x1b"),
    ("DEL", "\x7f"),
    ("C0 controls", "\x07\x08\r"),
];

/// A text that starts with `word` (to search for it) and carries every class.
fn hostile(word: &str) -> String {
    let mut s = format!("{word} ");
    for (_, c) in CLASSES {
        s.push_str(c);
        s.push_str(" x ");
    }
    s
}

/// What may not reach a terminal: controls other than newline and tab, DEL, C1, bidi
/// controls. Written here, apart from the code under test.
fn forbidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}')
}

/// Asserts that `bytes` are UTF-8 (a raw 8-bit CSI byte is not) and carry no forbidden
/// character.
#[track_caller]
fn assert_inert(what: &str, bytes: &[u8]) {
    let s = std::str::from_utf8(bytes)
        .unwrap_or_else(|e| panic!("{what}: output is not UTF-8 ({e}): {bytes:?}"));
    if let Some(c) = s.chars().find(|&c| forbidden(c)) {
        panic!("{what}: {c:?} reaches the terminal in {s:?}");
    }
}

/// Runs a command and checks that neither of its outputs carries a forbidden character.
#[track_caller]
fn inert(what: &str, out: Output) -> Output {
    assert_inert(&format!("{what} (stdout)"), &out.stdout);
    assert_inert(&format!("{what} (stderr)"), &out.stderr);
    out
}

/// The instance, one ticket (with a reply address) and its reference. The current user is
/// named a supervisor, so that it may ask for a reveal and forget.
fn helpline() -> (Env, String) {
    let env = Env::init_with(&format!(
        "[roles]\nsupervisor_users = [\"{}\"]\n",
        nix::unistd::getuid().as_raw()
    ));
    let mail = env.dir.path().join("a.eml");
    fs::write(
        &mail,
        "From: Writer <writer@example.org>\nSubject: help please\n\nI need help.\n",
    )
    .unwrap();
    ok(env.sourdine(&["ingest", mail.to_str().unwrap()]));
    let id = env.ticket_ids().remove(0);
    (env, id)
}

/// Every listing a counsellor or supervisor reads, human and JSON, checked inert; returns
/// the JSON of `show`, `reveal --list` and `audit`.
fn read_everything(env: &Env, id: &str, word: &str) -> (Value, Value, Value) {
    let mut json = Vec::new();
    for args in [
        &["show", id][..],
        &["search", word],
        &["list", "--status", "all"],
        &["reveal", "--list"],
        &["show", id, "--json"],
        &["search", word, "--json"],
        &["list", "--status", "all", "--json"],
        &["reveal", "--list", "--json"],
    ] {
        let out = inert(&format!("ticket {args:?}"), env.ticket(args));
        let stdout = ok(out);
        if args.contains(&"--json") {
            json.push(serde_json::from_str::<Value>(&stdout).unwrap());
        }
    }
    for args in [&["audit"][..], &["audit", "--json"]] {
        let stdout = ok(inert(&format!("sourdine {args:?}"), env.sourdine(args)));
        if args.contains(&"--json") {
            json.push(serde_json::from_str::<Value>(&stdout).unwrap());
        }
    }
    let search = &json[1];
    assert!(
        search.as_array().is_some_and(|a| !a.is_empty()),
        "the search found the ticket: {search}"
    );
    (json[0].clone(), json[3].clone(), json[4].clone())
}

/// Whether a JSON value holds a forbidden character in any of its strings.
fn holds_forbidden(v: &Value) -> bool {
    match v {
        Value::String(s) => s.chars().any(forbidden),
        Value::Array(a) => a.iter().any(holds_forbidden),
        Value::Object(o) => o.values().any(holds_forbidden),
        _ => false,
    }
}

/// Notes, urgent and reveal reasons, tags and replies written through `ticket` with every
/// class of escape: stored without them, and nothing of them reaches standard output or
/// standard error of `ticket show`, `search`, `list`, `reveal --list` or `sourdine audit`.
#[test]
fn counsellors_text_cannot_drive_a_terminal() {
    let (env, id) = helpline();
    let note = env.dir.path().join("note.txt");
    fs::write(
        &note,
        format!("{}\nsecond line\tand a tab", hostile("notemark")),
    )
    .unwrap();
    ok(inert(
        "note",
        env.ticket(&["note", &id, "--file", note.to_str().unwrap()]),
    ));
    ok(inert(
        "urgent",
        env.ticket(&["urgent", &id, "--reason", &hostile("urgentmark")]),
    ));
    let tag = "tag\x1b[2J\x1b]52;c;QQ==\x07\u{9b}1m\u{202e}\u{2066}x\x7f\u{85}";
    ok(inert("tag", env.ticket(&["tag", &id, tag])));
    ok(inert(
        "reveal",
        env.ticket(&["reveal", &id, "--reason", &hostile("revealmark")]),
    ));
    let reply = env.dir.path().join("reply.txt");
    fs::write(&reply, hostile("replymark")).unwrap();
    ok(inert(
        "reply",
        env.ticket(&[
            "reply",
            &id,
            "--file",
            reply.to_str().unwrap(),
            "--yes",
            "--unverified",
        ]),
    ));
    // A second ticket, forgotten with a hostile reason (which the audit log keeps).
    let other = env.dir.path().join("b.eml");
    fs::write(&other, "From: b@example.org\nSubject: other\n\nAnother.\n").unwrap();
    ok(env.sourdine(&["ingest", other.to_str().unwrap()]));
    let second = env.ticket_ids().into_iter().find(|t| *t != id).unwrap();
    ok(inert(
        "forget",
        env.ticket(&[
            "forget",
            &second,
            "--reason",
            &hostile("forgetmark"),
            "--yes",
        ]),
    ));

    // A raw 8-bit CSI byte (0x9B alone is not UTF-8): refused, and not echoed.
    let raw = env.dir.path().join("raw.txt");
    fs::write(&raw, b"raw \x9b2J note").unwrap();
    let out = inert(
        "raw byte in a file",
        env.ticket(&["note", &id, "--file", raw.to_str().unwrap()]),
    );
    assert!(!out.status.success(), "a note that is not text is refused");
    let out = inert(
        "raw byte in an argument",
        env.cmd("ticket")
            .args(["urgent", &id, "--reason"])
            .arg(std::ffi::OsStr::from_bytes(b"raw \x9b2J reason"))
            .output()
            .unwrap(),
    );
    assert!(
        !out.status.success(),
        "an argument that is not text is refused"
    );

    let (shown, reveals, audit) = read_everything(&env, &id, "notemark");
    for v in [&shown, &reveals, &audit] {
        assert!(!holds_forbidden(v), "stored without escapes: {v:#}");
    }
    // What was kept is the text without its controls, words intact.
    let note_text = shown["notes"][0]["text"].as_str().unwrap();
    assert!(
        note_text.starts_with(
            "notemark ]52;c;ZXZpbA== x [2J[H x ]8;;https://evil.example/\\click]8;;\\ x"
        ) && note_text.contains("\nsecond line\tand a tab"),
        "{note_text:?}"
    );
    assert!(
        shown["urgent_reason"]
            .as_str()
            .unwrap()
            .starts_with("urgentmark ]52;c;ZXZpbA== x"),
        "{shown:#}"
    );
    assert_eq!(shown["tags"][0], "tag[2J]52;c;QQ==1mx");
    assert!(
        reveals[0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("revealmark "),
        "{reveals:#}"
    );
    let forgotten = audit
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "ticket.forgotten")
        .unwrap();
    assert!(
        forgotten["detail"]
            .as_str()
            .unwrap()
            .contains("forgetmark ]52;c;ZXZpbA== x"),
        "{forgotten:#}"
    );
    let sent = crate::common::first_outgoing(&shown);
    assert!(
        sent["body"].as_str().unwrap().starts_with("replymark "),
        "{sent:#}"
    );
}

/// Records written before the filter existed (through the store itself, as an old version
/// did) still carry their escapes: every program shows them inert (as visible symbols), and
/// JSON gives the exact old text back, escaped.
#[test]
fn old_records_with_escapes_are_shown_inert() {
    use sourdine::store::records::OutKind;
    use sourdine::store::{Actor, Store};
    let (env, id) = helpline();
    let intruder = Actor {
        uid: Some(4999),
        name: "eve\x1b]52;c;ZXZpbA==\x07\u{202e}".into(),
    };
    {
        let cfg = sourdine::config::Config::load(&env.config).unwrap();
        let store = Store::open(&cfg).unwrap();
        store.add_note(&id, &intruder, &hostile("oldnote")).unwrap();
        store
            .set_urgent(&id, &intruder, Some(&hostile("oldurgent")))
            .unwrap();
        // The store always refused controls in tags, but not bidi controls.
        store
            .set_tag(&id, &intruder, "old\u{202e}tag\u{2066}", true)
            .unwrap();
        store
            .reveal_request(&id, &intruder, &hostile("oldreveal"))
            .unwrap();
        store
            .queue_outgoing(
                &id,
                &intruder,
                OutKind::Reply,
                "Re: help",
                &hostile("oldreply"),
            )
            .unwrap();
        store.set_claim(&id, &intruder, true, false).unwrap();
        store
            .audit_action(
                &intruder,
                "ticket.note",
                Some(&id),
                Some(hostile("oldaudit")),
            )
            .unwrap();
    }
    let (shown, reveals, audit) = read_everything(&env, &id, "oldnote");
    // JSON: the exact old text, escaped on the way out.
    assert_eq!(shown["notes"][0]["text"], hostile("oldnote"));
    assert_eq!(shown["urgent_reason"], hostile("oldurgent"));
    assert_eq!(shown["claimed_by"], intruder.name);
    assert_eq!(shown["tags"][0], "old\u{202e}tag\u{2066}");
    assert_eq!(reveals[0]["reason"], hostile("oldreveal"));
    assert!(
        audit
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["detail"] == hostile("oldaudit")),
        "{audit:#}"
    );
    // Human output: the escapes are there as symbols, inert.
    let out = text(&env.ticket(&["show", &id]).stdout);
    assert!(
        out.contains("oldnote ␛]52;c;ZXZpbA==␇ x ␛[2J␛[H x"),
        "{out}"
    );
    assert!(out.contains("eve␛]52;c;ZXZpbA==␇�"), "{out}");
}

/// On a terminal, with colour: the programs' own colours reach it, nothing else does.
#[test]
fn on_a_terminal_only_our_own_colours_arrive() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("SKIPPED: `script` (util-linux) is needed for a terminal");
        return;
    }
    let (env, id) = helpline();
    let note = env.dir.path().join("note.txt");
    fs::write(&note, hostile("ptynote")).unwrap();
    ok(env.ticket(&["note", &id, "--file", note.to_str().unwrap()]));
    ok(env.ticket(&["urgent", &id, "--reason", &hostile("ptyurgent")]));
    let out = Command::new("script")
        .args([
            "-qec",
            &format!("{} show {id}", bin("ticket").display()),
            "/dev/null",
        ])
        .env("SOURDINE_CONFIG", &env.config)
        .env("TERM", "xterm-256color")
        .env("SOURDINE_NO_PAGER", "1")
        .env_remove("NO_COLOR")
        .env_remove("SOURDINE_SOCKET")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let shown = text(&out.stdout).replace("\r\n", "\n");
    assert!(shown.contains("ptynote"), "{shown:?}");
    // Only SGR sequences of our own styles: ESC [ (0|1|2|31|32|33|36) m.
    let mut colours = 0;
    for (i, _) in shown.match_indices('\x1b') {
        let rest = &shown[i + 1..];
        let end = rest
            .find('m')
            .unwrap_or_else(|| panic!("unended escape: {rest:?}"));
        let seq = &rest[..=end];
        assert!(
            ["[0m", "[1m", "[2m", "[31m", "[32m", "[33m", "[36m"].contains(&seq),
            "escape {seq:?} reached the terminal in {shown:?}"
        );
        colours += 1;
    }
    assert!(colours > 0, "colour is on in a terminal: {shown:?}");
    let without_colours: String = shown
        .split('\x1b')
        .enumerate()
        .map(|(i, p)| match p.split_once('m') {
            Some((_, rest)) if i > 0 => rest,
            _ => p,
        })
        .collect();
    assert_inert("show on a terminal", without_colours.as_bytes());
}
