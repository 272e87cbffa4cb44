//! Link targets the writer never saw. In HTML, a link shows its text; its target (`href`)
//! can carry the writer's identifier in its query string (a newsletter's tracking link, a
//! shared document's owner id). Only what was visible is kept: HTML is rendered without the
//! targets ([`VisibleText`], used by `body::html_to_text`), and the plain-text alternative that mail clients write
//! from the same HTML (`text <https://target>`) loses the targets whose link text was not the
//! target itself ([`hidden_targets`], [`drop_targets`]).

use std::collections::HashSet;

use html2text::render::{PlainDecorator, TextDecorator};

/// html2text's plain decorator, but a link is only its text: no brackets around it, no
/// numbered reference to its target.
#[derive(Clone, Debug)]
pub struct VisibleText(PlainDecorator);

impl VisibleText {
    /// A new decorator.
    pub fn new() -> VisibleText {
        VisibleText(PlainDecorator::new())
    }
}

impl Default for VisibleText {
    fn default() -> Self {
        VisibleText::new()
    }
}

impl TextDecorator for VisibleText {
    type Annotation = ();

    fn decorate_link_start(&mut self, _url: &str) -> (String, ()) {
        (String::new(), ())
    }
    fn decorate_link_end(&mut self) -> String {
        String::new()
    }
    fn decorate_em_start(&self) -> (String, ()) {
        self.0.decorate_em_start()
    }
    fn decorate_em_end(&self) -> String {
        self.0.decorate_em_end()
    }
    fn decorate_strong_start(&self) -> (String, ()) {
        self.0.decorate_strong_start()
    }
    fn decorate_strong_end(&self) -> String {
        self.0.decorate_strong_end()
    }
    fn decorate_strikeout_start(&self) -> (String, ()) {
        self.0.decorate_strikeout_start()
    }
    fn decorate_strikeout_end(&self) -> String {
        self.0.decorate_strikeout_end()
    }
    fn decorate_code_start(&self) -> (String, ()) {
        self.0.decorate_code_start()
    }
    fn decorate_code_end(&self) -> String {
        self.0.decorate_code_end()
    }
    fn decorate_preformat_first(&self) {}
    fn decorate_preformat_cont(&self) {}
    fn decorate_image(&mut self, src: &str, title: &str) -> (String, ()) {
        self.0.decorate_image(src, title)
    }
    fn header_prefix(&self, level: usize) -> String {
        self.0.header_prefix(level)
    }
    fn quote_prefix(&self) -> String {
        self.0.quote_prefix()
    }
    fn unordered_item_prefix(&self) -> String {
        self.0.unordered_item_prefix()
    }
    fn ordered_item_prefix(&self, i: i64) -> String {
        self.0.ordered_item_prefix(i)
    }
    fn make_subblock_decorator(&self) -> Self {
        self.clone()
    }
}

/// Most targets collected from one HTML text.
const MAX_TARGETS: usize = 1000;

/// `s` with the common entities decoded (`&amp;` in an `href` is `&` in the plain text).
fn decode(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&#38;", "&")
        .replace("&#x26;", "&")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
}

/// A target or a text, compared loosely: no scheme, no `www.`, no final `/`, lowercase.
fn comparable(s: &str) -> String {
    let l = s.trim().to_lowercase();
    let l = l
        .strip_prefix("https://")
        .or_else(|| l.strip_prefix("http://"))
        .or_else(|| l.strip_prefix("mailto:"))
        .unwrap_or(&l);
    let l = l.strip_prefix("www.").unwrap_or(l);
    l.trim_end_matches('/').to_string()
}

/// The value of the `href` attribute of a tag's inside (`a href="..." class=x`).
fn href(tag: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find("href") {
        let at = from + i;
        from = at + 4;
        if at > 0 && !lower.as_bytes()[at - 1].is_ascii_whitespace() {
            continue;
        }
        let rest = tag[at + 4..].trim_start();
        let Some(rest) = rest.strip_prefix('=') else {
            continue;
        };
        let rest = rest.trim_start();
        let value = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or(""),
            _ => rest
                .split(|c: char| c.is_whitespace() || c == '>')
                .next()
                .unwrap_or(""),
        };
        return Some(decode(value.trim()));
    }
    None
}

/// The targets of the links of `html` whose visible text is not the target itself. Linear:
/// one pass over the markup.
pub fn hidden_targets(html: &str) -> Vec<String> {
    let mut work = 0;
    hidden_targets_counted(html, &mut work)
}

