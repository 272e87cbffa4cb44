//! `ticket stats --html FILE`: one self-contained page (no script, no remote resource: inline
//! CSS and SVG charts, and a Content-Security-Policy that forbids loading anything) with the
//! figures, their tables and charts (contacts per month, by type, by category), in the chosen
//! language, laid out to print on A4 for an annual report.

use std::fmt::Write;

use crate::anonymise::Language;
use crate::model::{Cell, Month, StatsReport};
use crate::taxonomy::Dimension;

use super::stats::{Words, code_rows, words};

const BAR: &str = "#2f5d8a";
const MUTED: &str = "#5b6475";
const RULE: &str = "#d5dbe5";
/// The width of the charts, in SVG units.
const WIDTH: u32 = 720;

const STYLE: &str = r#"
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; color: #1d2433;
  background: #fff; margin: 0 auto; max-width: 56rem; padding: 2rem 2.5rem; font-size: 11pt; line-height: 1.4; }
header { border-bottom: 3px solid #2f5d8a; margin-bottom: 1.2rem; padding-bottom: .5rem; }
h1 { font-size: 20pt; margin: 0; }
.period { color: #5b6475; margin: .2rem 0 0; font-size: 12pt; }
h2 { font-size: 13pt; margin: 1.6rem 0 .5rem; color: #2f5d8a; }
section { break-inside: avoid; page-break-inside: avoid; }
.figures { display: grid; grid-template-columns: repeat(3, 1fr); gap: .7rem; }
.figure { border: 1px solid #d5dbe5; border-radius: 6px; padding: .6rem .8rem; }
.figure .value { font-size: 17pt; font-weight: bold; }
.figure .name { color: #5b6475; font-size: 9.5pt; }
table { border-collapse: collapse; width: 100%; margin-top: .5rem; font-size: 10pt; }
th, td { text-align: left; padding: .22rem .5rem; border-bottom: 1px solid #d5dbe5; }
th { font-weight: bold; border-bottom: 2px solid #aab4c3; }
.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.code { color: #5b6475; font-family: "DejaVu Sans Mono", monospace; font-size: 8.5pt; }
.hidden { color: #5b6475; font-style: italic; }
.note, footer { color: #5b6475; font-size: 9pt; }
footer { border-top: 1px solid #d5dbe5; margin-top: 2rem; padding-top: .6rem; }
svg { display: block; width: 100%; height: auto; margin-top: .4rem; }
@page { size: A4; margin: 14mm; }
@media print { body { padding: 0; max-width: none; font-size: 10pt; } }
"#;

/// Escapes text for HTML and SVG.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The first characters of `s`, with an ellipsis when cut.
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// A table cell for a count.
fn count_td(c: &Cell) -> String {
    match c {
        Cell::Count(n) => format!("<td class=\"n\">{n}</td>"),
        other => format!("<td class=\"n hidden\">{}</td>", esc(&other.text())),
    }
}

/// The pattern that marks a hidden count in the charts.
fn defs() -> String {
    format!(
        "<defs><pattern id=\"hidden\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#eef1f6\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"{MUTED}\" stroke-width=\"2\"/></pattern></defs>"
    )
}

/// The top of a chart's scale, at or above `max`, and the step of its grid lines (1, 2 or 5
/// times a power of ten, four or five lines).
fn nice_scale(max: u64) -> (u64, u64) {
    let max = max.max(1);
    let mut step = 1u64;
    while max.div_ceil(step) > 5 {
        step = match step.to_string().as_bytes()[0] {
            b'1' => step * 2,
            b'2' => step / 2 * 5,
            _ => step * 2,
        };
    }
    (max.div_ceil(step) * step, step)
}

/// Vertical bars: contacts per month.
fn month_chart(r: &StatsReport, w: &Words) -> String {
    let cells = &r.stats.by_month.0;
    let (left, right, top, bottom, height) = (40u32, 10u32, 22u32, 44u32, 240u32);
    let plot_h = height - top - bottom;
    let n = cells.len().max(1) as u32;
    let slot = (WIDTH - left - right) as f64 / n as f64;
    let (max, step) = nice_scale(
        cells
            .iter()
            .filter_map(|(_, c)| c.count())
            .max()
            .unwrap_or(0),
    );
    let y = |v: f64| top as f64 + plot_h as f64 * (1.0 - v / max as f64);
    let mut s = format!(
        "<svg viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-label=\"{}\"><title>{}</title>{}",
        esc(w.by_month),
        esc(w.by_month),
        defs()
    );
    for v in (0..=max).step_by(step as usize) {
        let yy = y(v as f64);
        let _ = write!(
            s,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"{RULE}\"/><text x=\"{}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"{MUTED}\">{v}</text>",
            WIDTH - right,
            left - 6,
            yy + 4.0
        );
    }
    let every = (n as usize).div_ceil(18).max(1);
    for (i, (key, c)) in cells.iter().enumerate() {
        let x = left as f64 + slot * i as f64;
        let bw = slot * 0.68;
        let bx = x + (slot - bw) / 2.0;
        let cx = x + slot / 2.0;
        match c {
            Cell::Count(v) => {
                let by = y(*v as f64);
                let _ = write!(
                    s,
                    "<rect x=\"{bx:.1}\" y=\"{by:.1}\" width=\"{bw:.1}\" height=\"{:.1}\" fill=\"{BAR}\"/><text x=\"{cx:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{v}</text>",
                    (top + plot_h) as f64 - by,
                    by - 5.0
                );
            }
            other => {
                let hb = 10.0;
                let by = (top + plot_h) as f64 - hb;
                let _ = write!(
                    s,
                    "<rect x=\"{bx:.1}\" y=\"{by:.1}\" width=\"{bw:.1}\" height=\"{hb}\" fill=\"url(#hidden)\"/><text x=\"{cx:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"{MUTED}\">{}</text>",
                    by - 5.0,
                    esc(&other.text())
                );
            }
        }
        if i % every == 0 {
            let m = Month::parse(key).unwrap_or(Month(0));
            let name = cut(crate::hours::month_name(w.lang, m.number() as i8), 4).replace('…', ".");
            let _ = write!(
                s,
                "<text x=\"{cx:.1}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}</text>",
                top + plot_h + 16,
                esc(&name)
            );
            if i == 0 || m.number() == 1 {
                let _ = write!(
                    s,
                    "<text x=\"{cx:.1}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"{MUTED}\">{}</text>",
                    top + plot_h + 32,
                    m.year()
                );
            }
        }
    }
    let base = top + plot_h;
    let _ = write!(
        s,
        "<line x1=\"{left}\" x2=\"{}\" y1=\"{base}\" y2=\"{base}\" stroke=\"{MUTED}\"/></svg>",
        WIDTH - right
    );
    s
}

/// Horizontal bars: one row per code.
fn code_chart(title: &str, rows: &[(String, String, Cell)]) -> String {
    let (label_w, row_h, top) = (300u32, 24u32, 6u32);
    let height = top * 2 + row_h * rows.len().max(1) as u32;
    let bar_max = (WIDTH - label_w - 60) as f64;
    let max = rows
        .iter()
        .filter_map(|(_, _, c)| c.count())
        .max()
        .unwrap_or(0)
        .max(1);
    let mut s = format!(
        "<svg viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-label=\"{}\"><title>{}</title>{}",
        esc(title),
        esc(title),
        defs()
    );
    for (i, (_, label, c)) in rows.iter().enumerate() {
        let y = (top + row_h * i as u32) as f64;
        let ty = y + row_h as f64 / 2.0 + 4.0;
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{ty:.1}\" font-size=\"12\" text-anchor=\"end\">{}</text>",
            label_w - 10,
            esc(&cut(label, 44))
        );
        let (width, fill, text, colour) = match c {
            Cell::Count(v) => (
                bar_max * *v as f64 / max as f64,
                BAR.to_string(),
                v.to_string(),
                "#1d2433",
            ),
            other => (14.0, "url(#hidden)".to_string(), other.text(), MUTED),
        };
        let _ = write!(
            s,
            "<rect x=\"{label_w}\" y=\"{:.1}\" width=\"{width:.1}\" height=\"{}\" fill=\"{fill}\"/><text x=\"{:.1}\" y=\"{ty:.1}\" font-size=\"12\" fill=\"{colour}\">{}</text>",
            y + 4.0,
            row_h - 8,
            label_w as f64 + width + 6.0,
            esc(&text)
        );
    }
    let _ = write!(
        s,
        "<line x1=\"{label_w}\" x2=\"{label_w}\" y1=\"{top}\" y2=\"{}\" stroke=\"{MUTED}\"/></svg>",
        height - top
    );
    s
}

/// A table of codes: code, label, count.
fn code_table(w: &Words, rows: &[(String, String, Cell)]) -> String {
    let mut s = format!(
        "<table><thead><tr><th>{}</th><th>{}</th><th class=\"n\">{}</th></tr></thead><tbody>",
        esc(w.label),
        esc(w.code),
        esc(w.count)
    );
    for (code, label, c) in rows {
        let _ = write!(
            s,
            "<tr><td>{}</td><td class=\"code\">{}</td>{}</tr>",
            esc(label),
            esc(code),
            count_td(c)
        );
    }
    s.push_str("</tbody></table>");
    s
}

/// The key figures.
fn figures(r: &StatsReport, w: &Words) -> String {
    let s = &r.stats;
    let mut out = String::from("<div class=\"figures\">");
    let hours = |v: Option<u32>| match v {
        Some(h) => format!("{h} h"),
        None => "–".to_string(),
    };
    let p = &s.first_reply_hours;
    let (median, p90) = if p.median.is_some() {
        (
            format!("{} ({})", w.first_reply, w.median),
            format!("{} ({})", w.first_reply, w.p90),
        )
    } else {
        let not = w.too_few_text(s.threshold);
        (
            format!("{}: {not}", w.first_reply),
            format!("{} ({})", w.first_reply, w.p90),
        )
    };
    for (name, value) in [
        (w.contacts.to_string(), s.contacts.text()),
        (w.follow_ups.to_string(), s.follow_ups.text()),
        (w.replies.to_string(), s.replies.text()),
        (median, hours(p.median)),
        (p90, hours(p.p90)),
        (w.waiting.to_string(), s.waiting.text()),
    ] {
        let _ = write!(
            out,
            "<div class=\"figure\"><div class=\"value\">{}</div><div class=\"name\">{}</div></div>",
            esc(&value),
            esc(&name)
        );
    }
    out.push_str("</div>");
    out
}

/// The whole page, in `lang`; `today` (YYYY-MM-DD) is printed in its footer.
pub fn html(r: &StatsReport, lang: Language, today: &str) -> String {
    let w = words(lang);
    let s = &r.stats;
    let code = crate::service::templates::code(lang);
    let period = w.period_text(s.from, s.to);
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"{code}\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{} · {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header><h1>{}</h1><p class=\"period\">{}</p></header>\n",
        esc(w.title),
        esc(&period),
        esc(w.title),
        esc(&period)
    );
    let _ = writeln!(
        out,
        "<section id=\"summary\"><h2>{}</h2>{}</section>",
        esc(w.summary),
        figures(r, w)
    );
    let mut months = format!(
        "<table><thead><tr><th>{}</th><th class=\"n\">{}</th></tr></thead><tbody>",
        esc(w.month),
        esc(w.count)
    );
    for (k, c) in &s.by_month.0 {
        let m = Month::parse(k).unwrap_or(Month(0));
        let _ = write!(
            months,
            "<tr><td>{}</td>{}</tr>",
            esc(&w.month_name(m)),
            count_td(c)
        );
    }
    months.push_str("</tbody></table>");
    let _ = writeln!(
        out,
        "<section id=\"by-month\"><h2>{}</h2>{}{months}</section>",
        esc(w.by_month),
        month_chart(r, w)
    );
    for (id, dim, title) in [
        ("by-type", Dimension::Type, w.by_type),
        ("by-category", Dimension::Category, w.by_category),
        ("by-role", Dimension::Role, w.by_role),
    ] {
        let rows = code_rows(r, dim, lang);
        let chart = if dim == Dimension::Role {
            String::new()
        } else {
            code_chart(title, &rows)
        };
        let note = if dim == Dimension::Category {
            format!("<p class=\"note\">{}</p>", esc(w.category_note))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "<section id=\"{id}\"><h2>{}</h2>{chart}{note}{}</section>",
            esc(title),
            code_table(w, &rows)
        );
    }
    let langs: Vec<(String, String, Cell)> = s
        .by_language
        .0
        .iter()
        .map(|(k, c)| (k.clone(), w.language_name(k).to_string(), *c))
        .collect();
    let _ = writeln!(
        out,
        "<section id=\"by-language\"><h2>{}</h2>{}</section>",
        esc(w.by_language),
        code_table(w, &langs)
    );
    let _ = write!(
        out,
        "<footer><p>{}<br>{}</p><p>{}</p><p>sourdine · {}</p></footer>\n</body>\n</html>\n",
        esc(&w.small_text(s.threshold)),
        esc(w.legend_x),
        esc(w.source),
        esc(today)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_are_round() {
        assert_eq!(nice_scale(0), (1, 1));
        assert_eq!(nice_scale(15), (15, 5));
        assert_eq!(nice_scale(47), (50, 10));
        assert_eq!(nice_scale(123), (150, 50));
        assert_eq!(nice_scale(4), (4, 1));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            esc("<b>\"R&D\"</b>'"),
            "&lt;b&gt;&quot;R&amp;D&quot;&lt;/b&gt;&#39;"
        );
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("abc", 4), "abc");
    }
}
