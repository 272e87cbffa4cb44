//! The sandbox's test hooks, built only with the `failpoints` feature (never in a release).
//!
//! `$SOURDINE_FAILPOINT` may name a kernel that lacks a layer or refuses one. Each is made by a
//! seccomp filter, installed before the sandbox, that answers as such a kernel does:
//!
//! - `sandbox-without-landlock`: the Landlock calls fail with ENOSYS (a kernel built without it);
//! - `sandbox-without-seccomp`: `seccomp` fails with EINVAL (a kernel without seccomp filters);
//! - `sandbox-landlock-refused`: `landlock_restrict_self` fails with EPERM (a restriction the
//!   kernel supports is refused: the worker must end);
//! - `sandbox-prctl-refused`: `prctl` fails with EPERM (so `PR_SET_DUMPABLE` does: the worker
//!   must end).
//!
//! `$SOURDINE_SANDBOX_PROBE` names one thing the sandbox must refuse, which the worker tries
//! once confined, before its first request, saying on standard error what happened:
//! `open:PATH`, `socket-inet`, `socket-unix`, `connect-tcp:PORT`, `connect-unix:PATH`,
//! `connect-abstract:NAME`, `execve:PATH` (runs `PATH -c 'echo sandbox-escaped >&2'`). The socket
//! a `connect-*` probe uses is made before the sandbox, so that only the connection is tried.

use std::ffi::CString;
use std::os::fd::{AsRawFd, OwnedFd};

use nix::libc;
use nix::sys::socket::{AddressFamily, SockFlag, SockType, SockaddrIn, UnixAddr};
use seccompiler::SeccompAction;

use super::SandboxError;

/// A probe to run once confined.
pub(super) struct Probe {
    what: String,
    socket: Option<OwnedFd>,
}

/// Before the sandbox: the simulated kernel, and the probe's socket.
pub(super) fn before() -> Result<Option<Probe>, SandboxError> {
    let simulated: [(&str, &[i64], i32); 4] = [
        (
            "sandbox-without-landlock",
            &[
                libc::SYS_landlock_create_ruleset,
                libc::SYS_landlock_add_rule,
                libc::SYS_landlock_restrict_self,
            ],
            libc::ENOSYS,
        ),
        (
            "sandbox-without-seccomp",
            &[libc::SYS_seccomp],
            libc::EINVAL,
        ),
        (
            "sandbox-landlock-refused",
            &[libc::SYS_landlock_restrict_self],
            libc::EPERM,
        ),
        // Last: installing a filter needs prctl (no_new_privs).
        ("sandbox-prctl-refused", &[libc::SYS_prctl], libc::EPERM),
    ];
    for (name, calls, errno) in simulated {
        if crate::failpoint::active(name) {
            let arch = seccompiler::TargetArch::try_from(std::env::consts::ARCH)?;
            let rules = calls.iter().map(|c| (*c, Vec::new())).collect();
            let action = SeccompAction::Errno(errno as u32);
            let program = super::compile(rules, SeccompAction::Allow, action, arch)?;
            seccompiler::apply_filter_all_threads(&program)?;
        }
    }
    let Ok(what) = std::env::var("SOURDINE_SANDBOX_PROBE") else {
        return Ok(None);
    };
    let family = match what.split_once(':') {
        Some(("connect-tcp", _)) => Some(AddressFamily::Inet),
        Some(("connect-unix" | "connect-abstract", _)) => Some(AddressFamily::Unix),
        _ => None,
    };
    let socket = family.and_then(|f| {
        nix::sys::socket::socket(f, SockType::Stream, SockFlag::SOCK_CLOEXEC, None).ok()
    });
    Ok(Some(Probe { what, socket }))
}

/// Once confined: tries the probe and says what happened.
pub(super) fn after(probe: Option<Probe>) {
    let Some(Probe { what, socket }) = probe else {
        return;
    };
    eprintln!("sandbox probe {what}: trying");
    let (verb, arg) = what.split_once(':').unwrap_or((&what, ""));
    let fd = socket.as_ref().map_or(-1, |s| s.as_raw_fd());
    let result = match verb {
        "open" => std::fs::File::open(arg)
            .map(drop)
            .map_err(|e| nix::Error::from_raw(e.raw_os_error().unwrap_or(0))),
        "socket-inet" | "socket-unix" => {
            let family = if verb == "socket-inet" {
                AddressFamily::Inet
            } else {
                AddressFamily::Unix
            };
            nix::sys::socket::socket(family, SockType::Stream, SockFlag::empty(), None).map(drop)
        }
        "connect-tcp" => {
            let port = arg.parse().unwrap_or(0);
            nix::sys::socket::connect(fd, &SockaddrIn::new(127, 0, 0, 1, port))
        }
        "connect-unix" => UnixAddr::new(arg).and_then(|a| nix::sys::socket::connect(fd, &a)),
        "connect-abstract" => {
            UnixAddr::new_abstract(arg.as_bytes()).and_then(|a| nix::sys::socket::connect(fd, &a))
        }
        "execve" => {
            let program = CString::new(arg).unwrap_or_default();
            let argv = [
                program.clone(),
                c"-c".to_owned(),
                c"echo sandbox-escaped >&2".to_owned(),
            ];
            nix::unistd::execv(&program, &argv).map(drop)
        }
        _ => Err(nix::Error::EINVAL),
    };
    match result {
        Ok(()) => eprintln!("sandbox probe {what}: ALLOWED"),
        Err(e) => eprintln!(
            "sandbox probe {what}: refused: errno {} ({})",
            e as i32,
            e.desc()
        ),
    }
}
