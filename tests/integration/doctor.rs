//! `sourdine doctor`: passes against real Dovecot and Postfix, and fails with the right
//! message against a wrong password, a closed port, bad permissions and a bad configuration.

use std::fs;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{Env, text};
use crate::mailstack::{self, MailStack};

/// A password file (0600) in its own kept folder.
fn password_file(password: &str) -> PathBuf {
    let dir = tempfile::tempdir().unwrap().keep();
    let p = dir.join("password");
    fs::write(&p, format!("{password}\n")).unwrap();
    fs::set_permissions(&p, fs::Permissions::from_mode(0o600)).unwrap();
    p
}

/// Runs `sourdine doctor ARGS` and waits, at most a minute, for it to exit and for its
/// standard output and error to close: a process left behind holding them would keep them
/// open, and this would fail.
fn doctor(env: &Env, args: &[&str]) -> Output {
    let start = Instant::now();
    let mut child = env
        .cmd("sourdine")
        .arg("doctor")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let drain = |mut r: Box<dyn Read + Send>| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            let _ = tx.send(buf);
        });
        rx
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let limit = Duration::from_secs(60);
    let stdout = out
        .recv_timeout(limit)
        .expect("doctor's standard output was still open after a minute");
    let stderr = err
        .recv_timeout(limit.saturating_sub(start.elapsed()))
        .expect("doctor's standard error was still open after a minute");
    let status = child.wait().unwrap();
    Output {
        status,
        stdout,
        stderr,
    }
}

/// `sourdine doctor --json ARGS`, parsed, with its exit code.
fn doctor_json(env: &Env, args: &[&str]) -> (i32, Value) {
    let mut a = vec!["--json"];
    a.extend_from_slice(args);
    let out = doctor(env, &a);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "doctor --json printed no JSON ({e}):\n{}\n{}",
            text(&out.stdout),
            text(&out.stderr)
        )
    });
    (out.status.code().unwrap(), v)
}

fn check<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id}: {report:#}"))
}

/// The human output, with the exit code; asserts it has the shape promised: a header, one
/// mark and name per check, indented details and fixes, a summary last.
fn human(env: &Env, args: &[&str]) -> (i32, String) {
    let out = doctor(env, args);
    let s = text(&out.stdout);
    let lines: Vec<&str> = s.lines().collect();
    assert!(
        lines[0].starts_with("sourdine doctor: "),
        "header: {s}\n{}",
        text(&out.stderr)
    );
    for l in &lines[1..lines.len() - 1] {
        assert!(
            ["[ ok ] ", "[warn] ", "[FAIL] ", "[skip] ", "       "]
                .iter()
                .any(|p| l.starts_with(p)),
            "unexpected line {l:?} in:\n{s}"
        );
    }
    let last = lines.last().unwrap();
    assert!(
        *last == "all checks passed"
            || last.starts_with("no problems, ")
            || last.contains(" problem"),
        "summary line: {last:?}"
    );
    (out.status.code().unwrap(), s)
}

/// The lines of the check named `name` in the human output: its mark line and what follows.
fn block(out: &str, name: &str) -> String {
    let mut lines = out.lines().skip_while(|l| l.get(7..) != Some(name));
    let first = lines
        .next()
        .unwrap_or_else(|| panic!("no check named {name:?} in:\n{out}"));
    let rest: Vec<&str> = lines.take_while(|l| l.starts_with("       ")).collect();
    format!("{first}\n{}", rest.join("\n"))
}

