//! The control protocol between `ticket` (or `sourdine`) and the running service: one JSON
//! object per line, versioned, each request answered by one response.
//!
//! ```text
//! -> {"v":1,"request":{"op":"show","id":"K7F3QX9M"}}
//! <- {"v":1,"ok":{"type":"ticket","data":{...}}}
//! <- {"v":1,"error":{"kind":"not_found","message":"ticket K7F3QX9M not found"}}
//! ```
//!
//! The caller's identity is never part of a request: the service reads it from the socket.

use serde::{Deserialize, Serialize};

pub use crate::model::{Bytes, Request, Response};
use crate::model::{ErrorKind, ServiceError};

/// The protocol version this build speaks.
pub const VERSION: u32 = 1;
/// Largest request from a counsellor, in bytes (notes, searches...).
pub const MAX_REQUEST: usize = 1024 * 1024;

/// A request on the wire.
#[derive(Debug, Serialize, Deserialize)]
pub struct RequestFrame {
    /// Protocol version.
    pub v: u32,
    pub request: Request,
}

/// A response on the wire.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WireResult {
    /// Success.
    Ok(Response),
    /// Failure.
    Error(ServiceError),
}

/// A response on the wire.
#[derive(Debug, Serialize, Deserialize)]
pub struct ResponseFrame {
    /// Protocol version.
    pub v: u32,
    #[serde(flatten)]
    pub result: WireResult,
}

impl ResponseFrame {
    /// Wraps a result.
    pub fn new(result: Result<Response, ServiceError>) -> ResponseFrame {
        ResponseFrame {
            v: VERSION,
            result: match result {
                Ok(r) => WireResult::Ok(r),
                Err(e) => WireResult::Error(e),
            },
        }
    }

    /// Unwraps the result.
    pub fn into_result(self) -> Result<Response, ServiceError> {
        match self.result {
            WireResult::Ok(r) => Ok(r),
            WireResult::Error(e) => Err(e),
        }
    }
}

/// Parses one request line; the error names what is wrong without echoing the input.
pub fn parse_request(line: &[u8]) -> Result<Request, ServiceError> {
    let frame: RequestFrame = serde_json::from_slice(line).map_err(|e| {
        ServiceError::new(
            ErrorKind::Invalid,
            format!(
                "malformed request (line {}, column {}: {:?})",
                e.line(),
                e.column(),
                e.classify()
            ),
        )
    })?;
    if frame.v != VERSION {
        return Err(ServiceError::new(
            ErrorKind::Invalid,
            format!(
                "protocol version {} is not spoken here (this service speaks {VERSION}); use the same sourdine version on both sides",
                frame.v
            ),
        ));
    }
    Ok(frame.request)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_round_trip() {
        let line = serde_json::to_vec(&RequestFrame {
            v: VERSION,
            request: Request::Show {
                id: "K7F3QX9M".into(),
            },
        })
        .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&line),
            r#"{"v":1,"request":{"op":"show","id":"K7F3QX9M"}}"#
        );
        assert!(matches!(parse_request(&line).unwrap(), Request::Show { id } if id == "K7F3QX9M"));
    }

    #[test]
    fn bad_requests_are_refused_without_echo() {
        for bad in [
            &br#"{"v":2,"request":{"op":"whoami"}}"#[..],
            br#"{"v":1,"request":{"op":"drop_all"}}"#,
            br#"{"v":1,"request":{"op":"show","id":"X","extra":"SECRETTOKEN"}}"#,
            b"not json at all SECRETTOKEN",
            b"",
        ] {
            let e = parse_request(bad).unwrap_err();
            assert!(!e.to_string().contains("SECRETTOKEN"), "{e}");
        }
    }

    #[test]
    fn bytes_travel_as_base64() {
        let j = serde_json::to_string(&Bytes(vec![0, 255, 1])).unwrap();
        assert_eq!(j, "\"AP8B\"");
        assert_eq!(
            serde_json::from_str::<Bytes>(&j).unwrap().0,
            vec![0, 255, 1]
        );
    }
}
