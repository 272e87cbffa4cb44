//! sourdine's benchmark suite: prints figures, asserts nothing about time.
//!
//! ```text
//! cargo bench --bench suite                     # every section, default sizes
//! cargo bench --bench suite -- desk idle        # some sections
//! SOURDINE_BENCH_SMOKE=1 cargo bench --bench suite   # tiny sizes, for CI (cannot rot)
//! ```
//!
//! Sections and their sizes (environment variables):
//! * `ingest` — mail-parser alone, the in-process pipeline, and `sourdine ingest` as a whole
//!   process on one generated corpus (`SOURDINE_BENCH_CORPUS`, default 2000; runs
//!   `SOURDINE_BENCH_INGEST_RUNS`, default 5); its peak RSS; bytes on disk;
//! * `intake` — `sourdine run --once` emptying a Dovecot mailbox (`SOURDINE_BENCH_MAILBOX`,
//!   default 2000) and the daemon's RSS while it takes mail in;
//! * `idle` — arrival-to-ticket latency through IDLE (`SOURDINE_BENCH_IDLE`, default 40);
//! * `desk` — `ticket list` / `ticket search` through the daemon with many tickets
//!   (`SOURDINE_BENCH_TICKETS`, default 100000) and the daemon's RSS, at a first start and at
//!   restarts with the catalog kept at the stop;
//! * `worst` — the slowest message shapes known, about 5 MB each (`SOURDINE_BENCH_WORST_KB`,
//!   default 5120), anonymised in-process: MB/s per shape.
//!
//! Runs per measurement: `SOURDINE_BENCH_RUNS` (default 10). Figures: median, p95, min–max.
//! `SOURDINE_BENCH_CONFIG` is appended to every instance's configuration.
//! `SOURDINE_BENCH_KEEP=1` keeps the desk section's instance (its path is printed) for profiling.

#[path = "../tests/integration/mailstack.rs"]
mod mailstack;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sourdine::anonymise::AttachmentContent;
use sourdine::config::Config;
use sourdine::control::client::Client;
use sourdine::control::protocol::{Request, Response};
use sourdine::intake::pipeline::{Arrival, Prepared, PreparedItem};
use sourdine::service::Service;
use sourdine_corpus::{Mix, generate};

fn env_usize(name: &str, default: usize, smoke: usize) -> usize {
    if smoke_mode() {
        return smoke;
    }
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn smoke_mode() -> bool {
    std::env::var("SOURDINE_BENCH_SMOKE").is_ok_and(|v| v == "1")
}

fn bin(name: &str) -> PathBuf {
    match name {
        "sourdine" => PathBuf::from(env!("CARGO_BIN_EXE_sourdine")),
        _ => PathBuf::from(env!("CARGO_BIN_EXE_ticket")),
    }
}

/// Median, p95, min, max of samples (seconds).
struct Stats {
    p50: f64,
    p95: f64,
    min: f64,
    max: f64,
    n: usize,
}

fn stats(mut v: Vec<f64>) -> Stats {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let at = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize];
    Stats {
        p50: at(0.5),
        p95: at(0.95),
        min: v[0],
        max: v[v.len() - 1],
        n: v.len(),
    }
}

fn ms(s: &Stats) -> String {
    format!(
        "p50 {:8.1} ms  p95 {:8.1} ms  (min {:.1}, max {:.1}, n={})",
        s.p50 * 1e3,
        s.p95 * 1e3,
        s.min * 1e3,
        s.max * 1e3,
        s.n
    )
}

/// A configured, initialised instance in a temporary directory.
struct Instance {
    dir: tempfile::TempDir,
    config: PathBuf,
}

impl Instance {
    /// An instance whose configuration ends with `extra`, then `$SOURDINE_BENCH_CONFIG` (to
    /// measure a setting, e.g. `[store] cache_mib`).
    fn new(extra: &str) -> Instance {
        let extra = format!(
            "{extra}\n{}",
            std::env::var("SOURDINE_BENCH_CONFIG").unwrap_or_default()
        );
        let dir = tempfile::Builder::new()
            .prefix("sourdine-bench.")
            .tempdir()
            .unwrap();
        let etc = dir.path().join("etc");
        fs::create_dir_all(&etc).unwrap();
        let config = etc.join("sourdine.toml");
        fs::write(
            &config,
            format!(
                "data_dir = \"{}\"\ncontact_address = \"contact@example.test\"\ncontrol_socket = \"{}\"\n[log]\nlevel = \"warn\"\n{extra}\n",
                dir.path().join("data").display(),
                dir.path().join("run/control.sock").display()
            ),
        )
        .unwrap();
        let out = self_cmd(&config, "sourdine").arg("init").output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        Instance { dir, config }
    }

