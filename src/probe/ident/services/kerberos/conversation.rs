//! Kerberos identification over the wire: one AS-REQ for a random principal
//! in the probe's made-up realm, on one connection, and the one answer read
//! within the port's deadline and byte cap. Building and parsing are in
//! [`super`]; no password and no second request, so never a login.

use std::net::SocketAddr;

use tokio::time::Instant;

use crate::api::{KerberosDetails, KerberosMessage};
use crate::probe::ident::io::tcp::{Framing, exchange};
use crate::probe::ident::io::{Limits, random_bytes};
use crate::probe::ident::services::kerberos::{self, Answer, MAX_MESSAGE, PROBE_REALM};

/// Kerberos over TCP: the 4-byte record marker, then the message. A marker
/// announcing 16 MiB or more is no Kerberos record but text (`HTTP/1.1 400`
/// reads as one) and ends the exchange without counting as a byte limit.
const KERBEROS_FRAMING: Framing = Framing {
    len: |h| kerberos::frame_len(h).ok().filter(|&n| n < 1 << 24),
    max: MAX_MESSAGE,
};

/// A principal name no account has: `portcheck-` and ten random hex digits,
/// new for every request.
fn random_principal() -> String {
    let hex: String = random_bytes::<5>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("portcheck-{hex}")
}

/// Ask the service on `addr` for a ticket as a random principal; what a KDC
/// answered, `None` when the answer was not Kerberos or did not come.
pub(crate) async fn probe_kerberos(
    addr: SocketAddr,
    deadline: Instant,
    limits: &Limits,
) -> Option<KerberosDetails> {
    let nonce = u32::from_be_bytes(random_bytes());
    let request = kerberos::as_req(&random_principal(), PROBE_REALM, nonce);
    let msg = exchange(addr, &request, &KERBEROS_FRAMING, deadline, limits)
        .await
        .ok()?;
    kerberos::parse_answer(&msg).ok().map(details)
}

/// Whether `buf` holds a whole Kerberos message behind its record marker:
/// what a KDC sends back to a request it cannot read (`GET /` included).
pub(crate) fn kdc_answered(buf: &[u8]) -> bool {
    let Some((head, rest)) = buf.split_first_chunk::<4>() else {
        return false;
    };
    (KERBEROS_FRAMING.len)(*head)
        .and_then(|len| rest.get(..len))
        .is_some_and(|msg| kerberos::parse_answer(msg).is_ok())
}

/// What the report says about a KDC's answer.
fn details(answer: Answer) -> KerberosDetails {
    match answer {
        Answer::Reply => KerberosDetails {
            message: KerberosMessage::AsRep,
            error_code: None,
            error: None,
            realm: None,
            server_time: None,
        },
        Answer::Error(e) => KerberosDetails {
            message: KerberosMessage::KrbError,
            error_code: Some(e.code),
            error: kerberos::error_name(e.code).map(str::to_owned),
            realm: e.own_realm().map(str::to_owned),
            server_time: e.server_time.as_deref().and_then(rfc3339),
        },
    }
}

