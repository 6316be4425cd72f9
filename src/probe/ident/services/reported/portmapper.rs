//! The ONC RPC portmapper (rpcbind, port 111 over UDP and TCP; RFC 1833,
//! RPC itself RFC 5531): it tells anyone who asks which RPC programs run
//! on the host (NFS, mountd, NIS) and on which ports, and over UDP its
//! answer is many times the question, so forged requests make it flood
//! others.
//!
//! What goes out: one RPC call of procedure `PMAPPROC_DUMP` (program
//! 100000, version 2, procedure 4, no credentials), 40 bytes; over TCP the
//! same call after a 4-byte record mark (RFC 5531 11), 44 bytes. `DUMP`
//! only lists; nothing is registered or removed. What comes back: an
//! accepted reply whose body is the list of registrations, read by
//! [`parse`] in one pass; at most [`MAX_PROGRAMS`] of them are kept.
//!
//! XDR is read by hand: the reply is a dozen 32-bit words and a list of
//! five-word entries; an XDR or RPC crate would bring code generation and
//! a framework for one fixed message.

use std::net::SocketAddr;

use tokio::time::Instant;

use crate::api::{PortDetails, PortmapperDetails, RpcProgram};
use crate::probe::ident::io::Limits;
use crate::probe::ident::io::tcp::{Framing, exchange};
use crate::probe::ident::services::UdpQuestion;

/// The portmapper's own program number.
const PMAP_PROG: u32 = 100_000;
const PMAP_VERS: u32 = 2;
const PMAPPROC_DUMP: u32 = 4;

/// Registrations kept at most (an NFS server has about twenty).
pub const MAX_PROGRAMS: usize = 32;

/// Longest reply the probe reads over TCP.
pub const MAX_REPLY: usize = 8 * 1024;

/// The last-fragment bit of an RPC record mark.
const LAST_FRAGMENT: u32 = 0x8000_0000;

/// The `DUMP` call with transaction id `xid` (over UDP as it is).
pub fn request(xid: u32) -> Vec<u8> {
    // xid, CALL, RPC version 2, program, version, procedure, then the
    // credentials and the verifier, both AUTH_NONE with no body.
    [xid, 0, 2, PMAP_PROG, PMAP_VERS, PMAPPROC_DUMP, 0, 0, 0, 0]
        .iter()
        .flat_map(|w| w.to_be_bytes())
        .collect()
}

/// The same call over TCP: one record, one fragment.
pub fn request_tcp(xid: u32) -> Vec<u8> {
    let call = request(xid);
    let mark = LAST_FRAGMENT | call.len() as u32;
    let mut m = mark.to_be_bytes().to_vec();
    m.extend_from_slice(&call);
    m
}

/// The length of a TCP record fragment from its mark; `None` unless it is
/// the last (a `DUMP` reply is one fragment).
pub fn record_len(mark: [u8; 4]) -> Option<usize> {
    let mark = u32::from_be_bytes(mark);
    (mark & LAST_FRAGMENT != 0).then_some((mark & !LAST_FRAGMENT) as usize)
}

/// XDR words from the front of a buffer.
struct Words<'a>(&'a [u8]);

impl Words<'_> {
    fn next(&mut self) -> Option<u32> {
        let (w, rest) = self.0.split_first_chunk::<4>()?;
        self.0 = rest;
        Some(u32::from_be_bytes(*w))
    }

    /// Skip an opaque of `len` bytes, padded to four.
    fn skip(&mut self, len: u32) -> Option<()> {
        let padded = usize::try_from(len).ok()?.checked_add(3)? & !3;
        self.0 = self.0.get(padded..)?;
        Some(())
    }
}

/// Read a `DUMP` reply to the call with `xid`: `None` unless it is an
/// accepted, successful RPC reply with that id. A list cut short (a
/// truncated datagram) keeps the entries read.
pub fn parse(reply: &[u8], xid: u32) -> Option<PortmapperDetails> {
    let mut w = Words(reply);
    // xid, REPLY, MSG_ACCEPTED, the verifier, SUCCESS.
    if w.next()? != xid || w.next()? != 1 || w.next()? != 0 {
        return None;
    }
    let _flavor = w.next()?;
    let len = w.next()?;
    if len > 400 {
        return None;
    }
    w.skip(len)?;
    if w.next()? != 0 {
        return None;
    }
    let mut programs = Vec::new();
    // Each entry: "value follows" (1), program, version, protocol, port.
    while w.next() == Some(1) && programs.len() < MAX_PROGRAMS {
        let (Some(program), Some(version), Some(protocol), Some(port)) =
            (w.next(), w.next(), w.next(), w.next())
        else {
            break;
        };
        programs.push(RpcProgram {
            program,
            name: program_name(program).map(str::to_owned),
            version,
            protocol: match protocol {
                6 => "tcp".into(),
                17 => "udp".into(),
                other => other.to_string(),
            },
            port,
        });
    }
    Some(PortmapperDetails { programs })
}