    fn socket(&self) -> PathBuf {
        self.dir.path().join("run/control.sock")
    }

    fn cmd(&self, program: &str) -> Command {
        self_cmd(&self.config, program)
    }

    /// `sourdine run`, its output discarded.
    fn spawn_daemon(&self) -> std::process::Child {
        self.cmd("sourdine")
            .arg("run")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    }

    /// Starts `sourdine run`; returns it and the seconds until it answered a request.
    fn start_daemon(&self) -> (std::process::Child, f64) {
        let t = Instant::now();
        let child = self.spawn_daemon();
        // The socket is bound at once and answers "still loading" until the catalog is built.
        while Client::connect(&self.socket()).map_or(true, |mut c| c.call(Request::Whoami).is_err())
        {
            std::thread::sleep(Duration::from_millis(10));
            assert!(
                t.elapsed() < Duration::from_secs(600),
                "daemon did not start"
            );
        }
        (child, t.elapsed().as_secs_f64())
    }
}

impl Instance {
    /// Starts `sourdine run`; returns it and the seconds until `ticket list` first answered
    /// through the socket (before that, `ticket` says the service is still loading).
    fn start_until_listed(&self) -> (std::process::Child, f64) {
        let t = Instant::now();
        let child = self.spawn_daemon();
        loop {
            // Through the socket only: never the store opened directly beside the daemon.
            let listed = Command::new(bin("ticket"))
                .arg("--socket")
                .arg(self.socket())
                .args(["list", "--limit", "50"])
                .env_remove("SOURDINE_CONFIG")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .unwrap();
            if listed.success() {
                break;
            }
            assert!(
                t.elapsed() < Duration::from_secs(600),
                "daemon did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        (child, t.elapsed().as_secs_f64())
    }
}

fn self_cmd(config: &Path, program: &str) -> Command {
    let mut c = Command::new(bin(program));
    c.env("SOURDINE_CONFIG", config)
        .env("NO_COLOR", "1")
        .env_remove("SOURDINE_LOG")
        .stdin(Stdio::null());
    c
}

fn stop(mut child: std::process::Child) {
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    );
    let _ = child.wait();
}

/// (VmRSS, VmHWM) of a process, in MiB.
fn rss(pid: u32) -> (f64, f64) {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Runs a command `runs` times; wall-clock seconds of each.
fn time_runs(runs: usize, mut make: impl FnMut() -> Command) -> Vec<f64> {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            let out = make()
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            t.elapsed().as_secs_f64()
        })
        .collect()
}

fn text_mix() -> Mix {
    Mix {
        jpeg: 0,
        pdf: 0,
        ..Mix::default()
    }
}

