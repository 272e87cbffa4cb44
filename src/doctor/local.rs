//! The checks that need no network: the configuration, permissions (data directory, store
//! files, key files, password files, control socket), free disk space and the clock.
//!
//! The store is never opened: its files are looked at (mode, owner, time), never read, so
//! doctor can run beside the service. The "service user" is the owner of `data_dir`:
//! everything the service reads or writes must belong to it.

use std::fs;
use std::io::ErrorKind;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::check::{Check, Verdict};
use super::service_user::{ServiceUser, account, group};
use crate::config::{AfterIntake, Config};

/// The id of the configuration check.
pub(crate) const CONFIG_ID: &str = "config";
/// The name of the configuration check.
pub(crate) const CONFIG_NAME: &str = "configuration";

/// When this program was built (seconds since the epoch; `$SOURCE_DATE_EPOCH` if it was set).
pub const BUILD_EPOCH: &str = env!("SOURDINE_BUILD_EPOCH");

/// Below this much free space the disk check warns.
pub const DISK_WARN_BYTES: u64 = 2 << 30;
/// Below this share of the file system free (percent), the disk check warns.
pub const DISK_WARN_PERCENT: u64 = 5;
/// Below this much free space the disk check fails: a batch of mail may not fit.
pub const DISK_FAIL_BYTES: u64 = 256 << 20;

/// Runs every local check, in the order they are printed.
pub fn checks(cfg: &Config) -> Vec<Check> {
    let service = ServiceUser::of(&cfg.data_dir);
    let mut out = vec![config(cfg)];
    if let Some(imap) = &cfg.imap {
        out.push(after_intake(&imap.after_intake));
    }
    out.push(data_dir(cfg, service.as_ref()));
    out.push(store(cfg, service.as_ref()));
    out.push(keys(cfg, service.as_ref()));
    out.push(password_files(cfg, service.as_ref()));
    out.push(socket(cfg));
    out.push(super::reveal::check(&cfg.roles, service.as_ref()));
    out.push(super::classification::check(cfg));
    out.push(disk(&cfg.data_dir));
    out.push(clock(cfg));
    out
}

// --- pure judgements ----------------------------------------------------------------------

/// Who besides its owner may use a file or directory, from its mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exposure {
    /// Only the owner (0600, 0700).
    Private,
    /// Its group too.
    Group,
    /// Everybody.
    Others,
}

/// Who besides the owner may use something with this mode.
pub fn exposure(mode: u32) -> Exposure {
    if mode & 0o007 != 0 {
        Exposure::Others
    } else if mode & 0o070 != 0 {
        Exposure::Group
    } else {
        Exposure::Private
    }
}

/// One problem found, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Fail or warn.
    pub verdict: Verdict,
    /// What is wrong, naming the path.
    pub problem: String,
    /// The command or step that fixes it.
    pub fix: String,
}

impl Finding {
    fn fail(problem: impl Into<String>, fix: impl Into<String>) -> Finding {
        Finding {
            verdict: Verdict::Fail,
            problem: problem.into(),
            fix: fix.into(),
        }
    }
    fn warn(problem: impl Into<String>, fix: impl Into<String>) -> Finding {
        Finding {
            verdict: Verdict::Warn,
            problem: problem.into(),
            fix: fix.into(),
        }
    }
}

/// What the bits of one class (`rwx`) let someone do.
fn rights(bits: u32, is_dir: bool) -> String {
    let mut r = Vec::new();
    if bits & 4 != 0 {
        r.push(if is_dir { "list" } else { "read" });
    }
    if bits & 2 != 0 {
        r.push("change");
    }
    if bits & 1 != 0 {
        r.push(if is_dir { "enter" } else { "run" });
    }
    r.join(" and ")
}

/// Judges something that must be private to its owner: 0700 for a directory, 0600 for a
/// file. Access for others fails; access for its group gives `group` (fail or warn).
pub fn judge_private(path: &Path, mode: u32, is_dir: bool, group: Verdict) -> Option<Finding> {
    let want = if is_dir { "700" } else { "600" };
    let fix = format!("chmod {want} {}", path.display());
    let mode = mode & 0o7777;
    match exposure(mode) {
        Exposure::Private => None,
        Exposure::Others => Some(Finding::fail(
            format!(
                "{} has mode {mode:04o}: others can {} it",
                path.display(),
                rights(mode & 0o007, is_dir)
            ),
            fix,
        )),
        Exposure::Group => Some(Finding {
            verdict: group,
            problem: format!(
                "{} has mode {mode:04o}: its group can {} it",
                path.display(),
                rights((mode >> 3) & 0o007, is_dir)
            ),
            fix,
        }),
    }
}

/// Judges the owner of something the service must own.
pub fn judge_owner(path: &Path, uid: u32, service: &ServiceUser, is_dir: bool) -> Option<Finding> {
    (uid != service.uid).then(|| {
        Finding::fail(
            format!(
                "{} belongs to {}, not to {} (the owner of data_dir, which the service runs as)",
                path.display(),
                account(uid),
                service.name
            ),
            format!(
                "chown {}{}:{} {}",
                if is_dir { "-R " } else { "" },
                service.name,
                service.group,
                path.display()
            ),
        )
    })
}

