//! The reported services that also run over TCP, on loopback: a stand-in
//! rpcbind answers the portmapper step's `DUMP` (one record behind its
//! mark), a stand-in directory server answers the LDAP step's root DSE
//! search in two writes and keeps the connection open (the step must see
//! the search's end, not wait for a close). Each is identified with its
//! plan entry's first step and nothing else is tried. Services that
//! announce 16 MiB stop at the steps' byte caps and say so.

use std::net::SocketAddr;
use std::time::Duration;

use crate::support::*;
use portcheck::plan::Service;
use portcheck::probe::ident::{Budget, identify};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const BUDGET: Budget = Budget {
    time: Duration::from_millis(1600),
    banner_wait: Duration::from_millis(200),
};

/// Serve every connection to a fresh loopback port with `serve`.
async fn stand_in(serve: fn(TcpStream) -> tokio::task::JoinHandle<()>) -> SocketAddr {
    let listener = TcpListener::bind(SocketAddr::new(ip("127.0.0.1"), 0))
        .await
        .expect("bind");
    let bound = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        while let Ok((s, _)) = listener.accept().await {
            serve(s);
        }
    });
    bound
}

fn words(w: &[u32]) -> Vec<u8> {
    w.iter().flat_map(|w| w.to_be_bytes()).collect()
}

/// Like rpcbind: a record-marked `DUMP` call gets the registrations of an
/// NFS server; anything else is dropped.
fn rpcbind(mut s: TcpStream) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut call = [0u8; 44];
        if s.read_exact(&mut call).await.is_err() {
            return;
        }
        let w: Vec<u32> = call
            .chunks(4)
            .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        // Last fragment of 40 bytes; CALL, RPC 2, program 100000 v2, DUMP.
        if w[0] != 0x8000_0028 || w[2..7] != [0, 2, 100_000, 2, 4] {
            return;
        }
        let mut reply = vec![w[1], 1, 0, 0, 0, 0];
        for (p, v, t, port) in [
            (100_000, 2, 6, 111),
            (100_003, 3, 6, 2049),
            (100_005, 3, 17, 20048),
        ] {
            reply.extend([1, p, v, t, port]);
        }
        reply.push(0);
        let mut m = words(&[0x8000_0000 | (reply.len() as u32 * 4)]);
        m.extend(words(&reply));
        let _ = s.write_all(&m).await;
        let mut rest = [0u8; 64];
        while matches!(s.read(&mut rest).await, Ok(n) if n > 0) {}
    })
}

fn element(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut e = vec![tag, 0x84];
    e.extend_from_slice(&(content.len() as u32).to_be_bytes());
    e.extend_from_slice(content);
    e
}

/// Like a domain controller: the root DSE search gets an entry and the
/// search's end, with four-byte lengths, in two writes; then the
/// connection stays open.
fn directory(mut s: TcpStream) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut head = [0u8; 2];
        if s.read_exact(&mut head).await.is_err() || head[0] != 0x30 {
            return;
        }
        let mut request = vec![0u8; usize::from(head[1])];
        if s.read_exact(&mut request).await.is_err() {
            return;
        }
        // messageID, then a search request ([APPLICATION 3]) for base "".
        let id_len = usize::from(request[1]);
        let id = &request[2..2 + id_len];
        let op = &request[2 + id_len..];
        if op[0] != 0x63 || !op.windows(2).any(|w| w == [0x04, 0x00]) {
            return;
        }
        let attr = |name: &str, values: &[&str]| {
            let vals: Vec<u8> = values
                .iter()
                .flat_map(|v| element(0x04, v.as_bytes()))
                .collect();
            element(
                0x30,
                &[element(0x04, name.as_bytes()), element(0x31, &vals)].concat(),
            )
        };
        let attrs = [
            attr(
                "namingContexts",
                &["DC=praxis,DC=local", "CN=Configuration,DC=praxis,DC=local"],
            ),
            attr("defaultNamingContext", &["DC=praxis,DC=local"]),
            attr("dnsHostName", &["dc1.praxis.local"]),
            attr("supportedLDAPVersion", &["3", "2"]),
        ]
        .concat();
        let entry = element(0x64, &[element(0x04, b""), element(0x30, &attrs)].concat());
        let done = element(
            0x65,
            &[element(0x0a, &[0]), element(0x04, b""), element(0x04, b"")].concat(),
        );
        let answer = [
            element(0x30, &[element(0x02, id), entry].concat()),
            element(0x30, &[element(0x02, id), done].concat()),
        ]
        .concat();
        let (first, second) = answer.split_at(answer.len() / 2);
        if s.write_all(first).await.is_err() {
            return;
        }
        let _ = s.write_all(second).await;
        let mut rest = [0u8; 64];
        while matches!(s.read(&mut rest).await, Ok(n) if n > 0) {}
    })
}

