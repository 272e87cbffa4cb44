//! Drafts (replies written and not sent) and replies waiting for a second reader. Their
//! texts are sealed under the ticket's content key, as its messages are, and they go with the
//! ticket: [`Store::delete_desk_into`] is part of every erasure. The audit log records who
//! saved, discarded, held, approved or returned a reply, never its words.

use serde::{Deserialize, Serialize};

use super::chain::NewEntry;
use super::codec::{decode, encode};
use super::error::{Kind, StoreError};
use super::open::Store;
use super::records::{OutKind, aad, keys};
use super::txn::Txn;
use super::workflow::Change;
use crate::model::{Actor, DraftSummary, DraftView, ReviewView};
use crate::seal;
use crate::time::Stamp;

/// A draft (key `w:` + ticket + `/` + uid).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct DraftRecord {
    /// Its author (only they see it).
    author: Actor,
    /// When it was last saved, rounded.
    updated: i64,
    /// Sealed [`DraftContent`].
    #[serde(with = "serde_bytes")]
    sealed: Vec<u8>,
}

/// The sealed part of a draft.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct DraftContent {
    text: String,
    /// A supervisor returned it: who, and why.
    returned: Option<(String, String)>,
}

/// A reply waiting for review (key `v:` + ticket: one at a time per ticket).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ReviewRecord {
    /// Who wrote it.
    author: Actor,
    /// When it was handed in, rounded.
    created: i64,
    /// The text, sealed under the ticket's content key.
    #[serde(with = "serde_bytes")]
    sealed: Vec<u8>,
}

/// Its first line that is not blank, at most 72 characters.
fn first_line(text: &str) -> String {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty());
    let line = line.unwrap_or_default();
    match line.char_indices().nth(71) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line.to_string(),
    }
}

fn author_uid(actor: &Actor) -> Result<u32, StoreError> {
    actor
        .uid
        .ok_or_else(|| StoreError::invalid("only a person writes drafts and replies"))
}

fn missing(what: String) -> StoreError {
    StoreError(Kind::Missing(what))
}

fn entry(
    time: i64,
    actor: &Actor,
    action: &'static str,
    id: &str,
    detail: Option<String>,
) -> NewEntry {
    NewEntry {
        time,
        actor: actor.clone(),
        action,
        ticket: Some(id.to_string()),
        detail,
    }
}

impl Store {
    /// Keeps `text` as `actor`'s draft of a reply to ticket `id` (one draft per ticket and
    /// author: a newer one replaces it).
    pub fn save_draft(&self, id: &str, actor: &Actor, text: &str) -> Result<(), StoreError> {
        let uid = author_uid(actor)?;
        let mut txn = self.begin();
        self.ticket_record(id)?;
        let key = self.content_key(id)?;
        let now = self.precision.round(txn.now());
        let content = DraftContent {
            text: text.to_string(),
            returned: None,
        };
        let rec = DraftRecord {
            author: actor.clone(),
            updated: now,
            sealed: seal::seal(&key, &aad::draft(id, uid), &encode(&content)),
        };
        txn.insert(keys::draft(id, uid), encode(&rec));
        txn.audit(entry(now, actor, "draft.saved", id, None))?;
        txn.commit()
    }

    fn open_draft(&self, id: &str, uid: u32, v: &[u8]) -> Result<DraftView, StoreError> {
        let rec: DraftRecord = decode(v, "draft")?;
        let key = self.content_key(id)?;
        let plain = seal::open(&key, &aad::draft(id, uid), &rec.sealed)?;
        let content: DraftContent = decode(&plain, "draft content")?;
        let (returned_by, reason) = content.returned.unzip();
        Ok(DraftView {
            ticket: id.to_string(),
            updated: Stamp(rec.updated),
            text: content.text,
            returned_by,
            reason,
        })
    }

    /// `actor`'s draft of a reply to ticket `id`, if they keep one.
    pub fn draft(&self, id: &str, actor: &Actor) -> Result<Option<DraftView>, StoreError> {
        let uid = author_uid(actor)?;
        self.ticket_record(id)?;
        match self.db.get(keys::draft(id, uid))? {
            Some(v) => Ok(Some(self.open_draft(id, uid, &v)?)),
            None => Ok(None),
        }
    }

    /// Destroys `actor`'s draft of a reply to ticket `id`.
    pub fn discard_draft(&self, id: &str, actor: &Actor) -> Result<Change, StoreError> {
        let uid = author_uid(actor)?;
        let mut txn = self.begin();
        let k = keys::draft(id, uid);
        if !self.db.contains_key(&k)? {
            return Ok(Change::Unchanged);
        }
        txn.remove(k);
        let now = txn.now();
        txn.audit(entry(now, actor, "draft.discarded", id, None))?;
        txn.commit()?;
        Ok(Change::Done)
    }

