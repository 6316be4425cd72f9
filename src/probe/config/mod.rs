//! The probe's settings: command-line flags, `PORTCHECK_…` environment
//! variables and an optional TOML file, in that order of precedence, over
//! built-in defaults that work with no configuration at all. The command
//! line around them (subcommands, `--help`) is [`crate::cli`]'s; this module
//! declares only the options of `serve` and reads them into [`Settings`].
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

use clap::{Arg, ArgAction, ArgMatches, Args, FromArgMatches};

pub(crate) use options::Options;
pub use settings::{ConfigError, Settings, Site};
pub use values::{Listen, MetricsMode, TrustedProxy};

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
    pub(crate) options: Options,
}

/// The rules every option follows: `--rate-burst` is also read from
/// `PORTCHECK_RATE_BURST`, and an option that can be repeated also takes a
/// comma-separated list (the only way to give several in the environment).
fn with_environment_variable(option: Arg) -> Arg {
    let name = format!("PORTCHECK_{}", option.get_id().as_str().to_uppercase());
    let repeatable = matches!(option.get_action(), ArgAction::Append);
    option.env(name).value_delimiter(repeatable.then_some(','))
}

impl ServeArgs {
    /// The settings from the parsed matches of `serve` or `healthcheck`
    /// (`given`): the options file they name, with the flags and environment
    /// variables they hold laid over it.
    pub(crate) fn settle(given: &ArgMatches) -> Result<Settings, ConfigError> {
        let config = ServeArgs::from_arg_matches(given)
            .map_err(|e| ConfigError(e.to_string()))?
            .config;
        let file = match config {
            Some(path) => read_file(&path)?,
            None => Options::default(),
        };
        over(file, given)?.settings()
    }
}

/// `file` with every option that `given` holds (from a flag or an
/// environment variable) replaced by that value.
pub(crate) fn over(mut file: Options, given: &ArgMatches) -> Result<Options, ConfigError> {
    file.update_from_arg_matches(given)
        .map_err(|e| ConfigError(e.to_string()))?;
    Ok(file)
}

fn read_file(path: &Path) -> Result<Options, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError(format!("cannot read {}: {e}", path.display())))?;
    parse_file(&text).map_err(|e| ConfigError(format!("{}: {e}", path.display())))
}

/// The options a TOML file's `text` sets, refused with the reason if it
/// names an unknown key or a value of the wrong type.
pub(crate) fn parse_file(text: &str) -> Result<Options, String> {
    toml::from_str(text).map_err(|e| e.to_string())
}
