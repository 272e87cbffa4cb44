//! Helpers shared by the integration tests.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The project's root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shared MIME corpus, read in place, if this machine has it.
pub fn shared_corpus() -> Option<PathBuf> {
    let p = root().join("../shared/corpus/mime-samples");
    p.is_dir().then_some(p)
}

/// A configured sourdine instance in a temporary directory.
pub struct Env {
    pub dir: tempfile::TempDir,
    pub config: PathBuf,
    pub data_dir: PathBuf,
    pub key_dir: PathBuf,
}

pub fn bin(name: &str) -> PathBuf {
    match name {
        "sourdine" => PathBuf::from(env!("CARGO_BIN_EXE_sourdine")),
        "ticket" => PathBuf::from(env!("CARGO_BIN_EXE_ticket")),
        _ => panic!("no binary {name}"),
    }
}

impl Env {
    /// A fresh instance with the minimal configuration plus `extra` TOML, not yet initialised.
    pub fn with_config(extra: &str) -> Env {
        let dir = tempfile::Builder::new()
            .prefix("sourdine-test.")
            .tempdir()
            .unwrap();
        let etc = dir.path().join("etc");
        fs::create_dir_all(&etc).unwrap();
        let data_dir = dir.path().join("data");
        let config = etc.join("sourdine.toml");
        fs::write(
            &config,
            format!(
                "data_dir = \"{}\"\ncontact_address = \"contact@helpline.example\"\ncontrol_socket = \"{}\"\n{extra}\n",
                data_dir.display(),
                dir.path().join("run/control.sock").display()
            ),
        )
        .unwrap();
        Env {
            key_dir: etc.join("keys"),
            dir,
            config,
            data_dir,
        }
    }

    /// A fresh, initialised instance.
    pub fn new() -> Env {
        Env::init_with("")
    }

    /// A fresh instance with `extra` configuration, initialised.
    pub fn init_with(extra: &str) -> Env {
        let env = Env::with_config(extra);
        let out = env.sourdine(&["init"]);
        assert!(out.status.success(), "init failed: {}", text(&out.stderr));
        env
    }

    /// Changes the contact address in the configuration (the mail stack's domain).
    pub fn with_contact(self, address: &str) -> Env {
        let cfg = fs::read_to_string(&self.config).unwrap();
        fs::write(
            &self.config,
            cfg.replace("contact@helpline.example", address),
        )
        .unwrap();
        self
    }

    /// A command for `program` with this instance's configuration.
    pub fn cmd(&self, program: &str) -> Command {
        let mut c = Command::new(bin(program));
        c.env("SOURDINE_CONFIG", &self.config)
            .env_remove("SOURDINE_LOG")
            .env_remove("SOURDINE_SOCKET")
            // English unless a test asks for another language.
            .env_remove("SOURDINE_LANG")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", "C.UTF-8")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null());
        c
    }

    /// Runs `sourdine ARGS`.
    pub fn sourdine(&self, args: &[&str]) -> Output {
        self.cmd("sourdine").args(args).output().unwrap()
    }

    /// Runs `ticket ARGS`.
    pub fn ticket(&self, args: &[&str]) -> Output {
        self.cmd("ticket").args(args).output().unwrap()
    }

    /// `ticket show ID --json`, parsed (the command must succeed).
    pub fn show(&self, id: &str) -> serde_json::Value {
        serde_json::from_str(&ok(self.ticket(&["show", id, "--json"]))).unwrap()
    }

    /// `ticket list --status all --json`, parsed.
    pub fn ticket_ids(&self) -> Vec<String> {
        let out = self.ticket(&["list", "--status", "all", "--json"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_string())
            .collect()
    }
}

/// Lossy text of command output.
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Asserts success and returns standard output.
#[track_caller]
pub fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "command failed ({}):\nstdout: {}\nstderr: {}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// Every regular file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Case-insensitive (ASCII) search of `needle` in `hay`.
pub fn contains_ci(hay: &[u8], needle: &str) -> bool {
    let n = needle.to_ascii_lowercase();
    if n.is_empty() {
        return false;
    }
    memchr::memmem::find(&hay.to_ascii_lowercase(), n.as_bytes()).is_some()
}

/// Which of `needles` occur in `hay`, case-insensitively (ASCII); `hay` is lowercased once.
pub fn found_ci<'a>(hay: &[u8], needles: impl IntoIterator<Item = &'a String>) -> Vec<&'a String> {
    let lower = hay.to_ascii_lowercase();
    needles
        .into_iter()
        .filter(|n| {
            !n.is_empty()
                && memchr::memmem::find(&lower, n.to_ascii_lowercase().as_bytes()).is_some()
        })
        .collect()
}

/// A running `sourdine run`, stopped with SIGTERM when dropped.
pub struct Daemon {
    pub child: Option<std::process::Child>,
    pub socket: PathBuf,
    pub log: PathBuf,
}

impl Env {
    /// The control socket of this instance.
    pub fn socket(&self) -> PathBuf {
        self.dir.path().join("run/control.sock")
    }

