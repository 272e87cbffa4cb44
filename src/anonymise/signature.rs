//! Signatures without a `-- ` line, and footers that clients and lists add.
//!
//! - A valediction ("Kind regards", "Cordialement", "Met vriendelijke groeten", "Freundliche
//!   Grüße"...) followed, within a few short lines at the end of the writer's text (the end of
//!   the text, or where a quoted reply or a forwarded history starts), by identity material: a
//!   full name (two or more capitalised words), a title, a phone number, a postal address, an
//!   e-mail address, a web address, a company. Those lines go; the valediction stays, and so
//!   does a lone first name or pseudonym (counsellors address the writer by it). When any line
//!   there is not recognisably identity material (a sentence, a question), nothing is removed.
//! - Device footers ("Sent from my iPhone", "Envoyé de mon iPhone", "Verzonden vanaf mijn
//!   iPhone", "Von meinem iPhone gesendet", "Get Outlook for Android"...): they name the
//!   writer's device and mail app. Removed wherever they stand alone on a line.
//! - Mailing-list footers ("You are subscribed as ...", "To unsubscribe ...", Mailman's list
//!   block): they carry the subscriber's address. Removed with the lines of their paragraph.

use std::borrow::Cow;

/// Most lines (not counting blank ones) between a valediction and the end of the writer's text.
const MAX_TAIL_LINES: usize = 8;
/// Longest line of a signature block, in characters.
const MAX_TAIL_LINE_CHARS: usize = 100;
/// Most lines of one list-footer paragraph.
const MAX_FOOTER_LINES: usize = 12;

/// Valedictions in English, French, Dutch and German, lowercase, without final punctuation.
const VALEDICTIONS: &[&str] = &[
    // English
    "kind regards",
    "with kind regards",
    "best regards",
    "with best regards",
    "warm regards",
    "warmest regards",
    "kindest regards",
    "regards",
    "many thanks",
    "thanks",
    "thank you",
    "thanks again",
    "thanks and regards",
    "thanks & regards",
    "best wishes",
    "best",
    "all the best",
    "cheers",
    "sincerely",
    "yours sincerely",
    "sincerely yours",
    "yours faithfully",
    "yours truly",
    "yours",
    "take care",
    "love",
    "with love",
    "respectfully",
    "rgds",
    // French
    "cordialement",
    "bien cordialement",
    "très cordialement",
    "bien à vous",
    "bien a vous",
    "salutations",
    "meilleures salutations",
    "sincères salutations",
    "salutations distinguées",
    "amicalement",
    "amitiés",
    "bien amicalement",
    "bises",
    "bisous",
    "merci",
    "merci beaucoup",
    "merci d'avance",
    "à bientôt",
    "bonne journée",
    "bonne soirée",
    "respectueusement",
    "sincèrement",
    // Dutch
    "met vriendelijke groet",
    "met vriendelijke groeten",
    "vriendelijke groet",
    "vriendelijke groeten",
    "met hartelijke groet",
    "met hartelijke groeten",
    "hartelijke groet",
    "hartelijke groeten",
    "hartelijke groetjes",
    "met groet",
    "groeten",
    "groet",
    "groetjes",
    "liefs",
    "mvg",
    "bedankt",
    "alvast bedankt",
    "dank je",
    "dank u",
    "dank je wel",
    "dank u wel",
    "tot ziens",
    // German
    "mit freundlichen grüßen",
    "mit freundlichen grüssen",
    "freundliche grüße",
    "freundliche grüsse",
    "mit besten grüßen",
    "mit besten grüssen",
    "beste grüße",
    "beste grüsse",
    "viele grüße",
    "viele grüsse",
    "liebe grüße",
    "liebe grüsse",
    "herzliche grüße",
    "herzliche grüsse",
    "schöne grüße",
    "schöne grüsse",
    "grüße",
    "grüsse",
    "gruß",
    "gruss",
    "mfg",
    "lg",
    "vg",
    "danke",
    "vielen dank",
    "bis bald",
];

