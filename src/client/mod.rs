//! `portcheck check [URL]`: the terminal client. It asks a probe to check
//! the connection of the machine it runs on, the same check the page runs,
//! and prints the result for people or for a monitoring system (a
//! Monitoring Plugin for Icinga/Nagios, Checkmk local check lines, JSON).
//! Run from a machine inside a practice, it checks exactly the practice's
//! connection, and nothing else: the probe only checks where a request
//! comes from.
//!
//! The judgement (expected ports, the state) is [`evaluation`], the output
//! formats are functions of its result; only [`fetch`] and [`progress`] do
//! I/O. What the server sends is bounded in size (`api::bounds`) and
//! cleaned of control and format characters ([`fetch::clean`]) where it
//! enters.

pub mod args;
mod checkmk;
mod evaluation;
pub mod fetch;
mod json;
mod nagios;
mod outcome;
mod progress;
mod text;
mod words;

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use args::{CheckArgs, FamilyArg, Format, locale_lang};
use evaluation::{Expectations, evaluate};
use outcome::{Checked, Done, Problem, Run};
use progress::Progress;

use crate::api::Family;
use crate::texts::Lang;

/// Runs the check `args` describe, prints its output and returns the exit
/// code of its state (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).
pub fn main(args: CheckArgs) -> ExitCode {
    let lang = args
        .lang
        .map(Lang::from)
        .unwrap_or_else(|| locale_lang(|name| std::env::var(name).ok()));
    let progress = match args.format {
        Format::Text if std::io::stdout().is_terminal() => Progress::Live,
        Format::Text => Progress::Lines,
        _ => Progress::Off,
    };
    let run = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt.block_on(run(&args, lang, progress)),
        Err(e) => Run::failed(Problem::Failure(crate::texts::failure::Failure::Probe {
            code: crate::api::ErrorCode::Internal,
            message: format!("cannot start the runtime: {e}"),
        })),
    };
    progress.finish();
    let output = match args.format {
        Format::Text => text::render(&run, lang),
        Format::Json => json::render(&run, lang),
        Format::Nagios => nagios::render(&run, lang),
        Format::Checkmk => checkmk::render(&run, lang),
    };
    // A closed stdout (`| head`) must not turn the result into a panic.
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(output.as_bytes())
        .and_then(|()| stdout.flush());
    ExitCode::from(run.state().code())
}

/// Everything before the output: the arguments checked, each check run
/// within the timeout, the previous report read.
async fn run(args: &CheckArgs, lang: Lang, progress: Progress) -> Run {
    let expect = match Expectations::new(args.expect_open.clone(), args.warn_on_notice) {
        Ok(e) => e,
        Err(_) => return Run::failed(Problem::NeverExpected),
    };
    let previous = match args.compare.as_deref().map(read_previous).transpose() {
        Ok(p) => p,
        Err(problem) => return Run::failed(problem),
    };
    let given = match url_given(args) {
        Ok(u) => u,
        Err(problem) => return Run::failed(problem),
    };
    let base = match fetch::base_url(&given) {
        Ok(u) => u,
        Err(problem) => return Run::failed(problem),
    };
    let families: Vec<Option<Family>> = match args.family {
        None => vec![None],
        Some(FamilyArg::V4) => vec![Some(Family::Ipv4)],
        Some(FamilyArg::V6) => vec![Some(Family::Ipv6)],
        Some(FamilyArg::Both) => vec![Some(Family::Ipv4), Some(Family::Ipv6)],
    };
    let on_step = |step: fetch::Step<'_>| progress.step(step, lang);
    let work = async {
        let site = match args.family {
            Some(_) => match fetch::client(None) {
                Ok(c) => fetch::site(&c, &base).await,
                Err(_) => Ok(None),
            },
            None => Ok(None),
        };
        let mut checks = Vec::with_capacity(families.len());
        for family in families {
            let result = async {
                let site = site.clone()?;
                let origin = match family {
                    Some(f) => fetch::origin_for(site.as_ref(), f, &base, &args.site_domain)?,
                    None => base.clone(),
                };
                let client = fetch::client(family)?;
                let (report, plan) =
                    fetch::check(&client, &origin, args.plan.as_deref(), on_step).await?;
                let evaluation = evaluate(&report, &expect);
                Ok::<Done, Problem>(Done {
                    report,
                    plan,
                    evaluation,
                })
            }
            .await;
            checks.push(Checked { family, result });
        }
        checks
    };
    let checks = match tokio::time::timeout(args.timeout, work).await {
        Ok(checks) => checks,
        Err(_) => return Run::failed(Problem::Timeout(args.timeout)),
    };
    Run { checks, previous }
}

