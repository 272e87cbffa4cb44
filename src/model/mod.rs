//! The types that several layers share: what the pipeline hands the store, who acts, what a
//! message became, and the domain's requests and answers (the service takes the one and gives
//! the other, in-process or through the socket). They hold data and the rules that belong to
//! the data alone; no I/O.

mod actor;
mod audit;
mod drafts;
mod error;
mod incoming;
mod refs;
mod reports;
mod request;
mod response;
mod stats;
mod views;

pub use actor::{Actor, Caller, Role};
pub(crate) use audit::hex32;
pub use audit::{
    AuditEntry, AuditVerification, BaseView, ExpectedHead, HeadCheck, HeadVerdict, Removal,
};
pub use drafts::{DraftSummary, DraftView, ReviewView};
pub use error::{ErrorKind, ServiceError};
pub use incoming::{Outcome, Prepared, PreparedItem};
pub use refs::TicketRefs;
pub use reports::{
    ComposedReply, FoundView, IntakeStatus, PurgeReport, QuarantineShown, RekeyReport, Released,
    Retried, RetryResult, SavedReplyInfo, SearchHit, StatusReport, Whoami,
};
pub use request::{Bytes, Request};
pub use response::Response;
pub use stats::{Cell, Cells, Month, Percentiles, Stats, StatsReport};
pub use views::{
    AttachmentView, DeliveryView, Direction, ListFilter, LiveList, MessageView, NoteView, OutKind,
    OutboxView, QuarantineView, RevealView, Status, StatusFilter, TicketSummary, TicketView,
};