/// Words of job titles and roles (lowercase), in the four languages.
const TITLE_WORDS: &[&str] = &[
    "director",
    "directeur",
    "directrice",
    "direktor",
    "direktorin",
    "manager",
    "managing",
    "ceo",
    "cto",
    "cfo",
    "coo",
    "founder",
    "co-founder",
    "owner",
    "president",
    "président",
    "présidente",
    "voorzitter",
    "vorsitzender",
    "vorsitzende",
    "chairman",
    "engineer",
    "ingénieur",
    "ingenieur",
    "assistant",
    "assistante",
    "assistent",
    "assistentin",
    "coordinator",
    "coordinatrice",
    "coordinateur",
    "coördinator",
    "koordinator",
    "koordinatorin",
    "consultant",
    "consultante",
    "berater",
    "beraterin",
    "adviseur",
    "advisor",
    "adviser",
    "conseiller",
    "conseillère",
    "officer",
    "head",
    "chef",
    "lead",
    "student",
    "étudiant",
    "étudiante",
    "studente",
    "teacher",
    "enseignant",
    "enseignante",
    "leraar",
    "lerares",
    "lehrer",
    "lehrerin",
    "professor",
    "professeur",
    "professeure",
    "hoogleraar",
    "nurse",
    "infirmier",
    "infirmière",
    "verpleegkundige",
    "doctor",
    "docteur",
    "médecin",
    "arts",
    "arzt",
    "ärztin",
    "lawyer",
    "avocat",
    "avocate",
    "advocaat",
    "anwalt",
    "anwältin",
    "rechtsanwalt",
    "rechtsanwältin",
    "secretary",
    "secrétaire",
    "secretaris",
    "sekretär",
    "sekretärin",
    "worker",
    "werker",
    "sozialarbeiter",
    "sozialarbeiterin",
    "responsable",
    "gérant",
    "gérante",
    "chargé",
    "chargée",
    "medewerker",
    "medewerkster",
    "beleidsmedewerker",
    "geschäftsführer",
    "geschäftsführerin",
    "leiter",
    "leiterin",
    "mitarbeiter",
    "mitarbeiterin",
    "referent",
    "referentin",
    "sachbearbeiter",
    "sachbearbeiterin",
    "specialist",
    "spécialiste",
    "analyst",
    "analyste",
    "developer",
    "développeur",
    "développeuse",
    "ontwikkelaar",
    "entwickler",
    "entwicklerin",
    "designer",
    "administrator",
    "administrateur",
    "administratrice",
    "supervisor",
    "superviseur",
    "intern",
    "stagiaire",
    "stagiair",
    "praktikant",
    "praktikantin",
    "volunteer",
    "bénévole",
    "vrijwilliger",
    "therapist",
    "thérapeute",
    "therapeut",
    "therapeutin",
    "psychologist",
    "psychologue",
    "psycholoog",
    "psychologe",
    "psychologin",
    "educator",
    "éducateur",
    "éducatrice",
    "opvoeder",
    "department",
    "département",
    "afdeling",
    "abteilung",
    "team",
    "équipe",
];

/// Legal forms that mark a company line.
const COMPANY_FORMS: &[&str] = &[
    "gmbh", "ag", "bv", "b.v.", "nv", "n.v.", "sa", "s.a.", "srl", "sprl", "sarl", "sas", "ltd",
    "ltd.", "limited", "inc", "inc.", "llc", "llp", "plc", "vzw", "asbl", "vog", "e.v.", "kg",
    "ohg", "ug", "bvba", "cvba", "scrl",
];

