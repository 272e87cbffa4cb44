//! One message: its text, its HTML, its attachments and the headers of its client.

use std::ops::RangeInclusive;

use super::MessageKind;
use super::jpeg::{self, PhotoMeta};
use super::mime::{
    self, CRLF, Headers, When, Word, base64_lines, encode_words, html_escape, mailbox,
    quoted_printable, wrap,
};
use super::pdf::{self, DocMeta};
use super::people::{self, Client, Person};
use super::rng::{ALNUM, B64, Rng, UPPER_NUM};
use super::text::{Bank, Lang, TOPICS, Topic, capitalise, fill};

/// The helpline's address, where every message is sent.
pub(crate) const CONTACT: &str = "contact@helpline.example";
const MX: &str = "mx.helpline.example";

/// Salts of the independent random streams of a message.
const SALT_BINARY: u64 = 0x6269_6e61_7279;

/// Draws sentences without repeating one until all were used.
struct Deck {
    pool: Vec<&'static str>,
    order: Vec<usize>,
    at: usize,
}

impl Deck {
    fn new(pool: Vec<&'static str>, rng: &mut Rng) -> Deck {
        let mut order: Vec<usize> = (0..pool.len()).collect();
        rng.shuffle(&mut order);
        Deck { pool, order, at: 0 }
    }

    fn draw(&mut self, rng: &mut Rng) -> &'static str {
        if self.at == self.order.len() {
            rng.shuffle(&mut self.order);
            self.at = 0;
        }
        self.at += 1;
        self.pool[self.order[self.at - 1]]
    }
}

/// Everything decided once per message.
struct Ctx {
    rng: Rng,
    person: Person,
    bank: &'static Bank,
    topic: Topic,
    who: &'static str,
    when_phrase: &'static str,
    date: When,
    deck: Deck,
}

impl Ctx {
    fn new(mut rng: Rng, index: u64) -> Ctx {
        let person = Person::new(&mut rng, index);
        let bank = Bank::of(person.lang);
        let topic = *rng.pick(&TOPICS);
        let mut pool: Vec<&'static str> = bank.topic(topic).to_vec();
        // Anxiety goes with every trouble; other topics are not mixed (a child bullied at
        // school does not write about a husband).
        if topic != Topic::Anxiety {
            pool.extend_from_slice(bank.topic(Topic::Anxiety));
        }
        pool.extend_from_slice(bank.generic);
        pool.extend_from_slice(bank.anonymity);
        let deck = Deck::new(pool, &mut rng);
        let date = people::message_time(&mut rng, person.country);
        let who = *rng.pick(bank.who);
        let when_phrase = *rng.pick(bank.when);
        Ctx {
            who,
            when_phrase,
            rng,
            person,
            bank,
            topic,
            date,
            deck,
        }
    }

    /// A sentence with its slots filled; Apple devices type curly apostrophes.
    fn sentence(&mut self) -> String {
        let s = self.deck.draw(&mut self.rng);
        self.typed(&fill(s, self.who, self.when_phrase))
    }

    fn typed(&self, s: &str) -> String {
        if self.person.client == Client::AppleMail {
            s.replace('\'', "\u{2019}")
        } else {
            s.to_owned()
        }
    }

    /// A paragraph of 2 to 5 sentences.
    fn paragraph(&mut self) -> String {
        let n = self.rng.range(2..=5);
        (0..n)
            .map(|_| self.sentence())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn pick_line(&mut self, lines: &'static [&'static str]) -> String {
        let s = *self.rng.pick(lines);
        self.typed(s)
    }
}

/// An earlier message, quoted.
#[derive(Debug, Clone)]
struct Quote {
    name: String,
    addr: String,
    date: When,
    paras: Vec<String>,
    inner: Option<Box<Quote>>,
}

/// What the writer writes, before it is rendered as text or HTML.
#[derive(Debug, Clone)]
struct Content {
    greeting: String,
    paras: Vec<String>,
    closing: String,
    signoff: String,
    first: String,
    display: String,
    phone: String,
    /// "Sent from my iPhone" and the like, in place of a signature.
    footer: Option<String>,
    quote: Option<Quote>,
    /// Bottom-posting (Thunderbird users often answer below the quote).
    below: bool,
}

/// Byte length of the rendered text without the quote.
fn plain_len(c: &Content) -> usize {
    c.greeting.len() + c.paras.iter().map(|p| p.len() + 2).sum::<usize>() + 120
}

fn content(ctx: &mut Ctx, target: usize, quote: Option<Quote>) -> Content {
    let mut c = Content {
        greeting: ctx.pick_line(ctx.bank.greetings),
        paras: Vec::new(),
        closing: ctx.pick_line(ctx.bank.closings),
        signoff: ctx.pick_line(ctx.bank.signoffs),
        first: ctx.person.first.to_owned(),
        display: ctx.person.display.clone(),
        phone: ctx.person.phone.clone(),
        footer: match ctx.person.client {
            Client::AppleMail if ctx.rng.chance(1, 2) => Some(ctx.bank.sent_from_iphone.to_owned()),
            Client::K9 if ctx.rng.chance(1, 2) => Some(ctx.bank.sent_from_android.to_owned()),
            _ => None,
        },
        below: ctx.person.client == Client::Thunderbird && ctx.rng.chance(1, 2),
        quote,
    };
    let quoted = c.quote.as_ref().map_or(0, quote_len);
    while plain_len(&c) + quoted < target {
        let p = ctx.paragraph();
        c.paras.push(p);
    }
    c
}

fn quote_len(q: &Quote) -> usize {
    80 + q
        .paras
        .iter()
        .map(|p| p.len() + p.len() / 36 + 4)
        .sum::<usize>()
        + q.inner.as_deref().map_or(0, quote_len)
}

