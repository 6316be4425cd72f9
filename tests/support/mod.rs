//! The one test harness of the integration suite: the skip/CI gate, the
//! probe (in this process or as the real binary, always on a port the kernel
//! picked and read back), loopback listeners that look open or filtered,
//! Server-Sent Events, a network namespace of a test's own, a browser
//! (Chromium, Firefox or WebKit) driven over WebDriver with axe-core, a
//! relay that slows answers down, and the network lab. Test modules import what they need from here and nowhere
//! else, so a helper exists once.
#![allow(dead_code)] // Each test module uses a different part.

pub mod browser;
pub mod gate;
pub mod lab;
pub mod netns;
pub mod ports;
pub mod probe;
pub mod relay;
pub mod sse;
pub mod throttle;

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use gate::{gate, is_root, require_root};
pub use netns::in_own_netns;
pub use ports::{filtered_port, open_ports};
pub use probe::{
    ProbeProcess, TestServer, client_from, default_settings, forged_forwarding, settings,
};
pub use sse::{parse_events, read_events};

/// An upper bound for waits on things that must happen (a server closing a
/// connection, a log line); reaching it fails the test rather than
/// synchronising it.
pub const SAFETY_NET: Duration = Duration::from_secs(30);

pub fn ip(s: &str) -> IpAddr {
    s.parse().expect("test address")
}

/// A path inside the source tree.
pub fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// Panic instead of hanging when something that must happen does not.
pub async fn within<F: std::future::Future>(what: &str, f: F) -> F::Output {
    tokio::time::timeout(SAFETY_NET, f)
        .await
        .unwrap_or_else(|_| panic!("{what}: nothing within {SAFETY_NET:?}"))
}

/// A fresh directory under the system's temporary directory, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "portcheck-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// GET `url` with `client`: any answer, but an answer.
pub async fn get(client: &reqwest::Client, url: impl reqwest::IntoUrl) -> reqwest::Response {
    let url = url.into_url().expect("URL");
    client
        .get(url.clone())
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"))
}

/// GET `url` with `client`; the answer must be 200 with a JSON body of type `T`.
pub async fn get_json<T: serde::de::DeserializeOwned>(client: &reqwest::Client, url: &str) -> T {
    let resp = get(client, url).await;
    assert_eq!(resp.status(), reqwest::StatusCode::OK, "GET {url}");
    resp.json()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: not the expected JSON: {e}"))
}