/// Whether user `uid` (primary group `gid`) may read a file with this mode and owner.
pub fn can_read(uid: u32, gid: u32, mode: u32, file_uid: u32, file_gid: u32) -> bool {
    uid == 0
        || (file_uid == uid && mode & 0o400 != 0)
        || (file_uid != uid && file_gid == gid && mode & 0o040 != 0)
        || (file_uid != uid && file_gid != gid && mode & 0o004 != 0)
}

/// Folds findings into one check: the worst verdict, every problem (the first few named),
/// and their fixes.
pub fn fold(id: &str, name: &str, ok_detail: String, mut findings: Vec<Finding>) -> Check {
    if findings.is_empty() {
        return Check::ok(id, name, ok_detail);
    }
    findings.sort_by_key(|f| std::cmp::Reverse(f.verdict));
    let verdict = findings[0].verdict;
    const SHOWN: usize = 4;
    let mut detail: Vec<String> = findings
        .iter()
        .take(SHOWN)
        .map(|f| f.problem.clone())
        .collect();
    if findings.len() > SHOWN {
        detail.push(format!("and {} more", findings.len() - SHOWN));
    }
    let mut fixes: Vec<String> = Vec::new();
    for f in &findings {
        if !fixes.contains(&f.fix) {
            fixes.push(f.fix.clone());
        }
    }
    if fixes.len() > SHOWN {
        fixes.truncate(SHOWN);
        fixes.push("and the same for the rest".into());
    }
    let detail = detail.join("; ");
    let fix = fixes.join("; ");
    match verdict {
        Verdict::Fail => Check::fail(id, name, detail, fix),
        _ => Check::warn(id, name, detail, fix),
    }
}

/// The disk check's verdict from what `statvfs` says (bytes and inodes available to an
/// unprivileged user, and the totals; 0 inodes in total means the file system does not count
/// them).
pub fn disk_verdict(avail: u64, total: u64, inodes_avail: u64, inodes_total: u64) -> Verdict {
    let percent = |a: u64, t: u64| a.saturating_mul(100).checked_div(t).unwrap_or(100);
    if avail < DISK_FAIL_BYTES || (inodes_total > 0 && inodes_avail < 1000) {
        Verdict::Fail
    } else if avail < DISK_WARN_BYTES
        || percent(avail, total) < DISK_WARN_PERCENT
        || (inodes_total > 0 && percent(inodes_avail, inodes_total) < DISK_WARN_PERCENT)
    {
        Verdict::Warn
    } else {
        Verdict::Ok
    }
}

/// Whether the system says its clock is synchronised, and who says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sync {
    /// Synchronised, according to this source.
    Yes(String),
    /// Not synchronised, according to this source.
    No(String),
    /// Nothing on this system says (why).
    Unknown(String),
}

/// The clock check: `now` must be later than the build and than the newest file the store
/// wrote (a clock that went back), and the system should say it is synchronised.
pub fn clock_verdict(now: i64, build: i64, newest_store_file: Option<i64>, sync: &Sync) -> Check {
    const ID: &str = "clock";
    const NAME: &str = "clock";
    let fmt = crate::time::format_precise;
    // The build date comes from another machine's clock: allow a day.
    if now < build - 86_400 {
        return Check::fail(
            ID,
            NAME,
            format!(
                "the system clock says {}, before this program was built ({})",
                fmt(now),
                fmt(build)
            ),
            "set the clock and keep it synchronised (timedatectl set-ntp true, or install chrony)",
        );
    }
    if let Some(t) = newest_store_file
        && now < t - 300
    {
        return Check::fail(
            ID,
            NAME,
            format!(
                "the system clock says {}, before the store last wrote a file ({}): the clock went back",
                fmt(now),
                fmt(t)
            ),
            "set the clock and keep it synchronised (timedatectl set-ntp true, or install chrony); retention and reply times depend on it",
        );
    }
    let compared = if newest_store_file.is_some() {
        "later than this build and than the store's newest file"
    } else {
        "later than this build"
    };
    let base = format!("{}, {compared}; no server's time was compared", fmt(now));
    match sync {
        Sync::Yes(how) => Check::ok(ID, NAME, format!("{base}; synchronised ({how})")),
        Sync::No(how) => Check::warn(
            ID,
            NAME,
            format!("{base}; not synchronised ({how})"),
            "turn time synchronisation on (timedatectl set-ntp true, or install chrony): retention, audit and reply times depend on the clock",
        ),
        Sync::Unknown(why) => Check::warn(
            ID,
            NAME,
            format!("{base}; whether it is synchronised is unknown ({why})"),
            "make sure the clock is synchronised (chronyc tracking, ntpq -p or timedatectl show, whichever this system uses)",
        ),
    }
}

fn me() -> u32 {
    nix::unistd::geteuid().as_raw()
}

fn cannot_look(path: &Path, e: &std::io::Error, service: Option<&ServiceUser>) -> Finding {
    let who = service
        .map(|s| s.name.as_str())
        .unwrap_or("the service user");
    Finding::fail(
        format!("cannot look at {}: {e}", path.display()),
        format!("run sourdine doctor as {who} or as root"),
    )
}

