//! The open store: taking the data directory's lock, checking its owner and schema, and the
//! start-up maintenance after a crash.

use std::collections::HashSet;
use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::error::{Kind, StoreError, io_at};
use super::files;
use super::records::{SCHEMA_VERSION, keys};
use crate::config::Config;
use crate::seal::{Key, Keyring};
use crate::time::{Clock, Precision};

pub(super) const DB_DIR: &str = "db";
pub(super) const FILES_DIR: &str = "files";
pub(super) const LOCK_FILE: &str = "lock";

/// What `sourdine init` did.
#[derive(Debug, Clone, Default)]
pub struct InitReport {
    /// Paths created (directories, key files).
    pub created: Vec<String>,
}

/// The open store. Cheap to share between threads; writes are serialised inside.
pub struct Store {
    pub(super) db: sled::Db,
    pub(super) data_dir: PathBuf,
    pub(super) db_dir: PathBuf,
    pub(super) files: files::Files,
    pub(super) keys: std::sync::RwLock<Keyring>,
    pub(super) precision: Precision,
    pub(super) clock: Clock,
    pub(super) contact_domain: String,
    pub(super) write: Mutex<()>,
    pub(super) synced_blobs: Mutex<HashSet<OsString>>,
    /// Whether a catalog snapshot is outstanding (its generation is in the store): a change
    /// to a ticket is then recorded beside it, an erasure removes it (see `snapshot.rs`).
    pub(super) snapshot_armed: std::sync::atomic::AtomicBool,
    /// The lock on the data directory (None: held by the parent process, see
    /// [`Store::open_for_parent`]).
    pub(super) _lock: Option<File>,
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

fn mkdir_0700(path: &Path, created: &mut Vec<String>) -> Result<(), StoreError> {
    if !path.exists() {
        fs::create_dir_all(path).map_err(io_at(path))?;
        created.push(path.display().to_string());
    }
    fs::set_permissions(path, fs::Permissions::from_mode(0o700)).map_err(io_at(path))
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
        let db =
            open_sled(&db_dir, cfg.store.cache_mib).map_err(|e| match StoreError::from(e) {
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
            snapshot_armed: std::sync::atomic::AtomicBool::new(false),
            _lock: lock,
        };
        store.load_snapshot_state()?;
        store.check_schema(create)?;
        if maintenance {
            store.finish_interrupted_work()?;
        }
        Ok(store)
    }

    /// Checks the schema version (writing it in a new store): a store written by a newer
    /// version is refused.
    fn check_schema(&self, create: bool) -> Result<(), StoreError> {
        match self.db.get(keys::SCHEMA)? {
            None if create => {
                let mut txn = self.begin();
                txn.insert(keys::SCHEMA, &SCHEMA_VERSION.to_be_bytes());
                txn.commit()?;
            }
            None => {
                return Err(StoreError(Kind::Corrupt {
                    dir: self.db_dir.clone(),
                    detail: "no schema version".into(),
                }));
            }
            Some(v) => {
                let found = u32::from_be_bytes(v.as_ref().try_into().map_err(|_| {
                    StoreError(Kind::Corrupt {
                        dir: self.db_dir.clone(),
                        detail: "bad schema version".into(),
                    })
                })?);
                if found > SCHEMA_VERSION {
                    return Err(StoreError(Kind::SchemaTooNew { found }));
                }
            }
        }
        Ok(())
    }

    /// At opening: checks the audit chain and finishes what a crash interrupted (a key
    /// rotation, a statistics update, payload files written before a commit).
    fn finish_interrupted_work(&self) -> Result<(), StoreError> {
        self.audit_check_at_open()?;
        let epochs = self.destroy_unused_epochs()?;
        if !epochs.is_empty() {
            tracing::info!(
                ?epochs,
                "destroyed key epochs that wrap nothing any more (an interrupted rotation)"
            );
        }
        self.recover_stats()?;
        let orphans = self.remove_orphan_files()?;
        if orphans > 0 {
            tracing::info!(
                files = orphans,
                "removed payload files left by an interrupted commit"
            );
        }
        Ok(())
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
            let owner = crate::users::user_name(meta.uid());
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

/// Opens sled in `db_dir`. Under the data directory's lock, sled's own lock can only be held
/// by this process's previous handle on the same store, whose I/O threads may still be
/// finishing for a few milliseconds after it was dropped: that is waited for, up to a second.
fn open_sled(db_dir: &Path, cache_mib: u64) -> sled::Result<sled::Db> {
    let config = sled::Config::new()
        .path(db_dir)
        .cache_capacity(cache_mib * 1024 * 1024)
        .mode(sled::Mode::LowSpace)
        // Every write is flushed by our own durable commit; no background flusher, so no
        // write (and no file time) happens outside a commit.
        .flush_every_ms(None);
    let mut tries = 0;
    loop {
        match config.open() {
            Err(sled::Error::Io(e)) if tries < 50 && e.to_string().contains("acquire lock") => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            other => return other,
        }
    }
}
