//! Canned answers and the acknowledgement, in French, Dutch and English. Shipped examples
//! live in `deploy/templates/` and are copied into the configuration's templates folder by
//! `sourdine init` (never over an existing file); the operator edits them there.

use std::path::Path;

use crate::anonymise::Language;

/// The templates shipped with sourdine: (file name, text).
pub const SHIPPED: &[(&str, &str)] = &[
    (
        "acknowledgement.fr.txt",
        include_str!("../../deploy/templates/acknowledgement.fr.txt"),
    ),
    (
        "acknowledgement.nl.txt",
        include_str!("../../deploy/templates/acknowledgement.nl.txt"),
    ),
    (
        "acknowledgement.en.txt",
        include_str!("../../deploy/templates/acknowledgement.en.txt"),
    ),
    (
        "welcome.fr.txt",
        include_str!("../../deploy/templates/welcome.fr.txt"),
    ),
    (
        "welcome.nl.txt",
        include_str!("../../deploy/templates/welcome.nl.txt"),
    ),
    (
        "welcome.en.txt",
        include_str!("../../deploy/templates/welcome.en.txt"),
    ),
    (
        "referral.fr.txt",
        include_str!("../../deploy/templates/referral.fr.txt"),
    ),
    (
        "referral.nl.txt",
        include_str!("../../deploy/templates/referral.nl.txt"),
    ),
    (
        "referral.en.txt",
        include_str!("../../deploy/templates/referral.en.txt"),
    ),
];

/// The file-name suffix of a language.
pub fn code(lang: Language) -> &'static str {
    match lang {
        Language::Fr => "fr",
        Language::Nl => "nl",
        Language::En => "en",
        Language::Unknown => "fr",
    }
}

/// Whether a template name is safe to use as a file name (letters, digits, `-`, `_`).
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// A template by name in `lang`: `DIR/NAME.LANG.txt`, else `DIR/NAME.txt`, else the shipped
/// one. None when there is none.
pub fn load(dir: &Path, name: &str, lang: Language) -> Option<String> {
    if !valid_name(name) {
        return None;
    }
    let c = code(lang);
    for file in [format!("{name}.{c}.txt"), format!("{name}.txt")] {
        // The operator's text, like everything people write, without control characters.
        if let Ok(text) = std::fs::read_to_string(dir.join(&file)) {
            return Some(crate::text::clean_lines(&text));
        }
        if let Some((_, text)) = SHIPPED.iter().find(|(f, _)| *f == file) {
            return Some(text.to_string());
        }
    }
    None
}

/// What marks a gap in a canned answer, for the counsellor to fill (the shipped templates
/// use it).
pub const GAP: &str = "[...]";

/// The gaps left to fill in a reply started from a canned answer, one description each
/// ("line 5: [...]"): the [`GAP`] mark (or `[…]`), a `{placeholder}`, a list item with
/// nothing after its dash, or two or more blank lines in a row between paragraphs (how the
/// first shipped templates left room). Empty when there is none.
pub fn gaps(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut blank_from: Option<usize> = None;
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        if t.is_empty() {
            blank_from.get_or_insert(i);
            continue;
        }
        if let Some(start) = blank_from.take()
            && start > 0
            && i - start >= 2
        {
            out.push(format!(
                "lines {}-{}: blank lines left to fill",
                start + 1,
                i
            ));
        }
        if t.contains(GAP) || t.contains("[…]") {
            out.push(format!("line {}: {t}", i + 1));
        } else if let Some(p) = placeholder(t) {
            out.push(format!("line {}: {p}", i + 1));
        } else if matches!(t, "-" | "*" | "•") {
            out.push(format!("line {}: an empty list item", i + 1));
        }
    }
    out
}

/// The first `{name}` placeholder in a line (letters, digits and `_` between braces).
fn placeholder(line: &str) -> Option<&str> {
    let start = line.find('{')?;
    let len = line[start..].find('}')?;
    let inner = &line[start + 1..start + len];
    (!inner.is_empty() && inner.chars().all(|c| c.is_alphanumeric() || c == '_'))
        .then(|| &line[start..=start + len])
}

/// The names of the templates available (shipped and in `dir`), without language suffixes.
pub fn names(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = SHIPPED
        .iter()
        .map(|(f, _)| f.to_string())
        .chain(
            std::fs::read_dir(dir)
                .into_iter()
                .flatten()
                .flatten()
                .filter_map(|e| e.file_name().to_str().map(str::to_string)),
        )
        .filter_map(|f| {
            f.strip_suffix(".txt")
                .map(|b| b.split('.').next().unwrap_or(b).to_string())
        })
        .filter(|n| valid_name(n) && n != "acknowledgement")
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The acknowledgement in `lang`, with its placeholders filled: `{reference}`, and
/// `{answer_within}` with `within` (when an answer can be expected, in `lang`: see
/// [`crate::hours::Schedule::promise`]).
pub fn acknowledgement(dir: &Path, lang: Language, reference: &str, within: &str) -> String {
    let text = load(dir, "acknowledgement", lang).unwrap_or_default();
    text.replace("{answer_within}", within)
        .replace("{reference}", reference)
}

/// Copies the shipped templates into `dir` where no file of that name exists yet.
pub fn install(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut created = Vec::new();
    std::fs::create_dir_all(dir)?;
    for (file, text) in SHIPPED {
        let path = dir.join(file);
        if !path.exists() {
            std::fs::write(&path, text)?;
            created.push(path.display().to_string());
        }
    }
    Ok(created)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_acknowledgements_fill_their_placeholders() {
        let dir = tempfile::tempdir().unwrap();
        for lang in [Language::Fr, Language::Nl, Language::En] {
            let t = acknowledgement(
                dir.path(),
                lang,
                "K7F3QX9M",
                crate::hours::fallback_promise(lang),
            );
            assert!(t.contains("K7F3QX9M"));
            assert!(!t.contains('{'), "{t}");
            assert!(t.contains("112"));
        }
    }

    #[test]
    fn shipped_reply_templates_have_a_gap_and_filled_ones_none() {
        let dir = tempfile::tempdir().unwrap();
        for name in names(dir.path()) {
            for lang in [Language::Fr, Language::Nl, Language::En] {
                let t = load(dir.path(), &name, lang).unwrap();
                assert!(!gaps(&t).is_empty(), "{name} {lang:?} has a gap to fill");
                let filled = t.replace(GAP, "something written for this writer");
                assert_eq!(gaps(&filled), Vec::<String>::new(), "{name} {lang:?}");
            }
        }
    }

    #[test]
    fn gaps_of_every_kind_are_found() {
        assert_eq!(
            gaps("Hello,\n\nThanks.\n\n\n\nBye\n- \n{reference}\nsee […] here\n"),
            vec![
                "lines 4-6: blank lines left to fill",
                "line 8: an empty list item",
                "line 9: {reference}",
                "line 10: see […] here"
            ]
        );
        assert!(gaps("Hello,\n\nA reply {with braces} and - dashes.\n\nBye\n\n\n").is_empty());
    }

    #[test]
    fn operator_files_win_and_names_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("welcome.en.txt"), "custom").unwrap();
        assert_eq!(
            load(dir.path(), "welcome", Language::En).as_deref(),
            Some("custom")
        );
        assert!(
            load(dir.path(), "welcome", Language::Nl)
                .unwrap()
                .contains("Bedankt")
        );
        assert_eq!(load(dir.path(), "../etc/passwd", Language::En), None);
        assert_eq!(names(dir.path()), vec!["referral", "welcome"]);
    }
}
