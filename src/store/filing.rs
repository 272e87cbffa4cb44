//! Filing a batch of prepared messages: new tickets, follow-ups joined to their ticket through
//! our reply's token, delivery reports recorded on our replies, quarantine entries, with their
//! dedupe keys and audit entries, made durable together.

use std::collections::{HashMap, HashSet};

use super::audit::NewEntry;
use super::codec::encode;
use super::error::StoreError;
use super::open::Store;
use super::records::{
    AttachmentMeta, DedupeTarget, Delivery, Direction, MessageContent, MessageRecord, Payload,
    QuarantineRecord, Status, TicketKeys, TicketRecord, TicketSecret, aad, dedupe_key, keys,
};
use crate::anonymise::{Anonymised, AttachmentContent, WithheldReason};
use crate::ids::{TicketId, random_base32};
use crate::model::{Actor, Outcome, Prepared, PreparedItem};
use crate::seal::{self, Envelope, Key};
use crate::threading;

/// Sealed payloads larger than this go to a file rather than into sled (whose leaves of up
/// to 17 values become unsynced blob files past ~128 KiB).
pub(crate) const INLINE_LIMIT: usize = 6 * 1024;

/// Adds the removal of a quarantine entry to the batch that files its message (see
/// [`Store::commit_intake_locked`]).
pub(crate) type Replacing<'a> = &'a mut dyn FnMut(
    &mut sled::Batch,
    &mut super::audit::Head,
    &[Outcome],
) -> Result<(), StoreError>;

