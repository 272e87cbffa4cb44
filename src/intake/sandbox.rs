//! The attachment cleaner's sandbox.
//!
//! The worker (`sourdine __clean-worker`, [`super::worker`]) parses hostile files. Once its
//! start-up is done (settings read, core dumps and tracing off, no new privileges, limits
//! lowered), [`confine`] shuts it in for the rest of its life, before it reads the first byte
//! of a request:
//!
//! - **Landlock** (Linux 5.13 and later, when enabled at boot): a ruleset that handles every
//!   file-system and TCP access right the kernel knows and allows none of them, and that scopes
//!   abstract UNIX sockets and signals to the worker itself (Linux 6.12 and later).
//! - **seccomp**: filters that let through only the system calls listed in [`allowed`] (read
//!   its request pipe, write its reply pipe and standard error, manage its own memory and
//!   threads, end), with their arguments checked where that matters. Any other call kills the
//!   worker (SIGSYS): a call the cleaners never make means the file took control, and the
//!   parent then withholds the attachment and starts a fresh worker. Two calls fail instead
//!   ([`REFUSED`]): `openat` with EPERM, because glibc's malloc opens
//!   /proc/sys/vm/overcommit_memory by itself when it shrinks a thread's heap and copes with a
//!   refusal (seen with strace on real attachments), and `clone3` with ENOSYS, so that glibc
//!   starts threads with `clone`, whose flags a filter can check.
//!
//! A restriction the kernel supports but refuses is fatal: the worker ends with
//! [`FAILED_STATUS`] and the parent withholds the attachment. One the kernel lacks is skipped;
//! a worker started with `--sandbox-report` says what it could apply, which the service logs at
//! start and `sourdine doctor` checks.

use std::collections::BTreeMap;

use nix::libc;
use seccompiler::{
    BackendError, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter,
    SeccompRule, TargetArch,
};
use serde::{Deserialize, Serialize};

#[cfg(feature = "failpoints")]
mod hooks;

/// The exit status of a worker that could not apply a restriction its kernel supports
/// (EX_OSERR). The parent reports it and withholds the attachment, as for a crash.
pub const FAILED_STATUS: u8 = 71;

/// Calls that fail with an error number instead of killing the worker (see the module doc).
pub const REFUSED: [(i64, i32); 2] = [
    (libc::SYS_openat, libc::EPERM),
    (libc::SYS_clone3, libc::ENOSYS),
];

/// The `clone` flags that would make new namespaces (refused: threads share the worker's).
const NEW_NAMESPACES: i32 = libc::CLONE_NEWNS
    | libc::CLONE_NEWCGROUP
    | libc::CLONE_NEWUTS
    | libc::CLONE_NEWIPC
    | libc::CLONE_NEWUSER
    | libc::CLONE_NEWPID
    | libc::CLONE_NEWNET;

