//! What a counsellor keeps unsent: drafts of replies, and replies waiting for a second reader.

use serde::{Deserialize, Serialize};

use crate::anonymise::Verification;
use crate::time::Stamp;

/// A draft in the list of its author's drafts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftSummary {
    /// The ticket.
    pub ticket: String,
    /// When it was last saved.
    pub updated: Stamp,
    /// Its first line that is not blank.
    pub first_line: String,
    /// The supervisor who returned it from review.
    #[serde(default)]
    pub returned_by: Option<String>,
    /// Why they returned it.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A draft, to resume it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftView {
    /// The ticket.
    pub ticket: String,
    /// When it was last saved.
    pub updated: Stamp,
    /// The text.
    pub text: String,
    /// The supervisor who returned it from review.
    pub returned_by: Option<String>,
    /// Why they returned it.
    pub reason: Option<String>,
}

/// A reply waiting for review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewView {
    /// The ticket.
    pub ticket: String,
    /// Who wrote the reply.
    pub author: String,
    /// When it was handed in.
    pub submitted: Stamp,
    /// The ticket is marked urgent.
    pub urgent: bool,
    /// What our mail server said about the ticket's sender.
    pub sender: Verification,
    /// The reply's text (`ticket review show` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}
