//! Who acts: the people the service serves (callers and their roles) and the names the audit
//! log records them under.

use serde::{Deserialize, Serialize};

/// Who acted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The Unix uid, from the socket's peer credentials or the process (None for the service
    /// itself).
    pub uid: Option<u32>,
    /// The user name (or `sourdine` for the service's own duties).
    pub name: String,
}

impl Actor {
    /// The service itself (intake, retention, outbox).
    pub fn service() -> Actor {
        Actor {
            uid: None,
            name: "sourdine".into(),
        }
    }
}

/// What a caller may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads and answers tickets.
    Counsellor,
    /// Also approves reveals, takes over claims, runs operator commands.
    Supervisor,
}

impl Role {
    /// The role's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Counsellor => "counsellor",
            Role::Supervisor => "supervisor",
        }
    }
}

/// Who is calling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caller {
    /// Unix uid.
    pub uid: u32,
    /// User name (or `uid N` when the system has no name for it).
    pub name: String,
    pub role: Role,
}

impl Caller {
    /// The audit actor for this caller.
    pub fn actor(&self) -> Actor {
        Actor {
            uid: Some(self.uid),
            name: self.name.clone(),
        }
    }

    /// The current process's user, as a supervisor: whoever can open the store files
    /// directly is the operator.
    pub fn this_process() -> Caller {
        let uid = nix::unistd::getuid().as_raw();
        Caller {
            uid,
            name: crate::users::user_name(uid),
            role: Role::Supervisor,
        }
    }
}
