//! `sourdine run` serving `ticket` over its socket: same answers as the store opened
//! directly, concurrency, the workflow, clean stop.

use std::fs;

use serde_json::Value;

use crate::common::{Env, bin, ok, text};

fn write_mails(dir: &std::path::Path, n: usize, tag: &str) {
    fs::create_dir_all(dir).unwrap();
    for i in 0..n {
        fs::write(
            dir.join(format!("{tag}-{i}.eml")),
            format!(
                "From: writer{i}@example.org\nTo: contact@helpline.example\nSubject: {tag} message {i}\nMessage-ID: <{tag}{i}@example.org>\n\nHello, this is message number {i} about sleepless nights.\n"
            ),
        )
        .unwrap();
    }
}

/// A fresh instance holding `n` tickets, taken in directly (no daemon).
fn env_with_mails(n: usize, tag: &str) -> Env {
    let env = Env::new();
    let dir = env.dir.path().join(tag);
    write_mails(&dir, n, tag);
    ok(env.sourdine(&["ingest", dir.to_str().unwrap()]));
    env
}

fn json(out: std::process::Output) -> Value {
    serde_json::from_str(&ok(out)).unwrap()
}

/// The same commands give the same output through the daemon as on the store directly.
#[test]
fn same_answers_through_the_daemon_and_directly() {
    let env = Env::new();
    ok(env.sourdine(&[
        "ingest",
        crate::common::root()
            .join("fixtures/clients")
            .to_str()
            .unwrap(),
    ]));
    let direct_list = ok(env.ticket(&["list", "--status", "all", "--json"]));
    let ids: Vec<String> = serde_json::from_str::<Value>(&direct_list)
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();
    let direct_show: Vec<String> = ids
        .iter()
        .map(|id| ok(env.ticket(&["show", id, "--json"])))
        .collect();
    let direct_human = ok(env.ticket(&["show", &ids[0]]));
    let direct_quarantine = ok(env.sourdine(&["quarantine", "list", "--json"]));

    let mut d = env.start_daemon();
    assert_eq!(
        ok(env.ticket(&["list", "--status", "all", "--json"])),
        direct_list
    );
    for (id, direct) in ids.iter().zip(&direct_show) {
        assert_eq!(
            &ok(env.ticket(&["show", id, "--json"])),
            direct,
            "ticket {id}"
        );
    }
    assert_eq!(ok(env.ticket(&["show", &ids[0]])), direct_human);
    assert_eq!(
        ok(env.sourdine(&["quarantine", "list", "--json"])),
        direct_quarantine
    );
    let who = json(env.ticket(&["whoami", "--json"]));
    assert_eq!(who["caller"]["role"], "supervisor");
    assert!(ok(env.ticket(&["whoami"])).contains("through the running service"));
    // The store is the daemon's: opening it directly now names the owner.
    let status = d.stop();
    assert!(
        status.success(),
        "sourdine run must exit 0 on SIGTERM: {status}"
    );
    assert!(ok(env.ticket(&["whoami"])).contains("store opened directly"));
}

/// A list whose answer is several pieces on the socket (tickets and audit entries, 64 KiB a
/// piece) reads back whole and the same as from the store opened directly.
#[test]
fn a_list_longer_than_one_piece_reads_the_same_through_the_daemon() {
    let env = env_with_mails(600, "long");
    let direct_list = ok(env.ticket(&["list", "--status", "all", "--json"]));
    assert!(
        direct_list.len() > 2 * 64 * 1024,
        "{} bytes: too short to need pieces",
        direct_list.len()
    );
    let direct_audit = json(env.sourdine(&["audit", "--json"]));
    let mut d = env.start_daemon();
    assert_eq!(
        ok(env.ticket(&["list", "--status", "all", "--json"])),
        direct_list
    );
    // The daemon's log is the same log, with what the daemon has recorded since after it.
    let audit = json(env.sourdine(&["audit", "--json"]));
    let (direct, served) = (direct_audit.as_array().unwrap(), audit.as_array().unwrap());
    assert!(serde_json::to_vec(&audit).unwrap().len() > 64 * 1024);
    assert_eq!(&served[..direct.len()], &direct[..]);
    assert!(d.stop().success());
}

