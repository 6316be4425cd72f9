//! Printers (IPP, RFC 8011): an IPP service runs over HTTP, and CUPS and
//! most printers name it in the `Server` header of any answer, `GET /`
//! included (`CUPS/2.4 IPP/2.1`). Recognised from the HTTP answer that
//! plain identification already reads; no print job, no attribute query.

use crate::api::{HttpDetails, IppDetails};

/// The IPP service in an HTTP answer: its `Server` header names IPP or
/// CUPS. `None` for other web servers.
pub fn recognise(http: &HttpDetails) -> Option<IppDetails> {
    let server = http.server.as_deref()?;
    let upper = server.to_ascii_uppercase();
    (upper.contains("IPP/") || upper.starts_with("CUPS")).then(|| IppDetails {
        server: Some(server.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_server(s: &str) -> HttpDetails {
        HttpDetails {
            status: 200,
            server: Some(s.into()),
            ..HttpDetails::default()
        }
    }

    #[test]
    fn cups_and_printers() {
        let cups = recognise(&with_server("CUPS/2.4 IPP/2.1")).expect("ipp");
        assert_eq!(cups.server.as_deref(), Some("CUPS/2.4 IPP/2.1"));
        assert!(recognise(&with_server("HP HTTP Server; HP LaserJet; IPP/1.1")).is_some());
        assert_eq!(recognise(&with_server("nginx/1.24")), None);
        assert_eq!(recognise(&HttpDetails::default()), None);
    }
}
