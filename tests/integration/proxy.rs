//! A TCP proxy for fault injection: forwards to a real server, and on demand cuts a
//! connection in the middle of a command or plays a server that accepts and says nothing.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the proxy does with the next connections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Forwards everything.
    Pass,
    /// Forwards, but once the client has sent `trigger`, cuts the connection after `after`
    /// more bytes in either direction (one connection, then back to `Pass`).
    CutAfter { trigger: Vec<u8>, after: usize },
    /// Accepts and never answers.
    Silent,
}

/// A running proxy.
pub struct Proxy {
    pub port: u16,
    mode: Arc<Mutex<Mode>>,
    conns: Arc<Mutex<Vec<TcpStream>>>,
    pub cuts: Arc<Mutex<usize>>,
    stop: Arc<AtomicBool>,
}

impl Proxy {
    /// A proxy to `127.0.0.1:target`.
    pub fn start(target: u16) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mode = Arc::new(Mutex::new(Mode::Pass));
        let conns = Arc::new(Mutex::new(Vec::new()));
        let cuts = Arc::new(Mutex::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (m, c, k, s) = (mode.clone(), conns.clone(), cuts.clone(), stop.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(client) = client else { continue };
                let mode = m.lock().unwrap().clone();
                c.lock().unwrap().push(client.try_clone().unwrap());
                if mode == Mode::Silent {
                    continue;
                }
                let Ok(server) = TcpStream::connect(("127.0.0.1", target)) else {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                };
                c.lock().unwrap().push(server.try_clone().unwrap());
                let cut = match &mode {
                    Mode::CutAfter { trigger, after } => {
                        *m.lock().unwrap() = Mode::Pass;
                        Some((trigger.clone(), *after))
                    }
                    _ => None,
                };
                let budget = Arc::new(Mutex::new(None::<usize>));
                let (b1, b2) = (budget.clone(), budget.clone());
                let (cs, ss) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                let k1 = k.clone();
                let trig = cut.clone();
                // client -> server
                std::thread::spawn(move || {
                    pump(
                        client,
                        server,
                        trig.as_ref().map(|(t, a)| (t.clone(), *a)),
                        b1,
                        k1,
                        true,
                    )
                });
                // server -> client
                let k2 = k.clone();
                std::thread::spawn(move || pump(ss, cs, None, b2, k2, false));
            }
        });
        Proxy {
            port,
            mode,
            conns,
            cuts,
            stop,
        }
    }

    /// Sets the mode for the next connections.
    pub fn set(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }

    /// Closes every connection made so far (a server that dies).
    pub fn kill_all(&self) {
        for c in self.conns.lock().unwrap().drain(..) {
            let _ = c.shutdown(Shutdown::Both);
        }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.kill_all();
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// Copies `from` to `to`; with a trigger, arms the shared byte budget once it is seen; cuts
/// both ways when the budget runs out.
fn pump(
    mut from: TcpStream,
    mut to: TcpStream,
    trigger: Option<(Vec<u8>, usize)>,
    budget: Arc<Mutex<Option<usize>>>,
    cuts: Arc<Mutex<usize>>,
    _client_side: bool,
) {
    let _ = from.set_read_timeout(Some(Duration::from_secs(600)));
    let mut buf = [0u8; 16 * 1024];
    let mut seen: Vec<u8> = Vec::new();
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let mut chunk = &buf[..n];
        if let Some((t, after)) = &trigger {
            let armed = budget.lock().unwrap().is_some();
            if !armed {
                seen.extend_from_slice(chunk);
                if seen.windows(t.len()).any(|w| w == t.as_slice()) {
                    *budget.lock().unwrap() = Some(*after);
                }
                if seen.len() > 1 << 20 {
                    seen.drain(..seen.len() - t.len());
                }
            }
        }
        {
            let mut b = budget.lock().unwrap();
            if let Some(left) = b.as_mut() {
                if chunk.len() >= *left {
                    chunk = &chunk[..*left];
                    let _ = to.write_all(chunk);
                    *cuts.lock().unwrap() += 1;
                    let _ = to.shutdown(Shutdown::Both);
                    let _ = from.shutdown(Shutdown::Both);
                    *left = 0;
                    return;
                }
                *left -= chunk.len();
            }
        }
        if to.write_all(chunk).is_err() {
            break;
        }
    }
    let _ = to.shutdown(Shutdown::Both);
}
