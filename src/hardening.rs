//! Process hardening for anything that holds keys or writer data.

/// Disables core dumps and ptrace attachment by other processes of the same user
/// (`PR_SET_DUMPABLE` = 0, `RLIMIT_CORE` = 0), so neither keys nor writer data end up in a
/// core file or a debugger.
pub fn protect_process() -> Result<(), std::io::Error> {
    nix::sys::prctl::set_dumpable(false).map_err(std::io::Error::from)?;
    nix::sys::resource::setrlimit(nix::sys::resource::Resource::RLIMIT_CORE, 0, 0)
        .map_err(std::io::Error::from)?;
    Ok(())
}

/// Makes every file and directory this process creates private to its user (umask 077).
pub fn private_umask() {
    nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(0o077));
}

/// Whether this process may be dumped or traced (false after [`protect_process`]).
pub fn is_dumpable() -> bool {
    nix::sys::prctl::get_dumpable().unwrap_or(true)
}

/// jemalloc's settings for the service (`sourdine run`), over those compiled in: the pages it
/// frees go back to the kernel after 200 ms (not a second). The service holds the catalog for
/// days and sits idle between messages, and jemalloc hands back pages kept for reuse only when
/// it next allocates: after a start, about 9 MiB stayed with 100,000 tickets. At once (0 ms)
/// saved a little more and made intake a quarter slower (BENCHMARKS.md).
pub const SERVICE_MALLOC_CONF: &str = "dirty_decay_ms:200";

/// The environment variable jemalloc (as `tikv-jemalloc-sys` builds it) reads its settings
/// from when a program starts, over those compiled in.
pub const MALLOC_CONF_VAR: &str = "_RJEM_MALLOC_CONF";

/// jemalloc reads its settings from the environment only when a program starts, so this starts
/// the program again, in place (same process, same arguments), with [`SERVICE_MALLOC_CONF`] in
/// its environment. It does nothing when the variable is set (the operator's choice stands;
/// the program started again finds it set), or when the program cannot be found again; it
/// returns only then. Call it before any thread starts.
pub fn tune_service_allocator() {
    if std::env::var_os(MALLOC_CONF_VAR).is_some() {
        return;
    }
    use std::os::unix::process::CommandExt;
    let mut args = std::env::args_os();
    let arg0 = args.next().unwrap_or_default();
    let mut command = std::process::Command::new("/proc/self/exe");
    command
        .arg0(arg0)
        .args(args)
        .env(MALLOC_CONF_VAR, SERVICE_MALLOC_CONF);
    // `exec` returns only on failure; the service then runs with the compiled-in settings.
    let _ = command.exec();
}

#[cfg(test)]
mod tests {
    #[test]
    fn protection_turns_dumping_off() {
        // Runs in a child so the test process itself stays debuggable.
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "hardening::tests::child_protects_itself",
                "--nocapture",
            ])
            .env("SOURDINE_HARDENING_CHILD", "1")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("dumpable=false"));
    }

    #[test]
    fn child_protects_itself() {
        if std::env::var_os("SOURDINE_HARDENING_CHILD").is_none() {
            return;
        }
        super::protect_process().unwrap();
        println!("dumpable={}", super::is_dumpable());
        let (soft, hard) =
            nix::sys::resource::getrlimit(nix::sys::resource::Resource::RLIMIT_CORE).unwrap();
        assert_eq!((soft, hard), (0, 0));
    }
}
