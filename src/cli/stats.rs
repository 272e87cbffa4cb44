//! `ticket stats` output: a terminal report, CSV (one row per measure, key and value), and the
//! words both share with the HTML report ([`super::report`]) in French, Dutch and English.

use std::fmt::Write;

use crate::anonymise::Language;
use crate::model::{Cell, Cells, Month, StatsReport};
use crate::taxonomy::{Dimension, Taxonomy, UNCLASSIFIED};

use super::output::width as columns;
use super::output::{BOLD, DIM, Table, paint};

/// The words of the report in one language.
pub struct Words {
    /// The report's title.
    pub title: &'static str,
    /// "from ... to ...".
    pub period: &'static str,
    /// Key figures.
    pub summary: &'static str,
    /// Contacts received.
    pub contacts: &'static str,
    /// Follow-up messages.
    pub follow_ups: &'static str,
    /// Replies.
    pub replies: &'static str,
    /// Time to first reply.
    pub first_reply: &'static str,
    /// Median.
    pub median: &'static str,
    /// 90th percentile.
    pub p90: &'static str,
    /// "hours".
    pub hours: &'static str,
    /// "not shown (fewer than N contacts)".
    pub too_few: &'static str,
    /// Tickets waiting at the end of the period.
    pub waiting: &'static str,
    /// Contacts per month.
    pub by_month: &'static str,
    /// By type.
    pub by_type: &'static str,
    /// By category.
    pub by_category: &'static str,
    /// The note under the categories.
    pub category_note: &'static str,
    /// By role.
    pub by_role: &'static str,
    /// By language.
    pub by_language: &'static str,
    /// The column of months.
    pub month: &'static str,
    /// The column of counts.
    pub count: &'static str,
    /// The column of codes.
    pub code: &'static str,
    /// The column of labels.
    pub label: &'static str,
    /// No code recorded.
    pub unclassified: &'static str,
    /// A code the classification no longer has.
    pub removed: &'static str,
    /// What `<t` means (`{t}`, `{t-1}` are replaced).
    pub legend_small: &'static str,
    /// What `x` means.
    pub legend_x: &'static str,
    /// What the figures come from.
    pub source: &'static str,
    /// Language names: fr, nl, en, unknown.
    pub languages: [&'static str; 4],
    /// The language the words are in (month names come from [`crate::hours::month_name`]).
    pub lang: Language,
}

const EN: Words = Words {
    lang: Language::En,
    title: "Contact statistics",
    period: "from {from} to {to}",
    summary: "Key figures",
    contacts: "Contacts (new tickets)",
    follow_ups: "Follow-up messages",
    replies: "Replies written by counsellors",
    first_reply: "Time to the first reply",
    median: "median",
    p90: "90th percentile",
    hours: "hours",
    too_few: "not shown (fewer than {t} contacts answered)",
    waiting: "Tickets awaiting an answer at the end of the period",
    by_month: "Contacts per month",
    by_type: "Contacts by type",
    by_category: "Contacts by category",
    category_note: "A contact may have several categories, or none: these do not add up to the total.",
    by_role: "Contacts by the writer's role",
    by_language: "Contacts by language",
    month: "Month",
    count: "Contacts",
    code: "Code",
    label: "Label",
    unclassified: "Not classified",
    removed: "no longer in the classification",
    legend_small: "<{t}: between 1 and {t-1}, not shown so that no one can be recognised.",
    legend_x: "x: hidden so that a small count cannot be worked out from the totals.",
    source: "Counted from coded facts only: no message, no name, no counsellor, no time of day.",
    languages: ["French", "Dutch", "English", "Not recognised"],
};

const FR: Words = Words {
    lang: Language::Fr,
    title: "Statistiques des contacts",
    period: "de {from} à {to}",
    summary: "Chiffres clés",
    contacts: "Contacts (nouveaux tickets)",
    follow_ups: "Messages de suivi",
    replies: "Réponses écrites par les intervenants",
    first_reply: "Délai de la première réponse",
    median: "médiane",
    p90: "90e percentile",
    hours: "heures",
    too_few: "non affiché (moins de {t} contacts ont reçu une réponse)",
    waiting: "Tickets en attente d'une réponse à la fin de la période",
    by_month: "Contacts par mois",
    by_type: "Contacts par type",
    by_category: "Contacts par catégorie",
    category_note: "Un contact peut avoir plusieurs catégories, ou aucune : leur somme n'est pas le total.",
    by_role: "Contacts selon le rôle de la personne qui écrit",
    by_language: "Contacts par langue",
    month: "Mois",
    count: "Contacts",
    code: "Code",
    label: "Libellé",
    unclassified: "Non classé",
    removed: "ne figure plus dans la classification",
    legend_small: "<{t} : entre 1 et {t-1}, non affiché pour que personne ne puisse être reconnu.",
    legend_x: "x : masqué pour qu'un petit nombre ne puisse pas être déduit des totaux.",
    source: "Compté à partir de faits codés uniquement : aucun message, aucun nom, aucun intervenant, aucune heure.",
    languages: ["Français", "Néerlandais", "Anglais", "Non reconnue"],
};

const NL: Words = Words {
    lang: Language::Nl,
    title: "Contactstatistieken",
    period: "van {from} tot {to}",
    summary: "Kerncijfers",
    contacts: "Contacten (nieuwe tickets)",
    follow_ups: "Vervolgberichten",
    replies: "Antwoorden van hulpverleners",
    first_reply: "Tijd tot het eerste antwoord",
    median: "mediaan",
    p90: "90e percentiel",
    hours: "uur",
    too_few: "niet getoond (minder dan {t} contacten beantwoord)",
    waiting: "Tickets die aan het einde van de periode op een antwoord wachten",
    by_month: "Contacten per maand",
    by_type: "Contacten per type",
    by_category: "Contacten per categorie",
    category_note: "Een contact kan meerdere categorieën hebben, of geen: de som is niet het totaal.",
    by_role: "Contacten volgens de rol van de schrijver",
    by_language: "Contacten per taal",
    month: "Maand",
    count: "Contacten",
    code: "Code",
    label: "Omschrijving",
    unclassified: "Niet geclassificeerd",
    removed: "niet meer in de classificatie",
    legend_small: "<{t}: tussen 1 en {t-1}, niet getoond zodat niemand herkend kan worden.",
    legend_x: "x: verborgen zodat een klein aantal niet uit de totalen kan worden afgeleid.",
    source: "Geteld uit gecodeerde feiten alleen: geen bericht, geen naam, geen hulpverlener, geen tijdstip.",
    languages: ["Frans", "Nederlands", "Engels", "Niet herkend"],
};

/// The words in `lang` (English when not told).
pub fn words(lang: Language) -> &'static Words {
    match lang {
        Language::Fr => &FR,
        Language::Nl => &NL,
        Language::En | Language::Unknown => &EN,
    }
}

