//! Message text: HTML made safe and readable, signatures removed, attribution lines redacted.
//!
//! All functions here are pure and work on one text at a time; `anonymise` combines them.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::LazyLock;

use regex::Regex;

/// The replacement for names and addresses removed from the text.
pub const REDACTED: &str = "[redacted]";

/// Width, in columns, that HTML bodies are rendered to.
pub const TEXT_WIDTH: usize = 78;

/// Largest text, in characters, of an element whose signature marker is only an `id` that
/// some clients also put around other content (Apple Mail, Outlook, Samsung): a larger element
/// is kept, lest the writer's own words be lost.
const ID_SIGNATURE_MAX_CHARS: usize = 1500;

static SANITISER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    // No images at all (remote images, tracking pixels, cid: and data: images), no image maps.
    b.rm_tags(["img", "map", "area"]);
    // Elements removed with their content (script and style are removed by default).
    b.add_clean_content_tags([
        "title", "iframe", "frame", "frameset", "object", "embed", "applet", "noscript",
        "template", "svg", "math", "audio", "video", "picture", "canvas", "head",
    ]);
    // No attribute but a link's target and table spans: no style (so no CSS url()), no
    // srcset, background, event handlers, ids or classes.
    b.generic_attributes(HashSet::new());
    b.tag_attributes(HashMap::from([
        ("a", HashSet::from(["href"])),
        ("td", HashSet::from(["colspan", "rowspan"])),
        ("th", HashSet::from(["colspan", "rowspan"])),
        ("ol", HashSet::from(["start"])),
    ]));
    // Only web links; mailto:, tel:, data: and relative targets (which a <base> would resolve)
    // are dropped, leaving the link text.
    b.url_schemes(HashSet::from(["http", "https"]));
    b.url_relative(ammonia::UrlRelative::Deny);
    b.strip_comments(true);
    b
});

/// Makes HTML safe to render: nothing in the result loads anything when viewed.
///
/// Removes scripts, styles (elements and attributes, so CSS `url()` too), forms' active parts,
/// frames, objects, images (remote, `cid:`, `data:`, tracking pixels), `srcset`, `<meta>`
/// (refresh), `<base>`, event handlers, comments, and every link whose target is not `http` or
/// `https` (the link text stays).
pub fn sanitise_html(html: &str) -> String {
    SANITISER.clean(html).to_string()
}

/// Renders (sanitised) HTML as plain terminal text wrapped to `width` columns. Links keep
/// their text only: a target the writer never saw as text (a tracking link with an identifier
/// in its query string) is not shown (see `links`).
pub fn html_to_text(html: &str, width: usize) -> String {
    html2text::config::with_decorator(super::links::VisibleText::new())
        .link_footnotes(false)
        .allow_width_overflow()
        .string_from_read(html.as_bytes(), width.max(20))
        .unwrap_or_default()
}

/// The whole HTML body path: drop signature markup (when asked) and redact attribution
/// containers in the markup, then sanitise, then render as text.
///
/// HTML nested deeper than [`MAX_HTML_NESTING`] (estimated from its tags) costs the HTML
/// parser and renderer quadratic time, and HTML larger than [`MAX_STRUCTURED_HTML_BYTES`]
/// that is also dense with markup (more than [`MAX_STRUCTURED_HTML_MARKS`] tags and entities)
/// would take seconds: both are rendered by [`html_to_flat_text`] instead (every word kept,
/// in a plainer layout, signature markup not removed). Large HTML that is mostly one long
/// value (an image inlined as a `data:` URI) keeps the structured render, signature removal
/// included: its cost is in its marks, not its bytes.
pub fn html_body_to_text(html: &str, remove_signature: bool) -> String {
    let too_much_markup =
        html.len() > MAX_STRUCTURED_HTML_BYTES && markup_marks(html) > MAX_STRUCTURED_HTML_MARKS;
    if too_much_markup || html_nesting_estimate(html) > MAX_HTML_NESTING {
        return html_to_flat_text(html);
    }
    let html = flatten_deep_tags(html);
    let html = split_long_text_runs(&html);
    let prepared = prepare_html(&html, remove_signature);
    html_to_text(&sanitise_html(&prepared), TEXT_WIDTH)
}

/// The text of the signature blocks that [`html_body_to_text`] would remove from `html`, in
/// document order and joined into one text, so that the same signature can be found in the
/// message's text/plain alternative, where many clients (Outlook, Apple Mail) write it
/// without any `-- ` separator.
pub fn html_signature_texts(html: &str) -> Vec<String> {
    // Every signature mark (see `mark`) has one of these in an attribute, as clients write
    // them (`mso-bookmark` styles are compared without their spaces): HTML without any is
    // not parsed at all.
    static MARKS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)signature|_rc_sig|a *u *t *o *s *i *g").expect("valid regex")
    });
    let Some(first) = MARKS.find(html) else {
        return Vec::new();
    };
    // Nothing before the tag that holds the first mark can be a signature: only the rest is
    // parsed (signatures come last, so this is usually a small part of the message).
    let html = flatten_deep_tags(&html[html[..first.start()].rfind('<').unwrap_or(0)..]);
    signature_texts_in(&split_long_text_runs(&html))
}

/// [`html_signature_texts`] of the whole of `html`.
fn signature_texts_in(html: &str) -> Vec<String> {
    if html_nesting_estimate(html) > MAX_HTML_NESTING {
        return Vec::new();
    }
    let dom = parse_dom(html);
    let mut out = Vec::new();
    let mut stack = vec![dom.document.clone()];
    while let Some(node) = stack.pop() {
        if let html2text::Element { attrs, .. } = &node.data {
            let attrs: Vec<(String, String)> = attrs
                .borrow()
                .iter()
                .map(|a| (a.name.local.to_string(), a.value.to_string()))
                .collect();
            match mark(&attrs, true) {
                Some(Mark::Signature) => {
                    out.push(node_text(&node));
                    continue;
                }
                Some(Mark::MaybeSignature) if text_is_short(&node) => {
                    out.push(node_text(&node));
                    continue;
                }
                _ => {}
            }
        }
        stack.extend(node.children.borrow().iter().rev().cloned());
    }
    if out.is_empty() {
        Vec::new()
    } else {
        vec![out.join("\n")]
    }
}

/// Words of a text for signature matching: lowercased, split on spaces and on the `<>`
/// that plain-text renderings put around links, stripped of surrounding punctuation.
fn signature_words(line: &str) -> Vec<String> {
    line.split(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '|')
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric() && c != '@' && c != '+')
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// Word comparisons allowed per word of text and signature when looking for a signature.
const SIGNATURE_SEARCH_STEPS_PER_WORD: usize = 16;

