//! The attachment cleaner's sandbox, through the real `sourdine` binary: a confined worker is
//! refused files, sockets, connections and programs (each refusal observed here), Landlock
//! alone refuses what it covers, a worker that cannot confine itself ends and its attachment is
//! withheld, the doctor and the service's log say what the kernel allows, and real attachments
//! are still cleaned.

use std::io::Write;
use std::net::TcpListener;
use std::os::linux::net::SocketAddrExt;
use std::os::unix::net::{SocketAddr, UnixListener};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use serde_json::Value;

use crate::common::{Daemon, Env, bin, ok, root, shared_corpus, text};

fn failpoints_build() -> bool {
    if !cfg!(feature = "failpoints") {
        eprintln!("SKIPPED: needs the failpoints build (cargo test --features failpoints)");
    }
    cfg!(feature = "failpoints")
}

/// How one worker run ended.
struct Run {
    status: ExitStatus,
    stderr: String,
    replies: usize,
}

/// Starts `sourdine __clean-worker` as the service does (empty environment) plus `vars`,
/// sends it one small text file, closes its input and waits for it.
fn run_worker(vars: &[(&str, &str)]) -> Run {
    let mut child = Command::new(bin("sourdine"))
        .arg("__clean-worker")
        .env_clear()
        .envs(vars.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let body = b"a note the writer attached";
    let mut request = ((body.len() + 2) as u64).to_le_bytes().to_vec();
    request.push(0); // Request::Clean
    request.push(0); // AttachmentKind::Text
    request.extend_from_slice(body);
    let mut stdin = child.stdin.take().unwrap();
    // A worker killed before it reads leaves a broken pipe: that is for the status to say.
    let _ = stdin.write_all(&request);
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let mut replies = 0;
    let mut rest = &out.stdout[..];
    while rest.len() >= 8 {
        let len = u64::from_le_bytes(rest[..8].try_into().unwrap()) as usize;
        rest = &rest[(8 + len).min(rest.len())..];
        replies += 1;
    }
    Run {
        status: out.status,
        stderr: text(&out.stderr),
        replies,
    }
}

/// What the worker's sandbox applies here (`__clean-worker --sandbox-report`).
fn report(failpoint: Option<&str>) -> Value {
    let mut c = Command::new(bin("sourdine"));
    c.args(["__clean-worker", "--sandbox-report"]).env_clear();
    if let Some(fp) = failpoint {
        c.env("SOURDINE_FAILPOINT", fp);
    }
    serde_json::from_str(&ok(c.output().unwrap())).unwrap()
}

/// Places a probe could reach, and whether anything reached them.
struct Targets {
    _dir: tempfile::TempDir,
    file: String,
    tcp: TcpListener,
    unix_path: String,
    unix: UnixListener,
    abstract_name: String,
    abstract_socket: UnixListener,
}

impl Targets {
    fn new() -> Targets {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("readable.txt");
        std::fs::write(&file, "anyone may read this").unwrap();
        let tcp = TcpListener::bind("127.0.0.1:0").unwrap();
        let unix_path = dir.path().join("listener.sock");
        let unix = UnixListener::bind(&unix_path).unwrap();
        let abstract_name = format!("sourdine-sandbox-test-{}", std::process::id());
        let addr = SocketAddr::from_abstract_name(abstract_name.as_bytes()).unwrap();
        let abstract_socket = UnixListener::bind_addr(&addr).unwrap();
        for l in [&unix, &abstract_socket] {
            l.set_nonblocking(true).unwrap();
        }
        tcp.set_nonblocking(true).unwrap();
        Targets {
            file: file.to_string_lossy().into_owned(),
            tcp,
            unix_path: unix_path.to_string_lossy().into_owned(),
            unix,
            abstract_name,
            abstract_socket,
            _dir: dir,
        }
    }

    fn probe(&self, verb: &str) -> String {
        match verb {
            "open" => format!("open:{}", self.file),
            "connect-tcp" => format!("connect-tcp:{}", self.tcp.local_addr().unwrap().port()),
            "connect-unix" => format!("connect-unix:{}", self.unix_path),
            "connect-abstract" => format!("connect-abstract:{}", self.abstract_name),
            "execve" => "execve:/bin/sh".into(),
            other => other.into(),
        }
    }

    /// No connection reached any listener.
    fn untouched(&self) -> bool {
        self.tcp.accept().is_err()
            && self.unix.accept().is_err()
            && self.abstract_socket.accept().is_err()
    }
}

/// The probe's own line, which must say it ran (so it ran after the sandbox, before any
/// request) and never that it was allowed.
fn probe_ran(run: &Run, probe: &str) {
    assert!(
        run.stderr
            .contains(&format!("sandbox probe {probe}: trying")),
        "{probe}: the probe did not run: {}",
        run.stderr
    );
    assert!(!run.stderr.contains("ALLOWED"), "{probe}: {}", run.stderr);
    assert!(
        !run.stderr.contains("sandbox-escaped"),
        "{probe}: {}",
        run.stderr
    );
}

/// The errno the probe reports, when it lived to report one.
fn refused_errno(run: &Run, probe: &str) -> Option<i32> {
    let line = run
        .stderr
        .lines()
        .find(|l| l.starts_with(&format!("sandbox probe {probe}: refused")))?;
    line.split("errno ").nth(1)?.split(' ').next()?.parse().ok()
}

/// Each thing the confined worker tries after confining itself is refused: opening a file
/// fails (EPERM, seccomp's refusal) and the worker goes on serving; creating an INET or UNIX
/// socket, connecting to a TCP, a named UNIX or an abstract socket, and running a program
/// kill it (SIGSYS), and no listener sees a connection. An abort (a failpoint; a stack
/// overflow takes the same path) still ends in SIGABRT, not in a sandbox kill.
#[test]
fn the_confined_worker_is_refused_files_sockets_connections_and_programs() {
    if !failpoints_build() {
        return;
    }
    let confinement = report(None);
    if confinement["seccomp"] != true {
        eprintln!("SKIPPED: this kernel has no seccomp filters: {confinement}");
        return;
    }
    let t = Targets::new();
    let probe = t.probe("open");
    let run = run_worker(&[("SOURDINE_SANDBOX_PROBE", &probe)]);
    probe_ran(&run, &probe);
    assert_eq!(
        refused_errno(&run, &probe),
        Some(libc_errno("EPERM")),
        "{}",
        run.stderr
    );
    assert!(
        run.status.success() && run.replies == 1,
        "{:?} {}",
        run.status,
        run.stderr
    );
    eprintln!("{probe}: refused by seccomp (EPERM); the worker then cleaned a file and exited 0");
    for verb in [
        "socket-inet",
        "socket-unix",
        "connect-tcp",
        "connect-unix",
        "connect-abstract",
        "execve",
    ] {
        let probe = t.probe(verb);
        let run = run_worker(&[("SOURDINE_SANDBOX_PROBE", &probe)]);
        probe_ran(&run, &probe);
        assert_eq!(
            run.status.signal(),
            Some(Signal::SIGSYS as i32),
            "{probe}: killed by the filter: {:?} {}",
            run.status,
            run.stderr
        );
        assert_eq!(run.replies, 0, "{probe}");
        assert!(t.untouched(), "{probe}: a listener was reached");
        eprintln!("{probe}: refused by seccomp (worker killed by SIGSYS, no listener reached)");
    }
    let run = run_worker(&[("SOURDINE_FAILPOINT", "clean-worker-crash")]);
    assert_eq!(
        run.status.signal(),
        Some(Signal::SIGABRT as i32),
        "{:?} {}",
        run.status,
        run.stderr
    );
    eprintln!("an abort inside the sandbox ends in SIGABRT, as before");
}

/// Landlock alone (a kernel without seccomp filters, simulated) refuses what it covers: the
/// file (EACCES), TCP (EACCES, ABI 4+), the abstract socket outside the worker (EPERM, ABI 6+)
/// and the program (EACCES); the worker goes on cleaning.
#[test]
fn landlock_alone_refuses_files_tcp_abstract_sockets_and_programs() {
    if !failpoints_build() {
        return;
    }
    let fp = "sandbox-without-seccomp";
    let confinement = report(Some(fp));
    assert_eq!(confinement["seccomp"], false, "{confinement}");
    if confinement["landlock"] != true {
        eprintln!("SKIPPED: this kernel has no Landlock: {confinement}");
        return;
    }
    let abi = confinement["landlock_abi"].as_u64().unwrap();
    let t = Targets::new();
    let mut cases = vec![("open", "EACCES"), ("execve", "EACCES")];
    if abi >= 4 {
        cases.push(("connect-tcp", "EACCES"));
    }
    if abi >= 6 {
        cases.push(("connect-abstract", "EPERM"));
    }
    for (verb, errno) in cases {
        let probe = t.probe(verb);
        let run = run_worker(&[
            ("SOURDINE_FAILPOINT", fp),
            ("SOURDINE_SANDBOX_PROBE", &probe),
        ]);
        probe_ran(&run, &probe);
        assert_eq!(
            refused_errno(&run, &probe),
            Some(libc_errno(errno)),
            "{probe}: {}",
            run.stderr
        );
        assert!(
            run.status.success() && run.replies == 1,
            "{probe}: {:?}",
            run.status
        );
        assert!(t.untouched(), "{probe}: a listener was reached");
        eprintln!("{probe}: refused by Landlock ABI {abi} alone ({errno}); the worker went on");
    }
}

fn libc_errno(name: &str) -> i32 {
    match name {
        "EPERM" => nix::libc::EPERM,
        "EACCES" => nix::libc::EACCES,
        _ => panic!("{name}"),
    }
}

fn attachments(env: &Env, id: &str) -> Vec<Value> {
    env.show(id)["messages"][0]["attachments"]
        .as_array()
        .unwrap()
        .clone()
}

/// A kernel that refuses a restriction it supports, or PR_SET_DUMPABLE (both simulated): the
/// worker ends with status 71 and says why; `sourdine ingest` reads nothing outside the
/// sandbox: the message waits in the quarantine with its reason, the status is logged without
/// writer data, and a retry once the worker can shut itself in makes the ticket.
#[test]
fn a_worker_that_cannot_confine_itself_ends_and_its_message_waits_in_quarantine() {
    if !failpoints_build() {
        return;
    }
    let fp = "sandbox-landlock-refused";
    let run = run_worker(&[("SOURDINE_FAILPOINT", fp)]);
    assert_eq!(
        run.status.code(),
        Some(71),
        "{:?} {}",
        run.status,
        run.stderr
    );
    assert!(
        run.stderr.contains("could not confine itself"),
        "{}",
        run.stderr
    );
    assert_eq!(run.replies, 0);
    // PR_SET_DUMPABLE refused (it used to be ignored): the worker ends the same way.
    let run = run_worker(&[("SOURDINE_FAILPOINT", "sandbox-prctl-refused")]);
    assert_eq!(
        run.status.code(),
        Some(71),
        "{:?} {}",
        run.status,
        run.stderr
    );
    assert!(
        run.stderr.contains("cannot turn off core dumps"),
        "{}",
        run.stderr
    );
    assert_eq!(run.replies, 0);
    let photo = root().join("fixtures/attachments/photo-jpeg.eml");
    let env = Env::new();
    let out = env
        .cmd("sourdine")
        .args(["ingest", "--json"])
        .arg(&photo)
        .env("SOURDINE_FAILPOINT", fp)
        .env("SOURDINE_LOG", "warn")
        .output()
        .unwrap();
    let err = text(&out.stderr);
    let counts: Value = serde_json::from_str(&ok(out)).unwrap();
    // Nothing is read outside the sandbox: the message waits in the quarantine, kept whole,
    // with a reason that says why (retried once the kernel lets the worker shut itself in).
    assert_eq!(
        (&counts["ticketed"], &counts["quarantined"]),
        (&Value::from(0), &Value::from(1)),
        "{counts}"
    );
    assert!(err.contains("could not confine itself"), "{err}");
    assert!(
        err.contains("exit_status=71"),
        "the status is reported: {err}"
    );
    assert!(!err.contains("PLANT"), "no writer data: {err}");
    let list: Value = serde_json::from_str(&ok(env
        .cmd("sourdine")
        .args(["quarantine", "list", "--json"])
        .output()
        .unwrap()))
    .unwrap();
    assert_eq!(
        list[0]["reason"], "the preparing worker could not shut itself in",
        "{list}"
    );
    // Once the worker can shut itself in again, a retry makes the ticket, attachment cleaned.
    let reference = list[0]["reference"].as_str().unwrap().to_string();
    ok(env
        .cmd("sourdine")
        .args(["quarantine", "retry", &reference, "--json"])
        .output()
        .unwrap());
    let id = env.ticket_ids().remove(0);
    let a = &attachments(&env, &id)[0];
    assert_eq!(a["withheld"], Value::Bool(false), "{a}");
}

/// `sourdine doctor` checks the sandbox with a real worker: ok with Landlock and seccomp on
/// this kernel, a warning with the fix on a kernel without Landlock (simulated), a failure
/// when the kernel refuses a restriction; without Landlock attachments are still cleaned.
#[test]
fn the_doctor_checks_the_cleaners_sandbox_and_warns_without_landlock() {
    let env = Env::new();
    let doctor = |fp: Option<&str>| {
        let mut c = env.cmd("sourdine");
        c.args(["doctor", "--offline", "--json"]);
        if let Some(fp) = fp {
            c.env("SOURDINE_FAILPOINT", fp);
        }
        let out = c.output().unwrap();
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let check = report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "worker.sandbox")
            .cloned()
            .unwrap_or_else(|| panic!("no sandbox check: {report}"));
        (out.status.code(), check)
    };
    let (_, check) = doctor(None);
    if check["verdict"] == "ok" {
        let detail = check["detail"].as_str().unwrap();
        assert!(
            detail.contains("Landlock ABI") && detail.contains("seccomp"),
            "{check}"
        );
    } else {
        eprintln!("this kernel lacks part of the sandbox: {check}");
        assert_eq!(check["verdict"], "warn", "{check}");
    }
    if !failpoints_build() {
        return;
    }
    let (_, check) = doctor(Some("sandbox-without-landlock"));
    assert_eq!(check["verdict"], "warn", "{check}");
    assert!(
        check["detail"].as_str().unwrap().contains("no Landlock"),
        "{check}"
    );
    assert!(check["fix"].as_str().unwrap().contains("lsm="), "{check}");
    let (code, check) = doctor(Some("sandbox-landlock-refused"));
    assert_eq!(check["verdict"], "fail", "{check}");
    assert_eq!(code, Some(1));
    assert!(
        check["detail"].as_str().unwrap().contains("refused"),
        "{check}"
    );
    eprintln!("doctor: {check}");
    let photo = root().join("fixtures/attachments/photo-jpeg.eml");
    let out = env
        .cmd("sourdine")
        .args(["ingest", "--json"])
        .arg(&photo)
        .env("SOURDINE_FAILPOINT", "sandbox-without-landlock")
        .output()
        .unwrap();
    ok(out);
    let id = env.ticket_ids().remove(0);
    let a = &attachments(&env, &id)[0];
    assert_eq!(
        (&a["withheld"], &a["cleaned"]),
        (&false.into(), &true.into()),
        "{a}"
    );
}

