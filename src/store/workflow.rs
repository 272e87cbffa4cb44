//! Changes counsellors make to tickets: notes, status, tags, claims, urgency, and the
//! two-supervisor reveal. Each change and its audit entry are committed together, durably.

use super::chain::NewEntry;
use super::codec::{decode, encode};
use super::error::{Kind, StoreError};
use super::open::Store;
use super::records::{NoteRecord, RevealRecord, Status, TicketRecord, TicketSecret, aad, keys};
use super::txn::Txn;
use crate::ids::TicketId;
use crate::model::{Actor, NoteView, RevealView};
use crate::seal::{self, Envelope, Key};
use crate::time::Stamp;

/// What changed, for the caller's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The change was made.
    Done,
    /// Nothing to do: the ticket was already in that state.
    Unchanged,
}

impl Store {
    /// Loads a ticket, lets `f` change its record and secret, and commits the result with an
    /// audit entry, under the write lock.
    fn update_ticket(
        &self,
        id: &str,
        actor: &Actor,
        action: &'static str,
        f: impl FnOnce(&mut TicketRecord, &mut TicketSecret) -> Result<Change, StoreError>,
    ) -> Result<Change, StoreError> {
        self.update_ticket_with(id, actor, action, f, |_, _| Ok(()))
    }

    /// [`Store::update_ticket`], with `extra` adding its own writes (and audit entries) to the
    /// change's batch when there is a change.
    fn update_ticket_with(
        &self,
        id: &str,
        actor: &Actor,
        action: &'static str,
        f: impl FnOnce(&mut TicketRecord, &mut TicketSecret) -> Result<Change, StoreError>,
        extra: impl FnOnce(&mut Txn<'_>, &Key) -> Result<(), StoreError>,
    ) -> Result<Change, StoreError> {
        let mut txn = self.begin();
        let mut rec = self.ticket_record(id)?;
        let key = self.content_key(id)?;
        let mut secret = self.ticket_secret(id, &rec, &key)?;
        if f(&mut rec, &mut secret)? == Change::Unchanged {
            return Ok(Change::Unchanged);
        }
        rec.secret = seal::seal(&key, &aad::ticket(id), &encode(&secret));
        txn.insert(keys::of(keys::TICKET, id), encode(&rec));
        txn.audit(NewEntry {
            time: txn.now(),
            actor: actor.clone(),
            action,
            ticket: Some(id.to_string()),
            detail: None,
        })?;
        extra(&mut txn, &key)?;
        txn.commit()?;
        Ok(Change::Done)
    }

    /// Adds an internal note (never sent to the writer).
    pub fn add_note(&self, id: &str, actor: &Actor, text: &str) -> Result<(), StoreError> {
        let mut txn = self.begin();
        let mut rec = self.ticket_record(id)?;
        let key = self.content_key(id)?;
        let seq = rec.next_note;
        rec.next_note += 1;
        let now = self.precision.round(txn.now());
        let note = NoteRecord {
            time: now,
            author: actor.clone(),
            sealed: seal::seal(&key, &aad::note(id, seq), text.as_bytes()),
        };
        txn.insert(keys::note(id, seq), encode(&note));
        txn.insert(keys::of(keys::TICKET, id), encode(&rec));
        txn.audit(NewEntry {
            time: now,
            actor: actor.clone(),
            action: "ticket.note",
            ticket: Some(id.to_string()),
            detail: None,
        })?;
        txn.commit()?;
        Ok(())
    }

    /// The internal notes of a ticket, oldest first.
    pub fn notes(&self, id: &str, key: &Key) -> Result<Vec<NoteView>, StoreError> {
        let prefix = keys::notes_of(id);
        let mut out = Vec::new();
        for item in self.db.scan_prefix(&prefix) {
            let (k, v) = item?;
            let seq = u32::from_be_bytes(
                k[prefix.len()..]
                    .try_into()
                    .map_err(|_| StoreError::invalid("bad note key"))?,
            );
            let n: NoteRecord = decode(&v, "note")?;
            let text = seal::open(key, &aad::note(id, seq), &n.sealed)?;
            out.push(NoteView {
                author: n.author.name,
                time: Stamp(n.time),
                text: String::from_utf8_lossy(&text).into_owned(),
            });
        }
        Ok(out)
    }

    /// Closes or reopens a ticket.
    pub fn set_status(
        &self,
        id: &str,
        actor: &Actor,
        status: Status,
    ) -> Result<Change, StoreError> {
        self.set_status_with(id, actor, status, |_, _| Ok(()))
    }

    /// [`Store::set_status`], with `extra` adding its own writes to the same commit when the
    /// status changes (the classification recorded at closing).
    pub(super) fn set_status_with(
        &self,
        id: &str,
        actor: &Actor,
        status: Status,
        extra: impl FnOnce(&mut Txn<'_>, &Key) -> Result<(), StoreError>,
    ) -> Result<Change, StoreError> {
        let action = match status {
            Status::Closed => "ticket.closed",
            _ => "ticket.reopened",
        };
        let now = self.precision.round(self.now());
        self.update_ticket_with(
            id,
            actor,
            action,
            |rec, _| {
                if rec.status == status || (status == Status::Open && rec.status != Status::Closed)
                {
                    return Ok(Change::Unchanged);
                }
                rec.status = status;
                rec.closed_at = (status == Status::Closed).then_some(now);
                Ok(Change::Done)
            },
            extra,
        )
    }

    /// Adds or removes a tag.
    pub fn set_tag(
        &self,
        id: &str,
        actor: &Actor,
        tag: &str,
        add: bool,
    ) -> Result<Change, StoreError> {
        let tag = tag.trim();
        if tag.is_empty() || tag.len() > 64 || tag.chars().any(char::is_control) {
            return Err(StoreError::invalid("a tag is 1 to 64 printable characters"));
        }
        let action = if add {
            "ticket.tagged"
        } else {
            "ticket.untagged"
        };
        self.update_ticket(id, actor, action, |_, secret| {
            let present = secret.tags.iter().any(|t| t == tag);
            match (add, present) {
                (true, false) => {
                    secret.tags.push(tag.to_string());
                    secret.tags.sort();
                }
                (false, true) => secret.tags.retain(|t| t != tag),
                _ => return Ok(Change::Unchanged),
            }
            Ok(Change::Done)
        })
    }

    /// Claims a ticket for `actor`, or releases it. Claiming a ticket someone else holds is
    /// refused; releasing is allowed to its holder (and to supervisors, checked by the caller).
    pub fn set_claim(
        &self,
        id: &str,
        actor: &Actor,
        claim: bool,
        force: bool,
    ) -> Result<Change, StoreError> {
        let action = if claim {
            "ticket.claimed"
        } else {
            "ticket.released"
        };
        self.update_ticket(id, actor, action, |rec, _| match (&rec.claimed_by, claim) {
            (Some(h), true) if h.uid == actor.uid => Ok(Change::Unchanged),
            (Some(h), true) if !force => Err(StoreError(Kind::Conflict(format!(
                "ticket {id} is claimed by {}; ask them to release it",
                h.name
            )))),
            (None, false) => Ok(Change::Unchanged),
            (Some(h), false) if h.uid != actor.uid && !force => Err(StoreError(Kind::Conflict(
                format!("ticket {id} is claimed by {}, not by you", h.name),
            ))),
            (_, true) => {
                rec.claimed_by = Some(actor.clone());
                Ok(Change::Done)
            }
            (_, false) => {
                rec.claimed_by = None;
                Ok(Change::Done)
            }
        })
    }

    /// Marks a ticket urgent (grave and imminent danger), with the counsellor's reason sealed
    /// in the ticket; or clears the mark.
    pub fn set_urgent(
        &self,
        id: &str,
        actor: &Actor,
        reason: Option<&str>,
    ) -> Result<Change, StoreError> {
        let action = if reason.is_some() {
            "ticket.urgent"
        } else {
            "ticket.not_urgent"
        };
        self.update_ticket(id, actor, action, |rec, secret| {
            match reason {
                Some(r) => {
                    rec.urgent = true;
                    secret.urgent_reason = Some(r.to_string());
                }
                None if !rec.urgent => return Ok(Change::Unchanged),
                None => {
                    rec.urgent = false;
                    secret.urgent_reason = None;
                }
            }
            Ok(Change::Done)
        })
    }

    /// Records a request to reveal a ticket's reply address; returns its reference.
    pub fn reveal_request(
        &self,
        id: &str,
        actor: &Actor,
        reason: &str,
    ) -> Result<String, StoreError> {
        let mut txn = self.begin();
        self.ticket_record(id)?;
        let key = self.content_key(id)?;
        let request = txn.fresh_reference(keys::REVEAL, TicketId::LEN)?;
        let now = self.precision.round(txn.now());
        let rec = RevealRecord {
            ticket: id.to_string(),
            requested_by: actor.clone(),
            requested_at: now,
            reason_sealed: seal::seal(&key, &aad::reveal(&request), reason.as_bytes()),
            approved_by: None,
            approved_at: None,
        };
        txn.insert(keys::of(keys::REVEAL, &request), encode(&rec));
        txn.audit(NewEntry {
            time: now,
            actor: actor.clone(),
            action: "reveal.requested",
            ticket: Some(id.to_string()),
            detail: Some(format!("request {request}")),
        })?;
        txn.commit()?;
        Ok(request)
    }

    /// Approves a reveal request as a second, different person and opens the envelope, once.
    /// `may_ask` says whether the one who asked may take part in a reveal (the roles may have
    /// changed since).
    pub fn reveal_approve(
        &self,
        request: &str,
        actor: &Actor,
        may_ask: impl FnOnce(&Actor) -> bool,
    ) -> Result<(String, Envelope), StoreError> {
        let mut txn = self.begin();
        let request = crate::ids::normalise_base32(request)
            .ok_or_else(|| StoreError(Kind::RequestNotFound(request.to_string())))?;
        let k = keys::of(keys::REVEAL, &request);
        let mut rec: RevealRecord = match self.db.get(&k)? {
            Some(v) => decode(&v, "reveal request")?,
            None => return Err(StoreError(Kind::RequestNotFound(request))),
        };
        if rec.approved_by.is_some() {
            return Err(StoreError(Kind::Conflict(format!(
                "request {request} was already approved and used; make a new request"
            ))));
        }
        if rec.requested_by.uid == actor.uid {
            return Err(StoreError(Kind::Forbidden(
                "a reveal must be approved by a second supervisor, not by the one who asked".into(),
            )));
        }
        if !may_ask(&rec.requested_by) {
            return Err(StoreError(Kind::Forbidden(format!(
                "request {request} was made by {}, who may not take part in a reveal (not named in [roles] supervisor_users); a named supervisor must make a new request",
                rec.requested_by.name
            ))));
        }
        let envelope = self.open_envelope(&rec.ticket)?;
        let now = self.precision.round(txn.now());
        rec.approved_by = Some(actor.clone());
        rec.approved_at = Some(now);
        txn.insert(k, encode(&rec));
        txn.audit(NewEntry {
            time: now,
            actor: actor.clone(),
            action: "reveal.approved",
            ticket: Some(rec.ticket.clone()),
            detail: Some(format!("request {request} by {}", rec.requested_by.name)),
        })?;
        txn.commit()?;
        Ok((rec.ticket, envelope))
    }

    /// Every reveal request (pending ones first).
    pub fn reveal_requests(&self) -> Result<Vec<RevealView>, StoreError> {
        let mut out = Vec::new();
        for item in self.db.scan_prefix(keys::REVEAL) {
            let (k, v) = item?;
            let request = String::from_utf8_lossy(&k[keys::REVEAL.len()..]).into_owned();
            let rec: RevealRecord = decode(&v, "reveal request")?;
            let reason = match self.content_key(&rec.ticket) {
                Ok(key) => seal::open(&key, &aad::reveal(&request), &rec.reason_sealed)
                    .map(|r| String::from_utf8_lossy(&r).into_owned())
                    .unwrap_or_else(|_| "(unreadable)".into()),
                Err(_) => "(the ticket no longer exists)".into(),
            };
            out.push(RevealView {
                request,
                ticket: rec.ticket,
                requested_by: rec.requested_by.name,
                requested_at: Stamp(rec.requested_at),
                reason,
                approved_by: rec.approved_by.map(|a| a.name),
            });
        }
        out.sort_by(|a, b| {
            a.approved_by
                .is_some()
                .cmp(&b.approved_by.is_some())
                .then(a.requested_at.cmp(&b.requested_at))
        });
        Ok(out)
    }

    /// Opens a ticket's sealed reply envelope. Only the outbox and an approved reveal call it.
    pub(crate) fn open_envelope(&self, id: &str) -> Result<Envelope, StoreError> {
        let tkeys = self.ticket_keys(id)?;
        let (Some(wrapped), Some(sealed)) =
            (tkeys.envelope, self.db.get(keys::of(keys::ENVELOPE, id))?)
        else {
            return Err(StoreError(Kind::NoEnvelope(id.to_string())));
        };
        let key = self.keyring().unwrap(&wrapped, &aad::envelope_key(id))?;
        Ok(Envelope::open(&key, &aad::envelope(id), &sealed)?)
    }
}
