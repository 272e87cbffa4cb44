//! The contact classification file: readable and valid, and, when the service runs, holding
//! every code its tickets use (the service is asked; doctor never opens the store).

use crate::config::Config;
use crate::control::client::Client;
use crate::control::protocol::Request;
use crate::taxonomy::{Source, Taxonomy};

use super::check::Check;

const ID: &str = "classification";
const NAME: &str = "contact classification";

/// Checks the classification file the configuration names.
pub fn check(cfg: &Config) -> Check {
    let (path, explicit) = cfg.classification_path();
    let fix_file = "fix the file (deploy/classification.toml is the default and explains the format); the service reads it again at the next request";
    let (taxonomy, source) = match Taxonomy::load(&path, explicit) {
        Ok(t) => t,
        Err(e) => return Check::fail(ID, NAME, e.to_string(), fix_file),
    };
    let counts = format!(
        "{} types, {} categories, {} roles",
        taxonomy.types.len(),
        taxonomy.categories.len(),
        taxonomy.roles.len()
    );
    if let Source::BuiltIn(p) = source {
        return Check::warn(
            ID,
            NAME,
            format!(
                "no file at {}: the built-in default is used ({counts})",
                p.display()
            ),
            "run `sourdine init`: it installs the default there, where the helpline can edit it",
        );
    }
    // Only the running service knows which codes its tickets use.
    let Ok(mut client) = Client::connect(&cfg.control_socket) else {
        return Check::ok(
            ID,
            NAME,
            format!(
                "{} is valid ({counts}); the codes tickets use are checked when the service starts",
                path.display()
            ),
        );
    };
    match client.call(Request::Classification) {
        Ok(_) => Check::ok(
            ID,
            NAME,
            format!(
                "{} is valid ({counts}) and has every code the service's tickets use",
                path.display()
            ),
        ),
        Err(e) if e.to_string().contains("classification file") => {
            Check::fail(ID, NAME, e.to_string(), fix_file)
        }
        Err(e) => Check::warn(
            ID,
            NAME,
            format!(
                "{} is valid ({counts}); the service could not say which codes its tickets use: {e}",
                path.display()
            ),
            "run doctor as root or as the service's user",
        ),
    }
}