#[test]
fn doctor_passes_against_the_test_mail_servers_and_counts_copies_left_there() {
    if !mailstack::available() {
        return;
    }
    let stack = MailStack::start();
    let imap = stack.imap_config("starttls", &password_file("contact-pass"));
    let smtp = stack.smtp_config(&password_file("contact-pass"));
    let env = Env::init_with(&format!("{imap}\n{smtp}")).with_contact("contact@example.test");

    let (code, out) = human(&env, &[]);
    assert_eq!(code, 0, "{out}");
    let login = block(&out, "IMAP connection and login");
    assert!(login.starts_with("[ ok ]"), "{login}");
    assert!(
        login.contains(&format!(
            "logged in to localhost:{} (STARTTLS) as contact@example.test",
            stack.imap
        )),
        "{login}"
    );
    let caps = block(&out, "IMAP capabilities");
    assert!(
        caps.contains("[ ok ]") && caps.contains("IDLE, UIDPLUS and MOVE are offered"),
        "{caps}"
    );
    let mailbox = block(&out, "IMAP mailbox");
    assert!(mailbox.contains("INBOX: 0 message(s) waiting"), "{mailbox}");
    let copies = block(&out, "copies left on the provider");
    assert!(copies.starts_with("[ ok ]"), "{copies}");
    // Dovecot marks its Sent folder with the special-use attribute; the oversize folder is
    // created only when needed.
    assert!(
        copies.contains("Sent (\\Sent): empty")
            && copies.contains("sourdine-oversize (imap.oversize_folder): not created"),
        "{copies}"
    );
    let smtp = block(&out, "SMTP connection and login");
    assert!(
        smtp.starts_with("[ ok ]")
            && smtp.contains(&format!(
                "connected to localhost:{} (STARTTLS), logged in as contact@example.test",
                stack.submission
            )),
        "{smtp}"
    );

    let (code, report) = doctor_json(&env, &[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["passed"], true);
    for c in report["checks"].as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        // This machine's clock synchronisation may be unknown, and its disk may be fuller
        // than the warning threshold; nothing else may warn.
        let allowed: &[&str] = if ["clock", "disk"].contains(&id) {
            &["ok", "warn"]
        } else {
            &["ok"]
        };
        assert!(
            allowed.contains(&c["verdict"].as_str().unwrap()),
            "{id}: {c:#}"
        );
    }
    for id in [
        "config",
        "imap.after_intake",
        "data_dir",
        "store",
        "keys",
        "password_files",
        "socket",
        "disk",
        "clock",
        "imap.login",
        "imap.capabilities",
        "imap.mailbox",
        "imap.copies",
        "smtp",
    ] {
        check(&report, id);
    }

    // Copies left on the provider: one message in the oversize folder, two in a Trash
    // folder (found by its name). A warning, not a failure; counts only.
    let secret = "Subject: a very private matter\r\nFrom: someone@example.test\r\n\r\nplease keep this between us\r\n";
    stack.append(
        "contact",
        "contact-pass",
        "sourdine-oversize",
        secret.as_bytes(),
    );
    stack.append("contact", "contact-pass", "Trash", secret.as_bytes());
    stack.append("contact", "contact-pass", "Trash", secret.as_bytes());
    let (code, out) = human(&env, &[]);
    assert_eq!(code, 0, "a warning only: {out}");
    let copies = block(&out, "copies left on the provider");
    assert!(copies.starts_with("[warn]"), "{copies}");
    assert!(
        copies.contains("sourdine-oversize (imap.oversize_folder): 1 message(s)")
            && copies.contains("Trash (trash): 2 message(s)")
            && copies.contains("Sent (\\Sent): empty"),
        "{copies}"
    );
    assert!(
        copies.contains("fix: these copies identify writers: empty ")
            && copies.contains("imap.max_message_bytes"),
        "{copies}"
    );
    assert!(
        out.lines().last().unwrap().starts_with("no problems, "),
        "{out}"
    );
    for word in ["private matter", "someone@example.test", "between us"] {
        assert!(
            !out.contains(word),
            "doctor printed message data ({word}):\n{out}"
        );
    }
    let (_, report) = doctor_json(&env, &[]);
    assert_eq!(check(&report, "imap.copies")["verdict"], "warn");
}

