//! Budgeted I/O over UDP: one ephemeral socket per check, a few datagrams
//! to the visitor's own address, and a capped number of capped answers
//! from that address within a deadline.
//!
//! Why the sender matters: the socket is unconnected (a device may answer
//! from another port than the one asked), so anybody who learns its port
//! can send to it. A datagram whose source address is not the visitor's is
//! dropped without a trace: it does not count against the answer cap, it
//! does not end the wait and it does not shorten it. Otherwise a third
//! party could spray the ephemeral ports and turn a visitor's exposed
//! service into "no answer".
//!
//! What the layer cannot do is as important as what it does: it is opened
//! on the one `SocketAddr` the caller passes (the scan's target) and has no
//! way to name another host.

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};

use tokio::net::UdpSocket;
use tokio::time::{Instant, timeout_at};

use super::Limits;

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
    /// A datagram from the visitor's address, cut to the budget's size.
    Answer(Vec<u8>),
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
    budget: UdpBudget,
    sent: u8,
    read: usize,
}

impl Datagrams {
    /// An ephemeral socket of `to`'s family for a conversation with `to`.
    pub(crate) async fn open(to: SocketAddr, budget: UdpBudget) -> io::Result<Self> {
        let local: SocketAddr = match to {
            SocketAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
            SocketAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
        };
        let socket = UdpSocket::bind(local).await?;
        Ok(Datagrams {
            socket,
            to,
            budget,
            sent: 0,
            read: 0,
        })
    }

    /// Datagrams sent so far.
    pub(crate) fn sent(&self) -> u8 {
        self.sent
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
        self.socket.send_to(bytes, self.to).await?;
        self.sent += 1;
        Ok(())
    }

    /// Wait until `until` for the next datagram from the visitor's address;
    /// datagrams from elsewhere are dropped and the wait goes on. Records
    /// [`Limits::BYTES`] when the answer cap is reached.
    pub(crate) async fn recv_until(&mut self, until: Instant, limits: &Limits) -> Received {
        let mut buf = vec![0u8; self.budget.datagram];
        loop {
            if self.read >= self.budget.answers {
                limits.hit(Limits::BYTES);
                return Received::Cap;
            }
            let Ok(received) = timeout_at(until, self.socket.recv_from(&mut buf)).await else {
                return Received::Deadline;
            };
            let Ok((n, from)) = received else {
                return Received::Failed;
            };
            if from.ip() != self.to.ip() {
                continue;
            }
            self.read += 1;
            buf.truncate(n);
            return Received::Answer(buf);
        }
    }
}