/// Street words of postal addresses.
const STREET_WORDS: &[&str] = &[
    "street",
    "st.",
    "road",
    "rd.",
    "avenue",
    "ave.",
    "lane",
    "drive",
    "square",
    "rue",
    "av.",
    "boulevard",
    "bd",
    "bd.",
    "chaussée",
    "chée",
    "place",
    "chemin",
    "allée",
    "quai",
    "impasse",
    "straat",
    "str.",
    "laan",
    "weg",
    "plein",
    "steenweg",
    "dreef",
    "kaai",
    "lei",
    "markt",
    "straße",
    "strasse",
    "platz",
    "allee",
    "gasse",
    "ring",
    "postbus",
    "boîte",
    "bus",
    "postfach",
    "bte",
    "p.o.",
    "box",
];

/// Lowercase particles of names (`Anna van der Berg`, `Jean de la Fontaine`).
const PARTICLES: &[&str] = &[
    "van", "de", "der", "den", "von", "zu", "le", "la", "du", "di", "da", "del", "des", "ten",
    "ter", "te", "of", "and", "et", "en", "und", "&", "y", "the", "for", "für", "pour", "voor",
    "-", "|", "–", "·",
];

/// Lowercase, without surrounding spaces, final punctuation or bold markers.
fn normalised(line: &str) -> String {
    line.trim()
        .trim_matches('*')
        .trim_end_matches([',', '.', '!', ';', ':', '-', '–', ' '])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Whether a line is only a valediction.
pub fn is_valediction(line: &str) -> bool {
    let n = normalised(line);
    n.len() <= 40 && VALEDICTIONS.contains(&n.as_str())
}

/// What a line under a valediction is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tail {
    /// A first name, a pseudonym, initials: kept.
    LoneName,
    /// Another valediction ("Thanks again,"): kept.
    Valediction,
    /// Identity material: removed.
    Identity,
    /// Anything else: the block is kept whole.
    Prose,
}

fn digits(s: &str) -> usize {
    s.chars().filter(char::is_ascii_digit).count()
}

/// A label such as `Tel.:`, `Mob`, `E-mail :`, `T`, `W:` taken off the start of a piece.
fn without_label(piece: &str) -> &str {
    let t = piece.trim();
    if let Some((label, rest)) = t.split_once(':')
        && label.chars().count() <= 12
        && label
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, '.' | '-' | ' ' | '\u{a0}'))
    {
        return rest.trim();
    }
    for label in [
        "tel.", "tel", "tél.", "tél", "phone", "mob.", "mob", "mobile", "gsm", "fax", "t", "m",
        "p", "e", "w", "handy", "telefoon", "telefon", "email", "e-mail", "mail",
    ] {
        if t.get(..label.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(label))
            && t[label.len()..].starts_with([' ', '.'])
        {
            return t[label.len()..].trim_start_matches(['.', ' ']);
        }
    }
    t
}

fn is_email(s: &str) -> bool {
    s.split_whitespace().any(|w| {
        let w = w.trim_matches(|c: char| "<>()[],;\"'".contains(c));
        let w = w.strip_prefix("mailto:").unwrap_or(w);
        w.split_once('@').is_some_and(|(l, d)| {
            !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.')
        })
    })
}

fn is_phone(s: &str) -> bool {
    let d = digits(s);
    (7..=16).contains(&d)
        && s.chars()
            .all(|c| c.is_ascii_digit() || " +()-./\u{a0}".contains(c))
}

fn is_web(s: &str) -> bool {
    let l = s.to_lowercase();
    !l.contains(' ')
        && (l.starts_with("www.") || l.starts_with("http://") || l.starts_with("https://"))
}