    /// Every draft of the person with `uid`, oldest first.
    pub fn drafts_of(&self, uid: u32) -> Result<Vec<DraftSummary>, StoreError> {
        let mut out = Vec::new();
        for item in self.db.scan_prefix(keys::DRAFT) {
            let (k, v) = item?;
            let rest = String::from_utf8_lossy(&k[keys::DRAFT.len()..]).into_owned();
            let Some((id, author)) = rest.split_once('/') else {
                continue;
            };
            if author.parse::<u32>().ok() != Some(uid) {
                continue;
            }
            let d = self.open_draft(id, uid, &v)?;
            out.push(DraftSummary {
                ticket: d.ticket,
                updated: d.updated,
                first_line: first_line(&d.text),
                returned_by: d.returned_by,
                reason: d.reason,
            });
        }
        out.sort_by(|a, b| a.updated.cmp(&b.updated).then(a.ticket.cmp(&b.ticket)));
        Ok(out)
    }

    /// Queues a counsellor's reply (see [`Store::queue_outgoing`]); their draft of it goes in
    /// the same commit.
    pub fn queue_reply(
        &self,
        id: &str,
        actor: &Actor,
        subject: &str,
        text: &str,
    ) -> Result<String, StoreError> {
        let uid = author_uid(actor)?;
        if self.db.contains_key(keys::of(keys::REVIEW, id))? {
            return Err(waits_for_review(id));
        }
        self.queue_outgoing_with(id, actor, OutKind::Reply, subject, text, |txn| {
            // Under the write lock: a reply held for review meanwhile is not sent past it.
            if self.db.contains_key(keys::of(keys::REVIEW, id))? {
                return Err(waits_for_review(id));
            }
            txn.remove(keys::draft(id, uid));
            Ok(())
        })
    }

    /// Holds a reply for a supervisor's review instead of queueing it; the author's draft
    /// goes in the same commit. One reply at a time waits on a ticket.
    pub fn hold_reply(&self, id: &str, actor: &Actor, text: &str) -> Result<(), StoreError> {
        let uid = author_uid(actor)?;
        let mut txn = self.begin();
        self.ticket_record(id)?;
        let k = keys::of(keys::REVIEW, id);
        if self.db.contains_key(&k)? {
            return Err(waits_for_review(id));
        }
        let key = self.content_key(id)?;
        let now = txn.now();
        let rec = ReviewRecord {
            author: actor.clone(),
            created: self.precision.round(now),
            sealed: seal::seal(&key, &aad::review(id), text.as_bytes()),
        };
        txn.insert(k, encode(&rec));
        txn.remove(keys::draft(id, uid));
        txn.audit(entry(now, actor, "review.requested", id, None))?;
        txn.commit()
    }

    fn review_record(&self, id: &str) -> Result<ReviewRecord, StoreError> {
        match self.db.get(keys::of(keys::REVIEW, id))? {
            Some(v) => decode(&v, "review"),
            None => Err(missing(format!("no reply to ticket {id} waits for review"))),
        }
    }

    fn review_view(
        &self,
        id: &str,
        r: &ReviewRecord,
        text: bool,
    ) -> Result<ReviewView, StoreError> {
        let summary = self.ticket_summary(id)?;
        let text = if text {
            let key = self.content_key(id)?;
            let plain = seal::open(&key, &aad::review(id), &r.sealed)?;
            Some(String::from_utf8_lossy(&plain).into_owned())
        } else {
            None
        };
        Ok(ReviewView {
            ticket: id.to_string(),
            author: r.author.name.clone(),
            submitted: Stamp(r.created),
            urgent: summary.urgent,
            sender: self.sender_verification(id)?,
            text,
        })
    }

    /// The replies waiting for review (without their text), oldest first, with each author's
    /// uid.
    pub fn reviews(&self) -> Result<Vec<(ReviewView, Option<u32>)>, StoreError> {
        let mut out = Vec::new();
        for item in self.db.scan_prefix(keys::REVIEW) {
            let (k, v) = item?;
            let id = String::from_utf8_lossy(&k[keys::REVIEW.len()..]).into_owned();
            let r: ReviewRecord = decode(&v, "review")?;
            out.push((self.review_view(&id, &r, false)?, r.author.uid));
        }
        out.sort_by_key(|r| r.0.submitted);
        Ok(out)
    }

    /// The reply waiting for review on ticket `id`, with its text, and its author's uid.
    pub fn review(&self, id: &str) -> Result<(ReviewView, Option<u32>), StoreError> {
        let r = self.review_record(id)?;
        Ok((self.review_view(id, &r, true)?, r.author.uid))
    }

