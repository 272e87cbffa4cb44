//! Housekeeping that keeps the store consistent after a crash.

use std::collections::HashSet;

use super::intake::decode;
use super::records::{MessageRecord, QuarantineRecord, keys};
use super::{Store, StoreError};

impl Store {
    /// Removes payload files that no record references: a crash between writing a batch's
    /// files and committing its records leaves such orphans (sealed, but useless).
    pub(crate) fn remove_orphan_files(&self) -> Result<usize, StoreError> {
        let mut referenced = HashSet::new();
        for item in self.db.scan_prefix(keys::MESSAGE) {
            let (_, v) = item?;
            let m: MessageRecord = decode(&v, "message")?;
            referenced.extend(m.files);
        }
        for item in self.db.scan_prefix(keys::QUARANTINE) {
            let (_, v) = item?;
            let q: QuarantineRecord = decode(&v, "quarantine")?;
            referenced.insert(q.file);
        }
        let mut removed = 0;
        for name in self.files.list()? {
            if !referenced.contains(&name) {
                self.files.remove(&name)?;
                removed += 1;
            }
        }
        if removed > 0 {
            self.files.sync_dir()?;
        }
        Ok(removed)
    }
}
