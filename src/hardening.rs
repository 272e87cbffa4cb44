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
