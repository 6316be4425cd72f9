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

/// Listeners for the whole test binary on fixed addresses, accepting and
/// closing every connection (open ports for the page tests, which share
/// them). Opening the same address twice is a no-op.
pub fn open_for_good(addrs: &[(&str, u16)]) {
    use std::sync::Mutex;
    static OPENED: Mutex<Vec<SocketAddr>> = Mutex::new(Vec::new());
    let mut opened = OPENED.lock().unwrap_or_else(|p| p.into_inner());
    for &(host, port) in addrs {
        let sa = SocketAddr::new(ip(host), port);
        if opened.contains(&sa) {
            continue;
        }
        let l = std::net::TcpListener::bind(sa)
            .unwrap_or_else(|e| panic!("cannot listen on {sa} ({e}); is another test using it?"));
        std::thread::spawn(move || {
            for conn in l.incoming() {
                drop(conn);
            }
        });
        opened.push(sa);
    }
}
