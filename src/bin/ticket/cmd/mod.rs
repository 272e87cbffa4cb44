//! One module per subcommand, and the session they share.

pub mod attachment;
pub mod claim;
pub mod classification;
pub mod close;
pub mod drafts;
pub mod forget;
pub mod inbox;
pub mod list;
pub mod note;
pub mod reply;
pub mod reply_draft;
pub mod reveal;
pub mod review;
pub mod search;
pub mod show;
pub mod state;
pub mod stats;
pub mod tag;
pub mod templates;
pub mod urgent;
pub mod whoami;

use std::path::Path;
use std::process::ExitCode;

use sourdine::anonymise::Language;
use sourdine::cli::dates::Dates;
use sourdine::cli::desk::{Desk, unexpected};
use sourdine::control::protocol::{Request, Response};
use sourdine::service::{ServiceError, Whoami};
use sourdine::time::Precision;
use sourdine::{outln, tr};

/// The connection to the tickets and what the service told about itself.
pub struct Session {
    pub desk: Desk,
    pub whoami: Whoami,
    /// The counsellor's language (`--lang`, `$SOURDINE_LANG`, the locale, else English).
    pub lang: Language,
}

impl Session {
    pub fn open(
        socket: Option<&Path>,
        config: Option<&Path>,
        lang: Language,
    ) -> anyhow::Result<Session> {
        let mut desk = Desk::open(socket, config)?;
        let whoami = match desk.call(Request::Whoami)? {
            Response::Whoami(w) => w,
            other => return Err(unexpected(other).into()),
        };
        Ok(Session { desk, whoami, lang })
    }

    pub fn call(&mut self, request: Request) -> Result<Response, ServiceError> {
        self.desk.call(request)
    }

    pub fn precision(&self) -> Precision {
        self.whoami.precision
    }

    /// Times in the counsellor's language and the helpline's time zone, at the stored
    /// precision.
    pub fn dates(&self) -> Dates {
        Dates::new(self.lang, self.whoami.timezone.as_deref(), self.precision())
    }

    /// Sends a request that answers `Done` and prints its message (in the counsellor's
    /// language; `--json` keeps the service's).
    pub fn simple(&mut self, request: Request, json: bool) -> anyhow::Result<ExitCode> {
        let change = change_of(&request);
        match self.call(request)? {
            Response::Done { changed, message } => {
                if json {
                    sourdine::cli::output::json_line(
                        &serde_json::json!({ "changed": changed, "message": message }),
                    )?;
                } else {
                    match change {
                        Some(c) => outln!("{}", said(self.lang, c, changed, &message)),
                        None => outln!("{message}"),
                    }
                }
                Ok(ExitCode::SUCCESS)
            }
            other => Err(unexpected(other).into()),
        }
    }
}

/// The ticket and the change of a request that answers `Done`; None for a request this
/// does not know (the service's text is shown).
fn change_of(request: &Request) -> Option<(String, &'static str)> {
    let (id, what) = match request {
        Request::Note { id, .. } => (id, "note"),
        Request::Reopen { id } => (id, "reopened"),
        Request::Tag { id, .. } => (id, "tagged"),
        Request::Untag { id, .. } => (id, "untagged"),
        Request::Claim { id, .. } => (id, "claimed"),
        Request::Release { id, .. } => (id, "released"),
        Request::Urgent { id, reason } if reason.is_some() => (id, "urgent"),
        Request::Urgent { id, .. } => (id, "not-urgent"),
        Request::Close { id, .. } => (id, "closed"),
        _ => return None,
    };
    let id = sourdine::store::Store::parse_ticket_id(id).unwrap_or_else(|_| id.clone());
    Some((id, what))
}

/// What `change` did, in `lang`, given whether it changed anything and what the service
/// said.
fn said(lang: Language, change: (String, &str), changed: bool, message: &str) -> String {
    let (id, what) = change;
    // The classification as the service recorded it (its codes, normalised: `type T;
    // categories A, B; role R`), its words in `lang`.
    let classification = message
        .split_once(" closed (")
        .and_then(|(_, c)| c.strip_suffix(')'))
        .unwrap_or_default()
        .split("; ")
        .filter_map(|part| {
            let (word, codes) = part.split_once(' ')?;
            Some(match word {
                "type" => tr!(lang, "said-class-type", codes = codes),
                "categories" => tr!(lang, "said-class-categories", codes = codes),
                "role" => tr!(lang, "said-class-role", codes = codes),
                _ => part.to_string(),
            })
        })
        .collect::<Vec<_>>()
        .join(&tr!(lang, "said-class-separator"));
    match (what, changed) {
        ("note", _) => tr!(lang, "said-note", id = id),
        ("closed", true) if !classification.is_empty() => tr!(
            lang,
            "said-closed-as",
            id = id,
            classification = classification
        ),
        ("closed", false) => tr!(lang, "said-already-closed", id = id),
        (_, true) => tr!(lang, "said-changed", id = id, what = what),
        (_, false) => tr!(lang, "said-unchanged", id = id, what = what),
    }
}

/// The counsellor's language, where no session is at hand.
pub fn lang() -> Language {
    sourdine::cli::i18n::current()
}

/// Text for a command that takes it from `--file F`, standard input, or the editor.
pub fn read_text(file: Option<&Path>, what: &str, template: &str) -> anyhow::Result<String> {
    use std::io::{IsTerminal, Read};
    // Standard input was read because it is not a terminal and no --file was given.
    let mut implicit_stdin = false;
    let text = match file {
        Some(p) if p.as_os_str() == "-" => {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s)?;
            s
        }
        Some(p) => std::fs::read_to_string(p).map_err(|e| {
            anyhow::anyhow!(tr!(
                lang(),
                "text-unreadable",
                path = p.display().to_string(),
                reason = e.to_string()
            ))
        })?,
        None if !std::io::stdin().is_terminal() => {
            implicit_stdin = true;
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s)?;
            s
        }
        None => sourdine::cli::editor::edit(template).map_err(|e| {
            anyhow::anyhow!(tr!(
                lang(),
                "text-editor-failed",
                what = what,
                reason = e.to_string()
            ))
        })?,
    };
    let text = sourdine::cli::editor::strip_comments(&text);
    if text.trim().is_empty() {
        if implicit_stdin {
            anyhow::bail!(tr!(lang(), "text-stdin-empty", what = what));
        }
        anyhow::bail!(tr!(lang(), "text-empty", what = what));
    }
    Ok(text)
}
