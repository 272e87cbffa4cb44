//! Contact classification and statistics, through the binaries: closing needs a type and
//! records it; `ticket stats` counts a known set correctly, hides small counts (and the cells
//! that would give them away); the counts survive the tickets' destruction and cannot be tied
//! back to them on disk; the HTML report renders in a real browser.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

use crate::common::{Env, bin, files_under, ok, text};

const DAY: i64 = 86_400;

/// A contact of the known set.
struct Contact {
    month: i8,
    lang: &'static str,
    kind: &'static str,
    categories: &'static [&'static str],
    role: Option<&'static str>,
    /// Hours to the first reply.
    reply: Option<i64>,
    follow_up: bool,
}

/// 22 contacts in January (12), February (7) and March (3) 2025: French 10, Dutch 8,
/// English 4; counselling 15, information 5, abusive 2; ten answered after 1 to 10 hours
/// (the first twice); six with a follow-up.
fn known_set() -> Vec<Contact> {
    (0..22)
        .map(|i| Contact {
            month: match i {
                0..12 => 1,
                12..19 => 2,
                _ => 3,
            },
            lang: match i {
                0..10 => "fr",
                10..18 => "nl",
                _ => "en",
            },
            kind: match i {
                0..15 => "counselling",
                15..20 => "information",
                _ => "abusive",
            },
            categories: match i {
                0..10 => &["online_material", "mental_health"],
                10..15 => &["mental_health"],
                15..20 => &["finding_help"],
                _ => &[],
            },
            role: match i {
                0..10 => Some("own"),
                10..17 => Some("relative"),
                17..20 => Some("professional"),
                _ => None,
            },
            reply: (i < 10).then_some(i as i64 + 1),
            follow_up: (1..7).contains(&i),
        })
        .collect()
}

fn at(month: i8, day: i8, hour: i8) -> jiff::Timestamp {
    jiff::civil::date(2025, month, day)
        .at(hour, 0, 0, 0)
        .to_zoned(jiff::tz::TimeZone::UTC)
        .unwrap()
        .timestamp()
}

fn body(lang: &str) -> &'static str {
    match lang {
        "fr" => {
            "Bonjour, je suis très inquiet et je ne sais pas avec qui parler de mes pensées. Merci de me lire."
        }
        "nl" => {
            "Hallo, ik weet niet wat ik moet doen met mijn gedachten en ik heb niemand om mee te praten."
        }
        _ => {
            "Hello, I really do not know what to do about my thoughts and I have no one to talk to about this."
        }
    }
}

fn eml(from: &str, subject: &str, when: jiff::Timestamp, text: &str) -> String {
    format!(
        "From: <{from}>\nTo: <contact@helpline.example>\nSubject: {subject}\nDate: {}\nMessage-ID: <{}.{}@example.org>\nContent-Type: text/plain; charset=utf-8\n\n{text}\n",
        when.strftime("%d %b %Y %H:%M:%S +0000"),
        when.as_second(),
        from.replace('@', ".")
    )
}

/// `ticket ARGS` with the store's clock set to `when` (plus ten minutes, so that rounding to
/// the hour lands on `when`'s hour).
fn ticket_at(env: &Env, when: jiff::Timestamp, args: &[&str]) -> Output {
    let offset = when.as_second() + 600 - jiff::Timestamp::now().as_second();
    env.cmd("ticket")
        .args(args)
        .env("SOURDINE_CLOCK_OFFSET", offset.to_string())
        .output()
        .unwrap()
}

