//! Reading the API's JSON without serde's generated decoders.
//!
//! serde_json's deserializer is instantiated for every type it reads, and in
//! the page's wasm that code weighed about 75 KB of 480 (BENCHMARKS.md
//! "Page"). The page therefore lets the browser parse (`JSON.parse`) and
//! walks the parsed value with [`Read`]: one short function per type,
//! written once against [`Node`]. Natively the same functions walk a
//! `serde_json::Value`, which is how the terminal client and the tests read
//! the stream, so what the page reads is what the native tests check.
//!
//! The rules are serde's for these types: a required member that is absent
//! or unreadable makes the whole value unreadable; an optional one may be
//! absent or `null`, but not of the wrong type; unknown members are
//! skipped. Unit enums are read through their serde names
//! ([`read_by_serde_name`]), so each wire name stays written once, in the
//! type's `#[serde]` attributes. The round-trip tests write every type with
//! serde and read it back here, so a renamed field fails them.

use std::net::IpAddr;

use serde::de::DeserializeOwned;

use crate::api::{
    ErrorBody, ErrorCode, ErrorDetail, Family, Finding, FindingId, GroupPorts, Level, PortDetails,
    PortEvent, PortResult, PortState, Queued, Reason, Report, Severity, SiteInfo, Started, Target,
    UpnpDetails, Verdict,
};
use crate::plan::{Group, Plan, PlannedPort, PortGroup, Service, Title, Transport};

/// A parsed JSON value as [`Read`] sees it.
pub trait Node: Sized {
    /// The member `name` of an object; `None` when it is absent or `null`,
    /// or when this is not an object.
    fn member(&self, name: &str) -> Option<Self>;
    /// A string's text.
    fn string(&self) -> Option<String>;
    /// A number that is a whole number from 0 to 2^53.
    fn unsigned(&self) -> Option<u64>;
    /// Any number.
    fn number(&self) -> Option<f64>;
    /// `true` or `false`.
    fn boolean(&self) -> Option<bool>;
    /// An array's elements.
    fn elements(&self) -> Option<Vec<Self>>;
}

/// A value that can be read from a [`Node`]; `None` when it does not have
/// the type's shape.
pub trait Read: Sized {
    /// Reads `node`.
    fn read<N: Node>(node: &N) -> Option<Self>;
}

/// Parses `text` as JSON and reads it: with the browser's `JSON.parse` in
/// the page, with serde_json natively. `None` for text that is not JSON or
/// not a `T`.
pub fn read_json<T: Read>(text: &str) -> Option<T> {
    #[cfg(target_arch = "wasm32")]
    {
        T::read(&js_sys::JSON::parse(text).ok()?)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let value: serde_json::Value = serde_json::from_str(text).ok()?;
        T::read(&&value)
    }
}

/// The required member `name`.
pub(crate) fn field<T: Read, N: Node>(node: &N, name: &str) -> Option<T> {
    T::read(&node.member(name)?)
}

/// An optional member: `Some(None)` when absent or `null`, `None` when
/// present but unreadable.
pub(crate) fn optional<T: Read, N: Node>(node: &N, name: &str) -> Option<Option<T>> {
    match node.member(name) {
        None => Some(None),
        Some(value) => T::read(&value).map(Some),
    }
}

/// A member with serde's `#[serde(default)]`.
fn or_default<T: Read + Default, N: Node>(node: &N, name: &str) -> Option<T> {
    Some(optional(node, name)?.unwrap_or_default())
}

/// A unit enum variant by its serde name.
fn by_serde_name<T: DeserializeOwned, N: Node>(node: &N) -> Option<T> {
    use serde::de::value::{Error, StringDeserializer};
    T::deserialize(StringDeserializer::<Error>::new(node.string()?)).ok()
}

/// [`Read`] for unit enums through their serde names.
macro_rules! read_by_serde_name {
    ($($ty:ty),* $(,)?) => {$(
        impl Read for $ty {
            fn read<N: Node>(node: &N) -> Option<Self> {
                by_serde_name(node)
            }
        }
    )*};
}

read_by_serde_name!(
    Family, PortState, Reason, Severity, Level, FindingId, ErrorCode, PortGroup, Service,
    Transport,
);

impl Read for String {
    fn read<N: Node>(node: &N) -> Option<Self> {
        node.string()
    }
}

impl Read for bool {
    fn read<N: Node>(node: &N) -> Option<Self> {
        node.boolean()
    }
}