fn words_lower(s: &str) -> Vec<String> {
    s.split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn is_address(s: &str) -> bool {
    let words = words_lower(s);
    let has_digit = digits(s) > 0;
    let street = has_digit
        && words.iter().any(|w| {
            STREET_WORDS.contains(&w.as_str())
                // Joined street names: Kerkstraat, Hauptstraße, Lindenweg, Rozenlaan.
                || (w.len() > 6
                    && [
                        "straat", "straße", "strasse", "laan", "weg", "gasse", "steenweg",
                        "dreef",
                    ]
                    .iter()
                    .any(|e| w.ends_with(e)))
        });
    // A postcode then a place name: `1000 Bruxelles`, `B-1000 Brussel`, `1012 AB Amsterdam`,
    // `10115 Berlin`.
    let tokens: Vec<&str> = s.split_whitespace().collect();
    let postcode = tokens.len() <= 8
        && (0..tokens.len().saturating_sub(1)).any(|k| {
            let starts_part = k == 0 || tokens[k - 1].ends_with(',');
            let code = tokens[k]
                .trim_start_matches(|c: char| c.is_ascii_uppercase())
                .trim_start_matches('-');
            starts_part
                && (4..=5).contains(&code.len())
                && code.chars().all(|c| c.is_ascii_digit())
                && tokens[k + 1].chars().next().is_some_and(char::is_uppercase)
        });
    street || postcode
}

fn is_company(s: &str) -> bool {
    let words = words_lower(s);
    let n = words.len();
    (2..=8).contains(&n)
        && words[n.saturating_sub(2)..]
            .iter()
            .any(|w| COMPANY_FORMS.contains(&w.as_str()))
}

/// A capitalised word of a name or title (`Jane`, `O'Brien`, `Jean-Luc`, `DOE`, `Dr.`).
fn is_capitalised_word(w: &str) -> bool {
    let core = w.strip_suffix('.').unwrap_or(w);
    let mut chars = core.chars();
    chars.next().is_some_and(char::is_uppercase)
        && chars.all(|c| c.is_alphabetic() || "-'’".contains(c))
        && (core.len() == w.len() || core.chars().count() <= 4)
}

/// Pronouns and the commonest verbs: a line with one is a sentence, not a name or an address.
const SENTENCE_WORDS: &[&str] = &[
    "i", "me", "my", "you", "your", "we", "he", "she", "it", "they", "is", "am", "are", "was",
    "were", "have", "has", "had", "do", "don't", "can", "will", "not", "je", "j'ai", "tu", "il",
    "elle", "nous", "vous", "ils", "elles", "mon", "ma", "mes", "suis", "est", "ai", "pas", "ik",
    "jij", "hij", "zij", "wij", "mijn", "ben", "heb", "niet", "ich", "du", "er", "sie", "wir",
    "mein", "meine", "bin", "ist", "habe", "nicht",
];

fn has_sentence_word(s: &str) -> bool {
    words_lower(s).iter().any(|w| {
        SENTENCE_WORDS.contains(&w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\''))
    })
}

/// Two to six words, capitalised or name particles, no digits: a full name, a title, a team.
fn is_name_or_title(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    let capitalised = words.iter().filter(|w| is_capitalised_word(w)).count();
    (2..=6).contains(&words.len())
        && capitalised >= 2
        && words
            .iter()
            .all(|w| is_capitalised_word(w) || PARTICLES.contains(&w.to_lowercase().as_str()))
}

fn has_title_word(s: &str) -> bool {
    let words = words_lower(s);
    words.len() <= 8
        && !s.trim_end().ends_with(['.', '!', '?'])
        && words.iter().any(|w| TITLE_WORDS.contains(&w.as_str()))
}

/// A lone first name or pseudonym, maybe with an initial (`Jane`, `Jane D.`, `J.`, `xx`).
fn is_lone_name(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    let word = |w: &str| {
        let core = w.strip_suffix('.').unwrap_or(w);
        !core.is_empty()
            && core.chars().count() <= 30
            && core
                .chars()
                .all(|c| c.is_alphanumeric() || "-'’_".contains(c))
    };
    match words.as_slice() {
        [w] => word(w),
        [w, initial] => {
            word(w)
                && initial.ends_with('.')
                && initial.chars().count() <= 3
                && initial.chars().next().is_some_and(char::is_uppercase)
        }
        _ => false,
    }
}

