//! The network checks: IMAP login, capabilities, the mailbox, copies left on the provider,
//! and SMTP connection and login.
//!
//! They reuse the service's own connection code ([`crate::intake::imap::connect`],
//! [`crate::outbox::transport`]), with every timeout capped so doctor never hangs. Folders are
//! counted with STATUS (MESSAGES): no message is fetched, and no subject, address or content
//! is read. Every response stream is drained; the IMAP session ends with LOGOUT.

use std::borrow::Cow;
use std::time::Duration;

use async_imap::types::NameAttribute;
use futures_util::TryStreamExt;
use unicode_normalization::UnicodeNormalization;

use super::check::Check;
use crate::config::{AfterIntake, Config, ImapConfig, SmtpConfig, Tls};
use crate::intake::imap::{ImapError, ImapSession, connect, imap_err, read_password, short, timed};

const LOGIN_ID: &str = "imap.login";
const LOGIN: &str = "IMAP connection and login";
const CAPS_ID: &str = "imap.capabilities";
const CAPS: &str = "IMAP capabilities";
const MAILBOX_ID: &str = "imap.mailbox";
const MAILBOX: &str = "IMAP mailbox";
const COPIES_ID: &str = "imap.copies";
const COPIES: &str = "copies left on the provider";
const SMTP_ID: &str = "smtp";
const SMTP: &str = "SMTP connection and login";

/// At most this many folders are counted.
const MAX_FOLDERS: usize = 32;

/// The network checks, skipped (`--offline`).
pub fn skipped_offline(cfg: &Config) -> Vec<Check> {
    let why = "--offline: not checked";
    let mut out = match &cfg.imap {
        Some(_) => [
            (LOGIN_ID, LOGIN),
            (CAPS_ID, CAPS),
            (MAILBOX_ID, MAILBOX),
            (COPIES_ID, COPIES),
        ]
        .into_iter()
        .map(|(id, name)| Check::skipped(id, name, why))
        .collect(),
        None => vec![no_imap()],
    };
    out.push(match &cfg.smtp {
        Some(_) => Check::skipped(SMTP_ID, SMTP, why),
        None => no_smtp(),
    });
    out
}

fn no_imap() -> Check {
    Check::skipped(
        LOGIN_ID,
        LOGIN,
        "no [imap] section: no live intake (mail is taken in only with `sourdine ingest`)",
    )
}

fn no_smtp() -> Check {
    Check::skipped(
        SMTP_ID,
        SMTP,
        "no [smtp] section: replies wait in the outbox",
    )
}

/// Runs the network checks; every step waits at most its configured timeout, capped at `cap`.
pub async fn checks(cfg: &Config, cap: Duration) -> Vec<Check> {
    let cap_secs = cap.as_secs().max(1);
    let mut out = match &cfg.imap {
        Some(imap) => {
            let mut imap = imap.clone();
            imap.command_timeout_secs = imap.command_timeout_secs.clamp(1, cap_secs);
            imap_checks(&imap).await
        }
        None => vec![no_imap()],
    };
    out.push(match &cfg.smtp {
        Some(smtp) => {
            let mut smtp = smtp.clone();
            smtp.timeout_secs = smtp.timeout_secs.clamp(1, cap_secs);
            smtp_check(cfg, &smtp).await
        }
        None => no_smtp(),
    });
    out
}

// --- IMAP ------------------------------------------------------------------------------------

fn tls_word(tls: Tls) -> &'static str {
    match tls {
        Tls::Implicit => "implicit TLS",
        Tls::Starttls => "STARTTLS",
        Tls::None => "no TLS, loopback",
    }
}

fn skipped_after_login(why: &str) -> Vec<Check> {
    [(CAPS_ID, CAPS), (MAILBOX_ID, MAILBOX), (COPIES_ID, COPIES)]
        .into_iter()
        .map(|(id, name)| Check::skipped(id, name, why))
        .collect()
}