#[tokio::test]
async fn rpcbind_lists_its_programs_over_tcp() {
    let addr = stand_in(rpcbind).await;
    let d = within(
        "identification",
        identify(addr, Service::Portmapper, BUDGET),
    )
    .await;
    let p = d.reported.portmapper.expect("portmapper");
    let listed: Vec<_> = p
        .programs
        .iter()
        .map(|r| {
            (
                r.program,
                r.name.as_deref(),
                r.version,
                r.protocol.as_str(),
                r.port,
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            (100_000, Some("portmapper"), 2, "tcp", 111),
            (100_003, Some("nfs"), 3, "tcp", 2049),
            (100_005, Some("mountd"), 3, "udp", 20048),
        ]
    );
    assert_eq!((d.http, d.limit), (None, None));
}

#[tokio::test]
async fn a_domain_controller_shows_its_root_dse_over_tcp() {
    let addr = stand_in(directory).await;
    let started = tokio::time::Instant::now();
    let d = within("identification", identify(addr, Service::Ldap, BUDGET)).await;
    let l = d.reported.ldap.expect("ldap");
    assert_eq!(
        l.naming_contexts,
        ["DC=praxis,DC=local", "CN=Configuration,DC=praxis,DC=local"]
    );
    assert_eq!(
        l.default_naming_context.as_deref(),
        Some("DC=praxis,DC=local")
    );
    assert_eq!(l.dns_host_name.as_deref(), Some("dc1.praxis.local"));
    assert_eq!(l.supported_ldap_versions, [3, 2]);
    assert_eq!(l.result_code, None);
    // The search's end, not the deadline, ended the read.
    assert_eq!(d.limit, None);
    assert!(
        started.elapsed() < BUDGET.time / 2,
        "{:?}",
        started.elapsed()
    );
}

/// Announces a 16 MiB answer and sends bytes until the probe goes away.
fn flood(mut s: TcpStream, header: &'static [u8]) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut request = [0u8; 256];
        if !matches!(s.read(&mut request).await, Ok(n) if n > 0) {
            return;
        }
        if s.write_all(header).await.is_err() {
            return;
        }
        let junk = [0x04u8; 4096];
        for _ in 0..4096 {
            if s.write_all(&junk).await.is_err() {
                return;
            }
        }
    })
}

#[tokio::test]
async fn oversized_answers_stop_at_their_caps() {
    let rpc = stand_in(|s| flood(s, &[0x81, 0x00, 0x00, 0x00])).await;
    let d = within("identification", identify(rpc, Service::Portmapper, BUDGET)).await;
    assert_eq!(d.reported.portmapper, None);
    assert_eq!(d.limit, Some(portcheck::api::IdentLimit::Bytes));
    let ldap = stand_in(|s| flood(s, &[0x30, 0x84, 0x01, 0x00, 0x00, 0x00])).await;
    let d = within("identification", identify(ldap, Service::Ldap, BUDGET)).await;
    assert_eq!(d.reported.ldap, None);
    assert_eq!(d.limit, Some(portcheck::api::IdentLimit::Bytes));
}
