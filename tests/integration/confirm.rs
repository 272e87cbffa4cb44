//! Nothing leaves or is destroyed without a clear yes (issue 17, point 7): `ticket reply` and
//! `ticket forget` ask on a terminal and need `--yes` anywhere else; a saved reply with a gap
//! left is not sent off a terminal; every message says what really happened.

use std::fs;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::common::{Env, bin, ok, text};

/// An instance with `extra` configuration and one ticket with a reply address.
fn helpline(extra: &str) -> (Env, String) {
    let env = Env::init_with(extra);
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

/// The replies in the outbox (references).
fn outbox(env: &Env) -> Vec<Value> {
    let v: Value = serde_json::from_str(&ok(env.sourdine(&["outbox", "--json"]))).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "reply")
        .cloned()
        .collect()
}

/// A reply text in a file.
fn reply_file(env: &Env, body: &str) -> String {
    let f = env.dir.path().join("reply.txt");
    fs::write(&f, body).unwrap();
    f.to_str().unwrap().to_string()
}

/// Runs `command` (a shell line) in a terminal (`script`), typing `input`; returns what the
/// terminal showed, line ends as `\n`, and the exit status. None without `script`.
pub(crate) fn in_terminal(
    env: &Env,
    command: &str,
    input: &str,
    editor: &str,
) -> Option<(String, i32)> {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("SKIPPED: `script` (util-linux) is needed for a terminal");
        return None;
    }
    let mut child = Command::new("script")
        .args(["-qec", command, "/dev/null"])
        .env("SOURDINE_CONFIG", &env.config)
        .env("NO_COLOR", "1")
        .env("SOURDINE_NO_PAGER", "1")
        .env("TERM", "dumb")
        .env("EDITOR", editor)
        .env_remove("VISUAL")
        .env_remove("SOURDINE_SOCKET")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(input.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    Some((
        text(&out.stdout).replace("\r\n", "\n"),
        out.status.code().unwrap_or(-1),
    ))
}

fn first_line(out: &Output) -> String {
    text(&out.stderr).lines().next().unwrap_or("").to_string()
}

