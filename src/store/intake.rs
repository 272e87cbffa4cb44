//! Committing a batch of prepared messages: new tickets, quarantine entries, dedupe keys and
//! audit entries, made durable together.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::audit::{Actor, NewEntry};
use super::records::{
    AttachmentMeta, DedupeTarget, Direction, MessageContent, MessageRecord, Payload,
    QuarantineRecord, Status, TicketKeys, TicketRecord, TicketSecret, aad, keys,
};
use super::{Store, StoreError};
use crate::anonymise::{AttachmentContent, WithheldReason};
use crate::ids::{TicketId, random_base32};
use crate::intake::pipeline::{Prepared, PreparedItem};
use crate::seal::{self, Envelope, Key};

/// Sealed payloads larger than this go to a file rather than into sled (whose leaves of up
/// to 17 values become unsynced blob files past ~128 KiB).
pub(crate) const INLINE_LIMIT: usize = 6 * 1024;

/// What became of one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// A new ticket was made.
    Ticketed {
        /// Its reference.
        ticket: String,
    },
    /// It joined an existing ticket (a follow-up).
    FollowUp {
        /// The ticket.
        ticket: String,
    },
    /// Quarantined, sealed.
    Quarantined {
        /// The quarantine reference.
        reference: String,
    },
    /// The same bytes were taken in before.
    AlreadySeen,
}

struct NewTicket {
    id: String,
    content_key: Key,
}

