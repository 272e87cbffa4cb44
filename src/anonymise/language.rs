//! Tell the language of a text (French, Dutch, English) from its words alone.

use serde::{Deserialize, Serialize};

/// A language the helpline answers in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// French.
    Fr,
    /// Dutch.
    Nl,
    /// English.
    En,
    /// Not told.
    #[default]
    Unknown,
}
