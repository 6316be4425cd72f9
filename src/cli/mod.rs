//! The command line of `portcheck`: the subcommands and `--help` over the
//! options each side declares for itself (the probe's [`ServeArgs`], the
//! client's [`CheckArgs`]), which task was asked for, and the two small
//! commands that are neither probe nor client.
//!
//! It sits above `probe` and `client` and assembles them; neither imports it.
//!
//! - [`manual`]: man pages and shell completions from the clap definition.
//! - [`healthcheck`]: the client behind `portcheck healthcheck`.

pub mod healthcheck;
pub mod manual;

use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::client::args::CheckArgs;
use crate::probe::config::{ConfigError, ServeArgs, Settings};

/// The whole command line of `portcheck`.
#[derive(Debug, Parser)]
#[command(
    name = "portcheck",
    version,
    about = "Checks whether the visitor's own internet connection exposes TCP ports 440-449, and serves the self-test page that explains the result.",
    long_about = None
)]
pub struct Cli {
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands (`manual`, hidden, is read before clap: [`manual`]).
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the self-test page and the probe API (default: http://127.0.0.1:8080).
    Serve(ServeArgs),
    /// Ask a running `portcheck serve` (same options) whether it is healthy;
    /// exit status 0 if `/healthz` answers 200 within 3 seconds. For container
    /// health checks in images without a shell or HTTP client.
    Healthcheck(ServeArgs),
    /// Ask a probe to check this machine's own connection and print the
    /// result for people or a monitoring system (exit status 0 OK,
    /// 1 WARNING, 2 CRITICAL, 3 UNKNOWN).
    Check(CheckArgs),
}

/// What `portcheck` was asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// Serve the page and the API.
    Serve,
    /// Ask a running probe whether it is healthy.
    Healthcheck,
}

impl Cli {
    /// The task and its settings from this process's command line,
    /// environment and options file. Help, the version and usage errors are
    /// printed by clap, which then exits.
    pub fn read() -> Result<(Task, Settings), ConfigError> {
        Self::settle(&Self::command().get_matches())
    }

    /// The task and its settings from parsed command-line `matches`: the
    /// options file they name, with the flags and environment variables they
    /// hold laid over it.
    pub fn settle(matches: &ArgMatches) -> Result<(Task, Settings), ConfigError> {
        let (task, given) = task_of(matches)?;
        Ok((task, ServeArgs::settle(given)?))
    }
}

/// The task and the matches of its subcommand.
fn task_of(matches: &ArgMatches) -> Result<(Task, &ArgMatches), ConfigError> {
    let cli = Cli::from_arg_matches(matches).map_err(|e| ConfigError(e.to_string()))?;
    let task = match cli.command {
        Command::Serve(_) => Task::Serve,
        Command::Healthcheck(_) => Task::Healthcheck,
        Command::Check(_) => return Err(ConfigError("`check` has no probe settings".to_owned())),
    };
    let (_, given) = matches
        .subcommand()
        .ok_or_else(|| ConfigError("no command given".to_owned()))?;
    Ok((task, given))
}

#[cfg(test)]
mod tests;
