//! Fault injection: servers that die mid-command or say nothing, a second process on the
//! store, a damaged store, a full disk. Nothing may be lost, nothing may hang.

use std::fs;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{Env, bin, first_outgoing, ok, text};
use crate::imap::{mail, subjects, wait_tickets};
use crate::mailstack::{self, MailStack};
use crate::proxy::{Mode, Proxy};

fn pw(password: &str) -> std::path::PathBuf {
    let dir = tempfile::tempdir().unwrap().keep();
    let p = dir.join("pw");
    fs::write(&p, format!("{password}\n")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&p, fs::Permissions::from_mode(0o600)).unwrap();
    p
}

/// `[imap]` through a proxy to the stack's plain IMAP port.
fn imap_via(proxy: &Proxy, timeout: u64) -> String {
    format!(
        "[imap]\nhost = \"127.0.0.1\"\nport = {}\ntls = \"none\"\nusername = \"contact@example.test\"\npassword_file = \"{}\"\ncommand_timeout_secs = {timeout}\npoll_interval_secs = 1\n",
        proxy.port,
        pw("contact-pass").display()
    )
}

/// `[smtp]` through a proxy to the stack's plain SMTP port (no authentication).
fn smtp_via(proxy: &Proxy, timeout: u64) -> String {
    format!(
        "[smtp]\nhost = \"127.0.0.1\"\nport = {}\ntls = \"none\"\ntimeout_secs = {timeout}\nretry_secs = 1\n",
        proxy.port
    )
}

fn status(env: &Env) -> Value {
    serde_json::from_str(&ok(env.sourdine(&["status", "--json"]))).unwrap()
}

fn no_duplicates(env: &Env) {
    let mut s = subjects(env);
    let n = s.len();
    s.sort();
    s.dedup();
    assert_eq!(s.len(), n, "duplicated tickets");
}

/// The IMAP connection dies in the middle of a FETCH: the batch is not committed, nothing is
/// deleted, the next connection takes everything, once.
#[test]
fn imap_cut_mid_fetch_loses_nothing() {
    if !mailstack::available() {
        return;
    }
    let stack = MailStack::start();
    let proxy = Proxy::start(stack.imap);
    let env = Env::init_with(&imap_via(&proxy, 10));
    let mut big = String::from_utf8(mail(0, "cut")).unwrap();
    big.push_str(&"A line of a long letter.\r\n".repeat(40_000));
    stack.send(
        "writer@example.test",
        "contact@example.test",
        big.as_bytes(),
    );
    for i in 1..10 {
        stack.send(
            "writer@example.test",
            "contact@example.test",
            &mail(i, "cut"),
        );
    }
    assert!(stack.wait_count("contact", "", 10, Duration::from_secs(30)));
    proxy.set(Mode::CutAfter {
        trigger: b"BODY.PEEK[]".to_vec(),
        after: 200_000,
    });
    let d = env.start_daemon();
    assert!(
        wait_tickets(&env, 10, Duration::from_secs(60)),
        "{}",
        d.log_text()
    );
    assert!(stack.wait_count("contact", "", 0, Duration::from_secs(20)));
    assert!(
        *proxy.cuts.lock().unwrap() >= 1,
        "the connection was cut mid-FETCH"
    );
    no_duplicates(&env);
    assert!(status(&env)["report"]["intake"]["errors"].as_u64().unwrap() >= 1);
}

/// The IMAP server dies while the daemon is in IDLE: it reconnects and takes new mail.
#[test]
fn imap_killed_mid_idle_reconnects() {
    if !mailstack::available() {
        return;
    }
    let stack = MailStack::start();
    let proxy = Proxy::start(stack.imap);
    let env = Env::init_with(&imap_via(&proxy, 10));
    let d = env.start_daemon();
    stack.send(
        "writer@example.test",
        "contact@example.test",
        &mail(1, "idle"),
    );
    assert!(
        wait_tickets(&env, 1, Duration::from_secs(30)),
        "{}",
        d.log_text()
    );
    std::thread::sleep(Duration::from_millis(500));
    proxy.kill_all();
    stack.send(
        "writer@example.test",
        "contact@example.test",
        &mail(2, "idle"),
    );
    assert!(
        wait_tickets(&env, 2, Duration::from_secs(60)),
        "{}",
        d.log_text()
    );
    no_duplicates(&env);
}

