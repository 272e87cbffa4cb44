//! Reading tickets back: lists, threads, attachments, quarantine.

use zeroize::Zeroizing;

use super::codec::decode;
use super::error::{Kind, StoreError};
use super::open::Store;
use super::records::{
    Direction, MessageContent, MessageRecord, Payload, QuarantineRecord, TicketKeys, TicketRecord,
    TicketSecret, aad, keys,
};
use crate::ids::TicketId;
use crate::model::{
    AttachmentView, ListFilter, MessageView, QuarantineView, TicketSummary, TicketView,
};
use crate::seal::{self, Key};
use crate::time::Stamp;

/// The pseudonym the writer is shown under.
pub const WRITER: &str = "writer";
/// How our own replies are shown.
pub const HELPLINE: &str = "helpline";

/// Urgent first, then the writer who has waited longest since their last message.
pub fn sort_summaries(v: &mut [TicketSummary]) {
    v.sort_by(summary_order);
}

/// The list order: urgent first, then the writer who has waited longest; by reference last.
pub fn summary_order(a: &TicketSummary, b: &TicketSummary) -> std::cmp::Ordering {
    b.urgent
        .cmp(&a.urgent)
        .then(a.last_in.cmp(&b.last_in))
        .then(a.id.cmp(&b.id))
}

impl Store {
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
    /// Parses a reference typed by a person into the stored form.
    pub fn parse_ticket_id(input: &str) -> Result<String, StoreError> {
        TicketId::parse(input)
            .map(|t| t.as_str().to_string())
            .ok_or_else(|| StoreError::ticket_not_found(input.trim()))
    }

    pub(crate) fn ticket_record(&self, id: &str) -> Result<TicketRecord, StoreError> {
        match self.db.get(keys::of(keys::TICKET, id))? {
            Some(v) => decode(&v, "ticket"),
            None => Err(StoreError::ticket_not_found(id)),
        }
    }

    pub(crate) fn ticket_keys(&self, id: &str) -> Result<TicketKeys, StoreError> {
        match self.db.get(keys::of(keys::KEYS, id))? {
            Some(v) => decode(&v, "ticket key"),
            None => Err(StoreError::ticket_not_found(id)),
        }
    }

    /// The content key of a ticket, unwrapped.
    pub(crate) fn content_key(&self, id: &str) -> Result<Key, StoreError> {
        let k = self.ticket_keys(id)?;
        Ok(self.keyring().unwrap(&k.content, &aad::content_key(id))?)
    }

    pub(crate) fn ticket_secret(
        &self,
        id: &str,
        rec: &TicketRecord,
        key: &Key,
    ) -> Result<TicketSecret, StoreError> {
        let plain = seal::open(key, &aad::ticket(id), &rec.secret)?;
        decode(&plain, "ticket secret")
    }

    fn summary(&self, id: &str, rec: &TicketRecord) -> Result<TicketSummary, StoreError> {
        let key = self.content_key(id)?;
        let secret = self.ticket_secret(id, rec, &key)?;
        let classification = self.classification_of(id, &key)?;
        Ok(summary_of(id, rec, secret, classification))
    }

    /// The summary of one ticket.
    pub fn ticket_summary(&self, id: &str) -> Result<TicketSummary, StoreError> {
        let rec = self.ticket_record(id)?;
        self.summary(id, &rec)
    }

    /// What our mail server said about the sender of a ticket's first message.
    pub fn sender_verification(
        &self,
        id: &str,
    ) -> Result<crate::anonymise::Verification, StoreError> {
        let rec = self.ticket_record(id)?;
        let key = self.content_key(id)?;
        Ok(self.ticket_secret(id, &rec, &key)?.sender)
    }

    /// Every ticket reference.
    pub fn ticket_ids(&self) -> Result<Vec<String>, StoreError> {
        self.db
            .scan_prefix(keys::TICKET)
            .keys()
            .map(|k| Ok(String::from_utf8_lossy(&k?[keys::TICKET.len()..]).into_owned()))
            .collect()
    }

