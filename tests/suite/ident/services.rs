//! The practice check's services on loopback: stand-ins that answer like
//! xrdp, Xvnc with and without a password, vsftpd, OpenSSH, telnetd,
//! MariaDB (also refusing the host), PostgreSQL, SQL Server, CUPS and a
//! NetBIOS session service are identified with their plan entry's first
//! protocol, RDP also on a port whose plan expects something else; hostile
//! ones (dripping, oversized) end within the budget and say so. Last, the
//! practice check through the real API against one visitor with RDP, VNC
//! without a password and MariaDB on their usual (unprivileged) ports.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use crate::support::*;
use portcheck::api::{
    FindingId, IdentLimit, Level, MssqlEncryption, NetbiosSession, PortDetails, PortState,
    RdpSecurity, Report,
};
use portcheck::plan::Service;
use portcheck::probe::ident::{Budget, identify};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The hostile tests' budget: short, with the same rules.
const BUDGET: Budget = Budget {
    time: Duration::from_millis(1600),
    banner_wait: Duration::from_millis(200),
};

/// Serve every connection to a fresh loopback port with `serve`.
async fn stand_in<F, Fut>(addr: &str, port: u16, serve: F) -> SocketAddr
where
    F: Fn(TcpStream) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind(SocketAddr::new(ip(addr), port))
        .await
        .unwrap_or_else(|e| panic!("bind {addr}:{port}: {e}"));
    let bound = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        while let Ok((s, _)) = listener.accept().await {
            tokio::spawn(serve(s));
        }
    });
    bound
}

/// Read exactly `n` bytes; `None` when the client closed first.
async fn read_n(s: &mut TcpStream, n: usize) -> Option<Vec<u8>> {
    let mut buf = vec![0; n];
    s.read_exact(&mut buf).await.ok().map(|_| buf)
}

/// Keep the connection until the client goes away.
async fn hold(mut s: TcpStream) {
    let mut buf = [0u8; 512];
    while matches!(s.read(&mut buf).await, Ok(n) if n > 0) {}
}

/// Like xrdp: a TPKT connection request gets a confirm selecting TLS;
/// anything else is dropped.
async fn xrdp(mut s: TcpStream) {
    let Some(head) = read_n(&mut s, 4).await else {
        return;
    };
    if head[..2] != [3, 0] {
        return;
    }
    let len = usize::from(u16::from_be_bytes([head[2], head[3]]));
    if read_n(&mut s, len.saturating_sub(4)).await.is_none() {
        return;
    }
    let confirm = [
        0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00, 0x02, 0x1f, 0x08, 0x00,
        0x01, 0x00, 0x00, 0x00,
    ];
    if s.write_all(&confirm).await.is_ok() {
        hold(s).await;
    }
}

/// Like Xvnc: RFB 3.8, then the security types `types` after the client's
/// version.
async fn xvnc(mut s: TcpStream, types: &'static [u8]) {
    if s.write_all(b"RFB 003.008\n").await.is_err() || read_n(&mut s, 12).await.is_none() {
        return;
    }
    let mut offer = vec![types.len() as u8];
    offer.extend_from_slice(types);
    if s.write_all(&offer).await.is_ok() {
        hold(s).await;
    }
}

/// Send `greeting`, then keep the connection.
async fn greeter(mut s: TcpStream, greeting: &'static [u8]) {
    if s.write_all(greeting).await.is_ok() {
        hold(s).await;
    }
}

/// A MariaDB 10.11 handshake packet.
fn mariadb_handshake() -> Vec<u8> {
    let mut p = vec![0x0a];
    p.extend_from_slice(b"10.11.6-MariaDB-0+deb12u1\0");
    p.extend_from_slice(&[0x2a, 0, 0, 0]);
    p.extend_from_slice(b"abcdefgh\0");
    p.extend_from_slice(&[0xfe, 0xf7, 0x2d, 0x02, 0x00, 0xff, 0x81, 0x15]);
    p.extend_from_slice(&[0; 10]);
    p.extend_from_slice(b"ijklmnopqrst\0mysql_native_password\0");
    let mut m = (p.len() as u32).to_le_bytes()[..3].to_vec();
    m.push(0);
    m.extend_from_slice(&p);
    m
}

