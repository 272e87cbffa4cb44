//! The outbox duty: delivers queued replies and acknowledgements over SMTP with lettre.
//!
//! Each message is built fresh, never from the incoming one: From = the contact address,
//! To = the address opened from the sealed envelope at this moment (the From address the
//! trusted server verified, never a Reply-To), a Message-ID on the contact domain minted when
//! the reply was queued (stable, so a resend is recognisable), In-Reply-To = the writer's
//! latest message in the thread and References = its chain, Date in UTC, `MIME-Version: 1.0`,
//! UTF-8 text. An acknowledgement also says `Auto-Submitted: auto-replied` (RFC 3834) and
//! `X-Auto-Response-Suppress: All`, so that out-of-office replies do not answer it. No
//! X-Mailer, no counsellor, no notes.
//!
//! Every send runs under an explicit timeout (lettre's async send has none of its own).
//! A 5xx ends the attempt ("not delivered" on the ticket); 4xx, network errors and
//! timeouts are retried with exponential backoff. A reply is recorded as sent only after the
//! server accepted it: delivery is at least once.

use std::sync::Arc;
use std::time::Duration;

use lettre::message::header::{ContentType, HeaderName, HeaderValue, MIME_VERSION_1_0};
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls as LettreTls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncTransport, Tokio1Executor};
use tokio::sync::{Notify, watch};

use crate::anonymise::headers::{MAX_REFERENCES, is_header_safe_id};
use crate::config::{Config, SmtpConfig, Tls};
use crate::store::records::Delivery;
use crate::store::{Outgoing, Store, StoreError};

/// An outbox setup or delivery error. Never carries writer data: a source is kept only for
/// our own errors (the store's, the configuration's, the TLS settings').
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct OutboxError {
    message: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

/// What one pass over the outbox did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxReport {
    /// Accepted by the server.
    pub sent: u64,
    /// Will be tried again later.
    pub deferred: u64,
    /// Refused for good.
    pub failed: u64,
}

/// The outbox duty.
pub struct Outbox {
    store: Arc<Store>,
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    contact: String,
    plus_addressing: bool,
    timeout: Duration,
    first_retry: i64,
    max_retry: i64,
    give_up_after: i64,
    wake: Arc<Notify>,
}

fn err(msg: impl Into<String>) -> OutboxError {
    OutboxError {
        message: msg.into(),
        source: None,
    }
}

/// `message`, caused by `source`.
fn because(message: String, source: impl std::error::Error + Send + Sync + 'static) -> OutboxError {
    OutboxError {
        message,
        source: Some(Box::new(source)),
    }
}

/// An error of ours as the cause, its text the message.
fn caused(source: impl std::error::Error + Send + Sync + 'static) -> OutboxError {
    because(source.to_string(), source)
}

