//! Exchange Server's web access (Outlook on the web, OWA) recognised in an
//! HTTP answer that identification already reads: an `X-OWA-Version`
//! header (the build, e.g. `15.2.1544.4`) or a redirect to `/owa/` (IIS on
//! an Exchange server sends `GET /` there). Exchange servers reachable from
//! the internet were the target of ProxyLogon and ProxyShell; one whose
//! version gets no more security updates stays open to whatever comes
//! next. Nothing is sent for it beyond the plain or TLS step's `GET /`.
//!
//! The build's product and whether it still gets security updates, from
//! Microsoft's published pages (checked December 2026):
//!
//! - Lifecycle (Microsoft Lifecycle data, "Exchange Server 2013/2016/2019",
//!   fixed policy): Exchange Server 2010 (14.x) extended support ended
//!   October 13, 2020; Exchange Server 2013 (15.0) ended April 11, 2023;
//!   Exchange Server 2016 (15.1) and Exchange Server 2019 (15.2) ended
//!   October 14, 2025. The paid Extended Security Update (ESU) program for
//!   2016 and 2019 that followed (the Exchange team's announcements: period
//!   1 October 2025 to April 2026, period 2 May to the end of October 2026,
//!   "no further extension planned") has ended too; an ESU customer's
//!   server between those dates would have been reported as ended.
//! - "Exchange Server build numbers and release dates": Exchange Server
//!   Subscription Edition (SE), released July 1, 2025, keeps the major and
//!   minor version of 2019 (15.2); its first build, SE RTM, is
//!   15.2.2562.17, above every Exchange 2019 build (2019 CU15 is
//!   15.2.1748.x). SE follows the Modern Lifecycle Policy: it is supported
//!   while it is kept on a current cumulative update, which the build alone
//!   does not show; it is reported as supported.
//!
//! A 15.2 without a build number, any other major version, or only the
//! redirect: the product or support is `unknown`.

use crate::api::{ExchangeDetails, ExchangeSupport};
use crate::probe::ident::text::printable;

/// The first build of Exchange Server Subscription Edition (SE RTM).
pub const SE_FIRST_BUILD: u32 = 2562;

/// The product and support state of an Exchange build `major.minor.build…`.
pub fn product(build: &str) -> (Option<&'static str>, ExchangeSupport) {
    let mut parts = build.split('.').map(|p| p.parse::<u32>().ok());
    let (major, minor, number) = (
        parts.next().flatten(),
        parts.next().flatten(),
        parts.next().flatten(),
    );
    use ExchangeSupport::{Ended, Supported, Unknown};
    match (major, minor, number) {
        (Some(15), Some(2), Some(n)) if n >= SE_FIRST_BUILD => {
            (Some("Exchange Server Subscription Edition"), Supported)
        }
        (Some(15), Some(2), Some(_)) => (Some("Exchange Server 2019"), Ended),
        (Some(15), Some(2), None) => (None, Unknown),
        (Some(15), Some(1), _) => (Some("Exchange Server 2016"), Ended),
        (Some(15), Some(0), _) => (Some("Exchange Server 2013"), Ended),
        (Some(14), Some(_), _) => (Some("Exchange Server 2010"), Ended),
        _ => (None, Unknown),
    }
}

/// Whether a `Location` value points to Outlook on the web.
fn is_owa_location(location: &str) -> bool {
    let lower = location.to_ascii_lowercase();
    let path = lower.split_once("://").map_or(lower.as_str(), |(_, rest)| {
        rest.find('/').map_or("", |i| &rest[i..])
    });
    let path = path.split(['?', '#']).next().unwrap_or("");
    path == "/owa" || path.starts_with("/owa/")
}

/// Exchange in an HTTP answer's `X-OWA-Version` and `Location` header
/// values: `None` unless one of them shows it. A version header that is
/// no dotted number (two to four parts of at most six digits) still shows
/// OWA, with the build unknown.
pub fn recognise(owa_version: Option<&[u8]>, location: Option<&[u8]>) -> Option<ExchangeDetails> {
    let version = owa_version.map(printable).filter(|v| !v.is_empty());
    let redirect = location.is_some_and(|l| is_owa_location(&printable(l)));
    if version.is_none() && !redirect {
        return None;
    }
    let build = version.filter(|v| {
        (2..=4).contains(&v.split('.').count())
            && v.split('.')
                .all(|p| !p.is_empty() && p.len() <= 6 && p.bytes().all(|b| b.is_ascii_digit()))
    });
    let (product, support) = build
        .as_deref()
        .map_or((None, ExchangeSupport::Unknown), product);
    Some(ExchangeDetails {
        build,
        product: product.map(str::to_owned),
        support,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ExchangeSupport::{Ended, Supported, Unknown};

    #[test]
    fn builds_and_their_support() {
        assert_eq!(
            product("15.2.2562.17"),
            (Some("Exchange Server Subscription Edition"), Supported)
        );
        assert_eq!(
            product("15.2.3000.1"),
            (Some("Exchange Server Subscription Edition"), Supported)
        );
        assert_eq!(
            product("15.2.1748.10"),
            (Some("Exchange Server 2019"), Ended)
        );
        assert_eq!(
            product("15.2.221.12"),
            (Some("Exchange Server 2019"), Ended)
        );
        assert_eq!(
            product("15.1.2507.6"),
            (Some("Exchange Server 2016"), Ended)
        );
        assert_eq!(
            product("15.0.1497.2"),
            (Some("Exchange Server 2013"), Ended)
        );
        assert_eq!(product("14.3.513.0"), (Some("Exchange Server 2010"), Ended));
        assert_eq!(product("15.2"), (None, Unknown));
        assert_eq!(product("8.3.517.0"), (None, Unknown));
        assert_eq!(product("16.0.1.1"), (None, Unknown));
    }

    #[test]
    fn owa_in_headers() {
        let d = recognise(Some(b" 15.1.2507.39 "), None).expect("exchange");
        assert_eq!(d.build.as_deref(), Some("15.1.2507.39"));
        assert_eq!(d.product.as_deref(), Some("Exchange Server 2016"));
        assert_eq!(d.support, Ended);
        let redirect =
            recognise(None, Some(b"https://mail.praxis.example/owa/")).expect("exchange");
        assert_eq!(
            redirect,
            ExchangeDetails {
                build: None,
                product: None,
                support: Unknown
            }
        );
        assert!(recognise(None, Some(b"/OWA")).is_some());
        assert!(recognise(None, Some(b"/owa/auth/logon.aspx?url=x")).is_some());
        // A version header that is no build: OWA, build unknown.
        let odd = recognise(Some(b"secret"), None).expect("exchange");
        assert_eq!((odd.build, odd.support), (None, Unknown));
    }

    #[test]
    fn other_answers_are_not_exchange() {
        assert_eq!(recognise(None, None), None);
        assert_eq!(recognise(Some(b"  "), None), None);
        assert_eq!(recognise(None, Some(b"https://example.com/owasp/")), None);
        assert_eq!(recognise(None, Some(b"/login?next=/owa/")), None);
        assert_eq!(recognise(None, Some(b"https://owa.example.com/")), None);
    }
}
