//! The practice check in each browser engine against the real `portcheck serve`: after
//! the main result the page offers it, runs `?plan=practice` on consent,
//! moves focus to its heading and shows its verdict, findings and the UPnP
//! result, in both languages, axe clean (with the section on CERT-Bund's
//! report names beside the offer, and each finding's report name). A stand-in UPnP device answers on
//! loopback UDP 1900, so the page shows `upnp-exposed` with what it said;
//! 445 is open from the page tests' listeners, so SMB shows up too.

use std::net::UdpSocket;

use fantoccini::Client;

use crate::support::browser::{assert_axe_clean, click, inner_text, js, js_text, wait_js};

use super::page::{open_start, page_test};

/// What the stand-in device says of itself.
const SERVER: &str = "Portcheck-Test/1.0 UPnP/1.1 StandIn/1";

/// A UPnP device on 127.0.0.1:1900 that answers every search, for the
/// rest of the test process (the thread ends with it).
fn upnp_device() {
    static DEVICE: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    DEVICE.get_or_init(|| {
        let socket = UdpSocket::bind(("127.0.0.1", 1900))
            .expect("bind 127.0.0.1:1900 for the stand-in UPnP device");
        std::thread::spawn(move || {
            let answer = format!(
                "HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\nUSN: uuid:0::upnp:rootdevice\r\nSERVER: {SERVER}\r\nLOCATION: http://127.0.0.1:5000/rootDesc.xml\r\n\r\n"
            );
            let mut buf = [0u8; 2048];
            while let Ok((_, from)) = socket.recv_from(&mut buf) {
                let _ = socket.send_to(answer.as_bytes(), from);
            }
        });
    });
}

/// The ids of the findings in the practice section.
async fn practice_findings(c: &Client) -> String {
    js_text(
        c,
        "return [...document.querySelectorAll('[data-practice] [data-finding]')].map(e => e.dataset.finding).join(' ')",
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root, dist/ and a browser: run scripts/test-page"]
async fn the_practice_check_is_offered_run_and_explained_in_both_languages() {
    const TEST: &str = "the_practice_check_is_offered_run_and_explained_in_both_languages";
    page_test(TEST, &["--rate-burst", "1000"], |c, probe| async move {
        upnp_device();
        for (lang, offer, upnp_words, reports) in [
            ("de", "Weitere gefährliche Dienste prüfen", "UPnP-Dienst hat aus dem Internet geantwortet", "Eine Meldung von CERT-Bund oder Ihrem Provider erhalten?"),
            ("en", "Check other dangerous services", "UPnP service answered from the internet", "Received a report from CERT-Bund or your provider?"),
        ] {
            open_start(&c, &probe.url(&format!("/?lang={lang}"))).await;
            click(&c, "#consent").await;
            wait_js(&c, "the main verdict", "document.querySelector('[data-verdict]')").await;
            wait_js(&c, "the offer", "document.querySelector('#practice-consent')").await;
            let text = inner_text(&c, ".practice-offer").await;
            assert!(text.contains(offer), "{lang}: {text}");
            // The report names' section is beside the offer, in the same axe run.
            let names = inner_text(&c, ".report-names").await;
            assert!(names.contains(reports) && names.contains("Open SNMP"), "{lang}: {names}");
            assert_axe_clean(&c, &format!("practice offered ({lang})")).await;

            click(&c, "#practice-consent").await;
            wait_js(
                &c,
                "the practice result",
                "document.querySelector('[data-practice=settled] [data-verdict]')",
            )
            .await;
            assert_eq!(
                js(&c, "return document.activeElement.id").await,
                "practice-heading",
                "{lang}: focus after consent"
            );
            let ids = practice_findings(&c).await;
            assert!(ids.contains("upnp-exposed"), "{lang}: {ids}");
            assert!(ids.contains("smb-exposed"), "{lang}: {ids}");
            let smb = inner_text(&c, "[data-practice] [data-finding=smb-exposed] .finding-reports").await;
            assert!(smb.contains("Accessible SMB Service"), "{lang}: {smb}");
            assert_eq!(
                js(&c, "return document.querySelector('[data-practice] [data-verdict]').dataset.verdict").await,
                "critical"
            );
            let upnp = inner_text(&c, "[data-upnp=answered]").await;
            assert!(upnp.contains(upnp_words) && upnp.contains(SERVER), "{lang}: {upnp}");
            // The main result is still there, and the summary has both.
            assert!(js(&c, "return !!document.querySelector('#phase-heading')").await == true);
            let summary = js_text(&c, "return document.querySelector('#summary-text').value").await;
            assert!(summary.contains(SERVER), "{lang}: summary without the practice check");
            assert_axe_clean(&c, &format!("practice result ({lang})")).await;
        }
    })
    .await;
}
