//! The service's start seen by counsellors: a command holding the store while it starts, and
//! what `ticket` says while the service starts.

use std::fs;
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Daemon, Env, ok, text};

/// Exit status of `ticket` when the service is starting or still loading.
const TRY_AGAIN: i32 = 75;

/// An instance holding `n` tickets, taken in directly.
fn env_with(n: usize) -> Env {
    let env = Env::new();
    let dir = env.dir.path().join("mails");
    fs::create_dir_all(&dir).unwrap();
    for i in 0..n {
        fs::write(
            dir.join(format!("m{i}.eml")),
            format!(
                "From: writer{i}@example.org\nTo: contact@helpline.example\nSubject: start {i}\nMessage-ID: <start{i}@example.org>\n\nHello, message {i} about restless nights.\n"
            ),
        )
        .unwrap();
    }
    ok(env.sourdine(&["ingest", dir.to_str().unwrap()]));
    env
}

/// Starts `sourdine run` with `failpoint` set, without waiting for its socket.
fn spawn_daemon(env: &Env, failpoint: &str) -> Daemon {
    let log = env.dir.path().join(format!(
        "daemon-{}.log",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    let child = env
        .cmd("sourdine")
        .arg("run")
        .env("SOURDINE_LOG", "debug")
        .env("SOURDINE_FAILPOINT", failpoint)
        .stdout(Stdio::null())
        .stderr(fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    Daemon {
        child: Some(child),
        socket: env.socket(),
        log,
    }
}

/// Waits until the store's lock file names `pid` (the process holds the store).
fn wait_for_lock(env: &Env, pid: u32) {
    let start = Instant::now();
    while fs::read_to_string(env.data_dir.join("lock")).unwrap_or_default() != pid.to_string() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "pid {pid} never took the lock"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn ticket_list(env: &Env, lang: &str) -> Output {
    env.cmd("ticket")
        .args(["--lang", lang, "list", "--status", "all", "--json"])
        .output()
        .unwrap()
}

fn spawn_slow_ticket(env: &Env, millis: u64) -> Child {
    env.cmd("ticket")
        .args(["list", "--status", "all", "--json"])
        .env("SOURDINE_FAILPOINT", format!("desk-opened-store={millis}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// A `ticket` that opened the store directly (no service answering yet) while `sourdine run`
/// starts: the service waits for it to finish, then starts; the command's answer is whole.
#[test]
fn the_service_waits_for_a_command_holding_the_store() {
    let env = env_with(4);
    let slow = spawn_slow_ticket(&env, 1500);
    wait_for_lock(&env, slow.id());
    let mut d = spawn_daemon(&env, "");
    let out = slow.wait_with_output().unwrap();
    let listed: serde_json::Value = serde_json::from_str(&ok(out)).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 4);
    let start = Instant::now();
    while env
        .ticket_via_socket(&["list", "--status", "all"])
        .status
        .code()
        != Some(0)
    {
        assert!(
            d.child.as_mut().unwrap().try_wait().unwrap().is_none(),
            "the service stopped: {}",
            d.log_text()
        );
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{}",
            d.log_text()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(env.ticket_ids().len(), 4);
    assert!(d.stop().success());
    assert!(
        d.log_text()
            .contains("another command holds the store; waiting for it to finish"),
        "{}",
        d.log_text()
    );
}

/// A command holding the store longer than the service waits: the service stops with the
/// owner named, as before.
#[test]
fn the_service_waits_only_so_long() {
    let env = env_with(1);
    let slow = spawn_slow_ticket(&env, 14_000);
    wait_for_lock(&env, slow.id());
    let t0 = Instant::now();
    let mut d = spawn_daemon(&env, "");
    let status = d.wait_exit(Duration::from_secs(30)).expect("gave up");
    assert!(!status.success());
    let waited = t0.elapsed();
    assert!(
        waited >= Duration::from_secs(9) && waited < Duration::from_secs(14),
        "{waited:?}"
    );
    assert!(
        d.log_text().contains("in use by another process"),
        "{}",
        d.log_text()
    );
    assert!(slow.wait_with_output().unwrap().status.success());
}

/// `ticket` with the configuration while the service starts (it holds the store, its socket
/// not there yet: a moment, stretched here by a failpoint): "the service is starting", in the counsellor's language, exit status 75;
/// then the answer once it serves.
#[test]
fn ticket_says_the_service_is_starting() {
    let env = env_with(3);
    let mut d = spawn_daemon(&env, "daemon-before-socket=8000");
    wait_for_lock(&env, d.child.as_ref().unwrap().id());
    for (lang, said) in [
        ("en", "The service is starting"),
        ("fr", "Le service démarre"),
        ("nl", "De dienst start"),
    ] {
        let out = ticket_list(&env, lang);
        assert_eq!(
            out.status.code(),
            Some(TRY_AGAIN),
            "{}\n{}",
            text(&out.stderr),
            d.log_text()
        );
        assert!(text(&out.stderr).contains(said), "{}", text(&out.stderr));
        assert!(
            !text(&out.stderr).contains("in use"),
            "{}",
            text(&out.stderr)
        );
    }
    let start = Instant::now();
    wait_listed(&env, &d, start, 3);
    assert!(d.stop().success());
}

/// The socket answers as soon as the service holds the store, before its catalog is built:
/// "still loading" (a typed error, exit status 75, in the counsellor's language) for every
/// request until then, never a partial list; then every ticket.
#[test]
fn ticket_says_still_loading_then_lists_every_ticket() {
    let env = env_with(5);
    let d = spawn_daemon(&env, "catalog-build=8000");
    let start = Instant::now();
    while std::os::unix::net::UnixStream::connect(env.socket()).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{}",
            d.log_text()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let bound = start.elapsed();
    assert!(bound < Duration::from_secs(5), "socket after {bound:?}");
    // The wire: a typed kind.
    {
        use std::io::{BufRead, Write};
        let mut s = std::os::unix::net::UnixStream::connect(env.socket()).unwrap();
        s.write_all(b"{\"v\":1,\"request\":{\"op\":\"list\",\"filter\":{}}}\n")
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(s).read_line(&mut line).unwrap();
        assert!(line.contains("\"kind\":\"loading\""), "{line}");
    }
    for (lang, said) in [
        ("en", "still loading its catalog"),
        ("fr", "charge encore son catalogue"),
        ("nl", "laadt nog zijn catalogus"),
    ] {
        for out in [
            ticket_list(&env, lang),
            env.cmd("ticket")
                .args(["--lang", lang, "search", "restless", "--json"])
                .output()
                .unwrap(),
            env.ticket_via_socket(&["--lang", lang, "list"]),
        ] {
            assert_eq!(
                out.status.code(),
                Some(TRY_AGAIN),
                "{}\n{}",
                text(&out.stderr),
                d.log_text()
            );
            assert!(text(&out.stderr).contains(said), "{}", text(&out.stderr));
            assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
        }
    }
    // `sourdine ingest` through the loading service: its batch (larger than the socket's
    // buffer) is refused after the request's line, and the command says why rather than
    // that the connection broke.
    let big = env.dir.path().join("big");
    fs::create_dir_all(&big).unwrap();
    let words = "a long letter about restless nights\n".repeat(120_000);
    fs::write(
        big.join("big.eml"),
        format!("From: w@example.org\nSubject: big\n\n{words}"),
    )
    .unwrap();
    let out = env.sourdine(&["ingest", big.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("loading") && !text(&out.stderr).contains("lost the connection"),
        "{}",
        text(&out.stderr)
    );
    wait_listed(&env, &d, start, 5);
    let found = ok(env.ticket(&["search", "restless", "--json"]));
    let found: serde_json::Value = serde_json::from_str(&found).unwrap();
    assert_eq!(found.as_array().unwrap().len(), 5);
}

/// Waits (a minute at most since `start`) until `ticket list` answers with `n` tickets; until
/// then it may only say "try again" (exit status 75).
fn wait_listed(env: &Env, d: &Daemon, start: Instant, n: usize) {
    loop {
        let out = ticket_list(env, "en");
        if out.status.success() {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(v.as_array().unwrap().len(), n);
            return;
        }
        assert_eq!(out.status.code(), Some(TRY_AGAIN), "{}", text(&out.stderr));
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{}",
            d.log_text()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