/// An earlier message: the helpline's answer (quoting the writer's first message) or a
/// friend passing on the address.
fn quote(ctx: &mut Ctx, budget: usize, from_helpline: bool) -> Quote {
    let earlier = When {
        days: ctx.date.days - ctx.rng.range(1..=6) as i64,
        secs: ctx.rng.below(86_400) as u32,
        ..ctx.date
    };
    if from_helpline {
        let n = ctx.rng.range(3..=6);
        let mut lines: Vec<&str> = ctx.bank.counsellor.to_vec();
        ctx.rng.shuffle(&mut lines);
        let mut paras = vec![ctx.bank.greetings[0].to_owned()];
        paras.extend(lines[..n.min(lines.len())].iter().map(|s| (*s).to_owned()));
        paras.push(ctx.bank.helpline_name.to_owned());
        let mut q = Quote {
            name: ctx.bank.helpline_name.to_owned(),
            addr: CONTACT.to_owned(),
            date: earlier,
            paras,
            inner: None,
        };
        // The writer's first message, quoted inside the answer, fills what is left.
        let mut first = Quote {
            name: ctx.person.display.clone(),
            addr: ctx.person.addr.clone(),
            date: When {
                days: earlier.days - ctx.rng.range(0..=3) as i64,
                ..earlier
            },
            paras: vec![ctx.pick_line(ctx.bank.greetings)],
            inner: None,
        };
        while quote_len(&q) + quote_len(&first) < budget {
            let p = ctx.paragraph();
            first.paras.push(p);
        }
        if first.paras.len() > 1 {
            q.inner = Some(Box::new(first));
        }
        q
    } else {
        let first = *ctx.rng.pick(ctx.bank.first_names);
        let last = *ctx.rng.pick(ctx.bank.last_names);
        let n = ctx.rng.range(2..=5);
        let mut lines: Vec<&str> = ctx.bank.friend.to_vec();
        ctx.rng.shuffle(&mut lines);
        let mut paras: Vec<String> = vec![lines[..n].join(" ")];
        while quote_len(&Quote {
            name: String::new(),
            addr: String::new(),
            date: earlier,
            paras: paras.clone(),
            inner: None,
        }) < budget
        {
            let p = ctx.paragraph();
            paras.push(p);
        }
        Quote {
            name: format!("{first} {last}"),
            addr: format!(
                "{}.{}{}@gmail.com",
                super::text::ascii_fold(first),
                super::text::ascii_fold(last),
                ctx.rng.below(100)
            ),
            date: earlier,
            paras,
            inner: None,
        }
    }
}

/// "Le … a écrit :", "Op … schreef …:", "On … wrote:" as the writer's client writes it.
fn attribution(client: Client, lang: Lang, q: &Quote) -> String {
    let b = Bank::of(lang);
    let (y, m, d) = q.date.ymd();
    let (hh, mm, ss) = q.date.hms();
    let day = b.day_names[q.date.weekday()];
    let mon = b.month_names[m as usize - 1];
    let (name, addr) = (&q.name, &q.addr);
    match (client, lang) {
        (Client::Thunderbird, Lang::Fr) => {
            format!("Le {d:02}/{m:02}/{y} à {hh:02}:{mm:02}, {name} a écrit :")
        }
        (Client::Thunderbird, Lang::Nl) => {
            format!("Op {d:02}-{m:02}-{y} om {hh:02}:{mm:02} schreef {name}:")
        }
        (Client::Thunderbird, Lang::En) => {
            format!("On {d:02}/{m:02}/{y} {hh:02}:{mm:02}, {name} wrote:")
        }
        (Client::AppleMail, Lang::Fr) => {
            format!("Le {d} {mon} {y} à {hh:02}:{mm:02}, {name} <{addr}> a écrit :")
        }
        (Client::AppleMail, Lang::Nl) => {
            format!("Op {d} {mon} {y} om {hh:02}:{mm:02} schreef {name} <{addr}>:")
        }
        (Client::AppleMail, Lang::En) => {
            format!("On {d} {mon} {y}, at {hh:02}:{mm:02}, {name} <{addr}> wrote:")
        }
        (Client::K9, Lang::Fr) => {
            format!("Le {d} {mon} {y} {hh:02}:{mm:02}:{ss:02}, {name} <{addr}> a écrit :")
        }
        (Client::K9, Lang::Nl) => {
            format!("Op {d} {mon} {y} {hh:02}:{mm:02}:{ss:02} schreef {name} <{addr}>:")
        }
        (Client::K9, Lang::En) => {
            format!("On {d} {mon} {y} {hh:02}:{mm:02}:{ss:02}, {name} <{addr}> wrote:")
        }
        (_, Lang::Fr) => {
            format!("Le {day} {d} {mon} {y} à {hh:02}:{mm:02}, {name} <{addr}> a écrit :")
        }
        (_, Lang::Nl) => {
            format!("Op {day} {d} {mon} {y} om {hh:02}:{mm:02} schreef {name} <{addr}>:")
        }
        (_, Lang::En) => {
            format!("On {day}, {d} {mon} {y} at {hh:02}:{mm:02}, {name} <{addr}> wrote:")
        }
    }
}

/// The quoted lines of a plain-text reply, `>`-prefixed and wrapped.
fn quote_plain(client: Client, lang: Lang, q: &Quote, out: &mut Vec<String>) {
    let mut inner = Vec::new();
    for (i, p) in q.paras.iter().enumerate() {
        if i > 0 {
            inner.push(String::new());
        }
        inner.extend(wrap(p, 72));
    }
    if let Some(iq) = &q.inner {
        inner.push(String::new());
        inner.extend(wrap(&attribution(client, lang, iq), 72));
        inner.push(String::new());
        quote_plain(client, lang, iq, &mut inner);
    }
    for l in inner {
        if l.is_empty() {
            out.push(">".to_owned());
        } else if l.starts_with('>') {
            out.push(format!(">{l}"));
        } else {
            out.push(format!("> {l}"));
        }
    }
}

/// The text/plain rendering (LF line ends; the encoder makes them CRLF).
fn render_plain(client: Client, lang: Lang, c: &Content) -> String {
    let mut own = vec![c.greeting.clone(), String::new()];
    for p in &c.paras {
        own.push(p.clone());
        own.push(String::new());
    }
    own.push(c.closing.clone());
    own.push(String::new());
    own.push(c.signoff.clone());
    own.push(c.first.clone());
    own.push(String::new());
    match &c.footer {
        Some(f) => own.push(f.clone()),
        None => {
            own.push("-- ".to_owned());
            own.push(c.display.clone());
            own.push(c.phone.clone());
        }
    }
    let mut quoted = Vec::new();
    if let Some(q) = &c.quote {
        quoted.push(attribution(client, lang, q));
        quoted.push(String::new());
        quote_plain(client, lang, q, &mut quoted);
    }
    let mut lines = Vec::new();
    if c.below && !quoted.is_empty() {
        lines.extend(quoted);
        lines.push(String::new());
        lines.extend(own);
    } else {
        lines.extend(own);
        if !quoted.is_empty() {
            lines.push(String::new());
            lines.extend(quoted);
        }
    }
    let mut s = lines.join("\n");
    s.push('\n');
    s
}

fn esc_lines(q: &Quote, tag: &str, style: &str) -> String {
    let mut s = String::new();
    for p in &q.paras {
        s.push_str(&format!("<{tag}{style}>{}</{tag}>", html_escape(p)));
    }
    s
}

