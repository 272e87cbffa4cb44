//! A batch commit ends in fsync of every file that holds the batch (checked with strace).

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::process::Command;

use crate::common::{Env, bin, ok};

/// Runs `sourdine ingest` under strace and checks that, when it reports its counts, every
/// file it wrote under the data directory has been fsync'd after its last write, and every
/// directory in which it created a file has been fsync'd after the creation.
#[test]
fn batch_commit_fsyncs_every_file_it_wrote() {
    if Command::new("strace").arg("-V").output().is_err() {
        eprintln!("SKIPPED: strace is not installed (apt install strace)");
        return;
    }
    let env = Env::init_with("[intake]\nbatch_size = 3\n");
    let input = env.dir.path().join("in");
    fs::create_dir_all(&input).unwrap();
    for i in 0..7 {
        let big = "x".repeat(if i == 3 { 300_000 } else { 100 });
        fs::write(
            input.join(format!("{i}.eml")),
            format!("From: w{i}@example.org\nSubject: s{i}\n\nbody {i}\n{big}\n"),
        )
        .unwrap();
    }
    fs::write(input.join("empty.eml"), "").unwrap();
    let trace = env.dir.path().join("trace");
    let out = Command::new("strace")
        .args(["-f", "-qq", "-o"])
        .arg(&trace)
        .args([
            "-e",
            "trace=openat,creat,write,pwrite64,writev,pwritev,pwritev2,fsync,fdatasync,close,dup,dup2,dup3,fcntl,rename,renameat,renameat2,mkdir,mkdirat",
        ])
        .arg(bin("sourdine"))
        .args(["ingest", "--json"])
        .arg(&input)
        .env("SOURDINE_CONFIG", &env.config)
        .output()
        .unwrap();
    let summary = ok(out);
    assert!(summary.contains("\"ticketed\":7"), "{summary}");

    let data = env.data_dir.to_str().unwrap().to_string();
    let lines = fs::read_to_string(&trace).unwrap();
    let mut fds: HashMap<i64, String> = HashMap::new();
    let mut dirty: BTreeSet<String> = BTreeSet::new();
    let mut dirty_dirs: BTreeSet<String> = BTreeSet::new();
    let mut checked = false;
    let mut synced = BTreeSet::new();
    for line in lines.lines() {
        // "PID syscall(args) = ret"
        let Some((_, call)) = line.split_once(' ') else {
            continue;
        };
        let call = call.trim_start();
        let ret: i64 = call
            .rsplit_once("= ")
            .and_then(|(_, r)| r.split_whitespace().next())
            .and_then(|r| r.parse().ok())
            .unwrap_or(-1);
        let arg0 = call
            .split_once('(')
            .map(|(_, a)| a.split([',', ')']).next().unwrap_or("").trim().to_string())
            .unwrap_or_default();
        let name = call.split('(').next().unwrap_or("");
        let path_arg = || call.split('"').nth(1).unwrap_or("").to_string();
        match name {
            "openat" | "creat" if ret >= 0 => {
                let p = path_arg();
                // The lock file is opened with O_CREAT at every start; it holds no data.
                if call.contains("O_CREAT")
                    && p.starts_with(&data)
                    && !p.ends_with("/lock")
                    && let Some(parent) = std::path::Path::new(&p).parent()
                {
                    dirty_dirs.insert(parent.to_string_lossy().into_owned());
                }
                fds.insert(ret, p);
            }
            "mkdir" | "mkdirat" if ret == 0 => {
                let p = path_arg();
                if let Some(parent) = std::path::Path::new(&p).parent() {
                    dirty_dirs.insert(parent.to_string_lossy().into_owned());
                }
            }
            "rename" | "renameat" | "renameat2" if ret == 0 => {
                for p in call.split('"').skip(1).step_by(2) {
                    if let Some(parent) = std::path::Path::new(p).parent() {
                        dirty_dirs.insert(parent.to_string_lossy().into_owned());
                    }
                }
            }
            "dup" | "dup2" | "dup3" | "fcntl" if ret >= 0 => {
                if (name != "fcntl" || call.contains("F_DUPFD"))
                    && let Ok(old) = arg0.parse::<i64>()
                    && let Some(p) = fds.get(&old).cloned()
                {
                    fds.insert(ret, p);
                }
            }
            "close" => {
                if let Ok(fd) = arg0.parse::<i64>() {
                    fds.remove(&fd);
                }
            }
            "write" | "pwrite64" | "writev" | "pwritev" | "pwritev2" if ret > 0 => {
                let Ok(fd) = arg0.parse::<i64>() else {
                    continue;
                };
                if fd == 1 && call.contains("ticketed") {
                    // The moment the tool reports success: everything must be durable.
                    let lock = format!("{data}/lock");
                    let left: Vec<_> = dirty.iter().filter(|p| **p != lock).cloned().collect();
                    assert!(
                        left.is_empty(),
                        "written but not fsync'd before success: {left:?}"
                    );
                    let dirs: Vec<_> = dirty_dirs.iter().cloned().collect();
                    assert!(
                        dirs.is_empty(),
                        "directories with new entries not fsync'd: {dirs:?}"
                    );
                    checked = true;
                } else if let Some(p) = fds.get(&fd)
                    && p.starts_with(&data)
                {
                    dirty.insert(p.clone());
                }
            }
            "fsync" | "fdatasync" if ret == 0 => {
                if let Ok(fd) = arg0.parse::<i64>()
                    && let Some(p) = fds.get(&fd)
                {
                    dirty.remove(p);
                    dirty_dirs.remove(p);
                    synced.insert(p.clone());
                }
            }
            _ => {}
        }
    }
    assert!(checked, "the summary line was not seen in the trace");
    let synced_store: Vec<_> = synced.iter().filter(|p| p.starts_with(&data)).collect();
    assert!(
        synced_store.iter().any(|p| p.ends_with("/db/db")),
        "sled's log was fsync'd: {synced_store:?}"
    );
    assert!(
        synced_store.iter().any(|p| p.contains("/files/")),
        "payload files were fsync'd"
    );
    eprintln!(
        "fsync'd before reporting success: {} store paths",
        synced_store.len()
    );
}
