//! The user the service runs as, and the names of accounts and groups as doctor prints them.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// The user the service runs as: the owner of `data_dir`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceUser {
    /// Its uid.
    pub uid: u32,
    /// The group of `data_dir`.
    pub gid: u32,
    /// Its name (or uid).
    pub name: String,
    /// The group's name (or gid).
    pub group: String,
}

impl ServiceUser {
    /// The owner of `data_dir`, if it exists.
    pub fn of(data_dir: &Path) -> Option<ServiceUser> {
        let meta = fs::metadata(data_dir).ok()?;
        Some(ServiceUser {
            uid: meta.uid(),
            gid: meta.gid(),
            name: account(meta.uid()),
            group: group(meta.gid()),
        })
    }
}

/// The name of `uid`, or its number.
pub(super) fn account(uid: u32) -> String {
    nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid))
        .ok()
        .flatten()
        .map(|u| u.name)
        .unwrap_or_else(|| uid.to_string())
}

/// The name of `gid`, or its number.
pub(super) fn group(gid: u32) -> String {
    nix::unistd::Group::from_gid(nix::unistd::Gid::from_raw(gid))
        .ok()
        .flatten()
        .map(|g| g.name)
        .unwrap_or_else(|| gid.to_string())
}
