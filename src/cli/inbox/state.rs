//! The inbox's state, and what each key does to it: pure functions, without I/O. A key
//! changes the state and may ask for [`Effect`]s (fetch a ticket, open the editor, send a
//! reply); the runner ([`super::run`]) carries them out through the service and tells the
//! state what came of them (`set_list`, `opened`, `found`...).

use std::sync::Arc;

use crate::anonymise::{Language, Verification};
use crate::model::SearchHit;
use crate::service::Role;
use crate::store::records::{DeliveryView, Direction};
use crate::store::{
    AttachmentView, MessageView, NoteView, StatusFilter, TicketSummary, TicketView,
};
use crate::taxonomy::{Classification, Dimension, Taxonomy};
use crate::time::Stamp;
use crate::tr;

/// A key, as the inbox understands it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// Arrow up.
    Up,
    /// Arrow down.
    Down,
    /// Page up.
    PageUp,
    /// Page down.
    PageDown,
    /// Home.
    Home,
    /// End.
    End,
    /// Enter.
    Enter,
    /// Escape.
    Esc,
    /// Backspace.
    Backspace,
    /// A character typed.
    Char(char),
    /// Ctrl-C: leave at once.
    Interrupt,
    /// Anything else.
    Other,
}

/// The screen under the overlays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// The ticket list.
    List,
    /// One ticket's thread.
    Thread,
    /// Search results.
    Search,
}

/// An open thread.
#[derive(Debug, Clone)]
pub struct Thread {
    /// The ticket, as the service showed it (the read was audited).
    pub view: TicketView,
    /// The first line shown.
    pub scroll: usize,
    /// The screen it was opened from (where `q` goes back to).
    pub from: Screen,
}

/// Search results.
#[derive(Debug, Clone)]
pub struct Found {
    /// The words searched for.
    pub query: String,
    /// The results, in list order.
    pub hits: Vec<SearchHit>,
    /// The selected result.
    pub selected: usize,
}

/// A line for the counsellor about what just happened, already in their language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Flash {
    /// Done.
    Info(String),
    /// Refused or failed.
    Error(String),
}

/// A reply written and waiting for the counsellor's yes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// The ticket.
    pub id: String,
    /// The subject it goes out with.
    pub subject: String,
    /// The text.
    pub text: String,
    /// The saved reply it started from.
    pub template: Option<String>,
    /// The saved reply was sent as it is, not a word changed.
    pub unedited: bool,
    /// Gaps of the saved reply left to fill.
    pub gaps: usize,
    /// What our mail server said about the sender.
    pub sender: Verification,
    /// Answer although someone else claimed the ticket (the counsellor said yes to that).
    pub force: bool,
}

/// A question that needs a clear yes.
#[derive(Debug, Clone, PartialEq)]
pub enum Ask {
    /// Send this reply.
    Send(Draft),
    /// Answer a ticket someone else claimed.
    ForceReply {
        /// The ticket.
        id: String,
        /// Who claimed it.
        holder: String,
    },
    /// Close a ticket.
    Close {
        /// The ticket.
        id: String,
        /// What the contact was.
        classification: Option<Classification>,
        /// Someone else claimed it: closing overrides the claim.
        holder: Option<String>,
    },
    /// Clear the urgent mark.
    ClearUrgent {
        /// The ticket.
        id: String,
    },
    /// Take over someone else's claim (supervisors).
    TakeClaim {
        /// The ticket.
        id: String,
        /// Who claimed it.
        holder: String,
    },
    /// Write an attachment to a file.
    Save {
        /// The ticket.
        id: String,
        /// The attachment.
        attachment: AttachmentView,
        /// Where.
        path: String,
    },
}

/// What a line of text typed in is for.
#[derive(Debug, Clone, PartialEq)]
pub enum Purpose {
    /// Words to search for.
    Search,
    /// A tag for this ticket (`-tag` removes it).
    Tag(String),
    /// Why this ticket is urgent.
    Urgent(String),
    /// Where to save this attachment.
    SavePath {
        /// The ticket.
        id: String,
        /// The attachment.
        attachment: AttachmentView,
    },
}

