//! The counsellor's language, time zone and screen (issue 20, point 1 and point 6): `ticket`
//! in French, Dutch and English by `--lang`, `$SOURDINE_LANG` and the locale; `--json`
//! the same in every language; times in the helpline's time zone at the stored precision;
//! the list fitted to 80 columns; `sourdine status` honest about a time rounded to the hour.

use std::fs;
use std::process::Output;
use std::time::Duration;

use crate::common::{Env, ok, text};
use crate::imap::{env_for, mail, wait_tickets};
use crate::mailstack::{self, MailStack};

/// Two writers' mails taken in with `sourdine ingest`; their references.
fn with_tickets(env: &Env) -> Vec<String> {
    let dir = env.dir.path().join("mail");
    fs::create_dir_all(&dir).unwrap();
    for (n, subject) in [
        (
            1,
            "Je n'arrive plus à dormir depuis que mon beau-père est revenu à la maison",
        ),
        (2, "Vraag over school"),
    ] {
        fs::write(
            dir.join(format!("{n}.eml")),
            format!(
                "From: w{n}@example.org\nTo: contact@helpline.example\nSubject: {subject}\nMessage-ID: <lang{n}@example.org>\n\nBonjour {n}\n"
            ),
        )
        .unwrap();
    }
    ok(env.sourdine(&["ingest", dir.to_str().unwrap()]));
    env.ticket_ids()
}

/// `ticket ARGS` with extra environment variables.
fn ticket_with(env: &Env, vars: &[(&str, &str)], args: &[&str]) -> Output {
    let mut c = env.cmd("ticket");
    for (k, v) in vars {
        c.env(k, v);
    }
    c.args(args).output().unwrap()
}

/// The words by which each language's list is known: its subject column, its open state.
const LIST_WORDS: [(&str, &str, &str); 3] = [
    ("en", "SUBJECT", "open"),
    ("fr", "OBJET", "ouvert"),
    ("nl", "ONDERWERP", "open"),
];

fn language_of_list(out: Output) -> &'static str {
    let shown = ok(out);
    let header = shown.lines().next().unwrap_or_default().to_string();
    LIST_WORDS
        .iter()
        .find(|(_, subject, _)| header.split_whitespace().any(|w| w == *subject))
        .map(|(l, _, _)| *l)
        .unwrap_or_else(|| panic!("no language's header: {shown}"))
}

/// Environment variables, flags, and the language they must give.
type Case = (
    &'static [(&'static str, &'static str)],
    &'static [&'static str],
    &'static str,
);

/// `ticket list` in each language, chosen by --lang, else SOURDINE_LANG, else the locale
/// (LC_ALL, LC_MESSAGES, LANG), else English.
#[test]
fn ticket_list_speaks_the_language_of_the_flag_the_variable_or_the_locale() {
    let env = Env::new();
    with_tickets(&env);
    for (lang, subject, open) in LIST_WORDS {
        let shown = ok(env.ticket(&["list", "--lang", lang]));
        assert!(
            shown.contains(subject) && shown.contains(open),
            "{lang}: {shown}"
        );
    }
    let cases: [Case; 7] = [
        (&[("SOURDINE_LANG", "nl")], &[], "nl"),
        (&[("SOURDINE_LANG", "fr")], &["--lang", "en"], "en"),
        (&[("LANG", "fr_BE.UTF-8")], &[], "fr"),
        (
            &[("LANG", "fr_BE.UTF-8"), ("LC_ALL", "nl_BE.UTF-8")],
            &[],
            "nl",
        ),
        (&[("LANG", "en_GB"), ("LC_MESSAGES", "fr_FR")], &[], "fr"),
        (&[("LANG", "nl_NL"), ("SOURDINE_LANG", "fr")], &[], "fr"),
        (&[("LANG", "de_DE.UTF-8")], &[], "en"),
    ];
    for (vars, flags, expected) in cases {
        let mut args = vec!["list"];
        args.extend_from_slice(flags);
        assert_eq!(
            language_of_list(ticket_with(&env, vars, &args)),
            expected,
            "{vars:?} {flags:?}"
        );
    }
    let bad = ticket_with(&env, &[("SOURDINE_LANG", "de")], &["list"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        text(&bad.stderr).contains("SOURDINE_LANG"),
        "{}",
        text(&bad.stderr)
    );
}

/// A refusal and an error in each language: the missing yes of `ticket forget` and the
/// empty reply of `ticket reply` without a terminal.
#[test]
fn prompts_and_errors_speak_the_counsellors_language() {
    let env = Env::new();
    let ids = with_tickets(&env);
    let id = ids[0].as_str();
    for (lang, needs_yes, empty) in [
        ("en", "this needs a clear yes", "no reply text"),
        ("fr", "il faut un oui clair", "aucune réponse"),
        ("nl", "dit vraagt een duidelijk ja", "geen antwoord"),
    ] {
        let out = ticket_with(
            &env,
            &[("SOURDINE_LANG", lang)],
            &["forget", id, "--reason", "asked"],
        );
        assert_eq!(out.status.code(), Some(2));
        assert!(
            text(&out.stderr).contains(needs_yes),
            "{lang}: {}",
            text(&out.stderr)
        );
        let out = env.ticket(&["reply", id, "--lang", lang]);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            text(&out.stderr).contains(empty),
            "{lang}: {}",
            text(&out.stderr)
        );
        let help = ok(env.ticket(&["list", "--help", "--lang", lang]));
        let usage = match lang {
            "fr" => "Utilisation : ticket list",
            "nl" => "Gebruik: ticket list",
            _ => "Usage: ticket list",
        };
        assert!(help.contains(usage), "{lang}: {help}");
    }
    let help = ok(ticket_with(&env, &[("LANG", "fr_BE.UTF-8")], &["--help"]));
    assert!(help.contains("Lister les tickets"), "{help}");
    // The `help` subcommand clap adds at every level speaks the language too.
    let help = ok(env.ticket(&["review", "--help", "--lang", "nl"]));
    assert!(help.contains("Deze hulp tonen"), "{help}");
    assert!(!help.contains("Print this message"), "{help}");
    assert_eq!(env.show(id)["status"], "open", "nothing was destroyed");
}

