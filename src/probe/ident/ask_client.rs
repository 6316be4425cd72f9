//! The services that wait to be asked, each asked once on one connection:
//! RDP (an X.224 connection request), MS SQL Server (a TDS pre-login),
//! PostgreSQL (an SSLRequest) and the NetBIOS session service (a session
//! request). One message out, one answer read within the deadline and its
//! byte cap, then the connection is reset: never a login. Building and
//! parsing are in [`super::rdp`], [`super::mssql`], [`super::postgres`] and
//! [`super::netbios`].

use std::net::SocketAddr;

use tokio::time::Instant;

use super::wire::{Framing, Limits, connect, exchange, read_until, write_all};
use super::{mssql, netbios, postgres, rdp};
use crate::api::{MssqlDetails, NetbiosDetails, PostgresDetails, RdpDetails};

const TPKT: Framing = Framing {
    len: rdp::tpkt_len,
    max: rdp::MAX_CONFIRM,
};

const TDS: Framing = Framing {
    len: mssql::frame_len,
    max: mssql::MAX_RESPONSE,
};

pub(super) async fn probe_rdp(
    addr: SocketAddr,
    deadline: Instant,
    limits: &Limits,
) -> Option<RdpDetails> {
    let request = &rdp::CONNECTION_REQUEST;
    let tpdu = exchange(addr, request, &TPKT, deadline, limits)
        .await
        .ok()?;
    rdp::parse_confirm(&tpdu)
}

pub(super) async fn probe_mssql(
    addr: SocketAddr,
    deadline: Instant,
    limits: &Limits,
) -> Option<MssqlDetails> {
    let packet = exchange(addr, &mssql::PRELOGIN, &TDS, deadline, limits)
        .await
        .ok()?;
    // The rest of the 8-byte header: SPID, packet id, window.
    mssql::parse_prelogin(packet.get(4..)?)
}

pub(super) async fn probe_postgres(
    addr: SocketAddr,
    deadline: Instant,
    limits: &Limits,
) -> Option<PostgresDetails> {
    let request = &postgres::SSL_REQUEST;
    let cap = postgres::MAX_ANSWER;
    let answer = ask(
        addr,
        request,
        cap,
        deadline,
        limits,
        postgres::answer_complete,
    )
    .await?;
    postgres::parse_answer(&answer)
}

pub(super) async fn probe_netbios(
    addr: SocketAddr,
    deadline: Instant,
    limits: &Limits,
) -> Option<NetbiosDetails> {
    // A length beyond the cap is no session answer: stop reading there
    // rather than count it as a byte limit.
    let done =
        |b: &[u8]| netbios::answer_len(b).is_some_and(|n| b.len() >= n || n > netbios::MAX_ANSWER);
    let request = netbios::session_request();
    let answer = ask(addr, &request, netbios::MAX_ANSWER, deadline, limits, done).await?;
    netbios::parse_answer(&answer)
}

/// Send `request` on a fresh connection and read until `done`, `cap`
/// bytes, the peer closing or the deadline.
async fn ask(
    addr: SocketAddr,
    request: &[u8],
    cap: usize,
    deadline: Instant,
    limits: &Limits,
    done: impl Fn(&[u8]) -> bool,
) -> Option<Vec<u8>> {
    let mut s = connect(addr, deadline).await.ok()?;
    if !write_all(&mut s, request, deadline).await {
        return None;
    }
    let mut buf = Vec::new();
    read_until(&mut s, &mut buf, cap, deadline, limits, done).await;
    Some(buf)
}