/// Why the worker could not confine itself.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// `PR_SET_DUMPABLE` failed.
    #[error("cannot turn off core dumps and tracing: {0}")]
    Dumpable(#[source] nix::Error),
    /// `PR_SET_NO_NEW_PRIVS` failed.
    #[error("cannot set no_new_privs: {0}")]
    NoNewPrivs(#[source] nix::Error),
    /// A resource limit could not be lowered.
    #[error("cannot lower the limit {what}: {source}")]
    Limit {
        /// The limit.
        what: &'static str,
        /// The system's error.
        #[source]
        source: nix::Error,
    },
    /// Other threads run already: Landlock would not cover them.
    #[error("{0} threads run before the sandbox, which would not cover them all")]
    Threads(usize),
    /// The kernel has Landlock but refused the ruleset.
    #[error("the kernel has Landlock but refused the ruleset: {0}")]
    Landlock(#[from] landlock::RulesetError),
    /// The seccomp filters could not be built (a mistake in the list).
    #[error("the seccomp filter cannot be built: {0}")]
    Filter(#[from] BackendError),
    /// The kernel has seccomp but refused a filter.
    #[error("the kernel has seccomp but refused a filter: {0}")]
    Seccomp(#[from] seccompiler::Error),
}

/// What the sandbox could apply on this kernel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confinement {
    /// The Landlock ABI version the kernel offers (None: no Landlock).
    pub landlock_abi: Option<u32>,
    /// Whether the Landlock ruleset is in force.
    pub landlock: bool,
    /// Whether the seccomp filters are in force.
    pub seccomp: bool,
}

impl Confinement {
    /// What the worker cannot do, in a sentence for the log and the doctor.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.seccomp {
            parts.push(
                "seccomp: only its pipes, its memory and its threads (no file, socket or program)"
                    .to_string(),
            );
        }
        if self.landlock {
            let abi = self.landlock_abi.unwrap_or(0);
            let mut denied = vec!["files"];
            if abi >= 4 {
                denied.push("TCP");
            }
            if abi >= 6 {
                denied.push("abstract sockets and signals outside itself");
            }
            parts.push(format!("Landlock ABI {abi}: no {}", denied.join(", no ")));
        }
        if parts.is_empty() {
            "no sandbox: only its limits (memory, CPU, files, no core dumps)".into()
        } else {
            parts.join("; ")
        }
    }

    /// Whether both layers are in force.
    pub fn complete(&self) -> bool {
        self.landlock && self.seccomp
    }
}

/// Lowers the worker's limits and confines it for good; returns what could be applied. Every
/// step the kernel supports must succeed, or the worker must end ([`FAILED_STATUS`]).
pub fn confine(memory_mib: u64, cpu_secs: u64) -> Result<Confinement, SandboxError> {
    use nix::sys::resource::{Resource, setrlimit};
    #[cfg(feature = "failpoints")]
    let probe = hooks::before()?;
    nix::sys::prctl::set_dumpable(false).map_err(SandboxError::Dumpable)?;
    nix::sys::prctl::set_no_new_privs().map_err(SandboxError::NoNewPrivs)?;
    let bytes = memory_mib * 1024 * 1024;
    let limits = [
        ("RLIMIT_CORE", Resource::RLIMIT_CORE, 0, 0),
        ("RLIMIT_AS", Resource::RLIMIT_AS, bytes, bytes),
        ("RLIMIT_CPU", Resource::RLIMIT_CPU, cpu_secs, cpu_secs + 5),
        ("RLIMIT_FSIZE", Resource::RLIMIT_FSIZE, 0, 0),
        ("RLIMIT_NOFILE", Resource::RLIMIT_NOFILE, 16, 16),
    ];
    for (what, resource, soft, hard) in limits {
        setrlimit(resource, soft, hard).map_err(|source| SandboxError::Limit { what, source })?;
    }
    let threads = std::fs::read_dir("/proc/self/task").map_or(1, |d| d.count());
    if threads != 1 {
        return Err(SandboxError::Threads(threads));
    }
    let (landlock_abi, landlock) = restrict_files()?;
    let seccomp = filter_calls()?;
    #[cfg(feature = "failpoints")]
    hooks::after(probe);
    Ok(Confinement {
        landlock_abi,
        landlock,
        seccomp,
    })
}

/// The Landlock ruleset: every access right of the newest ABI this crate knows, none allowed;
/// the kernel keeps those it has (best effort), and a kernel without Landlock keeps none.
fn restrict_files() -> Result<(Option<u32>, bool), SandboxError> {
    use landlock::{
        ABI, Access, AccessFs, AccessNet, LandlockStatus, Ruleset, RulesetAttr, RulesetStatus,
        Scope,
    };
    let newest = ABI::V10;
    let status = Ruleset::default()
        .handle_access(AccessFs::from_all(newest))?
        .handle_access(AccessNet::from_all(newest))?
        .scope(Scope::from_all(newest))?
        .create()?
        .restrict_self()?;
    let abi = match status.landlock {
        LandlockStatus::Available {
            effective_abi,
            kernel_abi,
        } => kernel_abi
            .and_then(|v| u32::try_from(v).ok())
            .or_else(|| effective_abi.to_string().parse().ok()),
        _ => None,
    };
    Ok((abi, status.ruleset != RulesetStatus::NotEnforced))
}

/// Installs the seccomp filters: the refusals first (they let every other call through), then
/// the list, which must come last since it forbids `seccomp` itself. Returns false when the
/// kernel has no seccomp filters (the first install fails with EINVAL or ENOSYS), or on a
/// processor the filter compiler does not know (it knows x86_64, aarch64 and riscv64).
fn filter_calls() -> Result<bool, SandboxError> {
    let Ok(arch) = TargetArch::try_from(std::env::consts::ARCH) else {
        return Ok(false);
    };
    for (n, (call, errno)) in REFUSED.into_iter().enumerate() {
        let program = compile(
            [(call, vec![])].into(),
            SeccompAction::Allow,
            SeccompAction::Errno(errno as u32),
            arch,
        )?;
        match seccompiler::apply_filter_all_threads(&program) {
            Ok(()) => {}
            Err(seccompiler::Error::Seccomp(e))
                if n == 0 && matches!(e.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS)) =>
            {
                return Ok(false);
            }
            Err(e) => return Err(e.into()),
        }
    }
    let program = compile(
        allowed(std::process::id())?,
        SeccompAction::KillProcess,
        SeccompAction::Allow,
        arch,
    )?;
    seccompiler::apply_filter_all_threads(&program)?;
    Ok(true)
}

