//! Attachment cleaning in a child process that may crash without taking the service down.
//!
//! Parsing hostile files can crash a parser in ways no `catch_unwind` stops (lopdf can
//! overflow the stack). So the cleaners of [`crate::anonymise::clean`] run in a long-lived
//! child process of the same binary (`sourdine __clean-worker`) that lowers its own limits
//! at start (address space, CPU time, no file writes, few file descriptors, no core dumps,
//! no new privileges) and then shuts itself in ([`super::sandbox`]: Landlock and seccomp), so
//! that it can only read its pipe, write its pipe and use memory; the cleaning thread has a
//! bounded stack. The parent sends one file at a time over a pipe, waits at most `timeout`,
//! and restarts the worker if it dies or hangs; that attachment is then withheld, and the
//! message is still ticketed.

use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::anonymise::clean::{CleanError, CleanLimits};
use crate::anonymise::{AttachmentKind, WithheldReason};
use crate::frame;
use crate::intake::sandbox::{self, Confinement, SandboxError};

/// The hidden subcommand that runs the worker.
pub const WORKER_COMMAND: &str = "__clean-worker";

/// Stack of the thread that runs a cleaner in the worker.
const CLEANER_STACK: usize = 16 * 1024 * 1024;
/// The worker is replaced after this many files (its CPU-time limit is cumulative).
const MAX_SERVED: u32 = 500;

/// How a file came back: the head of a reply frame, followed by the cleaned bytes after
/// `Cleaned`. (A request frame is the [`AttachmentKind`] followed by the file's bytes.) The
/// bytes follow the head unframed so that a large file is not copied again to be encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
enum Reply {
    Cleaned,
    Unsupported,
    Encrypted,
    Damaged,
    Limit,
}

/// Worker settings.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// The cleaners' limits.
    pub limits: CleanLimits,
    /// Wall-clock time allowed for one file.
    pub timeout: Duration,
    /// Address-space limit of the worker, in MiB.
    pub memory_mib: u64,
    /// CPU seconds the worker may use before it is replaced.
    pub cpu_secs: u64,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        WorkerSettings {
            limits: CleanLimits::default(),
            timeout: Duration::from_secs(30),
            memory_mib: 1024,
            cpu_secs: 600,
        }
    }
}

/// Why a worker ended with an error.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    /// It could not confine itself: it must end with [`sandbox::FAILED_STATUS`].
    #[error("the attachment cleaner could not confine itself: {0}")]
    Sandbox(#[from] SandboxError),
    /// Its pipes failed or a request was malformed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// The worker's main loop (`sourdine __clean-worker`): lowers its limits and confines itself,
/// then cleans one file per request until its input closes.
pub fn worker_main(settings: &WorkerSettings) -> Result<(), WorkerError> {
    sandbox::confine(settings.memory_mib, settings.cpu_secs)?;
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut input = stdin.lock();
    let mut output = stdout.lock();
    // The request buffer goes back and forth with the cleaning thread and is kept from one
    // request to the next: a large attachment is not written into fresh pages every time.
    let mut frame = Vec::new();
    loop {
        match frame::read_into(&mut input, u64::MAX >> 1, &mut frame) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e.into()),
        }
        let (kind, rest) = frame::split::<AttachmentKind>(&frame)?;
        let head = frame.len() - rest.len();
        crate::failpoint::hit("clean-worker-crash");
        crate::failpoint::hang("clean-worker-hang");
        let limits = settings.limits.clone();
        let (reply, cleaned, request) = std::thread::Builder::new()
            .name("cleaner".into())
            .stack_size(CLEANER_STACK)
            .spawn(move || {
                let (reply, cleaned) =
                    match crate::anonymise::clean::clean(kind, &frame[head..], &limits) {
                        Ok(b) => (Reply::Cleaned, b),
                        Err(CleanError::Unsupported) => (Reply::Unsupported, Vec::new()),
                        Err(CleanError::Encrypted) => (Reply::Encrypted, Vec::new()),
                        Err(CleanError::Malformed(_)) => (Reply::Damaged, Vec::new()),
                        Err(CleanError::Limit(_)) => (Reply::Limit, Vec::new()),
                    };
                (reply, cleaned, frame)
            })?
            .join()
            .unwrap_or((Reply::Damaged, Vec::new(), Vec::new()));
        frame = request;
        frame::write(&mut output, &reply, &cleaned)?;
        output.flush()?;
    }
}

/// `sourdine __clean-worker --sandbox-report`: confines itself as a worker does, then prints
/// what could be applied (one line of JSON) instead of serving requests.
pub fn report_main(settings: &WorkerSettings) -> Result<(), WorkerError> {
    let confinement = sandbox::confine(settings.memory_mib, settings.cpu_secs)?;
    let line = serde_json::to_string(&confinement).map_err(std::io::Error::other)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")?;
    out.flush()?;
    Ok(())
}