/// What the SQL Server stand-in answers a TDS pre-login with: SQL Server
/// 2019 (15.0.2000), encryption required, ENCRYPTION listed before VERSION.
/// Also the fuzz corpus' seed for SQL Server (tests/suite/lab/record.rs),
/// which has no lab service.
pub(crate) const SQL_SERVER_2019_PRELOGIN_ANSWER: [u8; 26] = [
    // The TDS header: a response of 8 + 18 bytes.
    4, 1, 0, 26, 0, 0, 1, 0, //
    0x01, 0x00, 0x0b, 0x00, 0x01, 0x00, 0x00, 0x0c, 0x00, 0x06, 0xff, 0x03, 0x0f, 0x00, 0x07, 0xd0,
    0x00, 0x00,
];

async fn identify_as(addr: SocketAddr, first: Service) -> PortDetails {
    within("identification", identify(addr, first, BUDGET)).await
}

#[tokio::test]
async fn xrdp_is_recognised_on_its_port_and_on_any_other() {
    let addr = stand_in("127.0.0.1", 0, xrdp).await;
    for first in [Service::Rdp, Service::Http, Service::Smb, Service::Https] {
        let d = identify_as(addr, first).await;
        let rdp = d
            .service
            .rdp
            .as_ref()
            .unwrap_or_else(|| panic!("{first:?}: {d:?}"));
        assert_eq!(rdp.security, Some(RdpSecurity::Tls), "{first:?}");
        assert_eq!(d.limit, None, "{first:?}");
    }
}

#[tokio::test]
async fn xvnc_with_and_without_a_password() {
    let open = stand_in("127.0.0.1", 0, |s| xvnc(s, &[1])).await;
    let d = identify_as(open, Service::Vnc).await;
    let vnc = d.service.vnc.expect("vnc");
    assert_eq!(vnc.version, "3.8");
    assert_eq!((vnc.security_types, vnc.no_password), (vec![1], Some(true)));
    let locked = stand_in("127.0.0.1", 0, |s| xvnc(s, &[2, 19])).await;
    let d = identify_as(locked, Service::Vnc).await;
    let vnc = d.service.vnc.expect("vnc");
    assert_eq!(vnc.no_password, Some(false));
    // A greeting is recognised on a port that expects something else too.
    let d = identify_as(open, Service::Http).await;
    assert_eq!(d.service.vnc.and_then(|v| v.no_password), Some(true));
}

#[tokio::test]
async fn text_greetings_ftp_ssh_and_telnet() {
    let ftp = stand_in("127.0.0.1", 0, |s| greeter(s, b"220 (vsFTPd 3.0.3)\r\n")).await;
    let d = identify_as(ftp, Service::Ftp).await;
    assert_eq!(
        d.service.ftp.map(|f| (f.code, f.text)),
        Some((220, "(vsFTPd 3.0.3)".into()))
    );
    assert_eq!(d.banner.as_deref(), Some("220 (vsFTPd 3.0.3)"));

    let line = b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n";
    let ssh = stand_in("127.0.0.1", 0, |s| greeter(s, line)).await;
    let d = identify_as(ssh, Service::Ssh).await;
    assert_eq!(
        d.service.ssh.map(|s| s.software),
        Some("OpenSSH_9.2p1".into())
    );

    // telnetd: options first; the prompt after the client's answer.
    let telnetd = stand_in("127.0.0.1", 0, |mut s| async move {
        if s.write_all(&[255, 253, 24, 255, 253, 32, 255, 251, 1])
            .await
            .is_err()
        {
            return;
        }
        // The probe refuses all three: WONT 24, WONT 32, DONT 1.
        if read_n(&mut s, 9).await.as_deref() != Some(&[255, 252, 24, 255, 252, 32, 255, 254, 1]) {
            return;
        }
        greeter(s, b"Debian GNU/Linux 12\r\nlab login: ").await;
    })
    .await;
    let d = identify_as(telnetd, Service::Telnet).await;
    let t = d.service.telnet.expect("telnet");
    assert_eq!(t.options, vec![24, 32, 1]);
    assert_eq!(t.greeting.as_deref(), Some("Debian GNU/Linux 12"));
    assert_eq!(d.limit, None);
}

