//! The counsellor's desk (issue 20, points 2 and 3): saved replies in the ticket's language,
//! the acknowledgement's expected-answer date from the opening hours, waits in working hours
//! and the reply target, urgent tickets kept in view, and the count-only log line.

use std::fs;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Env, first_outgoing, ok, text};

/// The clock offset (seconds) that makes "now" a Brussels wall-clock time.
fn at_brussels(y: i16, mo: i8, d: i8, h: i8, mi: i8) -> String {
    let then = jiff::civil::date(y, mo, d)
        .at(h, mi, 0, 0)
        .to_zoned(jiff::tz::TimeZone::get("Europe/Brussels").unwrap())
        .unwrap()
        .timestamp()
        .as_second();
    (then - jiff::Timestamp::now().as_second()).to_string()
}

const FRENCH: &str = "Bonjour,\n\nJe ne sais pas à qui parler. Depuis quelques semaines je me sens très seule et je n'arrive plus à dormir. Est-ce que vous pouvez m'aider ? Je voudrais savoir si ce que je vous écris reste entre nous.\n\nMerci de votre réponse.\n";
const DUTCH: &str = "Hallo,\n\nIk weet niet met wie ik moet praten. Sinds een paar weken voel ik me heel eenzaam en ik kan niet meer slapen. Kunnen jullie mij helpen? Ik wil graag weten of wat ik schrijf tussen ons blijft.\n\nBedankt voor jullie antwoord.\n";

/// Takes in one mail from `from` with `subject` and `body`, at the clock `offset`; returns
/// the new ticket's reference.
fn ingest(env: &Env, from: &str, subject: &str, body: &str, offset: &str) -> String {
    let before = env.ticket_ids();
    let mail = env.dir.path().join("in.eml");
    fs::write(
        &mail,
        format!("From: {from}\nTo: contact@helpline.example\nSubject: {subject}\n\n{body}"),
    )
    .unwrap();
    let out = env
        .cmd("sourdine")
        .args(["ingest", mail.to_str().unwrap()])
        .env("SOURDINE_CLOCK_OFFSET", offset)
        .output()
        .unwrap();
    ok(out);
    env.ticket_ids()
        .into_iter()
        .find(|id| !before.contains(id))
        .expect("a new ticket")
}

/// `ticket ARGS` in English at the clock `offset`.
fn ticket_at(env: &Env, offset: &str, args: &[&str]) -> Output {
    env.cmd("ticket")
        .args(args)
        .env("SOURDINE_CLOCK_OFFSET", offset)
        .env("SOURDINE_LANG", "en")
        .output()
        .unwrap()
}

