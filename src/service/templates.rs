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

/// The acknowledgement in `lang`, with its placeholders filled.
pub fn acknowledgement(
    dir: &Path,
    lang: Language,
    reference: &str,
    answer_within: Option<&str>,
) -> String {
    let text = load(dir, "acknowledgement", lang).unwrap_or_default();
    let within = answer_within.map(str::to_string).unwrap_or_else(|| {
        match lang {
            Language::Nl => "zo snel mogelijk",
            Language::En => "as soon as we can",
            _ => "dans les meilleurs délais",
        }
        .to_string()
    });
    text.replace("{answer_within}", &within)
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
            let t = acknowledgement(dir.path(), lang, "K7F3QX9M", None);
            assert!(t.contains("K7F3QX9M"));
            assert!(!t.contains('{'), "{t}");
            assert!(t.contains("112"));
        }
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