/// What a choice in a list is for.
#[derive(Debug, Clone, PartialEq)]
pub enum PickFor {
    /// The saved reply a reply starts from (the first option: none).
    Template {
        /// The ticket.
        id: String,
        /// Answer although someone else claimed it.
        force: bool,
        /// The saved replies' names, after the first option.
        names: Vec<String>,
    },
    /// The contact's type (`None`: close without a classification, when it is optional).
    Type {
        /// The ticket.
        id: String,
        /// The codes, one per option.
        codes: Vec<Option<String>>,
    },
    /// The contact's categories.
    Categories {
        /// The ticket.
        id: String,
        /// The type chosen.
        kind: String,
        /// The codes, one per option.
        codes: Vec<String>,
    },
    /// The writer's role (`None`: not said).
    Role {
        /// The ticket.
        id: String,
        /// Type and categories chosen.
        classification: Classification,
        /// The codes, one per option.
        codes: Vec<Option<String>>,
    },
    /// The attachment to save.
    Attachment {
        /// The ticket.
        id: String,
        /// The attachments that can be saved, one per option.
        attachments: Vec<AttachmentView>,
    },
}

/// A choice in a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Pick {
    /// What it is for.
    pub purpose: PickFor,
    /// The options, as shown.
    pub options: Vec<String>,
    /// The option under the cursor.
    pub cursor: usize,
    /// The options marked (several may be chosen).
    pub marked: Vec<bool>,
    /// Several may be chosen (Space marks).
    pub multi: bool,
}

/// What is shown over the screen, taking the keys.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    /// The keys and what they do.
    Help,
    /// A line of text to type.
    Prompt {
        /// What it is for.
        purpose: Purpose,
        /// What was typed.
        input: String,
    },
    /// A question that needs a yes.
    Confirm(Ask),
    /// A choice in a list.
    Pick(Pick),
}

/// What to do once a ticket is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Then {
    /// Start a reply.
    Reply,
    /// Save an attachment.
    Save,
}

/// What the runner must do for a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Leave the inbox.
    Quit,
    /// Fetch the list now (recorded in the audit log only when its set of tickets changed).
    List,
    /// Fetch a ticket's thread (a read, audited as `ticket show` is), then do `then`.
    Open {
        /// The ticket.
        id: String,
        /// What to do once it is open.
        then: Option<Then>,
    },
    /// Search (recorded as `ticket search` is).
    Search(String),
    /// Find the saved replies, to offer them before writing.
    Templates {
        /// The ticket.
        id: String,
        /// Answer although someone else claimed it.
        force: bool,
    },
    /// Write a reply in the editor.
    Compose {
        /// The ticket.
        id: String,
        /// The saved reply to start from.
        template: Option<String>,
        /// Answer although someone else claimed it.
        force: bool,
    },
    /// Send a reply the counsellor said yes to.
    Send(Draft),
    /// Write an internal note in the editor and add it.
    Note {
        /// The ticket.
        id: String,
    },
    /// Claim a ticket, or release the claim.
    Claim {
        /// The ticket.
        id: String,
        /// Release instead.
        release: bool,
        /// Take it over from someone else (supervisors).
        force: bool,
    },
    /// Add or remove a tag.
    Tag {
        /// The ticket.
        id: String,
        /// The tag.
        tag: String,
        /// Remove it instead.
        remove: bool,
    },
    /// Close a ticket the counsellor said yes to closing.
    Close {
        /// The ticket.
        id: String,
        /// What the contact was.
        classification: Option<Classification>,
        /// Override someone else's claim (the counsellor said yes to that).
        force: bool,
    },
    /// Mark urgent (with a reason) or clear the mark.
    Urgent {
        /// The ticket.
        id: String,
        /// Why; None clears the mark.
        reason: Option<String>,
    },
    /// Write an attachment to a file the counsellor said yes to.
    Save {
        /// The ticket.
        id: String,
        /// The attachment's number.
        attachment: u32,
        /// Where.
        path: String,
    },
}

/// The ticket an action applies to, as the screen shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The reference.
    pub id: String,
    /// Who claimed it, when it is someone else.
    pub holder: Option<String>,
    /// The counsellor claimed it.
    pub mine: bool,
    /// Marked urgent.
    pub urgent: bool,
}