/// One piece of a line (lines may hold several, separated by `|`, `·` or ` - `).
fn piece(p: &str) -> Tail {
    let p = p.trim();
    if p.is_empty() {
        return Tail::Identity;
    }
    let bare = without_label(p);
    if is_email(p) || is_phone(bare) || is_web(bare) || is_address(p) || is_company(p) {
        return Tail::Identity;
    }
    if is_lone_name(p) && !has_title_word(p) {
        return Tail::LoneName;
    }
    if is_name_or_title(p) || has_title_word(p) {
        return Tail::Identity;
    }
    Tail::Prose
}

/// What a line under a valediction is.
fn tail_line(line: &str) -> Tail {
    let t = line.trim().trim_matches('*').trim();
    if t.chars().count() > MAX_TAIL_LINE_CHARS || t.starts_with('>') {
        return Tail::Prose;
    }
    if is_valediction(t) {
        return Tail::Valediction;
    }
    let lower = t.to_lowercase();
    if ["ps ", "ps:", "p.s", "pps", "nb ", "nb:", "n.b"]
        .iter()
        .any(|p| lower.starts_with(p))
        || has_sentence_word(t)
    {
        return Tail::Prose;
    }
    if is_lone_name(t) && !TITLE_WORDS.contains(&lower.trim_end_matches('.')) {
        return Tail::LoneName;
    }
    let pieces: Vec<&str> = t
        .split(['|', '·', '•'])
        .flat_map(|p| p.split(" - "))
        .collect();
    let kinds: Vec<Tail> = pieces.iter().map(|p| piece(p)).collect();
    if kinds.contains(&Tail::Prose) {
        Tail::Prose
    } else if pieces.len() == 1 {
        kinds[0]
    } else {
        Tail::Identity
    }
}

/// Lines that start a quoted reply or a forwarded history: a signature ends before them.
fn starts_history(line: &str) -> bool {
    let t = line.trim();
    if t.starts_with('>') {
        return true;
    }
    // Every other form ends with a colon, starts with a dash, an underscore or a star, or
    // names the sender first: most lines are told at once, without a copy.
    let could = t.ends_with(':')
        || t.starts_with(['-', '_', '*'])
        || t.get(..4).is_some_and(|h| {
            ["from", "de :", "de\u{a0}", "van:", "von:"]
                .iter()
                .any(|p| h.eq_ignore_ascii_case(p))
        });
    if !could {
        return false;
    }
    let l = t.to_lowercase();
    let marker = l.trim_matches(['-', '_', ' ', '*']);
    (t.len() >= 10 && marker.is_empty() && t.contains("__"))
        || [
            "original message",
            "message d'origine",
            "oorspronkelijk bericht",
            "ursprüngliche nachricht",
            "forwarded message",
            "message transféré",
            "doorgestuurd bericht",
            "weitergeleitete nachricht",
        ]
        .iter()
        .any(|m| marker.starts_with(m) && marker.len() <= m.len() + 2)
        || (t.len() <= 300
            && [
                "wrote:",
                "a écrit :",
                "a écrit:",
                "schreef:",
                "schrieb:",
                "geschreven:",
                "begin forwarded message:",
            ]
            .iter()
            .any(|e| l.ends_with(e)))
        || ["from:", "de :", "de\u{a0}:", "van:", "von:"]
            .iter()
            .any(|p| l.starts_with(p))
}

/// Removes the identity lines of a signature block that follows a valediction, at the end of
/// the writer's text (see the module documentation). Linear: one pass to find where the
/// writer's text ends, then a few lines read backwards from there.
pub fn remove_valediction_block(text: &str) -> Cow<'_, str> {
    let mut work = 0;
    remove_valediction_counted(text, &mut work)
}

