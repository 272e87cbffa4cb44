//! The short numbered picker `ticket close` shows on a terminal when no `--type` is given:
//! a type (needed), categories (none or several) and the writer's role (or none).

use std::io::{self, BufRead, Write};

use crate::anonymise::Language;
use crate::taxonomy::{Classification, Dimension, Entry, Taxonomy};

/// How many times a wrong answer is asked again.
const TRIES: usize = 3;

/// Why the picker gave up.
#[derive(Debug, thiserror::Error)]
pub enum PickError {
    /// Nothing chosen: the ticket stays open.
    #[error("{}", crate::tr!(crate::cli::i18n::current(), "pick-cancelled"))]
    Cancelled,
    /// Too many answers that are not on the list.
    #[error("{}", crate::tr!(crate::cli::i18n::current(), "pick-invalid", tries = TRIES))]
    Invalid,
    /// The terminal failed.
    #[error("reading your answer: {0}")]
    Io(#[from] io::Error),
}

fn offered(t: &Taxonomy, dim: Dimension) -> Vec<&Entry> {
    t.entries(dim).iter().filter(|e| !e.retired).collect()
}

fn list(out: &mut impl Write, title: &str, entries: &[&Entry], lang: Language) -> io::Result<()> {
    writeln!(out, "{title}")?;
    for (i, e) in entries.iter().enumerate() {
        writeln!(out, "  {:>2}  {}", i + 1, e.labels.get(lang))?;
    }
    Ok(())
}

/// Asks `prompt` until the answer is a list of numbers from 1 to `n` (at most `max` of them,
/// at least one unless `optional`); returns them, 0-based.
fn ask(
    lang: Language,
    input: &mut impl BufRead,
    out: &mut impl Write,
    prompt: &str,
    n: usize,
    max: usize,
    optional: bool,
) -> Result<Vec<usize>, PickError> {
    for _ in 0..TRIES {
        write!(out, "{prompt}: ")?;
        out.flush()?;
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 {
            return Err(PickError::Cancelled);
        }
        let words: Vec<&str> = line
            .split([',', ' ', '\t', '\n', '\r'])
            .filter(|w| !w.is_empty())
            .collect();
        if words.is_empty() {
            if optional {
                return Ok(Vec::new());
            }
            return Err(PickError::Cancelled);
        }
        let picked: Option<Vec<usize>> = words
            .iter()
            .map(|w| {
                w.parse::<usize>()
                    .ok()
                    .filter(|k| (1..=n).contains(k))
                    .map(|k| k - 1)
            })
            .collect();
        match picked {
            Some(p) if p.len() <= max => return Ok(p),
            _ => writeln!(out, "  {}", crate::tr!(lang, "pick-give", max = max, n = n))?,
        }
    }
    Err(PickError::Invalid)
}

/// Asks for the classification of ticket `id`, labels in `lang`.
pub fn pick(
    taxonomy: &Taxonomy,
    lang: Language,
    id: &str,
    input: &mut impl BufRead,
    out: &mut impl Write,
) -> Result<Classification, PickError> {
    use crate::tr;
    writeln!(out, "{}", tr!(lang, "pick-intro", id = id))?;
    let types = offered(taxonomy, Dimension::Type);
    list(out, &tr!(lang, "pick-types"), &types, lang)?;
    let kind = ask(
        lang,
        input,
        out,
        &tr!(lang, "pick-type-prompt"),
        types.len(),
        1,
        false,
    )?[0];
    let mut c = Classification {
        kind: types[kind].code.clone(),
        ..Default::default()
    };
    let categories = offered(taxonomy, Dimension::Category);
    if !categories.is_empty() {
        list(out, &tr!(lang, "pick-categories-title"), &categories, lang)?;
        let picked = ask(
            lang,
            input,
            out,
            &tr!(lang, "pick-categories-prompt"),
            categories.len(),
            categories.len(),
            true,
        )?;
        c.categories = picked.iter().map(|&i| categories[i].code.clone()).collect();
    }
    let roles = offered(taxonomy, Dimension::Role);
    if !roles.is_empty() {
        list(out, &tr!(lang, "pick-role-title"), &roles, lang)?;
        let picked = ask(
            lang,
            input,
            out,
            &tr!(lang, "pick-role-prompt"),
            roles.len(),
            1,
            true,
        )?;
        c.role = picked.first().map(|&i| roles[i].code.clone());
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(answers: &str) -> (Result<Classification, PickError>, String) {
        let mut out = Vec::new();
        let r = pick(
            &Taxonomy::builtin(),
            Language::Fr,
            "K7QH2M4X",
            &mut answers.as_bytes(),
            &mut out,
        );
        (r, String::from_utf8(out).unwrap())
    }

    #[test]
    fn numbers_choose_codes() {
        let (c, shown) = run("1\n2, 5\n1\n");
        let c = c.unwrap();
        assert_eq!(c.kind, "counselling");
        assert_eq!(c.categories, ["online_material", "mental_health"]);
        assert_eq!(c.role.as_deref(), Some("own"));
        assert!(
            shown.contains("Accompagnement"),
            "labels in the language: {shown}"
        );
    }

    #[test]
    fn categories_and_role_may_stay_empty() {
        let c = run("2\n\n\n").0.unwrap();
        assert_eq!(c.kind, "information");
        assert!(c.categories.is_empty() && c.role.is_none());
    }

    #[test]
    fn wrong_answers_are_asked_again_then_refused() {
        let (c, shown) = run("9\nzero\n3\n\n\n");
        assert_eq!(c.unwrap().kind, "silent_or_test");
        assert!(shown.contains("donnez un numéro de 1 à 5"), "{shown}");
        assert!(matches!(run("9\n9\n9\n").0, Err(PickError::Invalid)));
        assert!(matches!(run("\n").0, Err(PickError::Cancelled)));
        assert!(matches!(run("").0, Err(PickError::Cancelled)));
        assert!(matches!(run("1 2\n1 2\n1 2\n").0, Err(PickError::Invalid)));
    }
}
