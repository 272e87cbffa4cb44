//! Who may do what. The caller's uid and gid come from the socket's peer credentials
//! (SO_PEERCRED), the user's groups from the system (getgrouplist): never from `$USER` or
//! anything the client says.

use crate::config::RolesConfig;
use crate::model::{Caller, Role};
use crate::users::{gid_of, groups_of, user_name};

/// Why a caller is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{name} (uid {uid}) is not a counsellor or supervisor of this helpline; ask the operator to add you under [roles] in the configuration"
)]
pub struct Refusal {
    pub uid: u32,
    /// The user name.
    pub name: String,
}

fn user_matches(list: &[String], uid: u32, name: &str) -> bool {
    list.iter()
        .any(|u| u == name || u.parse::<u32>().is_ok_and(|n| n == uid))
}

/// The role of a peer: root and the service's own user are supervisors; others by the
/// configuration's user and group lists; anyone else is refused.
pub fn resolve(
    roles: &RolesConfig,
    uid: u32,
    gid: u32,
    service_uid: u32,
) -> Result<Caller, Refusal> {
    let name = user_name(uid);
    let caller = |role| Caller {
        uid,
        name: name.clone(),
        role,
    };
    if uid == 0 || uid == service_uid {
        return Ok(caller(Role::Supervisor));
    }
    let groups = groups_of(uid, gid);
    let in_any = |list: &[String]| {
        list.iter()
            .filter_map(|g| gid_of(g))
            .any(|g| groups.contains(&g))
    };
    if user_matches(&roles.supervisor_users, uid, &name) || in_any(&roles.supervisor_groups) {
        return Ok(caller(Role::Supervisor));
    }
    if user_matches(&roles.counsellor_users, uid, &name) || in_any(&roles.counsellor_groups) {
        return Ok(caller(Role::Counsellor));
    }
    Err(Refusal { uid, name })
}

/// Whether a supervisor (user `uid`, `name`) may be one of the two people of a reveal. Root
/// and the service's own user (`service_uid`) stand for whoever holds those accounts, not
/// for a person: they count only when `supervisor_users` names them. Every other supervisor
/// got the role from `[roles]`, which names them, so they count.
pub fn may_reveal(roles: &RolesConfig, uid: u32, name: &str, service_uid: u32) -> bool {
    if uid == 0 || uid == service_uid {
        user_matches(&roles.supervisor_users, uid, name)
    } else {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles() -> RolesConfig {
        RolesConfig {
            counsellor_users: vec!["4001".into()],
            counsellor_groups: vec!["4242".into()],
            supervisor_users: vec!["5001".into()],
            supervisor_groups: vec![],
        }
    }

    #[test]
    fn root_and_the_service_user_are_supervisors() {
        assert_eq!(resolve(&roles(), 0, 0, 999).unwrap().role, Role::Supervisor);
        assert_eq!(
            resolve(&roles(), 999, 999, 999).unwrap().role,
            Role::Supervisor
        );
    }

    #[test]
    fn configured_users_and_groups_get_their_role() {
        assert_eq!(
            resolve(&roles(), 4001, 1, 999).unwrap().role,
            Role::Counsellor
        );
        assert_eq!(
            resolve(&roles(), 7000, 4242, 999).unwrap().role,
            Role::Counsellor
        );
        assert_eq!(
            resolve(&roles(), 5001, 4242, 999).unwrap().role,
            Role::Supervisor
        );
    }

    #[test]
    fn root_and_the_service_user_reveal_only_when_named() {
        let mut r = roles();
        assert!(!may_reveal(&r, 0, "root", 999));
        assert!(!may_reveal(&r, 999, "sourdine", 999));
        assert!(may_reveal(&r, 5001, "anna", 999));
        r.supervisor_users.push("root".into());
        r.supervisor_users.push("999".into());
        assert!(may_reveal(&r, 0, "root", 999));
        assert!(may_reveal(&r, 999, "sourdine", 999));
    }

    #[test]
    fn anyone_else_is_refused_by_name() {
        let e = resolve(&roles(), 6000, 6000, 999).unwrap_err();
        assert_eq!(e.uid, 6000);
        assert!(e.to_string().contains("[roles]"));
    }
}
