//! The TOML configuration: loaded once, validated at start, with errors that name the key.
//!
//! Secrets are never inline: passwords are read from files named here. Every field except
//! `data_dir` and `contact_address` has a documented default (see
//! `deploy/sourdine.example.toml`).

use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::time::Precision;

/// Where the configuration is looked for when neither `--config` nor `$SOURDINE_CONFIG` is given.
pub const DEFAULT_CONFIG_PATH: &str = "/etc/sourdine/sourdine.toml";
/// The default control socket.
pub const DEFAULT_SOCKET: &str = "/run/sourdine/control.sock";

/// A configuration problem, naming the key and what is wrong with it.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read configuration {path}: {source}{}", read_hint(source))]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML or has a key of the wrong type or an unknown key.
    #[error("configuration {path}: {message}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// Where and what: the line, the key when the line names one, the parser's
        /// complaint, and for an unknown key the nearest known one. The line itself is never
        /// quoted (it could hold a password written where it does not belong).
        message: String,
    },
    /// A key has a value that is not allowed.
    #[error("configuration {path}: `{key}`: {problem}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The key, dotted (`imap.tls`).
        key: String,
        /// What is wrong.
        problem: String,
    },
}

fn read_hint(e: &std::io::Error) -> &'static str {
    if e.kind() == std::io::ErrorKind::NotFound {
        " (give --config PATH or set SOURDINE_CONFIG; deploy/sourdine.example.toml lists every key)"
    } else {
        ""
    }
}

impl ConfigError {
    /// The key this error is about, when it is about one key.
    pub fn key(&self) -> Option<&str> {
        match self {
            ConfigError::Invalid { key, .. } => Some(key),
            _ => None,
        }
    }
}

/// The whole configuration.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Where the store lives (created 0700 by `sourdine init`).
    pub data_dir: PathBuf,
    /// The helpline's public address; replies come from it.
    pub contact_address: String,
    /// Where the key files live; default: a `keys` folder beside the configuration file.
    /// Never inside `data_dir`.
    #[serde(default)]
    pub key_dir: Option<PathBuf>,
    /// How precisely arrival times are stored: `minute`, `hour` (default) or `day`.
    #[serde(default)]
    pub received_precision: Precision,
    /// The helpline's time zone (an IANA name such as `Europe/Brussels`), in which `ticket`
    /// and `sourdine status` show times; default: the system's.
    #[serde(default)]
    pub timezone: Option<String>,
    /// The control socket `ticket` talks to (default `/run/sourdine/control.sock`).
    #[serde(default = "default_socket")]
    pub control_socket: PathBuf,
    /// The group whose members may reach the control socket (the socket's directory is
    /// given this group, mode 0750). Default: none (root only).
    #[serde(default)]
    pub counsellors_group: Option<String>,
    /// The contact classification file (types, categories, roles); default:
    /// `classification.toml` beside the configuration file.
    #[serde(default)]
    pub classification: Option<PathBuf>,
    /// Closing a ticket needs a type from the classification (default true).
    #[serde(default = "yes")]
    pub classification_required: bool,
    /// Who may do what.
    #[serde(default)]
    pub roles: RolesConfig,
    /// How incoming mail is taken apart.
    #[serde(default)]
    pub intake: IntakeConfig,
    /// How long things are kept.
    #[serde(default)]
    pub retention: RetentionConfig,
    /// Attachment cleaning and its limits.
    #[serde(default)]
    pub attachments: AttachmentsConfig,
    #[serde(default)]
    pub store: StoreConfig,
    /// Statistics.
    #[serde(default)]
    pub stats: StatsConfig,
    /// Logging.
    #[serde(default)]
    pub log: LogConfig,
    /// Replies, acknowledgements and sender verification.
    #[serde(default)]
    pub replies: RepliesConfig,
    /// The mailbox to take mail from (absent: no live intake).
    #[serde(default)]
    pub imap: Option<ImapConfig>,
    /// The server replies are sent through (absent: replies wait in the outbox).
    #[serde(default)]
    pub smtp: Option<SmtpConfig>,
    /// When counsellors answer mail: weekly times, holidays (default: Monday to Friday,
    /// 09:00-17:00).
    #[serde(default)]
    pub hours: crate::hours::HoursConfig,
    /// Count-only notices to the staff (tickets past the reply target).
    #[serde(default)]
    pub notify: NotifyConfig,

    /// The file this configuration was read from (not a key).
    #[serde(skip)]
    pub source: PathBuf,
    /// Whether the file has an `[hours]` table (not a key).
    #[serde(skip)]
    pub hours_written: bool,
}

fn default_socket() -> PathBuf {
    PathBuf::from(DEFAULT_SOCKET)
}

fn yes() -> bool {
    true
}

/// Users and groups mapped to roles. Root and the service's own user are always supervisors.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RolesConfig {
    /// User names that are counsellors.
    #[serde(default)]
    pub counsellor_users: Vec<String>,
    /// Group names whose members are counsellors.
    #[serde(default)]
    pub counsellor_groups: Vec<String>,
    /// User names that are supervisors.
    #[serde(default)]
    pub supervisor_users: Vec<String>,
    /// Group names whose members are supervisors.
    #[serde(default)]
    pub supervisor_groups: Vec<String>,
}

/// Intake settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IntakeConfig {
    /// Remove signature blocks from message text (default true).
    pub remove_signature: bool,
    /// Largest message taken in, in bytes (default 25 MB). Larger ones are quarantined.
    pub max_message_bytes: usize,
    /// Largest header block, in bytes (default 256 KiB).
    pub max_header_bytes: usize,
    /// Most MIME parts in one message (default 256).
    pub max_parts: usize,
    /// Deepest MIME nesting (default 16).
    pub max_depth: usize,
    /// Messages committed together with one durable flush (default 64); `sourdine ingest`
    /// also closes a batch at about 8 MiB.
    pub batch_size: usize,
    /// Seconds one message may take to be prepared (read, cleaned of identifying data, its
    /// attachments cleaned) before it is stopped and quarantined (default 20).
    pub max_prepare_seconds: u64,
}

