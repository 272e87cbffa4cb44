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

use serde::{Deserialize, Serialize};

use super::audit::{Actor, Base, Found, Head, NewEntry, Removal, Removed};
use super::intake::{decode, dedupe_key, encode};
use super::records::{
    MessageRecord, OutboxRecord, QuarantineRecord, RevealRecord, Status, TicketKeys, TicketRecord,
    aad, keys,
};
use super::{Store, StoreError};
use crate::config::RetentionConfig;

/// What a key rotation did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RekeyReport {
    /// The new key epoch.
    pub epoch: u32,
    /// Data keys re-wrapped under it.
    pub rewrapped: usize,
    /// Epochs whose key files were destroyed.
    pub destroyed: Vec<u32>,
}

/// What a purge removed (counts and references; never writer data).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurgeReport {
    /// Nothing was changed: this is what would be removed.
    pub dry_run: bool,
    /// Tickets whose sealed reply address was destroyed.
    pub reply_addresses: Vec<String>,
    /// Tickets destroyed.
    pub tickets: Vec<String>,
    /// Quarantine entries destroyed.
    pub quarantine: Vec<String>,
    /// Audit entries removed behind a checkpoint.
    pub audit_entries: u64,
    /// The key rotation that made the erasure final.
    pub rekey: Option<RekeyReport>,
    /// Statistics facts and monthly counts removed for their age (`retention.stats_months`);
    /// the destroyed tickets' own facts are kept for the statistics.
    #[serde(default)]
    pub stats_expired: usize,
    /// Drafts destroyed for their age (`retention.draft_days`).
    #[serde(default)]
    pub drafts: usize,
}

const DAY: i64 = 86_400;

impl Store {
    /// Adds to `batch` the removal of every record of ticket `id`; returns its files.
    fn delete_ticket_into(
        &self,
        batch: &mut sled::Batch,
        id: &str,
    ) -> Result<Vec<String>, StoreError> {
        let mut files = Vec::new();
        if let Some(v) = self.db.get(keys::of(keys::TICKET, id))? {
            let rec: TicketRecord = decode(&v, "ticket")?;
            batch.remove(keys::of(keys::TOKEN, &rec.token));
        }
        batch.remove(keys::of(keys::TICKET, id));
        batch.remove(keys::of(keys::KEYS, id));
        batch.remove(keys::of(keys::CLASSIFICATION, id));
        batch.remove(keys::of(keys::ENVELOPE, id));
        for item in self.db.scan_prefix(keys::messages_of(id)) {
            let (k, v) = item?;
            let m: MessageRecord = decode(&v, "message")?;
            for d in &m.digests {
                batch.remove(dedupe_key(d));
            }
            if let Some(r) = &m.outbox {
                if let Some(o) = self.db.get(keys::of(keys::OUTBOX, r))? {
                    let o: OutboxRecord = decode(&o, "outbox")?;
                    batch.remove(keys::of(keys::OUR_MESSAGE_ID, &o.message_id));
                }
                batch.remove(keys::of(keys::OUTBOX, r));
            }
            files.extend(m.files);
            batch.remove(k);
        }
        for item in self.db.scan_prefix(keys::notes_of(id)) {
            batch.remove(item?.0);
        }
        self.delete_desk_into(batch, id)?;
        for item in self.db.scan_prefix(keys::REVEAL) {
            let (k, v) = item?;
            let r: RevealRecord = decode(&v, "reveal request")?;
            if r.ticket == id {
                batch.remove(k);
            }
        }
        Ok(files)
    }

