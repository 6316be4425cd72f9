//! The plans' ports, names and protocols.

use super::*;

#[test]
fn the_https_range_and_its_neighbours() {
    let p = Plan::standard();
    assert_eq!(p.name, "standard");
    let https = &p.groups[0];
    assert_eq!(https.name, "440-449");
    assert_eq!(https.port_numbers(), (440..=449).collect::<Vec<_>>());
    assert_eq!(https.control_numbers(), vec![438, 439, 450, 451]);
    assert_eq!(https.label(), "440–449");
    assert_eq!(p.expects(445, crate::plan::Transport::Tcp), Service::Smb);
    assert_eq!(p.expects(443, crate::plan::Transport::Tcp), Service::Https);
    assert_eq!(p.expects(441, crate::plan::Transport::Tcp), Service::Http);
    assert_eq!(p.expects(9, crate::plan::Transport::Tcp), Service::Http);
}

#[test]
fn the_standard_plan_is_both_ranges_with_their_neighbours() {
    let p = Plan::standard();
    let names: Vec<&str> = p.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["440-449", "80-89"]);
    let http = &p.groups[1];
    assert_eq!(http.port_numbers(), (80..=89).collect::<Vec<_>>());
    assert_eq!(http.control_numbers(), vec![78, 79, 90, 91]);
    assert_eq!(http.label(), "80–89");
    assert_eq!(p.len(), 28);
    let mut range = (80..=89).chain(440..=449).collect::<Vec<_>>();
    range.sort_unstable();
    assert_eq!(p.range_ports(), range);
    assert_eq!(p.control_ports(), vec![78, 79, 90, 91, 438, 439, 450, 451]);
    assert_eq!(p.expects(88, crate::plan::Transport::Tcp), Service::Kerberos);
    assert_eq!(p.expects(80, crate::plan::Transport::Tcp), Service::Http);
    assert_eq!(p.expects(445, crate::plan::Transport::Tcp), Service::Smb);
    for tls in [443, 444, 448] {
        assert_eq!(p.expects(tls, crate::plan::Transport::Tcp), Service::Https, "{tls}");
    }
    assert_eq!(p.group_of(91, crate::plan::Transport::Tcp).map(|g| g.name.as_str()), Some("80-89"));
    assert_eq!(p.group_of(451, crate::plan::Transport::Tcp).map(|g| g.name.as_str()), Some("440-449"));
    assert!(p.group_of(92, crate::plan::Transport::Tcp).is_none());
}

#[test]
fn service_names_are_nmaps() {
    let names: Vec<&str> = (78..=91).map(service_name).collect();
    assert_eq!(
        names,
        [
            "vettcp",
            "finger",
            "http",
            "hosts2-ns",
            "xfer",
            "mit-ml-dev",
            "ctf",
            "mit-ml-dev",
            "mfcobol",
            "priv-term-l",
            "kerberos-sec",
            "su-mit-tg",
            "dnsix",
            "mit-dov"
        ]
    );
}

#[test]
fn labels() {
    assert_eq!(range_label(&[80, 81, 82]), "80–82");
    assert_eq!(range_label(&[80, 443]), "80, 443");
    assert_eq!(range_label(&[445]), "445");
    assert_eq!(range_label(&[]), "");
    assert_eq!(range_label(&[u16::MAX, 0]), "65535, 0");
}

#[test]
fn wire_shape() {
    let g = &Plan::standard().groups[0];
    let v = serde_json::to_value(&g.ports[5]).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"port":445,"service":"microsoft-ds","protocol":"smb"})
    );
    let both = Plan::standard();
    let back: Plan = serde_json::from_str(&serde_json::to_string(&both).unwrap()).unwrap();
    assert_eq!(back, both);
    let kdc = serde_json::to_value(both.service(88, crate::plan::Transport::Tcp).unwrap()).unwrap();
    assert_eq!(
        kdc,
        serde_json::json!({"port":88,"service":"kerberos-sec","protocol":"kerberos"})
    );
}

#[test]
fn group_lookup() {
    let p = Plan::standard();
    assert_eq!(p.group_of(438, crate::plan::Transport::Tcp).map(|g| g.name.as_str()), Some("440-449"));
    assert_eq!(p.group_of(80, crate::plan::Transport::Tcp).map(|g| g.name.as_str()), Some("80-89"));
    assert!(p.group_of(8080, crate::plan::Transport::Tcp).is_none());
}

#[test]
fn the_practice_plan_is_the_other_doors_without_control_ports() {
    let p = Plan::practice();
    assert_eq!(p.name, PRACTICE);
    let mut ports = p.range_ports();
    ports.sort_unstable();
    assert_eq!(
        ports,
        [
            21, 22, 23, 139, 445, 631, 1433, 3306, 3389, 5432, 5900, 5901, 8080, 8443
        ]
    );
    assert!(p.control_ports().is_empty());
    for group in &p.groups {
        let numbers = group.port_numbers();
        assert!(numbers.windows(2).all(|w| w[0] < w[1]), "{}", group.name);
    }
    assert_eq!(p.expects(3389, crate::plan::Transport::Tcp), Service::Rdp);
    assert_eq!(p.expects(5901, crate::plan::Transport::Tcp), Service::Vnc);
    assert_eq!(p.expects(139, crate::plan::Transport::Tcp), Service::Netbios);
    assert_eq!(p.expects(3306, crate::plan::Transport::Tcp), Service::Mysql);
}

#[test]
fn plans_are_offered_by_name_and_nothing_else() {
    let names: Vec<String> = Plan::catalogue().into_iter().map(|p| p.name).collect();
    assert_eq!(names, [STANDARD, PRACTICE]);
    assert_eq!(Plan::named("practice"), Some(Plan::practice()));
    assert_eq!(Plan::named("standard"), Some(Plan::standard()));
    for unknown in ["", "Standard", "practice ", "all", "../standard"] {
        assert_eq!(Plan::named(unknown), None, "{unknown:?}");
    }
    for plan in Plan::catalogue() {
        assert!(!plan.title.de.is_empty() && !plan.title.en.is_empty());
        for (_, _, s) in plan.entries() {
            assert_ne!(s.service, "unknown", "{} port {}", plan.name, s.port);
        }
    }
}

/// The entries' JSON keeps its names: `protocol` with the wire names of the
/// expected service, and no `transport` for TCP (the default).
#[test]
fn entries_keep_their_wire_names() {
    let json = |p: &PlannedPort| serde_json::to_string(p).expect("json");
    let https = PlannedPort::new(443, Service::Https);
    assert_eq!(
        json(&https),
        r#"{"port":443,"service":"https","protocol":"tls"}"#
    );
    let http = PlannedPort::new(80, Service::Http);
    assert_eq!(
        json(&http),
        r#"{"port":80,"service":"http","protocol":"plain"}"#
    );
    let old: PlannedPort =
        serde_json::from_str(r#"{"port":445,"service":"microsoft-ds","protocol":"smb"}"#)
            .expect("an entry without transport");
    assert_eq!((old.expects, old.transport), (Service::Smb, Transport::Tcp));
    let udp = PlannedPort {
        transport: Transport::Udp,
        ..PlannedPort::new(1900, Service::Http)
    };
    assert!(json(&udp).ends_with(r#","transport":"udp"}"#));
    let back: PlannedPort = serde_json::from_str(&json(&udp)).expect("read back");
    assert_eq!(back, udp);
}
