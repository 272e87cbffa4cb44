//! Sealed payload files under `data_dir/files/`, kept out of sled so that large values are
//! written and fsync'd by us (sled never syncs its blob files).

use std::fs::{self, File, FileTimes, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use super::error::{StoreError, io_at};
use crate::time::Precision;

/// fsync a directory.
pub(crate) fn fsync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io_at(dir))
}

/// The payload file directory.
#[derive(Debug)]
pub(crate) struct Files {
    dir: PathBuf,
    precision: Precision,
    /// Files written since the last [`Files::sync_dir`], not yet fsync'd.
    unsynced: Mutex<Vec<PathBuf>>,
}

/// Most threads that fsync one commit's files at once.
const SYNC_THREADS: usize = 8;

impl Files {
    pub(crate) fn open(dir: PathBuf, precision: Precision) -> Result<Files, StoreError> {
        if !dir.is_dir() {
            fs::create_dir_all(&dir).map_err(|e| StoreError::io(dir.display().to_string(), e))?;
        }
        Ok(Files {
            dir,
            precision,
            unsynced: Mutex::new(Vec::new()),
        })
    }

    /// A fresh random file name.
    pub(crate) fn new_name() -> String {
        crate::ids::random_hex(16)
    }

    /// Writes a new file (0600); its modification time is set to `now` rounded to the
    /// configured precision, so the file system tells no more than the records do. The file
    /// and the directory are fsync'd by [`Files::sync_dir`], once per commit.
    pub(crate) fn write(&self, name: &str, bytes: &[u8], now: i64) -> Result<(), StoreError> {
        let path = self.dir.join(name);
        let err = |e| StoreError::io(format!("writing {}", path.display()), e);
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .map_err(err)?;
        f.write_all(bytes).map_err(err)?;
        let rounded =
            SystemTime::UNIX_EPOCH + Duration::from_secs(self.precision.round(now).max(0) as u64);
        f.set_times(FileTimes::new().set_modified(rounded).set_accessed(rounded))
            .map_err(err)?;
        self.unsynced.lock().expect("unsynced files").push(path);
        Ok(())
    }

    /// Fsyncs every file written since the last call, then the directory, making new files,
    /// names and removals durable. The files are synced from several threads at once, so
    /// that the file system's journal commits them together instead of one after another.
    pub(crate) fn sync_dir(&self) -> Result<(), StoreError> {
        let files = std::mem::take(&mut *self.unsynced.lock().expect("unsynced files"));
        if !files.is_empty() {
            let per_thread = files.len().div_ceil(SYNC_THREADS);
            std::thread::scope(|s| {
                let handles: Vec<_> = files
                    .chunks(per_thread)
                    .map(|chunk| {
                        s.spawn(move || {
                            for path in chunk {
                                fs::File::open(path)
                                    .and_then(|f| f.sync_all())
                                    .map_err(|e| {
                                        StoreError::io(format!("syncing {}", path.display()), e)
                                    })?;
                            }
                            Ok::<(), StoreError>(())
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .try_for_each(|h| h.join().expect("fsync thread"))
            })?;
        }
        fsync_dir(&self.dir)
    }

    pub(crate) fn read(&self, name: &str) -> Result<Vec<u8>, StoreError> {
        let path = self.dir.join(name);
        fs::read(&path).map_err(|e| StoreError::io(format!("reading {}", path.display()), e))
    }

    /// Removes a file; a missing file is not an error.
    pub(crate) fn remove(&self, name: &str) -> Result<(), StoreError> {
        let path = self.dir.join(name);
        match fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(StoreError::io(format!("removing {}", path.display()), e)),
        }
    }

    /// Names of every file present (to find orphans after a crash).
    pub(crate) fn list(&self) -> Result<Vec<String>, StoreError> {
        let mut out = Vec::new();
        for e in fs::read_dir(&self.dir)
            .map_err(|e| StoreError::io(self.dir.display().to_string(), e))?
        {
            let e = e.map_err(|e| StoreError::io(self.dir.display().to_string(), e))?;
            if let Some(n) = e.file_name().to_str() {
                out.push(n.to_string());
            }
        }
        Ok(out)
    }
}