/// Removes from `plain` the lines that carry `signature` (the text of an HTML signature
/// block of the same message). Words are matched in order, allowing a few extra words in the
/// plain text (link targets, labels); the last matching run wins. Quoted lines are never
/// touched. A signature of fewer than two words is not looked for.
pub fn remove_signature_text(plain: &str, signature: &str) -> String {
    let sig: Vec<String> = signature.lines().flat_map(signature_words).collect();
    if sig.len() < 2 {
        return plain.to_string();
    }
    let lines: Vec<&str> = plain.lines().collect();
    // (word, line index) for unquoted lines.
    let words: Vec<(String, usize)> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with('>'))
        .flat_map(|(i, l)| signature_words(l).into_iter().map(move |w| (w, i)))
        .collect();
    let allowed_extra = (sig.len() / 2).max(3);
    // The last matching run wins: runs are tried from the end, and the first found is taken.
    // Each try costs up to the signature's length, so the tries together are given a budget
    // linear in the text; past it the text is kept as it is.
    let mut budget = SIGNATURE_SEARCH_STEPS_PER_WORD * (words.len() + sig.len());
    let mut best: Option<(usize, usize)> = None;
    for start in (0..words.len()).rev() {
        if words[start].0 != sig[0] {
            continue;
        }
        let (mut si, mut pi, mut extra, mut last) = (0, start, 0, start);
        while si < sig.len() && pi < words.len() {
            if words[pi].0 == sig[si] {
                si += 1;
                last = pi;
            } else {
                extra += 1;
                if extra > allowed_extra {
                    break;
                }
            }
            pi += 1;
        }
        if si * 5 >= sig.len() * 4 {
            best = Some((words[start].1, words[last].1));
            break;
        }
        budget = budget.saturating_sub(pi - start + 1);
        if budget == 0 {
            break;
        }
    }
    let Some((first, last)) = best else {
        return plain.to_string();
    };
    let mut out: Vec<&str> = Vec::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        if i < first || i > last || l.trim_start().starts_with('>') {
            out.push(l);
        }
    }
    out.join("\n")
}

/// Deepest nesting of elements rendered with their structure (by [`html_nesting_estimate`]'s
/// count), and of tables: each level costs the renderer another pass over what it holds.
const RENDERED_NESTING: usize = 24;
const RENDERED_TABLE_NESTING: usize = 4;

/// Elements whose tags are never dropped by [`flatten_deep_tags`]: their content is not text
/// (dropping `<script>` would turn its code into text).
const KEEP_TAGS: &[&str] = &[
    "script",
    "style",
    "title",
    "textarea",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
    "template",
    "svg",
    "math",
    "object",
    "head",
    "!--",
];

/// Drops the tags of elements nested deeper than [`RENDERED_NESTING`] (and of tables nested
/// deeper than [`RENDERED_TABLE_NESTING`]), keeping their content: a line break stands for each
/// dropped tag, so words of separate blocks stay apart. Linear; the renderer's work then grows
/// with the text, not with the text times its depth.
fn flatten_deep_tags(html: &str) -> Cow<'_, str> {
    const TABLE_TAGS: &[&str] = &[
        "table", "tbody", "thead", "tfoot", "tr", "td", "th", "caption", "colgroup", "col",
    ];
    let mut depth = 0usize;
    let mut tables = 0usize;
    let mut drops: Vec<std::ops::Range<usize>> = Vec::new();
    for (closing, name, self_closing, range) in tags(html) {
        if KEEP_TAGS.contains(&name.as_str()) {
            continue;
        }
        let flat = FLAT_ELEMENTS.contains(&name.as_str()) || self_closing;
        let deep = if closing && !flat {
            let deep = depth > RENDERED_NESTING;
            depth = depth.saturating_sub(1);
            deep
        } else if !flat {
            depth += 1;
            depth > RENDERED_NESTING
        } else {
            depth > RENDERED_NESTING
        };
        let table_deep = if name == "table" {
            if closing {
                tables = tables.saturating_sub(1);
                tables >= RENDERED_TABLE_NESTING
            } else {
                tables += 1;
                tables > RENDERED_TABLE_NESTING
            }
        } else {
            TABLE_TAGS.contains(&name.as_str()) && tables > RENDERED_TABLE_NESTING
        };
        if deep || table_deep {
            drops.push(range);
        }
    }
    if drops.is_empty() {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut pos = 0;
    for r in drops {
        out.push_str(&html[pos..r.start]);
        out.push_str("<br>");
        pos = r.end;
    }
    out.push_str(&html[pos..]);
    Cow::Owned(out)
}

/// Longest attribute value kept when HTML is prepared for rendering.
const MAX_ATTRIBUTE_BYTES: usize = 4096;

/// Bytes of text between two points where [`split_long_text_runs`] may split it.
const TEXT_RUN_PIECE: usize = 256;

/// Escaping work (characters to escape times the length of the text around them) past which
/// [`split_long_text_runs`] splits text.
const ESCAPE_WORK_LIMIT: usize = 1 << 22;

/// Splits long runs of text that hold characters the HTML serialiser escapes (`&`, and
/// characters U+0080 to U+00BF such as the no-break space) with empty comments, when that
/// serialiser would take quadratic time over them.
///
/// html5ever 0.40's serialiser looks for the next `<` or `>` of a text node again after every
/// such character, so a text node of many of them costs the square of its length, and our
/// path serialises twice (after removing signatures, and in the sanitiser). An empty comment
/// ends a text node (the sanitiser drops comments but keeps the two text nodes apart), and is
/// invisible in the rendered text. Runs are found between `<` and `>` bytes, leaving comments
/// whole; a split is made only before such a character or where no `&` is close before it (so
/// never inside a character reference).
fn split_long_text_runs(html: &str) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    let special = |b: u8| b == b'&' || b == 0xC2;
    // The work the serialiser would do, estimated per run between markup characters.
    let mut work = 0usize;
    for run in bytes.split(|&b| b == b'<' || b == b'>') {
        if run.len() > TEXT_RUN_PIECE {
            let n = memchr::memchr2_iter(b'&', 0xC2, run).count();
            work = work.saturating_add(n.saturating_mul(run.len()));
        }
    }
    if work <= ESCAPE_WORK_LIMIT {
        return Cow::Borrowed(html);
    }
    let mut out: Vec<u8> = Vec::with_capacity(html.len() + html.len() / 16);
    let mut since_split = 0usize;
    let mut since_amp = usize::MAX;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if bytes[i..].starts_with(b"<!--") {
            let end =
                memchr::memmem::find(&bytes[i + 4..], b"-->").map_or(bytes.len(), |j| i + j + 7);
            out.extend_from_slice(&bytes[i..end]);
            i = end;
            since_split = 0;
            continue;
        }
        if b == b'<' || b == b'>' {
            since_split = 0;
        } else if since_split >= TEXT_RUN_PIECE
            && html.is_char_boundary(i)
            && (special(b) || since_amp > 40)
        {
            out.extend_from_slice(b"<!---->");
            since_split = 0;
        }
        since_amp = if b == b'&' {
            0
        } else {
            since_amp.saturating_add(1)
        };
        since_split += 1;
        out.push(b);
        i += 1;
    }
    // Only ASCII was inserted, at character boundaries.
    String::from_utf8(out).map_or(Cow::Borrowed(html), Cow::Owned)
}

