//! The outbox: messages to writers, durable before anything is sent. The text is sealed in
//! the ticket's thread; the address is opened from the sealed envelope only at the moment of
//! sending ([`Store::outgoing`]) and never written down.

use zeroize::{Zeroize, ZeroizeOnDrop};

use super::chain::NewEntry;
use super::codec::{decode, encode};
use super::error::{Kind, StoreError};
use super::open::Store;
use super::records::{
    Delivery, Direction, MessageContent, MessageRecord, OutKind, OutboxRecord, Status, aad, keys,
};
use super::txn::Txn;
use crate::model::{Actor, OutboxView};
use crate::reply_tokens;
use crate::time::Stamp;

/// A message ready to hand to the SMTP server. Holds the writer's address: wiped on drop,
/// never stored, never logged.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Outgoing {
    /// The outbox reference.
    pub reference: String,
    pub ticket: String,
    /// The writer's address, opened from the envelope.
    pub to: String,
    /// The Message-ID of the writer's latest message, which we answer (In-Reply-To).
    pub in_reply_to: Option<String>,
    /// That message's ancestors, oldest first (with `in_reply_to` after them: References).
    pub references: Vec<String>,
    /// Our Message-ID (stable across resends).
    pub message_id: String,
    pub subject: String,
    /// The text.
    pub body: String,
    /// The ticket's thread token (for a plus-address Reply-To).
    pub token: String,
    /// An automatic acknowledgement (gets `Auto-Submitted: auto-replied`).
    #[zeroize(skip)]
    pub automatic: bool,
}

