//! The inbox (`ticket` on a terminal), driven through a real terminal: tmux runs it against
//! a running service, keys are sent with `send-keys` and the screen read with
//! `capture-pane`. A counsellor opens a ticket, reads it, writes a note, replies through the
//! editor, closes it with a classification, searches, sees new mail arrive, and leaves; the
//! audit log, the tickets and the terminal are checked after.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{Env, bin, ok, text};

/// A tmux server of the test's own, with one 80×24 window running a shell.
pub(crate) struct Tmux {
    socket: PathBuf,
}

impl Tmux {
    pub(crate) fn start(dir: &Path) -> Tmux {
        let t = Tmux {
            socket: dir.join("tmux.sock"),
        };
        let out = t
            .cmd()
            .args([
                "new-session",
                "-d",
                "-s",
                "inbox",
                "-x",
                "80",
                "-y",
                "24",
                "sh",
            ])
            .output()
            .expect("tmux is installed (.ci/run installs it)");
        assert!(out.status.success(), "tmux: {}", text(&out.stderr));
        t
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new("tmux");
        c.arg("-u")
            .arg("-S")
            .arg(&self.socket)
            .env("LANG", "C.UTF-8")
            .env_remove("TMUX");
        c
    }

    /// Sends keys (tmux key names: `Enter`, `Escape`, `C-c`, or text with `-l`).
    pub(crate) fn keys(&self, keys: &[&str]) {
        let out = self
            .cmd()
            .args(["send-keys", "-t", "inbox"])
            .args(keys)
            .output()
            .unwrap();
        assert!(out.status.success(), "send-keys: {}", text(&out.stderr));
    }

    /// Types `text` as it is.
    pub(crate) fn type_text(&self, text: &str) {
        self.keys(&["-l", text]);
    }

    /// The screen as text.
    pub(crate) fn screen(&self) -> String {
        let out = self
            .cmd()
            .args(["capture-pane", "-p", "-t", "inbox"])
            .output()
            .unwrap();
        text(&out.stdout)
    }

    /// Whether the pane shows the alternate screen.
    fn alternate(&self) -> bool {
        let out = self
            .cmd()
            .args(["display-message", "-p", "-t", "inbox", "#{alternate_on}"])
            .output()
            .unwrap();
        text(&out.stdout).trim() == "1"
    }

    /// Waits until the screen shows `needle`; returns the screen.
    #[track_caller]
    pub(crate) fn wait_for(&self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(needle) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "{needle:?} never showed; the screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until the screen no longer shows `needle`; returns the screen.
    #[track_caller]
    fn wait_gone(&self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if !s.contains(needle) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "{needle:?} never went; the screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").output();
    }
}

/// A writer's mail, dated `date`.
pub(crate) fn mail(dir: &Path, name: &str, subject: &str, date: &str, body: &str) -> PathBuf {
    fs::create_dir_all(dir).unwrap();
    let p = dir.join(format!("{name}.eml"));
    fs::write(
        &p,
        format!(
            "From: {name}@example.org\nTo: contact@helpline.example\nSubject: {subject}\nDate: {date}\nMessage-ID: <{name}@example.org>\n\n{body}\n"
        ),
    )
    .unwrap();
    p
}

/// The script the shell in tmux runs: the terminal's settings before and after the inbox,
/// and its exit status.
pub(crate) fn script(env: &Env, name: &str, extra_env: &str) -> PathBuf {
    let dir = env.dir.path();
    let p = dir.join(format!("{name}.sh"));
    fs::write(
        &p,
        format!(
            "unset SOURDINE_CONFIG SOURDINE_SOCKET SOURDINE_LANG SOURDINE_LOG VISUAL NO_COLOR\n\
             export EDITOR={editor} {extra_env}\n\
             stty -a > {dir}/{name}.stty-before\n\
             {ticket} --socket {socket} --lang en\n\
             rc=$?\n\
             stty -a > {dir}/{name}.stty-after\n\
             echo \"{name} exit=$rc\"\n",
            editor = dir.join("editor.sh").display(),
            dir = dir.display(),
            ticket = bin("ticket").display(),
            socket = env.socket().display(),
        ),
    )
    .unwrap();
    p
}

