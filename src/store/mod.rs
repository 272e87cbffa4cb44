//! The ticket store: one sled tree with prefixed keys, plus sealed files for large payloads.
//!
//! * Every record that says anything about a writer is sealed under the ticket's data key.
//! * A commit is durable when [`Store::commit`] returns: payload files are written and
//!   fsync'd with their directory first, then the sled batch is applied, flushed, and every
//!   sled file (and its directory) is fsync'd, because sled's own `flush()` stops at
//!   `sync_file_range` and never syncs its blob files.
//! * One process owns the store at a time (`data_dir/lock`, naming the owner's pid).

mod audit;
mod classification;
mod drafts;
mod files;
mod intake;
mod maintenance;
mod outbox;
mod quarantine;
mod read;
pub mod records;
mod retention;
mod stats;
mod views;
mod workflow;

use std::collections::HashSet;
use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub use audit::{
    Actor, AuditEntry, AuditVerification, BaseView, ExpectedHead, HeadCheck, HeadVerdict, Removal,
    TicketRefs,
};
pub use drafts::{DraftSummary, DraftView, ReviewView};
pub use intake::Outcome;
pub use outbox::{OutboxView, Outgoing};
pub use quarantine::QuarantinedMessage;
pub use read::{sort_summaries, summary_order};
pub use retention::{PurgeReport, RekeyReport};
pub use stats::{Fact, Month, StatsInput, open_facts_file};
pub use views::{
    AttachmentView, ListFilter, MessageView, QuarantineView, StatusFilter, TicketSummary,
    TicketView,
};
pub use workflow::{Change, NoteView, RevealView};

use crate::config::Config;
use crate::seal::{Key, Keyring, SealError};
use crate::time::{Clock, Precision};
use records::keys;

/// The schema this build reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

const DB_DIR: &str = "db";
const FILES_DIR: &str = "files";
const LOCK_FILE: &str = "lock";

/// A store error. Opaque on purpose; ask it what it is with the `is_*` methods.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct StoreError(#[from] Kind);

#[derive(Debug, thiserror::Error)]
enum Kind {
    #[error("no store in {0}: run `sourdine init` first")]
    NotInitialised(PathBuf),
    #[error(
        "the store in {dir} is in use by another process{}: stop it first, or use the commands that go through the running service (ticket, sourdine ingest, sourdine status)",
        owner_text(*pid)
    )]
    Locked { dir: PathBuf, pid: Option<u32> },
    #[error(
        "the store was to be opened for the parent process, which does not hold its lock (this command is run by `sourdine run` only)"
    )]
    NotUnderParent,
    #[error("ticket {0} not found")]
    TicketNotFound(String),
    #[error("attachment {attachment} of ticket {ticket} not found")]
    AttachmentNotFound { ticket: String, attachment: String },
    #[error("attachment {attachment} of ticket {ticket} is withheld; its bytes were never stored")]
    Withheld { ticket: String, attachment: String },
    #[error(
        "the store in {dir} is damaged ({detail}); it was not modified. Restore it from a backup"
    )]
    Corrupt { dir: PathBuf, detail: String },
    #[error(
        "the store has schema version {found}, newer than this build ({SCHEMA_VERSION}); upgrade sourdine"
    )]
    SchemaTooNew { found: u32 },
    #[error("{what}: {source}")]
    Io {
        what: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Seal(#[from] SealError),
    #[error("store: {0}")]
    Sled(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Forbidden(String),
    #[error(
        "the store in {dir} belongs to {owner} (uid {uid}); run this as that user (for example `runuser -u {owner} -- ...`), or its files would change owner and the service could no longer write them"
    )]
    NotOwner {
        dir: PathBuf,
        owner: String,
        uid: u32,
    },
    #[error(
        "the store in {dir} belongs to {owner} (uid {uid}), not to you (uid {me}), so only the running service can open it for you"
    )]
    NoAccess {
        dir: PathBuf,
        owner: String,
        uid: u32,
        me: u32,
    },
    #[error("reveal request {0} not found")]
    RequestNotFound(String),
    #[error("ticket {0} has no reply address any more (it expired or was never there)")]
    NoEnvelope(String),
    #[error("{0}")]
    Missing(String),
}