/// The login check's failure, with the fix its kind calls for.
fn login_failure(e: &ImapError, cfg: &ImapConfig) -> Check {
    let fix = if e.is_auth() {
        format!(
            "check imap.username, and the password in imap.password_file ({}): alone on one line, exactly as the provider expects it (some, like Gmail or Microsoft 365, want an app password)",
            cfg.password_file.display()
        )
    } else if e.is_tls() {
        "check imap.tls and the port (implicit on 993, starttls on 143); for a server with a private certificate authority set imap.ca_file; a wrong clock also makes certificates look invalid".to_string()
    } else if e.is_timeout() {
        "check imap.host, imap.port and imap.tls (a TLS port spoken to in plain text never answers), and that no firewall drops the connection".to_string()
    } else if e.is_network() {
        format!(
            "check imap.host and imap.port ({}), that the server is running, and that a firewall lets this machine reach it",
            cfg.port()
        )
    } else if e.is_config() {
        "fix the file named above (it must exist and be readable by the service user)".to_string()
    } else {
        "check imap.tls and imap.port: the server did not answer as an IMAP server does".to_string()
    };
    Check::fail(LOGIN_ID, LOGIN, e.to_string(), fix)
}

async fn imap_checks(cfg: &ImapConfig) -> Vec<Check> {
    let session = match read_password(cfg) {
        Ok(password) => connect(cfg, &password).await,
        Err(e) => Err(e),
    };
    let mut session = match session {
        Ok(s) => s,
        Err(e) => {
            let mut out = vec![login_failure(&e, cfg)];
            out.extend(skipped_after_login("not checked: no IMAP login"));
            return out;
        }
    };
    let mut out = vec![Check::ok(
        LOGIN_ID,
        LOGIN,
        format!(
            "logged in to {}:{} ({}) as {}",
            cfg.host,
            cfg.port(),
            tls_word(cfg.tls),
            cfg.username
        ),
    )];
    let limit = Duration::from_secs(cfg.command_timeout_secs);
    let broken = match session_checks(&mut session, cfg, limit).await {
        Ok(checks) => {
            out.extend(checks);
            false
        }
        Err((done, e)) => {
            out.extend(done);
            // The step that failed is the first one not done; the rest were not checked.
            let mut rest = skipped_after_login("not checked: an earlier IMAP command failed")
                .into_iter()
                .filter(|c| !out.iter().any(|d| d.id == c.id))
                .collect::<Vec<_>>()
                .into_iter();
            if let Some(failed) = rest.next() {
                out.push(Check::fail(
                    &failed.id,
                    &failed.name,
                    e.to_string(),
                    "run doctor again; if it keeps failing, the mail server's log says why",
                ));
            }
            out.extend(rest);
            e.is_timeout() || e.is_network()
        }
    };
    // A connection that broke or went silent gets no LOGOUT (it would only wait).
    if !broken {
        let _ = timed(limit, "LOGOUT", async {
            session.logout().await.map_err(imap_err("LOGOUT"))
        })
        .await;
    }
    out
}

/// Capabilities, mailbox and copies, on a logged-in session. On an IMAP error, the checks
/// done so far and the error.
async fn session_checks(
    session: &mut ImapSession,
    cfg: &ImapConfig,
    limit: Duration,
) -> Result<Vec<Check>, (Vec<Check>, ImapError)> {
    let mut out = Vec::new();
    let caps = match timed(limit, "CAPABILITY", async {
        session.capabilities().await.map_err(imap_err("CAPABILITY"))
    })
    .await
    {
        Ok(c) => c,
        Err(e) => return Err((out, e)),
    };
    out.push(capabilities_check(
        caps.has_str("IDLE"),
        caps.has_str("UIDPLUS"),
        caps.has_str("MOVE"),
        cfg.poll_interval_secs,
    ));
    drop(caps);

    // The mailbox mail arrives in.
    let waiting = match timed(limit, "STATUS", async {
        Ok(session.status(&cfg.mailbox, "(MESSAGES)").await)
    })
    .await
    {
        Ok(Ok(mb)) => {
            out.push(Check::ok(
                MAILBOX_ID,
                MAILBOX,
                format!("{}: {} message(s) waiting", cfg.mailbox, mb.exists),
            ));
            Some(mb.exists)
        }
        Ok(Err(async_imap::error::Error::No(text))) => {
            out.push(Check::fail(
                MAILBOX_ID,
                MAILBOX,
                format!(
                    "the server has no folder `{}` (imap.mailbox): {}",
                    cfg.mailbox,
                    short(&text)
                ),
                "set imap.mailbox to the folder mail arrives in (usually INBOX)",
            ));
            None
        }
        Ok(Err(e)) => return Err((out, imap_err("STATUS")(e))),
        Err(e) => return Err((out, e)),
    };

    // Every folder, with its special-use attributes.
    let folders = match list_folders(session, limit).await {
        Ok(f) => f,
        Err(e) => return Err((out, e)),
    };
    let targets = candidates(&folders, cfg);
    let mut counted = Vec::new();
    for t in targets.into_iter().take(MAX_FOLDERS) {
        let count = if t.present {
            match timed(limit, "STATUS", async {
                Ok(session.status(&t.name, "(MESSAGES)").await)
            })
            .await
            {
                Ok(Ok(mb)) => Some(mb.exists),
                // The folder cannot be opened (a virtual or vanished folder).
                Ok(Err(async_imap::error::Error::No(_))) => None,
                Ok(Err(e)) => return Err((out, imap_err("STATUS")(e))),
                Err(e) => return Err((out, e)),
            }
        } else {
            None
        };
        counted.push((t, count));
    }
    out.push(copies_check(&counted, waiting.unwrap_or(0), &cfg.mailbox));
    Ok(out)
}

