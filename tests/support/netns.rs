//! A network namespace of a test's own, without a name: a thread unshares
//! its network namespace, brings `lo` up with the test's addresses on it and
//! runs the test on a tokio runtime of its own there. Processes the test
//! starts (the probe, a browser and its driver) inherit the namespace; the
//! namespace is gone once the thread and those processes end, so nothing
//! is left to tear down, and the test's fixed ports collide with nothing
//! outside (also when the whole suite already runs in a namespace).
//!
//! Addresses on `lo` reach nothing beyond the namespace: use the
//! documentation ranges only (198.51.100.0/24, 2001:db8::/32;
//! shared/notes/netlab.md).

use std::process::Command;

/// `ip ARGS` in the calling thread's namespace; fails the test if it fails.
fn ip_cmd(args: &[&str]) {
    let out = Command::new("ip")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run ip {args:?}: {e}"));
    assert!(
        out.status.success(),
        "ip {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs `test` on a thread of its own in a network namespace of its own
/// (root): `lo` up with `addresses` ("198.51.100.22/32", "2001:db8::1/128";
/// IPv6 ones without duplicate address detection, usable at once). A panic
/// in the test is the caller's panic.
pub fn in_own_netns<F, Fut, T>(addresses: &[impl AsRef<str>], test: F) -> T
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = T>,
    T: Send + 'static,
{
    let addresses: Vec<String> = addresses.iter().map(|a| a.as_ref().to_owned()).collect();
    std::thread::spawn(move || {
        // SAFETY: unshare with a flag only changes this thread's namespace.
        let rc = unsafe { libc::unshare(libc::CLONE_NEWNET) };
        assert_eq!(rc, 0, "unshare: {}", std::io::Error::last_os_error());
        ip_cmd(&["link", "set", "lo", "up"]);
        if addresses.iter().any(|a| a.contains(':')) {
            // This thread's namespace: /proc/sys/net is the opener's.
            std::fs::write("/proc/sys/net/ipv6/conf/all/disable_ipv6", "0")
                .expect("IPv6 on in the namespace");
        }
        for a in &addresses {
            if a.contains(':') {
                ip_cmd(&["-6", "addr", "add", a, "dev", "lo", "nodad"]);
            } else {
                ip_cmd(&["addr", "add", a, "dev", "lo"]);
            }
        }
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(test())
    })
    .join()
    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}