/// Everything the inbox shows.
#[derive(Debug, Clone)]
pub struct State {
    /// The counsellor's language.
    pub lang: Language,
    /// The counsellor's name, as the service knows it.
    pub me: String,
    /// The counsellor's uid.
    pub uid: u32,
    /// The counsellor's role.
    pub role: Role,
    /// Which tickets the list shows.
    pub view: StatusFilter,
    /// The list, in `ticket list`'s order.
    pub tickets: Vec<Arc<TicketSummary>>,
    /// The row selected.
    pub selected: usize,
    /// The first row shown (kept by the drawing, so that the selection stays in view).
    pub offset: usize,
    /// The rows a page holds (kept by the drawing).
    pub page: usize,
    /// The list was fetched at least once.
    pub loaded: bool,
    /// The open thread.
    pub thread: Option<Thread>,
    /// The last search.
    pub found: Option<Found>,
    /// The screen shown.
    pub screen: Screen,
    /// What is shown over it.
    pub overlay: Option<Overlay>,
    /// What just happened.
    pub flash: Option<Flash>,
    /// The contact classification (for closing).
    pub taxonomy: Option<Taxonomy>,
    /// Closing needs a type.
    pub classification_required: bool,
}

impl State {
    /// An inbox for `me` (name, uid, role), speaking `lang`, with nothing loaded yet.
    pub fn new(lang: Language, me: &str, uid: u32, role: Role) -> State {
        State {
            lang,
            me: me.to_string(),
            uid,
            role,
            view: StatusFilter::Open,
            tickets: Vec::new(),
            selected: 0,
            offset: 0,
            page: 10,
            loaded: false,
            thread: None,
            found: None,
            screen: Screen::List,
            overlay: None,
            flash: None,
            taxonomy: None,
            classification_required: true,
        }
    }

    /// What `key` does.
    pub fn key(&mut self, key: Key) -> Vec<Effect> {
        if key == Key::Interrupt {
            return vec![Effect::Quit];
        }
        if let Some(overlay) = self.overlay.take() {
            return self.overlay_key(overlay, key);
        }
        self.flash = None;
        if let Some(effects) = self.move_key(key) {
            return effects;
        }
        match key {
            Key::Esc | Key::Char('q') => self.back(),
            Key::Enter => self.enter(),
            Key::Char('?') => {
                self.overlay = Some(Overlay::Help);
                Vec::new()
            }
            Key::Char('/') => self.prompt(Purpose::Search),
            Key::Char('g') => self.refresh(),
            Key::Char('s') if self.screen == Screen::List => {
                self.view = match self.view {
                    StatusFilter::Open => StatusFilter::Waiting,
                    StatusFilter::Waiting => StatusFilter::Closed,
                    StatusFilter::Closed => StatusFilter::All,
                    StatusFilter::All => StatusFilter::Open,
                };
                self.selected = 0;
                self.offset = 0;
                vec![Effect::List]
            }
            Key::Char(c) => self.action(c),
            _ => Vec::new(),
        }
    }

    /// Arrows, `j`/`k`, pages: moves the selection or scrolls the thread.
    fn move_key(&mut self, key: Key) -> Option<Vec<Effect>> {
        let page = self.page.max(1);
        let step: isize = match key {
            Key::Up | Key::Char('k') => -1,
            Key::Down | Key::Char('j') => 1,
            Key::PageUp => -(page as isize),
            Key::PageDown | Key::Char(' ') => page as isize,
            Key::Home => isize::MIN / 2,
            Key::End => isize::MAX / 2,
            _ => return None,
        };
        let moved = |at: usize, len: usize| -> usize {
            let to = (at as isize).saturating_add(step).max(0) as usize;
            to.min(len.saturating_sub(1))
        };
        match self.screen {
            Screen::List => self.selected = moved(self.selected, self.tickets.len()),
            Screen::Search => {
                if let Some(f) = self.found.as_mut() {
                    f.selected = moved(f.selected, f.hits.len());
                }
            }
            // The drawing keeps the scroll within the thread.
            Screen::Thread => {
                if let Some(t) = self.thread.as_mut() {
                    t.scroll = moved(t.scroll, usize::MAX / 4);
                }
            }
        }
        Some(Vec::new())
    }

