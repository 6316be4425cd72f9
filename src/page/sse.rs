//! A Server-Sent Events parser for `GET /api/v1/scan/stream`.
//!
//! The page reads the stream with `fetch` rather than `EventSource`, because
//! only `fetch` can see the status and JSON body of a refused request (429 with
//! its wait time, 403 with its reason). So the page parses the event stream
//! itself: bytes go in as they arrive, in chunks split anywhere (even inside a
//! UTF-8 character or between `\r` and `\n`), complete events come out.
//! The rules follow the HTML standard's event stream interpretation.

use serde::Deserialize;

use crate::api::{
    self, ErrorBody, GroupPorts, PortEvent, PortGroup, PortResult, PortState, Reason, Report,
    Started, Target, UpnpResult, Verdict,
};

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` field; `message` when the event named none.
    pub event: String,
    /// The `data:` lines joined with `\n`.
    pub data: String,
}

/// Incremental parser: feed it bytes with [`SseParser::push`].
#[derive(Debug, Default)]
pub struct SseParser {
    line: Vec<u8>,
    /// The previous chunk ended in `\r`: a `\n` at the start of the next one
    /// belongs to the same line ending.
    after_cr: bool,
    event: String,
    data: String,
    has_data: bool,
}

impl SseParser {
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds the next chunk and returns the events it completed.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<SseEvent> {
        let mut out = Vec::new();
        for &b in chunk {
            if self.after_cr {
                self.after_cr = false;
                if b == b'\n' {
                    continue;
                }
            }
            match b {
                b'\r' => {
                    self.after_cr = true;
                    self.end_line(&mut out);
                }
                b'\n' => self.end_line(&mut out),
                _ => self.line.push(b),
            }
        }
        out
    }

    fn end_line(&mut self, out: &mut Vec<SseEvent>) {
        let raw = std::mem::take(&mut self.line);
        let line = String::from_utf8_lossy(&raw);
        if line.is_empty() {
            if self.has_data {
                let event = if self.event.is_empty() {
                    "message".to_string()
                } else {
                    std::mem::take(&mut self.event)
                };
                out.push(SseEvent {
                    event,
                    data: std::mem::take(&mut self.data),
                });
            }
            self.event.clear();
            self.data.clear();
            self.has_data = false;
            return;
        }
        if line.starts_with(':') {
            return; // comment (keep-alive)
        }
        let (field, value) = match line.find(':') {
            Some(i) => {
                let v = &line[i + 1..];
                (&line[..i], v.strip_prefix(' ').unwrap_or(v))
            }
            None => (line.as_ref(), ""),
        };
        match field {
            "event" => self.event = value.to_string(),
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            _ => {} // id, retry and unknown fields do not matter here
        }
    }
}

/// A decoded event of the scan stream.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamMsg {
    Started(Started),
    Port(PortEvent),
    Finished(Box<Report>),
    Error(ErrorBody),
}

/// The page reads port results through these mirrors of the API types: the
/// same JSON fields, but without `#[serde(flatten)]` and without per-port
/// `details`, which the page does not show. Both cost much wasm code in the
/// deserializer, and the page's download budget is tight. The round-trip test
/// below fails if a field the page reads is renamed in `api`.
///
/// One mirror serves the report's ports and the `port` event, which is a
/// port result with its group beside its fields.
#[derive(Deserialize)]
struct WirePort {
    #[serde(default)]
    group: Option<PortGroup>,
    #[serde(default)]
    group_name: Option<String>,
    port: u16,
    service: String,
    state: PortState,
    reason: Reason,
    #[serde(default)]
    rtt_ms: Option<f64>,
    #[serde(default)]
    attempts: u8,
}

impl From<WirePort> for PortResult {
    fn from(w: WirePort) -> Self {
        PortResult {
            port: w.port,
            service: w.service,
            state: w.state,
            reason: w.reason,
            rtt_ms: w.rtt_ms,
            attempts: w.attempts,
            details: None,
        }
    }
}

#[derive(Deserialize)]
struct WireReport {
    target: Target,
    ports: Vec<WirePort>,
    control: Vec<WirePort>,
    #[serde(default)]
    groups: Vec<GroupPorts>,
    verdict: Verdict,
    started_at: String,
    #[serde(default)]
    duration_ms: u64,
    #[serde(default)]
    timeout_ms: u64,
    #[serde(default)]
    upnp: Option<UpnpResult>,
}

/// A `port` event; `None` when it names no group.
fn port_event(w: WirePort) -> Option<PortEvent> {
    Some(PortEvent {
        group: w.group?,
        group_name: w.group_name.clone(),
        result: w.into(),
    })
}

fn report(w: WireReport) -> Report {
    Report {
        target: w.target,
        ports: w.ports.into_iter().map(Into::into).collect(),
        control: w.control.into_iter().map(Into::into).collect(),
        groups: w.groups,
        verdict: w.verdict,
        started_at: w.started_at,
        duration_ms: w.duration_ms,
        timeout_ms: w.timeout_ms,
        upnp: w.upnp,
    }
}

