//! Talking to the probe: `/api/v1/whoami`, `/api/v1/site` and the scan stream.
//!
//! The stream is read with `fetch` and a body reader, not `EventSource`, so
//! that a refused request still shows its status and JSON reason (429 with
//! the wait time, 403 with the reason), which `EventSource` hides. Plain
//! `web_sys` fetch keeps the page small.

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableStreamDefaultReader, Response};

use crate::api::read::{Read, read_json};
use crate::api::{SiteInfo, Target};
use crate::page::check::CheckEvent;
use crate::page::sse::{SseParser, StreamMsg, decode};
use crate::texts::Lang;
use crate::texts::explain::practice_set::{self, PracticeSet};
use crate::texts::failure::{Failure, classify_response};
use crate::texts::guide::{GuideSet, bundle_path};

pub(super) const WHOAMI: &str = "/api/v1/whoami";
pub(super) const SITE: &str = "/api/v1/site";

/// Sends `GET url` with an `Accept` header at once; the answer is awaited
/// later (so that two requests can be under way together).
fn send(url: &str, accept: &str) -> Option<JsFuture> {
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    let headers = web_sys::Headers::new().ok()?;
    headers.set("Accept", accept).ok()?;
    init.set_headers(&headers);
    let request = web_sys::Request::new_with_str_and_init(url, &init).ok()?;
    Some(JsFuture::from(
        web_sys::window()?.fetch_with_request(&request),
    ))
}

/// The answer to a request [`send`] sent; `None` when none came at all.
async fn answer(sent: Option<JsFuture>) -> Option<Response> {
    sent?.await.ok()?.dyn_into::<Response>().ok()
}

/// `GET url` with an `Accept` header; `None` when no answer came at all.
async fn get(url: &str, accept: &str) -> Option<Response> {
    answer(send(url, accept)).await
}

/// The body of a 2xx answer.
async fn ok_text(sent: Option<JsFuture>) -> Option<String> {
    let resp = answer(sent).await?;
    if !resp.ok() {
        return None;
    }
    text(&resp).await
}

async fn text(resp: &Response) -> Option<String> {
    JsFuture::from(resp.text().ok()?).await.ok()?.as_string()
}

/// A 2xx JSON answer, parsed.
async fn get_json<T: Read>(url: &str) -> Option<T> {
    let resp = get(url, "application/json").await?;
    if !resp.ok() {
        return None;
    }
    read_json(&text(&resp).await?)
}

/// The visitor's address as the probe sees it; `None` if it cannot be had.
pub(super) async fn whoami() -> Option<Target> {
    get_json(WHOAMI).await
}

/// The operator's name and help contact; `None` if the probe has none.
pub(super) async fn site() -> Option<SiteInfo> {
    get_json(SITE).await
}

/// What a result shows later in one language, from the page's own origin:
/// the fix guides, and the practice check's finding texts (kept in
/// `practice_set`); both requests at once. `None` when either could not be
/// had.
pub(super) async fn later_texts(lang: Lang) -> Option<GuideSet> {
    let json = "application/json";
    let guides = send(&bundle_path(lang), json);
    let practice = (!practice_set::installed(lang)).then(|| send(&practice_set::path(lang), json));
    let guides = GuideSet::parse(&ok_text(guides).await?)?;
    if let Some(sent) = practice {
        let set = PracticeSet::parse(&ok_text(sent).await?)?;
        practice_set::install(lang, set);
    }
    Some(guides)
}

/// Runs one check against the stream at `url`, handing every event of it
/// to `send`, the last one being its report, its failure or the stream's end.
pub(super) async fn scan(url: String, send: impl Fn(CheckEvent)) {
    let fail = |failure| send(CheckEvent::Fail(failure));
    let Some(resp) = get(&url, "text/event-stream").await else {
        return fail(Failure::Network);
    };
    let status = resp.status();
    if !resp.ok() {
        let retry_after = resp.headers().get("retry-after").ok().flatten();
        let body = text(&resp).await.unwrap_or_default();
        return fail(classify_response(status, &body, retry_after.as_deref()));
    }
    let is_stream = resp
        .headers()
        .get("content-type")
        .ok()
        .flatten()
        .is_some_and(|t| t.starts_with("text/event-stream"));
    let Some(body) = resp.body().filter(|_| is_stream) else {
        return fail(Failure::Unreachable { status });
    };
    let Ok(reader) = body.get_reader().dyn_into::<ReadableStreamDefaultReader>() else {
        return fail(Failure::Unreachable { status });
    };
    let mut parser = SseParser::new();
    loop {
        let chunk = match JsFuture::from(reader.read()).await {
            Ok(c) => c,
            Err(_) => return fail(Failure::Interrupted),
        };
        let done = Reflect::get(&chunk, &"done".into())
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(true);
        if done {
            break;
        }
        let Ok(value) = Reflect::get(&chunk, &"value".into()) else {
            break;
        };
        let bytes = Uint8Array::new(&value).to_vec();
        // A line or an event past its bound (`api::bounds`): not the probe.
        let Ok(events) = parser.push(&bytes) else {
            let _ = reader.cancel();
            return fail(Failure::Unreachable { status });
        };
        for event in events {
            match decode(&event) {
                Ok(Some(msg)) => {
                    let last = matches!(msg, StreamMsg::Finished(_) | StreamMsg::Error(_));
                    send(CheckEvent::Stream(msg));
                    if last {
                        let _ = reader.cancel();
                        return;
                    }
                }
                Ok(None) => {}
                Err(_) => {
                    let _ = reader.cancel();
                    return fail(Failure::Unreachable { status });
                }
            }
        }
    }
    send(CheckEvent::Ended);
}
