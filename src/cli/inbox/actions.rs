//! What the state asks for, carried out through the service's requests (the same the
//! commands send, so the same roles and audit apply), the counsellor's editor, and the one
//! file the inbox ever writes: an attachment the counsellor saves.

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;

use super::state::{Draft, Effect};
use super::{Inbox, InboxError, terminal};
use crate::cli::desk::unexpected;
use crate::control::protocol::{Request, Response};
use crate::store::TicketView;
use crate::store::records::Direction;
use crate::tr;

impl Inbox<'_> {
    /// Carries out one effect; returns the effects it leads to.
    pub(super) fn effect(&mut self, effect: Effect) -> Result<Vec<Effect>, InboxError> {
        let next = match effect {
            Effect::Quit => Vec::new(),
            Effect::List => {
                self.fetch_list();
                Vec::new()
            }
            Effect::Open { id, then } => match self.link.call(Request::Show { id }) {
                Ok(Response::Ticket(view)) => self.state.opened(*view, then),
                other => self.failed(other),
            },
            Effect::Search(text) => {
                match self.link.call(Request::Search {
                    text: text.clone(),
                    limit: Some(SEARCH_LIMIT),
                }) {
                    Ok(Response::Search(hits)) => self.state.found(text, hits),
                    other => {
                        self.failed(other);
                    }
                }
                Vec::new()
            }
            Effect::Templates { id, force } => {
                match self.link.call(Request::Template {
                    name: String::new(),
                    language: None,
                }) {
                    Ok(Response::Templates(names)) => self.state.templates(id, force, names),
                    other => self.failed(other),
                }
            }
            Effect::Compose {
                id,
                template,
                force,
            } => {
                self.compose(id, template, force)?;
                Vec::new()
            }
            Effect::Send(draft) => {
                self.send(draft);
                Vec::new()
            }
            Effect::Note { id } => {
                self.note(id)?;
                Vec::new()
            }
            Effect::Save {
                id,
                attachment,
                path,
            } => {
                self.save(id, attachment, path);
                Vec::new()
            }
            change => self.change(change),
        };
        Ok(next)
    }

    /// Claim, tag, close, urgent: one request each, then the list again.
    fn change(&mut self, effect: Effect) -> Vec<Effect> {
        let lang = self.state.lang;
        match effect {
            Effect::Claim { id, release, force } => {
                let request = if release {
                    Request::Release {
                        id: id.clone(),
                        force,
                    }
                } else {
                    Request::Claim {
                        id: id.clone(),
                        force,
                    }
                };
                if self.done(request) {
                    self.state.claimed(&id, release);
                    self.state.info(if release {
                        tr!(lang, "done-released", id = id)
                    } else {
                        tr!(lang, "done-claimed", id = id)
                    });
                }
                vec![Effect::List]
            }
            Effect::Tag { id, tag, remove } => {
                let request = if remove {
                    Request::Untag {
                        id: id.clone(),
                        tag: tag.clone(),
                    }
                } else {
                    Request::Tag {
                        id: id.clone(),
                        tag: tag.clone(),
                    }
                };
                if self.done(request) {
                    self.state.tagged(&id, &tag, remove);
                    self.state.info(if remove {
                        tr!(lang, "done-untagged", tag = tag)
                    } else {
                        tr!(lang, "done-tagged", tag = tag)
                    });
                }
                vec![Effect::List]
            }
            Effect::Close {
                id,
                classification,
                force,
            } => {
                if self.done(Request::Close {
                    id: id.clone(),
                    classification,
                    force,
                }) {
                    self.state.closed(&id);
                    self.state.info(tr!(lang, "done-closed", id = id));
                }
                vec![Effect::List]
            }
            Effect::Urgent { id, reason } => {
                if self.done(Request::Urgent {
                    id: id.clone(),
                    reason: reason.clone(),
                }) {
                    let text = if reason.is_some() {
                        tr!(lang, "done-urgent", id = id.clone())
                    } else {
                        tr!(lang, "done-not-urgent", id = id.clone())
                    };
                    self.state.marked(&id, reason);
                    self.state.info(text);
                }
                vec![Effect::List]
            }
            _ => Vec::new(),
        }
    }

    /// Says why a request failed; no effect follows.
    fn failed(&mut self, answer: Result<Response, crate::service::ServiceError>) -> Vec<Effect> {
        match answer {
            Ok(other) => self.state.error(unexpected(other).to_string()),
            Err(e) => self.refused(e),
        }
        Vec::new()
    }

    /// Sends a request answered by `Done`; whether it was done (a refusal is shown).
    fn done(&mut self, request: Request) -> bool {
        match self.link.call(request) {
            Ok(Response::Done { .. }) => true,
            other => {
                self.failed(other);
                false
            }
        }
    }

    /// The open thread, when it is ticket `id`.
    fn thread(&self, id: &str) -> Option<&TicketView> {
        self.state
            .thread
            .as_ref()
            .map(|t| &t.view)
            .filter(|v| v.id == id)
    }

    /// Opens the editor on `template`, the terminal given back meanwhile; the text without
    /// its `#` lines and control characters, None when empty or when the editor failed (said).
    fn edit(&mut self, template: &str, empty: &str) -> Result<Option<String>, InboxError> {
        let lang = self.state.lang;
        let written = terminal::suspended(&mut self.term, || crate::cli::editor::edit(template))?;
        match written {
            Ok(text) => {
                let text = crate::text::clean_lines(&crate::cli::editor::strip_comments(&text));
                if text.trim().is_empty() {
                    self.state.info(crate::cli::i18n::message(lang, empty, &[]));
                    return Ok(None);
                }
                Ok(Some(text))
            }
            Err(e) => {
                self.state
                    .error(tr!(lang, "inbox-editor-failed", reason = e.to_string()));
                Ok(None)
            }
        }
    }

    /// Writes a reply in the editor (from a saved reply, with the thread quoted as comments,
    /// as `ticket reply` does); the draft then waits for the counsellor's yes.
    fn compose(
        &mut self,
        id: String,
        template: Option<String>,
        force: bool,
    ) -> Result<(), InboxError> {
        let lang = self.state.lang;
        let Some(view) = self.thread(&id).cloned() else {
            return Ok(());
        };
        let start = match &template {
            // The same saved replies as `ticket reply --template`: in the ticket's language
            // (else English), placeholders filled.
            Some(name) => match self.link.call(Request::SavedReply {
                id: id.clone(),
                names: vec![name.clone()],
            }) {
                Ok(Response::SavedReply(c)) => Some(c.text),
                other => {
                    self.failed(other);
                    return Ok(());
                }
            },
            None => None,
        };
        let dates = crate::cli::dates::Dates {
            lang,
            tz: self.tz.clone(),
            precision: self.precision,
        };
        let mut editor_text = reply_template(&dates, &view, start.as_deref());
        if template.is_none()
            && let Ok(Response::Draft(Some(draft))) =
                self.link.call(Request::Draft { id: id.clone() })
        {
            // The counsellor's draft, to go on with (kept as it is unless a new text is saved).
            editor_text = draft_template(&dates, &draft) + &editor_text;
        }
        let Some(text) = self.edit(&editor_text, "inbox-reply-empty")? else {
            return Ok(());
        };
        // Kept as a draft before the question: a "no" or a closed terminal loses nothing.
        if !self.done(Request::DraftSave {
            id: id.clone(),
            text: text.clone(),
        }) {
            return Ok(());
        }
        let unedited = start.as_deref().is_some_and(|s| same_text(s, &text));
        let gaps = if start.is_some() {
            crate::service::templates::gaps(&text).len()
        } else {
            0
        };
        self.state.composed(Draft {
            subject: crate::reply_tokens::reply_subject(&view.subject, &view.id),
            id,
            text,
            template,
            unedited,
            gaps,
            sender: view.sender,
            force,
        });
        Ok(())
    }

    /// Sends a reply the counsellor said yes to. The yes was given with the sender's
    /// verification shown, so an unverified sender is confirmed (as at `ticket reply`'s
    /// prompt), and audited by the service.
    fn send(&mut self, draft: Draft) {
        let lang = self.state.lang;
        let answer = self.link.call(Request::Reply {
            id: draft.id.clone(),
            text: draft.text.clone(),
            unverified: !draft.sender.is_verified(),
            force: draft.force,
            review: false,
        });
        match answer {
            Ok(Response::Queued {
                subject, will_send, ..
            }) => {
                let now = jiff::Timestamp::now().as_second();
                self.state.sent(&draft.id, subject, draft.text, now);
                let running = self.link.desk.is_remote();
                self.state.info(match (running, will_send) {
                    (true, true) => tr!(lang, "done-sent-now", id = draft.id),
                    (true, false) => tr!(lang, "done-sent-no-smtp", id = draft.id),
                    (false, _) => tr!(lang, "done-sent-later", id = draft.id),
                });
                self.fetch_list();
            }
            // `replies.review` holds it: it waits for a supervisor, not in the outbox.
            Ok(Response::Held { ticket }) => {
                self.state
                    .info(tr!(lang, "done-held-for-review", id = ticket));
                self.fetch_list();
            }
            other => {
                self.failed(other);
            }
        }
    }

    /// Writes an internal note in the editor and adds it.
    fn note(&mut self, id: String) -> Result<(), InboxError> {
        let lang = self.state.lang;
        let template = format!(
            "\n# {}\n# {}\n",
            tr!(lang, "editor-note-hint"),
            tr!(lang, "editor-comments")
        );
        let Some(text) = self.edit(&template, "inbox-note-empty")? else {
            return Ok(());
        };
        if self.done(Request::Note {
            id: id.clone(),
            text: text.clone(),
        }) {
            let now = jiff::Timestamp::now().as_second();
            self.state.noted(&id, text, now);
            self.state.info(tr!(lang, "done-note", id = id));
            self.fetch_list();
        }
        Ok(())
    }

    /// Writes an attachment's cleaned bytes to a new file, 0600, never over an existing file
    /// nor through a symbolic link (as `ticket attachment --output`).
    fn save(&mut self, id: String, attachment: u32, path: String) {
        let lang = self.state.lang;
        let answer = self.link.call(Request::Attachment {
            id,
            attachment: attachment.to_string(),
        });
        let bytes = match answer {
            Ok(Response::Attachment { bytes, .. }) => zeroize::Zeroizing::new(bytes.0),
            other => {
                self.failed(other);
                return;
            }
        };
        let path = expand_home(&path);
        let written = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(nix::fcntl::OFlag::O_NOFOLLOW.bits())
            .open(&path)
            .and_then(|mut f| {
                f.write_all(&bytes)?;
                f.sync_all()
            });
        let shown = path.display().to_string();
        match written {
            Ok(()) => self.state.info(tr!(lang, "done-saved", path = shown)),
            Err(e) => self.state.error(tr!(
                lang,
                "inbox-save-failed",
                path = shown,
                reason = e.to_string()
            )),
        }
    }
}