/// Deepest HTML nesting rendered through the DOM (a few milliseconds' work at most).
pub const MAX_HTML_NESTING: usize = 512;

/// Largest HTML, in bytes of markup, rendered with its structure (parsed, its signature and
/// attribution markup found, sanitised, rendered with table columns and `>` before quoted
/// blocks). The structured path costs from 0.9 MB/s of CPU (tables nested in tables) to about
/// 3 MB/s (escaped characters, sibling signature blocks) whatever the size, so a document at
/// this limit takes up to about a second; mail clients write 10 to 60 KB. Larger HTML is
/// rendered by [`html_to_flat_text`], at 50 to 100 MB/s.
pub const MAX_STRUCTURED_HTML_BYTES: usize = 1 << 20;

/// Most tags and entities (`<` and `&`) a document larger than [`MAX_STRUCTURED_HTML_BYTES`]
/// may hold and keep its structured render: the structured path's work follows its marks
/// (a heavy client mail of 60 KB holds 2,000 to 4,000), so 65,536 bound it to well under a
/// second whatever the bytes around them.
pub const MAX_STRUCTURED_HTML_MARKS: usize = 1 << 16;

/// The tags and entities of `html`: its count of `<` and `&`.
pub fn markup_marks(html: &str) -> usize {
    memchr::memchr2_iter(b'<', b'&', html.as_bytes()).count()
}

/// Elements that have no end tag, or that close themselves when a sibling opens: they do not
/// deepen the tree.
const FLAT_ELEMENTS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "!doctype",
];

/// Iterates over the tags of an HTML text: (is end tag, lowercased name, is self-closing,
/// byte range of the whole tag). A comment is reported as a self-closing `!--`. Linear.
fn tags(html: &str) -> impl Iterator<Item = (bool, String, bool, std::ops::Range<usize>)> + '_ {
    tags_from(html, 0)
}

/// [`tags`] from byte `from` of `html` on.
fn tags_from(
    html: &str,
    from: usize,
) -> impl Iterator<Item = (bool, String, bool, std::ops::Range<usize>)> + '_ {
    let bytes = html.as_bytes();
    let mut pos = from;
    std::iter::from_fn(move || {
        loop {
            let start = pos + memchr::memchr(b'<', bytes.get(pos..)?)?;
            if bytes[start..].starts_with(b"<!--") {
                let end = memchr::memmem::find(&bytes[start + 4..], b"-->")
                    .map(|i| start + 4 + i + 3)
                    .unwrap_or(bytes.len());
                pos = end;
                return Some((false, "!--".to_string(), true, start..end));
            }
            // `inner_end` is the `>` (a char boundary), or the end of an unterminated tag.
            let (end, inner_end) = match memchr::memchr(b'>', &bytes[start..]) {
                Some(i) => (start + i + 1, start + i),
                None => (bytes.len(), bytes.len()),
            };
            pos = end;
            let inner = &html[start + 1..inner_end.max(start + 1)];
            let closing = inner.starts_with('/');
            let name: String = inner
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '!')
                .collect::<String>()
                .to_ascii_lowercase();
            if name.is_empty() {
                continue;
            }
            let self_closing = inner.ends_with('/');
            return Some((closing, name, self_closing, start..end));
        }
    })
}

/// An upper estimate of how deeply an HTML text nests elements, from its tags alone.
pub fn html_nesting_estimate(html: &str) -> usize {
    let mut depth = 0usize;
    let mut max = 0usize;
    for (closing, name, self_closing, _) in tags(html) {
        if FLAT_ELEMENTS.contains(&name.as_str()) || self_closing {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else {
            depth += 1;
            max = max.max(depth);
        }
    }
    max
}

/// Elements whose content (markup) [`html_to_flat_text`] skips.
const FLAT_SKIP_CONTENT: &[&str] = &["head", "template", "svg", "math", "object"];
/// Elements whose content is text, not markup, up to their own end tag: skipped by
/// [`html_to_flat_text`].
const FLAT_RAW_TEXT: &[&str] = &["script", "style", "title", "iframe", "noscript"];
/// Elements that may stand in a `<head>` without ending it.
const FLAT_HEAD_CONTENT: &[&str] = &[
    "base", "basefont", "bgsound", "link", "meta", "style", "script", "title", "noscript",
    "template", "!--", "!doctype",
];
/// Elements [`html_to_flat_text`] turns into a line break.
const FLAT_BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "table",
    "ul",
    "ol",
    "pre",
    "hr",
    "address",
    "article",
    "aside",
    "caption",
    "center",
    "dd",
    "details",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "header",
    "legend",
    "main",
    "nav",
    "option",
    "section",
    "summary",
];
/// Elements [`html_to_flat_text`] turns into a space.
const FLAT_CELLS: &[&str] = &["td", "th"];

/// Text of an HTML document without building a tree, in linear time: tags dropped (block
/// elements become line breaks, table cells spaces, so that words of separate blocks or cells
/// stay apart), the content of scripts, styles and similar elements dropped, character
/// references decoded. Nothing of the markup survives, so nothing can load.
///
/// Content is skipped only where HTML itself would not show it as text: a `<head>` ends at
/// its end tag, at `<body>`, at any element that cannot be in a head or at text that is not
/// white space (as HTML parsers end it); a self-closing `<svg/>` or `<math/>` holds nothing;
/// inside a script, style or title only its own end tag counts.
pub fn html_to_flat_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut pos = 0;
    // Elements whose content is being skipped, innermost last.
    let mut skipping: Vec<String> = Vec::new();
    let mut all = tags_from(html, 0);
    while let Some((closing, name, self_closing, range)) = all.next() {
        let text = &html[pos..range.start];
        pos = range.end;
        // Text that is not white space ends a head (and is the body's).
        if skipping.len() == 1 && skipping[0] == "head" && !text.trim().is_empty() {
            skipping.clear();
        }
        if skipping.is_empty() {
            out.push_str(&decode_entities(text));
        }
        let name = name.as_str();
        if !closing && FLAT_RAW_TEXT.contains(&name) {
            // Its text is not markup: only its own end tag ends it (a `<` in a script is not
            // a tag, and could otherwise hide that end tag).
            pos = raw_text_end(html, pos, name);
            all = tags_from(html, pos);
            continue;
        }
        if let Some(top) = skipping.last().map(String::as_str) {
            if closing && name == top {
                skipping.pop();
                continue;
            }
            let ends_head = top == "head"
                && skipping.len() == 1
                && !closing
                && !FLAT_HEAD_CONTENT.contains(&name);
            if !ends_head {
                if !closing && !self_closing && FLAT_SKIP_CONTENT.contains(&name) {
                    skipping.push(name.to_string());
                }
                continue;
            }
            skipping.clear();
        }
        let foreign = matches!(name, "svg" | "math");
        if !closing && FLAT_SKIP_CONTENT.contains(&name) && !(foreign && self_closing) {
            skipping.push(name.to_string());
        } else if FLAT_BLOCKS.contains(&name) {
            out.push('\n');
        } else if FLAT_CELLS.contains(&name) {
            out.push(' ');
        }
    }
    if let Some(top) = skipping.last()
        && top == "head"
        && skipping.len() == 1
        && !html[pos..].trim().is_empty()
    {
        skipping.clear();
    }
    if skipping.is_empty() && pos < html.len() {
        out.push_str(&decode_entities(&html[pos..]));
    }
    out
}