/// [`remove_valediction_block`], adding the bytes examined to `work`.
fn remove_valediction_counted<'a>(text: &'a str, work: &mut u64) -> Cow<'a, str> {
    // Where the quoted or forwarded history starts (a byte offset), if anywhere.
    let mut history = None;
    let mut at = 0;
    for l in super::lines::split_lf(text) {
        *work += l.len() as u64 + 1;
        if starts_history(l) {
            history = Some(at);
            break;
        }
        at += l.len() + 1;
    }
    // Byte ranges of the lines to remove (each with its line end).
    let mut removed: Vec<(usize, usize)> = Vec::new();
    for end in [Some(text.len()), history].into_iter().flatten() {
        if let Some(found) = identity_tail(text, end, work) {
            removed.extend(found);
        }
    }
    if removed.is_empty() {
        return Cow::Borrowed(text);
    }
    removed.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (start, end) in removed {
        if start >= copied {
            out.push_str(&text[copied..start]);
            copied = end;
        }
    }
    out.push_str(&text[copied.min(text.len())..]);
    // A removed last line leaves the line end before it.
    if copied >= text.len() && !text.ends_with('\n') && out.ends_with('\n') {
        out.pop();
    }
    Cow::Owned(out)
}

/// The byte ranges (with their line ends) of the identity lines under a valediction that
/// ends at byte `end` (the end of the text or the start of a line), if any: read backwards
/// over at most [`MAX_TAIL_LINES`] lines that are not blank.
fn identity_tail(text: &str, end: usize, work: &mut u64) -> Option<Vec<(usize, usize)>> {
    let mut identity = Vec::new();
    let mut seen = 0;
    // `text[..end]` without the line end of the line before `end`, read line by line backwards.
    let head = text[..end].strip_suffix('\n').unwrap_or(&text[..end]);
    let mut line_end = head.len();
    for line in super::lines::rsplit_lf(head) {
        *work += line.len() as u64 + 1;
        let start = line_end - line.len();
        let range = (start, (line_end + 1).min(text.len()));
        line_end = start.saturating_sub(1);
        if line.trim().is_empty() {
            continue;
        }
        seen += 1;
        if seen > MAX_TAIL_LINES + 1 {
            return None;
        }
        match tail_line(line) {
            Tail::Prose => return None,
            Tail::Identity => identity.push(range),
            Tail::LoneName => {}
            Tail::Valediction => {
                // The valediction: the identity lines below it go, if there are any.
                return (!identity.is_empty()).then_some(identity);
            }
        }
    }
    None
}

/// Devices and apps named by device footers.
const DEVICE_APPS: &[&str] = &[
    "iphone",
    "ipad",
    "ipod",
    "android",
    "samsung",
    "galaxy",
    "huawei",
    "xiaomi",
    "pixel",
    "oneplus",
    "nokia",
    "blackberry",
    "motorola",
    "oppo",
    "honor",
    "smartphone",
    "mobile",
    "phone",
    "téléphone",
    "telefoon",
    "handy",
    "mobiel",
    "tablet",
    "tablette",
    "outlook",
    "mail",
    "gmail",
    "yahoo",
    "aol",
    "proton",
    "tutanota",
    "windows",
    "apple",
    "watch",
    "gmx",
    "web.de",
    "t-online",
    "bluemail",
    "spark",
    "edison",
    "aqua",
    "typeapp",
    "mymail",
    "airmail",
    "fastmail",
    "zoho",
    "appareil",
    "apparaat",
    "gerät",
    "device",
    "mobiltelefon",
    "messenger",
];

