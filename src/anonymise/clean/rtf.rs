//! RTF (Rich Text Format) documents, as WordPad, Word and TextEdit write them.
//!
//! Removed: the `\info` group (author, operator, company, title, dates, counts...), the
//! generator, revision tables (the names of whoever edited), revision-save ids (`\rsid*`),
//! user properties, document variables, the template path, the custom XML data store, the
//! theme, protection and password data, mail-merge sources, comments (author, initials,
//! date and text), language tags (they tell the author's locale), embedded OLE objects (their
//! data, which is a whole document with its own metadata; the shown result stays), the
//! fallback copies of pictures, picture properties (file name and path), fields that show
//! document properties (`AUTHOR`, `USERNAME`, `FILENAME`...), and the local paths of linked
//! files. Tracked changes are accepted: deleted text goes, inserted text stays.
//! Every `\*` destination that is not known to be harmless goes too (readers ignore unknown
//! ones, so nothing shown is lost).
//!
//! Pictures: JPEG and PNG go through their own cleaners (Exif, GPS, text chunks); pictures in
//! other formats (metafiles, bitmaps) and pictures that cannot be cleaned are removed.
//!
//! One pass over the bytes; the output is built as it goes, and a group found to be removed
//! is cut back out of it (each byte is written and cut at most once). Nesting is limited.

use super::{CleanError, CleanLimits};

/// Deepest group nesting accepted (Word's documents stay far below).
const MAX_DEPTH: usize = 256;
/// Most bytes of a field instruction or shape property name read to decide on it.
const MAX_CAPTURE: usize = 4096;

/// Destinations removed with their content, with or without `\*`.
const REMOVED: &[&[u8]] = &[
    b"info",
    b"author",
    b"operator",
    b"title",
    b"subject",
    b"manager",
    b"company",
    b"category",
    b"keywords",
    b"comment",
    b"doccomm",
    b"hlinkbase",
    b"creatim",
    b"revtim",
    b"printim",
    b"buptim",
    b"generator",
    b"revtbl",
    b"rsidtbl",
    b"userprops",
    b"xmlnstbl",
    b"datastore",
    b"docvar",
    b"template",
    b"password",
    b"passwordhash",
    b"protusertbl",
    b"atnid",
    b"atnauthor",
    b"atndate",
    b"atnicn",
    b"atnparent",
    b"atnref",
    b"atntime",
    b"annotation",
    b"atrfstart",
    b"atrfend",
    b"oldcprops",
    b"oldpprops",
    b"oldsprops",
    b"oldtprops",
    b"blipuid",
    b"objdata",
    b"objname",
    b"objalias",
    b"objsect",
    b"objclass",
    b"picprop",
    b"htmltag",
    b"mailmerge",
    b"nextfile",
    b"themedata",
    b"svb",
    b"nonshppict",
];

/// `\*` destinations kept (all others are removed).
const KEPT_STARRED: &[&[u8]] = &[
    b"shppict",
    b"fldinst",
    b"bkmkstart",
    b"bkmkend",
    b"listtable",
    b"listoverridetable",
    b"listpicture",
    b"pn",
    b"pnseclvl",
    b"pntxta",
    b"pntxtb",
    b"latentstyles",
    b"lsdlockedexcept",
    b"defchp",
    b"defpap",
    b"colorschememapping",
    b"ftnsep",
    b"ftnsepc",
    b"ftncn",
    b"aftnsep",
    b"aftnsepc",
    b"aftncn",
    b"ud",
    b"panose",
    b"falt",
    b"fname",
    b"fontemb",
    b"fontfile",
    b"cs",
    b"ts",
    b"pgdsctbl",
    b"pgdsc",
    b"formfield",
    b"ffname",
    b"ffdeftext",
    b"ffformat",
    b"ffhelptext",
    b"ffstattext",
    b"ffentrymcr",
    b"ffexitmcr",
    b"ffl",
    b"datafield",
    b"fldtype",
    b"wgrffmtfilter",
    b"background",
    b"shpinst",
    b"shptxt",
    b"shprslt",
    b"dptxbxtext",
    b"do",
    b"fchars",
    b"lchars",
    b"pgptbl",
    b"txe",
    b"rxe",
    b"keycode",
    b"xmlopen",
    b"xmlclose",
    b"xmlattrname",
    b"xmlattrvalue",
    b"xmlname",
    b"listtext",
    b"leveltext",
    b"levelnumbers",
    b"tc",
    b"xe",
    b"bkmkcolf",
    b"bkmkcoll",
];