    /// Sends the reply waiting on ticket `id`: queued in the outbox under its author's name,
    /// the approval audited under `approver`'s, in one commit. The author cannot approve
    /// their own reply. Returns the outbox reference and the author's name.
    pub fn approve_review(
        &self,
        id: &str,
        approver: &Actor,
        subject: &str,
    ) -> Result<(String, String), StoreError> {
        let r = self.review_record(id)?;
        if r.author.uid == approver.uid {
            return Err(StoreError(Kind::Forbidden(format!(
                "the reply to ticket {id} is yours: another supervisor must approve it"
            ))));
        }
        let key = self.content_key(id)?;
        let text = seal::open(&key, &aad::review(id), &r.sealed)?;
        let text = String::from_utf8_lossy(&text).into_owned();
        let k = keys::of(keys::REVIEW, id);
        let author = r.author.clone();
        let reference =
            self.queue_outgoing_with(id, &r.author, OutKind::Reply, subject, &text, |txn| {
                // Under the write lock: a second approval of the same reply finds it gone.
                match self.db.get(&k)? {
                    Some(v) if decode::<ReviewRecord>(&v, "review")?.created == r.created => {}
                    _ => return Err(missing(format!("no reply to ticket {id} waits for review"))),
                }
                txn.remove(k.clone());
                let detail = Some(format!("reply by {}", author.name));
                let now = txn.now();
                txn.audit(entry(now, approver, "review.approved", id, detail))
            })?;
        Ok((reference, r.author.name))
    }

    /// Returns the reply waiting on ticket `id` to its author as a draft, with `reason`
    /// (sealed in the draft; the audit entry holds no words). A draft the author kept on the
    /// ticket meanwhile stays, after the returned text. Returns the author's name.
    pub fn reject_review(
        &self,
        id: &str,
        actor: &Actor,
        reason: &str,
    ) -> Result<String, StoreError> {
        let mut txn = self.begin();
        let r = self.review_record(id)?;
        if r.author.uid == actor.uid {
            return Err(StoreError(Kind::Forbidden(format!(
                "the reply to ticket {id} is yours: another supervisor reviews it"
            ))));
        }
        let uid = author_uid(&r.author)?;
        let key = self.content_key(id)?;
        let mut text =
            String::from_utf8_lossy(&seal::open(&key, &aad::review(id), &r.sealed)?).into_owned();
        if let Some(v) = self.db.get(keys::draft(id, uid))? {
            let kept = self.open_draft(id, uid, &v)?;
            text = format!("{text}\n\n{}", kept.text);
        }
        let content = DraftContent {
            text,
            returned: Some((actor.name.clone(), reason.to_string())),
        };
        let now = txn.now();
        let draft = DraftRecord {
            author: r.author.clone(),
            updated: self.precision.round(now),
            sealed: seal::seal(&key, &aad::draft(id, uid), &encode(&content)),
        };
        txn.insert(keys::draft(id, uid), encode(&draft));
        txn.remove(keys::of(keys::REVIEW, id));
        let detail = Some(format!("reply by {}", r.author.name));
        txn.audit(entry(now, actor, "review.rejected", id, detail))?;
        txn.commit()?;
        Ok(r.author.name)
    }

    /// Adds to `txn` the removal of every draft and waiting reply of ticket `id`.
    pub(super) fn delete_desk_into(&self, txn: &mut Txn<'_>, id: &str) -> Result<(), StoreError> {
        for item in self.db.scan_prefix(keys::drafts_of(id)) {
            txn.remove(item?.0);
        }
        txn.remove(keys::of(keys::REVIEW, id));
        Ok(())
    }

    /// The drafts last saved before `cut`: (ticket, key).
    pub(super) fn drafts_before(&self, cut: i64) -> Result<Vec<(String, sled::IVec)>, StoreError> {
        let mut out = Vec::new();
        for item in self.db.scan_prefix(keys::DRAFT) {
            let (k, v) = item?;
            let rec: DraftRecord = decode(&v, "draft")?;
            if rec.updated <= cut {
                let rest = String::from_utf8_lossy(&k[keys::DRAFT.len()..]).into_owned();
                let id = rest.split_once('/').map(|(id, _)| id.to_string());
                out.push((id.unwrap_or(rest), k));
            }
        }
        Ok(out)
    }

    /// Adds to `txn` the removal of `drafts` (from [`Store::drafts_before`]), each audited.
    pub(super) fn drafts_into(
        &self,
        txn: &mut Txn<'_>,
        drafts: Vec<(String, sled::IVec)>,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let now = txn.now();
        for (id, k) in drafts {
            txn.remove(k);
            let e = entry(now, actor, "draft.destroyed", &id, Some("retention".into()));
            txn.audit(e)?;
        }
        Ok(())
    }
}

fn waits_for_review(id: &str) -> StoreError {
    StoreError(Kind::Conflict(format!(
        "a reply to ticket {id} already waits for a supervisor's review (ticket review); it must be approved or returned first"
    )))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_first_line_is_the_first_with_words_and_is_cut() {
        assert_eq!(
            super::first_line("\n  \n  Hello there \nmore"),
            "Hello there"
        );
        assert_eq!(super::first_line(""), "");
        let long = "é".repeat(100);
        let cut = super::first_line(&long);
        assert_eq!(cut.chars().count(), 72);
        assert!(cut.ends_with('…'));
    }
}