// --- the checks ------------------------------------------------------------------------------

fn config(cfg: &Config) -> Check {
    let mut findings = Vec::new();
    match fs::metadata(&cfg.source) {
        Ok(meta) => {
            let mode = meta.mode() & 0o7777;
            if mode & 0o002 != 0 {
                findings.push(Finding::fail(
                    format!(
                        "{} has mode {mode:04o}: anyone can change it (and send the mail elsewhere)",
                        cfg.source.display()
                    ),
                    format!("chmod o-w {}", cfg.source.display()),
                ));
            } else if mode & 0o020 != 0 {
                findings.push(Finding::warn(
                    format!(
                        "{} has mode {mode:04o}: its group can change it",
                        cfg.source.display()
                    ),
                    format!("chmod g-w {}", cfg.source.display()),
                ));
            }
        }
        Err(e) => findings.push(cannot_look(&cfg.source, &e, None)),
    }
    if cfg.replies.answer_within.is_some() {
        findings.push(Finding::warn(
            if cfg.uses_answer_within() {
                "replies.answer_within is deprecated: it is one text for every language (a Dutch acknowledgement gets the same words as a French one)"
            } else {
                "replies.answer_within is ignored: the acknowledgement computes the date from [hours]"
            },
            "remove replies.answer_within and describe the hours in [hours] (docs/OPERATING.md, \"Opening hours\"): the acknowledgement then gives the expected date in the writer's language",
        ));
    }
    let sections = match (&cfg.imap, &cfg.smtp) {
        (Some(_), Some(_)) => "[imap] and [smtp] are set".to_string(),
        (Some(_), None) => "[imap] is set; no [smtp]: replies wait in the outbox".to_string(),
        (None, Some(_)) => {
            "[smtp] is set; no [imap]: mail is taken in only with `sourdine ingest`".to_string()
        }
        (None, None) => {
            "no [imap] and no [smtp]: mail is taken in only with `sourdine ingest` and replies wait in the outbox".to_string()
        }
    };
    fold(
        CONFIG_ID,
        CONFIG_NAME,
        format!("{} is valid; {sections}", cfg.source.display()),
        findings,
    )
}

fn after_intake(a: &AfterIntake) -> Check {
    const ID: &str = "imap.after_intake";
    const NAME: &str = "after_intake";
    match a {
        AfterIntake::Delete => Check::ok(
            ID,
            NAME,
            "\"delete\": each message is removed from the mail server once its ticket is on disk",
        ),
        AfterIntake::Move(folder) => Check::warn(
            ID,
            NAME,
            format!(
                "\"move:{folder}\": every message is moved to {folder} on the mail server instead of being deleted, so a copy of each writer's mail stays with the provider"
            ),
            format!(
                "set after_intake = \"delete\" under [imap] (the default), restart the service, and empty {folder}"
            ),
        ),
    }
}

fn data_dir(cfg: &Config, service: Option<&ServiceUser>) -> Check {
    const ID: &str = "data_dir";
    const NAME: &str = "data directory";
    let dir = &cfg.data_dir;
    let meta = match fs::metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Check::fail(
                ID,
                NAME,
                format!("{} does not exist", dir.display()),
                "run `sourdine init` as the service user (deploy/install.sh does it)",
            );
        }
        Err(e) => return fold(ID, NAME, String::new(), vec![cannot_look(dir, &e, service)]),
    };
    if !meta.is_dir() {
        return Check::fail(
            ID,
            NAME,
            format!("{} is not a directory", dir.display()),
            "set data_dir to a directory of its own and run `sourdine init`",
        );
    }
    let mut findings: Vec<Finding> = judge_private(dir, meta.mode(), true, Verdict::Fail)
        .into_iter()
        .collect();
    let owner = account(meta.uid());
    if me() != 0 && me() != meta.uid() {
        findings.push(Finding::warn(
            format!(
                "{} belongs to {owner} but doctor runs as {}: it cannot look inside",
                dir.display(),
                account(me())
            ),
            format!("run sourdine doctor as {owner} or as root"),
        ));
    }
    fold(
        ID,
        NAME,
        format!(
            "{}: mode {:04o}, owner {owner} (the service user)",
            dir.display(),
            meta.mode() & 0o7777
        ),
        findings,
    )
}

/// What a walk of the data directory found.
#[derive(Debug, Default)]
struct Walk {
    entries: usize,
    others: Vec<(PathBuf, u32)>,
    group: Vec<(PathBuf, u32)>,
    foreign: Vec<(PathBuf, u32)>,
    errors: Vec<(PathBuf, std::io::Error)>,
    truncated: bool,
}

const WALK_LIMIT: usize = 200_000;

