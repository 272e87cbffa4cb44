//! The quarantine as a place to work from, through the real binaries: a message quarantined by
//! `sourdine ingest` is shown (its text, none of its headers), exported for a bug report
//! (placeholders, structure kept, 0600, no existing file or symbolic link), released (a ticket,
//! attachments withheld and marked) or retried after a limit is raised; every step is in the
//! audit log, and only the operator may take them.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use mail_parser::MimeHeaders as _;
use serde_json::Value;

use crate::common::{Env, bin, files_under, found_ci, ok, text};

/// Header values planted in the messages below: never in any output but the export's
/// placeholders (compared case-insensitively).
const PLANTED: &[&str] = &[
    "plantsender@plantdomain.example",
    "plantsender",
    "plantdomain",
    "PLANTSENDERNAME",
    "plantreply",
    "planttocopy",
    "planthop",
    "198.51.100.77",
    "2001:db8:ab::9",
    "PLANTQUEUEID",
    "PLANTMSGID",
    "PLANTMAILER",
    "PLANTDKIM",
    "PLANTARSIG",
    "PLANTBOUNDARY",
    "PLANTFILENAME",
    "PLANTDESCRIPTION",
    "PLANTNESTEDNAME",
    "plantnested",
];

/// The writer's words: readable in `show`, in a released ticket, and in the export's body.
const WORDS: &str = "KEEPWORDS I am scared, my stepfather hits me.";

/// A message of `parts` MIME parts with planted headers: the writer's text first, then a
/// forwarded message, then small attachments (a PNG and text files).
fn message(parts: usize, tag: &str) -> String {
    let mut m = format!(
        "Return-Path: <plantsender@plantdomain.example>\r
Received: from planthop.plantdomain.example (planthop [198.51.100.77])\r
\tby mx.helpline.example (Postfix) with ESMTPS id PLANTQUEUEID\r
Received: from [IPv6:2001:db8:ab::9] by planthop.plantdomain.example\r
DKIM-Signature: v=1; d=plantdomain.example; s=PLANTDKIM; b=PLANTDKIM\r
ARC-Seal: i=1; d=plantdomain.example; b=PLANTARSIG\r
From: =?UTF-8?Q?PLANTSENDERNAME?= <plantsender@plantdomain.example>\r
Reply-To: plantreply@plantdomain.example\r
To: contact@helpline.example, planttocopy@plantdomain.example\r
Subject: {tag} help\r
Message-ID: <PLANTMSGID.{tag}@plantdomain.example>\r
X-Mailer: PLANTMAILER 2.0\r
MIME-Version: 1.0\r
Content-Type: multipart/mixed; boundary=\"PLANTBOUNDARY_{tag}_01\"\r
\r
--PLANTBOUNDARY_{tag}_01\r
Content-Type: text/plain; charset=utf-8\r
\r
{WORDS} {tag}\r
--PLANTBOUNDARY_{tag}_01\r
Content-Type: message/rfc822\r
\r
From: \"PLANTNESTEDNAME\" <plantnested@plantdomain.example>\r
Received: from planthop.plantdomain.example ([198.51.100.77])\r
Subject: what he wrote\r
\r
KEEPNESTED words he sent me\r
--PLANTBOUNDARY_{tag}_01\r
Content-Type: image/png; name=\"PLANTFILENAME.png\"\r
Content-Description: PLANTDESCRIPTION\r
Content-Transfer-Encoding: base64\r
\r
iVBORw0KGgo=\r
"
    );
    for i in 3..parts {
        m.push_str(&format!(
            "--PLANTBOUNDARY_{tag}_01\r\nContent-Type: text/plain; name=\"PLANTFILENAME-{i}.txt\"\r\nContent-Disposition: attachment; filename=\"PLANTFILENAME-{i}.txt\"\r\n\r\npage {i}\r\n"
        ));
    }
    m.push_str(&format!("--PLANTBOUNDARY_{tag}_01--\r\n"));
    m
}

/// Writes `raw` as `name.eml` and takes it in; returns the new quarantine reference.
fn quarantined(env: &Env, name: &str, raw: &str) -> String {
    let path = env.dir.path().join(format!("{name}.eml"));
    fs::write(&path, raw).unwrap();
    let before = entries(env);
    let out = ok(env.sourdine(&["ingest", path.to_str().unwrap(), "--json"]));
    let counts: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(counts["quarantined"], 1, "{out}");
    entries(env)
        .into_iter()
        .find(|r| !before.contains(r))
        .expect("a new entry")
}

