//! The quarantine as a place to work from: what can be read of a quarantined message, running
//! it through the pipeline again, releasing its readable text to counsellors, exporting it for
//! a bug report. A quarantined message is a person's whole message (headers included), so
//! only the operator (root or the service's own user) works on it, and every step is audited.

use super::{Caller, ErrorKind, Role, Service, ServiceError, require};
use serde::{Deserialize, Serialize};

use crate::anonymise::export::Exported;
use crate::anonymise::quarantine::{self, Readable};
use crate::anonymise::{Anonymised, Attachment, AttachmentContent, WithheldReason};
use crate::intake::pipeline::{Arrival, digest};
pub use crate::model::{FoundView, QuarantineShown, Released, Retried, RetryResult};
use crate::model::{Outcome, Prepared, PreparedItem};
use crate::store::QuarantinedMessage;
use crate::time::Stamp;

const DAY: i64 = 86_400;

/// The quarantine at a glance, for `sourdine status` and the daily log line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarantineSummary {
    /// Entries.
    pub count: usize,
    /// Whole days before the oldest entry is destroyed (None when empty).
    pub oldest_days_left: Option<i64>,
}

impl QuarantineSummary {
    /// The daily log line: a warning while messages wait (so that it shows at `level = "warn"`
    /// too), counts only.
    pub fn log(&self) {
        match self.oldest_days_left {
            Some(days) if self.count > 0 => tracing::warn!(
                quarantined = self.count,
                oldest_days_left = days,
                "messages wait in quarantine; retention destroys each one unread when its time is up (read them with `sourdine quarantine list` and `show`)"
            ),
            _ => tracing::info!(quarantined = 0, "the quarantine is empty"),
        }
    }
}

/// The first line of a released message's text, for the counsellor.
pub const RELEASED_NOTE: &str = "[Released from quarantine: this message could not be read normally, so only its readable text is shown here. Its attachments were withheld.]";

/// Whole days from `now` until `until` (rounded up; never negative).
fn days_until(until: i64, now: i64) -> i64 {
    ((until - now).max(0) + DAY - 1) / DAY
}

impl Service {
    /// Refuses anyone but the operator for a quarantine operation (`op`, for the audit log),
    /// and records the refusal.
    pub(super) fn quarantine_operator(
        &self,
        caller: &Caller,
        op: &str,
    ) -> Result<(), ServiceError> {
        operator(caller).inspect_err(|_| {
            let _ = self.store.audit_action(
                &caller.actor(),
                "quarantine.refused",
                None,
                Some(format!("{op} refused: {}", caller.role.as_str())),
            );
        })
    }

    /// An entry and its raw message, or a not-found error.
    fn entry(&self, reference: &str) -> Result<QuarantinedMessage, ServiceError> {
        self.store.quarantine_entry(reference)?.ok_or_else(|| {
            ServiceError::new(
                ErrorKind::NotFound,
                format!(
                    "quarantine entry {} not found (`sourdine quarantine list` shows them)",
                    reference.trim()
                ),
            )
        })
    }

    pub(super) fn quarantine_show(
        &self,
        caller: &Caller,
        reference: &str,
    ) -> Result<QuarantineShown, ServiceError> {
        let (view, raw) = self.entry(reference)?;
        let r = quarantine::readable(&raw, &self.config.anonymise_options());
        drop(raw);
        self.store.audit_action(
            &caller.actor(),
            "quarantine.shown",
            None,
            Some(format!("quarantine {}", view.reference)),
        )?;
        let expires = view.received.0 + self.config.retention.quarantine_days as i64 * DAY;
        Ok(QuarantineShown {
            days_left: days_until(expires, self.store.now()),
            expires: Stamp(expires),
            subject: r.subject.clone(),
            text: r.body.clone(),
            language: r.language,
            attachments: r
                .attachments
                .iter()
                .map(|a| FoundView {
                    kind: a.kind,
                    content_type: a.kind.content_type().to_string(),
                    size: a.size,
                })
                .collect(),
            more_attachments: r.more_attachments,
            reference: view.reference,
            reason: view.reason,
            size: view.size,
            received: view.received,
        })
    }

    pub(super) fn quarantine_retry(
        &self,
        caller: &Caller,
        references: Vec<String>,
    ) -> Result<Vec<Retried>, ServiceError> {
        let actor = caller.actor();
        let keys = self.store.dedupe_keys();
        let mut out = Vec::with_capacity(references.len());
        for reference in references {
            let Some((view, raw)) = self.store.quarantine_entry(&reference)? else {
                out.push(Retried {
                    reference,
                    result: RetryResult::NotFound,
                });
                continue;
            };
            // The arrival time stays that of the first attempt.
            let prepared = self
                .pipeline
                .prepare(&raw, Arrival::At(view.received.0), &keys);
            drop(raw);
            let result = match &prepared.item {
                PreparedItem::Rejected { reason, .. } => {
                    let reason = reason.clone();
                    self.store
                        .quarantine_still_failing(&view.reference, &reason, &actor)?;
                    RetryResult::StillQuarantined {
                        reason,
                        previous: view.reason,
                    }
                }
                PreparedItem::Message(_) => {
                    let (outcome, _) = self.store.quarantine_resolve(
                        &view.reference,
                        prepared,
                        &actor,
                        "quarantine.retried",
                    )?;
                    self.filed(&outcome)?;
                    RetryResult::Filed { outcome }
                }
            };
            out.push(Retried {
                reference: view.reference,
                result,
            });
        }
        Ok(out)
    }

