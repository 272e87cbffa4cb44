//! Real Dovecot and Postfix on loopback for the tests (deploy/dev/mailstack.sh), on free
//! ports chosen per test so tests can run side by side.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// A running mail stack, stopped when dropped.
pub struct MailStack {
    pub dir: PathBuf,
    pub imap: u16,
    pub imaps: u16,
    pub smtp: u16,
    pub submission: u16,
    pub smtps: u16,
    running: bool,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A TCP port on 127.0.0.1 that nothing listens on (now), below the kernel's ephemeral range
/// (32768 and up): a server restarted on it cannot find it taken by some client's outgoing
/// connection or another test's `bind(0)` in the meantime. Never the same twice in a process.
pub fn free_port() -> u16 {
    use std::sync::Mutex;
    use std::time::{SystemTime, UNIX_EPOCH};
    static GIVEN: Mutex<Vec<u16>> = Mutex::new(Vec::new());
    let mut given = GIVEN.lock().unwrap_or_else(|e| e.into_inner());
    let mut x = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
        ^ (u64::from(std::process::id()) << 32)
        | 1;
    for _ in 0..10_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let port = 20_000 + (x % 12_000) as u16;
        if !given.contains(&port) && TcpListener::bind(("127.0.0.1", port)).is_ok() {
            given.push(port);
            return port;
        }
    }
    panic!("no free port between 20000 and 32000");
}

/// Whether the mail servers are installed (else the test says so and skips).
pub fn available() -> bool {
    let ok = Path::new("/usr/sbin/dovecot").exists() && Path::new("/usr/sbin/postfix").exists();
    if !ok {
        eprintln!(
            "SKIPPED: Dovecot and Postfix are not installed (bash deploy/dev/install-mail-packages.sh)"
        );
    }
    ok
}

impl MailStack {
    /// Starts Dovecot and Postfix in a fresh short directory.
    pub fn start() -> MailStack {
        let dir = tempfile::Builder::new()
            .prefix("ms.")
            .tempdir_in("/tmp")
            .unwrap()
            .keep();
        let mut m = MailStack {
            dir,
            imap: free_port(),
            imaps: free_port(),
            smtp: free_port(),
            submission: free_port(),
            smtps: free_port(),
            running: false,
        };
        m.up();
        m
    }

    fn script(&self, action: &str) -> std::process::Output {
        self.script_for(action, "all")
    }

    fn script_for(&self, action: &str, what: &str) -> std::process::Output {
        Command::new("bash")
            .arg(root().join("deploy/dev/mailstack.sh"))
            .arg(action)
            .arg(&self.dir)
            .arg(what)
            .env("IMAP_PORT", self.imap.to_string())
            .env("IMAPS_PORT", self.imaps.to_string())
            .env("SMTP_PORT", self.smtp.to_string())
            .env("SUBMISSION_PORT", self.submission.to_string())
            .env("SMTPS_PORT", self.smtps.to_string())
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    }