/// Where the content of a raw-text element `name` (a script, a style...) that starts at byte
/// `from` ends: after its end tag `</name ...>` (ASCII case ignored), or at the end of `html`
/// when it has none, as HTML reads it. Linear.
fn raw_text_end(html: &str, from: usize, name: &str) -> usize {
    let bytes = html.as_bytes();
    let mut at = from;
    while let Some(i) = memchr::memmem::find(&bytes[at..], b"</") {
        let start = at + i;
        let after = start + 2 + name.len();
        if bytes
            .get(start + 2..after)
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
            && bytes
                .get(after)
                .is_none_or(|&b| b == b'>' || b == b'/' || b.is_ascii_whitespace())
        {
            return memchr::memchr(b'>', &bytes[after..]).map_or(bytes.len(), |j| after + j + 1);
        }
        at = start + 2;
    }
    bytes.len()
}

/// Decodes the character references of a text between tags as HTML does (every named entity,
/// with or without its `;` where HTML allows it, and numeric references), with html5ever's
/// tokenizer in the state of a `<title>`'s text, where `<` starts no markup. Linear.
fn decode_entities(s: &str) -> String {
    use html5ever::tendril::StrTendril;
    use html5ever::tokenizer::states::{RawKind, State};
    use html5ever::tokenizer::{
        BufferQueue, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
    };

    /// Collects the characters the tokenizer gives.
    struct Text(std::cell::RefCell<String>);
    impl TokenSink for Text {
        type Handle = ();
        fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
            if let Token::CharacterTokens(t) = token {
                self.0.borrow_mut().push_str(&t);
            }
            TokenSinkResult::Continue
        }
    }

    if !s.contains('&') {
        return s.to_string();
    }
    let opts = TokenizerOpts {
        initial_state: Some(State::RawData(RawKind::Rcdata)),
        discard_bom: false,
        ..TokenizerOpts::default()
    };
    let tokenizer = Tokenizer::new(Text(String::with_capacity(s.len()).into()), opts);
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(s));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.0.into_inner()
}

/// What to do with a marked element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    /// Signature markup that is never used for anything else: remove.
    Signature,
    /// A signature marked only by an id that may wrap other content: remove when short.
    MaybeSignature,
    /// A container of a quoted-reply attribution or reply header block: redact.
    Attribution,
}