    /// `q` or Escape: back to the screen before; from the list, leave.
    fn back(&mut self) -> Vec<Effect> {
        match self.screen {
            Screen::List => vec![Effect::Quit],
            Screen::Search => {
                self.screen = Screen::List;
                vec![Effect::List]
            }
            Screen::Thread => {
                let from = self.thread.take().map(|t| t.from).unwrap_or(Screen::List);
                self.screen = from;
                if from == Screen::List {
                    vec![Effect::List]
                } else {
                    Vec::new()
                }
            }
        }
    }

    fn enter(&mut self) -> Vec<Effect> {
        match (self.screen, self.target()) {
            (Screen::List | Screen::Search, Some(t)) => vec![Effect::Open {
                id: t.id,
                then: None,
            }],
            _ => Vec::new(),
        }
    }

    fn refresh(&mut self) -> Vec<Effect> {
        match self.screen {
            Screen::List => vec![Effect::List],
            Screen::Search => match &self.found {
                Some(f) => vec![Effect::Search(f.query.clone())],
                None => Vec::new(),
            },
            // A new read of the thread, audited as such.
            Screen::Thread => match &self.thread {
                Some(t) => vec![Effect::Open {
                    id: t.view.id.clone(),
                    then: None,
                }],
                None => Vec::new(),
            },
        }
    }

    fn prompt(&mut self, purpose: Purpose) -> Vec<Effect> {
        self.overlay = Some(Overlay::Prompt {
            purpose,
            input: String::new(),
        });
        Vec::new()
    }

    /// The ticket the screen points at.
    pub fn target(&self) -> Option<Target> {
        let of_summary = |s: &Arc<TicketSummary>| Target {
            id: s.id.to_string(),
            holder: s
                .claimed_by
                .clone()
                .filter(|_| s.claimed_by_uid != Some(self.uid)),
            mine: s.claimed_by_uid == Some(self.uid),
            urgent: s.urgent,
        };
        match self.screen {
            Screen::List => self.tickets.get(self.selected).map(of_summary),
            Screen::Search => {
                let hit = self
                    .found
                    .as_ref()?
                    .hits
                    .get(self.found.as_ref()?.selected)?;
                Some(
                    self.tickets
                        .iter()
                        .find(|s| *s.id == *hit.id)
                        .map(of_summary)
                        .unwrap_or(Target {
                            id: hit.id.clone(),
                            holder: None,
                            mine: false,
                            urgent: hit.urgent,
                        }),
                )
            }
            Screen::Thread => self.thread.as_ref().map(|t| Target {
                id: t.view.id.clone(),
                holder: t.view.claimed_by.clone().filter(|h| *h != self.me),
                mine: t.view.claimed_by.as_deref() == Some(self.me.as_str()),
                urgent: t.view.urgent,
            }),
        }
    }

    /// The letter keys that act on a ticket.
    fn action(&mut self, c: char) -> Vec<Effect> {
        let Some(t) = self.target() else {
            return Vec::new();
        };
        let in_thread = self.screen == Screen::Thread;
        match c {
            'r' if !in_thread => vec![Effect::Open {
                id: t.id,
                then: Some(Then::Reply),
            }],
            'r' => self.start_reply(),
            'a' if !in_thread => vec![Effect::Open {
                id: t.id,
                then: Some(Then::Save),
            }],
            'a' => self.start_save(),
            'n' => vec![Effect::Note { id: t.id }],
            'c' if t.mine => vec![Effect::Claim {
                id: t.id,
                release: true,
                force: false,
            }],
            'c' => match t.holder {
                Some(holder) if self.role == Role::Supervisor => {
                    self.overlay = Some(Overlay::Confirm(Ask::TakeClaim { id: t.id, holder }));
                    Vec::new()
                }
                Some(holder) => {
                    self.flash = Some(Flash::Error(tr!(
                        self.lang,
                        "inbox-claimed-by-other",
                        id = t.id,
                        holder = holder
                    )));
                    Vec::new()
                }
                None => vec![Effect::Claim {
                    id: t.id,
                    release: false,
                    force: false,
                }],
            },
            't' => self.prompt(Purpose::Tag(t.id)),
            'u' if t.urgent => {
                self.overlay = Some(Overlay::Confirm(Ask::ClearUrgent { id: t.id }));
                Vec::new()
            }
            'u' => self.prompt(Purpose::Urgent(t.id)),
            'x' => self.start_close(t),
            _ => Vec::new(),
        }
    }

