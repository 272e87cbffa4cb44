//! Replays the fuzz seeds and every saved fuzz finding through the fuzz targets' own checks,
//! without libFuzzer or a sanitizer: `fuzz/seeds/<target>/*` and `fuzz/artifacts/<target>/*`
//! (see FUZZING.md). Each case runs on its own thread with a bounded stack and a time limit,
//! as the fuzzer would run it; a panic, an abort or a timeout fails the test.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::common::root;

/// The checks, compiled from the fuzz crate's own source.
#[path = "../../fuzz/src/checks.rs"]
mod checks;

/// Stack of a replay thread. The service runs the cleaners on 16 MiB; the anonymiser's own
/// tests hold it to 2 MiB. Debug builds use bigger frames than the fuzzer's optimised ones.
fn stack_for(target: &str) -> usize {
    if target.starts_with("clean_") {
        16 << 20
    } else {
        4 << 20
    }
}

/// Longest a case may take (debug build, no sanitizer).
const CASE_TIME: Duration = Duration::from_secs(30);

/// The inputs of `target`: seeds then saved findings, sorted.
fn inputs(target: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for kind in ["seeds", "artifacts"] {
        let dir = root().join("fuzz").join(kind).join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut here: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && !is_hidden(p))
            .collect();
        here.sort();
        files.extend(here);
    }
    files
}

fn is_hidden(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}

/// Runs `check` on `data` on a thread with `stack` bytes of stack; Err says what went wrong.
fn run_case(
    stack: usize,
    limit: Duration,
    data: Vec<u8>,
    check: impl FnOnce(&[u8]) + Send + 'static,
) -> Result<Duration, String> {
    let (tx, rx) = mpsc::channel();
    let start = Instant::now();
    let handle = std::thread::Builder::new()
        .name("fuzz-replay".into())
        .stack_size(stack)
        .spawn(move || {
            check(&data);
            let _ = tx.send(());
        })
        .map_err(|e| format!("cannot start a thread: {e}"))?;
    match rx.recv_timeout(limit) {
        Ok(()) => {
            handle.join().map_err(|_| "panicked".to_string())?;
            Ok(start.elapsed())
        }
        // The sender went away without sending: the check panicked.
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            let _ = handle.join();
            Err("panicked".into())
        }
        // The thread is left behind; the test fails anyway.
        Err(mpsc::RecvTimeoutError::Timeout) => Err(format!("took more than {limit:?}")),
    }
}

#[test]
fn fuzz_seeds_and_findings_replay_without_panic() {
    let mut failures = Vec::new();
    let mut counts = Vec::new();
    for &target in checks::TARGETS {
        let files = inputs(target);
        assert!(
            !files.is_empty() || !root().join("fuzz/seeds").join(target).exists(),
            "{target}: no seeds"
        );
        for file in &files {
            let data = std::fs::read(file).unwrap();
            let check = move |d: &[u8]| checks::run(target, d);
            if let Err(what) = run_case(stack_for(target), CASE_TIME, data, check) {
                failures.push(format!("{target}: {}: {what}", file.display()));
            }
        }
        counts.push(format!("{target}: {}", files.len()));
    }
    eprintln!("replayed {}", counts.join(", "));
    assert!(
        failures.is_empty(),
        "fuzz inputs that fail:\n  {}",
        failures.join("\n  ")
    );
}

#[test]
fn every_target_has_seeds() {
    for &target in checks::TARGETS {
        let seeds = root().join("fuzz/seeds").join(target);
        let n = std::fs::read_dir(&seeds)
            .map(|d| d.filter_map(Result::ok).count())
            .unwrap_or(0);
        assert!(n > 0, "{} has no seeds", seeds.display());
    }
}

#[test]
fn the_replay_reports_a_panicking_case() {
    fn boom(data: &[u8]) {
        assert!(data.is_empty(), "planted panic");
    }
    assert!(run_case(1 << 20, CASE_TIME, Vec::new(), boom).is_ok());
    assert_eq!(
        run_case(1 << 20, CASE_TIME, b"x".to_vec(), boom),
        Err("panicked".to_string())
    );
    fn slow(_: &[u8]) {
        std::thread::sleep(Duration::from_secs(2));
    }
    assert!(
        run_case(1 << 20, Duration::from_millis(100), Vec::new(), slow)
            .unwrap_err()
            .starts_with("took more than")
    );
}

/// The cleaner seeds are valid files (but the hostile ones), so the idempotence check of the
/// cleaner targets is really exercised by the replay.
#[test]
fn cleaner_seeds_are_cleanable() {
    use sourdine::anonymise::AttachmentKind as K;
    use sourdine::anonymise::clean::{CleanLimits, clean};
    for (target, kind) in [
        ("clean_jpeg", K::Jpeg),
        ("clean_png", K::Png),
        ("clean_webp", K::Webp),
        ("clean_gif", K::Gif),
        ("clean_pdf", K::Pdf),
        ("clean_ooxml", K::Docx),
        ("clean_odf", K::Odt),
        ("clean_rtf", K::Rtf),
    ] {
        let seeds = root().join("fuzz/seeds").join(target);
        let mut n = 0;
        for file in std::fs::read_dir(&seeds).unwrap() {
            let file = file.unwrap().path();
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            let result = clean(
                kind,
                &std::fs::read(&file).unwrap(),
                &CleanLimits::default(),
            );
            if name.starts_with("fixture-hostile") {
                assert!(result.is_err(), "{name} is hostile, yet it was cleaned");
            } else {
                assert!(result.is_ok(), "{target}/{name}: {result:?}");
                n += 1;
            }
        }
        assert!(n >= 2, "{target}: only {n} cleanable seeds");
    }
}
