//! Text from the counsellor's editor, in a private temporary file that is removed after.

use std::fs;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::process::Command;
use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set when this process got SIGHUP (the terminal closed), once [`outlive_hangup`] was called.
static HUNG_UP: OnceLock<Arc<AtomicBool>> = OnceLock::new();

/// Lets this process outlive the closing of its terminal (SIGHUP) instead of ending at once,
/// so that a text saved in the editor before the terminal closed can still be kept by its
/// caller: [`edit`] then returns what was saved, even though the editor itself ended with the
/// hangup. The editor gets the signal as usual (handlers do not survive `exec`).
pub fn outlive_hangup() -> std::io::Result<()> {
    if HUNG_UP.get().is_some() {
        return Ok(());
    }
    let flag = Arc::new(AtomicBool::new(false));
    signal_hook::flag::register(signal_hook::consts::SIGHUP, flag.clone())?;
    let _ = HUNG_UP.set(flag);
    Ok(())
}

/// Whether the terminal closed (see [`outlive_hangup`]).
pub fn hung_up() -> bool {
    HUNG_UP.get().is_some_and(|f| f.load(Ordering::SeqCst))
}

/// Opens `$VISUAL` (else `$EDITOR`, else `vi`) on `template` and returns what was saved.
/// The temporary file is created 0600 in a fresh 0700 directory and removed afterwards.
/// An editor that fails is an error, unless the terminal closed (see [`outlive_hangup`]).
pub fn edit(template: &str) -> std::io::Result<String> {
    let dir = tempfile::Builder::new().prefix("ticket-").tempdir()?;
    let path = dir.path().join("text.txt");
    {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)?;
        f.write_all(template.as_bytes())?;
    }
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .unwrap_or_else(|_| "vi".into());
    let mut parts = editor.split_whitespace();
    let program = parts.next().unwrap_or("vi");
    let status = Command::new(program)
        .args(parts)
        .arg(&path)
        .status()
        .map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!("the editor `{editor}` could not be started ({e}); set $VISUAL or $EDITOR"),
            )
        })?;
    // An editor ended by the closing terminal: what it saved before is the counsellor's text.
    if !status.success() && !hung_up() {
        return Err(std::io::Error::other(format!(
            "the editor `{editor}` failed ({status})"
        )));
    }
    let text = fs::read_to_string(&path)?;
    drop(dir);
    Ok(text)
}

/// Removes the lines that start with `#` (the template's instructions).
pub fn strip_comments(text: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn comments_are_stripped() {
        assert_eq!(
            super::strip_comments("hello\n# hint\nworld\n\n"),
            "hello\nworld"
        );
    }
}