/// Control words dropped wherever they stand (besides those containing `rsid`).
const DROPPED_WORDS: &[&[u8]] = &[
    b"lang",
    b"langfe",
    b"langnp",
    b"langfenp",
    b"deflang",
    b"deflangfe",
    b"alang",
    b"adeflang",
    b"themelang",
    b"themelangfe",
    b"themelangcs",
    b"revauth",
    b"revauthdel",
    b"revdttm",
    b"revdttmdel",
    b"crauth",
    b"crdate",
    b"revised",
    b"revprop",
    b"revbar",
    b"chatn",
    b"vern",
    b"edmins",
    b"nofpages",
    b"nofwords",
    b"nofchars",
    b"nofcharsws",
    b"bliptag",
    b"deleted",
];

/// Control words that write text (dropped in deleted text).
const TEXT_WORDS: &[&[u8]] = &[
    b"tab",
    b"line",
    b"bullet",
    b"emdash",
    b"endash",
    b"emspace",
    b"enspace",
    b"qmspace",
    b"lquote",
    b"rquote",
    b"ldblquote",
    b"rdblquote",
    b"u",
    b"zwj",
    b"zwnj",
    b"ltrmark",
    b"rtlmark",
    b"chpgn",
    b"chdate",
    b"chtime",
    b"sectnum",
    b"chftn",
];

/// Fields whose result shows a document property or the user's identity: removed whole.
const IDENTITY_FIELDS: &[&str] = &[
    "AUTHOR",
    "USERNAME",
    "USERINITIALS",
    "USERADDRESS",
    "LASTSAVEDBY",
    "FILENAME",
    "TEMPLATE",
    "DOCPROPERTY",
    "DOCVARIABLE",
    "INFO",
    "TITLE",
    "SUBJECT",
    "KEYWORDS",
    "COMMENTS",
];

/// Shape properties that name a file or describe the picture: the property goes.
const REMOVED_SHAPE_PROPERTIES: &[&str] = &["pibName", "wzName", "wzDescription", "pihlShape"];

/// One lexical token of RTF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'a> {
    Open,
    Close,
    /// A control word: its name and parameter (`\b0`, `\u8217`).
    Word(&'a [u8], Option<i64>),
    /// A control symbol (`\*`, `\~`, `\\`, `\{`).
    Symbol(u8),
    /// A hexadecimal character (`\'e9`).
    Hex(u8),
    /// A run of text.
    Text,
}

/// Reads the token at `p`; returns it and the offset after it. A control word takes its
/// delimiting space with it.
fn token(b: &[u8], p: usize) -> Result<(Token<'_>, usize), CleanError> {
    match b[p] {
        b'{' => Ok((Token::Open, p + 1)),
        b'}' => Ok((Token::Close, p + 1)),
        b'\\' => {
            let Some(&c) = b.get(p + 1) else {
                return Err(CleanError::Malformed("RTF ends in a backslash"));
            };
            if c.is_ascii_alphabetic() {
                let mut e = p + 1;
                while e < b.len() && b[e].is_ascii_alphabetic() && e - p <= 32 {
                    e += 1;
                }
                let name = &b[p + 1..e];
                let num_start = e;
                if b.get(e) == Some(&b'-') && b.get(e + 1).is_some_and(u8::is_ascii_digit) {
                    e += 1;
                }
                while e < b.len() && b[e].is_ascii_digit() && e - num_start < 11 {
                    e += 1;
                }
                let param = std::str::from_utf8(&b[num_start..e])
                    .ok()
                    .and_then(|s| s.parse().ok());
                if b.get(e) == Some(&b' ') {
                    e += 1;
                }
                Ok((Token::Word(name, param), e))
            } else if c == b'\'' {
                let hex = b.get(p + 2..p + 4).and_then(|h| {
                    std::str::from_utf8(h)
                        .ok()
                        .and_then(|s| u8::from_str_radix(s, 16).ok())
                });
                match hex {
                    Some(v) => Ok((Token::Hex(v), p + 4)),
                    None => Ok((Token::Symbol(c), p + 2)),
                }
            } else {
                Ok((Token::Symbol(c), p + 2))
            }
        }
        _ => {
            let end = memchr::memchr3(b'{', b'}', b'\\', &b[p..]).map_or(b.len(), |i| p + i);
            Ok((Token::Text, end))
        }
    }
}

