//! What `ticket` says to a person, in the counsellor's language: French, Dutch or English.
//!
//! The texts live in Fluent message files, one per language and program
//! (`locales/fr/ticket.ftl`, `locales/nl/ticket.ftl`, `locales/en/ticket.ftl`), which a
//! helpline can read and correct without reading code; they are built into the binary. The
//! code names a message by its id and gives its variables:
//!
//! ```
//! use sourdine::anonymise::Language;
//! use sourdine::tr;
//! assert_eq!(tr!(Language::Fr, "key-quit"), "quitter");
//! assert_eq!(tr!(Language::En, "inbox-count", count = 1), "1 ticket");
//! ```
//!
//! The language is chosen by [`super::lang::resolve`] (`--lang`, `$SOURDINE_LANG`, the
//! locale, else English). A message missing from one language (a test forbids it) falls back
//! to English, then to its id. Fluent's bidi isolation marks are off: every text still goes
//! through the display filter, which would show them as `�`.

use std::sync::OnceLock;

use fluent_bundle::FluentResource;
use fluent_bundle::concurrent::FluentBundle;

use crate::anonymise::Language;

pub use fluent_bundle::FluentValue as Value;

/// The message files, built in: (language, file name, text).
pub const FILES: &[(Language, &str, &str)] = &[
    (
        Language::En,
        "locales/en/ticket.ftl",
        include_str!("../../locales/en/ticket.ftl"),
    ),
    (
        Language::Fr,
        "locales/fr/ticket.ftl",
        include_str!("../../locales/fr/ticket.ftl"),
    ),
    (
        Language::Nl,
        "locales/nl/ticket.ftl",
        include_str!("../../locales/nl/ticket.ftl"),
    ),
];

/// The language tag of a language sourdine speaks (English for `Unknown`).
pub fn tag(lang: Language) -> &'static str {
    match lang {
        Language::Fr => "fr",
        Language::Nl => "nl",
        Language::En | Language::Unknown => "en",
    }
}

type Bundle = FluentBundle<FluentResource>;

/// One bundle per language, made once.
fn bundles() -> &'static [(Language, Bundle)] {
    static BUNDLES: OnceLock<Vec<(Language, Bundle)>> = OnceLock::new();
    BUNDLES.get_or_init(|| {
        FILES
            .iter()
            .map(|(lang, _, text)| {
                let id = tag(*lang).parse().expect("a valid language tag");
                let mut bundle = Bundle::new_concurrent(vec![id]);
                bundle.set_use_isolating(false);
                // A file with a syntax error keeps the messages it could read (a test
                // forbids errors).
                let resource = FluentResource::try_new(text.to_string()).unwrap_or_else(|(r, _)| r);
                let _ = bundle.add_resource(resource);
                (*lang, bundle)
            })
            .collect()
    })
}

fn bundle(lang: Language) -> &'static Bundle {
    let lang = if lang == Language::Unknown {
        Language::En
    } else {
        lang
    };
    let all = bundles();
    &all.iter().find(|(l, _)| *l == lang).unwrap_or(&all[0]).1
}

/// The message `id` in `lang` with its variables `args` (name, value); English when `lang`
/// lacks it, the id itself when no language has it.
pub fn message(lang: Language, id: &str, args: &[(&str, Value<'_>)]) -> String {
    let mut fluent_args = fluent_bundle::FluentArgs::with_capacity(args.len());
    for (name, value) in args {
        fluent_args.set(*name, value.clone());
    }
    for b in [bundle(lang), bundle(Language::En)] {
        if let Some(pattern) = b.get_message(id).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            return b
                .format_pattern(pattern, Some(&fluent_args), &mut errors)
                .into_owned();
        }
    }
    id.to_string()
}

/// The message `id` (or its attribute `attribute`, as `id.long`) without variables, in
/// `lang`, else in English; None when no language has it (code whose texts are not yet in
/// the message files keeps its own).
pub fn lookup(lang: Language, id: &str, attribute: Option<&str>) -> Option<String> {
    for b in [bundle(lang), bundle(Language::En)] {
        let Some(m) = b.get_message(id) else {
            continue;
        };
        let pattern = match attribute {
            None => m.value(),
            Some(a) => m.get_attribute(a).map(|a| a.value()),
        };
        if let Some(pattern) = pattern {
            let mut errors = Vec::new();
            return Some(b.format_pattern(pattern, None, &mut errors).into_owned());
        }
    }
    None
}

/// The language of this process, set once by the binary: for texts made where no
/// language is at hand (a prompt's hint, the refusal without `--yes`). English until set.
static CURRENT: OnceLock<Language> = OnceLock::new();

/// Sets the language of this process's texts ([`current`]); only the first call counts.
pub fn set_current(lang: Language) {
    let _ = CURRENT.set(lang);
}

/// The language of this process's texts: the one set by [`set_current`], else English.
pub fn current() -> Language {
    CURRENT.get().copied().unwrap_or(Language::En)
}

/// A message in the counsellor's language: `tr!(lang, "id")` or
/// `tr!(lang, "id", name = value, ...)` (values: text or numbers). See [`message`].
#[macro_export]
macro_rules! tr {
    ($lang:expr, $id:literal) => {
        $crate::cli::i18n::message($lang, $id, &[])
    };
    ($lang:expr, $id:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::cli::i18n::message(
            $lang,
            $id,
            &[$((stringify!($name), $crate::cli::i18n::Value::from($value))),+],
        )
    };
}

#[cfg(test)]
mod tests;