/// Why a worker could not say what its sandbox applies.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The worker could not be started.
    #[error("cannot start the attachment cleaner: {0}")]
    Start(#[from] std::io::Error),
    /// The kernel refused a restriction it supports: every worker would end at start.
    #[error("the attachment cleaner cannot confine itself ({status}): {message}")]
    Refused {
        /// The worker's exit status.
        status: ExitStatus,
        /// The worker's own words (no file was read).
        message: String,
    },
    /// The worker ended otherwise, or its answer could not be read.
    #[error("the attachment cleaner ended without an answer ({0})")]
    Failed(ExitStatus),
}

/// Starts `program __clean-worker --sandbox-report` and returns what the worker's sandbox
/// applies on this kernel.
pub fn sandbox_report(program: &Path) -> Result<Confinement, ReportError> {
    let mut command = Command::new(program);
    command.env_clear();
    if let Some(fp) = crate::failpoint::inherited() {
        command.env("SOURDINE_FAILPOINT", fp);
    }
    let out = command
        .args([WORKER_COMMAND, "--sandbox-report"])
        .stdin(Stdio::null())
        .output()?;
    if out.status.code() == Some(i32::from(sandbox::FAILED_STATUS)) {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let line = stderr.trim().lines().last().unwrap_or_default();
        return Err(ReportError::Refused {
            status: out.status,
            message: line
                .rsplit("confine itself: ")
                .next()
                .unwrap_or(line)
                .to_string(),
        });
    }
    match serde_json::from_slice(&out.stdout) {
        Ok(c) if out.status.success() => Ok(c),
        _ => Err(ReportError::Failed(out.status)),
    }
}

/// Logs, once at the service's start, what the cleaner's sandbox applies on this kernel: a
/// warning when a layer is missing, an error when the worker cannot confine itself at all.
pub fn log_sandbox() {
    let Some(program) = worker_program() else {
        return;
    };
    match sandbox_report(&program) {
        Ok(c) if c.complete() => {
            tracing::info!(sandbox = %c.describe(), "the attachment cleaner is confined");
        }
        Ok(c) => {
            let missing: Vec<&str> = [("Landlock", c.landlock), ("seccomp", c.seccomp)]
                .into_iter()
                .filter_map(|(name, on)| (!on).then_some(name))
                .collect();
            tracing::warn!(
                missing = %missing.join(" and "),
                sandbox = %c.describe(),
                "the attachment cleaner runs without part of its sandbox: this kernel lacks it, or a system-call filter hides it (`sourdine doctor` says how to fix it)"
            );
        }
        Err(e) => tracing::error!(
            error = %e,
            "the attachment cleaner cannot confine itself: every attachment will be withheld (`sourdine doctor` says more)"
        ),
    }
}

/// Says how a worker ended when it died or hung, from its status only (nothing of the file).
fn log_end(timed_out: bool, status: Option<ExitStatus>) {
    use std::os::unix::process::ExitStatusExt;
    let code = status.and_then(|s| s.code());
    let signal = status.and_then(|s| s.signal());
    if code == Some(i32::from(sandbox::FAILED_STATUS)) {
        tracing::error!(
            exit_status = sandbox::FAILED_STATUS,
            "the attachment cleaner could not confine itself (the kernel refused a restriction it supports); the attachment is withheld (`sourdine doctor` checks the sandbox)"
        );
    } else if signal == Some(nix::libc::SIGSYS) {
        tracing::warn!(
            signal = "SIGSYS",
            "the attachment cleaner was stopped by its sandbox (it made a system call it may not make); it is restarted and the attachment withheld"
        );
    } else {
        tracing::warn!(
            timed_out,
            status = ?status,
            "the attachment cleaner died or hung on a file; only the worker was affected: it is restarted and the attachment withheld"
        );
    }
}

struct Worker {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    served: u32,
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The parent's side: a pool of workers, restarted when they die or hang.
pub struct Cleaner {
    program: PathBuf,
    settings: WorkerSettings,
    workers: Vec<Mutex<Option<Worker>>>,
}

impl std::fmt::Debug for Cleaner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cleaner")
            .field("program", &self.program)
            .finish()
    }
}

/// The program that runs workers: this executable when it is `sourdine`, else a `sourdine`
/// beside it or one directory up (tests and benchmarks run from `target/*/deps`).
pub fn worker_program() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    if exe.file_name().is_some_and(|n| n == "sourdine") {
        return Some(exe);
    }
    let dir = exe.parent()?;
    [dir.join("sourdine"), dir.parent()?.join("sourdine")]
        .into_iter()
        .find(|p| p.is_file())
}