/// The text/html rendering, in the markup of each client.
fn render_html(client: Client, lang: Lang, c: &Content) -> String {
    let e = html_escape;
    let attr = |q: &Quote| e(&attribution(client, lang, q)).replace(" :", "&nbsp;:");
    match client {
        Client::Gmail | Client::K9 => {
            let dir = if client == Client::Gmail {
                "ltr"
            } else {
                "auto"
            };
            let font = if client == Client::Gmail && c.paras.len().is_multiple_of(3) {
                " style=\"font-family:arial,sans-serif;font-size:small;color:rgb(34,34,34)\""
            } else {
                ""
            };
            let mut h = format!(
                "<div dir=\"{dir}\"><div{font}>{}</div><div><br></div>",
                e(&c.greeting)
            );
            for p in &c.paras {
                h.push_str(&format!("<div{font}>{}</div><div><br></div>", e(p)));
            }
            h.push_str(&format!(
                "<div>{}</div><div><br></div><div>{}<br>{}</div><div><br clear=\"all\"></div><div><br></div>",
                e(&c.closing),
                e(&c.signoff),
                e(&c.first)
            ));
            if client == Client::Gmail {
                h.push_str(&format!(
                    "<span class=\"gmail_signature_prefix\">-- </span><br><div dir=\"ltr\" class=\"gmail_signature\" data-smartmail=\"gmail_signature\"><div dir=\"ltr\"><div style=\"color:rgb(80,0,80)\"><b>{}</b><br>{}</div></div></div></div>",
                    e(&c.display),
                    e(&c.phone)
                ));
            } else {
                let sig = match &c.footer {
                    Some(f) => e(f),
                    None => format!("-- <br>{}<br>{}", e(&c.display), e(&c.phone)),
                };
                h.push_str(&format!("<div dir=\"auto\">{sig}</div></div>"));
            }
            fn gq(q: &Quote, dir: &str, attr: &dyn Fn(&Quote) -> String) -> String {
                let mut s = format!(
                    "<div class=\"gmail_quote gmail_quote_container\"><div dir=\"{dir}\" class=\"gmail_attr\">{}<br></div><blockquote class=\"gmail_quote\" style=\"margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex\"><div dir=\"{dir}\">",
                    attr(q)
                );
                for p in &q.paras {
                    s.push_str(&format!("<div>{}</div><div><br></div>", html_escape(p)));
                }
                s.push_str("</div>");
                if let Some(iq) = &q.inner {
                    s.push_str("<br>");
                    s.push_str(&gq(iq, dir, attr));
                }
                s.push_str("</blockquote></div>\r\n");
                s
            }
            if let Some(q) = &c.quote {
                h.push_str("<br>");
                h.push_str(&gq(q, dir, &attr));
            }
            h.push_str("\r\n");
            h
        }
        Client::Outlook => {
            let span = "<span style=\"font-size:11.0pt;font-family:&quot;Aptos&quot;,sans-serif;mso-fareast-language:EN-US\">";
            let lang_attr = match lang {
                Lang::Fr => "FR",
                Lang::Nl => "NL-BE",
                Lang::En => "EN-GB",
            };
            let mut h = String::from(OUTLOOK_HEAD);
            h.push_str(&format!(
                "<body lang=\"{lang_attr}\" link=\"#467886\" vlink=\"#96607D\" style=\"word-wrap:break-word\">\r\n<div class=\"WordSection1\">\r\n"
            ));
            let p = |t: &str| {
                format!(
                    "<p class=\"MsoNormal\">{span}{}<o:p></o:p></span></p>\r\n",
                    e(t)
                )
            };
            let empty = format!("<p class=\"MsoNormal\">{span}<o:p>&nbsp;</o:p></span></p>\r\n");
            h.push_str(&p(&c.greeting));
            h.push_str(&empty);
            for para in &c.paras {
                h.push_str(&p(para));
                h.push_str(&empty);
            }
            h.push_str(&p(&c.closing));
            h.push_str(&empty);
            h.push_str(&p(&c.signoff));
            h.push_str(&p(&c.first));
            h.push_str(&format!(
                "<div id=\"Signature\"><p class=\"MsoNormal\"><b><span style=\"font-size:10.0pt;color:#1F3864\">{}</span></b><span style=\"font-size:10.0pt;color:#1F3864\"><br>{}<o:p></o:p></span></p></div>\r\n",
                e(&c.display),
                e(&c.phone)
            ));
            fn oq(q: &Quote, lang: Lang, span: &str, depth: usize) -> String {
                let (from, sent, to, subj) = match lang {
                    Lang::Fr => ("De&nbsp;:", "Envoyé&nbsp;:", "À&nbsp;:", "Objet&nbsp;:"),
                    Lang::Nl => ("Van:", "Verzonden:", "Aan:", "Onderwerp:"),
                    Lang::En => ("From:", "Sent:", "To:", "Subject:"),
                };
                let mut s = format!(
                    "<div style=\"border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm\">\r\n<p class=\"MsoNormal\"><b><span lang=\"FR\" style=\"font-size:11.0pt;font-family:&quot;Calibri&quot;,sans-serif\">{from}</span></b><span style=\"font-size:11.0pt;font-family:&quot;Calibri&quot;,sans-serif\"> {} &lt;{}&gt; <br><b>{sent}</b> {}<br><b>{to}</b> {}<br><b>{subj}</b> …<o:p></o:p></span></p>\r\n</div>\r\n<blockquote style=\"border:none;border-left:solid #CCCCCC 1.0pt;padding:0cm 0cm 0cm 6.0pt;margin-left:4.8pt;margin-right:0cm\">\r\n",
                    html_escape(&q.name),
                    html_escape(&q.addr),
                    q.date.rfc5322(false),
                    if depth == 0 { CONTACT } else { "…" },
                );
                for p in &q.paras {
                    s.push_str(&format!(
                        "<p class=\"MsoNormal\" style=\"margin-bottom:12.0pt\">{span}{}<o:p></o:p></span></p>\r\n",
                        html_escape(p)
                    ));
                }
                if let Some(iq) = &q.inner {
                    s.push_str(&oq(iq, lang, span, depth + 1));
                }
                s.push_str("</blockquote>\r\n");
                s
            }
            if let Some(q) = &c.quote {
                h.push_str(&empty);
                h.push_str(&oq(q, lang, span, 0));
            }
            h.push_str("</div>\r\n</body>\r\n</html>\r\n");
            h
        }
        Client::AppleMail => {
            let mut h = String::from(
                "<html aria-label=\"message body\"><head><meta http-equiv=\"content-type\" content=\"text/html; charset=utf-8\"></head><body style=\"overflow-wrap: break-word; -webkit-nbsp-mode: space; line-break: after-white-space;\"><div dir=\"ltr\">",
            );
            h.push_str(&format!("{}<div><br></div>", e(&c.greeting)));
            for p in &c.paras {
                h.push_str(&format!("<div>{}</div><div><br></div>", e(p)));
            }
            h.push_str(&format!(
                "<div>{}</div><div><br></div><div>{}</div><div>{}</div><div><br></div><div><span style=\"font-size: 13px;\">{}</span></div></div>",
                e(&c.closing),
                e(&c.signoff),
                e(&c.first),
                e(c.footer.as_deref().unwrap_or(&c.phone))
            ));
            fn aq(q: &Quote, attr: &dyn Fn(&Quote) -> String) -> String {
                let mut s = format!(
                    "<div dir=\"ltr\"><br><blockquote type=\"cite\">{}<br><br></blockquote></div><blockquote type=\"cite\"><div dir=\"ltr\">",
                    attr(q)
                );
                s.push_str(&esc_lines(q, "div", ""));
                if let Some(iq) = &q.inner {
                    s.push_str(&aq(iq, attr));
                }
                s.push_str("</div></blockquote>");
                s
            }
            if let Some(q) = &c.quote {
                h.push_str(&aq(q, &attr));
            }
            h.push_str("</body></html>");
            h
        }
        Client::Thunderbird => {
            let mut h = String::from(
                "<!DOCTYPE html>\r\n<html>\r\n  <head>\r\n    <meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\">\r\n  </head>\r\n  <body>\r\n",
            );
            let mut own = format!("    <p>{}</p>\r\n", e(&c.greeting));
            for p in &c.paras {
                own.push_str(&format!("    <p>{}</p>\r\n", e(p)));
            }
            own.push_str(&format!(
                "    <p>{}</p>\r\n    <p>{}<br>\r\n      {}</p>\r\n    <pre class=\"moz-signature\" cols=\"72\">-- \r\n{}\r\n{}</pre>\r\n",
                e(&c.closing),
                e(&c.signoff),
                e(&c.first),
                e(&c.display),
                e(&c.phone)
            ));
            fn tq(q: &Quote, attr: &dyn Fn(&Quote) -> String) -> String {
                let mut s = format!(
                    "    <div class=\"moz-cite-prefix\">{}<br>\r\n    </div>\r\n    <blockquote type=\"cite\" cite=\"mid:{}\">\r\n",
                    attr(q),
                    html_escape(&q.addr)
                );
                for p in &q.paras {
                    s.push_str(&format!("      <p>{}</p>\r\n", html_escape(p)));
                }
                if let Some(iq) = &q.inner {
                    s.push_str(&tq(iq, attr));
                }
                s.push_str("    </blockquote>\r\n");
                s
            }
            let quoted = c.quote.as_ref().map(|q| tq(q, &attr)).unwrap_or_default();
            if c.below {
                h.push_str(&quoted);
                h.push_str(&own);
            } else {
                h.push_str(&own);
                h.push_str(&quoted);
            }
            h.push_str("  </body>\r\n</html>\r\n");
            h
        }
    }
}

