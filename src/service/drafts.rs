//! Replies on their way: the counsellor's drafts (theirs alone: the author is always the
//! caller the socket names), and the second reader (`replies.review`, `ticket reply
//! --review`): a held reply waits for a supervisor who did not write it, who sends it or
//! returns it to its author as a draft with a reason.

use super::{Caller, ErrorKind, Role, Service, ServiceError, done, invalid, require};
use crate::config::ReviewPolicy;
use crate::model::{Request, Response};
use crate::store::{Change, Store, TicketSummary};

impl Service {
    /// Queues a counsellor's reply, or holds it for review when it asks for one or the
    /// configuration does; the author's draft of it goes with it either way.
    pub(super) fn reply(
        &self,
        caller: &Caller,
        id: &str,
        text: &str,
        confirmations: (bool, bool),
        review: bool,
    ) -> Result<Response, ServiceError> {
        let (unverified, force) = confirmations;
        require(caller, Role::Counsellor)?;
        let actor = caller.actor();
        let id = Store::parse_ticket_id(id)?;
        self.respect_claim(caller, &id, force, "reply")?;
        let text = crate::text::clean_lines(text);
        let text = text.trim_end();
        if text.trim().is_empty() {
            return Err(invalid("the reply is empty; nothing was queued"));
        }
        self.check_unverified_reply(&actor, &id, unverified)?;
        let summary = self.store.ticket_summary(&id)?;
        if review || self.review_needed(&summary) {
            self.store.hold_reply(&id, &actor, text)?;
            self.touched(&id, false)?;
            return Ok(Response::Held { ticket: id });
        }
        let subject = crate::reply_tokens::reply_subject(&summary.subject, &id);
        let reference = self.store.queue_reply(&id, &actor, &subject, text)?;
        self.touched(&id, true)?;
        self.outbox_wake.notify_one();
        Ok(Response::Queued {
            reference,
            subject,
            will_send: self.config.smtp.is_some(),
        })
    }

    /// Whether `replies.review` holds every reply to this ticket.
    fn review_needed(&self, ticket: &TicketSummary) -> bool {
        match self.config.replies.review {
            ReviewPolicy::None => false,
            ReviewPolicy::Urgent => ticket.urgent,
            ReviewPolicy::All => true,
        }
    }

    /// The requests about drafts and reviews.
    pub(super) fn desk_request(
        &self,
        caller: &Caller,
        request: Request,
    ) -> Result<Response, ServiceError> {
        require(caller, Role::Counsellor)?;
        let actor = caller.actor();
        match request {
            Request::DraftSave { id, text } => {
                let id = Store::parse_ticket_id(&id)?;
                let text = crate::text::clean_lines(&text);
                if text.trim().is_empty() {
                    return Err(invalid("the draft is empty; nothing was kept"));
                }
                self.store.save_draft(&id, &actor, text.trim_end())?;
                Ok(done(true, format!("draft of a reply to ticket {id} kept")))
            }
            Request::Draft { id } => {
                let id = Store::parse_ticket_id(&id)?;
                Ok(Response::Draft(self.store.draft(&id, &actor)?))
            }
            Request::DraftDiscard { id } => {
                let id = Store::parse_ticket_id(&id)?;
                let changed = self.store.discard_draft(&id, &actor)? == Change::Done;
                Ok(done(
                    changed,
                    if changed {
                        format!("draft of a reply to ticket {id} discarded")
                    } else {
                        format!("you keep no draft of a reply to ticket {id}; nothing changed")
                    },
                ))
            }
            Request::Drafts => {
                let drafts = self.store.drafts_of(caller.uid)?;
                self.record_shown(
                    &actor,
                    "draft.list",
                    drafts.iter().map(|d| d.ticket.as_str()),
                    format!("{} drafts", drafts.len()),
                )?;
                Ok(Response::Drafts(drafts))
            }
            other => self.review_request(caller, other),
        }
    }

    /// The second reader's requests: listing and reading are for supervisors (counsellors
    /// see their own replies waiting); approving and returning are for a supervisor who is
    /// not the author.
    fn review_request(&self, caller: &Caller, request: Request) -> Result<Response, ServiceError> {
        let actor = caller.actor();
        let supervisor = caller.role >= Role::Supervisor;
        match request {
            Request::Reviews => {
                let waiting: Vec<_> = self
                    .store
                    .reviews()?
                    .into_iter()
                    .filter(|(_, author)| supervisor || *author == Some(caller.uid))
                    .map(|(view, _)| view)
                    .collect();
                self.record_shown(
                    &actor,
                    "review.list",
                    waiting.iter().map(|r| r.ticket.as_str()),
                    format!("{} replies waiting", waiting.len()),
                )?;
                Ok(Response::Reviews(waiting))
            }
            Request::ReviewShow { id } => {
                let id = Store::parse_ticket_id(&id)?;
                let (view, author) = self.store.review(&id)?;
                if !supervisor && author != Some(caller.uid) {
                    require(caller, Role::Supervisor)?;
                }
                self.store
                    .audit_action(&actor, "review.read", Some(&id), None)?;
                Ok(Response::Review(Box::new(view)))
            }
            Request::ReviewApprove { id, unverified } => {
                require(caller, Role::Supervisor)?;
                self.approve(caller, &id, unverified)
            }
            Request::ReviewReject { id, reason } => {
                require(caller, Role::Supervisor)?;
                let id = Store::parse_ticket_id(&id)?;
                let reason = crate::text::clean_lines(&reason);
                let reason = reason.trim();
                if reason.is_empty() {
                    return Err(invalid("say why with --reason: the author reads it"));
                }
                let author = self.store.reject_review(&id, &actor, reason)?;
                self.touched(&id, false)?;
                Ok(done(
                    true,
                    format!("the reply to ticket {id} went back to {author} as a draft"),
                ))
            }
            _ => Err(invalid("not a draft or review request")),
        }
    }

    /// Sends a reply waiting for review, as its author's, once a supervisor who did not
    /// write it says yes (and confirms an unverified sender, as a reply needs).
    fn approve(
        &self,
        caller: &Caller,
        id: &str,
        unverified: bool,
    ) -> Result<Response, ServiceError> {
        let actor = caller.actor();
        let id = Store::parse_ticket_id(id)?;
        let (_, author) = self.store.review(&id)?;
        if author == Some(caller.uid) {
            return Err(ServiceError::new(
                ErrorKind::Forbidden,
                format!("the reply to ticket {id} is yours: another supervisor must approve it"),
            ));
        }
        self.check_unverified_reply(&actor, &id, unverified)?;
        let summary = self.store.ticket_summary(&id)?;
        let subject = crate::reply_tokens::reply_subject(&summary.subject, &id);
        let (reference, _) = self.store.approve_review(&id, &actor, &subject)?;
        self.touched(&id, true)?;
        self.outbox_wake.notify_one();
        Ok(Response::Queued {
            reference,
            subject,
            will_send: self.config.smtp.is_some(),
        })
    }
}
