//! Deployment: the systemd units, the install script, the generated manual pages, and the
//! published privacy promise, each checked against the code or the operator's guide so that
//! none of them can drift.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use regex::Regex;
use sourdine::config::{Config, RetentionConfig};

use crate::common::{Env, bin, ok, root, text};

/// The three services; they share one set of protections.
const SERVICES: [&str; 3] = [
    "sourdine.service",
    "sourdine@.service",
    "sourdine-once.service",
];
/// Every unit shipped in deploy/systemd.
const UNITS: [&str; 4] = [
    "sourdine.service",
    "sourdine@.service",
    "sourdine-once.service",
    "sourdine-once.timer",
];
/// The path every unit names the program by; install.sh rewrites it for another prefix.
const INSTALLED_BIN: &str = "/usr/local/bin/sourdine";

/// The units' system-call allow-list: what an ordinary service needs, plus the calls with
/// which the attachment cleaner confines itself (seccomp, Landlock).
const SYSCALL_FILTER: &str =
    "@system-service seccomp landlock_create_ruleset landlock_add_rule landlock_restrict_self";

/// Settings the single-helpline service must have, as the brief and the guide state them.
const REQUIRED: &[(&str, &str)] = &[
    ("User", "sourdine"),
    ("Group", "sourdine"),
    (
        "ExecStart",
        "/usr/local/bin/sourdine run --config /etc/sourdine/sourdine.toml",
    ),
    ("Type", "simple"),
    ("Restart", "on-failure"),
    ("KillSignal", "SIGTERM"),
    ("TimeoutStopSec", "90"),
    ("StateDirectory", "sourdine sourdine-keys"),
    ("StateDirectoryMode", "0700"),
    ("RuntimeDirectory", "sourdine"),
    ("RuntimeDirectoryMode", "0750"),
    ("ConfigurationDirectory", "sourdine"),
    ("UMask", "0077"),
    ("LimitCORE", "0"),
    ("NoNewPrivileges", "yes"),
    ("CapabilityBoundingSet", ""),
    ("AmbientCapabilities", ""),
    ("ProtectSystem", "strict"),
    ("ProtectHome", "yes"),
    ("PrivateTmp", "yes"),
    ("PrivateDevices", "yes"),
    ("ProtectKernelTunables", "yes"),
    ("ProtectKernelModules", "yes"),
    ("ProtectControlGroups", "yes"),
    ("ProtectClock", "yes"),
    ("ProtectHostname", "yes"),
    ("RestrictNamespaces", "yes"),
    ("RestrictRealtime", "yes"),
    ("RestrictSUIDSGID", "yes"),
    ("LockPersonality", "yes"),
    ("MemoryDenyWriteExecute", "yes"),
    ("RestrictAddressFamilies", "AF_UNIX AF_INET AF_INET6"),
    ("SystemCallFilter", SYSCALL_FILTER),
    ("SystemCallArchitectures", "native"),
];

/// [Service] keys that legitimately differ between the three services (who, what, where).
const PER_UNIT: &[&str] = &[
    "User",
    "Group",
    "ExecStart",
    "Type",
    "Restart",
    "RestartSec",
    "TimeoutStartSec",
    "StateDirectory",
    "RuntimeDirectory",
    "RuntimeDirectoryMode",
    "ConfigurationDirectory",
];

// --- helpers ------------------------------------------------------------------------------

/// A unit file: section name -> (key, value) in file order.
type Unit = BTreeMap<String, Vec<(String, String)>>;

fn unit_text(name: &str) -> String {
    let path = root().join("deploy/systemd").join(name);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn parse_unit(text: &str) -> Unit {
    let mut unit = Unit::new();
    let mut section = String::new();
    let mut pending = String::new();
    for raw in text.lines() {
        let line = raw.trim();
        if pending.is_empty() && (line.is_empty() || line.starts_with('#') || line.starts_with(';'))
        {
            continue;
        }
        if let Some(cont) = line.strip_suffix('\\') {
            pending.push_str(cont);
            pending.push(' ');
            continue;
        }
        let line = std::mem::take(&mut pending) + line;
        if line.starts_with('[') && line.ends_with(']') {
            section = line[1..line.len() - 1].to_string();
            continue;
        }
        let (k, v) = line
            .split_once('=')
            .unwrap_or_else(|| panic!("not a setting: {line}"));
        unit.entry(section.clone())
            .or_default()
            .push((k.trim().to_string(), v.trim().to_string()));
    }
    unit
}

fn unit(name: &str) -> Unit {
    parse_unit(&unit_text(name))
}

/// The values of `key` in `section` (systemd allows a key more than once).
fn values<'a>(u: &'a Unit, section: &str, key: &str) -> Vec<&'a str> {
    u.get(section)
        .map(|s| {
            s.iter()
                .filter(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
                .collect()
        })
        .unwrap_or_default()
}

