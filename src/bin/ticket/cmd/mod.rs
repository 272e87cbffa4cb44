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
pub mod urgent;
pub mod whoami;

use std::path::Path;
use std::process::ExitCode;

use sourdine::cli::desk::{Desk, unexpected};
use sourdine::control::protocol::{Request, Response};
use sourdine::outln;
use sourdine::service::{ServiceError, Whoami};
use sourdine::time::Precision;

/// The connection to the tickets and what the service told about itself.
pub struct Session {
    pub desk: Desk,
    pub whoami: Whoami,
}

impl Session {
    pub fn open(socket: Option<&Path>, config: Option<&Path>) -> anyhow::Result<Session> {
        let mut desk = Desk::open(socket, config)?;
        let whoami = match desk.call(Request::Whoami)? {
            Response::Whoami(w) => w,
            other => return Err(unexpected(other).into()),
        };
        Ok(Session { desk, whoami })
    }

    pub fn call(&mut self, request: Request) -> Result<Response, ServiceError> {
        self.desk.call(request)
    }

    pub fn precision(&self) -> Precision {
        self.whoami.precision
    }

    /// Sends a request that answers `Done` and prints its message.
    pub fn simple(&mut self, request: Request, json: bool) -> anyhow::Result<ExitCode> {
        match self.call(request)? {
            Response::Done { changed, message } => {
                if json {
                    sourdine::cli::output::json_line(
                        &serde_json::json!({ "changed": changed, "message": message }),
                    )?;
                } else {
                    outln!("{message}");
                }
                Ok(ExitCode::SUCCESS)
            }
            other => Err(unexpected(other).into()),
        }
    }
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
        Some(p) => std::fs::read_to_string(p)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", p.display()))?,
        None if !std::io::stdin().is_terminal() => {
            implicit_stdin = true;
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s)?;
            s
        }
        None => sourdine::cli::editor::edit(template).map_err(|e| {
            anyhow::anyhow!("cannot get the {what} from your editor: {e} (or give --file F)")
        })?,
    };
    let text = sourdine::cli::editor::strip_comments(&text);
    if text.trim().is_empty() {
        if implicit_stdin {
            anyhow::bail!(
                "no {what} text: standard input is not a terminal and gave nothing; give --file F, pipe the text in, or run this in a terminal to write it in your editor"
            );
        }
        anyhow::bail!("the {what} is empty; nothing was saved");
    }
    Ok(text)
}
