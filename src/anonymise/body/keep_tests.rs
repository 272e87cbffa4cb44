//! The writer's words are never removed with what is recognised around them (attribution
//! lines, reply headers, signatures), in plain text and in HTML.

use super::*;

const WORDS: &str = "I am scared, my stepfather hits me";

#[test]
fn the_line_before_an_attribution_is_kept() {
    for attribution in [
        "On Mon, 3 Jun 2024 at 10:00, Jane Doe <jane@example.org> wrote:",
        "On Mon, Jun 3, 2024 at 10:00 AM Jane Doe <jane@example.org> wrote:",
        "Le lun. 3 juin 2024 à 10:00, Jane Doe <jane@example.org> a écrit :",
        "Op ma 3 jun. 2024 om 10:00 schreef Jane Doe <jane@example.org>:",
        "Am Mo., 3. Juni 2024 um 10:00 Uhr schrieb Jane Doe <jane@example.org>:",
        "Jane Doe <jane@example.org> wrote:",
        "Jane Doe wrote:",
    ] {
        for sep in ["\n", "\n\n"] {
            let text = format!("{WORDS}{sep}{attribution}\n> earlier text\n");
            let r = redact_attributions(&text);
            assert!(r.starts_with(WORDS), "{attribution:?}: {r}");
            assert!(!r.contains("Jane") && !r.contains("jane@"), "{r}");
            assert!(r.contains("> earlier text"), "{r}");
        }
    }
}

#[test]
fn a_sentence_shaped_like_an_attribution_is_kept() {
    for text in [
        // No date: not surely an attribution.
        "On Monday my stepfather hit me and my mother wrote:\n> leave the house",
        // A wrapped form whose first line is the writer's.
        "I told my teacher everything\nand then she wrote:\n> come and see me",
        // An undated form whose name slot is a sentence.
        "I was so scared that I did not know what my friend wrote:\n> are you ok",
        "Do you understand what he wrote?!:\n> nothing",
    ] {
        assert_eq!(redact_attributions(text), text);
    }
}

#[test]
fn the_writers_line_after_a_reply_header_is_kept() {
    let text = "From: Jane Doe <jane@example.org>\nSent: Monday, June 3, 2024 10:00\nTo: Bob Smith <bob@example.org>\nI am scared, my stepfather hits me";
    let r = redact_attributions(text);
    assert!(r.ends_with(WORDS), "{r}");
    for leak in ["Jane", "jane@", "Bob", "bob@"] {
        assert!(!r.contains(leak), "{leak}: {r}");
    }
    // A wrapped address list is still folded into the redaction.
    let r = redact_attributions(
        "From: Jane <j@x.example>\nSent: Monday\nTo: Bob Smith;\nAlice Jones\nSubject: hi\n",
    );
    assert!(!r.contains("Alice") && !r.contains("Bob"), "{r}");
}

#[test]
fn html_text_before_a_gmail_quote_is_kept() {
    let html = format!(
        r#"<div dir="ltr"><div>{WORDS}</div><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, 3 Jun 2024 at 10:00, Jane Doe &lt;jane@example.org&gt; wrote:<br></div><blockquote class="gmail_quote">earlier text</blockquote></div></div>"#
    );
    let t = html_body_to_text(&html, true);
    assert!(t.contains(WORDS), "{t}");
    assert!(!t.contains("Jane") && !t.contains("jane@"), "{t}");
    assert!(t.contains("earlier text"), "{t}");
}

#[test]
fn the_line_before_a_signature_is_kept() {
    for text in [
        format!("{WORDS}\n-- \nJane Doe\n0470 11 22 33\n"),
        format!("{WORDS}\n--\nJane Doe\n"),
    ] {
        let t = remove_plain_signature(&text);
        assert_eq!(t.trim_end(), WORDS, "{text:?}");
    }
    // The HTML alternative's signature found in the plain text: the writer's line stays.
    let plain = format!("{WORDS}\nJane Doe\nCoordinatrice\n+32 2 555 03 19\n");
    let out = remove_signature_text(&plain, "Jane Doe\nCoordinatrice\n+32 2 555 03 19");
    assert_eq!(out.trim_end(), WORDS);
}

#[test]
fn text_full_of_escaped_characters_is_kept_whole() {
    // Long runs of `&` and no-break spaces are split for the serialiser, invisibly.
    let html = format!("<p>{WORDS} {}</p><p>end</p>", "&amp;\u{a0}".repeat(20_000));
    let t = html_body_to_text(&html, true);
    assert!(t.starts_with(WORDS), "{}", &t[..80]);
    assert!(t.trim_end().ends_with("end"), "{}", &t[t.len() - 80..]);
    assert_eq!(t.matches('&').count(), 20_000);
    assert!(!t.contains("<!--"));
}

#[test]
fn deeply_nested_text_is_flattened_not_lost() {
    let html = format!(
        "{}<div>{WORDS}</div><div>second block</div><script>evil()</script><style>p{{}}</style>{}",
        "<div><table><tr><td>".repeat(60),
        "</td></tr></table></div>".repeat(60)
    );
    assert!(html_nesting_estimate(&html) <= MAX_HTML_NESTING);
    let t = html_body_to_text(&html, true);
    assert!(t.contains(WORDS), "{t}");
    assert!(
        !t.contains("me second") && t.contains("second block"),
        "{t}"
    );
    assert!(!t.contains("evil") && !t.contains("p{"), "{t}");
}
