//! `sourdine doctor`: checks an installation and says what to fix.
//!
//! Local checks ([`local`]): the configuration, the permissions of the data directory, the
//! store files, the key files, the password files and the control socket, free disk space,
//! and the clock; then the attachment cleaner's sandbox ([`sandbox`]). Remote checks
//! ([`remote`]): IMAP login and capabilities, the mailbox, copies left on the provider (counts
//! only), SMTP connection and login.
//!
//! Doctor never opens the store (the running service owns it), never fetches a message, and
//! reports folder counts only: no subject, address or content is read, printed or logged.
//! Every network step runs under a timeout; doctor starts no background process (the sandbox
//! check starts one cleaner in its report mode and waits for it to exit).

mod check;
pub mod classification;
pub mod local;
pub mod remote;
pub mod reveal;
pub mod sandbox;
mod service_user;

use std::path::Path;
use std::time::Duration;

use serde::Serialize;

use crate::config::{Config, ConfigError};
pub use check::{Check, Verdict};
pub use service_user::ServiceUser;

/// A doctor error: only setting up doctor itself can fail (each check reports its own result).
#[derive(Debug, thiserror::Error)]
pub enum DoctorError {
    /// The async runtime for the network checks could not be started.
    #[error("cannot start the network checks: {0}")]
    Runtime(#[source] std::io::Error),
}

/// Every check's result, in the order they ran.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub checks: Vec<Check>,
}

impl Report {
    /// How many checks failed.
    pub fn failures(&self) -> usize {
        self.count(Verdict::Fail)
    }

    /// How many checks warned.
    pub fn warnings(&self) -> usize {
        self.count(Verdict::Warn)
    }

    /// How many checks were skipped.
    pub fn skipped(&self) -> usize {
        self.count(Verdict::Skipped)
    }

    fn count(&self, v: Verdict) -> usize {
        self.checks.iter().filter(|c| c.verdict == v).count()
    }

    /// Whether nothing failed (warnings allowed).
    pub fn passed(&self) -> bool {
        self.failures() == 0
    }

    /// The check with this id, if it ran.
    pub fn get(&self, id: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }

    /// The closing line: "2 problems, 1 warning", "no problems, 1 warning" or "all checks
    /// passed", plus how many were skipped.
    pub fn summary(&self) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let (f, w, s) = (self.failures(), self.warnings(), self.skipped());
        let mut line = match (f, w) {
            (0, 0) => "all checks passed".to_string(),
            (0, w) => format!("no problems, {}", plural(w, "warning", "warnings")),
            (f, 0) => plural(f, "problem", "problems"),
            (f, w) => format!(
                "{}, {}",
                plural(f, "problem", "problems"),
                plural(w, "warning", "warnings")
            ),
        };
        if s > 0 {
            line.push_str(&format!(" ({s} skipped)"));
        }
        line
    }

    /// The report as JSON: the checks, the counts and the summary line.
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "passed": self.passed(),
            "failed": self.failures(),
            "warnings": self.warnings(),
            "skipped": self.skipped(),
            "summary": self.summary(),
            "checks": self.checks,
        })
    }

    /// The report for a configuration that could not be loaded: one failed check naming the
    /// file, the key and the problem. Nothing else can be checked without it.
    pub fn config_failed(path: &Path, error: &ConfigError) -> Report {
        let fix = match error {
            ConfigError::Read { .. } => format!(
                "check the path (--config or $SOURDINE_CONFIG) and that this user can read {}",
                path.display()
            ),
            ConfigError::Syntax { .. } => format!(
                "edit {} at the key and line named above (deploy/sourdine.example.toml shows every key)",
                path.display()
            ),
            ConfigError::Invalid { key, .. } => {
                format!("edit `{key}` in {}", path.display())
            }
        };
        Report {
            checks: vec![Check::fail(
                local::CONFIG_ID,
                local::CONFIG_NAME,
                error.to_string(),
                fix,
            )],
        }
    }
}

/// What to check and how long to wait.
#[derive(Debug, Clone)]
pub struct Options {
    /// Skip the IMAP and SMTP checks.
    pub offline: bool,
    /// The longest wait for any one network step (the configured timeouts, capped at this).
    pub timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            offline: false,
            timeout: Duration::from_secs(20),
        }
    }
}

/// Runs every check on a loaded configuration.
pub fn run(cfg: &Config, opts: &Options) -> Result<Report, DoctorError> {
    let mut checks = local::checks(cfg);
    checks.push(sandbox::check());
    if opts.offline {
        checks.extend(remote::skipped_offline(cfg));
    } else {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(DoctorError::Runtime)?;
        checks.extend(rt.block_on(remote::checks(cfg, opts.timeout)));
        // Name resolution runs on blocking threads: do not wait on a stuck one.
        rt.shutdown_timeout(Duration::from_secs(1));
    }
    Ok(Report { checks })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(verdicts: &[Verdict]) -> Report {
        Report {
            checks: verdicts
                .iter()
                .enumerate()
                .map(|(i, v)| Check {
                    id: format!("c{i}"),
                    name: format!("check {i}"),
                    verdict: *v,
                    detail: String::new(),
                    fix: None,
                })
                .collect(),
        }
    }

    #[test]
    fn summary_counts_problems_and_warnings() {
        use Verdict::*;
        assert_eq!(report(&[Ok, Ok]).summary(), "all checks passed");
        assert_eq!(report(&[Ok, Warn]).summary(), "no problems, 1 warning");
        assert_eq!(
            report(&[Fail, Fail, Fail, Warn, Ok]).summary(),
            "3 problems, 1 warning"
        );
        assert_eq!(report(&[Fail]).summary(), "1 problem");
        assert_eq!(
            report(&[Ok, Skipped, Warn, Warn]).summary(),
            "no problems, 2 warnings (1 skipped)"
        );
    }

    #[test]
    fn warnings_pass_and_failures_do_not() {
        use Verdict::*;
        assert!(report(&[Ok, Warn, Skipped]).passed());
        assert!(!report(&[Ok, Fail]).passed());
        let j = report(&[Ok, Fail]).json();
        assert_eq!(j["passed"], false);
        assert_eq!(j["failed"], 1);
        assert_eq!(j["checks"][1]["verdict"], "fail");
    }

    #[test]
    fn a_bad_configuration_names_the_key() {
        let path = Path::new("/etc/sourdine/sourdine.toml");
        let e = Config::parse(
            "data_dir = \"d\"\ncontact_address = \"a@b.example\"\n",
            path,
        )
        .unwrap_err();
        let r = Report::config_failed(path, &e);
        assert_eq!(r.checks.len(), 1);
        let c = &r.checks[0];
        assert_eq!(c.verdict, Verdict::Fail);
        assert!(c.detail.contains("data_dir"), "{}", c.detail);
        assert!(c.fix.as_deref().unwrap().contains("`data_dir`"));
        assert_eq!(r.summary(), "1 problem");
    }
}
