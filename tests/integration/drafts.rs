//! Drafts that survive and a second reader (issue 20, points 4 and 5), through the binaries:
//! a reply that could not be confirmed is kept sealed in the store and resumed; drafts are
//! their author's alone and go with their ticket and after `retention.draft_days`; a reply
//! held for review is returned, resubmitted, approved by another supervisor and delivered
//! through the real Postfix and Dovecot.

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{Env, bin, ok, text};
use crate::imap::wait_tickets;
use crate::mailstack::{self, MailStack};
use crate::replies::{password_file, wait_inbox};

const DAY: i64 = 86_400;

/// Runs `cmd` with `input` on its standard input (not a terminal).
fn with_stdin(mut cmd: Command, input: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// An instance with one ticket taken in from a file (its sender unverified).
fn one_ticket(extra: &str) -> (Env, String) {
    let env = Env::init_with(extra);
    let mail = env.dir.path().join("a.eml");
    fs::write(
        &mail,
        "From: Writer <writer.secret@example.org>\nSubject: help\n\nPlease help.\n",
    )
    .unwrap();
    ok(env.sourdine(&["ingest", mail.to_str().unwrap()]));
    let id = env.ticket_ids().remove(0);
    (env, id)
}

fn drafts(env: &Env) -> Value {
    serde_json::from_str(&ok(env.ticket(&["drafts", "--json"]))).unwrap()
}

/// The audit entries with this action, as (uid, detail).
fn audited(env: &Env, action: &str) -> Vec<(u64, String)> {
    let v: Value = serde_json::from_str(&ok(env.sourdine(&["audit", "--json"]))).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == action)
        .map(|e| {
            (
                e["actor"]["uid"].as_u64().unwrap_or(u64::MAX),
                e["detail"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// No terminal and no --yes: the reply is not sent, and it is kept as a draft (sealed: not
/// in clear in the store's files), listed by `ticket drafts`, and sent with --resume --yes,
/// which destroys the draft.
#[test]
fn a_reply_that_cannot_be_confirmed_is_kept_as_a_draft_and_resumed() {
    let (env, id) = one_ticket("");
    let mut cmd = env.cmd("ticket");
    cmd.args(["reply", &id, "--unverified"]);
    let out = with_stdin(
        cmd,
        "DRAFTWORDS first line of my answer\nand a second line\n",
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("--yes"), "{err}");
    assert!(
        err.contains(&format!("ticket reply {id} --resume")),
        "{err}"
    );
    assert_eq!(
        env.show(&id)["messages"].as_array().unwrap().len(),
        1,
        "nothing sent"
    );

    let d = drafts(&env);
    let row = &d.as_array().unwrap()[0];
    let keys: Vec<&str> = row
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(keys, ["first_line", "ticket", "updated"], "{d}");
    assert_eq!(row["ticket"], id.as_str());
    assert_eq!(row["first_line"], "DRAFTWORDS first line of my answer");
    assert!(row["updated"].as_str().unwrap().ends_with('Z'), "{d}");
    let table = ok(env.ticket(&["--lang", "fr", "drafts"]));
    assert!(
        table.contains("PREMIÈRE LIGNE") && table.contains(&id),
        "{table}"
    );
    for f in crate::common::files_under(&env.data_dir) {
        let bytes = fs::read(&f).unwrap();
        assert!(
            !bytes.windows(10).any(|w| w == b"DRAFTWORDS"),
            "{} holds the draft in clear",
            f.display()
        );
    }
    assert_eq!(audited(&env, "draft.saved").len(), 1);

    // Without --resume, new text replaces the draft (and says so); --resume sends the draft.
    let sent = ok(env.ticket(&["reply", &id, "--resume", "--yes", "--unverified"]));
    assert!(sent.contains("queued"), "{sent}");
    let t = env.show(&id);
    let out = &t["messages"][1];
    assert_eq!(out["direction"], "out");
    assert!(
        out["body"]
            .as_str()
            .unwrap()
            .starts_with("DRAFTWORDS first line"),
        "{t}"
    );
    assert_eq!(drafts(&env), serde_json::json!([]), "a sent draft is gone");
    let again = env.ticket(&["reply", &id, "--resume", "--yes", "--unverified"]);
    assert!(!again.status.success());
    assert!(
        text(&again.stderr).contains("no draft"),
        "{}",
        text(&again.stderr)
    );
    // No audit entry holds the words.
    let audit = ok(env.sourdine(&["audit", "--json"]));
    assert!(!audit.contains("DRAFTWORDS"), "{audit}");
}

/// `--discard` destroys the draft (audited), and a new text given without --resume says
/// that it replaces the draft.
#[test]
fn discard_destroys_the_draft_and_new_text_replaces_it() {
    let (env, id) = one_ticket("");
    let mut cmd = env.cmd("ticket");
    cmd.args(["reply", &id]);
    assert_eq!(with_stdin(cmd, "first words\n").status.code(), Some(2));
    let mut cmd = env.cmd("ticket");
    cmd.args(["reply", &id]);
    let out = with_stdin(cmd, "second words\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("replaced"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(drafts(&env)[0]["first_line"], "second words");

    let said = ok(env.ticket(&["reply", &id, "--discard"]));
    assert!(said.contains("discarded"), "{said}");
    assert_eq!(drafts(&env), serde_json::json!([]));
    assert_eq!(audited(&env, "draft.discarded").len(), 1);
    let said = ok(env.ticket(&["reply", &id, "--discard"]));
    assert!(said.contains("nothing changed"), "{said}");
}

/// Erasing a ticket destroys its drafts; `retention.draft_days` destroys a draft left alone
/// that long (and not a day before).
#[test]
fn drafts_go_with_their_ticket_and_after_draft_days() {
    let (env, first) = one_ticket("[retention]\ndraft_days = 14\n");
    let mail = env.dir.path().join("b.eml");
    fs::write(
        &mail,
        "From: Other <other@example.org>\nSubject: two\n\nHello.\n",
    )
    .unwrap();
    ok(env.sourdine(&["ingest", mail.to_str().unwrap()]));
    let second = env.ticket_ids().into_iter().find(|t| *t != first).unwrap();
    for id in [&first, &second] {
        let mut cmd = env.cmd("ticket");
        cmd.args(["reply", id]);
        assert_eq!(with_stdin(cmd, "a draft\n").status.code(), Some(2));
    }
    assert_eq!(drafts(&env).as_array().unwrap().len(), 2);

    ok(env.ticket(&[
        "forget",
        &first,
        "--reason",
        "asked to be forgotten",
        "--yes",
    ]));
    let left = drafts(&env);
    assert_eq!(left.as_array().unwrap().len(), 1, "{left}");
    assert_eq!(left[0]["ticket"], second.as_str());

    let purge_at = |days: i64| {
        let out = env
            .cmd("sourdine")
            .args(["purge"])
            .env("SOURDINE_CLOCK_OFFSET", (days * DAY).to_string())
            .output()
            .unwrap();
        ok(out)
    };
    purge_at(13);
    assert_eq!(drafts(&env).as_array().unwrap().len(), 1, "kept 13 days");
    let said = purge_at(15);
    assert!(said.contains("removed 1 draft(s)"), "{said}");
    assert_eq!(drafts(&env), serde_json::json!([]));
    let destroyed = audited(&env, "draft.destroyed");
    assert_eq!(destroyed.len(), 1);
    assert_eq!(destroyed[0].1, "retention");
    assert_eq!(env.ticket_ids(), vec![second], "the ticket itself stays");
}

const GROUP: u32 = 4542;
const COUNSELLOR_1: u32 = 4501;
const COUNSELLOR_2: u32 = 4502;
const SUPERVISOR_A: u32 = 5501;
const SUPERVISOR_B: u32 = 5502;

/// Copies of `ticket` other users can run, through the socket.
struct As {
    bin: tempfile::TempDir,
    socket: PathBuf,
}

impl As {
    fn new(env: &Env) -> As {
        let dir = tempfile::Builder::new()
            .prefix("sourdine-bin.")
            .tempdir()
            .unwrap();
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
        let copy = dir.path().join("ticket");
        crate::common::copy_program(&bin("ticket"), &copy);
        reachable(env.dir.path());
        As {
            bin: dir,
            socket: env.socket(),
        }
    }

    fn command(&self, uid: u32, args: &[&str]) -> Command {
        let mut c = Command::new("setpriv");
        c.args([
            &format!("--reuid={uid}"),
            &format!("--regid={uid}"),
            &format!("--groups={GROUP}"),
            "--",
        ])
        .arg(self.bin.path().join("ticket"))
        .arg("--socket")
        .arg(&self.socket)
        .args(args)
        .env_remove("SOURDINE_CONFIG")
        .env("NO_COLOR", "1")
        .env("HOME", "/")
        .stdin(Stdio::null());
        c
    }

    fn ticket(&self, uid: u32, args: &[&str]) -> Output {
        self.command(uid, args).output().unwrap()
    }
}

fn reachable(p: &Path) {
    let mut cur = Some(p);
    while let Some(d) = cur {
        if d.starts_with(std::env::temp_dir()) && d != std::env::temp_dir() {
            let mode = fs::metadata(d).unwrap().permissions().mode();
            fs::set_permissions(d, fs::Permissions::from_mode(mode | 0o711)).unwrap();
        }
        cur = d.parent();
    }
}

#[track_caller]
fn refused(out: &Output, says: &str) {
    let err = text(&out.stderr);
    assert!(!out.status.success(), "refused: {err}");
    assert!(err.contains(says), "{says:?} in {err}");
}

/// A helpline on the mail stack whose urgent tickets' replies wait for review.
fn reviewing_helpline(stack: &MailStack) -> Env {
    let imap = stack.imap_config("none", &password_file("imap", "contact-pass"));
    let smtp = stack.smtp_config(&password_file("smtp", "contact-pass"));
    Env::init_with(&format!(
        "counsellors_group = \"{GROUP}\"\n[roles]\ncounsellor_users = [\"{COUNSELLOR_1}\", \"{COUNSELLOR_2}\"]\nsupervisor_users = [\"{SUPERVISOR_A}\", \"{SUPERVISOR_B}\"]\n[replies]\ntrusted_authserv_id = \"mail.example.test\"\nreview = \"urgent\"\n{imap}\n{smtp}"
    ))
    .with_contact("contact@example.test")
}

/// Drafts are their author's alone; a reply to an urgent ticket waits for review
/// (`replies.review = "urgent"`), is returned to its author with a reason, resubmitted,
/// approved by a supervisor who did not write it, and reaches the writer through Postfix and
/// Dovecot; nobody approves their own reply; every step is audited, without words.
#[test]
fn a_reply_held_for_review_is_returned_resubmitted_approved_and_delivered() {
    if !nix::unistd::geteuid().is_root() {
        eprintln!("SKIPPED: the review test needs root (setpriv to other uids)");
        return;
    }
    if !mailstack::available() {
        return;
    }
    let stack = MailStack::start();
    let env = reviewing_helpline(&stack);
    let who = As::new(&env);
    let d = env.start_daemon();
    let first = "From: A Writer <writer@example.test>\r\nTo: contact@example.test\r\nSubject: Need to talk\r\nMessage-ID: <w1@example.test>\r\n\r\nI need to talk to someone.\r\n";
    stack.send(
        "writer@example.test",
        "contact@example.test",
        first.as_bytes(),
    );
    assert!(
        wait_tickets(&env, 1, Duration::from_secs(30)),
        "{}",
        d.log_text()
    );
    let id = env.ticket_ids().remove(0);
    assert_eq!(
        wait_inbox(&stack, "writer", 1, Duration::from_secs(30)).len(),
        1
    );
    ok(who.ticket(COUNSELLOR_1, &["urgent", &id, "--reason", "danger"]));

    // Counsellor 1 writes without a yes: a draft, which nobody else sees.
    let out = with_stdin(
        who.command(COUNSELLOR_1, &["reply", &id]),
        "FIRSTTRY We hear you.\n",
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    for uid in [COUNSELLOR_2, SUPERVISOR_A] {
        let other: Value =
            serde_json::from_slice(&who.ticket(uid, &["drafts", "--json"]).stdout).unwrap();
        assert_eq!(
            other,
            serde_json::json!([]),
            "uid {uid} sees no one else's draft"
        );
        refused(
            &who.ticket(uid, &["reply", &id, "--resume", "--yes"]),
            "no draft",
        );
    }
    // With the yes, it is held for review, not sent; the draft goes with it.
    let held = ok(who.ticket(COUNSELLOR_1, &["reply", &id, "--resume", "--yes"]));
    assert!(held.contains("review"), "{held}");
    let mine: Value =
        serde_json::from_str(&ok(who.ticket(COUNSELLOR_1, &["drafts", "--json"]))).unwrap();
    assert_eq!(mine, serde_json::json!([]));
    let waiting: Value =
        serde_json::from_str(&ok(who.ticket(SUPERVISOR_A, &["review", "--json"]))).unwrap();
    assert_eq!(waiting[0]["ticket"], id.as_str());
    assert_eq!(waiting[0]["author"], format!("uid {COUNSELLOR_1}"));
    let table = ok(who.ticket(SUPERVISOR_A, &["--lang", "nl", "review"]));
    assert!(
        table.contains("AUTEUR") && table.contains(&id) && table.contains("uid 4501"),
        "{table}"
    );
    let shown = ok(who.ticket(SUPERVISOR_A, &["review", "show", &id]));
    assert!(shown.contains("FIRSTTRY We hear you."), "{shown}");
    let read: Vec<u64> = audited(&env, "review.read").iter().map(|e| e.0).collect();
    assert_eq!(read, [u64::from(SUPERVISOR_A)], "the read is audited");
    let others: Value =
        serde_json::from_str(&ok(who.ticket(COUNSELLOR_2, &["review", "--json"]))).unwrap();
    assert_eq!(
        others,
        serde_json::json!([]),
        "a counsellor sees their own only"
    );
    assert_eq!(replies_out(&env, &id), 0, "nothing in the outbox");
    refused(
        &who.ticket(COUNSELLOR_2, &["review", "approve", &id, "--yes"]),
        "supervisor",
    );

    // Supervisor A returns it with a reason; counsellor 1 finds it as a draft and resubmits.
    ok(who.ticket(
        SUPERVISOR_A,
        &[
            "review",
            "reject",
            &id,
            "--reason",
            "REASONWORDS say when the line is open",
        ],
    ));
    let table = ok(who.ticket(COUNSELLOR_1, &["drafts"]));
    assert!(table.contains("REASONWORDS"), "{table}");
    let out = with_stdin(
        who.command(COUNSELLOR_1, &["reply", &id, "--resume", "--yes"]),
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("REASONWORDS"),
        "{}",
        text(&out.stderr)
    );

    // Supervisor A cannot write a second reply meanwhile; supervisor B approves.
    let f = env.dir.path().join("mine.txt");
    fs::write(&f, "SUPERVISORTEXT\n").unwrap();
    fs::set_permissions(&f, fs::Permissions::from_mode(0o644)).unwrap();
    let fpath = f.to_str().unwrap();
    refused(
        &who.ticket(
            SUPERVISOR_A,
            &["reply", &id, "--file", fpath, "--yes", "--review"],
        ),
        "already waits",
    );
    let sent = ok(who.ticket(SUPERVISOR_B, &["review", "approve", &id, "--yes"]));
    assert!(sent.contains("queued"), "{sent}");
    let inbox = wait_inbox(&stack, "writer", 2, Duration::from_secs(30));
    assert_eq!(inbox.len(), 2, "{}", d.log_text());
    assert!(
        inbox
            .iter()
            .any(|m| String::from_utf8_lossy(m).contains("FIRSTTRY We hear you.")),
        "the approved reply reached the writer"
    );
    wait_sent(&env, &id);

    // Nobody approves their own reply.
    let held = ok(who.ticket(
        SUPERVISOR_A,
        &["reply", &id, "--file", fpath, "--yes", "--review"],
    ));
    assert!(held.contains("review"), "{held}");
    refused(
        &who.ticket(SUPERVISOR_A, &["review", "approve", &id, "--yes"]),
        "yours",
    );
    refused(
        &who.ticket(SUPERVISOR_A, &["review", "reject", &id, "--reason", "x"]),
        "yours",
    );
    ok(who.ticket(
        SUPERVISOR_B,
        &["review", "reject", &id, "--reason", "not now"],
    ));
    assert_eq!(replies_out(&env, &id), 1);

    // An unverified sender: the approver confirms it too (issue 15's rule), and it is audited.
    let mail = env.dir.path().join("unverified.eml");
    fs::write(
        &mail,
        "From: Someone <someone@example.org>\nSubject: hi\n\nHello.\n",
    )
    .unwrap();
    ok(env.sourdine(&["ingest", mail.to_str().unwrap()]));
    let other = env.ticket_ids().into_iter().find(|t| *t != id).unwrap();
    let args = [
        "reply",
        &other,
        "--file",
        fpath,
        "--yes",
        "--unverified",
        "--review",
    ];
    ok(who.ticket(COUNSELLOR_2, &args));
    refused(
        &who.ticket(SUPERVISOR_B, &["review", "approve", &other, "--yes"]),
        "--unverified",
    );
    let sent = ok(who.ticket(
        SUPERVISOR_B,
        &["review", "approve", &other, "--yes", "--unverified"],
    ));
    assert!(sent.contains("queued"), "{sent}");
    let confirmed: Vec<u64> = audited(&env, "reply.unverified")
        .iter()
        .map(|e| e.0)
        .collect();
    assert_eq!(confirmed, [COUNSELLOR_2, SUPERVISOR_B].map(u64::from));

    // The audit log: who did what, never the words.
    let requested = audited(&env, "review.requested");
    let expected = [COUNSELLOR_1, COUNSELLOR_1, SUPERVISOR_A, COUNSELLOR_2].map(u64::from);
    assert_eq!(requested.iter().map(|e| e.0).collect::<Vec<_>>(), expected);
    let rejected: Vec<u64> = audited(&env, "review.rejected")
        .iter()
        .map(|e| e.0)
        .collect();
    assert_eq!(rejected, [SUPERVISOR_A, SUPERVISOR_B].map(u64::from));
    let approved: Vec<u64> = audited(&env, "review.approved")
        .iter()
        .map(|e| e.0)
        .collect();
    assert_eq!(approved, [SUPERVISOR_B, SUPERVISOR_B].map(u64::from));
    let queued: Vec<u64> = audited(&env, "reply.queued").iter().map(|e| e.0).collect();
    assert_eq!(
        queued,
        [COUNSELLOR_1, COUNSELLOR_2].map(u64::from),
        "the author's replies"
    );
    let audit = ok(env.sourdine(&["audit", "--json"]));
    for words in ["FIRSTTRY", "REASONWORDS", "SUPERVISORTEXT"] {
        assert!(!audit.contains(words), "{words} in the audit log");
    }
    ok(env.sourdine(&["audit", "--verify"]));
}

/// The counsellors' replies (not the acknowledgement) in a ticket.
fn replies_out(env: &Env, id: &str) -> usize {
    env.show(id)["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["direction"] == "out" && m["automatic"] != true)
        .count()
}

fn wait_sent(env: &Env, id: &str) {
    let start = Instant::now();
    loop {
        let t = env.show(id);
        let sent = t["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["automatic"] != true && m["delivery"]["state"] == "sent");
        if sent {
            return;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "{t}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The inbox keeps a reply as a draft before asking, so a "no" keeps it and the next reply
/// opens on it; under
/// `replies.review = "all"` a yes hands it to a supervisor, and the screen says so.
#[test]
fn the_inbox_keeps_drafts_and_respects_review() {
    use crate::inbox::{Tmux, editor, mail, next_text, script};
    let env = Env::init_with("[replies]\nreview = \"all\"\n");
    editor(&env);
    // The editor also keeps a copy of what it was opened on.
    let dir = env.dir.path().display().to_string();
    fs::write(
        env.dir.path().join("editor.sh"),
        format!("#!/bin/sh\ncp \"$1\" {dir}/opened.txt\ncat {dir}/next.txt > \"$1\"\n"),
    )
    .unwrap();
    let mails = env.dir.path().join("mails");
    mail(
        &mails,
        "fr",
        "Besoin de parler",
        "Sat, 01 Jun 2024 08:00:00 +0000",
        "Je n'arrive plus à dormir.",
    );
    let _d = env.start_daemon();
    ok(env.sourdine(&["ingest", mails.to_str().unwrap()]));
    let id = env.ticket_ids().remove(0);
    let t = Tmux::start(env.dir.path());
    let run = script(&env, "review", "");
    t.type_text(&format!("sh {}", run.display()));
    t.keys(&["Enter"]);
    t.wait_for("Besoin de parler");
    t.keys(&["Enter"]);
    t.wait_for("dormir");

    next_text(&env, "INBOXDRAFT Nous vous lisons.");
    t.keys(&["r"]);
    t.wait_for("saved reply");
    t.keys(&["Enter"]);
    t.wait_for("Send it?");
    t.keys(&["n"]);
    t.wait_for("Kept as your draft");
    assert_eq!(
        drafts(&env)[0]["first_line"],
        "INBOXDRAFT Nous vous lisons."
    );

    t.keys(&["r"]);
    t.wait_for("saved reply");
    t.keys(&["Enter"]);
    t.wait_for("Send it?");
    let opened = fs::read_to_string(env.dir.path().join("opened.txt")).unwrap();
    assert!(
        opened.starts_with("INBOXDRAFT Nous vous lisons."),
        "the draft goes on: {opened}"
    );
    t.keys(&["y"]);
    t.wait_for("waits for a supervisor");
    let waiting: Value = serde_json::from_str(&ok(env.ticket(&["review", "--json"]))).unwrap();
    assert_eq!(waiting[0]["ticket"], id.as_str(), "{waiting}");
    assert_eq!(
        drafts(&env),
        serde_json::json!([]),
        "the draft went with it"
    );
    assert_eq!(replies_out(&env, &id), 0, "nothing in the outbox");
    t.keys(&["q"]);
    t.wait_for("Enter open");
    t.keys(&["q"]);
    t.wait_for("review exit=0");
}

/// On a terminal, `ticket reply ID` offers the draft kept earlier; a yes opens it in the
/// editor, and the next yes sends it (the sender's warning shown at the question).
#[test]
fn on_a_terminal_the_draft_is_offered_and_resumed() {
    let (env, id) = one_ticket("");
    let mut cmd = env.cmd("ticket");
    cmd.args(["reply", &id]);
    let out = with_stdin(cmd, "OFFEREDDRAFT kept from before\n");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let line = format!("{} reply {id}", bin("ticket").display());
    let Some((shown, code)) = crate::confirm::in_terminal(&env, &line, "y\ny\n", "true") else {
        return;
    };
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains("Resume it?"), "{shown}");
    assert!(shown.contains("OFFEREDDRAFT kept from before"), "{shown}");
    assert!(shown.contains("Sender not verified"), "{shown}");
    let t = env.show(&id);
    assert!(
        t["messages"][1]["body"]
            .as_str()
            .unwrap()
            .starts_with("OFFEREDDRAFT"),
        "{t}"
    );
    assert_eq!(drafts(&env), serde_json::json!([]));
}

/// The terminal closes while the editor is open, after the reply was saved in it: `ticket`
/// outlives the hangup and keeps what was saved as a draft; nothing is sent.
#[test]
fn a_reply_saved_before_the_terminal_closed_is_kept() {
    let (env, id) = one_ticket("");
    let editor = env.dir.path().join("hangup-editor.sh");
    fs::write(
        &editor,
        "#!/bin/sh\nprintf 'HANGUPTEXT saved before the terminal closed\\n' > \"$1\"\nkill -HUP $PPID\nexit 1\n",
    )
    .unwrap();
    fs::set_permissions(&editor, fs::Permissions::from_mode(0o755)).unwrap();
    let line = format!("{} reply {id}", bin("ticket").display());
    let Some((shown, _)) =
        crate::confirm::in_terminal(&env, &line, "n\n", editor.to_str().unwrap())
    else {
        return;
    };
    let d = drafts(&env);
    assert_eq!(
        d[0]["first_line"], "HANGUPTEXT saved before the terminal closed",
        "{d} {shown}"
    );
    assert_eq!(
        env.show(&id)["messages"].as_array().unwrap().len(),
        1,
        "nothing sent"
    );
}

/// The service stops while the counsellor is in the editor: the reply can be neither sent nor
/// kept, and `ticket` says so and shows the text on the terminal; nothing of it reaches the
/// store (and `ticket` writes it nowhere else).
#[test]
fn a_reply_the_service_cannot_take_is_shown_not_written() {
    let (env, id) = one_ticket("");
    let d = env.start_daemon();
    let pid = d.child.as_ref().unwrap().id();
    let socket = env.socket();
    let editor = env.dir.path().join("stopping-editor.sh");
    fs::write(
        &editor,
        format!(
            "#!/bin/sh\nprintf 'UNREACHABLETEXT for the writer\\n' > \"$1\"\nkill -TERM {pid}\nwhile [ -S {} ]; do sleep 0.1; done\n",
            socket.display()
        ),
    )
    .unwrap();
    fs::set_permissions(&editor, fs::Permissions::from_mode(0o755)).unwrap();
    let line = format!("{} reply {id} --unverified", bin("ticket").display());
    let Some((shown, code)) =
        crate::confirm::in_terminal(&env, &line, "y\n", editor.to_str().unwrap())
    else {
        return;
    };
    assert_ne!(code, 0, "{shown}");
    assert!(shown.contains("neither sent nor kept"), "{shown}");
    assert!(shown.contains("UNREACHABLETEXT for the writer"), "{shown}");
    drop(d);
    assert_eq!(drafts(&env), serde_json::json!([]));
    assert_eq!(
        env.show(&id)["messages"].as_array().unwrap().len(),
        1,
        "nothing sent"
    );
}
