//! Budgeted I/O over UDP: one ephemeral socket per check, a few datagrams
//! to the visitor's own address, and a capped number of capped answers
//! from that address within a deadline, plus the ICMP errors that came
//! back for what the socket sent.
//!
//! Two kinds of socket. A *connected* socket (the usual case: the answer
//! must come from the asked port) lets the kernel drop every datagram from
//! another address or port. An *unconnected* one is for services that may
//! answer from another port (SSDP, WS-Discovery): then anybody who learns
//! its port can send to it, so a datagram whose source address is not the
//! visitor's is dropped here without a trace: it does not count against the
//! answer cap, it does not end the wait and it does not shorten it.
//! Otherwise a third party could spray the ephemeral ports and turn a
//! visitor's exposed service into "no answer".
//!
//! ICMP errors (Linux): both kinds set `IP_RECVERR`/`IPV6_RECVERR`, so the
//! kernel queues every ICMP or ICMPv6 error about a datagram the socket
//! sent on the socket's error queue, with the ICMP type and code, the
//! address that sent the error (the offender) and the destination of the
//! datagram it is about. The layer reads that queue (`MSG_ERRQUEUE`) when
//! the socket signals an error, for connected and unconnected sockets
//! alike (one path, and the exact type and code instead of an errno), and
//! keeps an error only when it is about a datagram to the visitor's asked
//! address and port. A *port unreachable* (the one error that says
//! "closed") counts only when the visitor's address itself sent it; other
//! unreachable errors come from routers on the way and count from any
//! offender, as they do for nmap: they only ever make a port "filtered".
//! Elsewhere than Linux no ICMP error is read: silence then stays
//! `open|filtered`.
//!
//! What the layer cannot do is as important as what it does: it is opened
//! on the one `SocketAddr` the caller passes (the scan's target) and has no
//! way to name another host.

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};

use tokio::io::Interest;
use tokio::net::UdpSocket;
use tokio::time::{Instant, timeout_at};

use super::Limits;
pub(crate) use super::icmp::{IcmpError, Unreachable};

/// How much one UDP check may send and read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct UdpBudget {
    /// Datagrams sent at most.
    pub(crate) sends: u8,
    /// The visitor's datagrams read at most (others are not counted).
    pub(crate) answers: usize,
    /// Bytes kept of one datagram; the socket discards the rest.
    pub(crate) datagram: usize,
}

/// What one wait for a datagram gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Received {
    /// A datagram from the visitor's address, cut to the budget's size,
    /// and the port it came from.
    Answer(Vec<u8>, u16),
    /// An ICMP error about a datagram to the visitor (see the module doc
    /// for which ones count).
    Icmp(Unreachable),
    /// The deadline passed.
    Deadline,
    /// The visitor's datagrams reached the budget's count: nothing more is
    /// read.
    Cap,
    /// The socket failed.
    Failed,
}

/// One UDP conversation with the visitor at `to`.
#[derive(Debug)]
pub(crate) struct Datagrams {
    socket: UdpSocket,
    to: SocketAddr,
    connected: bool,
    budget: UdpBudget,
    sent: u8,
    read: usize,
}

impl Datagrams {
    /// An ephemeral socket of `to`'s family for a conversation with `to`,
    /// connected to it unless `any_source_port` (answers may come from
    /// another port of the visitor's address).
    pub(crate) async fn open(
        to: SocketAddr,
        budget: UdpBudget,
        any_source_port: bool,
    ) -> io::Result<Self> {
        let local: SocketAddr = match to {
            SocketAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
            SocketAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
        };
        let socket = UdpSocket::bind(local).await?;
        icmp::receive_errors(&socket, to)?;
        let connected = !any_source_port;
        if connected {
            socket.connect(to).await?;
        }
        Ok(Datagrams {
            socket,
            to,
            connected,
            budget,
            sent: 0,
            read: 0,
        })
    }

    /// Whether the budget allows another datagram out.
    pub(crate) fn can_send(&self) -> bool {
        self.sent < self.budget.sends
    }

    /// Send `bytes` to the visitor; refused once the budget's datagrams
    /// are out. Only a datagram that left counts.
    pub(crate) async fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        if !self.can_send() {
            return Err(io::Error::other("UDP send budget spent"));
        }
        match self.connected {
            true => self.socket.send(bytes).await?,
            false => self.socket.send_to(bytes, self.to).await?,
        };
        self.sent += 1;
        Ok(())
    }

    /// Wait until `until` for the next datagram from the visitor's address,
    /// or an ICMP error that counts; datagrams from elsewhere and errors
    /// about nothing the visitor was sent are dropped and the wait goes on.
    /// Records [`Limits::BYTES`] when the answer cap is reached.
    pub(crate) async fn recv_until(&mut self, until: Instant, limits: &Limits) -> Received {
        let mut buf = vec![0u8; self.budget.datagram];
        loop {
            if self.read >= self.budget.answers {
                limits.hit(Limits::BYTES);
                return Received::Cap;
            }
            let interest = Interest::READABLE | Interest::ERROR;
            let Ok(ready) = timeout_at(until, self.socket.ready(interest)).await else {
                return Received::Deadline;
            };
            if ready.is_err() {
                return Received::Failed;
            }
            // The error queue first: an error can stand for the answer
            // that will not come.
            match self
                .socket
                .try_io(Interest::ERROR, || icmp::next_error(&self.socket))
            {
                Ok(Some(error)) => match icmp::counts(&error, self.to) {
                    true => return Received::Icmp(error.kind),
                    false => continue,
                },
                Ok(None) => continue,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(_) => return Received::Failed,
            }
            match self.socket.try_recv_from(&mut buf) {
                Ok((n, from)) => {
                    if from.ip() != self.to.ip() {
                        continue;
                    }
                    self.read += 1;
                    buf.truncate(n);
                    return Received::Answer(buf, from.port());
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                // The pending error of an ICMP message that is also on the
                // error queue: read there on the next round.
                Err(e) if icmp::is_pending_icmp(&e) => {}
                Err(_) => return Received::Failed,
            }
        }
    }
}