/// The known set, taken in with `sourdine ingest`, answered at the planned times, followed up
/// and closed with its classification. Returns the references in contact order.
fn build(env: &Env, set: &[Contact]) -> Vec<String> {
    let dir = env.dir.path().join("mail");
    fs::create_dir_all(&dir).unwrap();
    let arrival = |i: usize| at(set[i].month, 2 + i as i8, 10);
    for (i, c) in set.iter().enumerate() {
        let mail = eml(
            &format!("writer{i}@example.org"),
            &format!("contact {i:02} KNOWNSET"),
            arrival(i),
            body(c.lang),
        );
        fs::write(dir.join(format!("{i:02}.eml")), mail).unwrap();
    }
    ok(env.sourdine(&["ingest", dir.to_str().unwrap()]));
    let list: Value =
        serde_json::from_str(&ok(env.ticket(&["list", "--status", "all", "--json"]))).unwrap();
    let mut ids = vec![String::new(); set.len()];
    for t in list.as_array().unwrap() {
        let subject = t["subject"].as_str().unwrap();
        let i: usize = subject[8..10].parse().unwrap();
        ids[i] = t["id"].as_str().unwrap().to_string();
    }
    // Follow-ups, half an hour after the first message, joined by the ticket's tag.
    let more = env.dir.path().join("follow-ups");
    fs::create_dir_all(&more).unwrap();
    for (i, c) in set.iter().enumerate().filter(|(_, c)| c.follow_up) {
        let when = jiff::Timestamp::from_second(arrival(i).as_second() + 1800).unwrap();
        let mail = eml(
            &format!("writer{i}@example.org"),
            &format!("Re: contact {i:02} [{}]", ids[i]),
            when,
            body(c.lang),
        );
        fs::write(more.join(format!("{i:02}.eml")), mail).unwrap();
    }
    ok(env.sourdine(&["ingest", more.to_str().unwrap()]));
    let reply = env.dir.path().join("reply.txt");
    fs::write(&reply, "We read you; we are here.\n").unwrap();
    let file = reply.to_str().unwrap();
    for (i, c) in set.iter().enumerate() {
        if let Some(h) = c.reply {
            let when = jiff::Timestamp::from_second(arrival(i).as_second() + h * 3600).unwrap();
            ok(ticket_at(
                env,
                when,
                &["reply", &ids[i], "--file", file, "--yes", "--unverified"],
            ));
        }
    }
    let later = jiff::Timestamp::from_second(arrival(0).as_second() + 20 * 3600).unwrap();
    ok(ticket_at(
        env,
        later,
        &["reply", &ids[0], "--file", file, "--yes", "--unverified"],
    ));
    for (i, c) in set.iter().enumerate() {
        let mut args = vec!["close", ids[i].as_str(), "--type", c.kind];
        for cat in c.categories {
            args.extend(["--category", cat]);
        }
        if let Some(r) = c.role {
            args.extend(["--role", r]);
        }
        ok(env.ticket(&args));
    }
    ids
}

fn stats_json(env: &Env, extra_env: &[(&str, String)]) -> Value {
    let mut c = env.cmd("ticket");
    c.args(["stats", "--from", "2025-01", "--to", "2025-03", "--json"]);
    for (k, v) in extra_env {
        c.env(k, v);
    }
    serde_json::from_str(&ok(c.output().unwrap())).unwrap()
}

/// What the known set must give, with the threshold of 5.
fn expected() -> Value {
    json!({
        "from": "2025-01", "to": "2025-03", "threshold": 5,
        "contacts": 22,
        // 12, 7, 3: the 3 is hidden, and the 7 with it, or 22 - 12 - 7 would give it away.
        "by_month": {"2025-01": 12, "2025-02": "x", "2025-03": "<5"},
        // 15, 5, 2: the 2 is hidden, and the 5 (the smallest cell that protects it).
        "by_type": {"counselling": 15, "information": "x", "silent_or_test": 0,
                    "abusive": "<5", "misdirected": 0, "unclassified": 0},
        // Categories overlap: no total gives the hidden 2 away (it is 1 to 4 whatever the rest).
        "by_category": {"sexual_thoughts": 0, "online_material": 10, "contact_with_children": 0,
                        "past_behaviour": 0, "mental_health": 15, "finding_help": 5,
                        "other": 0, "unclassified": "<5"},
        // Two small cells (3 and 2) protect each other.
        "by_role": {"own": 10, "relative": 7, "professional": "<5", "unknown": 0,
                    "unclassified": "<5"},
        "by_language": {"fr": 10, "nl": "x", "en": "<5", "unknown": 0},
        "first_reply_hours": {"median": 5, "p90": 9},
        "follow_ups": 6,
        "replies": 11,
        // The twelve contacts never answered were waiting at the end of March.
        "waiting": 12
    })
}