/// The SMTP connection dies in the middle of DATA: the reply stays queued and is delivered,
/// once, on the next attempt.
#[test]
fn smtp_cut_mid_data_delivers_later() {
    if !mailstack::available() {
        return;
    }
    let stack = MailStack::start();
    let proxy = Proxy::start(stack.smtp);
    let env = Env::init_with(&format!(
        "[replies]\nacknowledge = false\n{}",
        smtp_via(&proxy, 10)
    ))
    .with_contact("contact@example.test");
    let dir = env.dir.path().join("in");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("w.eml"), "From: W <writer@example.test>\nSubject: cut data\nMessage-ID: <cd@example.test>\n\nhello\n").unwrap();
    ok(env.sourdine(&["ingest", dir.to_str().unwrap()]));
    let id = env.ticket_ids().remove(0);
    let reply = env.dir.path().join("r.txt");
    fs::write(
        &reply,
        format!("{}CUTDATATOKEN\n", "A long reply line.\n".repeat(5000)),
    )
    .unwrap();
    ok(env.ticket(&[
        "reply",
        &id,
        "--file",
        reply.to_str().unwrap(),
        "--yes",
        "--unverified",
    ]));
    proxy.set(Mode::CutAfter {
        trigger: b"DATA\r\n".to_vec(),
        after: 20_000,
    });
    let d = env.start_daemon();
    let start = Instant::now();
    loop {
        let inbox = stack.messages("writer", "");
        if !inbox.is_empty() {
            std::thread::sleep(Duration::from_secs(2));
            let inbox = stack.messages("writer", "");
            assert_eq!(inbox.len(), 1, "delivered once");
            assert!(String::from_utf8_lossy(&inbox[0]).contains("CUTDATATOKEN"));
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "not delivered: {}",
            d.log_text()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(
        *proxy.cuts.lock().unwrap() >= 1,
        "the connection was cut mid-DATA"
    );
}

/// Servers that accept the connection and then say nothing: the daemon times out and
/// retries, still answers counsellors, and stops promptly.
#[test]
fn silent_servers_time_out_and_nothing_hangs() {
    let imap = Proxy::start(1);
    imap.set(Mode::Silent);
    let smtp = Proxy::start(1);
    smtp.set(Mode::Silent);
    let env = Env::init_with(&format!(
        "[replies]\nacknowledge = false\n{}{}",
        imap_via(&imap, 2),
        smtp_via(&smtp, 2)
    ));
    let dir = env.dir.path().join("in");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("w.eml"),
        "From: W <writer@example.test>\nSubject: silent\n\nhello\n",
    )
    .unwrap();
    ok(env.sourdine(&["ingest", dir.to_str().unwrap()]));
    let id = env.ticket_ids().remove(0);
    let reply = env.dir.path().join("r.txt");
    fs::write(&reply, "Hello.\n").unwrap();
    ok(env.ticket(&[
        "reply",
        &id,
        "--file",
        reply.to_str().unwrap(),
        "--yes",
        "--unverified",
    ]));
    let mut d = env.start_daemon();
    std::thread::sleep(Duration::from_secs(7));
    let s = status(&env);
    let intake = &s["report"]["intake"];
    assert!(intake["errors"].as_u64().unwrap() >= 1, "{s}");
    assert!(
        intake["last_error"]
            .as_str()
            .unwrap()
            .contains("did not answer"),
        "{s}"
    );
    let out = first_outgoing(&env.show(&id));
    assert_eq!(out["delivery"]["state"], "queued");
    assert!(out["delivery"]["attempts"].as_u64().unwrap() >= 1, "{out}");
    assert!(
        out["delivery"]["reason"]
            .as_str()
            .unwrap()
            .contains("in time"),
        "{out}"
    );
    let t0 = Instant::now();
    assert!(d.stop().success());
    assert!(
        t0.elapsed() < Duration::from_secs(15),
        "stopped promptly: {:?}",
        t0.elapsed()
    );
}

/// A second process on the store: a clear error naming the owner, no damage.
#[test]
fn a_second_process_is_refused_with_the_owner_named() {
    let env = Env::new();
    let d = env.start_daemon();
    let pid = d.child.as_ref().unwrap().id();
    // Bypass the socket: open the store directly.
    let out = env
        .cmd("ticket")
        .args(["--socket", "/nonexistent/sourdine.sock", "list"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("in use by another process") && err.contains(&format!("pid {pid}")),
        "{err}"
    );
    assert!(
        ok(env.ticket(&["list", "--json"])).trim() == "[]",
        "the store still works"
    );
}

/// A damaged store at start-up: `sourdine run` refuses with a clear message and never
/// overwrites anything.
#[test]
fn a_damaged_store_is_refused_and_left_alone() {
    let env = Env::new();
    let dir = env.dir.path().join("in");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("w.eml"),
        "From: w@example.org\nSubject: damaged\n\nhello\n",
    )
    .unwrap();
    ok(env.sourdine(&["ingest", dir.to_str().unwrap()]));
    let db = env.data_dir.join("db/db");
    let mut bytes = fs::read(&db).unwrap();
    for b in bytes.iter_mut().take(4096).skip(16) {
        *b ^= 0x5A;
    }
    fs::write(&db, &bytes).unwrap();
    let before = fs::read(&db).unwrap();
    let out = env
        .cmd("sourdine")
        .arg("run")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    assert!(!out.status.success(), "a damaged store must not start");
    let err = text(&out.stderr);
    assert!(err.contains("damaged") || err.contains("corrupt"), "{err}");
    assert_eq!(
        fs::read(&db).unwrap(),
        before,
        "the damaged file was not overwritten"
    );
}

