//! Tell the language of a text (French, Dutch, English) from its words alone.

use serde::{Deserialize, Serialize};

/// A language the helpline answers in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// French.
    Fr,
    /// Dutch.
    Nl,
    /// English.
    En,
    /// Not told.
    #[default]
    Unknown,
}

/// Very common words of one language only (words shared between the languages, such as
/// `de`, `en`, `je`, `in`, `is`, `me`, `a`, `was`, `we`, `of`, are left out).
const FR: &[&str] = &[
    "le", "la", "les", "des", "du", "un", "une", "et", "est", "tu", "il", "elle", "nous", "vous",
    "ils", "elles", "que", "qui", "ne", "se", "ce", "ça", "dans", "pour", "avec", "sur", "mais",
    "ou", "au", "aux", "ai", "suis", "mon", "ma", "mes", "sa", "ses", "cette", "très", "j", "qu",
    "c", "l", "moi", "toi", "lui", "leur", "pas", "plus", "fait", "être", "avoir", "sont", "été",
    "aussi", "comme", "quand", "parce", "rien", "tout", "tous", "bien", "peux", "veux", "sais",
];
const NL: &[&str] = &[
    "het", "een", "van", "ik", "niet", "dat", "die", "op", "zijn", "voor", "maar", "er", "ook",
    "als", "wat", "naar", "heb", "hij", "zij", "mijn", "om", "aan", "bij", "dan", "nog", "wel",
    "geen", "kan", "deze", "hebben", "wordt", "heel", "mij", "jij", "ben", "hoe", "waar", "omdat",
    "zo", "uit", "door", "worden", "zich", "haar", "hem", "jullie", "weet", "echt", "altijd",
    "niemand", "iets", "mijzelf", "hier", "moet", "wil", "gaat", "heeft",
];
const EN: &[&str] = &[
    "the", "and", "i", "you", "to", "it", "that", "my", "not", "have", "be", "for", "with", "this",
    "but", "are", "what", "do", "so", "he", "she", "they", "at", "just", "can", "am", "been",
    "would", "about", "don", "feel", "myself", "anyone", "really", "know", "because", "there",
    "their", "from", "your", "will", "if", "or", "no", "all", "has", "how",
];

/// Fewest stop words the winning language must have.
const MIN_HITS: usize = 3;

/// Every stop word with its language (0 French, 1 Dutch, 2 English), as its bytes packed into
/// an integer ([`packed`]), sorted for search.
static STOP_WORDS: std::sync::LazyLock<Vec<(u64, usize)>> = std::sync::LazyLock::new(|| {
    let mut all: Vec<(u64, usize)> = [FR, NL, EN]
        .iter()
        .enumerate()
        .flat_map(|(lang, words)| words.iter().map(move |w| (packed(w), lang)))
        .collect();
    all.sort_unstable();
    all
});

/// A word of at most [`LONGEST`] bytes as one integer, so that looking it up compares
/// integers, not strings.
fn packed(word: &str) -> u64 {
    let mut bytes = [0u8; LONGEST];
    bytes[..word.len()].copy_from_slice(word.as_bytes());
    u64::from_le_bytes(bytes)
}

/// Longest stop word, in bytes (`mijzelf`, `niemand`, `because`...): longer words are
/// skipped without being lowered.
const LONGEST: usize = 8;

/// Words looked at, at most: a long message has said its language well before this.
const MAX_WORDS: usize = 400;

/// Tells the language of `text` by counting very common words of French, Dutch and English.
///
/// `Unknown` when fewer than three such words are found, or when the most frequent language
/// does not have half again as many as the next one. Only the first 400 words count.
pub fn detect(text: &str) -> Language {
    let mut counts = [0usize; 3];
    let mut lowered = String::with_capacity(LONGEST * 2);
    for word in text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .take(MAX_WORDS)
    {
        if word.len() > LONGEST {
            continue;
        }
        lowered.clear();
        if word.is_ascii() {
            lowered.push_str(word);
            lowered.make_ascii_lowercase();
        } else {
            lowered.extend(word.chars().flat_map(char::to_lowercase));
        }
        if lowered.len() > LONGEST {
            continue;
        }
        let key = packed(&lowered);
        if let Ok(i) = STOP_WORDS.binary_search_by_key(&key, |(w, _)| *w) {
            counts[STOP_WORDS[i].1] += 1;
        }
    }
    let langs = [Language::Fr, Language::Nl, Language::En];
    let mut order = [0usize, 1, 2];
    order.sort_by(|&a, &b| counts[b].cmp(&counts[a]));
    let (best, second) = (counts[order[0]], counts[order[1]]);
    if best < MIN_HITS || best * 2 < second * 3 {
        return Language::Unknown;
    }
    langs[order[0]]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_do_not_overlap() {
        for w in FR.iter().chain(NL).chain(EN) {
            assert!(w.len() <= LONGEST, "{w} is longer than LONGEST");
        }
        for w in FR {
            assert!(!NL.contains(w) && !EN.contains(w), "{w}");
        }
        for w in NL {
            assert!(!EN.contains(w), "{w}");
        }
    }

    #[test]
    fn french() {
        let t = "Bonjour, je ne sais pas à qui parler. Depuis des mois je me sens seule et \
                 j'ai peur de le dire à ma famille.";
        assert_eq!(detect(t), Language::Fr);
    }

    #[test]
    fn dutch() {
        let t = "Hallo, ik weet niet met wie ik moet praten. Het gaat al maanden niet goed met \
                 mij en ik durf het niet aan mijn ouders te vertellen.";
        assert_eq!(detect(t), Language::Nl);
    }

    #[test]
    fn english() {
        let t = "Hello, I don't know who to talk to. For months I have felt alone and I am \
                 afraid to tell my family about it.";
        assert_eq!(detect(t), Language::En);
    }

    #[test]
    fn short_or_empty_text_is_unknown() {
        assert_eq!(detect(""), Language::Unknown);
        assert_eq!(detect("Merci"), Language::Unknown);
        assert_eq!(detect("ok 12345 !!!"), Language::Unknown);
    }

    #[test]
    fn evenly_mixed_text_is_unknown() {
        let t = "Je ne sais pas, les gens. I don't know the answer. Ik weet het niet echt.";
        assert_eq!(detect(t), Language::Unknown);
    }

    #[test]
    fn mostly_one_language_with_a_few_foreign_words() {
        let t = "Je suis désolée, mais c'est vraiment difficile pour moi. Sorry. Je ne sais \
                 plus quoi faire avec mes parents, ils ne comprennent rien.";
        assert_eq!(detect(t), Language::Fr);
    }
}