/// `ticket list` and `ticket search` through the daemon with many tickets.
fn desk() {
    let tickets = env_usize("SOURDINE_BENCH_TICKETS", 100_000, 300) as u64;
    let runs = env_usize("SOURDINE_BENCH_RUNS", 10, 2);
    println!("\n== desk: {tickets} tickets, `ticket` through the daemon's socket ==");
    let inst = Instance::new("");
    let cfg = Config::load(&inst.config).unwrap();
    let t = Instant::now();
    {
        let service = Service::open(&cfg).unwrap();
        let mix = text_mix();
        let mut batch = Vec::new();
        for i in 0..tickets {
            batch.push(generate(7, i, &mix));
            if batch.len() == 1000 || i + 1 == tickets {
                service.ingest(std::mem::take(&mut batch)).unwrap();
            }
        }
        // Builds the catalog in this process, for the index's size.
        service
            .list(&sourdine::store::ListFilter::default())
            .unwrap();
        if let Some((words, bytes)) = service.index_stats() {
            println!(
                "search index: {words} words, about {:.1} MiB of bitmaps and words",
                bytes as f64 / 1048576.0
            );
        }
    }
    println!(
        "seeded {tickets} tickets in {:.1} s (in-process pipeline, durable batches of 1000)",
        t.elapsed().as_secs_f64()
    );
    let (daemon, ready) = inst.start_until_listed();
    let pid = daemon.id();
    let (now, peak) = rss(pid);
    println!(
        "first start (no kept catalog: every ticket read): `ticket list` answers {ready:.2} s after `sourdine run`; RSS {now:.1} MiB, peak {peak:.1} MiB"
    );
    let list = stats(time_runs(runs, || {
        let mut c = inst.cmd("ticket");
        c.arg("list");
        c
    }));
    println!(
        "ticket list (the table: first 50 of {tickets})  {}",
        ms(&list)
    );
    let list50 = stats(time_runs(runs, || {
        let mut c = inst.cmd("ticket");
        c.args(["list", "--limit", "50"]);
        c
    }));
    println!(
        "ticket list --limit 50                      {}",
        ms(&list50)
    );
    let json = stats(time_runs(runs, || {
        let mut c = inst.cmd("ticket");
        c.args(["list", "--status", "all", "--json"]);
        c
    }));
    println!("ticket list --status all --json             {}", ms(&json));
    for q in ["dormir", "school bullying", "angst", "anonymat"] {
        let s = stats(time_runs(runs, || {
            let mut c = inst.cmd("ticket");
            c.args(["search", q]);
            c
        }));
        println!("ticket search {q:<28} {}", ms(&s));
    }
    let mut client = Client::connect(&inst.socket()).unwrap();
    if let Ok(Response::Status(s)) = client.call(Request::Status) {
        println!("status: {} open tickets", s.open);
    }
    let (now, peak) = rss(pid);
    println!("daemon RSS after the queries {now:.1} MiB, peak {peak:.1} MiB");
    stop(daemon);
    for _ in 0..runs.min(3) {
        // A clean restart: the catalog kept at the stop is read back.
        let (daemon, ready) = inst.start_until_listed();
        let found = time_runs(1, || {
            let mut c = inst.cmd("ticket");
            c.args(["search", "dormir"]);
            c
        });
        let (now, peak) = rss(daemon.id());
        // Every ticket in one answer: the largest a counsellor can ask for.
        time_runs(1, || {
            let mut c = inst.cmd("ticket");
            c.args(["list", "--status", "all", "--json"]);
            c
        });
        let (_, after_all) = rss(daemon.id());
        println!(
            "restart (catalog kept at the stop): `ticket list` answers {ready:.2} s after `sourdine run`, `ticket search` {:.1} ms later; RSS {now:.1} MiB, peak {peak:.1} MiB; peak {after_all:.1} MiB after a list of every ticket",
            found[0] * 1e3
        );
        stop(daemon);
    }
    if std::env::var_os("SOURDINE_BENCH_KEEP").is_some() {
        let kept = inst.dir.keep();
        println!("kept the instance in {}", kept.display());
    }
}

/// Arrival-to-ticket latency through IDLE.
fn idle() {
    if !mailstack::available() {
        return;
    }
    let n = env_usize("SOURDINE_BENCH_IDLE", 40, 5);
    println!("\n== idle: arrival-to-ticket latency through IDLE, {n} messages one at a time ==");
    let stack = mailstack::MailStack::start();
    let pw = tempfile::NamedTempFile::new().unwrap();
    fs::write(pw.path(), "contact-pass\n").unwrap();
    let inst = Instance::new(&stack.imap_config("none", pw.path()));
    let (daemon, _) = inst.start_daemon();
    std::thread::sleep(Duration::from_millis(500));
    let mut client = Client::connect(&inst.socket()).unwrap();
    let taken = |c: &mut Client| match c.call(Request::Status) {
        Ok(Response::Status(s)) => s.intake.map(|i| i.taken_in).unwrap_or(0),
        _ => 0,
    };
    let mix = text_mix();
    let mut samples = Vec::new();
    for i in 0..n as u64 {
        let before = taken(&mut client);
        let msg = generate(11, i, &mix);
        let t = Instant::now();
        stack.send("writer@example.test", "contact@example.test", &msg);
        while taken(&mut client) == before {
            std::thread::sleep(Duration::from_millis(2));
            assert!(
                t.elapsed() < Duration::from_secs(30),
                "no ticket within 30 s"
            );
        }
        samples.push(t.elapsed().as_secs_f64());
        std::thread::sleep(Duration::from_millis(100));
    }
    let s = stats(samples);
    println!("SMTP accepted -> ticket on disk           {}", ms(&s));
    println!("(Dovecot waits 0.5 s before it notifies an IDLE client; no setting changes it)");
    stop(daemon);
}

