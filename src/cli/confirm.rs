//! A clear yes before anything leaves or is destroyed: a question on the terminal, or
//! `--yes` given beforehand when there is no terminal to ask on. Without either, nothing
//! happens.

use std::io::{BufRead, IsTerminal};

/// What counts as yes.
#[derive(Debug, Clone, Copy)]
pub enum Answer<'a> {
    /// `y` or `yes` (also `oui`, `ja`), any case.
    YesNo,
    /// This word, typed out (any case): for what cannot be undone.
    Type(&'a str),
}

/// A question to confirm an action.
#[derive(Debug, Clone, Copy)]
pub struct Ask<'a> {
    /// The question, shown before the answer is read ("Send it?").
    pub question: &'a str,
    /// What counts as yes.
    pub answer: Answer<'a>,
    /// What did not happen, said when the answer is no or nobody can be asked ("not sent").
    pub not_done: &'a str,
    /// What `--yes` does here ("to send it").
    pub with_yes: &'a str,
}

/// Nobody can be asked, and `--yes` was not given: the action was not taken.
#[derive(Debug, thiserror::Error)]
pub struct NeedsYes {
    not_done: String,
    with_yes: String,
}

impl std::fmt::Display for NeedsYes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = crate::tr!(
            crate::cli::i18n::current(),
            "confirm-needs-yes",
            not_done = self.not_done.as_str(),
            with_yes = self.with_yes.as_str()
        );
        f.write_str(&text)
    }
}

/// Whether a question can be asked: standard input and output are both a terminal.
pub fn can_ask() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

/// Asks `ask` on the terminal and returns whether the answer was yes; with `yes` (the
/// `--yes` flag) returns true without asking. Off a terminal, without `yes`: [`NeedsYes`].
pub fn confirm(ask: &Ask<'_>, yes: bool) -> Result<bool, ConfirmError> {
    if yes {
        return Ok(true);
    }
    if !can_ask() {
        return Err(ConfirmError::NeedsYes(NeedsYes {
            not_done: ask.not_done.to_string(),
            with_yes: ask.with_yes.to_string(),
        }));
    }
    let lang = crate::cli::i18n::current();
    let hint = match ask.answer {
        Answer::YesNo => crate::tr!(lang, "confirm-hint-yes-no"),
        Answer::Type(word) => crate::tr!(lang, "confirm-hint-type", word = word),
    };
    super::output::print(&format!("{} {hint} ", ask.question));
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(is_yes(&ask.answer, &line))
}

/// Whether `line` answers yes.
fn is_yes(answer: &Answer<'_>, line: &str) -> bool {
    let given = line.trim().to_lowercase();
    match answer {
        Answer::YesNo => matches!(given.as_str(), "y" | "yes" | "oui" | "ja"),
        Answer::Type(word) => !word.is_empty() && given == word.to_lowercase(),
    }
}

/// Why no answer was had.
#[derive(Debug, thiserror::Error)]
pub enum ConfirmError {
    /// Nobody could be asked and `--yes` was not given.
    #[error(transparent)]
    NeedsYes(#[from] NeedsYes),
    /// The terminal could not be read.
    #[error("cannot read the answer: {0}")]
    Io(#[from] std::io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_clear_yes_is_yes() {
        for y in ["y\n", "Y", " yes \n", "oui", "ja"] {
            assert!(is_yes(&Answer::YesNo, y), "{y:?}");
        }
        for n in ["", "\n", "n", "no", "yess", "sure", "o"] {
            assert!(!is_yes(&Answer::YesNo, n), "{n:?}");
        }
        let word = Answer::Type("K7QH2M4X");
        assert!(is_yes(&word, "k7qh2m4x\n"));
        assert!(!is_yes(&word, "y\n") && !is_yes(&word, "yes") && !is_yes(&word, ""));
    }

    #[test]
    fn the_refusal_names_yes() {
        let e = NeedsYes {
            not_done: "not sent".into(),
            with_yes: "to send it".into(),
        };
        let msg = e.to_string();
        assert!(
            msg.starts_with("not sent: ") && msg.contains("give --yes to send it"),
            "{msg}"
        );
    }
}
