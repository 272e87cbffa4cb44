//! The per-address acknowledgement limit: at most one acknowledgement per address and day
//! (UTC), so that one sender cannot use up the helpline's hourly budget.
//!
//! It must hold across processes (`sourdine run --once` from a timer, `sourdine ingest`), so
//! what it remembers is written down, in two halves that tell nothing apart:
//!
//! - `key_dir/ack-day.key`: a random key for the day (0600);
//! - `data_dir/ack-day`: the day's number, then the keyed BLAKE3 hash of each address
//!   acknowledged that day (lowercased), 32 bytes each.
//!
//! Both are overwritten and removed once the day is over: by the running service within
//! seconds, otherwise by the next process that acknowledges or purges. No hash outlives its
//! key's day, so nothing links two contacts of one writer beyond it (DESIGN invariant 3).
//! Their times, and the key directory's, are set to the start of the day, not to the time of
//! an acknowledgement.

use std::collections::HashSet;
use std::fs::{self, File, FileTimes, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use zeroize::Zeroizing;

use crate::ids::random_bytes;

/// Seconds in the memory's day.
const DAY: i64 = 86_400;
/// The key's file name in `key_dir`.
pub const KEY_FILE: &str = "ack-day.key";
/// The hashes' file name in `data_dir`.
pub const LIST_FILE: &str = "ack-day";

/// What one day remembers.
struct Day {
    number: i64,
    key: Zeroizing<[u8; 32]>,
    seen: HashSet<[u8; 32]>,
}

/// The memory of the addresses acknowledged today.
pub struct AckMemory {
    key_path: PathBuf,
    list_path: PathBuf,
    loaded: bool,
    day: Option<Day>,
    /// The last expiry failed (so that a lasting problem is reported once, not every beat).
    failing: bool,
}

impl std::fmt::Debug for AckMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AckMemory")
            .field("today", &self.day.as_ref().map(|d| d.seen.len()))
            .finish_non_exhaustive()
    }
}

impl AckMemory {
    /// The memory kept in `key_dir` and `data_dir` (nothing is read or written yet).
    pub fn new(key_dir: &Path, data_dir: &Path) -> AckMemory {
        AckMemory {
            key_path: key_dir.join(KEY_FILE),
            list_path: data_dir.join(LIST_FILE),
            loaded: false,
            day: None,
            failing: false,
        }
    }

    /// Like [`AckMemory::expire`], for a periodic caller: the error only when the previous
    /// call did not fail already.
    pub fn expire_reporting_once(&mut self, now: i64) -> Option<io::Error> {
        let result = self.expire(now);
        let was_failing = std::mem::replace(&mut self.failing, result.is_err());
        result.err().filter(|_| !was_failing)
    }

    /// Whether `address` may be acknowledged at `now` (it was not today); when it may, it is
    /// remembered (durably) before this returns.
    pub fn admit(&mut self, address: &str, now: i64) -> io::Result<bool> {
        self.expire(now)?;
        let today = now.div_euclid(DAY);
        if self.day.is_none() {
            self.day = Some(self.start(today)?);
        }
        let day = self.day.as_mut().expect("a day was started");
        let lowered = Zeroizing::new(address.trim().to_lowercase());
        let hash = *blake3::keyed_hash(&day.key, lowered.as_bytes()).as_bytes();
        if day.seen.contains(&hash) {
            return Ok(false);
        }
        let mut f = OpenOptions::new().append(true).open(&self.list_path)?;
        f.write_all(&hash)?;
        f.sync_all()?;
        set_day_times(&f, today);
        day.seen.insert(hash);
        Ok(true)
    }

    /// Destroys the memory of a day before `now`'s (reading what is on disk first, once).
    pub fn expire(&mut self, now: i64) -> io::Result<()> {
        if !self.loaded {
            self.day = self.load()?;
            self.loaded = true;
        }
        let today = now.div_euclid(DAY);
        if self.day.as_ref().is_some_and(|d| d.number != today) {
            self.day = None;
            self.destroy()?;
        }
        Ok(())
    }