/// The one value of `key` in `section`.
#[track_caller]
fn value<'a>(u: &'a Unit, section: &str, key: &str) -> &'a str {
    let v = values(u, section, key);
    assert_eq!(
        v.len(),
        1,
        "[{section}] {key}= should be set exactly once: {v:?}"
    );
    v[0]
}

fn guide() -> String {
    fs::read_to_string(root().join("docs/OPERATING.md")).unwrap()
}

/// Whether `tool` is on the PATH.
fn have(tool: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|d| {
            let p = d.join(tool);
            p.is_file()
                && std::os::unix::fs::PermissionsExt::mode(&p.metadata().unwrap().permissions())
                    & 0o111
                    != 0
        })
    })
}

/// `program __generate-docs --out DIR`; returns the files it reported.
fn generate_docs(program: &str, out: &Path) -> Vec<String> {
    let o = Command::new(bin(program))
        .args(["__generate-docs", "--out"])
        .arg(out)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    ok(o).lines().map(str::to_string).collect()
}

/// Runs deploy/install.sh with `args`.
fn install_sh(args: &[&str]) -> Output {
    let bin_dir = bin("sourdine").parent().unwrap().to_path_buf();
    Command::new("bash")
        .arg(root().join("deploy/install.sh"))
        .arg("--bin-dir")
        .arg(&bin_dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// The system calls a SystemCallFilter= allow-list names (sets like `@system-service`
/// expanded, nested sets too), as this machine's systemd defines them.
fn syscall_set(filter: &str) -> BTreeSet<String> {
    assert!(!filter.starts_with('~'), "a deny-list filter: {filter}");
    let out = ok(Command::new("systemd-analyze")
        .arg("syscall-filter")
        .output()
        .unwrap());
    let mut sets: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut current = None;
    for line in out.lines() {
        if line.starts_with('@') {
            let n = line.split_whitespace().next().unwrap().to_string();
            sets.insert(n.clone(), Vec::new());
            current = Some(n);
        } else if let (Some(c), Some(item)) = (&current, line.strip_prefix("    ")) {
            let item = item.trim();
            if !item.is_empty() && !item.starts_with('#') {
                sets.get_mut(c).unwrap().push(item.to_string());
            }
        }
    }
    fn expand(sets: &BTreeMap<String, Vec<String>>, name: &str, out: &mut BTreeSet<String>) {
        for item in sets
            .get(name)
            .unwrap_or_else(|| panic!("unknown set {name}"))
        {
            if item.starts_with('@') {
                expand(sets, item, out);
            } else {
                out.insert(item.clone());
            }
        }
    }
    let mut all = BTreeSet::new();
    for item in filter.split_whitespace() {
        if item.starts_with('@') {
            expand(&sets, item, &mut all);
        } else {
            all.insert(item.to_string());
        }
    }
    all
}

/// Checks that a configuration written by install.sh names exactly the folders that the
/// unit gives the service (systemd creates those, and the service may write nowhere else).
fn assert_config_fits_unit(cfg: &Config, config_path: &str, u: &Unit, instance: Option<&str>) {
    let subst = |s: &str| match instance {
        Some(i) => s.replace("%i", i),
        None => s.to_string(),
    };
    let exec = subst(value(u, "Service", "ExecStart"));
    assert!(
        exec.ends_with(&format!("--config {config_path}")),
        "ExecStart={exec} should name {config_path}"
    );
    let states: Vec<PathBuf> = subst(value(u, "Service", "StateDirectory"))
        .split_whitespace()
        .map(|d| Path::new("/var/lib").join(d))
        .collect();
    assert_eq!(
        states,
        vec![cfg.data_dir.clone(), cfg.key_dir()],
        "StateDirectory= must give data_dir then key_dir"
    );
    assert!(!cfg.key_dir().starts_with(&cfg.data_dir));
    let runtime = Path::new("/run").join(subst(value(u, "Service", "RuntimeDirectory")));
    assert_eq!(
        cfg.runtime_dir(),
        runtime,
        "control_socket must be in RuntimeDirectory="
    );
    let conf = Path::new("/etc").join(subst(value(u, "Service", "ConfigurationDirectory")));
    assert_eq!(Path::new(config_path).parent().unwrap(), conf);
}

// --- (a) systemd-analyze verify -----------------------------------------------------------

#[test]
fn systemd_analyze_verifies_every_unit() {
    if !have("systemd-analyze") {
        eprintln!("SKIPPED: systemd-analyze is not installed (apt install systemd)");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    // The units name /usr/local/bin/sourdine, which verify requires to exist: point them at
    // the binary under test. The template is verified as an instance (`demo`).
    let dir = tmp.path().join("units");
    fs::create_dir(&dir).unwrap();
    let program = bin("sourdine");
    let mut files = Vec::new();
    for name in UNITS {
        let text = unit_text(name).replace(INSTALLED_BIN, program.to_str().unwrap());
        if name.ends_with(".service") {
            assert!(
                text.contains(program.to_str().unwrap()),
                "{name} names no program"
            );
        }
        let file = dir.join(name.replace("@.", "@demo."));
        fs::write(&file, text).unwrap();
        files.push(file);
    }
    // Documentation=man:... is checked with `man`: give it the pages the programs generate,
    // which also proves that every page a unit names exists.
    let mut cmd = Command::new("systemd-analyze");
    cmd.arg("verify");
    if have("man") {
        let docs = tmp.path().join("docs");
        generate_docs("sourdine", &docs.join("sourdine"));
        generate_docs("ticket", &docs.join("ticket"));
        cmd.env(
            "MANPATH",
            format!(
                "{}:{}",
                docs.join("sourdine").display(),
                docs.join("ticket").display()
            ),
        );
    } else {
        eprintln!("note: man is not installed; Documentation= pages are not checked");
        cmd.arg("--man=no");
    }
    let out = cmd.args(&files).output().unwrap();
    let said = format!("{}{}", text(&out.stdout), text(&out.stderr));
    println!("systemd-analyze verify said: {:?}", said.trim());
    assert!(
        out.status.success(),
        "systemd-analyze verify failed:\n{said}"
    );
    for bad in ["Unknown", "ignoring", "Failed", "not found", "Invalid"] {
        assert!(!said.contains(bad), "systemd-analyze verify: {said}");
    }
}

// --- (b) the protections, in the units and in the guide --------------------------------------

#[test]
fn units_have_the_protections_the_guide_describes() {
    let main = unit("sourdine.service");
    let guide = guide();
    for (key, want) in REQUIRED {
        assert_eq!(
            value(&main, "Service", key),
            *want,
            "sourdine.service: {key}="
        );
    }
    // The guide's table quotes every setting of the service exactly, so neither can change
    // without the other.
    for section in ["Service", "Unit"] {
        for (key, v) in &main[section] {
            if [
                "Description",
                "Documentation",
                "Wants",
                "After",
                "Conflicts",
            ]
            .contains(&key.as_str())
            {
                continue;
            }
            let quoted = format!("`{key}={v}`");
            assert!(
                guide.contains(&quoted),
                "docs/OPERATING.md does not mention {quoted}"
            );
        }
    }
    for (key, want) in REQUIRED {
        let quoted = format!("`{key}={want}`");
        assert!(
            guide.contains(&quoted),
            "docs/OPERATING.md does not mention {quoted}"
        );
    }
    // What the guide promises about the key folder and core dumps.
    assert!(guide.contains("key_dir = \"/var/lib/sourdine-keys\""));
    assert!(guide.contains("There is no `ReadWritePaths=`"));
    for name in SERVICES {
        let u = unit(name);
        assert_eq!(
            value(&u, "Service", "LimitCORE"),
            "0",
            "{name}: no core dumps"
        );
        assert!(
            values(&u, "Service", "ReadWritePaths").is_empty(),
            "{name}: the state and runtime folders are writable already"
        );
        for key in ["DynamicUser", "PrivateUsers", "CoredumpFilter"] {
            assert!(values(&u, "Service", key).is_empty(), "{name}: {key}=");
        }
        // The attachment cleaner runs as `sourdine __clean-worker`, lowers its limits and
        // confines itself.
        assert_eq!(value(&u, "Service", "SystemCallFilter"), SYSCALL_FILTER);
    }
}

#[test]
fn the_variants_share_the_protections_and_exclude_each_other() {
    let main = unit("sourdine.service");
    let strip = |u: &Unit| -> BTreeSet<(String, String)> {
        u["Service"]
            .iter()
            .filter(|(k, _)| !PER_UNIT.contains(&k.as_str()))
            .cloned()
            .collect()
    };
    for name in ["sourdine@.service", "sourdine-once.service"] {
        let other = unit(name);
        assert_eq!(
            strip(&main),
            strip(&other),
            "{name} must carry the same protections as sourdine.service"
        );
    }

    let tpl = unit("sourdine@.service");
    assert_eq!(value(&tpl, "Service", "User"), "sourdine-%i");
    assert_eq!(value(&tpl, "Service", "Group"), "sourdine-%i");
    assert_eq!(
        value(&tpl, "Service", "ExecStart"),
        "/usr/local/bin/sourdine run --config /etc/sourdine/%i/sourdine.toml"
    );
    assert_eq!(
        value(&tpl, "Service", "StateDirectory"),
        "sourdine/%i sourdine-keys/%i"
    );
    assert_eq!(value(&tpl, "Service", "RuntimeDirectory"), "sourdine/%i");
    assert_eq!(value(&tpl, "Service", "Type"), "simple");
    assert_eq!(value(&tpl, "Service", "Restart"), "on-failure");

    let once = unit("sourdine-once.service");
    assert_eq!(value(&once, "Service", "Type"), "oneshot");
    assert_eq!(
        value(&once, "Service", "ExecStart"),
        "/usr/local/bin/sourdine run --once --config /etc/sourdine/sourdine.toml"
    );
    assert_eq!(
        value(&once, "Service", "StateDirectory"),
        value(&main, "Service", "StateDirectory")
    );
    assert!(
        values(&once, "Install", "WantedBy").is_empty(),
        "started by its timer only"
    );

    let timer = unit("sourdine-once.timer");
    assert_eq!(value(&timer, "Timer", "Unit"), "sourdine-once.service");
    assert_eq!(value(&timer, "Timer", "OnUnitInactiveSec"), "2min");
    assert_eq!(value(&timer, "Install", "WantedBy"), "timers.target");

    // The store has one owner: the long-running service and the timer variant stop each other.
    let conflicts = |u: &Unit| -> BTreeSet<String> {
        values(u, "Unit", "Conflicts")
            .iter()
            .flat_map(|v| v.split_whitespace().map(str::to_string))
            .collect()
    };
    assert!(conflicts(&main).contains("sourdine-once.timer"));
    assert!(conflicts(&main).contains("sourdine-once.service"));
    assert!(conflicts(&once).contains("sourdine.service"));
    assert!(conflicts(&timer).contains("sourdine.service"));
    assert!(conflicts(&tpl).contains("sourdine.service"));
}

/// Runs the real service under strace through a day's work (counsellors on the socket,
/// intake with attachments cleaned by the worker, key rotation, a purge, a clean stop) and
/// checks that every system call it made is in the unit's SystemCallFilter and every socket
/// family in RestrictAddressFamilies. Without this, a filter that is too tight only shows
/// in production, as EPERM.
#[test]
fn the_service_stays_within_its_system_call_filter() {
    if !have("strace") || !have("systemd-analyze") {
        eprintln!("SKIPPED: needs strace and systemd-analyze (apt install strace systemd)");
        return;
    }
    let main = unit("sourdine.service");
    let filter = value(&main, "Service", "SystemCallFilter");
    let allowed = syscall_set(filter);
    // What the attachment cleaner needs: the service starts `sourdine __clean-worker`, which
    // lowers its own limits and confines itself.
    for call in [
        "execve",
        "setrlimit",
        "prlimit64",
        "prctl",
        "seccomp",
        "landlock_create_ruleset",
        "landlock_restrict_self",
    ] {
        assert!(allowed.contains(call), "{filter} does not allow {call}");
    }
    let families: BTreeSet<&str> = value(&main, "Service", "RestrictAddressFamilies")
        .split_whitespace()
        .collect();

    let env = Env::new();
    let trace = env.dir.path().join("trace.txt");
    let mut strace = Command::new("strace")
        .env("SOURDINE_CONFIG", &env.config)
        .env_remove("SOURDINE_LOG")
        .env_remove("SOURDINE_SOCKET")
        .stdin(Stdio::null())
        .args(["-f", "-qq", "-o"])
        .arg(&trace)
        .arg(bin("sourdine"))
        .arg("run")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !crate::common::answers(&env.socket()) {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the service did not start"
        );
        assert!(strace.try_wait().unwrap().is_none(), "the service exited");
        std::thread::sleep(Duration::from_millis(50));
    }
    let fixtures = root().join("fixtures/clients");
    ok(env.sourdine(&["ingest", fixtures.to_str().unwrap()]));
    ok(env.ticket(&["list", "--status", "all"]));
    ok(env.sourdine(&["keys", "rotate"]));
    ok(env.sourdine(&["purge"]));
    ok(env.sourdine(&["status"]));

    // strace's child is the service (its workers are the service's children).
    let strace_pid = strace.id().to_string();
    let children: Vec<i32> = fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| {
            let pid: i32 = e.file_name().to_str()?.parse().ok()?;
            let stat = fs::read_to_string(e.path().join("stat")).ok()?;
            // pid (comm) state ppid ...: comm may hold spaces, so read after the last ')'.
            let ppid = stat.rsplit_once(')')?.1.split_whitespace().nth(1)?;
            (ppid == strace_pid).then_some(pid)
        })
        .collect();
    assert_eq!(children.len(), 1, "{children:?}");
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(children[0]),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(s) = strace.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = strace.kill();
            panic!("the service did not stop on SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "the service exited with {status}");

    let trace = fs::read_to_string(&trace).unwrap();
    let call = Regex::new(r"(?m)^\d+\s+(?:<\.\.\. (\w+) resumed>|(\w+)\()").unwrap();
    let used: BTreeSet<String> = call
        .captures_iter(&trace)
        .map(|c| c.get(1).or(c.get(2)).unwrap().as_str().to_string())
        .collect();
    assert!(
        trace.contains("\"__clean-worker\""),
        "the attachment cleaner never ran, so the test proves less than it claims"
    );
    let outside: Vec<&String> = used.difference(&allowed).collect();
    assert!(
        outside.is_empty(),
        "system calls outside SystemCallFilter={filter}: {outside:?}"
    );
    let family = Regex::new(r"socket(?:pair)?\((AF_\w+)").unwrap();
    for c in family.captures_iter(&trace) {
        let f = c.get(1).unwrap().as_str();
        assert!(
            families.contains(f),
            "socket family {f} is outside RestrictAddressFamilies"
        );
    }
    println!("{} distinct system calls, all in {filter}", used.len());
}

// --- (c) the privacy promise ------------------------------------------------------------------

#[test]
fn privacy_promise_matches_the_retention_defaults() {
    let r = RetentionConfig::default();
    let cfg = Config::parse(
        "data_dir = \"/var/lib/sourdine\"\ncontact_address = \"contact@helpline.example\"\n",
        Path::new("/etc/sourdine/sourdine.toml"),
    )
    .unwrap();
    let precision = serde_json::to_value(cfg.received_precision).unwrap();
    let precision = precision.as_str().unwrap();
    let numbers: BTreeMap<&str, u64> = [
        ("retention.reply_address_days", r.reply_address_days),
        ("retention.ticket_days", r.ticket_days),
        ("retention.quarantine_days", r.quarantine_days),
        ("retention.audit_days", r.audit_days),
        ("retention.purge_interval_minutes", r.purge_interval_minutes),
        ("retention.stats_months", r.stats_months),
    ]
    .into_iter()
    .collect();
    // The precision, as each language says it.
    let words: BTreeMap<&str, [(&str, &str); 3]> = [
        (
            "en",
            [("minute", "minute"), ("hour", "hour"), ("day", "day")],
        ),
        (
            "fr",
            [("minute", "minute"), ("hour", "heure"), ("day", "jour")],
        ),
        (
            "nl",
            [("minute", "minuut"), ("hour", "uur"), ("day", "dag")],
        ),
    ]
    .into_iter()
    .collect();
    // A mark is a comment naming the setting, right before the value: <!-- key -->30
    let token = Regex::new(r"<!--([\s\S]*?)-->|\d+").unwrap();
    let mark = Regex::new(r"^\s*([a-z_]+(?:\.[a-z_]+)?)\s*$").unwrap();
    let word = Regex::new(r"^[\p{L}]+").unwrap();
    for (lang, names) in &words {
        let path = root().join(format!("docs/PRIVACY.{lang}.md"));
        let doc = fs::read_to_string(&path).unwrap();
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        let mut last_mark: Option<(String, usize)> = None;
        for m in token.find_iter(&doc) {
            let t = m.as_str();
            if let Some(inner) = t.strip_prefix("<!--").and_then(|s| s.strip_suffix("-->")) {
                last_mark = mark.captures(inner).map(|c| (c[1].to_string(), m.end()));
                if let Some((key, end)) = &last_mark
                    && key == "received_precision"
                {
                    let w = word
                        .find(&doc[*end..])
                        .unwrap_or_else(|| panic!("{lang}: no word after the precision mark"));
                    let want = names.iter().find(|(p, _)| *p == precision).unwrap().1;
                    assert_eq!(
                        w.as_str(),
                        want,
                        "PRIVACY.{lang}.md: the precision default is {precision}"
                    );
                    *seen.entry(key.clone()).or_default() += 1;
                }
                continue;
            }
            // A number: it must be a marked setting's value, or one of the few numbers that
            // are not settings.
            match &last_mark {
                Some((key, end)) if *end == m.start() => {
                    let want = numbers
                        .get(key.as_str())
                        .unwrap_or_else(|| panic!("PRIVACY.{lang}.md: unknown mark {key}"));
                    assert_eq!(
                        t.parse::<u64>().unwrap(),
                        *want,
                        "PRIVACY.{lang}.md: {key} is {want} in src/config.rs"
                    );
                    *seen.entry(key.clone()).or_default() += 1;
                }
                _ => assert!(
                    ["112", "458"].contains(&t),
                    "PRIVACY.{lang}.md: the number {t} is not marked with the setting it comes from"
                ),
            }
            last_mark = None;
        }
        for key in numbers.keys().copied().chain(["received_precision"]) {
            assert!(
                seen.contains_key(key),
                "PRIVACY.{lang}.md does not state {key}"
            );
        }
        println!("PRIVACY.{lang}.md: {seen:?}");
    }
    // The guide's retention table says the same.
    let guide = guide();
    for (key, v) in &numbers {
        let setting = key.trim_start_matches("retention.");
        assert!(
            guide.contains(&format!("`{setting} = {v}`")),
            "docs/OPERATING.md: {setting} = {v}"
        );
    }
}

// --- (d) install.sh ---------------------------------------------------------------------------

#[test]
fn install_dry_run_prints_its_plan_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let prefix = tmp.path().join("prefix");
    let out = install_sh(&["--dry-run", "--prefix", prefix.to_str().unwrap()]);
    let plan = ok(out);
    println!("{plan}");
    assert!(!prefix.exists(), "a dry run created {}", prefix.display());
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
    // Users and groups are created unless this machine has them already.
    for (create, exists) in [
        ("[dry-run] groupadd helpline", "group helpline exists"),
        ("[dry-run] useradd --system", "user sourdine exists"),
        (
            "[dry-run] usermod --append --groups helpline sourdine",
            "sourdine is in helpline",
        ),
    ] {
        assert!(plan.contains(create) || plan.contains(exists), "{create}");
    }
    for step in [
        &format!("{}/bin/sourdine", prefix.display()),
        "__generate-docs --out",
        &format!("{}/share/man/man1", prefix.display()),
        "bash-completion/completions",
        "zsh/site-functions",
        "fish/vendor_completions.d",
        "/etc/systemd/system/sourdine.service",
        "/etc/systemd/system/sourdine-once.timer",
        "key_dir = \"/var/lib/sourdine-keys\"",
        "counsellors_group = \"helpline\"",
        "install -d -m 0700 -o sourdine -g sourdine /var/lib/sourdine-keys",
        "runuser -u sourdine --",
        "init --config /etc/sourdine/sourdine.toml",
        "Nothing was started",
    ] {
        assert!(plan.contains(step), "the plan does not mention {step:?}");
    }
    // Every change is marked, and nothing is started or enabled.
    for line in plan.lines() {
        assert!(!line.starts_with("  + "), "a dry run ran: {line}");
        if line.contains("[dry-run]") {
            assert!(
                !line.contains("systemctl start") && !line.contains("systemctl enable"),
                "install.sh must not start anything: {line}"
            );
        }
    }
    let bad = install_sh(&["--dry-run", "--prefix", "relative/path"]);
    assert!(!bad.status.success());
    assert!(text(&bad.stderr).contains("--prefix must be an absolute path"));
}

#[test]
fn install_stages_a_complete_tree_and_keeps_an_existing_configuration() {
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("root");
    let prefix = "/opt/sourdine";
    let args = [
        "--destdir",
        dest.to_str().unwrap(),
        "--prefix",
        prefix,
        "ecoute",
    ];
    let first = ok(install_sh(&args));
    assert!(first.contains("Nothing was started"), "{first}");

    let p = |s: &str| dest.join(s.trim_start_matches('/'));
    for program in ["sourdine", "ticket"] {
        let path = p(&format!("{prefix}/bin/{program}"));
        assert!(path.is_file(), "{}", path.display());
        assert_eq!(
            fs::read(&path).unwrap(),
            fs::read(bin(program)).unwrap(),
            "{program} is the built program"
        );
    }
    for page in ["sourdine.1", "sourdine-run.1", "ticket.1", "ticket-reply.1"] {
        assert!(
            p(&format!("{prefix}/share/man/man1/{page}")).is_file(),
            "{page}"
        );
    }
    // clap's `help` subcommands make pages of their own; they are not installed.
    let pages: Vec<String> = fs::read_dir(p(&format!("{prefix}/share/man/man1")))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!pages.iter().any(|f| f.contains("-help")), "{pages:?}");
    for f in [
        "share/bash-completion/completions/sourdine",
        "share/bash-completion/completions/ticket",
        "share/zsh/site-functions/_sourdine",
        "share/zsh/site-functions/_ticket",
        "share/fish/vendor_completions.d/sourdine.fish",
        "share/fish/vendor_completions.d/ticket.fish",
        "share/doc/sourdine/OPERATING.md",
        "share/doc/sourdine/PRIVACY.fr.md",
    ] {
        assert!(p(&format!("{prefix}/{f}")).is_file(), "{f}");
    }
    // The units name the programs where they were installed.
    for name in UNITS {
        let installed = fs::read_to_string(p(&format!("/etc/systemd/system/{name}"))).unwrap();
        assert_eq!(
            installed,
            unit_text(name).replace(INSTALLED_BIN, &format!("{prefix}/bin/sourdine")),
            "{name}"
        );
    }
    for t in fs::read_dir(root().join("deploy/templates")).unwrap() {
        let t = t.unwrap();
        assert!(p("/etc/sourdine/templates").join(t.file_name()).is_file());
    }
    // The saved replies too: `sourdine init` runs as the service's user, which cannot write
    // in /etc/sourdine.
    for t in fs::read_dir(root().join("deploy/replies")).unwrap() {
        let t = t.unwrap();
        assert!(p("/etc/sourdine/replies").join(t.file_name()).is_file());
    }
    assert_eq!(
        fs::read(p("/etc/sourdine/classification.toml")).unwrap(),
        fs::read(root().join("deploy/classification.toml")).unwrap(),
        "the default classification is installed beside the configuration"
    );
    // The configuration: valid, and it names the folders the unit gives the service.
    let config_path = p("/etc/sourdine/sourdine.toml");
    let cfg = Config::load(&config_path).unwrap();
    assert_eq!(cfg.counsellors_group.as_deref(), Some("ecoute"));
    assert_eq!(cfg.roles.counsellor_groups, vec!["ecoute".to_string()]);
    assert_eq!(cfg.key_dir(), PathBuf::from("/var/lib/sourdine-keys"));
    assert_config_fits_unit(
        &cfg,
        "/etc/sourdine/sourdine.toml",
        &unit("sourdine.service"),
        None,
    );
    assert!(p("/var/lib/sourdine").is_dir() && p("/var/lib/sourdine-keys").is_dir());
    for dir in ["/var/lib/sourdine", "/var/lib/sourdine-keys"] {
        let mode =
            std::os::unix::fs::PermissionsExt::mode(&fs::metadata(p(dir)).unwrap().permissions());
        assert_eq!(mode & 0o777, 0o700, "{dir}");
    }

    // Again: same result, and the operator's configuration is kept as it is.
    let mut edited = fs::read_to_string(&config_path).unwrap();
    edited.push_str("\n# edited by the operator\n");
    fs::write(&config_path, &edited).unwrap();
    let second = ok(install_sh(&args));
    assert!(second.contains("exists: kept as it is"), "{second}");
    assert_eq!(fs::read_to_string(&config_path).unwrap(), edited);

    // An instance cannot be added beside a single helpline.
    let mixed = install_sh(&["--destdir", dest.to_str().unwrap(), "--instance", "nord"]);
    assert!(!mixed.status.success());
    assert!(
        text(&mixed.stderr).contains("do not mix"),
        "{}",
        text(&mixed.stderr)
    );
}

