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
            !n.is_empty() && memchr::memmem::find(&lower, n.to_ascii_lowercase().as_bytes()).is_some()
        })
        .collect()
}
