use super::*;

fn text_of(html: &str) -> String {
    html_body_to_text(html, true)
}

#[test]
fn scripts_and_styles_are_removed() {
    let s = sanitise_html("<p>hi</p><script>alert('x1')</script><style>p{color:red}</style>");
    assert!(s.contains("hi"));
    assert!(!s.contains("alert") && !s.contains("x1") && !s.contains("color"));
}

#[test]
fn tracking_pixels_and_remote_images_are_removed() {
    let s = sanitise_html(
        r#"<p>a</p><img src="https://t.example/pixel.gif?id=42" width=1 height=1><img src="cid:part1">"#,
    );
    assert!(!s.contains("img") && !s.contains("t.example") && !s.contains("cid:"));
}

#[test]
fn css_urls_go_with_style_attributes() {
    let s = sanitise_html(
        r#"<div style="background:url(https://t.example/bg.png)">x</div><table background="https://t.example/b.png"><tr><td>y</td></tr></table>"#,
    );
    assert!(
        !s.contains("style")
            && !s.contains("url(")
            && !s.contains("t.example")
            && !s.contains("background")
    );
    assert!(s.contains('x') && s.contains('y'));
}

#[test]
fn srcset_and_picture_are_removed() {
    let s = sanitise_html(
        r#"<picture><source srcset="https://t.example/a.webp"></picture><img srcset="https://t.example/b.png 2x">z"#,
    );
    assert!(!s.contains("srcset") && !s.contains("t.example"));
    assert!(s.contains('z'));
}

#[test]
fn meta_refresh_and_base_are_removed() {
    let s = sanitise_html(
        r#"<head><meta http-equiv="refresh" content="0;url=https://t.example/"><base href="https://t.example/"></head><a href="/rel">rel</a>"#,
    );
    assert!(
        !s.contains("meta")
            && !s.contains("refresh")
            && !s.contains("t.example")
            && !s.contains("base")
    );
    assert!(!s.contains("href") && s.contains("rel"));
}