fn walk(dir: &Path, service_uid: u32) -> Walk {
    let mut w = Walk::default();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let rd = match fs::read_dir(&d) {
            Ok(rd) => rd,
            Err(e) => {
                w.errors.push((d, e));
                continue;
            }
        };
        for entry in rd.flatten() {
            if w.entries >= WALK_LIMIT {
                w.truncated = true;
                return w;
            }
            let path = entry.path();
            let Ok(meta) = fs::symlink_metadata(&path) else {
                continue;
            };
            w.entries += 1;
            if meta.file_type().is_symlink() {
                continue;
            }
            let mode = meta.mode() & 0o7777;
            match exposure(mode) {
                Exposure::Others => w.others.push((path.clone(), mode)),
                Exposure::Group => w.group.push((path.clone(), mode)),
                Exposure::Private => {}
            }
            if meta.uid() != service_uid {
                w.foreign.push((path.clone(), meta.uid()));
            }
            if meta.is_dir() {
                stack.push(path);
            }
        }
    }
    w
}

fn store(cfg: &Config, service: Option<&ServiceUser>) -> Check {
    const ID: &str = "store";
    const NAME: &str = "store files";
    let dir = &cfg.data_dir;
    let Some(service) = service else {
        return Check::skipped(ID, NAME, "no data directory");
    };
    match dir.join("db").join("conf").try_exists() {
        Ok(true) => {}
        Ok(false) => {
            return Check::fail(
                ID,
                NAME,
                format!("no store in {}", dir.display()),
                "run `sourdine init` as the service user (deploy/install.sh does it)",
            );
        }
        Err(e) => {
            return fold(
                ID,
                NAME,
                String::new(),
                vec![cannot_look(dir, &e, Some(service))],
            );
        }
    }
    let w = walk(dir, service.uid);
    let mut findings = Vec::new();
    // "PATH has mode 0644", or "3 entries, such as PATH (mode 0644),"; then who can read.
    let exposed = |v: &[(PathBuf, u32)], who: &str| -> String {
        let (p, mode) = &v[0];
        if v.len() == 1 {
            format!("{} has mode {mode:04o}: {who} can read it", p.display())
        } else {
            format!(
                "{} entries, such as {} (mode {mode:04o}): {who} can read them",
                v.len(),
                p.display()
            )
        }
    };
    if !w.others.is_empty() {
        findings.push(Finding::fail(
            exposed(&w.others, "others"),
            format!("chmod -R go= {}", dir.display()),
        ));
    }
    if !w.group.is_empty() {
        findings.push(Finding::warn(
            format!(
                "{} (the data directory's own mode keeps them out of reach for now)",
                exposed(&w.group, "the group")
            ),
            format!("chmod -R go= {}", dir.display()),
        ));
    }
    if !w.foreign.is_empty() {
        let (p, uid) = &w.foreign[0];
        let what = if w.foreign.len() == 1 {
            format!("{} belongs", p.display())
        } else {
            format!(
                "{} entries, such as {}, belong",
                w.foreign.len(),
                p.display()
            )
        };
        findings.push(Finding::fail(
            format!(
                "{what} to {}, not to {}: the service cannot write there",
                account(*uid),
                service.name
            ),
            format!(
                "chown -R {}:{} {}",
                service.name,
                service.group,
                dir.display()
            ),
        ));
    }
    for (p, e) in &w.errors {
        findings.push(cannot_look(p, e, Some(service)));
    }
    let in_use = running_pid(dir)
        .map(|pid| format!("in use by the running service (pid {pid})"))
        .unwrap_or_else(|| "not in use".into());
    fold(
        ID,
        NAME,
        format!(
            "{} entries{} under {}, all private to {}; {in_use}",
            w.entries,
            if w.truncated { " (the first)" } else { "" },
            dir.display(),
            service.name
        ),
        findings,
    )
}

/// The pid in the store's lock file, if that process still exists.
fn running_pid(data_dir: &Path) -> Option<u32> {
    let pid: u32 = fs::read_to_string(data_dir.join("lock"))
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Path::new(&format!("/proc/{pid}")).exists().then_some(pid)
}

fn keys(cfg: &Config, service: Option<&ServiceUser>) -> Check {
    const ID: &str = "keys";
    const NAME: &str = "key files";
    let dir = cfg.key_dir();
    let meta = match fs::metadata(&dir) {
        Ok(m) if m.is_dir() => m,
        Ok(_) => {
            return Check::fail(
                ID,
                NAME,
                format!("{} is not a directory", dir.display()),
                "set key_dir to a directory of its own, outside data_dir",
            );
        }
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Check::fail(
                ID,
                NAME,
                format!("the key directory {} does not exist", dir.display()),
                "for a new installation run `sourdine init`; if the store already holds tickets, restore the key files from the key backup (without them the store cannot be read)",
            );
        }
        Err(e) => {
            return fold(
                ID,
                NAME,
                String::new(),
                vec![cannot_look(&dir, &e, service)],
            );
        }
    };
    let mut findings = Vec::new();
    if let (Ok(k), Ok(d)) = (fs::canonicalize(&dir), fs::canonicalize(&cfg.data_dir))
        && k.starts_with(&d)
    {
        findings.push(Finding::fail(
            format!(
                "the key directory {} is inside the data directory {} (through a link): a copy of the data directory would carry its keys",
                dir.display(),
                cfg.data_dir.display()
            ),
            "move the key files to a directory outside data_dir and set key_dir to it",
        ));
    }
    findings.extend(judge_private(&dir, meta.mode(), true, Verdict::Fail));
    if let Some(s) = service {
        findings.extend(judge_owner(&dir, meta.uid(), s, true));
    }
    let names = key_file_names(&dir, service, &mut findings);
    for name in &names {
        findings.extend(judge_key_file(&dir.join(name), service));
    }
    fold(
        ID,
        NAME,
        format!(
            "{}: mode {:04o}, outside data_dir; {}: mode 0600{}",
            dir.display(),
            meta.mode() & 0o7777,
            names.join(", "),
            service
                .map(|s| format!(", owner {}", s.name))
                .unwrap_or_default()
        ),
        findings,
    )
}