/// " (pid N, `sourdine run`)": the owner, named by its pid and, when this process may read
/// it, the command it runs.
fn owner_text(pid: Option<u32>) -> String {
    let Some(pid) = pid else {
        return String::new();
    };
    // Program name and the subcommand when it is one of sourdine's (never other arguments:
    // they could name files).
    let what = fs::read(format!("/proc/{pid}/cmdline"))
        .ok()
        .and_then(|raw| {
            let mut args = raw
                .split(|&b| b == 0)
                .map(|a| String::from_utf8_lossy(a).into_owned());
            let program = args.next()?;
            let program = Path::new(&program)
                .file_name()?
                .to_string_lossy()
                .into_owned();
            let sub = args.find(|a| {
                [
                    "run",
                    "ingest",
                    "init",
                    "purge",
                    "keys",
                    "audit",
                    "outbox",
                    "quarantine",
                ]
                .contains(&a.as_str())
            });
            Some(match sub {
                Some(sub) if program == "sourdine" => format!("sourdine {sub}"),
                _ => program,
            })
        });
    match what {
        Some(what) => format!(" (pid {pid}, `{what}`)"),
        None => format!(" (pid {pid})"),
    }
}

impl StoreError {
    /// No store exists yet.
    pub fn is_not_initialised(&self) -> bool {
        matches!(self.0, Kind::NotInitialised(_))
    }
    /// Another process owns the store.
    pub fn is_locked(&self) -> bool {
        matches!(self.0, Kind::Locked { .. })
    }
    /// The store belongs to another user.
    pub fn is_not_owner(&self) -> bool {
        matches!(self.0, Kind::NotOwner { .. } | Kind::NoAccess { .. })
    }
    /// The pid of the process that owns the store, when known.
    pub fn owner_pid(&self) -> Option<u32> {
        match self.0 {
            Kind::Locked { pid, .. } => pid,
            _ => None,
        }
    }
    /// A ticket, attachment or request does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(
            self.0,
            Kind::TicketNotFound(_)
                | Kind::AttachmentNotFound { .. }
                | Kind::RequestNotFound(_)
                | Kind::NoEnvelope(_)
                | Kind::Missing(_)
        )
    }
    /// The change conflicts with the ticket's state (claimed by someone else...).
    pub fn is_conflict(&self) -> bool {
        matches!(self.0, Kind::Conflict(_))
    }
    /// The store refused the actor (a supervisor approving their own reveal...).
    pub fn is_forbidden(&self) -> bool {
        matches!(self.0, Kind::Forbidden(_))
    }
    /// The requested bytes were withheld.
    pub fn is_withheld(&self) -> bool {
        matches!(self.0, Kind::Withheld { .. })
    }
    /// The store files are damaged.
    pub fn is_corrupt(&self) -> bool {
        matches!(self.0, Kind::Corrupt { .. })
    }
    /// Sealed data failed authentication or its key is gone.
    pub fn is_seal(&self) -> bool {
        matches!(self.0, Kind::Seal(_))
    }
    /// A disk or file-system error (full disk included).
    pub fn is_io(&self) -> bool {
        matches!(self.0, Kind::Io { .. })
    }
    /// A request that makes no sense (bad reference...).
    pub fn is_invalid(&self) -> bool {
        matches!(self.0, Kind::Invalid(_))
    }

    pub(crate) fn invalid(msg: impl Into<String>) -> StoreError {
        StoreError(Kind::Invalid(msg.into()))
    }
    pub(crate) fn ticket_not_found(id: &str) -> StoreError {
        StoreError(Kind::TicketNotFound(id.to_string()))
    }
    pub(crate) fn io(what: impl Into<String>, source: std::io::Error) -> StoreError {
        StoreError(Kind::Io {
            what: what.into(),
            source,
        })
    }
}