fn entries(env: &Env) -> Vec<String> {
    let list: Value =
        serde_json::from_str(&ok(env.sourdine(&["quarantine", "list", "--json"]))).unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|e| e["reference"].as_str().unwrap().to_string())
        .collect()
}

#[track_caller]
fn assert_no_planted(what: &str, bytes: &[u8]) {
    let planted: Vec<String> = PLANTED.iter().map(|s| s.to_string()).collect();
    let found = found_ci(bytes, &planted);
    assert!(found.is_empty(), "{what} holds {found:?}:\n{}", text(bytes));
}

/// The audit log's actions, with the uid that took them.
fn audit(env: &Env) -> Vec<(String, Option<u64>, String)> {
    let v: Value = serde_json::from_str(&ok(env.sourdine(&["audit", "--json"]))).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_string(),
                e["actor"]["uid"].as_u64(),
                e["detail"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// The MIME tree as mail-parser sees it: each part's content type, in order.
fn tree(raw: &[u8]) -> Vec<String> {
    let m = mail_parser::MessageParser::default().parse(raw).unwrap();
    m.parts
        .iter()
        .map(|p| {
            p.content_type()
                .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or("")))
                .unwrap_or_default()
        })
        .collect()
}

/// Show, export and release a message quarantined for its structure, on the store directly;
/// each step in the audit log, nothing planted anywhere but where it is expected.
#[test]
fn a_quarantined_message_is_shown_exported_and_released() {
    let env = Env::init_with("[intake]\nmax_parts = 8\n");
    let raw = message(12, "SHOWN");
    let q = quarantined(&env, "shown", &raw);

    // show: the text and the subject, the attachments by type, no header.
    let shown = ok(env.sourdine(&["quarantine", "show", &q]));
    assert!(
        shown.contains("KEEPWORDS I am scared, my stepfather hits me."),
        "{shown}"
    );
    assert!(shown.contains("KEEPNESTED words he sent me"), "{shown}");
    assert!(shown.contains("SHOWN help") && shown.contains("more than 8 MIME parts"));
    assert!(shown.contains("in 30 days"), "{shown}");
    assert_no_planted("quarantine show", shown.as_bytes());
    let json: Value =
        serde_json::from_str(&ok(env.sourdine(&["quarantine", "show", &q, "--json"]))).unwrap();
    assert_eq!(json["reference"], q.as_str());
    assert_eq!(json["days_left"], 30);
    assert_eq!(json["attachments"].as_array().unwrap().len(), 10);
    assert_eq!(json["attachments"][0]["kind"], "png");
    assert_no_planted("quarantine show --json", json.to_string().as_bytes());

    // export: refused without a yes outside a terminal, onto an existing file, through a
    // symbolic link; then written 0600 with placeholders and the structure kept.
    let out_dir = env.dir.path().join("out");
    fs::create_dir_all(&out_dir).unwrap();
    let file = out_dir.join("bug.eml");
    let no = env.sourdine(&[
        "quarantine",
        "export",
        &q,
        "--output",
        file.to_str().unwrap(),
    ]);
    assert!(!no.status.success() && !file.exists());
    assert!(text(&no.stderr).contains("may still identify the writer"));
    assert!(text(&no.stderr).contains("--yes"), "{}", text(&no.stderr));
    fs::write(&file, "already here").unwrap();
    let existing = env.sourdine(&[
        "quarantine",
        "export",
        &q,
        "-o",
        file.to_str().unwrap(),
        "--yes",
    ]);
    assert!(!existing.status.success());
    assert_eq!(fs::read_to_string(&file).unwrap(), "already here");
    let target = out_dir.join("target.eml");
    let link = out_dir.join("link.eml");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let linked = env.sourdine(&[
        "quarantine",
        "export",
        &q,
        "-o",
        link.to_str().unwrap(),
        "--yes",
    ]);
    assert!(!linked.status.success(), "a symbolic link is refused");
    assert!(
        text(&linked.stderr).contains("symbolic link"),
        "{}",
        text(&linked.stderr)
    );
    assert!(!target.exists(), "nothing was written through the link");
    let exported = out_dir.join("export.eml");
    let done: Value = serde_json::from_str(&ok(env.sourdine(&[
        "quarantine",
        "export",
        &q,
        "--output",
        exported.to_str().unwrap(),
        "--yes",
        "--json",
    ])))
    .unwrap();
    assert!(done["fields"].as_u64().unwrap() > 30, "{done}");
    let meta = fs::metadata(&exported).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    let bytes = fs::read(&exported).unwrap();
    assert_no_planted("the export", &bytes);
    let e = text(&bytes);
    assert!(
        e.contains(WORDS) && e.contains("KEEPNESTED"),
        "the body stays"
    );
    assert!(e.contains("From: <address-"), "{e}");
    assert_eq!(tree(raw.as_bytes()), tree(&bytes), "the MIME tree stays");

    // release: refused without a yes outside a terminal; then a ticket, attachments withheld.
    let no = env.sourdine(&["quarantine", "release", &q]);
    assert!(!no.status.success());
    assert_eq!(
        entries(&env),
        vec![q.clone()],
        "nothing released without a yes"
    );
    let released: Value = serde_json::from_str(&ok(env.sourdine(&[
        "quarantine",
        "release",
        &q,
        "--yes",
        "--json",
    ])))
    .unwrap();
    assert_eq!(released["attachments_withheld"], 10);
    let id = released["outcome"]["ticket"].as_str().unwrap().to_string();
    assert!(
        entries(&env).is_empty(),
        "the entry has left the quarantine"
    );
    let t = env.show(&id);
    assert_eq!(t["subject"], "SHOWN help");
    let body = t["messages"][0]["body"].as_str().unwrap();
    assert!(body.starts_with("[Released from quarantine"), "{body}");
    assert!(body.contains(WORDS), "{body}");
    let atts = t["messages"][0]["attachments"].as_array().unwrap();
    assert_eq!(atts.len(), 10);
    assert!(
        atts.iter()
            .all(|a| a["withheld"] == true && a["reason"] == "quarantined")
    );
    let human = ok(env.ticket(&["show", &id]));
    assert!(human.contains("released from quarantine: attachments withheld"));
    assert_no_planted("ticket show", human.as_bytes());
    assert_eq!(
        t["can_reply"], true,
        "the reply address was sealed as at intake"
    );
    let gone = env.sourdine(&["quarantine", "show", &q]);
    assert!(!gone.status.success());
    assert!(
        text(&gone.stderr).contains("not found"),
        "{}",
        text(&gone.stderr)
    );

    // The audit log names each step, by the operator, with no writer data.
    let me = nix::unistd::getuid().as_raw() as u64;
    let log = audit(&env);
    for action in [
        "quarantine.shown",
        "quarantine.exported",
        "quarantine.released",
    ] {
        assert!(
            log.iter()
                .any(|(a, uid, d)| a == action && *uid == Some(me) && d.contains(&q)),
            "{action} missing: {log:?}"
        );
    }
    assert_eq!(
        log.iter()
            .filter(|(a, ..)| a == "quarantine.exported")
            .count(),
        1,
        "refused exports read nothing"
    );
    let all = ok(env.sourdine(&["audit", "--json"]));
    assert_no_planted("the audit log", all.as_bytes());
    assert!(!all.contains("KEEPWORDS"));
    let v: Value =
        serde_json::from_str(&ok(env.sourdine(&["audit", "--verify", "--json"]))).unwrap();
    assert_eq!(v["ok"], true);
    // Nothing of the message in clear in the store's files.
    for p in files_under(&env.data_dir) {
        assert_no_planted(&p.display().to_string(), &fs::read(&p).unwrap());
    }
}