impl Default for IntakeConfig {
    fn default() -> Self {
        let l = crate::anonymise::Limits::default();
        IntakeConfig {
            remove_signature: true,
            max_message_bytes: l.max_message_bytes,
            max_header_bytes: l.max_header_bytes,
            max_parts: l.max_parts,
            max_depth: l.max_depth,
            batch_size: 64,
            max_prepare_seconds: 20,
        }
    }
}

/// How long things are kept. 0 means "at the next purge".
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetentionConfig {
    /// The sealed reply address is destroyed this many days after a ticket is closed (the
    /// writer can no longer be reached; the content stays). Default 30.
    pub reply_address_days: u64,
    /// The whole ticket is destroyed this many days after it is closed. Default 365.
    pub ticket_days: u64,
    /// Quarantined messages are destroyed this many days after they arrived. Default 30.
    pub quarantine_days: u64,
    /// Audit entries older than this many days are removed, behind a checkpoint that keeps
    /// the chain verifiable. Default 730.
    pub audit_days: u64,
    /// The service applies these every this many minutes (default 60).
    pub purge_interval_minutes: u64,
    /// The coded facts the statistics count (kept apart from the tickets, which they
    /// outlive) are removed this many months after the month of their contact. Default 120.
    pub stats_months: u64,
    /// A reply kept as a draft (written, not sent) is destroyed this many days after it was
    /// last saved. Default 14.
    pub draft_days: u64,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        RetentionConfig {
            reply_address_days: 30,
            ticket_days: 365,
            quarantine_days: 30,
            audit_days: 730,
            purge_interval_minutes: 60,
            stats_months: 120,
            draft_days: 14,
        }
    }
}

/// Attachment cleaning settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AttachmentsConfig {
    /// Larger attachments are withheld (default 20 MB).
    pub max_attachment_bytes: u64,
    /// Attachments of one message together; past it the rest are withheld (default 40 MB).
    pub max_message_bytes: u64,
    /// Most members in a zip-based document (default 2000).
    pub max_zip_members: usize,
    /// Most bytes a zip-based document may expand to (default 200 MB).
    pub max_expanded_bytes: u64,
    /// Deepest PDF nesting accepted (default 64).
    pub max_pdf_depth: usize,
    /// Largest image, in pixels as declared (default 100 million).
    pub max_image_pixels: u64,
    /// Seconds a cleaner may take on one file before its worker is killed (default 30).
    pub worker_timeout_secs: u64,
    /// Address-space limit of a cleaning worker, in MiB (default 1024).
    pub worker_memory_mib: u64,
    /// Cleaning workers running side by side (default 2).
    pub workers: usize,
}

impl Default for AttachmentsConfig {
    fn default() -> Self {
        let l = crate::anonymise::clean::CleanLimits::default();
        AttachmentsConfig {
            max_attachment_bytes: 20_000_000,
            max_message_bytes: 40_000_000,
            max_zip_members: l.max_zip_members,
            max_expanded_bytes: l.max_expanded_bytes,
            max_pdf_depth: l.max_pdf_depth,
            max_image_pixels: l.max_image_pixels,
            worker_timeout_secs: 30,
            worker_memory_mib: 1024,
            workers: 2,
        }
    }
}

/// Store settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StoreConfig {
    /// sled's page cache bound, in MiB (default 16).
    pub cache_mib: u64,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig { cache_mib: 16 }
    }
}

/// Statistics settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StatsConfig {
    /// Counts from 1 to under this are shown as `<N` (default 5).
    pub threshold: u32,
}

impl Default for StatsConfig {
    fn default() -> Self {
        StatsConfig { threshold: 5 }
    }
}

/// How a connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tls {
    /// TLS from the first byte (IMAPS 993, SMTPS 465).
    Implicit,
    /// Plain connection upgraded with STARTTLS (IMAP 143, submission 587).
    Starttls,
    /// No encryption: refused unless the server is on this machine (loopback).
    None,
}

/// What happens to a message on the server once its ticket is on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterIntake {
    /// Flag it \Deleted and expunge it (default: the provider keeps no copy).
    Delete,
    /// Move it to this folder (weaker: a copy stays on the provider's server).
    Move(String),
}

impl Serialize for AfterIntake {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            AfterIntake::Delete => s.serialize_str("delete"),
            AfterIntake::Move(f) => s.serialize_str(&format!("move:{f}")),
        }
    }
}

impl<'de> Deserialize<'de> for AfterIntake {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match s.as_str() {
            "delete" => Ok(AfterIntake::Delete),
            _ => match s.strip_prefix("move:") {
                Some(f) if !f.trim().is_empty() => Ok(AfterIntake::Move(f.trim().to_string())),
                _ => Err(serde::de::Error::custom(
                    "expected \"delete\" or \"move:FOLDER\"",
                )),
            },
        }
    }
}

/// The mailbox sourdine takes mail from.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImapConfig {
    /// Server host name.
    pub host: String,
    /// Port (default: 993 for implicit TLS, 143 otherwise).
    #[serde(default)]
    pub port: Option<u16>,
    /// `implicit` (default), `starttls`, or `none` (loopback only).
    #[serde(default = "default_tls")]
    pub tls: Tls,
    /// Login name.
    pub username: String,
    /// File holding the password (never the password itself here).
    pub password_file: PathBuf,
    /// Refused: passwords are never written in the configuration.
    #[serde(default, skip_serializing)]
    pub password: Option<toml::Value>,
    /// The folder mail arrives in (default INBOX).
    #[serde(default = "default_mailbox")]
    pub mailbox: String,
    /// `delete` (default) or `move:FOLDER`.
    #[serde(default = "default_after_intake")]
    pub after_intake: AfterIntake,
    /// Messages fetched and committed together (default 50); a batch also stops at about
    /// 8 MiB by the messages' announced sizes.
    #[serde(default = "default_imap_batch")]
    pub batch_size: usize,
    /// Larger messages (by RFC822.SIZE) are not fetched: they are moved to `oversize_folder`
    /// for the operator (default 25 MB).
    #[serde(default = "default_max_message")]
    pub max_message_bytes: u64,
    /// Where oversized messages go (default `sourdine-oversize`).
    #[serde(default = "default_oversize")]
    pub oversize_folder: String,
    /// Seconds between polls when the server has no IDLE (default 60).
    #[serde(default = "default_poll")]
    pub poll_interval_secs: u64,
    /// IDLE is renewed at most this often, in seconds (default 300).
    #[serde(default = "default_idle_refresh")]
    pub idle_refresh_secs: u64,
    /// Timeout for every IMAP command but IDLE, in seconds (default 60).
    #[serde(default = "default_command_timeout")]
    pub command_timeout_secs: u64,
    /// An extra CA certificate file (PEM) to trust, besides the system's.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
}