/// The head Outlook writes: Word's styles.
const OUTLOOK_HEAD: &str = "<html xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\" xmlns:w=\"urn:schemas-microsoft-com:office:word\" xmlns:m=\"http://schemas.microsoft.com/office/2004/12/omml\" xmlns=\"http://www.w3.org/TR/REC-html40\">\r\n<head>\r\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\r\n<meta name=\"Generator\" content=\"Microsoft Word 15 (filtered medium)\">\r\n<style><!--\r\n/* Font Definitions */\r\n@font-face\r\n\t{font-family:\"Cambria Math\";\r\n\tpanose-1:2 4 5 3 5 4 6 3 2 4;}\r\n@font-face\r\n\t{font-family:Calibri;\r\n\tpanose-1:2 15 5 2 2 2 4 3 2 4;}\r\n@font-face\r\n\t{font-family:Aptos;}\r\n/* Style Definitions */\r\np.MsoNormal, li.MsoNormal, div.MsoNormal\r\n\t{margin:0cm;\r\n\tfont-size:12.0pt;\r\n\tfont-family:\"Aptos\",sans-serif;\r\n\tmso-ligatures:standardcontextual;\r\n\tmso-fareast-language:EN-US;}\r\na:link, span.MsoHyperlink\r\n\t{mso-style-priority:99;\r\n\tcolor:#467886;\r\n\ttext-decoration:underline;}\r\nspan.EmailStyle17\r\n\t{mso-style-type:personal-compose;\r\n\tfont-family:\"Aptos\",sans-serif;\r\n\tcolor:windowtext;}\r\n.MsoChpDefault\r\n\t{mso-style-type:export-only;\r\n\tfont-size:10.0pt;\r\n\tmso-ligatures:none;}\r\n@page WordSection1\r\n\t{size:612.0pt 792.0pt;\r\n\tmargin:72.0pt 72.0pt 72.0pt 72.0pt;}\r\ndiv.WordSection1\r\n\t{page:WordSection1;}\r\n--></style><!--[if gte mso 9]><xml>\r\n<o:shapedefaults v:ext=\"edit\" spidmax=\"1026\" />\r\n</xml><![endif]--><!--[if gte mso 9]><xml>\r\n<o:shapelayout v:ext=\"edit\">\r\n<o:idmap v:ext=\"edit\" data=\"1\" />\r\n</o:shapelayout></xml><![endif]-->\r\n</head>\r\n";

/// A MIME entity: its headers and its body or parts.
struct Entity {
    headers: Vec<(String, String)>,
    body: Body,
}

enum Body {
    Bytes(Vec<u8>),
    Multi {
        boundary: String,
        preamble: bool,
        parts: Vec<Entity>,
    },
}

impl Entity {
    fn text(subtype: &str, text: &str, client: Client) -> Entity {
        let ctype = match client {
            Client::AppleMail => format!("text/{subtype};\r\n\tcharset=utf-8"),
            Client::Outlook => format!("text/{subtype}; charset=\"utf-8\""),
            Client::Gmail => format!("text/{subtype}; charset=\"UTF-8\""),
            Client::Thunderbird => format!("text/{subtype}; charset=UTF-8"),
            Client::K9 => format!("text/{subtype}; charset=utf-8"),
        };
        Entity {
            headers: vec![
                ("Content-Type".into(), ctype),
                (
                    "Content-Transfer-Encoding".into(),
                    "quoted-printable".into(),
                ),
            ],
            body: Body::Bytes(quoted_printable(text).into_bytes()),
        }
    }

    fn attachment(ctype: &str, name: &str, data: &[u8], client: Client, rng: &mut Rng) -> Entity {
        let mut headers = match client {
            Client::AppleMail => vec![
                (
                    "Content-Disposition".into(),
                    format!("attachment;\r\n\tfilename={name}"),
                ),
                (
                    "Content-Type".into(),
                    format!("{ctype};\r\n\tx-unix-mode=0644;\r\n\tname=\"{name}\""),
                ),
                ("Content-Transfer-Encoding".into(), "base64".into()),
            ],
            _ => vec![
                ("Content-Type".into(), format!("{ctype}; name=\"{name}\"")),
                (
                    "Content-Disposition".into(),
                    format!("attachment; filename=\"{name}\""),
                ),
                ("Content-Transfer-Encoding".into(), "base64".into()),
            ],
        };
        match client {
            Client::Gmail => {
                let id = format!(
                    "f_{}",
                    rng.chars(b"abcdefghijklmnopqrstuvwxyz0123456789", 10)
                );
                headers.push(("Content-ID".into(), format!("<{id}>")));
                headers.push(("X-Attachment-Id".into(), id));
            }
            Client::Outlook => {
                headers.insert(1, ("Content-Description".into(), name.to_owned()));
                headers.push((
                    "Content-ID".into(),
                    format!("<{}@eurprd02.prod.outlook.com>", rng.hex(8).to_uppercase()),
                ));
            }
            _ => {}
        }
        Entity {
            headers,
            body: Body::Bytes(base64_lines(data)),
        }
    }