/// `sourdine run --once` emptying a mailbox of a few thousand messages; daemon RSS while it
/// takes mail in.
fn intake() {
    if !mailstack::available() {
        return;
    }
    let n = env_usize("SOURDINE_BENCH_MAILBOX", 2000, 40);
    println!("\n== intake: a Dovecot mailbox of {n} generated messages (realistic mix) ==");
    let stack = mailstack::MailStack::start();
    let pw = tempfile::NamedTempFile::new().unwrap();
    fs::write(pw.path(), "contact-pass\n").unwrap();
    let mix = Mix::default();
    let fill = |stack: &mailstack::MailStack, seed: u64, wait: bool| {
        let t = Instant::now();
        let mut bytes = 0u64;
        std::thread::scope(|s| {
            let chunks: Vec<Vec<u64>> = (0..4)
                .map(|k| (0..n as u64).filter(|i| i % 4 == k).collect())
                .collect();
            let handles: Vec<_> = chunks
                .into_iter()
                .map(|chunk| {
                    let mix = mix.clone();
                    let port = stack.smtp;
                    s.spawn(move || {
                        let mut b = 0u64;
                        for i in chunk {
                            let m = generate(seed, i, &mix);
                            b += m.len() as u64;
                            mailstack::send_smtp(
                                port,
                                "writer@example.test",
                                "contact@example.test",
                                &m,
                            )
                            .unwrap();
                        }
                        b
                    })
                })
                .collect();
            for h in handles {
                bytes += h.join().unwrap();
            }
        });
        if wait {
            assert!(
                stack.wait_count("contact", "", n, Duration::from_secs(600)),
                "mailbox filled"
            );
        }
        println!(
            "mailbox filled with {n} messages ({:.1} MB) in {:.1} s",
            bytes as f64 / 1e6,
            t.elapsed().as_secs_f64()
        );
        bytes
    };
    let inst = Instance::new(&format!(
        "{}batch_size = 50\n",
        stack.imap_config("none", pw.path())
    ));
    let bytes = fill(&stack, 21, true);
    let t = Instant::now();
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%M %e"])
        .arg(bin("sourdine"))
        .args(["run", "--once"])
        .env("SOURDINE_CONFIG", &inst.config)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let secs = t.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let peak_kb: f64 = stderr
        .lines()
        .last()
        .and_then(|l| l.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    println!(
        "sourdine run --once: {n} messages in {secs:.1} s = {:.0} messages/s ({:.1} MB/s); peak RSS {:.1} MiB",
        n as f64 / secs,
        bytes as f64 / 1e6 / secs,
        peak_kb / 1024.0
    );
    assert_eq!(stack.count("contact", ""), 0);

    // The daemon while it takes mail in.
    let (daemon, _) = inst.start_daemon();
    let pid = daemon.id();
    let sampler = std::thread::spawn(move || {
        let mut peak: f64 = 0.0;
        for _ in 0..6000 {
            let (now, _) = rss(pid);
            if now == 0.0 {
                break;
            }
            peak = peak.max(now);
            std::thread::sleep(Duration::from_millis(20));
        }
        peak
    });
    fill(&stack, 22, false);
    std::thread::sleep(Duration::from_secs(2));
    assert!(stack.wait_count("contact", "", 0, Duration::from_secs(600)));
    let (_, hwm) = rss(pid);
    stop(daemon);
    let sampled = sampler.join().unwrap();
    println!(
        "sourdine run (IDLE) taking in {n} more: peak RSS {hwm:.1} MiB (sampled max {sampled:.1} MiB)"
    );
}

/// Seconds of a [`Stats`] as `median s (min–max)`.
fn secs(s: &Stats) -> String {
    format!("{:.2} s ({:.2}–{:.2})", s.p50, s.min, s.max)
}

/// Bytes allocated on disk (blocks) and apparent bytes of every file under `dir`.
fn disk_usage(dir: &Path) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    let (mut blocks, mut apparent) = (0, 0);
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap().flatten() {
            let m = e.metadata().unwrap();
            if m.is_dir() {
                stack.push(e.path());
            } else {
                blocks += m.blocks() * 512;
                apparent += m.len();
            }
        }
    }
    (blocks, apparent)
}