fn default_tls() -> Tls {
    Tls::Implicit
}
fn default_mailbox() -> String {
    "INBOX".into()
}
fn default_after_intake() -> AfterIntake {
    AfterIntake::Delete
}
fn default_imap_batch() -> usize {
    50
}
fn default_max_message() -> u64 {
    25_000_000
}
fn default_oversize() -> String {
    "sourdine-oversize".into()
}
fn default_poll() -> u64 {
    60
}
fn default_idle_refresh() -> u64 {
    300
}
fn default_command_timeout() -> u64 {
    60
}

impl ImapConfig {
    /// The port, defaulted from the TLS mode.
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.tls {
            Tls::Implicit => 993,
            _ => 143,
        })
    }
}

/// The server replies go out through.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    /// Server host name.
    pub host: String,
    /// Port (default: 465 with implicit TLS, 587 with STARTTLS, 25 without TLS).
    #[serde(default)]
    pub port: Option<u16>,
    /// `starttls` (default), `implicit`, or `none` (loopback only).
    #[serde(default = "default_smtp_tls")]
    pub tls: Tls,
    /// Login name; no authentication when absent.
    #[serde(default)]
    pub username: Option<String>,
    /// File holding the password (needed with `username`).
    #[serde(default)]
    pub password_file: Option<PathBuf>,
    /// Refused: passwords are never written in the configuration.
    #[serde(default, skip_serializing)]
    pub password: Option<toml::Value>,
    /// The display name of the From address (default "Helpline").
    #[serde(default = "default_from_name")]
    pub from_name: String,
    /// The EHLO name (default: the contact address's domain; never the machine's host name).
    #[serde(default)]
    pub ehlo_name: Option<String>,
    /// Timeout of one delivery attempt, in seconds (default 60).
    #[serde(default = "default_command_timeout")]
    pub timeout_secs: u64,
    /// The first retry after a transient failure waits this many seconds; each further one
    /// twice as long, up to `max_retry_secs` (default 30).
    #[serde(default = "default_retry")]
    pub retry_secs: u64,
    /// The longest wait between two attempts, in seconds (default 3600).
    #[serde(default = "default_max_retry")]
    pub max_retry_secs: u64,
    /// A transient failure is retried with exponential backoff, until this many hours after
    /// the reply was written (default 120); then it is marked not delivered.
    #[serde(default = "default_give_up")]
    pub give_up_after_hours: u64,
    /// An extra CA certificate file (PEM) to trust, besides the system's.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
}

fn default_smtp_tls() -> Tls {
    Tls::Starttls
}
fn default_from_name() -> String {
    "Helpline".into()
}
fn default_retry() -> u64 {
    30
}
fn default_max_retry() -> u64 {
    3600
}
fn default_give_up() -> u64 {
    120
}

impl SmtpConfig {
    /// The port, defaulted from the TLS mode.
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.tls {
            Tls::Implicit => 465,
            Tls::Starttls => 587,
            Tls::None => 25,
        })
    }
}

/// Reply settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RepliesConfig {
    /// The authserv-id that the helpline's own mail server writes in `Authentication-Results`
    /// (e.g. `mx.helpline.example`). A sender is verified only when exactly one header carries
    /// it, with `dmarc=pass` for the From domain (`header.from`) and nothing failed; two such
    /// headers mean a forgery. Without it no sender is verified.
    pub trusted_authserv_id: Option<String>,
    /// Replies carry `Reply-To: contact+TOKEN@domain` (only if the provider delivers
    /// plus-addresses to the contact mailbox).
    pub plus_addressing: bool,
    /// Send an automatic acknowledgement when a new ticket arrives.
    pub acknowledge: bool,
    /// Also acknowledge senders our mail server could not check either way (a forged From
    /// would tell a third person that "they" wrote to the helpline). Never those whose check
    /// failed.
    pub acknowledge_unverified: bool,
    /// At most this many acknowledgements an hour, across all tickets (and, always, at most
    /// one a day to one address).
    pub acknowledge_per_hour: u32,
    /// The language of the acknowledgement when the writer's cannot be told: fr, nl or en.
    pub default_language: crate::anonymise::Language,
    /// Deprecated: one text for every language. When set and `[hours]` is not, the
    /// acknowledgement still uses it; `sourdine doctor` asks to replace it with `[hours]`.
    pub answer_within: Option<String>,
    /// The acknowledgement overrides and the canned answers of earlier versions
    /// (`NAME.fr.txt`, ...); default: `templates` beside the configuration file.
    pub templates_dir: Option<PathBuf>,
    /// The folder of saved replies (`NAME.fr.txt`, `NAME.nl.txt`, `NAME.en.txt`); default:
    /// `replies` beside the configuration file.
    pub saved_dir: Option<PathBuf>,
    /// The reply target, in working hours (see `[hours]`): tickets waiting longer are marked
    /// overdue (default 16, two working days).
    pub target_hours: u32,
    /// Which replies wait for a supervisor's review before they go to the outbox: `none`
    /// (default), `urgent` (replies to tickets marked urgent) or `all`.
    pub review: ReviewPolicy,
}

/// Which replies a second reader checks before they leave (`replies.review`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReviewPolicy {
    /// None (but those sent with `ticket reply --review`).
    #[default]
    None,
    /// Replies to tickets marked urgent.
    Urgent,
    /// Every counsellor's reply.
    All,
}

impl Default for RepliesConfig {
    fn default() -> Self {
        RepliesConfig {
            trusted_authserv_id: None,
            plus_addressing: false,
            acknowledge: true,
            acknowledge_unverified: false,
            acknowledge_per_hour: 60,
            default_language: crate::anonymise::Language::Fr,
            answer_within: None,
            templates_dir: None,
            saved_dir: None,
            target_hours: 16,
            review: ReviewPolicy::None,
        }
    }
}

