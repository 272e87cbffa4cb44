//! Man pages and shell completions, generated from the command-line definitions themselves
//! (so they cannot drift from `--help`).

use std::path::Path;

/// Writes `NAME.1` and one page per subcommand (`NAME-SUB.1`) into `dir/man1`, and bash,
/// zsh and fish completions into `dir/completions`.
pub fn generate(mut cmd: clap::Command, dir: &Path) -> std::io::Result<Vec<String>> {
    use clap_complete::Shell;
    let name = cmd.get_name().to_string();
    let man = dir.join("man1");
    let completions = dir.join("completions");
    std::fs::create_dir_all(&man)?;
    std::fs::create_dir_all(&completions)?;
    cmd.build();
    let mut written = Vec::new();
    clap_mangen::generate_to(cmd.clone(), &man)?;
    for e in std::fs::read_dir(&man)?.flatten() {
        let f = e.file_name().to_string_lossy().into_owned();
        // clap_mangen also writes pages for the `help` pseudo-subcommand: not worth a page.
        if f.contains("-help") {
            std::fs::remove_file(e.path())?;
        } else if f.starts_with(&name) {
            written.push(format!("man1/{f}"));
        }
    }
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
        let path = clap_complete::generate_to(shell, &mut cmd, &name, &completions)?;
        if let Some(f) = path.file_name() {
            written.push(format!("completions/{}", f.to_string_lossy()));
        }
    }
    written.sort();
    Ok(written)
}
