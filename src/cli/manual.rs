//! `portcheck manual --out DIR`: the man pages and shell completions, made
//! from the live clap definition of the command line, so that every
//! subcommand and option is documented exactly as the binary accepts it.
//! Hidden: it serves packaging (`scripts/package`), not operators.

use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Arg, Command, CommandFactory, value_parser};
use clap_complete::Shell;

use super::Cli;

/// The subcommand's name on the command line.
pub(crate) const SUBCOMMAND: &str = "manual";

/// Shells with a completion script: the shell and the file name its
/// vendor folder expects.
pub(crate) const COMPLETIONS: [(Shell, &str); 3] = [
    (Shell::Bash, "portcheck.bash"),
    (Shell::Zsh, "_portcheck"),
    (Shell::Fish, "portcheck.fish"),
];

/// Runs `portcheck manual …` when `args` (the whole command line, program
/// name first) asks for it; `None` for every other command line.
pub fn dispatch(args: &[OsString]) -> Option<ExitCode> {
    if args.get(1).is_none_or(|a| a != SUBCOMMAND) {
        return None;
    }
    let matches = match command().try_get_matches_from(&args[1..]) {
        Ok(m) => m,
        Err(e) => {
            let _ = e.print();
            return Some(ExitCode::from(2));
        }
    };
    let Some(out) = matches.get_one::<PathBuf>("out") else {
        return Some(ExitCode::from(2));
    };
    Some(match write(out) {
        Ok(files) => {
            for file in files {
                println!("{}", file.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("portcheck manual: {}: {e}", out.display());
            ExitCode::FAILURE
        }
    })
}

fn command() -> Command {
    Command::new(SUBCOMMAND)
        .about("Write the man pages (section 1) and bash, zsh and fish completions into a folder")
        .arg(
            Arg::new("out")
                .long("out")
                .value_name("DIR")
                .required(true)
                .value_parser(value_parser!(PathBuf)),
        )
}

/// Writes `portcheck.1`, one `portcheck-<subcommand>.1` per visible
/// subcommand, and the completion scripts named in [`COMPLETIONS`] into
/// `dir` (created if missing); the paths written.
pub(crate) fn write(dir: &Path) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut cli = Cli::command().disable_help_subcommand(true);
    cli.build();
    let mut written = Vec::new();
    man_pages(cli.clone(), dir, &mut written)?;
    for (shell, name) in COMPLETIONS {
        let path = dir.join(name);
        let mut file = std::fs::File::create(&path)?;
        clap_complete::generate(shell, &mut cli.clone(), "portcheck", &mut file);
        written.push(path);
    }
    Ok(written)
}

fn man_pages(cmd: Command, dir: &Path, written: &mut Vec<PathBuf>) -> io::Result<()> {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        man_pages(sub.clone(), dir, written)?;
    }
    let source = format!("portcheck {}", env!("CARGO_PKG_VERSION"));
    written.push(
        clap_mangen::Man::new(cmd)
            .source(source)
            .manual("User Commands")
            .generate_to(dir)?,
    );
    Ok(())
}