/// `YYYYMMDDHHMMSSZ` (Kerberos time) as RFC 3339; `None` for anything else.
fn rfc3339(kerberos_time: &str) -> Option<String> {
    let digits = kerberos_time.strip_suffix('Z')?;
    if digits.len() != 14 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let part = |from: usize, to: usize| &digits[from..to];
    Some(format!(
        "{}-{}-{}T{}:{}:{}Z",
        part(0, 4),
        part(4, 6),
        part(6, 8),
        part(8, 10),
        part(10, 12),
        part(12, 14)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::IdentLimit;
    use crate::probe::ident::services::kerberos::tests::krb_error;
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    /// A loopback service that reads one request and answers `reply`; the
    /// request it read comes back through the handle.
    async fn service(reply: Vec<u8>) -> (SocketAddr, tokio::task::JoinHandle<Vec<u8>>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let task = tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.expect("accept");
            let mut head = [0u8; 4];
            s.read_exact(&mut head).await.expect("marker");
            let mut body = vec![0; kerberos::frame_len(head).expect("a request")];
            s.read_exact(&mut body).await.expect("request");
            s.write_all(&reply).await.expect("reply");
            let _ = s.shutdown().await;
            body
        });
        (addr, task)
    }

    fn framed(msg: &[u8]) -> Vec<u8> {
        let len = u32::try_from(msg.len()).expect("small");
        [&len.to_be_bytes()[..], msg].concat()
    }

    async fn ask(reply: Vec<u8>) -> (Option<KerberosDetails>, Option<IdentLimit>, Vec<u8>) {
        let (addr, task) = service(reply).await;
        let limits = Limits::default();
        let deadline = Instant::now() + Duration::from_secs(5);
        let got = probe_kerberos(addr, deadline, &limits).await;
        let request = task.await.expect("service");
        (got, limits.reported(), request)
    }

    #[tokio::test]
    async fn a_kdc_names_its_realm_and_error() {
        let msg = krb_error(6, "PRAXIS.LOCAL", Some("CLIENT_NOT_FOUND"));
        let (got, limit, request) = ask(framed(&msg)).await;
        assert_eq!(
            got,
            Some(KerberosDetails {
                message: KerberosMessage::KrbError,
                error_code: Some(6),
                error: Some("KDC_ERR_C_PRINCIPAL_UNKNOWN".into()),
                realm: Some("PRAXIS.LOCAL".into()),
                server_time: Some("2026-12-02T08:00:00Z".into()),
            })
        );
        assert_eq!(limit, None);
        let realm = PROBE_REALM.as_bytes();
        assert!(request.windows(realm.len()).any(|w| w == realm));
        assert!(request.windows(10).any(|w| w == b"portcheck-"));
    }

    #[tokio::test]
    async fn an_echo_of_the_made_up_realm_names_none() {
        let (got, _, _) = ask(framed(&krb_error(68, PROBE_REALM, None))).await;
        let got = got.expect("a KDC");
        assert_eq!((got.error_code, got.realm), (Some(68), None));
        assert_eq!(got.error.as_deref(), Some("KDC_ERR_WRONG_REALM"));
    }

    #[tokio::test]
    async fn an_oversized_record_is_not_read() {
        let mut reply = ((MAX_MESSAGE + 1) as u32).to_be_bytes().to_vec();
        reply.extend(std::iter::repeat_n(0u8, 64));
        let (got, limit, _) = ask(reply).await;
        assert_eq!((got, limit), (None, Some(IdentLimit::Bytes)));
    }

    #[tokio::test]
    async fn a_web_server_is_no_kdc_and_no_limit() {
        let reply = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".to_vec();
        let (got, limit, _) = ask(reply).await;
        assert_eq!((got, limit), (None, None));
    }

    #[test]
    fn every_request_asks_for_another_principal() {
        let (a, b) = (random_principal(), random_principal());
        assert_ne!(a, b);
        assert!(a.starts_with("portcheck-") && a.len() == 20, "{a}");
    }

    #[test]
    fn kerberos_time_reads_as_rfc3339() {
        assert_eq!(
            rfc3339("20261202080000Z").as_deref(),
            Some("2026-12-02T08:00:00Z")
        );
        for odd in ["", "2026Z", "20261202080000", "2026120208000xZ", "٠٠٠٠٠٠٠Z"] {
            assert_eq!(rfc3339(odd), None, "{odd}");
        }
    }

    /// What MIT krb5kdc 1.20 (realm PRAXIS.LAB) sent back to `GET /` on its
    /// TCP port: KRB_ERR_FIELD_TOOLONG, naming its own realm.
    const MIT_ANSWER_TO_GET: &str = "0000005c7e5a3058a003020105a10302011ea411180f32303236313230323038333630385aa50502030bf5eaa60302013da90c1b0a5052415849532e4c4142aa1f301da003020102a11630141b066b72627467741b0a5052415849532e4c4142";

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
            .collect()
    }

    #[test]
    fn a_real_kdc_answer_to_get_is_recognised() {
        let bytes = unhex(MIT_ANSWER_TO_GET);
        assert!(kdc_answered(&bytes));
        let answer = kerberos::parse_answer(&bytes[4..]).expect("a KRB-ERROR");
        let d = details(answer);
        assert_eq!(d.error_code, Some(61));
        assert_eq!(d.error.as_deref(), Some("KRB_ERR_FIELD_TOOLONG"));
        assert_eq!(d.realm.as_deref(), Some("PRAXIS.LAB"));
        assert_eq!(d.server_time.as_deref(), Some("2026-12-02T08:36:08Z"));
    }

    #[test]
    fn a_kdc_answer_to_a_web_request_is_recognised() {
        let msg = framed(&krb_error(52, "PRAXIS.LAB", None));
        assert!(kdc_answered(&msg));
        assert!(kdc_answered(&[&msg[..], b"trailing"].concat()));
        assert!(!kdc_answered(&msg[..msg.len() - 1]), "cut short");
        assert!(!kdc_answered(&msg[4..]), "no record marker");
        assert!(!kdc_answered(b"HTTP/1.1 400 Bad Request\r\n\r\n"));
        assert!(!kdc_answered(&[0, 0, 0]));
    }

    #[test]
    fn a_ticket_is_reported_as_such() {
        let d = details(Answer::Reply);
        assert_eq!((d.message, d.error_code), (KerberosMessage::AsRep, None));
    }
}