    /// `r` in a thread: a ticket someone else claimed asks first; then the saved replies.
    fn start_reply(&mut self) -> Vec<Effect> {
        let Some(thread) = &self.thread else {
            return Vec::new();
        };
        if !thread.view.can_reply {
            self.flash = Some(Flash::Error(tr!(self.lang, "inbox-no-reply-address")));
            return Vec::new();
        }
        let id = thread.view.id.clone();
        match self.target().and_then(|t| t.holder) {
            Some(holder) => {
                self.overlay = Some(Overlay::Confirm(Ask::ForceReply { id, holder }));
                Vec::new()
            }
            None => vec![Effect::Templates { id, force: false }],
        }
    }

    /// `a` in a thread: the attachments that can be saved; one is asked for when there are
    /// several.
    fn start_save(&mut self) -> Vec<Effect> {
        let Some(thread) = &self.thread else {
            return Vec::new();
        };
        let id = thread.view.id.clone();
        let attachments: Vec<AttachmentView> = thread
            .view
            .messages
            .iter()
            .flat_map(|m| m.attachments.iter())
            .filter(|a| !a.withheld)
            .cloned()
            .collect();
        match attachments.len() {
            0 => {
                self.flash = Some(Flash::Error(tr!(self.lang, "inbox-no-attachment")));
            }
            1 => self.ask_path(id, attachments[0].clone()),
            _ => {
                let options = attachments
                    .iter()
                    .map(|a| {
                        tr!(
                            self.lang,
                            "thread-attachment",
                            number = a.id,
                            name = a.name.clone(),
                            kind = a.content_type.clone(),
                            size = super::text::size(self.lang, a.size)
                        )
                    })
                    .collect();
                self.pick(PickFor::Attachment { id, attachments }, options, false);
            }
        }
        Vec::new()
    }

    fn ask_path(&mut self, id: String, attachment: AttachmentView) {
        let input = attachment.name.clone();
        self.overlay = Some(Overlay::Prompt {
            purpose: Purpose::SavePath { id, attachment },
            input,
        });
    }

    fn pick(&mut self, purpose: PickFor, options: Vec<String>, multi: bool) {
        let marked = vec![false; options.len()];
        self.overlay = Some(Overlay::Pick(Pick {
            purpose,
            options,
            cursor: 0,
            marked,
            multi,
        }));
    }

    /// `x`: the contact's type first (the classification of issue 19).
    fn start_close(&mut self, t: Target) -> Vec<Effect> {
        let Some(taxonomy) = &self.taxonomy else {
            self.flash = Some(Flash::Error(tr!(self.lang, "inbox-no-classification")));
            return Vec::new();
        };
        let mut codes: Vec<Option<String>> = Vec::new();
        let mut options = Vec::new();
        if !self.classification_required {
            codes.push(None);
            options.push(tr!(self.lang, "pick-no-classification"));
        }
        for e in offered(taxonomy, Dimension::Type) {
            codes.push(Some(e.code.clone()));
            options.push(e.labels.get(self.lang).to_string());
        }
        self.pick(PickFor::Type { id: t.id, codes }, options, false);
        Vec::new()
    }

    /// A key while an overlay is shown.
    fn overlay_key(&mut self, overlay: Overlay, key: Key) -> Vec<Effect> {
        match overlay {
            Overlay::Help => Vec::new(),
            Overlay::Prompt { purpose, input } => self.prompt_key(purpose, input, key),
            Overlay::Confirm(ask) => self.confirm_key(ask, key),
            Overlay::Pick(pick) => self.pick_key(pick, key),
        }
    }

    fn prompt_key(&mut self, purpose: Purpose, mut input: String, key: Key) -> Vec<Effect> {
        match key {
            Key::Esc => return Vec::new(),
            Key::Enter => return self.submit(purpose, input.trim().to_string()),
            Key::Backspace => {
                input.pop();
            }
            Key::Char(c) if !c.is_control() && input.chars().count() < 500 => input.push(c),
            _ => {}
        }
        self.overlay = Some(Overlay::Prompt { purpose, input });
        Vec::new()
    }