/// What a group is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Plain,
    Pict,
    Field,
    FieldInstruction,
    ShapeProperty,
    ShapePropertyName,
}

/// The picture format of a `\pict` group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Blip {
    Unknown,
    Jpeg,
    Png,
}

/// An open group.
struct Frame {
    /// Where the group starts in the output.
    out_start: usize,
    /// Whether the output ended in an undelimited control word before the group opened.
    word_open_before: bool,
    /// Removed with everything in it.
    skip: bool,
    kind: Kind,
    /// Nothing written in it yet (a destination is named by the first word written; what is
    /// dropped does not count, so that a cleaned group reads the same when cleaned again).
    first: bool,
    starred: bool,
    /// In tracked-deleted text.
    deleted: bool,
    /// Cut out when it closes (a field found to show an identity, a shape property found to
    /// name a file).
    drop_on_close: bool,
    /// Text of a field instruction or shape property name.
    capture: Vec<u8>,
    /// A picture's format and data.
    blip: Blip,
    data: Vec<u8>,
    nibble: Option<u8>,
}

/// The cleaner's state.
struct Cleaner<'l> {
    limits: &'l CleanLimits,
    out: Vec<u8>,
    frames: Vec<Frame>,
    /// The output ends in a control word without its delimiting space: text that starts with
    /// a letter, a digit, `-` or a space needs a space first.
    word_open: bool,
    /// The group whose text is being read (a field instruction, a shape property name).
    capturing: Option<usize>,
}