/// Every folder of the account, with its special-use attributes.
async fn list_folders(
    session: &mut ImapSession,
    limit: Duration,
) -> Result<Vec<Folder>, ImapError> {
    let names = timed(limit, "LIST", async {
        session
            .list(Some(""), Some("*"))
            .await
            .map_err(imap_err("LIST"))?
            .try_collect::<Vec<_>>()
            .await
            .map_err(imap_err("LIST"))
    })
    .await?;
    let folders: Vec<Folder> = names
        .iter()
        .map(|n| Folder {
            name: n.name().to_string(),
            leaf: match n.delimiter() {
                Some(d) if !d.is_empty() => n.name().rsplit(d).next().unwrap_or(n.name()),
                _ => n.name(),
            }
            .to_string(),
            special: n.attributes().iter().find_map(special_use),
            selectable: !n.attributes().iter().any(|a| {
                matches!(a, NameAttribute::NoSelect)
                    || matches!(a, NameAttribute::Extension(x) if x.eq_ignore_ascii_case("\\NonExistent"))
            }),
        })
        .collect();
    Ok(folders)
}

/// The capabilities check: IDLE, UIDPLUS and MOVE, and what their absence costs.
fn capabilities_check(idle: bool, uidplus: bool, moves: bool, poll_secs: u64) -> Check {
    let mut missing = Vec::new();
    let mut costs = Vec::new();
    if !idle {
        missing.push("IDLE");
        costs.push(format!(
            "new mail is noticed only every {poll_secs} s (imap.poll_interval_secs)"
        ));
    }
    if !uidplus {
        missing.push("UIDPLUS");
        costs.push(
            "each batch is removed with a plain EXPUNGE, which also removes messages another client marked deleted"
                .into(),
        );
    }
    if !moves {
        missing.push("MOVE");
        costs.push("oversized messages (and after_intake = move:) are copied, then deleted".into());
    }
    if missing.is_empty() {
        return Check::ok(CAPS_ID, CAPS, "IDLE, UIDPLUS and MOVE are offered");
    }
    Check::warn(
        CAPS_ID,
        CAPS,
        format!(
            "the server does not offer {}: {}",
            missing.join(", "),
            costs.join("; ")
        ),
        "sourdine works without them; if you can, use a mail service that offers them (Dovecot, Cyrus and most providers do)",
    )
}

/// A copy-holding role a folder can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Sent,
    Trash,
    All,
    Junk,
    Archive,
    Oversize,
    MoveTarget,
}

impl Role {
    fn label(self) -> &'static str {
        match self {
            Role::Sent => "sent mail",
            Role::Trash => "trash",
            Role::All => "all mail",
            Role::Junk => "junk",
            Role::Archive => "archive",
            Role::Oversize => "imap.oversize_folder",
            Role::MoveTarget => "after_intake",
        }
    }
}

fn special_use(a: &NameAttribute<'_>) -> Option<Role> {
    match a {
        NameAttribute::Sent => Some(Role::Sent),
        NameAttribute::Trash => Some(Role::Trash),
        NameAttribute::All => Some(Role::All),
        NameAttribute::Junk => Some(Role::Junk),
        NameAttribute::Archive => Some(Role::Archive),
        _ => None,
    }
}

