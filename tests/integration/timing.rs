//! What a counsellor can read tells no arrival time finer than `received_precision`: the run
//! folder (status file, socket, the folder itself) and what the socket answers them
//! (`sourdine status`, `ticket whoami`, `ticket list`), read right after a message arrives.

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;

use crate::common::{Env, bin, ok};

const GROUP: u32 = 4242;
const COUNSELLOR: u32 = 4101;
const STEP: i64 = 60;

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Runs a copied binary as the counsellor.
fn as_counsellor(program: &Path, env: &Env, args: &[&str]) -> Output {
    Command::new("setpriv")
        .args([
            &format!("--reuid={COUNSELLOR}"),
            &format!("--regid={GROUP}"),
            "--clear-groups",
            "--",
        ])
        .arg(program)
        .args(args)
        .env("SOURDINE_CONFIG", &env.config)
        .env("NO_COLOR", "1")
        .env("HOME", "/")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Lets other uids through the test's folders (as `roles.rs` does).
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

/// Every RFC 3339 time in a JSON value, in seconds.
fn times_in(v: &Value, out: &mut Vec<i64>) {
    match v {
        Value::String(s) => {
            if let Ok(t) = s.parse::<jiff::Timestamp>() {
                out.push(t.as_second());
            }
        }
        Value::Array(a) => a.iter().for_each(|x| times_in(x, out)),
        Value::Object(o) => o.values().for_each(|x| times_in(x, out)),
        _ => {}
    }
}

#[track_caller]
fn all_on_steps(what: &str, v: &Value) {
    let mut times = Vec::new();
    times_in(v, &mut times);
    for t in times {
        assert_eq!(
            t.rem_euclid(STEP),
            0,
            "{what} holds a time off the step: {v}"
        );
    }
}

/// (name, modification time) of the run folder and of everything in it.
fn run_folder_times(dir: &Path) -> Vec<(PathBuf, i64)> {
    let mut out = vec![(
        dir.to_path_buf(),
        fs::symlink_metadata(dir).unwrap().mtime(),
    )];
    for e in fs::read_dir(dir).unwrap().flatten() {
        out.push((e.path(), fs::symlink_metadata(e.path()).unwrap().mtime()));
    }
    out
}

fn status_json(program: &Path, env: &Env) -> Value {
    serde_json::from_str(&ok(as_counsellor(program, env, &["status", "--json"]))).unwrap()
}

/// After a message arrives, the status file is not rewritten and keeps its time; the
/// counsellor's `sourdine status` shows the counts of the last step; every time they can read
/// is on a step; at the next step the new count shows, dated by that step.
#[test]
fn what_counsellors_read_tells_no_arrival_time_finer_than_the_precision() {
    if !nix::unistd::geteuid().is_root() {
        eprintln!("SKIPPED: the timing test needs root (setpriv to a counsellor's uid)");
        return;
    }
    // The service's clock starts a quarter into a step, so that the arrival below falls
    // inside one step on all but a very slow machine.
    let offset = (15 - now()).rem_euclid(STEP);
    let env = Env::init_with(&format!(
        "received_precision = \"minute\"\ncounsellors_group = \"{GROUP}\"\n[roles]\ncounsellor_users = [\"{COUNSELLOR}\"]\n"
    ));
    let clock = || now() + offset;
    let bins = tempfile::Builder::new()
        .prefix("sourdine-bin.")
        .tempdir()
        .unwrap();
    fs::set_permissions(bins.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let copy = |name: &str| {
        let to = bins.path().join(name);
        crate::common::copy_program(&bin(name), &to);
        to
    };
    let (sourdine, ticket) = (copy("sourdine"), copy("ticket"));
    world_readable(env.dir.path());
    let mut d = {
        let log = env.dir.path().join("daemon.log");
        let child = env
            .cmd("sourdine")
            .arg("run")
            .env("SOURDINE_CLOCK_OFFSET", offset.to_string())
            .stdout(Stdio::null())
            .stderr(fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let socket = env.socket();
        let mut d = crate::common::Daemon {
            child: Some(child),
            socket: socket.clone(),
            log,
        };
        while !crate::common::answers(&socket) {
            assert!(
                d.child.as_mut().unwrap().try_wait().unwrap().is_none(),
                "{}",
                d.log_text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        d
    };
    let run_dir = env.socket().parent().unwrap().to_path_buf();
    let status_file = run_dir.join("status.json");
    while !status_file.exists() {
        std::thread::sleep(Duration::from_millis(20));
    }
    let step_before = clock() - clock().rem_euclid(STEP);
    let file_before = fs::read(&status_file).unwrap();
    let times_before = run_folder_times(&run_dir);
    let seen_before = status_json(&sourdine, &env);
    assert_eq!(seen_before["report"]["open"], 0);

    // A message arrives.
    let mail = env.dir.path().join("in");
    fs::create_dir_all(&mail).unwrap();
    fs::write(
        mail.join("a.eml"),
        "From: w@example.org\nSubject: hi\n\nhello\n",
    )
    .unwrap();
    ok(env.sourdine(&["ingest", mail.to_str().unwrap()]));

    let file_after = fs::read(&status_file).unwrap();
    let times_after = run_folder_times(&run_dir);
    let seen_after = status_json(&sourdine, &env);
    let whoami: Value =
        serde_json::from_str(&ok(as_counsellor(&ticket, &env, &["whoami", "--json"]))).unwrap();
    let list: Value =
        serde_json::from_str(&ok(as_counsellor(&ticket, &env, &["list", "--json"]))).unwrap();
    let step_after = clock() - clock().rem_euclid(STEP);
    // The operator (root, like the service's own user) sees live counts.
    let live: Value = serde_json::from_str(&ok(env.sourdine(&["status", "--json"]))).unwrap();
    assert_eq!(live["report"]["open"], 1, "{live}");

    for (what, v) in [
        (
            "the status file",
            serde_json::from_slice(&file_after).unwrap(),
        ),
        ("sourdine status", seen_after.clone()),
        ("ticket whoami", whoami),
        ("ticket list", list),
    ] {
        all_on_steps(what, &v);
    }
    for (path, mtime) in times_before.iter().chain(&times_after) {
        assert_eq!(
            mtime.rem_euclid(STEP),
            0,
            "{} was modified off a step",
            path.display()
        );
    }
    if step_before == step_after {
        assert_eq!(
            file_after, file_before,
            "the status file was rewritten at the arrival"
        );
        assert_eq!(
            times_after, times_before,
            "the run folder's times moved at the arrival"
        );
        assert_eq!(seen_after["report"]["open"], 0, "{seen_after}");
        assert_eq!(
            seen_after["report"]["as_of"],
            seen_before["report"]["as_of"]
        );
    } else {
        eprintln!("the arrival fell across a step on this slow run: not compared");
    }

    // At the next step, the count shows, dated by the step.
    let deadline = std::time::Instant::now() + Duration::from_secs(2 * STEP as u64 + 30);
    let published = loop {
        let seen = status_json(&sourdine, &env);
        if seen["report"]["open"] == 1 {
            break seen;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never published: {seen}"
        );
        std::thread::sleep(Duration::from_millis(500));
    };
    all_on_steps("sourdine status", &published);
    let as_of: jiff::Timestamp = published["report"]["as_of"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(as_of.as_second() > step_before, "{published}");
    let file: Value = serde_json::from_slice(&fs::read(&status_file).unwrap()).unwrap();
    all_on_steps("the status file", &file);
    assert_eq!(file["report"]["open"], 1, "{file}");
    assert_eq!(
        fs::metadata(&status_file).unwrap().mtime(),
        as_of.as_second(),
        "the file's time is its step"
    );
    assert!(d.stop().success());
    for (path, mtime) in run_folder_times(&run_dir) {
        assert_eq!(mtime.rem_euclid(STEP), 0, "{} at stop", path.display());
    }
    let stopped: Value = serde_json::from_slice(&fs::read(&status_file).unwrap()).unwrap();
    assert_eq!(stopped["state"], "stopped");
    all_on_steps("the status file at stop", &stopped);
}