/// Recognises client markup. Signature markers (removed when `remove_signature`):
///
/// - Thunderbird `class="moz-signature"`; Gmail `class="gmail_signature"`,
///   `data-smartmail="gmail_signature"`; K-9 `class="k9mail-signature"`; Proton
///   `class="protonmail_signature_block"`; Roundcube `id="_rc_sig"`; Yahoo
///   `id="ymail_android_signature"`, `id="ymail_ios_signature"`; Outlook mobile
///   `id="ms-outlook-mobile-signature"` (always removed);
/// - Apple Mail `id="AppleMailSignature"`, Outlook on the web `id="Signature"`, Samsung
///   `id="composer_signature"`, and `class="signature"` (removed only when their text is short,
///   since some clients put the reply itself inside them).
///
/// Outlook's `class="elementToProof"` is not used: it marks edited paragraphs, not signatures.
///
/// Attribution containers (always redacted): Gmail `class="gmail_attr"`, Thunderbird
/// `class="moz-cite-prefix"`, Outlook `id="divRplyFwdMsg"`.
fn mark(attrs: &[(String, String)], remove_signature: bool) -> Option<Mark> {
    let get = |name: &str| {
        attrs
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let classes: Vec<&str> = get("class")
        .map(|c| c.split_whitespace().collect())
        .unwrap_or_default();
    let has_class = |c: &str| classes.iter().any(|x| x.eq_ignore_ascii_case(c));
    let id = get("id").unwrap_or("");
    if has_class("gmail_attr")
        || has_class("moz-cite-prefix")
        || id.eq_ignore_ascii_case("divRplyFwdMsg")
    {
        return Some(Mark::Attribution);
    }
    if !remove_signature {
        return None;
    }
    if has_class("moz-signature")
        || has_class("gmail_signature")
        || get("data-smartmail").is_some_and(|v| v.eq_ignore_ascii_case("gmail_signature"))
        || has_class("k9mail-signature")
        || has_class("protonmail_signature_block")
        || [
            "_rc_sig",
            "ms-outlook-mobile-signature",
            "ymail_android_signature",
            "ymail_ios_signature",
        ]
        .iter()
        .any(|s| id.eq_ignore_ascii_case(s))
        // Outlook/Word: the signature is bookmarked `_MailAutoSig`, an anchor on its first
        // line and `mso-bookmark` styles on the following ones.
        || get("name").is_some_and(|v| v.eq_ignore_ascii_case("_MailAutoSig"))
        || get("style").is_some_and(|v| {
            v.to_ascii_lowercase()
                .replace(' ', "")
                .contains("mso-bookmark:_mailautosig")
        })
    {
        return Some(Mark::Signature);
    }
    if ["AppleMailSignature", "Signature", "composer_signature"]
        .iter()
        .any(|s| id.eq_ignore_ascii_case(s))
        || has_class("signature")
    {
        return Some(Mark::MaybeSignature);
    }
    None
}

/// The text of a subtree, rendered.
fn node_text(node: &html2text::Handle) -> String {
    let mut html = Vec::new();
    if node.serialize(&mut html).is_err() {
        return String::new();
    }
    html_to_text(&sanitise_html(&String::from_utf8_lossy(&html)), 200)
}

/// The DOM of `html`, parsed as html2text's `parse_html` parses it (scripting off), from the
/// string at once: `parse_html` reads through a UTF-8 decoder 4 KiB at a time, copying and
/// checking again text that is a `str` already. Parsing cannot fail.
fn parse_dom(html: &str) -> html2text::RcDom {
    use html5ever::tendril::TendrilSink as _;
    let opts = html5ever::ParseOpts {
        tree_builder: html5ever::tree_builder::TreeBuilderOpts {
            scripting_enabled: false,
            ..Default::default()
        },
        ..Default::default()
    };
    html5ever::parse_document(html2text::RcDom::default(), opts).one(html)
}

/// New nodes holding `text`, one line per line (html2text's DOM has no public constructor for
/// text nodes, so they are taken from a parsed snippet).
fn text_nodes(text: &str) -> Vec<html2text::Handle> {
    let escaped: Vec<String> = text
        .trim()
        .lines()
        .map(|l| {
            l.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
        })
        .collect();
    let dom = parse_dom(&format!("<p>{}</p>", escaped.join("<br>")));
    let mut stack = vec![dom.document.clone()];
    while let Some(node) = stack.pop() {
        if let html2text::Element { name, .. } = &node.data
            && &*name.local == "p"
        {
            return node.children.borrow_mut().drain(..).collect();
        }
        stack.extend(node.children.borrow().iter().cloned());
    }
    Vec::new()
}

/// Removes signature markup and redacts attribution containers, working on the DOM before
/// sanitising (the sanitiser drops the classes and ids that mark them). Iterative, so deeply
/// nested HTML cannot exhaust the stack.
fn prepare_html(html: &str, remove_signature: bool) -> String {
    let dom = parse_dom(html);
    let mut removals: Vec<html2text::Handle> = Vec::new();
    let mut redactions: Vec<html2text::Handle> = Vec::new();
    let mut stack = vec![dom.document.clone()];
    while let Some(node) = stack.pop() {
        if let html2text::Element { attrs, .. } = &node.data {
            // Attribute values are escaped by the serialiser in quadratic time (see
            // `split_long_text_runs`); none that is kept (a link target) needs to be this long.
            attrs
                .borrow_mut()
                .retain(|a| a.value.len() <= MAX_ATTRIBUTE_BYTES);
            let attrs: Vec<(String, String)> = attrs
                .borrow()
                .iter()
                .map(|a| (a.name.local.to_string(), a.value.to_string()))
                .collect();
            match mark(&attrs, remove_signature) {
                Some(Mark::Signature) => {
                    removals.push(node.clone());
                    continue;
                }
                Some(Mark::MaybeSignature) if text_is_short(&node) => {
                    removals.push(node.clone());
                    continue;
                }
                Some(Mark::Attribution) => {
                    redactions.push(node.clone());
                    continue;
                }
                Some(Mark::MaybeSignature) | None => {}
            }
        }
        stack.extend(node.children.borrow().iter().cloned());
    }
    detach_all(&removals);
    for node in redactions {
        let text = node_text(&node);
        let redacted = redact_attributions(&text);
        // When no known pattern matched, redact the whole container rather than keep names.
        let replacement = if redacted.trim() == text.trim() || redacted.trim().is_empty() {
            REDACTED.to_string()
        } else {
            redacted
        };
        let old = std::mem::take(&mut *node.children.borrow_mut());
        drop(old);
        for t in text_nodes(&replacement) {
            t.parent.set(Some(Rc::downgrade(&node)));
            node.children.borrow_mut().push(t);
        }
    }
    let mut out = Vec::new();
    if dom.serialize(&mut out).is_err() {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// Removes nodes from their parents, each parent's children filtered once (removing many
/// siblings one by one would rescan them).
fn detach_all(nodes: &[html2text::Handle]) {
    let gone: HashSet<usize> = nodes.iter().map(|n| Rc::as_ptr(n).addr()).collect();
    let mut parents: Vec<html2text::Handle> = Vec::new();
    let mut seen: HashSet<usize> = HashSet::new();
    for node in nodes {
        if let Some(parent) = node.parent.take().and_then(|p| p.upgrade())
            && seen.insert(Rc::as_ptr(&parent).addr())
        {
            parents.push(parent);
        }
    }
    for parent in parents {
        parent
            .children
            .borrow_mut()
            .retain(|c| !gone.contains(&Rc::as_ptr(c).addr()));
    }
}

/// Whether the text of a subtree is at most [`ID_SIGNATURE_MAX_CHARS`] characters (white
/// space runs counted as one; scripts and styles not counted). Stops as soon as it knows, so
/// that nested candidates do not have the same subtree read again and again.
fn text_is_short(node: &html2text::Handle) -> bool {
    let mut chars = 0usize;
    let mut visits = 0usize;
    let mut stack = vec![node.clone()];
    while let Some(n) = stack.pop() {
        visits += 1;
        if visits > 4 * ID_SIGNATURE_MAX_CHARS {
            return false;
        }
        match &n.data {
            html2text::Element { name, .. }
                if matches!(&*name.local, "script" | "style" | "head" | "title") => {}
            html2text::Element { .. } | html2text::Document => {
                stack.extend(n.children.borrow().iter().cloned());
            }
            html2text::Comment { .. } => {}
            // A text node (the only other leaf with text): its text, serialised (escaped),
            // read no further than the limit.
            _ => {
                let mut text = Capped(Vec::new(), 4 * (ID_SIGNATURE_MAX_CHARS + 1));
                let _ = n.serialize(&mut text);
                let mut space = true;
                for c in String::from_utf8_lossy(&text.0).chars() {
                    let white = c.is_whitespace();
                    chars += usize::from(!(white && space));
                    space = white;
                }
                if chars > ID_SIGNATURE_MAX_CHARS {
                    return false;
                }
            }
        }
    }
    true
}

/// A buffer that refuses writes past its capacity (so a serialiser stops there).
struct Capped(Vec<u8>, usize);

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let room = self.1.saturating_sub(self.0.len());
        if room == 0 {
            return Err(std::io::Error::other("full"));
        }
        let n = buf.len().min(room);
        self.0.extend_from_slice(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Leading quote markers of a line (`>`, `> >`, ...), as written.
fn quote_prefix(line: &str) -> &str {
    let end = line
        .char_indices()
        .find(|&(_, c)| c != '>' && c != ' ')
        .map(|(i, _)| i)
        .unwrap_or(line.len());
    let prefix = &line[..end];
    if prefix.contains('>') { prefix } else { "" }
}

fn is_quoted(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

/// Lines that start a reply or forward history (after which a signature block ends).
fn is_history_marker(line: &str) -> bool {
    static MARKERS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)^\s*(?:-{2,}\s*)?(?:original message|message d'origine|oorspronkelijk bericht|ursprüngliche nachricht|forwarded message|message transféré|doorgestuurd bericht|weitergeleitete nachricht|begin forwarded message|début du message réexpédié|begin doorgestuurd bericht)\s*:?\s*(?:-{2,})?\s*$",
        )
        .expect("valid regex")
    });
    MARKERS.is_match(line) || attribution_start(line)
}

/// Largest weak (`--` without the trailing space) signature block: lines and line length.
const WEAK_SIGNATURE_MAX_LINES: usize = 10;
const WEAK_SIGNATURE_MAX_LINE_CHARS: usize = 100;

/// Removes a plain-text signature.
///
/// The signature starts at the first unquoted separator line: `-- ` (RFC 3676, exact), or `--`
/// alone on its line (tolerated only when what follows is at most 10 non-empty lines of at most
/// 100 characters, so a writer's own `--` divider before more text is not taken for one). It
/// ends at the end of the text, or at the start of a quoted block, an attribution line or a
/// reply/forward header, which are kept. Separators inside quoted text (`> -- `) are left alone.
pub fn remove_plain_signature(text: &str) -> String {
    // A body without `\r\n` (most are, by now) is not copied.
    let text = super::lines::crlf_to_lf(text);
    let lines: Vec<&str> = super::lines::split_lf(&text).collect();
    // Built at the first separator, once: where each line's block would end, and running
    // counts for the weak separator's test, so that many separators cost no rescans.
    let mut blocks: Option<SignatureBlocks> = None;
    for (i, line) in lines.iter().enumerate() {
        let strong = *line == "-- ";
        let weak = !strong && line.trim_end() == "--";
        if !strong && !weak {
            continue;
        }
        let blocks = blocks.get_or_insert_with(|| SignatureBlocks::new(&lines, i + 1));
        let end = blocks.next_stop[i + 1 - blocks.from];
        if weak {
            let count = |v: &[usize]| v[end - blocks.from] - v[i + 1 - blocks.from];
            let non_empty = count(&blocks.non_empty);
            if non_empty == 0 || non_empty > WEAK_SIGNATURE_MAX_LINES || count(&blocks.long) > 0 {
                continue;
            }
        }
        let mut out: Vec<&str> = lines[..i].to_vec();
        if end < lines.len() {
            out.push("");
            out.extend_from_slice(&lines[end..]);
        }
        return out.join("\n");
    }
    text.into_owned()
}

/// What [`remove_plain_signature`] needs to know about the lines from `from` on, found in one
/// pass (backwards for the stops, forwards for the counts).
struct SignatureBlocks {
    from: usize,
    /// For each line from `from` (and the end): the first line at or after it that ends a
    /// signature block (quoted text, an attribution, a reply header), or the end.
    next_stop: Vec<usize>,
    /// Non-empty lines before each line, counted from `from`.
    non_empty: Vec<usize>,
    /// Lines longer than a weak signature's before each line, counted from `from`.
    long: Vec<usize>,
}

impl SignatureBlocks {
    fn new(lines: &[&str], from: usize) -> SignatureBlocks {
        let len = lines.len().saturating_sub(from);
        let mut next_stop = vec![lines.len(); len + 1];
        for j in (from..lines.len()).rev() {
            next_stop[j - from] = if is_quoted(lines[j])
                || is_history_marker(lines[j])
                || outlook_block_len(lines, j).is_some()
            {
                j
            } else {
                next_stop[j + 1 - from]
            };
        }
        let (mut non_empty, mut long) = (vec![0; len + 1], vec![0; len + 1]);
        for (k, l) in lines[from..].iter().enumerate() {
            non_empty[k + 1] = non_empty[k] + usize::from(!l.trim().is_empty());
            long[k + 1] = long[k]
                + usize::from(
                    l.len() > WEAK_SIGNATURE_MAX_LINE_CHARS
                        && l.chars().count() > WEAK_SIGNATURE_MAX_LINE_CHARS,
                );
        }
        SignatureBlocks {
            from,
            next_stop,
            non_empty,
            long,
        }
    }
}

/// The time of day in an attribution's date (`10:00`, `10:00:00 AM`, `10h00`, `10:00 Uhr`).
static TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b\d{1,2}(?::|h)\d{2}(?::\d{2})?(?:\s?[ap]\.?\s?m\.?)?(?:\s?uhr)?")
        .expect("valid regex")
});