    pub(super) fn quarantine_release(
        &self,
        caller: &Caller,
        reference: &str,
    ) -> Result<Released, ServiceError> {
        let (view, raw) = self.entry(reference)?;
        let r = quarantine::readable(&raw, &self.config.anonymise_options());
        let digests = self
            .store
            .dedupe_keys()
            .iter()
            .map(|k| digest(k, &raw))
            .collect();
        let size = raw.len();
        drop(raw);
        let anon = released(r);
        let withheld = anon.attachments.len();
        let prepared = Prepared {
            size,
            digests,
            received: view.received.0,
            item: PreparedItem::Message(Box::new(anon)),
        };
        let (outcome, _) = self.store.quarantine_resolve(
            &view.reference,
            prepared,
            &caller.actor(),
            "quarantine.released",
        )?;
        self.filed(&outcome)?;
        Ok(Released {
            reference: view.reference,
            outcome,
            attachments_withheld: withheld,
        })
    }

    pub(super) fn quarantine_export(
        &self,
        caller: &Caller,
        reference: &str,
    ) -> Result<(String, Exported), ServiceError> {
        let (view, raw) = self.entry(reference)?;
        let e = crate::anonymise::export::export(&raw);
        drop(raw);
        self.store.audit_action(
            &caller.actor(),
            "quarantine.exported",
            None,
            Some(format!(
                "quarantine {}: {} header values replaced, {} boundaries renamed",
                view.reference, e.fields, e.boundaries
            )),
        )?;
        Ok((view.reference, e))
    }

    /// Brings the catalog up to date with a ticket a retry or release filed. No automatic
    /// acknowledgement is sent: the message may be days old, and its writer hears from a
    /// counsellor.
    fn filed(&self, outcome: &Outcome) -> Result<(), ServiceError> {
        match outcome {
            Outcome::Ticketed { ticket } | Outcome::FollowUp { ticket } => {
                self.touched(ticket, true)
            }
            _ => Ok(()),
        }
    }

    /// How many messages are in quarantine, and how long the oldest has left.
    pub fn quarantine_summary(&self) -> Result<QuarantineSummary, ServiceError> {
        let list = self.store.quarantine_list()?;
        let days = self.config.retention.quarantine_days as i64;
        Ok(QuarantineSummary {
            count: list.len(),
            oldest_days_left: list
                .iter()
                .map(|q| q.received.0)
                .min()
                .map(|oldest| days_until(oldest + days * DAY, self.store.now())),
        })
    }
}

/// A released message: the readable text under a note for the counsellor, every attachment
/// withheld (listed by type and size, as [`WithheldReason::Quarantined`]).
fn released(r: Readable) -> Anonymised {
    let body = if r.body.is_empty() {
        RELEASED_NOTE.to_string()
    } else {
        format!("{RELEASED_NOTE}\n\n{}", r.body)
    };
    Anonymised {
        subject: r.subject,
        body,
        language: r.language,
        attachments: r
            .attachments
            .iter()
            .map(|a| Attachment {
                kind: a.kind,
                size: a.size,
                content: AttachmentContent::Withheld(WithheldReason::Quarantined),
            })
            .collect(),
        date_utc: r.date_utc,
        signals: r.signals,
        secrets: r.secrets,
    }
}

/// Quarantined messages are a person's whole message: only the operator (root or the
/// service's own user) works on them, not every supervisor.
fn operator(caller: &Caller) -> Result<(), ServiceError> {
    require(caller, Role::Supervisor)?;
    let service_uid = nix::unistd::geteuid().as_raw();
    if caller.uid == 0 || caller.uid == service_uid {
        return Ok(());
    }
    Err(ServiceError::new(
        ErrorKind::Forbidden,
        format!(
            "quarantined messages are for the operator only (root or {}, the service's user); {} is a supervisor",
            crate::users::user_name(service_uid),
            caller.name
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_left_are_rounded_up_and_never_negative() {
        assert_eq!(days_until(10 * DAY, 0), 10);
        assert_eq!(days_until(10 * DAY, 1), 10);
        assert_eq!(days_until(10 * DAY, DAY), 9);
        assert_eq!(days_until(0, DAY), 0);
    }

    #[test]
    fn a_released_message_withholds_every_attachment_and_says_so() {
        let raw = b"From: w@example.org\nSubject: s\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\nmy words\n--b\nContent-Type: text/plain; name=a.txt\n\nattached words\n--b\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n--b--\n";
        let opts = crate::anonymise::Options {
            remove_signature: true,
            limits: crate::anonymise::Limits::default(),
            contact_address: "help@line.example".into(),
            trusted_authserv_id: None,
        };
        let a = released(quarantine::readable(raw, &opts));
        assert!(a.body.starts_with(RELEASED_NOTE) && a.body.contains("my words"));
        assert!(!a.body.contains("attached words"));
        assert_eq!(a.attachments.len(), 2);
        assert!(
            a.attachments
                .iter()
                .all(|x| x.content == AttachmentContent::Withheld(WithheldReason::Quarantined))
        );
        assert_eq!(a.secrets.from_address.as_deref(), Some("w@example.org"));
    }
}
