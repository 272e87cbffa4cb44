//! Housekeeping that keeps the store consistent after a crash.

use std::collections::HashSet;

use super::codec::decode;
use super::error::StoreError;
use super::open::Store;
use super::records::{MessageRecord, QuarantineRecord, keys};

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

/// Where the last UIDVALIDITY of the intake mailbox is kept.
const UID_VALIDITY: &[u8] = b"meta:imap-uidvalidity";

impl Store {
    /// Records the mailbox's UIDVALIDITY; true when it differs from the one seen before.
    pub fn note_uid_validity(&self, v: u32) -> Result<bool, StoreError> {
        let mut txn = self.begin();
        let old = self.db.get(UID_VALIDITY)?;
        let changed = old.as_deref().is_some_and(|o| o != v.to_be_bytes());
        if old.as_deref() != Some(&v.to_be_bytes()[..]) {
            txn.insert(UID_VALIDITY, &v.to_be_bytes());
            txn.commit()?;
        }
        Ok(changed)
    }
}
