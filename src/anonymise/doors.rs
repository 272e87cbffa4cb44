//! The other doors: identity that would reach a counsellor past the header allow-list, inside
//! the text or the attachments of a message. Each rule is its own module; this one puts them
//! in order for body text ([`prepare_text`], [`after_signature`]) and for the leaves of the
//! MIME tree that are not body text ([`Walker::add_leaf`]): a message whatever its declared
//! type, a uuencoded file, a kept text file.

use std::borrow::Cow;

use super::{
    Attachment, AttachmentContent, AttachmentKind, Rejection, Segment, Walker, WithheldReason,
    armour, attachments, headerblock, invisible, links, signature, uuencode,
};

/// `t` with `rule` applied, without a copy when the rule changes nothing.
fn apply(t: String, rule: impl for<'a> Fn(&'a str) -> Cow<'a, str>) -> String {
    match rule(&t) {
        Cow::Borrowed(_) => t,
        Cow::Owned(changed) => changed,
    }
}

/// The rules for every piece of body text, before signatures are looked for: invisible
/// characters removed, link targets the writer never saw dropped (`hidden_links`, from the
/// HTML alternative), armour replaced by notes, MIME boundary lines and header blocks (of a
/// raw message shown as text) through the allow-list, device and list footers removed.
pub(super) fn prepare_text(text: &str, hidden_links: &[String]) -> String {
    let t = invisible::strip(text).into_owned();
    let t = if hidden_links.is_empty() {
        t
    } else {
        links::drop_targets(&t, hidden_links)
    };
    let t = apply(t, armour::replace);
    let t = apply(t, headerblock::drop_boundaries);
    let t = apply(t, headerblock::filter);
    apply(t, signature::remove_footers)
}

/// The rules for body text after the marked signatures are gone: the identity lines of a
/// signature block under a valediction (when signatures are removed).
pub(super) fn after_signature(text: String, remove_signature: bool) -> String {
    if remove_signature {
        apply(text, signature::remove_valediction_block)
    } else {
        text
    }
}

/// A kept text file: invisible characters, armour, boundary lines and header blocks are handled
/// as in body text (the text is read as UTF-8, or as Windows-1252 when it is not, and kept as UTF-8 only
/// when something changed). Signatures and footers are the writer's file: left alone.
fn text_file(bytes: Vec<u8>) -> Vec<u8> {
    let text: Cow<'_, str> = match std::str::from_utf8(&bytes) {
        Ok(t) => Cow::Borrowed(t),
        Err(_) => match mail_parser::decoders::charsets::map::charset_decoder(b"windows-1252") {
            Some(decode) => Cow::Owned(decode(&bytes)),
            None => return bytes,
        },
    };
    let t = invisible::strip(&text).into_owned();
    let t = apply(t, armour::replace);
    let t = apply(t, headerblock::drop_boundaries);
    let t = apply(t, headerblock::filter);
    if t.as_str() == text.as_ref() {
        bytes
    } else {
        t.into_bytes()
    }
}

/// The link targets of the HTML alternatives not chosen (`htmls`, decoded) that were not
/// their visible text: the plain alternative written from the same HTML loses them.
pub(super) fn hidden_links(htmls: &[String]) -> Vec<String> {
    htmls
        .iter()
        .flat_map(|h| links::hidden_targets(h))
        .collect()
}

impl Walker<'_> {
    /// A text/plain part of the body: its uuencoded files taken out (they become attachments),
    /// the rest a body segment.
    pub(super) fn add_plain(
        &mut self,
        text: String,
        redact_addresses: bool,
        depth: usize,
        segments: &mut Vec<Segment>,
    ) -> Result<(), Rejection> {
        let (text, files) = uuencode::extract_text(text);
        segments.push(Segment::Plain {
            text,
            redact_addresses,
            signatures: Vec::new(),
            hidden_links: Vec::new(),
        });
        self.add_files(files, depth, segments)
    }

    /// A leaf that is not body text, by its sniffed type: a message is shown as a forwarded
    /// message (its headers through the allow-list), a text file loses its uuencoded files
    /// (each then handled as the attachment it is) and its header blocks, anything else goes
    /// to the attachment policy.
    pub(super) fn add_leaf(
        &mut self,
        bytes: Cow<'_, [u8]>,
        declared: &str,
        depth: usize,
        segments: &mut Vec<Segment>,
    ) -> Result<(), Rejection> {
        match attachments::sniff(&bytes, Some(declared)) {
            AttachmentKind::Message => self.add_message(&bytes, depth, segments),
            AttachmentKind::Text => {
                let (rest, files) = match uuencode::extract(&bytes) {
                    Some((rest, files)) => (rest, files),
                    None => (bytes.into_owned(), Vec::new()),
                };
                let rest = text_file(rest);
                // A file that was only a uuencoded block leaves nothing but its note.
                let only_notes = !files.is_empty()
                    && String::from_utf8_lossy(&rest)
                        .lines()
                        .all(|l| l.trim().is_empty() || l.trim() == uuencode::NOTE);
                if !only_notes {
                    self.add_attachment(Cow::Owned(rest), Some(declared), false);
                }
                self.add_files(files, depth, segments)
            }
            _ => {
                self.add_attachment(bytes, Some(declared), false);
                Ok(())
            }
        }
    }

    /// A message found by its content: anonymised and shown in place, or withheld when it
    /// cannot be read as one.
    fn add_message(
        &mut self,
        bytes: &[u8],
        depth: usize,
        segments: &mut Vec<Segment>,
    ) -> Result<(), Rejection> {
        match self.forwarded_bytes(bytes, depth + 1)? {
            Some((subject, body)) => segments.push(Segment::Forwarded { subject, body }),
            None => self.add_attachment(Cow::Borrowed(bytes), None, true),
        }
        Ok(())
    }

    /// Files taken out of a text (uuencoded): each sniffed and handled as an attachment, a
    /// damaged one withheld.
    fn add_files(
        &mut self,
        files: Vec<uuencode::File>,
        depth: usize,
        segments: &mut Vec<Segment>,
    ) -> Result<(), Rejection> {
        for file in files {
            match file {
                Some(bytes) => match attachments::sniff(&bytes, None) {
                    AttachmentKind::Message => self.add_message(&bytes, depth, segments)?,
                    AttachmentKind::Text => {
                        let text = text_file(bytes);
                        self.add_attachment(Cow::Owned(text), None, false);
                    }
                    _ => self.add_attachment(Cow::Owned(bytes), None, false),
                },
                None => self.attachments.push(Attachment {
                    kind: AttachmentKind::Other,
                    size: 0,
                    content: AttachmentContent::Withheld(WithheldReason::Damaged),
                }),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
