//! The system's users and groups, by name and number (NSS lookups through nix).

use std::ffi::CString;

use nix::unistd::{Gid, Group, Uid, User};

/// The system's name for `uid` (without control or bidi characters), or `uid N`.
pub fn user_name(uid: u32) -> String {
    User::from_uid(Uid::from_raw(uid))
        .ok()
        .flatten()
        .map(|u| crate::text::clean_line(&u.name))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| format!("uid {uid}"))
}

/// The gid of a group given by name or number.
pub fn gid_of(group: &str) -> Option<u32> {
    if let Ok(n) = group.parse::<u32>() {
        return Some(n);
    }
    Group::from_name(group)
        .ok()
        .flatten()
        .map(|g| g.gid.as_raw())
}

/// The groups of a user: the primary gid from the credentials plus the system's list.
pub fn groups_of(uid: u32, gid: u32) -> Vec<u32> {
    let mut groups = vec![gid];
    if let Ok(Some(user)) = User::from_uid(Uid::from_raw(uid))
        && let Ok(cname) = CString::new(user.name)
        && let Ok(list) = nix::unistd::getgrouplist(&cname, Gid::from_raw(gid))
    {
        groups.extend(list.into_iter().map(Gid::as_raw));
    }
    groups.sort_unstable();
    groups.dedup();
    groups
}