impl Cleaner<'_> {
    fn emit(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
        self.word_open = false;
    }

    fn emit_word(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
        self.word_open = !bytes.ends_with(b" ");
    }

    fn emit_text(&mut self, bytes: &[u8]) {
        if self.word_open
            && bytes
                .first()
                .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b' '))
        {
            self.out.push(b' ');
        }
        self.emit(bytes);
    }

    fn top(&mut self) -> &mut Frame {
        self.frames.last_mut().expect("inside the document group")
    }

    /// Adds text to the field instruction or shape property name being read, if any.
    fn capture(&mut self, bytes: &[u8]) {
        if let Some(f) = self.capturing.and_then(|i| self.frames.get_mut(i))
            && f.capture.len() < MAX_CAPTURE
        {
            f.capture.extend_from_slice(bytes);
        }
    }

    fn open(&mut self) -> Result<(), CleanError> {
        if self.frames.len() >= MAX_DEPTH {
            return Err(CleanError::Limit("RTF groups nested too deep"));
        }
        let parent = self.frames.last();
        let frame = Frame {
            out_start: self.out.len(),
            word_open_before: self.word_open,
            skip: parent.is_some_and(|p| p.skip),
            kind: Kind::Plain,
            first: true,
            starred: false,
            deleted: parent.is_some_and(|p| p.deleted),
            drop_on_close: false,
            capture: Vec::new(),
            blip: Blip::Unknown,
            data: Vec::new(),
            nibble: None,
        };
        if !frame.skip {
            self.emit(b"{");
        }
        self.frames.push(frame);
        Ok(())
    }

    /// Cuts a group out of the output.
    fn cut(&mut self, f: &Frame) {
        self.out.truncate(f.out_start);
        self.word_open = f.word_open_before;
    }

    fn close(&mut self) -> Result<(), CleanError> {
        let Some(f) = self.frames.pop() else {
            return Err(CleanError::Malformed("unbalanced RTF groups"));
        };
        if self.capturing == Some(self.frames.len()) {
            self.capturing = None;
        }
        if f.skip {
            return Ok(());
        }
        if f.drop_on_close {
            self.cut(&f);
            return Ok(());
        }
        match f.kind {
            Kind::Pict => return self.close_picture(f),
            Kind::FieldInstruction => {
                let instruction = String::from_utf8_lossy(&f.capture);
                let name = instruction
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_ascii_uppercase();
                if IDENTITY_FIELDS.contains(&name.as_str()) {
                    if let Some(field) =
                        self.frames.iter_mut().rev().find(|p| p.kind == Kind::Field)
                    {
                        field.drop_on_close = true;
                    }
                } else if instruction.contains(":\\")
                    || instruction.contains("\\\\")
                    || instruction.to_ascii_lowercase().contains("file:")
                {
                    // A linked local file: its path names the user. The result stays.
                    self.cut(&f);
                    return Ok(());
                }
            }
            Kind::ShapePropertyName => {
                let name = String::from_utf8_lossy(&f.capture);
                if REMOVED_SHAPE_PROPERTIES.contains(&name.trim())
                    && let Some(sp) = self
                        .frames
                        .last_mut()
                        .filter(|p| p.kind == Kind::ShapeProperty)
                {
                    sp.drop_on_close = true;
                }
            }
            _ => {}
        }
        self.emit(b"}");
        self.written_in_parent();
        Ok(())
    }

    /// A group was written whole: its parent is no longer empty.
    fn written_in_parent(&mut self) {
        if let Some(p) = self.frames.last_mut() {
            p.first = false;
        }
    }

    /// A picture: JPEG and PNG data cleaned and written back as hexadecimal; anything else
    /// (or what cannot be cleaned) removed.
    fn close_picture(&mut self, f: Frame) -> Result<(), CleanError> {
        let cleaned = match f.blip {
            Blip::Jpeg => super::jpeg::clean(&f.data, self.limits).ok(),
            Blip::Png => super::png::clean(&f.data, self.limits).ok(),
            Blip::Unknown => None,
        };
        let Some(cleaned) = cleaned else {
            self.cut(&f);
            return Ok(());
        };
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut hex = Vec::with_capacity(cleaned.len() * 2 + cleaned.len() / 64 + 2);
        for (i, b) in cleaned.iter().enumerate() {
            if i % 64 == 0 {
                hex.push(b'\n');
            }
            hex.push(HEX[(b >> 4) as usize]);
            hex.push(HEX[(b & 15) as usize]);
        }
        hex.push(b'}');
        self.emit_text(&hex);
        self.written_in_parent();
        Ok(())
    }

    /// A control word at `span`.
    fn word(&mut self, name: &[u8], param: Option<i64>, span: &[u8]) {
        let top = self.top();
        if top.skip {
            return;
        }
        if top.first {
            if REMOVED.contains(&name)
                || (top.starred && !KEPT_STARRED.contains(&name) && !is_math(name))
            {
                top.skip = true;
                let (start, word_open) = (top.out_start, top.word_open_before);
                self.out.truncate(start);
                self.word_open = word_open;
                return;
            }
            top.kind = match name {
                b"pict" => Kind::Pict,
                b"field" => Kind::Field,
                b"fldinst" => Kind::FieldInstruction,
                b"sp" => Kind::ShapeProperty,
                b"sn" => Kind::ShapePropertyName,
                _ => Kind::Plain,
            };
            if matches!(top.kind, Kind::FieldInstruction | Kind::ShapePropertyName) {
                self.capturing = Some(self.frames.len() - 1);
            }
        }
        let top = self.top();
        match name {
            b"deleted" => top.deleted = param != Some(0),
            b"plain" => top.deleted = false,
            b"jpegblip" => top.blip = Blip::Jpeg,
            b"pngblip" => top.blip = Blip::Png,
            _ => {}
        }
        let deleted_text = top.deleted && (TEXT_WORDS.contains(&name) || name == b"bin");
        // A picture's binary data is written back as hexadecimal.
        let picture_bin = top.kind == Kind::Pict && name == b"bin";
        if deleted_text
            || picture_bin
            || DROPPED_WORDS.contains(&name)
            || memchr::memmem::find(name, b"rsid").is_some()
        {
            return;
        }
        self.top().first = false;
        self.emit_word(span);
    }

    /// Text (a run, a hexadecimal character or a text symbol) at `span`, decoded as `value`.
    fn text(&mut self, span: &[u8], value: &[u8]) {
        let top = self.top();
        if top.skip || top.deleted {
            return;
        }
        top.first = false;
        if top.kind == Kind::Pict {
            for &c in value {
                let v = match c {
                    b'0'..=b'9' => c - b'0',
                    b'a'..=b'f' => c - b'a' + 10,
                    b'A'..=b'F' => c - b'A' + 10,
                    _ => continue,
                };
                match top.nibble.take() {
                    Some(high) => top.data.push(high << 4 | v),
                    None => top.nibble = Some(v),
                }
            }
            return;
        }
        self.capture(value);
        self.emit_text(span);
    }
}

