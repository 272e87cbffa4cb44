//! How a command reaches the tickets: through the running service when it answers, else by
//! opening the store directly (operator use; the store's file permissions decide who can).
//! Either way the same requests get the same answers.

use std::path::{Path, PathBuf};

use crate::config::{Config, DEFAULT_CONFIG_PATH, DEFAULT_SOCKET};
use crate::control::client::{Client, ConnectError};
use crate::intake::import::{Batching, ImportError, Plan, feed};
use crate::intake::{BATCH_BYTES, BatchLimits, IngestCounts};
use crate::model::{Caller, Request, Response, Role, ServiceError};
use crate::service::{Service, require};
use crate::store::StoreError;

/// How long a command waits for the socket of a service that holds the store (it is
/// starting) before saying so.
pub const STARTING_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Where the command sends its requests.
pub enum Desk {
    /// The running service.
    Remote(Client),
    /// The store, opened by this process.
    Local {
        /// The service over the store.
        service: Box<Service>,
        /// This process's user.
        caller: Caller,
    },
}

/// Why no desk could be reached.
#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    /// The socket is there but refused us, or broke.
    #[error(transparent)]
    Connect(#[from] ConnectError),
    /// The service holds the store but does not answer on its socket yet: it is starting.
    #[error(
        "the sourdine service is starting: it holds the store but does not answer on {} yet; try again in a moment",
        socket.display()
    )]
    Starting {
        /// The service's socket.
        socket: PathBuf,
    },
    /// No service runs and the store cannot be opened.
    #[error("{message}")]
    NoStore {
        message: String,
        /// What failed, when it was an error.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
}

impl DeskError {
    fn no_store(
        message: String,
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    ) -> DeskError {
        DeskError::NoStore { message, source }
    }
}

/// The socket to try: `--socket`/`$SOURDINE_SOCKET`, else the configuration's, else the
/// default.
pub fn socket_path(socket: Option<&Path>, config: Option<&Config>) -> PathBuf {
    socket
        .map(Path::to_path_buf)
        .or_else(|| config.map(|c| c.control_socket.clone()))
        .unwrap_or_else(|| PathBuf::from(DEFAULT_SOCKET))
}

impl Desk {
    /// Connects to the service, or opens the store when no service runs.
    ///
    /// `config_path` is the `--config` given (or `$SOURDINE_CONFIG`); without it the default
    /// configuration file is used when it can be read.
    pub fn open(socket: Option<&Path>, config_path: Option<&Path>) -> Result<Desk, DeskError> {
        let explicit = config_path.is_some();
        let path = config_path
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_CONFIG_PATH));
        let config = match Config::load(&path) {
            Ok(c) => Some(c),
            Err(e) if explicit => return Err(DeskError::no_store(e.to_string(), Some(e.into()))),
            Err(_) => None,
        };
        let sock = socket_path(socket, config.as_ref());
        match Client::connect(&sock) {
            Ok(c) => return Ok(Desk::Remote(c)),
            Err(ConnectError::NotRunning(_)) => {}
            Err(e) => return Err(e.into()),
        }
        let Some(config) = config else {
            return Err(DeskError::no_store(
                format!(
                    "no sourdine service is running at {} and there is no configuration at {} to open the store directly (give --config or --socket)",
                    sock.display(),
                    path.display()
                ),
                None,
            ));
        };
        crate::hardening::protect_process().map_err(|e| {
            DeskError::no_store(format!("cannot disable core dumps: {e}"), Some(e.into()))
        })?;
        let service = match Service::open_store(&config) {
            Ok(s) => s,
            Err(e) if e.is_held_by_service() => return Desk::starting(&sock, &config, e),
            Err(e) => return Err(unopened(&sock, e)),
        };
        // A command that holds the store a while, for the tests of a service starting then.
        crate::failpoint::delay("desk-opened-store");
        Ok(Desk::Local {
            service: Box::new(service),
            caller: Caller::this_process(),
        })
    }

    /// The store is locked by the service (`locked`) and `sock` did not answer: the service
    /// is starting, and binds its socket in a moment, which is waited for (up to
    /// [`STARTING_WAIT`]). When the configuration's socket answers and `sock` is another one,
    /// the service runs elsewhere: the store is in use.
    fn starting(sock: &Path, config: &Config, locked: StoreError) -> Result<Desk, DeskError> {
        let started = std::time::Instant::now();
        loop {
            match Client::connect(&config.control_socket) {
                Ok(c) if sock == config.control_socket => return Ok(Desk::Remote(c)),
                Ok(_) => return Err(unopened(sock, locked)),
                Err(_) if started.elapsed() < STARTING_WAIT => {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(_) => {
                    return Err(DeskError::Starting {
                        socket: config.control_socket.clone(),
                    });
                }
            }
        }
    }

    /// Sends one request.
    pub fn call(&mut self, request: Request) -> Result<Response, ServiceError> {
        match self {
            Desk::Remote(c) => c.call(request),
            Desk::Local { service, caller } => service.handle(caller, request),
        }
    }

    /// Takes in every message of `plan` (`sourdine ingest`), in batches of at most 8 MiB:
    /// through the running service, which prepares each batch while the one before it
    /// commits, or, with the store opened here, preparing messages on every core while
    /// batches before them commit (see [`feed`]). Needs the supervisor role.
    pub fn ingest(
        &mut self,
        plan: &Plan,
        limit: usize,
        batch_size: usize,
        on_progress: impl FnMut(u64),
        on_problem: impl FnMut(&ImportError),
    ) -> Result<IngestCounts, ServiceError> {
        // The batch size that bounds the memory of intake; through the service, two batches
        // are in flight (one being prepared while the other commits).
        let batching = Batching::new(
            limit,
            BatchLimits {
                count: batch_size,
                bytes: BATCH_BYTES,
            },
        );
        match self {
            Desk::Remote(client) => remote_ingest(client, plan, batching, on_progress, on_problem),
            Desk::Local { service, caller } => {
                require(caller, Role::Supervisor)?;
                let service: &Service = service;
                // The store is locked by this process: no key rotation can happen meanwhile.
                let keys = service.store().dedupe_keys();
                feed(
                    plan,
                    batching,
                    |raw| service.prepare_import(raw, &keys),
                    |prepared| service.commit_prepared(prepared),
                    on_progress,
                    on_problem,
                )
            }
        }
    }

    /// Whether requests go through the running service.
    pub fn is_remote(&self) -> bool {
        matches!(self, Desk::Remote(_))
    }

    /// The configuration, when the store was opened directly.
    pub fn config(&self) -> Option<&Config> {
        match self {
            Desk::Local { service, .. } => Some(service.config()),
            Desk::Remote(_) => None,
        }
    }
}

