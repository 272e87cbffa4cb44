//! One change to the store. Every write goes through a [`Txn`]: it holds the write lock, the
//! sled batch, the audit chain's head, the change's time, the references it took and whether
//! it wrote payload files; [`Txn::commit`] makes all of it durable at once. A transaction
//! dropped without a commit writes nothing to sled (payload files it wrote are orphans, removed
//! when the store is next opened).
//!
//! The commit's order is what makes a crash harmless: payload files and their directory are
//! fsync'd first, then the batch is applied, flushed, and every sled file fsync'd
//! ([`Store::durable_flush`]).
//!
//! While a catalog snapshot is outstanding, the commit records the tickets the change wrote
//! in the snapshot's changed set, in the same batch; a change that removes a ticket's records
//! removes the snapshot first (see `snapshot.rs`).

use std::collections::{BTreeSet, HashSet};
use std::sync::MutexGuard;

use sled::IVec;

use super::chain::{self, Base, Head, NewEntry};
use super::error::StoreError;
use super::files::Files;
use super::open::Store;
use super::records::{Payload, keys};
use crate::ids::random_base32;
use crate::model::TicketRefs;
use crate::seal::{self, Key};

/// Sealed payloads larger than this go to a file rather than into sled (whose leaves of up
/// to 17 values become unsynced blob files past ~128 KiB).
pub(crate) const INLINE_LIMIT: usize = 6 * 1024;

/// A change in the making (see the module's documentation).
pub(crate) struct Txn<'s> {
    store: &'s Store,
    lock: MutexGuard<'s, ()>,
    batch: sled::Batch,
    /// Where the next audit entry goes: read from the store at the first entry.
    head: Option<Head>,
    now: i64,
    /// References taken by this change (not in the store yet).
    taken: HashSet<String>,
    wrote_files: bool,
    /// Whether the batch holds anything: a commit of nothing changes nothing (a read-only
    /// command leaves the store's bytes as they were).
    changed: bool,
    /// The tickets whose records this change writes.
    tickets: BTreeSet<String>,
    /// Whether it removes a ticket's records (an erasure).
    erases: bool,
}

/// Prefixes of the records that are a ticket's (`prefix` + ticket, or + ticket + `/` ...).
const TICKET_RECORDS: [&[u8]; 6] = [
    keys::TICKET,
    keys::KEYS,
    keys::MESSAGE,
    keys::NOTE,
    keys::CLASSIFICATION,
    keys::ENVELOPE,
];

/// The ticket whose record `key` is, if it is one's.
pub(super) fn ticket_of(key: &[u8]) -> Option<&str> {
    let rest = TICKET_RECORDS.iter().find_map(|p| key.strip_prefix(*p))?;
    let id = rest.split(|b| *b == b'/').next()?;
    std::str::from_utf8(id).ok().filter(|id| !id.is_empty())
}

/// Whether removing `key` erases a ticket's content (its record, keys, messages or notes).
pub(super) fn erases(key: &[u8]) -> bool {
    [keys::TICKET, keys::KEYS, keys::MESSAGE, keys::NOTE]
        .iter()
        .any(|p| key.starts_with(p))
        && ticket_of(key).is_some()
}

impl Store {
    /// Begins a change: waits for the write lock, which the transaction holds until it is
    /// committed or dropped.
    pub(crate) fn begin(&self) -> Txn<'_> {
        let lock = self.write.lock().expect("write lock");
        // Files a change dropped before this one wrote are orphans: their fate is not ours.
        self.files.forget_unsynced();
        Txn {
            store: self,
            lock,
            batch: sled::Batch::default(),
            head: None,
            now: self.now(),
            taken: HashSet::new(),
            wrote_files: false,
            changed: false,
            tickets: BTreeSet::new(),
            erases: false,
        }
    }
}

impl<'s> Txn<'s> {
    /// The change's time, read from the store's clock when it began.
    pub(crate) fn now(&self) -> i64 {
        self.now
    }

    /// Writes `value` under `key`.
    pub(crate) fn insert(&mut self, key: impl Into<IVec>, value: impl Into<IVec>) {
        let key = key.into();
        self.changed = true;
        self.note_ticket(&key);
        self.batch.insert(key, value);
    }

    /// Removes `key`.
    pub(crate) fn remove(&mut self, key: impl Into<IVec>) {
        let key = key.into();
        self.changed = true;
        self.erases |= erases(&key);
        self.note_ticket(&key);
        self.batch.remove(key);
    }

    /// Notes the ticket whose record `key` is, while a catalog snapshot is outstanding (it
    /// cannot become so while the change holds the write lock).
    fn note_ticket(&mut self, key: &[u8]) {
        if self.store.snapshot_is_armed()
            && let Some(id) = ticket_of(key)
            && !self.tickets.contains(id)
        {
            self.tickets.insert(id.to_string());
        }
    }

    /// Appends an entry to the audit chain.
    pub(crate) fn audit(&mut self, new: NewEntry) -> Result<(), StoreError> {
        self.audit_naming(new, TicketRefs::default())
    }

