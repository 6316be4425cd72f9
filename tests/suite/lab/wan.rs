//! The lab's wide-area visitors: the ports of `mixed` (open, reset, dropped,
//! ICMP-rejected) behind a link with real round-trip time, jitter and loss
//! (tests/lab/wanlink.py, two TAP devices and a relay). The probe's timeouts
//! follow the path it measures; here the tests check that what it reads at
//! 20, 80 and 300 ms round-trip time is the truth and what nmap reads in the
//! same run, and that 2 % loss each way costs no more accuracy than the
//! lossy lab link allows. Speed is measured by `scripts/bench-wan`, not
//! asserted.

use portcheck::api::Family;

use super::clients;
use super::visitors::{assert_no_problems, check, mixed_expect};
use crate::support::lab::Lab;

/// At every round-trip time, both families: states and reasons as the host
/// really answers, the verdict, and every port as nmap sees it.
#[test]
fn wan_visitors_match_nmap_at_every_rtt() {
    let names = ["wan20", "wan80", "wan300"];
    let Some(lab) = Lab::for_test("wan_visitors_match_nmap_at_every_rtt", &names, &[]) else {
        return;
    };
    let mut problems = Vec::new();
    for name in names {
        let v = lab.visitor(name);
        assert_eq!(v.families(), [Family::Ipv4, Family::Ipv6], "{name}");
        for family in v.families() {
            let report = lab.scan(&v, family);
            problems.extend(check(&lab, &v, family, &report, &mixed_expect(family)));
        }
    }
    assert_no_problems(problems, &lab);
}

/// 80 ms with 2 % loss each way: over several scans per family, the probe's
/// states are right, and agree with nmap's, on at least `MIN_SHARE` of the
/// ports (the share the lossy lab test requires at 10 % loss).
#[test]
fn wan_loss_keeps_states_right() {
    const MIN_SHARE: f64 = 0.90;
    const ROUNDS: usize = 3;
    let Some(lab) = Lab::for_test("wan_loss_keeps_states_right", &["wanloss"], &[]) else {
        return;
    };
    let v = lab.visitor("wanloss");
    let (mut total, mut right, mut agree) = (0usize, 0usize, 0usize);
    let mut misread = Vec::new();
    for _ in 0..ROUNDS {
        for family in v.families() {
            let truth = mixed_expect(family).ports;
            let report = lab.scan(&v, family);
            let nmap = clients::scan(&lab, v.addr(family).expect("address"));
            for pr in report.ports.iter().chain(&report.control) {
                let want = clients::nmap_state_word(truth.expected(pr.port).0);
                let got = clients::nmap_state_word(pr.state);
                total += 1;
                right += usize::from(got == want);
                agree += usize::from(nmap.get(&pr.port).is_some_and(|n| n.state == got));
                if got != want {
                    misread.push(format!("{family:?} {}: {want} read as {got}", pr.port));
                }
            }
        }
    }
    let share = |n: usize| n as f64 / total as f64;
    println!(
        "WAN LOSS SUMMARY: 80 ms, 2 % loss each way, {total} ports: portcheck right on {:.1} %, \
         agreeing with nmap on {:.1} %; misreads {misread:?}",
        100.0 * share(right),
        100.0 * share(agree)
    );
    assert!(
        share(right) >= MIN_SHARE && share(agree) >= MIN_SHARE,
        "portcheck right on {:.1} %, agreeing with nmap on {:.1} % (required {:.0} %): {misread:?}\n{}",
        100.0 * share(right),
        100.0 * share(agree),
        100.0 * MIN_SHARE,
        lab.probe_log()
    );
}