/// The key files in `dir`, sorted; a missing key-encryption key or audit key is a finding.
fn key_file_names(
    dir: &Path,
    service: Option<&ServiceUser>,
    findings: &mut Vec<Finding>,
) -> Vec<String> {
    let mut names = Vec::new();
    match fs::read_dir(dir) {
        Ok(rd) => {
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name == "audit.key" || (name.starts_with("kek-") && name.ends_with(".key")) {
                    names.push(name);
                }
            }
        }
        Err(e) => findings.push(cannot_look(dir, &e, service)),
    }
    names.sort();
    let has_kek = names.iter().any(|n| n.starts_with("kek-"));
    let has_audit = names.iter().any(|n| n == "audit.key");
    if !has_kek || !has_audit {
        let missing = match (has_kek, has_audit) {
            (false, false) => "no key file (kek-*.key, audit.key)",
            (false, true) => "no key-encryption key (kek-*.key)",
            _ => "no audit.key",
        };
        findings.push(Finding::fail(
            format!("{}: {missing}", dir.display()),
            "for a new installation run `sourdine init`; if the store already holds tickets, restore the key files from the key backup (without them the store cannot be read)",
        ));
    }
    names
}

/// A key file: a private regular file of 32 bytes, owned by the service user.
fn judge_key_file(path: &Path, service: Option<&ServiceUser>) -> Vec<Finding> {
    let mut findings = Vec::new();
    let m = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) => {
            findings.push(cannot_look(path, &e, service));
            return findings;
        }
    };
    if !m.is_file() {
        findings.push(Finding::fail(
            format!("{} is not a regular file", path.display()),
            "restore it from the key backup",
        ));
        return findings;
    }
    findings.extend(judge_private(path, m.mode(), false, Verdict::Fail));
    if m.len() != 32 {
        findings.push(Finding::fail(
            format!(
                "{} holds {} bytes, not 32: it is damaged",
                path.display(),
                m.len()
            ),
            "restore it from the key backup",
        ));
    }
    if let Some(s) = service {
        findings.extend(judge_owner(path, m.uid(), s, false));
    }
    findings
}

fn password_files(cfg: &Config, service: Option<&ServiceUser>) -> Check {
    const ID: &str = "password_files";
    const NAME: &str = "password files";
    let mut files: Vec<(&str, &Path)> = Vec::new();
    if let Some(i) = &cfg.imap {
        files.push(("imap.password_file", &i.password_file));
    }
    if let Some(p) = cfg.smtp.as_ref().and_then(|s| s.password_file.as_deref()) {
        files.push(("smtp.password_file", p));
    }
    if files.is_empty() {
        return Check::skipped(ID, NAME, "no password file is configured");
    }
    let mut findings = Vec::new();
    let mut seen = Vec::new();
    for (key, path) in &files {
        if seen.contains(path) {
            continue;
        }
        seen.push(*path);
        let create = format!(
            "create it, readable by the service only: install -m 0600 -o {u} -g {g} /dev/null {p}, then write the password in it on one line",
            u = service.map(|s| s.name.as_str()).unwrap_or("sourdine"),
            g = service.map(|s| s.group.as_str()).unwrap_or("sourdine"),
            p = path.display()
        );
        let m = match fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == ErrorKind::NotFound => {
                findings.push(Finding::fail(
                    format!("{key} {} does not exist", path.display()),
                    create,
                ));
                continue;
            }
            Err(e) => {
                findings.push(cannot_look(path, &e, service));
                continue;
            }
        };
        if !m.is_file() {
            findings.push(Finding::fail(
                format!("{key} {} is not a file", path.display()),
                create,
            ));
            continue;
        }
        if m.len() == 0 {
            findings.push(Finding::fail(
                format!("{key} {} is empty", path.display()),
                format!(
                    "write the mailbox password in {} on one line",
                    path.display()
                ),
            ));
        }
        findings.extend(judge_private(path, m.mode(), false, Verdict::Warn));
        if let Some(s) = service
            && !can_read(s.uid, s.gid, m.mode(), m.uid(), m.gid())
        {
            findings.push(Finding::fail(
                format!(
                    "{key} {}: the service user {} cannot read it (owner {}, mode {:04o})",
                    path.display(),
                    s.name,
                    account(m.uid()),
                    m.mode() & 0o7777
                ),
                format!("chown {}:{} {}", s.name, s.group, path.display()),
            ));
        }
        if let Err(e) = fs::File::open(path) {
            findings.push(cannot_look(path, &e, service));
        }
    }
    fold(
        ID,
        NAME,
        format!(
            "{}: private to {}",
            seen.iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            service.map(|s| s.name.as_str()).unwrap_or("their owner")
        ),
        findings,
    )
}

