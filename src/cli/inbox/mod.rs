//! The inbox: `ticket` on a terminal opens one full-screen, keyboard-driven view of the
//! tickets, in the counsellor's language: the list, a ticket's thread, search results, and
//! every step of the work (reply, note, claim, tag, close, urgent, attachments) on one key,
//! each through the same service requests as the commands, so the same roles and the same
//! audit apply.
//!
//! * [`state`]: what each key does to the state (pure functions, unit-tested).
//! * [`draw`] and one module per screen ([`list`], [`thread`], [`search`], [`help`],
//!   [`dialog`]): the screen, drawn with ratatui; every text goes through the display filter
//!   first ([`text::inert`]).
//! * `actions`: what the state asks for, carried out through the service.
//! * `terminal`: raw mode and the alternate screen, given back on every way out.
//!
//! The list refreshes by itself: at most once a second the inbox asks the service for its
//! change counter (`Request::Changes`), and fetches the list only when it moved
//! (`Request::LiveList`, recorded in the audit log when the set of tickets differs from the
//! last one shown).

mod actions;
pub mod dialog;
pub mod draw;
pub mod help;
pub mod list;
pub mod search;
pub mod state;
mod terminal;
pub mod text;
pub mod theme;
pub mod thread;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::anonymise::Language;
use crate::cli::desk::{Desk, unexpected};
use crate::control::client::Client;
use crate::control::protocol::{Request, Response};
use crate::service::{ServiceError, Whoami};
use crate::store::ListFilter;
use state::{Effect, Key, Screen, State};

/// How often the inbox asks whether anything changed (never more often).
pub const WATCH_EVERY: Duration = Duration::from_secs(1);
/// How long the connection to the service may stay unused before it is made anew (the
/// service closes connections idle for two minutes).
const IDLE: Duration = Duration::from_secs(60);
/// How long the inbox waits for a key before it looks at the clock again.
const TICK: Duration = Duration::from_millis(250);

/// Why the inbox stopped.
#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    /// The terminal failed.
    #[error("the terminal: {0}")]
    Terminal(#[from] std::io::Error),
    /// The service refused or could not be reached at the start.
    #[error(transparent)]
    Service(#[from] ServiceError),
}

/// The inbox's connection to the service, made anew when it was unused long enough for the
/// service to close it.
struct Link<'a> {
    desk: &'a mut Desk,
    last: Instant,
}

impl Link<'_> {
    fn call(&mut self, request: Request) -> Result<Response, ServiceError> {
        if self.last.elapsed() > IDLE {
            self.reconnect();
        }
        let answer = self.desk.call(request);
        self.last = Instant::now();
        answer
    }

    fn reconnect(&mut self) {
        if let Desk::Remote(client) = self.desk
            && let Ok(fresh) = Client::connect(client.path())
        {
            *client = fresh;
        }
    }
}

/// The running inbox.
struct Inbox<'a> {
    link: Link<'a>,
    state: State,
    precision: crate::time::Precision,
    tz: jiff::tz::TimeZone,
    theme: draw::Theme,
    /// The proof of the last list shown (`LiveList::shown`).
    shown: Option<String>,
    /// The change counter when the list was last fetched by the watch.
    changes: Option<u64>,
    /// When the counter was last asked for.
    checked: Instant,
    term: terminal::Term,
}

/// The inbox's key for a terminal's key.
pub fn key_of(k: KeyEvent) -> Key {
    if k.modifiers.contains(KeyModifiers::CONTROL) {
        return match k.code {
            KeyCode::Char('c' | 'C') => Key::Interrupt,
            _ => Key::Other,
        };
    }
    match k.code {
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::Home => Key::Home,
        KeyCode::End => Key::End,
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Esc,
        KeyCode::Backspace => Key::Backspace,
        KeyCode::Char(c) => Key::Char(c),
        _ => Key::Other,
    }
}