    /// [`Txn::audit`] for an entry that names the tickets a list or search showed.
    pub(crate) fn audit_naming(
        &mut self,
        new: NewEntry,
        tickets: TicketRefs,
    ) -> Result<(), StoreError> {
        let head = match self.head {
            Some(h) => h,
            None => self.store.audit_head()?,
        };
        let ring = self.store.keyring();
        let key = ring.audit_key();
        let e = chain::next_entry(key, self.store.precision, &head, new, tickets);
        let head = Head {
            seq: e.seq,
            mac: e.mac,
        };
        self.changed = true;
        self.batch.insert(
            chain::entry_key(e.seq),
            postcard::to_stdvec(&e).expect("audit entry serialises"),
        );
        self.batch
            .insert(keys::AUDIT_HEAD, chain::head_record(key, &head));
        drop(ring);
        self.head = Some(head);
        Ok(())
    }

    /// Sets where the next audit entry goes, instead of the stored head (the check at opening
    /// carries the chain on from what it found).
    pub(crate) fn set_audit_head(&mut self, head: Head) {
        self.head = Some(head);
    }

    /// Writes the audit chain's base record, authenticated.
    pub(crate) fn write_audit_base(&mut self, base: &Base) {
        let bytes = chain::base_record(self.store.keyring().audit_key(), base);
        self.changed = true;
        self.batch.insert(chain::AUDIT_BASE, bytes);
    }

    /// A fresh random reference of `len` characters, unused under `prefix` in the store and
    /// in this change.
    pub(crate) fn fresh_reference(
        &mut self,
        prefix: &[u8],
        len: usize,
    ) -> Result<String, StoreError> {
        loop {
            let id = random_base32(len);
            if !self.taken.contains(&id) && !self.store.db.contains_key(keys::of(prefix, &id))? {
                self.taken.insert(id.clone());
                return Ok(id);
            }
        }
    }

    /// Writes a new payload file, named at random; returns its name. It is written and
    /// fsync'd by a writer thread; the commit waits for it, and fsyncs the directory.
    pub(crate) fn write_file(
        &mut self,
        sealed: impl FnOnce(&str) -> Vec<u8>,
    ) -> Result<String, StoreError> {
        let name = Files::new_name();
        self.store.files.write(&name, sealed(&name), self.now)?;
        self.wrote_files = true;
        Ok(name)
    }

    /// Seals `plain` under `key`, inline when small, else into a new file (added to `files`).
    pub(crate) fn seal_payload(
        &mut self,
        key: &Key,
        aad: &[u8],
        plain: Vec<u8>,
        files: &mut Vec<String>,
    ) -> Result<Payload, StoreError> {
        if plain.len() + seal::OVERHEAD <= INLINE_LIMIT {
            return Ok(Payload::Inline(seal::seal_vec(key, aad, plain)));
        }
        let name = self.write_file(|_| seal::seal_vec(key, aad, plain))?;
        files.push(name.clone());
        Ok(Payload::File(name))
    }

    /// Makes the change durable: the payload files it wrote and their directory first, then
    /// the batch, flushed and fsync'd.
    pub(crate) fn commit(self) -> Result<(), StoreError> {
        self.commit_holding().map(drop)
    }

    /// [`Txn::commit`], returning the write lock, still held, for what must follow the commit
    /// before another change begins (the statistics' file put in place, old key files
    /// destroyed).
    pub(crate) fn commit_holding(mut self) -> Result<MutexGuard<'s, ()>, StoreError> {
        // While a catalog snapshot is outstanding, the tickets changed are recorded beside it
        // in the same batch; an erasure removes it first (file, durably; then its generation
        // and changed set in the same batch): a copy put back later is refused.
        let disarm = self.changed && self.erases && self.store.snapshot_is_armed();
        if disarm {
            self.store.remove_snapshot_files()?;
            self.store.forget_snapshot_into(&mut self.batch)?;
        } else if self.changed && self.store.snapshot_is_armed() {
            for id in &self.tickets {
                self.batch.insert(keys::of(keys::CHANGED, id), Vec::new());
            }
        }
        if self.wrote_files {
            self.store.files.sync_written()?;
        }
        self.store.apply_durably(self.batch)?;
        if disarm {
            self.store.disarm_snapshot();
        }
        Ok(self.lock)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tickets_records_are_told_by_their_keys() {
        assert_eq!(ticket_of(&keys::of(keys::TICKET, "AB12")), Some("AB12"));
        assert_eq!(ticket_of(&keys::message("AB12", 3)), Some("AB12"));
        assert_eq!(ticket_of(&keys::note("AB12", 1)), Some("AB12"));
        assert_eq!(ticket_of(&keys::of(keys::CLASSIFICATION, "C3")), Some("C3"));
        assert_eq!(ticket_of(keys::GENERATION), None);
        assert_eq!(ticket_of(&keys::of(keys::CHANGED, "AB12")), None);
        assert_eq!(ticket_of(keys::AUDIT_HEAD), None);
        assert_eq!(ticket_of(&keys::draft("AB12", 1000)), None);
        assert_eq!(ticket_of(keys::TICKET), None);
        assert!(erases(&keys::of(keys::TICKET, "AB12")));
        assert!(erases(&keys::note("AB12", 1)));
        assert!(!erases(&keys::of(keys::ENVELOPE, "AB12")));
        assert!(!erases(&keys::draft("AB12", 1000)));
        assert!(!erases(keys::AUDIT_HEAD));
    }
}