/// Device footers: a sending verb, a connector, and a device or app.
fn is_device_footer(content: &str) -> bool {
    let t = content.trim();
    if t.is_empty() || t.chars().count() > 100 {
        return false;
    }
    let l = t.to_lowercase();
    let l = l.trim_end_matches(['.', '!', ' ']);
    let mentions_app = || {
        l.split(|c: char| !c.is_alphanumeric() && c != '-' && c != '.')
            .any(|w| DEVICE_APPS.contains(&w.trim_end_matches('.')))
            || l.contains("web.de")
    };
    let sent = [
        "sent from ",
        "sent with ",
        "sent using ",
        "sent via ",
        "sent on ",
        "envoyé de ",
        "envoyé depuis ",
        "envoyé à partir de ",
        "envoyé avec ",
        "envoyé via ",
        "envoyé par ",
        "verzonden vanaf ",
        "verzonden van ",
        "verzonden vanuit ",
        "verzonden met ",
        "verstuurd vanaf ",
        "verstuurd van ",
        "verstuurd vanuit ",
        "verstuurd met ",
        "gesendet von ",
        "gesendet mit ",
        "gesendet vom ",
        "gesendet über ",
    ]
    .iter()
    .any(|p| l.starts_with(p));
    let german = (l.starts_with("von meinem ") || l.starts_with("diese nachricht wurde von"))
        && l.ends_with("gesendet");
    let outlook = [
        "outlook for ",
        "outlook pour ",
        "outlook voor ",
        "outlook für ",
    ]
    .iter()
    .any(|p| l.contains(p))
        && (l.contains("ios") || l.contains("android"))
        && l.split_whitespace().count() <= 8;
    ((sent || german) && mentions_app()) || outlook
}

/// The first line of a mailing-list footer.
fn starts_list_footer(content: &str) -> bool {
    let t = content.trim();
    [
        "you are subscribed as",
        "you received this message because you are subscribed",
        "you are receiving this because",
        "you receive all messages sent to this group",
        "to unsubscribe from this group",
        "to unsubscribe send an email to",
        "to unsubscribe, send an email to",
        "to unsubscribe from this list",
        "to view this discussion on the web",
        "groups.io links:",
        "vous êtes abonné",
        "vous êtes inscrit",
        "vous recevez ce message car vous êtes abonné",
        "vous avez reçu ce message car vous êtes abonné",
        "pour vous désabonner",
        "pour vous désinscrire",
        "u bent geabonneerd",
        "je bent geabonneerd",
        "u ontvangt dit bericht omdat u",
        "je ontvangt dit bericht omdat je",
        "om u af te melden",
        "om je af te melden",
        "sie sind abonniert als",
        "sie erhalten diese nachricht, weil sie",
        "um sich abzumelden",
        "um sich von dieser liste abzumelden",
    ]
    .iter()
    .any(|p| t.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p)))
}

/// A line of a list footer after its first line: more footer phrases, addresses, links,
/// Mailman's `LIST mailing list` line.
fn continues_list_footer(content: &str) -> bool {
    let t = content.trim();
    let l = t.to_lowercase();
    starts_list_footer(t)
        || l.ends_with("mailing list")
        || is_email(t) && t.split_whitespace().count() <= 3
        || is_web(t.trim_matches(['<', '>']))
        || [
            "to post to this group",
            "for more options, visit",
            "to unsubscribe",
            "unsubscribe",
            "view/reply online",
            "reply to this email directly",
            "to view this discussion",
            "pour vous désabonner",
            "afmelden",
            "abmelden",
            "---",
        ]
        .iter()
        .any(|p| l.starts_with(p))
}

/// Removes device footers and mailing-list footers (see the module documentation), at any
/// quote depth. Linear: each line is read once.
pub fn remove_footers(text: &str) -> Cow<'_, str> {
    let mut work = 0;
    remove_footers_counted(text, &mut work)
}

/// Leading quote markers of a line and the spaces after them.
fn unquoted(line: &str) -> &str {
    line.trim_start_matches(['>', ' '])
}

