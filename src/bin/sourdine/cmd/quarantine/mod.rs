//! `sourdine quarantine ...`: one file per subcommand.

mod export;
mod list;
mod release;
mod retry;
mod show;

use std::path::Path;
use std::process::ExitCode;

/// Quarantine subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List quarantined messages: reference, reason, size, arrival (at the configured precision).
    List(list::Args),
    /// Read what can safely be read of a quarantined message (audited).
    ///
    /// Prints what can safely be read of a quarantined message: why it is there, its size, when it
    /// arrived and when retention destroys it, its subject, the types and sizes of its attachments,
    /// and its readable text, cleaned by the same rules as a ticket's (signatures and attribution
    /// lines removed, addresses redacted, header blocks found in the text removed). No header but
    /// the subject is ever shown, and no attachment. The reading is recorded in the audit log.
    ///
    /// Then decide: `sourdine quarantine retry REF` once an upgrade or a changed limit lets the
    /// pipeline take it; `sourdine quarantine release REF` to give its text to the counsellors;
    /// `sourdine quarantine export REF --output FILE` for a bug report.
    Show(show::Args),
    /// Run quarantined messages through the pipeline again (audited).
    ///
    /// Runs each message through the current pipeline again, as if it had just arrived (its
    /// arrival time and its expiry stay those of the first attempt). Use it after an upgrade that
    /// fixed the cause, or after raising the limit named in the reason (`[intake] max_parts`,
    /// `max_header_bytes`, `max_depth`, `max_message_bytes`; restart the service first so that it
    /// reads the new value).
    ///
    /// A message the pipeline takes becomes a ticket (or joins its thread), with its attachments
    /// cleaned exactly as at intake, and leaves the quarantine in the same commit; the keys are
    /// then rotated so the raw message cannot be read back from the store's files. A message that
    /// fails again stays, with its reason (which may have changed). No acknowledgement is sent to
    /// the writer. Each retry is recorded in the audit log.
    ///
    /// Exit status: 0 when every message became a ticket; 1 when one stayed in quarantine or was
    /// not found.
    Retry(retry::Args),
    /// Make a ticket of a quarantined message's readable text, every attachment withheld
    /// (audited).
    ///
    /// Makes a ticket of what `sourdine quarantine show REF` shows: the subject and the readable
    /// text, under a note telling the counsellor that the message was released from quarantine and
    /// that its attachments were withheld (each one is listed by type and size, withheld). The
    /// writer's reply address is sealed as at intake when the headers name one, so the ticket can
    /// be answered; a follow-up joins its thread. The entry leaves the quarantine in the same
    /// commit, then the keys are rotated so the raw message cannot be read back from the store's
    /// files. No acknowledgement is sent to the writer. Recorded in the audit log.
    ///
    /// Releasing puts a person's message in front of counsellors: it asks for a yes (on a
    /// terminal; elsewhere give --yes). Prefer `retry` when an upgrade or a changed limit lets the
    /// pipeline read the whole message.
    Release(release::Args),
    /// Write a quarantined message for a bug report, its header values replaced (audited).
    ///
    /// Writes the message for a bug report, with its structure kept: the MIME tree, the header
    /// names and their order, the encodings (broken ones too), the bodies byte for byte. Every
    /// header value that could identify someone, in every part and embedded message, is replaced:
    /// addresses and display names by <address-N@example.invalid>, Message-IDs and Content-IDs by
    /// <id-N@example.invalid>, dates by the epoch (the same value always by the same
    /// placeholder), boundaries by sourdine-boundary-... names (the same boundary always by the
    /// same name, and one that begins another still does, so a broken structure breaks the same
    /// way), file names and every other value (Received, DKIM, ARC, Authentication-Results,
    /// Subject, X-...) by [redacted].
    ///
    /// The body is not changed: its text and attachments may still identify the writer. Read the
    /// file before you share it, share it only as far as needed, and delete it afterwards. The
    /// command says so and asks for a yes (on a terminal; elsewhere give --yes).
    ///
    /// The file is created with mode 0600; an existing file or a symbolic link is refused. The
    /// export is recorded in the audit log.
    Export(export::Args),
}

pub fn run(config: Option<&Path>, cmd: Command) -> anyhow::Result<ExitCode> {
    let cfg = super::setup(config)?;
    if !matches!(cmd, Command::List(_)) {
        // These commands hold a person's message in memory.
        super::protect()?;
    }
    let mut desk = super::desk(config)?;
    match cmd {
        Command::List(args) => list::run(&mut desk, &cfg, args),
        Command::Show(args) => show::run(&mut desk, &cfg, args),
        Command::Retry(args) => retry::run(&mut desk, args),
        Command::Release(args) => release::run(&mut desk, args),
        Command::Export(args) => export::run(&mut desk, args),
    }
}

/// Asks `question` on the terminal (see [`sourdine::cli::confirm`]); `yes` answers for the
/// operator. Outside a terminal and without `yes`, refuses: nothing is done without a clear
/// yes from a person.
fn confirm(question: &str, not_done: &str, with_yes: &str, yes: bool) -> anyhow::Result<bool> {
    let ask = sourdine::cli::confirm::Ask {
        question,
        answer: sourdine::cli::confirm::Answer::YesNo,
        not_done,
        with_yes,
    };
    Ok(sourdine::cli::confirm::confirm(&ask, yes)?)
}
