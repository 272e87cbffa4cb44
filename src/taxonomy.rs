//! The contact classification the helpline edits: contact types, categories, and the writer's
//! self-declared role, each entry a stable code with French, Dutch and English labels. It is
//! read from the TOML file the configuration names (`classification`, default
//! `classification.toml` beside it); `deploy/classification.toml` is the default `sourdine
//! init` installs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::anonymise::Language;

/// The default classification, written for a prevention helpline.
pub const DEFAULT: &str = include_str!("../deploy/classification.toml");

/// The key the statistics use for contacts without a code; no entry may take it.
pub const UNCLASSIFIED: &str = "unclassified";

/// Longest code.
const MAX_CODE: usize = 40;
/// Longest label, in characters.
const MAX_LABEL: usize = 80;

/// One of the three lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dimension {
    /// What kind of contact it was (one per contact).
    Type,
    /// What it was about (none, one or several).
    Category,
    /// Who the writer says they are (at most one).
    Role,
}

impl Dimension {
    /// The three, in the order they are shown.
    pub const ALL: [Dimension; 3] = [Dimension::Type, Dimension::Category, Dimension::Role];

    /// The word for one entry ("type", "category", "role").
    pub fn singular(self) -> &'static str {
        match self {
            Dimension::Type => "type",
            Dimension::Category => "category",
            Dimension::Role => "role",
        }
    }

    /// The list's name in the file (`types`, `categories`, `roles`).
    pub fn list(self) -> &'static str {
        match self {
            Dimension::Type => "types",
            Dimension::Category => "categories",
            Dimension::Role => "roles",
        }
    }
}

/// An entry's labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Labels {
    /// French.
    pub fr: String,
    /// Dutch.
    pub nl: String,
    /// English.
    pub en: String,
}

impl Labels {
    /// The label in `lang` (English when the language is not told).
    pub fn get(&self, lang: Language) -> &str {
        match lang {
            Language::Fr => &self.fr,
            Language::Nl => &self.nl,
            Language::En | Language::Unknown => &self.en,
        }
    }
}

/// One code and its labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The stable code.
    pub code: String,
    /// Its labels.
    pub labels: Labels,
    /// No longer offered for new classifications (kept for the tickets and figures using it).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retired: bool,
}

/// The whole classification.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Taxonomy {
    /// Contact types.
    pub types: Vec<Entry>,
    pub categories: Vec<Entry>,
    /// The writer's roles.
    pub roles: Vec<Entry>,
}

/// What a counsellor recorded about a contact when closing it (codes only).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Classification {
    /// The contact's type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its categories (none, one or several).
    #[serde(default)]
    pub categories: Vec<String>,
    /// The writer's role.
    #[serde(default)]
    pub role: Option<String>,
}

impl Classification {
    /// The codes, for the audit log: `type T; categories A, B; role R`.
    pub fn audit_text(&self) -> String {
        let mut s = format!("type {}", self.kind);
        if !self.categories.is_empty() {
            s.push_str(&format!("; categories {}", self.categories.join(", ")));
        }
        if let Some(r) = &self.role {
            s.push_str(&format!("; role {r}"));
        }
        s
    }

    /// Every (list, code) pair it uses.
    pub fn codes(&self) -> impl Iterator<Item = (Dimension, &str)> {
        std::iter::once((Dimension::Type, self.kind.as_str()))
            .chain(
                self.categories
                    .iter()
                    .map(|c| (Dimension::Category, c.as_str())),
            )
            .chain(self.role.iter().map(|r| (Dimension::Role, r.as_str())))
    }
}

/// The codes that live tickets use.
pub type CodesInUse = BTreeSet<(Dimension, String)>;

/// Where the classification came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The file at this path.
    File(PathBuf),
    /// No file at the default path: the built-in default (`sourdine init` installs it).
    BuiltIn(PathBuf),
}