    /// Starts the servers (again).
    pub fn up(&mut self) {
        let out = self.script("start");
        assert!(
            out.status.success(),
            "mailstack start failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        self.running = true;
    }

    /// Stops the servers (TERM, then KILL of what is left).
    pub fn down(&mut self) {
        let _ = self.script("stop");
        self.running = false;
    }

    /// Stops one server (`dovecot` or `postfix`): TERM, then KILL of what is left.
    pub fn stop_one(&mut self, what: &str) {
        let _ = self.script_for("stop", what);
    }

    /// Starts one server again (`dovecot` or `postfix`).
    pub fn start_one(&mut self, what: &str) {
        let out = self.script_for("start", what);
        assert!(
            out.status.success(),
            "mailstack start {what}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The CA that signed the servers' certificate.
    pub fn ca(&self) -> PathBuf {
        self.dir.join("tls/ca.crt")
    }

    /// The Maildir of `user` (e.g. "contact").
    pub fn maildir(&self, user: &str) -> PathBuf {
        self.dir.join(format!("mail/example.test/{user}/Maildir"))
    }

    /// Messages in a folder of `user`'s Maildir (`""` for INBOX, `".Sent"`...).
    pub fn count(&self, user: &str, folder: &str) -> usize {
        let base = self.maildir(user).join(folder);
        ["new", "cur"]
            .iter()
            .map(|d| {
                std::fs::read_dir(base.join(d))
                    .map(|r| r.count())
                    .unwrap_or(0)
            })
            .sum()
    }

    /// The raw messages in a folder of `user`'s Maildir.
    pub fn messages(&self, user: &str, folder: &str) -> Vec<Vec<u8>> {
        let base = self.maildir(user).join(folder);
        let mut out = Vec::new();
        for d in ["new", "cur"] {
            if let Ok(rd) = std::fs::read_dir(base.join(d)) {
                for e in rd.flatten() {
                    if let Ok(b) = std::fs::read(e.path()) {
                        out.push(b);
                    }
                }
            }
        }
        out
    }

    /// Waits until `user`'s folder holds `n` messages.
    pub fn wait_count(&self, user: &str, folder: &str, n: usize, within: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < within {
            if self.count(user, folder) == n {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    /// Sends `raw` over SMTP (port `smtp`, no authentication) from `from` to `to`.
    pub fn send(&self, from: &str, to: &str, raw: &[u8]) {
        send_smtp(self.smtp, from, to, raw).unwrap_or_else(|e| panic!("SMTP send failed: {e}"));
    }

    /// How many messages Dovecot saved into `user`'s INBOX, from its own log. Postfix killed
    /// between Dovecot's "saved" and its own record of it delivers the message again: the
    /// mailbox then holds two copies (different bytes: each has its own LMTP Received line).
    pub fn inbox_saves(&self, user: &str) -> usize {
        std::fs::read_to_string(self.dir.join("dovecot/dovecot.log"))
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains(&format!("lmtp({user}@")) && l.ends_with("saved mail to INBOX"))
            .count()
    }

    /// Whether Postfix's queue is empty (everything handed to Dovecot), after asking it to
    /// retry what it deferred.
    pub fn postfix_queue_empty(&self) -> bool {
        let conf = self.dir.join("postfix/etc");
        let _ = Command::new("postqueue")
            .arg("-c")
            .arg(&conf)
            .arg("-f")
            .output();
        Command::new("postqueue")
            .arg("-c")
            .arg(&conf)
            .arg("-p")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).contains("Mail queue is empty"))
            .unwrap_or(false)
    }

    /// The `[imap]` section for the contact mailbox, with `tls` = none | starttls | implicit.
    pub fn imap_config(&self, tls: &str, password_file: &Path) -> String {
        let (host, port) = match tls {
            "implicit" => ("localhost", self.imaps),
            "starttls" => ("localhost", self.imap),
            _ => ("127.0.0.1", self.imap),
        };
        format!(
            "[imap]\nhost = \"{host}\"\nport = {port}\ntls = \"{tls}\"\nusername = \"contact@example.test\"\npassword_file = \"{}\"\nca_file = \"{}\"\ncommand_timeout_secs = 10\n",
            password_file.display(),
            self.ca().display()
        )
    }
}

impl Drop for MailStack {
    fn drop(&mut self) {
        if self.running {
            self.down();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Why an SMTP session failed.
#[derive(Debug)]
pub enum SendError {
    /// Before the message was complete: the server cannot have taken it.
    Before(std::io::Error),
    /// After the final dot: the server may or may not have taken it.
    Ambiguous(std::io::Error),
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendError::Before(e) => write!(f, "{e}"),
            SendError::Ambiguous(e) => write!(f, "after the data: {e}"),
        }
    }
}

/// A minimal SMTP client: enough to play the writer.
pub fn send_smtp(port: u16, from: &str, to: &str, raw: &[u8]) -> Result<(), SendError> {
    let before = SendError::Before;
    let stream = TcpStream::connect(("127.0.0.1", port)).map_err(before)?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(before)?;
    let mut w = stream.try_clone().map_err(before)?;
    let mut r = BufReader::new(stream);
    let expect = |r: &mut BufReader<TcpStream>, code: &str| -> std::io::Result<()> {
        loop {
            let mut line = String::new();
            r.read_line(&mut line)?;
            if !line.starts_with(code) {
                return Err(std::io::Error::other(format!(
                    "expected {code}, got {line:?}"
                )));
            }
            if line.as_bytes().get(3) != Some(&b'-') {
                return Ok(());
            }
        }
    };
    (|| -> std::io::Result<()> {
        expect(&mut r, "220")?;
        w.write_all(b"EHLO writer.example.test\r\n")?;
        expect(&mut r, "250")?;
        w.write_all(format!("MAIL FROM:<{from}>\r\n").as_bytes())?;
        expect(&mut r, "250")?;
        w.write_all(format!("RCPT TO:<{to}>\r\n").as_bytes())?;
        expect(&mut r, "250")?;
        w.write_all(b"DATA\r\n")?;
        expect(&mut r, "354")?;
        let text = String::from_utf8_lossy(raw).replace("\r\n", "\n");
        let mut data = String::new();
        for line in text.lines() {
            if line.starts_with('.') {
                data.push('.');
            }
            data.push_str(line);
            data.push_str("\r\n");
        }
        w.write_all(data.as_bytes())
    })()
    .map_err(before)?;
    (|| -> std::io::Result<()> {
        w.write_all(b".\r\n")?;
        expect(&mut r, "250")?;
        w.write_all(b"QUIT\r\n")
    })()
    .map_err(SendError::Ambiguous)
}

impl MailStack {
    /// The `[smtp]` section: submission with STARTTLS and authentication as the contact user.
    pub fn smtp_config(&self, password_file: &Path) -> String {
        format!(
            "[smtp]\nhost = \"localhost\"\nport = {}\ntls = \"starttls\"\nusername = \"contact@example.test\"\npassword_file = \"{}\"\nca_file = \"{}\"\ntimeout_secs = 10\nretry_secs = 1\nfrom_name = \"Helpline\"\n",
            self.submission,
            password_file.display(),
            self.ca().display()
        )
    }

    /// Runs `work` in an IMAP session (plain, loopback) logged in as `user`, then logs out.
    fn imap_session<T>(
        &self,
        user: &str,
        password: &str,
        work: impl AsyncFnOnce(&mut async_imap::Session<tokio::net::TcpStream>) -> T,
    ) -> T {
        let user = format!("{user}@example.test");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let tcp = tokio::net::TcpStream::connect(("127.0.0.1", self.imap))
                .await
                .unwrap();
            let mut client = async_imap::Client::new(tcp);
            client.read_response().await.unwrap();
            let mut session = client
                .login(&user, password)
                .await
                .map_err(|(e, _)| e)
                .unwrap();
            let out = work(&mut session).await;
            let _ = session.logout().await;
            out
        })
    }

    /// Every message in `user`'s INBOX, read over IMAP (plain, loopback) as that user.
    pub fn imap_messages(&self, user: &str, password: &str) -> Vec<Vec<u8>> {
        use futures_util::TryStreamExt;
        self.imap_session(user, password, async |session| {
            let mb = session.select("INBOX").await.unwrap();
            let mut out = Vec::new();
            if mb.exists > 0 {
                let fetched: Vec<_> = session
                    .fetch("1:*", "BODY.PEEK[]")
                    .await
                    .unwrap()
                    .try_collect()
                    .await
                    .unwrap();
                out.extend(fetched.iter().filter_map(|f| f.body().map(<[u8]>::to_vec)));
            }
            out
        })
    }

    /// Puts `raw` into `folder` of `user`'s mailbox with IMAP APPEND (plain, loopback),
    /// creating the folder when needed: a copy left on the provider.
    pub fn append(&self, user: &str, password: &str, folder: &str, raw: &[u8]) {
        self.imap_session(user, password, async |session| {
            // Already there is fine.
            let _ = session.create(folder).await;
            session.append(folder, None, None, raw).await.unwrap();
        })
    }
}