/// A ticket changed by this batch, with its unwrapped content key.
struct Touched {
    rec: TicketRecord,
    key: Key,
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
        let _w = self.write.lock().expect("write lock");
        self.commit_intake_locked(items, None)
    }

    /// [`Store::commit_intake`], the write lock held by the caller. With `replacing`, the
    /// items come out of the quarantine: the dedupe keys already point at the entry (so they
    /// are not taken as already seen), and `replacing` adds the entry's removal to the same
    /// batch.
    pub(crate) fn commit_intake_locked(
        &self,
        items: Vec<Prepared>,
        replacing: Option<Replacing<'_>>,
    ) -> Result<Vec<Outcome>, StoreError> {
        let mut batch = sled::Batch::default();
        let mut head = self.audit_head()?;
        let mut seen: HashMap<[u8; 32], ()> = HashMap::new();
        let mut taken_ids: HashSet<String> = HashSet::new();
        let mut touched: HashMap<String, Touched> = HashMap::new();
        let mut new_tokens: HashMap<String, String> = HashMap::new();
        let mut outcomes = Vec::with_capacity(items.len());
        let mut wrote_files = false;
        let now = self.now();

        for item in items {
            if replacing.is_none() && self.already_seen(&item.digests, &seen)? {
                outcomes.push(Outcome::AlreadySeen);
                continue;
            }
            let primary = item.digests.first().copied();
            if let Some(d) = primary {
                seen.insert(d, ());
            }
            let received = self.precision.round(item.received);
            let mut anon = match item.item {
                PreparedItem::Rejected { reason, raw } => {
                    let reference = self.quarantine_into(
                        &mut batch,
                        &mut head,
                        &mut taken_ids,
                        &reason,
                        &raw,
                        received,
                        primary,
                        now,
                    )?;
                    wrote_files = true;
                    outcomes.push(Outcome::Quarantined { reference });
                    continue;
                }
                PreparedItem::Message(anon) => anon,
            };

            // A delivery report about one of our replies.
            if anon.signals.is_bounce {
                let ours = anon
                    .signals
                    .bounced_message_id
                    .as_deref()
                    .map(|id| self.outbox_by_message_id(id))
                    .transpose()?
                    .flatten();
                if let Some((reference, mut out)) = ours {
                    out.delivery = Delivery::Bounced {
                        at: self.precision.round(now),
                    };
                    batch.insert(keys::of(keys::OUTBOX, &reference), encode(&out));
                    if let Some(d) = primary {
                        batch.insert(
                            dedupe_key(&d),
                            encode(&DedupeTarget::Ticket(out.ticket.clone())),
                        );
                    }
                    self.audit_push(
                        &mut batch,
                        &mut head,
                        NewEntry {
                            time: now,
                            actor: Actor::service(),
                            action: "reply.bounced",
                            ticket: Some(out.ticket.clone()),
                            detail: Some(format!("reply {reference}")),
                        },
                    );
                    outcomes.push(Outcome::Bounce { ticket: out.ticket });
                    continue;
                }
            }

            // A follow-up to one of our tickets?
            if let Some(id) = self.find_thread(&anon, &touched, &new_tokens)? {
                let t = match touched.remove(&id) {
                    Some(t) => t,
                    None => {
                        let rec = self.ticket_record(&id)?;
                        let key = self.content_key(&id)?;
                        Touched { rec, key }
                    }
                };
                let mut t = t;
                let (different_sender, envelope) = self.follow_up_envelope(&id, &anon);
                if let Some(sealed) = envelope {
                    batch.insert(keys::of(keys::ENVELOPE, &id), sealed);
                }
                let seq = t.rec.next_seq;
                let (msg, files) = self.message_record(
                    &id,
                    seq,
                    &t.key,
                    &mut anon,
                    received,
                    primary,
                    &mut t.rec.next_attachment,
                    different_sender,
                    now,
                )?;
                wrote_files |= !files.is_empty();
                batch.insert(keys::message(&id, seq), encode(&msg));
                t.rec.next_seq += 1;
                t.rec.messages += 1;
                t.rec.last_in = t.rec.last_in.max(received);
                if t.rec.status != Status::Open {
                    t.rec.status = Status::Open;
                    t.rec.closed_at = None;
                }
                if let Some(d) = primary {
                    batch.insert(dedupe_key(&d), encode(&DedupeTarget::Ticket(id.clone())));
                }
                self.audit_push(
                    &mut batch,
                    &mut head,
                    NewEntry {
                        time: received,
                        actor: Actor::service(),
                        action: "ticket.follow_up",
                        ticket: Some(id.clone()),
                        detail: different_sender.then(|| "from a different address".to_string()),
                    },
                );
                touched.insert(id.clone(), t);
                outcomes.push(Outcome::FollowUp { ticket: id });
                continue;
            }

            // A new ticket.
            let id = self.fresh_reference(keys::TICKET, &mut taken_ids)?;
            let content_key = Key::random();
            let envelope_key = anon.secrets.from_address.as_ref().map(|_| Key::random());
            if let (Some(ek), Some(address)) = (&envelope_key, anon.secrets.from_address.as_ref()) {
                let env = Envelope {
                    address: address.clone(),
                    message_id: anon.secrets.message_id.clone(),
                    references: anon.secrets.ancestry.clone(),
                };
                batch.insert(
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
            batch.insert(keys::of(keys::KEYS, &id), encode(&tkeys));
            let mut next_attachment = 1u32;
            let (msg, files) = self.message_record(
                &id,
                0,
                &content_key,
                &mut anon,
                received,
                primary,
                &mut next_attachment,
                false,
                now,
            )?;
            wrote_files |= !files.is_empty();
            batch.insert(keys::message(&id, 0), encode(&msg));
            let secret = TicketSecret {
                subject: anon.subject.clone(),
                language: anon.language,
                tags: Vec::new(),
                sender: anon.signals.sender,
                urgent_reason: None,
            };
            let token = loop {
                let t = threading::new_token();
                if !new_tokens.contains_key(&t)
                    && !self.db.contains_key(keys::of(keys::TOKEN, &t))?
                {
                    break t;
                }
            };
            batch.insert(keys::of(keys::TOKEN, &token), id.as_bytes());
            new_tokens.insert(token.clone(), id.clone());
            let rec = TicketRecord {
                created: received,
                status: Status::Open,
                last_in: received,
                last_out: None,
                closed_at: None,
                urgent: false,
                claimed_by: None,
                messages: 1,
                next_seq: 1,
                next_attachment,
                next_note: 0,
                token,
                acknowledged: false,
                secret: seal::seal(&content_key, &aad::ticket(&id), &encode(&secret)),
            };
            if let Some(d) = primary {
                batch.insert(dedupe_key(&d), encode(&DedupeTarget::Ticket(id.clone())));
            }
            self.audit_push(
                &mut batch,
                &mut head,
                NewEntry {
                    time: received,
                    actor: Actor::service(),
                    action: "ticket.created",
                    ticket: Some(id.clone()),
                    detail: None,
                },
            );
            touched.insert(
                id.clone(),
                Touched {
                    rec,
                    key: content_key,
                },
            );
            outcomes.push(Outcome::Ticketed { ticket: id });
        }
        if let Some(finish) = replacing {
            finish(&mut batch, &mut head, &outcomes)?;
        }
        for (id, t) in &touched {
            batch.insert(keys::of(keys::TICKET, id), encode(&t.rec));
        }
        if wrote_files {
            self.files.sync_dir()?;
        }
        self.commit(batch)?;
        Ok(outcomes)
    }

    /// The ticket a message follows up, through our token only.
    fn find_thread(
        &self,
        anon: &Anonymised,
        touched: &HashMap<String, Touched>,
        new_tokens: &HashMap<String, String>,
    ) -> Result<Option<String>, StoreError> {
        let lookup = |token: &str| -> Result<Option<String>, StoreError> {
            if let Some(id) = new_tokens.get(token) {
                return Ok(Some(id.clone()));
            }
            Ok(self
                .db
                .get(keys::of(keys::TOKEN, token))?
                .map(|v| String::from_utf8_lossy(&v).into_owned()))
        };
        let exists = |id: &str| -> Result<bool, StoreError> {
            Ok(touched.contains_key(id) || self.db.contains_key(keys::of(keys::TICKET, id))?)
        };
        for r in &anon.secrets.references {
            if let Some(token) = threading::token_of_message_id(r, &self.contact_domain)
                && let Some(id) = lookup(&token)?
                && exists(&id)?
            {
                return Ok(Some(id));
            }
        }
        for d in &anon.secrets.recipient_tokens {
            if let Some(token) = threading::token_of_detail(d)
                && let Some(id) = lookup(&token)?
                && exists(&id)?
            {
                return Ok(Some(id));
            }
        }
        for id in threading::tags_in_subject(&anon.subject) {
            if exists(&id)? {
                return Ok(Some(id));
            }
        }
        Ok(None)
    }

    /// Seals a raw message into quarantine, with its reason.
    #[allow(clippy::too_many_arguments)]
    fn quarantine_into(
        &self,
        batch: &mut sled::Batch,
        head: &mut super::audit::Head,
        taken_ids: &mut HashSet<String>,
        reason: &str,
        raw: &[u8],
        received: i64,
        primary: Option<[u8; 32]>,
        now: i64,
    ) -> Result<String, StoreError> {
        let reference = self.fresh_reference(keys::QUARANTINE, taken_ids)?;
        let key = Key::random();
        let file = super::files::Files::new_name();
        self.files
            .write(&file, &seal::seal(&key, &aad::file(&file), raw), now)?;
        let rec = QuarantineRecord {
            reason: reason.to_string(),
            size: raw.len() as u64,
            received,
            key: self.keyring().wrap(&key, &aad::quarantine_key(&reference)),
            file,
            digests: primary.into_iter().collect(),
        };
        batch.insert(keys::of(keys::QUARANTINE, &reference), encode(&rec));
        if let Some(d) = primary {
            batch.insert(
                dedupe_key(&d),
                encode(&DedupeTarget::Quarantine(reference.clone())),
            );
        }
        self.audit_push(
            batch,
            head,
            NewEntry {
                time: received,
                actor: Actor::service(),
                action: "quarantine.added",
                ticket: None,
                detail: Some(format!("quarantine {reference}")),
            },
        );
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

    /// Seals one incoming message of a thread: its attachments into files, its content
    /// inline or into a file.
    #[allow(clippy::too_many_arguments)]
    fn message_record(
        &self,
        id: &str,
        seq: u32,
        key: &Key,
        anon: &mut Anonymised,
        received: i64,
        primary: Option<[u8; 32]>,
        next_attachment: &mut u32,
        different_sender: bool,
        now: i64,
    ) -> Result<(MessageRecord, Vec<String>), StoreError> {
        let mut files = Vec::new();
        let mut metas = Vec::new();
        for a in &mut anon.attachments {
            let mut meta = AttachmentMeta {
                id: *next_attachment,
                kind: a.kind,
                size: a.size,
                withheld: None,
                cleaned: false,
                file: None,
                stored_size: 0,
            };
            *next_attachment += 1;
            meta.cleaned = matches!(a.content, AttachmentContent::Cleaned(_));
            match &mut a.content {
                AttachmentContent::Kept(bytes) | AttachmentContent::Cleaned(bytes) => {
                    let name = super::files::Files::new_name();
                    // Sealed in place: the attachment's bytes are not needed after this.
                    let bytes = std::mem::take(bytes);
                    meta.stored_size = bytes.len() as u64;
                    self.files
                        .write(&name, &seal::seal_vec(key, &aad::file(&name), bytes), now)?;
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
            different_sender,
        };
        let payload = self.seal_payload(
            key,
            &aad::message(id, seq),
            encode(&content),
            &mut files,
            now,
        )?;
        Ok((
            MessageRecord {
                direction: Direction::In,
                received,
                digests: primary.into_iter().collect(),
                files: files.clone(),
                outbox: None,
                automatic: false,
                content: payload,
            },
            files,
        ))
    }

    fn already_seen(
        &self,
        digests: &[[u8; 32]],
        in_batch: &HashMap<[u8; 32], ()>,
    ) -> Result<bool, StoreError> {
        for d in digests {
            if in_batch.contains_key(d) || self.db.contains_key(dedupe_key(d))? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// A fresh random reference under `prefix`, unused in the store and in this batch.
    fn fresh_reference(
        &self,
        prefix: &[u8],
        taken: &mut HashSet<String>,
    ) -> Result<String, StoreError> {
        loop {
            let id = random_base32(TicketId::LEN);
            if !taken.contains(&id) && !self.db.contains_key(keys::of(prefix, &id))? {
                taken.insert(id.clone());
                return Ok(id);
            }
        }
    }

    /// Seals `plain` under `key`, inline when small, else into a new file (added to `files`).
    pub(crate) fn seal_payload(
        &self,
        key: &Key,
        aad: &[u8],
        plain: Vec<u8>,
        files: &mut Vec<String>,
        now: i64,
    ) -> Result<Payload, StoreError> {
        if plain.len() + seal::OVERHEAD <= INLINE_LIMIT {
            return Ok(Payload::Inline(seal::seal_vec(key, aad, plain)));
        }
        let name = super::files::Files::new_name();
        self.files
            .write(&name, &seal::seal_vec(key, aad, plain), now)?;
        files.push(name.clone());
        Ok(Payload::File(name))
    }

    /// Opens a sealed payload.
    pub(crate) fn open_payload(
        &self,
        key: &Key,
        aad: &[u8],
        payload: &Payload,
    ) -> Result<zeroize::Zeroizing<Vec<u8>>, StoreError> {
        match payload {
            Payload::Inline(sealed) => Ok(seal::open(key, aad, sealed)?),
            Payload::File(name) => Ok(seal::open(key, aad, &self.files.read(name)?)?),
        }
    }
}

/// Whether two addresses are the same mailbox (the domain compared without case).
pub(crate) fn same_address(a: &str, b: &str) -> bool {
    match (a.rsplit_once('@'), b.rsplit_once('@')) {
        (Some((la, da)), Some((lb, db))) => la == lb && da.eq_ignore_ascii_case(db),
        _ => a.eq_ignore_ascii_case(b),
    }
}