    /// A line typed and confirmed with Enter.
    fn submit(&mut self, purpose: Purpose, input: String) -> Vec<Effect> {
        if input.is_empty() {
            return Vec::new();
        }
        match purpose {
            Purpose::Search => vec![Effect::Search(input)],
            Purpose::Tag(id) => match input.strip_prefix('-') {
                Some(tag) if !tag.trim().is_empty() => vec![Effect::Tag {
                    id,
                    tag: tag.trim().to_string(),
                    remove: true,
                }],
                Some(_) => Vec::new(),
                None => vec![Effect::Tag {
                    id,
                    tag: input,
                    remove: false,
                }],
            },
            Purpose::Urgent(id) => vec![Effect::Urgent {
                id,
                reason: Some(input),
            }],
            Purpose::SavePath { id, attachment } => {
                self.overlay = Some(Overlay::Confirm(Ask::Save {
                    id,
                    attachment,
                    path: input,
                }));
                Vec::new()
            }
        }
    }

    /// Whether `c` answers yes: `y`, or the language's own first letter (`o` for oui, `j`
    /// for ja).
    pub fn is_yes(&self, c: char) -> bool {
        let c = c.to_ascii_lowercase();
        c == 'y'
            || (self.lang == Language::Fr && c == 'o')
            || (self.lang == Language::Nl && c == 'j')
    }

    fn confirm_key(&mut self, ask: Ask, key: Key) -> Vec<Effect> {
        let yes = matches!(key, Key::Char(c) if self.is_yes(c));
        let no = matches!(key, Key::Esc | Key::Char('n' | 'N' | 'q'));
        if !yes {
            if no {
                self.said_no(&ask);
            } else {
                self.overlay = Some(Overlay::Confirm(ask));
            }
            return Vec::new();
        }
        match ask {
            Ask::Send(draft) => vec![Effect::Send(draft)],
            Ask::ForceReply { id, .. } => vec![Effect::Templates { id, force: true }],
            Ask::Close {
                id,
                classification,
                holder,
            } => vec![Effect::Close {
                id,
                classification,
                force: holder.is_some(),
            }],
            Ask::ClearUrgent { id } => vec![Effect::Urgent { id, reason: None }],
            Ask::TakeClaim { id, .. } => vec![Effect::Claim {
                id,
                release: false,
                force: true,
            }],
            Ask::Save {
                id,
                attachment,
                path,
            } => vec![Effect::Save {
                id,
                attachment: attachment.id,
                path,
            }],
        }
    }

    fn said_no(&mut self, ask: &Ask) {
        let id = match ask {
            // The runner kept it as a draft before asking.
            Ask::Send(d) => {
                return self.info(tr!(self.lang, "inbox-kept-as-draft", id = d.id.as_str()));
            }
            Ask::ForceReply { .. } => "inbox-not-sent",
            Ask::Close { .. } => "inbox-not-closed",
            Ask::Save { .. } => "inbox-not-saved",
            Ask::ClearUrgent { .. } | Ask::TakeClaim { .. } => "inbox-nothing-changed",
        };
        self.flash = Some(Flash::Info(crate::cli::i18n::message(self.lang, id, &[])));
    }

    fn pick_key(&mut self, mut pick: Pick, key: Key) -> Vec<Effect> {
        let last = pick.options.len().saturating_sub(1);
        match key {
            Key::Esc | Key::Char('q') => {
                if matches!(pick.purpose, PickFor::Template { .. }) {
                    self.flash = Some(Flash::Info(tr!(self.lang, "inbox-not-sent")));
                } else if !matches!(pick.purpose, PickFor::Attachment { .. }) {
                    self.flash = Some(Flash::Info(tr!(self.lang, "inbox-not-closed")));
                }
                return Vec::new();
            }
            Key::Up | Key::Char('k') => pick.cursor = pick.cursor.saturating_sub(1),
            Key::Down | Key::Char('j') => pick.cursor = (pick.cursor + 1).min(last),
            Key::Home => pick.cursor = 0,
            Key::End => pick.cursor = last,
            Key::Char(' ') if pick.multi => {
                if let Some(m) = pick.marked.get_mut(pick.cursor) {
                    *m = !*m;
                }
            }
            Key::Enter if !pick.options.is_empty() => return self.picked(pick),
            _ => {}
        }
        self.overlay = Some(Overlay::Pick(pick));
        Vec::new()
    }

