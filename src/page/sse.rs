//! A Server-Sent Events parser for `GET /api/v1/scan/stream`.
//!
//! The page reads the stream with `fetch` rather than `EventSource`, because
//! only `fetch` can see the status and JSON body of a refused request (429 with
//! its wait time, 403 with its reason). So the page parses the event stream
//! itself: bytes go in as they arrive, in chunks split anywhere (even inside a
//! UTF-8 character or between `\r` and `\n`), complete events come out.
//! The rules follow the HTML standard's event stream interpretation.
//!
//! A line longer than [`bounds::SSE_LINE`] or an event whose data pass
//! [`bounds::SSE_EVENT`] is an error, not unbounded growth: after it the
//! parser reads nothing more (a stream from a hostile or intercepted server
//! must not grow the page or the terminal client without limit).

use crate::api::read::read_json;
use crate::api::{self, ErrorBody, PortEvent, Queued, Report, Started, bounds};

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SseEvent {
    /// The `event:` field; `message` when the event named none.
    pub event: String,
    /// The `data:` lines joined with `\n`.
    pub data: String,
}

/// A bound of the stream passed: the stream cannot be the probe's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SseError {
    /// A line longer than [`bounds::SSE_LINE`].
    LongLine,
    /// An event whose data pass [`bounds::SSE_EVENT`].
    LargeEvent,
}

impl SseError {
    /// The bound passed, in bytes.
    #[cfg(test)]
    pub(crate) fn limit(self) -> usize {
        match self {
            SseError::LongLine => bounds::SSE_LINE,
            SseError::LargeEvent => bounds::SSE_EVENT,
        }
    }
}

/// Incremental parser: feed it bytes with [`SseParser::push`].
#[derive(Debug, Default)]
pub(crate) struct SseParser {
    line: Vec<u8>,
    /// The previous chunk ended in `\r`: a `\n` at the start of the next one
    /// belongs to the same line ending.
    after_cr: bool,
    event: String,
    data: String,
    has_data: bool,
    /// A bound passed: every later push fails the same way.
    failed: Option<SseError>,
}

impl SseParser {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Feeds the next chunk and returns the events it completed; an error
    /// once a line or an event passes its bound (and for every chunk after).
    pub(crate) fn push(&mut self, chunk: &[u8]) -> Result<Vec<SseEvent>, SseError> {
        let result = self.read(chunk);
        if let Err(e) = result {
            self.failed = Some(e);
            self.line = Vec::new();
            self.data = String::new();
        }
        result
    }

    fn read(&mut self, chunk: &[u8]) -> Result<Vec<SseEvent>, SseError> {
        if let Some(e) = self.failed {
            return Err(e);
        }
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
                    self.end_line(&mut out)?;
                }
                b'\n' => self.end_line(&mut out)?,
                _ if self.line.len() >= bounds::SSE_LINE => return Err(SseError::LongLine),
                _ => self.line.push(b),
            }
        }
        Ok(out)
    }

    fn end_line(&mut self, out: &mut Vec<SseEvent>) -> Result<(), SseError> {
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
            return Ok(());
        }
        if line.starts_with(':') {
            return Ok(()); // comment (keep-alive)
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
                let newline = usize::from(self.has_data);
                if self.data.len() + newline + value.len() > bounds::SSE_EVENT {
                    return Err(SseError::LargeEvent);
                }
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            _ => {} // id, retry and unknown fields do not matter here
        }
        Ok(())
    }
}

/// A decoded event of the scan stream.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamMsg {
    /// `queued`: the scan waits for a slot.
    Queued(Queued),
    /// `started`: the scan began.
    Started(Started),
    /// `port`: one port's result.
    Port(PortEvent),
    /// `finished`: the report.
    Finished(Box<Report>),
    /// `error`: the probe refused or gave up.
    Error(ErrorBody),
}