/// Closing needs a type outside a terminal, and the message says how to give it; a type is
/// checked against the classification; the classification is recorded, shown by `ticket show`
/// and `ticket list --json`, audited with its codes only, and replaced when the ticket is
/// reopened and closed again. On a terminal, `ticket close` asks with a numbered picker.
#[test]
fn closing_needs_a_classification_and_records_it() {
    let env = Env::new();
    assert!(
        env.config.with_file_name("classification.toml").is_file(),
        "sourdine init installs the default beside the configuration"
    );
    let set: Vec<Contact> = known_set().into_iter().take(3).collect();
    let dir = env.dir.path().join("mail");
    fs::create_dir_all(&dir).unwrap();
    for (i, c) in set.iter().enumerate() {
        let mail = eml(
            &format!("w{i}@example.org"),
            &format!("contact {i:02} X"),
            at(1, 3, 9),
            body(c.lang),
        );
        fs::write(dir.join(format!("{i}.eml")), mail).unwrap();
    }
    ok(env.sourdine(&["ingest", dir.to_str().unwrap()]));
    let ids = env.ticket_ids();
    let id = ids[0].as_str();

    let out = env.ticket(&["close", id]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr).trim(),
        format!(
            "ticket: ticket {id} was not closed: closing needs the contact's type; give --type CODE (and --category CODE, --role CODE as they apply). `ticket classification` lists the codes; on a terminal, `ticket close {id}` asks for them"
        )
    );
    assert_eq!(env.show(id)["status"], "open");
    let out = env.ticket(&["close", id, "--type", "nope"]);
    assert!(
        text(&out.stderr).contains("there is no type `nope`"),
        "{}",
        text(&out.stderr)
    );
    let out = env.ticket(&["close", id, "--type", "counselling", "--category", "gone"]);
    assert!(
        text(&out.stderr).contains("there is no category `gone`"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(env.show(id)["status"], "open");

    let said = ok(env.ticket(&[
        "close",
        id,
        "--type",
        "Counselling",
        "--category",
        "mental_health",
        "--category",
        "online_material",
        "--role",
        "own",
    ]));
    assert_eq!(
        said.trim(),
        format!(
            "ticket {id} closed (type counselling; categories online_material, mental_health; role own)"
        )
    );
    let want = json!({"type": "counselling", "categories": ["online_material", "mental_health"], "role": "own"});
    let shown = env.show(id);
    assert_eq!(shown["status"], "closed");
    assert_eq!(shown["classification"], want);
    let listed: Value =
        serde_json::from_str(&ok(env.ticket(&["list", "--status", "all", "--json"]))).unwrap();
    let row = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .unwrap();
    assert_eq!(row["classification"], want);
    let other = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] != id)
        .unwrap();
    assert_eq!(other["classification"], Value::Null);
    assert!(
        ok(env.ticket(&["show", id]))
            .contains("type counselling; categories online_material, mental_health; role own")
    );

    // Reopened and closed again: the classification is replaced.
    ok(env.ticket(&["reopen", id]));
    ok(env.ticket(&["close", id, "--type", "information"]));
    assert_eq!(
        env.show(id)["classification"],
        json!({"type": "information", "categories": [], "role": null})
    );
    let audit: Value = serde_json::from_str(&ok(env.sourdine(&["audit", "--json"]))).unwrap();
    let classified: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "ticket.classified" && e["ticket"] == id)
        .map(|e| e["detail"].as_str().unwrap())
        .collect();
    assert_eq!(
        classified,
        [
            "type counselling; categories online_material, mental_health; role own",
            "type information"
        ]
    );

    // On a terminal, `ticket close` asks (the answers are typed into a pseudo-terminal).
    let second = ids[1].as_str();
    let out = Command::new("script")
        .args([
            "-qec",
            &format!("{} close {second}", bin("ticket").display()),
            "/dev/null",
        ])
        .env("SOURDINE_CONFIG", &env.config)
        .env("SOURDINE_LANG", "fr")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(b"4\n7\n4\n")?;
            child.wait_with_output()
        })
        .unwrap();
    let screen = text(&out.stdout);
    assert!(
        screen.contains("Message abusif"),
        "labels in the chosen language: {screen}"
    );
    assert!(
        screen.contains(&format!(
            "ticket {second} clôturé (type abusive ; catégories other ; rôle unknown)"
        )),
        "{screen}"
    );
    assert_eq!(env.show(second)["classification"]["type"], "abusive");

    // `classification_required = false`: closing without a type is allowed.
    let cfg = fs::read_to_string(&env.config).unwrap();
    fs::write(
        &env.config,
        format!("classification_required = false\n{cfg}"),
    )
    .unwrap();
    ok(env.ticket(&["close", &ids[2]]));
    assert_eq!(env.show(&ids[2])["classification"], Value::Null);
}