impl Store {
    /// Commits prepared messages as one durable batch and says what became of each.
    /// When this returns Ok, every outcome is on disk: the caller may delete the originals.
    pub fn commit_intake(&self, items: Vec<Prepared>) -> Result<Vec<Outcome>, StoreError> {
        let _w = self.write.lock().expect("write lock");
        let mut batch = sled::Batch::default();
        let mut head = self.audit_head()?;
        let mut seen: HashMap<[u8; 32], ()> = HashMap::new();
        let mut taken_ids: HashSet<String> = HashSet::new();
        let mut outcomes = Vec::with_capacity(items.len());
        let mut wrote_files = false;
        let now = self.now();

        for item in items {
            if self.already_seen(&item.digests, &seen)? {
                outcomes.push(Outcome::AlreadySeen);
                continue;
            }
            let primary = item.digests.first().copied();
            if let Some(d) = primary {
                seen.insert(d, ());
            }
            let received = self.precision.round(item.received);
            match item.item {
                PreparedItem::Rejected { reason, raw } => {
                    let reference = self.fresh_reference(keys::QUARANTINE, &mut taken_ids)?;
                    let key = Key::random();
                    let file = super::files::Files::new_name();
                    self.files
                        .write(&file, &seal::seal(&key, &aad::file(&file), &raw), now)?;
                    wrote_files = true;
                    let rec = QuarantineRecord {
                        reason,
                        size: raw.len() as u64,
                        received,
                        key: self.keys.wrap(&key, &aad::quarantine_key(&reference)),
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
                        &mut batch,
                        &mut head,
                        NewEntry {
                            time: received,
                            actor: Actor::service(),
                            action: "quarantine.added",
                            ticket: None,
                            detail: Some(format!("quarantine {reference}")),
                        },
                    );
                    outcomes.push(Outcome::Quarantined { reference });
                }
                PreparedItem::Message(anon) => {
                    let id = self.fresh_reference(keys::TICKET, &mut taken_ids)?;
                    let t = NewTicket {
                        id,
                        content_key: Key::random(),
                    };
                    let envelope_key = anon.secrets.reply_address.as_ref().map(|_| Key::random());
                    // The reply envelope, sealed under its own key.
                    if let (Some(ek), Some(address)) =
                        (&envelope_key, anon.secrets.reply_address.as_ref())
                    {
                        let env = Envelope {
                            address: address.clone(),
                            message_id: anon.secrets.message_id.clone(),
                        };
                        batch.insert(
                            keys::of(keys::ENVELOPE, &t.id),
                            env.seal(ek, &aad::envelope(&t.id)),
                        );
                    }
                    let tkeys = TicketKeys {
                        content: self.keys.wrap(&t.content_key, &aad::content_key(&t.id)),
                        envelope: envelope_key
                            .as_ref()
                            .map(|k| self.keys.wrap(k, &aad::envelope_key(&t.id))),
                    };
                    batch.insert(keys::of(keys::KEYS, &t.id), encode(&tkeys));

                    // Attachments: kept bytes sealed into files; the rest listed only.
                    let mut files = Vec::new();
                    let mut metas = Vec::new();
                    let mut next_att = 1u32;
                    for a in &anon.attachments {
                        let mut meta = AttachmentMeta {
                            id: next_att,
                            kind: a.kind,
                            size: a.size,
                            withheld: None,
                            cleaned: false,
                            file: None,
                            stored_size: 0,
                        };
                        next_att += 1;
                        match &a.content {
                            AttachmentContent::Kept(bytes) => {
                                let name = super::files::Files::new_name();
                                self.files.write(
                                    &name,
                                    &seal::seal(&t.content_key, &aad::file(&name), bytes),
                                    now,
                                )?;
                                wrote_files = true;
                                meta.stored_size = bytes.len() as u64;
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
                        sender_verified: anon.signals.sender_verified,
                        different_sender: false,
                    };
                    let seq = 0u32;
                    let payload = self.seal_payload(
                        &t.content_key,
                        &aad::message(&t.id, seq),
                        &encode(&content),
                        &mut files,
                        now,
                    )?;
                    wrote_files |= matches!(payload, Payload::File(_));
                    let msg = MessageRecord {
                        direction: Direction::In,
                        received,
                        digests: primary.into_iter().collect(),
                        files,
                        content: payload,
                    };
                    batch.insert(keys::message(&t.id, seq), encode(&msg));
                    let secret = TicketSecret {
                        subject: anon.subject.clone(),
                        language: anon.language,
                        tags: Vec::new(),
                        sender_verified: anon.signals.sender_verified,
                        urgent_reason: None,
                    };
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
                        next_attachment: next_att,
                        next_note: 0,
                        secret: seal::seal(&t.content_key, &aad::ticket(&t.id), &encode(&secret)),
                    };
                    batch.insert(keys::of(keys::TICKET, &t.id), encode(&rec));
                    if let Some(d) = primary {
                        batch.insert(dedupe_key(&d), encode(&DedupeTarget::Ticket(t.id.clone())));
                    }
                    self.audit_push(
                        &mut batch,
                        &mut head,
                        NewEntry {
                            time: received,
                            actor: Actor::service(),
                            action: "ticket.created",
                            ticket: Some(t.id.clone()),
                            detail: None,
                        },
                    );
                    outcomes.push(Outcome::Ticketed { ticket: t.id });
                }
            }
        }
        if wrote_files {
            self.files.sync_dir()?;
        }
        self.commit(batch)?;
        Ok(outcomes)
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
        plain: &[u8],
        files: &mut Vec<String>,
        now: i64,
    ) -> Result<Payload, StoreError> {
        if plain.len() + seal::OVERHEAD <= INLINE_LIMIT {
            return Ok(Payload::Inline(seal::seal(key, aad, plain)));
        }
        let name = super::files::Files::new_name();
        self.files.write(&name, &seal::seal(key, aad, plain), now)?;
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

/// The sled key of a dedupe digest.
pub(crate) fn dedupe_key(d: &[u8; 32]) -> Vec<u8> {
    let mut k = keys::DEDUPE.to_vec();
    k.extend_from_slice(d);
    k
}

/// Serialises a record (postcard).
pub(crate) fn encode<T: Serialize>(v: &T) -> Vec<u8> {
    postcard::to_stdvec(v).expect("records serialise")
}

/// Deserialises a record.
pub(crate) fn decode<'a, T: Deserialize<'a>>(bytes: &'a [u8], what: &str) -> Result<T, StoreError> {
    postcard::from_bytes(bytes)
        .map_err(|_| StoreError::invalid(format!("unreadable {what} record")))
}
