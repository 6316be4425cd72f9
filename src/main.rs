//! `portcheck`: the probe's command line. Reads the configuration, sets up
//! logging, then either serves (bind the listener, hand over to
//! `probe::server::run`) or asks a running probe whether it is healthy;
//! `portcheck check` hands over to the terminal client (`client::main`).

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    native::main()
}

// The probe only exists on native targets; the wasm32 build of this binary is empty.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::process::ExitCode;
    use std::time::Duration;

    use clap::{CommandFactory, FromArgMatches};
    use portcheck::cli::{Cli, Task, healthcheck, manual};
    use portcheck::client;
    use portcheck::client::args::CheckArgs;
    use portcheck::probe::config::Settings;
    use portcheck::probe::server;
    use tracing_subscriber::EnvFilter;

    pub(super) fn main() -> ExitCode {
        let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
        if let Some(done) = manual::dispatch(&args) {
            return done;
        }
        let matches = match Cli::command().try_get_matches() {
            Ok(m) => m,
            Err(e) => return usage_error(&e),
        };
        if let Some(("check", given)) = matches.subcommand() {
            return match CheckArgs::from_arg_matches(given) {
                Ok(args) => client::main(args),
                Err(e) => usage_error(&e),
            };
        }
        let configuration = Cli::settle(&matches);
        init_logging();
        let (task, settings) = match configuration {
            Ok(read) => read,
            Err(e) => {
                eprintln!("portcheck: configuration error: {e}");
                return ExitCode::from(2);
            }
        };
        let runtime = match tokio::runtime::Runtime::new() {
            Ok(rt) => rt,
            Err(e) => {
                eprintln!("portcheck: cannot start the runtime: {e}");
                return ExitCode::FAILURE;
            }
        };
        match task {
            Task::Serve => runtime.block_on(serve(settings)),
            Task::Healthcheck => runtime.block_on(check_health(&settings)),
        }
    }

    /// Help and the version go to stdout with status 0; a usage error
    /// exits 2, or 3 (UNKNOWN) for `check`, which a monitoring system runs.
    fn usage_error(e: &clap::Error) -> ExitCode {
        let _ = e.print();
        if !e.use_stderr() {
            return ExitCode::SUCCESS;
        }
        let check = std::env::args().nth(1).as_deref() == Some("check");
        ExitCode::from(if check { 3 } else { 2 })
    }

    async fn serve(mut settings: Settings) -> ExitCode {
        server::raise_fd_limit(&mut settings);
        let listener = match server::bind(&settings.listen).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("portcheck: cannot listen on {}: {e}", settings.listen);
                return ExitCode::FAILURE;
            }
        };
        tracing::info!(
            "portcheck {} listening on {}",
            env!("CARGO_PKG_VERSION"),
            listener.describe()
        );
        match server::run(listener, settings, shutdown_signal()).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("portcheck: {e}");
                ExitCode::FAILURE
            }
        }
    }

    async fn check_health(settings: &Settings) -> ExitCode {
        let at = healthcheck::local_address_of(&settings.listen);
        if healthcheck::check(&at, Duration::from_secs(3)).await {
            ExitCode::SUCCESS
        } else {
            eprintln!("portcheck: /healthz at {at} did not answer 200");
            ExitCode::FAILURE
        }
    }

    /// Log filter from `PORTCHECK_LOG` (or `RUST_LOG`), `info` by default.
    /// Logs go to stderr and never contain visitor addresses.
    fn init_logging() {
        let filter = std::env::var("PORTCHECK_LOG")
            .or_else(|_| std::env::var("RUST_LOG"))
            .unwrap_or_else(|_| "info".to_owned());
        use std::io::IsTerminal;
        tracing_subscriber::fmt()
            .with_env_filter(EnvFilter::new(filter))
            .with_ansi(std::io::stderr().is_terminal())
            .with_writer(std::io::stderr)
            .init();
    }

    /// Completes on Ctrl-C or SIGTERM.
    async fn shutdown_signal() {
        let ctrl_c = async {
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        };
        #[cfg(unix)]
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let term = std::future::pending::<()>();
        tokio::select! {
            () = ctrl_c => {}
            () = term => {}
        }
        tracing::info!("shutdown signal received");
    }
}
