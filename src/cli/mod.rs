//! Shared plumbing for the two binaries: configuration discovery, logging, the panic hook,
//! and human output (tables, colour, pager). The binaries only parse arguments and print.

pub mod classify;
pub mod confirm;
pub mod dates;
pub mod desk;
pub mod docs;
pub mod editor;
pub mod help;
pub mod i18n;
pub mod inbox;
pub mod lang;
pub mod listing;
pub mod output;
pub mod report;
pub mod stats;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::config::{Config, ConfigError, DEFAULT_CONFIG_PATH};

/// Finds the configuration file: `--config`, else `$SOURDINE_CONFIG`, else the default path.
/// (clap already folds `$SOURDINE_CONFIG` into `--config`; this adds the default.)
pub fn config_path(given: Option<&Path>) -> PathBuf {
    given
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_CONFIG_PATH))
}

/// Loads the configuration, with an error that says where it looked.
pub fn load_config(given: Option<&Path>) -> Result<Config, ConfigError> {
    Config::load(&config_path(given))
}

/// Sends log lines to standard error at `level`, or at the level named by `$SOURDINE_LOG`.
///
/// Only sourdine's own log lines are shown, plus sled's warnings: other libraries (the HTML
/// parser at trace level, for example) may log the text they work on, so their logs are off
/// whatever the level. sourdine's own lines never carry writer data: intake logs counts only,
/// errors name no address or subject.
pub fn init_logging(level: &str) {
    let level = std::env::var("SOURDINE_LOG")
        .ok()
        .map(|l| l.trim().to_ascii_lowercase())
        .filter(|l| ["error", "warn", "info", "debug", "trace"].contains(&l.as_str()))
        .unwrap_or_else(|| level.to_string());
    // The audit head lines (an anchor kept off the machine) are logged whatever the level.
    let filter = tracing_subscriber::EnvFilter::new(format!(
        "off,sourdine={level},ticket={level},sled=warn,sourdine::audit=info"
    ));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| LogWriter)
        // The display filter lets only the programs' own colours through: log lines are plain.
        .with_ansi(false)
        .with_target(false)
        .try_init();
}

/// Log lines on their way to standard error, through the display filter like everything
/// else the programs print.
struct LogWriter;

impl std::io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        output::eprint(&String::from_utf8_lossy(buf));
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Replaces the default panic hook, whose message could quote data being processed, with
/// one that prints only where the panic happened.
pub fn install_panic_hook(program: &'static str) {
    std::panic::set_hook(Box::new(move |info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_else(|| "unknown place".into());
        output::eprint(&format!(
            "{program}: internal error at {at} (details withheld so that no message content is printed); please report it\n"
        ));
    }));
}

/// An error and its causes on one line, for the binaries to print. A cause is added only when
/// the text so far does not already say it: typed errors often quote their cause in their
/// own message, and `{:#}` would then print it twice.
pub fn error_line(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    for cause in e.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}

/// Whether standard output is a terminal (progress bars, colour, pager, prompts).
pub fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}

/// Whether standard error is a terminal.
pub fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}

#[cfg(test)]
mod tests {
    #[test]
    fn error_line_names_each_cause_once() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
        let typed = crate::config::ConfigError::Read {
            path: "/x.toml".into(),
            source: io,
        };
        let e = anyhow::Error::new(typed).context("starting");
        let line = super::error_line(&e);
        assert_eq!(line.matches("gone").count(), 1, "{line}");
        assert!(
            line.starts_with("starting: cannot read configuration /x.toml: gone"),
            "{line}"
        );
    }
}