impl From<SealError> for StoreError {
    fn from(e: SealError) -> Self {
        StoreError(Kind::Seal(e))
    }
}

impl From<sled::Error> for StoreError {
    fn from(e: sled::Error) -> Self {
        match e {
            sled::Error::Io(source) => StoreError(Kind::Io {
                what: "store".into(),
                source,
            }),
            sled::Error::Corruption { .. } => StoreError(Kind::Corrupt {
                dir: PathBuf::new(),
                detail: "corruption detected in the log".into(),
            }),
            other => StoreError(Kind::Sled(other.to_string())),
        }
    }
}

/// What `sourdine init` did.
#[derive(Debug, Clone, Default)]
pub struct InitReport {
    /// Paths created (directories, key files).
    pub created: Vec<String>,
}

/// The open store. Cheap to share between threads; writes are serialised inside.
pub struct Store {
    db: sled::Db,
    data_dir: PathBuf,
    db_dir: PathBuf,
    files: files::Files,
    keys: std::sync::RwLock<Keyring>,
    precision: Precision,
    clock: Clock,
    contact_domain: String,
    write: Mutex<()>,
    synced_blobs: Mutex<HashSet<OsString>>,
    /// The lock on the data directory (None: held by the parent process, see
    /// [`Store::open_for_parent`]).
    _lock: Option<File>,
}

/// The exclusive lock on a data directory, taken before the store is opened (see
/// [`Store::lock`]).
#[derive(Debug)]
pub struct StoreLock(File);

/// How a store is opened.
enum Opening {
    /// `sourdine init`: create what is missing.
    Create,
    /// Take the lock and open.
    Open,
    /// Open under a lock this process already holds; `maintenance`: do the start-up
    /// maintenance (orphaned files, unused key epochs), unless a child already did it.
    Locked { lock: File, maintenance: bool },
    /// Open in a child whose parent holds the lock.
    UnderParent,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("data_dir", &self.data_dir)
            .finish()
    }
}

fn io_at(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |e| StoreError::io(path.display().to_string(), e)
}

fn mkdir_0700(path: &Path, created: &mut Vec<String>) -> Result<(), StoreError> {
    if !path.exists() {
        fs::create_dir_all(path).map_err(io_at(path))?;
        created.push(path.display().to_string());
    }
    fs::set_permissions(path, fs::Permissions::from_mode(0o700)).map_err(io_at(path))
}

/// fsync a directory.
pub(crate) fn fsync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io_at(dir))
}

impl Store {
    /// Creates the data directory (0700), the store and the keys; safe to run twice, never
    /// overwrites a key.
    pub fn init(cfg: &Config) -> Result<InitReport, StoreError> {
        let mut created = Vec::new();
        let key_report = Keyring::init(&cfg.key_dir())?;
        created.extend(key_report.created.into_iter().map(|n| {
            if n.starts_with('/') {
                n
            } else {
                cfg.key_dir().join(n).display().to_string()
            }
        }));
        mkdir_0700(&cfg.data_dir, &mut created)?;
        mkdir_0700(&cfg.data_dir.join(FILES_DIR), &mut created)?;
        let fresh = !cfg.data_dir.join(DB_DIR).exists();
        let store = Store::open_inner(cfg, Opening::Create)?;
        if fresh {
            created.push(store.db_dir.display().to_string());
        }
        Ok(InitReport { created })
    }

    /// Opens an existing store for this process alone.
    pub fn open(cfg: &Config) -> Result<Store, StoreError> {
        Store::open_inner(cfg, Opening::Open)
    }

    /// Takes the data directory's lock without opening the store: the daemon holds it while a
    /// child process reads the whole store at start ([`Store::open_for_parent`]), then opens
    /// the store with [`Store::open_locked`].
    pub fn lock(cfg: &Config) -> Result<StoreLock, StoreError> {
        check_owner(&cfg.data_dir)?;
        take_lock(&cfg.data_dir).map(StoreLock)
    }

