//! Retention and erasure that holds. Deleting a record in sled does not erase it from disk
//! (sled keeps old values in its log until segments are rewritten), so erasure here means
//! destroying keys:
//!
//! 1. the records of what expired are removed, and its payload files deleted;
//! 2. then the key-encryption key is rotated: a new epoch wraps every data key still in use,
//!    and the old epochs' key files are overwritten and removed.
//!
//! After that, the wrapped data keys of destroyed tickets that sled may still hold in its
//! log were wrapped by a key that exists nowhere: what is left on disk is noise.

use std::collections::BTreeSet;

use super::chain::{Base, Found, NewEntry, Removed, entry_key, read_entry};
use super::codec::{decode, encode};
use super::error::StoreError;
use super::open::Store;
use super::records::dedupe_key;
use super::records::{
    MessageRecord, OutboxRecord, QuarantineRecord, RevealRecord, Status, TicketKeys, TicketRecord,
    aad, keys,
};
use super::txn::Txn;
use crate::config::RetentionConfig;
use crate::model::{Actor, PurgeReport, RekeyReport, Removal};

const DAY: i64 = 86_400;

impl Store {
    /// Adds to `txn` the removal of every record of ticket `id`; returns its files.
    fn delete_ticket_into(&self, txn: &mut Txn<'_>, id: &str) -> Result<Vec<String>, StoreError> {
        let mut files = Vec::new();
        if let Some(v) = self.db.get(keys::of(keys::TICKET, id))? {
            let rec: TicketRecord = decode(&v, "ticket")?;
            txn.remove(keys::of(keys::TOKEN, &rec.token));
        }
        txn.remove(keys::of(keys::TICKET, id));
        txn.remove(keys::of(keys::KEYS, id));
        txn.remove(keys::of(keys::CLASSIFICATION, id));
        txn.remove(keys::of(keys::ENVELOPE, id));
        for item in self.db.scan_prefix(keys::messages_of(id)) {
            let (k, v) = item?;
            let m: MessageRecord = decode(&v, "message")?;
            for d in &m.digests {
                txn.remove(dedupe_key(d));
            }
            if let Some(r) = &m.outbox {
                if let Some(o) = self.db.get(keys::of(keys::OUTBOX, r))? {
                    let o: OutboxRecord = decode(&o, "outbox")?;
                    txn.remove(keys::of(keys::OUR_MESSAGE_ID, &o.message_id));
                }
                txn.remove(keys::of(keys::OUTBOX, r));
            }
            files.extend(m.files);
            txn.remove(k);
        }
        for item in self.db.scan_prefix(keys::notes_of(id)) {
            txn.remove(item?.0);
        }
        self.delete_desk_into(txn, id)?;
        for item in self.db.scan_prefix(keys::REVEAL) {
            let (k, v) = item?;
            let r: RevealRecord = decode(&v, "reveal request")?;
            if r.ticket == id {
                txn.remove(k);
            }
        }
        Ok(files)
    }

    /// Removes the sealed reply address of a ticket (the content stays).
    fn delete_envelope_into(&self, txn: &mut Txn<'_>, id: &str) -> Result<(), StoreError> {
        let mut k = self.ticket_keys(id)?;
        k.envelope = None;
        txn.insert(keys::of(keys::KEYS, id), encode(&k));
        txn.remove(keys::of(keys::ENVELOPE, id));
        Ok(())
    }