fn socket(cfg: &Config) -> Check {
    const ID: &str = "socket";
    const NAME: &str = "control socket";
    let dir = cfg.runtime_dir();
    let socket = &cfg.control_socket;
    let mut findings = Vec::new();
    let gid = match &cfg.counsellors_group {
        Some(g) => match crate::control::server::group_gid(g) {
            Ok(gid) => Some((g.as_str(), gid)),
            Err(e) => {
                findings.push(Finding::fail(
                    e.to_string(),
                    format!("create it (groupadd {g}) and add the service user and the counsellors to it; deploy/install.sh does it"),
                ));
                None
            }
        },
        None => None,
    };
    let group_note = match &cfg.counsellors_group {
        Some(g) => format!("group {g}"),
        None => "no counsellors_group: only root and the service user can reach it".into(),
    };
    let meta = match fs::metadata(&dir) {
        Ok(m) => m,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return fold(
                ID,
                NAME,
                format!(
                    "{} does not exist yet: `sourdine run` creates it (0750, {group_note})",
                    dir.display()
                ),
                findings,
            );
        }
        Err(e) => {
            findings.push(cannot_look(&dir, &e, None));
            return fold(ID, NAME, String::new(), findings);
        }
    };
    let mode = meta.mode() & 0o7777;
    if mode & 0o007 != 0 {
        findings.push(Finding::fail(
            format!(
                "{} has mode {mode:04o}: others can {} it, and so reach the socket",
                dir.display(),
                rights(mode & 0o007, true)
            ),
            format!("chmod 750 {}", dir.display()),
        ));
    }
    if let Some((name, gid)) = gid
        && meta.gid() != gid
    {
        findings.push(Finding::warn(
            format!(
                "{} belongs to group {}, not to counsellors_group {name}: counsellors cannot reach the socket",
                dir.display(),
                group(meta.gid())
            ),
            format!(
                "restart the service (it gives the folder to the group), or: chgrp {name} {}",
                dir.display()
            ),
        ));
    }
    let state = socket_state(socket, &mut findings);
    fold(
        ID,
        NAME,
        format!(
            "{}: mode {mode:04o}, {group_note}; {}: {state}",
            dir.display(),
            socket.display()
        ),
        findings,
    )
}

/// What the control socket is: a finding if anyone may talk to it; whether a service answers.
fn socket_state(socket: &Path, findings: &mut Vec<Finding>) -> String {
    match fs::symlink_metadata(socket) {
        Ok(sm) => {
            let smode = sm.mode() & 0o7777;
            if smode & 0o007 != 0 {
                findings.push(Finding::fail(
                    format!(
                        "{} has mode {smode:04o}: anyone can talk to the service",
                        socket.display()
                    ),
                    format!(
                        "restart the service (it makes the socket 0660), or: chmod 660 {}",
                        socket.display()
                    ),
                ));
            }
            match std::os::unix::net::UnixStream::connect(socket) {
                Ok(_) => "the service answers on it".to_string(),
                Err(e) if e.kind() == ErrorKind::ConnectionRefused => {
                    "no service answers on it (a stale socket, replaced when the service starts)"
                        .to_string()
                }
                Err(e) => format!("cannot connect to it: {e}"),
            }
        }
        Err(_) => "no socket: the service is not running".to_string(),
    }
}

fn disk(data_dir: &Path) -> Check {
    const ID: &str = "disk";
    const NAME: &str = "disk space";
    // The data directory, or the nearest folder above it that exists.
    let mut at = data_dir;
    while !at.exists() {
        match at.parent() {
            Some(p) => at = p,
            None => break,
        }
    }
    let st = match nix::sys::statvfs::statvfs(at) {
        Ok(s) => s,
        Err(e) => {
            return Check::warn(
                ID,
                NAME,
                format!("cannot measure the free space at {}: {e}", at.display()),
                "check it with df -h",
            );
        }
    };
    let unit = if st.fragment_size() > 0 {
        st.fragment_size() as u64
    } else {
        st.block_size() as u64
    };
    let avail = st.blocks_available() as u64 * unit;
    let total = st.blocks() as u64 * unit;
    let (ia, it) = (st.files_available() as u64, st.files() as u64);
    let gib = |b: u64| format!("{:.1} GiB", b as f64 / (1u64 << 30) as f64);
    let detail = format!(
        "{} free of {} at {}{}",
        gib(avail),
        gib(total),
        at.display(),
        if it > 0 {
            format!(", {ia} of {it} inodes free")
        } else {
            String::new()
        }
    );
    match disk_verdict(avail, total, ia, it) {
        Verdict::Ok => Check::ok(ID, NAME, detail),
        Verdict::Fail => Check::fail(
            ID,
            NAME,
            format!("{detail}: nearly full"),
            "free space now: when the store cannot write, the service stops and mail waits in the mailbox",
        ),
        _ => Check::warn(
            ID,
            NAME,
            format!(
                "{detail}: less than {} or {DISK_WARN_PERCENT}% free",
                gib(DISK_WARN_BYTES)
            ),
            "free some space or grow the file system before it fills up",
        ),
    }
}

