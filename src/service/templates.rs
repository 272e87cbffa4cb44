//! Saved replies, canned answers and the acknowledgement, in French, Dutch and English.
//! Shipped examples live in `deploy/replies/` (saved replies) and `deploy/templates/` (the
//! acknowledgement and the canned answers of earlier versions) and are copied into the
//! configuration's folders by `sourdine init` (never over an existing file); the operator
//! edits them there.

use std::path::Path;

use crate::anonymise::Language;

/// (file name, text) of a file in `deploy/replies/`.
macro_rules! shipped {
    ($file:literal) => {
        ($file, include_str!(concat!("../../deploy/replies/", $file)))
    };
}

/// The languages saved replies are written in, in the order they are listed.
pub const LANGUAGES: [Language; 3] = [Language::Fr, Language::Nl, Language::En];

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

/// The saved replies shipped with sourdine, installed in `replies.saved_dir` by `sourdine
/// init`: (file name, text).
pub const SHIPPED_REPLIES: &[(&str, &str)] = &[
    shipped!("confidentiality.fr.txt"),
    shipped!("confidentiality.nl.txt"),
    shipped!("confidentiality.en.txt"),
    shipped!("phone-hours.fr.txt"),
    shipped!("phone-hours.nl.txt"),
    shipped!("phone-hours.en.txt"),
    shipped!("other-help.fr.txt"),
    shipped!("other-help.nl.txt"),
    shipped!("other-help.en.txt"),
    shipped!("no-address.fr.txt"),
    shipped!("no-address.nl.txt"),
    shipped!("no-address.en.txt"),
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

pub use crate::model::{ComposedReply, SavedReplyInfo};

/// Where saved replies are looked for: the saved-replies folder, then the canned answers
/// of earlier versions (the templates folder and the shipped examples).
#[derive(Debug, Clone)]
pub struct SavedReplies {
    /// `replies.saved_dir`.
    pub saved_dir: std::path::PathBuf,
    /// `replies.templates_dir`.
    pub templates_dir: std::path::PathBuf,
}

impl SavedReplies {
    /// The saved reply `name` written in `lang` (no other language), or None.
    pub fn load(&self, name: &str, lang: Language) -> Option<String> {
        if !valid_name(name) || name == "acknowledgement" {
            return None;
        }
        let file = format!("{name}.{}.txt", code(lang));
        match std::fs::read_to_string(self.saved_dir.join(&file)) {
            Ok(text) => Some(crate::text::clean_lines(&text)),
            Err(_) => load(&self.templates_dir, name, lang),
        }
    }

    /// The names of every saved reply, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut out: Vec<String> = std::fs::read_dir(&self.saved_dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                let f = e.file_name().to_str()?.to_string();
                let (name, lang) = f.strip_suffix(".txt")?.rsplit_once('.')?;
                (LANGUAGES.iter().any(|l| code(*l) == lang) && valid_name(name))
                    .then(|| name.to_string())
            })
            .chain(names(&self.templates_dir))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Every saved reply with its languages and first line.
    pub fn list(&self) -> Vec<SavedReplyInfo> {
        self.names()
            .into_iter()
            .map(|name| {
                let texts: Vec<(Language, String)> = LANGUAGES
                    .iter()
                    .filter_map(|&l| self.load(&name, l).map(|t| (l, t)))
                    .collect();
                let first_line = texts
                    .first()
                    .and_then(|(_, t)| t.lines().map(str::trim).find(|l| !l.is_empty()))
                    .unwrap_or_default()
                    .to_string();
                SavedReplyInfo {
                    languages: texts.iter().map(|(l, _)| code(*l).to_string()).collect(),
                    name,
                    first_line,
                }
            })
            .collect()
    }

    /// The saved replies `names`, one after the other, in `lang` (English for those that do
    /// not exist in it), with `fill` filling their placeholders in the language each text is
    /// in. An error names the first that does not exist.
    pub fn compose(
        &self,
        names: &[String],
        lang: Language,
        fill: impl Fn(&str, Language) -> String,
    ) -> Result<ComposedReply, String> {
        let mut texts = Vec::new();
        let mut in_english = Vec::new();
        for name in names {
            let (text, used) = match self.load(name, lang) {
                Some(t) => (t, lang),
                None => match self.load(name, Language::En) {
                    Some(t) => {
                        in_english.push(name.clone());
                        (t, Language::En)
                    }
                    None => return Err(name.clone()),
                },
            };
            texts.push(fill(text.trim_matches('\n'), used));
        }
        Ok(ComposedReply {
            text: texts.join("\n\n") + "\n",
            language: lang,
            in_english,
        })
    }
}

/// Copies the shipped saved replies into `dir` where no file of that name exists yet.
pub fn install_saved(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut created = Vec::new();
    std::fs::create_dir_all(dir)?;
    for (file, text) in SHIPPED_REPLIES {
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
    fn shipped_saved_replies_exist_in_every_language_with_known_placeholders_only() {
        let saved = tempfile::tempdir().unwrap();
        let legacy = tempfile::tempdir().unwrap();
        install_saved(saved.path()).unwrap();
        let r = SavedReplies {
            saved_dir: saved.path().to_path_buf(),
            templates_dir: legacy.path().to_path_buf(),
        };
        let list = r.list();
        let names: Vec<&str> = list.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "confidentiality",
                "no-address",
                "other-help",
                "phone-hours",
                "referral",
                "welcome"
            ]
        );
        for info in &list {
            assert_eq!(info.languages, ["fr", "nl", "en"], "{}", info.name);
            assert!(!info.first_line.is_empty());
        }
        let fill = |t: &str, _: Language| {
            t.replace("{reference}", "K7F3QX9M")
                .replace("{next_opening}", "lundi")
        };
        for name in ["confidentiality", "no-address", "other-help"] {
            for lang in LANGUAGES {
                let c = r.compose(&[name.to_string()], lang, fill).unwrap();
                assert_eq!(gaps(&c.text), Vec::<String>::new(), "{name} {lang:?}");
            }
        }
        let c = r
            .compose(&["confidentiality".into()], Language::Nl, fill)
            .unwrap();
        assert!(c.text.contains("458bis"));
    }

    #[test]
    fn saved_replies_follow_one_another_and_fall_back_to_english() {
        let saved = tempfile::tempdir().unwrap();
        let legacy = tempfile::tempdir().unwrap();
        std::fs::write(saved.path().join("only-en.en.txt"), "In English.\n").unwrap();
        std::fs::write(saved.path().join("both.fr.txt"), "Réf. {reference}\n").unwrap();
        std::fs::write(saved.path().join("both.en.txt"), "Ref. {reference}\n").unwrap();
        std::fs::write(saved.path().join("bad name.fr.txt"), "x").unwrap();
        let r = SavedReplies {
            saved_dir: saved.path().to_path_buf(),
            templates_dir: legacy.path().to_path_buf(),
        };
        let fill = |t: &str, l: Language| t.replace("{reference}", code(l));
        let c = r
            .compose(&["both".into(), "only-en".into()], Language::Fr, fill)
            .unwrap();
        assert_eq!(c.text, "Réf. fr\n\nIn English.\n");
        assert_eq!(c.in_english, ["only-en"]);
        assert_eq!(
            r.compose(&["missing".into()], Language::Fr, fill),
            Err("missing".to_string())
        );
        assert!(!r.names().iter().any(|n| n.contains(' ')));
        assert_eq!(r.load("acknowledgement", Language::Fr), None);
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