/// E-mail addresses (also inside angle brackets or after `mailto:`).
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:mailto:)?[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?")
        .expect("valid regex")
});

/// Dated attribution lines: introducer, body (date then name), closing words.
static DATED: LazyLock<Vec<(Regex, &'static str, &'static str)>> = LazyLock::new(|| {
    [
        // English: "On <date>, <name> wrote:"
        (r"(?i)^On\s+(?P<body>.+?)\s+wrote\s*:$", "On ", " wrote:"),
        // French: "Le <date>, <name> a écrit :"
        (
            r"(?i)^Le\s+(?P<body>.+?)\s+a\s+écrit\s*:$",
            "Le ",
            " a écrit :",
        ),
    ]
    .into_iter()
    .map(|(re, intro, outro)| (Regex::new(re).expect("valid regex"), intro, outro))
    .collect()
});

/// Attribution lines where the name has its own slot.
static NAMED: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    [
        // Dutch: "Op <date> schreef <name>:"
        (r"(?i)^(?P<pre>Op\s+.+?\s+schreef)\s+(?P<name>.+?)\s*:$", "${pre} [redacted]:"),
        // Dutch (Apple Mail): "Op <date> heeft <name> het volgende geschreven:"
        (
            r"(?i)^(?P<pre>Op\s+.+?\s+heeft)\s+(?P<name>.+?)\s+(?P<post>het\s+volgende\s+geschreven\s*:)$",
            "${pre} [redacted] ${post}",
        ),
        // German: "Am <date> schrieb <name>:"
        (r"(?i)^(?P<pre>Am\s+.+?\s+schrieb)\s+(?P<name>.+?)\s*:$", "${pre} [redacted]:"),
    ]
    .into_iter()
    .map(|(re, rep)| (Regex::new(re).expect("valid regex"), rep))
    .collect()
});

/// Undated attribution lines ("Jane Doe wrote:"), redacted only when quoted text follows or the
/// line holds an address, since such words also occur in ordinary sentences.
static UNDATED: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    [
        (
            r"(?i)^(?P<name>.{1,120}?)\s+wrote\s*:$",
            "[redacted] wrote:",
        ),
        (
            r"(?i)^(?P<name>.{1,120}?)\s+a\s+écrit\s*:$",
            "[redacted] a écrit :",
        ),
        (
            r"(?i)^(?P<name>.{1,120}?)\s+schreef\s*:$",
            "[redacted] schreef:",
        ),
        (
            r"(?i)^(?P<name>.{1,120}?)\s+schrieb\s*:$",
            "[redacted] schrieb:",
        ),
    ]
    .into_iter()
    .map(|(re, rep)| (Regex::new(re).expect("valid regex"), rep))
    .collect()
});

/// Whether a line begins like a dated attribution (which may wrap onto the next line).
fn attribution_start(line: &str) -> bool {
    let content = line[quote_prefix(line).len()..].trim();
    begins_dated_attribution(content)
        && content.chars().count() <= 300
        && redact_attribution(content, true).is_some()
}

/// Whether a line's content begins as a dated attribution does: `On`, `Le`, `Op` or `Am`, then
/// a date with a digit.
fn begins_dated_attribution(content: &str) -> bool {
    static START: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)^(?:On|Le|Op|Am)\s+\S.*\d").expect("valid regex"));
    START.is_match(content.trim())
}

/// Redacts one (possibly joined) attribution line, or `None` when it is not one.
/// `quoted_follows`: quoted text comes next, which makes undated forms credible.
///
/// Only a line that is surely an attribution is redacted, since the redaction replaces words:
/// a dated form needs a digit in its date and one of quoted text next, an address or a time
/// of day; the name slot of every form must look like a name (a few words besides an
/// address). Anything else is the writer's own sentence and is kept.
fn redact_attribution(content: &str, quoted_follows: bool) -> Option<String> {
    redact_dated_attribution(content, quoted_follows).or_else(|| {
        let content = attribution_candidate(content)?;
        if quoted_follows || EMAIL.is_match(&content) {
            for (re, rep) in UNDATED.iter() {
                if let Some(c) = re.captures(&content) {
                    let name = c.name("name").map_or("", |m| m.as_str());
                    return looks_like_name(name, NAME_MAX_WORDS)
                        .then(|| replace_match(&c, &content, rep));
                }
            }
        }
        None
    })
}

