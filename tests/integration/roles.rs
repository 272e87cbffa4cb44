//! Identities and roles, as root: `ticket` run as other uids and groups with setpriv.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::common::{Env, bin, ok, text};

const GROUP: u32 = 4242;
const COUNSELLOR: u32 = 4001;
const SUPERVISOR_A: u32 = 5001;
const SUPERVISOR_B: u32 = 5002;
const OUTSIDER_IN_GROUP: u32 = 6001;
const OUTSIDER: u32 = 6002;

struct As {
    ticket: PathBuf,
    socket: PathBuf,
}

impl As {
    fn run(&self, uid: u32, gid: u32, args: &[&str]) -> Output {
        Command::new("setpriv")
            .args([
                &format!("--reuid={uid}"),
                &format!("--regid={gid}"),
                "--clear-groups",
                "--",
            ])
            .arg(&self.ticket)
            .arg("--socket")
            .arg(&self.socket)
            .args(args)
            .env_remove("SOURDINE_CONFIG")
            .env("NO_COLOR", "1")
            .env("HOME", "/")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }
}

fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

fn world_readable(p: &Path) {
    let mut cur = Some(p);
    while let Some(d) = cur {
        if d.starts_with(std::env::temp_dir()) && d != std::env::temp_dir() {
            let mode = fs::metadata(d).unwrap().permissions().mode();
            fs::set_permissions(d, fs::Permissions::from_mode(mode | 0o711)).unwrap();
        }
        cur = d.parent();
    }
}

