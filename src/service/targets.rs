//! The reply-target watch of the running service: one log line a day, and one whenever more
//! tickets are past the reply target than at the last look, with the count only ("3 tickets
//! past the reply target"): never a subject, a text or a reference.

use super::{Service, ServiceError};
use crate::store::records::Status;

/// Decides when the count of tickets past the target is worth a line.
#[derive(Debug, Default)]
pub struct TargetWatch {
    last: Option<(String, usize)>,
}

impl TargetWatch {
    /// The line to write after a look on `day` found `count` tickets past the target: at the
    /// first look, on a new day, and when the count grew (a ticket passed the target).
    pub fn look(&mut self, day: String, count: usize) -> Option<String> {
        let write = match &self.last {
            None => true,
            Some((d, c)) => *d != day || count > *c,
        };
        self.last = Some((day, count));
        write.then(|| count_line(count))
    }
}

/// "3 tickets past the reply target".
pub fn count_line(count: usize) -> String {
    match count {
        0 => "no ticket past the reply target".to_string(),
        1 => "1 ticket past the reply target".to_string(),
        n => format!("{n} tickets past the reply target"),
    }
}

impl Service {
    /// How many open tickets are past the reply target now, and the day it is (in the
    /// helpline's time zone, `YYYY-MM-DD`).
    pub fn overdue_count(&self) -> Result<(String, usize), ServiceError> {
        let judge = self.overdue_judge();
        let now = self.store.now();
        let day = jiff::Timestamp::from_second(now)
            .map(|t| {
                t.to_zoned(self.config.schedule().tz().clone())
                    .date()
                    .to_string()
            })
            .unwrap_or_default();
        let count = self.with_catalog(|c| {
            c.summaries()
                .filter(|s| s.status == Status::Open && judge.is_late(s.last_in.0))
                .count()
        })?;
        Ok((day, count))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_at_start_each_day_and_when_a_ticket_passes_the_target() {
        let mut w = TargetWatch::default();
        assert_eq!(
            w.look("2025-12-09".into(), 0).as_deref(),
            Some("no ticket past the reply target")
        );
        assert_eq!(w.look("2025-12-09".into(), 0), None);
        assert_eq!(
            w.look("2025-12-09".into(), 1).as_deref(),
            Some("1 ticket past the reply target")
        );
        // Answered: fewer is no news.
        assert_eq!(w.look("2025-12-09".into(), 0), None);
        assert_eq!(
            w.look("2025-12-10".into(), 3).as_deref(),
            Some("3 tickets past the reply target")
        );
    }
}