/// [`Desk::ingest`] through the service: each batch is sent before the answer to the one
/// before it is read, so that the service prepares it while that one commits (two in flight
/// at most; the service commits them in order and refuses the rest after a failed one).
/// Progress is told as answers arrive.
fn remote_ingest(
    client: &mut Client,
    plan: &Plan,
    batching: Batching,
    mut on_progress: impl FnMut(u64),
    on_problem: impl FnMut(&ImportError),
) -> Result<IngestCounts, ServiceError> {
    fn answer(client: &mut Client) -> Result<Vec<crate::model::Outcome>, ServiceError> {
        match client.receive()? {
            Response::Ingested(outcomes) => Ok(outcomes),
            other => Err(unexpected(other)),
        }
    }
    let mut in_flight = false;
    // Progress of the steps since the last answer, told when it arrives.
    let mut told: Option<u64> = None;
    let mut counts = feed(
        plan,
        batching,
        std::mem::take,
        |batch| {
            client.send_ingest(&batch)?;
            if std::mem::replace(&mut in_flight, true) {
                answer(client)
            } else {
                Ok(Vec::new())
            }
        },
        |done| {
            if let Some(before) = told.replace(done) {
                on_progress(before);
            }
        },
        on_problem,
    )?;
    if in_flight {
        counts.add(&answer(client)?);
    }
    if let Some(done) = told {
        on_progress(done);
    }
    Ok(counts)
}

/// No service answered at `sock` and the store could not be opened (`e` says why).
fn unopened(sock: &Path, e: StoreError) -> DeskError {
    let e = ServiceError::from(e);
    DeskError::no_store(
        format!(
            "no sourdine service is running at {}, and the store could not be opened: {e}",
            sock.display()
        ),
        Some(e.into()),
    )
}

/// An answer of the wrong kind (a bug or a version mismatch).
pub fn unexpected(r: Response) -> ServiceError {
    ServiceError::new(
        crate::service::ErrorKind::Internal,
        format!(
            "unexpected answer from the service ({}); are both sides the same sourdine version?",
            serde_json::to_value(&r)
                .ok()
                .and_then(|v| v.get("type").and_then(|t| t.as_str().map(str::to_string)))
                .unwrap_or_default()
        ),
    )
}