/// An outsider is refused; a counsellor cannot approve a reveal; a supervisor cannot approve
/// their own request; a second supervisor can, once; the audit chain verifies, and altering
/// one entry in the store makes `sourdine audit --verify` fail.
#[test]
fn roles_reveal_and_audit_chain() {
    if !is_root() {
        eprintln!("SKIPPED: the roles test needs root (setpriv to other uids)");
        return;
    }
    let env = Env::init_with(&format!(
        "counsellors_group = \"{GROUP}\"\n[roles]\ncounsellor_users = [\"{COUNSELLOR}\"]\nsupervisor_users = [\"{SUPERVISOR_A}\", \"{SUPERVISOR_B}\"]\n"
    ));
    let dir = env.dir.path().join("in");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("a.eml"),
        "From: Writer Name <writer.secret@example.org>\nSubject: help\n\nPlease help.\n",
    )
    .unwrap();
    ok(env.sourdine(&["ingest", dir.to_str().unwrap()]));
    let id = env.ticket_ids().remove(0);

    // A copy of the binary in a 0755 folder the other uids can reach.
    let bin_dir = tempfile::Builder::new()
        .prefix("sourdine-bin.")
        .tempdir()
        .unwrap();
    fs::set_permissions(bin_dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let ticket = bin_dir.path().join("ticket");
    crate::common::copy_program(&bin("ticket"), &ticket);
    world_readable(env.dir.path());
    let mut d = env.start_daemon();
    let run_dir = env.socket().parent().unwrap().to_path_buf();
    let meta = fs::metadata(&run_dir).unwrap();
    assert_eq!(
        meta.permissions().mode() & 0o777,
        0o750,
        "socket folder is 0750"
    );
    assert_eq!(
        std::os::unix::fs::MetadataExt::gid(&meta),
        GROUP,
        "and belongs to the counsellors' group"
    );
    let who = As {
        ticket,
        socket: env.socket(),
    };

    // Outsiders.
    let out = who.run(OUTSIDER, OUTSIDER, &["list"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("permission denied"),
        "{}",
        text(&out.stderr)
    );
    let out = who.run(OUTSIDER_IN_GROUP, GROUP, &["list"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!("uid {OUTSIDER_IN_GROUP}")) && err.contains("not a counsellor"),
        "{err}"
    );

    // The counsellor reads and works, but cannot reveal.
    let w: Value =
        serde_json::from_str(&ok(who.run(COUNSELLOR, GROUP, &["whoami", "--json"]))).unwrap();
    assert_eq!(w["caller"]["role"], "counsellor");
    assert_eq!(w["caller"]["uid"], COUNSELLOR);
    ok(who.run(COUNSELLOR, GROUP, &["show", &id]));
    ok(who.run(COUNSELLOR, GROUP, &["claim", &id]));
    let out = who.run(COUNSELLOR, GROUP, &["reveal", &id, "--reason", "danger"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("supervisor"),
        "{}",
        text(&out.stderr)
    );
    // The statistics are for supervisors; the classification is for every counsellor.
    let out = who.run(COUNSELLOR, GROUP, &["stats"]);
    assert!(
        !out.status.success() && text(&out.stderr).contains("needs the supervisor role"),
        "{}",
        text(&out.stderr)
    );
    ok(who.run(COUNSELLOR, GROUP, &["classification"]));
    ok(who.run(SUPERVISOR_A, GROUP, &["stats", "--json"]));

    // Supervisor A asks; A cannot approve; the counsellor cannot approve; B approves, once.
    let asked: Value = serde_json::from_str(&ok(who.run(
        SUPERVISOR_A,
        GROUP,
        &[
            "reveal",
            &id,
            "--reason",
            "grave and imminent danger",
            "--json",
        ],
    )))
    .unwrap();
    let request = asked["request"].as_str().unwrap().to_string();
    let own = who.run(SUPERVISOR_A, GROUP, &["reveal", "--approve", &request]);
    assert!(!own.status.success());
    assert!(
        text(&own.stderr).contains("second supervisor"),
        "{}",
        text(&own.stderr)
    );
    assert!(!text(&own.stdout).contains("writer.secret"));
    let by_counsellor = who.run(COUNSELLOR, GROUP, &["reveal", "--approve", &request]);
    assert!(!by_counsellor.status.success());
    assert!(!text(&by_counsellor.stdout).contains("writer.secret"));
    let approved = ok(who.run(SUPERVISOR_B, GROUP, &["reveal", "--approve", &request]));
    assert!(approved.contains("writer.secret@example.org"), "{approved}");
    let again = who.run(SUPERVISOR_B, GROUP, &["reveal", "--approve", &request]);
    assert!(!again.status.success(), "a request is used once");
    assert!(!text(&again.stdout).contains("writer.secret"));
    // No other command shows the address.
    for args in [
        &["show", id.as_str(), "--json"][..],
        &["list", "--json"],
        &["reveal", "--list", "--json"],
    ] {
        let out = who.run(SUPERVISOR_B, GROUP, args);
        assert!(!text(&out.stdout).contains("writer.secret"), "{args:?}");
    }

    // The audit log names who did what, and its chain verifies.
    let audit = ok(env.sourdine(&["audit", "--json"]));
    let entries: Value = serde_json::from_str(&audit).unwrap();
    let actions: Vec<(String, u64)> = entries
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| {
            Some((
                e["action"].as_str()?.to_string(),
                e["actor"]["uid"].as_u64()?,
            ))
        })
        .collect();
    assert!(actions.contains(&("ticket.read".into(), COUNSELLOR as u64)));
    assert!(actions.contains(&("reveal.requested".into(), SUPERVISOR_A as u64)));
    assert!(actions.contains(&("reveal.approved".into(), SUPERVISOR_B as u64)));
    assert!(actions.contains(&("access.refused".into(), OUTSIDER_IN_GROUP as u64)));
    assert!(!audit.contains("writer.secret") && !audit.contains("grave and imminent"));
    let v: Value =
        serde_json::from_str(&ok(env.sourdine(&["audit", "--verify", "--json"]))).unwrap();
    assert_eq!(v["ok"], true);
    assert!(d.stop().success());

    // Whoever can write the store cannot forge the chain: alter one entry.
    {
        let db = sled::open(env.data_dir.join("db")).unwrap();
        let (k, v) = db.scan_prefix(b"a:").nth(3).unwrap().unwrap();
        let mut e: sourdine::store::AuditEntry = postcard::from_bytes(&v).unwrap();
        e.action = "ticket.read".into();
        e.actor.name = "someone else".into();
        db.insert(k, postcard::to_stdvec(&e).unwrap()).unwrap();
        db.flush().unwrap();
    }
    let out = env.sourdine(&["audit", "--verify"]);
    assert!(
        !out.status.success(),
        "an altered entry must fail verification"
    );
    assert!(
        text(&out.stdout).contains("BROKEN"),
        "{}",
        text(&out.stdout)
    );
}