/// A folder name as IMAP writes it (modified UTF-7, RFC 3501 section 5.1.3).
fn imap_utf7(name: &str) -> String {
    use base64::Engine;
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::IMAP_MUTF7,
        base64::engine::general_purpose::NO_PAD,
    );
    let mut out = String::new();
    let mut wide: Vec<u16> = Vec::new();
    let flush = |wide: &mut Vec<u16>, out: &mut String| {
        if !wide.is_empty() {
            let bytes: Vec<u8> = wide.iter().flat_map(|u| u.to_be_bytes()).collect();
            out.push_str(&format!("&{}-", engine.encode(bytes)));
            wide.clear();
        }
    };
    for c in name.chars() {
        if c == '&' {
            flush(&mut wide, &mut out);
            out.push_str("&-");
        } else if (' '..='~').contains(&c) {
            flush(&mut wide, &mut out);
            out.push(c);
        } else {
            wide.extend(c.encode_utf16(&mut [0; 2]).iter());
        }
    }
    flush(&mut wide, &mut out);
    out
}

#[test]
fn doctor_finds_copies_in_folders_named_in_french_dutch_and_german() {
    if !mailstack::available() {
        return;
    }
    let stack = MailStack::start();
    let imap = stack.imap_config("starttls", &password_file("contact-pass"));
    let env = Env::init_with(&imap).with_contact("contact@example.test");
    // Folders as Outlook, Thunderbird and webmails name them in these languages, without
    // special-use attributes (only Sent has one on the test server).
    let folders = [
        ("Éléments envoyés", "sent mail"),
        ("Verzonden items", "sent mail"),
        ("Gesendet", "sent mail"),
        ("Corbeille", "trash"),
        ("Prullenbak", "trash"),
        ("Papierkorb", "trash"),
        ("Courrier indésirable", "junk"),
        ("Ongewenste e-mail", "junk"),
        ("Archief", "archive"),
    ];
    let raw = b"Subject: a private matter\r\nFrom: someone@example.test\r\n\r\nbetween us\r\n";
    for (name, _) in folders {
        stack.append("contact", "contact-pass", &imap_utf7(name), raw);
    }
    assert_eq!(
        imap_utf7("Éléments envoyés"),
        "&AMk-l&AOk-ments envoy&AOk-s"
    );
    let (code, out) = human(&env, &[]);
    assert_eq!(code, 0, "a warning only: {out}");
    let copies = block(&out, "copies left on the provider");
    assert!(copies.starts_with("[warn]"), "{copies}");
    for (name, role) in folders {
        assert!(
            copies.contains(&format!("{name} ({role}): 1 message(s)")),
            "{name} is not counted:\n{copies}"
        );
    }
    assert!(
        copies.contains("fix: these copies identify writers: empty "),
        "{copies}"
    );
    assert!(
        !out.contains("private matter") && !out.contains("between us"),
        "{out}"
    );
}