#[test]
fn saved_replies_come_in_the_tickets_language_with_an_english_fallback() {
    let env = Env::new();
    let replies = env.dir.path().join("etc/replies");
    assert!(
        replies.join("confidentiality.nl.txt").is_file(),
        "sourdine init installs the saved replies"
    );
    fs::write(
        replies.join("only-en.en.txt"),
        "This paragraph exists in English only.\n",
    )
    .unwrap();
    let now = "0";
    let id = ingest(&env, "writer@example.org", "seule", FRENCH, now);
    assert_eq!(env.show(&id)["language"], "fr");

    // Two saved replies, one after the other, in French, the reference filled in; sent as
    // they are with --yes (no terminal, no editor).
    ok(ticket_at(
        &env,
        now,
        &[
            "reply",
            &id,
            "--template",
            "confidentiality",
            "--template",
            "no-address",
            "--yes",
            "--unverified",
        ],
    ));
    let sent = first_outgoing(&env.show(&id))["body"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        sent.starts_with("Ce que vous nous écrivez reste entre vous et nous"),
        "{sent}"
    );
    assert!(sent.contains("458bis") && sent.contains("Nous ne gardons pas votre adresse"));
    assert!(
        sent.contains(&format!("[{id}]")),
        "{{reference}} filled: {sent}"
    );
    assert!(!sent.contains('{'), "{sent}");

    // Not written in French: given in English, and the counsellor is told.
    let out = ticket_at(
        &env,
        now,
        &[
            "reply",
            &id,
            "--template",
            "only-en",
            "--yes",
            "--unverified",
        ],
    );
    let said = text(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("Not written in French: only-en is given in English"),
        "{said}"
    );
    let bodies: Vec<String> = env.show(&id)["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["direction"] == "out")
        .map(|m| m["body"].as_str().unwrap().to_string())
        .collect();
    assert!(bodies[1].contains("This paragraph exists in English only."));

    // A saved reply with gaps left is not sent unedited; an unknown one names the others.
    let out = ticket_at(
        &env,
        now,
        &[
            "reply",
            &id,
            "--template",
            "phone-hours",
            "--yes",
            "--unverified",
        ],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("gap to fill"),
        "{}",
        text(&out.stderr)
    );
    let out = ticket_at(
        &env,
        now,
        &["reply", &id, "--template", "nope", "--yes", "--unverified"],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("no saved reply `nope`")
            && text(&out.stderr).contains("confidentiality"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn ticket_templates_lists_names_languages_and_first_lines() {
    let env = Env::new();
    let out = ok(env.ticket(&["templates", "--json"]));
    let list: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    let names: Vec<&str> = list.iter().map(|r| r["name"].as_str().unwrap()).collect();
    for want in ["confidentiality", "no-address", "other-help", "phone-hours"] {
        assert!(names.contains(&want), "{want} in {names:?}");
    }
    for r in &list {
        let keys: Vec<&String> = r.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["first_line", "languages", "name"], "{r}");
    }
    let conf = list
        .iter()
        .find(|r| r["name"] == "confidentiality")
        .unwrap();
    assert_eq!(conf["languages"], serde_json::json!(["fr", "nl", "en"]));
    assert!(
        conf["first_line"]
            .as_str()
            .unwrap()
            .starts_with("Ce que vous nous écrivez")
    );
    // For people: a table in the counsellor's language, and how to use it.
    let table = ok(env.ticket(&["--lang", "fr", "templates"]));
    assert!(
        table.contains("PREMIÈRE LIGNE") && table.contains("--template NOM"),
        "{table}"
    );
    // The old flag is gone; its help points to the new command.
    let help = ok(env.ticket(&["reply", "--help"]));
    assert!(help.contains("ticket templates"), "{help}");
}

const HOURS: &str = "timezone = \"Europe/Brussels\"\n[hours]\nholidays = [\"2025-12-08\"]\n[replies]\nacknowledge_unverified = true\ntarget_hours = 16\n";

#[test]
fn the_acknowledgement_promises_a_date_across_a_weekend_and_a_holiday() {
    let env = Env::init_with(HOURS);
    // Friday 5 December 2025, 16:30: half an hour that day, the weekend, Monday 8 a
    // holiday, eight hours on Tuesday 9, seven and a half on Wednesday 10.
    let friday = at_brussels(2025, 12, 5, 16, 30);
    let id = ingest(&env, "a@example.org", "seule", FRENCH, &friday);
    let ack = first_outgoing(&env.show(&id));
    let body = ack["body"].as_str().unwrap();
    assert!(
        body.contains("vous répondra d'ici le mercredi 10 décembre."),
        "{body}"
    );
    assert!(!body.contains("en dehors"), "{body}");

    // Saturday, in Dutch: the same day, and that it came outside the hours.
    let saturday = at_brussels(2025, 12, 6, 11, 0);
    let id = ingest(&env, "b@example.org", "eenzaam", DUTCH, &saturday);
    let ack = first_outgoing(&env.show(&id));
    let body = ack["body"].as_str().unwrap();
    assert!(
        body.contains(
            "antwoordt je uiterlijk op woensdag 10 december. Je bericht kwam binnen buiten de uren"
        ),
        "{body}"
    );
    assert!(
        body.contains("vanaf dinsdag 9 december om 9.00 uur"),
        "{body}"
    );
}

#[test]
fn the_old_answer_within_still_works_without_hours_and_doctor_warns() {
    let env = Env::init_with(
        "[replies]\nacknowledge_unverified = true\nanswer_within = \"within two working days\"\n",
    );
    let id = ingest(&env, "a@example.org", "seule", FRENCH, "0");
    let ack = first_outgoing(&env.show(&id));
    assert!(
        ack["body"]
            .as_str()
            .unwrap()
            .contains("vous répondra within two working days."),
        "{ack}"
    );
    let out = env.sourdine(&["doctor", "--offline"]);
    assert!(
        text(&out.stdout).contains("replies.answer_within is deprecated"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn overdue_tickets_are_marked_and_listed_alone_longest_wait_first() {
    let env = Env::init_with(HOURS);
    // Monday 1 December, 10:00 and Wednesday 3 December, 10:00; looked at on Wednesday at
    // 12:00: 7 + 8 + 3 = 18 working hours (past 16), and 2.
    let old = ingest(
        &env,
        "a@example.org",
        "seule",
        FRENCH,
        &at_brussels(2025, 12, 1, 10, 0),
    );
    let new = ingest(
        &env,
        "b@example.org",
        "eenzaam",
        DUTCH,
        &at_brussels(2025, 12, 3, 10, 0),
    );
    let wed = at_brussels(2025, 12, 3, 12, 0);
    let all: serde_json::Value =
        serde_json::from_str(&ok(ticket_at(&env, &wed, &["list", "--json"]))).unwrap();
    let all = all.as_array().unwrap();
    assert_eq!(all[0]["id"], old.as_str());
    assert_eq!(all[0]["waited_work_hours"], 18);
    assert_eq!(all[0]["overdue"], true);
    assert_eq!(all[1]["id"], new.as_str());
    assert_eq!(all[1]["waited_work_hours"], 2);
    assert_eq!(all[1]["overdue"], false);

    let late: serde_json::Value =
        serde_json::from_str(&ok(ticket_at(&env, &wed, &["list", "--overdue", "--json"]))).unwrap();
    let ids: Vec<&str> = late
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [old.as_str()]);

    let table = ok(ticket_at(&env, &wed, &["list"]));
    let row = table.lines().find(|l| l.contains(&old)).unwrap();
    assert!(row.contains("18 h late"), "{table}");
    let row = table.lines().find(|l| l.contains(&new)).unwrap();
    assert!(row.contains("2 h") && !row.contains("late"), "{table}");
    // On Tuesday 2 December at 17:00 the old one had waited exactly 15 hours: not late.
    let tue = at_brussels(2025, 12, 2, 17, 0);
    let out = ok(ticket_at(&env, &tue, &["list", "--overdue", "--json"]));
    assert_eq!(out.trim(), "[]");
}

#[test]
fn an_urgent_ticket_stays_in_the_default_list_until_the_mark_is_cleared() {
    let env = Env::new();
    let id = ingest(&env, "a@example.org", "seule", FRENCH, "0");
    ok(env.ticket(&["urgent", &id, "--reason", "danger"]));
    let reply = env.dir.path().join("reply.txt");
    fs::write(&reply, "Nous sommes là.\n").unwrap();
    ok(env.ticket(&[
        "reply",
        &id,
        "--file",
        reply.to_str().unwrap(),
        "--yes",
        "--unverified",
    ]));
    assert_eq!(env.show(&id)["status"], "waiting");
    let listed = |env: &Env| -> Vec<String> {
        let v: serde_json::Value =
            serde_json::from_str(&ok(env.ticket(&["list", "--json"]))).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        listed(&env),
        std::slice::from_ref(&id),
        "answered but still urgent: listed"
    );
    ok(env.ticket(&["urgent", &id, "--clear"]));
    assert!(
        listed(&env).is_empty(),
        "mark cleared: waiting, out of the default list"
    );
}

#[test]
fn the_service_logs_a_count_of_tickets_past_the_target_and_nothing_else() {
    let env = Env::init_with(HOURS);
    let subject = "PLANTSUBJECT-urgent-help";
    let id = ingest(
        &env,
        "a@example.org",
        subject,
        FRENCH,
        &at_brussels(2025, 12, 1, 10, 0),
    );
    ingest(
        &env,
        "b@example.org",
        "eenzaam",
        DUTCH,
        &at_brussels(2025, 12, 3, 10, 0),
    );
    let log_path = env.dir.path().join("run.log");
    let mut child = env
        .cmd("sourdine")
        .arg("run")
        .env("SOURDINE_CLOCK_OFFSET", at_brussels(2025, 12, 3, 12, 0))
        .stdout(Stdio::null())
        .stderr(fs::File::create(&log_path).unwrap())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let log = loop {
        let log = fs::read_to_string(&log_path).unwrap_or_default();
        if log.contains("past the reply target") || start.elapsed() > Duration::from_secs(60) {
            break log;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    );
    let _ = child.wait();
    let line = log
        .lines()
        .find(|l| l.contains("past the reply target"))
        .unwrap_or_else(|| panic!("no count line in:\n{log}"));
    assert!(line.ends_with("1 ticket past the reply target"), "{line}");
    assert!(!log.contains(subject) && !log.contains(&id), "{log}");
}

#[test]
fn the_staff_address_gets_the_count_line_through_postfix_and_nothing_else() {
    if !crate::mailstack::available() {
        return;
    }
    let stack = crate::mailstack::MailStack::start();
    // The stack's second mailbox plays the staff's.
    let env = crate::replies::helpline(
        &stack,
        "acknowledge = false\n[hours]\ntimezone = \"Europe/Brussels\"\n[notify]\naddress = \"writer@example.test\"\n",
    );
    let subject = "PLANTSUBJECT-staff-must-not-see";
    let id = ingest(
        &env,
        "a@example.org",
        subject,
        FRENCH,
        &at_brussels(2025, 12, 1, 10, 0),
    );
    let log_path = env.dir.path().join("run.log");
    let mut child = env
        .cmd("sourdine")
        .arg("run")
        .env("SOURDINE_CLOCK_OFFSET", at_brussels(2025, 12, 3, 12, 0))
        .stdout(Stdio::null())
        .stderr(fs::File::create(&log_path).unwrap())
        .spawn()
        .unwrap();
    let got = crate::replies::wait_inbox(&stack, "writer", 1, Duration::from_secs(60));
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    );
    let _ = child.wait();
    let log = fs::read_to_string(&log_path).unwrap_or_default();
    assert_eq!(got.len(), 1, "one notice: {log}");
    let raw = String::from_utf8_lossy(&got[0]).into_owned();
    let msg = mail_parser::MessageParser::default()
        .parse(&got[0])
        .unwrap();
    assert_eq!(
        msg.subject(),
        Some("sourdine: 1 ticket past the reply target"),
        "{raw}"
    );
    assert_eq!(
        msg.body_text(0).unwrap().trim(),
        "1 ticket past the reply target"
    );
    assert!(!raw.contains(subject) && !raw.contains(&id), "{raw}");
    assert!(log.contains("sent to the staff address"), "{log}");
}