/// `content` with the match `c` found in it replaced by `rep` (`$name` expanded), as
/// `Regex::replace` would: the same first match, without searching for it again.
fn replace_match(c: &regex::Captures<'_>, content: &str, rep: &str) -> String {
    let m = c.get(0).expect("a match has group 0");
    let mut out = String::with_capacity(content.len() + rep.len());
    out.push_str(&content[..m.start()]);
    c.expand(rep, &mut out);
    out.push_str(&content[m.end()..]);
    out
}

/// A line that may be an attribution (it ends with a colon, is not too long), with its
/// no-break spaces made plain.
fn attribution_candidate(content: &str) -> Option<String> {
    // Every attribution pattern ends with a colon: most lines stop here, before any regex.
    if !content.trim().ends_with(':') {
        return None;
    }
    let content = content.trim().replace('\u{a0}', " ");
    (content.chars().count() <= 400).then_some(content)
}

/// Most words in an attribution's name slot (besides addresses); a longer slot is a sentence.
const NAME_MAX_WORDS: usize = 6;

/// Whether the name slot of an attribution holds a name: at most `max_words` words once its
/// addresses and brackets are set aside, no question or exclamation mark, and, without an
/// address, words written as names are (capitalised, a particle such as `de` or `van`, or a
/// handle such as `jane.doe`).
fn looks_like_name(slot: &str, max_words: usize) -> bool {
    const PARTICLES: &[&str] = &[
        "de", "du", "des", "la", "le", "van", "der", "den", "ter", "ten", "von", "zu", "di", "da",
        "del", "dos", "y", "et", "and", "en", "und", "at", "à", "om", "um", "am",
    ];
    let rest = EMAIL.replace_all(slot, " ");
    let words: Vec<&str> = rest
        .split(|c: char| c.is_whitespace() || "<>\"()[],;".contains(c))
        .filter(|w| !w.is_empty())
        .collect();
    let named = |w: &&str| {
        w.chars().next().is_some_and(|c| !c.is_lowercase())
            || PARTICLES.contains(&w.to_lowercase().as_str())
            || w.contains(['.', '_', '-'])
    };
    !rest.contains(['?', '!'])
        && words.len() <= max_words
        && (EMAIL.is_match(slot) || words.iter().all(named))
}

/// The dated and named forms of [`redact_attribution`] (those that may also wrap onto a second
/// line).
fn redact_dated_attribution(content: &str, quoted_follows: bool) -> Option<String> {
    let content = attribution_candidate(content)?;
    let credible = |date: &str| {
        date.contains(|c: char| c.is_ascii_digit())
            && (quoted_follows || EMAIL.is_match(&content) || TIME.is_match(date))
    };
    for (re, intro, outro) in DATED.iter() {
        if let Some(c) = re.captures(&content) {
            let body = c.name("body").map(|m| m.as_str()).unwrap_or("");
            // The name follows the date: keep the date up to its time of day, if any, found
            // before any address or quoted name.
            let limit = body.find(['<', '@', '"']).unwrap_or(body.len());
            let date_end = TIME.find_iter(&body[..limit]).last().map(|m| m.end());
            let out = match date_end {
                Some(end) if body[end..].trim_start_matches([',', ' ']).trim().is_empty() => {
                    return None;
                }
                Some(end) => {
                    if !credible(&body[..end]) || !looks_like_name(&body[end..], NAME_MAX_WORDS) {
                        return None;
                    }
                    let sep = if body[end..].trim_start().starts_with(',') {
                        ", "
                    } else {
                        " "
                    };
                    format!("{intro}{}{sep}{REDACTED}{outro}", &body[..end])
                }
                // Date and name together, undivided: a few more words.
                None if credible(body) && looks_like_name(body, NAME_MAX_WORDS + 5) => {
                    format!("{intro}{REDACTED}{outro}")
                }
                None => return None,
            };
            return Some(EMAIL.replace_all(&out, REDACTED).into_owned());
        }
    }
    for (re, rep) in NAMED.iter() {
        if let Some(c) = re.captures(&content) {
            let pre = c.name("pre").map_or("", |m| m.as_str());
            let name = c.name("name").map_or("", |m| m.as_str());
            if !credible(pre) || !looks_like_name(name, NAME_MAX_WORDS) {
                return None;
            }
            let out = replace_match(&c, &content, rep);
            return Some(EMAIL.replace_all(&out, REDACTED).into_owned());
        }
    }
    None
}

/// Reply-header labels whose values name people.
const ADDRESS_LABELS: &[&str] = &[
    "from",
    "to",
    "cc",
    "bcc",
    "reply-to",
    "de",
    "à",
    "a",
    "cci",
    "répondre à",
    "van",
    "aan",
    "von",
    "an",
    "antwort an",
];
/// Labels of the second line of a reply header (the date or sent time).
const DATE_LABELS: &[&str] = &[
    "sent",
    "date",
    "envoyé",
    "verzonden",
    "verstuurd",
    "datum",
    "gesendet",
];
/// Other reply-header labels.
const OTHER_LABELS: &[&str] = &[
    "subject",
    "objet",
    "onderwerp",
    "betreff",
    "importance",
    "priorité",
];

/// Characters of a line, after its quote marks, in which a reply-header label is looked for
/// (asterisks, a label of up to 16 letters, spaces, the colon).
const LABEL_MAX_CHARS: usize = 48;

/// The start of `line` where a reply-header label can sit: its quote marks and white space,
/// then at most [`LABEL_MAX_CHARS`] characters (so a long line costs no more than a short one).
fn label_window(line: &str) -> &str {
    let lead = line
        .char_indices()
        .find(|&(_, c)| !(c.is_whitespace() || c == '>'))
        .map_or(line.len(), |(i, _)| i);
    let end = line
        .char_indices()
        .skip_while(|&(i, _)| i < lead)
        .nth(LABEL_MAX_CHARS)
        .map_or(line.len(), |(i, _)| i);
    &line[..end]
}

/// The label of a reply-header line (`From:`, `*De :*`, `**Van:**`), lowercased.
fn header_label(line: &str) -> Option<String> {
    static LABEL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^[\s>]*\**\s*(?P<label>[\p{L}][\p{L} -]{0,15}?)\s*\**\s*:")
            .expect("valid regex")
    });
    let line = label_window(line);
    let colon = line.find(':')?;
    // Everything before the first `:` is quote marks, stars, white space or the label's
    // letters, spaces and hyphens (a superset of what the pattern takes there): a line with
    // anything else is no label, and is not copied and matched.
    if !line[..colon]
        .chars()
        .all(|c| c.is_whitespace() || c.is_alphabetic() || matches!(c, '>' | '*' | '-'))
    {
        return None;
    }
    let line = line.replace('\u{a0}', " ");
    let c = LABEL.captures(&line)?;
    let label = c.name("label")?.as_str().trim().to_lowercase();
    (ADDRESS_LABELS.contains(&label.as_str())
        || DATE_LABELS.contains(&label.as_str())
        || OTHER_LABELS.contains(&label.as_str()))
    .then_some(label)
}

