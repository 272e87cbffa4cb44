//! Claims and the two supervisors of a reveal, with real users (issue 17, points 4 and 5):
//! as root, `ticket` runs as other uids with setpriv, through the running service.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::common::{Daemon, Env, bin, ok, text};

const GROUP: u32 = 4342;
const COUNSELLOR_1: u32 = 4101;
const COUNSELLOR_2: u32 = 4102;
const SUPERVISOR_A: u32 = 5101;
const SUPERVISOR_B: u32 = 5102;
/// The service's own user, in the reveal test.
const SERVICE: u32 = 7101;

/// Runs copies of the programs as other users.
struct As {
    bin: tempfile::TempDir,
    socket: PathBuf,
}

impl As {
    /// Copies of `ticket` and `sourdine` in a 0755 folder other users can reach.
    fn new(env: &Env) -> As {
        let dir = tempfile::Builder::new()
            .prefix("sourdine-bin.")
            .tempdir()
            .unwrap();
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
        for name in ["ticket", "sourdine"] {
            let copy = dir.path().join(name);
            crate::common::copy_program(&bin(name), &copy);
        }
        reachable(env.dir.path());
        As {
            bin: dir,
            socket: env.socket(),
        }
    }

    fn command(&self, uid: u32, program: &str) -> Command {
        let mut c = Command::new("setpriv");
        c.args([
            &format!("--reuid={uid}"),
            &format!("--regid={uid}"),
            &format!("--groups={GROUP}"),
            "--",
        ])
        .arg(self.bin.path().join(program))
        .env("NO_COLOR", "1")
        .env("HOME", "/")
        .stdin(Stdio::null());
        c
    }

    /// `ticket ARGS` as `uid`, through the socket.
    fn ticket(&self, uid: u32, args: &[&str]) -> Output {
        self.command(uid, "ticket")
            .arg("--socket")
            .arg(&self.socket)
            .args(args)
            .env_remove("SOURDINE_CONFIG")
            .output()
            .unwrap()
    }
}

fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

/// Lets other users through the folders above `p` (in the temporary directory).
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