impl Words {
    /// A month for people: "June 2024", "juin 2024".
    pub fn month_name(&self, m: Month) -> String {
        format!(
            "{} {}",
            crate::hours::month_name(self.lang, m.number() as i8),
            m.year()
        )
    }

    /// The period line.
    pub fn period_text(&self, from: Month, to: Month) -> String {
        self.period
            .replace("{from}", &self.month_name(from))
            .replace("{to}", &self.month_name(to))
    }

    /// The legend of `<t`.
    pub fn small_text(&self, t: u32) -> String {
        self.legend_small
            .replace("{t-1}", &t.saturating_sub(1).to_string())
            .replace("{t}", &t.to_string())
    }

    /// The percentiles' "not shown" text.
    pub fn too_few_text(&self, t: u32) -> String {
        self.too_few.replace("{t}", &t.to_string())
    }

    /// The label of `key` in a table of `dim` (a code, or `unclassified`).
    pub fn label(&self, taxonomy: &Taxonomy, dim: Dimension, key: &str, lang: Language) -> String {
        if key == UNCLASSIFIED {
            return self.unclassified.to_string();
        }
        match taxonomy.find(dim, key) {
            Some(e) => e.labels.get(lang).to_string(),
            None => format!("{key} ({})", self.removed),
        }
    }

    /// The name of a language key of `by_language`.
    pub fn language_name(&self, key: &str) -> &'static str {
        match key {
            "fr" => self.languages[0],
            "nl" => self.languages[1],
            "en" => self.languages[2],
            _ => self.languages[3],
        }
    }
}

/// The time to the first reply, for people.
pub fn first_reply_text(r: &StatsReport, w: &Words) -> String {
    match (
        r.stats.first_reply_hours.median,
        r.stats.first_reply_hours.p90,
    ) {
        (Some(m), Some(p)) => format!("{} {m} {}, {} {p} {}", w.median, w.hours, w.p90, w.hours),
        _ => w.too_few_text(r.stats.threshold),
    }
}

