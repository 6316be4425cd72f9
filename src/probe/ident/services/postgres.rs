//! PostgreSQL: the SSLRequest the probe sends (protocol 3, 53.2.10) and the
//! server's one-byte answer — `S` (TLS offered) or `N` (not) — or an error
//! message from a server that cannot read the request. The probe closes
//! after it; no startup message, no login.

use std::net::SocketAddr;

use tokio::time::Instant;

use crate::probe::ident::io::Limits;
use crate::probe::ident::io::tcp::ask;

use crate::api::PostgresDetails;

/// Length 8, then the SSLRequest code 80877103.
pub const SSL_REQUEST: [u8; 8] = [0x00, 0x00, 0x00, 0x08, 0x04, 0xd2, 0x16, 0x2f];

/// Most bytes the probe reads of the answer (an error message's start).
pub const MAX_ANSWER: usize = 256;

/// Whether `buf` holds enough of an answer to judge it.
pub fn answer_complete(buf: &[u8]) -> bool {
    match buf.first() {
        Some(b'E') => buf.len() >= 6,
        Some(_) => true,
        None => false,
    }
}

/// The server's answer: `S` or `N` alone, or an ErrorResponse (`E`, a
/// plausible length, then a field type letter). `None` for anything else.
pub fn parse_answer(buf: &[u8]) -> Option<PostgresDetails> {
    match buf {
        [b'S'] => Some(PostgresDetails { tls: Some(true) }),
        [b'N'] => Some(PostgresDetails { tls: Some(false) }),
        [b'E', l0, l1, l2, l3, field, ..] => {
            let len = u32::from_be_bytes([*l0, *l1, *l2, *l3]);
            ((5..=8192).contains(&len) && field.is_ascii_alphabetic())
                .then_some(PostgresDetails { tls: None })
        }
        _ => None,
    }
}

// The conversation: one message out on a fresh connection, one answer
// read within the deadline and its byte cap, then the connection is reset.
// Never a login.

pub(crate) async fn probe_postgres(
    addr: SocketAddr,
    deadline: Instant,
    limits: &Limits,
) -> Option<PostgresDetails> {
    let request = &SSL_REQUEST;
    let cap = MAX_ANSWER;
    let answer = ask(addr, request, cap, deadline, limits, answer_complete).await?;
    parse_answer(&answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers() {
        assert_eq!(parse_answer(b"S").and_then(|d| d.tls), Some(true));
        assert_eq!(parse_answer(b"N").and_then(|d| d.tls), Some(false));
        let err = b"E\x00\x00\x00\x4aSFATAL\x00";
        assert!(answer_complete(err));
        assert_eq!(parse_answer(err), Some(PostgresDetails { tls: None }));
        assert!(!answer_complete(b"E\x00"));
    }

    #[test]
    fn other_answers_are_not_postgres() {
        // A banner that happens to start with S or N is not one byte long.
        assert_eq!(parse_answer(b"SSH-2.0-x"), None);
        assert_eq!(parse_answer(b"NO"), None);
        assert_eq!(parse_answer(b""), None);
        assert_eq!(parse_answer(b"E\xff\xff\xff\xffS"), None);
        assert_eq!(parse_answer(b"HTTP/1.1 400"), None);
    }
}