    /// Tickets passing `filter`: urgent first, then by how long the writer has waited.
    pub fn list_tickets(&self, filter: &ListFilter) -> Result<Vec<TicketSummary>, StoreError> {
        let mut out = Vec::new();
        for item in self.db.scan_prefix(keys::TICKET) {
            let (k, v) = item?;
            let id = String::from_utf8_lossy(&k[keys::TICKET.len()..]).into_owned();
            let rec: TicketRecord = decode(&v, "ticket")?;
            if !filter.status.admits_marked(rec.status, rec.urgent) {
                continue;
            }
            let summary = self.summary(&id, &rec)?;
            if filter.admits(&summary) {
                out.push(summary);
            }
        }
        sort_summaries(&mut out);
        if let Some(n) = filter.limit {
            out.truncate(n);
        }
        Ok(out)
    }

    pub(super) fn message_records(
        &self,
        id: &str,
    ) -> Result<Vec<(u32, MessageRecord)>, StoreError> {
        let prefix = keys::messages_of(id);
        let mut out = Vec::new();
        for item in self.db.scan_prefix(&prefix) {
            let (k, v) = item?;
            let seq_bytes: [u8; 4] = k[prefix.len()..]
                .try_into()
                .map_err(|_| StoreError::invalid("bad message key"))?;
            out.push((u32::from_be_bytes(seq_bytes), decode(&v, "message")?));
        }
        Ok(out)
    }

    fn message_content(
        &self,
        id: &str,
        seq: u32,
        rec: &MessageRecord,
        key: &Key,
    ) -> Result<MessageContent, StoreError> {
        let plain: Zeroizing<Vec<u8>> =
            self.open_payload(key, &aad::message(id, seq), &rec.content)?;
        decode(&plain, "message content")
    }

    /// A whole ticket with its thread.
    pub fn show_ticket(&self, id: &str) -> Result<TicketView, StoreError> {
        let rec = self.ticket_record(id)?;
        let tkeys = self.ticket_keys(id)?;
        let key = self
            .keyring()
            .unwrap(&tkeys.content, &aad::content_key(id))?;
        let secret = self.ticket_secret(id, &rec, &key)?;
        let mut messages = Vec::new();
        for (seq, m) in self.message_records(id)? {
            let c = self.message_content(id, seq, &m, &key)?;
            messages.push(MessageView {
                direction: m.direction,
                from: match m.direction {
                    Direction::In => WRITER.into(),
                    Direction::Out => HELPLINE.into(),
                },
                received: Stamp(m.received),
                subject: c.subject,
                body: c.body,
                attachments: c
                    .attachments
                    .iter()
                    .map(|a| AttachmentView {
                        id: a.id,
                        name: a.name(),
                        content_type: a.kind.content_type().to_string(),
                        kind: a.kind,
                        size: a.size,
                        withheld: a.withheld.is_some(),
                        reason: a.withheld,
                        cleaned: a.cleaned,
                    })
                    .collect(),
                different_sender: c.different_sender,
                automatic: m.automatic,
                delivery: match &m.outbox {
                    Some(r) => self.delivery_of(r)?.as_ref().map(Into::into),
                    None => None,
                },
            });
        }
        let can_reply =
            tkeys.envelope.is_some() && self.db.contains_key(keys::of(keys::ENVELOPE, id))?;
        Ok(TicketView {
            id: id.to_string(),
            status: rec.status,
            received: Stamp(rec.created),
            subject: secret.subject,
            writer: WRITER.into(),
            sender_verified: secret.sender.is_verified(),
            sender: secret.sender,
            can_reply,
            urgent: rec.urgent,
            tags: secret.tags,
            language: secret.language,
            urgent_reason: secret.urgent_reason,
            claimed_by: rec.claimed_by.map(|a| a.name),
            classification: self.classification_of(id, &key)?,
            notes: self.notes(id, &key)?,
            messages,
        })
    }

    /// The cleaned bytes of attachment `which` (its number or its generic name) of a ticket.
    pub fn attachment(
        &self,
        id: &str,
        which: &str,
    ) -> Result<(AttachmentView, Zeroizing<Vec<u8>>), StoreError> {
        let key = self.content_key(id)?;
        let wanted = which.trim();
        for (seq, m) in self.message_records(id)? {
            let c = self.message_content(id, seq, &m, &key)?;
            for a in &c.attachments {
                if a.id.to_string() == wanted || a.name().eq_ignore_ascii_case(wanted) {
                    let view = AttachmentView {
                        id: a.id,
                        name: a.name(),
                        content_type: a.kind.content_type().to_string(),
                        kind: a.kind,
                        size: a.size,
                        withheld: a.withheld.is_some(),
                        reason: a.withheld,
                        cleaned: a.cleaned,
                    };
                    let Some(file) = &a.file else {
                        return Err(StoreError(Kind::Withheld {
                            ticket: id.to_string(),
                            attachment: a.name(),
                        }));
                    };
                    let sealed = self.files.read(file)?;
                    let bytes = seal::open(&key, &aad::file(file), &sealed)?;
                    return Ok((view, bytes));
                }
            }
        }
        Err(StoreError(Kind::AttachmentNotFound {
            ticket: id.to_string(),
            attachment: wanted.to_string(),
        }))
    }

