//! Filing a batch of prepared messages: new tickets, follow-ups joined to their ticket through
//! our reply's token, delivery reports recorded on our replies, quarantine entries, with their
//! dedupe keys and audit entries, made durable together.

use std::collections::{HashMap, HashSet};

use super::chain::NewEntry;
use super::codec::encode;
use super::error::StoreError;
use super::open::Store;
use super::records::{
    AttachmentMeta, DedupeTarget, Delivery, Direction, MessageContent, MessageRecord,
    QuarantineRecord, Status, TicketKeys, TicketRecord, TicketSecret, aad, dedupe_key, keys,
};
use super::txn::Txn;
use crate::anonymise::{Anonymised, AttachmentContent, WithheldReason};
use crate::ids::TicketId;
use crate::model::{Actor, Outcome, Prepared, PreparedItem};
use crate::reply_tokens;
use crate::seal::{self, Envelope, Key};

/// A ticket changed by this batch, with its unwrapped content key.
struct Touched {
    rec: TicketRecord,
    key: Key,
}

/// What the messages filed so far in a batch have made, which the next ones must see.
#[derive(Default)]
struct Filed {
    /// The digests of the batch's messages (a second copy in the batch is already seen).
    seen: HashSet<[u8; 32]>,
    /// The tickets changed, written once at the end.
    touched: HashMap<String, Touched>,
    /// The reply tokens of the batch's new tickets, and their tickets.
    new_tokens: HashMap<String, String>,
}

/// What every record of one incoming message needs to know about it.
struct Incoming {
    /// Its arrival, rounded to the configured precision.
    received: i64,
    /// Its dedupe digest under the current key epoch.
    digest: Option<[u8; 32]>,
    /// A follow-up from an address other than the sealed one.
    different_sender: bool,
}

impl Store {
    /// Commits prepared messages as one durable batch and says what became of each.
    /// When this returns Ok, every outcome is on disk: the caller may delete the originals.
    ///
    /// A follow-up joins its ticket through the thread token our reply carried (In-Reply-To
    /// or References naming one of our Message-IDs, then a plus-address, then the subject
    /// tag), never through its sender's address. A delivery report about one of our replies
    /// is recorded on the reply, not made a ticket.
    pub fn commit_intake(&self, items: Vec<Prepared>) -> Result<Vec<Outcome>, StoreError> {
        let mut txn = self.begin();
        let outcomes = self.file_into(&mut txn, items, false)?;
        txn.commit()?;
        Ok(outcomes)
    }

    /// Files `items` into `txn` (see [`Store::commit_intake`]). `from_quarantine`: the items
    /// come out of the quarantine, whose dedupe keys already point at their entry (so they are
    /// not taken as already seen); the caller removes the entry in the same change.
    pub(crate) fn file_into(
        &self,
        txn: &mut Txn<'_>,
        items: Vec<Prepared>,
        from_quarantine: bool,
    ) -> Result<Vec<Outcome>, StoreError> {
        let mut filed = Filed::default();
        let mut outcomes = Vec::with_capacity(items.len());
        for item in items {
            outcomes.push(self.file_one(txn, &mut filed, item, from_quarantine)?);
        }
        for (id, t) in &filed.touched {
            txn.insert(keys::of(keys::TICKET, id), encode(&t.rec));
        }
        Ok(outcomes)
    }

    /// Files one message: already seen, quarantined, a delivery report, a follow-up or a new
    /// ticket.
    fn file_one(
        &self,
        txn: &mut Txn<'_>,
        filed: &mut Filed,
        item: Prepared,
        from_quarantine: bool,
    ) -> Result<Outcome, StoreError> {
        if !from_quarantine && self.already_seen(&item.digests, &filed.seen)? {
            return Ok(Outcome::AlreadySeen);
        }
        let digest = item.digests.first().copied();
        if let Some(d) = digest {
            filed.seen.insert(d);
        }
        let mut incoming = Incoming {
            received: self.precision.round(item.received),
            digest,
            different_sender: false,
        };
        let mut anon = match item.item {
            PreparedItem::Rejected { reason, raw } => {
                let reference = self.quarantine_into(txn, &reason, &raw, &incoming)?;
                return Ok(Outcome::Quarantined { reference });
            }
            PreparedItem::Message(anon) => anon,
        };
        if anon.signals.is_bounce
            && let Some(outcome) = self.file_bounce(txn, &anon, &incoming)?
        {
            return Ok(outcome);
        }
        if let Some(id) = self.find_thread(&anon, filed)? {
            return self.file_follow_up(txn, filed, id, &mut anon, &mut incoming);
        }
        self.file_new_ticket(txn, filed, &mut anon, &incoming)
    }