/// Builds the transport from `[smtp]`: TLS as configured, the EHLO name (never the host
/// name), authentication when a user is set.
pub fn transport(
    cfg: &Config,
    smtp: &SmtpConfig,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, OutboxError> {
    let params = || -> Result<TlsParameters, OutboxError> {
        let mut b = TlsParameters::builder(smtp.host.clone());
        if let Some(ca) = &smtp.ca_file {
            let pem = std::fs::read(ca).map_err(|e| {
                because(format!("cannot read smtp.ca_file {}: {e}", ca.display()), e)
            })?;
            let cert = Certificate::from_pem(&pem)
                .map_err(|e| because(format!("smtp.ca_file {}: {e}", ca.display()), e))?;
            b = b.add_root_certificate(cert);
        }
        b.build_rustls()
            .map_err(|e| because(format!("TLS settings for {}: {e}", smtp.host), e))
    };
    let tls = match smtp.tls {
        Tls::Implicit => LettreTls::Wrapper(params()?),
        Tls::Starttls => LettreTls::Required(params()?),
        Tls::None => LettreTls::None,
    };
    let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(smtp.host.clone())
        .port(smtp.port())
        .tls(tls)
        .hello_name(ClientId::Domain(cfg.ehlo_name()))
        .timeout(Some(Duration::from_secs(smtp.timeout_secs)));
    if let (Some(user), Some(file)) = (&smtp.username, &smtp.password_file) {
        let password =
            crate::config::read_password_file("smtp.password_file", file).map_err(caused)?;
        b = b.credentials(Credentials::new(user.clone(), password.to_string()));
    }
    Ok(b.build())
}

impl Outbox {
    /// The outbox for `[smtp]`, over the service's store, woken by `wake` when a message is
    /// queued.
    pub fn new(
        cfg: &Config,
        smtp: &SmtpConfig,
        store: Arc<Store>,
        wake: Arc<Notify>,
    ) -> Result<Outbox, OutboxError> {
        let contact = cfg.contact_address.clone();
        let from = Mailbox::new(
            Some(smtp.from_name.clone()),
            contact
                .parse()
                .map_err(|_| err("contact_address is not a valid address"))?,
        );
        Ok(Outbox {
            transport: transport(cfg, smtp)?,
            from,
            contact,
            plus_addressing: cfg.replies.plus_addressing,
            timeout: Duration::from_secs(smtp.timeout_secs),
            first_retry: smtp.retry_secs.max(1) as i64,
            max_retry: smtp.max_retry_secs.max(smtp.retry_secs).max(1) as i64,
            give_up_after: smtp.give_up_after_hours as i64 * 3600,
            wake,
            store,
        })
    }

    /// The message for one outgoing reply, built from scratch.
    pub fn build(&self, out: &Outgoing) -> Result<Message, OutboxError> {
        let to: Mailbox = out
            .to
            .parse()
            .map_err(|_| err("the sealed reply address is not a valid address"))?;
        let mut b = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(out.subject.clone())
            .date_now()
            .message_id(Some(format!("<{}>", out.message_id)));
        let parent = out
            .in_reply_to
            .as_deref()
            .filter(|id| is_header_safe_id(id));
        if let Some(id) = parent {
            b = b.in_reply_to(format!("<{id}>"));
        }
        let chain = references(&out.references, parent);
        if !chain.is_empty() {
            b = b.references(chain);
        }
        if self.plus_addressing {
            let reply_to: Mailbox = crate::reply_tokens::plus_address(&self.contact, &out.token)
                .parse()
                .map_err(|_| err("the plus-address is not a valid address"))?;
            b = b.reply_to(reply_to);
        }
        let mut msg = b
            .header(MIME_VERSION_1_0)
            .header(ContentType::TEXT_PLAIN)
            .body(out.body.clone())
            .map_err(|e| err(format!("cannot build the message: {e}")))?;
        if out.automatic {
            for (name, value) in [
                ("Auto-Submitted", "auto-replied"),
                ("X-Auto-Response-Suppress", "All"),
            ] {
                msg.headers_mut().insert_raw(HeaderValue::new(
                    HeaderName::new_from_ascii_str(name),
                    value.into(),
                ));
            }
        }
        Ok(msg)
    }

    /// Sends everything due now. Returns what happened and when the next retry is due.
    pub async fn pass(&self) -> Result<(OutboxReport, Option<i64>), OutboxError> {
        let s = self.store.clone();
        let now = s.now();
        let (due, _) = tokio::task::spawn_blocking(move || s.outbox_due(now))
            .await
            .map_err(|_| err("the outbox worker failed"))?
            .map_err(caused)?;
        let mut report = OutboxReport::default();
        for reference in due {
            match self.send_one(&reference).await? {
                Delivery::Sent { .. } => report.sent += 1,
                Delivery::NotDelivered { .. } => report.failed += 1,
                _ => report.deferred += 1,
            }
        }
        // When the next attempt is due, counting the retries this pass just scheduled: a
        // retry may already be due (it was scheduled from the time the attempt began, and
        // the attempt took longer than its wait), and is then due now, not in a minute.
        let s = self.store.clone();
        let now = s.now();
        let (due, next) = tokio::task::spawn_blocking(move || s.outbox_due(now))
            .await
            .map_err(|_| err("the outbox worker failed"))?
            .map_err(caused)?;
        let next = if due.is_empty() { next } else { Some(now) };
        if report.sent + report.failed + report.deferred > 0 {
            tracing::debug!(
                sent = report.sent,
                deferred = report.deferred,
                failed = report.failed,
                "outbox pass"
            );
        }
        Ok((report, next))
    }

    async fn send_one(&self, reference: &str) -> Result<Delivery, OutboxError> {
        let s = self.store.clone();
        let r = reference.to_string();
        let prepared = tokio::task::spawn_blocking(move || {
            let delivery = s.delivery_of(&r)?;
            Ok::<_, StoreError>((s.outgoing(&r), delivery))
        })
        .await
        .map_err(|_| err("the outbox worker failed"))?
        .map_err(caused)?;
        let (outgoing, delivery) = prepared;
        let attempts = match &delivery {
            Some(Delivery::Queued { attempts, .. }) => *attempts,
            // Sent meanwhile, or gone with its ticket: nothing to do.
            _ => return Ok(delivery.unwrap_or(Delivery::Sent { at: 0 })),
        };
        let now = self.store.now();
        let outcome = match outgoing {
            Ok(Some(out)) => match self.build(&out) {
                Ok(msg) => match tokio::time::timeout(self.timeout, self.transport.send(msg)).await
                {
                    Ok(Ok(_)) => {
                        crate::failpoint::hit("smtp-after-accept");
                        Delivery::Sent { at: now }
                    }
                    Ok(Err(e)) if e.is_permanent() => Delivery::NotDelivered {
                        at: now,
                        reason: format!(
                            "the mail server refused it for good ({})",
                            e.status()
                                .map(|c| c.to_string())
                                .unwrap_or_else(|| "5xx".into())
                        ),
                    },
                    Ok(Err(e)) => {
                        self.retry(reference, attempts, now, smtp_problem(&e))
                            .await?
                    }
                    Err(_) => {
                        self.retry(
                            reference,
                            attempts,
                            now,
                            "the mail server did not answer in time".into(),
                        )
                        .await?
                    }
                },
                Err(e) => Delivery::NotDelivered {
                    at: now,
                    reason: e.to_string(),
                },
            },
            Ok(None) => return Ok(Delivery::Sent { at: now }),
            Err(e) if e.is_not_found() => Delivery::NotDelivered {
                at: now,
                reason: "no reply address is kept for this ticket any more".into(),
            },
            Err(e) => return Err(caused(e)),
        };
        let s = self.store.clone();
        let r = reference.to_string();
        let d = outcome.clone();
        tokio::task::spawn_blocking(move || s.outbox_update(&r, d))
            .await
            .map_err(|_| err("the outbox worker failed"))?
            .map_err(caused)?;
        Ok(outcome)
    }

    /// The next attempt after a transient failure, or "not delivered" past the give-up time.
    async fn retry(
        &self,
        reference: &str,
        attempts: u32,
        now: i64,
        why: String,
    ) -> Result<Delivery, OutboxError> {
        let s = self.store.clone();
        let r = reference.to_string();
        let created = tokio::task::spawn_blocking(move || s.outbox_created(&r))
            .await
            .map_err(|_| err("the outbox worker failed"))?
            .map_err(caused)?
            .unwrap_or(now);
        if now - created > self.give_up_after {
            return Ok(Delivery::NotDelivered {
                at: now,
                reason: format!("could not be delivered in time; last problem: {why}"),
            });
        }
        let wait = (self.first_retry << attempts.min(16)).min(self.max_retry);
        Ok(Delivery::Queued {
            attempts: attempts + 1,
            next_attempt: now + wait,
            last_error: Some(why),
        })
    }

    /// The outbox loop of `sourdine run`: sends what is due, sleeps until the next retry or
    /// until a reply is queued, until `stop` turns true.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        loop {
            let wait = match self.pass().await {
                Ok((_, next)) => {
                    let now = self.store.now();
                    next.map(|n| Duration::from_secs((n - now).clamp(1, 60) as u64))
                        .unwrap_or(Duration::from_secs(60))
                }
                Err(e) => {
                    tracing::warn!(error = %e, "outbox pass failed");
                    Duration::from_secs(10)
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = self.wake.notified() => {}
                _ = stop.changed() => break,
            }
            if *stop.borrow() {
                break;
            }
        }
        tracing::info!("outbox stopped");
    }
}