    /// Opens the store under a lock taken with [`Store::lock`]. `maintenance_done`: a child
    /// that read the store at start ([`Store::open_for_parent`]) already removed what an
    /// interrupted commit or rotation left, so it is not read again here.
    pub fn open_locked(
        cfg: &Config,
        lock: StoreLock,
        maintenance_done: bool,
    ) -> Result<Store, StoreError> {
        Store::open_inner(
            cfg,
            Opening::Locked {
                lock: lock.0,
                maintenance: !maintenance_done,
            },
        )
    }

    /// Opens the store in a child process whose parent holds the lock (and has not opened
    /// the store). Refused when the lock is free or held by any other process.
    pub fn open_for_parent(cfg: &Config) -> Result<Store, StoreError> {
        Store::open_inner(cfg, Opening::UnderParent)
    }

    fn open_inner(cfg: &Config, opening: Opening) -> Result<Store, StoreError> {
        let data_dir = cfg.data_dir.clone();
        let db_dir = data_dir.join(DB_DIR);
        check_owner(&data_dir)?;
        let create = matches!(opening, Opening::Create);
        if !create {
            let marker = db_dir.join("conf");
            match marker.try_exists() {
                Ok(true) => {}
                Ok(false) => return Err(StoreError(Kind::NotInitialised(data_dir))),
                Err(e) => {
                    return Err(StoreError::io(
                        format!("cannot open the store in {}", data_dir.display()),
                        e,
                    ));
                }
            }
        }
        let maintenance = !matches!(
            opening,
            Opening::Locked {
                maintenance: false,
                ..
            }
        );
        let lock = match opening {
            Opening::Create | Opening::Open => Some(take_lock(&data_dir)?),
            Opening::Locked { lock, .. } => Some(lock),
            Opening::UnderParent => match take_lock(&data_dir) {
                Err(e) if e.owner_pid() == Some(nix::unistd::getppid().as_raw() as u32) => None,
                Err(e) => return Err(e),
                Ok(_) => return Err(StoreError(Kind::NotUnderParent)),
            },
        };
        let keys = Keyring::load(&cfg.key_dir())?;
        let files = files::Files::open(data_dir.join(FILES_DIR), cfg.received_precision)?;
        let db = sled::Config::new()
            .path(&db_dir)
            .cache_capacity(cfg.store.cache_mib * 1024 * 1024)
            .mode(sled::Mode::LowSpace)
            // Every write is flushed by our own durable commit; no background flusher, so
            // no write (and no file time) happens outside a commit.
            .flush_every_ms(None)
            .open()
            .map_err(|e| match StoreError::from(e) {
                StoreError(Kind::Corrupt { detail, .. }) => StoreError(Kind::Corrupt {
                    dir: db_dir.clone(),
                    detail,
                }),
                other => other,
            })?;
        let store = Store {
            db,
            data_dir,
            db_dir,
            files,
            keys: std::sync::RwLock::new(keys),
            precision: cfg.received_precision,
            clock: Clock::from_env(),
            contact_domain: cfg.contact_domain().to_string(),
            write: Mutex::new(()),
            synced_blobs: Mutex::new(HashSet::new()),
            _lock: lock,
        };
        match store.db.get(keys::SCHEMA)? {
            None if create => {
                store
                    .db
                    .insert(keys::SCHEMA, &SCHEMA_VERSION.to_be_bytes())?;
                store.durable_flush()?;
            }
            None => {
                return Err(StoreError(Kind::Corrupt {
                    dir: store.db_dir.clone(),
                    detail: "no schema version".into(),
                }));
            }
            Some(v) => {
                let found = u32::from_be_bytes(v.as_ref().try_into().map_err(|_| {
                    StoreError(Kind::Corrupt {
                        dir: store.db_dir.clone(),
                        detail: "bad schema version".into(),
                    })
                })?);
                if found > SCHEMA_VERSION {
                    return Err(StoreError(Kind::SchemaTooNew { found }));
                }
            }
        }
        if !maintenance {
            return Ok(store);
        }
        store.audit_check_at_open()?;
        let epochs = store.destroy_unused_epochs()?;
        if !epochs.is_empty() {
            tracing::info!(
                ?epochs,
                "destroyed key epochs that wrap nothing any more (an interrupted rotation)"
            );
        }
        store.recover_stats()?;
        let orphans = store.remove_orphan_files()?;
        if orphans > 0 {
            tracing::info!(
                files = orphans,
                "removed payload files left by an interrupted commit"
            );
        }
        Ok(store)
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The configured time precision.
    pub fn precision(&self) -> Precision {
        self.precision
    }

    /// Now, from the store's clock.
    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// Replaces the clock (tests advance time with it).
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    /// The keyring (read access).
    pub fn keyring(&self) -> std::sync::RwLockReadGuard<'_, Keyring> {
        self.keys.read().expect("keyring lock")
    }

