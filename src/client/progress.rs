//! Live progress of `--format text`: on a terminal one line that follows
//! the check port by port and is cleared before the result; otherwise one
//! plain line per port (and per wait in the probe's queue) on stderr, so that logs show progress and stdout
//! holds the result alone. The monitoring formats show none.

use std::io::Write;

use crate::texts::Lang;
use crate::texts::words::queued_line;

use super::fetch::Step;
use super::words::progress_line;

/// Where progress goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Progress {
    /// One line on the terminal (stdout), rewritten in place.
    Live,
    /// A plain line per port on stderr.
    Lines,
    /// Nothing.
    Off,
}

impl Progress {
    /// Shows how far the check has got.
    pub(super) fn step(self, step: Step<'_>, lang: Lang) {
        let line = match step {
            Step::Queued(q) => queued_line(q.position, q.wait_s, lang),
            Step::Port { event, done, total } => progress_line(event, done, total, lang),
        };
        match self {
            Progress::Live => {
                let mut out = std::io::stdout().lock();
                // Carriage return and "erase line": the line is rewritten.
                let _ = write!(out, "\r\x1b[2K{line}");
                let _ = out.flush();
            }
            Progress::Lines => eprintln!("{line}"),
            Progress::Off => {}
        }
    }

    /// Clears the live line before the result is printed.
    pub(super) fn finish(self) {
        if self == Progress::Live {
            let mut out = std::io::stdout().lock();
            let _ = write!(out, "\r\x1b[2K");
            let _ = out.flush();
        }
    }
}