    /// A delivery report about one of our replies, recorded on it; None when it names no
    /// reply of ours (it is then filed as any message).
    fn file_bounce(
        &self,
        txn: &mut Txn<'_>,
        anon: &Anonymised,
        incoming: &Incoming,
    ) -> Result<Option<Outcome>, StoreError> {
        let ours = anon
            .signals
            .bounced_message_id
            .as_deref()
            .map(|id| self.outbox_by_message_id(id))
            .transpose()?
            .flatten();
        let Some((reference, mut out)) = ours else {
            return Ok(None);
        };
        out.delivery = Delivery::Bounced {
            at: self.precision.round(txn.now()),
        };
        txn.insert(keys::of(keys::OUTBOX, &reference), encode(&out));
        if let Some(d) = incoming.digest {
            txn.insert(
                dedupe_key(&d),
                encode(&DedupeTarget::Ticket(out.ticket.clone())),
            );
        }
        txn.audit(NewEntry {
            time: txn.now(),
            actor: Actor::service(),
            action: "reply.bounced",
            ticket: Some(out.ticket.clone()),
            detail: Some(format!("reply {reference}")),
        })?;
        Ok(Some(Outcome::Bounce { ticket: out.ticket }))
    }

    /// A follow-up joins ticket `id`: its message, the envelope sealed again when it answers
    /// from the sealed address, the ticket reopened.
    fn file_follow_up(
        &self,
        txn: &mut Txn<'_>,
        filed: &mut Filed,
        id: String,
        anon: &mut Anonymised,
        incoming: &mut Incoming,
    ) -> Result<Outcome, StoreError> {
        let mut t = match filed.touched.remove(&id) {
            Some(t) => t,
            None => {
                let rec = self.ticket_record(&id)?;
                let key = self.content_key(&id)?;
                Touched { rec, key }
            }
        };
        let (different_sender, envelope) = self.follow_up_envelope(&id, anon);
        if let Some(sealed) = envelope {
            txn.insert(keys::of(keys::ENVELOPE, &id), sealed);
        }
        incoming.different_sender = different_sender;
        self.add_message(txn, &id, &t.key, &mut t.rec, anon, incoming)?;
        t.rec.last_in = t.rec.last_in.max(incoming.received);
        if t.rec.status != Status::Open {
            t.rec.status = Status::Open;
            t.rec.closed_at = None;
        }
        if let Some(d) = incoming.digest {
            txn.insert(dedupe_key(&d), encode(&DedupeTarget::Ticket(id.clone())));
        }
        txn.audit(NewEntry {
            time: incoming.received,
            actor: Actor::service(),
            action: "ticket.follow_up",
            ticket: Some(id.clone()),
            detail: different_sender.then(|| "from a different address".to_string()),
        })?;
        filed.touched.insert(id.clone(), t);
        Ok(Outcome::FollowUp { ticket: id })
    }