/// Whether `lines[i]` starts a reply header block (a From line followed within three lines by a
/// date line); returns the block's length in lines.
fn outlook_block_len(lines: &[&str], i: usize) -> Option<usize> {
    let first = header_label(lines.get(i)?)?;
    if !matches!(first.as_str(), "from" | "de" | "van" | "von") {
        return None;
    }
    let dated = (i + 1..(i + 4).min(lines.len()))
        .any(|j| header_label(lines[j]).is_some_and(|l| DATE_LABELS.contains(&l.as_str())));
    if !dated {
        return None;
    }
    let mut end = i + 1;
    while end < lines.len() && end < i + 20 {
        let content = lines[end][quote_prefix(lines[end]).len()..].trim();
        if content.is_empty() {
            break;
        }
        end += 1;
    }
    Some(end - i)
}

/// Redacts the names and addresses in quoted-reply attribution lines and reply header blocks,
/// in English, French, Dutch and German, also inside quoted text and when an attribution line
/// wraps onto a second line. Other text is unchanged.
pub fn redact_attributions(text: &str) -> String {
    let text = super::lines::crlf_to_lf(text);
    let lines: Vec<&str> = super::lines::split_lf(&text).collect();
    // The quote depth (prefix length) of the first line with content at or after each line,
    // found in one backward pass: asking it of every line costs no rescan of the rest.
    let mut next_depth: Vec<Option<usize>> = vec![None; lines.len() + 1];
    for (j, l) in lines.iter().enumerate().rev() {
        let p = quote_prefix(l).len();
        next_depth[j] = if l[p..].trim().is_empty() {
            next_depth[j + 1]
        } else {
            Some(p)
        };
    }
    // Lines are kept as they are unless redacted: only those are copied.
    let mut out: Vec<Cow<'_, str>> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let prefix = quote_prefix(line);
        let content = &line[prefix.len()..];
        // Reply header blocks.
        if let Some(len) = outlook_block_len(&lines, i) {
            let mut redacting = false;
            for (k, l) in lines[i..i + len].iter().enumerate() {
                let p = quote_prefix(l);
                match header_label(l) {
                    Some(label) if ADDRESS_LABELS.contains(&label.as_str()) => {
                        let colon = l[p.len()..]
                            .find(':')
                            .map(|c| p.len() + c + 1)
                            .unwrap_or(l.len());
                        out.push(format!("{} {REDACTED}", l[..colon].trim_end()).into());
                        redacting = true;
                    }
                    Some(_) => {
                        out.push(EMAIL.replace_all(l, REDACTED));
                        redacting = false;
                    }
                    // A continuation of an address list (it holds an address, or the line
                    // before ended in a list separator): folded into the redaction.
                    None if redacting
                        && (l.contains(['@', '<'])
                            || k > 0 && lines[i + k - 1].trim_end().ends_with([',', ';'])) => {}
                    // Anything else is kept: it may be the writer's own line.
                    None => {
                        out.push(EMAIL.replace_all(l, REDACTED));
                        redacting = false;
                    }
                }
            }
            i += len;
            continue;
        }
        let next_quoted = |from: usize| {
            next_depth
                .get(from)
                .copied()
                .flatten()
                .is_some_and(|d| d > prefix.len())
        };
        if let Some(r) = redact_attribution(content, next_quoted(i + 1)) {
            out.push(format!("{prefix}{r}").into());
            i += 1;
            continue;
        }
        // An attribution wrapped onto two lines (same quote depth): only a dated form whose
        // first line starts it, so that the writer's last line before an attribution is
        // never taken into it. The cheapest tests come first: comparing the (mostly empty)
        // quote prefixes cost more than all the rest on a text of blank lines.
        if let Some(&next) = lines.get(i + 1)
            && !content.trim().is_empty()
            && next.trim_end().ends_with(':')
            && quote_prefix(next) == prefix
            && !next[prefix.len()..].trim().is_empty()
            && begins_dated_attribution(content)
        {
            let joined = format!(
                "{} {}",
                content.trim_end(),
                next[prefix.len()..].trim_start()
            );
            if let Some(r) = redact_dated_attribution(&joined, next_quoted(i + 2)) {
                out.push(format!("{prefix}{r}").into());
                i += 2;
                continue;
            }
        }
        out.push(Cow::Borrowed(line));
        i += 1;
    }
    out.join("\n")
}

/// Replaces every e-mail address in `text` by `[redacted]` (used for the human-readable part
/// of delivery and read reports, which name the recipient of our own mail).
pub fn redact_addresses(text: &str) -> String {
    EMAIL.replace_all(text, REDACTED).into_owned()
}

/// Final clean-up of a body: line ends to `\n`, control characters (but `\n` and `\t`) and
/// bidirectional overrides removed, trailing spaces stripped, runs of more than two blank lines
/// cut to two, surrounding white space trimmed.
pub fn normalise(text: &str) -> String {
    // Most bodies need neither of the first two steps: they are skipped without a copy.
    let text = super::lines::crlf_to_lf(text);
    let text: Cow<'_, str> = if memchr::memchr(b'\r', text.as_bytes()).is_some() {
        Cow::Owned(text.replace('\r', "\n"))
    } else {
        text
    };
    let cleaned: Cow<'_, str> = if all_kept(&text) {
        text
    } else {
        Cow::Owned(text.chars().filter(|&c| kept(c)).collect())
    };
    let mut out = String::with_capacity(cleaned.len());
    let mut blank_run = 0;
    for line in super::lines::split_lf(cleaned.trim_start()) {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            if blank_run > 2 {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out
}

/// Whether `c` stays in a [`normalise`]d body: not a control character (but `\n` and `\t`),
/// not a bidirectional override.
fn kept(c: char) -> bool {
    match c {
        '\n' | '\t' => true,
        // The same answer as below, without the Unicode tables.
        c if c.is_ascii() => !c.is_ascii_control(),
        c => !(c.is_control() || super::headers::is_bidi_control(c)),
    }
}

/// Whether every character of `text` is [`kept`]: an ASCII byte is taken as its character
/// without decoding (decoding every character was most of `normalise`'s time).
fn all_kept(text: &str) -> bool {
    let mut i = 0;
    while let Some(&b) = text.as_bytes().get(i) {
        let c = if b.is_ascii() {
            char::from(b)
        } else {
            text[i..]
                .chars()
                .next()
                .expect("i is on a character boundary")
        };
        if !kept(c) {
            return false;
        }
        i += c.len_utf8();
    }
    true
}

#[cfg(test)]
mod keep_tests;

#[cfg(test)]
mod tests;
