//! Lines of a text, found with `memchr`.

/// The pieces of `text` between `\n`s, exactly as `text.split('\n')` gives them (a last empty
/// piece after a final `\n` included), found with `memchr`: the standard searcher compares each
/// match with `memcmp`, which cost more than the rest of a pass over a text of short lines.
pub fn split_lf(text: &str) -> impl Iterator<Item = &str> + '_ {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let r = rest?;
        match memchr::memchr(b'\n', r.as_bytes()) {
            Some(i) => {
                rest = Some(&r[i + 1..]);
                Some(&r[..i])
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// [`split_lf`] from the end: what `text.rsplit('\n')` gives.
pub fn rsplit_lf(text: &str) -> impl Iterator<Item = &str> + '_ {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let r = rest?;
        match memchr::memrchr(b'\n', r.as_bytes()) {
            Some(i) => {
                rest = Some(&r[..i]);
                Some(&r[i + 1..])
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// `text` with every `\r\n` written `\n`, exactly as `text.replace("\r\n", "\n")` gives it,
/// borrowed when there is none: each `\r` is found with `memchr` and the runs between are
/// copied whole (the standard replace searched for the pair with the two-way searcher).
pub fn crlf_to_lf(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut start = 0;
    for i in memchr::memchr_iter(b'\r', bytes) {
        if bytes.get(i + 1) == Some(&b'\n') {
            // `\r` is ASCII: `i` and `i + 1` are character boundaries.
            out.get_or_insert_with(|| String::with_capacity(text.len()))
                .push_str(&text[start..i]);
            start = i + 1;
        }
    }
    match out {
        None => std::borrow::Cow::Borrowed(text),
        Some(mut out) => {
            out.push_str(&text[start..]);
            std::borrow::Cow::Owned(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_to_lf_gives_what_replace_gives() {
        for text in [
            "",
            "\r",
            "\n",
            "\r\n",
            "\r\r\n",
            "\n\r",
            "a\r\nb",
            "a\r\n\r\nb\r",
            "é\r\nü\r",
            "\r\n\r\n",
        ] {
            assert_eq!(crlf_to_lf(text), text.replace("\r\n", "\n"), "{text:?}");
        }
        assert!(matches!(
            crlf_to_lf("a\rb\n"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn split_lf_gives_what_split_gives() {
        for text in [
            "",
            "\n",
            "\n\n",
            "a",
            "a\n",
            "\na",
            "a\nb",
            "a\r\nb\n\n",
            "é\nü\n\u{a0}",
            "> a\n>\n",
        ] {
            let ours: Vec<&str> = split_lf(text).collect();
            let std: Vec<&str> = text.split('\n').collect();
            assert_eq!(ours, std, "{text:?}");
            let ours: Vec<&str> = rsplit_lf(text).collect();
            let std: Vec<&str> = text.rsplit('\n').collect();
            assert_eq!(ours, std, "{text:?}");
        }
    }
}
