//! Graceful shutdown as one value: a cancellation token that says "stop
//! taking new work", a task tracker that knows what is still running (open
//! connections, scans, the events that report them), and the grace period
//! the probe gives that work before it exits anyway.
//!
//! Every part of the probe holds a clone: the accept loop stops when the
//! token fires, admission refuses new scans with `shutting_down`, and
//! [`Shutdown::drain`] waits for the tracked tasks.

use std::future::Future;
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// The probe's shutdown: begun once, then drained within the grace period.
#[derive(Debug, Clone)]
pub(crate) struct Shutdown {
    token: CancellationToken,
    tasks: TaskTracker,
    grace: Duration,
}

impl Shutdown {
    pub(crate) fn new(grace: Duration) -> Self {
        Shutdown {
            token: CancellationToken::new(),
            tasks: TaskTracker::new(),
            grace,
        }
    }

    /// Stop taking new work. Idempotent.
    pub(crate) fn begin(&self) {
        self.token.cancel();
    }

    /// Whether shutdown has begun.
    pub(crate) fn is_begun(&self) -> bool {
        self.token.is_cancelled()
    }

    /// Completes once shutdown has begun.
    pub(crate) async fn begun(&self) {
        self.token.cancelled().await;
    }

    /// Run `task` as work that shutdown waits for.
    pub(crate) fn spawn<F>(&self, task: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.tasks.spawn(task)
    }

    /// Begin shutdown and wait for the tracked work, at most the grace
    /// period. True when everything finished in time.
    pub(crate) async fn drain(&self) -> bool {
        self.begin();
        self.tasks.close();
        tokio::time::timeout(self.grace, self.tasks.wait())
            .await
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn drain_waits_for_work_within_the_grace_period() {
        let shutdown = Shutdown::new(Duration::from_secs(10));
        let work = shutdown.spawn(tokio::time::sleep(Duration::from_secs(3)));
        assert!(!shutdown.is_begun());
        let started = tokio::time::Instant::now();
        assert!(shutdown.drain().await, "the work finished in time");
        assert!(shutdown.is_begun());
        assert_eq!(started.elapsed(), Duration::from_secs(3));
        assert!(work.is_finished());
    }

    #[tokio::test(start_paused = true)]
    async fn drain_gives_up_after_the_grace_period() {
        let shutdown = Shutdown::new(Duration::from_secs(2));
        let _stuck = shutdown.spawn(std::future::pending::<()>());
        let started = tokio::time::Instant::now();
        assert!(!shutdown.drain().await);
        assert_eq!(started.elapsed(), Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn begun_wakes_every_clone() {
        let shutdown = Shutdown::new(Duration::ZERO);
        let waiter = tokio::spawn({
            let s = shutdown.clone();
            async move { s.begun().await }
        });
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished());
        shutdown.begin();
        waiter.await.expect("woken");
    }
}
