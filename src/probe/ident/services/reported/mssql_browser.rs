//! The SQL Server resolution service (SQL Browser, UDP 1434; MS-SQLR): the
//! probe asks it once for the list of instances, and a service that
//! answers anyone on the internet names each SQL Server instance on the
//! host with its version and TCP port (and floods others when asked with a
//! forged source address: the answer is many times the one-byte question).
//!
//! What goes out: one datagram of one byte, `CLNT_UCAST_EX` (0x03,
//! MS-SQLR 2.2.2), which asks for every instance; nothing else is ever
//! sent. What comes back: `SVR_RESP` (0x05, a 16-bit length, then the
//! records `ServerName;X;InstanceName;Y;IsClustered;No;Version;Z;tcp;1433;;`,
//! 2.2.5), read by [`parse`] in one pass; at most [`MAX_INSTANCES`]
//! instances, each text printable and short.

use crate::api::{MssqlBrowserDetails, MssqlInstance, PortDetails};
use crate::probe::ident::services::UdpQuestion;
use crate::probe::ident::text::printable;

/// `CLNT_UCAST_EX`: the client asks a host for all its instances.
pub const CLNT_UCAST_EX: u8 = 0x03;
/// `SVR_RESP`: the service's answer.
const SVR_RESP: u8 = 0x05;

/// Instances reported at most (a host rarely runs more than a few).
pub const MAX_INSTANCES: usize = 8;

/// Characters kept of a name or version (server names have at most 15,
/// instance names at most 16).
pub const MAX_NAME: usize = 64;

/// The request: one byte.
pub fn request() -> Vec<u8> {
    vec![CLNT_UCAST_EX]
}

/// Read a `SVR_RESP`: `None` unless the datagram starts with 0x05, a
/// length, and records that begin with `ServerName;`. A datagram cut
/// shorter than its length field is read as far as it goes.
pub fn parse(datagram: &[u8]) -> Option<MssqlBrowserDetails> {
    let (&[kind, l0, l1], rest) = datagram.split_first_chunk::<3>()?;
    if kind != SVR_RESP {
        return None;
    }
    let size = usize::from(u16::from_le_bytes([l0, l1]));
    let data = &rest[..size.min(rest.len())];
    if !data
        .get(..11)
        .is_some_and(|p| p.eq_ignore_ascii_case(b"ServerName;"))
    {
        return None;
    }
    let mut instances = Vec::new();
    // Records end with ";;"; within one, keys and values alternate.
    for record in split_records(data) {
        if instances.len() == MAX_INSTANCES {
            break;
        }
        let mut instance = MssqlInstance::default();
        let mut fields = record.split(|&b| b == b';');
        while let (Some(key), Some(value)) = (fields.next(), fields.next()) {
            let text = || {
                let t: String = printable(value).chars().take(MAX_NAME).collect();
                Some(t.trim_end().to_owned()).filter(|t| !t.is_empty())
            };
            if key.eq_ignore_ascii_case(b"ServerName") {
                instance.server = text();
            } else if key.eq_ignore_ascii_case(b"InstanceName") {
                instance.instance = text();
            } else if key.eq_ignore_ascii_case(b"Version") {
                instance.version = text();
            } else if key.eq_ignore_ascii_case(b"tcp") {
                instance.tcp_port = std::str::from_utf8(value).ok().and_then(|p| p.parse().ok());
            }
        }
        if instance != MssqlInstance::default() {
            instances.push(instance);
        }
    }
    Some(MssqlBrowserDetails { instances })
}

/// The records of a `SVR_RESP`, each without its closing `;;`.
fn split_records(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = data;
    std::iter::from_fn(move || {
        while rest.first() == Some(&b';') {
            rest = &rest[1..];
        }
        if rest.is_empty() {
            return None;
        }
        let end = rest.windows(2).position(|w| w == b";;");
        let (record, tail) = match end {
            Some(i) => (&rest[..i], &rest[i + 2..]),
            None => (rest, &rest[rest.len()..]),
        };
        rest = tail;
        Some(record)
    })
}

/// The question for a UDP 1434 entry: the request, and the answer read
/// into `mssql_browser`. The protocol has no transaction id.
pub(crate) fn question(_id: u32) -> UdpQuestion {
    UdpQuestion {
        datagrams: vec![request()],
        read: Box::new(
            |datagram: &[u8], details: &mut PortDetails| match parse(datagram) {
                Some(d) => {
                    details.reported.mssql_browser = Some(d);
                    true
                }
                None => false,
            },
        ),
        any_source_port: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svr_resp(records: &str) -> Vec<u8> {
        let mut m = vec![SVR_RESP];
        m.extend_from_slice(&(records.len() as u16).to_le_bytes());
        m.extend_from_slice(records.as_bytes());
        m
    }

    #[test]
    fn the_request_is_one_byte() {
        assert_eq!(request(), [0x03]);
        assert_eq!(question(7).datagrams, [vec![0x03]]);
        assert!(!question(7).any_source_port);
    }

    #[test]
    fn two_instances() {
        let m = svr_resp(
            "ServerName;PRAXIS-SRV;InstanceName;MSSQLSERVER;IsClustered;No;Version;15.0.2000.5;tcp;1433;;\
             ServerName;PRAXIS-SRV;InstanceName;SQLEXPRESS;IsClustered;No;Version;16.0.1000.6;tcp;49720;np;\\\\PRAXIS-SRV\\pipe\\MSSQL$SQLEXPRESS\\sql\\query;;",
        );
        let d = parse(&m).expect("an answer");
        assert_eq!(d.instances.len(), 2);
        assert_eq!(
            d.instances[0],
            MssqlInstance {
                server: Some("PRAXIS-SRV".into()),
                instance: Some("MSSQLSERVER".into()),
                version: Some("15.0.2000.5".into()),
                tcp_port: Some(1433),
            }
        );
        assert_eq!(d.instances[1].instance.as_deref(), Some("SQLEXPRESS"));
        assert_eq!(d.instances[1].tcp_port, Some(49720));
        let mut details = PortDetails::default();
        assert!((question(0).read)(&m, &mut details));
        assert_eq!(details.reported.mssql_browser, Some(d));
    }

    #[test]
    fn cut_and_capped() {
        // Cut short of its length: read as far as it goes.
        let m = svr_resp("ServerName;A;InstanceName;B;Version;1;tcp;1;;");
        let d = parse(&m[..m.len() - 10]).expect("an answer");
        assert_eq!(d.instances[0].instance.as_deref(), Some("B"));
        assert_eq!(d.instances[0].tcp_port, None);
        let many = "ServerName;A;InstanceName;B;;".repeat(40);
        assert_eq!(
            parse(&svr_resp(&many)).unwrap().instances.len(),
            MAX_INSTANCES
        );
        // No port number, a port out of range, control bytes.
        let odd = svr_resp("ServerName;A\x01\x02;tcp;99999;;");
        let d = parse(&odd).unwrap();
        assert_eq!(d.instances[0].server.as_deref(), Some("A"));
        assert_eq!(d.instances[0].tcp_port, None);
    }

    #[test]
    fn other_datagrams_are_no_answer() {
        assert_eq!(parse(&[]), None);
        assert_eq!(parse(&[0x05, 0x00]), None);
        assert_eq!(parse(&[0x03]), None);
        assert_eq!(parse(&svr_resp("Hello;;")), None);
        assert_eq!(parse(b"\x04\x10\x00ServerName;A;;"), None);
        let mut details = PortDetails::default();
        assert!(!(question(0).read)(b"HTTP/1.1 200 OK", &mut details));
        assert_eq!(details, PortDetails::default());
    }
}
