//! The one-command demo, `deploy/demo.sh`, run as the README's quick start runs it (with this
//! build's programs instead of a release build, to save CI the time): it must take mail in,
//! show tickets without the writer, deliver a reply to the writer's mailbox, and stop every
//! process it started, so that nothing keeps the caller's output open.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::common::{bin, found_ci, root, text};
use crate::mailstack::{self, free_port};

/// The longest the demo may take with prebuilt programs (it takes a few seconds).
const DEMO_LIMIT: Duration = Duration::from_secs(180);
/// How long after the script exits its output pipes must reach end-of-file.
const EOF_LIMIT: Duration = Duration::from_secs(10);

/// The values planted in a fixture's manifest (`planted = [...]`).
fn planted(fixture_manifest: &str) -> Vec<String> {
    let path = root().join("fixtures").join(fixture_manifest);
    let v: toml::Value = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    v["planted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

/// Processes that still refer to `dir`: their working directory, program, command line or
/// an open file is in it.
fn processes_in(dir: &Path) -> Vec<String> {
    let dir = dir.display().to_string();
    let inside = |p: &str| p == dir || p.starts_with(&format!("{dir}/"));
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let pid = entry.file_name().to_string_lossy().into_owned();
        if !pid.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let proc_dir = entry.path();
        let cmdline = std::fs::read(proc_dir.join("cmdline"))
            .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
            .unwrap_or_default();
        let mut links: Vec<String> = ["cwd", "exe"]
            .iter()
            .filter_map(|l| std::fs::read_link(proc_dir.join(l)).ok())
            .map(|p| p.display().to_string())
            .collect();
        if let Ok(fds) = std::fs::read_dir(proc_dir.join("fd")) {
            links.extend(
                fds.flatten()
                    .filter_map(|fd| std::fs::read_link(fd.path()).ok())
                    .map(|p| p.display().to_string()),
            );
        }
        if cmdline.contains(&dir)
            || links
                .iter()
                .any(|l| inside(l.trim_end_matches(" (deleted)")))
        {
            found.push(format!("{pid}: {cmdline}"));
        }
    }
    found
}

/// Reads `pipe` to its end on a thread; sends what it read and when the end came.
fn drain(
    name: &'static str,
    mut pipe: impl Read + Send + 'static,
    tx: mpsc::Sender<(&'static str, Vec<u8>, Instant)>,
) {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = pipe.read_to_end(&mut buf);
        let _ = tx.send((name, buf, Instant::now()));
    });
}