    /// A new ticket: its keys, the sealed envelope of the reply address, its first message,
    /// its reply token.
    fn file_new_ticket(
        &self,
        txn: &mut Txn<'_>,
        filed: &mut Filed,
        anon: &mut Anonymised,
        incoming: &Incoming,
    ) -> Result<Outcome, StoreError> {
        let id = txn.fresh_reference(keys::TICKET, TicketId::LEN)?;
        let content_key = Key::random();
        let envelope_key = anon.secrets.from_address.as_ref().map(|_| Key::random());
        if let (Some(ek), Some(address)) = (&envelope_key, anon.secrets.from_address.as_ref()) {
            let env = Envelope {
                address: address.clone(),
                message_id: anon.secrets.message_id.clone(),
                references: anon.secrets.ancestry.clone(),
            };
            txn.insert(
                keys::of(keys::ENVELOPE, &id),
                env.seal(ek, &aad::envelope(&id)),
            );
        }
        let tkeys = TicketKeys {
            content: self.keyring().wrap(&content_key, &aad::content_key(&id)),
            envelope: envelope_key
                .as_ref()
                .map(|k| self.keyring().wrap(k, &aad::envelope_key(&id))),
        };
        txn.insert(keys::of(keys::KEYS, &id), encode(&tkeys));
        let secret = TicketSecret {
            subject: anon.subject.clone(),
            language: anon.language,
            tags: Vec::new(),
            sender: anon.signals.sender,
            urgent_reason: None,
        };
        let token = self.fresh_token(filed)?;
        txn.insert(keys::of(keys::TOKEN, &token), id.as_bytes());
        filed.new_tokens.insert(token.clone(), id.clone());
        let mut rec = TicketRecord {
            created: incoming.received,
            status: Status::Open,
            last_in: incoming.received,
            last_out: None,
            closed_at: None,
            urgent: false,
            claimed_by: None,
            messages: 0,
            next_seq: 0,
            next_attachment: 1,
            next_note: 0,
            token,
            acknowledged: false,
            secret: seal::seal(&content_key, &aad::ticket(&id), &encode(&secret)),
        };
        self.add_message(txn, &id, &content_key, &mut rec, anon, incoming)?;
        if let Some(d) = incoming.digest {
            txn.insert(dedupe_key(&d), encode(&DedupeTarget::Ticket(id.clone())));
        }
        txn.audit(NewEntry {
            time: incoming.received,
            actor: Actor::service(),
            action: "ticket.created",
            ticket: Some(id.clone()),
            detail: None,
        })?;
        filed.touched.insert(
            id.clone(),
            Touched {
                rec,
                key: content_key,
            },
        );
        Ok(Outcome::Ticketed { ticket: id })
    }

    /// A reply token unused in the store and in this batch.
    fn fresh_token(&self, filed: &Filed) -> Result<String, StoreError> {
        loop {
            let t = reply_tokens::new_token();
            if !filed.new_tokens.contains_key(&t)
                && !self.db.contains_key(keys::of(keys::TOKEN, &t))?
            {
                return Ok(t);
            }
        }
    }

    /// The ticket a message follows up, through our token only.
    fn find_thread(&self, anon: &Anonymised, filed: &Filed) -> Result<Option<String>, StoreError> {
        let lookup = |token: &str| -> Result<Option<String>, StoreError> {
            if let Some(id) = filed.new_tokens.get(token) {
                return Ok(Some(id.clone()));
            }
            Ok(self
                .db
                .get(keys::of(keys::TOKEN, token))?
                .map(|v| String::from_utf8_lossy(&v).into_owned()))
        };
        let exists = |id: &str| -> Result<bool, StoreError> {
            Ok(filed.touched.contains_key(id)
                || self.db.contains_key(keys::of(keys::TICKET, id))?)
        };
        for r in &anon.secrets.references {
            if let Some(token) = reply_tokens::token_of_message_id(r, &self.contact_domain)
                && let Some(id) = lookup(&token)?
                && exists(&id)?
            {
                return Ok(Some(id));
            }
        }
        for d in &anon.secrets.recipient_tokens {
            if let Some(token) = reply_tokens::token_of_detail(d)
                && let Some(id) = lookup(&token)?
                && exists(&id)?
            {
                return Ok(Some(id));
            }
        }
        for id in reply_tokens::tags_in_subject(&anon.subject) {
            if exists(&id)? {
                return Ok(Some(id));
            }
        }
        Ok(None)
    }

    /// Seals a raw message into quarantine, with its reason.
    fn quarantine_into(
        &self,
        txn: &mut Txn<'_>,
        reason: &str,
        raw: &[u8],
        incoming: &Incoming,
    ) -> Result<String, StoreError> {
        let reference = txn.fresh_reference(keys::QUARANTINE, TicketId::LEN)?;
        let key = Key::random();
        let file = txn.write_file(|name| seal::seal(&key, &aad::file(name), raw))?;
        let rec = QuarantineRecord {
            reason: reason.to_string(),
            size: raw.len() as u64,
            received: incoming.received,
            key: self.keyring().wrap(&key, &aad::quarantine_key(&reference)),
            file,
            digests: incoming.digest.into_iter().collect(),
        };
        txn.insert(keys::of(keys::QUARANTINE, &reference), encode(&rec));
        if let Some(d) = incoming.digest {
            txn.insert(
                dedupe_key(&d),
                encode(&DedupeTarget::Quarantine(reference.clone())),
            );
        }
        txn.audit(NewEntry {
            time: incoming.received,
            actor: Actor::service(),
            action: "quarantine.added",
            ticket: None,
            detail: Some(format!("quarantine {reference}")),
        })?;
        Ok(reference)
    }

