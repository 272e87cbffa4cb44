//! The terminal the inbox draws on: raw mode and the alternate screen while it runs, and
//! given back as it was (modes, cursor, main screen) on every way out: quitting, Ctrl-C, a
//! signal, an error, and a panic (a panic hook restores it before the message is printed).
//! The alternate screen is cleared before it is left, so no ticket text stays on screen.

use std::io;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::cursor::{Hide, MoveTo, Show};
use ratatui::crossterm::execute;
use ratatui::crossterm::style::ResetColor;
use ratatui::crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

/// The inbox's terminal.
pub type Term = Terminal<CrosstermBackend<io::Stdout>>;

/// Whether the terminal is in the inbox's modes (and so must be given back).
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Gives the terminal back when dropped (also when unwinding).
#[derive(Debug)]
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        leave();
    }
}

/// Puts the terminal in raw mode on the alternate screen, and makes sure a panic gives it
/// back first.
pub fn enter() -> io::Result<(Term, Guard)> {
    install_panic_hook();
    switch_in()?;
    let term = Terminal::new(CrosstermBackend::new(crate::cli::output::screen()))?;
    Ok((term, Guard))
}

fn switch_in() -> io::Result<()> {
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    execute!(
        crate::cli::output::screen(),
        EnterAlternateScreen,
        Hide,
        Clear(ClearType::All)
    )
}

/// Clears the alternate screen of ticket text, leaves it, shows the cursor and gives the
/// terminal its modes back. Does nothing when already done.
pub fn leave() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let _ = execute!(
        crate::cli::output::screen(),
        ResetColor,
        Clear(ClearType::All),
        MoveTo(0, 0),
        LeaveAlternateScreen,
        Show
    );
    let _ = disable_raw_mode();
}

/// Runs `f` (the editor) with the terminal given back, then takes it again and redraws.
pub fn suspended<T>(term: &mut Term, f: impl FnOnce() -> T) -> io::Result<T> {
    leave();
    let out = f();
    switch_in()?;
    term.clear()?;
    Ok(out)
}

/// Puts a hook before the panic hook already set (which prints a message without details):
/// the terminal is given back first, so that the message is readable and the shell usable.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            leave();
            previous(info);
        }));
    });
}
