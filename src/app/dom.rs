//! Small wrappers around browser APIs the page needs: the address bar, the
//! browser's languages, the clipboard, printing, focus, `postMessage` and
//! the embed view's height reports.
//! Each one fails quietly (returns `None`/`false`): a missing API must never
//! break the page.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// A query parameter of the current address.
pub(super) fn query_param(name: &str) -> Option<String> {
    let search = window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get(name)
}

/// The path of the current address.
pub(super) fn path() -> String {
    window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default()
}

/// The browser's preferred languages, most preferred first.
pub(super) fn browser_languages() -> Vec<String> {
    let Some(nav) = window().map(|w| w.navigator()) else {
        return Vec::new();
    };
    let mut out: Vec<String> = nav
        .languages()
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
    if out.is_empty() {
        out.extend(nav.language());
    }
    out
}

/// Sets `<html lang>` and the document title, and records `?lang=` in the
/// address (without reloading) so that a reload or a shared link keeps it.
pub(super) fn apply_language(code: &str, title: &str) {
    let Some(w) = window() else { return };
    if let Some(doc) = w.document() {
        if let Some(html) = doc.document_element() {
            let _ = html.set_attribute("lang", code);
        }
        doc.set_title(title);
    }
    let loc = w.location();
    let (Ok(path), Ok(search), Ok(hash)) = (loc.pathname(), loc.search(), loc.hash()) else {
        return;
    };
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return;
    };
    if params.get("lang").as_deref() == Some(code) {
        return;
    }
    params.set("lang", code);
    let url = format!("{path}?{}{hash}", String::from(params.to_string()));
    if let Ok(history) = w.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// Writes text to the clipboard; `false` when the browser refused.
pub(super) async fn copy_text(text: &str) -> bool {
    let Some(w) = window() else { return false };
    // navigator.clipboard is still behind web-sys's unstable flag: call it by name.
    let Ok(clipboard) = Reflect::get(&w.navigator(), &"clipboard".into()) else {
        return false;
    };
    if clipboard.is_undefined() || clipboard.is_null() {
        return false;
    }
    let Ok(write) = Reflect::get(&clipboard, &"writeText".into()) else {
        return false;
    };
    let Some(write) = write.dyn_ref::<js_sys::Function>() else {
        return false;
    };
    let Ok(promise) = write.call1(&clipboard, &JsValue::from_str(text)) else {
        return false;
    };
    match promise.dyn_into::<js_sys::Promise>() {
        Ok(p) => JsFuture::from(p).await.is_ok(),
        Err(_) => false,
    }
}

/// Opens the browser's print dialogue.
pub(super) fn print() {
    if let Some(w) = window() {
        let _ = w.print();
    }
}

/// Posts `{"portcheck": {"height": h}}` to the parent window at exactly
/// `origin`. Does nothing outside a frame.
pub(super) fn post_height(origin: &str, height: u32) {
    let Some(w) = window() else { return };
    let Ok(Some(parent)) = w.parent() else { return };
    if parent == w {
        return;
    }
    let inner = Object::new();
    let outer = Object::new();
    let _ = Reflect::set(&inner, &"height".into(), &JsValue::from(height));
    let _ = Reflect::set(&outer, &crate::page::embed::MESSAGE_KEY.into(), &inner);
    let _ = parent.post_message(&outer, origin);
}

/// Removes the element with `id`, if there is one.
pub(super) fn remove_by_id(id: &str) {
    if let Some(el) = window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
    {
        el.remove();
    }
}

/// Moves keyboard focus to the element with `id`, if there is one.
pub(super) fn focus_by_id(id: &str) {
    if let Some(el) = window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// A running `ResizeObserver` and the closure it calls; dropping the
/// closure before disconnecting would leave the observer calling freed code.
pub(super) type HeightObserver = (
    web_sys::ResizeObserver,
    Closure<dyn FnMut(js_sys::Array, web_sys::ResizeObserver)>,
);

/// Posts `el`'s height to the host page at `origin` on every size change.
pub(super) fn observe_height(el: web_sys::Element, origin: String) -> Option<HeightObserver> {
    let measured = el.clone();
    let closure = Closure::<dyn FnMut(js_sys::Array, web_sys::ResizeObserver)>::new(
        move |_entries: js_sys::Array, _obs: web_sys::ResizeObserver| {
            let h = measured.get_bounding_client_rect().height().ceil();
            post_height(&origin, h.max(0.0) as u32);
        },
    );
    let obs = web_sys::ResizeObserver::new(closure.as_ref().unchecked_ref()).ok()?;
    obs.observe(&el);
    Some((obs, closure))
}
