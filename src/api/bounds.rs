//! How much of an answer a client of the probe reads before it gives up:
//! the bounds of the terminal client (`portcheck check`) and of the page's
//! stream reader against a hostile or intercepted probe, in one place.
//!
//! A monitoring agent runs the client unattended, through whatever sits
//! between the practice and the probe; without bounds, a server that sends
//! one endless `data:` line or an endless error body grows the client by
//! gigabytes in seconds.
//!
//! Every bound is far above what a probe sends. The largest report it can
//! write is below 496 KB: that is the standard plan (28 ports) with every
//! port open and carrying the details of every protocol at once (of the
//! services network operators report, the largest one: a port answers as
//! one of them), each text 300 characters (the longest any field is
//! clipped to) of 2-byte characters and each list at its cap; a real port
//! carries one service's details, so real reports are several times
//! smaller (the practice plan's 14 ports: 250 KB the same way). A `started` event is about 2 KB, an error body or `/api/v1/site`
//! under 2 KB even with 300-character texts. `client::fetch`'s test
//! `the_largest_answers_fit_the_bounds` builds these answers and keeps
//! the margins (an event at least 4 times the largest report, the stream
//! and a body at least 8 times).
//!
//! Passing a bound ends the client's check with UNKNOWN and a sentence
//! that names the bound; the page shows its "not the checking service"
//! failure. Against endless answers the client's peak resident memory
//! stays at 19–23 MiB, what it needs anyway (`tests/suite/client/bounds.rs`).

/// One line of the event stream (the `finished` event's report is one line).
pub const SSE_LINE: usize = 2 << 20;

/// The data of one event, its `data:` lines together.
pub const SSE_EVENT: usize = 2 << 20;

/// The whole event stream of one check: every event, comment and
/// keep-alive. The time bound is the client's `--timeout`.
pub const STREAM: usize = 4 << 20;

/// A file the client reads back with `--compare`: its own JSON output,
/// which holds at most one stream's worth per address family.
pub const COMPARE_FILE: usize = 2 * STREAM;

/// A whole answer that is not a stream: an error body (4xx, 5xx) or
/// `/api/v1/site`.
pub const BODY: usize = 64 << 10;