/// Decodes one event of the scan stream. `Ok(None)` for event names the page
/// does not know (a newer probe may send more); `Err` for a known event whose
/// data does not parse.
pub fn decode(ev: &SseEvent) -> Result<Option<StreamMsg>, String> {
    let err = |_: serde_json::Error| format!("unreadable `{}` event", ev.event);
    Ok(Some(match ev.event.as_str() {
        api::event::STARTED => StreamMsg::Started(serde_json::from_str(&ev.data).map_err(err)?),
        api::event::PORT => StreamMsg::Port(
            port_event(serde_json::from_str(&ev.data).map_err(err)?)
                .ok_or_else(|| format!("`{}` event without a group", ev.event))?,
        ),
        api::event::FINISHED => StreamMsg::Finished(Box::new(report(
            serde_json::from_str(&ev.data).map_err(err)?,
        ))),
        api::event::ERROR => StreamMsg::Error(serde_json::from_str(&ev.data).map_err(err)?),
        _ => return Ok(None),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{PortGroup, PortState};

    fn ev(event: &str, data: &str) -> SseEvent {
        SseEvent {
            event: event.into(),
            data: data.into(),
        }
    }

    #[test]
    fn parses_named_events() {
        let mut p = SseParser::new();
        let out = p.push(b"event: started\ndata: {\"a\":1}\n\nevent: port\ndata: x\n\n");
        assert_eq!(out, vec![ev("started", "{\"a\":1}"), ev("port", "x")]);
    }

    #[test]
    fn every_split_point_gives_the_same_events() {
        let stream = "event: port\r\ndata: {\"t\":\"Prüfung ✓\"}\r\n\r\n: keep-alive\n\nevent: finished\rdata: a\rdata: b\r\r";
        let bytes = stream.as_bytes();
        let mut whole = SseParser::new();
        let expected = whole.push(bytes);
        assert_eq!(
            expected,
            vec![ev("port", "{\"t\":\"Prüfung ✓\"}"), ev("finished", "a\nb")]
        );
        for i in 0..=bytes.len() {
            for j in i..=bytes.len() {
                let mut p = SseParser::new();
                let mut got = p.push(&bytes[..i]);
                got.extend(p.push(&bytes[i..j]));
                got.extend(p.push(&bytes[j..]));
                assert_eq!(got, expected, "split at {i}/{j}");
            }
        }
    }

    #[test]
    fn incomplete_event_is_held_back() {
        let mut p = SseParser::new();
        assert!(p.push(b"event: port\ndata: 1\n").is_empty());
        assert_eq!(p.push(b"\n"), vec![ev("port", "1")]);
    }

    #[test]
    fn event_without_data_is_not_dispatched_and_name_resets() {
        let mut p = SseParser::new();
        assert!(p.push(b"event: started\n\n").is_empty());
        assert_eq!(p.push(b"data: x\n\n"), vec![ev("message", "x")]);
    }

    #[test]
    fn field_without_space_and_unknown_fields() {
        let mut p = SseParser::new();
        let out = p.push(b"id: 7\nretry: 100\nevent:port\ndata:x\ndata\n\n");
        assert_eq!(out, vec![ev("port", "x\n")]);
    }

    #[test]
    fn reads_what_the_probe_writes() {
        use crate::api::PortDetails;
        use crate::plan::Plan;
        let plan = Plan::standard();
        let report = plan.sample_report("2001:db8::7".parse().unwrap(), |group, _| match group {
            PortGroup::Range => PortState::Open,
            PortGroup::Control => PortState::Filtered,
        });
        // Written by the probe's serializer, read by the page's decoder.
        let data = serde_json::to_string(&report).unwrap();
        match decode(&ev("finished", &data)).unwrap() {
            Some(StreamMsg::Finished(r)) => assert_eq!(*r, report),
            other => panic!("{other:?}"),
        }
        let event = PortEvent {
            group: PortGroup::Control,
            group_name: Some("440-449".into()),
            result: plan.sample_result(450, PortState::Closed),
        };
        let data = serde_json::to_string(&event).unwrap();
        assert_eq!(
            decode(&ev("port", &data)).unwrap(),
            Some(StreamMsg::Port(event.clone()))
        );
        // Details the page does not show are skipped, not an error.
        let mut with_details = event.clone();
        with_details.result.details = Some(Box::new(PortDetails {
            banner: Some("SSH-2.0-x".into()),
            ..Default::default()
        }));
        let data = serde_json::to_string(&with_details).unwrap();
        assert_eq!(
            decode(&ev("port", &data)).unwrap(),
            Some(StreamMsg::Port(event))
        );
    }

    #[test]
    fn decodes_the_probe_events() {
        let port = r#"{"group":"range","port":445,"service":"microsoft-ds","state":"open","reason":"connected","rtt_ms":0.2,"attempts":1}"#;
        match decode(&ev("port", port)).unwrap() {
            Some(StreamMsg::Port(p)) => {
                assert_eq!(p.group, PortGroup::Range);
                assert_eq!(p.result.port, 445);
                assert_eq!(p.result.state, PortState::Open);
            }
            other => panic!("{other:?}"),
        }
        let err = r#"{"error":{"code":"internal","message":"boom"}}"#;
        assert!(matches!(
            decode(&ev("error", err)),
            Ok(Some(StreamMsg::Error(_)))
        ));
        assert_eq!(decode(&ev("progress", "{}")), Ok(None));
        assert!(decode(&ev("port", "{not json")).is_err());
        let no_group =
            r#"{"port":445,"service":"microsoft-ds","state":"open","reason":"connected"}"#;
        assert!(decode(&ev("port", no_group)).is_err());
    }
}