/// Word's mathematics destinations (`\*\moMath`, `\*\mr`...).
fn is_math(name: &[u8]) -> bool {
    name.len() >= 2 && name[0] == b'm' && name[1..].iter().all(u8::is_ascii_alphabetic)
}

/// Cleans an RTF document (see the module documentation).
pub(super) fn clean(data: &[u8], limits: &CleanLimits) -> Result<Vec<u8>, CleanError> {
    let mut work = 0;
    clean_counted(data, limits, &mut work)
}

/// [`clean`], adding the tokens read to `work`.
fn clean_counted(data: &[u8], limits: &CleanLimits, work: &mut u64) -> Result<Vec<u8>, CleanError> {
    let start = data.strip_prefix(b"\xEF\xBB\xBF").map_or(0, |_| 3);
    let start = start
        + data[start..]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
    let rtf_word = data.get(start) == Some(&b'{')
        && start + 1 < data.len()
        && matches!(token(data, start + 1), Ok((Token::Word(b"rtf", _), _)));
    if !rtf_word {
        return Err(CleanError::Malformed("not an RTF document"));
    }
    let mut c = Cleaner {
        limits,
        out: Vec::with_capacity(data.len()),
        frames: Vec::new(),
        word_open: false,
        capturing: None,
    };
    let mut p = start;
    while p < data.len() {
        *work += 1;
        let (tok, end) = token(data, p)?;
        match tok {
            Token::Open => c.open()?,
            Token::Close => {
                c.close()?;
                if c.frames.is_empty() {
                    // The document group is closed: what follows is not part of it.
                    return Ok(c.out);
                }
            }
            Token::Word(name, param) => {
                c.word(name, param, &data[p..end]);
                if name == b"bin" {
                    // Binary data follows: `param` bytes, written as they are (or, in a
                    // picture, read as its data).
                    let n = usize::try_from(param.unwrap_or(0)).unwrap_or(0);
                    let Some(bin) = data.get(end..end + n) else {
                        return Err(CleanError::Malformed("RTF binary data past the end"));
                    };
                    let top = c.top();
                    if !top.skip && !top.deleted {
                        if top.kind == Kind::Pict {
                            top.data.extend_from_slice(bin);
                        } else {
                            c.emit(bin);
                        }
                    }
                    p = end + n;
                    continue;
                }
            }
            Token::Symbol(s) => {
                let top = c.top();
                if top.skip {
                    // Inside a removed group.
                } else if s == b'*' {
                    // Only meaningful first in a group; elsewhere it is dropped.
                    if top.first {
                        top.starred = true;
                        c.emit(&data[p..end]);
                    }
                } else if matches!(s, b'\\' | b'{' | b'}' | b'~' | b'-' | b'_') {
                    c.text(&data[p..end], &[s]);
                } else {
                    top.first = false;
                    c.emit(&data[p..end]);
                }
            }
            Token::Hex(v) => c.text(&data[p..end], &[v]),
            Token::Text => c.text(&data[p..end], &data[p..end]),
        }
        p = end;
    }
    Err(CleanError::Malformed("RTF document group not closed"))
}

#[cfg(test)]
mod tests;