pub(crate) use icmp::receive_errors;

/// Reading ICMP errors from the socket's error queue (Linux).
#[cfg(target_os = "linux")]
mod icmp {
    use std::io;
    use std::net::SocketAddr;
    use std::os::fd::AsRawFd;

    use tokio::net::UdpSocket;

    use super::IcmpError;
    use crate::probe::ident::io::icmp::{ErrorRecord, counts_for, read_record};

    pub(super) use crate::probe::ident::io::icmp::is_pending_icmp;

    /// Turn on `IP_RECVERR` (`IPV6_RECVERR`): ICMP errors about what the
    /// socket sends go to its error queue (a UDP socket here, the scan's
    /// TCP sockets in `scan::connect`).
    pub(crate) fn receive_errors(socket: &impl AsRawFd, to: SocketAddr) -> io::Result<()> {
        let (level, name) = match to {
            SocketAddr::V4(_) => (libc::SOL_IP, libc::IP_RECVERR),
            SocketAddr::V6(_) => (libc::SOL_IPV6, libc::IPV6_RECVERR),
        };
        let on: libc::c_int = 1;
        // SAFETY: a valid socket descriptor and a c_int option value of
        // the size passed.
        let rc = unsafe {
            libc::setsockopt(
                socket.as_raw_fd(),
                level,
                name,
                (&raw const on).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        };
        match rc {
            0 => Ok(()),
            _ => Err(io::Error::last_os_error()),
        }
    }

    /// The next error on the socket's queue (`WouldBlock` when it is
    /// empty); `None` for an error that is no ICMP unreachable.
    pub(super) fn next_error(socket: &UdpSocket) -> io::Result<Option<IcmpError>> {
        let mut name = [0u8; 128];
        let mut control = [0u8; 512];
        let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
        msg.msg_name = name.as_mut_ptr().cast();
        msg.msg_namelen = name.len() as libc::socklen_t;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = control.len() as _;
        // SAFETY: msg points at buffers that live until the call returns,
        // with their true lengths; no payload buffer (iovlen 0).
        let rc = unsafe {
            libc::recvmsg(
                socket.as_raw_fd(),
                &mut msg,
                libc::MSG_ERRQUEUE | libc::MSG_DONTWAIT,
            )
        };
        if rc < 0 {
            return Err(io::Error::last_os_error());
        }
        let mut records = Vec::new();
        // SAFETY: the kernel filled msg_control up to msg_controllen; the
        // CMSG macros walk it within that length.
        unsafe {
            let mut cmsg = libc::CMSG_FIRSTHDR(&msg);
            while !cmsg.is_null() {
                let header = &*cmsg;
                let data = libc::CMSG_DATA(cmsg);
                let len = (header.cmsg_len as usize).saturating_sub(libc::CMSG_LEN(0) as usize);
                let end = control.as_ptr().add(control.len());
                let len = len.min(end.offset_from(data).max(0) as usize);
                records.push((
                    header.cmsg_level,
                    header.cmsg_type,
                    std::slice::from_raw_parts(data, len).to_vec(),
                ));
                cmsg = libc::CMSG_NXTHDR(&msg, cmsg);
            }
        }
        let name_len = (msg.msg_namelen as usize).min(name.len());
        let about = crate::probe::ident::io::icmp::read_sockaddr(&name[..name_len]);
        Ok(records
            .iter()
            .find_map(|(level, kind, data)| read_record(*level, *kind, data))
            .and_then(|r: ErrorRecord| {
                Some(IcmpError {
                    kind: r.kind?,
                    offender: r.offender,
                    about,
                })
            }))
    }

    /// Whether `error` is about a datagram to `to` and from an offender
    /// that may say so.
    pub(super) fn counts(error: &IcmpError, to: SocketAddr) -> bool {
        counts_for(error, to)
    }
}

/// Elsewhere than Linux no ICMP error is read.
#[cfg(not(target_os = "linux"))]
mod icmp {
    use std::io;
    use std::net::SocketAddr;

    use tokio::net::UdpSocket;

    use super::IcmpError;

    pub(crate) fn receive_errors<S>(_: &S, _: SocketAddr) -> io::Result<()> {
        Ok(())
    }

    pub(super) fn next_error(_: &UdpSocket) -> io::Result<Option<IcmpError>> {
        Err(io::ErrorKind::WouldBlock.into())
    }

    pub(super) fn counts(_: &IcmpError, _: SocketAddr) -> bool {
        false
    }

    pub(super) fn is_pending_icmp(_: &io::Error) -> bool {
        false
    }
}
