//! The lab leaves nothing behind on any exit path: a dropped or panicking
//! owner, SIGTERM, SIGINT or SIGHUP to its holder, the owner killed outright,
//! and a build that fails halfway.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::gate;
use crate::support::lab::{self, Lab, await_ready, fresh_prefix, leftovers, pids_in, spawn_holder};

/// Every file below Samba's and MIT Kerberos' packaged directories: the
/// lab's smbd and krb5kdc must not add any.
fn system_files() -> Vec<String> {
    lab::files_below(&[
        "/var/log/samba",
        "/run/samba",
        "/var/lib/samba",
        "/var/cache/samba",
        "/etc/krb5kdc",
        "/var/lib/krb5kdc",
    ])
}

/// Start a holder for a lab with Samba and NAT, wait for READY, record what
/// runs inside, then end it with `end` and check that nothing is left.
fn exit_path_leaves_nothing(
    what: &str,
    exit_code: i32,
    end: impl FnOnce(&mut std::process::Child, &mut std::process::Child),
) {
    let prefix = fresh_prefix();
    let (stdin, mut owner) = owner_pipe();
    let mut holder = spawn_holder(&prefix, &["smb", "rangefwd"], &[], stdin);
    let (dir, _out) =
        await_ready(&mut holder).unwrap_or_else(|| panic!("{what}: lab did not start"));
    let pids = pids_in(&prefix);
    assert!(
        pids.len() >= 6,
        "{what}: expected samba, helpers, tls, probes; got {pids:?}"
    );
    end(&mut holder, &mut owner);
    let status = wait_exit(&mut holder, what);
    // 128 + signal after a signal, 0 after the owner let go; 1 would mean
    // the teardown itself reported a failure.
    assert_eq!(status.code(), Some(exit_code), "{what}: holder {status}");
    let _ = owner.kill();
    let _ = owner.wait();
    let left = leftovers(&prefix, &dir, &pids);
    assert!(left.is_empty(), "{what}: left behind {left:?}");
}

/// The lab's owner: normally the test process itself (a pipe it holds).
/// Here a `sleep` holds the write end, so a test can SIGKILL "the owner".
fn owner_pipe() -> (Stdio, std::process::Child) {
    let mut sleeper = Command::new("sleep")
        .arg("600")
        .stdout(Stdio::piped())
        .spawn()
        .expect("sleep");
    let out = sleeper.stdout.take().expect("piped");
    (Stdio::from(out), sleeper)
}

fn wait_exit(child: &mut std::process::Child, what: &str) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: holder did not exit within 60 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn signal(pid: u32, sig: &str) {
    let ok = Command::new("kill")
        .args(["-s", sig, &pid.to_string()])
        .status()
        .expect("kill");
    assert!(ok.success());
}

#[test]
fn teardown_leaves_nothing_on_every_exit_path() {
    if !gate::gate("teardown_leaves_nothing_on_every_exit_path", lab::ready()) {
        return;
    }
    let _one = lab::serial();
    let before = system_files();

    // The Lab guard, dropped normally (and by a panicking test).
    let lab = Lab::start(&["smb", "rangefwd"]);
    let (prefix, dir, pids) = (lab.prefix.clone(), lab.dir.clone(), lab.pids());
    drop(lab);
    let left = leftovers(&prefix, &dir, &pids);
    assert!(left.is_empty(), "drop: left behind {left:?}");

    // Interrupted or terminated holder.
    exit_path_leaves_nothing("SIGTERM", 143, |h, _| signal(h.id(), "TERM"));
    exit_path_leaves_nothing("SIGINT", 130, |h, _| signal(h.id(), "INT"));
    exit_path_leaves_nothing("SIGHUP", 129, |h, _| signal(h.id(), "HUP"));
    // The owning process killed outright: its end of the pipe closes.
    exit_path_leaves_nothing("owner SIGKILL", 0, |_, owner| signal(owner.id(), "KILL"));

    // A build that fails halfway (after Samba is up) removes what it built.
    let prefix = fresh_prefix();
    let mut holder = spawn_holder(
        &prefix,
        &["smb", "rangefwd"],
        &[("PORTCHECK_LAB_FAIL_AFTER", "smb")],
        Stdio::piped(),
    );
    assert!(
        await_ready(&mut holder).is_none(),
        "the failing build said READY"
    );
    let status = wait_exit(&mut holder, "failed build");
    assert!(!status.success());
    let dir = std::env::temp_dir().join(format!("portcheck-lab-{prefix}"));
    let left = leftovers(&prefix, &dir, &[]);
    assert!(left.is_empty(), "failed build: left behind {left:?}");

    assert_eq!(
        before,
        system_files(),
        "the lab wrote into Samba's or Kerberos' system directories"
    );
}