/// [`hidden_targets`], adding the bytes examined to `work`.
fn hidden_targets_counted(html: &str, work: &mut u64) -> Vec<String> {
    *work += html.len() as u64;
    let bytes = html.as_bytes();
    let mut out: Vec<String> = Vec::new();
    let mut pos = 0;
    while out.len() < MAX_TARGETS {
        let Some(lt) = memchr::memchr(b'<', &bytes[pos..]).map(|i| pos + i) else {
            break;
        };
        let is_anchor = bytes
            .get(lt + 1..lt + 3)
            .is_some_and(|b| b[0].eq_ignore_ascii_case(&b'a') && b[1].is_ascii_whitespace());
        let Some(gt) = memchr::memchr(b'>', &bytes[lt..]).map(|i| lt + i) else {
            break;
        };
        *work += (gt - pos) as u64;
        pos = gt + 1;
        if !is_anchor {
            continue;
        }
        let Some(target) = href(&html[lt + 2..gt]) else {
            continue;
        };
        // The link text, up to `</a`: tags dropped.
        let Some(close) = memchr::memmem::find_iter(&bytes[pos..], b"</")
            .map(|i| pos + i)
            .find(|&i| {
                bytes
                    .get(i + 2)
                    .is_some_and(|b| b.eq_ignore_ascii_case(&b'a'))
            })
        else {
            break;
        };
        *work += (close - pos) as u64;
        let mut text = String::new();
        let mut in_tag = false;
        for c in html[pos..close].chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                _ if !in_tag => text.push(c),
                _ => {}
            }
        }
        let text = decode(&text)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if comparable(&text) != comparable(&target) && !target.is_empty() {
            out.push(target);
        }
        pos = close;
    }
    out
}

/// Removes from a plain text the `<target>` forms of `targets` (with the space before them),
/// as clients write links in the plain-text alternative. Linear in the text.
pub fn drop_targets(text: &str, targets: &[String]) -> String {
    let mut work = 0;
    drop_targets_counted(text, targets, &mut work)
}

/// [`drop_targets`], adding the bytes examined to `work`.
fn drop_targets_counted(text: &str, targets: &[String], work: &mut u64) -> String {
    *work += text.len() as u64;
    if targets.is_empty() || !text.contains('<') {
        return text.to_string();
    }
    let set: HashSet<&str> = targets.iter().map(|t| t.trim()).collect();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(lt) = rest.find('<') {
        let inner_end = rest[lt + 1..].find(['>', '\n', '<']).map(|i| lt + 1 + i);
        match inner_end {
            Some(gt) if rest.as_bytes()[gt] == b'>' && set.contains(rest[lt + 1..gt].trim()) => {
                out.push_str(rest[..lt].trim_end_matches([' ', '\u{a0}']));
                rest = &rest[gt + 1..];
            }
            Some(next) => {
                let next = if rest.as_bytes()[next] == b'>' {
                    next + 1
                } else {
                    next
                };
                out.push_str(&rest[..next]);
                rest = &rest[next..];
            }
            None => {
                out.push_str(rest);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_targets_are_those_whose_text_differs() {
        let html = concat!(
            "<p>Read <a href=\"https://news.example/a?uid=PLANTUID&amp;x=1\">this article</a>, ",
            "or <A HREF='https://help.example/'>https://help.example</A> ",
            "and <a class=x href=mailto:plant@x.example>write me</a>.</p>",
        );
        assert_eq!(
            hidden_targets(html),
            vec![
                "https://news.example/a?uid=PLANTUID&x=1".to_string(),
                "mailto:plant@x.example".to_string()
            ]
        );
    }

    #[test]
    fn plain_alternatives_lose_the_hidden_targets_only() {
        let targets = vec!["https://news.example/a?uid=PLANTUID&x=1".to_string()];
        let plain = "Read this article <https://news.example/a?uid=PLANTUID&x=1>, or <https://help.example>.\nI said <3 to him.";
        assert_eq!(
            drop_targets(plain, &targets),
            "Read this article, or <https://help.example>.\nI said <3 to him."
        );
        // Outlook writes the target right after the text.
        assert_eq!(
            drop_targets(
                "this article<https://news.example/a?uid=PLANTUID&x=1>",
                &targets
            ),
            "this article"
        );
    }

    #[test]
    fn work_is_linear() {
        let html_unit = "<a href=\"https://x.example/?id=1\">text</a><a href=y>";
        let text_unit = "word <https://x.example/?id=1> <3 <b\n";
        let targets = vec!["https://x.example/?id=1".to_string()];
        let cost = |n: usize| {
            let mut work = 0;
            hidden_targets_counted(&html_unit.repeat(n), &mut work);
            drop_targets_counted(&text_unit.repeat(n), &targets, &mut work);
            work
        };
        let (small, large) = (cost(100), cost(800));
        assert!(large <= small * 10, "{small} then {large}");
    }
}
