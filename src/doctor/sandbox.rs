//! The attachment cleaner's sandbox: a worker is started in its report mode, confines itself
//! exactly as it does before cleaning, and says what this kernel let it apply.

use super::check::Check;
use crate::intake::sandbox::Confinement;
use crate::intake::worker::{ReportError, sandbox_report, worker_program};

/// The id of the check.
pub const ID: &str = "worker.sandbox";
const NAME: &str = "attachment cleaner's sandbox";

/// Starts a worker in its report mode and judges what it could apply.
pub fn check() -> Check {
    match worker_program() {
        Some(program) => judge(&sandbox_report(&program)),
        None => Check::skipped(
            ID,
            NAME,
            "the sourdine program was not found beside this one, so no worker was started",
        ),
    }
}

/// The verdict on a worker's report: ok with both layers, a warning when the kernel lacks
/// one (the worker runs with the other), a failure when it refuses one it has (every
/// attachment would be withheld).
pub fn judge(report: &Result<Confinement, ReportError>) -> Check {
    let c = match report {
        Ok(c) => c,
        Err(e) => {
            return Check::fail(
                ID,
                NAME,
                format!("{e}; every message is quarantined until it can"),
                "the kernel or a container runtime refuses seccomp(2) or landlock_*(2) calls; allow them (a container's seccomp profile, an LSM policy), or run sourdine outside that container",
            );
        }
    };
    let detail = c.describe();
    let mut fixes = Vec::new();
    if !c.landlock {
        fixes.push(
            "Landlock needs Linux 5.13 or later with `landlock` in the boot parameter `lsm=` (for example lsm=landlock,lockdown,yama,integrity,apparmor,bpf; CONFIG_SECURITY_LANDLOCK=y)",
        );
    }
    if !c.seccomp {
        fixes.push("seccomp needs a kernel built with CONFIG_SECCOMP_FILTER=y (every mainstream distribution's is)");
    }
    if fixes.is_empty() {
        Check::ok(ID, NAME, detail)
    } else {
        let missing = if c.landlock {
            "seccomp"
        } else if c.seccomp {
            "Landlock"
        } else {
            "Landlock and seccomp"
        };
        Check::warn(
            ID,
            NAME,
            format!(
                "this kernel has no {missing}: the cleaner of hostile attachments runs with {detail}"
            ),
            fixes.join("; "),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::Verdict;

    fn confinement(landlock: bool, seccomp: bool) -> Confinement {
        Confinement {
            landlock_abi: landlock.then_some(7),
            landlock,
            seccomp,
        }
    }

    #[test]
    fn a_missing_layer_warns_with_its_fix() {
        let ok = judge(&Ok(confinement(true, true)));
        assert_eq!(ok.verdict, Verdict::Ok);
        assert!(ok.detail.contains("Landlock ABI 7"), "{}", ok.detail);
        let no_landlock = judge(&Ok(confinement(false, true)));
        assert_eq!(no_landlock.verdict, Verdict::Warn);
        assert!(
            no_landlock.detail.contains("no Landlock"),
            "{}",
            no_landlock.detail
        );
        assert!(no_landlock.fix.unwrap().contains("lsm="));
        let no_seccomp = judge(&Ok(confinement(true, false)));
        assert_eq!(no_seccomp.verdict, Verdict::Warn);
        assert!(no_seccomp.fix.unwrap().contains("CONFIG_SECCOMP_FILTER"));
        let neither = judge(&Ok(confinement(false, false)));
        assert!(
            neither.detail.contains("no Landlock and seccomp"),
            "{}",
            neither.detail
        );
    }
}