fn clock(cfg: &Config) -> Check {
    let now = jiff::Timestamp::now().as_second();
    let build: i64 = BUILD_EPOCH.parse().unwrap_or(0);
    clock_verdict(now, build, newest_store_file(&cfg.data_dir), &sync_state())
}

/// The newest modification time among the store's own database files (sled writes them with
/// the real time; payload files carry rounded times and are left out).
fn newest_store_file(data_dir: &Path) -> Option<i64> {
    let mut newest = None;
    let mut consider = |p: &Path| {
        if let Ok(m) = fs::symlink_metadata(p) {
            newest = newest.max(Some(m.mtime()));
        }
    };
    consider(&data_dir.join("lock"));
    if let Ok(rd) = fs::read_dir(data_dir.join("db")) {
        for e in rd.flatten() {
            consider(&e.path());
        }
    }
    newest
}

/// What the system says about time synchronisation: systemd-timesyncd's flag file, else
/// `timedatectl` when systemd runs this system (waited for, at most 3 seconds).
fn sync_state() -> Sync {
    if Path::new("/run/systemd/timesync/synchronized").exists() {
        return Sync::Yes("systemd-timesyncd".into());
    }
    if !Path::new("/run/systemd/system").is_dir() {
        return Sync::Unknown("systemd does not run this system; no timesyncd flag".into());
    }
    let Some(tool) = ["/usr/bin/timedatectl", "/bin/timedatectl"]
        .into_iter()
        .find(|p| Path::new(p).exists())
    else {
        return Sync::Unknown("no timedatectl".into());
    };
    match run_briefly(
        tool,
        &["show", "--property=NTPSynchronized", "--value"],
        Duration::from_secs(3),
    ) {
        Some(out) if out.trim() == "yes" => Sync::Yes("timedatectl".into()),
        Some(out) if out.trim() == "no" => Sync::No("timedatectl".into()),
        _ => Sync::Unknown("timedatectl did not say".into()),
    }
}