    fn multi(subtype: &str, boundary: String, parts: Vec<Entity>, client: Client) -> Entity {
        let ctype = match client {
            Client::AppleMail => format!("multipart/{subtype};\r\n\tboundary=\"{boundary}\""),
            Client::Thunderbird | Client::Outlook => {
                format!("multipart/{subtype};\r\n boundary=\"{boundary}\"")
            }
            _ => format!("multipart/{subtype}; boundary=\"{boundary}\""),
        };
        Entity {
            headers: vec![("Content-Type".into(), ctype)],
            body: Body::Multi {
                boundary,
                preamble: client == Client::Thunderbird,
                parts,
            },
        }
    }

    fn write_headers(&self, out: &mut Headers) {
        for (n, v) in &self.headers {
            out.add(n, v);
        }
    }

    fn write_body(&self, out: &mut Vec<u8>) {
        match &self.body {
            Body::Bytes(b) => out.extend_from_slice(b),
            Body::Multi {
                boundary,
                preamble,
                parts,
            } => {
                if *preamble {
                    out.extend_from_slice(b"This is a multi-part message in MIME format.\r\n");
                }
                for p in parts {
                    out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
                    let mut h = Headers::default();
                    p.write_headers(&mut h);
                    out.extend_from_slice(h.into_string().as_bytes());
                    out.extend_from_slice(CRLF.as_bytes());
                    p.write_body(out);
                    if !out.ends_with(b"\r\n") {
                        out.extend_from_slice(CRLF.as_bytes());
                    }
                    out.extend_from_slice(CRLF.as_bytes());
                }
                out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
            }
        }
    }
}

fn boundary(rng: &mut Rng, client: Client, level: u8) -> String {
    match client {
        Client::Gmail => format!("000000000000{}", rng.hex(8)),
        Client::Outlook => format!(
            "_00{}_AM9PR02MB{}{}_",
            if level == 0 { 4 } else { 0 },
            rng.below(10_000),
            rng.chars(UPPER_NUM, 22)
        ),
        Client::Thunderbird => format!("------------{}", rng.chars(ALNUM, 24)),
        Client::AppleMail => format!("Apple-Mail={}", uuid_upper(rng)),
        Client::K9 => format!("----{}", rng.chars(UPPER_NUM, 30)),
    }
}

