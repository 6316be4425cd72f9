//! Checking both address families: when the operator names an IPv4-only and
//! an IPv6-only origin (`/api/v1/site`), the page runs one stream scan
//! against each and shows the two results side by side.
//!
//! Each family is a [`super::check::Check`] of its own, so one family
//! failing (a computer without IPv6 is common) leaves the other intact. The
//! texts here say plainly what each result cannot tell: an IPv4 address
//! behind carrier-grade NAT / DS-Lite may be the provider's, and an IPv6
//! check reaches only this computer, not the file server.

use crate::api::{Family, SiteInfo};

/// Where the scan stream lives on each origin.
pub(crate) const STREAM_PATH: &str = "/api/v1/scan/stream";

/// The two origins to check, IPv4 first; `None` unless both are configured
/// (then the page keeps its single same-origin check).
pub(crate) fn dual_origins(site: &SiteInfo) -> Option<[(Family, String); 2]> {
    let v4 = site
        .ipv4_origin
        .as_deref()
        .filter(|o| !o.trim().is_empty())?;
    let v6 = site
        .ipv6_origin
        .as_deref()
        .filter(|o| !o.trim().is_empty())?;
    Some([
        (Family::Ipv4, v4.trim().to_owned()),
        (Family::Ipv6, v6.trim().to_owned()),
    ])
}

/// The scan stream's address on `origin` (`https://v4.example` →
/// `https://v4.example/api/v1/scan/stream`).
pub(crate) fn stream_url(origin: &str) -> String {
    format!("{}{STREAM_PATH}", origin.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::texts::Lang;
    use crate::texts::page_texts::texts;
    use crate::texts::words::family_limit;

    #[test]
    fn both_origins_are_needed_for_a_dual_check() {
        let mut site = SiteInfo::default();
        assert_eq!(dual_origins(&site), None);
        site.ipv4_origin = Some("https://v4.check.example".into());
        assert_eq!(dual_origins(&site), None);
        site.ipv6_origin = Some(" ".into());
        assert_eq!(dual_origins(&site), None);
        site.ipv6_origin = Some("https://v6.check.example".into());
        let [(f4, o4), (f6, o6)] = dual_origins(&site).unwrap();
        assert_eq!((f4, f6), (Family::Ipv4, Family::Ipv6));
        assert_eq!(
            stream_url(&o4),
            "https://v4.check.example/api/v1/scan/stream"
        );
        assert_eq!(
            stream_url(&o6),
            "https://v6.check.example/api/v1/scan/stream"
        );
        assert_eq!(
            stream_url("http://v6.portcheck.test:8080/"),
            "http://v6.portcheck.test:8080/api/v1/scan/stream"
        );
    }

    #[test]
    fn limits_of_each_family_exist_in_both_languages() {
        for lang in Lang::ALL {
            let t = texts(lang);
            for text in [
                t.dual_note,
                t.dual_heading,
                t.dual_limit_ipv4,
                t.dual_limit_ipv6,
                t.no_ipv4,
                t.no_ipv6,
            ] {
                assert!(!text.trim().is_empty(), "{lang:?}");
            }
        }
        let (de, en) = (Lang::De, Lang::En);
        for family in [Family::Ipv4, Family::Ipv6] {
            assert_ne!(
                family_limit(family, true, de),
                family_limit(family, true, en)
            );
        }
        assert!(family_limit(Family::Ipv4, true, de).contains("DS-Lite"));
        assert!(family_limit(Family::Ipv4, true, en).contains("carrier-grade NAT"));
        assert!(family_limit(Family::Ipv6, true, de).contains("Dateiserver"));
        assert!(family_limit(Family::Ipv6, true, en).contains("file server"));
    }
}
