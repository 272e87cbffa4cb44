//! Characters that show nothing: zero-width spaces and joiners, byte-order marks, soft hyphens,
//! tag characters, variation selectors, fillers. Text copied from a web page or an app can carry
//! a hidden mark in them (a watermark, a tracking code) that outlives copy and paste; a
//! terminal shows nothing of it, so nobody would notice it reaching a counsellor.
//!
//! They are removed, but where a script needs one to be written correctly: a joiner (ZWJ, ZWNJ)
//! between two letters of a joining script (Arabic, Persian, Indic...) or between two emoji;
//! one variation selector after a character it can vary (an emoji or symbol, a CJK ideograph, a
//! Mongolian letter). Runs of them, where one would do, are cut to that one.

use std::borrow::Cow;

/// Whether `c` is a default-ignorable code point (Unicode's list, which covers the invisible
/// format characters) or one of the fillers that render as nothing.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{3164}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}'
        | '\u{FFA0}'
        | '\u{FFF0}'..='\u{FFFB}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E0FFF}')
}

/// Letters of scripts whose spelling uses ZWJ and ZWNJ (Arabic and Persian, Syriac, Thaana,
/// N'Ko, the Indic scripts, Sinhala, Tibetan, Myanmar, Khmer, Mongolian).
fn is_joining_letter(c: char) -> bool {
    c.is_alphabetic()
        && matches!(c,
            '\u{0600}'..='\u{08FF}'
            | '\u{0900}'..='\u{0DFF}'
            | '\u{0F00}'..='\u{0FFF}'
            | '\u{1000}'..='\u{109F}'
            | '\u{1780}'..='\u{18AF}'
            | '\u{A8E0}'..='\u{A8FF}'
            | '\u{FB50}'..='\u{FDFF}'
            | '\u{FE70}'..='\u{FEFC}')
}

/// Emoji and pictographic symbols (what ZWJ sequences and emoji variation selectors join).
fn is_emoji(c: char) -> bool {
    matches!(c,
        '\u{00A9}' | '\u{00AE}' | '\u{203C}' | '\u{2049}' | '\u{2122}' | '\u{2139}'
        | '\u{2190}'..='\u{21FF}'
        | '\u{2300}'..='\u{23FF}'
        | '\u{24C2}'
        | '\u{25A0}'..='\u{27BF}'
        | '\u{2900}'..='\u{297F}'
        | '\u{2B00}'..='\u{2BFF}'
        | '\u{3030}' | '\u{303D}' | '\u{3297}' | '\u{3299}'
        | '\u{1F000}'..='\u{1FAFF}')
}

fn is_ideograph(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3FFFF}')
}

/// Whether the invisible `c`, between `prev` (the last character kept) and `next`, is needed.
fn needed(c: char, prev: Option<char>, next: Option<char>) -> bool {
    let (Some(p), n) = (prev, next) else {
        return false;
    };
    match c {
        // ZWNJ, ZWJ.
        '\u{200C}' | '\u{200D}' => {
            let n = n.unwrap_or(' ');
            (is_joining_letter(p) && is_joining_letter(n))
                || (c == '\u{200D}' && is_emoji(p) && is_emoji(n))
        }
        // Text and emoji presentation selectors (also on keycap digits, `#` and `*`).
        '\u{FE0E}' | '\u{FE0F}' => is_emoji(p) || p.is_ascii_digit() || p == '#' || p == '*',
        // Standardised variants of ideographs and mathematical symbols.
        '\u{FE00}'..='\u{FE0D}' => is_ideograph(p) || matches!(p, '\u{2200}'..='\u{22FF}'),
        // Ideographic variation sequences.
        '\u{E0100}'..='\u{E01EF}' => is_ideograph(p),
        // Mongolian free variation selectors and vowel separator.
        '\u{180B}'..='\u{180F}' => matches!(p, '\u{1820}'..='\u{18AF}'),
        _ => false,
    }
}

/// Whether `b` holds a byte sequence that starts the UTF-8 form of an invisible character (a
/// superset: typographic quotes, for instance, share a first two bytes with some).
fn might_hold_invisible(b: &[u8]) -> bool {
    b.windows(3).any(|w| {
        matches!(
            (w[0], w[1], w[2]),
            (0xC2, 0xAD, _)
                | (0xCD, 0x8F, _)
                | (0xD8, 0x9C, _)
                | (0xE1, 0x85 | 0x9E | 0xA0, _)
                | (0xE2, 0x80, 0x8B..=0x8F | 0xAA..=0xAE)
                | (0xE2, 0x81, 0xA0..=0xAF)
                | (0xE3, 0x85, _)
                | (0xEF, 0xB8 | 0xBB | 0xBE | 0xBF, _)
                | (0xF0, 0x9B | 0x9D, _)
                | (0xF3, 0xA0, _)
        )
    }) || [[0xC2, 0xAD], [0xCD, 0x8F], [0xD8, 0x9C]]
        .iter()
        .any(|two| b.ends_with(two))
}