    /// A choice confirmed with Enter.
    fn picked(&mut self, pick: Pick) -> Vec<Effect> {
        let i = pick.cursor;
        match pick.purpose {
            PickFor::Template { id, force, names } => vec![Effect::Compose {
                id,
                template: i.checked_sub(1).and_then(|k| names.get(k).cloned()),
                force,
            }],
            PickFor::Type { id, codes } => match codes.get(i).cloned().flatten() {
                None => {
                    self.ask_close(id, None);
                    Vec::new()
                }
                Some(kind) => {
                    self.pick_categories(id, kind);
                    Vec::new()
                }
            },
            PickFor::Categories { id, kind, codes } => {
                let categories = codes
                    .iter()
                    .zip(&pick.marked)
                    .filter(|(_, m)| **m)
                    .map(|(c, _)| c.clone())
                    .collect();
                self.pick_role(
                    id,
                    Classification {
                        kind,
                        categories,
                        role: None,
                    },
                );
                Vec::new()
            }
            PickFor::Role {
                id,
                mut classification,
                codes,
            } => {
                classification.role = codes.get(i).cloned().flatten();
                self.ask_close(id, Some(classification));
                Vec::new()
            }
            PickFor::Attachment { id, attachments } => {
                if let Some(a) = attachments.get(i) {
                    self.ask_path(id, a.clone());
                }
                Vec::new()
            }
        }
    }

    fn pick_categories(&mut self, id: String, kind: String) {
        let entries: Vec<(String, String)> = self
            .taxonomy
            .as_ref()
            .map(|t| {
                offered(t, Dimension::Category)
                    .map(|e| (e.code.clone(), e.labels.get(self.lang).to_string()))
                    .collect()
            })
            .unwrap_or_default();
        if entries.is_empty() {
            return self.pick_role(
                id,
                Classification {
                    kind,
                    ..Default::default()
                },
            );
        }
        let (codes, options) = entries.into_iter().unzip();
        self.pick(PickFor::Categories { id, kind, codes }, options, true);
    }

    fn pick_role(&mut self, id: String, classification: Classification) {
        let entries: Vec<(String, String)> = self
            .taxonomy
            .as_ref()
            .map(|t| {
                offered(t, Dimension::Role)
                    .map(|e| (e.code.clone(), e.labels.get(self.lang).to_string()))
                    .collect()
            })
            .unwrap_or_default();
        if entries.is_empty() {
            return self.ask_close(id, Some(classification));
        }
        let mut codes = vec![None];
        let mut options = vec![tr!(self.lang, "pick-role-none")];
        for (code, label) in entries {
            codes.push(Some(code));
            options.push(label);
        }
        self.pick(
            PickFor::Role {
                id,
                classification,
                codes,
            },
            options,
            false,
        );
    }

    fn ask_close(&mut self, id: String, classification: Option<Classification>) {
        let holder = self.target().filter(|t| t.id == id).and_then(|t| t.holder);
        self.overlay = Some(Overlay::Confirm(Ask::Close {
            id,
            classification,
            holder,
        }));
    }

    /// The list fetched: the selection stays on the same ticket when it is still there.
    pub fn set_list(&mut self, tickets: Vec<Arc<TicketSummary>>) {
        let before = self.tickets.get(self.selected).map(|t| t.id.clone());
        self.tickets = tickets;
        self.loaded = true;
        if let Some(i) = before.and_then(|id| self.tickets.iter().position(|t| t.id == id)) {
            self.selected = i;
        }
        self.selected = self.selected.min(self.tickets.len().saturating_sub(1));
    }