/// The role a folder's last name component suggests, for servers without special-use
/// attributes: the names servers and mail clients give these folders in English, French,
/// Dutch and German (the helpline's languages and its neighbours'), Spanish, Italian and
/// Portuguese.
fn role_by_name(leaf: &str) -> Option<Role> {
    let l: String = shown(leaf).nfc().collect::<String>().trim().to_lowercase();
    match l.as_str() {
        "sent"
        | "sent items"
        | "sent messages"
        | "sent mail"
        | "envoyés"
        | "éléments envoyés"
        | "messages envoyés"
        | "courrier envoyé"
        | "verzonden"
        | "verzonden items"
        | "verzonden berichten"
        | "gesendet"
        | "gesendete elemente"
        | "gesendete objekte"
        | "gesendete nachrichten"
        | "enviados"
        | "elementos enviados"
        | "itens enviados"
        | "inviati"
        | "posta inviata"
        | "elementi inviati" => Some(Role::Sent),
        "trash"
        | "deleted items"
        | "deleted messages"
        | "bin"
        | "corbeille"
        | "éléments supprimés"
        | "messages supprimés"
        | "prullenbak"
        | "verwijderde items"
        | "verwijderde berichten"
        | "papierkorb"
        | "gelöschte elemente"
        | "gelöschte objekte"
        | "gelöschte nachrichten"
        | "papelera"
        | "elementos eliminados"
        | "lixeira"
        | "itens excluídos"
        | "cestino"
        | "posta eliminata"
        | "elementi eliminati" => Some(Role::Trash),
        "all mail" | "tous les messages" | "alle berichten" | "alle nachrichten" => Some(Role::All),
        "junk"
        | "spam"
        | "junk e-mail"
        | "junk email"
        | "bulk mail"
        | "courrier indésirable"
        | "courriers indésirables"
        | "indésirables"
        | "pourriels"
        | "ongewenste e-mail"
        | "ongewenste email"
        | "junk-e-mail"
        | "correo no deseado"
        | "posta indesiderata"
        | "lixo eletrônico" => Some(Role::Junk),
        "archive" | "archives" | "archief" | "archiv" | "archivo" | "archivio" | "arquivo" => {
            Some(Role::Archive)
        }
        _ => None,
    }
}

/// A folder name as people read it: IMAP writes names in modified UTF-7 (RFC 3501, 5.1.3:
/// `&AMk-l&AOk-ments envoy&AOk-s` is "Éléments envoyés"). A name that is not valid modified
/// UTF-7 is shown as it is.
fn shown(name: &str) -> Cow<'_, str> {
    use base64::Engine;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const MUTF7: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::IMAP_MUTF7,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::RequireNone)
            .with_decode_allow_trailing_bits(true),
    );
    if !name.contains('&') {
        return Cow::Borrowed(name);
    }
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let Some((encoded, after)) = rest[i + 1..].split_once('-') else {
            return Cow::Borrowed(name);
        };
        if encoded.is_empty() {
            out.push('&');
        } else {
            let Ok(bytes) = MUTF7.decode(encoded) else {
                return Cow::Borrowed(name);
            };
            if bytes.len() % 2 != 0 {
                return Cow::Borrowed(name);
            }
            let units = bytes
                .chunks_exact(2)
                .map(|p| u16::from_be_bytes([p[0], p[1]]));
            for c in char::decode_utf16(units) {
                let Ok(c) = c else {
                    return Cow::Borrowed(name);
                };
                out.push(c);
            }
        }
        rest = after;
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// One folder of the LIST answer.
#[derive(Debug, Clone)]
struct Folder {
    name: String,
    leaf: String,
    special: Option<Role>,
    selectable: bool,
}

/// A folder to count.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Target {
    name: String,
    role: Role,
    /// Whether the special-use attribute (not only the name) says so.
    special: bool,
    /// Whether LIST showed it.
    present: bool,
}

