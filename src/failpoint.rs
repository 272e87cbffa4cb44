//! Failpoints for the crash tests: built only with the `failpoints` feature (never in a
//! release), they abort the process at a named place when `$SOURDINE_FAILPOINT` names it.
//!
//! `SOURDINE_FAILPOINT=after-commit` aborts at the first hit; `after-commit@3` at the third.

#[cfg(feature = "failpoints")]
static HITS: std::sync::Mutex<Vec<(String, u32)>> = std::sync::Mutex::new(Vec::new());

/// Blocks forever here if `$SOURDINE_FAILPOINT` names `name` (failpoints builds only): a
/// process that hangs. (It parks rather than sleeps: the attachment cleaner's sandbox allows
/// the futex waits of parking, not the sleeping calls.)
#[inline]
pub fn hang(name: &str) {
    if active(name) {
        loop {
            std::thread::park();
        }
    }
}

/// Whether `$SOURDINE_FAILPOINT` names `name` (always false outside failpoints builds).
#[inline]
pub fn active(name: &str) -> bool {
    cfg!(feature = "failpoints")
        && std::env::var("SOURDINE_FAILPOINT").is_ok_and(|v| v.split(',').any(|p| p == name))
}

/// Blocks forever here if `when` holds and `$SOURDINE_FAILPOINT` names `name` (failpoints
/// builds only): a process that hangs on one input only.
#[inline]
pub fn hang_when(name: &str, when: bool) {
    if when {
        hang(name);
    }
}

/// Sleeps here for MS milliseconds if `$SOURDINE_FAILPOINT` names `name=MS` (failpoints
/// builds only): a slow step.
#[inline]
pub fn delay(name: &str) {
    #[cfg(feature = "failpoints")]
    if let Ok(spec) = std::env::var("SOURDINE_FAILPOINT") {
        for point in spec.split(',') {
            if let Some((p, ms)) = point.split_once('=')
                && p == name
                && let Ok(ms) = ms.parse::<u64>()
            {
                std::thread::sleep(std::time::Duration::from_millis(ms));
            }
        }
    }
    #[cfg(not(feature = "failpoints"))]
    let _ = name;
}

/// The failpoints set for this process, to pass on to a child (failpoints builds only).
pub fn inherited() -> Option<String> {
    if cfg!(feature = "failpoints") {
        std::env::var("SOURDINE_FAILPOINT").ok()
    } else {
        None
    }
}

/// Aborts the process here if `$SOURDINE_FAILPOINT` names `name` (failpoints builds only).
#[inline]
pub fn hit(name: &str) {
    #[cfg(feature = "failpoints")]
    {
        let Ok(spec) = std::env::var("SOURDINE_FAILPOINT") else {
            return;
        };
        for point in spec.split(',') {
            let (p, nth) = match point.split_once('@') {
                Some((p, n)) => (p, n.parse::<u32>().unwrap_or(1)),
                None => (point, 1),
            };
            if p != name {
                continue;
            }
            let mut hits = HITS.lock().unwrap_or_else(|e| e.into_inner());
            let count = match hits.iter_mut().find(|(n, _)| n == name) {
                Some((_, c)) => {
                    *c += 1;
                    *c
                }
                None => {
                    hits.push((name.to_string(), 1));
                    1
                }
            };
            if count == nth {
                eprintln!("failpoint {name} reached (hit {count}): aborting");
                std::process::abort();
            }
        }
    }
    #[cfg(not(feature = "failpoints"))]
    let _ = name;
}
