//! Hostile shapes of mail: the slowest inputs known for each pass over a message, at any
//! size. sourdine's growth tests (`src/anonymise/growth.rs` in the product) check that
//! preparing them grows linearly with their size; the benchmark suite's `worst` section
//! prints their MB/s.

/// The shapes, by name: blank lines, long lines, deep and wide HTML, many small parts, long
/// quoted threads, big headers, many attribution-like lines, many signature-like lines...
pub const SHAPES: &[&str] = &[
    "blank-lines",
    "long-line",
    "long-colon-lines",
    "quote-marks-line",
    "quoted-thread",
    "attribution-lines",
    "undated-attributions",
    "reply-header-blocks",
    "signature-lines",
    "strong-signature-lines",
    "addresses",
    "deep-html",
    "nested-tables",
    "nested-blockquotes",
    "wide-html",
    "wide-signature-html",
    "nested-signature-html",
    "html-entities",
    "deep-html-entities",
    "html-long-attribute",
    "html-signature-search",
    "many-parts",
    "big-headers",
    "missing-boundaries",
];

/// A message of about `bytes` bytes of the named shape (see [`SHAPES`]); `None` for an
/// unknown name.
pub fn hostile(shape: &str, bytes: usize) -> Option<Vec<u8>> {
    let times = |unit: &str| unit.repeat((bytes / unit.len()).max(1));
    let text = |body: String| message("text/plain; charset=utf-8", &body);
    let html = |body: String| message("text/html; charset=utf-8", &body);
    let nest = |open: &str, close: &str, depth: usize, unit: &str| {
        let inner = unit.repeat((bytes / unit.len()).max(1));
        format!("{}{inner}{}", open.repeat(depth), close.repeat(depth))
    };
    Some(match shape {
        "blank-lines" => text(times("\n")),
        "long-line" => text(times("word ")),
        "long-colon-lines" => text(times(&format!("{}:\n", "a b ".repeat(1024)))),
        "quote-marks-line" => text(format!("{}x:\n", times("> "))),
        "quoted-thread" => text(times("> > > > quoted text of an earlier message\n")),
        "attribution-lines" => text(times(
            "On Mon, 3 Jun 2024 at 10:00, Jane Doe <jane@example.org> wrote:\n",
        )),
        "undated-attributions" => text(times("Jane Doe wrote:\n> hi\n")),
        "reply-header-blocks" => text(times("From: a\nSent: b\nTo: c\n")),
        "signature-lines" => text(times("--\nx\n")),
        "strong-signature-lines" => text(times("text\n-- \n")),
        "addresses" => text(times("a@b a@a-a-a- ")),
        "deep-html" => html(nest("<div>", "</div>", 500, "<p>some text</p>")),
        "nested-tables" => html(nest(
            "<table><tr><td>",
            "</td></tr></table>",
            100,
            "<p>some text</p>",
        )),
        "nested-blockquotes" => html(nest(
            "<blockquote>",
            "</blockquote>",
            400,
            "<p>some text</p>",
        )),
        "wide-html" => html(times("<div>x</div>")),
        "wide-signature-html" => html(times(
            "<div class=\"gmail_signature\">x</div><div id=\"Signature\">y</div><div class=\"gmail_attr\">On x wrote:</div>",
        )),
        "nested-signature-html" => html(nest("<div class=\"signature\">", "</div>", 400, "text ")),
        "html-entities" => html(times("&amp;&nbsp;&")),
        // Deeper than the DOM is given: the flat-text fallback decodes each short run.
        "deep-html-entities" => html(nest("<div>", "</div>", 600, "<p>caf&eacute; &amp;</p>")),
        "html-long-attribute" => html(format!(
            "<a href=\"https://x.example/?{}\">x</a>",
            times("&")
        )),
        "html-signature-search" => {
            let words = "a ".repeat((bytes / 4).max(1));
            let sig = format!("{}b", "a ".repeat(1000));
            alternative(
                &words,
                &format!("<p>{words}</p><div class=\"gmail_signature\">{sig}</div>"),
            )
        }
        "many-parts" => many_parts(bytes),
        "big-headers" => big_headers(bytes),
        "missing-boundaries" => missing_boundaries(bytes),
        _ => return None,
    })
}

fn message(content_type: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Writer <writer@example.org>\nTo: help@line.example\nSubject: hostile\nContent-Type: {content_type}\n\n{body}"
    )
    .into_bytes()
}

fn alternative(plain: &str, html: &str) -> Vec<u8> {
    format!(
        "From: Writer <writer@example.org>\nSubject: hostile\nContent-Type: multipart/alternative; boundary=AB\n\n--AB\nContent-Type: text/plain\n\n{plain}\n--AB\nContent-Type: text/html\n\n{html}\n--AB--\n"
    )
    .into_bytes()
}

/// 250 text parts (just under the default part limit), together about `bytes`.
fn many_parts(bytes: usize) -> Vec<u8> {
    let mut s = String::from(
        "From: Writer <writer@example.org>\nSubject: hostile\nContent-Type: multipart/mixed; boundary=p\n\n",
    );
    let part = "line of text\n".repeat((bytes / 250 / 13).max(1));
    for _ in 0..250 {
        s.push_str("--p\nContent-Type: text/plain\n\n");
        s.push_str(&part);
    }
    s.push_str("--p--\n");
    s.into_bytes()
}

/// A header block just under the default limit (References of many ids, recipients carrying
/// plus-address tokens), then a body that brings the message to about `bytes`.
fn big_headers(bytes: usize) -> Vec<u8> {
    let ids: Vec<String> = (0..6000).map(|i| format!("<{i}@x.example>")).collect();
    let to: Vec<String> = (0..3000)
        .map(|i| format!("help+t{i}@line.example"))
        .collect();
    format!(
        "From: Writer <writer@example.org>\nTo: {}\nReferences: {}\nSubject: {}\n\n{}",
        to.join(",\n "),
        ids.join("\n "),
        "=?utf-8?q?a?= ".repeat(2000),
        "text\n".repeat((bytes / 5).max(1))
    )
    .into_bytes()
}

/// Nested multiparts whose boundaries never appear, over a body of about `bytes`: the parser
/// looks for each boundary to the end (the pre-scan bounds the product).
fn missing_boundaries(bytes: usize) -> Vec<u8> {
    let mut s = String::from(
        "From: Writer <writer@example.org>\nSubject: hostile\nContent-Type: multipart/mixed; boundary=top\n\n",
    );
    for i in 0..100 {
        s.push_str(&format!(
            "--top\nContent-Type: multipart/mixed; boundary=never{i}\n\n"
        ));
    }
    s.push_str(&"z".repeat(bytes));
    s.into_bytes()
}
