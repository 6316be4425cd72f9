//! How much of an answer a client of the probe reads before it gives up:
//! the bounds of the terminal client (`portcheck check`) and of the page's
//! stream reader against a hostile or intercepted probe, in one place.
//!
//! A monitoring agent runs the client unattended, through whatever sits
//! between the practice and the probe; without bounds, a server that sends
//! one endless `data:` line or an endless error body grows the client by
//! gigabytes in seconds. Every bound is far above what the probe sends:
//! the largest report it can write (the standard plan with every port open
//! and every detail field identification fills at its length cap, in
//! 4-byte characters) is about 120 KiB, a `started` event about 3 KiB, an
//! error body or `/api/v1/site` under 1 KiB (measured by
//! `client::fetch`'s test `the_largest_answers_fit_the_bounds`, which keeps
//! at least an eightfold margin). Passing a bound ends the client's check
//! with UNKNOWN and a sentence that names the bound; the page shows the
//! "not the checking service" failure.

/// One line of the event stream (the `finished` event's report is one line).
pub const SSE_LINE: usize = 1 << 20;

/// The data of one event, its `data:` lines together.
pub const SSE_EVENT: usize = 1 << 20;

/// The whole event stream of one check: every event, comment and
/// keep-alive. The time bound is the client's `--timeout`.
pub const STREAM: usize = 4 << 20;

/// A whole answer that is not a stream: an error body (4xx, 5xx) or
/// `/api/v1/site`.
pub const BODY: usize = 64 << 10;