    /// Applies the retention policy at the store's clock. With `dry_run`, reports what would
    /// go and changes nothing.
    pub fn purge(
        &self,
        policy: &RetentionConfig,
        actor: &Actor,
        dry_run: bool,
    ) -> Result<PurgeReport, StoreError> {
        let mut report = PurgeReport {
            dry_run,
            ..Default::default()
        };
        let files = {
            let mut txn = self.begin();
            let now = txn.now();
            let last_old = self.expired(policy, now, &mut report)?;
            // The destroyed tickets' facts go to the statistics, in the same change.
            let drafts = self.drafts_before(now - policy.draft_days as i64 * DAY)?;
            report.drafts = drafts.len();
            let stats = self.stats_plan(&report.tickets, Some(policy.stats_months))?;
            report.stats_expired = stats.as_ref().map_or(0, |p| p.expired());
            if dry_run {
                return Ok(report);
            }
            // The catalog snapshot lists what goes: it goes first (kept when no ticket or
            // reply address goes).
            if !report.tickets.is_empty() || !report.reply_addresses.is_empty() {
                self.destroy_snapshot()?;
            }
            let stats = self.stats_into(&mut txn, stats)?;
            let files = self.destroy_expired(&mut txn, &report, actor)?;
            if let Some((seq, mac)) = last_old {
                self.remove_audit_before(&mut txn, seq, mac, actor, policy.audit_days)?;
            }
            self.drafts_into(&mut txn, drafts, actor)?;
            let total = report.tickets.len()
                + report.reply_addresses.len()
                + report.quarantine.len()
                + report.drafts;
            let purged = total > 0 || report.audit_entries > 0 || report.stats_expired > 0;
            if purged {
                txn.audit(entry(
                    now,
                    actor,
                    "retention.purged",
                    None,
                    Some(format!(
                        "{} tickets, {} reply addresses, {} quarantined, {} audit entries",
                        report.tickets.len(),
                        report.reply_addresses.len(),
                        report.quarantine.len(),
                        report.audit_entries
                    )),
                ))?;
            }
            let _lock = if purged || stats {
                Some(txn.commit_holding()?)
            } else {
                None
            };
            self.stats_finish(stats)?;
            files
        };
        for f in &files {
            self.files.remove(f)?;
        }
        if !files.is_empty() {
            self.files.sync_dir()?;
        }
        if !report.tickets.is_empty()
            || !report.reply_addresses.is_empty()
            || !report.quarantine.is_empty()
        {
            report.rekey = Some(self.rekey(actor)?);
        }
        Ok(report)
    }

    /// What the policy destroys at `now`, into `report`: tickets, reply addresses, quarantine
    /// entries, and the count of audit entries; returns the last audit entry to remove.
    fn expired(
        &self,
        policy: &RetentionConfig,
        now: i64,
        report: &mut PurgeReport,
    ) -> Result<Option<(u64, [u8; 32])>, StoreError> {
        for item in self.db.scan_prefix(keys::TICKET) {
            let (k, v) = item?;
            let id = String::from_utf8_lossy(&k[keys::TICKET.len()..]).into_owned();
            let rec: TicketRecord = decode(&v, "ticket")?;
            let Some(closed) = rec.closed_at.filter(|_| rec.status == Status::Closed) else {
                continue;
            };
            if closed + policy.ticket_days as i64 * DAY <= now {
                report.tickets.push(id);
            } else if closed + policy.reply_address_days as i64 * DAY <= now
                && self.db.contains_key(keys::of(keys::ENVELOPE, &id))?
            {
                report.reply_addresses.push(id);
            }
        }
        for item in self.db.scan_prefix(keys::QUARANTINE) {
            let (k, v) = item?;
            let q: QuarantineRecord = decode(&v, "quarantine")?;
            if q.received + policy.quarantine_days as i64 * DAY <= now {
                report
                    .quarantine
                    .push(String::from_utf8_lossy(&k[keys::QUARANTINE.len()..]).into_owned());
            }
        }
        let audit_cut = now - policy.audit_days as i64 * DAY;
        let mut last_old = None;
        for item in self.db.scan_prefix(keys::AUDIT) {
            let (_, v) = item?;
            let e = read_entry(&v)?;
            if e.time > audit_cut {
                break;
            }
            last_old = Some((e.seq, e.mac));
            report.audit_entries += 1;
        }
        Ok(last_old)
    }

