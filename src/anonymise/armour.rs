//! ASCII armour in message text: inline PGP (a clearsigned message, a signature, a key block,
//! an encrypted message) and PEM objects (certificates, keys). A key block holds its owner's
//! name and address, a signature names its key, a certificate names its subject: none of it is
//! text the writer wrote for a reader.
//!
//! Each armoured block is replaced by a one-line note. Of a clearsigned message, the armour
//! lines (`-----BEGIN PGP SIGNED MESSAGE-----` and its `Hash:` header) go, and the signed text
//! stays, with its dash-escaping undone (RFC 4880, 7.1). A block is taken only as far as its
//! lines look like armour (header lines, base64, the checksum): an unterminated block never
//! swallows the text after it.

use std::borrow::Cow;

/// Armour lines start with five dashes: text without them is returned as it is.
const DASHES: &str = "-----";

/// Leading quote markers of a line (`>`, `> >`, ...) and the space after them.
fn quote_prefix(line: &str) -> &str {
    let end = line
        .char_indices()
        .find(|&(_, c)| c != '>' && c != ' ')
        .map(|(i, _)| i)
        .unwrap_or(line.len());
    let prefix = &line[..end];
    if prefix.contains('>') { prefix } else { "" }
}

/// The label of an armour line `-----BEGIN LABEL-----` (or `END`), if `content` is one.
fn armour_label<'a>(content: &'a str, word: &str) -> Option<&'a str> {
    let rest = content.trim().strip_prefix(DASHES)?.strip_prefix(word)?;
    let label = rest.strip_prefix(' ')?.strip_suffix(DASHES)?;
    (!label.is_empty()
        && label.len() <= 60
        && label
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || " ,/-".contains(c)))
    .then_some(label)
}

/// The note that replaces a block of this label.
fn note(label: &str) -> &'static str {
    if label.starts_with("PGP SIGNATURE") {
        "[PGP signature removed]"
    } else if label.starts_with("PGP PUBLIC KEY") || label.starts_with("PGP PRIVATE KEY") {
        "[PGP key removed]"
    } else if label.starts_with("PGP MESSAGE") {
        "[encrypted PGP message removed: it cannot be read here]"
    } else if label.contains("CERTIFICATE") {
        "[certificate removed]"
    } else if label.contains("KEY") {
        "[key removed]"
    } else {
        "[armoured data removed]"
    }
}

/// Whether a line inside an armoured block is armour: blank, an armour header (`Version:`,
/// `Comment:`, `Hash:`...), base64, or the checksum (`=abcd`).
fn is_armour_body(content: &str) -> bool {
    let t = content.trim();
    if t.is_empty() {
        return true;
    }
    if let Some((name, _)) = t.split_once(": ") {
        return !name.is_empty()
            && name.len() <= 32
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    }
    t.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
}

/// Replaces armoured blocks in `text` by one-line notes and unwraps clearsigned text (see the
/// module documentation). Linear: every line is looked at once.
pub fn replace(text: &str) -> Cow<'_, str> {
    let mut work = 0;
    replace_counted(text, &mut work)
}

/// Where a clearsigned message is, while reading it.
#[derive(PartialEq)]
enum Signed {
    /// Not in one.
    Outside,
    /// In the armour header lines after `BEGIN PGP SIGNED MESSAGE` (up to a blank line).
    Header,
    /// In the signed text.
    Text,
}

