//! Open connections counted by network, and whom to shed when full (pure).
//!
//! Each host network (IPv4 address, IPv6 /64) may hold `per_host`
//! connections and each site network (IPv4 /24, IPv6 /48) `per_site`, which
//! leaves room for many visitors behind one carrier-grade NAT. Together
//! they hold at most `total`. When that is reached, a visitor from a site
//! network that holds no connection still gets in, within `headroom` places
//! above `total`: the oldest connection of the site network that holds the
//! most is shed (closed once its request in flight is answered), so one
//! network cannot keep everybody else out. Connections from a trusted proxy
//! carry many visitors and count only towards `total`.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use crate::probe::admission::network::{Network, Networks};

/// The connection limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Caps {
    pub total: usize,
    pub per_host: usize,
    pub per_site: usize,
    pub headroom: usize,
}

impl Caps {
    /// The limits the probe uses: a site network may hold eight host
    /// networks' worth, and 1/16 of `total` (at least one) is headroom.
    pub(super) fn new(total: usize, per_host: usize) -> Self {
        let total = total.max(1);
        let per_host = per_host.max(1);
        Caps {
            total,
            per_host,
            per_site: per_host.saturating_mul(8),
            headroom: (total / 16).max(1),
        }
    }
}

/// One open connection.
pub(super) type ConnId = u64;

/// A connection let in, and one to shed for it, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Accepted {
    pub id: ConnId,
    pub shed: Option<ConnId>,
}

#[derive(Debug)]
struct Open {
    /// `None` for a trusted proxy.
    nets: Option<Networks>,
    shed: bool,
}

/// Every open connection (oldest first) and each network's count.
#[derive(Debug)]
pub(super) struct ConnectionTable {
    caps: Caps,
    next: ConnId,
    open: BTreeMap<ConnId, Open>,
    per_net: HashMap<Network, usize>,
}

impl ConnectionTable {
    pub(super) fn new(caps: Caps) -> Self {
        ConnectionTable {
            caps,
            next: 0,
            open: BTreeMap::new(),
            per_net: HashMap::new(),
        }
    }

    fn count(&self, n: &Network) -> usize {
        self.per_net.get(n).copied().unwrap_or(0)
    }

    /// Let a connection from `peer` in (`None`: a trusted proxy), or not.
    pub(super) fn open(&mut self, peer: Option<IpAddr>) -> Option<Accepted> {
        let total = self.open.len();
        let Some(ip) = peer else {
            return (total < self.caps.total).then(|| self.insert(None, None));
        };
        let nets = Networks::of(ip);
        let (host, site) = (self.count(&nets.host), self.count(&nets.site));
        if host >= self.caps.per_host || site >= self.caps.per_site {
            return None;
        }
        if total < self.caps.total {
            return Some(self.insert(Some(nets), None));
        }
        if site > 0 || total >= self.caps.total + self.caps.headroom {
            return None;
        }
        let victim = self.heaviest_oldest()?;
        if let Some(v) = self.open.get_mut(&victim) {
            v.shed = true;
        }
        Some(self.insert(Some(nets), Some(victim)))
    }

    fn insert(&mut self, nets: Option<Networks>, shed: Option<ConnId>) -> Accepted {
        let id = self.next;
        self.next += 1;
        if let Some(n) = nets {
            *self.per_net.entry(n.host).or_insert(0) += 1;
            *self.per_net.entry(n.site).or_insert(0) += 1;
        }
        self.open.insert(id, Open { nets, shed: false });
        Accepted { id, shed }
    }

    /// The oldest connection not yet shed of the site network that holds
    /// the most of those.
    fn heaviest_oldest(&self) -> Option<ConnId> {
        let mut sites: HashMap<Network, (usize, ConnId)> = HashMap::new();
        for (id, open) in &self.open {
            if let (Some(nets), false) = (open.nets, open.shed) {
                // Ids ascend, so the first seen is the oldest.
                sites.entry(nets.site).or_insert((0, *id)).0 += 1;
            }
        }
        sites
            .into_values()
            .max_by_key(|&(count, oldest)| (count, std::cmp::Reverse(oldest)))
            .map(|(_, oldest)| oldest)
    }

    /// A connection closed.
    pub(super) fn close(&mut self, id: ConnId) {
        let Some(open) = self.open.remove(&id) else {
            return;
        };
        if let Some(nets) = open.nets {
            for n in [nets.host, nets.site] {
                if let Some(c) = self.per_net.get_mut(&n) {
                    *c -= 1;
                    if *c == 0 {
                        self.per_net.remove(&n);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