/// Runs the inbox on this terminal until the counsellor leaves it (`q` on the list, Ctrl-C,
/// SIGTERM, SIGHUP). The terminal is given back as it was, its screen cleared of tickets.
pub fn run(desk: &mut Desk, whoami: &Whoami, lang: Language) -> Result<(), InboxError> {
    let mut link = Link {
        desk,
        last: Instant::now(),
    };
    let caller = &whoami.caller;
    let mut state = State::new(lang, &caller.name, caller.uid, caller.role);
    match link.call(Request::Classification)? {
        Response::Classification { taxonomy, required } => {
            state.taxonomy = Some(taxonomy);
            state.classification_required = required;
        }
        other => return Err(unexpected(other).into()),
    }
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGINT,
    ] {
        signal_hook::flag::register(signal, stop.clone())?;
    }
    // A reply saved in the editor when the terminal closes is still kept as a draft.
    crate::cli::editor::outlive_hangup()?;
    let (term, guard) = terminal::enter()?;
    let mut inbox = Inbox {
        link,
        state,
        precision: whoami.precision,
        tz: crate::cli::dates::zone(whoami.timezone.as_deref()),
        theme: draw::Theme::from_env(),
        shown: None,
        changes: None,
        checked: Instant::now() - WATCH_EVERY,
        term,
    };
    let result = inbox.main_loop(&stop);
    drop(guard);
    result
}

impl Inbox<'_> {
    fn main_loop(&mut self, stop: &AtomicBool) -> Result<(), InboxError> {
        loop {
            if stop.load(Ordering::SeqCst) {
                return Ok(());
            }
            self.watch();
            self.draw()?;
            if !event::poll(TICK)? {
                continue;
            }
            match event::read()? {
                Event::Key(k) if k.kind != KeyEventKind::Release => {
                    // The tests' way to check that a panic gives the terminal back.
                    if crate::failpoint::active("inbox-panic") {
                        panic!("failpoint inbox-panic");
                    }
                    let effects = self.state.key(key_of(k));
                    if self.carry_out(effects)? {
                        return Ok(());
                    }
                }
                _ => {}
            }
        }
    }

    fn draw(&mut self) -> Result<(), InboxError> {
        let ctx = draw::Ctx {
            theme: self.theme,
            now: jiff::Timestamp::now().as_second(),
            precision: self.precision,
            tz: self.tz.clone(),
        };
        let state = &mut self.state;
        self.term.draw(|f| draw::draw(f, state, &ctx))?;
        Ok(())
    }

    /// Carries out the effects and those they lead to; true when the inbox must close.
    fn carry_out(&mut self, effects: Vec<Effect>) -> Result<bool, InboxError> {
        let mut queue: std::collections::VecDeque<Effect> = effects.into();
        while let Some(effect) = queue.pop_front() {
            if effect == Effect::Quit {
                return Ok(true);
            }
            queue.extend(self.effect(effect)?);
        }
        Ok(false)
    }

    /// At most once a second, on the list: asks whether anything changed, and fetches the
    /// list when it did.
    fn watch(&mut self) {
        let quiet = matches!(self.state.overlay, None | Some(state::Overlay::Help));
        if self.state.screen != Screen::List || !quiet || self.checked.elapsed() < WATCH_EVERY {
            return;
        }
        self.checked = Instant::now();
        match self.link.call(Request::Changes) {
            Ok(Response::Changes(n)) => {
                if self.changes != Some(n) {
                    self.changes = Some(n);
                    self.fetch_list();
                }
            }
            Ok(other) => self.state.error(unexpected(other).to_string()),
            Err(e) => {
                // The service may have restarted: a new connection, and the list again.
                self.link.reconnect();
                self.changes = None;
                self.shown = None;
                // Restarted and still loading its catalog: said so, and asked again.
                let reason = match e.loading_seconds() {
                    Some(seconds) => {
                        crate::tr!(self.state.lang, "error-still-loading", seconds = seconds)
                    }
                    None => e.to_string(),
                };
                self.state.error(crate::tr!(
                    self.state.lang,
                    "inbox-refused",
                    reason = reason
                ));
            }
        }
    }

    /// Fetches the list; the service records it when its set of tickets changed.
    fn fetch_list(&mut self) {
        let filter = ListFilter {
            status: self.state.view,
            ..Default::default()
        };
        match self.link.call(Request::LiveList {
            filter,
            mine: false,
            shown: self.shown.clone(),
        }) {
            Ok(Response::LiveList(list)) => {
                self.shown = Some(list.shown);
                self.state.set_list(list.tickets);
            }
            Ok(other) => self.state.error(unexpected(other).to_string()),
            Err(e) => self.refused(e),
        }
    }

    fn refused(&mut self, e: ServiceError) {
        self.state.error(crate::tr!(
            self.state.lang,
            "inbox-refused",
            reason = e.to_string()
        ));
    }
}

#[cfg(test)]
mod tests;