#[test]
fn data_uris_and_other_schemes_are_removed() {
    let s = sanitise_html(
        r#"<a href="data:text/html;base64,PHNjcmlwdD4=">d</a><a href="mailto:jane@example.org">m</a><a href="tel:+3212345">t</a><a href="javascript:alert(1)">j</a><a href="https://ok.example/page">ok</a>"#,
    );
    assert!(
        !s.contains("data:")
            && !s.contains("mailto")
            && !s.contains("jane@")
            && !s.contains("tel:")
            && !s.contains("javascript")
    );
    assert!(s.contains(r#"href="https://ok.example/page""#));
}

#[test]
fn frames_objects_and_forms_are_removed() {
    let s = sanitise_html(
        r#"<iframe src="https://t.example/f">fallback1</iframe><object data="https://t.example/o">fallback2</object><embed src="https://t.example/e"><form action="https://t.example/post"><input name=q value=v></form>after"#,
    );
    assert!(
        !s.contains("t.example")
            && !s.contains("fallback")
            && !s.contains("input")
            && !s.contains("form")
    );
    assert!(s.contains("after"));
}

#[test]
fn event_handlers_are_removed() {
    let s = sanitise_html(
        r#"<p onclick="steal()" onmouseover="x()">p</p><body onload="y()">b</body><a href="https://ok.example" onclick="z()">a</a>"#,
    );
    assert!(
        !s.contains("onclick")
            && !s.contains("onmouseover")
            && !s.contains("onload")
            && !s.contains("steal")
    );
}

#[test]
fn html_to_text_is_readable() {
    let t = html_to_text(
        &sanitise_html(
            "<h1>Title</h1><p>Hello <b>world</b></p><ul><li>one</li><li>two</li></ul><blockquote>quoted</blockquote>",
        ),
        78,
    );
    assert!(t.contains("Hello"));
    assert!(t.contains("one") && t.contains("two"));
    assert!(
        t.lines()
            .any(|l| l.starts_with('>') && l.contains("quoted")),
        "{t}"
    );
    assert!(!t.contains('<'));
}

#[test]
fn html_links_keep_their_visible_text_only() {
    let t = text_of(
        r#"<p><a href="https://help.example/info?uid=PLANT42">info</a> <a href="mailto:jane@example.org">Jane</a> <a href="https://help.example/">https://help.example/</a></p>"#,
    );
    assert!(t.contains("info") && !t.contains("PLANT42"), "{t}");
    assert!(t.contains("Jane") && !t.contains("jane@example.org"));
    assert!(t.contains("https://help.example/"), "{t}");
}

#[test]
fn html_signatures_of_common_clients_are_removed() {
    let cases = [
        r#"<div>Body text here</div><div class="moz-signature">-- <br>Jane Doe 0470 11 22 33</div>"#,
        r#"<div dir="ltr">Body text here<br clear="all"><div><br></div><span class="gmail_signature_prefix">-- </span><br><div dir="ltr" class="gmail_signature" data-smartmail="gmail_signature">Jane Doe 0470 11 22 33</div></div>"#,
        r#"<div>Body text here</div><div data-smartmail="gmail_signature">Jane Doe 0470 11 22 33</div>"#,
        r#"<div>Body text here</div><div id="AppleMailSignature" dir="ltr">Jane Doe 0470 11 22 33</div>"#,
        r#"<div>Body text here</div><div id="Signature"><p>Jane Doe 0470 11 22 33</p></div>"#,
        r#"<div>Body text here</div><div id="ms-outlook-mobile-signature">Jane Doe 0470 11 22 33</div>"#,
        r#"<div>Body text here</div><div class='k9mail-signature'>Jane Doe 0470 11 22 33</div>"#,
        r#"<div>Body text here</div><div id="_rc_sig">Jane Doe 0470 11 22 33</div>"#,
        r#"<div>Body text here</div><div class="protonmail_signature_block"><div class="protonmail_signature_block-user">Jane Doe 0470 11 22 33</div></div>"#,
        r#"<div>Body text here</div><div id="ymail_android_signature">Jane Doe 0470 11 22 33</div>"#,
    ];
    for html in cases {
        let t = text_of(html);
        assert!(t.contains("Body text here"), "{html}: {t}");
        assert!(!t.contains("Jane") && !t.contains("0470"), "{html}: {t}");
        // Kept when not asked to remove.
        assert!(html_body_to_text(html, false).contains("0470"), "{html}");
    }
}

#[test]
fn long_content_inside_an_ambiguous_signature_id_is_kept() {
    let long = "My whole reply sits here. ".repeat(100);
    let html = format!(r#"<div id="AppleMailSignature">{long}</div>"#);
    assert!(text_of(&html).contains("My whole reply sits here."));
}

#[test]
fn html_attribution_containers_are_redacted() {
    let html = r#"<div>Thanks!</div><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, 3 Jun 2024 at 10:00, Jane Doe &lt;jane@example.org&gt; wrote:<br></div><blockquote class="gmail_quote">old text</blockquote></div>"#;
    let t = text_of(html);
    assert!(!t.contains("Jane") && !t.contains("jane@"), "{t}");
    assert!(t.contains("[redacted]") && t.contains("old text") && t.contains("Thanks!"));
    // An unknown language in the container: the whole container is redacted.
    let html = r#"<div class="moz-cite-prefix">Il 03/06/2024 10:00, Giovanna Rossi ha scritto:<br></div><blockquote>x</blockquote>"#;
    let t = text_of(html);
    assert!(!t.contains("Giovanna") && t.contains("[redacted]"), "{t}");
    let html = r#"<p>Top</p><div id="divRplyFwdMsg"><b>From:</b> Jane Doe &lt;jane@example.org&gt;<br><b>Sent:</b> Monday, June 3, 2024 10:00<br><b>To:</b> Help &lt;help@line.example&gt;<br><b>Subject:</b> Re: hi</div>"#;
    let t = text_of(html);
    assert!(
        !t.contains("Jane") && !t.contains("jane@") && !t.contains("help@line"),
        "{t}"
    );
    assert!(t.contains("Re: hi"), "{t}");
}

#[test]
fn deeply_nested_html_is_rendered_flat_and_fast() {
    let html = format!(
        "<style>p{{}}</style>{}deep &amp; safe<script>x()</script><img src=https://t.example/p>{}",
        "<div>".repeat(200_000),
        "</div>".repeat(200_000)
    );
    assert!(html_nesting_estimate(&html) > MAX_HTML_NESTING);
    let start = std::time::Instant::now();
    let t = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || html_body_to_text(&html, true))
        .unwrap()
        .join()
        .unwrap();
    assert!(start.elapsed() < std::time::Duration::from_secs(10));
    assert_eq!(t.trim(), "deep & safe");
}

#[test]
fn unterminated_tag_ending_in_a_multibyte_char() {
    // Found by fuzzing (fuzz/artifacts/pipeline/crash-3843…): a tag without `>` whose
    // last character is not ASCII made the tag scanner slice inside that character.
    for html in [
        "<a href=x>me</a><\u{d3}\u{f5}",
        "x<\u{f5}",
        "<p\u{20ac}",
        "<\u{1f600}",
    ] {
        assert!(html_nesting_estimate(html) <= 1, "{html:?}");
        let _ = html_to_flat_text(html);
        let _ = html_body_to_text(html, true);
    }
    assert_eq!(html_nesting_estimate("<div\u{e9}"), 1);
    assert_eq!(html_to_flat_text("a<b\u{e9}").trim(), "a");
}

#[test]
fn nesting_estimate() {
    assert_eq!(
        html_nesting_estimate("<div><p>a<p>b<br><span>c</span></div>"),
        2
    );
    assert_eq!(html_nesting_estimate("<b><i><u>x"), 3);
    assert_eq!(html_nesting_estimate("<!-- <div><div> --><div/>"), 0);
    let fine = "<div>".repeat(MAX_HTML_NESTING) + "ok";
    let t = html_body_to_text(&fine, true);
    assert!(t.contains("ok"));
}

#[test]
fn flat_text_drops_markup() {
    let t = html_to_flat_text(
        "<head><title>T</title></head><p>a &lt;b&gt; &#233;&#x41;</p><script>evil()</script>c<!-- hidden -->",
    );
    assert_eq!(t.trim(), "a <b> éA\nc");
}

#[test]
fn flat_text_decodes_every_named_and_numeric_entity() {
    let t = html_to_flat_text(
        "<p>&Eacute;t&eacute; &agrave; l&rsquo;&eacute;cole&nbsp;: 5&euro; &hellip; &#233;&#x41;&#X42; &amp;amp; &zzz; &copy 2024</p>",
    );
    assert_eq!(t.trim(), "Été à l’école\u{a0}: 5€ … éAB &amp; &zzz; © 2024");
    // Text that only looks like markup stays text: nothing is lost.
    assert_eq!(
        html_to_flat_text("x </ y > &lt;3 <? z").trim(),
        "x </ y > <3 <? z"
    );
}

#[test]
fn flat_text_keeps_words_of_separate_cells_and_blocks_apart() {
    let t = html_to_flat_text(
        "<table><tr><td>alpha</td><td>beta</td><th>gamma</th></tr></table>\
         <section>delta</section><section>epsilon</section><dl><dt>zeta</dt><dd>eta</dd></dl>",
    );
    let words: Vec<&str> = t.split_whitespace().collect();
    assert_eq!(
        words,
        ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta"],
        "{t:?}"
    );
}

#[test]
fn flat_text_keeps_the_body_after_a_head_left_open() {
    // HTML lets `</head>` out: the head ends at `<body>`, at an element that cannot be in a
    // head, or at text; the writer's words after it are the body's.
    for html in [
        "<html><head><meta charset=utf-8><title>T</title><body><p>writer words</p>",
        "<head><link rel=x><style>p{}</style><p>writer words",
        "<head><title>T</title>writer words",
        "<head><script>if (a<b) x()</script><div>writer words</div>",
    ] {
        let t = html_to_flat_text(html);
        assert_eq!(t.trim(), "writer words", "{html}");
    }
    assert_eq!(
        html_to_flat_text("<head><title>T</title></head>writer words").trim(),
        "writer words"
    );
}

#[test]
fn flat_text_keeps_the_text_after_a_self_closing_svg() {
    let t = html_to_flat_text(
        "<p>before</p><svg/><p>after</p><svg><text>icon</text><svg/><g/></svg>end <math/>last",
    );
    let words: Vec<&str> = t.split_whitespace().collect();
    assert_eq!(words, ["before", "after", "end", "last"], "{t:?}");
    // Inside a script only its own end tag counts: a quoted tag neither ends nor nests it.
    let t = html_to_flat_text("<script>a='<style>';b='</head>'</script>words<style>x</style>");
    assert_eq!(t.trim(), "words");
}

/// The writer's words of [`html_of_size`].
const WRITER: &str = "I am scared, my stepfather hits me";

/// HTML of exactly `bytes` bytes (at least 1 KB): the writer's words, hidden and active
/// content, a Gmail attribution and quoted reply, then numbered words, each in its own
/// `<span>` (dense markup); with every word of its text, in order.
fn html_of_size(bytes: usize) -> (String, Vec<String>) {
    let mut html = format!(
        "<head><style>p{{background:url(https://t.example/bg)}}</style></head>\
         <p>{WRITER}</p><script>track()</script><!-- a comment --><img src=https://t.example/p>\
         <p><a href=\"https://t.example/x?id=42\">my link</a></p>\
         <div class=\"gmail_signature\">Sam</div>\
         <div class=\"gmail_attr\">On Mon, 3 Jun 2024 at 10:00, Jane Doe &lt;jane@example.org&gt; wrote:<br></div>\
         <blockquote class=\"gmail_quote\">quoted reply</blockquote><p>"
    );
    let mut words: Vec<String> = WRITER.split_whitespace().map(String::from).collect();
    words.extend(
        [
            "my", "link", "Sam", "On", "Mon,", "3", "Jun", "2024", "at", "10:00,",
        ]
        .map(String::from),
    );
    words.extend(
        [
            "Jane",
            "Doe",
            "<jane@example.org>",
            "wrote:",
            "quoted",
            "reply",
        ]
        .map(String::from),
    );
    let end = "</p>";
    let mut i = 0;
    loop {
        let word = format!("<span>w{i}</span> ");
        if html.len() + word.len() + end.len() > bytes {
            break;
        }
        html.push_str(&word);
        words.push(format!("w{i}"));
        i += 1;
    }
    html.push_str(&" ".repeat(bytes - end.len() - html.len()));
    html.push_str(end);
    assert_eq!(html.len(), bytes);
    (html, words)
}

#[test]
fn html_above_the_size_limit_is_rendered_flat_keeping_every_word() {
    let (html, words) = html_of_size(MAX_STRUCTURED_HTML_BYTES + 1);
    assert!(html_nesting_estimate(&html) <= MAX_HTML_NESTING);
    assert!(markup_marks(&html) > MAX_STRUCTURED_HTML_MARKS);
    let t = html_body_to_text(&html, true);
    // Flat: no `>` before the quoted reply, and every word of the text kept, in order
    // (the signature block too: the flat render never drops text).
    assert!(
        !t.lines().any(|l| l.trim_start().starts_with('>')),
        "{}",
        &t[..400]
    );
    assert_eq!(t.split_whitespace().collect::<Vec<_>>(), words);
    // Nothing of the markup, nothing that loads, nothing hidden.
    for gone in [
        "t.example",
        "track",
        "comment",
        "url(",
        "<p",
        "<a",
        "&lt;",
        "id=42",
    ] {
        assert!(!t.contains(gone), "{gone}");
    }
    // The attribution is redacted by the text passes that follow, as for any text.
    let r = redact_attributions(&t);
    assert!(!r.contains("Jane") && !r.contains("jane@"), "{}", &r[..400]);
}

#[test]
fn html_at_the_size_limit_keeps_the_structured_render() {
    let (html, words) = html_of_size(MAX_STRUCTURED_HTML_BYTES);
    let t = html_body_to_text(&html, true);
    assert!(t.contains(WRITER) && t.contains("my link"), "{}", &t[..400]);
    // Structured: the signature block removed, the attribution redacted in the markup, the
    // quoted reply marked.
    assert!(t.contains("> quoted reply"), "{}", &t[..400]);
    assert!(!t.contains("Sam") && !t.contains("Jane"), "{}", &t[..400]);
    assert_eq!(
        t.split_whitespace().last(),
        words.last().map(String::as_str)
    );
}

/// A large mail that is large because of an inlined image, not its markup, keeps the
/// structured render: its signature is still removed and its quoted reply marked.
#[test]
fn large_html_with_little_markup_keeps_the_structured_render() {
    let image = format!(
        "<p><img src=\"data:image/png;base64,{}\"></p>",
        "QUJD".repeat(MAX_STRUCTURED_HTML_BYTES / 2)
    );
    let html = format!(
        "<p>{WRITER}</p>{image}<div class=\"gmail_signature\">Sam</div>\
         <blockquote class=\"gmail_quote\">quoted reply</blockquote>"
    );
    assert!(html.len() > 2 * MAX_STRUCTURED_HTML_BYTES);
    assert!(markup_marks(&html) < 10);
    let t = html_body_to_text(&html, true);
    assert!(t.contains(WRITER), "{t}");
    assert!(!t.contains("Sam"), "the signature is removed: {t}");
    assert!(t.contains("> quoted reply"), "{t}");
    assert!(!t.contains("QUJD"), "{t}");
}

#[test]
fn rfc3676_signature_is_removed() {
    let t = remove_plain_signature("Hello,\nI need help.\n\n-- \nJane Doe\n0470 11 22 33\n");
    assert_eq!(t, "Hello,\nI need help.\n");
}

#[test]
fn signature_ends_at_quoted_history() {
    let t = remove_plain_signature(
        "Reply text\n-- \nJane\n\nOn Mon, 3 Jun 2024 at 10:00, Help <h@x.example> wrote:\n> earlier\n",
    );
    assert!(t.starts_with("Reply text\n"));
    assert!(!t.contains("Jane"));
    assert!(t.contains("> earlier") && t.contains("wrote:"));
}

#[test]
fn quoted_separator_is_left_alone() {
    let text = "My answer\n\n> Their text\n> -- \n> Their sig\n";
    assert_eq!(remove_plain_signature(text), text);
}

#[test]
fn weak_separator_needs_a_short_tail() {
    assert_eq!(remove_plain_signature("Text\n--\nJane\n"), "Text");
    let divider = format!("Part one\n--\n{}", "more of my own text\n".repeat(15));
    assert_eq!(remove_plain_signature(&divider), divider);
    let long_line = format!("Part one\n--\n{}\n", "x".repeat(200));
    assert_eq!(remove_plain_signature(&long_line), long_line);
}

#[test]
fn crlf_signature_is_removed() {
    assert_eq!(remove_plain_signature("Text\r\n-- \r\nJane\r\n"), "Text");
}

#[test]
fn attribution_english() {
    let r = redact_attributions(
        "Thanks\n\nOn Mon, 3 Jun 2024 at 10:00, Jane Doe <jane@example.org> wrote:\n> hi",
    );
    assert!(
        r.contains("On Mon, 3 Jun 2024 at 10:00, [redacted] wrote:"),
        "{r}"
    );
    assert!(!r.contains("Jane") && !r.contains("jane@"));
    let r = redact_attributions(
        "On Mon, Jun 3, 2024 at 10:00 AM Jane Doe <jane@example.org> wrote:\n> hi",
    );
    assert!(
        r.starts_with("On Mon, Jun 3, 2024 at 10:00 AM [redacted] wrote:"),
        "{r}"
    );
    let r =
        redact_attributions("On 3 Jun 2024, at 10:00, Jane Doe <jane@example.org> wrote:\n\n> hi");
    assert!(
        r.starts_with("On 3 Jun 2024, at 10:00, [redacted] wrote:"),
        "{r}"
    );
    let r = redact_attributions("On 03/06/2024 10:00, Jane Doe wrote:\n> hi");
    assert!(
        r.starts_with("On 03/06/2024 10:00, [redacted] wrote:"),
        "{r}"
    );
    let r = redact_attributions("Jane Doe wrote:\n> hi");
    assert!(r.starts_with("[redacted] wrote:"), "{r}");
    // An ordinary sentence is not an attribution.
    let s = "Here is what my friend wrote:\nsomething";
    assert_eq!(redact_attributions(s), s);
}

#[test]
fn attribution_french() {
    let r = redact_attributions(
        "Le lun. 3 juin 2024 à 10:00, Jane Doe <jane@example.org> a écrit :\n> salut",
    );
    assert!(
        r.starts_with("Le lun. 3 juin 2024 à 10:00, [redacted] a écrit :"),
        "{r}"
    );
    let r = redact_attributions("Le 03/06/2024 à 10h00, Jane Doe a\u{a0}écrit\u{a0}:\n> salut");
    assert!(
        r.starts_with("Le 03/06/2024 à 10h00, [redacted] a écrit :"),
        "{r}"
    );
    assert!(!r.contains("Jane"));
}

#[test]
fn attribution_dutch() {
    let r = redact_attributions(
        "Op ma 3 jun. 2024 om 10:00 schreef Jane Doe <jane@example.org>:\n> hoi",
    );
    assert!(
        r.starts_with("Op ma 3 jun. 2024 om 10:00 schreef [redacted]:"),
        "{r}"
    );
    let r = redact_attributions(
        "Op 3 jun. 2024 om 10:00 heeft Jane Doe <jane@example.org> het volgende geschreven:\n\n> hoi",
    );
    assert!(
        r.starts_with("Op 3 jun. 2024 om 10:00 heeft [redacted] het volgende geschreven:"),
        "{r}"
    );
    assert!(!r.contains("Jane"));
}

#[test]
fn attribution_german() {
    let r = redact_attributions(
        "Am Mo., 3. Juni 2024 um 10:00 Uhr schrieb Jane Doe <jane@example.org>:\n> hallo",
    );
    assert!(
        r.starts_with("Am Mo., 3. Juni 2024 um 10:00 Uhr schrieb [redacted]:"),
        "{r}"
    );
}

#[test]
fn wrapped_attributions() {
    let r = redact_attributions(
        "On Mon, 3 Jun 2024 at 10:00, Jane Doe <\njane@example.org> wrote:\n> hi",
    );
    assert!(!r.contains("Jane") && !r.contains("jane@"), "{r}");
    assert!(
        r.starts_with("On Mon, 3 Jun 2024 at 10:00, [redacted] wrote:\n> hi"),
        "{r}"
    );
    let r = redact_attributions(
        "Le lun. 3 juin 2024 à 10:00, Jane Doe\n<jane@example.org> a écrit :\n> salut",
    );
    assert!(!r.contains("Jane") && !r.contains("jane@"), "{r}");
    let r = redact_attributions(
        "Op ma 3 jun. 2024 om 10:00 schreef Jane Doe\n<jane@example.org>:\n> hoi",
    );
    assert!(!r.contains("Jane") && !r.contains("jane@"), "{r}");
    // Inside quoted text, wrapped too.
    let r = redact_attributions(
        "> On Mon, 3 Jun 2024 at 10:00, Jane Doe\n> <jane@example.org> wrote:\n> > deeper",
    );
    assert!(!r.contains("Jane") && !r.contains("jane@"), "{r}");
    assert!(r.contains("> > deeper"));
}

#[test]
fn outlook_header_blocks() {
    let en = "Reply\n\nFrom: Jane Doe <jane@example.org>\nSent: Monday, June 3, 2024 10:00 AM\nTo: Help Line <help@line.example>\nCc: Friend <f@example.org>,\n Other <o@example.org>\nSubject: Re: hi\n\nold";
    let r = redact_attributions(en);
    for leak in ["Jane", "jane@", "help@", "Friend", "Other", "f@", "o@"] {
        assert!(!r.contains(leak), "{leak}: {r}");
    }
    assert!(
        r.contains("Sent: Monday, June 3, 2024 10:00 AM")
            && r.contains("Subject: Re: hi")
            && r.contains("old")
    );
    let fr = "De\u{a0}: Jane Doe <jane@example.org>\nEnvoyé\u{a0}: lundi 3 juin 2024 10:00\nÀ\u{a0}: Aide <aide@line.example>\nObjet\u{a0}: Re: salut\n";
    let r = redact_attributions(fr);
    assert!(
        !r.contains("Jane") && !r.contains("aide@") && r.contains("Objet"),
        "{r}"
    );
    let nl = "Van: Jane Doe <jane@example.org>\nVerzonden: maandag 3 juni 2024 10:00\nAan: Hulp <hulp@line.example>\nOnderwerp: Re: hoi\n";
    let r = redact_attributions(nl);
    assert!(
        !r.contains("Jane") && !r.contains("hulp@") && r.contains("Onderwerp: Re: hoi"),
        "{r}"
    );
    let quoted = "> *From:* Jane Doe <jane@example.org>\n> *Sent:* Monday\n> *To:* x@y.example\n";
    let r = redact_attributions(quoted);
    assert!(!r.contains("Jane") && !r.contains("x@y"), "{r}");
    // A lone "From:" line without a date line is left alone.
    let s = "From: my heart\nthat is all";
    assert_eq!(redact_attributions(s), s);
}

#[test]
fn normalise_text() {
    assert_eq!(
        normalise("a  \r\nb\r\n\r\n\r\n\r\n\r\nc\u{7}\u{202E}d\t \n"),
        "a\nb\n\n\ncd"
    );
    assert_eq!(normalise("\n\n  x  \n\n"), "x");
    assert_eq!(normalise("a\rb"), "a\nb");
    assert_eq!(normalise("tab\there"), "tab\there");
}

#[test]
fn html_signature_is_found_in_the_plain_alternative() {
    let html = "<p>Hello, I need help.</p><div id=\"Signature\"><p>Marie Dupont<br>Coordinatrice<br>T\u{e9}l. +32 2 555 03 19<br><a href=\"mailto:m@x.example\">m@x.example</a></p></div>";
    let sigs = html_signature_texts(html);
    assert_eq!(sigs.len(), 1);
    let plain = "Hello, I need help.\n\nMarie Dupont\nCoordinatrice\nT\u{e9}l. +32 2 555 03 19\nm@x.example<mailto:m@x.example>\n\n> quoted Marie Dupont\n";
    let out = remove_signature_text(plain, &sigs[0]);
    assert!(out.contains("I need help"));
    assert!(!out.contains("Coordinatrice"), "{out}");
    assert!(!out.contains("555 03 19"), "{out}");
    assert!(!out.contains("mailto"), "{out}");
    assert!(
        out.contains("> quoted Marie Dupont"),
        "quotes are untouched: {out}"
    );
}

#[test]
fn signatures_are_found_from_the_first_mark_as_in_the_whole_document() {
    let samples = [
        // Gmail.
        "<html><head><style>p{margin:0}</style></head><body><div dir=\"ltr\"><p>Bonjour,</p><p>Je n'ose pas en parler.</p><br clear=\"all\"><div><br></div><span class=\"gmail_signature_prefix\">-- </span><br><div dir=\"ltr\" class=\"gmail_signature\" data-smartmail=\"gmail_signature\"><div>Marie Dupont</div><div>+32 2 555 03 19</div></div></div></body></html>",
        // Outlook, inside a table cell, with a bookmark and a later second signature.
        "<html><body><table><tr><td><p class=MsoNormal>Hallo</p><p><a name=\"_MailAutoSig\">Jan Peeters</a></p><p><span style=\"mso-bookmark: _MailAutoSig\">Brussel</span></p></td></tr></table><div id=\"Signature\"><p>Jan<br>0470 12 34 56</p></div></body></html>",
        // The word in the text before the signature, then Thunderbird's.
        "<p>my signature is not here</p><p>Help me</p><pre class=\"moz-signature\" cols=\"72\">Julie\nrue de la Loi 16</pre>",
        // A style block that names the class, then the signature.
        "<html><head><style>.signature{color:grey}</style></head><body><p>Hi</p><div class=\"signature\">Tom &lt;tom@x.example&gt;</div></body></html>",
        // A '<' inside an attribute of the marked tag.
        "<p>Hi</p><div title=\"a<b\" class=\"signature\">Ann</div>",
    ];
    for html in samples {
        let whole = signature_texts_in(html);
        assert!(!whole.is_empty(), "{html}");
        assert_eq!(html_signature_texts(html), whole, "{html}");
    }
    assert!(html_signature_texts("<p>Nothing to see</p>").is_empty());
}

#[test]
fn unrelated_text_is_not_removed_as_a_signature() {
    let plain = "I am Marie and I work as a coordinator.\nPlease call me back.\n";
    assert_eq!(
        remove_signature_text(plain, "Jean Martin\nDirecteur\n+32 2 000 00 00"),
        plain
    );
    assert_eq!(
        remove_signature_text(plain, "Marie"),
        plain,
        "one word is not enough"
    );
}

#[test]
fn replace_match_replaces_as_regex_replace_does() {
    let lines = [
        "Jane Doe wrote:",
        "Jane Doe <jane@example.org> wrote:",
        "Jean Dupont a écrit :",
        "Max Muster schrieb:",
        "Jan de Vries schreef:",
        "On Mon, 3 Mar 2025 at 10:00, Jane Doe <jane@example.org> wrote:",
        "Le lun. 3 mars 2025 à 10:00, Jean <jean@example.fr> a écrit :",
        "Op 3 mrt. 2025 om 10:00 schreef Jan <jan@example.nl>:",
        "$1 and $name wrote:",
        "wrote:",
    ];
    let mut matched = 0;
    for (re, rep) in NAMED.iter().chain(UNDATED.iter()) {
        for line in lines {
            if let Some(c) = re.captures(line) {
                matched += 1;
                assert_eq!(
                    replace_match(&c, line, rep),
                    re.replace(line, *rep),
                    "{line}"
                );
            }
        }
    }
    assert!(matched >= 5, "{matched}");
}

/// What `normalise` must give, written the plain way: every character tested, the lines
/// collected, at most two blank lines in a row, trimmed.
fn normalise_reference(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let cleaned: String = text
        .chars()
        .filter(|&c| {
            c == '\n'
                || c == '\t'
                || !(c.is_control() || crate::anonymise::headers::is_bidi_control(c))
        })
        .collect();
    let mut lines: Vec<&str> = Vec::new();
    for line in cleaned.split('\n').map(str::trim_end) {
        let blanks = lines.iter().rev().take_while(|l| l.is_empty()).count();
        if !(line.is_empty() && blanks >= 2) {
            lines.push(line);
        }
    }
    lines.join("\n").trim().to_string()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
    /// The fast path keeps and drops exactly what the character-by-character filter did.
    #[test]
    fn normalise_matches_the_character_filter(
        text in proptest::collection::vec(
            proptest::sample::select(vec![
                "a", "é", " ", "\t", "\n", "\r", "\r\n", "\u{7}", "\u{7f}", "\u{85}",
                "\u{a0}", "\u{202E}", "\u{2067}", "\u{200F}", "\u{61C}", "\u{3000}", "x y", "中",
            ]),
            0..60,
        )
    ) {
        let text = text.concat();
        proptest::prop_assert_eq!(normalise(&text), normalise_reference(&text));
    }
}

#[test]
fn normalise_is_idempotent_and_keeps_joined_normalised_pieces_as_they_are() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    let piece = prop::sample::select(vec![
        "a", "b c", " ", "\t", "\n", "\r\n", "\r", "\u{a0}", "\u{202e}", "\u{7}", "\u{2028}",
        "> q", "--", "\u{e9}",
    ]);
    let text = prop::collection::vec(piece, 0..12).prop_map(|p| p.concat());
    TestRunner::new(Config {
        cases: 4000,
        failure_persistence: None,
        ..Config::default()
    })
    .run(&(text.clone(), text), |(a, b)| {
        let (a, b) = (normalise(&a), normalise(&b));
        prop_assert_eq!(normalise(&a), a.clone());
        if !a.trim().is_empty() && !b.trim().is_empty() {
            let joined = format!("{a}\n\n{b}");
            prop_assert_eq!(normalise(&joined), joined);
        }
        Ok(())
    })
    .unwrap();
}

/// `header_label` as it was before lines were screened by their characters: the pattern alone.
fn header_label_by_pattern(line: &str) -> Option<String> {
    static PATTERN: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
        Regex::new(r"^[\s>]*\**\s*(?P<label>[\p{L}][\p{L} -]{0,15}?)\s*\**\s*:").unwrap()
    });
    let line = label_window(line).replace('\u{a0}', " ");
    let label = PATTERN
        .captures(&line)?
        .name("label")?
        .as_str()
        .trim()
        .to_lowercase();
    (ADDRESS_LABELS.contains(&label.as_str())
        || DATE_LABELS.contains(&label.as_str())
        || OTHER_LABELS.contains(&label.as_str()))
    .then_some(label)
}

#[test]
fn header_label_screens_lines_as_the_pattern_would() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    let piece = prop::sample::select(vec![
        "From",
        "De",
        "Van",
        "Envoyé",
        "Date",
        "Sent",
        " ",
        "\u{a0}",
        "\t",
        ">",
        "*",
        "-",
        ":",
        "2026",
        ",",
        "é",
        "\u{301}",
        "Ⅻ",
        "x",
        "On Mon, 1 Jan at 10:00 A wrote",
    ]);
    TestRunner::new(Config {
        cases: 6000,
        failure_persistence: None,
        ..Config::default()
    })
    .run(&prop::collection::vec(piece, 0..8), |pieces| {
        let line = pieces.concat();
        prop_assert_eq!(
            header_label(&line),
            header_label_by_pattern(&line),
            "{:?}",
            line
        );
        Ok(())
    })
    .unwrap();
    assert_eq!(header_label("*De :* Alice"), Some("de".to_string()));
    assert_eq!(
        header_label("> Envoyé\u{a0}: lundi"),
        Some("envoyé".to_string())
    );
}