#[test]
fn install_stages_an_instance_that_fits_the_template_unit() {
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("root");
    let out = ok(install_sh(&[
        "--destdir",
        dest.to_str().unwrap(),
        "--instance",
        "nord",
    ]));
    assert!(out.contains("sourdine@nord.service"), "{out}");
    assert!(
        out.contains("SOURDINE_SOCKET=/run/sourdine/nord/control.sock"),
        "{out}"
    );
    let cfg = Config::load(&dest.join("etc/sourdine/nord/sourdine.toml")).unwrap();
    assert_eq!(cfg.counsellors_group.as_deref(), Some("helpline-nord"));
    assert_eq!(cfg.data_dir, PathBuf::from("/var/lib/sourdine/nord"));
    assert_eq!(
        cfg.control_socket,
        PathBuf::from("/run/sourdine/nord/control.sock")
    );
    assert_config_fits_unit(
        &cfg,
        "/etc/sourdine/nord/sourdine.toml",
        &unit("sourdine@.service"),
        Some("nord"),
    );
    assert!(dest.join("etc/sourdine/nord/templates").is_dir());
    assert!(dest.join("etc/sourdine/nord/replies").is_dir());
    assert!(dest.join("var/lib/sourdine-keys/nord").is_dir());

    let bad = install_sh(&["--dry-run", "--instance", "Nord!"]);
    assert!(!bad.status.success());
    let single = install_sh(&["--destdir", dest.to_str().unwrap()]);
    assert!(
        !single.status.success(),
        "a single helpline beside instances"
    );
    assert!(text(&single.stderr).contains("already runs instances"));
}