/// `sourdine ingest` of a few hundred mails goes through the daemon while four `ticket`
/// processes list, show, note and tag at the same time: nothing fails, nothing is lost.
#[test]
fn concurrent_counsellors_while_ingesting() {
    let env = env_with_mails(20, "seed");
    let ids = env.ticket_ids();
    let d = env.start_daemon();
    let bulk = env.dir.path().join("bulk");
    write_mails(&bulk, 300, "bulk");

    let ingest = env
        .cmd("sourdine")
        .args(["ingest", "--json", bulk.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let rounds = 15;
    std::thread::scope(|s| {
        let mut workers = Vec::new();
        for w in 0..4 {
            let env = &env;
            let ids = &ids;
            workers.push(s.spawn(move || {
                for r in 0..rounds {
                    let id = &ids[(w * rounds + r) % ids.len()];
                    let out = match w {
                        0 => env.ticket(&["list", "--status", "all", "--json"]),
                        1 => env.ticket(&["show", id, "--json"]),
                        2 => env
                            .cmd("ticket")
                            .args(["note", id, "--file", "-"])
                            .stdin(std::process::Stdio::piped())
                            .stdout(std::process::Stdio::piped())
                            .stderr(std::process::Stdio::piped())
                            .spawn()
                            .and_then(|mut c| {
                                use std::io::Write;
                                c.stdin
                                    .take()
                                    .unwrap()
                                    .write_all(format!("note {w}/{r}").as_bytes())?;
                                c.wait_with_output()
                            })
                            .unwrap(),
                        _ => env.ticket(&["tag", id, &format!("t{r}")]),
                    };
                    assert!(
                        out.status.success(),
                        "worker {w} round {r}: {}",
                        text(&out.stderr)
                    );
                }
            }));
        }
        for w in workers {
            w.join().unwrap();
        }
    });
    let out = ingest.wait_with_output().unwrap();
    let counts: Value = serde_json::from_str(&ok(out)).unwrap();
    assert_eq!(counts["ticketed"], 300, "{counts}");
    let all = json(env.ticket(&["list", "--status", "all", "--json"]));
    assert_eq!(all.as_array().unwrap().len(), 320);
    // Every note and tag is there.
    let mut notes = 0;
    let mut tags = 0;
    for id in &ids {
        let t = json(env.ticket(&["show", id, "--json"]));
        notes += t["notes"].as_array().unwrap().len();
        tags += t["tags"].as_array().unwrap().len();
    }
    assert_eq!(notes, rounds);
    assert_eq!(tags, rounds);
    let v = json(env.sourdine(&["audit", "--verify", "--json"]));
    assert_eq!(v["ok"], true, "{v}");
    drop(d);
}

/// The workflow: note, tag, claim, urgent first, close and reopen, search with an excerpt.
#[test]
fn counsellor_workflow() {
    let env = env_with_mails(3, "wf");
    let _d = env.start_daemon();
    let ids = env.ticket_ids();
    let last = ids.last().unwrap();
    ok(env.ticket(&["urgent", last, "--reason", "danger"]));
    let list = json(env.ticket(&["list", "--json"]));
    assert_eq!(
        list[0]["id"].as_str(),
        Some(last.as_str()),
        "urgent tickets come first"
    );
    assert_eq!(
        json(env.ticket(&["list", "--urgent", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        1
    );

    ok(env.ticket(&["tag", &ids[0], "school"]));
    assert!(ok(env.ticket(&["tag", &ids[0], "school"])).contains("nothing changed"));
    assert_eq!(
        json(env.ticket(&["list", "--tag", "school", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        1
    );
    ok(env.ticket(&["untag", &ids[0], "school"]));
    assert_eq!(
        json(env.ticket(&["list", "--tag", "school", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        0
    );

    ok(env.ticket(&["claim", &ids[1]]));
    assert_eq!(
        json(env.ticket(&["list", "--mine", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        1
    );
    ok(env.ticket(&["release", &ids[1]]));
    assert_eq!(
        json(env.ticket(&["list", "--mine", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        json(env.ticket(&["list", "--unanswered", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        3
    );

    ok(env.ticket(&["close", &ids[2], "--type", "counselling"]));
    assert_eq!(
        json(env.ticket(&["list", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        json(env.ticket(&["list", "--status", "closed", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        1
    );
    ok(env.ticket(&["reopen", &ids[2]]));
    assert_eq!(
        json(env.ticket(&["list", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        3
    );

    let note = env
        .cmd("ticket")
        .args(["note", &ids[0], "--file", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin
                .take()
                .unwrap()
                .write_all(b"Called the school nurse, Thursday.")?;
            c.wait_with_output()
        })
        .unwrap();
    ok(note);
    let hits = json(env.ticket(&["search", "nurse", "--json"]));
    assert_eq!(hits.as_array().unwrap().len(), 1, "notes are searched");
    assert_eq!(hits[0]["id"].as_str(), Some(ids[0].as_str()));
    let hits = json(env.ticket(&["search", "SLEEPLESS", "nights", "--json"]));
    assert_eq!(hits.as_array().unwrap().len(), 3);
    assert!(hits[0]["excerpt"].as_str().unwrap().contains("sleepless"));
    let human = ok(env.ticket(&["search", "nurse"]));
    assert!(human.contains(&ids[0]));

    let missing = env.ticket(&["show", "ZZZZZZZZ"]);
    assert!(!missing.status.success());
    assert!(text(&missing.stderr).contains("ticket ZZZZZZZZ not found"));
    let empty = env
        .cmd("ticket")
        .args(["note", &ids[0], "--file", "-"])
        .output()
        .unwrap();
    assert!(!empty.status.success());
    assert!(
        text(&empty.stderr).contains("empty"),
        "{}",
        text(&empty.stderr)
    );
}

/// `sourdine status` works with and without the running service.
#[test]
fn status_with_and_without_the_service() {
    let env = Env::new();
    let out = env.sourdine(&["status"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out.stdout).contains("not running"));
    let mut d = env.start_daemon();
    let s = json(env.sourdine(&["status", "--json"]));
    assert_eq!(s["state"], "running");
    assert!(s["report"]["pid"].as_u64().is_some());
    assert!(d.stop().success());
    let out = env.sourdine(&["status"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        text(&out.stdout).contains("not running"),
        "{}",
        text(&out.stdout)
    );
}

/// `sourdine` (the service, `sourdine ingest` and the workers) allocates with jemalloc and the
/// settings `.cargo/config.toml` compiles into it: one arena, thread caches up to 4 KiB, freed
/// pages handed back after a second, large blocks on a page. Built without them, its memory
/// would pass the budgets of BENCHMARKS.md, and payload files would be copied before direct I/O.
#[test]
fn the_sourdine_program_allocates_with_jemalloc_as_configured() {
    let out = std::process::Command::new(bin("sourdine"))
        .arg("--version")
        .env("_RJEM_MALLOC_CONF", "stats_print:true")
        .output()
        .unwrap();
    assert!(out.status.success());
    let stats = text(&out.stderr);
    assert!(stats.contains("opt.narenas: 1\n"), "{stats}");
    assert!(stats.contains("opt.dirty_decay_ms: 1000 "), "{stats}");
    assert!(stats.contains("opt.tcache_max: 4096\n"), "{stats}");
    assert!(stats.contains("opt.cache_oblivious: false\n"), "{stats}");
}

/// The environment of a running process, as `NAME=value` strings.
fn environ_of(pid: u32) -> Vec<String> {
    fs::read(format!("/proc/{pid}/environ"))
        .unwrap()
        .split(|b| *b == 0)
        .map(|v| String::from_utf8_lossy(v).into_owned())
        .collect()
}

#[test]
fn the_service_returns_freed_pages_sooner_unless_the_operator_chose() {
    // Without the variable, `sourdine run` starts itself again (same pid) with it set.
    let env = Env::init_with("");
    let mut d = env.start_daemon();
    let pid = d.child.as_ref().unwrap().id();
    let vars = environ_of(pid);
    assert!(
        vars.contains(&"_RJEM_MALLOC_CONF=dirty_decay_ms:200".to_string()),
        "{vars:?}"
    );
    ok(env.ticket(&["list"]));
    d.stop();
    // The next start is seen by its socket appearing (it appears once the program has run).
    let _ = fs::remove_file(env.socket());

    // An operator's own setting stands, and nothing is added to it.
    let mut c = env.cmd("sourdine");
    c.arg("run")
        .env("_RJEM_MALLOC_CONF", "dirty_decay_ms:5000")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut child = c.spawn().unwrap();
    let t = std::time::Instant::now();
    while !env.socket().exists() && t.elapsed() < std::time::Duration::from_secs(30) {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(env.socket().exists(), "the service did not start");
    let vars = environ_of(child.id());
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    );
    let _ = child.wait();
    assert!(
        vars.contains(&"_RJEM_MALLOC_CONF=dirty_decay_ms:5000".to_string()),
        "{vars:?}"
    );
    assert_eq!(
        vars.iter()
            .filter(|v| v.starts_with("_RJEM_MALLOC_CONF="))
            .count(),
        1,
        "{vars:?}"
    );
}

/// At start the daemon has a child process read the whole store (and do the start-up
/// maintenance) and hand over the catalog: every ticket is listed and found, what an
/// interrupted commit left is removed once, and the catalog keeps up with changes.
#[test]
fn the_catalog_built_by_a_child_at_start_holds_every_ticket() {
    let env = env_with_mails(40, "child");
    let direct = env.ticket_ids();
    assert_eq!(direct.len(), 40);
    // A payload file no record names, as an interrupted commit leaves.
    let orphan = env.data_dir.join("files").join("interrupted-commit");
    fs::write(&orphan, b"sealed bytes nobody refers to").unwrap();

    let mut d = env.start_daemon();
    assert!(
        !orphan.exists(),
        "the child removes an interrupted commit's file before the daemon serves"
    );
    let mut through = env.ticket_ids();
    let mut expected = direct.clone();
    through.sort();
    expected.sort();
    assert_eq!(through, expected, "every ticket, through the daemon");
    let found = json(env.ticket(&["search", "sleepless", "--json", "--limit", "100"]));
    assert_eq!(found.as_array().unwrap().len(), 40);
    let one = json(env.ticket(&["search", "message 17", "--json"]));
    assert!(
        one.as_array()
            .unwrap()
            .iter()
            .any(|h| h["subject"] == "child message 17"),
        "{one}"
    );
    // The catalog taken over from the child is kept up to date.
    let note = env.dir.path().join("note.txt");
    fs::write(&note, "called back, prefers Wednesdays").unwrap();
    ok(env.ticket(&["note", &direct[3], "--file", note.to_str().unwrap()]));
    let hits = json(env.ticket(&["search", "wednesdays", "--json"]));
    assert_eq!(hits.as_array().unwrap().len(), 1);
    assert_eq!(hits[0]["id"], direct[3].as_str());
    ok(env.ticket(&["tag", &direct[5], "school"]));
    let tagged = json(env.ticket(&["list", "--tag", "school", "--json"]));
    assert_eq!(tagged[0]["id"], direct[5].as_str());
    // The child is gone: only the daemon holds the store.
    let pid = d.child.as_ref().unwrap().id();
    let children = fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap();
    for c in children.split_whitespace() {
        let cmdline = fs::read(format!("/proc/{c}/cmdline")).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&cmdline).contains("__catalog"),
            "the catalog child is still running"
        );
    }
    assert!(d.stop().success());
    assert!(
        !d.log_text().contains("could not be built in a child"),
        "{}",
        d.log_text()
    );
}

/// `sourdine __catalog` opens the store only for the parent that holds its lock: run by
/// hand (the lock free) or beside a running daemon (not its parent), it refuses and leaves
/// the store alone.
#[test]
fn the_catalog_child_refuses_a_store_its_parent_does_not_hold() {
    use std::io::Write;
    use std::process::Stdio;
    let env = env_with_mails(3, "alone");
    let cfg = sourdine::config::Config::load(&env.config).unwrap();
    let input = serde_json::json!({ "source": env.config, "config": cfg }).to_string();
    let run_child = || {
        let mut c = env
            .cmd("sourdine")
            .arg("__catalog")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        c.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        c.wait_with_output().unwrap()
    };
    let alone = run_child();
    assert!(!alone.status.success());
    assert!(alone.stdout.is_empty(), "no catalog is written");
    assert!(
        text(&alone.stderr).contains("sourdine run"),
        "{}",
        text(&alone.stderr)
    );
    let mut d = env.start_daemon();
    let beside = run_child();
    assert!(!beside.status.success());
    assert!(beside.stdout.is_empty());
    assert!(
        text(&beside.stderr).contains("locked") || text(&beside.stderr).contains("in use"),
        "{}",
        text(&beside.stderr)
    );
    assert_eq!(env.ticket_ids().len(), 3);
    assert!(d.stop().success());
}

/// `sourdine ingest` through the service sends the next batch before the answer to the one
/// before it (the service prepares one while the other commits): the batches are still
/// committed in the order sent, a service that dies at a commit keeps exactly the batches
/// before it, and the counts include the last answer.
#[test]
fn ingest_through_the_service_commits_batches_in_the_order_sent() {
    let env = Env::init_with("[intake]\nbatch_size = 5\n");
    let dir = env.dir.path().join("ordered");
    fs::create_dir_all(&dir).unwrap();
    for i in 0..40 {
        fs::write(
            dir.join(format!("m-{i:03}.eml")),
            format!(
                "From: w{i}@example.org\nTo: contact@helpline.example\nSubject: ordered {i:03}\nMessage-ID: <ordered{i}@example.org>\n\nWords of message {i}.\n"
            ),
        )
        .unwrap();
    }
    let subjects = |env: &Env| -> Vec<String> {
        let list = json(env.ticket(&["list", "--status", "all", "--json"]));
        let mut s: Vec<String> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["subject"].as_str().unwrap().to_string())
            .collect();
        s.sort();
        s
    };
    let expected =
        |n: usize| -> Vec<String> { (0..n).map(|i| format!("ordered {i:03}")).collect() };

    // The service dies just before its fourth commit: the first three batches stay, and
    // none after them (the fifth was already sent and prepared).
    let mut d = env.start_daemon_env(&[("SOURDINE_FAILPOINT", "remote-ingest-before-commit@4")]);
    let out = env.sourdine(&["ingest", dir.to_str().unwrap()]);
    assert!(
        !out.status.success(),
        "the ingest must fail with its service"
    );
    assert!(d.wait_exit(std::time::Duration::from_secs(30)).is_some());
    drop(d);
    let mut d = env.start_daemon();
    assert_eq!(subjects(&env), expected(15));

    // Again through the service: the rest is taken in, the first fifteen already seen.
    let counts = json(env.sourdine(&["ingest", "--json", dir.to_str().unwrap()]));
    assert_eq!(counts["ticketed"], 25, "{counts}");
    assert_eq!(counts["already_seen"], 15, "{counts}");
    assert_eq!(subjects(&env), expected(40));
    assert!(d.stop().success());
}

/// `ingest_following` carries its messages raw after its line: they are taken in. Messages
/// cut short, or lengths over the limit, are refused and nothing of them is taken in.
#[test]
fn raw_messages_after_an_ingest_line_are_taken_in_and_a_cut_batch_refused() {
    use std::io::{BufRead, BufReader, Write};
    let env = Env::init_with("");
    let mut d = env.start_daemon();
    let send = |lengths: &[u64], bytes: &[u8]| -> Value {
        let mut s = std::os::unix::net::UnixStream::connect(env.socket()).unwrap();
        let line = serde_json::json!({
            "v": 1,
            "request": { "op": "ingest_following", "lengths": lengths },
        });
        s.write_all(format!("{line}\n").as_bytes()).unwrap();
        s.write_all(bytes).unwrap();
        s.shutdown(std::net::Shutdown::Write).unwrap();
        let mut answer = String::new();
        BufReader::new(s).read_line(&mut answer).unwrap();
        serde_json::from_str(&answer).unwrap()
    };
    let one = b"From: w1@example.org\nSubject: raw one\nMessage-ID: <raw1@example.org>\n\nFirst.\n";
    let two =
        b"From: w2@example.org\nSubject: raw two\nMessage-ID: <raw2@example.org>\n\nSecond.\n";
    let both = [&one[..], &two[..]].concat();
    let lens = [one.len() as u64, two.len() as u64];

    let cut = send(&[lens[0], lens[1] + 10], &both);
    assert!(cut.to_string().contains("cut short"), "{cut}");
    let huge = send(&[u64::MAX, 2], b"");
    assert!(huge.to_string().contains("larger than"), "{huge}");
    let subjects = || text(&env.ticket(&["list", "--status", "all"]).stdout);
    assert!(!subjects().contains("raw one"), "{}", subjects());

    let taken = send(&lens, &both);
    assert!(taken.to_string().contains("ingested"), "{taken}");
    let listed = subjects();
    assert!(
        listed.contains("raw one") && listed.contains("raw two"),
        "{listed}"
    );
    assert!(d.stop().success());
}
