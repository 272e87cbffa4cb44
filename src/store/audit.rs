//! The audit log as the rest of the service uses it: recording what people do and what
//! they were shown, reading entries back, and the head to record elsewhere. The chain itself
//! (its records and MACs) is in [`super::chain`]; checking it is in `check.rs`.

mod check;
#[cfg(test)]
mod tests;

use super::chain::{NewEntry, exactly, read_entry};
use super::error::StoreError;
use super::open::Store;
use super::records::keys;
use crate::model::{Actor, AuditEntry, TicketRefs};

/// The day (UTC) `sourdine run --once` last logged the head.
const HEAD_LOGGED: &[u8] = b"meta:audit-head-logged";

impl Store {
    /// Every entry, oldest first (optionally only the last `tail`).
    pub fn audit_entries(&self, tail: Option<usize>) -> Result<Vec<AuditEntry>, StoreError> {
        let iter = self.db.scan_prefix(keys::AUDIT);
        let items: Box<dyn Iterator<Item = _>> = match tail {
            Some(n) => {
                let mut v: Vec<_> = iter.rev().take(n).collect();
                v.reverse();
                Box::new(v.into_iter())
            }
            None => Box::new(iter),
        };
        let mut out = Vec::new();
        for item in items {
            let (_, v) = item?;
            out.push(read_entry(&v)?);
        }
        Ok(out)
    }

    /// The entries that name ticket `id` (as their ticket or in their list), oldest first
    /// (optionally only the last `tail` of them): who saw it, and who did what to it.
    pub fn audit_entries_naming(
        &self,
        id: &str,
        tail: Option<usize>,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let mut out = Vec::new();
        for item in self.db.scan_prefix(keys::AUDIT) {
            let (_, v) = item?;
            let e = read_entry(&v)?;
            if e.names(id) {
                out.push(e);
            }
        }
        if let Some(n) = tail {
            out.drain(..out.len().saturating_sub(n));
        }
        Ok(out)
    }

    /// Whether the head has not been logged yet today (UTC); records that it is now. For
    /// `sourdine run --once`, which runs every few minutes but logs its head once a day.
    pub fn audit_head_log_due(&self) -> Result<bool, StoreError> {
        let mut txn = self.begin();
        let today = txn.now().div_euclid(86_400);
        let last = self.db.get(HEAD_LOGGED)?.and_then(|v| exactly::<i64>(&v));
        if last == Some(today) {
            return Ok(false);
        }
        txn.insert(HEAD_LOGGED, postcard::to_stdvec(&today).expect("a day"));
        txn.commit()?;
        Ok(true)
    }

    /// The head as `sourdine audit --head` prints it: "SEQ MAC".
    pub fn audit_head_text(&self) -> Result<String, StoreError> {
        let h = self.audit_head()?;
        Ok(format!("{} {}", h.seq, crate::ids::hex(&h.mac)))
    }
}

impl Store {
    /// Records a counsellor's or operator's action, durably (at the configured precision).
    pub fn audit_action(
        &self,
        actor: &Actor,
        action: &'static str,
        ticket: Option<&str>,
        detail: Option<String>,
    ) -> Result<(), StoreError> {
        let mut txn = self.begin();
        txn.audit(NewEntry {
            time: txn.now(),
            actor: actor.clone(),
            action,
            ticket: ticket.map(str::to_string),
            detail,
        })?;
        txn.commit()?;
        Ok(())
    }

    /// Records, durably, which tickets a command showed (a list, a search): one entry naming
    /// every one of them.
    pub fn audit_shown(
        &self,
        actor: &Actor,
        action: &'static str,
        tickets: TicketRefs,
        detail: Option<String>,
    ) -> Result<(), StoreError> {
        let mut txn = self.begin();
        txn.audit_naming(
            NewEntry {
                time: txn.now(),
                actor: actor.clone(),
                action,
                ticket: None,
                detail,
            },
            tickets,
        )?;
        txn.commit()?;
        Ok(())
    }
}