/// `ticket classification --json` has exactly the shape the issue gives; labels follow
/// `--lang`, then `$SOURDINE_LANG`, then the locale, then English.
#[test]
fn the_classification_is_listed_in_the_counsellors_language() {
    let env = Env::new();
    let v: Value = serde_json::from_str(&ok(env.ticket(&["classification", "--json"]))).unwrap();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["categories", "roles", "types"]);
    for list in ["types", "categories", "roles"] {
        for e in v[list].as_array().unwrap() {
            let fields: Vec<&String> = e.as_object().unwrap().keys().collect();
            assert_eq!(fields, ["code", "labels"], "{e}");
            let labels: Vec<&String> = e["labels"].as_object().unwrap().keys().collect();
            assert_eq!(labels, ["en", "fr", "nl"]);
        }
    }
    assert_eq!(
        v["types"][0],
        json!({"code": "counselling", "labels": {"fr": "Accompagnement", "nl": "Begeleiding", "en": "Counselling"}})
    );
    let run = |vars: &[(&str, &str)], args: &[&str]| {
        let mut c = env.cmd("ticket");
        for k in ["LC_ALL", "LC_MESSAGES", "LANG", "SOURDINE_LANG"] {
            c.env_remove(k);
        }
        c.envs(vars.iter().copied())
            .arg("classification")
            .args(args);
        c.output().unwrap()
    };
    assert!(text(&run(&[], &[]).stdout).contains("Counselling"));
    assert!(text(&run(&[("LANG", "nl_BE.UTF-8")], &[]).stdout).contains("Begeleiding"));
    assert!(
        text(&run(&[("LANG", "nl_BE.UTF-8"), ("SOURDINE_LANG", "fr")], &[]).stdout)
            .contains("Accompagnement")
    );
    assert!(
        text(&run(&[("SOURDINE_LANG", "fr")], &["--lang", "nl"]).stdout).contains("Begeleiding")
    );
    let bad = run(&[("SOURDINE_LANG", "de")], &[]);
    assert_eq!(bad.status.code(), Some(1));
    assert_eq!(
        text(&bad.stderr).trim(),
        "ticket: SOURDINE_LANG is \"de\"; it must be fr, nl or en"
    );
    let bad = run(&[], &["--lang", "de"]);
    assert_eq!(bad.status.code(), Some(2));
}