/// The rows of a table of codes: (code, label, cell).
pub fn code_rows(r: &StatsReport, dim: Dimension, lang: Language) -> Vec<(String, String, Cell)> {
    let cells = match dim {
        Dimension::Type => &r.stats.by_type,
        Dimension::Category => &r.stats.by_category,
        Dimension::Role => &r.stats.by_role,
    };
    let w = words(lang);
    cells
        .0
        .iter()
        .map(|(k, c)| (k.clone(), w.label(&r.taxonomy, dim, k, lang), *c))
        .collect()
}

fn section(out: &mut String, title: &str, table: Table) {
    let _ = writeln!(out, "\n{}", paint(BOLD, title));
    for line in table.render().lines() {
        let _ = writeln!(out, "  {line}");
    }
}

/// The report for a terminal, in `lang`.
pub fn text(r: &StatsReport, lang: Language) -> String {
    let w = words(lang);
    let s = &r.stats;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} · {} ({} – {})",
        paint(BOLD, w.title),
        w.period_text(s.from, s.to),
        s.from,
        s.to
    );
    let key = [
        (w.contacts, s.contacts.text()),
        (w.follow_ups, s.follow_ups.text()),
        (w.replies, s.replies.text()),
        (w.first_reply, first_reply_text(r, w)),
        (w.waiting, s.waiting.text()),
    ];
    let width = key.iter().map(|(n, _)| columns(n)).max().unwrap_or(0);
    let _ = writeln!(out, "\n{}", paint(BOLD, w.summary));
    for (name, value) in key {
        let pad = width - columns(name);
        let _ = writeln!(out, "  {name}{}  {value}", " ".repeat(pad));
    }
    let mut months = Table::new(&[w.month, w.count]);
    for (k, c) in &s.by_month.0 {
        months.row(vec![k.clone(), c.text()]);
    }
    section(&mut out, w.by_month, months);
    for (dim, title) in [
        (Dimension::Type, w.by_type),
        (Dimension::Category, w.by_category),
        (Dimension::Role, w.by_role),
    ] {
        let mut t = Table::new(&[w.code, w.label, w.count]);
        for (code, label, c) in code_rows(r, dim, lang) {
            t.row(vec![code, label, c.text()]);
        }
        section(&mut out, title, t);
        if dim == Dimension::Category {
            let _ = writeln!(out, "  {}", paint(DIM, w.category_note));
        }
    }
    let mut langs = Table::new(&[w.code, w.label, w.count]);
    for (k, c) in &s.by_language.0 {
        langs.row(vec![k.clone(), w.language_name(k).into(), c.text()]);
    }
    section(&mut out, w.by_language, langs);
    let _ = writeln!(
        out,
        "\n{}\n{}\n{}",
        paint(DIM, w.small_text(s.threshold)),
        paint(DIM, w.legend_x),
        paint(DIM, w.source)
    );
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The report as CSV: a header, then one row per (measure, key, value); values are counts,
/// `<t` or `x`, and empty for a percentile not shown.
pub fn csv(r: &StatsReport) -> String {
    let s = &r.stats;
    let mut out = String::from("measure,key,value\n");
    let mut row = |measure: &str, key: &str, value: String| {
        let _ = writeln!(
            out,
            "{},{},{}",
            csv_field(measure),
            csv_field(key),
            csv_field(&value)
        );
    };
    row("from", "", s.from.to_string());
    row("to", "", s.to.to_string());
    row("threshold", "", s.threshold.to_string());
    row("contacts", "", s.contacts.text());
    let tables: [(&str, &Cells); 5] = [
        ("by_month", &s.by_month),
        ("by_type", &s.by_type),
        ("by_category", &s.by_category),
        ("by_role", &s.by_role),
        ("by_language", &s.by_language),
    ];
    for (measure, cells) in tables {
        for (k, c) in &cells.0 {
            row(measure, k, c.text());
        }
    }
    let p = |v: Option<u32>| v.map(|h| h.to_string()).unwrap_or_default();
    row("first_reply_hours", "median", p(s.first_reply_hours.median));
    row("first_reply_hours", "p90", p(s.first_reply_hours.p90));
    row("follow_ups", "", s.follow_ups.text());
    row("replies", "", s.replies.text());
    row("waiting", "", s.waiting.text());
    out
}
