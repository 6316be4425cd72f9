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
    assert_eq!(
        p.expects(88, crate::plan::Transport::Tcp),
        Service::Kerberos
    );
    assert_eq!(p.expects(80, crate::plan::Transport::Tcp), Service::Http);
    assert_eq!(p.expects(445, crate::plan::Transport::Tcp), Service::Smb);
    for tls in [443, 444, 448] {
        assert_eq!(
            p.expects(tls, crate::plan::Transport::Tcp),
            Service::Https,
            "{tls}"
        );
    }
    assert_eq!(
        p.group_of(91, crate::plan::Transport::Tcp)
            .map(|g| g.name.as_str()),
        Some("80-89")
    );
    assert_eq!(
        p.group_of(451, crate::plan::Transport::Tcp)
            .map(|g| g.name.as_str()),
        Some("440-449")
    );
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
    assert_eq!(
        p.group_of(438, crate::plan::Transport::Tcp)
            .map(|g| g.name.as_str()),
        Some("440-449")
    );
    assert_eq!(
        p.group_of(80, crate::plan::Transport::Tcp)
            .map(|g| g.name.as_str()),
        Some("80-89")
    );
    assert!(p.group_of(8080, crate::plan::Transport::Tcp).is_none());
}

#[test]
fn the_practice_plan_is_the_other_doors_without_control_ports() {
    let p = Plan::practice();
    assert_eq!(p.name, PRACTICE);
    let over = |t: Transport| -> Vec<u16> {
        let mut v: Vec<u16> = p
            .entries()
            .filter(|(_, _, e)| e.transport == t)
            .map(|(_, _, e)| e.port)
            .collect();
        v.sort_unstable();
        v
    };
    assert_eq!(
        over(Transport::Tcp),
        [
            21, 22, 23, 111, 139, 389, 445, 631, 1433, 3306, 3389, 5432, 5900, 5901, 8080, 8443
        ]
    );
    assert_eq!(
        over(Transport::Udp),
        [53, 111, 123, 137, 161, 389, 1434, 1900, 3702, 5060, 5353]
    );
    assert!(p.control_ports().is_empty());
    for group in &p.groups {
        let numbers = group.port_numbers();
        assert!(numbers.windows(2).all(|w| w[0] < w[1]), "{}", group.name);
    }
    assert_eq!(p.expects(3389, crate::plan::Transport::Tcp), Service::Rdp);
    assert_eq!(p.expects(5901, crate::plan::Transport::Tcp), Service::Vnc);
    assert_eq!(
        p.expects(139, crate::plan::Transport::Tcp),
        Service::Netbios
    );
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

/// The groups of the services network operators report, as the shared
/// design names them, each of one transport.
#[test]
fn the_practice_plan_has_the_reported_services_groups() {
    let p = Plan::practice();
    let group = |name: &str| {
        let g = p.groups.iter().find(|g| g.name == name).expect(name);
        let transports: Vec<Transport> = g.ports.iter().map(|e| e.transport).collect();
        let services: Vec<(u16, Service)> = g.ports.iter().map(|e| (e.port, e.expects)).collect();
        (transports, services)
    };
    use Service::*;
    let (t, s) = group("directory");
    assert!(t.iter().all(|t| *t == Transport::Tcp));
    assert_eq!(s, [(111, Portmapper), (389, Ldap)]);
    let (t, s) = group("reflection");
    assert!(t.iter().all(|t| *t == Transport::Udp));
    assert_eq!(
        s,
        [
            (53, Dns),
            (111, Portmapper),
            (123, Ntp),
            (161, Snmp),
            (389, Ldap),
            (1434, MssqlBrowser),
            (1900, Ssdp)
        ]
    );
    let (t, s) = group("name-services");
    assert!(t.iter().all(|t| *t == Transport::Udp));
    assert_eq!(s, [(137, NetbiosNs), (3702, WsDiscovery), (5353, Mdns)]);
    let (t, s) = group("telephony");
    assert!(t.iter().all(|t| *t == Transport::Udp));
    assert_eq!(s, [(5060, Sip)]);
}

/// 111 and 389 are planned over TCP and UDP: every lookup by number takes
/// the transport and finds the entry and group of that transport.
#[test]
fn lookups_match_the_transport() {
    let p = Plan::practice();
    let name = |port, t| p.group_of(port, t).map(|g| g.name.as_str());
    assert_eq!(name(111, Transport::Tcp), Some("directory"));
    assert_eq!(name(111, Transport::Udp), Some("reflection"));
    assert_eq!(name(389, Transport::Tcp), Some("directory"));
    assert_eq!(name(389, Transport::Udp), Some("reflection"));
    assert_eq!(name(1900, Transport::Tcp), None);
    assert_eq!(name(3389, Transport::Udp), None);
    assert_eq!(p.expects(1900, Transport::Udp), Service::Ssdp);
    assert_eq!(p.expects(1900, Transport::Tcp), Service::Http, "unplanned");
    assert_eq!(
        p.service(111, Transport::Udp).map(|e| e.transport),
        Some(Transport::Udp)
    );
    let directory = p
        .groups
        .iter()
        .find(|g| g.name == "directory")
        .expect("directory");
    assert!(directory.contains(389, Transport::Tcp));
    assert!(!directory.contains(389, Transport::Udp));
}

/// nmap's names (`nmap-services`); only 5353 differs between TCP and UDP.
#[test]
fn udp_entries_carry_nmaps_udp_names() {
    let p = Plan::practice();
    let name = |port| p.service(port, Transport::Udp).map(|e| e.service.as_str());
    for (port, want) in [
        (53, "domain"),
        (111, "rpcbind"),
        (123, "ntp"),
        (137, "netbios-ns"),
        (161, "snmp"),
        (389, "ldap"),
        (1434, "ms-sql-m"),
        (1900, "upnp"),
        (3702, "ws-discovery"),
        (5060, "sip"),
        (5353, "zeroconf"),
    ] {
        assert_eq!(name(port), Some(want), "{port}/udp");
    }
    assert_eq!(service_name_over(5353, Transport::Tcp), "mdns");
    assert_eq!(Transport::Udp.label(1900), "1900/udp");
    assert_eq!(Transport::Tcp.label(445), "445");
}
