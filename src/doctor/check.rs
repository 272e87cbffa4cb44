//! One check's result: what was checked, the verdict, what was found, and what to do.

use serde::Serialize;

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Nothing to do.
    Ok,
    /// Not checked (not configured, `--offline`, or an earlier check failed).
    Skipped,
    /// Works, but something should be looked at.
    Warn,
    /// Broken or unsafe: must be fixed.
    Fail,
}

impl Verdict {
    /// The mark printed before the check's name.
    pub fn mark(self) -> &'static str {
        match self {
            Verdict::Ok => "[ ok ]",
            Verdict::Skipped => "[skip]",
            Verdict::Warn => "[warn]",
            Verdict::Fail => "[FAIL]",
        }
    }
}

/// One check: what was checked, the verdict, what was found, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// A stable identifier for machines (`imap.login`).
    pub id: String,
    /// A short name for people ("IMAP connection and login").
    pub name: String,
    pub verdict: Verdict,
    /// What was found, in one or a few short sentences.
    pub detail: String,
    /// What the operator should do (for warnings and failures).
    pub fix: Option<String>,
}

impl Check {
    fn new(id: &str, name: &str, verdict: Verdict, detail: String, fix: Option<String>) -> Check {
        Check {
            id: id.to_string(),
            name: name.to_string(),
            verdict,
            detail,
            fix,
        }
    }

    /// A passed check.
    pub fn ok(id: &str, name: &str, detail: impl Into<String>) -> Check {
        Check::new(id, name, Verdict::Ok, detail.into(), None)
    }

    /// A check that was not run, and why.
    pub fn skipped(id: &str, name: &str, why: impl Into<String>) -> Check {
        Check::new(id, name, Verdict::Skipped, why.into(), None)
    }

    /// A warning, with its fix.
    pub fn warn(id: &str, name: &str, detail: impl Into<String>, fix: impl Into<String>) -> Check {
        Check::new(id, name, Verdict::Warn, detail.into(), Some(fix.into()))
    }

    /// A failure, with its fix.
    pub fn fail(id: &str, name: &str, detail: impl Into<String>, fix: impl Into<String>) -> Check {
        Check::new(id, name, Verdict::Fail, detail.into(), Some(fix.into()))
    }
}