impl Read for f64 {
    fn read<N: Node>(node: &N) -> Option<Self> {
        node.number()
    }
}

/// [`Read`] for unsigned integers: a whole number in the type's range.
macro_rules! read_unsigned {
    ($($ty:ty),*) => {$(
        impl Read for $ty {
            fn read<N: Node>(node: &N) -> Option<Self> {
                node.unsigned()?.try_into().ok()
            }
        }
    )*};
}

read_unsigned!(u8, u16, u32, u64);

impl Read for IpAddr {
    fn read<N: Node>(node: &N) -> Option<Self> {
        node.string()?.parse().ok()
    }
}

impl<T: Read> Read for Vec<T> {
    fn read<N: Node>(node: &N) -> Option<Self> {
        node.elements()?.iter().map(T::read).collect()
    }
}

/// A pair is a two-element array, as serde writes a tuple.
impl<A: Read, B: Read> Read for (A, B) {
    fn read<N: Node>(node: &N) -> Option<Self> {
        match node.elements()?.as_slice() {
            [a, b] => Some((A::read(a)?, B::read(b)?)),
            _ => None,
        }
    }
}

impl Read for Target {
    fn read<N: Node>(node: &N) -> Option<Self> {
        Some(Target {
            ip: field(node, "ip")?,
            family: field(node, "family")?,
            via_proxy: or_default(node, "via_proxy")?,
        })
    }
}

impl Read for Queued {
    fn read<N: Node>(node: &N) -> Option<Self> {
        Some(Queued {
            position: field(node, "position")?,
            wait_s: field(node, "wait_s")?,
        })
    }
}

impl Read for Title {
    fn read<N: Node>(node: &N) -> Option<Self> {
        Some(Title {
            de: field(node, "de")?,
            en: field(node, "en")?,
        })
    }
}

impl Read for PlannedPort {
    fn read<N: Node>(node: &N) -> Option<Self> {
        Some(PlannedPort {
            port: field(node, "port")?,
            service: field(node, "service")?,
            expects: or_default(node, "protocol")?,
            transport: or_default(node, "transport")?,
        })
    }
}

impl Read for Group {
    fn read<N: Node>(node: &N) -> Option<Self> {
        Some(Group {
            name: field(node, "name")?,
            ports: field(node, "ports")?,
            control: field(node, "control")?,
        })
    }
}

impl Read for Plan {
    fn read<N: Node>(node: &N) -> Option<Self> {
        Some(Plan {
            name: field(node, "name")?,
            title: or_default(node, "title")?,
            groups: field(node, "groups")?,
        })
    }
}

impl Read for GroupPorts {
    fn read<N: Node>(node: &N) -> Option<Self> {
        Some(GroupPorts {
            name: field(node, "name")?,
            ports: field(node, "ports")?,
            control: field(node, "control")?,
            udp: or_default(node, "udp")?,
        })
    }
}

impl Read for Started {
    fn read<N: Node>(node: &N) -> Option<Self> {
        Some(Started {
            target: field(node, "target")?,
            plan: field(node, "plan")?,
            ports: field(node, "ports")?,
            control: field(node, "control")?,
            groups: or_default(node, "groups")?,
        })
    }
}

impl Read for UpnpDetails {
    fn read<N: Node>(node: &N) -> Option<Self> {
        Some(UpnpDetails {
            server: optional(node, "server")?,
            location: optional(node, "location")?,
            st: optional(node, "st")?,
            usn: optional(node, "usn")?,
        })
    }
}

/// Of a port's details only what the page shows is read: what a UPnP
/// device said of itself. The rest is skipped unread, and a port whose
/// details hold nothing else has none.
impl Read for PortResult {
    fn read<N: Node>(node: &N) -> Option<Self> {
        let upnp = match node.member("details") {
            Some(details) => optional(&details, "upnp")?,
            None => None,
        };
        Some(PortResult {
            port: field(node, "port")?,
            service: field(node, "service")?,
            transport: or_default(node, "transport")?,
            state: field(node, "state")?,
            reason: field(node, "reason")?,
            rtt_ms: optional(node, "rtt_ms")?,
            attempts: or_default(node, "attempts")?,
            details: upnp.map(|upnp| {
                Box::new(PortDetails {
                    upnp: Some(upnp),
                    ..PortDetails::default()
                })
            }),
        })
    }
}