/// A classification file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TaxonomyError {
    /// The file could not be read.
    #[error("cannot read the classification file {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid.
    #[error("classification file {}: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the line.
        message: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    types: Vec<toml::Spanned<RawEntry>>,
    #[serde(default)]
    categories: Vec<toml::Spanned<RawEntry>>,
    #[serde(default)]
    roles: Vec<toml::Spanned<RawEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    code: Option<toml::Spanned<String>>,
    fr: Option<String>,
    nl: Option<String>,
    en: Option<String>,
    #[serde(default)]
    retired: bool,
}

/// The 1-based line of byte offset `at` in `text`.
fn line_of(text: &str, at: usize) -> usize {
    text.as_bytes()[..at.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Whether `code` is a valid code: 1 to 40 lower-case ASCII letters, digits, `_` or `-`,
/// starting with a letter or digit.
pub fn valid_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= MAX_CODE
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        && code
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric())
}

impl Taxonomy {
    /// Parses and checks classification text; `path` names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Taxonomy, TaxonomyError> {
        let invalid = |message: String| TaxonomyError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let message = e.message().trim().replace('\n', " ");
            invalid(match e.span() {
                Some(s) => format!("line {}: {message}", line_of(text, s.start)),
                None => message,
            })
        })?;
        let mut out = Taxonomy::default();
        for (dim, list) in [
            (Dimension::Type, raw.types),
            (Dimension::Category, raw.categories),
            (Dimension::Role, raw.roles),
        ] {
            let mut seen: BTreeMap<String, usize> = BTreeMap::new();
            for item in list {
                let line = line_of(text, item.span().start);
                let raw = item.into_inner();
                let Some(code) = raw.code else {
                    return Err(invalid(format!(
                        "line {line}: a {} has no `code`; each entry needs a code and fr, nl and en labels",
                        dim.singular()
                    )));
                };
                let line = line_of(text, code.span().start);
                let code = code.into_inner();
                if !valid_code(&code) {
                    return Err(invalid(format!(
                        "line {line}: the code {code:?} is not valid: use 1 to {MAX_CODE} lower-case letters, digits, `_` or `-`"
                    )));
                }
                if code == UNCLASSIFIED {
                    return Err(invalid(format!(
                        "line {line}: the code `{UNCLASSIFIED}` is reserved (the statistics count contacts without a code under it); choose another"
                    )));
                }
                if let Some(first) = seen.insert(code.clone(), line) {
                    return Err(invalid(format!(
                        "line {line}: the code `{code}` appears twice among the {} (also at line {first}); each code must be unique",
                        dim.list()
                    )));
                }
                let label = |lang: &str, value: Option<String>| {
                    let v = value.map(|v| v.trim().to_string()).unwrap_or_default();
                    if v.is_empty() {
                        return Err(invalid(format!(
                            "line {line}: the {} `{code}` has no `{lang}` label; each entry needs fr, nl and en labels",
                            dim.singular()
                        )));
                    }
                    if v.chars().count() > MAX_LABEL || v.chars().any(char::is_control) {
                        return Err(invalid(format!(
                            "line {line}: the `{lang}` label of `{code}` must be one line of at most {MAX_LABEL} characters"
                        )));
                    }
                    Ok(v)
                };
                let labels = Labels {
                    fr: label("fr", raw.fr)?,
                    nl: label("nl", raw.nl)?,
                    en: label("en", raw.en)?,
                };
                out.list_mut(dim).push(Entry {
                    code,
                    labels,
                    retired: raw.retired,
                });
            }
        }
        if !out.types.iter().any(|e| !e.retired) {
            return Err(invalid(
                "no type to offer: at least one [[types]] entry without `retired = true` is needed"
                    .into(),
            ));
        }
        Ok(out)
    }

    /// Reads the file at `path`. When it is absent and the path was not set explicitly (the
    /// default beside the configuration), the built-in default is used.
    pub fn load(path: &Path, explicit: bool) -> Result<(Taxonomy, Source), TaxonomyError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Ok((
                Taxonomy::parse(&text, path)?,
                Source::File(path.to_path_buf()),
            )),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
                Ok((Taxonomy::builtin(), Source::BuiltIn(path.to_path_buf())))
            }
            Err(source) => Err(TaxonomyError::Read {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// The built-in default.
    pub fn builtin() -> Taxonomy {
        Taxonomy::parse(DEFAULT, Path::new("deploy/classification.toml"))
            .expect("the default classification is valid")
    }

    /// One list.
    pub fn entries(&self, dim: Dimension) -> &[Entry] {
        match dim {
            Dimension::Type => &self.types,
            Dimension::Category => &self.categories,
            Dimension::Role => &self.roles,
        }
    }

    fn list_mut(&mut self, dim: Dimension) -> &mut Vec<Entry> {
        match dim {
            Dimension::Type => &mut self.types,
            Dimension::Category => &mut self.categories,
            Dimension::Role => &mut self.roles,
        }
    }

    /// The entry of `code` in a list.
    pub fn find(&self, dim: Dimension, code: &str) -> Option<&Entry> {
        self.entries(dim).iter().find(|e| e.code == code)
    }

    /// Refuses a file that lacks a code live tickets use.
    pub fn check_in_use(&self, in_use: &CodesInUse) -> Result<(), String> {
        let missing: Vec<String> = in_use
            .iter()
            .filter(|(dim, code)| self.find(*dim, code).is_none())
            .map(|(dim, code)| format!("the {} `{code}`", dim.singular()))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        Err(format!(
            "{} {} used by tickets but no longer in the file; put {} back (add `retired = true` to stop offering {})",
            missing.join(", "),
            if missing.len() == 1 { "is" } else { "are" },
            if missing.len() == 1 { "it" } else { "them" },
            if missing.len() == 1 { "it" } else { "them" },
        ))
    }

    /// Checks a classification a counsellor gives: every code exists and is offered; the
    /// categories are made unique. Returns it in canonical form.
    pub fn admit(&self, c: &Classification) -> Result<Classification, String> {
        let check = |dim: Dimension, code: &str| -> Result<String, String> {
            let code = code.trim().to_ascii_lowercase();
            match self.find(dim, &code) {
                Some(e) if !e.retired => Ok(code),
                Some(_) => Err(format!(
                    "the {} `{code}` is retired and no longer offered; `ticket classification` lists the codes",
                    dim.singular()
                )),
                None => Err(format!(
                    "there is no {} `{code}`; `ticket classification` lists the codes",
                    dim.singular()
                )),
            }
        };
        let kind = check(Dimension::Type, &c.kind)?;
        let mut categories = Vec::new();
        for cat in &c.categories {
            let cat = check(Dimension::Category, cat)?;
            if !categories.contains(&cat) {
                categories.push(cat);
            }
        }
        // In the file's order, so that equal classifications are stored alike.
        categories.sort_by_key(|c| self.categories.iter().position(|e| &e.code == c));
        let role = c
            .role
            .as_deref()
            .map(|r| check(Dimension::Role, r))
            .transpose()?;
        Ok(Classification {
            kind,
            categories,
            role,
        })
    }
}

/// Writes the default classification to `path` unless a file is there (`sourdine init`);
/// returns what it created.
pub fn install(path: &Path) -> std::io::Result<Vec<String>> {
    if path.exists() {
        return Ok(Vec::new());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, DEFAULT)?;
    Ok(vec![path.display().to_string()])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Taxonomy, String> {
        Taxonomy::parse(text, Path::new("/etc/sourdine/classification.toml"))
            .map_err(|e| e.to_string())
    }

    const ONE: &str = "[[types]]\ncode = \"a\"\nfr = \"A fr\"\nnl = \"A nl\"\nen = \"A en\"\n";

    #[test]
    fn the_default_is_valid_and_complete() {
        let t = Taxonomy::builtin();
        assert!(t.types.len() >= 5 && t.categories.len() >= 5 && t.roles.len() >= 4);
        for code in [
            "counselling",
            "information",
            "silent_or_test",
            "abusive",
            "misdirected",
        ] {
            assert!(t.find(Dimension::Type, code).is_some(), "{code}");
        }
        for code in ["own", "relative", "professional", "unknown"] {
            assert!(t.find(Dimension::Role, code).is_some(), "{code}");
        }
    }

    #[test]
    fn a_duplicate_code_is_named_with_both_lines() {
        let e = parse(&format!("{ONE}\n{ONE}")).unwrap_err();
        assert_eq!(
            e,
            "classification file /etc/sourdine/classification.toml: line 8: the code `a` appears twice among the types (also at line 2); each code must be unique"
        );
    }

    #[test]
    fn a_missing_label_is_named() {
        let e = parse("[[types]]\ncode = \"a\"\nfr = \"x\"\nen = \"y\"\n").unwrap_err();
        assert!(
            e.ends_with(
                "line 2: the type `a` has no `nl` label; each entry needs fr, nl and en labels"
            ),
            "{e}"
        );
        let e = parse(&format!(
            "{ONE}[[roles]]\ncode = \"r\"\nfr = \"x\"\nnl = \" \"\nen = \"y\"\n"
        ))
        .unwrap_err();
        assert!(e.contains("the role `r` has no `nl` label"), "{e}");
    }

    #[test]
    fn bad_codes_and_keys_are_refused() {
        for (text, want) in [
            (ONE.replace("\"a\"", "\"Bad Code\""), "is not valid"),
            (ONE.replace("\"a\"", "\"unclassified\""), "is reserved"),
            (format!("{ONE}colour = 1\n"), "unknown field `colour`"),
            ("[[categories]]\nfr = \"x\"\n".to_string(), "has no `code`"),
            (String::new(), "no type to offer"),
            (format!("{ONE}retired = true\n"), "no type to offer"),
        ] {
            let e = parse(&text).unwrap_err();
            assert!(e.contains(want), "{text:?}: {e}");
        }
    }

    #[test]
    fn codes_in_use_must_stay() {
        let t = parse(ONE).unwrap();
        let mut used = CodesInUse::new();
        used.insert((Dimension::Type, "a".into()));
        assert!(t.check_in_use(&used).is_ok());
        used.insert((Dimension::Category, "gone".into()));
        let e = t.check_in_use(&used).unwrap_err();
        assert!(
            e.starts_with("the category `gone` is used by tickets"),
            "{e}"
        );
    }

    #[test]
    fn a_classification_is_checked_and_made_canonical() {
        let t = Taxonomy::builtin();
        let c = t
            .admit(&Classification {
                kind: "Counselling".into(),
                categories: vec!["other".into(), "online_material".into(), "other".into()],
                role: Some("own".into()),
            })
            .unwrap();
        assert_eq!(c.kind, "counselling");
        assert_eq!(c.categories, ["online_material", "other"]);
        assert_eq!(
            c.audit_text(),
            "type counselling; categories online_material, other; role own"
        );
        let e = t
            .admit(&Classification {
                kind: "nope".into(),
                ..Default::default()
            })
            .unwrap_err();
        assert!(e.contains("there is no type `nope`"), "{e}");
        let mut retired = t.clone();
        retired.types[0].retired = true;
        let e = retired
            .admit(&Classification {
                kind: "counselling".into(),
                ..Default::default()
            })
            .unwrap_err();
        assert!(e.contains("retired"), "{e}");
    }

    #[test]
    fn a_missing_default_file_falls_back_but_an_explicit_one_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("classification.toml");
        let (t, src) = Taxonomy::load(&p, false).unwrap();
        assert_eq!(t, Taxonomy::builtin());
        assert_eq!(src, Source::BuiltIn(p.clone()));
        assert!(matches!(
            Taxonomy::load(&p, true),
            Err(TaxonomyError::Read { .. })
        ));
    }
}
