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

#[cfg(test)]
mod tests {
    use super::*;

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