/// Runs `program` with its output captured (stdin and stderr closed), waits at most `limit`,
/// kills it past that; its standard output when it exited successfully.
fn run_briefly(program: &str, args: &[&str], limit: Duration) -> Option<String> {
    use std::io::Read;
    let mut child = Command::new(program)
        .args(args)
        .env("SYSTEMD_PAGER", "")
        .env("SYSTEMD_COLORS", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) if start.elapsed() < limit => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    }?;
    let mut out = String::new();
    child.stdout.take()?.read_to_string(&mut out).ok()?;
    status.success().then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svc(uid: u32) -> ServiceUser {
        ServiceUser {
            uid,
            gid: uid,
            name: "sourdine".into(),
            group: "sourdine".into(),
        }
    }

    #[test]
    fn private_modes_pass_and_open_ones_are_named() {
        let p = Path::new("/var/lib/sourdine");
        assert_eq!(judge_private(p, 0o40700, true, Verdict::Fail), None);
        let f = judge_private(p, 0o40755, true, Verdict::Fail).unwrap();
        assert_eq!(f.verdict, Verdict::Fail);
        assert!(
            f.problem.contains("/var/lib/sourdine has mode 0755"),
            "{}",
            f.problem
        );
        assert!(
            f.problem.contains("others can list and enter it"),
            "{}",
            f.problem
        );
        assert_eq!(f.fix, "chmod 700 /var/lib/sourdine");
        let k = Path::new("/k/kek-000001.key");
        let f = judge_private(k, 0o100644, false, Verdict::Fail).unwrap();
        assert!(
            f.problem.contains("mode 0644: others can read it"),
            "{}",
            f.problem
        );
        assert_eq!(f.fix, "chmod 600 /k/kek-000001.key");
        // Group access: the caller chooses how bad it is.
        let f = judge_private(k, 0o100640, false, Verdict::Warn).unwrap();
        assert_eq!(f.verdict, Verdict::Warn);
        assert!(f.problem.contains("its group can read it"), "{}", f.problem);
        assert_eq!(judge_private(k, 0o100600, false, Verdict::Fail), None);
        assert_eq!(judge_private(k, 0o100400, false, Verdict::Fail), None);
    }

    #[test]
    fn exposure_follows_the_mode_bits() {
        assert_eq!(exposure(0o700), Exposure::Private);
        assert_eq!(exposure(0o750), Exposure::Group);
        assert_eq!(exposure(0o701), Exposure::Others);
        assert_eq!(exposure(0o4600), Exposure::Private);
    }

    #[test]
    fn owners_other_than_the_service_user_fail_with_a_chown() {
        let s = svc(995);
        assert_eq!(judge_owner(Path::new("/d"), 995, &s, true), None);
        let f = judge_owner(Path::new("/d"), 0, &s, true).unwrap();
        assert_eq!(f.verdict, Verdict::Fail);
        assert_eq!(f.fix, "chown -R sourdine:sourdine /d");
        let f = judge_owner(Path::new("/d/f"), 0, &s, false).unwrap();
        assert_eq!(f.fix, "chown sourdine:sourdine /d/f");
    }

    #[test]
    fn who_can_read_a_password_file() {
        // The owner, with the owner's read bit.
        assert!(can_read(995, 995, 0o600, 995, 995));
        assert!(!can_read(995, 995, 0o200, 995, 995));
        // Root-owned 0640 with the service's group: readable through the group.
        assert!(can_read(995, 995, 0o640, 0, 995));
        // Root-owned 0600: not for the service.
        assert!(!can_read(995, 995, 0o600, 0, 0));
        // Root reads everything.
        assert!(can_read(0, 0, 0o000, 995, 995));
        // The owner is not helped by the others' bits.
        assert!(!can_read(995, 995, 0o004, 995, 995));
    }

    #[test]
    fn findings_fold_into_the_worst_verdict() {
        let ok = fold("x", "x", "fine".into(), vec![]);
        assert_eq!(ok.verdict, Verdict::Ok);
        assert_eq!(ok.detail, "fine");
        let c = fold(
            "x",
            "x",
            "fine".into(),
            vec![Finding::warn("w", "fix w"), Finding::fail("f", "fix f")],
        );
        assert_eq!(c.verdict, Verdict::Fail);
        assert_eq!(c.detail, "f; w");
        assert_eq!(c.fix.as_deref(), Some("fix f; fix w"));
        let many: Vec<Finding> = (0..6)
            .map(|i| Finding::warn(format!("p{i}"), "same fix"))
            .collect();
        let c = fold("x", "x", String::new(), many);
        assert_eq!(c.verdict, Verdict::Warn);
        assert!(c.detail.ends_with("and 2 more"), "{}", c.detail);
        assert_eq!(c.fix.as_deref(), Some("same fix"));
    }

    #[test]
    fn disk_thresholds() {
        const G: u64 = 1 << 30;
        assert_eq!(
            disk_verdict(50 * G, 100 * G, 1_000_000, 2_000_000),
            Verdict::Ok
        );
        // Little space left, in bytes or in share.
        assert_eq!(
            disk_verdict(G, 100 * G, 1_000_000, 2_000_000),
            Verdict::Warn
        );
        assert_eq!(
            disk_verdict(4 * G, 100 * G, 1_000_000, 2_000_000),
            Verdict::Warn
        );
        assert_eq!(
            disk_verdict(100 << 20, 100 * G, 1_000_000, 2_000_000),
            Verdict::Fail
        );
        // Inodes count too, unless the file system does not count them.
        assert_eq!(disk_verdict(50 * G, 100 * G, 500, 2_000_000), Verdict::Fail);
        assert_eq!(
            disk_verdict(50 * G, 100 * G, 50_000, 2_000_000),
            Verdict::Warn
        );
        assert_eq!(disk_verdict(50 * G, 100 * G, 0, 0), Verdict::Ok);
    }

    #[test]
    fn clock_behind_the_build_or_the_store_fails() {
        let now = 1_800_000_000;
        let yes = Sync::Yes("test".into());
        let c = clock_verdict(now, now - 1000, Some(now - 10), &yes);
        assert_eq!(c.verdict, Verdict::Ok, "{}", c.detail);
        assert!(c.detail.contains("no server's time was compared"));
        let c = clock_verdict(now, now + 3 * 86_400, None, &yes);
        assert_eq!(c.verdict, Verdict::Fail);
        assert!(
            c.detail.contains("before this program was built"),
            "{}",
            c.detail
        );
        let c = clock_verdict(now, now - 1000, Some(now + 3600), &yes);
        assert_eq!(c.verdict, Verdict::Fail);
        assert!(c.detail.contains("the clock went back"), "{}", c.detail);
        // Not synchronised, or nobody says: a warning.
        let c = clock_verdict(now, now - 1000, None, &Sync::No("test".into()));
        assert_eq!(c.verdict, Verdict::Warn);
        let c = clock_verdict(now, now - 1000, None, &Sync::Unknown("why".into()));
        assert_eq!(c.verdict, Verdict::Warn);
        assert!(c.detail.contains("unknown (why)"), "{}", c.detail);
    }

    #[test]
    fn the_build_date_is_recorded() {
        let build: i64 = BUILD_EPOCH.parse().unwrap();
        // After this code was written, and not in the future.
        assert!(build > 1_700_000_000);
        assert!(build <= jiff::Timestamp::now().as_second() + 86_400);
    }

    #[test]
    fn a_short_command_is_waited_for_and_a_slow_one_killed() {
        assert_eq!(
            run_briefly("/bin/sh", &["-c", "echo yes"], Duration::from_secs(5)).as_deref(),
            Some("yes\n")
        );
        let start = Instant::now();
        assert_eq!(
            run_briefly(
                "/bin/sh",
                &["-c", "exec sleep 30"],
                Duration::from_millis(200)
            ),
            None
        );
        assert!(start.elapsed() < Duration::from_secs(5));
    }
}