    /// Every quarantine entry, oldest first.
    pub fn quarantine_list(&self) -> Result<Vec<QuarantineView>, StoreError> {
        let mut out = Vec::new();
        for item in self.db.scan_prefix(keys::QUARANTINE) {
            let (k, v) = item?;
            let reference = String::from_utf8_lossy(&k[keys::QUARANTINE.len()..]).into_owned();
            let rec: QuarantineRecord = decode(&v, "quarantine")?;
            out.push(QuarantineView {
                reference,
                reason: rec.reason,
                size: rec.size,
                received: Stamp(rec.received),
            });
        }
        out.sort_by(|a, b| {
            a.received
                .cmp(&b.received)
                .then(a.reference.cmp(&b.reference))
        });
        Ok(out)
    }

    /// How many tickets and quarantine entries the store holds.
    pub fn counts(&self) -> Result<(usize, usize), StoreError> {
        Ok((
            self.db.scan_prefix(keys::TICKET).count(),
            self.db.scan_prefix(keys::QUARANTINE).count(),
        ))
    }
}

impl Store {
    /// All searchable text of a ticket (subjects, message text, notes, tags), for the
    /// in-memory search index.
    pub fn ticket_text(&self, id: &str) -> Result<String, StoreError> {
        self.ticket_summary_and_text(id).map(|(_, text)| text)
    }

    /// The summary of one ticket and its [`Store::ticket_text`], with the ticket's record read
    /// and its key unwrapped once (the catalog reads both for every ticket at start).
    pub fn ticket_summary_and_text(&self, id: &str) -> Result<(TicketSummary, String), StoreError> {
        let rec = self.ticket_record(id)?;
        let key = self.content_key(id)?;
        let secret = self.ticket_secret(id, &rec, &key)?;
        let mut text = secret.subject.clone();
        text.push('\n');
        text.push_str(&secret.tags.join(" "));
        for (seq, m) in self.message_records(id)? {
            let c = self.message_content(id, seq, &m, &key)?;
            text.push('\n');
            text.push_str(&c.subject);
            text.push('\n');
            text.push_str(&c.body);
        }
        for n in self.notes(id, &key)? {
            text.push('\n');
            text.push_str(&n.text);
        }
        let classification = self.classification_of(id, &key)?;
        Ok((summary_of(id, &rec, secret, classification), text))
    }

    /// The text of a ticket to cut a search excerpt from: its messages and notes.
    pub fn ticket_excerpt_source(&self, id: &str) -> Result<Vec<String>, StoreError> {
        let key = self.content_key(id)?;
        let mut out = Vec::new();
        for (seq, m) in self.message_records(id)? {
            let c = self.message_content(id, seq, &m, &key)?;
            out.push(c.subject);
            out.push(c.body);
        }
        for n in self.notes(id, &key)? {
            out.push(n.text);
        }
        Ok(out)
    }
}

/// A ticket's summary from its record and its opened secret.
fn summary_of(
    id: &str,
    rec: &TicketRecord,
    secret: TicketSecret,
    classification: Option<crate::taxonomy::Classification>,
) -> TicketSummary {
    TicketSummary {
        id: id.into(),
        status: rec.status,
        received: Stamp(rec.created),
        last_in: Stamp(rec.last_in),
        subject: secret.subject.into(),
        messages: rec.messages,
        urgent: rec.urgent,
        tags: secret.tags,
        language: secret.language,
        answered: rec.last_out.is_some(),
        claimed_by: rec.claimed_by.as_ref().map(|a| a.name.clone()),
        claimed_by_uid: rec.claimed_by.as_ref().and_then(|a| a.uid),
        classification: classification.map(Box::new),
    }
}
