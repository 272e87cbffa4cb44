//! Bad configuration and bad command-line use: every row of the README's table "When
//! something is wrong: what each mistake prints" is one case here, run through the real
//! binaries, and the README is checked against the cases so that the table cannot drift.
//!
//! Each case runs in a fresh directory T laid out as a standard install, and the output is
//! read with T's folders written as the standard paths: `T/etc` is `/etc/sourdine`, `T/data`
//! is `/var/lib/sourdine`, `T/run` is `/run/sourdine`. A process id is written `N`.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{bin, ok, root, text};

/// The configuration file's contents, `@T@` standing for the case's directory.
#[derive(Clone, Copy)]
enum Config {
    /// No configuration file at all.
    Absent,
    /// The minimal configuration, then these lines.
    Base(&'static str),
    /// Exactly this text.
    Text(&'static str),
}

/// What exists before the command runs.
#[derive(Clone, Copy, PartialEq)]
enum Scene {
    /// Only the configuration file.
    Nothing,
    /// `sourdine init` ran.
    Init,
    /// `sourdine init` ran and one message was taken in (its ticket is `K7QH2M4X` below);
    /// `T/reply.txt` holds a reply.
    OneTicket,
    /// `sourdine init` ran and `sourdine run` is running.
    Running,
    /// `sourdine init` ran (as root); the command runs as uid and gid 65534.
    OtherUser,
    /// `T/etc/imap.password` exists with this mode.
    PasswordFile(u32),
}

/// One mistake, as the README's table shows it.
struct Case {
    /// The table's first column, exactly.
    mistake: &'static str,
    /// The command as typed (`$SOURDINE_CONFIG` names the configuration file).
    command: &'static str,
    /// The first line printed on standard error, with the standard paths.
    first_line: &'static str,
    /// The exit status.
    exit: i32,
    config: Config,
    scene: Scene,
}

/// The ticket reference used in commands and shown in output for the case's real ticket.
const SHOWN_ID: &str = "K7QH2M4X";
/// A password that must never be printed.
const SECRET: &str = "Wr1tten-1n-Cl3ar";

/// [imap] for a loopback server that is never reached (the cases stop before connecting).
const IMAP: &str = "[imap]\nhost = \"127.0.0.1\"\nport = 9\ntls = \"none\"\nusername = \"contact@helpline.example\"\npassword_file = \"@T@/etc/imap.password\"\n";

/// Declares the cases and one `#[test]` per case, named after the mistake, so that no case
/// can lack its test.
macro_rules! cases {
    ($($name:ident: $case:expr;)*) => {
        const CASES: &[(&str, Case)] = &[$((stringify!($name), $case)),*];
        $(
            #[test]
            fn $name() {
                check(stringify!($name));
            }
        )*
    };
}

cases! {
    configuration_file_missing: Case {
        mistake: "The configuration file does not exist",
        command: "sourdine status",
        first_line: "sourdine: cannot read configuration /etc/sourdine/sourdine.toml: No such file or directory (os error 2) (give --config PATH or set SOURDINE_CONFIG; deploy/sourdine.example.toml lists every key)",
        exit: 1,
        config: Config::Absent,
        scene: Scene::Nothing,
    };
    value_without_quotes: Case {
        mistake: "A text value without quotes (`contact_address = contact@helpline.example`)",
        command: "sourdine status",
        first_line: "sourdine: configuration /etc/sourdine/sourdine.toml: line 2: `contact_address`: string values must be quoted, expected literal string",
        exit: 1,
        config: Config::Text("data_dir = \"@T@/data\"\ncontact_address = contact@helpline.example\n"),
        scene: Scene::Nothing,
    };
    misspelt_key: Case {
        mistake: "A misspelt key (`contact_adress`)",
        command: "sourdine status",
        first_line: "sourdine: configuration /etc/sourdine/sourdine.toml: line 2: unknown key `contact_adress`; did you mean `contact_address`?",
        exit: 1,
        config: Config::Text("data_dir = \"@T@/data\"\ncontact_adress = \"contact@helpline.example\"\n"),
        scene: Scene::Nothing,
    };
    relative_data_dir: Case {
        mistake: "A relative `data_dir`",
        command: "sourdine status",
        first_line: "sourdine: configuration /etc/sourdine/sourdine.toml: `data_dir`: must be an absolute path, such as /var/lib/sourdine (it is \"data\")",
        exit: 1,
        config: Config::Text("data_dir = \"data\"\ncontact_address = \"contact@helpline.example\"\n"),
        scene: Scene::Nothing,
    };
    display_name_in_contact_address: Case {
        mistake: "A display name in `contact_address`",
        command: "sourdine status",
        first_line: "sourdine: configuration /etc/sourdine/sourdine.toml: `contact_address`: must be a bare address such as contact@helpline.example, without a display name or spaces (replies show smtp.from_name as the name)",
        exit: 1,
        config: Config::Text("data_dir = \"@T@/data\"\ncontact_address = \"Helpline <contact@helpline.example>\"\n"),
        scene: Scene::Nothing,
    };
    unknown_received_precision: Case {
        mistake: "A value the key does not take (`received_precision = \"second\"`)",
        command: "sourdine status",
        first_line: "sourdine: configuration /etc/sourdine/sourdine.toml: line 4: `received_precision`: unknown variant `second`, expected one of `minute`, `hour`, `day`",
        exit: 1,
        config: Config::Base("received_precision = \"second\"\n"),
        scene: Scene::Nothing,
    };
    password_written_in_the_configuration: Case {
        mistake: "A password written in the configuration (`[imap] password = ...`)",
        command: "sourdine status",
        first_line: "sourdine: configuration /etc/sourdine/sourdine.toml: `imap.password`: passwords are never written in the configuration: put it in a file (0600) and name it with password_file",
        exit: 1,
        config: Config::Base("[imap]\nhost = \"imap.helpline.example\"\nusername = \"contact@helpline.example\"\npassword = \"Wr1tten-1n-Cl3ar\"\npassword_file = \"/etc/sourdine/imap.password\"\n"),
        scene: Scene::Nothing,
    };
    plain_imap_to_another_machine: Case {
        mistake: "`tls = \"none\"` for a mail server on another machine",
        command: "sourdine status",
        first_line: "sourdine: configuration /etc/sourdine/sourdine.toml: `imap.tls`: \"none\" sends the password in clear: only allowed when host is a loopback address; use \"implicit\" (port 993) or \"starttls\" (port 143)",
        exit: 1,
        config: Config::Base("[imap]\nhost = \"imap.helpline.example\"\ntls = \"none\"\nusername = \"contact@helpline.example\"\npassword_file = \"/etc/sourdine/imap.password\"\n"),
        scene: Scene::Nothing,
    };
    key_dir_inside_data_dir: Case {
        mistake: "`key_dir` inside `data_dir`",
        command: "sourdine init",
        first_line: "sourdine: configuration /etc/sourdine/sourdine.toml: `key_dir`: must not be inside data_dir (a copy of the data directory alone must be unreadable)",
        exit: 1,
        config: Config::Base("key_dir = \"@T@/data/keys\"\n"),
        scene: Scene::Nothing,
    };
    password_file_missing: Case {
        mistake: "The IMAP password file does not exist",
        command: "sourdine run",
        first_line: "sourdine: cannot read imap.password_file /etc/sourdine/imap.password: No such file or directory (os error 2)",
        exit: 1,
        config: Config::Base(IMAP),
        scene: Scene::Nothing,
    };
    password_file_readable_by_others: Case {
        mistake: "The IMAP password file can be read by other users (mode 0644)",
        command: "sourdine run",
        first_line: "sourdine: imap.password_file /etc/sourdine/imap.password is open to other users (mode 0644); make it readable by the service's user only: chmod 600 /etc/sourdine/imap.password",
        exit: 1,
        config: Config::Base(IMAP),
        scene: Scene::PasswordFile(0o644),
    };
    store_not_initialised: Case {
        mistake: "`sourdine init` was never run",
        command: "ticket list",
        first_line: "ticket: no sourdine service is running at /run/sourdine/control.sock, and the store could not be opened: no store in /var/lib/sourdine: run `sourdine init` first",
        exit: 2,
        config: Config::Base(""),
        scene: Scene::Nothing,
    };
    service_started_twice: Case {
        mistake: "The service is started a second time",
        command: "sourdine run",
        first_line: "sourdine: the store in /var/lib/sourdine is in use by another process (pid N, `sourdine run`): stop it first, or use the commands that go through the running service (ticket, sourdine ingest, sourdine status)",
        exit: 1,
        config: Config::Base(""),
        scene: Scene::Running,
    };
    store_of_another_user_without_service: Case {
        mistake: "A counsellor runs `ticket` while the service is stopped",
        command: "ticket list",
        first_line: "ticket: no sourdine service is running at /run/sourdine/control.sock, and the store could not be opened: the store in /var/lib/sourdine belongs to root (uid 0), not to you (uid 65534), so only the running service can open it for you",
        exit: 2,
        config: Config::Base(""),
        scene: Scene::OtherUser,
    };
    unknown_ticket_reference: Case {
        mistake: "A ticket reference that does not exist",
        command: "ticket show ZZZZ2222",
        first_line: "ticket: ticket ZZZZ2222 not found",
        exit: 1,
        config: Config::Base(""),
        scene: Scene::Init,
    };
    reply_without_text: Case {
        mistake: "`ticket reply` without `--file`, outside a terminal, with nothing on standard input",
        command: "ticket reply K7QH2M4X",
        first_line: "ticket: no reply text: standard input is not a terminal and gave nothing; give --file F, pipe the text in, or run this in a terminal to write it in your editor",
        exit: 1,
        config: Config::Base(""),
        scene: Scene::OneTicket,
    };
    reply_off_a_terminal_without_yes: Case {
        mistake: "`ticket reply` outside a terminal without `--yes`",
        command: "ticket reply K7QH2M4X --file reply.txt",
        first_line: "ticket: not sent: this needs a clear yes, and standard input or output is not a terminal to ask on; give --yes to send it",
        exit: 2,
        config: Config::Base(""),
        scene: Scene::OneTicket,
    };
    saved_reply_with_a_gap_off_a_terminal: Case {
        mistake: "`ticket reply --template` of a saved reply whose gap was not filled, outside a terminal",
        command: "ticket reply K7QH2M4X --template welcome --yes",
        first_line: "ticket: not sent: the saved reply `welcome` still has a gap to fill (line 5: [...]); write it in a terminal (ticket reply K7QH2M4X --template welcome) or give the finished text with --file F",
        exit: 1,
        config: Config::Base(""),
        scene: Scene::OneTicket,
    };
    close_without_a_type: Case {
        mistake: "`ticket close` without `--type`, outside a terminal",
        command: "ticket close K7QH2M4X",
        first_line: "ticket: ticket K7QH2M4X was not closed: closing needs the contact's type; give --type CODE (and --category CODE, --role CODE as they apply). `ticket classification` lists the codes; on a terminal, `ticket close K7QH2M4X` asks for them",
        exit: 1,
        config: Config::Base(""),
        scene: Scene::OneTicket,
    };
    forget_off_a_terminal_without_yes: Case {
        mistake: "`ticket forget` outside a terminal without `--yes`",
        command: "ticket forget K7QH2M4X --reason duplicate",
        first_line: "ticket: nothing was destroyed: this needs a clear yes, and standard input or output is not a terminal to ask on; give --yes to destroy the ticket",
        exit: 2,
        config: Config::Base(""),
        scene: Scene::OneTicket,
    };
    misspelt_subcommand: Case {
        mistake: "A misspelt subcommand",
        command: "ticket lst",
        first_line: "error: unrecognized subcommand 'lst'",
        exit: 2,
        config: Config::Base(""),
        scene: Scene::Nothing,
    };
    misspelt_option: Case {
        mistake: "A misspelt option",
        command: "ticket list --sttus open",
        first_line: "error: unexpected argument '--sttus' found",
        exit: 2,
        config: Config::Base(""),
        scene: Scene::Nothing,
    };
    ingest_of_a_missing_path: Case {
        mistake: "`sourdine ingest` of a path that does not exist",
        command: "sourdine ingest inbox-export.mbox",
        first_line: "sourdine: inbox-export.mbox: No such file or directory (os error 2)",
        exit: 1,
        config: Config::Base(""),
        scene: Scene::Init,
    };
}

/// The minimal configuration of every case (paths under `@T@`).
const BASE: &str = "data_dir = \"@T@/data\"\ncontact_address = \"contact@helpline.example\"\ncontrol_socket = \"@T@/run/control.sock\"\n";

fn case(name: &str) -> &'static Case {
    &CASES
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no case {name}"))
        .1
}

/// The case's directory, with the standard paths written for its folders.
struct Place {
    dir: tempfile::TempDir,
}

impl Place {
    fn new() -> Place {
        let dir = tempfile::Builder::new()
            .prefix("sourdine-mistake.")
            .tempdir()
            .unwrap();
        fs::create_dir(dir.path().join("etc")).unwrap();
        Place { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn config(&self) -> PathBuf {
        self.path().join("etc/sourdine.toml")
    }

    /// `text` with `@T@` replaced by this directory.
    fn fill(&self, text: &str) -> String {
        text.replace("@T@", &self.path().display().to_string())
    }

    /// Output as on a standard install: this directory's folders as the standard paths,
    /// process ids as `N`, the case's ticket as [`SHOWN_ID`].
    fn standard(&self, output: &str, id: Option<&str>) -> String {
        let t = self.path().display().to_string();
        let mut s = output
            .replace(&format!("{t}/etc"), "/etc/sourdine")
            .replace(&format!("{t}/data"), "/var/lib/sourdine")
            .replace(&format!("{t}/run"), "/run/sourdine");
        if let Some(id) = id {
            s = s.replace(id, SHOWN_ID);
        }
        // "pid 12345" -> "pid N"
        let mut out = String::new();
        let mut rest = s.as_str();
        while let Some(i) = rest.find("pid ") {
            out.push_str(&rest[..i + 4]);
            rest = &rest[i + 4..];
            let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            if digits > 0 {
                out.push('N');
                rest = &rest[digits..];
            }
        }
        out.push_str(rest);
        out
    }

    /// A command for `program` run as the operator would: in this directory, with
    /// `$SOURDINE_CONFIG` naming the configuration and nothing else from the environment
    /// that could change the output.
    fn command(&self, program: &Path) -> Command {
        let mut c = Command::new(program);
        c.current_dir(self.path())
            .env("SOURDINE_CONFIG", self.config())
            .env("NO_COLOR", "1")
            .env_remove("SOURDINE_SOCKET")
            .env_remove("SOURDINE_LOG")
            .env_remove("VISUAL")
            .env_remove("EDITOR")
            .stdin(Stdio::null());
        c
    }

    fn sourdine(&self, args: &[&str]) -> String {
        ok(self.command(&bin("sourdine")).args(args).output().unwrap())
    }
}

/// A `sourdine run` of the scene, stopped with SIGTERM at the end.
struct Service(std::process::Child);

impl Drop for Service {
    fn drop(&mut self) {
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(self.0.id() as i32),
            nix::sys::signal::Signal::SIGTERM,
        );
        let _ = self.0.wait();
    }
}

/// Sets the scene, runs the case's command, and checks its first line and exit status.
fn check(name: &str) {
    let case = case(name);
    if case.scene == Scene::OtherUser && !nix::unistd::geteuid().is_root() {
        eprintln!("SKIPPED: {name} needs root (to run `ticket` as another user)");
        return;
    }
    let place = Place::new();
    match case.config {
        Config::Absent => {}
        Config::Base(extra) => {
            fs::write(place.config(), place.fill(&format!("{BASE}{extra}"))).unwrap()
        }
        Config::Text(text) => fs::write(place.config(), place.fill(text)).unwrap(),
    }
    let mut id = None;
    let mut _service = None;
    let mut program_dir = None;
    match case.scene {
        Scene::Nothing => {}
        Scene::Init => {
            place.sourdine(&["init"]);
        }
        Scene::OneTicket => {
            place.sourdine(&["init"]);
            let mail = root().join("fixtures/clients/gmail.eml");
            place.sourdine(&["ingest", mail.to_str().unwrap()]);
            fs::write(
                place.path().join("reply.txt"),
                "Thank you for writing to us.\n",
            )
            .unwrap();
            let list = place
                .command(&bin("ticket"))
                .args(["list", "--json"])
                .output()
                .unwrap();
            let v: serde_json::Value = serde_json::from_str(&ok(list)).unwrap();
            id = Some(v[0]["id"].as_str().unwrap().to_string());
        }
        Scene::Running => {
            place.sourdine(&["init"]);
            let log = fs::File::create(place.path().join("service.log")).unwrap();
            let child = place
                .command(&bin("sourdine"))
                .arg("run")
                .stdout(Stdio::null())
                .stderr(log)
                .spawn()
                .unwrap();
            _service = Some(Service(child));
            let socket = place.path().join("run/control.sock");
            let start = Instant::now();
            while !crate::common::answers(&socket) {
                assert!(
                    start.elapsed() < Duration::from_secs(60),
                    "sourdine run did not start: {}",
                    fs::read_to_string(place.path().join("service.log")).unwrap_or_default()
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        Scene::OtherUser => {
            place.sourdine(&["init"]);
            // The other user can reach the configuration (as in /etc/sourdine) but not the
            // store (0700, root's), and runs a copy of the program from a folder it can read.
            for dir in [place.path(), &place.path().join("etc")] {
                fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).unwrap();
            }
            fs::set_permissions(place.config(), fs::Permissions::from_mode(0o644)).unwrap();
            let bin_dir = place.path().join("bin");
            fs::create_dir(&bin_dir).unwrap();
            fs::set_permissions(&bin_dir, fs::Permissions::from_mode(0o755)).unwrap();
            program_dir = Some(bin_dir);
        }
        Scene::PasswordFile(mode) => {
            let file = place.path().join("etc/imap.password");
            fs::write(&file, "contact-pass\n").unwrap();
            fs::set_permissions(&file, fs::Permissions::from_mode(mode)).unwrap();
        }
    }

    let mut words = case.command.split_whitespace();
    let program_name = words.next().unwrap();
    let args: Vec<String> = words
        .map(|w| match &id {
            Some(id) if w == SHOWN_ID => id.clone(),
            _ => w.to_string(),
        })
        .collect();
    let program = match &program_dir {
        Some(dir) => {
            let copy = dir.join(program_name);
            crate::common::copy_program(&bin(program_name), &copy);
            copy
        }
        None => bin(program_name),
    };
    let mut command = place.command(&program);
    command.args(&args);
    if case.scene == Scene::OtherUser {
        command.uid(65534).gid(65534).env("HOME", "/");
    }
    let out = command.output().unwrap();
    let stderr = place.standard(&text(&out.stderr), id.as_deref());
    let first = stderr.lines().next().unwrap_or("");
    assert_eq!(
        first, case.first_line,
        "{name}: `{}` printed (standard error, whole):\n{stderr}",
        case.command
    );
    assert_eq!(
        out.status.code(),
        Some(case.exit),
        "{name}: exit status; stderr:\n{stderr}"
    );
    assert!(
        out.stdout.is_empty(),
        "{name}: nothing on standard output: {}",
        text(&out.stdout)
    );
    assert!(
        !text(&out.stderr).contains(SECRET) && !text(&out.stderr).contains("contact-pass"),
        "{name}: a password was printed"
    );
}

/// The README's table, row by row: (mistake, command, first line, exit status), the cells'
/// code spans unwrapped.
fn readme_rows() -> Vec<[String; 4]> {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let heading = "## When something is wrong: what each mistake prints";
    let section = readme
        .split_once(heading)
        .unwrap_or_else(|| panic!("README.md has no section {heading:?}"))
        .1;
    let section = section.split("\n## ").next().unwrap();
    let mut rows = Vec::new();
    for line in section
        .lines()
        .filter(|l| l.trim_start().starts_with('|'))
        .skip(2)
    {
        let cells: Vec<String> = line
            .trim()
            .trim_matches('|')
            .split(" | ")
            .map(|c| unwrap_code(c.trim()))
            .collect();
        assert_eq!(cells.len(), 4, "a row of four cells: {line}");
        rows.push([
            cells[0].clone(),
            cells[1].clone(),
            cells[2].clone(),
            cells[3].clone(),
        ]);
    }
    rows
}

/// A table cell's text: a code span (`` `x` `` or ``` `` x `` ```) unwrapped; other cells as
/// they are (the mistake column keeps its Markdown).
fn unwrap_code(cell: &str) -> String {
    if let Some(inner) = cell.strip_prefix("`` ").and_then(|c| c.strip_suffix(" ``")) {
        return inner.to_string();
    }
    if let Some(inner) = cell.strip_prefix('`').and_then(|c| c.strip_suffix('`'))
        && !inner.contains('`')
    {
        return inner.to_string();
    }
    cell.to_string()
}

/// The README's table and the cases are the same list: every row has its case (and so its
/// test), every case its row, and the command, first line and exit status agree.
#[test]
fn readme_table_matches_the_cases() {
    let rows = readme_rows();
    assert!(!rows.is_empty(), "the README's table has rows");
    for [mistake, command, first_line, exit] in &rows {
        let Some((name, case)) = CASES.iter().find(|(_, c)| c.mistake == mistake) else {
            panic!("README row {mistake:?} has no case in tests/integration/mistakes.rs");
        };
        assert_eq!(command, case.command, "{name}: command");
        assert_eq!(first_line, case.first_line, "{name}: first line");
        assert_eq!(exit, &case.exit.to_string(), "{name}: exit status");
    }
    for (name, case) in CASES {
        assert!(
            rows.iter().any(|r| r[0] == case.mistake),
            "case {name} ({:?}) is missing from the README's table",
            case.mistake
        );
    }
    assert_eq!(rows.len(), CASES.len(), "one row per case");
}
