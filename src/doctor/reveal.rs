//! Who can lift the secret: a reveal needs two different supervisors named in `[roles]`.
//! Root and the service's own user stand for whoever holds those accounts, so they take part
//! only when `supervisor_users` names them, which this check reports as a weaker setup.

use super::check::Check;
use super::service_user::ServiceUser;
use crate::config::RolesConfig;

const ID: &str = "roles.reveal";
const NAME: &str = "reveal supervisors";

/// The check: a warning when `supervisor_users` names root or the service user (the owner
/// of `data_dir`), else what a reveal needs and how many are named for it.
pub fn check(roles: &RolesConfig, service: Option<&ServiceUser>) -> Check {
    let is_root = |u: &str| u == "root" || u == "0";
    let is_service =
        |u: &str| service.is_some_and(|s| s.uid != 0 && (u == s.name || u == s.uid.to_string()));
    let users = &roles.supervisor_users;
    let mut accounts: Vec<String> = Vec::new();
    if users.iter().any(|u| is_root(u)) {
        accounts.push("root".into());
    }
    if let Some(u) = users.iter().find(|u| is_service(u)) {
        accounts.push(format!("{u} (the service's own user)"));
    }
    let people = users
        .iter()
        .filter(|u| !is_root(u) && !is_service(u))
        .count();
    if !accounts.is_empty() {
        return Check::warn(
            ID,
            NAME,
            format!(
                "[roles] supervisor_users names {}: a reveal can then be asked or approved by whoever holds that account, so its two supervisors may be one person (a weaker setup)",
                accounts.join(" and ")
            ),
            "name two people in supervisor_users (or give them a supervisor group) and take root and the service's user out of it; see docs/OPERATING.md, section 3",
        );
    }
    let groups = roles.supervisor_groups.len();
    let enough = if people >= 2 || groups > 0 {
        ""
    } else {
        "; fewer than two are named, so no reveal is possible until there are"
    };
    Check::ok(
        ID,
        NAME,
        format!(
            "a reveal needs two different supervisors named in [roles]: {people} named in supervisor_users, {groups} supervisor group(s); root and the service's own user take no part{enough}"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::Verdict;

    fn roles(users: &[&str]) -> RolesConfig {
        RolesConfig {
            supervisor_users: users.iter().map(|u| u.to_string()).collect(),
            ..RolesConfig::default()
        }
    }

    fn service() -> ServiceUser {
        ServiceUser {
            uid: 998,
            gid: 998,
            name: "sourdine".into(),
            group: "sourdine".into(),
        }
    }

    #[test]
    fn named_people_pass() {
        let c = check(&roles(&["anna", "marc"]), Some(&service()));
        assert_eq!(c.verdict, Verdict::Ok, "{c:?}");
        assert!(c.detail.contains("2 named"), "{}", c.detail);
    }

    #[test]
    fn root_or_the_service_user_named_is_a_weaker_setup() {
        for users in [
            &["anna", "root"][..],
            &["0", "anna"],
            &["sourdine", "anna"],
            &["998"],
        ] {
            let c = check(&roles(users), Some(&service()));
            assert_eq!(c.verdict, Verdict::Warn, "{users:?}");
            assert!(c.detail.contains("weaker"), "{}", c.detail);
        }
    }

    #[test]
    fn too_few_is_said() {
        let c = check(&roles(&["anna"]), Some(&service()));
        assert_eq!(c.verdict, Verdict::Ok);
        assert!(c.detail.contains("no reveal is possible"), "{}", c.detail);
    }
}