    /// For a follow-up to ticket `id`: whether it comes from another address than the sealed
    /// one, and, when it comes from that address with a Message-ID, the envelope sealed again
    /// so that our next message answers it (In-Reply-To its Message-ID, References its chain).
    /// A follow-up from another address never changes the envelope: its identifiers are not
    /// sent to the writer. The address is compared in memory; only the yes/no is kept.
    fn follow_up_envelope(&self, id: &str, anon: &Anonymised) -> (bool, Option<Vec<u8>>) {
        let opened = || -> Option<(Key, Envelope)> {
            let wrapped = self.ticket_keys(id).ok()?.envelope?;
            let sealed = self.db.get(keys::of(keys::ENVELOPE, id)).ok()??;
            let key = self
                .keyring()
                .unwrap(&wrapped, &aad::envelope_key(id))
                .ok()?;
            let env = Envelope::open(&key, &aad::envelope(id), &sealed).ok()?;
            Some((key, env))
        };
        let (Some((key, mut env)), Some(from)) = (opened(), anon.secrets.from_address.as_deref())
        else {
            return (false, None);
        };
        if !same_address(from, &env.address) {
            return (true, None);
        }
        match &anon.secrets.message_id {
            Some(mid) if crate::anonymise::headers::is_header_safe_id(mid) => {
                env.message_id = Some(mid.clone());
                env.references = anon.secrets.ancestry.clone();
                (false, Some(env.seal(&key, &aad::envelope(id))))
            }
            _ => (false, None),
        }
    }

    /// Adds one incoming message to the thread of ticket `id` (record `rec`, content key
    /// `key`): its attachments sealed into files, its content inline or into a file.
    fn add_message(
        &self,
        txn: &mut Txn<'_>,
        id: &str,
        key: &Key,
        rec: &mut TicketRecord,
        anon: &mut Anonymised,
        incoming: &Incoming,
    ) -> Result<(), StoreError> {
        let seq = rec.next_seq;
        let mut files = Vec::new();
        let mut metas = Vec::new();
        for a in &mut anon.attachments {
            let mut meta = AttachmentMeta {
                id: rec.next_attachment,
                kind: a.kind,
                size: a.size,
                withheld: None,
                cleaned: false,
                file: None,
                stored_size: 0,
            };
            rec.next_attachment += 1;
            meta.cleaned = matches!(a.content, AttachmentContent::Cleaned(_));
            match &mut a.content {
                AttachmentContent::Kept(bytes) | AttachmentContent::Cleaned(bytes) => {
                    // Sealed in place: the attachment's bytes are not needed after this.
                    let bytes = std::mem::take(bytes);
                    meta.stored_size = bytes.len() as u64;
                    let name =
                        txn.write_file(|name| seal::seal_vec(key, &aad::file(name), bytes))?;
                    meta.file = Some(name.clone());
                    files.push(name);
                }
                AttachmentContent::NeedsCleaning(_) => {
                    meta.withheld = Some(WithheldReason::NotCleaned);
                }
                AttachmentContent::Withheld(r) => meta.withheld = Some(*r),
            }
            metas.push(meta);
        }
        let content = MessageContent {
            subject: anon.subject.clone(),
            body: anon.body.clone(),
            language: anon.language,
            attachments: metas,
            sender: anon.signals.sender,
            different_sender: incoming.different_sender,
        };
        let payload =
            txn.seal_payload(key, &aad::message(id, seq), encode(&content), &mut files)?;
        let msg = MessageRecord {
            direction: Direction::In,
            received: incoming.received,
            digests: incoming.digest.into_iter().collect(),
            files,
            outbox: None,
            automatic: false,
            content: payload,
        };
        txn.insert(keys::message(id, seq), encode(&msg));
        rec.next_seq += 1;
        rec.messages += 1;
        Ok(())
    }

    fn already_seen(
        &self,
        digests: &[[u8; 32]],
        in_batch: &HashSet<[u8; 32]>,
    ) -> Result<bool, StoreError> {
        for d in digests {
            if in_batch.contains(d) || self.db.contains_key(dedupe_key(d))? {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// Whether two addresses are the same mailbox (the domain compared without case).
pub(crate) fn same_address(a: &str, b: &str) -> bool {
    match (a.rsplit_once('@'), b.rsplit_once('@')) {
        (Some((la, da)), Some((lb, db))) => la == lb && da.eq_ignore_ascii_case(db),
        _ => a.eq_ignore_ascii_case(b),
    }
}