/// Starts `sourdine run` with `failpoint` and returns it once it answers.
fn start_daemon_with(env: &Env, failpoint: &str) -> Daemon {
    let log = env.dir.path().join(format!("daemon-{failpoint}.log"));
    let child = env
        .cmd("sourdine")
        .arg("run")
        .env("SOURDINE_LOG", "info")
        .env("SOURDINE_FAILPOINT", failpoint)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let d = Daemon {
        child: Some(child),
        socket: env.socket(),
        log,
    };
    let start = Instant::now();
    while !crate::common::answers(&d.socket) {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{}",
            d.log_text()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    d
}

/// The service says once, at its start, what the sandbox applies: confined on this kernel, a
/// warning naming Landlock on a kernel without it (simulated).
#[test]
fn the_service_logs_the_sandbox_once_at_start() {
    let env = Env::new();
    let mut d = env.start_daemon();
    d.stop();
    let log = d.log_text();
    let lines = |log: &str, what: &str| log.lines().filter(|l| l.contains(what)).count();
    let confined = lines(&log, "the attachment cleaner is confined");
    let partial = lines(&log, "runs without part of its sandbox");
    assert_eq!(confined + partial, 1, "{log}");
    if !failpoints_build() {
        return;
    }
    let mut d = start_daemon_with(&env, "sandbox-without-landlock");
    d.stop();
    let log = d.log_text();
    assert_eq!(lines(&log, "runs without part of its sandbox"), 1, "{log}");
    let line = log.lines().find(|l| l.contains("without part")).unwrap();
    assert!(
        line.contains("Landlock") && line.contains("doctor"),
        "{line}"
    );
    eprintln!("{line}");
}

/// Every attachment fixture and the shared corpus go through confined workers: nothing is
/// stopped by the filter, nothing fails to confine itself, and attachments come out cleaned.
#[test]
fn every_fixture_and_the_shared_corpus_are_cleaned_inside_the_sandbox() {
    let env = Env::new();
    let mut paths: Vec<std::path::PathBuf> = std::fs::read_dir(root().join("fixtures/attachments"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    paths.sort();
    paths.extend(shared_corpus());
    let out = env
        .cmd("sourdine")
        .args(["ingest", "--json"])
        .args(&paths)
        .env("SOURDINE_LOG", "warn")
        .output()
        .unwrap();
    let err = text(&out.stderr);
    let counts: Value = serde_json::from_str(&ok(out)).unwrap();
    assert!(!err.contains("stopped by its sandbox"), "{err}");
    assert!(!err.contains("could not confine"), "{err}");
    let mut cleaned = 0;
    for id in env.ticket_ids() {
        for a in attachments(&env, &id) {
            cleaned += usize::from(a["cleaned"] == true);
        }
    }
    // What the fixtures' manifests say must come out cleaned (kept, not withheld).
    let kept: usize = paths
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .map(|p| {
            let manifest: toml::Value =
                toml::from_str(&std::fs::read_to_string(p.with_extension("toml")).unwrap())
                    .unwrap();
            manifest["attachments"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|a| a["withheld"].as_bool() == Some(false))
                .count()
        })
        .sum();
    assert!(
        kept > 0 && cleaned >= kept,
        "{cleaned} cleaned, {kept} expected: {counts}"
    );
    eprintln!("{counts}: {cleaned} attachments cleaned inside the sandbox");
}
