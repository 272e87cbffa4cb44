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

/// The answer to a long list, as pieces of about `piece` bytes that together make the same
/// line as the whole [`ResponseFrame`] serialized at once (its newline included): a list of
/// 100,000 tickets (about 40 MB of JSON) goes out without a buffer as large as the answer.
pub struct ListPieces<'a, T> {
    /// The frame up to and including the list's `[`.
    head: Vec<u8>,
    /// The frame from the list's `]` on, and the newline.
    tail: Vec<u8>,
    items: &'a [T],
    /// The next item to write; `None` once the tail is written.
    next: Option<usize>,
    piece: usize,
}

impl<'a, T: Serialize> ListPieces<'a, T> {
    /// The pieces of the response `wrap` makes of a list (`Response::Tickets`...), with
    /// `items` as that list; `None` when the response is not written as one list.
    pub fn new(
        wrap: fn(Vec<T>) -> Response,
        items: &'a [T],
        piece: usize,
    ) -> Option<ListPieces<'a, T>> {
        let frame = serde_json::to_vec(&ResponseFrame::new(Ok(wrap(Vec::new())))).ok()?;
        let at = frame.windows(2).position(|w| w == b"[]")?;
        if frame[at + 1..].windows(2).any(|w| w == b"[]") {
            return None;
        }
        let mut tail = frame[at + 1..].to_vec();
        tail.push(b'\n');
        Some(ListPieces {
            head: frame[..=at].to_vec(),
            tail,
            items,
            next: Some(0),
            piece: piece.max(1),
        })
    }

    /// Puts the next piece in `buf` (emptied first); false when the line is complete.
    pub fn next_into(&mut self, buf: &mut Vec<u8>) -> Result<bool, serde_json::Error> {
        buf.clear();
        let Some(mut i) = self.next else {
            return Ok(false);
        };
        if i == 0 {
            buf.extend_from_slice(&self.head);
        }
        // At least one item a piece, so that every call moves on.
        let first = i;
        while i < self.items.len() && (i == first || buf.len() < self.piece) {
            if i > 0 {
                buf.push(b',');
            }
            serde_json::to_writer(&mut *buf, &self.items[i])?;
            i += 1;
        }
        if i == self.items.len() {
            buf.extend_from_slice(&self.tail);
            self.next = None;
        } else {
            self.next = Some(i);
        }
        Ok(true)
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

    /// Tickets with what makes their JSON vary: tags, a claim, quotes in a subject.
    fn tickets(n: usize) -> Vec<std::sync::Arc<crate::model::TicketSummary>> {
        (0..n)
            .map(|i| {
                let mut t = crate::model::TicketSummary {
                    id: format!("K7F3QX{:02}", i % 100).into(),
                    status: crate::model::Status::Open,
                    received: crate::time::Stamp(1_700_000_000 + i as i64),
                    last_in: crate::time::Stamp(1_700_000_000 + i as i64),
                    subject: format!("sujet \"{i}\" é").into(),
                    messages: 1,
                    urgent: i % 3 == 0,
                    tags: Vec::new(),
                    language: crate::anonymise::Language::Fr,
                    answered: false,
                    claimed_by: None,
                    claimed_by_uid: None,
                    classification: None,
                };
                if i % 2 == 0 {
                    t.tags = vec!["école".into()];
                    t.claimed_by = Some("anna".into());
                    t.claimed_by_uid = Some(1000);
                }
                t.into()
            })
            .collect()
    }

    #[test]
    fn a_long_list_in_pieces_is_the_same_line_as_the_whole_frame() {
        for n in [0, 1, 2, 7, 500] {
            let list = tickets(n);
            let mut whole =
                serde_json::to_vec(&ResponseFrame::new(Ok(Response::Tickets(list.clone()))))
                    .unwrap();
            whole.push(b'\n');
            for piece in [1, 64, 4096, 1 << 20] {
                let mut pieces = ListPieces::new(Response::Tickets, &list, piece).unwrap();
                let (mut line, mut buf, mut count) = (Vec::new(), Vec::new(), 0);
                while pieces.next_into(&mut buf).unwrap() {
                    // A piece stops at the first item that takes it past `piece` bytes.
                    assert!(buf.len() < piece + 400, "a piece of {} bytes", buf.len());
                    line.extend_from_slice(&buf);
                    count += 1;
                }
                assert_eq!(line, whole, "{n} tickets in pieces of {piece} bytes");
                if whole.len() <= piece {
                    assert_eq!(count, 1, "{n} tickets in pieces of {piece} bytes");
                } else {
                    assert!(count >= whole.len() / (piece + 400), "{count} pieces");
                }
                assert!(!pieces.next_into(&mut buf).unwrap() && buf.is_empty());
            }
        }
    }

    #[test]
    fn only_a_response_that_is_one_list_is_written_in_pieces() {
        let status = |_: Vec<u64>| Response::Changes(3);
        assert!(ListPieces::new(status, &[], 64).is_none());
        assert!(ListPieces::new(Response::Audit, &[], 64).is_some());
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