/// The known set gives exactly the expected figures: counts by month, type, category, role
/// and language, follow-ups, replies, the time to the first reply and the tickets waiting at
/// the end of the period, with small counts shown as "<5" and the cells that would give them
/// away as "x"; every code of the classification is listed, in its order. The figures are the
/// same through the running service, as CSV and as text; the request is audited.
#[test]
fn statistics_of_a_known_set_are_correct_and_suppressed() {
    let env = Env::new();
    build(&env, &known_set());
    let got = stats_json(&env, &[]);
    assert_eq!(got, expected());
    // Keys in the classification's order (JSON text keeps it).
    let raw = ok(env.ticket(&["stats", "--from", "2025-01", "--to", "2025-03", "--json"]));
    let typed: sourdine::service::stats::Stats = serde_json::from_str(&raw).unwrap();
    let codes: Vec<&str> = typed.by_type.0.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        codes,
        [
            "counselling",
            "information",
            "silent_or_test",
            "abusive",
            "misdirected",
            "unclassified"
        ]
    );

    // One month alone: three contacts, every count small.
    let march: Value = serde_json::from_str(&ok(
        env.ticket(&["stats", "--from", "2025-03", "--to", "2025-03", "--json"])
    ))
    .unwrap();
    assert_eq!(march["contacts"], "<5");
    assert_eq!(march["by_type"]["information"], "<5");
    assert_eq!(
        march["first_reply_hours"],
        json!({"median": null, "p90": null})
    );

    let csv = ok(env.ticket(&["stats", "--from", "2025-01", "--to", "2025-03", "--csv"]));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "measure,key,value");
    for row in [
        "contacts,,22",
        "by_month,2025-02,x",
        "by_month,2025-03,<5",
        "by_type,abusive,<5",
        "by_language,nl,x",
        "first_reply_hours,median,5",
        "replies,,11",
        "waiting,,12",
    ] {
        assert!(lines.contains(&row), "{row} missing from:\n{csv}");
    }
    assert!(lines.iter().all(|l| l.split(',').count() == 3), "{csv}");
    let fr = ok(env.ticket(&[
        "--lang", "fr", "stats", "--from", "2025-01", "--to", "2025-03",
    ]));
    assert!(
        fr.contains("Statistiques des contacts") && fr.contains("Accompagnement"),
        "{fr}"
    );

    // The same through the running service; the default period is the last twelve months.
    let mut d = env.start_daemon();
    let via: Value =
        serde_json::from_str(&ok(env.ticket_via_socket(&[
            "stats", "--from", "2025-01", "--to", "2025-03", "--json",
        ])))
        .unwrap();
    assert_eq!(via, expected());
    let default: Value =
        serde_json::from_str(&ok(env.ticket_via_socket(&["stats", "--json"]))).unwrap();
    let now = sourdine::store::Month::of(jiff::Timestamp::now().as_second());
    assert_eq!(default["to"], now.to_string());
    assert_eq!(default["from"], now.minus(11).to_string());
    assert_eq!(default["by_month"].as_object().unwrap().len(), 12);
    assert!(d.stop().success());
    let audit = ok(env.sourdine(&["audit", "--json"]));
    assert!(
        audit.contains("\"stats.read\"") && audit.contains("2025-01 to 2025-03"),
        "audited"
    );
}

