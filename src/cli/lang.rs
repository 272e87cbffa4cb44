//! The language `ticket` speaks to its user: `--lang`, else `$SOURDINE_LANG`, else the locale
//! (`LC_ALL`, then `LC_MESSAGES`, then `LANG`), else English. French, Dutch and English only.

use crate::anonymise::Language;

/// A language given by the user that sourdine does not speak.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{source_name} is {value:?}; it must be fr, nl or en")]
pub struct LangError {
    /// Where it was given (`SOURDINE_LANG`).
    pub source_name: &'static str,
    /// What was given.
    pub value: String,
}

/// Parses `fr`, `nl` or `en` (any case), for `--lang`.
pub fn parse(value: &str) -> Result<Language, String> {
    match value.trim().to_ascii_lowercase().as_str() {
        "fr" => Ok(Language::Fr),
        "nl" => Ok(Language::Nl),
        "en" => Ok(Language::En),
        _ => Err("must be fr, nl or en".into()),
    }
}

/// The language of a locale name (`fr_BE.UTF-8`, `nl`, `en_GB@euro`), when it is one of ours.
fn of_locale(locale: &str) -> Option<Language> {
    let lang = locale
        .split(['_', '.', '@', '-'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    parse(&lang).ok()
}

/// Resolves the language from `flag` (`--lang`) and `env` (a variable's value by name).
pub fn resolve_with(
    flag: Option<Language>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Language, LangError> {
    if let Some(l) = flag {
        return Ok(l);
    }
    if let Some(v) = env("SOURDINE_LANG").filter(|v| !v.trim().is_empty()) {
        return parse(&v).map_err(|_| LangError {
            source_name: "SOURDINE_LANG",
            value: v,
        });
    }
    // The first locale variable that is set decides (POSIX precedence); one naming another
    // language (or C/POSIX) means English.
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|k| env(k).filter(|v| !v.trim().is_empty()));
    Ok(locale.and_then(|l| of_locale(&l)).unwrap_or(Language::En))
}

/// Resolves the language from `--lang` and this process's environment.
pub fn resolve(flag: Option<Language>) -> Result<Language, LangError> {
    resolve_with(flag, |k| std::env::var(k).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn the_flag_then_the_variable_then_the_locale_then_english() {
        let all = [
            ("SOURDINE_LANG", "nl"),
            ("LC_ALL", "fr_BE.UTF-8"),
            ("LANG", "en_US.UTF-8"),
        ];
        assert_eq!(
            resolve_with(Some(Language::En), env(&all)),
            Ok(Language::En)
        );
        assert_eq!(resolve_with(None, env(&all)), Ok(Language::Nl));
        assert_eq!(resolve_with(None, env(&all[1..])), Ok(Language::Fr));
        assert_eq!(
            resolve_with(None, env(&[("LC_MESSAGES", "nl_BE"), ("LANG", "fr_BE")])),
            Ok(Language::Nl)
        );
        assert_eq!(
            resolve_with(None, env(&[("LANG", "de_DE.UTF-8")])),
            Ok(Language::En)
        );
        assert_eq!(
            resolve_with(None, env(&[("LC_ALL", "C"), ("LANG", "fr_BE")])),
            Ok(Language::En)
        );
        assert_eq!(resolve_with(None, env(&[])), Ok(Language::En));
    }

    #[test]
    fn an_unknown_variable_value_is_an_error() {
        let e = resolve_with(None, env(&[("SOURDINE_LANG", "de")])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "SOURDINE_LANG is \"de\"; it must be fr, nl or en"
        );
        assert_eq!(parse("FR"), Ok(Language::Fr));
        assert!(parse("es").is_err());
    }
}