/// `--json` is for programs: the same bytes whatever the language.
#[test]
fn json_output_does_not_change_with_the_language() {
    let env = Env::new();
    let ids = with_tickets(&env);
    for args in [
        vec!["list", "--json"],
        vec!["show", ids[0].as_str(), "--json"],
        vec!["whoami", "--json"],
        vec!["classification", "--json"],
    ] {
        let mut outs = Vec::new();
        for lang in ["en", "fr", "nl"] {
            let mut a = args.clone();
            a.extend(["--lang", lang]);
            outs.push(ok(env.ticket(&a)));
        }
        assert_eq!(outs[0], outs[1], "{args:?}");
        assert_eq!(outs[0], outs[2], "{args:?}");
    }
}

/// Times are shown in the configured time zone (India: half an hour off UTC), as the hour
/// they fell in; an unknown zone is refused with the key named.
#[test]
fn times_are_shown_in_the_helplines_time_zone_at_the_stored_precision() {
    let env = Env::init_with("timezone = \"Asia/Kolkata\"\nreceived_precision = \"hour\"");
    let ids = with_tickets(&env);
    let v = env.show(&ids[0]);
    let received: jiff::Timestamp = v["received"].as_str().unwrap().parse().unwrap();
    let local = received.to_zoned(jiff::tz::TimeZone::get("Asia/Kolkata").unwrap());
    let end = local.checked_add(jiff::Span::new().hours(1)).unwrap();
    let from = local.strftime("%H:%M").to_string();
    let to = end.strftime("%H:%M").to_string();
    assert!(from.ends_with(":30"), "{from}");
    let shown = ok(env.ticket(&["show", &ids[0], "--lang", "en"]));
    let expected = format!("between {from} and {to} IST");
    assert!(shown.contains(&expected), "{expected} in {shown}");
    let shown = ok(env.ticket(&["show", &ids[0], "--lang", "fr"]));
    let expected = format!("entre {from} et {to} IST");
    assert!(shown.contains(&expected), "{expected} in {shown}");
    assert!(!shown.contains(":00Z"), "no UTC time: {shown}");
    let list = ok(env.ticket(&["list", "--lang", "nl"]));
    assert!(list.contains(&format!("{}u", from)), "{list}");

    let cfg = fs::read_to_string(&env.config).unwrap();
    fs::write(&env.config, cfg.replace("Asia/Kolkata", "Europe/Atlantis")).unwrap();
    let out = env.ticket(&["list"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("timezone"),
        "{}",
        text(&out.stderr)
    );
}

/// At 80 columns (`$COLUMNS` when the output is not a terminal) no line passes 80 cells,
/// and a long subject is cut with an ellipsis, not wrapped.
#[test]
fn the_list_fits_80_columns_and_cuts_subjects_with_an_ellipsis() {
    let env = Env::new();
    with_tickets(&env);
    for lang in ["en", "fr", "nl"] {
        let shown = ok(ticket_with(
            &env,
            &[("COLUMNS", "80")],
            &["list", "--lang", lang],
        ));
        assert_eq!(shown.lines().count(), 3, "{shown}");
        for line in shown.lines() {
            assert!(line.chars().count() <= 80, "{lang}: {line}");
        }
        assert!(
            shown
                .lines()
                .any(|l| l.contains("Je n'arrive plus à dormir") && l.ends_with('…')),
            "{lang}: {shown}"
        );
    }
    let wide = ok(env.ticket(&["list"]));
    assert!(
        wide.contains("revenu à la maison"),
        "no limit off a terminal: {wide}"
    );
}

/// Seconds after a poll, `sourdine status` says the poll was this hour (the time is kept to
/// the hour), never "35 min ago".
#[test]
fn status_shows_the_last_poll_at_the_stored_precision() {
    if !mailstack::available() {
        return;
    }
    let stack = MailStack::start();
    let env = env_for(&stack, "none", "contact-pass", "");
    let _d = env.start_daemon();
    let hour = || jiff::Timestamp::now().as_second() / 3600;
    let before = hour();
    stack.send(
        "writer@example.test",
        "contact@example.test",
        &mail(1, "status"),
    );
    assert!(wait_tickets(&env, 1, Duration::from_secs(30)));
    let shown = ok(env.sourdine(&["status"]));
    let line = shown
        .lines()
        .find(|l| l.contains("last poll"))
        .unwrap_or_else(|| panic!("{shown}"))
        .to_string();
    assert!(!line.contains("min ago"), "{line}");
    if hour() == before {
        assert!(line.contains("last poll this hour"), "{line}");
    }
}
