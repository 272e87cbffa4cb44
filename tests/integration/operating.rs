//! docs/OPERATING.md's path to a live setup on loopback (section "Trying it live on
//! loopback"), run as written: the mail servers from deploy/dev/mailstack.sh, a configuration
//! with [imap] and [smtp], `sourdine init`, `sourdine doctor`, `sourdine run`, a mail sent as a
//! writer, `ticket list`, and the stop.

use std::process::Command;

use crate::common::{bin, root};
use crate::mailstack::{self, free_port};

/// The shell block between the loopback markers of docs/OPERATING.md.
fn documented_commands() -> String {
    let doc = std::fs::read_to_string(root().join("docs/OPERATING.md")).unwrap();
    let start = doc
        .find("<!-- loopback:begin -->")
        .expect("OPERATING.md marks the loopback commands");
    let end = doc.find("<!-- loopback:end -->").unwrap();
    let block = &doc[start..end];
    let body = block
        .split_once("```sh\n")
        .expect("a sh block")
        .1
        .rsplit_once("```")
        .unwrap()
        .0;
    body.to_string()
}

#[test]
fn operating_loopback_commands_reach_a_working_live_setup() {
    if !mailstack::available() {
        return;
    }
    if !nix::unistd::geteuid().is_root() {
        eprintln!("SKIPPED: the documented commands run the mail servers as root");
        return;
    }
    let work = tempfile::Builder::new()
        .prefix("sd-op.")
        .tempdir_in("/tmp")
        .unwrap();
    let programs = bin("sourdine").parent().unwrap().to_path_buf();
    let path = format!(
        "{}:{}",
        programs.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let commands = documented_commands();
    let out = Command::new("bash")
        .args(["-e", "-c", &commands])
        .current_dir(root())
        .env("PATH", path)
        .env("WORK", work.path())
        .env("IMAP_PORT", free_port().to_string())
        .env("IMAPS_PORT", free_port().to_string())
        .env("SMTP_PORT", free_port().to_string())
        .env("SUBMISSION_PORT", free_port().to_string())
        .env("SMTPS_PORT", free_port().to_string())
        .env("NO_COLOR", "1")
        .env_remove("SOURDINE_CONFIG")
        .env_remove("SOURDINE_SOCKET")
        .env_remove("SOURDINE_LOG")
        .env_remove("SOURDINE_LANG")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let log = std::fs::read_to_string(work.path().join("sourdine.log")).unwrap_or_default();
    // Whatever happened, the mail servers are stopped.
    let _ = Command::new("bash")
        .arg(root().join("deploy/dev/mailstack.sh"))
        .arg("stop")
        .arg(work.path().join("mail"))
        .output();
    assert!(
        out.status.success(),
        "the documented commands failed\nstdout:\n{stdout}\nstderr:\n{stderr}\nlog:\n{log}"
    );
    // doctor passed its connection checks against the loopback servers.
    assert!(
        stdout.contains("IMAP connection and login") && stdout.contains("(STARTTLS), logged in"),
        "{stdout}"
    );
    // The writer's mail became a ticket the counsellor sees, without the writer's address.
    assert!(
        stdout.contains("Besoin de parler"),
        "{stdout}\nstderr:\n{stderr}\nlog:\n{log}"
    );
    assert!(!stdout.contains("writer@example.test"), "{stdout}");
    // The service counted the tickets past the reply target, and nothing else.
    assert!(log.contains("no ticket past the reply target"), "{log}");
}
