//! Reply tokens and the identifiers we mint, and how a follow-up finds its ticket.
//!
//! Every ticket has a thread token: 16 Crockford base32 characters (80 bits) from the CSPRNG.
//! Our replies carry it in their Message-ID (`<TOKEN.RANDOM@contact-domain>`), optionally in
//! a plus-address (`contact+TOKEN@domain`), and the ticket reference in a subject tag
//! (`[K7F3QX9M]`). A follow-up is matched by In-Reply-To/References first, then the
//! plus-address, then the subject tag; never by the sender's address.

use crate::ids::{TicketId, normalise_base32, random_base32};

/// Length of a thread token, in base32 characters (80 bits).
pub const TOKEN_LEN: usize = 16;

/// A fresh thread token.
pub fn new_token() -> String {
    random_base32(TOKEN_LEN)
}

/// A Message-ID for one of our messages (without angle brackets): `TOKEN.RANDOM@domain`.
pub fn mint_message_id(token: &str, domain: &str) -> String {
    format!("{token}.{}@{domain}", random_base32(12))
}

/// The thread token in one of our Message-IDs (angle brackets optional), if it is ours.
pub fn token_of_message_id(id: &str, our_domain: &str) -> Option<String> {
    let id = id.trim().trim_start_matches('<').trim_end_matches('>');
    let (local, domain) = id.rsplit_once('@')?;
    if !domain.eq_ignore_ascii_case(our_domain) {
        return None;
    }
    let (token, rest) = local.split_once('.')?;
    if rest.is_empty() {
        return None;
    }
    let token = normalise_base32(token)?;
    (token.len() == TOKEN_LEN).then_some(token)
}

/// A plus-address detail that is one of our tokens.
pub fn token_of_detail(detail: &str) -> Option<String> {
    let t = normalise_base32(detail)?;
    (t.len() == TOKEN_LEN).then_some(t)
}

/// The plus-address replies invite answers to: `local+TOKEN@domain`.
pub fn plus_address(contact: &str, token: &str) -> String {
    match contact.rsplit_once('@') {
        Some((local, domain)) => format!("{local}+{token}@{domain}"),
        None => contact.to_string(),
    }
}

/// The subject tag of a ticket.
pub fn subject_tag(id: &str) -> String {
    format!("[{id}]")
}

/// The ticket references tagged in a subject (`[K7F3QX9M]`), last first.
pub fn tags_in_subject(subject: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = subject;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        if let Some(close) = after.find(']') {
            if let Some(id) = TicketId::parse(&after[..close])
                && after[..close].trim().len() == TicketId::LEN
            {
                out.push(id.as_str().to_string());
            }
            rest = &after[close + 1..];
        } else {
            break;
        }
    }
    out.reverse();
    out
}

/// The subject of our reply: "Re: " + the original subject (once) + the ticket's tag.
pub fn reply_subject(original: &str, id: &str) -> String {
    let tag = subject_tag(id);
    let mut s = original.trim().to_string();
    // Strip reply prefixes and our own tag, then put one of each back.
    loop {
        let lower = s.to_lowercase();
        let stripped = ["re:", "aw:", "tr:", "antw:", "sv:", "fw:", "fwd:"]
            .iter()
            .find(|p| lower.starts_with(*p))
            .map(|p| s[p.len()..].trim_start().to_string());
        match stripped {
            Some(t) => s = t,
            None => break,
        }
    }
    let s = s.replace(&tag, "").trim().to_string();
    if s.is_empty() {
        format!("Re: {tag}")
    } else {
        format!("Re: {s} {tag}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_message_ids_carry_the_token() {
        let t = new_token();
        let id = mint_message_id(&t, "helpline.example");
        assert_eq!(
            token_of_message_id(&format!("<{id}>"), "helpline.example"),
            Some(t.clone())
        );
        assert_eq!(token_of_message_id(&id, "HELPLINE.example"), Some(t));
        assert_eq!(token_of_message_id(&id, "other.example"), None);
        assert_eq!(
            token_of_message_id("CAFx123@mail.gmail.com", "helpline.example"),
            None
        );
        assert_eq!(
            token_of_message_id("short.x@helpline.example", "helpline.example"),
            None
        );
    }

    #[test]
    fn tokens_have_80_bits_and_differ() {
        let a = new_token();
        assert_eq!(a.len(), 16);
        assert_ne!(a, new_token());
        assert_eq!(token_of_detail(&a.to_lowercase()), Some(a));
        assert_eq!(token_of_detail("abc"), None);
    }

    #[test]
    fn subject_tags_round_trip() {
        let s = reply_subject("Re: RE: Besoin d'aide [K7F3QX9M]", "K7F3QX9M");
        assert_eq!(s, "Re: Besoin d'aide [K7F3QX9M]");
        assert_eq!(tags_in_subject(&format!("Re: {s}")), vec!["K7F3QX9M"]);
        assert_eq!(
            tags_in_subject("about [this] and [toolongtag]"),
            Vec::<String>::new()
        );
        assert_eq!(reply_subject("", "K7F3QX9M"), "Re: [K7F3QX9M]");
    }

    #[test]
    fn plus_addresses() {
        assert_eq!(
            plus_address("contact@h.example", "TOKEN"),
            "contact+TOKEN@h.example"
        );
    }
}