    /// Reads the memory on disk; destroys it when only one half, or something unreadable, is
    /// there.
    fn load(&mut self) -> io::Result<Option<Day>> {
        let (key_there, list_there) = (self.key_path.exists(), self.list_path.exists());
        if !key_there && !list_there {
            return Ok(None);
        }
        let read = |p: &Path| -> io::Result<Zeroizing<Vec<u8>>> {
            if fs::metadata(p)?.permissions().mode() & 0o077 != 0 {
                return Err(io::Error::other("readable by others"));
            }
            let mut buf = Zeroizing::new(Vec::new());
            File::open(p)?.read_to_end(&mut buf)?;
            Ok(buf)
        };
        let parsed = match (read(&self.key_path), read(&self.list_path)) {
            (Ok(key), Ok(list)) if key.len() == 32 && list.len() >= 8 && list.len() % 32 == 8 => {
                let mut k = Zeroizing::new([0u8; 32]);
                k.copy_from_slice(&key);
                let number = i64::from_le_bytes(list[..8].try_into().expect("8 bytes"));
                let seen = list[8..]
                    .chunks_exact(32)
                    .map(|c| c.try_into().expect("32 bytes"))
                    .collect();
                Some(Day {
                    number,
                    key: k,
                    seen,
                })
            }
            _ => None,
        };
        if parsed.is_none() {
            self.destroy()?;
        }
        Ok(parsed)
    }

    /// Starts the memory of day `number`: a new key and an empty list, both durable.
    fn start(&self, number: i64) -> io::Result<Day> {
        let mut key = Zeroizing::new([0u8; 32]);
        random_bytes(&mut key[..]);
        write_new(&self.key_path, &key[..], number)?;
        if let Err(e) = write_new(&self.list_path, &number.to_le_bytes(), number) {
            let _ = shred(&self.key_path);
            return Err(e);
        }
        Ok(Day {
            number,
            key,
            seen: HashSet::new(),
        })
    }

    /// Overwrites and removes both files.
    fn destroy(&self) -> io::Result<()> {
        let key = shred(&self.key_path);
        let list = shred(&self.list_path);
        key.and(list)
    }
}

/// Sets a file's times to the start of day `number`.
fn set_day_times(f: &File, number: i64) {
    let t = SystemTime::UNIX_EPOCH + Duration::from_secs((number.max(0) * DAY) as u64);
    let _ = f.set_times(FileTimes::new().set_modified(t).set_accessed(t));
}

/// The directory of `path`, with its times set to the start of day `number` after a change.
fn sync_dir(path: &Path, number: Option<i64>) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        let d = File::open(dir)?;
        d.sync_all()?;
        if let Some(n) = number {
            set_day_times(&d, n);
        }
    }
    Ok(())
}

/// Writes a new 0600 file (replacing none), synced, with the day's times.
fn write_new(path: &Path, bytes: &[u8], number: i64) -> io::Result<()> {
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    set_day_times(&f, number);
    drop(f);
    sync_dir(path, Some(number))
}

