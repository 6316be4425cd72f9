//! The pure part of reading ICMP errors on a UDP socket: what one record
//! of Linux's socket error queue (`IP_RECVERR`/`IPV6_RECVERR`, a
//! `struct sock_extended_err` with the offender's address behind it) says,
//! which ICMP types and codes are which kind of "unreachable" (as nmap
//! reads them for a UDP scan), and which errors count for a conversation
//! with the visitor. The socket calls are in `io::udp`.
//!
//! Layouts (Linux UAPI `linux/errqueue.h`, `netinet/in.h`): the extended
//! error is `u32 errno, u8 origin, u8 type, u8 code, u8 pad, u32 info,
//! u32 data` (16 bytes), followed by a `sockaddr_in` or `sockaddr_in6` of
//! the offender (family `AF_UNSPEC` when there is none); a socket address
//! is its family in host byte order, then the port and the address in
//! network byte order.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Which ICMP or ICMPv6 "destination unreachable" came back for a datagram
/// to the visitor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unreachable {
    /// Port unreachable (ICMP 3/3, ICMPv6 1/4): nothing listens there.
    Port,
    /// Administratively prohibited (ICMP 3/9, 3/10, 3/13; ICMPv6 1/1, 1/5,
    /// 1/6): a firewall rejects it.
    Prohibited,
    /// Another code (host, network or protocol unreachable, …).
    Other,
}

/// One error the kernel queued for the socket, as far as the scan cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IcmpError {
    /// What kind of unreachable it was.
    pub(crate) kind: Unreachable,
    /// Who sent it (the visitor's address, or a router on the way).
    pub(crate) offender: Option<IpAddr>,
    /// The destination of the datagram it is about.
    pub(crate) about: Option<SocketAddr>,
}

/// `SOL_IP` / `IP_RECVERR`: an IPv4 socket's queued error.
const IPV4_RECORD: (i32, i32) = (0, 11);
/// `SOL_IPV6` / `IPV6_RECVERR`: an IPv6 socket's queued error.
const IPV6_RECORD: (i32, i32) = (41, 25);
/// `SO_EE_ORIGIN_ICMP`, `SO_EE_ORIGIN_ICMP6`.
const ORIGIN_ICMP: u8 = 2;
const ORIGIN_ICMP6: u8 = 3;
/// `AF_INET`, `AF_INET6` on Linux.
const AF_INET: u16 = 2;
const AF_INET6: u16 = 10;
/// Size of `struct sock_extended_err`.
const EXTENDED_ERR: usize = 16;

/// One queued error: which unreachable it is (`None` for other ICMP
/// messages and local errors) and who sent it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ErrorRecord {
    pub(crate) kind: Option<Unreachable>,
    pub(crate) offender: Option<IpAddr>,
}

/// The kind of an ICMP (`origin` [`ORIGIN_ICMP`]) or ICMPv6 error by its
/// type and code; `None` for anything that is no "destination
/// unreachable" (time exceeded, packet too big, a local error), which says
/// nothing about the port.
pub(crate) fn unreachable(origin: u8, icmp_type: u8, code: u8) -> Option<Unreachable> {
    match (origin, icmp_type) {
        (ORIGIN_ICMP, 3) => Some(match code {
            3 => Unreachable::Port,
            9 | 10 | 13 => Unreachable::Prohibited,
            _ => Unreachable::Other,
        }),
        (ORIGIN_ICMP6, 1) => Some(match code {
            4 => Unreachable::Port,
            1 | 5 | 6 => Unreachable::Prohibited,
            _ => Unreachable::Other,
        }),
        _ => None,
    }
}

/// Read one control message of `level` and `kind` as a queued error;
/// `None` when it is another message or too short.
pub(crate) fn read_record(level: i32, kind: i32, data: &[u8]) -> Option<ErrorRecord> {
    if (level, kind) != IPV4_RECORD && (level, kind) != IPV6_RECORD {
        return None;
    }
    let ee = data.get(..EXTENDED_ERR)?;
    Some(ErrorRecord {
        kind: unreachable(ee[4], ee[5], ee[6]),
        offender: read_sockaddr(&data[EXTENDED_ERR..]).map(|a| a.ip()),
    })
}

/// A `sockaddr_in` or `sockaddr_in6` as the kernel writes it; `None` for
/// another family or too few bytes.
pub(crate) fn read_sockaddr(b: &[u8]) -> Option<SocketAddr> {
    let family = u16::from_ne_bytes([*b.first()?, *b.get(1)?]);
    let port = u16::from_be_bytes([*b.get(2)?, *b.get(3)?]);
    match family {
        AF_INET => {
            let a: [u8; 4] = b.get(4..8)?.try_into().ok()?;
            Some(SocketAddr::new(Ipv4Addr::from(a).into(), port))
        }
        AF_INET6 => {
            let a: [u8; 16] = b.get(8..24)?.try_into().ok()?;
            Some(SocketAddr::new(Ipv6Addr::from(a).into(), port))
        }
        _ => None,
    }
}

/// Whether `error` counts for a conversation with `to`: it is about a
/// datagram to `to` (address and port), and a port unreachable was sent by
/// the visitor's address itself (only the host can say nothing listens; a
/// router's error makes the port "filtered" whoever sent it).
pub(crate) fn counts_for(error: &IcmpError, to: SocketAddr) -> bool {
    let about = error.about.is_some_and(|a| same(a, to));
    let from_host = error.offender.is_some_and(|o| same_ip(o, to.ip()));
    about && (error.kind != Unreachable::Port || from_host)
}

fn same(a: SocketAddr, b: SocketAddr) -> bool {
    a.port() == b.port() && same_ip(a.ip(), b.ip())
}