/// The name of a well-known RPC program (the names of `/etc/rpc`).
pub fn program_name(program: u32) -> Option<&'static str> {
    Some(match program {
        100_000 => "portmapper",
        100_001 => "rstatd",
        100_002 => "rusersd",
        100_003 => "nfs",
        100_004 => "ypserv",
        100_005 => "mountd",
        100_007 => "ypbind",
        100_008 => "walld",
        100_009 => "yppasswdd",
        100_011 => "rquotad",
        100_012 => "sprayd",
        100_021 => "nlockmgr",
        100_024 => "status",
        100_026 => "bootparam",
        100_028 => "ypupdated",
        100_029 => "keyserv",
        100_069 => "ypxfrd",
        100_227 => "nfs_acl",
        150_001 => "pcnfsd",
        _ => return None,
    })
}

/// The question for a UDP 111 entry: the call with `id`, and the reply to
/// it read into `portmapper`.
pub(crate) fn question(id: u32) -> UdpQuestion {
    UdpQuestion {
        datagrams: vec![request(id)],
        read: Box::new(move |datagram: &[u8], details: &mut PortDetails| {
            match parse(datagram, id) {
                Some(d) => {
                    details.reported.portmapper = Some(d);
                    true
                }
                None => false,
            }
        }),
        any_source_port: false,
    }
}

// The TCP conversation: one record out on a fresh connection, one record
// read within the deadline and its byte cap, then the connection is reset.

const RECORD: Framing = Framing {
    len: record_len,
    max: MAX_REPLY,
};

pub(crate) async fn probe_portmapper(
    addr: SocketAddr,
    deadline: Instant,
    limits: &Limits,
) -> Option<PortmapperDetails> {
    let xid = u32::from_be_bytes(crate::probe::ident::io::random_bytes::<4>());
    let reply = exchange(addr, &request_tcp(xid), &RECORD, deadline, limits)
        .await
        .ok()?;
    parse(&reply, xid)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// rpcbind's reply to `xid` listing `entries` (program, version,
    /// protocol, port).
    pub(crate) fn reply(xid: u32, entries: &[(u32, u32, u32, u32)]) -> Vec<u8> {
        let mut words = vec![xid, 1, 0, 0, 0, 0];
        for &(p, v, t, port) in entries {
            words.extend([1, p, v, t, port]);
        }
        words.push(0);
        words.iter().flat_map(|w| w.to_be_bytes()).collect()
    }

    #[test]
    fn the_call_is_forty_bytes() {
        let r = request(0x0102_0304);
        assert_eq!(r.len(), 40);
        assert_eq!(&r[..8], &[1, 2, 3, 4, 0, 0, 0, 0]);
        // Program 100000 (0x186a0), version 2, procedure 4.
        assert_eq!(&r[12..24], &[0, 1, 0x86, 0xa0, 0, 0, 0, 2, 0, 0, 0, 4]);
        let t = request_tcp(7);
        assert_eq!(t.len(), 44);
        assert_eq!(record_len(t[..4].try_into().unwrap()), Some(40));
        assert_eq!(record_len([0, 0, 0, 40]), None);
        assert!(!question(1).any_source_port);
    }

    #[test]
    fn an_nfs_server() {
        let m = reply(
            9,
            &[
                (100_000, 2, 6, 111),
                (100_000, 2, 17, 111),
                (100_003, 3, 6, 2049),
                (300_000, 1, 99, 1),
            ],
        );
        let d = parse(&m, 9).expect("a reply");
        assert_eq!(d.programs.len(), 4);
        assert_eq!(d.programs[0].name.as_deref(), Some("portmapper"));
        assert_eq!(d.programs[1].protocol, "udp");
        assert_eq!(
            d.programs[2],
            RpcProgram {
                program: 100_003,
                name: Some("nfs".into()),
                version: 3,
                protocol: "tcp".into(),
                port: 2049,
            }
        );
        assert_eq!(
            (
                d.programs[3].name.as_deref(),
                d.programs[3].protocol.as_str()
            ),
            (None, "99")
        );
        let mut details = PortDetails::default();
        assert!((question(9).read)(&m, &mut details));
        assert_eq!(details.reported.portmapper, Some(d));
    }

    #[test]
    fn cut_capped_and_foreign_replies() {
        let m = reply(1, &[(100_000, 2, 6, 111), (100_005, 1, 17, 20048)]);
        // Cut inside the second entry: the first is kept.
        assert_eq!(parse(&m[..m.len() - 12], 1).unwrap().programs.len(), 1);
        let many: Vec<_> = (0..200).map(|i| (100_000 + i, 1, 6, i)).collect();
        assert_eq!(
            parse(&reply(1, &many), 1).unwrap().programs.len(),
            MAX_PROGRAMS
        );
        // Another transaction, a call, a denied reply, a failed one.
        assert_eq!(parse(&m, 2), None);
        assert_eq!(parse(&request(1), 1), None);
        let mut denied = m.clone();
        denied[11] = 1;
        assert_eq!(parse(&denied, 1), None);
        let mut failed = m.clone();
        failed[23] = 1;
        assert_eq!(parse(&failed, 1), None);
        assert_eq!(parse(&[], 1), None);
        // A verifier longer than any real one.
        let mut big = m;
        big[16..20].copy_from_slice(&1000u32.to_be_bytes());
        assert_eq!(parse(&big, 1), None);
    }
}
