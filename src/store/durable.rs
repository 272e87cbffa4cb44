//! Making a change durable: sled's `flush()` stops at `sync_file_range` and never syncs its
//! blob files, so every sled file and directory is fsync'd here, and the files' times are
//! blurred to the configured precision.

use std::collections::HashSet;
use std::fs::{self, File};
use std::path::Path;

use super::error::{StoreError, io_at};
use super::files::fsync_dir;
use super::open::{FILES_DIR, LOCK_FILE, Store};
use super::snapshot::SNAPSHOT_FILE;

impl Store {
    /// Applies `batch` and makes it durable: flush, then fsync of every sled file. Only a
    /// transaction calls it ([`super::txn::Txn::commit`]).
    pub(super) fn apply_durably(&self, batch: sled::Batch) -> Result<(), StoreError> {
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
    pub(super) fn blur_times(&self) {
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
        set(&self.data_dir.join(SNAPSHOT_FILE));
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
}
