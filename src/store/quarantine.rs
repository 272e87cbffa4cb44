//! Working from the quarantine: a quarantined message read back for the operator, and an
//! entry replaced by the ticket its message makes (retried through the pipeline, or released)
//! in one durable commit.

use std::collections::HashSet;

use zeroize::Zeroizing;

use super::chain::NewEntry;
use super::codec::{decode, encode};
use super::error::{Kind, StoreError};
use super::open::Store;
use super::records::dedupe_key;
use super::records::{QuarantineRecord, aad, keys};
use crate::ids::TicketId;
use crate::model::{Actor, Outcome, Prepared, PreparedItem, QuarantineView, RekeyReport};
use crate::seal;
use crate::time::Stamp;

/// A quarantine entry and its raw message, opened in memory (wiped when dropped).
pub type QuarantinedMessage = (QuarantineView, Zeroizing<Vec<u8>>);

impl Store {
    /// The record of a quarantine entry, by a reference as people type it; `None` when there
    /// is no such entry. Returns the reference as stored.
    fn quarantine_record(
        &self,
        reference: &str,
    ) -> Result<Option<(String, QuarantineRecord)>, StoreError> {
        let Some(r) = TicketId::parse(reference).map(|t| t.as_str().to_string()) else {
            return Ok(None);
        };
        match self.db.get(keys::of(keys::QUARANTINE, &r))? {
            Some(v) => Ok(Some((r, decode(&v, "quarantine")?))),
            None => Ok(None),
        }
    }

    /// A quarantine entry and its raw message, opened in memory (wiped when dropped); `None`
    /// when there is no such entry.
    pub fn quarantine_entry(
        &self,
        reference: &str,
    ) -> Result<Option<QuarantinedMessage>, StoreError> {
        let Some((r, rec)) = self.quarantine_record(reference)? else {
            return Ok(None);
        };
        let key = self.keyring().unwrap(&rec.key, &aad::quarantine_key(&r))?;
        let raw = seal::open(&key, &aad::file(&rec.file), &self.files.read(&rec.file)?)?;
        Ok(Some((
            QuarantineView {
                reference: r,
                reason: rec.reason,
                size: rec.size,
                received: Stamp(rec.received),
            },
            raw,
        )))
    }

    /// Files the message of quarantine entry `reference` as `prepared` says (a new ticket, or
    /// a follow-up), and removes the entry, in one durable commit with an audit entry
    /// (`action`, by `actor`). Then the entry's sealed file is deleted and the keys are
    /// rotated, so that the raw message cannot be opened again from the store's files.
    pub fn quarantine_resolve(
        &self,
        reference: &str,
        prepared: Prepared,
        actor: &Actor,
        action: &'static str,
    ) -> Result<(Outcome, RekeyReport), StoreError> {
        if matches!(prepared.item, PreparedItem::Rejected { .. }) {
            return Err(StoreError::invalid(
                "a message that the pipeline refuses stays in quarantine",
            ));
        }
        let (outcome, file) = {
            let mut txn = self.begin();
            let Some((r, rec)) = self.quarantine_record(reference)? else {
                return Err(gone(reference));
            };
            let kept: HashSet<[u8; 32]> = prepared.digests.first().copied().into_iter().collect();
            let outcomes = self.file_into(&mut txn, vec![prepared], true)?;
            txn.remove(keys::of(keys::QUARANTINE, &r));
            // The new message holds the dedupe key of the current epoch; an older one pointing
            // at the entry goes with it.
            for d in rec.digests.iter().filter(|d| !kept.contains(*d)) {
                txn.remove(dedupe_key(d));
            }
            txn.audit(NewEntry {
                time: txn.now(),
                actor: actor.clone(),
                action,
                ticket: outcomes.first().and_then(outcome_ticket),
                detail: Some(format!("quarantine {r}")),
            })?;
            txn.commit()?;
            let outcome = outcomes
                .into_iter()
                .next()
                .ok_or_else(|| StoreError::invalid("nothing was filed"))?;
            (outcome, rec.file)
        };
        self.files.remove(&file)?;
        self.files.sync_dir()?;
        Ok((outcome, self.rekey(actor)?))
    }

    /// Records that a retry failed again: the entry keeps its arrival time (and so its
    /// expiry), takes the new reason, and the audit log says so.
    pub fn quarantine_still_failing(
        &self,
        reference: &str,
        reason: &str,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let mut txn = self.begin();
        let Some((r, mut rec)) = self.quarantine_record(reference)? else {
            return Err(gone(reference));
        };
        let detail = if rec.reason == reason {
            format!("quarantine {r}: failed again ({reason})")
        } else {
            format!("quarantine {r}: failed again, now: {reason}")
        };
        rec.reason = reason.to_string();
        txn.insert(keys::of(keys::QUARANTINE, &r), encode(&rec));
        txn.audit(NewEntry {
            time: txn.now(),
            actor: actor.clone(),
            action: "quarantine.retry_failed",
            ticket: None,
            detail: Some(detail),
        })?;
        txn.commit()?;
        Ok(())
    }
}

/// The ticket an outcome names.
fn outcome_ticket(o: &Outcome) -> Option<String> {
    match o {
        Outcome::Ticketed { ticket }
        | Outcome::FollowUp { ticket }
        | Outcome::Bounce { ticket } => Some(ticket.clone()),
        Outcome::Quarantined { .. } | Outcome::AlreadySeen => None,
    }
}

/// The entry went away meanwhile (another retry, a purge).
fn gone(reference: &str) -> StoreError {
    StoreError(Kind::Conflict(format!(
        "quarantine entry {} is no longer there (retried, released or purged meanwhile)",
        reference.trim()
    )))
}
