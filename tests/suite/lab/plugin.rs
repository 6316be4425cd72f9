//! `portcheck check` run inside lab visitors against the lab's probe: a
//! visitor whose Samba answers on 445 gets a CRITICAL plugin result (exit
//! 2); behind a practice router forwarding only 80 and 443, with 443
//! expected, it is OK (exit 0).

use portcheck::api::Family;

use crate::support::lab::{Lab, in_ns, output_text};

/// `portcheck check PROBE --format nagios ARGS` in namespace `ns`: the exit
/// code and the output.
fn check_in(ns: &str, url: &str, args: &[&str]) -> (i32, String) {
    let mut all = vec!["check", url, "--format", "nagios", "--lang", "en"];
    all.extend(args);
    let out = in_ns(ns, env!("CARGO_BIN_EXE_portcheck"), &all);
    (out.status.code().expect("exit code"), output_text(&out))
}

#[test]
fn the_client_in_lab_visitors() {
    let Some(lab) = Lab::for_test("the_client_in_lab_visitors", &["smb", "singlefwd"], &[]) else {
        return;
    };
    let url = lab.probe_url(Family::Ipv4, false);

    let smb = lab.visitor("smb");
    let (code, out) = check_in(&smb.ns, &url, &[]);
    assert!(
        out.starts_with("PORTCHECK CRITICAL - "),
        "{out}\n{}",
        lab.probe_log()
    );
    assert_eq!(code, 2, "{out}");

    let single = lab.visitor("singlefwd");
    let (code, out) = check_in(&single.ns, &url, &["--expect-open", "443"]);
    assert!(
        out.starts_with("PORTCHECK OK - "),
        "{out}\n{}",
        lab.probe_log()
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("\nExpected open: port 443 – open as expected\n"),
        "{out}"
    );
}