/// A port result with its group beside its fields (serde's `flatten`).
impl Read for PortEvent {
    fn read<N: Node>(node: &N) -> Option<Self> {
        Some(PortEvent {
            group: field(node, "group")?,
            group_name: optional(node, "group_name")?,
            result: PortResult::read(node)?,
        })
    }
}

impl Read for Finding {
    fn read<N: Node>(node: &N) -> Option<Self> {
        Some(Finding {
            id: field(node, "id")?,
            severity: field(node, "severity")?,
            ports: field(node, "ports")?,
            group: optional(node, "group")?,
            reports: or_default(node, "reports")?,
        })
    }
}

impl Read for Verdict {
    fn read<N: Node>(node: &N) -> Option<Self> {
        Some(Verdict {
            level: field(node, "level")?,
            findings: field(node, "findings")?,
        })
    }
}

impl Read for Report {
    fn read<N: Node>(node: &N) -> Option<Self> {
        Some(Report {
            target: field(node, "target")?,
            ports: field(node, "ports")?,
            control: field(node, "control")?,
            groups: or_default(node, "groups")?,
            verdict: field(node, "verdict")?,
            started_at: field(node, "started_at")?,
            duration_ms: or_default(node, "duration_ms")?,
            timeout_ms: or_default(node, "timeout_ms")?,
        })
    }
}

impl Read for ErrorDetail {
    fn read<N: Node>(node: &N) -> Option<Self> {
        Some(ErrorDetail {
            code: field(node, "code")?,
            message: field(node, "message")?,
            retry_after_s: optional(node, "retry_after_s")?,
        })
    }
}

impl Read for ErrorBody {
    fn read<N: Node>(node: &N) -> Option<Self> {
        Some(ErrorBody {
            error: field(node, "error")?,
        })
    }
}

impl Read for SiteInfo {
    fn read<N: Node>(node: &N) -> Option<Self> {
        Some(SiteInfo {
            org_name: optional(node, "org_name")?,
            help_contact: optional(node, "help_contact")?,
            ipv4_origin: optional(node, "ipv4_origin")?,
            ipv6_origin: optional(node, "ipv6_origin")?,
        })
    }
}

/// Natively: the value serde_json parsed.
#[cfg(not(target_arch = "wasm32"))]
impl Node for &serde_json::Value {
    fn member(&self, name: &str) -> Option<Self> {
        self.get(name).filter(|v| !v.is_null())
    }

    fn string(&self) -> Option<String> {
        self.as_str().map(str::to_owned)
    }

    fn unsigned(&self) -> Option<u64> {
        self.as_u64().filter(|&n| n <= MAX_EXACT)
    }

    fn number(&self) -> Option<f64> {
        self.as_f64()
    }

    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }

    fn elements(&self) -> Option<Vec<Self>> {
        self.as_array().map(|a| a.iter().collect())
    }
}

/// The largest whole number a JSON number holds exactly in a browser
/// (2^53); both sides read no larger one, so the page and the client agree.
const MAX_EXACT: u64 = 1 << 53;

/// In the page: the value `JSON.parse` made. Only own members count, so
/// that a member the JSON lacks is not found on `Object.prototype`.
#[cfg(target_arch = "wasm32")]
impl Node for wasm_bindgen::JsValue {
    fn member(&self, name: &str) -> Option<Self> {
        use wasm_bindgen::JsCast;
        let object = self.dyn_ref::<js_sys::Object>()?;
        let key = wasm_bindgen::JsValue::from_str(name);
        if !js_sys::Object::has_own(object, &key) {
            return None;
        }
        js_sys::Reflect::get(object, &key)
            .ok()
            .filter(|v| !v.is_null() && !v.is_undefined())
    }

    fn string(&self) -> Option<String> {
        self.as_string()
    }

    fn unsigned(&self) -> Option<u64> {
        let n = self.as_f64()?;
        // `as` is exact here: a whole number from 0 to 2^53.
        (n >= 0.0 && n.fract() == 0.0 && n <= MAX_EXACT as f64).then_some(n as u64)
    }

    fn number(&self) -> Option<f64> {
        self.as_f64()
    }

    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }

    fn elements(&self) -> Option<Vec<Self>> {
        use wasm_bindgen::JsCast;
        self.dyn_ref::<js_sys::Array>().map(|a| a.iter().collect())
    }
}

// Native only: proptest is a native dev-dependency. In wasm32 the
// component tests (`tests/browser_components.rs`) read through `JSON.parse`.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