#[test]
fn install_script_is_clean_shell() {
    let script = root().join("deploy/install.sh");
    let text_ = fs::read_to_string(&script).unwrap();
    assert!(text_.contains("set -euo pipefail"));
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&fs::metadata(&script).unwrap().permissions());
    assert!(mode & 0o111 != 0, "install.sh is not executable");
    ok(Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .unwrap());
    let help = ok(Command::new("bash")
        .arg(&script)
        .arg("--help")
        .output()
        .unwrap());
    for opt in [
        "--prefix",
        "--dry-run",
        "--instance",
        "--destdir",
        "--group",
    ] {
        assert!(help.contains(opt), "--help does not mention {opt}");
    }
    if have("shellcheck") {
        ok(Command::new("shellcheck").arg(&script).output().unwrap());
    } else {
        eprintln!("SKIPPED (part): shellcheck is not installed (apt install shellcheck)");
    }
}

// --- (e) manual pages and completions ---------------------------------------------------------

#[test]
fn generated_manual_pages_and_completions() {
    let tmp = tempfile::tempdir().unwrap();
    for (program, pages) in [
        (
            "sourdine",
            &[
                "sourdine.1",
                "sourdine-run.1",
                "sourdine-init.1",
                "sourdine-keys-rotate.1",
            ][..],
        ),
        (
            "ticket",
            &[
                "ticket.1",
                "ticket-reply.1",
                "ticket-show.1",
                "ticket-reveal.1",
            ][..],
        ),
    ] {
        let out = tmp.path().join(program);
        let reported = generate_docs(program, &out);
        for page in pages {
            assert!(out.join("man1").join(page).is_file(), "{program}: {page}");
        }
        for f in [
            format!("{program}.bash"),
            format!("_{program}"),
            format!("{program}.fish"),
        ] {
            let path = out.join("completions").join(&f);
            assert!(path.is_file(), "{program}: completions/{f}");
            assert!(fs::read_to_string(&path).unwrap().contains(program));
            assert!(reported.iter().any(|r| r.ends_with(&f)), "{reported:?}");
        }
        // Hidden commands are not documented.
        let listed: Vec<String> = fs::read_dir(out.join("man1"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(!listed.iter().any(|f| f.contains("__")), "{listed:?}");
    }
    if !have("man") {
        eprintln!("SKIPPED (part): man is not installed; ticket.1 was not rendered");
        return;
    }
    let page = tmp.path().join("ticket/man1/ticket.1");
    let out = Command::new("man")
        .args(["--warnings", "-l"])
        .arg(&page)
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "80")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let warnings = text(&out.stderr);
    let shown = ok(out);
    assert!(warnings.trim().is_empty(), "man warned: {warnings}");
    assert!(shown.contains("ticket"), "{shown}");
    assert!(shown.contains("reply"), "{shown}");
}
