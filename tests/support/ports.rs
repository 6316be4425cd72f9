//! Loopback listeners that make a visitor's ports look open or filtered to
//! the probe (ports 440-449 need root).

use std::net::SocketAddr;

use tokio::net::{TcpListener, TcpSocket, TcpStream};

use super::ip;

/// Listeners that make ports look open (accepting) on `addr`.
pub struct OpenPorts {
    _listeners: Vec<TcpListener>,
}

pub async fn open_ports(addr: &str, ports: &[u16]) -> OpenPorts {
    let mut v = Vec::new();
    for &p in ports {
        let l = TcpListener::bind(SocketAddr::new(ip(addr), p))
            .await
            .unwrap_or_else(|e| panic!("bind {addr}:{p}: {e}"));
        v.push(l);
    }
    OpenPorts { _listeners: v }
}

/// Listeners on `addrs` that accept every connection and close it at once
/// (open ports that say nothing), while they and the current runtime live.
pub struct AcceptingPorts {
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for AcceptingPorts {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

pub async fn accepting_ports(addrs: &[(&str, u16)]) -> AcceptingPorts {
    let mut tasks = Vec::new();
    for &(host, port) in addrs {
        let l = TcpListener::bind(SocketAddr::new(ip(host), port))
            .await
            .unwrap_or_else(|e| panic!("bind {host}:{port}: {e}"));
        tasks.push(tokio::spawn(async move {
            while let Ok((conn, _)) = l.accept().await {
                drop(conn);
            }
        }));
    }
    AcceptingPorts { tasks }
}

/// A port that looks filtered: a listener with a full accept queue, so the
/// kernel drops further SYNs without answering, as a firewall's drop does.
pub struct FilteredPort {
    _listener: TcpListener,
    _filler: TcpStream,
}

pub async fn filtered_port(addr: &str, port: u16) -> FilteredPort {
    let sa = SocketAddr::new(ip(addr), port);
    let socket = if sa.is_ipv4() {
        TcpSocket::new_v4()
    } else {
        TcpSocket::new_v6()
    }
    .expect("socket");
    socket.bind(sa).unwrap_or_else(|e| panic!("bind {sa}: {e}"));
    let listener = socket.listen(0).expect("listen");
    // Backlog 0 holds one connection; with it queued and never accepted,
    // the queue is full.
    let filler = TcpStream::connect(sa).await.expect("fill accept queue");
    FilteredPort {
        _listener: listener,
        _filler: filler,
    }
}

/// Bind `sa` once for the whole test binary: the listener, or `None` when an
/// earlier call bound it already.
fn bind_once(sa: SocketAddr) -> Option<std::net::TcpListener> {
    use std::sync::Mutex;
    static OPENED: Mutex<Vec<SocketAddr>> = Mutex::new(Vec::new());
    let mut opened = OPENED.lock().unwrap_or_else(|p| p.into_inner());
    if opened.contains(&sa) {
        return None;
    }
    let l = std::net::TcpListener::bind(sa)
        .unwrap_or_else(|e| panic!("cannot listen on {sa} ({e}); is another test using it?"));
    opened.push(sa);
    Some(l)
}

/// Listeners for the whole test binary on fixed addresses, accepting and
/// closing every connection (open ports for the page tests, which share
/// them). Opening the same address twice is a no-op.
pub fn open_for_good(addrs: &[(&str, u16)]) {
    for &(host, port) in addrs {
        if let Some(l) = bind_once(SocketAddr::new(ip(host), port)) {
            std::thread::spawn(move || {
                for conn in l.incoming() {
                    drop(conn);
                }
            });
        }
    }
}

/// A stand-in Kerberos KDC for the whole test binary on `host:port`: every
/// connection gets, after the request's first bytes, the KRB-ERROR a KDC
/// sends for an unknown principal (RFC 4120: error 6, client not found),
/// framed for TCP. Opening the same address twice is a no-op.
pub fn kdc_for_good(host: &str, port: u16) {
    use std::io::{Read, Write};
    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let len = u8::try_from(content.len()).expect("short DER element");
        assert!(len < 0x80);
        [&[tag, len][..], content].concat()
    }
    let int = |n: u8| tlv(0x02, &[n]);
    let fields = [
        tlv(0xa0, &int(5)),  // pvno
        tlv(0xa1, &int(30)), // msg-type: KRB-ERROR
        tlv(0xa4, &tlv(0x18, b"20261202080000Z")),
        tlv(0xa5, &int(0)),
        tlv(0xa6, &int(6)), // KDC_ERR_C_PRINCIPAL_UNKNOWN
        tlv(0xa9, &tlv(0x1b, b"LAB.TEST")),
    ]
    .concat();
    let msg = tlv(0x7e, &tlv(0x30, &fields));
    let reply = [&(msg.len() as u32).to_be_bytes()[..], &msg].concat();
    let Some(l) = bind_once(SocketAddr::new(ip(host), port)) else {
        return;
    };
    std::thread::spawn(move || {
        for conn in l.incoming() {
            let Ok(mut conn) = conn else { continue };
            let _ = conn.set_read_timeout(Some(std::time::Duration::from_secs(2)));
            let mut request = [0u8; 4096];
            if matches!(conn.read(&mut request), Ok(n) if n > 0) {
                let _ = conn.write_all(&reply);
            }
        }
    });
}