#[tokio::test]
async fn databases_mariadb_postgres_and_sql_server() {
    let handshake: &'static [u8] = mariadb_handshake().leak();
    let maria = stand_in("127.0.0.1", 0, move |s| greeter(s, handshake)).await;
    let d = identify_as(maria, Service::Mysql).await;
    let m = d.service.mysql.expect("mysql");
    assert_eq!(m.version.as_deref(), Some("10.11.6-MariaDB-0+deb12u1"));
    assert_eq!(d.banner, None);

    // A host MariaDB does not accept: error 1130, then the server closes.
    let refusing = stand_in("127.0.0.1", 0, |mut s| async move {
        let mut p = vec![0xff, 0x6a, 0x04];
        p.extend_from_slice(b"Host '127.0.0.1' is not allowed to connect to this MariaDB server");
        let mut m = vec![p.len() as u8, 0, 0, 0];
        m.extend_from_slice(&p);
        let _ = s.write_all(&m).await;
    })
    .await;
    let d = identify_as(refusing, Service::Mysql).await;
    assert_eq!(d.service.mysql.and_then(|m| m.error_code), Some(1130));

    let postgres = stand_in("127.0.0.1", 0, |mut s| async move {
        if read_n(&mut s, 8).await.as_deref() == Some(&[0, 0, 0, 8, 4, 210, 22, 47]) {
            greeter(s, b"N").await;
        }
    })
    .await;
    let d = identify_as(postgres, Service::Postgres).await;
    assert_eq!(d.service.postgres.map(|p| p.tls), Some(Some(false)));

    let sql_server = stand_in("127.0.0.1", 0, |mut s| async move {
        if read_n(&mut s, 41).await.is_none() {
            return;
        }
        greeter(s, &SQL_SERVER_2019_PRELOGIN_ANSWER).await;
    })
    .await;
    let d = identify_as(sql_server, Service::Mssql).await;
    let m = d.service.mssql.expect("mssql");
    assert_eq!(m.version.as_deref(), Some("15.0.2000"));
    assert_eq!(m.encryption, Some(MssqlEncryption::Required));
}

#[tokio::test]
async fn cups_and_a_netbios_session_service() {
    let cups = stand_in("127.0.0.1", 0, |mut s| async move {
        let mut head = Vec::new();
        let mut b = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && matches!(s.read(&mut b).await, Ok(1)) {
            head.push(b[0]);
        }
        let page = b"HTTP/1.1 200 OK\r\nServer: CUPS/2.4 IPP/2.1\r\nContent-Type: text/html\r\n\r\n<html><head><title>Home - CUPS 2.4.2</title></head>";
        let _ = s.write_all(page).await;
    })
    .await;
    let d = identify_as(cups, Service::Ipp).await;
    assert_eq!(
        d.service.ipp.and_then(|i| i.server).as_deref(),
        Some("CUPS/2.4 IPP/2.1")
    );
    assert_eq!(d.http.map(|h| h.status), Some(200));

    // Positive to a session request; anything else (SMB without one) is
    // dropped, as Windows does on 139.
    let nbss = stand_in("127.0.0.1", 0, |mut s| async move {
        let Some(head) = read_n(&mut s, 4).await else {
            return;
        };
        if head[0] == 0x81 && read_n(&mut s, 68).await.is_some() {
            greeter(s, &[0x82, 0, 0, 0]).await;
        }
    })
    .await;
    let d = identify_as(nbss, Service::Netbios).await;
    assert_eq!(
        d.service.netbios.map(|n| n.session),
        Some(NetbiosSession::Positive)
    );
    assert_eq!(d.smb, None);
}