    /// Adds to `txn` the destruction of what `report` lists, each with its audit entry by
    /// `actor`; returns the payload files to delete once the change is committed.
    fn destroy_expired(
        &self,
        txn: &mut Txn<'_>,
        report: &PurgeReport,
        actor: &Actor,
    ) -> Result<Vec<String>, StoreError> {
        let now = txn.now();
        let mut files = Vec::new();
        for id in &report.tickets {
            files.extend(self.delete_ticket_into(txn, id)?);
            txn.audit(entry(
                now,
                actor,
                "ticket.destroyed",
                Some(id),
                Some("retention".into()),
            ))?;
        }
        for id in &report.reply_addresses {
            self.delete_envelope_into(txn, id)?;
            txn.audit(entry(
                now,
                actor,
                "reply_address.destroyed",
                Some(id),
                Some("retention".into()),
            ))?;
        }
        for r in &report.quarantine {
            let k = keys::of(keys::QUARANTINE, r);
            if let Some(v) = self.db.get(&k)? {
                let q: QuarantineRecord = decode(&v, "quarantine")?;
                for d in &q.digests {
                    txn.remove(dedupe_key(d));
                }
                files.push(q.file);
            }
            txn.remove(k);
        }
        Ok(files)
    }

    /// Removes audit entries up to `seq` and appends a checkpoint that carries the chain on.
    fn remove_audit_before(
        &self,
        txn: &mut Txn<'_>,
        seq: u64,
        mac: [u8; 32],
        actor: &Actor,
        days: u64,
    ) -> Result<(), StoreError> {
        // The base moves on, authenticated, saying which entries went and when.
        let mut base = match self.audit_base_found()? {
            Found::Missing => Base::default(),
            found => found.value().cloned().unwrap_or_default(),
        };
        let first = base.seq + 1;
        for s in first..=seq {
            txn.remove(entry_key(s));
        }
        base.seq = seq;
        base.mac = mac;
        let now = txn.now();
        let t = self.precision.round(now);
        match base.removed.last_mut() {
            Some(r) if r.why == Removal::Retention && r.time / DAY == t / DAY => {
                r.up_to = seq;
                r.time = t;
            }
            _ => base.removed.push(Removed {
                up_to: seq,
                time: t,
                why: Removal::Retention,
            }),
        }
        txn.write_audit_base(&base);
        txn.audit(entry(
            now,
            actor,
            "audit.checkpoint",
            None,
            Some(format!(
                "entries {first} to {seq} removed (older than {days} days); the chain continues from {}",
                crate::ids::hex(&mac)
            )),
        ))
    }

    /// Destroys a ticket now (the writer asked to be forgotten, or it should not exist), then
    /// rotates the keys so that nothing of it can be opened again.
    pub fn forget(&self, id: &str, actor: &Actor, reason: &str) -> Result<RekeyReport, StoreError> {
        let files = {
            let mut txn = self.begin();
            self.ticket_record(id)?;
            self.destroy_snapshot()?;
            // A crash once the snapshot is gone and before the erasure is durable.
            crate::failpoint::hit("forget-before-commit");
            // Its facts stay in the statistics, with no tie to it.
            let stats = self.stats_plan(&[id.to_string()], None)?;
            let stats = self.stats_into(&mut txn, stats)?;
            let files = self.delete_ticket_into(&mut txn, id)?;
            txn.audit(entry(
                txn.now(),
                actor,
                "ticket.forgotten",
                Some(id),
                Some(reason.to_string()),
            ))?;
            let _lock = txn.commit_holding()?;
            self.stats_finish(stats)?;
            files
        };
        for f in &files {
            self.files.remove(f)?;
        }
        self.files.sync_dir()?;
        self.rekey(actor)
    }