/// Count-only notices to the staff.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NotifyConfig {
    /// A staff address that receives, through the outbox, the same count-only line the log
    /// gets ("3 tickets past the reply target"): never a subject, a text or a reference.
    /// Set by the operator, so it is not a writer's address and needs no verification.
    pub address: Option<String>,
}

/// Logging settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// `error`, `warn`, `info` (default), `debug` or `trace`; `$SOURDINE_LOG` overrides it.
    pub level: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            level: "info".into(),
        }
    }
}

impl Config {
    /// Reads and validates the configuration at `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Config::parse(&text, path)
    }

    /// Parses and validates configuration text; `path` names the file in errors and anchors
    /// relative defaults (the key directory).
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let mut cfg: Config = toml::from_str(text).map_err(|e| ConfigError::Syntax {
            path: path.to_path_buf(),
            message: describe_syntax_error(text, &e),
        })?;
        cfg.source = path.to_path_buf();
        cfg.hours_written = text
            .parse::<toml::Table>()
            .is_ok_and(|t| t.contains_key("hours"));
        cfg.validate()?;
        Ok(cfg)
    }

    fn invalid(&self, key: &str, problem: impl fmt::Display) -> ConfigError {
        ConfigError::Invalid {
            path: self.source.clone(),
            key: key.to_string(),
            problem: problem.to_string(),
        }
    }

    fn validate(&mut self) -> Result<(), ConfigError> {
        if !self.data_dir.is_absolute() {
            return Err(self.invalid(
                "data_dir",
                format!(
                    "must be an absolute path, such as /var/lib/sourdine (it is {:?})",
                    self.data_dir
                ),
            ));
        }
        if let Err(problem) = check_address(&self.contact_address) {
            return Err(self.invalid("contact_address", problem));
        }
        self.contact_address = normalise_address(&self.contact_address);
        self.validate_places()?;
        self.validate_limits()?;
        self.validate_attachments()?;
        if let Some(imap) = &self.imap {
            self.validate_imap(imap)?;
        }
        if let Some(smtp) = &self.smtp {
            self.validate_smtp(smtp)?;
        }
        if self.replies.default_language == crate::anonymise::Language::Unknown {
            return Err(self.invalid("replies.default_language", "must be fr, nl or en"));
        }
        if !["error", "warn", "info", "debug", "trace"].contains(&self.log.level.as_str()) {
            return Err(self.invalid(
                "log.level",
                "must be one of error, warn, info, debug, trace",
            ));
        }
        Ok(())
    }

    /// The key directory and the control socket: absolute, outside `data_dir`.
    fn validate_places(&self) -> Result<(), ConfigError> {
        let key_dir = self.key_dir();
        if !key_dir.is_absolute() {
            return Err(self.invalid("key_dir", "must be an absolute path"));
        }
        if key_dir.starts_with(&self.data_dir) {
            return Err(self.invalid(
                "key_dir",
                "must not be inside data_dir (a copy of the data directory alone must be unreadable)",
            ));
        }
        if !self.control_socket.is_absolute() {
            return Err(self.invalid("control_socket", "must be an absolute path"));
        }
        if self.control_socket.starts_with(&self.data_dir) {
            return Err(self.invalid(
                "control_socket",
                "must not be inside data_dir (the data directory stays 0700)",
            ));
        }
        if self.control_socket.as_os_str().len() > 100 {
            return Err(self.invalid("control_socket", "path longer than 100 bytes"));
        }
        Ok(())
    }

    /// The intake's, store's, retention's and statistics' limits.
    fn validate_limits(&self) -> Result<(), ConfigError> {
        let i = &self.intake;
        for (key, value, min) in [
            ("intake.max_message_bytes", i.max_message_bytes, 1024),
            ("intake.max_header_bytes", i.max_header_bytes, 1024),
            ("intake.max_parts", i.max_parts, 1),
            ("intake.max_depth", i.max_depth, 1),
            ("intake.batch_size", i.batch_size, 1),
        ] {
            if value < min {
                return Err(self.invalid(key, format!("must be at least {min}")));
            }
        }
        if self.intake.max_depth > 64 {
            return Err(self.invalid("intake.max_depth", "must be at most 64"));
        }
        if self.intake.batch_size > 10_000 {
            return Err(self.invalid("intake.batch_size", "must be at most 10000"));
        }
        if !(1..=3600).contains(&self.intake.max_prepare_seconds) {
            return Err(self.invalid("intake.max_prepare_seconds", "must be between 1 and 3600"));
        }
        if !(1..=4096).contains(&self.store.cache_mib) {
            return Err(self.invalid("store.cache_mib", "must be between 1 and 4096"));
        }
        let r = &self.retention;
        if r.reply_address_days > r.ticket_days {
            return Err(self.invalid(
                "retention.reply_address_days",
                "must not be longer than retention.ticket_days (the address goes with the ticket)",
            ));
        }
        if r.purge_interval_minutes == 0 {
            return Err(self.invalid("retention.purge_interval_minutes", "must be at least 1"));
        }
        self.validate_hours()?;
        if !(3..=1000).contains(&self.stats.threshold) {
            return Err(self.invalid(
                "stats.threshold",
                "must be between 3 and 1000 (below 3, a hidden count could be worked out)",
            ));
        }
        if self
            .classification
            .as_ref()
            .is_some_and(|p| !p.is_absolute())
        {
            return Err(self.invalid("classification", "must be an absolute path"));
        }
        Ok(())
    }

    /// The attachment cleaners' limits.
    fn validate_attachments(&self) -> Result<(), ConfigError> {
        let a = &self.attachments;
        for (key, v, min) in [
            (
                "attachments.max_attachment_bytes",
                a.max_attachment_bytes,
                1024,
            ),
            ("attachments.max_message_bytes", a.max_message_bytes, 1024),
            ("attachments.max_zip_members", a.max_zip_members as u64, 1),
            ("attachments.max_expanded_bytes", a.max_expanded_bytes, 1024),
            ("attachments.max_pdf_depth", a.max_pdf_depth as u64, 4),
            ("attachments.max_image_pixels", a.max_image_pixels, 1),
            ("attachments.worker_timeout_secs", a.worker_timeout_secs, 1),
            ("attachments.worker_memory_mib", a.worker_memory_mib, 64),
            ("attachments.workers", a.workers as u64, 1),
        ] {
            if v < min {
                return Err(self.invalid(key, format!("must be at least {min}")));
            }
        }
        if a.max_pdf_depth > 1000 {
            return Err(self.invalid(
                "attachments.max_pdf_depth",
                "must be at most 1000 (deeper nesting can overflow the parser's stack)",
            ));
        }
        Ok(())
    }

    fn validate_imap(&self, imap: &ImapConfig) -> Result<(), ConfigError> {
        if imap.password.is_some() {
            return Err(self.invalid(
                "imap.password",
                "passwords are never written in the configuration: put it in a file (0600) and name it with password_file",
            ));
        }
        if imap.host.trim().is_empty() {
            return Err(self.invalid("imap.host", "must not be empty"));
        }
        if imap.tls == Tls::None && !is_loopback_host(&imap.host) {
            return Err(self.invalid(
                "imap.tls",
                "\"none\" sends the password in clear: only allowed when host is a loopback address; use \"implicit\" (port 993) or \"starttls\" (port 143)",
            ));
        }
        if !imap.password_file.is_absolute() {
            return Err(self.invalid("imap.password_file", "must be an absolute path"));
        }
        for (key, v, min) in [
            ("imap.batch_size", imap.batch_size as u64, 1),
            ("imap.max_message_bytes", imap.max_message_bytes, 1024),
            ("imap.poll_interval_secs", imap.poll_interval_secs, 1),
            ("imap.idle_refresh_secs", imap.idle_refresh_secs, 10),
            ("imap.command_timeout_secs", imap.command_timeout_secs, 1),
        ] {
            if v < min {
                return Err(self.invalid(key, format!("must be at least {min}")));
            }
        }
        if imap.idle_refresh_secs > 29 * 60 {
            return Err(self.invalid(
                "imap.idle_refresh_secs",
                "must be at most 1740 (servers drop IDLE after 30 minutes)",
            ));
        }
        if imap.oversize_folder.trim().is_empty() {
            return Err(self.invalid("imap.oversize_folder", "must not be empty"));
        }
        Ok(())
    }

    fn validate_smtp(&self, smtp: &SmtpConfig) -> Result<(), ConfigError> {
        if smtp.password.is_some() {
            return Err(self.invalid(
                "smtp.password",
                "passwords are never written in the configuration: put it in a file (0600) and name it with password_file",
            ));
        }
        if smtp.host.trim().is_empty() {
            return Err(self.invalid("smtp.host", "must not be empty"));
        }
        if smtp.tls == Tls::None && !is_loopback_host(&smtp.host) {
            return Err(self.invalid(
                "smtp.tls",
                "\"none\" sends mail (and any password) in clear: only allowed when host is a loopback address; use \"starttls\" (port 587) or \"implicit\" (port 465)",
            ));
        }
        match (&smtp.username, &smtp.password_file) {
            (Some(_), None) => {
                return Err(self.invalid("smtp.password_file", "needed when smtp.username is set"));
            }
            (None, Some(_)) => {
                return Err(self.invalid("smtp.username", "needed when smtp.password_file is set"));
            }
            (_, Some(p)) if !p.is_absolute() => {
                return Err(self.invalid("smtp.password_file", "must be an absolute path"));
            }
            _ => {}
        }
        if let Some(e) = &smtp.ehlo_name
            && (e.is_empty() || e.contains(char::is_whitespace))
        {
            return Err(self.invalid("smtp.ehlo_name", "must be a host name"));
        }
        if smtp.timeout_secs == 0 {
            return Err(self.invalid("smtp.timeout_secs", "must be at least 1"));
        }
        Ok(())
    }

    /// The EHLO name: `smtp.ehlo_name`, else the contact address's domain.
    pub fn ehlo_name(&self) -> String {
        self.smtp
            .as_ref()
            .and_then(|s| s.ehlo_name.clone())
            .unwrap_or_else(|| self.contact_domain().to_string())
    }

    /// The opening hours, checked when the configuration was read.
    pub fn schedule(&self) -> crate::hours::Schedule {
        crate::hours::Schedule::new(&self.hours, self.timezone.as_deref()).unwrap_or_else(|_| {
            crate::hours::Schedule::new(&crate::hours::HoursConfig::default(), None)
                .expect("the default hours are valid")
        })
    }

    /// Whether the acknowledgement still uses the deprecated `replies.answer_within` (set, and
    /// no `[hours]` in the file to compute a date from).
    pub fn uses_answer_within(&self) -> bool {
        self.replies.answer_within.is_some() && !self.hours_written
    }

    fn validate_hours(&self) -> Result<(), ConfigError> {
        if let Some(tz) = &self.timezone {
            crate::hours::time_zone(Some(tz)).map_err(|e| self.invalid("timezone", e.problem))?;
        }
        crate::hours::Schedule::new(&self.hours, self.timezone.as_deref())
            .map_err(|e| self.invalid(&format!("hours.{}", e.key), e.problem))?;
        if !(1..=10_000).contains(&self.replies.target_hours) {
            return Err(self.invalid("replies.target_hours", "must be between 1 and 10000"));
        }
        if let Some(a) = &self.notify.address {
            let ok = a.split_once('@').is_some_and(|(l, d)| {
                !l.is_empty() && d.contains('.') && !a.contains(char::is_whitespace)
            });
            if !ok {
                return Err(self.invalid("notify.address", "must be one mail address"));
            }
        }
        Ok(())
    }

    /// The folder of saved replies: `replies.saved_dir`, else `replies` beside the
    /// configuration file.
    pub fn saved_dir(&self) -> PathBuf {
        self.replies.saved_dir.clone().unwrap_or_else(|| {
            let base = self.source.parent().unwrap_or(Path::new("."));
            std::path::absolute(base)
                .unwrap_or_else(|_| base.to_path_buf())
                .join("replies")
        })
    }

    /// The folder of canned answers and acknowledgement overrides.
    pub fn templates_dir(&self) -> PathBuf {
        self.replies.templates_dir.clone().unwrap_or_else(|| {
            let base = self.source.parent().unwrap_or(Path::new("."));
            std::path::absolute(base)
                .unwrap_or_else(|_| base.to_path_buf())
                .join("templates")
        })
    }

    /// The classification file, and whether the configuration names it (else it is the
    /// default, `classification.toml` beside the configuration file).
    pub fn classification_path(&self) -> (PathBuf, bool) {
        match &self.classification {
            Some(p) => (p.clone(), true),
            None => {
                let base = self.source.parent().unwrap_or(Path::new("."));
                let base = std::path::absolute(base).unwrap_or_else(|_| base.to_path_buf());
                (base.join("classification.toml"), false)
            }
        }
    }

    /// The helpline's time zone: `timezone`, else the system's (UTC when it has none).
    pub fn time_zone(&self) -> jiff::tz::TimeZone {
        self.timezone
            .as_deref()
            .and_then(|name| jiff::tz::TimeZone::get(name).ok())
            .unwrap_or_else(jiff::tz::TimeZone::system)
    }

    /// The key directory: `key_dir`, or `keys` beside the configuration file.
    pub fn key_dir(&self) -> PathBuf {
        match &self.key_dir {
            Some(dir) => dir.clone(),
            None => {
                let base = self
                    .source
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| PathBuf::from("."));
                let base = if base.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    base
                };
                std::path::absolute(&base).unwrap_or(base).join("keys")
            }
        }
    }

    /// The directory holding the control socket and the status file.
    pub fn runtime_dir(&self) -> PathBuf {
        self.control_socket
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("/run/sourdine"))
    }

    /// The domain of the contact address.
    pub fn contact_domain(&self) -> &str {
        self.contact_address
            .rsplit_once('@')
            .map(|(_, d)| d)
            .unwrap_or("")
    }

    /// The anonymiser's options derived from this configuration.
    pub fn anonymise_options(&self) -> crate::anonymise::Options {
        crate::anonymise::Options {
            remove_signature: self.intake.remove_signature,
            limits: crate::anonymise::Limits {
                max_message_bytes: self.intake.max_message_bytes,
                max_header_bytes: self.intake.max_header_bytes,
                max_parts: self.intake.max_parts,
                max_depth: self.intake.max_depth,
            },
            contact_address: self.contact_address.clone(),
            trusted_authserv_id: self.replies.trusted_authserv_id.clone(),
        }
    }
}