impl std::fmt::Debug for Outgoing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outgoing")
            .field("reference", &self.reference)
            .field("ticket", &self.ticket)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Queues a message to the writer of `id`: its text sealed in the thread (direction out)
    /// and an outbox entry, durably, before anything is sent. Returns the outbox reference.
    pub fn queue_outgoing(
        &self,
        id: &str,
        actor: &Actor,
        kind: OutKind,
        subject: &str,
        body: &str,
    ) -> Result<String, StoreError> {
        self.queue_outgoing_with(id, actor, kind, subject, body, |_| Ok(()))
    }

    /// [`Store::queue_outgoing`], with `extra` adding its own writes (and audit entries) to
    /// the same transaction (a sent draft removed, a review consumed).
    pub(super) fn queue_outgoing_with(
        &self,
        id: &str,
        actor: &Actor,
        kind: OutKind,
        subject: &str,
        body: &str,
        extra: impl FnOnce(&mut Txn<'_>) -> Result<(), StoreError>,
    ) -> Result<String, StoreError> {
        let mut txn = self.begin();
        let mut rec = self.ticket_record(id)?;
        let key = self.content_key(id)?;
        let has_envelope = self.ticket_keys(id)?.envelope.is_some()
            && self.db.contains_key(keys::of(keys::ENVELOPE, id))?;
        if !has_envelope {
            return Err(StoreError(Kind::NoEnvelope(id.to_string())));
        }
        if kind == OutKind::Acknowledgement && rec.acknowledged {
            return Err(StoreError(Kind::Conflict(format!(
                "ticket {id} was already acknowledged"
            ))));
        }
        let now = txn.now();
        let reference = txn.fresh_reference(keys::OUTBOX, 16)?;
        let message_id = reply_tokens::mint_message_id(&rec.token, &self.contact_domain);
        let seq = rec.next_seq;
        let content = MessageContent {
            subject: subject.to_string(),
            body: body.to_string(),
            ..Default::default()
        };
        let mut files = Vec::new();
        let payload =
            txn.seal_payload(&key, &aad::message(id, seq), encode(&content), &mut files)?;
        let msg = MessageRecord {
            direction: Direction::Out,
            received: self.precision.round(now),
            digests: Vec::new(),
            files,
            outbox: Some(reference.clone()),
            automatic: kind == OutKind::Acknowledgement,
            content: payload,
        };
        let out = OutboxRecord {
            ticket: id.to_string(),
            seq,
            kind,
            created: self.precision.round(now),
            message_id: message_id.clone(),
            delivery: Delivery::Queued {
                attempts: 0,
                next_attempt: now,
                last_error: None,
            },
        };
        rec.next_seq += 1;
        rec.messages += 1;
        if kind == OutKind::Acknowledgement {
            rec.acknowledged = true;
        } else {
            rec.last_out = Some(self.precision.round(now));
            if rec.status == Status::Open {
                rec.status = Status::Waiting;
            }
        }
        txn.insert(keys::message(id, seq), encode(&msg));
        txn.insert(keys::of(keys::OUTBOX, &reference), encode(&out));
        txn.insert(
            keys::of(keys::OUR_MESSAGE_ID, &message_id),
            reference.as_bytes(),
        );
        txn.insert(keys::of(keys::TICKET, id), encode(&rec));
        txn.audit(NewEntry {
            time: if kind == OutKind::Acknowledgement {
                self.precision.round(now)
            } else {
                now
            },
            actor: actor.clone(),
            action: match kind {
                OutKind::Reply => "reply.queued",
                OutKind::Acknowledgement => "acknowledgement.queued",
            },
            ticket: Some(id.to_string()),
            detail: Some(format!("reply {reference}")),
        })?;
        extra(&mut txn)?;
        txn.commit()?;
        Ok(reference)
    }

    fn outbox_record(&self, reference: &str) -> Result<Option<OutboxRecord>, StoreError> {
        match self.db.get(keys::of(keys::OUTBOX, reference))? {
            Some(v) => Ok(Some(decode(&v, "outbox")?)),
            None => Ok(None),
        }
    }

    /// The outbox entry that sent our message `message_id`, if any.
    pub(crate) fn outbox_by_message_id(
        &self,
        message_id: &str,
    ) -> Result<Option<(String, OutboxRecord)>, StoreError> {
        let id = message_id
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>');
        let Some(r) = self.db.get(keys::of(keys::OUR_MESSAGE_ID, id))? else {
            return Ok(None);
        };
        let reference = String::from_utf8_lossy(&r).into_owned();
        Ok(self.outbox_record(&reference)?.map(|o| (reference, o)))
    }

    /// Every outbox entry (no text, no address).
    pub fn outbox_list(&self) -> Result<Vec<OutboxView>, StoreError> {
        let mut out = Vec::new();
        for item in self.db.scan_prefix(keys::OUTBOX) {
            let (k, v) = item?;
            let o: OutboxRecord = decode(&v, "outbox")?;
            out.push(OutboxView {
                reference: String::from_utf8_lossy(&k[keys::OUTBOX.len()..]).into_owned(),
                ticket: o.ticket,
                kind: o.kind,
                created: Stamp(o.created),
                delivery: (&o.delivery).into(),
            });
        }
        out.sort_by_key(|o| o.created);
        Ok(out)
    }

    /// Outbox entries due for an attempt at `now`, oldest first, and the time of the next
    /// later attempt, if any.
    pub fn outbox_due(&self, now: i64) -> Result<(Vec<String>, Option<i64>), StoreError> {
        let mut due = Vec::new();
        let mut next: Option<i64> = None;
        for item in self.db.scan_prefix(keys::OUTBOX) {
            let (k, v) = item?;
            let o: OutboxRecord = decode(&v, "outbox")?;
            if let Delivery::Queued { next_attempt, .. } = o.delivery {
                let reference = String::from_utf8_lossy(&k[keys::OUTBOX.len()..]).into_owned();
                if next_attempt <= now {
                    due.push((o.created, reference));
                } else {
                    next = Some(next.map_or(next_attempt, |n: i64| n.min(next_attempt)));
                }
            }
        }
        due.sort();
        Ok((due.into_iter().map(|(_, r)| r).collect(), next))
    }

    /// What to send for an outbox entry, with the address opened from the envelope. None when
    /// the entry is no longer queued (sent meanwhile, or gone with its ticket).
    pub fn outgoing(&self, reference: &str) -> Result<Option<Outgoing>, StoreError> {
        let Some(o) = self.outbox_record(reference)? else {
            return Ok(None);
        };
        if !matches!(o.delivery, Delivery::Queued { .. }) {
            return Ok(None);
        }
        let rec = self.ticket_record(&o.ticket)?;
        let key = self.content_key(&o.ticket)?;
        let m: MessageRecord = match self.db.get(keys::message(&o.ticket, o.seq))? {
            Some(v) => decode(&v, "message")?,
            None => return Err(StoreError::invalid("an outbox entry has lost its message")),
        };
        let plain = self.open_payload(&key, &aad::message(&o.ticket, o.seq), &m.content)?;
        let content: MessageContent = decode(&plain, "message content")?;
        let env = self.open_envelope(&o.ticket)?;
        Ok(Some(Outgoing {
            reference: reference.to_string(),
            ticket: o.ticket.clone(),
            to: env.address.clone(),
            in_reply_to: env.message_id.clone(),
            references: env.references.clone(),
            message_id: o.message_id.clone(),
            subject: content.subject.clone(),
            body: content.body.clone(),
            token: rec.token.clone(),
            automatic: o.kind == OutKind::Acknowledgement,
        }))
    }

    /// Records the result of a delivery attempt.
    pub fn outbox_update(&self, reference: &str, delivery: Delivery) -> Result<(), StoreError> {
        let mut txn = self.begin();
        let Some(mut o) = self.outbox_record(reference)? else {
            return Ok(());
        };
        let action = match &delivery {
            Delivery::Sent { .. } => Some("reply.sent"),
            Delivery::NotDelivered { .. } => Some("reply.not_delivered"),
            _ => None,
        };
        // Times of sending at the configured precision (the next attempt stays exact: it is a
        // schedule, not a record).
        let round = |t: i64| self.precision.round(t);
        o.delivery = match delivery {
            Delivery::Sent { at } => Delivery::Sent { at: round(at) },
            Delivery::NotDelivered { at, reason } => Delivery::NotDelivered {
                at: round(at),
                reason,
            },
            Delivery::Bounced { at } => Delivery::Bounced { at: round(at) },
            q => q,
        };
        txn.insert(keys::of(keys::OUTBOX, reference), encode(&o));
        if let Some(action) = action {
            txn.audit(NewEntry {
                time: txn.now(),
                actor: Actor::service(),
                action,
                ticket: Some(o.ticket.clone()),
                detail: Some(format!("reply {reference}")),
            })?;
        }
        txn.commit()?;
        Ok(())
    }

    /// When an outbox entry was queued.
    pub fn outbox_created(&self, reference: &str) -> Result<Option<i64>, StoreError> {
        Ok(self.outbox_record(reference)?.map(|o| o.created))
    }

    /// The delivery state of our message `reference`.
    pub fn delivery_of(&self, reference: &str) -> Result<Option<Delivery>, StoreError> {
        Ok(self.outbox_record(reference)?.map(|o| o.delivery))
    }

    /// How many acknowledgements were queued since `since`.
    pub fn acknowledgements_since(&self, since: i64) -> Result<usize, StoreError> {
        let mut n = 0;
        for item in self.db.scan_prefix(keys::OUTBOX) {
            let (_, v) = item?;
            let o: OutboxRecord = decode(&v, "outbox")?;
            if o.kind == OutKind::Acknowledgement && o.created >= since {
                n += 1;
            }
        }
        Ok(n)
    }
}
