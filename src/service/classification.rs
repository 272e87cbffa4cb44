//! Closing with a classification, the classification file as the service reads it, and the
//! statistics request.

use std::sync::Mutex;

use super::stats::compute;
use super::{ErrorKind, Service, ServiceError, done, invalid};
use crate::model::{Actor, Month, Response, StatsReport};
use crate::store::records::Status;
use crate::store::{Change, Store};
use crate::taxonomy::{Classification, CodesInUse, Taxonomy};

/// The longest period `ticket stats` covers, in months.
const MAX_MONTHS: u32 = 240;

/// The codes live tickets use, read once and kept up to date (None: to be read again).
#[derive(Debug, Default)]
pub(super) struct InUse(Mutex<Option<CodesInUse>>);

impl InUse {
    /// Forgets the set (after tickets were destroyed): it is read again when next needed.
    pub(super) fn reset(&self) {
        *self.0.lock().expect("codes in use") = None;
    }
}

impl Service {
    /// The classification file, checked: readable, valid, and holding every code that live
    /// tickets use. Read on each use, so that an edit takes effect without a restart.
    pub fn taxonomy(&self) -> Result<Taxonomy, ServiceError> {
        let (path, explicit) = self.config.classification_path();
        let bad = |message: String| {
            ServiceError::new(
                ErrorKind::Internal,
                format!(
                    "{message}; the operator must fix it (`sourdine doctor` checks it, deploy/classification.toml is the default)"
                ),
            )
        };
        let (taxonomy, _) = Taxonomy::load(&path, explicit).map_err(|e| bad(e.to_string()))?;
        let mut guard = self.in_use.0.lock().expect("codes in use");
        if guard.is_none() {
            // The daemon's catalog holds every ticket's classification: no store read. Else
            // only the classification records are read.
            let from_catalog = self
                .catalog
                .read()
                .expect("catalog lock")
                .as_ref()
                .map(|c| {
                    c.summaries()
                        .filter_map(|s| s.classification.as_ref())
                        .flat_map(|c| c.codes().map(|(d, code)| (d, code.to_string())))
                        .collect::<CodesInUse>()
                });
            *guard = Some(match from_catalog {
                Some(codes) => codes,
                None => self.store.classification_codes_in_use()?,
            });
        }
        let in_use = guard.as_ref().expect("just read");
        taxonomy
            .check_in_use(in_use)
            .map_err(|problem| bad(format!("classification file {}: {problem}", path.display())))?;
        Ok(taxonomy)
    }

    /// `ticket classification`: the codes with their labels, and whether closing needs one.
    pub(super) fn classification(&self) -> Result<Response, ServiceError> {
        Ok(Response::Classification {
            taxonomy: self.taxonomy()?,
            required: self.config.classification_required,
        })
    }

    /// `ticket close`: closes a ticket, recording its classification (needed unless the
    /// configuration says `classification_required = false`).
    pub(super) fn close(
        &self,
        actor: &Actor,
        id: &str,
        classification: Option<Classification>,
    ) -> Result<Response, ServiceError> {
        let id = Store::parse_ticket_id(id)?;
        let classification = match classification {
            Some(c) => Some(self.taxonomy()?.admit(&c).map_err(|e| invalid(&e))?),
            None => None,
        };
        let open = self.store.ticket_summary(&id)?.status != Status::Closed;
        if open && classification.is_none() && self.config.classification_required {
            return Err(invalid(&format!(
                "ticket {id} was not closed: closing needs the contact's type; give --type CODE (and --category CODE, --role CODE as they apply). `ticket classification` lists the codes; on a terminal, `ticket close {id}` asks for them"
            )));
        }
        let changed = self
            .store
            .close_classified(&id, actor, classification.as_ref())?
            == Change::Done;
        if !changed {
            return Ok(done(
                false,
                format!(
                    "ticket {id} was already closed; nothing changed (reopen it to change its classification)"
                ),
            ));
        }
        self.touched(&id, false)?;
        let message = match &classification {
            Some(c) => {
                if let Some(set) = self.in_use.0.lock().expect("codes in use").as_mut() {
                    set.extend(c.codes().map(|(d, code)| (d, code.to_string())));
                }
                format!("ticket {id} closed ({})", c.audit_text())
            }
            None => format!("ticket {id} closed"),
        };
        Ok(done(true, message))
    }

    /// `ticket stats`: the figures for a period (default: the twelve months up to and
    /// including the current one), suppressed; the request is audited.
    pub(super) fn stats(
        &self,
        actor: &Actor,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<StatsReport, ServiceError> {
        let month = |s: &str, flag: &str| {
            Month::parse(s).ok_or_else(|| {
                invalid(&format!(
                    "{flag} {s:?} is not a month; write it YYYY-MM, such as 2024-06"
                ))
            })
        };
        let to = match to {
            Some(s) => month(s, "--to")?,
            None => Month::of(self.store.now()),
        };
        let from = match from {
            Some(s) => month(s, "--from")?,
            None => to.minus(11),
        };
        if from > to {
            return Err(invalid(&format!(
                "--from {from} is after --to {to}; the period runs from --from to --to"
            )));
        }
        if to.0 - from.0 >= MAX_MONTHS {
            return Err(invalid(&format!(
                "the period is longer than {MAX_MONTHS} months; give a shorter one"
            )));
        }
        let taxonomy = self.taxonomy()?;
        let input = self.store.stats_input(to)?;
        let stats = compute(&input, &taxonomy, from, to, self.config.stats.threshold);
        self.store
            .audit_action(actor, "stats.read", None, Some(format!("{from} to {to}")))?;
        Ok(StatsReport { stats, taxonomy })
    }
}