fn same_ip(a: IpAddr, b: IpAddr) -> bool {
    a.to_canonical() == b.to_canonical()
}

/// Whether a receive error is the pending error of an ICMP message (the
/// kernel reports it once on the next receive besides queuing it).
pub(crate) fn is_pending_icmp(e: &io::Error) -> bool {
    use io::ErrorKind::*;
    matches!(
        e.kind(),
        ConnectionRefused | HostUnreachable | NetworkUnreachable | PermissionDenied
    ) || matches!(
        e.raw_os_error(),
        Some(libc::EHOSTDOWN | libc::ENONET | libc::ENOPROTOOPT | libc::EPERM)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(origin: u8, t: u8, code: u8, offender: &[u8]) -> Vec<u8> {
        let mut v = vec![0u8; EXTENDED_ERR];
        v[..4].copy_from_slice(&111u32.to_ne_bytes());
        (v[4], v[5], v[6]) = (origin, t, code);
        v.extend_from_slice(offender);
        v
    }

    fn sockaddr_v4(ip: [u8; 4], port: u16) -> Vec<u8> {
        let mut v = AF_INET.to_ne_bytes().to_vec();
        v.extend(port.to_be_bytes());
        v.extend(ip);
        v.extend([0u8; 8]);
        v
    }

    fn sockaddr_v6(ip: Ipv6Addr, port: u16) -> Vec<u8> {
        let mut v = AF_INET6.to_ne_bytes().to_vec();
        v.extend(port.to_be_bytes());
        v.extend([0u8; 4]);
        v.extend(ip.octets());
        v.extend([0u8; 4]);
        v
    }

    #[test]
    fn icmp_codes_are_read_as_nmap_reads_them() {
        use Unreachable::*;
        for (code, kind) in [
            (3, Port),
            (9, Prohibited),
            (10, Prohibited),
            (13, Prohibited),
            (0, Other),
            (1, Other),
            (2, Other),
        ] {
            assert_eq!(unreachable(ORIGIN_ICMP, 3, code), Some(kind), "3/{code}");
        }
        for (code, kind) in [
            (4, Port),
            (1, Prohibited),
            (5, Prohibited),
            (6, Prohibited),
            (0, Other),
            (3, Other),
        ] {
            assert_eq!(unreachable(ORIGIN_ICMP6, 1, code), Some(kind), "1/{code}");
        }
        // Time exceeded, packet too big, a local error: nothing about the port.
        assert_eq!(unreachable(ORIGIN_ICMP, 11, 0), None);
        assert_eq!(unreachable(ORIGIN_ICMP6, 2, 0), None);
        assert_eq!(unreachable(1, 3, 3), None);
    }

    #[test]
    fn a_record_gives_its_kind_and_offender() {
        let data = record(ORIGIN_ICMP, 3, 3, &sockaddr_v4([198, 51, 100, 7], 0));
        let r = read_record(0, 11, &data).expect("a record");
        assert_eq!(r.kind, Some(Unreachable::Port));
        assert_eq!(r.offender, Some("198.51.100.7".parse().expect("ip")));
        let ip6: Ipv6Addr = "2001:db8::7".parse().expect("ip");
        let data = record(ORIGIN_ICMP6, 1, 1, &sockaddr_v6(ip6, 0));
        let r = read_record(41, 25, &data).expect("a record");
        assert_eq!(r.kind, Some(Unreachable::Prohibited));
        assert_eq!(r.offender, Some(ip6.into()));
    }

    #[test]
    fn other_messages_and_short_records_are_not_read() {
        let data = record(ORIGIN_ICMP, 3, 3, &[]);
        assert_eq!(read_record(1, 11, &data), None, "SOL_SOCKET");
        assert_eq!(read_record(0, 11, &data[..10]), None);
        let r = read_record(0, 11, &data).expect("no offender is fine");
        assert_eq!(r.offender, None);
        assert_eq!(read_sockaddr(&[0, 0, 0]), None);
        assert_eq!(read_sockaddr(&sockaddr_v4([1, 2, 3, 4], 9)[..6]), None);
    }

    #[test]
    fn only_errors_about_the_asked_port_count_and_closed_only_from_the_host() {
        let to: SocketAddr = "198.51.100.7:161".parse().expect("addr");
        let host: IpAddr = "198.51.100.7".parse().expect("ip");
        let router: IpAddr = "198.51.100.1".parse().expect("ip");
        let error = |kind, offender, about: &str| IcmpError {
            kind,
            offender: Some(offender),
            about: Some(about.parse().expect("addr")),
        };
        use Unreachable::*;
        assert!(counts_for(&error(Port, host, "198.51.100.7:161"), to));
        assert!(!counts_for(&error(Port, router, "198.51.100.7:161"), to));
        assert!(counts_for(
            &error(Prohibited, router, "198.51.100.7:161"),
            to
        ));
        assert!(counts_for(&error(Other, router, "198.51.100.7:161"), to));
        assert!(!counts_for(&error(Other, router, "198.51.100.7:162"), to));
        assert!(!counts_for(&error(Port, host, "198.51.100.8:161"), to));
        let unknown = IcmpError {
            kind: Prohibited,
            offender: None,
            about: None,
        };
        assert!(!counts_for(&unknown, to));
    }

    #[test]
    fn pending_icmp_errors_are_told_from_local_failures() {
        assert!(is_pending_icmp(&io::Error::from_raw_os_error(
            libc::ECONNREFUSED
        )));
        assert!(is_pending_icmp(&io::Error::from_raw_os_error(
            libc::EHOSTUNREACH
        )));
        assert!(!is_pending_icmp(&io::Error::from_raw_os_error(
            libc::ENOBUFS
        )));
    }
}