/// The editor: writes the text the test put in `next.txt`, as a counsellor would.
pub(crate) fn editor(env: &Env) {
    let dir = env.dir.path();
    let p = dir.join("editor.sh");
    fs::write(
        &p,
        format!("#!/bin/sh\ncat {}/next.txt > \"$1\"\n", dir.display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
}

pub(crate) fn next_text(env: &Env, text: &str) {
    fs::write(env.dir.path().join("next.txt"), text).unwrap();
}

fn audit(env: &Env) -> Vec<Value> {
    let v: Value = serde_json::from_str(&ok(env.sourdine(&["audit", "--json"]))).unwrap();
    v.as_array().unwrap().clone()
}

/// The line of the screen the selection marks.
fn selected_line(screen: &str) -> String {
    screen
        .lines()
        .find(|l| l.starts_with('›'))
        .unwrap_or_else(|| panic!("no selected row:\n{screen}"))
        .to_string()
}

/// The terminal's settings were given back exactly, and the screen holds no ticket text.
#[track_caller]
fn assert_restored(t: &Tmux, env: &Env, name: &str, secrets: &[&str]) {
    let screen = t.wait_for(&format!("{name} exit="));
    assert!(!t.alternate(), "the alternate screen was left");
    let dir = env.dir.path();
    let before = fs::read_to_string(dir.join(format!("{name}.stty-before"))).unwrap();
    let after = fs::read_to_string(dir.join(format!("{name}.stty-after"))).unwrap();
    assert_eq!(before, after, "the terminal's settings were given back");
    for s in secrets {
        assert!(!screen.contains(s), "{s:?} stayed on screen:\n{screen}");
    }
}

/// A whole shift in the inbox, through a real terminal and the running service.
#[test]
fn a_shift_in_the_inbox_through_a_real_terminal() {
    let env = Env::new();
    editor(&env);
    let mails = env.dir.path().join("mails");
    mail(
        &mails,
        "fr",
        "Besoin de parler INBOXFR",
        "Sat, 01 Jun 2024 08:00:00 +0000",
        "Je n'arrive plus à dormir depuis des semaines.",
    );
    mail(
        &mails,
        "nl",
        "Vraag over mijn gedachten INBOXNL",
        "Sun, 02 Jun 2024 08:00:00 +0000",
        "Ik heb slapeloze nachten.",
    );
    mail(
        &mails,
        "en",
        "Need someone to talk to INBOXEN",
        "Mon, 03 Jun 2024 08:00:00 +0000",
        "I cannot sleep; I walk to the lighthouse every night.",
    );
    let _d = env.start_daemon();
    ok(env.sourdine(&["ingest", mails.to_str().unwrap()]));
    let before = audit(&env).len();

    let t = Tmux::start(env.dir.path());
    let run = script(&env, "shift", "");
    t.type_text(&format!("sh {}", run.display()));
    t.keys(&["Enter"]);
    // The list: oldest wait first, the first row selected, the keys at the bottom.
    let s = t.wait_for("INBOXEN");
    assert!(t.alternate(), "the inbox draws on the alternate screen");
    let fr = s.find("INBOXFR").unwrap();
    assert!(
        fr < s.find("INBOXNL").unwrap() && s.find("INBOXNL").unwrap() < s.find("INBOXEN").unwrap(),
        "{s}"
    );
    assert!(selected_line(&s).contains("INBOXFR"), "{s}");
    assert!(s.contains("? help"), "{s}");

    // Open the first ticket and read it.
    t.keys(&["Enter"]);
    let s = t.wait_for("dormir depuis des semaines");
    assert!(s.contains("Sender not verified"), "{s}");
    let id = s
        .lines()
        .find_map(|l| l.strip_prefix("Ticket "))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_string();

    // A note, written in the editor.
    next_text(&env, "Called the team: NOTEFROMINBOX");
    t.keys(&["n"]);
    t.wait_for("Note added");
    t.wait_for("NOTEFROMINBOX");

    // A reply: the saved replies are offered (an empty reply first), the editor writes it,
    // and nothing leaves before the yes, shown with the sender's warning.
    next_text(&env, "Merci de nous avoir écrit. REPLYFROMINBOX");
    t.keys(&["r"]);
    t.wait_for("saved reply");
    t.keys(&["Enter"]);
    let s = t.wait_for("Send it?");
    assert!(
        s.contains("REPLYFROMINBOX") && s.contains("Sender not verified"),
        "{s}"
    );
    t.keys(&["y"]);
    t.wait_for("queued");

    // Close it: the classification, then a yes.
    t.keys(&["x"]);
    t.wait_for("what kind of contact");
    t.keys(&["Enter"]);
    t.wait_for("What was it about?");
    t.keys(&["Enter"]);
    t.wait_for("(not said)");
    t.keys(&["Enter"]);
    t.wait_for(&format!("Close ticket {id}?"));
    t.keys(&["y"]);
    let s = t.wait_for(&format!("Ticket {id} closed."));
    assert!(
        !s.contains("INBOXFR"),
        "answered and closed, it left the open list:\n{s}"
    );

    // Search, open a result, and come back.
    t.keys(&["/"]);
    t.wait_for("Search for");
    t.type_text("lighthouse");
    t.keys(&["Enter"]);
    t.wait_for("Search “lighthouse”: 1 ticket");
    t.keys(&["Enter"]);
    t.wait_for("walk to the lighthouse");
    t.keys(&["q"]);
    t.wait_for("Search “lighthouse”");
    t.keys(&["q"]);
    t.wait_gone("Search “lighthouse”");

    // Select the second row, then mail arrives (older than it, so it sorts before it): the
    // list shows it by itself and the selection stays on the same ticket.
    t.keys(&["j"]);
    let start = Instant::now();
    let chosen = loop {
        let line = selected_line(&t.screen());
        if line.contains("INBOXEN") {
            break line;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "{line}");
        std::thread::sleep(Duration::from_millis(100));
    };
    // Time for the list to settle before mail arrives (the watch asks once a second).
    std::thread::sleep(Duration::from_millis(1500));
    let new = mail(
        &env.dir.path().join("later"),
        "late",
        "A late message INBOXNEW",
        "Fri, 31 May 2024 08:00:00 +0000",
        "Hello again.",
    );
    ok(env.sourdine(&["ingest", new.to_str().unwrap()]));
    let s = t.wait_for("INBOXNEW");
    assert!(
        s.find("INBOXNEW").unwrap() < s.find("INBOXEN").unwrap(),
        "{s}"
    );
    assert_eq!(selected_line(&s), chosen, "the selection stayed:\n{s}");

    // Leave: the terminal is as it was, the screen holds no ticket text.
    t.keys(&["q"]);
    assert_restored(
        &t,
        &env,
        "shift",
        &["INBOX", "lighthouse", &id, "NOTEFROMINBOX"],
    );
    assert!(t.screen().contains("shift exit=0"));
    let log = audit(&env);

    // The work is in the store, done by the service's rules.
    let shown = env.show(&id);
    assert_eq!(shown["status"], "closed");
    assert_eq!(shown["classification"]["type"], "counselling");
    assert!(
        shown["notes"][0]["text"]
            .as_str()
            .unwrap()
            .contains("NOTEFROMINBOX")
    );
    let replies: Vec<&Value> = shown["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["direction"] == "out")
        .collect();
    assert_eq!(replies.len(), 1);
    assert!(
        replies[0]["body"]
            .as_str()
            .unwrap()
            .contains("REPLYFROMINBOX")
    );

    // The audit: one read per thread opened, one search, and a list entry only when the
    // tickets on screen changed (at the start, when the answered ticket left, when mail
    // arrived), whatever the refreshes in between.
    let during: Vec<&Value> = log[before..]
        .iter()
        .filter(|e| e["action"].as_str().unwrap().starts_with("ticket."))
        .filter(|e| e["action"] != "ticket.created")
        .collect();
    let actions: Vec<&str> = during
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    let count = |a: &str| actions.iter().filter(|x| **x == a).count();
    assert_eq!(count("ticket.read"), 2, "{actions:?}");
    assert_eq!(count("ticket.search"), 1, "{actions:?}");
    assert_eq!(count("ticket.list"), 3, "{actions:?}");
    let reads: Vec<&str> = during
        .iter()
        .filter(|e| e["action"] == "ticket.read")
        .map(|e| e["ticket"].as_str().unwrap())
        .collect();
    assert_eq!(reads[0], id);
    let lists: Vec<usize> = during
        .iter()
        .filter(|e| e["action"] == "ticket.list")
        .map(|e| e["tickets"].as_array().unwrap().len())
        .collect();
    assert_eq!(lists, [3, 2, 3], "every ticket shown is named");
    let all = serde_json::to_string(&log).unwrap();
    for secret in ["NOTEFROMINBOX", "REPLYFROMINBOX", "lighthouse", "INBOXEN"] {
        assert!(!all.contains(secret), "{secret} is in the audit log");
    }
}

/// Ctrl-C and a panic leave the terminal as it was, the screen cleared of tickets.
#[test]
fn ctrl_c_and_a_panic_give_the_terminal_back() {
    let env = Env::new();
    editor(&env);
    let mails = env.dir.path().join("mails");
    mail(
        &mails,
        "a",
        "Private subject INBOXCTRLC",
        "Sat, 01 Jun 2024 08:00:00 +0000",
        "Text.",
    );
    let _d = env.start_daemon();
    ok(env.sourdine(&["ingest", mails.to_str().unwrap()]));
    let t = Tmux::start(env.dir.path());

    let run = script(&env, "ctrlc", "");
    t.type_text(&format!("sh {}", run.display()));
    t.keys(&["Enter"]);
    t.wait_for("INBOXCTRLC");
    t.keys(&["Enter"]);
    t.wait_for("Text.");
    t.keys(&["C-c"]);
    assert_restored(&t, &env, "ctrlc", &["INBOXCTRLC"]);
    assert!(t.screen().contains("ctrlc exit=0"));

    t.keys(&["clear", "Enter"]);
    let run = script(&env, "panic", "SOURDINE_FAILPOINT=inbox-panic");
    t.type_text(&format!("sh {}", run.display()));
    t.keys(&["Enter"]);
    t.wait_for("INBOXCTRLC");
    t.keys(&["j"]);
    assert_restored(&t, &env, "panic", &["INBOXCTRLC"]);
    let s = t.screen();
    assert!(
        s.contains("ticket: internal error") && s.contains("panic exit=101"),
        "{s}"
    );
}

/// `ticket` alone without a terminal prints the help and exits 2, as it did before the
/// inbox; `ticket inbox` says it needs a terminal.
#[test]
fn ticket_alone_without_a_terminal_prints_the_help() {
    let env = Env::new();
    let out = env.ticket(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let help = text(&out.stderr);
    assert!(
        help.contains("Usage: ticket") && help.contains("inbox") && help.contains("list"),
        "{help}"
    );
    let out = env.ticket(&["inbox"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("the inbox needs a terminal"),
        "{}",
        text(&out.stderr)
    );
}

/// One request on the control socket, as the inbox sends it; the answer's `ok` part.
fn ask(env: &Env, request: Value) -> Value {
    use std::io::{BufRead, BufReader, Write};
    let mut s = std::os::unix::net::UnixStream::connect(env.socket()).unwrap();
    let line = serde_json::json!({ "v": 1, "request": request }).to_string();
    s.write_all(format!("{line}\n").as_bytes()).unwrap();
    let mut answer = String::new();
    BufReader::new(s).read_line(&mut answer).unwrap();
    let v: Value = serde_json::from_str(&answer).unwrap();
    v["ok"]["data"].clone()
}

/// The service records every list it sends, except one that proves, with the proof of the
/// caller's last answer, to hold the very same tickets; a proof cannot be made up, and the
/// change counter moves with every change.
#[test]
fn a_live_list_is_recorded_unless_it_proves_the_same_set() {
    let env = Env::new();
    let mails = env.dir.path().join("mails");
    mail(
        &mails,
        "a",
        "First",
        "Sat, 01 Jun 2024 08:00:00 +0000",
        "Text.",
    );
    mail(
        &mails,
        "b",
        "Second",
        "Sun, 02 Jun 2024 08:00:00 +0000",
        "Text.",
    );
    let _d = env.start_daemon();
    ok(env.sourdine(&["ingest", mails.to_str().unwrap()]));
    let lists = || {
        audit(&env)
            .iter()
            .filter(|e| e["action"] == "ticket.list")
            .count()
    };
    let live = |shown: Option<&str>| {
        ask(
            &env,
            serde_json::json!({ "op": "live_list", "shown": shown }),
        )
    };
    let changes = || {
        ask(&env, serde_json::json!({ "op": "changes" }))
            .as_u64()
            .unwrap()
    };

    let first = live(None);
    assert_eq!(first["tickets"].as_array().unwrap().len(), 2);
    assert_eq!(first["recorded"], true);
    assert_eq!(lists(), 1);
    let proof = first["shown"].as_str().unwrap().to_string();
    // The same set, proved: nothing more in the log.
    let again = live(Some(&proof));
    assert_eq!(
        (again["recorded"].clone(), lists()),
        (Value::Bool(false), 1)
    );
    assert_eq!(again["shown"], first["shown"]);
    // A made-up or altered proof is recorded like any list.
    for forged in [
        "00".repeat(32),
        proof.replace(&proof[..2], "ff"),
        "not hex".into(),
    ] {
        if forged == proof {
            continue;
        }
        assert_eq!(live(Some(&forged))["recorded"], true, "{forged}");
    }
    let recorded = lists();
    assert!(recorded >= 3, "{recorded}");
    // A note moves the counter but not the set: a refresh adds nothing.
    let before = changes();
    let id = env.ticket_ids()[0].clone();
    let after_list = lists();
    let note = env
        .cmd("ticket")
        .args(["note", &id, "--file", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(b"a note")?;
            c.wait_with_output()
        })
        .unwrap();
    ok(note);
    assert!(changes() > before);
    assert_eq!(live(Some(&proof))["recorded"], false);
    assert_eq!(lists(), after_list);
    // A ticket closed leaves the open list: the set changed, so it is recorded.
    ok(env.ticket(&["close", &id, "--type", "information"]));
    let fewer = live(Some(&proof));
    assert_eq!(fewer["recorded"], true);
    assert_eq!(fewer["tickets"].as_array().unwrap().len(), 1);
    assert_eq!(lists(), after_list + 1);
}