/// The disk fills up (a small tmpfs in a private mount namespace): intake stops taking mail,
/// nothing is deleted from the server, the daemon reports the problem and exits non-zero;
/// restarted (as systemd would) once space returns, it takes in the rest, without loss or
/// duplicates.
#[test]
fn a_full_disk_stops_intake_and_a_restart_resumes() {
    if !mailstack::available() {
        return;
    }
    if !nix::unistd::geteuid().is_root()
        || std::process::Command::new("unshare")
            .arg("--help")
            .output()
            .is_err()
    {
        eprintln!(
            "SKIPPED: the full-disk test needs root and unshare (a tmpfs in a mount namespace)"
        );
        return;
    }
    let stack = MailStack::start();
    let env = Env::with_config(&format!(
        "{}\n[store]\ncache_mib = 4\n",
        stack.imap_config("none", &pw("contact-pass"))
    ));
    fs::create_dir_all(&env.data_dir).unwrap();
    let runs = env.dir.path().join("runs.log");
    let stop = env.dir.path().join("stop");
    // A supervisor loop inside the namespace plays systemd's Restart=on-failure.
    let script = format!(
        "set -u; mount -t tmpfs -o size=3m tmpfs '{data}' || exit 90; '{bin}' init >/dev/null || exit 91; \
         while :; do '{bin}' run 2>>'{log}.err'; echo \"exit $?\" >> '{log}'; [ -e '{stop}' ] && exit 0; sleep 0.5; done",
        data = env.data_dir.display(),
        bin = bin("sourdine").display(),
        log = runs.display(),
        stop = stop.display()
    );
    let mut ns = std::process::Command::new("unshare")
        .args(["-m", "--propagation", "private", "bash", "-c", &script])
        .env("SOURDINE_CONFIG", &env.config)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let socket_ticket = |args: &[&str]| {
        std::process::Command::new(bin("ticket"))
            .arg("--socket")
            .arg(env.socket())
            .args(args)
            .env_remove("SOURDINE_CONFIG")
            .output()
            .unwrap()
    };
    let count = || -> Option<usize> {
        let out = socket_ticket(&["list", "--status", "all", "--json"]);
        out.status.success().then(|| {
            serde_json::from_slice::<Value>(&out.stdout)
                .unwrap()
                .as_array()
                .unwrap()
                .len()
        })
    };
    let start = Instant::now();
    while count().is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the daemon in the namespace did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let sent = 12;
    for i in 0..sent {
        let mut m = String::from_utf8(mail(i, "full")).unwrap();
        m.push_str(&"Filling the disk with a long letter.\r\n".repeat(12_000));
        stack.send("writer@example.test", "contact@example.test", m.as_bytes());
    }
    // The disk fills: the daemon stops with an error, and restarts, and stops again...
    let start = Instant::now();
    loop {
        let log = fs::read_to_string(&runs).unwrap_or_default();
        if log.lines().any(|l| l != "exit 0") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the full disk was not reported"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let err = fs::read_to_string(format!("{}.err", runs.display())).unwrap_or_default();
    assert!(
        err.contains("could not write") || err.contains("No space"),
        "{err}"
    );
    let waiting = stack.count("contact", "");
    assert!(waiting > 0, "messages not on disk stay on the server");
    // Room again: remount bigger inside the namespace.
    let pid = ns.id().to_string();
    let out = std::process::Command::new("nsenter")
        .args([
            "--target",
            &pid,
            "--mount",
            "mount",
            "-o",
            "remount,size=64m",
        ])
        .arg(&env.data_dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let start = Instant::now();
    loop {
        if count() == Some(sent) && stack.count("contact", "") == 0 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "the restart did not resume: {:?} tickets, {} waiting; {}",
            count(),
            stack.count("contact", ""),
            fs::read_to_string(format!("{}.err", runs.display())).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    let out = socket_ticket(&["list", "--status", "all", "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut subjects: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["subject"].as_str().unwrap().to_string())
        .collect();
    subjects.sort();
    subjects.dedup();
    assert_eq!(subjects.len(), sent, "no duplicates");
    eprintln!(
        "full disk: {waiting} messages waited on the server while the disk was full; all {sent} taken in after the restart"
    );
    fs::write(&stop, "").unwrap();
    // Stop the daemon inside the namespace (the children of its supervisor shell only).
    let _ = std::process::Command::new("pkill")
        .args(["-TERM", "-P", &pid])
        .status();
    let start = Instant::now();
    while ns.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(30) {
            let _ = ns.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