/// Search results asked for at most.
const SEARCH_LIMIT: usize = 100;

/// `~/x` as the home folder's `x`.
fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}

/// The counsellor's draft at the top of the editor, with when it was saved and why a
/// supervisor returned it, if one did.
fn draft_template(dates: &crate::cli::dates::Dates, draft: &crate::model::DraftView) -> String {
    let lang = dates.lang;
    let when = dates.long(draft.updated.0);
    let mut t = format!(
        "{}\n\n# {}\n",
        draft.text,
        tr!(lang, "editor-draft-resumed", when = when)
    );
    if let (Some(name), Some(reason)) = (&draft.returned_by, &draft.reason) {
        let said = tr!(
            lang,
            "draft-returned",
            name = name.as_str(),
            reason = reason.as_str()
        );
        for line in said.lines() {
            t.push_str(&format!("# {line}\n"));
        }
    }
    t
}

/// What the editor opens for a reply: the saved reply (if any), what to do in the
/// counsellor's language, and the thread quoted as `#` comments (removed before sending).
pub fn reply_template(
    dates: &crate::cli::dates::Dates,
    view: &TicketView,
    start: Option<&str>,
) -> String {
    let lang = dates.lang;
    let mut t = start.unwrap_or_default().to_string();
    t.push_str(&format!("\n# {}\n", tr!(lang, "editor-reply-hint")));
    if start.is_some() {
        t.push_str(&format!(
            "# {}\n",
            tr!(
                lang,
                "editor-reply-gaps",
                gap = crate::service::templates::GAP
            )
        ));
    }
    t.push_str(&format!(
        "# {}\n# {}\n#\n",
        tr!(lang, "editor-reply-private"),
        tr!(lang, "editor-comments")
    ));
    for m in &view.messages {
        let who = match m.direction {
            Direction::In => tr!(lang, "thread-from-writer"),
            Direction::Out => tr!(lang, "thread-from-helpline"),
        };
        t.push_str(&format!("# ── {who} · {} ──\n", dates.long(m.received.0)));
        for line in crate::text::clean_lines(&m.body).lines() {
            t.push_str("# ");
            t.push_str(line);
            t.push('\n');
        }
    }
    t
}

/// Whether two texts are the same but for white space at line ends and blank lines.
fn same_text(a: &str, b: &str) -> bool {
    let words = |t: &str| {
        t.lines()
            .map(str::trim_end)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    words(a) == words(b)
}
