//! A ticket's classification (codes only), sealed under the ticket's content key in its own
//! record (`c:` + reference): it is destroyed with the ticket, and its keys with it. The audit
//! entry of a classification seals its codes under the same key.

use base64::Engine;

use super::chain::NewEntry;
use super::codec::{decode, encode};
use super::error::StoreError;
use super::open::Store;
use super::records::{Status, aad, keys};
use super::workflow::Change;
use crate::model::{Actor, AuditEntry};
use crate::seal::{self, Key};
use crate::taxonomy::{Classification, CodesInUse};

/// The audit action of a classification.
const CLASSIFIED: &str = "ticket.classified";
/// How an audit entry's sealed codes start.
const SEALED: &str = "codes sealed:";

/// The codes for the audit log, sealed under the ticket's content key: the entry says who
/// classified which ticket when, and its codes can be read only while the ticket lives (the
/// audit log outlives the tickets, and the statistics must not be tied back to one).
fn sealed_codes(key: &Key, id: &str, c: &Classification) -> String {
    let sealed = seal::seal(key, &aad::audit_codes(id), c.audit_text().as_bytes());
    format!(
        "{SEALED}{}",
        base64::engine::general_purpose::STANDARD.encode(sealed)
    )
}

impl Store {
    /// The classification recorded on ticket `id`, opened with its content key.
    pub(crate) fn classification_of(
        &self,
        id: &str,
        key: &Key,
    ) -> Result<Option<Classification>, StoreError> {
        let Some(sealed) = self.db.get(keys::of(keys::CLASSIFICATION, id))? else {
            return Ok(None);
        };
        let plain = seal::open(key, &aad::classification(id), &sealed)?;
        Ok(Some(decode(&plain, "classification")?))
    }

    /// Closes a ticket and, when `classification` is given, records it in the same commit
    /// (replacing an earlier one) with an audit entry naming its codes.
    pub fn close_classified(
        &self,
        id: &str,
        actor: &Actor,
        classification: Option<&Classification>,
    ) -> Result<Change, StoreError> {
        let Some(c) = classification else {
            return self.set_status(id, actor, Status::Closed);
        };
        self.set_status_with(id, actor, Status::Closed, |txn, key| {
            txn.insert(
                keys::of(keys::CLASSIFICATION, id),
                seal::seal(key, &aad::classification(id), &encode(c)),
            );
            txn.audit(NewEntry {
                time: txn.now(),
                actor: actor.clone(),
                action: CLASSIFIED,
                ticket: Some(id.to_string()),
                detail: Some(sealed_codes(key, id, c)),
            })
        })
    }

    /// Opens the codes of a `ticket.classified` audit entry for display, while its ticket
    /// lives; once the ticket is destroyed, they are gone with its key.
    pub fn open_audit_codes(&self, e: &mut AuditEntry) {
        if e.action != CLASSIFIED {
            return;
        }
        let (Some(id), Some(sealed)) = (
            &e.ticket,
            e.detail.as_deref().and_then(|d| d.strip_prefix(SEALED)),
        ) else {
            return;
        };
        let opened = base64::engine::general_purpose::STANDARD
            .decode(sealed)
            .ok()
            .zip(self.content_key(id).ok())
            .and_then(|(bytes, key)| seal::open(&key, &aad::audit_codes(id), &bytes).ok())
            .map(|plain| String::from_utf8_lossy(&plain).into_owned());
        e.detail = Some(opened.unwrap_or_else(|| "codes destroyed with the ticket".into()));
    }

    /// Every code that a live ticket's classification uses.
    pub fn classification_codes_in_use(&self) -> Result<CodesInUse, StoreError> {
        let mut out = CodesInUse::new();
        for item in self.db.scan_prefix(keys::CLASSIFICATION) {
            let (k, v) = item?;
            let id = String::from_utf8_lossy(&k[keys::CLASSIFICATION.len()..]).into_owned();
            let key = self.content_key(&id)?;
            let plain = seal::open(&key, &aad::classification(&id), &v)?;
            let c: Classification = decode(&plain, "classification")?;
            out.extend(c.codes().map(|(d, code)| (d, code.to_string())));
        }
        Ok(out)
    }
}