/// Whether `host` names the local machine (a loopback address or `localhost`).
pub fn is_loopback_host(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
        .map(|ip| ip.is_loopback())
        .unwrap_or(false)
}

/// Checks the contact address as the outbox will read it (`lettre::Address`), with the
/// reason in words.
fn check_address(addr: &str) -> Result<(), &'static str> {
    let Some((local, domain)) = addr.rsplit_once('@') else {
        return Err("must be an e-mail address (local@domain)");
    };
    if local.is_empty() || domain.is_empty() {
        return Err("must be an e-mail address (local@domain)");
    }
    if addr
        .chars()
        .any(|c| c.is_whitespace() || c == '<' || c == '>')
    {
        return Err(
            "must be a bare address such as contact@helpline.example, without a display name or spaces (replies show smtp.from_name as the name)",
        );
    }
    if let Err(e) = addr.parse::<lettre::Address>() {
        return Err(match e {
            lettre::address::AddressError::InvalidUser => {
                "must be an e-mail address that mail servers accept: the part before @ is not valid"
            }
            lettre::address::AddressError::InvalidDomain => {
                "must be an e-mail address that mail servers accept: the domain is not valid"
            }
            _ => "must be an e-mail address (local@domain)",
        });
    }
    if !domain.contains('.') && !domain.eq_ignore_ascii_case("localhost") {
        return Err("the domain must be a fully qualified name");
    }
    Ok(())
}