    /// A ticket fetched (the read was audited): its thread is shown, and `then` starts.
    pub fn opened(&mut self, view: TicketView, then: Option<Then>) -> Vec<Effect> {
        let from = match (&self.thread, self.screen) {
            (Some(t), Screen::Thread) => t.from,
            (_, screen) => screen,
        };
        self.thread = Some(Thread {
            view,
            scroll: 0,
            from,
        });
        self.screen = Screen::Thread;
        match then {
            Some(Then::Reply) => self.start_reply(),
            Some(Then::Save) => self.start_save(),
            None => Vec::new(),
        }
    }

    /// Search results arrived.
    pub fn found(&mut self, query: String, hits: Vec<SearchHit>) {
        if hits.is_empty() {
            self.flash = Some(Flash::Info(tr!(self.lang, "search-none", query = query)));
            return;
        }
        self.found = Some(Found {
            query,
            hits,
            selected: 0,
        });
        self.thread = None;
        self.screen = Screen::Search;
    }

    /// The saved replies' names: offered before the editor opens (none: the editor opens).
    pub fn templates(&mut self, id: String, force: bool, names: Vec<String>) -> Vec<Effect> {
        if names.is_empty() {
            return vec![Effect::Compose {
                id,
                template: None,
                force,
            }];
        }
        let mut options = vec![tr!(self.lang, "pick-template-none")];
        options.extend(names.iter().cloned());
        self.pick(PickFor::Template { id, force, names }, options, false);
        Vec::new()
    }

    /// A reply written: it waits for the counsellor's yes.
    pub fn composed(&mut self, draft: Draft) {
        self.overlay = Some(Overlay::Confirm(Ask::Send(draft)));
    }

    /// Says what was done.
    pub fn info(&mut self, text: String) {
        self.flash = Some(Flash::Info(text));
    }

    /// Says what failed.
    pub fn error(&mut self, text: String) {
        self.flash = Some(Flash::Error(text));
    }

    /// The open thread, when it is ticket `id`.
    fn thread_of(&mut self, id: &str) -> Option<&mut TicketView> {
        self.thread
            .as_mut()
            .map(|t| &mut t.view)
            .filter(|v| v.id == id)
    }

    /// A reply was queued: the open thread shows it (without reading the ticket again).
    pub fn sent(&mut self, id: &str, subject: String, text: String, now: i64) {
        if let Some(v) = self.thread_of(id) {
            v.messages.push(MessageView {
                direction: Direction::Out,
                from: "helpline".to_string(),
                received: Stamp(now),
                subject,
                body: text,
                attachments: Vec::new(),
                different_sender: false,
                automatic: false,
                delivery: Some(DeliveryView {
                    state: "queued".into(),
                    attempts: Some(0),
                    reason: None,
                    at: None,
                }),
            });
        }
    }

    /// A note was added: the open thread shows it.
    pub fn noted(&mut self, id: &str, text: String, now: i64) {
        let author = self.me.clone();
        if let Some(v) = self.thread_of(id) {
            v.notes.push(NoteView {
                author,
                time: Stamp(now),
                text,
            });
        }
    }

    /// A tag was added or removed: the open thread shows it.
    pub fn tagged(&mut self, id: &str, tag: &str, remove: bool) {
        if let Some(v) = self.thread_of(id) {
            v.tags.retain(|t| !t.eq_ignore_ascii_case(tag));
            if !remove {
                v.tags.push(tag.to_string());
            }
        }
    }

    /// The claim changed: the open thread shows it.
    pub fn claimed(&mut self, id: &str, release: bool) {
        let me = self.me.clone();
        if let Some(v) = self.thread_of(id) {
            v.claimed_by = (!release).then_some(me);
        }
    }

    /// The urgent mark changed: the open thread shows it.
    pub fn marked(&mut self, id: &str, reason: Option<String>) {
        if let Some(v) = self.thread_of(id) {
            v.urgent = reason.is_some();
            v.urgent_reason = reason;
        }
    }

    /// A ticket was closed: its thread closes too.
    pub fn closed(&mut self, id: &str) {
        if self.thread_of(id).is_some() {
            self.back();
        }
    }
}

/// The entries of a list still offered.
fn offered(t: &Taxonomy, dim: Dimension) -> impl Iterator<Item = &crate::taxonomy::Entry> {
    t.entries(dim).iter().filter(|e| !e.retired)
}

#[cfg(test)]
pub(crate) mod tests;
