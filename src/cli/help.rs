//! `--help` in the counsellor's language: the about and help texts of a clap command tree
//! replaced, before parsing, by the messages of the Fluent files.
//!
//! A command at path `ticket list` takes its about from the message `cli-ticket-list` (its
//! long about from the attribute `.long`, when the message has one); its option `--status`
//! takes its help from `cli-ticket-list--status`, else from `cli--status` (options shared by
//! several commands, such as `--json` or `--yes`). Headings, `--help` and `--version` come
//! from `cli-heading-*`, `cli--help` and `cli--version`. A command or option without a
//! message keeps the text written in the code (English).

use clap::{Arg, ArgAction, Command};

use crate::anonymise::Language;
use crate::cli::i18n::lookup;
use crate::tr;

/// The message ids a command at `path` (names joined by `-`) may use for its option `arg`:
/// its own, then the shared one.
pub fn arg_ids(path: &str, arg: &str) -> [String; 2] {
    let arg = arg.replace('_', "-");
    [format!("cli-{path}--{arg}"), format!("cli--{arg}")]
}

/// The message id of the command at `path`.
pub fn command_id(path: &str) -> String {
    format!("cli-{path}")
}

/// `cmd` (named `path`) and its subcommands with their texts in `lang`.
pub fn localise(cmd: Command, lang: Language) -> Command {
    let path = cmd.get_name().to_string();
    let version = cmd.get_version().map(str::to_string);
    let cmd = walk(cmd, lang, &path, version.as_deref());
    let mut cmd = cmd;
    cmd.build();
    help_subcommands(cmd, lang)
}

/// clap makes a `help` subcommand for every command that has subcommands, while building:
/// its text, in `lang`, at every level (`ticket help`, `ticket review help`).
fn help_subcommands(cmd: Command, lang: Language) -> Command {
    let names: Vec<String> = cmd
        .get_subcommands()
        .filter(|c| c.get_name() != "help" && c.has_subcommands())
        .map(|c| c.get_name().to_string())
        .collect();
    let mut cmd = cmd;
    if cmd.find_subcommand("help").is_some() {
        cmd = cmd.mut_subcommand("help", |h| h.about(tr!(lang, "cli-help-command")));
    }
    for name in names {
        cmd = cmd.mut_subcommand(name, |c| help_subcommands(c, lang));
    }
    cmd
}

/// A long text, or none (then the short one is shown).
fn long(text: Option<String>) -> clap::builder::Resettable<clap::builder::StyledStr> {
    use clap::builder::IntoResettable;
    match text {
        Some(t) => t.into_resettable(),
        None => None::<&'static str>.into_resettable(),
    }
}

fn walk(cmd: Command, lang: Language, path: &str, version: Option<&str>) -> Command {
    let id = command_id(path);
    let mut cmd = cmd;
    if let Some(about) = lookup(lang, &id, None) {
        cmd = cmd
            .about(about)
            .long_about(long(lookup(lang, &id, Some("long"))));
    }
    let options = tr!(lang, "cli-heading-options");
    let arguments = tr!(lang, "cli-heading-arguments");
    cmd = cmd.mut_args(|a| {
        let [own, shared] = arg_ids(path, a.get_id().as_str());
        let positional = a.is_positional();
        let a = a.help_heading(if positional {
            arguments.clone()
        } else {
            options.clone()
        });
        let Some((id, help)) = [own, shared]
            .into_iter()
            .find_map(|id| lookup(lang, &id, None).map(|h| (id, h)))
        else {
            return a;
        };
        a.help(help)
            .long_help(long(lookup(lang, &id, Some("long"))))
    });
    cmd = cmd
        .help_template(format!(
            "{{before-help}}{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}",
            tr!(lang, "cli-heading-usage")
        ))
        .subcommand_help_heading(tr!(lang, "cli-heading-commands"))
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help(tr!(lang, "cli--help"))
                .help_heading(options.clone()),
        );
    if let Some(v) = version {
        cmd = cmd.version(v.to_string()).disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(tr!(lang, "cli--version"))
                .help_heading(options),
        );
    }
    cmd.mut_subcommands(|sc| {
        let sub = format!("{path}-{}", sc.get_name());
        walk(sc, lang, &sub, version)
    })
}

/// The language asked for on the command line (`--lang X` or `--lang=X`), read before the
/// command line is parsed, so that `--help` and parse errors can already use it.
pub fn lang_flag(args: impl IntoIterator<Item = std::ffi::OsString>) -> Option<Language> {
    let mut args = args.into_iter();
    while let Some(a) = args.next() {
        let a = a.to_string_lossy();
        if a == "--" {
            break;
        }
        if a == "--lang" {
            return args
                .next()
                .and_then(|v| crate::cli::lang::parse(&v.to_string_lossy()).ok());
        }
        if let Some(v) = a.strip_prefix("--lang=") {
            return crate::cli::lang::parse(v).ok();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_is_found_before_parsing() {
        let args = |v: &[&str]| {
            v.iter()
                .map(|s| s.into())
                .collect::<Vec<std::ffi::OsString>>()
        };
        assert_eq!(
            lang_flag(args(&["ticket", "list", "--lang", "fr"])),
            Some(Language::Fr)
        );
        assert_eq!(
            lang_flag(args(&["ticket", "--lang=NL", "list"])),
            Some(Language::Nl)
        );
        assert_eq!(
            lang_flag(args(&["ticket", "note", "--", "--lang", "fr"])),
            None
        );
        assert_eq!(lang_flag(args(&["ticket", "--lang", "de"])), None);
    }
}