fn uuid_upper(rng: &mut Rng) -> String {
    let h = rng.hex(16).to_uppercase();
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// The subject: a topic line, sometimes with a detail, or the first words of the message.
fn subject(ctx: &mut Ctx) -> String {
    let b = ctx.bank;
    let base = if ctx.rng.chance(1, 4) {
        *ctx.rng.pick(b.subjects_any)
    } else {
        *ctx.rng.pick(b.subjects(ctx.topic))
    };
    match ctx.rng.below(10) {
        0..=3 => {
            let detail = *ctx.rng.pick(b.subject_details);
            let sep = *ctx.rng.pick(&[" – ", " - ", " (", ", "]);
            let close = if sep == " (" { ")" } else { "" };
            format!("{base}{sep}{detail}{close}")
        }
        4..=6 => {
            // The first words of a sentence, as people on phones do.
            let s = ctx.sentence();
            let words: Vec<&str> = s.split(' ').collect();
            let n = ctx.rng.range(5..=9).min(words.len());
            let mut t = words[..n].join(" ");
            t = t.trim_end_matches([',', '.']).to_owned();
            if n < words.len() {
                t.push('…');
            }
            t
        }
        _ => base.to_owned(),
    }
}

fn doc_ip4(rng: &mut Rng) -> String {
    let net = *rng.pick(&["198.51.100", "203.0.113", "192.0.2"]);
    format!("{net}.{}", 1 + rng.below(254))
}

fn doc_ip6(rng: &mut Rng) -> String {
    format!(
        "2001:db8:{:x}:{:x}::{:x}",
        rng.below(0xffff),
        rng.below(0xffff),
        1 + rng.below(0xfff)
    )
}

/// A fake RSA-2048 signature value, folded as the signer folds it.
fn fake_sig(rng: &mut Rng, indent: &str) -> String {
    let mut b = rng.chars(B64, 342);
    b.push_str("==");
    let mut out = String::new();
    for (i, chunk) in b.as_bytes().chunks(68).enumerate() {
        if i > 0 {
            out.push_str("\r\n");
            out.push_str(indent);
        }
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
    }
    out
}

/// Header fields of the message, in the order of its client.
fn headers(
    ctx: &mut Ctx,
    subject: &str,
    reply_to_id: Option<&str>,
    root: &Entity,
    kind: MessageKind,
) -> String {
    let p = ctx.person.clone();
    let client = p.client;
    let rng = &mut ctx.rng;
    let word = match client {
        Client::Thunderbird | Client::Outlook => Word::B,
        _ => Word::Q,
    };
    let date = ctx.date;
    let utc = date.at_offset(0);
    let from = mailbox(&p.display, &p.addr, word);
    let subj = encode_words(subject, word);
    let mut h = Headers::default();

    // Delivery: the helpline's MX and LMTP hops, newest first.
    // The helpline's servers keep Central European time.
    let (_, month, _) = date.ymd();
    let cet = if (4..=10).contains(&month) { 120 } else { 60 };
    let lmtp = date.plus(2 + rng.below(4) as u32).at_offset(cet);
    let mx_time = lmtp;
    h.add("Return-Path", &format!("<{}>", p.addr));
    h.add("Delivered-To", CONTACT);
    h.add(
        "Received",
        &format!(
            "from {MX}\r\n\tby {MX} with LMTP\r\n\tid {}\r\n\t(envelope-from <{}>)\r\n\tfor <{CONTACT}>; {}",
            rng.chars(ALNUM, 22),
            p.addr,
            lmtp.rfc5322(true)
        ),
    );
    let (relay_host, relay_ip, dkim): (String, String, Option<(String, &str)>) = match client {
        Client::Gmail => (
            format!(
                "mail-{}.google.com",
                *rng.pick(&["wm1-f41", "ej1-f53", "lf1-f47", "wr1-f44"])
            ),
            format!("209.85.{}.{}", 128 + rng.below(100), 1 + rng.below(254)),
            Some(("gmail.com".to_owned(), "20230601")),
        ),
        Client::Outlook => (
            format!(
                "{}.outbound.protection.outlook.com",
                rng.pick(&["EUR05-AM6-obe", "EUR02-DB5-obe", "EUR03-VI1-obe"])
            ),
            format!("40.92.{}.{}", rng.below(100), 1 + rng.below(254)),
            Some((p.domain.to_owned(), "selector1")),
        ),
        Client::AppleMail => (
            format!(
                "st43p00im-{}.me.com",
                rng.chars(b"abcdefghijklmnopqrstuvwxyz", 7)
            ),
            format!("17.58.{}.{}", rng.below(64), 1 + rng.below(254)),
            None,
        ),
        _ => (
            format!("smtp-out{}.{}", 1 + rng.below(9), p.domain),
            doc_ip4(rng),
            None,
        ),
    };
    let tls = "(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)\r\n\t key-exchange X25519 server-signature RSA-PSS (2048 bits)\r\n\t server-digest SHA256)\r\n\t(No client certificate requested)";
    let mut received = vec![format!(
        "from {relay_host} ({relay_host} [{relay_ip}])\r\n\t{tls}\r\n\tby {MX} (Postfix) with ESMTPS id {}\r\n\tfor <{CONTACT}>; {} ({})",
        rng.chars(UPPER_NUM, 10),
        mx_time.rfc5322(false),
        if mx_time.offset_min == 120 {
            "CEST"
        } else {
            "CET"
        }
    )];
    let sent = date.plus(1);
    let ar_dkim = match &dkim {
        Some((d, s)) => format!(
            "dkim=pass header.d={d} header.s={s} header.b={}",
            rng.chars(ALNUM, 8)
        ),
        None => "dkim=none".to_owned(),
    };
    let auth = format!(
        "{MX};\r\n\t{ar_dkim};\r\n\tspf=pass ({MX}: domain of {} designates {relay_ip} as permitted sender) smtp.mailfrom={};\r\n\tdmarc={} header.from={}",
        p.addr,
        p.addr,
        if dkim.is_some() {
            "pass (policy=none)"
        } else {
            "none"
        },
        p.domain
    );
    let mut extra: Vec<(String, String)> = Vec::new();
    let msg_id = match client {
        Client::Gmail => {
            received.push(format!(
                "by {relay_host} with SMTP id {}-{}so{}.{};\r\n        {}",
                rng.hex(5),
                rng.hex(6),
                rng.below(10_000_000),
                rng.below(10),
                sent.at_offset(-420).rfc5322(true)
            ));
            format!(
                "<CA{}@mail.gmail.com>",
                rng.chars(B64, 48).replace('/', "_")
            )
        }
        Client::Outlook => {
            let server = format!("AM9PR02MB{}", rng.below(10_000));
            let host = format!("{server}.eurprd02.prod.outlook.com");
            received.push(format!(
                "from {host} ({}) by {host} ({}) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8207.{}; {}",
                doc_ip6(rng),
                doc_ip6(rng),
                rng.below(40),
                sent.at_offset(0).rfc5322(false)
            ));
            received.push(format!(
                "from {host}\r\n ([fe80::{:x}:{:x}:{:x}:{:x}]) by {host}\r\n ([fe80::{:x}%6]) with mapi id 15.20.8207.{}; {}",
                rng.below(0xffff),
                rng.below(0xffff),
                rng.below(0xffff),
                rng.below(0xffff),
                rng.below(0xffff),
                rng.below(40),
                date.at_offset(0).rfc5322(false)
            ));
            format!("<{server}{}@{host}>", rng.chars(UPPER_NUM, 18))
        }
        Client::AppleMail => {
            received.push(format!(
                "from smtpclient.apple ({} [{}])\r\n\tby {relay_host} (Postfix) with ESMTPSA id {}\r\n\tfor <{CONTACT}>; {} (UTC)",
                "unknown",
                doc_ip6(rng),
                rng.chars(UPPER_NUM, 11),
                sent.at_offset(0).rfc5322(false)
            ));
            format!("<{}@{}>", uuid_upper(rng), p.domain)
        }
        Client::Thunderbird | Client::K9 => {
            let private = format!("192.168.{}.{}", rng.below(3), 2 + rng.below(200));
            received.push(format!(
                "from [{private}] (host-{}.dyn.{} [{}])\r\n\t(Authenticated sender: {})\r\n\tby {relay_host} (Postfix) with ESMTPSA id {}\r\n\tfor <{CONTACT}>; {}",
                rng.below(1000),
                p.domain,
                doc_ip4(rng),
                p.addr,
                rng.chars(UPPER_NUM, 10),
                sent.rfc5322(false)
            ));
            if client == Client::K9 {
                format!("<{}@email.android.com>", uuid_upper(rng).to_lowercase())
            } else {
                format!("<{}@{}>", uuid_upper(rng).to_lowercase(), p.domain)
            }
        }
    };
    // Two or three hops: the provider's internal hop is dropped sometimes.
    if received.len() > 2 && rng.chance(1, 3) {
        received.pop();
    }
    for r in &received {
        h.add("Received", r);
    }
    h.add("Authentication-Results", &auth);

    let date_hdr = match client {
        Client::Outlook => utc.rfc5322(false),
        Client::K9 => date.rfc5322(true),
        _ => date.rfc5322(false),
    };
    let refs = reply_to_id.map(str::to_owned);
    match client {
        Client::Gmail => {
            h.add(
                "DKIM-Signature",
                &format!(
                    "v=1; a=rsa-sha256; c=relaxed/relaxed;\r\n        d=gmail.com; s=20230601; t={}; x={}; darn=helpline.example;\r\n        h=to:subject:message-id:date:from:mime-version:from:to:cc:subject\r\n         :date:message-id:reply-to;\r\n        bh={}=;\r\n        b={}",
                    date.unix(),
                    date.unix() + 604_800,
                    rng.chars(B64, 43),
                    fake_sig(rng, "         ")
                ),
            );
            h.add(
                "X-Gm-Message-State",
                &format!("AOJu0Y{}\r\n\t{}", rng.chars(B64, 50), rng.chars(B64, 70)),
            );
            h.add(
                "X-Google-Smtp-Source",
                &format!("AGHT+I{}\r\n {}==", rng.chars(B64, 48), rng.chars(B64, 32)),
            );
            h.add(
                "X-Received",
                &format!(
                    "by 2002:a05:600c:{:x}:b0:{:x}:{:x}:{:x} with SMTP id {}mr{}.{};\r\n        {}",
                    rng.below(0xffff),
                    rng.below(0xfff),
                    rng.below(0xffff),
                    rng.below(0xffff),
                    rng.hex(6),
                    rng.below(100_000_000),
                    rng.below(100),
                    sent.at_offset(-420).rfc5322(true)
                ),
            );
            h.add("MIME-Version", "1.0");
            if let Some(r) = &refs {
                h.add("References", r);
                h.add("In-Reply-To", r);
            }
            h.add("From", &from);
            h.add("Date", &date_hdr);
            h.add("Message-ID", &msg_id);
            h.add("Subject", &subj);
            h.add("To", CONTACT);
            root.write_headers(&mut h);
        }
        Client::Outlook => {
            h.add(
                "DKIM-Signature",
                &format!(
                    "v=1; a=rsa-sha256; c=relaxed/relaxed; d={};\r\n s=selector1;\r\n h=From:Date:Subject:Message-ID:Content-Type:MIME-Version:\r\n X-MS-Exchange-SenderADCheck;\r\n bh={}=;\r\n b={}",
                    p.domain,
                    rng.chars(B64, 43),
                    fake_sig(rng, " ")
                ),
            );
            h.add("From", &from);
            h.add("To", &format!("\"{CONTACT}\" <{CONTACT}>"));
            h.add("Subject", &subj);
            h.add("Thread-Topic", &subj);
            h.add("Thread-Index", &format!("AQH{}==", rng.chars(B64, 25)));
            h.add("Date", &date_hdr);
            h.add("Message-ID", &msg_id);
            if let Some(r) = &refs {
                h.add("References", r);
                h.add("In-Reply-To", r);
            }
            let cl = match p.lang {
                Lang::Fr => "fr-FR",
                Lang::Nl => "nl-BE",
                Lang::En => "en-GB",
            };
            h.add("Accept-Language", &format!("{cl}, en-US"));
            h.add("Content-Language", cl);
            let attach = matches!(kind, MessageKind::WithJpeg | MessageKind::WithPdf);
            h.add("X-MS-Has-Attach", if attach { "yes" } else { "" });
            h.add("X-MS-TNEF-Correlator", "");
            h.add("x-ms-publictraffictype", "Email");
            h.add("X-Mailer", "Microsoft Outlook 16.0");
            root.write_headers(&mut h);
            h.add("MIME-Version", "1.0");
            extra.push(("X-OriginatorOrg".into(), "outlook.com".into()));
        }
        Client::AppleMail => {
            root.write_headers(&mut h);
            h.add("From", &from);
            let mailer = if ctx.person.first.len().is_multiple_of(2) {
                ("1.0 (1.0)", "iPhone Mail (22B91)")
            } else {
                (
                    "1.0 (Mac OS X Mail 16.0 \\(3826.200.121\\))",
                    "Apple Mail (2.3826.200.121)",
                )
            };
            h.add("Mime-Version", mailer.0);
            h.add("Subject", &subj);
            h.add("Date", &date_hdr);
            if let Some(r) = &refs {
                h.add("References", r);
                h.add("In-Reply-To", r);
            }
            h.add("Message-Id", &msg_id);
            h.add("To", CONTACT);
            h.add("X-Mailer", mailer.1);
        }
        Client::Thunderbird => {
            h.add("Message-ID", &msg_id);
            h.add("Date", &date_hdr);
            h.add("MIME-Version", "1.0");
            const THUNDERBIRDS: [&str; 3] = [
                "Mozilla Thunderbird",
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101\r\n Thunderbird/128.5.2",
                "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101\r\n Thunderbird/128.4.0",
            ];
            let ua = *rng.pick(&THUNDERBIRDS);
            h.add("User-Agent", ua);
            if let Some(r) = &refs {
                h.add("References", r);
                h.add("In-Reply-To", r);
            }
            h.add("Subject", &subj);
            h.add("To", CONTACT);
            h.add(
                "Content-Language",
                match p.lang {
                    Lang::Fr => "fr",
                    Lang::Nl => "nl",
                    Lang::En => "en-GB",
                },
            );
            h.add("From", &from);
            root.write_headers(&mut h);
        }
        Client::K9 => {
            h.add("Date", &date_hdr);
            h.add("From", &from);
            h.add("To", CONTACT);
            h.add("Subject", &subj);
            if let Some(r) = &refs {
                h.add("In-Reply-To", r);
                h.add("References", r);
            }
            h.add("User-Agent", "K-9 Mail for Android");
            h.add("Message-ID", &msg_id);
            h.add("MIME-Version", "1.0");
            root.write_headers(&mut h);
        }
    }
    for (n, v) in extra {
        h.add(&n, &v);
    }
    h.into_string()
}

/// A size drawn from a range, kept clear of the top by `margin` (what the last paragraph
/// or page may add).
fn target(rng: &mut Rng, r: &RangeInclusive<usize>, margin: usize) -> usize {
    let lo = *r.start();
    let hi = r.end().saturating_sub(margin).max(lo);
    rng.range(lo..=hi)
}

/// Builds message `index` of kind `kind`.
pub(crate) fn build(seed: u64, index: u64, kind: MessageKind, mix: &super::Mix) -> Vec<u8> {
    let mut ctx = Ctx::new(Rng::stream(seed, index, 0x7465_7874), index);
    let client = ctx.person.client;
    let lang = ctx.person.lang;
    let mut subj = subject(&mut ctx);
    let mut reply_to: Option<String> = None;

    let root = match kind {
        MessageKind::Plain | MessageKind::PlainWithQuote => {
            let t = target(&mut ctx.rng, &mix.plain_bytes, 700);
            let quote = if kind == MessageKind::PlainWithQuote {
                let helpline = ctx.rng.chance(2, 3);
                let share = ctx.rng.range(30..=55);
                let q = quote(&mut ctx, t * share / 100, helpline);
                if helpline {
                    reply_to = Some(format!("<{}@helpline.example>", ctx.rng.hex(12)));
                    subj = reply_subject(client, lang, &subj);
                }
                Some(q)
            } else {
                None
            };
            let c = content(&mut ctx, t, quote);
            Entity::text("plain", &render_plain(client, lang, &c), client)
        }
        MessageKind::Html => {
            let t = target(&mut ctx.rng, &mix.html_bytes, 2_500);
            let own = ctx.rng.range(1_000..=4_000);
            let c0 = content(&mut ctx, own, None);
            let mut q = quote(&mut ctx, 1, true);
            reply_to = Some(format!("<{}@helpline.example>", ctx.rng.hex(12)));
            subj = reply_subject(client, lang, &subj);
            let mut c = Content {
                quote: Some(q.clone()),
                ..c0
            };
            let mut html = render_html(client, lang, &c);
            // Grow the quoted history until the HTML reaches its size.
            while html.len() < t {
                let deficit = t - html.len();
                let inner = q.inner.get_or_insert_with(|| {
                    Box::new(Quote {
                        name: ctx.person.display.clone(),
                        addr: ctx.person.addr.clone(),
                        date: When {
                            days: q.date.days - 2,
                            ..q.date
                        },
                        paras: Vec::new(),
                        inner: None,
                    })
                });
                // Half the deficit at a time (markup varies by client), so the last step
                // overshoots by one paragraph at most.
                let mut added = 0;
                while added < deficit / 2 + 1 {
                    let p = ctx.paragraph();
                    added += p.len();
                    inner.paras.push(p);
                }
                c.quote = Some(q.clone());
                html = render_html(client, lang, &c);
            }
            let plain = render_plain(client, lang, &c);
            Entity::multi(
                "alternative",
                boundary(&mut ctx.rng, client, 1),
                vec![
                    Entity::text("plain", &plain, client),
                    Entity::text("html", &html, client),
                ],
                client,
            )
        }
        MessageKind::WithJpeg | MessageKind::WithPdf => {
            let own = ctx.rng.range(400..=2_500);
            let mut c = content(&mut ctx, own, None);
            let lines = if kind == MessageKind::WithJpeg {
                ctx.bank.photo_lines
            } else {
                ctx.bank.pdf_lines
            };
            let line = ctx.pick_line(lines);
            c.paras.insert(0, line);
            let text = {
                let plain = render_plain(client, lang, &c);
                if matches!(client, Client::Gmail | Client::Outlook | Client::AppleMail) {
                    let html = render_html(client, lang, &c);
                    Entity::multi(
                        "alternative",
                        boundary(&mut ctx.rng, client, 1),
                        vec![
                            Entity::text("plain", &plain, client),
                            Entity::text("html", &html, client),
                        ],
                        client,
                    )
                } else {
                    Entity::text("plain", &plain, client)
                }
            };
            // The binary part draws from its own stream.
            let mut brng = Rng::stream(seed, index, SALT_BINARY);
            let att = if kind == MessageKind::WithJpeg {
                let (name, bytes) = photo(&mut ctx, &mut brng, mix);
                Entity::attachment("image/jpeg", &name, &bytes, client, &mut ctx.rng)
            } else {
                let (name, bytes) = document(&mut ctx, &mut brng, mix);
                Entity::attachment("application/pdf", &name, &bytes, client, &mut ctx.rng)
            };
            Entity::multi(
                "mixed",
                boundary(&mut ctx.rng, client, 0),
                vec![text, att],
                client,
            )
        }
    };

    let head = headers(&mut ctx, &subj, reply_to.as_deref(), &root, kind);
    let mut out = Vec::with_capacity(head.len() + 4096);
    out.extend_from_slice(head.as_bytes());
    out.extend_from_slice(CRLF.as_bytes());
    root.write_body(&mut out);
    if !out.ends_with(b"\r\n") {
        out.extend_from_slice(CRLF.as_bytes());
    }
    out
}

fn reply_subject(client: Client, lang: Lang, s: &str) -> String {
    match (client, lang) {
        (Client::Outlook, Lang::Fr) => format!("RE : {s}"),
        (Client::Outlook, _) => format!("RE: {s}"),
        _ => format!("Re: {s}"),
    }
}

/// The photo attachment: file name and JPEG bytes, with the writer's metadata.
fn photo(ctx: &mut Ctx, brng: &mut Rng, mix: &super::Mix) -> (String, Vec<u8>) {
    let cam = people::camera(&mut ctx.rng, ctx.person.client);
    let taken = When {
        days: ctx.date.days - ctx.rng.below(3) as i64,
        secs: ctx.rng.below(86_400) as u32,
        ..ctx.date
    };
    let gps = taken.at_offset(0);
    let (y, m, d) = gps.ymd();
    let (lat, lon) = people::position(&mut ctx.rng, ctx.person.country);
    let owner = ctx.person.display.clone();
    let meta = PhotoMeta {
        make: cam.make,
        model: cam.model,
        software: cam.software,
        lens: cam.lens,
        serial: people::serial(&mut ctx.rng, &cam),
        artist: owner.clone(),
        owner,
        datetime: taken.exif(),
        offset: taken.offset_colon(),
        gps_date: format!("{y:04}:{m:02}:{d:02}"),
        gps_time: gps.hms(),
        lat_micro: lat,
        lon_micro: lon,
        altitude_cm: 500 + ctx.rng.below(20_000) as u32,
    };
    let name = people::photo_name(&mut ctx.rng, &cam, &taken);
    // The encoder lands within a tenth of its target: keep the target a tenth inside.
    let (lo, hi) = (*mix.jpeg_bytes.start(), *mix.jpeg_bytes.end());
    let inner = (lo + lo / 8).min(hi)..=(hi - hi / 10).max(lo);
    let size = target(brng, &inner, 0);
    (name, jpeg::photo(brng, &meta, size))
}

/// The PDF attachment: file name and bytes, with the writer named as author.
fn document(ctx: &mut Ctx, brng: &mut Rng, mix: &super::Mix) -> (String, Vec<u8>) {
    let (title, file) = *ctx.rng.pick(ctx.bank.doc_titles);
    let (creator, producer) = *ctx.rng.pick(pdf::producers(ctx.person.lang));
    let created = When {
        days: ctx.date.days - ctx.rng.below(30) as i64,
        ..ctx.date
    };
    let meta = DocMeta {
        title: title.to_owned(),
        author: ctx.person.display.clone(),
        creator,
        producer,
        created,
        lang: ctx.person.lang,
    };
    let size = target(brng, &mix.pdf_bytes, 10_000);
    // Dated entries built from the same sentences, as a log of incidents is kept.
    let bank = ctx.bank;
    let mut deck_rng = brng.clone();
    let mut pool: Vec<&'static str> = bank.topic(ctx.topic).to_vec();
    pool.extend_from_slice(bank.doc_lines);
    let mut deck = Deck::new(pool, &mut deck_rng);
    let (who, when_phrase) = (ctx.who, ctx.when_phrase);
    let mut day = created.days - 400;
    let mut first = true;
    let author = ctx.person.display.clone();
    let phone = ctx.person.phone.clone();
    let lang = ctx.person.lang;
    let next = move |r: &mut Rng| -> (bool, String) {
        if first {
            first = false;
            let by = match lang {
                Lang::Fr => "Rédigé par",
                Lang::Nl => "Opgesteld door",
                Lang::En => "Written by",
            };
            return (false, format!("{by} {author}, {phone}"));
        }
        if r.chance(1, 4) {
            day += 1 + r.below(6) as i64;
            let (y, m, d) = mime::civil_from_days(day);
            let (hh, mm) = (r.below(24), r.below(60));
            return (true, format!("{d:02}/{m:02}/{y} – {hh:02}:{mm:02}"));
        }
        let n = r.range(2..=5);
        let text = (0..n)
            .map(|_| capitalise(&fill(deck.draw(r), who, when_phrase)))
            .collect::<Vec<_>>()
            .join(" ");
        (false, text)
    };
    let bytes = pdf::document(&meta, next, size, brng);
    (file.to_owned(), bytes)
}