/// Every ticket of the known set destroyed (one with `ticket forget`, the rest by retention):
/// the figures do not change. On disk, the facts live only in the sealed facts file: it holds
/// 22 facts and no ticket reference, no exact time, in an order that says nothing of arrival
/// or destruction; sled keeps no statistics record; the file's time is rounded to the hour.
#[test]
fn counts_outlive_the_tickets_and_cannot_be_tied_back() {
    let env = Env::new();
    let ids = build(&env, &known_set());
    let before = stats_json(&env, &[]);
    assert_eq!(before, expected());
    let mut times: Vec<i64> = Vec::new();
    for id in &ids {
        let t = env.show(id);
        for m in t["messages"].as_array().unwrap() {
            let s: jiff::Timestamp = m["received"].as_str().unwrap().parse().unwrap();
            times.push(s.as_second());
        }
    }

    ok(env.ticket(&["forget", &ids[3], "--reason", "the writer asked", "--yes"]));
    assert_eq!(stats_json(&env, &[]), before, "after ticket forget");
    let later = [("SOURDINE_CLOCK_OFFSET", (400 * DAY).to_string())];
    let purged: Value = serde_json::from_str(&ok(env
        .cmd("sourdine")
        .args(["purge", "--json"])
        .envs(later.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .unwrap()))
    .unwrap();
    assert_eq!(purged["tickets"].as_array().unwrap().len(), ids.len() - 1);
    assert!(env.ticket_ids().is_empty());
    assert_eq!(
        stats_json(&env, &later),
        before,
        "after every ticket was purged"
    );

    // The facts file: sealed; opened, 22 facts, sorted by month then by their own bytes.
    let stats_dir = env.data_dir.join("stats");
    let names: Vec<String> = fs::read_dir(&stats_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["facts"]);
    let sealed = fs::read(stats_dir.join("facts")).unwrap();
    let keyring = sourdine::seal::Keyring::load(&env.key_dir).unwrap();
    let (facts, waiting) = sourdine::store::open_facts_file(&sealed, &keyring).unwrap();
    assert_eq!(facts.len(), 22);
    let mut sorted = facts.clone();
    sorted.sort_by_cached_key(|f| (f.month, postcard::to_stdvec(f).unwrap()));
    assert_eq!(facts, sorted, "canonical order");
    let march = sourdine::store::Month::parse("2025-03").unwrap();
    assert!(waiting.contains(&(march, 12)), "{waiting:?}");
    let key = keyring
        .audit_key()
        .derive("sourdine 2024 statistics facts v1");
    let plain = sourdine::seal::open(&key, b"sourdine/v1/stats/facts", &sealed).unwrap();
    let found = |hay: &[u8], needle: &[u8]| memchr::memmem::find(hay, needle).is_some();
    for id in &ids {
        assert!(!found(&plain, id.as_bytes()), "reference {id} in the facts");
        assert!(!found(&sealed, id.as_bytes()));
    }
    for t in &times {
        let zigzag = ((t << 1) ^ (t >> 63)) as u64;
        let varint = postcard::to_stdvec(&zigzag).unwrap();
        for needle in [
            varint,
            t.to_be_bytes().to_vec(),
            t.to_le_bytes().to_vec(),
            t.to_string().into_bytes(),
        ] {
            assert!(!found(&plain, &needle), "an exact time ({t}) in the facts");
        }
    }
    // The audit log says who classified which ticket when; its codes went with the tickets.
    let audit: Value = serde_json::from_str(&ok(env.sourdine(&["audit", "--json"]))).unwrap();
    let classified: Vec<&Value> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "ticket.classified")
        .collect();
    assert_eq!(classified.len(), 22);
    assert!(
        classified
            .iter()
            .all(|e| e["detail"] == "codes destroyed with the ticket")
    );
    // The file system tells no more than the hour.
    let mtime = fs::metadata(stats_dir.join("facts"))
        .unwrap()
        .modified()
        .unwrap();
    let secs = mtime
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert_eq!(secs % 3600, 0, "the facts file's time is rounded");
    // sled holds no statistics record (only its own metadata and the audit log remain), and
    // no classification code in clear anywhere in the store's files.
    {
        let db = sled::open(env.data_dir.join("db")).unwrap();
        for k in db.iter().keys() {
            let k = k.unwrap();
            assert!(
                k.starts_with(b"meta:") || k.starts_with(b"a:"),
                "{}",
                String::from_utf8_lossy(&k)
            );
        }
    }
    for f in files_under(&env.data_dir) {
        let bytes = fs::read(&f).unwrap();
        for code in [
            "online_material",
            "mental_health",
            "finding_help",
            "counselling",
        ] {
            assert!(
                !found(&bytes, code.as_bytes()),
                "{code} in clear in {}",
                f.display()
            );
        }
    }
}

/// A crash while the destroyed tickets' facts are being put in the statistics counts every
/// contact once: before the commit (the tickets live on), and after it (the facts file is put
/// in place when the store is next opened).
#[test]
fn a_crash_during_purge_neither_loses_nor_doubles_a_contact() {
    let env = Env::new();
    let set: Vec<Contact> = known_set().into_iter().take(12).collect();
    build(&env, &set);
    let before = stats_json(&env, &[]);
    assert_eq!(before["contacts"], 12);
    let later = [("SOURDINE_CLOCK_OFFSET", (400 * DAY).to_string())];
    for point in ["stats-written", "stats-before-rename"] {
        let out = env
            .cmd("sourdine")
            .args(["purge"])
            .envs(later.iter().map(|(k, v)| (*k, v.as_str())))
            .env("SOURDINE_FAILPOINT", point)
            .output()
            .unwrap();
        assert!(
            !out.status.success(),
            "the failpoint {point} aborts the purge"
        );
        assert_eq!(stats_json(&env, &later), before, "after a crash at {point}");
    }
    assert!(
        env.ticket_ids().is_empty(),
        "the second crash came after the commit"
    );
    assert!(!env.data_dir.join("stats/facts.next").exists());
}