/// A message quarantined only for a configured limit becomes a ticket once the limit is
/// raised, through the running service; one that still passes the limit stays, with its
/// reason. `sourdine status` and the daily log line count what is left.
#[test]
fn a_retry_after_raising_the_limit_makes_a_ticket_and_a_failing_one_stays() {
    let env = Env::init_with("[intake]\nmax_parts = 8\n");
    let fits = quarantined(&env, "fits", &message(12, "FITS"));
    let too_big = quarantined(&env, "big", &message(40, "BIG"));
    // Retried with the same limit: both stay.
    let again = env.sourdine(&["quarantine", "retry", &fits, "--json"]);
    assert!(!again.status.success(), "a message that stays is a failure");
    let r: Value = serde_json::from_str(&text(&again.stdout)).unwrap();
    assert_eq!(r[0]["result"], "still_quarantined");
    assert_eq!(r[0]["reason"], "more than 8 MIME parts");

    let cfg = fs::read_to_string(&env.config).unwrap();
    fs::write(&env.config, cfg.replace("max_parts = 8", "max_parts = 20")).unwrap();
    let mut d = env.start_daemon();
    let out = ok(env.sourdine(&["quarantine", "retry", &fits]));
    assert!(out.contains("ticket") && out.contains("made"), "{out}");
    let ids = env.ticket_ids();
    assert_eq!(ids.len(), 1);
    let t = env.show(&ids[0]);
    assert_eq!(t["subject"], "FITS help");
    let body = t["messages"][0]["body"].as_str().unwrap();
    assert!(body.contains(WORDS) && !body.contains("Released"), "{body}");
    let atts = t["messages"][0]["attachments"].as_array().unwrap();
    assert!(
        atts.iter().any(|a| a["withheld"] == false),
        "attachments are handled as at intake (text kept): {atts:?}"
    );
    assert_eq!(entries(&env), vec![too_big.clone()]);

    // --all: the one left fails again and stays.
    let all = env.sourdine(&["quarantine", "retry", "--all"]);
    assert!(!all.status.success());
    let said = text(&all.stdout);
    assert!(
        said.contains("still quarantined, now: more than 20 MIME parts (was: more than 8"),
        "the new reason is told: {said}"
    );
    assert_eq!(entries(&env), vec![too_big.clone()]);
    let status: Value = serde_json::from_str(&ok(env.sourdine(&["status", "--json"]))).unwrap();
    assert_eq!(status["report"]["quarantined"], 1, "{status}");
    assert_eq!(status["report"]["quarantine_oldest_days_left"], 30);
    let human = ok(env.sourdine(&["status"]));
    assert!(
        human.contains("quarantine:  1 (the oldest is destroyed in 30 days"),
        "{human}"
    );
    assert!(d.stop().success());
    let log = d.log_text();
    assert!(
        log.contains("messages wait in quarantine") && log.contains("quarantined=2"),
        "the daily line at start: {log}"
    );
    assert_no_planted("the service's log", log.as_bytes());

    let me = nix::unistd::getuid().as_raw() as u64;
    let log = audit(&env);
    assert!(
        log.iter()
            .any(|(a, uid, d)| a == "quarantine.retried" && *uid == Some(me) && d.contains(&fits))
    );
    assert_eq!(
        log.iter()
            .filter(|(a, _, d)| a == "quarantine.retry_failed" && d.contains("failed again"))
            .count(),
        2,
        "{log:?}"
    );
}