/// Bytes of what a prepared message stores: subject, text and kept or cleaned attachments.
fn cleaned_bytes(p: &Prepared) -> u64 {
    match &p.item {
        PreparedItem::Message(a) => {
            let files: usize = a
                .attachments
                .iter()
                .map(|att| match &att.content {
                    AttachmentContent::Kept(b) | AttachmentContent::Cleaned(b) => b.len(),
                    _ => 0,
                })
                .sum();
            (a.subject.len() + a.body.len() + files) as u64
        }
        PreparedItem::Rejected { raw, .. } => raw.len() as u64,
    }
}

/// The ingest corpus: `n` generated messages of the realistic mix, seed 11 (the `ingest` and
/// `prepare` sections read the same bytes).
fn ingest_corpus(n: usize) -> Vec<Vec<u8>> {
    let mix = Mix::default();
    (0..n as u64).map(|i| generate(11, i, &mix)).collect()
}

/// mail-parser alone, the in-process pipeline, and `sourdine ingest` as a whole process, on
/// the same corpus; RSS and bytes on disk. `SOURDINE_BENCH_INGEST_SECTIONS` (1) sections in
/// a row, then the median of their ratios (both kinds: see [`Ratios`]).
fn ingest() {
    let n = env_usize("SOURDINE_BENCH_CORPUS", 2000, 60);
    let runs = env_usize("SOURDINE_BENCH_INGEST_RUNS", 5, 1);
    let sections = env_usize("SOURDINE_BENCH_INGEST_SECTIONS", 1, 1);
    println!(
        "\n== ingest: {n} generated messages (realistic mix, seed 11), {runs} runs each, {sections} section(s) =="
    );
    let corpus = ingest_corpus(n);
    let dir = tempfile::Builder::new()
        .prefix("sourdine-bench-corpus.")
        .tempdir()
        .unwrap();
    for (i, m) in corpus.iter().enumerate() {
        fs::write(dir.path().join(format!("{i:06}.eml")), m).unwrap();
    }
    println!(
        "corpus: {n} messages, {:.1} MB",
        corpus.iter().map(|m| m.len()).sum::<usize>() as f64 / 1e6
    );
    // Every run's store is kept until the end: on ext4 without a journal, files created just
    // after thousands were deleted cost much more (recently freed inodes are skipped), a cost
    // of the benchmark's own clean-up, not of taking mail in.
    let mut kept = Vec::new();
    let mut ratios = Vec::new();
    for section in 1..=sections {
        if sections > 1 {
            println!("-- section {section} of {sections}");
        }
        ratios.push(ingest_section(&corpus, dir.path(), runs, &mut kept));
    }
    if sections > 1 {
        let summary = |what: &str, pick: fn(&Ratios) -> f64| {
            let each: Vec<f64> = ratios.iter().map(pick).collect();
            println!(
                "sourdine ingest / parse only, median of {sections} sections, {what}: {:.2}x ({})   (target <= 2x)",
                stats(each.clone()).p50,
                each.iter()
                    .map(|r| format!("{r:.2}x"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        };
        summary("of the rows' medians", |r| r.medians);
        summary("run by run", |r| r.paired);
    }
}

/// One ingest section: each row `runs` times; the ratios of `sourdine ingest` to parse only.
fn ingest_section(corpus: &[Vec<u8>], dir: &Path, runs: usize, kept: &mut Vec<Instance>) -> Ratios {
    let n = corpus.len();
    let input: u64 = corpus.iter().map(|m| m.len() as u64).sum();
    // 1. The parser alone: the practical limit.
    let parse_once = || {
        let t = Instant::now();
        for m in corpus {
            let parsed = mail_parser::MessageParser::default().parse(m.as_slice());
            std::hint::black_box(parsed.map(|p| p.parts.len()));
        }
        t.elapsed().as_secs_f64()
    };
    let parse = stats((0..runs).map(|_| parse_once()).collect());
    println!(
        "mail-parser parse only                  {}  {:>6.0} msg/s  1.00x",
        secs(&parse),
        n as f64 / parse.p50
    );

    // 2. The pipeline in-process: allow-list, sanitise, clean attachments (in the worker).
    let inst = Instance::new("");
    let cfg = Config::load(&inst.config).unwrap();
    kept.push(inst);
    let mut cleaned = 0;
    let prepare = {
        let service = Service::open(&cfg).unwrap();
        stats(
            (0..runs)
                .map(|_| {
                    let batches: Vec<Vec<(Vec<u8>, Arrival)>> = corpus
                        .chunks(cfg.intake.batch_size.max(1))
                        .map(|c| {
                            c.iter()
                                .map(|m| (m.clone(), Arrival::FromDateHeader))
                                .collect()
                        })
                        .collect();
                    cleaned = 0;
                    let t = Instant::now();
                    for batch in batches {
                        for p in service.pipeline().prepare_all(batch, &[]) {
                            cleaned += cleaned_bytes(&p);
                        }
                    }
                    t.elapsed().as_secs_f64()
                })
                .collect(),
        )
    };
    println!(
        "pipeline: anonymise + clean (batches)   {}  {:>6.0} msg/s  {:.2}x",
        secs(&prepare),
        n as f64 / prepare.p50,
        prepare.p50 / parse.p50
    );
    // ... and sealed, encrypted, committed in durable batches (a fresh store each run).
    let full = stats(
        (0..runs)
            .map(|_| {
                let inst = Instance::new("");
                let cfg = Config::load(&inst.config).unwrap();
                let service = Service::open(&cfg).unwrap();
                let t = Instant::now();
                for chunk in corpus.chunks(cfg.intake.batch_size.max(1)) {
                    service.ingest(chunk.to_vec()).unwrap();
                }
                let secs = t.elapsed().as_secs_f64();
                drop(service);
                kept.push(inst);
                secs
            })
            .collect(),
    );
    println!(
        "pipeline + seal + encrypt + durable     {}  {:>6.0} msg/s  {:.2}x",
        secs(&full),
        n as f64 / full.p50,
        full.p50 / parse.p50
    );

    // 3. `sourdine ingest` as a whole process, durable, into a fresh store each run. Each run
    // is paired with a parse-only run just before it: this machine's speed drifts over tens of
    // seconds, and a ratio of two runs a second apart follows less of the drift.
    let mut walls = Vec::new();
    let mut paired = Vec::new();
    let mut peaks = Vec::new();
    let mut disk = (0, 0);
    for run in 0..runs {
        let inst = Instance::new("");
        let parsed = parse_once();
        let (wall, peak) = timed_ingest(&inst, dir);
        paired.push(wall / parsed);
        walls.push(wall);
        peaks.push(peak);
        if run == 0 {
            disk = disk_usage(&inst.dir.path().join("data"));
        }
        kept.push(inst);
    }
    let wall = stats(walls);
    let peak = stats(peaks);
    println!(
        "sourdine ingest (process, durable)      {}  {:>6.0} msg/s  {:.2}x   (target <= 2x)",
        secs(&wall),
        n as f64 / wall.p50,
        wall.p50 / parse.p50
    );
    let paired = stats(paired);
    println!(
        "sourdine ingest / parse only, run by run {:.2}x ({:.2}–{:.2}x)   (target <= 2x)",
        paired.p50, paired.min, paired.max
    );
    println!(
        "sourdine ingest peak RSS                {:.1} MiB ({:.1}–{:.1})   (target <= 64 MiB)",
        peak.p50, peak.min, peak.max
    );
    println!(
        "data directory: {:.1} MB on disk ({:.1} MB apparent) for {:.1} MB of cleaned content = {:.2}x (target <= 1.5x); {:.2} bytes per input byte",
        disk.0 as f64 / 1e6,
        disk.1 as f64 / 1e6,
        cleaned as f64 / 1e6,
        disk.0 as f64 / cleaned.max(1) as f64,
        disk.0 as f64 / input.max(1) as f64
    );

    // 4. The same command through a running service (`sourdine run` answering on its socket):
    // the service prepares and commits what the command sends.
    let mut remote = Vec::new();
    let mut daemon_peaks = Vec::new();
    for _ in 0..runs {
        let inst = Instance::new("");
        let (daemon, _) = inst.start_until_listed();
        remote.push(timed_ingest(&inst, dir).0);
        daemon_peaks.push(rss(daemon.id()).1);
        stop(daemon);
        kept.push(inst);
    }
    let remote = stats(remote);
    let daemon_peak = stats(daemon_peaks);
    println!(
        "sourdine ingest through the service     {}  {:>6.0} msg/s  {:.2}x   (service peak RSS {:.1} MiB, {:.1}–{:.1})",
        secs(&remote),
        n as f64 / remote.p50,
        remote.p50 / parse.p50,
        daemon_peak.p50,
        daemon_peak.min,
        daemon_peak.max
    );
    Ratios {
        medians: wall.p50 / parse.p50,
        paired: paired.p50,
    }
}

/// One ingest section's ratio of `sourdine ingest` to parse only: of the two rows' medians,
/// and the median of the runs' ratios, each run paired with a parse-only run just before it.
#[derive(Clone, Copy)]
struct Ratios {
    medians: f64,
    paired: f64,
}

/// Runs `sourdine ingest DIR` for `inst` (through its service when one is running): wall
/// seconds and the command's peak RSS in MiB, from GNU time.
fn timed_ingest(inst: &Instance, dir: &Path) -> (f64, f64) {
    warm(dir);
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%e %M"])
        .arg(bin("sourdine"))
        .arg("ingest")
        .arg(dir)
        .env("SOURDINE_CONFIG", &inst.config)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let last: Vec<f64> = stderr
        .lines()
        .last()
        .unwrap_or("")
        .split_whitespace()
        .filter_map(|v| v.parse().ok())
        .collect();
    (
        last.first().copied().unwrap_or(f64::NAN),
        last.get(1).copied().unwrap_or(f64::NAN) / 1024.0,
    )
}

/// Reads every file of `dir` (not timed), so that the command timed next reads its input from
/// the page cache, as the parse-only row reads it from memory. This machine's kernel reclaims
/// pages it has not used lately (DAMON's proactive reclaim): after a few runs have written
/// hundreds of megabytes, part of the corpus was read from the disk again, up to a tenth of
/// the run's time.
fn warm(dir: &Path) {
    for entry in fs::read_dir(dir).unwrap() {
        std::hint::black_box(fs::read(entry.unwrap().path()).unwrap());
    }
}

/// CPU time of this process so far (user and system), in seconds: on a machine shared with
/// other work, steadier than the wall clock for a pass that runs on one thread.
fn cpu_seconds() -> f64 {
    nix::time::clock_gettime(nix::time::ClockId::CLOCK_PROCESS_CPUTIME_ID)
        .map(|t| t.tv_sec() as f64 + t.tv_nsec() as f64 / 1e9)
        .unwrap_or(f64::NAN)
}

/// The slowest inputs known, each at about 5 MB (`SOURDINE_BENCH_WORST_KB`), prepared by the
/// anonymiser in-process: MB/s per shape (`sourdine_corpus::hostile`).
fn worst() {
    let kb = env_usize("SOURDINE_BENCH_WORST_KB", 5 << 10, 64);
    let runs = env_usize("SOURDINE_BENCH_RUNS", 10, 1).min(3);
    println!(
        "\n== worst: hostile shapes of about {kb} KB each, anonymised in-process, best of {runs} =="
    );
    let cfg = Config::load(&Instance::new("").config).unwrap();
    let opts = cfg.anonymise_options();
    // `SOURDINE_BENCH_WORST_SHAPES=a,b` measures only those shapes (for profiling one).
    let only = std::env::var("SOURDINE_BENCH_WORST_SHAPES").unwrap_or_default();
    let mut slowest: Option<(&str, f64)> = None;
    for shape in sourdine_corpus::hostile::SHAPES {
        if !only.is_empty() && !only.split(',').any(|s| s == *shape) {
            continue;
        }
        let raw = sourdine_corpus::hostile::hostile(shape, kb << 10).unwrap();
        let best = (0..runs)
            .map(|_| {
                let (t, cpu) = (Instant::now(), cpu_seconds());
                let out = sourdine::anonymise::anonymise(&raw, &opts);
                let spent = t.elapsed().as_secs_f64();
                let cpu = cpu_seconds() - cpu;
                // A digest of what came out, so that a change meant only to be faster can be
                // seen to leave the output as it was.
                let (outcome, seen) = match &out {
                    Ok(a) => (
                        "ticketed",
                        format!("{:?}{:?}{:?}", a.subject, a.body, a.attachments),
                    ),
                    Err(e) => ("refused", format!("{e:?}")),
                };
                let digest = blake3::hash(seen.as_bytes()).to_hex()[..12].to_string();
                (spent, outcome, digest, cpu)
            })
            .fold((f64::MAX, "", String::new(), 0.0), |a, b| {
                if b.0 < a.0 { b } else { a }
            });
        let rate = raw.len() as f64 / 1e6 / best.0;
        println!(
            "{shape:24} {:>6.1} MB  {:>8.3} s  {:>7.2} MB/s  ({:>6.2} MB/s of CPU)  ({}, output {}){}",
            raw.len() as f64 / 1e6,
            best.0,
            rate,
            raw.len() as f64 / 1e6 / best.3,
            best.1,
            best.2,
            if rate < 5.0 { "  below 5 MB/s" } else { "" }
        );
        if slowest.is_none_or(|(_, r)| rate < r) {
            slowest = Some((shape, rate));
        }
    }
    if let Some((shape, rate)) = slowest {
        println!("slowest: {shape} at {rate:.2} MB/s (target >= 5 MB/s for every shape)");
    }
}

/// The anonymiser alone on the ingest benchmark's corpus, in-process on one thread (no
/// workers, no attachment cleaning, no store): CPU seconds per pass, best and median of
/// `SOURDINE_BENCH_RUNS` (10), and a digest of everything that came out, so that a change
/// meant only to be faster can be seen to leave every message's output as it was. One
/// thread's CPU time varies far less on a shared machine than a whole `sourdine ingest`.
fn prepare() {
    let n = env_usize("SOURDINE_BENCH_CORPUS", 2000, 60);
    let runs = env_usize("SOURDINE_BENCH_RUNS", 10, 1);
    println!(
        "\n== prepare: the anonymiser alone, one thread, {n} generated messages (seed 11), {runs} runs =="
    );
    let corpus = ingest_corpus(n);
    let input: usize = corpus.iter().map(|m| m.len()).sum();
    let opts = Config::load(&Instance::new("").config)
        .unwrap()
        .anonymise_options();
    let mut digest = String::new();
    let cpu: Vec<f64> = (0..runs)
        .map(|run| {
            let mut seen = blake3::Hasher::new();
            let mut spent = 0.0;
            for m in &corpus {
                let start = cpu_seconds();
                let out = sourdine::anonymise::anonymise(m, &opts);
                spent += cpu_seconds() - start;
                // The digest (of the first run, outside the timing) covers every byte kept.
                if run == 0 {
                    match out {
                        Ok(a) => seen.update(
                            format!("{:?}{:?}{:?}", a.subject, a.body, a.attachments).as_bytes(),
                        ),
                        Err(e) => seen.update(format!("{e:?}").as_bytes()),
                    };
                }
            }
            if run == 0 {
                digest = seen.finalize().to_hex()[..12].to_string();
            }
            spent
        })
        .collect();
    let cpu = stats(cpu);
    println!(
        "anonymise, CPU per pass                 {:.3} s best, {:.3} s median ({:.3}–{:.3})  {:>6.1} MB/s of CPU  (output {digest})",
        cpu.min,
        cpu.p50,
        cpu.min,
        cpu.max,
        input as f64 / 1e6 / cpu.p50
    );
}

fn main() {
    // `cargo test --all-targets` runs this target too, without `--bench`: the suite is far too
    // long for a test run, so it only runs under `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        println!(
            "sourdine benchmark suite: run it with `cargo bench --bench suite` (see BENCHMARKS.md)"
        );
        return;
    }
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let want = |s: &str| args.is_empty() || args.iter().any(|a| a == s);
    println!(
        "sourdine benchmark suite{}",
        if smoke_mode() {
            " (smoke sizes: figures mean nothing)"
        } else {
            ""
        }
    );
    println!(
        "machine: {} cores, {}",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(
                |c| c.lines().find(|l| l.starts_with("model name")).map(|l| l
                    .split(':')
                    .nth(1)
                    .unwrap_or("")
                    .trim()
                    .to_string())
            )
            .unwrap_or_default()
    );
    if want("ingest") {
        ingest();
    }
    if want("desk") {
        desk();
    }
    if want("idle") {
        idle();
    }
    if want("intake") {
        intake();
    }
    if want("worst") {
        worst();
    }
    if want("prepare") {
        prepare();
    }
}