/// A bad classification file is refused with a clear message by `sourdine doctor` and at the
/// service's start; removing a code that tickets use is refused too, at start and, while the
/// service runs, by doctor (which asks the service) and by every command that needs the file.
#[test]
fn a_bad_classification_file_is_refused_at_start_and_by_doctor() {
    let env = Env::new();
    let file = env.config.with_file_name("classification.toml");
    let good = fs::read_to_string(&file).unwrap();
    let doctor = |env: &Env| -> Value {
        let out = env.sourdine(&["doctor", "--offline", "--json"]);
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "classification")
            .unwrap()
            .clone()
    };
    assert_eq!(doctor(&env)["verdict"], "ok");

    let dup = good.replacen("code = \"information\"", "code = \"counselling\"", 1);
    fs::write(&file, &dup).unwrap();
    let check = doctor(&env);
    assert_eq!(check["verdict"], "fail");
    assert!(
        check["detail"]
            .as_str()
            .unwrap()
            .contains("the code `counselling` appears twice among the types"),
        "{check}"
    );
    let out = env.sourdine(&["run", "--once"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!("classification file {}: line", file.display()))
            && err.contains("appears twice"),
        "{err}"
    );
    let nl_missing = good.replacen("nl = \"Begeleiding\"\n", "", 1);
    fs::write(&file, nl_missing).unwrap();
    assert!(
        doctor(&env)["detail"]
            .as_str()
            .unwrap()
            .contains("the type `counselling` has no `nl` label")
    );

    // A code a ticket uses, removed while the service runs: doctor and the commands say so.
    fs::write(&file, &good).unwrap();
    let dir = env.dir.path().join("mail");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("a.eml"),
        eml("w@example.org", "hello", at(1, 2, 3), body("en")),
    )
    .unwrap();
    ok(env.sourdine(&["ingest", dir.to_str().unwrap()]));
    let id = env.ticket_ids().remove(0);
    ok(env.ticket(&["close", &id, "--type", "abusive"]));
    let mut d = env.start_daemon();
    let without = good.replace("code = \"abusive\"", "code = \"hostile\"");
    fs::write(&file, &without).unwrap();
    let check = doctor(&env);
    assert_eq!(check["verdict"], "fail", "{check}");
    assert!(
        check["detail"]
            .as_str()
            .unwrap()
            .contains("the type `abusive` is used by tickets but no longer in the file"),
        "{check}"
    );
    let out = env.ticket_via_socket(&["classification"]);
    assert!(
        text(&out.stderr).contains("the type `abusive` is used by tickets"),
        "{}",
        text(&out.stderr)
    );
    assert!(d.stop().success());
    let out = env.sourdine(&["run", "--once"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("put it back (add `retired = true` to stop offering it)"),
        "{}",
        text(&out.stderr)
    );
    // Retired, it stays valid for the ticket but is no longer offered.
    fs::write(
        &file,
        good.replace("code = \"abusive\"", "code = \"abusive\"\nretired = true"),
    )
    .unwrap();
    ok(env.sourdine(&["run", "--once"]));
    let listed = ok(env.ticket(&["classification"]));
    assert!(listed.contains("retired"), "{listed}");
}