    /// Starts `sourdine run`, retrying while another process briefly holds the store.
    pub fn start_daemon_retrying(&self) -> Daemon {
        for _ in 0..50 {
            match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.start_daemon())) {
                Ok(d) => return d,
                Err(_) => std::thread::sleep(std::time::Duration::from_millis(200)),
            }
        }
        panic!("sourdine run would not start");
    }

    /// `ticket ARGS` through the socket only (as counsellors do: no configuration, so no
    /// direct opening of the store).
    pub fn ticket_via_socket(&self, args: &[&str]) -> Output {
        Command::new(bin("ticket"))
            .arg("--socket")
            .arg(self.socket())
            .args(args)
            .env_remove("SOURDINE_CONFIG")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    /// Starts `sourdine run` and waits until it answers on its socket.
    pub fn start_daemon(&self) -> Daemon {
        self.start_daemon_env(&[])
    }

    /// [`Env::start_daemon`] with these environment variables set for the daemon (a
    /// failpoint, in a failpoints build).
    pub fn start_daemon_env(&self, vars: &[(&str, &str)]) -> Daemon {
        let log = self.dir.path().join(format!(
            "daemon-{}.log",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        let child = self
            .cmd("sourdine")
            .arg("run")
            .env("SOURDINE_LOG", "debug")
            .envs(vars.iter().copied())
            .stdout(Stdio::null())
            .stderr(fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let socket = self.socket();
        let mut d = Daemon {
            child: Some(child),
            socket: socket.clone(),
            log,
        };
        let start = std::time::Instant::now();
        loop {
            if answers(&socket) {
                break;
            }
            if let Some(status) = d.child.as_mut().unwrap().try_wait().unwrap() {
                panic!("sourdine run exited ({status}): {}", d.log_text());
            }
            assert!(
                start.elapsed() < std::time::Duration::from_secs(60),
                "sourdine run did not open its socket: {}",
                d.log_text()
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        d
    }
}

/// Whether the service at `socket` answers a request (it binds its socket before its catalog
/// is loaded, and answers "still loading" until then).
pub fn answers(socket: &Path) -> bool {
    use std::io::{BufRead, Write};
    let Ok(mut stream) = std::os::unix::net::UnixStream::connect(socket) else {
        return false;
    };
    if stream
        .write_all(b"{\"v\":1,\"request\":{\"op\":\"whoami\"}}\n")
        .is_err()
    {
        return false;
    }
    let mut line = String::new();
    let _ = std::io::BufReader::new(stream).read_line(&mut line);
    !line.is_empty() && !line.contains("\"kind\":\"loading\"")
}

impl Daemon {
    /// What the daemon logged so far.
    pub fn log_text(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Sends SIGTERM and waits; returns the exit status.
    pub fn stop(&mut self) -> std::process::ExitStatus {
        let mut child = self.child.take().expect("running");
        // It may have exited by itself already.
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(child.id() as i32),
            nix::sys::signal::Signal::SIGTERM,
        );
        let start = std::time::Instant::now();
        loop {
            if let Some(s) = child.try_wait().unwrap() {
                return s;
            }
            if start.elapsed() > std::time::Duration::from_secs(60) {
                let _ = child.kill();
                panic!("sourdine run did not stop on SIGTERM: {}", self.log_text());
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if self.child.is_some() {
            let _ = self.stop();
        }
    }
}

impl Daemon {
    /// Kills the daemon with SIGKILL (a crash) and waits for it.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Waits up to `within` for the daemon to exit by itself (a failpoint abort).
    pub fn wait_exit(&mut self, within: std::time::Duration) -> Option<std::process::ExitStatus> {
        let start = std::time::Instant::now();
        while start.elapsed() < within {
            if let Some(s) = self.child.as_mut()?.try_wait().unwrap() {
                self.child = None;
                return Some(s);
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        None
    }
}

/// A small deterministic random generator for tests (xorshift64*).
pub struct Rng(pub u64);

impl Rng {
    /// A generator seeded from `$SOURDINE_TEST_SEED` or the clock; prints the seed.
    pub fn from_env(what: &str) -> Rng {
        let seed = std::env::var("SOURDINE_TEST_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
                    | 1
            });
        eprintln!("{what}: random seed {seed} (rerun with SOURDINE_TEST_SEED={seed})");
        Rng(seed)
    }

    /// The next number.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `lo..hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo).max(1)
    }
}

/// Copies a program (0755) for a test that runs it from another folder or as another user,
/// and waits until it can be run: until then, a child that another test's thread forked
/// while the copy was open for writing may still hold it open, and running it fails with
/// "text file busy" (ETXTBSY).
pub fn copy_program(from: &Path, to: &Path) {
    use std::os::unix::fs::PermissionsExt;
    fs::copy(from, to).unwrap();
    fs::set_permissions(to, fs::Permissions::from_mode(0o755)).unwrap();
    for _ in 0..250 {
        match Command::new(to).arg("--version").output() {
            Err(e) if e.raw_os_error() == Some(nix::errno::Errno::ETXTBSY as i32) => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            _ => return,
        }
    }
    panic!("{} stayed busy for 5 s", to.display());
}

/// Whether the long variants run (`SOURDINE_LONG=1`).
pub fn long() -> bool {
    std::env::var("SOURDINE_LONG").is_ok_and(|v| v == "1")
}

/// The first message we sent in a shown ticket (`direction` "out").
pub fn first_outgoing(ticket: &serde_json::Value) -> serde_json::Value {
    ticket["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["direction"] == "out")
        .unwrap_or_else(|| panic!("no message sent in {ticket}"))
        .clone()
}