    /// The dedupe keys of every live epoch, newest first. A message's dedupe digest is a
    /// keyed BLAKE3 of its raw bytes: it names no address and no Message-ID, and it cannot be
    /// recomputed once its epoch key is destroyed.
    pub fn dedupe_keys(&self) -> Vec<Key> {
        let ring = self.keyring();
        let mut epochs = ring.epochs();
        epochs.reverse();
        epochs
            .into_iter()
            .filter_map(|e| ring.kek(e))
            .map(|k| k.derive("sourdine 2024 dedupe digest v1"))
            .collect()
    }

    /// Applies `batch` and makes it durable: flush, then fsync of every sled file.
    fn commit(&self, batch: sled::Batch) -> Result<(), StoreError> {
        self.db.apply_batch(batch)?;
        self.durable_flush()
    }

    /// sled's `flush()` only calls `sync_file_range`; this adds fsync of every sled file
    /// (including blob files sled never syncs) and of the directories.
    pub fn durable_flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        let dir = &self.db_dir;
        for entry in fs::read_dir(dir).map_err(io_at(dir))? {
            let entry = entry.map_err(io_at(dir))?;
            let path = entry.path();
            let ft = entry.file_type().map_err(io_at(&path))?;
            if ft.is_file() {
                File::open(&path)
                    .and_then(|f| f.sync_all())
                    .map_err(io_at(&path))?;
            } else if ft.is_dir() && entry.file_name() == "blobs" {
                self.sync_blobs(&path)?;
            }
        }
        fsync_dir(dir)?;
        self.blur_times();
        Ok(())
    }

    /// Sets the modification and access times of the store's files and folders to now
    /// rounded to the configured precision, so that the file system tells no more about when
    /// a message arrived than the records do. (Inode change times cannot be set; they are not
    /// kept by copies or backups of the files.)
    fn blur_times(&self) {
        let t = std::time::SystemTime::UNIX_EPOCH
            + std::time::Duration::from_secs(self.precision.round(self.now()).max(0) as u64);
        let times = std::fs::FileTimes::new().set_modified(t).set_accessed(t);
        let set = |p: &Path| {
            if let Ok(f) = File::open(p) {
                let _ = f.set_times(times);
            }
        };
        set(&self.data_dir);
        set(&self.data_dir.join(LOCK_FILE));
        set(&self.data_dir.join(FILES_DIR));
        set(&self.db_dir);
        if let Ok(rd) = fs::read_dir(&self.db_dir) {
            for e in rd.flatten() {
                set(&e.path());
            }
        }
        let blobs = self.db_dir.join("blobs");
        if let Ok(rd) = fs::read_dir(&blobs) {
            for e in rd.flatten() {
                set(&e.path());
            }
        }
    }

    fn sync_blobs(&self, blobs: &Path) -> Result<(), StoreError> {
        let mut synced = self.synced_blobs.lock().expect("blob set lock");
        let mut any = false;
        let mut present = HashSet::new();
        for entry in fs::read_dir(blobs).map_err(io_at(blobs))? {
            let entry = entry.map_err(io_at(blobs))?;
            let name = entry.file_name();
            present.insert(name.clone());
            if !synced.contains(&name) {
                let path = entry.path();
                File::open(&path)
                    .and_then(|f| f.sync_all())
                    .map_err(io_at(&path))?;
                synced.insert(name);
                any = true;
            }
        }
        synced.retain(|n| present.contains(n));
        if any {
            fsync_dir(blobs)?;
        }
        Ok(())
    }

    /// Total bytes of every file under the data directory.
    pub fn disk_usage(&self) -> u64 {
        fn walk(p: &Path) -> u64 {
            let Ok(rd) = fs::read_dir(p) else { return 0 };
            rd.flatten()
                .map(|e| match e.file_type() {
                    Ok(t) if t.is_dir() => walk(&e.path()),
                    Ok(_) => e.metadata().map(|m| m.len()).unwrap_or(0),
                    Err(_) => 0,
                })
                .sum()
        }
        walk(&self.data_dir)
    }
}