/// The `References` of our answer: the ancestors of the message it answers, then that
/// message, each once and header-safe, at most [`MAX_REFERENCES`] (the first and the latest).
fn references(ancestry: &[String], parent: Option<&str>) -> String {
    let mut ids: Vec<&str> = Vec::new();
    for id in ancestry.iter().map(String::as_str).chain(parent) {
        if is_header_safe_id(id) && !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.len() > MAX_REFERENCES {
        ids.drain(1..ids.len() - (MAX_REFERENCES - 1));
    }
    ids.iter()
        .map(|id| format!("<{id}>"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A transient SMTP problem, in words without writer data.
fn smtp_problem(e: &lettre::transport::smtp::Error) -> String {
    if let Some(code) = e.status() {
        format!("the mail server deferred it ({code})")
    } else if e.is_timeout() {
        "the mail server did not answer in time".into()
    } else if e.is_tls() {
        "TLS with the mail server failed".into()
    } else {
        "the mail server could not be reached".into()
    }
}

/// Count-only notices to the staff address (`[notify] address`), sent through the outbox's
/// SMTP server: a subject and a text that hold the count line and nothing else (no subject,
/// text or reference of a ticket). Not kept in the store: a notice that cannot be sent is
/// logged, and the next one carries the count again.
pub struct Notifier {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    to: Mailbox,
    timeout: Duration,
}

impl Notifier {
    /// The notifier for `[notify] address` through `[smtp]`.
    pub fn new(cfg: &Config, smtp: &SmtpConfig, address: &str) -> Result<Notifier, OutboxError> {
        let from = Mailbox::new(
            Some(smtp.from_name.clone()),
            cfg.contact_address
                .parse()
                .map_err(|_| err("contact_address is not a valid address"))?,
        );
        let to = address
            .parse()
            .map_err(|_| err("notify.address is not a valid address"))?;
        Ok(Notifier {
            transport: transport(cfg, smtp)?,
            from,
            to,
            timeout: Duration::from_secs(smtp.timeout_secs),
        })
    }

    /// Sends `line` (a count line) to the staff address.
    pub async fn send(&self, line: &str) -> Result<(), OutboxError> {
        let mut msg = Message::builder()
            .from(self.from.clone())
            .to(self.to.clone())
            .subject(format!("sourdine: {line}"))
            .date_now()
            .header(MIME_VERSION_1_0)
            .header(ContentType::TEXT_PLAIN)
            .body(format!("{line}\n"))
            .map_err(|e| err(format!("cannot build the notice: {e}")))?;
        msg.headers_mut().insert_raw(HeaderValue::new(
            HeaderName::new_from_ascii_str("Auto-Submitted"),
            "auto-generated".into(),
        ));
        match tokio::time::timeout(self.timeout, self.transport.send(msg)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(err(format!(
                "the notice to the staff address was not sent: {}",
                smtp_problem(&e)
            ))),
            Err(_) => Err(err(
                "the notice to the staff address was not sent: the mail server did not answer in time",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_of_ours_is_kept_as_the_source_with_the_same_message() {
        let store = StoreError::from(sled::Error::Unsupported("a feature".into()));
        let text = store.to_string();
        let e = caused(store);
        assert_eq!(e.to_string(), text);
        let source = std::error::Error::source(&e).expect("kept");
        assert!(source.downcast_ref::<StoreError>().is_some());
        assert!(std::error::Error::source(&err("plain")).is_none());
    }

    #[test]
    fn references_end_with_the_answered_message() {
        let chain = |a: &[&str], p: Option<&str>| {
            references(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>(), p)
        };
        assert_eq!(chain(&[], Some("w1@x.example")), "<w1@x.example>");
        assert_eq!(
            chain(&["w1@x.example", "T.R@line.example"], Some("w2@x.example")),
            "<w1@x.example> <T.R@line.example> <w2@x.example>"
        );
        // Repeats and ids unfit for a header are left out; no parent leaves the chain.
        assert_eq!(
            chain(&["a@x", "a@x", "b c@x", "caf\u{e9}@x"], Some("a@x")),
            "<a@x>"
        );
        assert_eq!(chain(&["a@x"], None), "<a@x>");
        assert_eq!(chain(&[], None), "");
        // Too many: the first and the latest.
        let many: Vec<String> = (0..30).map(|i| format!("r{i}@x")).collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        let out = chain(&refs, Some("last@x"));
        let ids: Vec<&str> = out.split(' ').collect();
        assert_eq!(ids.len(), MAX_REFERENCES);
        assert_eq!(ids[0], "<r0@x>");
        assert_eq!(ids[1], format!("<r{}@x>", 30 - (MAX_REFERENCES - 2)));
        assert_eq!(ids[MAX_REFERENCES - 1], "<last@x>");
    }
}