fn compile(
    rules: BTreeMap<i64, Vec<SeccompRule>>,
    mismatch: SeccompAction,
    matched: SeccompAction,
    arch: TargetArch,
) -> Result<seccompiler::BpfProgram, SandboxError> {
    Ok(SeccompFilter::new(rules, mismatch, matched, arch)?.try_into()?)
}

/// Argument `arg` (32 bits) equals `value`.
fn eq(arg: u8, value: u64) -> Result<SeccompCondition, BackendError> {
    SeccompCondition::new(arg, SeccompCmpArgLen::Dword, SeccompCmpOp::Eq, value)
}

/// Argument `arg` (64 bits), masked by `mask`, equals `value`.
fn masked(arg: u8, mask: u64, value: u64) -> Result<SeccompCondition, BackendError> {
    SeccompCondition::new(
        arg,
        SeccompCmpArgLen::Qword,
        SeccompCmpOp::MaskedEq(mask),
        value,
    )
}

/// A rule that holds when all its conditions do.
fn all(conditions: Vec<SeccompCondition>) -> Result<SeccompRule, BackendError> {
    SeccompRule::new(conditions)
}

/// The system calls a confined worker may make, and on which arguments; any other kills it.
/// The list comes from `strace -f` of workers cleaning every attachment fixture, the shared
/// MIME corpus, the fuzz seeds and a generated benchmark corpus, plus the paths a panic and an
/// abort take; `mail-parser` and the anonymise functions need nothing more (memory only).
/// `pid` is the worker's own process, the only one it may signal.
pub fn allowed(pid: u32) -> Result<BTreeMap<i64, Vec<SeccompRule>>, BackendError> {
    let any = Vec::new;
    let never_exec = || masked(2, libc::PROT_EXEC as u64, 0);
    let mut r = BTreeMap::new();
    // Requests arrive on standard input, the pipe from the service; nothing else is read.
    r.insert(libc::SYS_read, vec![all(vec![eq(0, 0)?])?]);
    // Replies leave on standard output, the pipe back. Standard error carries only the
    // runtime's own words (a panic's place, a stack overflow), never a file's content.
    r.insert(
        libc::SYS_write,
        vec![all(vec![eq(0, 1)?])?, all(vec![eq(0, 2)?])?],
    );
    // A reply frame (its head and each attachment) leaves in one vectored write.
    r.insert(libc::SYS_writev, vec![all(vec![eq(0, 1)?])?]);
    // Memory for malloc's arenas, large buffers and thread stacks: anonymous mappings, never
    // executable (so no new code can be mapped or written and run).
    let anonymous = libc::MAP_ANONYMOUS as u64;
    r.insert(
        libc::SYS_mmap,
        vec![all(vec![never_exec()?, masked(3, anonymous, anonymous)?])?],
    );
    // Guard pages of thread stacks and malloc's heaps: protections change, never to executable.
    r.insert(libc::SYS_mprotect, vec![all(vec![never_exec()?])?]);
    // Giving memory back (free, thread stacks) and growing large buffers in place (realloc).
    r.insert(libc::SYS_munmap, any());
    r.insert(libc::SYS_mremap, any());
    // malloc returns freed pages of its heaps and thread stacks (MADV_DONTNEED).
    r.insert(libc::SYS_madvise, any());
    // The main heap (malloc's main arena).
    r.insert(libc::SYS_brk, any());
    // A thread per file (a bounded stack for the cleaner): threads only, never a process
    // (CLONE_THREAD set) and never a new namespace. `clone3` is listed so that its refusal
    // (ENOSYS) applies.
    let thread = libc::CLONE_THREAD as u64;
    let namespaces = NEW_NAMESPACES as u64;
    r.insert(
        libc::SYS_clone,
        vec![all(vec![masked(0, thread | namespaces, thread)?])?],
    );
    r.insert(libc::SYS_clone3, any());
    // Listed so that its refusal (EPERM) applies: glibc's malloc opens a file of /proc by
    // itself and copes with the refusal; Landlock would refuse it too.
    r.insert(libc::SYS_openat, any());
    // A new thread registers itself with the kernel (glibc): restartable sequences, its robust
    // futex list, its signal mask; Rust gives it an alternate signal stack for reporting a
    // stack overflow, and reads its stack's bounds (pthread_getattr_np asks the affinity).
    r.insert(libc::SYS_rseq, any());
    r.insert(libc::SYS_set_robust_list, any());
    r.insert(libc::SYS_rt_sigprocmask, any());
    r.insert(libc::SYS_sigaltstack, any());
    r.insert(libc::SYS_sched_getaffinity, any());
    // glibc installs its thread-cancellation handler when the first thread starts.
    r.insert(libc::SYS_rt_sigaction, any());
    // Returning from a signal handler (Rust's stack-overflow handler).
    r.insert(libc::SYS_rt_sigreturn, any());
    // Rust names the cleaning thread (PR_SET_NAME, and no other prctl).
    r.insert(
        libc::SYS_prctl,
        vec![all(vec![eq(0, libc::PR_SET_NAME as u64)?])?],
    );
    // Waiting for the cleaning thread and locks: the plain wait and wake operations only (the
    // mask keeps the command bits, without the private and clock flags).
    let futex_ops = [
        libc::FUTEX_WAIT,
        libc::FUTEX_WAKE,
        libc::FUTEX_WAIT_BITSET,
        libc::FUTEX_WAKE_BITSET,
    ];
    let futex = futex_ops.map(|op| all(vec![masked(1, 0x7f, op as u64)?]));
    r.insert(
        libc::SYS_futex,
        futex.into_iter().collect::<Result<_, _>>()?,
    );
    // Random keys of Rust's hash maps (GRND_INSECURE): no file, no device.
    r.insert(libc::SYS_getrandom, any());
    // Time, for a time budget (normally answered without the kernel, by the vDSO).
    r.insert(libc::SYS_clock_gettime, any());
    // Thread and process ids: a thread's start, and abort() below.
    r.insert(libc::SYS_gettid, any());
    r.insert(libc::SYS_getpid, any());
    // abort() (a stack overflow, a failed allocation): SIGABRT to a thread of this process
    // only, so that the parent sees an abort, not a sandbox kill.
    r.insert(
        libc::SYS_tgkill,
        vec![all(vec![
            eq(0, u64::from(pid))?,
            eq(2, libc::SIGABRT as u64)?,
        ])?],
    );
    // Ending a thread, and the worker.
    r.insert(libc::SYS_exit, any());
    r.insert(libc::SYS_exit_group, any());
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_compiles_and_every_refusal_is_on_it() {
        let rules = allowed(1).unwrap();
        for (call, _) in REFUSED {
            assert!(
                rules.contains_key(&call),
                "{call} would be killed, not refused"
            );
        }
        for call in [
            libc::SYS_open,
            libc::SYS_socket,
            libc::SYS_connect,
            libc::SYS_execve,
            libc::SYS_ptrace,
            libc::SYS_kill,
            libc::SYS_io_uring_setup,
        ] {
            assert!(!rules.contains_key(&call), "{call} must not be allowed");
        }
        let arch = TargetArch::try_from(std::env::consts::ARCH).unwrap();
        let program = compile(
            rules,
            SeccompAction::KillProcess,
            SeccompAction::Allow,
            arch,
        );
        assert!(program.unwrap().len() < 500);
    }

    #[test]
    fn the_description_names_what_is_denied() {
        let full = Confinement {
            landlock_abi: Some(6),
            landlock: true,
            seccomp: true,
        };
        assert!(full.complete());
        let d = full.describe();
        assert!(d.contains("seccomp") && d.contains("Landlock ABI 6"), "{d}");
        assert!(d.contains("no TCP") && d.contains("signals"), "{d}");
        let old = Confinement {
            landlock_abi: Some(3),
            ..full.clone()
        };
        assert!(!old.describe().contains("TCP"));
        let none = Confinement {
            landlock_abi: None,
            landlock: false,
            seccomp: false,
        };
        assert!(!none.complete());
        assert!(none.describe().starts_with("no sandbox"));
    }
}
