//! Server-Sent Events as the probe sends them: read a whole stream and split
//! it into named events.

/// One Server-Sent Event.
#[derive(Debug, Clone, PartialEq)]
pub struct SseEvent {
    pub name: String,
    pub data: String,
}

/// Read the whole event stream of a response (it ends when the scan ends).
pub async fn read_events(resp: reqwest::Response) -> Vec<SseEvent> {
    let text = resp.text().await.expect("stream body");
    parse_events(&text)
}

pub fn parse_events(text: &str) -> Vec<SseEvent> {
    let mut events = Vec::new();
    for block in text.split("\n\n") {
        let mut name = String::from("message");
        let mut data = Vec::new();
        let mut any = false;
        for line in block.lines() {
            if let Some(v) = line.strip_prefix("event:") {
                name = v.trim_start().to_owned();
                any = true;
            } else if let Some(v) = line.strip_prefix("data:") {
                data.push(v.strip_prefix(' ').unwrap_or(v).to_owned());
                any = true;
            }
        }
        if any {
            events.push(SseEvent {
                name,
                data: data.join("\n"),
            });
        }
    }
    events
}