/// The folders that may hold copies: by special-use attribute, else by a common name, plus
/// the oversize folder and the `move:` folder (listed even when absent).
fn candidates(folders: &[Folder], cfg: &ImapConfig) -> Vec<Target> {
    let same = |a: &str, b: &str| {
        a == b || (a.eq_ignore_ascii_case("INBOX") && b.eq_ignore_ascii_case("INBOX"))
    };
    let mut out: Vec<Target> = Vec::new();
    for f in folders {
        if !f.selectable || same(&f.name, &cfg.mailbox) {
            continue;
        }
        let (role, special) = match f.special {
            Some(r) => (r, true),
            None => match role_by_name(&f.leaf) {
                Some(r) => (r, false),
                None => continue,
            },
        };
        out.push(Target {
            name: f.name.clone(),
            role,
            special,
            present: true,
        });
    }
    let mut configured = vec![(cfg.oversize_folder.clone(), Role::Oversize)];
    if let AfterIntake::Move(f) = &cfg.after_intake {
        configured.push((f.clone(), Role::MoveTarget));
    }
    for (name, role) in configured {
        if same(&name, &cfg.mailbox) {
            continue;
        }
        if let Some(t) = out.iter_mut().find(|t| same(&t.name, &name)) {
            t.role = role;
            continue;
        }
        let present = folders.iter().any(|f| f.selectable && same(&f.name, &name));
        out.push(Target {
            name,
            role,
            special: false,
            present,
        });
    }
    out
}

/// The copies check from the counts (None: absent or not countable).
fn copies_check(counted: &[(Target, Option<u32>)], waiting: u32, mailbox: &str) -> Check {
    if counted.is_empty() {
        return Check::ok(
            COPIES_ID,
            COPIES,
            "no Sent, Trash, All Mail, Junk or Archive folder, and no oversize folder yet",
        );
    }
    let mut parts = Vec::new();
    let mut full = Vec::new();
    let mut oversize = false;
    for (t, count) in counted {
        let label = match t.role {
            Role::Sent | Role::Trash | Role::All | Role::Junk | Role::Archive if t.special => {
                format!("\\{:?}", t.role)
            }
            r => r.label().to_string(),
        };
        // \All shows the mailbox's own waiting messages too: only the rest are copies.
        let copies = count.map(|n| {
            if t.role == Role::All {
                n.saturating_sub(waiting)
            } else {
                n
            }
        });
        let what = match (t.present, copies) {
            (false, _) => "not created".to_string(),
            (true, None) => "cannot be counted".to_string(),
            (true, Some(0)) => "empty".to_string(),
            (true, Some(n)) if t.role == Role::All => {
                format!("{n} message(s) besides those waiting in {mailbox}")
            }
            (true, Some(n)) => format!("{n} message(s)"),
        };
        parts.push(format!("{} ({label}): {what}", shown(&t.name)));
        if copies.unwrap_or(0) > 0 {
            full.push(shown(&t.name).into_owned());
            oversize |= t.role == Role::Oversize;
        }
    }
    let detail = parts.join("; ");
    if full.is_empty() {
        return Check::ok(COPIES_ID, COPIES, detail);
    }
    let mut fix = format!(
        "these copies identify writers: empty {} (or have the server delete them after a few days); see docs/OPERATING.md, \"What the mail provider keeps\"",
        full.join(", ")
    );
    if oversize {
        fix.push_str(
            "; the oversize folder holds mail too large to take in: raise imap.max_message_bytes and move it back to the mailbox, or deal with it by hand, then delete it",
        );
    }
    Check::warn(COPIES_ID, COPIES, detail, fix)
}

// --- SMTP ------------------------------------------------------------------------------------

/// SMTP reply codes that mean the login was refused or is needed.
const AUTH_CODES: [&str; 4] = ["530", "534", "535", "538"];

async fn smtp_check(cfg: &Config, smtp: &SmtpConfig) -> Check {
    let transport = match crate::outbox::transport(cfg, smtp) {
        Ok(t) => t,
        Err(e) => {
            return Check::fail(
                SMTP_ID,
                SMTP,
                e.to_string(),
                "fix the file named above (it must exist and be readable by the service user)",
            );
        }
    };
    let at = format!("{}:{}", smtp.host, smtp.port());
    // lettre's timeout bounds each step; this bounds them all together.
    let limit = Duration::from_secs(smtp.timeout_secs) * 2;
    let result = tokio::time::timeout(limit, transport.test_connection()).await;
    drop(transport);
    match result {
        Ok(Ok(true)) => Check::ok(
            SMTP_ID,
            SMTP,
            match &smtp.username {
                Some(u) => format!(
                    "connected to {at} ({}), logged in as {u}",
                    tls_word(smtp.tls)
                ),
                None => format!(
                    "connected to {at} ({}); no login configured (smtp.username)",
                    tls_word(smtp.tls)
                ),
            },
        ),
        Ok(Ok(false)) => Check::fail(
            SMTP_ID,
            SMTP,
            format!("{at} accepted the connection but did not answer NOOP"),
            "check smtp.host and smtp.port: the server did not behave as an SMTP server does",
        ),
        Ok(Err(e)) => smtp_failure(&e, smtp, &at),
        Err(_) => Check::fail(
            SMTP_ID,
            SMTP,
            format!("{at} did not answer within {} s", limit.as_secs()),
            "check smtp.host, smtp.port and smtp.tls (a TLS port spoken to in plain text never answers), and that no firewall drops the connection",
        ),
    }
}