#[test]
fn doctor_names_a_refused_login_and_the_password_file() {
    if !mailstack::available() {
        return;
    }
    let stack = MailStack::start();
    let imap_pw = password_file("wrong-pass");
    let smtp_pw = password_file("wrong-pass");
    let env = Env::init_with(&format!(
        "{}\n{}",
        stack.imap_config("none", &imap_pw),
        stack.smtp_config(&smtp_pw)
    ));
    let (code, out) = human(&env, &[]);
    assert_eq!(code, 1, "{out}");
    let login = block(&out, "IMAP connection and login");
    assert!(login.starts_with("[FAIL]"), "{login}");
    assert!(
        login.contains("the IMAP server refused the login for contact@example.test"),
        "{login}"
    );
    assert!(
        login.contains(&format!(
            "fix: check imap.username, and the password in imap.password_file ({})",
            imap_pw.display()
        )),
        "{login}"
    );
    // What needs a login is not checked, and says so.
    let caps = block(&out, "IMAP capabilities");
    assert!(
        caps.starts_with("[skip]") && caps.contains("not checked: no IMAP login"),
        "{caps}"
    );
    let smtp = block(&out, "SMTP connection and login");
    assert!(smtp.starts_with("[FAIL]"), "{smtp}");
    assert!(
        smtp.contains("refused the login for contact@example.test") && smtp.contains("535"),
        "{smtp}"
    );
    assert!(
        smtp.contains(&format!(
            "fix: check smtp.username, and the password in smtp.password_file ({})",
            smtp_pw.display()
        )),
        "{smtp}"
    );
    assert!(
        out.lines().last().unwrap().starts_with("2 problems"),
        "{out}"
    );
    // No password in the output.
    assert!(!out.contains("wrong-pass"), "{out}");

    // The right password, but a mailbox the server does not have.
    fs::write(&imap_pw, "contact-pass\n").unwrap();
    fs::write(&smtp_pw, "contact-pass\n").unwrap();
    let cfg = fs::read_to_string(&env.config).unwrap();
    fs::write(
        &env.config,
        cfg.replace("[smtp]", "mailbox = \"Nope\"\n[smtp]"),
    )
    .unwrap();
    let (code, out) = human(&env, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        block(&out, "IMAP connection and login").starts_with("[ ok ]"),
        "{out}"
    );
    let mailbox = block(&out, "IMAP mailbox");
    assert!(
        mailbox.starts_with("[FAIL]")
            && mailbox.contains("the server has no folder `Nope` (imap.mailbox)")
            && mailbox.contains("fix: set imap.mailbox to the folder mail arrives in"),
        "{mailbox}"
    );
    assert!(
        block(&out, "SMTP connection and login").starts_with("[ ok ]"),
        "{out}"
    );
    assert!(
        out.lines().last().unwrap().starts_with("1 problem"),
        "{out}"
    );
}

#[test]
fn doctor_says_a_closed_port_refused_the_connection() {
    // A port nobody listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let env = Env::init_with(&format!(
        "[imap]\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\nusername = \"contact@example.test\"\npassword_file = \"{}\"\n[smtp]\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\n",
        password_file("contact-pass").display()
    ));
    let start = Instant::now();
    let (code, out) = human(&env, &[]);
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "a refused connection is quick"
    );
    assert_eq!(code, 1, "{out}");
    let login = block(&out, "IMAP connection and login");
    assert!(login.starts_with("[FAIL]"), "{login}");
    assert!(
        login.contains(&format!("cannot connect to 127.0.0.1:{port}"))
            && login.contains("Connection refused"),
        "{login}"
    );
    assert!(
        login.contains(&format!(
            "fix: check imap.host and imap.port ({port}), that the server is running"
        )),
        "{login}"
    );
    let smtp = block(&out, "SMTP connection and login");
    assert!(
        smtp.starts_with("[FAIL]")
            && smtp.contains(&format!("SMTP with 127.0.0.1:{port} failed"))
            && smtp.contains("Connection refused"),
        "{smtp}"
    );
    assert!(
        smtp.contains("fix: check smtp.host and smtp.port, that the server is running"),
        "{smtp}"
    );
    // --offline leaves the network alone: nothing fails then.
    let (code, out) = human(&env, &["--offline"]);
    assert_eq!(code, 0, "{out}");
    let login = block(&out, "IMAP connection and login");
    assert!(
        login.starts_with("[skip]") && login.contains("--offline"),
        "{login}"
    );
}

