//! The rest of the conversation with a service that greeted first, on the
//! connection that read its greeting: VNC is told the version the probe
//! speaks and offers its security types (the probe picks none); Telnet's
//! options are refused so that its greeting follows. Everything else is
//! judged on the greeting alone. Parsing is in [`super::greeting`],
//! [`super::vnc`] and [`super::telnet`].

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::Instant;

use super::greeting::{self, Greeting, MAX_GREETING};
use super::http::banner_line;
use super::plain_client::Plain;
use super::telnet;
use super::vnc::{self, Version};
use super::wire::{Limits, read_until, write_all};
use crate::api::{ServiceDetails, VncDetails};
use crate::plan::Protocol;

/// Judge the greeting in `buf` (read to [`greeting::complete`]) and, for
/// VNC and Telnet, ask what comes next. `wait` bounds Telnet's pause for a
/// greeting after its options.
pub(super) async fn follow<S: AsyncRead + AsyncWrite + Unpin>(
    s: &mut S,
    mut buf: Vec<u8>,
    expected: Protocol,
    deadline: Instant,
    wait: Duration,
    limits: &Limits,
) -> Plain {
    let mut found = ServiceDetails::default();
    match greeting::classify(&buf, expected) {
        Greeting::Ssh(d) => found.ssh = Some(d),
        Greeting::Ftp(d) => found.ftp = Some(d),
        Greeting::Mysql(d) => found.mysql = Some(d),
        Greeting::Vnc(v) => found.vnc = Some(offer(s, v, deadline, limits).await),
        Greeting::Telnet(_) => {
            telnet_greeting(s, &mut buf, deadline.min(Instant::now() + wait)).await;
            found.telnet = telnet::parse(&buf).map(|n| n.details);
        }
        Greeting::Other(line) => return Plain::Banner(line),
        Greeting::Nothing => return Plain::Nothing,
    }
    let text = found.ssh.is_some() || found.ftp.is_some();
    Plain::Service(Box::new(found), text.then(|| banner_line(&buf)).flatten())
}

/// Answer an RFB server with the version the probe speaks and read the
/// security types it offers.
async fn offer<S: AsyncRead + AsyncWrite + Unpin>(
    s: &mut S,
    v: Version,
    deadline: Instant,
    limits: &Limits,
) -> VncDetails {
    let mut details = VncDetails {
        version: v.label(),
        ..VncDetails::default()
    };
    if !write_all(s, v.reply(), deadline).await {
        return details;
    }
    let lists = v.lists_types();
    let mut buf = Vec::new();
    let done = |b: &[u8]| vnc::offer_complete(b, lists);
    read_until(s, &mut buf, vnc::MAX_OFFER, deadline, limits, done).await;
    if let Some(types) = vnc::parse_offer(&buf, lists) {
        details.no_password = vnc::no_password(&types);
        details.security_types = types;
    }
    details
}

/// Refuse the options a Telnet server asked about and read on until a
/// printable line arrives or `until`. Silence here is not a limit: the
/// options alone already named the service.
async fn telnet_greeting<S: AsyncRead + AsyncWrite + Unpin>(
    s: &mut S,
    buf: &mut Vec<u8>,
    until: Instant,
) {
    let Some(n) = telnet::parse(buf) else { return };
    if n.details.greeting.is_some() {
        return;
    }
    if !n.refusal.is_empty() && !write_all(s, &n.refusal, until).await {
        return;
    }
    let quiet = Limits::default();
    let mut reader = telnet::Reader::default();
    let greeted = |b: &[u8]| reader.read(b) && reader.greeted();
    read_until(s, buf, MAX_GREETING, until, &quiet, greeted).await;
}