fn smtp_failure(e: &lettre::transport::smtp::Error, smtp: &SmtpConfig, at: &str) -> Check {
    // lettre nests its "Connection error" prefix; once is enough.
    let mut text = short(&e.to_string());
    while text.contains("Connection error: Connection error: ") {
        text = text.replace("Connection error: Connection error: ", "Connection error: ");
    }
    if let Some(code) = e.status() {
        let code = code.to_string();
        if AUTH_CODES.contains(&code.as_str()) {
            return Check::fail(
                SMTP_ID,
                SMTP,
                format!(
                    "the SMTP server {at} refused the login for {}: {text}",
                    smtp.username.as_deref().unwrap_or("(no smtp.username)")
                ),
                match &smtp.password_file {
                    Some(p) => format!(
                        "check smtp.username, and the password in smtp.password_file ({}): alone on one line, exactly as the provider expects it",
                        p.display()
                    ),
                    None => {
                        "the server wants a login: set smtp.username and smtp.password_file".into()
                    }
                },
            );
        }
        return Check::fail(
            SMTP_ID,
            SMTP,
            format!("the SMTP server {at} answered {text}"),
            "check smtp.host, smtp.port and smtp.tls (replies go through the submission port: 587 with starttls, or 465 with implicit)",
        );
    }
    // With rustls, lettre reports a failed handshake as a connection error.
    let lower = text.to_ascii_lowercase();
    let tls = e.is_tls()
        || ["certificate", "tls", "handshake", "corrupt message"]
            .iter()
            .any(|w| lower.contains(w));
    let fix = if tls {
        "check smtp.tls and the port (starttls on 587, implicit on 465); for a server with a private certificate authority set smtp.ca_file; a wrong clock also makes certificates look invalid"
    } else if e.is_timeout() {
        "check smtp.host, smtp.port and smtp.tls, and that no firewall drops the connection"
    } else if text.contains("authentication mechanism") {
        "the server offers no login on this port: use the submission port (587 with starttls, or 465 with implicit)"
    } else {
        "check smtp.host and smtp.port, that the server is running, and that a firewall lets this machine reach it"
    };
    Check::fail(SMTP_ID, SMTP, format!("SMTP with {at} failed: {text}"), fix)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::Verdict;

    fn imap_cfg(extra: &str) -> ImapConfig {
        let c = Config::parse(
            &format!(
                "data_dir = \"/d\"\ncontact_address = \"a@b.example\"\n[imap]\nhost = \"h.example\"\nusername = \"u\"\npassword_file = \"/p\"\n{extra}"
            ),
            std::path::Path::new("/etc/sourdine/sourdine.toml"),
        )
        .unwrap();
        c.imap.unwrap()
    }

    fn folder(name: &str, special: Option<Role>) -> Folder {
        Folder {
            name: name.into(),
            leaf: name.rsplit('/').next().unwrap().into(),
            special,
            selectable: true,
        }
    }

    #[test]
    fn copy_folders_are_found_by_attribute_then_by_name() {
        let cfg = imap_cfg("after_intake = \"move:Done\"\n");
        let folders = vec![
            folder("INBOX", None),
            folder("Sent", Some(Role::Sent)),
            folder("[Gmail]/All Mail", Some(Role::All)),
            folder("Deleted Items", None),
            folder("Spam", None),
            folder("Projects", None),
            Folder {
                selectable: false,
                ..folder("[Gmail]", None)
            },
            folder("Done", None),
        ];
        let t = candidates(&folders, &cfg);
        let got: Vec<(&str, Role, bool, bool)> = t
            .iter()
            .map(|t| (t.name.as_str(), t.role, t.special, t.present))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Sent", Role::Sent, true, true),
                ("[Gmail]/All Mail", Role::All, true, true),
                ("Deleted Items", Role::Trash, false, true),
                ("Spam", Role::Junk, false, true),
                ("sourdine-oversize", Role::Oversize, false, false),
                ("Done", Role::MoveTarget, false, true),
            ]
        );
    }

    #[test]
    fn folder_names_are_read_in_modified_utf7() {
        assert_eq!(shown("&AMk-l&AOk-ments envoy&AOk-s"), "Éléments envoyés");
        assert_eq!(shown("&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-"), "Отправленные");
        assert_eq!(shown("Tom &- Jerry"), "Tom & Jerry");
        assert_eq!(shown("INBOX.Sent"), "INBOX.Sent");
        // Not modified UTF-7: shown as the server wrote it.
        assert_eq!(shown("&2D3eAA-"), "😀");
        for raw in ["A&B", "&AMk", "&!!!-", "&AA-", "&2D0-"] {
            assert_eq!(shown(raw), raw);
        }
    }

    #[test]
    fn localized_folder_names_have_their_role() {
        for (leaf, role) in [
            ("&AMk-l&AOk-ments envoy&AOk-s", Role::Sent),
            ("Verzonden items", Role::Sent),
            ("GESENDET", Role::Sent),
            ("Corbeille", Role::Trash),
            ("Prullenbak", Role::Trash),
            ("Papierkorb", Role::Trash),
            ("Gel&APY-schte Elemente", Role::Trash),
            ("Spam", Role::Junk),
            ("Courrier ind&AOk-sirable", Role::Junk),
            ("Ongewenste e-mail", Role::Junk),
            ("Tous les messages", Role::All),
            ("Archief", Role::Archive),
        ] {
            assert_eq!(role_by_name(leaf), Some(role), "{leaf}");
        }
        // Written decomposed (e + U+0301), as a macOS client may create it.
        assert_eq!(
            role_by_name("Courrier inde\u{301}sirable"),
            Some(Role::Junk)
        );
        assert_eq!(role_by_name("Projets"), None);
    }

    #[test]
    fn copies_are_counted_and_a_non_empty_folder_warns() {
        let t = |name: &str, role, special, present| Target {
            name: name.into(),
            role,
            special,
            present,
        };
        let empty = copies_check(
            &[
                (t("Sent", Role::Sent, true, true), Some(0)),
                (t("sourdine-oversize", Role::Oversize, false, false), None),
            ],
            0,
            "INBOX",
        );
        assert_eq!(empty.verdict, Verdict::Ok);
        assert_eq!(
            empty.detail,
            "Sent (\\Sent): empty; sourdine-oversize (imap.oversize_folder): not created"
        );
        let full = copies_check(
            &[
                (t("Trash", Role::Trash, false, true), Some(3)),
                (t("All Mail", Role::All, true, true), Some(2)),
                (t("sourdine-oversize", Role::Oversize, false, true), Some(1)),
            ],
            2,
            "INBOX",
        );
        assert_eq!(full.verdict, Verdict::Warn);
        assert!(
            full.detail.contains("Trash (trash): 3 message(s)"),
            "{}",
            full.detail
        );
        // All Mail holds only the two waiting in INBOX: no copies there.
        assert!(
            full.detail.contains("All Mail (\\All): empty"),
            "{}",
            full.detail
        );
        let fix = full.fix.unwrap();
        assert!(
            fix.contains("these copies identify writers: empty Trash, sourdine-oversize"),
            "{fix}"
        );
        assert!(fix.contains("imap.max_message_bytes"), "{fix}");
    }

    #[test]
    fn missing_capabilities_warn_with_their_cost() {
        assert_eq!(
            capabilities_check(true, true, true, 60).verdict,
            Verdict::Ok
        );
        let c = capabilities_check(false, true, false, 60);
        assert_eq!(c.verdict, Verdict::Warn);
        assert!(
            c.detail
                .starts_with("the server does not offer IDLE, MOVE:"),
            "{}",
            c.detail
        );
        assert!(c.detail.contains("every 60 s"), "{}", c.detail);
    }

    #[test]
    fn names_without_attributes_get_a_role() {
        assert_eq!(role_by_name("Sent Items"), Some(Role::Sent));
        assert_eq!(role_by_name("TRASH"), Some(Role::Trash));
        assert_eq!(role_by_name("All Mail"), Some(Role::All));
        assert_eq!(role_by_name("Spam"), Some(Role::Junk));
        assert_eq!(role_by_name("Invoices"), None);
    }
}