    /// Removes the sealed reply address of a ticket (the content stays).
    fn delete_envelope_into(&self, batch: &mut sled::Batch, id: &str) -> Result<(), StoreError> {
        let mut k = self.ticket_keys(id)?;
        k.envelope = None;
        batch.insert(keys::of(keys::KEYS, id), encode(&k));
        batch.remove(keys::of(keys::ENVELOPE, id));
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
        let now = self.now();
        let files = {
            let _w = self.write.lock().expect("write lock");
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
            let mut last_old: Option<(u64, [u8; 32])> = None;
            for item in self.db.scan_prefix(keys::AUDIT) {
                let (_, v) = item?;
                let e = super::audit::read_entry(&v)?;
                if e.time > audit_cut {
                    break;
                }
                last_old = Some((e.seq, e.mac));
                report.audit_entries += 1;
            }
            // The destroyed tickets' facts go to the statistics, in the same change.
            let drafts = self.drafts_before(now - policy.draft_days as i64 * DAY)?;
            report.drafts = drafts.len();
            let stats = self.stats_plan(&report.tickets, Some(policy.stats_months))?;
            report.stats_expired = stats.as_ref().map_or(0, |p| p.expired());
            if dry_run {
                return Ok(report);
            }

            let mut batch = sled::Batch::default();
            let stats = self.stats_into(&mut batch, stats)?;
            let mut head = self.audit_head()?;
            let mut files = Vec::new();
            for id in &report.tickets {
                files.extend(self.delete_ticket_into(&mut batch, id)?);
                self.audit_push(
                    &mut batch,
                    &mut head,
                    entry(
                        now,
                        actor,
                        "ticket.destroyed",
                        Some(id),
                        Some("retention".into()),
                    ),
                );
            }
            for id in &report.reply_addresses {
                self.delete_envelope_into(&mut batch, id)?;
                self.audit_push(
                    &mut batch,
                    &mut head,
                    entry(
                        now,
                        actor,
                        "reply_address.destroyed",
                        Some(id),
                        Some("retention".into()),
                    ),
                );
            }
            for r in &report.quarantine {
                let k = keys::of(keys::QUARANTINE, r);
                if let Some(v) = self.db.get(&k)? {
                    let q: QuarantineRecord = decode(&v, "quarantine")?;
                    for d in &q.digests {
                        batch.remove(dedupe_key(d));
                    }
                    files.push(q.file);
                }
                batch.remove(k);
            }
            if let Some((seq, mac)) = last_old {
                self.remove_audit_before(
                    &mut batch,
                    &mut head,
                    seq,
                    mac,
                    now,
                    actor,
                    policy.audit_days,
                )?;
            }
            self.drafts_into(&mut batch, &mut head, drafts, now, actor);
            let total = report.tickets.len()
                + report.reply_addresses.len()
                + report.quarantine.len()
                + report.drafts;
            if total > 0 || report.audit_entries > 0 || report.stats_expired > 0 {
                self.audit_push(
                    &mut batch,
                    &mut head,
                    entry(
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
                    ),
                );
                self.commit(batch)?;
            } else if stats {
                self.commit(batch)?;
            }
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

    /// Removes audit entries up to `seq` and appends a checkpoint that carries the chain on.
    #[allow(clippy::too_many_arguments)]
    fn remove_audit_before(
        &self,
        batch: &mut sled::Batch,
        head: &mut Head,
        seq: u64,
        mac: [u8; 32],
        now: i64,
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
            let mut k = keys::AUDIT.to_vec();
            k.extend_from_slice(&s.to_be_bytes());
            batch.remove(k);
        }
        base.seq = seq;
        base.mac = mac;
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
        self.audit_write_base(batch, &base);
        self.audit_push(
            batch,
            head,
            entry(
                now,
                actor,
                "audit.checkpoint",
                None,
                Some(format!(
                    "entries {first} to {seq} removed (older than {days} days); the chain continues from {}",
                    crate::ids::hex(&mac)
                )),
            ),
        );
        Ok(())
    }

    /// Destroys a ticket now (the writer asked to be forgotten, or it should not exist), then
    /// rotates the keys so that nothing of it can be opened again.
    pub fn forget(&self, id: &str, actor: &Actor, reason: &str) -> Result<RekeyReport, StoreError> {
        let files = {
            let _w = self.write.lock().expect("write lock");
            self.ticket_record(id)?;
            let mut batch = sled::Batch::default();
            // Its facts stay in the statistics, with no tie to it.
            let stats = self.stats_plan(&[id.to_string()], None)?;
            let stats = self.stats_into(&mut batch, stats)?;
            let files = self.delete_ticket_into(&mut batch, id)?;
            let mut head = self.audit_head()?;
            self.audit_push(
                &mut batch,
                &mut head,
                entry(
                    self.now(),
                    actor,
                    "ticket.forgotten",
                    Some(id),
                    Some(reason.to_string()),
                ),
            );
            self.commit(batch)?;
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
        let _w = self.write.lock().expect("write lock");
        let epoch = self.keys.write().expect("keyring lock").rotate()?;
        let ring = self.keyring();
        let mut batch = sled::Batch::default();
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
            batch.insert(k, encode(&tk));
        }
        for item in self.db.scan_prefix(keys::QUARANTINE) {
            let (k, v) = item?;
            let reference = String::from_utf8_lossy(&k[keys::QUARANTINE.len()..]).into_owned();
            let mut q: QuarantineRecord = decode(&v, "quarantine")?;
            let key = ring.unwrap(&q.key, &aad::quarantine_key(&reference))?;
            q.key = ring.wrap(&key, &aad::quarantine_key(&reference));
            rewrapped += 1;
            batch.insert(k, encode(&q));
        }
        drop(ring);
        let mut head = self.audit_head()?;
        self.audit_push(
            &mut batch,
            &mut head,
            entry(
                self.now(),
                actor,
                "keys.rotated",
                None,
                Some(format!("epoch {epoch}, {rewrapped} keys re-wrapped")),
            ),
        );
        self.commit(batch)?;
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