impl Cleaner {
    /// A pool of `workers` (started on first use) running `program __clean-worker`.
    pub fn new(program: &Path, settings: WorkerSettings, workers: usize) -> Cleaner {
        Cleaner {
            program: program.to_path_buf(),
            settings,
            workers: (0..workers.max(1)).map(|_| Mutex::new(None)).collect(),
        }
    }

    fn spawn(&self) -> std::io::Result<Worker> {
        let s = &self.settings;
        let l = &s.limits;
        let mut command = Command::new(&self.program);
        command.env_clear();
        if let Some(fp) = crate::failpoint::inherited() {
            command.env("SOURDINE_FAILPOINT", fp);
        }
        let mut child = command
            .arg(WORKER_COMMAND)
            .args([
                format!("--memory-mib={}", s.memory_mib),
                format!("--cpu-secs={}", s.cpu_secs),
                format!("--max-zip-members={}", l.max_zip_members),
                format!("--max-expanded-bytes={}", l.max_expanded_bytes),
                format!("--max-pdf-depth={}", l.max_pdf_depth),
                format!("--max-image-pixels={}", l.max_image_pixels),
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdin = child.stdin.take().expect("piped");
        let stdout = BufReader::new(child.stdout.take().expect("piped"));
        Ok(Worker {
            child,
            stdin,
            stdout,
            served: 0,
        })
    }

    /// Cleans one file in a worker. On a worker crash or timeout the worker is replaced and
    /// the file withheld. The cleaned bytes come back in the buffer the file was given in.
    pub fn clean(&self, kind: AttachmentKind, bytes: Vec<u8>) -> Result<Vec<u8>, WithheldReason> {
        // Any free worker, else wait for the first.
        let slot = self
            .workers
            .iter()
            .find_map(|w| w.try_lock().ok())
            .unwrap_or_else(|| self.workers[0].lock().unwrap_or_else(|e| e.into_inner()));
        let mut slot = slot;
        if slot.as_ref().is_some_and(|w| w.served >= MAX_SERVED) {
            *slot = None;
        }
        if slot.is_none() {
            match self.spawn() {
                Ok(w) => *slot = Some(w),
                Err(e) => {
                    tracing::error!(error = %e, "cannot start the attachment cleaner; the attachment is withheld");
                    return Err(WithheldReason::CleanerFailed);
                }
            }
        }
        let worker = slot.as_mut().expect("just started");
        let limit = bytes.len() as u64 * 4 + 1024 * 1024;
        let pid = worker.child.id();
        let (tx, rx) = std::sync::mpsc::channel();
        let result = std::thread::scope(|scope| {
            let stdin = &mut worker.stdin;
            let stdout = &mut worker.stdout;
            let mut buf = bytes;
            scope.spawn(move || {
                let r = frame::write(stdin, &kind, &buf)
                    .and_then(|()| stdin.flush())
                    .and_then(|()| frame::read_into(stdout, limit, &mut buf))
                    .map(|()| buf);
                let _ = tx.send(r);
            });
            match rx.recv_timeout(self.settings.timeout) {
                Ok(r) => r.map_err(|e| (false, e.to_string())),
                Err(_) => {
                    // Unblock the I/O thread by killing the worker.
                    let _ = nix::sys::signal::kill(
                        nix::unistd::Pid::from_raw(pid as i32),
                        nix::sys::signal::Signal::SIGKILL,
                    );
                    let _ = rx.recv();
                    Err((true, "timed out".into()))
                }
            }
        });
        worker.served += 1;
        match result {
            Ok(mut frame) => match frame::split::<Reply>(&frame).map(|(r, rest)| (r, rest.len())) {
                Ok((Reply::Cleaned, len)) => {
                    // The cleaned bytes are the frame's tail: keep them in place.
                    frame.drain(..frame.len() - len);
                    Ok(frame)
                }
                Ok((Reply::Unsupported, _)) => Err(WithheldReason::NotCleaned),
                Ok((Reply::Encrypted, _)) => Err(WithheldReason::Encrypted),
                Ok((Reply::Damaged, _)) => Err(WithheldReason::Damaged),
                Ok((Reply::Limit, _)) => Err(WithheldReason::LimitExceeded),
                Err(_) => {
                    *slot = None;
                    Err(WithheldReason::CleanerFailed)
                }
            },
            Err((timed_out, _)) => {
                let status = slot.as_mut().and_then(|w| w.child.wait().ok());
                log_end(timed_out, status);
                *slot = None;
                Err(WithheldReason::CleanerFailed)
            }
        }
    }
}