/// Counsellors and supervisors other than root and the service's user are refused, and the
/// refusal is audited; nothing of the message reaches them.
#[test]
fn only_the_operator_works_on_the_quarantine() {
    if !nix::unistd::geteuid().is_root() {
        eprintln!("SKIPPED: the operator test needs root (setpriv to other uids)");
        return;
    }
    const GROUP: u32 = 4343;
    const COUNSELLOR: u32 = 4101;
    const SUPERVISOR: u32 = 5101;
    let env = Env::init_with(&format!(
        "counsellors_group = \"{GROUP}\"\n[roles]\ncounsellor_users = [\"{COUNSELLOR}\"]\nsupervisor_users = [\"{SUPERVISOR}\"]\n[intake]\nmax_parts = 8\n"
    ));
    let q = quarantined(&env, "refused", &message(12, "REFUSED"));
    let bin_dir = tempfile::Builder::new()
        .prefix("sourdine-bin.")
        .tempdir()
        .unwrap();
    fs::set_permissions(bin_dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let sourdine = bin_dir.path().join("sourdine");
    crate::common::copy_program(&bin("sourdine"), &sourdine);
    reachable(&env.config);
    let _d = env.start_daemon();
    // A folder they may write to: the export's file is created before the service is asked.
    let drop_box = env.dir.path().join("drop");
    fs::create_dir_all(&drop_box).unwrap();
    fs::set_permissions(&drop_box, fs::Permissions::from_mode(0o777)).unwrap();
    let target = drop_box.join("exported-by-someone.eml");
    for (uid, role) in [(COUNSELLOR, "counsellor"), (SUPERVISOR, "supervisor")] {
        for args in [
            vec!["quarantine", "show", q.as_str()],
            vec!["quarantine", "release", q.as_str(), "--yes"],
            vec!["quarantine", "retry", q.as_str()],
            vec![
                "quarantine",
                "export",
                q.as_str(),
                "-o",
                target.to_str().unwrap(),
                "--yes",
            ],
        ] {
            let out = as_user(&sourdine, &env.config, uid, GROUP, &args);
            assert!(!out.status.success(), "{role} {args:?}");
            let err = text(&out.stderr);
            assert!(
                err.contains("supervisor role") || err.contains("operator only"),
                "{role} {args:?}: {err}"
            );
            assert!(!text(&out.stdout).contains("KEEPWORDS"));
            assert_no_planted("a refusal", &out.stdout);
        }
    }
    assert!(!target.exists(), "the refused export left no file");
    assert_eq!(
        entries(&env),
        vec![q.clone()],
        "nothing was released or retried"
    );
    let log = audit(&env);
    for uid in [COUNSELLOR, SUPERVISOR] {
        assert_eq!(
            log.iter()
                .filter(|(a, u, _)| a == "quarantine.refused" && *u == Some(uid as u64))
                .count(),
            4,
            "{log:?}"
        );
    }
}

/// Lets other uids read the configuration and reach the socket's folder (the test's own
/// directories are private).
fn reachable(config: &Path) {
    let mut cur = Some(config.parent().unwrap());
    while let Some(d) = cur {
        if d.starts_with(std::env::temp_dir()) && d != std::env::temp_dir() {
            let mode = fs::metadata(d).unwrap().permissions().mode();
            fs::set_permissions(d, fs::Permissions::from_mode(mode | 0o711)).unwrap();
        }
        cur = d.parent();
    }
    fs::set_permissions(config, fs::Permissions::from_mode(0o644)).unwrap();
}

/// Runs `sourdine ARGS` as `uid`:`gid`.
fn as_user(sourdine: &Path, config: &Path, uid: u32, gid: u32, args: &[&str]) -> Output {
    Command::new("setpriv")
        .args([
            &format!("--reuid={uid}"),
            &format!("--regid={gid}"),
            "--clear-groups",
            "--",
        ])
        .arg(sourdine)
        .arg("--config")
        .arg(config)
        .args(args)
        .env_remove("SOURDINE_SOCKET")
        .env("NO_COLOR", "1")
        .env("HOME", "/")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Every message of the shared corpus (real-world and malformed mail from other projects) is
/// read and exported without a panic: the export keeps the MIME tree mail-parser sees, and
/// every address and Message-ID it holds in a header is a placeholder; the readable text holds
/// none of the original's header addresses.
#[test]
fn the_shared_corpus_reads_and_exports() {
    let Some(corpus) = crate::common::shared_corpus() else {
        eprintln!("SKIPPED: ../shared/corpus/mime-samples is absent on this machine");
        return;
    };
    let opts = sourdine::anonymise::Options {
        remove_signature: true,
        limits: sourdine::anonymise::Limits::default(),
        contact_address: "contact@helpline.example".into(),
        trusted_authserv_id: None,
    };
    let (mut n, mut bytes, mut secs) = (0usize, 0usize, 0f64);
    for path in files_under(&corpus)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
    {
        let raw = fs::read(&path).unwrap();
        let name = path.display().to_string();
        let t = std::time::Instant::now();
        let r = sourdine::anonymise::quarantine::readable(&raw, &opts);
        let e = sourdine::anonymise::export::export(&raw);
        secs += t.elapsed().as_secs_f64();
        n += 1;
        bytes += raw.len();
        let Some(original) = mail_parser::MessageParser::default().parse(&raw) else {
            continue;
        };
        let exported = mail_parser::MessageParser::default()
            .parse(&e.bytes)
            .unwrap_or_else(|| panic!("{name}: the export no longer parses"));
        assert_eq!(
            tree(&raw),
            tree(&e.bytes),
            "{name}: the export changed the MIME tree"
        );
        let header_addresses = |m: &mail_parser::Message<'_>| -> Vec<String> {
            [m.from(), m.to(), m.cc(), m.reply_to(), m.sender()]
                .into_iter()
                .flatten()
                .flat_map(|a| a.iter())
                .filter_map(|a| a.address().map(str::to_ascii_lowercase))
                .collect()
        };
        for a in header_addresses(&exported) {
            assert!(a.ends_with("@example.invalid"), "{name}: {a} kept");
        }
        if let Some(id) = exported.message_id() {
            assert!(
                id.ends_with("@example.invalid"),
                "{name}: Message-ID {id} kept"
            );
        }
        let body = r.body.to_ascii_lowercase();
        for a in header_addresses(&original) {
            assert!(!body.contains(&a), "{name}: {a} in the readable text");
        }
    }
    eprintln!(
        "shared corpus: {n} messages, {:.1} MB read and exported in {secs:.3} s ({:.1} MB/s, debug build)",
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / secs.max(1e-9)
    );
    assert!(n > 0);
}