/// The parser's complaint in one line: the line number, the key when the line names one,
/// what is wrong, and for an unknown key the nearest known key. The offending line is not
/// quoted, as the parser would: it could hold a password written where it does not belong,
/// and this message goes to terminals and logs.
fn describe_syntax_error(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim().replace('\n', " ");
    let Some(span) = e.span() else {
        return message.replace("missing field ", "missing key ");
    };
    let start = span.start.min(text.len());
    let before = &text.as_bytes()[..start];
    let line_no = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("");
    // The table this line is in: the last `[name]` header above it.
    let section = text[..line_start]
        .lines()
        .map(str::trim)
        .rfind(|l| l.starts_with('['))
        .map(|l| l.trim_matches(['[', ']', ' ']).to_string());
    let dotted = |key: &str| match &section {
        Some(s) => format!("{s}.{key}"),
        None => key.to_string(),
    };
    if let Some(field) = message.strip_prefix("missing field ") {
        // The span covers the table that lacks the key: its header, or the whole file.
        return match line.trim().strip_prefix('[') {
            Some(header) => format!(
                "line {line_no}: missing key {field} in [{}]",
                header.trim_matches(['[', ']', ' '])
            ),
            None => format!("missing key {field}"),
        };
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        // "unknown field `x`, expected one of `a`, `b`": the names are between backquotes.
        let names: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
        if let Some((unknown, known)) = names.split_first() {
            let place = match &section {
                Some(s) => format!(" in [{s}]"),
                None => String::new(),
            };
            // `password` is a known key only so that it can be refused: never suggest it.
            let nearest = known
                .iter()
                .filter(|k| **k != "password")
                // A transposed pair of letters counts as one edit (optimal string alignment).
                .map(|k| (strsim::osa_distance(unknown, k), *k))
                .min()
                .filter(|(d, k)| *d <= 3 && *d * 3 <= k.len());
            return match nearest {
                Some((_, k)) => {
                    format!("line {line_no}: unknown key `{unknown}`{place}; did you mean `{k}`?")
                }
                None => format!(
                    "line {line_no}: unknown key `{unknown}`{place}; the keys allowed there: {}",
                    known
                        .iter()
                        .filter(|k| **k != "password")
                        .copied()
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
        }
    }
    // A value the key does not accept: name the key (the text before `=` on that line).
    let key = line.split_once('=').map(|(k, _)| k.trim()).filter(|k| {
        !k.is_empty()
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    });
    match key {
        Some(k) if start >= line_start + line.find('=').unwrap_or(0) => {
            format!("line {line_no}: `{}`: {message}", dotted(k))
        }
        _ => format!("line {line_no}: {message}"),
    }
}

/// A password file that cannot be used: unreadable, or open to other users.
#[derive(Debug, thiserror::Error)]
pub enum PasswordFileError {
    /// The file could not be read.
    #[error("cannot read {key} {}: {source}", path.display())]
    Read {
        /// The key that names the file (`imap.password_file`).
        key: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Other users may read or change the file.
    #[error(
        "{key} {} is open to other users (mode {mode:04o}); make it readable by the service's user only: chmod 600 {}",
        path.display(),
        path.display()
    )]
    Exposed {
        /// The key that names the file.
        key: &'static str,
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
}

/// Reads the password file named by `key` (its trailing newline removed). A file that other
/// users can read or write is refused: the password would be theirs too.
pub fn read_password_file(
    key: &'static str,
    path: &Path,
) -> Result<zeroize::Zeroizing<String>, PasswordFileError> {
    use std::io::Read;
    use std::os::unix::fs::PermissionsExt;
    let read_err = |source| PasswordFileError::Read {
        key,
        path: path.to_path_buf(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(read_err)?;
    let mode = file.metadata().map_err(read_err)?.permissions().mode() & 0o7777;
    if mode & 0o007 != 0 {
        return Err(PasswordFileError::Exposed {
            key,
            path: path.to_path_buf(),
            mode,
        });
    }
    let mut text = zeroize::Zeroizing::new(String::new());
    file.read_to_string(&mut text).map_err(read_err)?;
    let len = text.trim_end_matches(['\n', '\r']).len();
    text.truncate(len);
    Ok(text)
}

impl Config {
    /// Reads every password file the configuration names, so that a missing or exposed one
    /// stops the service at start, before it touches the store or the network.
    pub fn check_password_files(&self) -> Result<(), PasswordFileError> {
        if let Some(imap) = &self.imap {
            read_password_file("imap.password_file", &imap.password_file)?;
        }
        if let Some(file) = self.smtp.as_ref().and_then(|s| s.password_file.as_ref()) {
            read_password_file("smtp.password_file", file)?;
        }
        Ok(())
    }
}

fn normalise_address(addr: &str) -> String {
    match addr.rsplit_once('@') {
        Some((l, d)) => format!("{l}@{}", d.to_ascii_lowercase()),
        None => addr.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("/etc/sourdine/sourdine.toml"))
    }

    #[test]
    fn the_prepare_budget_is_bounded() {
        let base =
            "data_dir = \"/var/lib/sourdine\"\ncontact_address = \"c@h.example\"\n[intake]\n";
        assert_eq!(parse(base).unwrap().intake.max_prepare_seconds, 20);
        assert_eq!(
            parse(&format!("{base}max_prepare_seconds = 5\n"))
                .unwrap()
                .intake
                .max_prepare_seconds,
            5
        );
        for bad in [0, 3601] {
            let e = parse(&format!("{base}max_prepare_seconds = {bad}\n")).unwrap_err();
            assert!(e.to_string().contains("intake.max_prepare_seconds"), "{e}");
        }
    }

    #[test]
    fn minimal_file_gets_defaults() {
        let c = parse(
            "data_dir = \"/var/lib/sourdine\"\ncontact_address = \"contact@Helpline.Example\"\n",
        )
        .unwrap();
        assert_eq!(c.key_dir(), PathBuf::from("/etc/sourdine/keys"));
        assert_eq!(c.contact_address, "contact@helpline.example");
        assert_eq!(c.received_precision, Precision::Hour);
        assert_eq!(c.control_socket, PathBuf::from(DEFAULT_SOCKET));
        assert!(c.intake.remove_signature);
        assert_eq!(c.contact_domain(), "helpline.example");
    }

    #[test]
    fn unknown_key_is_named() {
        let e = parse("data_dir = \"/d\"\ncontact_address = \"a@b.example\"\ndata_dri = 1\n")
            .unwrap_err();
        assert!(e.to_string().contains("data_dri"), "{e}");
    }

    #[test]
    fn missing_key_is_named() {
        let e = parse("data_dir = \"/d\"\n").unwrap_err();
        assert!(e.to_string().contains("contact_address"), "{e}");
    }

    #[test]
    fn key_dir_inside_data_dir_is_refused() {
        let e =
            parse("data_dir = \"/d\"\ncontact_address = \"a@b.example\"\nkey_dir = \"/d/keys\"\n")
                .unwrap_err();
        assert_eq!(e.key(), Some("key_dir"));
    }

    #[test]
    fn bad_precision_is_named() {
        let e = parse(
            "data_dir = \"/d\"\ncontact_address = \"a@b.example\"\nreceived_precision = \"second\"\n",
        )
        .unwrap_err();
        assert!(e.to_string().contains("received_precision"), "{e}");
    }

    #[test]
    fn relative_data_dir_is_refused() {
        let e = parse("data_dir = \"d\"\ncontact_address = \"a@b.example\"\n").unwrap_err();
        assert_eq!(e.key(), Some("data_dir"));
    }

    #[test]
    fn timezone_must_be_known() {
        let base = "data_dir = \"/d\"\ncontact_address = \"a@b.example\"\n";
        let c = parse(&format!("{base}timezone = \"Europe/Brussels\"\n")).unwrap();
        assert_eq!(c.time_zone().iana_name(), Some("Europe/Brussels"));
        let e = parse(&format!("{base}timezone = \"Europe/Atlantis\"\n")).unwrap_err();
        assert_eq!(e.key(), Some("timezone"));
    }

    #[test]
    fn contact_address_must_be_bare() {
        let e = parse("data_dir = \"/d\"\ncontact_address = \"Help <a@b.example>\"\n").unwrap_err();
        assert_eq!(e.key(), Some("contact_address"));
    }

    #[test]
    fn contact_address_is_one_the_outbox_can_send() {
        let with = |addr: &str| {
            parse(&format!(
                "data_dir = \"/d\"\ncontact_address = \"{addr}\"\n"
            ))
        };
        for bad in [
            "con..tact@helpline.example",
            ".contact@helpline.example",
            "con,tact@helpline.example",
            "contact@helpline..example",
            "contact@-helpline.example",
        ] {
            let e = with(bad).expect_err(bad);
            assert_eq!(e.key(), Some("contact_address"), "{bad}");
            // What the config accepts, lettre (the outbox) accepts.
            assert!(bad.parse::<lettre::Address>().is_err(), "{bad}");
        }
        let e = with("con..tact@helpline.example").unwrap_err();
        assert!(e.to_string().contains("the part before @"), "{e}");
        let e = with("contact@helpline..example").unwrap_err();
        assert!(e.to_string().contains("the domain"), "{e}");
        for good in [
            "contact@helpline.example",
            "contact+help@helpline.example",
            "c.o-n_t'a%ct@sub.helpline.example",
            "contact@hélpline.example",
            "contact@localhost",
        ] {
            let c = with(good).unwrap_or_else(|e| panic!("{good}: {e}"));
            assert!(c.contact_address.parse::<lettre::Address>().is_ok());
        }
    }

    #[test]
    fn a_transposed_letter_counts_as_one_edit() {
        let e = parse("data_dir = \"/d\"\ncontact_address = \"a@b.example\"\n[imap]\ntsl = 1\n")
            .unwrap_err();
        assert!(
            e.to_string()
                .ends_with("line 4: unknown key `tsl` in [imap]; did you mean `tls`?"),
            "{e}"
        );
    }

    #[test]
    fn the_example_configuration_is_valid_and_matches_the_defaults() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/sourdine.example.toml");
        let c = Config::load(&path).unwrap();
        let d = parse(
            "data_dir = \"/var/lib/sourdine\"\ncontact_address = \"contact@helpline.example\"\n",
        )
        .unwrap();
        assert_eq!(
            toml::to_string(&c).unwrap(),
            toml::to_string(&d).unwrap(),
            "the example must show the defaults"
        );
    }

    #[test]
    fn imap_section_is_validated() {
        let base = "data_dir = \"/d\"\ncontact_address = \"a@b.example\"\n[imap]\nusername = \"u\"\npassword_file = \"/etc/p\"\n";
        let c = parse(&format!("{base}host = \"imap.b.example\"\n")).unwrap();
        let imap = c.imap.unwrap();
        assert_eq!(imap.port(), 993);
        assert_eq!(imap.after_intake, AfterIntake::Delete);
        let e = parse(&format!(
            "{base}host = \"imap.b.example\"\ntls = \"none\"\n"
        ))
        .unwrap_err();
        assert_eq!(e.key(), Some("imap.tls"));
        assert!(parse(&format!("{base}host = \"127.0.0.1\"\ntls = \"none\"\n")).is_ok());
        let e = parse(&format!("{base}host = \"h.example\"\npassword = \"x\"\n")).unwrap_err();
        assert_eq!(e.key(), Some("imap.password"));
        let c = parse(&format!(
            "{base}host = \"h.example\"\nafter_intake = \"move:Done\"\n"
        ))
        .unwrap();
        assert_eq!(
            c.imap.unwrap().after_intake,
            AfterIntake::Move("Done".into())
        );
        let e = parse(&format!(
            "{base}host = \"h.example\"\nafter_intake = \"keep\"\n"
        ))
        .unwrap_err();
        assert!(e.to_string().contains("after_intake"), "{e}");
    }

    #[test]
    fn a_misspelt_key_gets_the_nearest_known_one() {
        let e = parse("data_dir = \"/d\"\ncontact_adress = \"a@b.example\"\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "configuration /etc/sourdine/sourdine.toml: line 2: unknown key `contact_adress`; did you mean `contact_address`?"
        );
        let e = parse("data_dir = \"/d\"\ncontact_address = \"a@b.example\"\n[imap]\nzzz = 1\n")
            .unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("unknown key `zzz` in [imap]; the keys allowed there: host"),
            "{text}"
        );
        assert!(
            !text.contains(" password,"),
            "the refused key is not offered: {text}"
        );
    }

    #[test]
    fn a_syntax_error_names_the_key_and_never_quotes_the_line() {
        let e = parse(
            "data_dir = \"/d\"\ncontact_address = \"a@b.example\"\n[imap]\nhost = \"h.example\"\npassword = hunter2secret\n",
        )
        .unwrap_err();
        let text = e.to_string();
        assert!(text.contains("line 5: `imap.password`:"), "{text}");
        assert!(!text.contains("hunter2secret"), "{text}");
        let e =
            parse("data_dir = \"/d\"\ncontact_address = \"a@b.example\"\n[imap]\nhost = \"h\"\n")
                .unwrap_err();
        assert!(
            e.to_string()
                .ends_with("line 3: missing key `username` in [imap]"),
            "{e}"
        );
    }

    #[test]
    fn a_password_file_open_to_others_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("imap.password");
        std::fs::write(&p, "s3cret\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = read_password_file("imap.password_file", &p).unwrap_err();
        assert!(
            matches!(e, PasswordFileError::Exposed { mode: 0o644, .. }),
            "{e}"
        );
        assert!(e.to_string().contains("chmod 600"), "{e}");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        assert_eq!(
            read_password_file("imap.password_file", &p)
                .unwrap()
                .as_str(),
            "s3cret"
        );
        let e = read_password_file("smtp.password_file", &dir.path().join("none")).unwrap_err();
        assert!(
            e.to_string().starts_with("cannot read smtp.password_file "),
            "{e}"
        );
    }

    #[test]
    fn loopback_hosts() {
        assert!(is_loopback_host("127.0.0.1"));
        assert!(is_loopback_host("::1"));
        assert!(is_loopback_host("[::1]"));
        assert!(is_loopback_host("localhost"));
        assert!(!is_loopback_host("mail.example.org"));
        assert!(!is_loopback_host("10.0.0.1"));
    }
}