/// `text` without its invisible characters (see the module documentation). Linear: each
/// character is looked at once, with the one before and the one after.
pub fn strip(text: &str) -> Cow<'_, str> {
    let mut work = 0;
    strip_counted(text, &mut work)
}

/// [`strip`], adding the characters examined to `work`.
fn strip_counted<'a>(text: &'a str, work: &mut u64) -> Cow<'a, str> {
    // Every invisible character is at or above U+00AD: ASCII text has none, and a cheap look
    // at their UTF-8 forms tells most other texts.
    if text.is_ascii() || !might_hold_invisible(text.as_bytes()) || !text.chars().any(is_invisible)
    {
        *work += text.len() as u64;
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut prev: Option<char> = None;
    // Whether the last character kept was an invisible one (at most one follows a character).
    let mut after_kept_invisible = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        *work += 1;
        if !is_invisible(c) {
            out.push(c);
            prev = Some(c);
            after_kept_invisible = false;
            continue;
        }
        if !after_kept_invisible && needed(c, prev, chars.peek().copied()) {
            out.push(c);
            after_kept_invisible = true;
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_width_and_tag_characters_are_removed() {
        let hidden: String = "abc"
            .chars()
            .map(|c| char::from_u32(0xE0000 + c as u32).unwrap())
            .collect();
        let text = format!(
            "I\u{200B}am\u{FEFF} here\u{2060}.\u{00AD} {hidden}\u{E007F}ok\u{200E}\u{180E}\u{3164}"
        );
        assert_eq!(strip(&text), "Iam here. ok");
    }

    #[test]
    fn joiners_and_selectors_that_a_script_needs_stay() {
        // Persian: ZWNJ between two letters.
        assert_eq!(strip("می\u{200C}خواهم"), "می\u{200C}خواهم");
        // An emoji ZWJ sequence and an emoji presentation selector.
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}";
        assert_eq!(strip(family), family);
        assert_eq!(strip("\u{2764}\u{FE0F} love"), "\u{2764}\u{FE0F} love");
        // Between Latin letters, or in runs, they carry nothing a reader needs.
        assert_eq!(strip("a\u{200C}b\u{200D}c"), "abc");
        assert_eq!(
            strip("\u{2764}\u{FE0F}\u{FE0F}\u{FE0E}\u{E0101}"),
            "\u{2764}\u{FE0F}"
        );
        assert_eq!(strip("x\u{FE0F}\u{E0100}"), "x");
        assert_eq!(strip("\u{845B}\u{E0100}"), "\u{845B}\u{E0100}");
        // A smuggled payload after an emoji: one selector kept at most.
        let smuggled: String = std::iter::once('\u{1F600}')
            .chain((0..64).map(|i| char::from_u32(0xE0100 + i).unwrap()))
            .collect();
        assert_eq!(strip(&smuggled), "\u{1F600}");
    }

    #[test]
    fn every_invisible_character_is_found_also_at_the_end() {
        for c in ('\u{A0}'..='\u{10FFFF}').filter(|&c| is_invisible(c)) {
            let alone = c.to_string();
            let after = format!("é{c}");
            assert!(
                might_hold_invisible(alone.as_bytes()) || alone.len() < 3,
                "U+{:04X}",
                c as u32
            );
            assert!(might_hold_invisible(after.as_bytes()), "U+{:04X}", c as u32);
            assert_eq!(strip(&format!("{after}x")), "éx", "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn ordinary_text_is_borrowed_unchanged() {
        for t in ["plain ASCII", "Grüße, à bientôt, ça va ?", "こんにちは"] {
            assert!(matches!(strip(t), Cow::Borrowed(s) if s == t));
        }
    }

    #[test]
    fn work_is_linear_in_the_text() {
        let unit = "word\u{200B}\u{200C}\u{FE0F}\u{E0041} \u{1F600}\u{200D}\u{1F600}\n";
        let cost = |n: usize| {
            let mut work = 0;
            strip_counted(&unit.repeat(n), &mut work);
            work
        };
        let (small, large) = (cost(1000), cost(8000));
        assert!(large <= small * 10, "{small} then {large}");
    }
}
