//! What every part of the inbox draws with: the styles, and the clock, precision and time
//! zone of the dates it shows.

use ratatui::style::{Color, Modifier, Style};

use crate::time::Precision;

/// The styles: with colour, or without (`NO_COLOR`: bold, dim and reverse only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Colours are used.
    pub colour: bool,
}

impl Theme {
    /// Colour unless `NO_COLOR` is set to anything but empty.
    pub fn from_env() -> Theme {
        Theme {
            colour: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    fn fg(self, c: Color) -> Style {
        if self.colour {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    /// Urgent marks and alerts.
    pub fn alert(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    /// Warnings.
    pub fn warn(self) -> Style {
        if self.colour {
            self.fg(Color::Yellow)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }

    /// Ticket references.
    pub fn reference(self) -> Style {
        self.fg(Color::Cyan)
    }

    /// What is less important.
    pub fn dim(self) -> Style {
        Style::new().add_modifier(Modifier::DIM)
    }

    /// Titles and keys.
    pub fn bold(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// Done.
    pub fn ok(self) -> Style {
        self.fg(Color::Green)
    }

    /// The selected row, and the title bar.
    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }
}

/// What the drawing needs besides the state.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The styles.
    pub theme: Theme,
    /// Now, in seconds (waiting times).
    pub now: i64,
    /// How precisely times are stored.
    pub precision: Precision,
    /// The helpline's time zone.
    pub tz: jiff::tz::TimeZone,
}

impl Ctx {
    /// Times in `lang`, in the helpline's time zone, at the stored precision.
    pub fn dates(&self, lang: crate::anonymise::Language) -> crate::cli::dates::Dates {
        crate::cli::dates::Dates {
            lang,
            tz: self.tz.clone(),
            precision: self.precision,
        }
    }
}