#[tokio::test(start_paused = true)]
async fn a_dripping_vnc_offer_ends_at_the_deadline() {
    let addr = stand_in("127.0.0.1", 0, |mut s| async move {
        if s.write_all(b"RFB 003.008\n").await.is_err() || read_n(&mut s, 12).await.is_none() {
            return;
        }
        // Announces 200 types, sends one a second.
        for b in std::iter::once(200u8).chain(1..=200) {
            if s.write_all(&[b]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    })
    .await;
    let d = identify(addr, Service::Vnc, BUDGET).await;
    assert_eq!(d.limit, Some(IdentLimit::Time), "{d:?}");
    let vnc = d.service.vnc.expect("the version was read");
    assert_eq!((vnc.security_types, vnc.no_password), (vec![], None));
}

#[tokio::test(start_paused = true)]
async fn oversized_answers_stop_at_their_caps() {
    // A MySQL error packet announcing 1 MiB, then a flood without a line
    // end: read to the greeting cap, and no MySQL server.
    let flood = stand_in("127.0.0.1", 0, |mut s| async move {
        let mut m = vec![0x00, 0x00, 0x10, 0x00, 0xff];
        m.extend(std::iter::repeat_n(b'9', 100_000));
        let _ = s.write_all(&m).await;
        hold(s).await;
    })
    .await;
    let d = identify(flood, Service::Mysql, BUDGET).await;
    assert_eq!((d.service.mysql, d.limit), (None, Some(IdentLimit::Bytes)));
    // A TDS answer announcing 64 KiB: over the cap before it is read.
    let tds = stand_in("127.0.0.1", 0, |mut s| async move {
        if read_n(&mut s, 41).await.is_some() {
            let mut m = vec![0x04, 0x01, 0xff, 0xff, 0, 0, 1, 0];
            m.extend(std::iter::repeat_n(0u8, 65_000));
            let _ = s.write_all(&m).await;
        }
        hold(s).await;
    })
    .await;
    let d = identify(tds, Service::Mssql, BUDGET).await;
    assert_eq!((d.service.mssql, d.limit), (None, Some(IdentLimit::Bytes)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_practice_check_through_the_api() {
    const VISITOR: &str = "127.0.0.61";
    let rdp = stand_in(VISITOR, 3389, xrdp).await;
    let vnc = stand_in(VISITOR, 5900, |s| xvnc(s, &[1])).await;
    let handshake: &'static [u8] = mariadb_handshake().leak();
    let db = stand_in(VISITOR, 3306, move |s| greeter(s, handshake)).await;
    let server = TestServer::start(settings()).await;
    let url = server.url("/api/v1/scan?plan=practice");
    let report: Report = get_json(&client_from(VISITOR), &url).await;
    let open: Vec<u16> = report
        .ports
        .iter()
        .filter(|p| p.state == PortState::Open)
        .map(|p| p.port)
        .collect();
    assert_eq!(open, vec![db.port(), rdp.port(), vnc.port()]);
    let found: Vec<(FindingId, Vec<u16>)> = report
        .verdict
        .findings
        .iter()
        .map(|f| (f.id, f.ports.clone()))
        .collect();
    assert_eq!(
        found,
        vec![
            (FindingId::RdpExposed, vec![3389]),
            (FindingId::VncNoAuth, vec![5900]),
            (FindingId::DatabaseExposed, vec![3306]),
        ]
    );
    assert_eq!(report.verdict.level, Level::Critical);
}