/// Takes the store's lock file, writing our pid into it; names the owner on failure.
/// Only the owner of the data directory opens the store: a store command run as root would
/// leave root-owned files the service (its own user) cannot write any more, and anyone else
/// cannot read it at all (checked first, so that they are not told to initialise a store they
/// merely cannot see into).
fn check_owner(data_dir: &Path) -> Result<(), StoreError> {
    if let Ok(meta) = fs::metadata(data_dir) {
        use std::os::unix::fs::MetadataExt;
        let me = nix::unistd::geteuid().as_raw();
        if meta.uid() != me {
            let owner = crate::service::roles::user_name(meta.uid());
            let uid = meta.uid();
            return Err(StoreError(if me == 0 {
                Kind::NotOwner {
                    dir: data_dir.to_path_buf(),
                    owner,
                    uid,
                }
            } else {
                Kind::NoAccess {
                    dir: data_dir.to_path_buf(),
                    owner,
                    uid,
                    me,
                }
            }));
        }
    }
    Ok(())
}

fn take_lock(data_dir: &Path) -> Result<File, StoreError> {
    let path = data_dir.join(LOCK_FILE);
    if !data_dir.is_dir() {
        return Err(StoreError(Kind::NotInitialised(data_dir.to_path_buf())));
    }
    let mut f = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(&path)
        .map_err(io_at(&path))?;
    match f.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut s = String::new();
            let _ = f.read_to_string(&mut s);
            return Err(StoreError(Kind::Locked {
                dir: data_dir.to_path_buf(),
                pid: s.trim().parse().ok(),
            }));
        }
        Err(std::fs::TryLockError::Error(e)) => {
            return Err(StoreError::io(path.display().to_string(), e));
        }
    }
    f.set_len(0).map_err(io_at(&path))?;
    f.rewind().map_err(io_at(&path))?;
    write!(f, "{}", std::process::id()).map_err(io_at(&path))?;
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anonymise::{
        Anonymised, Attachment, AttachmentContent, AttachmentKind, Language, Secrets, Signals,
    };
    use crate::intake::pipeline::{Prepared, PreparedItem};

    fn config(dir: &Path) -> Config {
        Config::parse(
            &format!(
                "data_dir = \"{}/data\"\ncontact_address = \"contact@helpline.example\"\n",
                dir.display()
            ),
            &dir.join("etc/sourdine.toml"),
        )
        .unwrap()
    }

    fn message(subject: &str, body: &str) -> Prepared {
        Prepared {
            size: 100,
            digests: vec![*blake3::hash(subject.as_bytes()).as_bytes()],
            received: 1_717_408_799,
            item: PreparedItem::Message(Box::new(Anonymised {
                subject: subject.into(),
                body: body.into(),
                language: Language::En,
                attachments: vec![Attachment {
                    kind: AttachmentKind::Text,
                    size: 5,
                    content: AttachmentContent::Kept(b"notes".to_vec()),
                }],
                date_utc: None,
                signals: Signals::default(),
                secrets: Secrets {
                    from_address: Some("writer@example.org".into()),
                    message_id: Some("m1@example.org".into()),
                    references: vec![],
                    ancestry: vec![],
                    recipient_tokens: vec![],
                },
            })),
        }
    }

    #[test]
    fn a_commit_survives_reopening() {
        let tmp = tempfile::tempdir().unwrap();
        let cfg = config(tmp.path());
        Store::init(&cfg).unwrap();
        let id = {
            let store = Store::open(&cfg).unwrap();
            let out = store
                .commit_intake(vec![message("subject one", &"long body ".repeat(2000))])
                .unwrap();
            match &out[0] {
                Outcome::Ticketed { ticket } => ticket.clone(),
                other => panic!("{other:?}"),
            }
        };
        let store = Store::open(&cfg).unwrap();
        let t = store.show_ticket(&id).unwrap();
        assert_eq!(t.subject, "subject one");
        assert!(t.messages[0].body.starts_with("long body"));
        assert_eq!(t.received.0, 1_717_405_200, "rounded to the hour");
        assert!(t.can_reply);
        let (_, bytes) = store.attachment(&id, "1").unwrap();
        assert_eq!(&bytes[..], b"notes");
        assert!(store.audit_verify().unwrap().ok);
        // Dedupe: the same digest again is already seen.
        assert_eq!(
            store
                .commit_intake(vec![message("subject one", "x")])
                .unwrap(),
            vec![Outcome::AlreadySeen]
        );
    }

    #[test]
    fn a_second_process_is_refused_with_the_owner_named() {
        let tmp = tempfile::tempdir().unwrap();
        let cfg = config(tmp.path());
        Store::init(&cfg).unwrap();
        let _first = Store::open(&cfg).unwrap();
        // flock is per open file description: a second open in the same process conflicts too.
        let e = Store::open(&cfg).unwrap_err();
        assert!(e.is_locked());
        assert_eq!(e.owner_pid(), Some(std::process::id()));
        assert!(e.to_string().contains(&std::process::id().to_string()));
    }

    #[test]
    fn nothing_in_clear_on_disk() {
        let tmp = tempfile::tempdir().unwrap();
        let cfg = config(tmp.path());
        Store::init(&cfg).unwrap();
        let store = Store::open(&cfg).unwrap();
        store
            .commit_intake(vec![message("SECRETSUBJECT", "SECRETBODY")])
            .unwrap();
        drop(store);
        let mut stack = vec![cfg.data_dir.clone()];
        while let Some(d) = stack.pop() {
            for e in fs::read_dir(&d).unwrap().flatten() {
                if e.path().is_dir() {
                    stack.push(e.path());
                    continue;
                }
                let bytes = fs::read(e.path()).unwrap();
                for needle in [
                    &b"SECRETSUBJECT"[..],
                    b"SECRETBODY",
                    b"writer@example.org",
                    b"m1@example.org",
                ] {
                    assert!(
                        !bytes.windows(needle.len()).any(|w| w == needle),
                        "{} holds clear text",
                        e.path().display()
                    );
                }
            }
        }
    }

    #[test]
    fn corrupt_store_is_refused_and_left_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let cfg = config(tmp.path());
        Store::init(&cfg).unwrap();
        {
            let store = Store::open(&cfg).unwrap();
            store.commit_intake(vec![message("a", "b")]).unwrap();
        }
        let conf = cfg.data_dir.join("db/conf");
        fs::write(&conf, b"garbage that is not a sled configuration").unwrap();
        let before = fs::read(cfg.data_dir.join("db/db")).unwrap();
        assert!(Store::open(&cfg).is_err());
        assert_eq!(
            fs::read(cfg.data_dir.join("db/db")).unwrap(),
            before,
            "never overwritten"
        );
    }
}