/// The HTML report is one self-contained page that a real browser (headless Chromium)
/// renders: its DOM has the sections and tables with the figures, in the chosen language; a
/// screenshot is not blank; and the page makes no network request (Chromium's network log
/// is checked, and a page with a remote image shows that the check sees page requests).
#[test]
fn the_html_report_renders_in_a_browser() {
    let Some(chromium) = ["chromium", "chromium-browser"].iter().find(|p| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    }) else {
        eprintln!("SKIPPED: chromium is not installed (apt-get install chromium; .ci/run does)");
        return;
    };
    let env = Env::new();
    build(&env, &known_set());
    let page = env.dir.path().join("report.html");
    let said = ok(env.ticket(&[
        "--lang",
        "fr",
        "stats",
        "--from",
        "2025-01",
        "--to",
        "2025-03",
        "--html",
        page.to_str().unwrap(),
    ]));
    assert!(
        said.starts_with(&format!("wrote {}", page.display())),
        "{said}"
    );
    let html = fs::read_to_string(&page).unwrap();
    let lower = html.to_ascii_lowercase();
    for banned in [
        "<script", "http:", "https:", "src=", "href=", "@import", "<link", "<iframe", "<img",
    ] {
        assert!(!lower.contains(banned), "the page holds {banned}");
    }
    assert!(html.contains("<html lang=\"fr\">") && html.contains("default-src 'none'"));

    let run = |args: &[String]| -> Output {
        let profile = tempfile::tempdir().unwrap();
        Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--proxy-server=http://127.0.0.1:9",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let netlog = env.dir.path().join("net.json");
    let url = format!("file://{}", page.display());
    let dom = run(&[
        format!("--log-net-log={}", netlog.display()),
        "--dump-dom".into(),
        url.clone(),
    ]);
    assert!(dom.status.success(), "{}", text(&dom.stderr));
    let dom = text(&dom.stdout);
    for needle in [
        "Statistiques des contacts",
        "Contacts par mois",
        "id=\"by-type\"",
        "id=\"by-category\"",
        "Accompagnement",
        "janvier 2025",
        "&lt;5",
        "<svg",
    ] {
        assert!(dom.contains(needle), "{needle} not rendered");
    }
    assert!(dom.matches("<table").count() >= 5, "the tables");
    assert_eq!(
        page_requests(&netlog),
        Vec::<String>::new(),
        "the report asks for nothing"
    );
    // The check sees a page's own requests.
    let canary = env.dir.path().join("canary.html");
    fs::write(
        &canary,
        "<!DOCTYPE html><img src=\"http://sourdine-canary.invalid/x.png\">",
    )
    .unwrap();
    let canary_log = env.dir.path().join("canary.json");
    run(&[
        format!("--log-net-log={}", canary_log.display()),
        "--dump-dom".into(),
        format!("file://{}", canary.display()),
    ]);
    assert!(
        page_requests(&canary_log)
            .iter()
            .any(|u| u.contains("sourdine-canary.invalid"))
    );

    let shot = env.dir.path().join("report.png");
    let out = run(&[
        format!("--screenshot={}", shot.display()),
        "--window-size=1100,1500".into(),
        "--hide-scrollbars".into(),
        url,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (w, h, colours, dark) = png_summary(&shot);
    assert_eq!((w, h), (1100, 1500));
    assert!(
        colours > 20,
        "a screenshot of one or two colours is blank ({colours})"
    );
    assert!(
        dark > (w * h) as usize / 200,
        "text and bars are drawn ({dark} dark pixels)"
    );
}

/// The URLs a page itself asked for (requests whose network isolation key is the file page's),
/// from Chromium's network log; Chromium's own background requests are not the page's.
fn page_requests(log: &Path) -> Vec<String> {
    let v: Value = serde_json::from_slice(&fs::read(log).unwrap()).unwrap();
    let types: BTreeMap<u64, String> = v["constants"]["logEventTypes"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, n)| (n.as_u64().unwrap(), k.clone()))
        .collect();
    v["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["type"]
                .as_u64()
                .and_then(|t| types.get(&t))
                .is_some_and(|t| t == "URL_REQUEST_START_JOB")
        })
        .filter(|e| {
            e["params"]["network_isolation_key"]
                .as_str()
                .is_some_and(|k| k.contains("file://"))
        })
        .filter_map(|e| e["params"]["url"].as_str().map(str::to_string))
        .collect()
}

/// Width, height, number of distinct colours and of dark pixels of a PNG.
fn png_summary(path: &Path) -> (u32, u32, usize, usize) {
    let decoder = png::Decoder::new(std::io::BufReader::new(fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let mut colours = std::collections::HashSet::new();
    let mut dark = 0;
    for px in buf[..info.buffer_size()].chunks(channels) {
        colours.insert(px[..3.min(px.len())].to_vec());
        if px.iter().take(3).map(|&c| c as u32).sum::<u32>() < 300 {
            dark += 1;
        }
    }
    (info.width, info.height, colours.len(), dark)
}