    /// Starts a new key epoch, re-wraps every data key still in use under it, and destroys
    /// every older epoch's key file.
    pub fn rekey(&self, actor: &Actor) -> Result<RekeyReport, StoreError> {
        let mut txn = self.begin();
        // A snapshot sealed under the epoch about to be destroyed would be noise; it goes now.
        self.destroy_snapshot()?;
        let epoch = self.keys.write().expect("keyring lock").rotate()?;
        let ring = self.keyring();
        let mut rewrapped = 0;
        for item in self.db.scan_prefix(keys::KEYS) {
            let (k, v) = item?;
            let id = String::from_utf8_lossy(&k[keys::KEYS.len()..]).into_owned();
            let mut tk: TicketKeys = decode(&v, "ticket key")?;
            let content = ring.unwrap(&tk.content, &aad::content_key(&id))?;
            tk.content = ring.wrap(&content, &aad::content_key(&id));
            rewrapped += 1;
            if let Some(env) = &tk.envelope {
                let key = ring.unwrap(env, &aad::envelope_key(&id))?;
                tk.envelope = Some(ring.wrap(&key, &aad::envelope_key(&id)));
                rewrapped += 1;
            }
            txn.insert(k, encode(&tk));
        }
        for item in self.db.scan_prefix(keys::QUARANTINE) {
            let (k, v) = item?;
            let reference = String::from_utf8_lossy(&k[keys::QUARANTINE.len()..]).into_owned();
            let mut q: QuarantineRecord = decode(&v, "quarantine")?;
            let key = ring.unwrap(&q.key, &aad::quarantine_key(&reference))?;
            q.key = ring.wrap(&key, &aad::quarantine_key(&reference));
            rewrapped += 1;
            txn.insert(k, encode(&q));
        }
        drop(ring);
        txn.audit(entry(
            txn.now(),
            actor,
            "keys.rotated",
            None,
            Some(format!("epoch {epoch}, {rewrapped} keys re-wrapped")),
        ))?;
        // The old epochs' key files go under the same lock, once nothing they wrap is in use.
        let _lock = txn.commit_holding()?;
        let destroyed = self.destroy_unused_epochs_locked()?;
        Ok(RekeyReport {
            epoch,
            rewrapped,
            destroyed,
        })
    }

    /// Epochs still wrapping a key in the store.
    fn epochs_in_use(&self) -> Result<BTreeSet<u32>, StoreError> {
        let mut used = BTreeSet::new();
        for item in self.db.scan_prefix(keys::KEYS) {
            let (_, v) = item?;
            let tk: TicketKeys = decode(&v, "ticket key")?;
            used.insert(tk.content.epoch);
            if let Some(e) = tk.envelope {
                used.insert(e.epoch);
            }
        }
        for item in self.db.scan_prefix(keys::QUARANTINE) {
            let (_, v) = item?;
            let q: QuarantineRecord = decode(&v, "quarantine")?;
            used.insert(q.key.epoch);
        }
        Ok(used)
    }

    /// Destroys the key file of every epoch (but the current) that wraps nothing any more.
    /// The caller holds the write lock.
    fn destroy_unused_epochs_locked(&self) -> Result<Vec<u32>, StoreError> {
        let used = self.epochs_in_use()?;
        let mut ring = self.keys.write().expect("keyring lock");
        let current = ring.current_epoch();
        let doomed: Vec<u32> = ring
            .epochs()
            .into_iter()
            .filter(|e| *e != current && !used.contains(e))
            .collect();
        for e in &doomed {
            ring.destroy(*e)?;
        }
        Ok(doomed)
    }

    /// At start: finishes a rotation a crash interrupted (old epochs wrapping nothing).
    pub(crate) fn destroy_unused_epochs(&self) -> Result<Vec<u32>, StoreError> {
        let _w = self.write.lock().expect("write lock");
        self.destroy_unused_epochs_locked()
    }
}

fn entry(
    time: i64,
    actor: &Actor,
    action: &'static str,
    ticket: Option<&str>,
    detail: Option<String>,
) -> NewEntry {
    NewEntry {
        time,
        actor: actor.clone(),
        action,
        ticket: ticket.map(str::to_string),
        detail,
    }
}
