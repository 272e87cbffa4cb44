//! `ticket`: the counsellors' command.

#![forbid(unsafe_code)]

mod cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use sourdine::{errln, outln};

/// ticket: read and answer the helpline's messages.
///
/// Every ticket is one writer's thread. Writers are never shown by address or name, only as
/// "writer". Every read and every action is recorded in the audit log under your identity,
/// which the service reads from the system (not from anything you type).
///
/// ticket talks to the running service (`sourdine run`) through its socket. When no service
/// runs, it opens the store directly (operators, with --config).
///
/// `ticket` alone, on a terminal, opens the inbox: the list, the threads and every step of
/// the work on single keys (`?` lists them).
///
/// Exit status: 0 done; 1 refused or failed; 2 no service and no store could be reached, or a
/// yes was needed and not given; 75 the service is starting or still loading its catalog: try
/// again in a moment.
#[derive(Debug, Parser)]
#[command(
    name = "ticket",
    version,
    propagate_version = true,
    max_term_width = 100
)]
struct Cli {
    /// The service's control socket [default: the configuration's, else /run/sourdine/control.sock]
    #[arg(long, global = true, env = "SOURDINE_SOCKET", value_name = "PATH")]
    socket: Option<PathBuf>,

    /// Configuration file (to find the socket, or to open the store when no service runs)
    #[arg(
        long,
        short = 'c',
        global = true,
        env = "SOURDINE_CONFIG",
        value_name = "PATH"
    )]
    config: Option<PathBuf>,

    /// The language of labels and reports: fr, nl or en [default: $SOURDINE_LANG, else the
    /// locale (LC_ALL, LC_MESSAGES, LANG), else en]
    #[arg(long, global = true, value_name = "LANG", value_parser = sourdine::cli::lang::parse)]
    lang: Option<sourdine::anonymise::Language>,

    /// Without a command, on a terminal: the inbox.
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The inbox: a full-screen view of the tickets, worked with single keys (also `ticket`
    /// alone, on a terminal).
    Inbox(cmd::inbox::Args),
    /// List tickets: urgent first, then the writer who has waited longest.
    List(cmd::list::Args),
    /// Show a ticket's whole thread and its notes (the read is audited).
    Show(cmd::show::Args),
    /// Save an attachment's cleaned bytes to a file (0600; the copy is yours to delete).
    Attachment(cmd::attachment::Args),
    /// Answer the writer of a ticket, after a clear yes (through the outbox; your name is never in it).
    Reply(cmd::reply::Args),
    /// List the saved replies (names, languages, first lines) that `ticket reply ID
    /// --template NAME` starts from.
    Templates(cmd::templates::Args),
    /// Your drafts: replies you wrote and did not send (`ticket reply ID` resumes one).
    Drafts(cmd::drafts::Args),
    /// Replies waiting for a supervisor's review: list, show, approve (send) or reject
    /// (return to the author as a draft).
    Review(cmd::review::Args),
    /// Add an internal note to a ticket (never sent to the writer).
    Note(cmd::note::Args),
    /// Close a ticket, recording the contact's classification (--type, --category, --role);
    /// refused when someone else claimed it, unless --force.
    Close(cmd::close::Args),
    /// Reopen a closed ticket.
    Reopen(cmd::state::Args),
    /// Add a tag to a ticket.
    Tag(cmd::tag::Args),
    /// Remove a tag from a ticket.
    Untag(cmd::tag::Args),
    /// Claim a ticket: you will answer it.
    Claim(cmd::claim::Args),
    /// Release your claim on a ticket.
    Release(cmd::claim::Args),
    /// Search subjects, message text and notes.
    Search(cmd::search::Args),
    /// Mark a ticket as a situation of possible grave and imminent danger (or clear the mark).
    Urgent(cmd::urgent::Args),
    /// Destroy a ticket now, for good (supervisors), after a clear yes: the writer asked to be forgotten.
    Forget(cmd::forget::Args),
    /// Lift the secret (two supervisors): request, approve, or list requests.
    Reveal(cmd::reveal::Args),
    /// List the contact classification: types, categories and roles, with their labels.
    Classification(cmd::classification::Args),
    /// Statistics for reports (supervisors): contacts by month, type, category, role and
    /// language, replies and time to reply, with small counts hidden.
    Stats(cmd::stats::Args),
    /// Show who the service thinks you are, and your role.
    Whoami(cmd::whoami::Args),
    /// Writes the man pages and shell completions of `ticket` into a folder (packaging).
    #[command(name = "__generate-docs", hide = true)]
    GenerateDocs {
        /// The folder (man1/ and completions/ are created in it).
        #[arg(long)]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    sourdine::cli::install_panic_hook("ticket");
    sourdine::hardening::private_umask();
    // The language is known before parsing, so that `--help` speaks it.
    let early = sourdine::cli::help::lang_flag(std::env::args_os());
    let early = sourdine::cli::lang::resolve(early).unwrap_or(sourdine::anonymise::Language::En);
    let command = || sourdine::cli::help::localise(Cli::command(), early);
    let cli = Cli::from_arg_matches(&command().get_matches()).unwrap_or_else(|e| e.exit());
    sourdine::cli::init_logging("warn");
    let lang = match sourdine::cli::lang::resolve(cli.lang) {
        Ok(l) => l,
        Err(e) => {
            errln!("ticket: {e}");
            return ExitCode::FAILURE;
        }
    };
    // `ticket` alone: the inbox on a terminal, else the help (as a missing command was).
    let command = match cli.command {
        Some(c) => c,
        None if sourdine::cli::confirm::can_ask() => Command::Inbox(cmd::inbox::Args {}),
        None => {
            errln!("{}", command().render_help());
            return ExitCode::from(2);
        }
    };
    if let Command::GenerateDocs { out } = &command {
        return match sourdine::cli::docs::generate(Cli::command(), out) {
            Ok(files) => {
                for f in files {
                    outln!("{}", out.join(f).display());
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                errln!("ticket: {e}");
                ExitCode::FAILURE
            }
        };
    }
    sourdine::cli::i18n::set_current(lang);
    let mut session = match cmd::Session::open(cli.socket.as_deref(), cli.config.as_deref(), lang) {
        Ok(s) => s,
        Err(e) => return failed(lang, &e, 2),
    };
    let s = &mut session;
    let result = match command {
        Command::Inbox(_) => cmd::inbox::run(s, cli.lang),
        Command::List(a) => cmd::list::run(s, a),
        Command::Show(a) => cmd::show::run(s, a),
        Command::Attachment(a) => cmd::attachment::run(s, a),
        Command::Note(a) => cmd::note::run(s, a),
        Command::Reply(a) => cmd::reply::run(s, a),
        Command::Templates(a) => cmd::templates::run(s, a),
        Command::Drafts(a) => cmd::drafts::run(s, a),
        Command::Review(a) => cmd::review::run(s, a),
        Command::Close(a) => cmd::close::run(s, a, cli.lang),
        Command::Reopen(a) => cmd::state::run(s, a),
        Command::Tag(a) => cmd::tag::run(s, a, true),
        Command::Untag(a) => cmd::tag::run(s, a, false),
        Command::Claim(a) => cmd::claim::run(s, a, true),
        Command::Release(a) => cmd::claim::run(s, a, false),
        Command::Search(a) => cmd::search::run(s, a),
        Command::Urgent(a) => cmd::urgent::run(s, a),
        Command::Reveal(a) => cmd::reveal::run(s, a),
        Command::Forget(a) => cmd::forget::run(s, a),
        Command::Classification(a) => cmd::classification::run(s, a, cli.lang),
        Command::Stats(a) => cmd::stats::run(s, a, cli.lang),
        Command::Whoami(a) => cmd::whoami::run(s, a),
        Command::GenerateDocs { .. } => unreachable!("handled before connecting"),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            // A yes that was needed and not given: the command line lacked --yes.
            let needs_yes = matches!(
                e.downcast_ref(),
                Some(sourdine::cli::confirm::ConfirmError::NeedsYes(_))
            );
            failed(lang, &e, if needs_yes { 2 } else { 1 })
        }
    }
}

/// Exit status when the service is starting or still loading its catalog: try again in a
/// moment (EX_TEMPFAIL).
const TRY_AGAIN: u8 = 75;

/// Prints why the command failed, in the counsellor's language when it is the service's
/// state (starting, still loading), and returns the exit status: `code`, or [`TRY_AGAIN`].
fn failed(lang: sourdine::anonymise::Language, e: &anyhow::Error, code: u8) -> ExitCode {
    use sourdine::cli::desk::DeskError;
    if let Some(DeskError::Starting { .. }) = e.downcast_ref() {
        errln!("ticket: {}", sourdine::tr!(lang, "error-service-starting"));
        return ExitCode::from(TRY_AGAIN);
    }
    let loading = e
        .downcast_ref::<sourdine::service::ServiceError>()
        .and_then(|e| e.loading_seconds());
    if let Some(seconds) = loading {
        errln!(
            "ticket: {}",
            sourdine::tr!(lang, "error-still-loading", seconds = seconds)
        );
        return ExitCode::from(TRY_AGAIN);
    }
    errln!("ticket: {}", sourdine::cli::error_line(e));
    ExitCode::from(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sourdine::anonymise::Language;
    use sourdine::cli::help::{arg_ids, command_id};
    use sourdine::cli::i18n::lookup;

    /// Every command and option shown in `--help` has its text in the message files (so in
    /// every language: the completeness test of the library checks the three files agree),
    /// and every help text of the files belongs to a command or an option.
    #[test]
    fn every_command_and_option_has_its_help_in_the_message_files() {
        fn walk(
            cmd: &clap::Command,
            path: &str,
            missing: &mut Vec<String>,
            used: &mut Vec<String>,
        ) {
            if cmd.is_hide_set() {
                return;
            }
            used.push(command_id(path));
            if lookup(Language::En, &command_id(path), None).is_none() {
                missing.push(command_id(path));
            }
            for a in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
                let ids = arg_ids(path, a.get_id().as_str());
                match ids
                    .iter()
                    .find(|id| lookup(Language::En, id, None).is_some())
                {
                    Some(id) => used.push(id.clone()),
                    None => missing.push(ids[0].clone()),
                }
            }
            for sc in cmd.get_subcommands() {
                walk(sc, &format!("{path}-{}", sc.get_name()), missing, used);
            }
        }
        let (mut missing, mut used) = (Vec::new(), Vec::new());
        walk(&Cli::command(), "ticket", &mut missing, &mut used);
        assert!(
            missing.is_empty(),
            "no message for:\n{}",
            missing.join("\n")
        );
        let english = fluent_syntax::parser::parse(sourdine::cli::i18n::FILES[0].2).unwrap();
        for entry in &english.body {
            if let fluent_syntax::ast::Entry::Message(m) = entry {
                let id = m.id.name;
                // The headings, --help and --version are named in the code.
                let named = id.starts_with("cli-heading-")
                    || ["cli--help", "cli--version", "cli-help-command"].contains(&id);
                assert!(
                    !id.starts_with("cli-") || named || used.iter().any(|u| u == id),
                    "{id} is in the message files but no command or option has it"
                );
            }
        }
    }

    /// The help in French is French, and parsing still works with the texts replaced.
    #[test]
    fn the_help_speaks_the_counsellors_language() {
        let mut cmd = sourdine::cli::help::localise(Cli::command(), Language::Fr);
        let help = cmd.render_help().to_string();
        assert!(help.contains("Utilisation :"), "{help}");
        let list = cmd.find_subcommand_mut("list").unwrap().render_long_help();
        assert!(list.to_string().contains("tickets"), "{list}");
        let m = sourdine::cli::help::localise(Cli::command(), Language::Nl)
            .try_get_matches_from(["ticket", "tag", "K7QH2M4X", "school", "--lang", "nl"])
            .unwrap();
        let cli = Cli::from_arg_matches(&m).unwrap();
        let Some(Command::Tag(a)) = cli.command else {
            panic!("not tag")
        };
        assert!(
            format!("{a:?}").contains(r#"id: "K7QH2M4X", tag: "school""#),
            "{a:?}"
        );
    }
}