// Every footer starts with one of these words (case aside): most lines are told at once,
// without a copy.
const DEVICE_WORDS: &[&str] = &[
    "sent",
    "envoyé",
    "verzonden",
    "verstuurd",
    "gesendet",
    "von",
    "diese",
    "get",
    "download",
    "télécharger",
    "obtenir",
    "outlook",
];
const LIST_WORDS: &[&str] = &[
    "you",
    "to",
    "groups.io",
    "vous",
    "pour",
    "u",
    "je",
    "om",
    "sie",
    "um",
];

/// The kind of footer a line may start, told by its first word.
#[derive(PartialEq)]
enum Start {
    Device,
    List,
}

/// The kind of footer `content` may start, by its first word alone.
fn first_word(content: &str) -> Option<Start> {
    let t = content.trim_start();
    let first = t.bytes().next()?.to_ascii_lowercase();
    if !b"svedgtoyupj".contains(&first) {
        return None;
    }
    let word = t.split([' ', '\t']).next().unwrap_or("");
    if DEVICE_WORDS.iter().any(|w| word.eq_ignore_ascii_case(w)) {
        Some(Start::Device)
    } else if LIST_WORDS.iter().any(|w| word.eq_ignore_ascii_case(w)) {
        Some(Start::List)
    } else {
        None
    }
}

/// Marks the lines of the list footer that starts at line `start` (kept: the footer's first
/// line is already marked); returns the line after it.
fn list_footer_end(lines: &[&str], start: usize, keep: &mut [bool], work: &mut u64) -> usize {
    let mut j = start + 1;
    let mut taken = 0;
    let mut previous = unquoted(lines[start]);
    while j < lines.len() && taken < MAX_FOOTER_LINES {
        *work += lines[j].len() as u64 + 1;
        let c = unquoted(lines[j]);
        if c.trim().is_empty() {
            // A blank line ends the footer, unless more of it follows.
            if lines
                .get(j + 1)
                .is_some_and(|n| continues_list_footer(unquoted(n)))
            {
                j += 1;
                continue;
            }
            break;
        }
        // A long footer sentence wraps onto the next line.
        let wrapped = previous.trim().chars().count() >= 60
            && !previous.trim_end().ends_with(['.', '!', '?']);
        if !wrapped && !continues_list_footer(c) {
            break;
        }
        keep[j] = false;
        taken += 1;
        previous = c;
        j += 1;
    }
    j
}

/// [`remove_footers`], adding the bytes examined to `work`.
fn remove_footers_counted<'a>(text: &'a str, work: &mut u64) -> Cow<'a, str> {
    *work += text.len() as u64;
    let device =
        |content: &str| first_word(content) == Some(Start::Device) && is_device_footer(content);
    let list_start = |content: &str| {
        content.trim_start().starts_with("____")
            || (first_word(content) == Some(Start::List) && starts_list_footer(content))
    };
    let is_start = |content: &str| device(content) || list_start(content);
    if !super::lines::split_lf(text).any(|l| is_start(unquoted(l))) {
        return Cow::Borrowed(text);
    }
    let lines: Vec<&str> = super::lines::split_lf(text).collect();
    let mut keep = vec![true; lines.len()];
    let mut changed = false;
    let mut i = 0;
    while i < lines.len() {
        *work += lines[i].len() as u64 + 1;
        let content = unquoted(lines[i]);
        if device(content) {
            keep[i] = false;
            changed = true;
            i += 1;
            continue;
        }
        // Mailman: a line of underscores, then `LIST mailing list`.
        let mailman = content.trim().len() >= 20
            && content.trim().chars().all(|c| c == '_')
            && lines
                .get(i + 1)
                .is_some_and(|n| unquoted(n).trim().to_lowercase().ends_with("mailing list"));
        if mailman || (!content.trim_start().starts_with("____") && list_start(content)) {
            keep[i] = false;
            changed = true;
            let j = list_footer_end(&lines, i, &mut keep, work);
            i = j;
            continue;
        }
        i += 1;
    }
    if !changed {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        lines
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(l, _)| *l)
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

#[cfg(test)]
mod tests;
