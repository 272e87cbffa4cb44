//! Text from the counsellor's editor, in a private temporary file that is removed after.

use std::fs;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::process::Command;

/// Opens `$VISUAL` (else `$EDITOR`, else `vi`) on `template` and returns what was saved.
/// The temporary file is created 0600 in a fresh 0700 directory and removed afterwards.
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
    if !status.success() {
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