/// An instance whose `[roles]` name two counsellors and the supervisors `supervisors`, with
/// one ticket that has a reply address.
fn helpline(supervisors: &[&str]) -> (Env, String) {
    let quoted: Vec<String> = supervisors.iter().map(|s| format!("\"{s}\"")).collect();
    let env = Env::init_with(&format!(
        "counsellors_group = \"{GROUP}\"\n[roles]\ncounsellor_users = [\"{COUNSELLOR_1}\", \"{COUNSELLOR_2}\"]\nsupervisor_users = [{}]\n",
        quoted.join(", ")
    ));
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

/// A reply text any user can read.
fn reply_file(env: &Env) -> String {
    let f = env.dir.path().join("reply.txt");
    fs::write(&f, "Thank you for writing to us.\n").unwrap();
    fs::set_permissions(&f, fs::Permissions::from_mode(0o644)).unwrap();
    f.to_str().unwrap().to_string()
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

/// The counsellors' replies in a shown ticket.
fn replies(shown: &Value) -> usize {
    shown["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["direction"] == "out" && m["automatic"] != true)
        .count()
}

#[track_caller]
fn refused(out: &Output, says: &[&str]) -> String {
    let err = text(&out.stderr);
    assert!(!out.status.success(), "refused: {err}");
    for s in says {
        assert!(err.contains(s), "{s:?} in {err}");
    }
    err
}

/// A ticket claimed by one counsellor cannot be answered or closed by another, unless they
/// give --force (audited as overriding the claim); notes, tags and the urgent mark stay open
/// to all; `ticket list` shows who claimed it.
#[test]
fn a_claim_keeps_others_from_answering_and_closing() {
    if !is_root() {
        eprintln!("SKIPPED: the claims test needs root (setpriv to other uids)");
        return;
    }
    let (env, id) = helpline(&[&SUPERVISOR_A.to_string()]);
    let who = As::new(&env);
    let _d = env.start_daemon();
    let f = reply_file(&env);
    let holder = format!("uid {COUNSELLOR_1}");

    ok(who.ticket(COUNSELLOR_1, &["claim", &id]));
    let listed: Value =
        serde_json::from_str(&ok(who.ticket(COUNSELLOR_2, &["list", "--json"]))).unwrap();
    assert_eq!(listed[0]["claimed_by"], holder.as_str(), "{listed:#}");
    let table = ok(who.ticket(COUNSELLOR_2, &["list"]));
    let header = table.lines().next().unwrap();
    let row = table.lines().find(|l| l.contains(&id)).unwrap();
    let column = header.find("CLAIMED").unwrap();
    assert_eq!(&row[column..column + holder.len()], holder, "{table}");

    // The other counsellor: no reply, no close, without --force; the message names the holder.
    let out = who.ticket(
        COUNSELLOR_2,
        &["reply", &id, "--file", &f, "--yes", "--unverified"],
    );
    refused(
        &out,
        &[&format!("ticket {id} is claimed by {holder}"), "--force"],
    );
    let out = who.ticket(COUNSELLOR_2, &["close", &id]);
    refused(
        &out,
        &[
            &format!("claimed by {holder}"),
            "close it anyway, give --force",
        ],
    );
    let shown = env.show(&id);
    assert_eq!(shown["status"], "open");
    assert_eq!(replies(&shown), 0, "nothing was queued");
    // Notes, tags and the urgent mark stay open to all.
    ok(who.ticket(COUNSELLOR_2, &["tag", &id, "follow-up"]));
    ok(who.ticket(COUNSELLOR_2, &["urgent", &id, "--reason", "danger"]));
    let note = who
        .command(COUNSELLOR_2, "ticket")
        .arg("--socket")
        .arg(&who.socket)
        .args(["note", &id, "--file", &f])
        .output()
        .unwrap();
    ok(note);
    // The holder answers without --force.
    ok(who.ticket(
        COUNSELLOR_1,
        &["reply", &id, "--file", &f, "--yes", "--unverified"],
    ));
    assert!(audited(&env, "claim.overridden").is_empty());

    // With --force, the other counsellor may; the audit log says they overrode the claim.
    ok(who.ticket(
        COUNSELLOR_2,
        &[
            "reply",
            &id,
            "--file",
            &f,
            "--yes",
            "--unverified",
            "--force",
        ],
    ));
    ok(who.ticket(
        COUNSELLOR_2,
        &["close", &id, "--type", "counselling", "--force"],
    ));
    let shown = env.show(&id);
    assert_eq!(shown["status"], "closed");
    assert_eq!(replies(&shown), 2);
    let overridden = audited(&env, "claim.overridden");
    assert_eq!(
        overridden,
        vec![
            (
                COUNSELLOR_2 as u64,
                format!("reply despite the claim of {holder} (--force)")
            ),
            (
                COUNSELLOR_2 as u64,
                format!("close despite the claim of {holder} (--force)")
            ),
        ]
    );
}

/// Starts `sourdine run` as `uid` (its data and key folders given to it).
fn start_as(env: &Env, who: &As, uid: u32) -> Daemon {
    for dir in [
        &env.data_dir,
        &env.key_dir,
        &env.dir.path().join("etc/templates"),
    ] {
        chown_tree(dir, uid);
    }
    // The classification file is the service's to read (install.sh: 0640 root:sourdine).
    let id = nix::unistd::Uid::from_raw(uid);
    let classification = env.dir.path().join("etc/classification.toml");
    nix::unistd::chown(&classification, Some(id), None).unwrap();
    let run = env.socket().parent().unwrap().to_path_buf();
    fs::create_dir_all(&run).unwrap();
    chown_tree(&run, uid);
    let log = env.dir.path().join(format!("daemon-{uid}.log"));
    let child = who
        .command(uid, "sourdine")
        .arg("run")
        .env("SOURDINE_CONFIG", &env.config)
        .env("SOURDINE_LOG", "debug")
        .stdout(Stdio::null())
        .stderr(fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let mut d = Daemon {
        child: Some(child),
        socket: env.socket(),
        log,
    };
    let start = std::time::Instant::now();
    while !crate::common::answers(&env.socket()) {
        if let Some(s) = d.child.as_mut().unwrap().try_wait().unwrap() {
            panic!("sourdine run exited ({s}): {}", d.log_text());
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(60),
            "{}",
            d.log_text()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    d
}

fn chown_tree(dir: &Path, uid: u32) {
    let id = Some(nix::unistd::Uid::from_raw(uid));
    let gid = Some(nix::unistd::Gid::from_raw(uid));
    nix::unistd::chown(dir, id, gid).unwrap();
    for p in crate::common::files_under(dir) {
        nix::unistd::chown(&p, id, gid).unwrap();
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap().flatten() {
            if e.path().is_dir() {
                nix::unistd::chown(&e.path(), id, gid).unwrap();
                stack.push(e.path());
            }
        }
    }
}

/// Asks for a reveal as `uid`; the request's reference.
fn ask(who: &As, uid: u32, id: &str) -> Result<String, String> {
    let out = who.ticket(uid, &["reveal", id, "--reason", "grave danger", "--json"]);
    if out.status.success() {
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        Ok(v["request"].as_str().unwrap().to_string())
    } else {
        Err(text(&out.stderr))
    }
}

/// The two supervisors of a reveal are two people named in `[roles]`: the service's own user
/// and root take no part (not as the one who asks, not as the one who approves), nor does
/// one supervisor twice; two named supervisors can. Naming root in `supervisor_users` lets it
/// take part, and `sourdine doctor` warns about that setup.
#[test]
fn a_reveal_needs_two_named_people() {
    if !is_root() {
        eprintln!("SKIPPED: the reveal test needs root (setpriv to other uids)");
        return;
    }
    let (env, id) = helpline(&[&SUPERVISOR_A.to_string(), &SUPERVISOR_B.to_string()]);
    let who = As::new(&env);
    let mut d = start_as(&env, &who, SERVICE);
    let secret = "writer.secret@example.org";

    // The service user and root cannot ask.
    let err = ask(&who, SERVICE, &id).unwrap_err();
    assert!(
        err.contains("two different supervisors named in [roles]")
            && err.contains("the service's own user"),
        "{err}"
    );
    let root = env.ticket_via_socket(&["reveal", &id, "--reason", "grave danger"]);
    refused(&root, &["named in [roles]", "root"]);

    // A asks; the service user, root and A itself cannot approve; B can, once.
    let request = ask(&who, SUPERVISOR_A, &id).unwrap();
    for out in [
        who.ticket(SERVICE, &["reveal", "--approve", &request]),
        env.ticket_via_socket(&["reveal", "--approve", &request]),
        who.ticket(SUPERVISOR_A, &["reveal", "--approve", &request]),
    ] {
        assert!(!out.status.success(), "{}", text(&out.stdout));
        assert!(!text(&out.stdout).contains(secret));
    }
    let approved = ok(who.ticket(SUPERVISOR_B, &["reveal", "--approve", &request]));
    assert!(approved.contains(secret), "{approved}");
    let reveals = audited(&env, "reveal.approved");
    assert_eq!(reveals.len(), 1);
    assert_eq!(reveals[0].0, SUPERVISOR_B as u64);
    let doctor: Value =
        serde_json::from_slice(&env.sourdine(&["doctor", "--offline", "--json"]).stdout).unwrap();
    let check = doctor["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "roles.reveal")
        .unwrap()
        .clone();
    assert_eq!(check["verdict"], "ok", "{check:#}");
    d.stop();

    // Root named explicitly: it may take part, and doctor warns.
    let cfg = fs::read_to_string(&env.config).unwrap();
    fs::write(
        &env.config,
        cfg.replace(
            &format!("supervisor_users = [\"{SUPERVISOR_A}\", \"{SUPERVISOR_B}\"]"),
            &format!("supervisor_users = [\"{SUPERVISOR_A}\", \"root\"]"),
        ),
    )
    .unwrap();
    let _d = start_as(&env, &who, SERVICE);
    let asked: Value = serde_json::from_str(&ok(env.ticket_via_socket(&[
        "reveal",
        &id,
        "--reason",
        "grave danger",
        "--json",
    ])))
    .unwrap();
    let request = asked["request"].as_str().unwrap();
    let approved = ok(who.ticket(SUPERVISOR_A, &["reveal", "--approve", request]));
    assert!(approved.contains(secret), "{approved}");
    let out = env.sourdine(&["doctor", "--offline", "--json"]);
    let doctor: Value = serde_json::from_slice(&out.stdout).unwrap();
    let check = doctor["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "roles.reveal")
        .unwrap();
    assert_eq!(check["verdict"], "warn", "{check:#}");
    assert!(
        check["detail"].as_str().unwrap().contains("names root")
            && check["detail"].as_str().unwrap().contains("weaker"),
        "{check:#}"
    );
    let human = text(&env.sourdine(&["doctor", "--offline"]).stdout);
    assert!(human.contains("[warn] reveal supervisors"), "{human}");
}
