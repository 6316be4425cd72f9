//! Configuration: command-line flags, `PORTCHECK_…` environment variables and
//! an optional TOML file, in that order of precedence, over built-in defaults
//! that work with no configuration at all.
//!
//! Every option has the same name in all three places: `--rate-burst`,
//! `PORTCHECK_RATE_BURST`, `rate_burst = …` in the file, because all three
//! are read into the one declaration in [`Options`]: clap reads flags and
//! environment variables, serde reads the file, and clap then lays what it
//! found over what the file says. Each value is checked by its type wherever
//! it comes from; how the values go together, by [`Settings::validate`].

mod options;
mod settings;
mod values;

use std::path::{Path, PathBuf};

use clap::{Arg, ArgAction, ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand};

pub use options::Options;
pub use settings::{ConfigError, Settings, Site};
pub use values::{Accent, ContactUri, Metrics, Net, Origin, PlainText, contrast_with_white};

#[derive(Debug, Parser)]
#[command(
    name = "portcheck",
    version,
    about = "Checks whether the visitor's own internet connection exposes TCP ports 440-449, and serves the self-test page that explains the result.",
    long_about = None
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

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
    Check(crate::client::args::CheckArgs),
}

/// The options file and the options of `portcheck serve`, each also read
/// from an environment variable named after it.
#[derive(Debug, Default, Args)]
#[command(mut_args = with_environment_variable)]
pub struct ServeArgs {
    /// TOML file with any of the options below (keys as the flag names with
    /// `_` for `-`, e.g. `rate_burst = 10`, `trusted_proxy = ["10.0.0.1"]`).
    /// Flags and environment variables override it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(flatten)]
    pub options: Options,
}

/// The rules every option follows: `--rate-burst` is also read from
/// `PORTCHECK_RATE_BURST`, and an option that can be repeated also takes a
/// comma-separated list (the only way to give several in the environment).
fn with_environment_variable(option: Arg) -> Arg {
    let name = format!("PORTCHECK_{}", option.get_id().as_str().to_uppercase());
    let repeatable = matches!(option.get_action(), ArgAction::Append);
    option.env(name).value_delimiter(repeatable.then_some(','))
}

/// What `portcheck` was asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    Serve,
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
        let config = ServeArgs::from_arg_matches(given)
            .map_err(|e| ConfigError(e.to_string()))?
            .config;
        let file = match config {
            Some(path) => read_file(&path)?,
            None => Options::default(),
        };
        Ok((task, over(file, given)?.settings()?))
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

/// `file` with every option that `given` holds (from a flag or an
/// environment variable) replaced by that value.
fn over(mut file: Options, given: &ArgMatches) -> Result<Options, ConfigError> {
    file.update_from_arg_matches(given)
        .map_err(|e| ConfigError(e.to_string()))?;
    Ok(file)
}

fn read_file(path: &Path) -> Result<Options, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError(format!("cannot read {}: {e}", path.display())))?;
    parse_file(&text).map_err(|e| ConfigError(format!("{}: {e}", path.display())))
}

fn parse_file(text: &str) -> Result<Options, String> {
    toml::from_str(text).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests;