/// Decodes one event of the scan stream. `Ok(None)` for event names the page
/// does not know (a newer probe may send more); `Err` for a known event whose
/// data does not parse. The data are read with [`api::read`], which in the
/// page lets the browser parse the JSON (of a port's details, only what a
/// UPnP device said of itself is read).
pub(crate) fn decode(ev: &SseEvent) -> Result<Option<StreamMsg>, String> {
    let data = ev.data.as_str();
    let msg = match ev.event.as_str() {
        api::event::QUEUED => read_json(data).map(StreamMsg::Queued),
        api::event::STARTED => read_json(data).map(StreamMsg::Started),
        api::event::PORT => read_json(data).map(StreamMsg::Port),
        api::event::FINISHED => read_json(data).map(|r| StreamMsg::Finished(Box::new(r))),
        api::event::ERROR => read_json(data).map(StreamMsg::Error),
        _ => return Ok(None),
    };
    msg.map(Some)
        .ok_or_else(|| format!("unreadable `{}` event", ev.event))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{PortGroup, PortState, UpnpDetails};

    fn ev(event: &str, data: &str) -> SseEvent {
        SseEvent {
            event: event.into(),
            data: data.into(),
        }
    }

    #[test]
    fn parses_named_events() {
        let mut p = SseParser::new();
        let out = p
            .push(b"event: started\ndata: {\"a\":1}\n\nevent: port\ndata: x\n\n")
            .unwrap();
        assert_eq!(out, vec![ev("started", "{\"a\":1}"), ev("port", "x")]);
    }

    #[test]
    fn every_split_point_gives_the_same_events() {
        let stream = "event: port\r\ndata: {\"t\":\"Prüfung ✓\"}\r\n\r\n: keep-alive\n\nevent: finished\rdata: a\rdata: b\r\r";
        let bytes = stream.as_bytes();
        let mut whole = SseParser::new();
        let expected = whole.push(bytes).unwrap();
        assert_eq!(
            expected,
            vec![ev("port", "{\"t\":\"Prüfung ✓\"}"), ev("finished", "a\nb")]
        );
        for i in 0..=bytes.len() {
            for j in i..=bytes.len() {
                let mut p = SseParser::new();
                let mut got = p.push(&bytes[..i]).unwrap();
                got.extend(p.push(&bytes[i..j]).unwrap());
                got.extend(p.push(&bytes[j..]).unwrap());
                assert_eq!(got, expected, "split at {i}/{j}");
            }
        }
    }

    #[test]
    fn incomplete_event_is_held_back() {
        let mut p = SseParser::new();
        assert!(p.push(b"event: port\ndata: 1\n").unwrap().is_empty());
        assert_eq!(p.push(b"\n").unwrap(), vec![ev("port", "1")]);
    }

    #[test]
    fn event_without_data_is_not_dispatched_and_name_resets() {
        let mut p = SseParser::new();
        assert!(p.push(b"event: started\n\n").unwrap().is_empty());
        assert_eq!(p.push(b"data: x\n\n").unwrap(), vec![ev("message", "x")]);
    }

    #[test]
    fn field_without_space_and_unknown_fields() {
        let mut p = SseParser::new();
        let out = p
            .push(b"id: 7\nretry: 100\nevent:port\ndata:x\ndata\n\n")
            .unwrap();
        assert_eq!(out, vec![ev("port", "x\n")]);
    }

    #[test]
    fn a_line_longer_than_its_bound_is_an_error() {
        let mut p = SseParser::new();
        // Exactly at the bound, a line is still read.
        let mut at = b"data: ".to_vec();
        at.resize(bounds::SSE_LINE, b'x');
        at.extend_from_slice(b"\n\n");
        let events = p.push(&at).unwrap();
        assert_eq!(events[0].data.len(), bounds::SSE_LINE - 6);
        // One more byte in chunks of any size: an error, and it stays one.
        let mut p = SseParser::new();
        assert!(p.push(b"data: ").unwrap().is_empty());
        let chunk = vec![b'x'; 4096];
        let mut fed = 6;
        let err = loop {
            match p.push(&chunk) {
                Ok(events) => assert!(events.is_empty()),
                Err(e) => break e,
            }
            fed += chunk.len();
            assert!(fed <= bounds::SSE_LINE, "no error after {fed} bytes");
        };
        assert_eq!(err, SseError::LongLine);
        assert_eq!(err.limit(), bounds::SSE_LINE);
        assert_eq!(p.push(b"\n\ndata: x\n\n"), Err(SseError::LongLine));
        assert!(p.line.capacity() == 0 && p.data.capacity() == 0);
    }

    #[test]
    fn an_event_larger_than_its_bound_is_an_error() {
        // Short lines, one event: the data together pass the bound.
        let line = format!("data: {}\n", "y".repeat(1000));
        let mut p = SseParser::new();
        let mut fed = 0;
        let err = loop {
            match p.push(line.as_bytes()) {
                Ok(events) => assert!(events.is_empty()),
                Err(e) => break e,
            }
            fed += 1001;
            assert!(
                fed <= bounds::SSE_EVENT + 1001,
                "no error after {fed} bytes"
            );
        };
        assert_eq!(err, SseError::LargeEvent);
        assert_eq!(err.limit(), bounds::SSE_EVENT);
        // Many small events are each within the bound.
        let mut p = SseParser::new();
        for _ in 0..2000 {
            assert_eq!(p.push(line.as_bytes()).unwrap(), vec![]);
            assert_eq!(p.push(b"\n").unwrap().len(), 1);
        }
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
            Some(StreamMsg::Port(event.clone()))
        );
        // What a UPnP device said is read, the rest of the details not.
        let upnp = UpnpDetails {
            server: Some("Linux UPnP/1.0 MiniUPnPd/2.3".into()),
            location: Some("http://192.0.2.1:5000/rootDesc.xml".into()),
            st: Some("upnp:rootdevice".into()),
            usn: None,
        };
        with_details.result.details = Some(Box::new(PortDetails {
            banner: Some("SSH-2.0-x".into()),
            upnp: Some(upnp.clone()),
            ..Default::default()
        }));
        let data = serde_json::to_string(&with_details).unwrap();
        let mut read = event;
        read.result.details = Some(Box::new(PortDetails {
            upnp: Some(upnp),
            ..Default::default()
        }));
        assert_eq!(
            decode(&ev("port", &data)).unwrap(),
            Some(StreamMsg::Port(read))
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
        assert_eq!(
            decode(&ev("queued", r#"{"position":3,"wait_s":20}"#)),
            Ok(Some(StreamMsg::Queued(Queued {
                position: 3,
                wait_s: 20
            })))
        );
        assert_eq!(decode(&ev("progress", "{}")), Ok(None));
        assert!(decode(&ev("port", "{not json")).is_err());
        let no_group =
            r#"{"port":445,"service":"microsoft-ds","state":"open","reason":"connected"}"#;
        assert!(decode(&ev("port", no_group)).is_err());
    }
}