/// Off a terminal, `ticket reply` without `--yes` sends nothing, exits 2 and names `--yes`,
/// whether the text comes from a file or standard input.
#[test]
fn reply_off_a_terminal_needs_yes() {
    let (env, id) = helpline("");
    let f = reply_file(&env, "Thank you for writing to us.\n");
    let out = env.ticket(&["reply", &id, "--file", &f]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert_eq!(
        first_line(&out),
        "ticket: not sent: this needs a clear yes, and standard input or output is not a terminal to ask on; give --yes to send it"
    );
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    let piped = env
        .cmd("ticket")
        .args(["reply", &id])
        .stdin(fs::File::open(&f).unwrap())
        .output()
        .unwrap();
    assert_eq!(piped.status.code(), Some(2), "{}", text(&piped.stderr));
    assert!(text(&piped.stderr).contains("give --yes"));
    assert!(outbox(&env).is_empty(), "nothing was queued");

    // With --yes it is queued, and the message says no service runs to send it.
    let out = ok(env.ticket(&["reply", &id, "--file", &f, "--yes", "--unverified"]));
    assert!(
        out.starts_with("Reply ")
            && out.contains(&format!(" to ticket {id} queued; it will be sent when the service runs with an [smtp] server configured")),
        "{out}"
    );
    assert_eq!(outbox(&env).len(), 1);
}

/// What the reply's message says is what happens: with an [smtp] server but no service, the
/// reply waits for the service; with the service but no [smtp] server, for a server.
#[test]
fn the_reply_message_says_what_really_happens() {
    let (env, id) = helpline("[smtp]\nhost = \"127.0.0.1\"\nport = 9\ntls = \"none\"\n");
    let f = reply_file(&env, "Thank you for writing to us.\n");
    let out = ok(env.ticket(&["reply", &id, "--file", &f, "--yes", "--unverified"]));
    assert!(
        out.contains(
            "queued; it will be sent when the service runs (no sourdine service is running now)"
        ),
        "{out}"
    );
    assert!(!out.contains("sends it now"), "{out}");
    let v: Value = serde_json::from_str(&ok(env.ticket(&[
        "reply",
        &id,
        "--file",
        &f,
        "--yes",
        "--unverified",
        "--json",
    ])))
    .unwrap();
    assert_eq!(v["service_running"], false);
    assert_eq!(v["sending_now"], false);

    let (env, id) = helpline("");
    let _d = env.start_daemon();
    let f = reply_file(&env, "Thank you for writing to us.\n");
    let out = ok(env.ticket_via_socket(&["reply", &id, "--file", &f, "--yes", "--unverified"]));
    assert!(
        out.contains("queued; it will be sent once an [smtp] server is configured"),
        "{out}"
    );
}

/// A saved reply whose gap was not filled is never sent off a terminal, even with --yes; a
/// saved reply with nothing to fill can be.
#[test]
fn a_saved_reply_with_a_gap_is_not_sent_off_a_terminal() {
    let (env, id) = helpline("");
    for name in ["welcome", "referral"] {
        let out = env.ticket(&["reply", &id, "--template", name, "--yes", "--unverified"]);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
        let err = first_line(&out);
        assert!(
            err.starts_with(&format!(
                "ticket: not sent: the saved reply `{name}` still has a gap to fill (line "
            )) && err.contains("[...]")
                && err.contains("--file F"),
            "{err}"
        );
    }
    // An operator's template with a placeholder left, and the old shipped form (blank lines).
    let dir = env.dir.path().join("etc/templates");
    fs::write(dir.join("named.txt"), "Hello {name},\n\nWe read you.\n").unwrap();
    fs::write(dir.join("old.txt"), "Hello,\n\nThanks.\n\n\n\nBye\n").unwrap();
    for name in ["named", "old"] {
        let out = env.ticket(&["reply", &id, "--template", name, "--yes", "--unverified"]);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", text(&out.stderr));
        assert!(
            first_line(&out).contains("gap to fill"),
            "{}",
            first_line(&out)
        );
    }
    assert!(outbox(&env).is_empty(), "nothing was queued");
    fs::write(
        dir.join("thanks.txt"),
        "Hello,\n\nThank you for your message. We read it and will answer soon.\n",
    )
    .unwrap();
    let out = env.ticket(&["reply", &id, "--template", "thanks"]);
    assert_eq!(out.status.code(), Some(2), "still needs --yes");
    ok(env.ticket(&[
        "reply",
        &id,
        "--template",
        "thanks",
        "--yes",
        "--unverified",
    ]));
    assert_eq!(outbox(&env).len(), 1);
}

/// Off a terminal, `ticket forget` without `--yes` destroys nothing; with it, the message
/// says what happened in plain words.
#[test]
fn forget_off_a_terminal_needs_yes() {
    let (env, id) = helpline("");
    let out = env.ticket(&["forget", &id, "--reason", "the writer asked"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert_eq!(
        first_line(&out),
        "ticket: nothing was destroyed: this needs a clear yes, and standard input or output is not a terminal to ask on; give --yes to destroy the ticket"
    );
    assert_eq!(
        env.ticket_ids(),
        vec![id.clone()],
        "the ticket is still there"
    );
    let out = ok(env.ticket(&["forget", &id, "--reason", "the writer asked", "--yes"]));
    assert_eq!(
        out.lines().next().unwrap(),
        format!(
            "Ticket {id} destroyed: nothing of it can be read any more (its records are gone and the keys that could open them destroyed). The audit log keeps that you destroyed it, and why."
        )
    );
    assert!(!out.contains("epoch"), "{out}");
    assert!(env.ticket_ids().is_empty());
}

/// On a terminal, `ticket reply` shows the reply and asks: "n" sends nothing, "y" queues it.
#[test]
fn reply_on_a_terminal_asks_first() {
    let (env, id) = helpline("");
    let f = reply_file(&env, "Thank you for writing. REPLYMARK\n");
    let line = format!("{} reply {id} --file {f}", bin("ticket").display());
    let Some((shown, code)) = in_terminal(&env, &line, "n\n", "true") else {
        return;
    };
    assert!(
        shown.contains("This will be sent:")
            && shown.contains("REPLYMARK")
            && shown.contains("Send it? [y/N]"),
        "{shown}"
    );
    assert!(shown.contains("Not sent."), "{shown}");
    assert_eq!(code, 1);
    assert!(outbox(&env).is_empty(), "no means nothing is queued");
    let (shown, code) = in_terminal(&env, &line, "y\n", "true").unwrap();
    assert_eq!(code, 0, "{shown}");
    assert!(
        shown.contains(&format!("to ticket {id} queued; it will be sent")),
        "{shown}"
    );
    assert_eq!(outbox(&env).len(), 1);
}

/// On a terminal, a saved reply left as it is (the editor closed without a change) gets its
/// own warning, and its gap is named, before the question.
#[test]
fn an_unedited_saved_reply_is_warned_about() {
    let (env, id) = helpline("");
    let line = format!("{} reply {id} --template welcome", bin("ticket").display());
    let Some((shown, code)) = in_terminal(&env, &line, "n\n", "true") else {
        return;
    };
    assert_eq!(code, 1, "{shown}");
    assert!(
        shown.contains("This is the saved reply `welcome` exactly as it is: nothing in it was written for this writer."),
        "{shown}"
    );
    assert!(
        shown.contains("It still has a gap to fill: line 5: [...]."),
        "{shown}"
    );
    assert!(shown.contains("Not sent."), "{shown}");
    assert!(outbox(&env).is_empty());
}

/// On a terminal, `ticket forget` shows the ticket and wants its reference typed: "y" is
/// not enough, the reference is.
#[test]
fn forget_on_a_terminal_wants_the_reference_typed() {
    let (env, id) = helpline("");
    let line = format!(
        "{} forget {id} --reason 'the writer asked'",
        bin("ticket").display()
    );
    let Some((shown, code)) = in_terminal(&env, &line, "y\n", "true") else {
        return;
    };
    assert!(
        shown.contains(&format!("Destroy ticket {id}"))
            && shown.contains("help please")
            && shown.contains(&format!("Destroy it for good? (type {id} to confirm)")),
        "{shown}"
    );
    assert!(shown.contains("Nothing was destroyed."), "{shown}");
    assert_eq!(code, 1);
    assert_eq!(env.ticket_ids(), vec![id.clone()]);
    let (shown, code) =
        in_terminal(&env, &line, &format!("{}\n", id.to_lowercase()), "true").unwrap();
    assert_eq!(code, 0, "{shown}");
    assert!(
        shown.contains(&format!(
            "Ticket {id} destroyed: nothing of it can be read any more"
        )),
        "{shown}"
    );
    assert!(env.ticket_ids().is_empty());
}