/// Overwrites a file with zeros, syncs it, removes it and syncs its directory. Nothing to do
/// when it does not exist.
fn shred(path: &Path) -> io::Result<()> {
    let len = match fs::metadata(path) {
        Ok(m) => m.len(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    // A file we cannot write (another owner) is still removed.
    if let Ok(mut f) = OpenOptions::new().write(true).open(path) {
        f.write_all(&vec![0u8; len as usize])?;
        f.sync_all()?;
    }
    fs::remove_file(path)?;
    sync_dir(path, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOON: i64 = 19_800 * DAY + 12 * 3600;

    fn dirs() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let t = tempfile::tempdir().unwrap();
        let (k, d) = (t.path().join("keys"), t.path().join("data"));
        fs::create_dir(&k).unwrap();
        fs::create_dir(&d).unwrap();
        (t, k, d)
    }

    #[test]
    fn one_acknowledgement_per_address_and_day() {
        let (_t, k, d) = dirs();
        let mut m = AckMemory::new(&k, &d);
        assert!(m.admit("Writer@Example.org", NOON).unwrap());
        assert!(!m.admit("writer@example.ORG", NOON + 60).unwrap());
        assert!(m.admit("other@example.org", NOON + 60).unwrap());
        // Another process, the same day, remembers.
        let mut again = AckMemory::new(&k, &d);
        assert!(!again.admit("writer@example.org", NOON + 3600).unwrap());
        // The next day, the memory of the last one is gone: first its files, then the address.
        assert!(again.admit("writer@example.org", NOON + DAY).unwrap());
        let mut third = AckMemory::new(&k, &d);
        assert!(third.admit("other@example.org", NOON + DAY).unwrap());
    }

    #[test]
    fn what_is_written_names_no_address_and_dies_with_the_day() {
        let (_t, k, d) = dirs();
        let mut m = AckMemory::new(&k, &d);
        m.admit("writer@example.org", NOON).unwrap();
        m.admit("second@example.org", NOON).unwrap();
        let key = fs::read(k.join(KEY_FILE)).unwrap();
        let list = fs::read(d.join(LIST_FILE)).unwrap();
        assert_eq!(key.len(), 32);
        assert_eq!(list.len(), 8 + 2 * 32);
        assert!(!String::from_utf8_lossy(&list).contains("example"));
        for p in [k.join(KEY_FILE), d.join(LIST_FILE)] {
            let meta = fs::metadata(&p).unwrap();
            assert_eq!(meta.permissions().mode() & 0o777, 0o600);
            let mtime = meta
                .modified()
                .unwrap()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap()
                .as_secs() as i64;
            assert_eq!(mtime, NOON - 12 * 3600, "the day's start, not the hour");
        }
        // Within the day nothing goes; past it, both halves are destroyed.
        m.expire(NOON + 11 * 3600).unwrap();
        assert!(k.join(KEY_FILE).exists());
        m.expire(NOON + 12 * 3600).unwrap();
        assert!(!k.join(KEY_FILE).exists() && !d.join(LIST_FILE).exists());
        // A lasting problem is reported once by the periodic expiry.
        let mut broken = AckMemory::new(&k.join("missing"), &d);
        broken.admit("w@example.org", NOON).unwrap_err();
        assert!(
            broken.expire_reporting_once(NOON).is_none(),
            "nothing on disk"
        );
        fs::create_dir(d.join(LIST_FILE)).unwrap(); // cannot be read, nor removed as a file
        let mut broken = AckMemory::new(&k, &d);
        assert!(broken.expire_reporting_once(NOON).is_some());
        assert!(broken.expire_reporting_once(NOON + 5).is_none());
        fs::remove_dir(d.join(LIST_FILE)).unwrap();
        assert!(
            broken.expire_reporting_once(NOON + 10).is_none(),
            "well again"
        );
        // A new process finds the old day's files and destroys them before anything else.
        let mut m = AckMemory::new(&k, &d);
        m.admit("writer@example.org", NOON).unwrap();
        let mut later = AckMemory::new(&k, &d);
        later.expire(NOON + 2 * DAY).unwrap();
        assert!(!k.join(KEY_FILE).exists() && !d.join(LIST_FILE).exists());
    }

    #[test]
    fn a_half_or_a_damaged_memory_is_destroyed_and_started_again() {
        let (_t, k, d) = dirs();
        AckMemory::new(&k, &d).admit("w@example.org", NOON).unwrap();
        fs::remove_file(d.join(LIST_FILE)).unwrap();
        let mut m = AckMemory::new(&k, &d);
        assert!(m.admit("w@example.org", NOON).unwrap());
        let mut f = OpenOptions::new()
            .append(true)
            .open(d.join(LIST_FILE))
            .unwrap();
        f.write_all(b"odd").unwrap();
        let mut m = AckMemory::new(&k, &d);
        assert!(m.admit("w@example.org", NOON).unwrap());
        assert_eq!(fs::read(d.join(LIST_FILE)).unwrap().len(), 8 + 32);
    }
}