/// The URL given, else the options file's public origin, else the default.
fn url_given(args: &CheckArgs) -> Result<String, Problem> {
    if let Some(url) = &args.url {
        return Ok(url.clone());
    }
    let system = Path::new(args::SYSTEM_CONFIG);
    let path = match &args.config {
        Some(path) => path.as_path(),
        None if system.is_file() => system,
        None => return Ok(args::DEFAULT_URL.to_owned()),
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| Problem::BadUrl(format!("{}: {e}", path.display())))?;
    let options: crate::probe::config::Options =
        toml::from_str(&text).map_err(|e| Problem::BadUrl(format!("{}: {e}", path.display())))?;
    Ok(options
        .public_origin
        .map(|o| o.0)
        .unwrap_or_else(|| args::DEFAULT_URL.to_owned()))
}

fn read_previous(path: &Path) -> Result<crate::api::Report, Problem> {
    let fail = |e: &dyn std::fmt::Display| Problem::Compare(format!("{}: {e}", path.display()));
    let text = read_bounded(path, crate::api::bounds::COMPARE_FILE).map_err(|e| fail(&e))?;
    // Saved from a probe: its strings are the server's.
    json::previous_report(&fetch::clean::json(&text)).map_err(|e| fail(&e))
}

/// The file at `path` as text, refused when it is longer than `limit`
/// bytes (a report the client wrote is far smaller): reading stops there.
fn read_bounded(path: &Path, limit: usize) -> std::io::Result<String> {
    use std::io::Read;
    let mut text = String::new();
    let file = std::fs::File::open(path)?;
    file.take(limit as u64 + 1).read_to_string(&mut text)?;
    if text.len() > limit {
        return Err(std::io::Error::other(format!(
            "longer than {} MiB, not a report of portcheck check",
            limit >> 20
        )));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Line {
        #[command(flatten)]
        args: CheckArgs,
    }

    fn args(line: &[&str]) -> CheckArgs {
        Line::parse_from([&["portcheck-check"], line].concat()).args
    }

    #[test]
    fn a_compare_file_over_the_bound_is_refused_before_it_is_read_whole() {
        let dir = std::env::temp_dir().join(format!("portcheck-compare-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("big.json");
        std::fs::write(&path, vec![b' '; 2048]).unwrap();
        let err = read_bounded(&path, 1024).unwrap_err();
        assert!(err.to_string().contains("not a report"), "{err}");
        assert_eq!(read_bounded(&path, 2048).unwrap().len(), 2048);
        let Err(Problem::Compare(why)) = read_previous(&path) else {
            panic!("blank file accepted");
        };
        assert!(why.contains("big.json"), "{why}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_url_given_else_the_public_origin_of_the_options_file() {
        assert_eq!(
            url_given(&args(&["https://p.example"])),
            Ok("https://p.example".into())
        );
        let dir = std::env::temp_dir().join(format!("portcheck-client-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("portcheck.toml");
        std::fs::write(&file, "public_origin = \"https://portcheck.example\"\n").unwrap();
        let config = file.to_str().unwrap();
        assert_eq!(
            url_given(&args(&["--config", config])),
            Ok("https://portcheck.example".into())
        );
        std::fs::write(&file, "rate_burst = 3\n").unwrap();
        assert_eq!(
            url_given(&args(&["--config", config])),
            Ok(args::DEFAULT_URL.into())
        );
        std::fs::write(&file, "public_origin = 7\n").unwrap();
        assert!(matches!(
            url_given(&args(&["--config", config])),
            Err(Problem::BadUrl(_))
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn options_as_the_issue_spells_them() {
        let a = args(&[
            "--expect-open",
            "443",
            "--expect-open",
            "80",
            "--format",
            "checkmk",
            "--family",
            "6",
            "--lang",
            "en",
            "--timeout",
            "90s",
            "--warn-on-notice",
            "--plan",
            "practice",
        ]);
        assert_eq!(a.expect_open, vec![443, 80]);
        assert_eq!(a.format, Format::Checkmk);
        assert_eq!(a.family, Some(FamilyArg::V6));
        assert_eq!(a.timeout, std::time::Duration::from_secs(90));
        assert!(a.warn_on_notice);
        assert_eq!(a.plan.as_deref(), Some("practice"));
        assert_eq!(args(&["--family", "both"]).family, Some(FamilyArg::Both));
    }
}