#[test]
fn demo_runs_end_to_end_and_leaves_nothing_running() {
    if !mailstack::available() {
        return;
    }
    if !nix::unistd::geteuid().is_root() {
        eprintln!("SKIPPED: deploy/demo.sh runs the mail servers as root");
        return;
    }
    // A short, empty work directory of our own, so that leftovers can be looked for in it.
    let work = tempfile::Builder::new()
        .prefix("sd-demo.")
        .tempdir_in("/tmp")
        .unwrap();
    let work_dir = work.path().to_path_buf();
    let programs: PathBuf = bin("sourdine").parent().unwrap().to_path_buf();
    let started = Instant::now();
    let mut child = Command::new("bash")
        .arg(root().join("deploy/demo.sh"))
        .env("SOURDINE_DEMO_BIN", &programs)
        .env("SOURDINE_DEMO_DIR", &work_dir)
        .env("IMAP_PORT", free_port().to_string())
        .env("IMAPS_PORT", free_port().to_string())
        .env("SMTP_PORT", free_port().to_string())
        .env("SUBMISSION_PORT", free_port().to_string())
        .env("SMTPS_PORT", free_port().to_string())
        .env_remove("SOURDINE_CONFIG")
        .env_remove("SOURDINE_SOCKET")
        .env_remove("SOURDINE_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    drain("stdout", child.stdout.take().unwrap(), tx.clone());
    drain("stderr", child.stderr.take().unwrap(), tx);

    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > DEMO_LIMIT {
            // SIGTERM runs the script's own clean-up.
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(child.id() as i32),
                nix::sys::signal::Signal::SIGTERM,
            );
            let _ = child.wait();
            panic!("deploy/demo.sh took longer than {DEMO_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let exited = Instant::now();
    let took = started.elapsed();

    // Both pipes reach their end soon after the script exits: no process it started keeps
    // the caller's output open.
    let (mut stdout, mut stderr) = (String::new(), String::new());
    for _ in 0..2 {
        let (name, bytes, at) = rx.recv_timeout(EOF_LIMIT).unwrap_or_else(|_| {
            panic!(
                "the demo exited ({status}) but its output stayed open for more than {EOF_LIMIT:?}: a process it started still holds it; processes in its directory: {:?}",
                processes_in(&work_dir)
            )
        });
        assert!(
            at.saturating_duration_since(exited) < EOF_LIMIT,
            "{name} reached its end late"
        );
        match name {
            "stdout" => stdout = text(&bytes),
            _ => stderr = text(&bytes),
        }
    }
    eprintln!("deploy/demo.sh ran in {took:.1?}");
    assert!(
        status.success(),
        "deploy/demo.sh failed ({status})\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    let all = format!("stdout:\n{stdout}\nstderr:\n{stderr}");

    // Every step ran, in order.
    let mut at = 0;
    for n in 1..=13 {
        let marker = format!("== Step {n}: ");
        let i = stdout[at..]
            .find(&marker)
            .unwrap_or_else(|| panic!("step {n} is missing or out of order:\n{all}"));
        at += i + marker.len();
    }
    assert!(stdout.contains("\nDemo done in "), "{all}");

    // The counsellor's view: `ticket list` shows the three samples' tickets.
    let list_start = stdout
        .find("   $ ticket list\n")
        .expect("ticket list shown");
    let list: Vec<&str> = stdout[list_start..]
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("   │ "))
        .collect();
    assert_eq!(
        list.len(),
        4,
        "a header and three tickets: {list:#?}\n{all}"
    );
    for subject in ["KEEPJPGSUBJECT", "KEEPAMSUBJECT", "KEEPTBSUBJECT"] {
        assert!(
            list.iter().any(|l| l.contains(subject)),
            "{subject} listed: {list:#?}"
        );
    }
    assert!(
        stdout.contains("0 of the 44 identifying"),
        "the exported photo keeps none of the planted values:\n{all}"
    );

    // Nothing that identifies the writer appears in anything `ticket` printed.
    let counsellor: String = stdout
        .lines()
        .filter(|l| l.starts_with("   │ "))
        .collect::<Vec<_>>()
        .join("\n");
    let mut identifiers = vec![
        "writer@example.test".to_string(),
        "writer.example.test".to_string(),
        "A Writer".to_string(),
    ];
    for manifest in [
        "attachments/photo-jpeg.toml",
        "clients/apple-mail.toml",
        "clients/thunderbird.toml",
    ] {
        identifiers.extend(planted(manifest));
    }
    let leaked = found_ci(counsellor.as_bytes(), &identifiers);
    assert!(
        leaked.is_empty(),
        "writer identifiers in `ticket` output: {leaked:?}\n{counsellor}"
    );

    // The reply arrived in the writer's mailbox, from the helpline.
    let reply: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("   > "))
        .collect();
    assert!(
        reply.contains(&"From: Helpline <contact@example.test>"),
        "the reply as it arrived: {reply:#?}\n{all}"
    );
    assert!(reply.contains(&"To: writer@example.test"), "{reply:#?}");
    assert!(
        reply.contains(&"Thank you for writing to us. We read your message carefully."),
        "{reply:#?}"
    );

    // The contacts are classified and the statistics printed, small counts hidden.
    for line in [
        "closed (type counselling; categories sexual_thoughts, mental_health; role own)",
        "   $ ticket stats\n",
        "Contacts (new tickets)",
        "Contacts by category",
        "<5: between 1 and 4",
        "   │ wrote ",
    ] {
        assert!(
            stdout.contains(line),
            "{line:?} missing from the demo:\n{all}"
        );
    }
    let contacts: u64 = stdout
        .lines()
        .find_map(|l| l.strip_prefix("   │   Contacts (new tickets)"))
        .and_then(|rest| rest.trim().parse().ok())
        .unwrap_or_else(|| panic!("the contacts figure:\n{all}"));
    assert!(contacts > 100, "a year of contacts is counted: {contacts}");

    // Nothing left running, and the work directory is gone (no --keep).
    let left = processes_in(&work_dir);
    assert!(left.is_empty(), "processes left from the demo: {left:#?}");
    assert!(!work_dir.exists(), "the work directory is removed");
}

/// The demo script is executable (the README runs it as `deploy/demo.sh`), strict, answers
/// `--help` and refuses an unknown argument without starting anything, and is shellcheck-clean.
#[test]
fn demo_script_is_clean_shell() {
    use std::os::unix::fs::PermissionsExt;
    let script = root().join("deploy/demo.sh");
    let body = std::fs::read_to_string(&script).unwrap();
    assert!(body.contains("set -euo pipefail"));
    let mode = std::fs::metadata(&script).unwrap().permissions().mode();
    assert!(mode & 0o111 != 0, "deploy/demo.sh is not executable");
    let help = Command::new(&script).arg("--help").output().unwrap();
    assert!(help.status.success());
    for word in [
        "--keep",
        "SOURDINE_DEMO_DIR",
        "SOURDINE_DEMO_BIN",
        "cargo build --release --locked",
    ] {
        assert!(
            text(&help.stdout).contains(word),
            "--help does not mention {word}"
        );
    }
    let bad = Command::new(&script).arg("--bogus").output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("unknown argument '--bogus'"));
    let have_shellcheck = Command::new("shellcheck")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if have_shellcheck {
        let out = Command::new("shellcheck").arg(&script).output().unwrap();
        assert!(out.status.success(), "shellcheck: {}", text(&out.stdout));
    } else {
        eprintln!("SKIPPED (part): shellcheck is not installed (apt install shellcheck)");
    }
}