/// [`replace`], adding the bytes examined to `work`.
fn replace_counted<'a>(text: &'a str, work: &mut u64) -> Cow<'a, str> {
    *work += text.len() as u64;
    if !text.contains(DASHES) {
        return Cow::Borrowed(text);
    }
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out: Vec<Cow<'_, str>> = Vec::with_capacity(lines.len());
    let mut signed = Signed::Outside;
    let mut changed = false;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        *work += line.len() as u64 + 1;
        let prefix = quote_prefix(line);
        let content = &line[prefix.len()..];
        if armour_label(content, "BEGIN").is_some_and(|l| l == "PGP SIGNED MESSAGE") {
            signed = Signed::Header;
            changed = true;
            i += 1;
            continue;
        }
        if signed == Signed::Header {
            // Armour headers (`Hash: SHA256`) up to the blank line that starts the text.
            let header = content.contains(": ") && is_armour_body(content);
            if !header {
                signed = Signed::Text;
            }
            if header || content.trim().is_empty() {
                i += 1;
                continue;
            }
        }
        if let Some(label) = armour_label(content, "BEGIN") {
            // The block: armour lines up to the END line (included), or up to the last armour
            // line when a line of text comes first.
            let mut j = i + 1;
            let mut end = None;
            while j < lines.len() {
                *work += lines[j].len() as u64 + 1;
                let c = &lines[j][quote_prefix(lines[j]).len()..];
                if armour_label(c, "END").is_some() {
                    end = Some(j + 1);
                    break;
                }
                if !is_armour_body(c) {
                    break;
                }
                j += 1;
            }
            out.push(Cow::Owned(format!("{prefix}{}", note(label))));
            changed = true;
            signed = Signed::Outside;
            i = end.unwrap_or(j);
            continue;
        }
        if signed == Signed::Text
            && let Some(unescaped) = content.strip_prefix("- ")
        {
            out.push(Cow::Owned(format!("{prefix}{unescaped}")));
            i += 1;
            continue;
        }
        out.push(Cow::Borrowed(line));
        i += 1;
    }
    if changed {
        Cow::Owned(out.join("\n"))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clearsigned_message_keeps_its_text_and_loses_its_armour() {
        let text = concat!(
            "-----BEGIN PGP SIGNED MESSAGE-----\n",
            "Hash: SHA256\n",
            "\n",
            "I need to talk to someone.\n",
            "- -- \n",
            "- ---- not a header\n",
            "-----BEGIN PGP SIGNATURE-----\n",
            "Comment: Jane Doe <jane@example.org>\n",
            "\n",
            "iQEzBAEBCAAdFiEEPLANTKEYID\n",
            "=abcd\n",
            "-----END PGP SIGNATURE-----\n",
            "after the block\n",
        );
        assert_eq!(
            replace(text),
            "I need to talk to someone.\n-- \n---- not a header\n[PGP signature removed]\nafter the block\n"
        );
    }

    #[test]
    fn key_blocks_and_certificates_become_notes_also_when_quoted() {
        let text = concat!(
            "my key:\n",
            "> -----BEGIN PGP PUBLIC KEY BLOCK-----\n",
            "> \n",
            "> mQINBGPLANTKEY\n",
            "> -----END PGP PUBLIC KEY BLOCK-----\n",
            "-----BEGIN CERTIFICATE-----\n",
            "MIIBPLANTCERT\n",
            "-----END CERTIFICATE-----\n",
            "-----BEGIN PGP MESSAGE-----\n",
            "hQIMPLANTENC\n",
            "-----END PGP MESSAGE-----",
        );
        let out = replace(text);
        assert_eq!(
            out,
            "my key:\n> [PGP key removed]\n[certificate removed]\n[encrypted PGP message removed: it cannot be read here]"
        );
    }

    #[test]
    fn an_unterminated_block_stops_at_the_first_line_of_text() {
        let text =
            "-----BEGIN PGP SIGNATURE-----\n\niQEzPLANT\nI am scared, please answer.\nthanks";
        assert_eq!(
            replace(text),
            "[PGP signature removed]\nI am scared, please answer.\nthanks"
        );
    }

    #[test]
    fn text_that_only_looks_like_armour_is_kept() {
        for t in [
            "----- a divider -----\nwords",
            "-----BEGIN something lowercase-----\nwords",
            "- a list item\n- another",
        ] {
            assert!(matches!(replace(t), Cow::Borrowed(_)), "{t}");
        }
    }

    #[test]
    fn work_is_linear_in_the_text() {
        // Unterminated blocks one after another: each is read once.
        let unit = "-----BEGIN PGP SIGNATURE-----\niQEz\nword\n- escaped\n";
        let cost = |n: usize| {
            let mut work = 0;
            replace_counted(&unit.repeat(n), &mut work);
            work
        };
        let (small, large) = (cost(500), cost(4000));
        assert!(large <= small * 10, "{small} then {large}");
    }
}