#[test]
fn doctor_names_a_bad_permission_and_the_chmod_that_fixes_it() {
    let pw = password_file("contact-pass");
    let env = Env::init_with(&format!(
        "[imap]\nhost = \"127.0.0.1\"\nport = 9\ntls = \"none\"\nusername = \"u\"\npassword_file = \"{}\"\n",
        pw.display()
    ));
    let (code, out) = human(&env, &["--offline"]);
    assert_eq!(code, 0, "a fresh installation passes: {out}");

    // A key file others can read.
    let kek = env.key_dir.join("kek-000001.key");
    fs::set_permissions(&kek, fs::Permissions::from_mode(0o644)).unwrap();
    let (code, out) = human(&env, &["--offline"]);
    assert_eq!(code, 1, "{out}");
    let keys = block(&out, "key files");
    assert!(keys.starts_with("[FAIL]"), "{keys}");
    assert!(
        keys.contains(&format!(
            "{} has mode 0644: others can read it",
            kek.display()
        )),
        "{keys}"
    );
    assert!(
        keys.contains(&format!("fix: chmod 600 {}", kek.display())),
        "{keys}"
    );
    assert!(
        out.lines().last().unwrap().starts_with("1 problem"),
        "{out}"
    );
    fs::set_permissions(&kek, fs::Permissions::from_mode(0o600)).unwrap();

    // A data directory others can enter.
    fs::set_permissions(&env.data_dir, fs::Permissions::from_mode(0o755)).unwrap();
    let (code, out) = human(&env, &["--offline"]);
    assert_eq!(code, 1, "{out}");
    let data = block(&out, "data directory");
    assert!(
        data.starts_with("[FAIL]")
            && data.contains(&format!(
                "{} has mode 0755: others can list and enter it",
                env.data_dir.display()
            ))
            && data.contains(&format!("fix: chmod 700 {}", env.data_dir.display())),
        "{data}"
    );
    fs::set_permissions(&env.data_dir, fs::Permissions::from_mode(0o700)).unwrap();

    // A mailbox password others can read.
    fs::set_permissions(&pw, fs::Permissions::from_mode(0o644)).unwrap();
    let (code, report) = doctor_json(&env, &["--offline"]);
    assert_eq!(code, 1, "{report:#}");
    let c = check(&report, "password_files");
    assert_eq!(c["verdict"], "fail", "{c:#}");
    assert!(
        c["detail"].as_str().unwrap().contains(&format!(
            "{} has mode 0644: others can read it",
            pw.display()
        )),
        "{c:#}"
    );
    assert_eq!(c["fix"], format!("chmod 600 {}", pw.display()));
    fs::set_permissions(&pw, fs::Permissions::from_mode(0o600)).unwrap();

    let (code, out) = human(&env, &["--offline"]);
    assert_eq!(code, 0, "all fixed: {out}");
}

#[test]
fn doctor_stops_at_a_bad_configuration_naming_the_key() {
    let env = Env::with_config(
        "[imap]\nhost = \"imap.example.org\"\ntls = \"none\"\nusername = \"u\"\npassword_file = \"/etc/p\"\n",
    );
    let (code, out) = human(&env, &[]);
    assert_eq!(code, 1, "{out}");
    let cfg = block(&out, "configuration");
    assert!(
        cfg.starts_with("[FAIL]") && cfg.contains("`imap.tls`") && cfg.contains("loopback"),
        "{cfg}"
    );
    assert!(cfg.contains("fix: edit `imap.tls` in"), "{cfg}");
    // Nothing else is checked without a configuration.
    assert_eq!(
        out.lines().filter(|l| l.starts_with('[')).count(),
        1,
        "{out}"
    );
    assert_eq!(out.lines().last().unwrap(), "1 problem");
}

#[test]
fn doctor_runs_beside_the_service_without_taking_its_store() {
    let env = Env::new();
    let mut d = env.start_daemon();
    let (code, report) = doctor_json(&env, &["--offline"]);
    assert_eq!(code, 0, "{report:#}");
    let pid = d.child.as_ref().unwrap().id();
    let store = check(&report, "store")["detail"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        store.contains(&format!("in use by the running service (pid {pid})")),
        "{store}"
    );
    let socket = check(&report, "socket")["detail"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(socket.contains("the service answers on it"), "{socket}");
    // The service still owns its store and answers.
    assert!(env.sourdine(&["status"]).status.success());
    assert!(d.stop().success(), "{}", d.log_text());
}
