//! The self-test page (Yew, wasm32).
//!
//! `App` owns one reducer ([`crate::page::state::PageState`]) and shares it
//! through a context; the components in `view` only render it and dispatch
//! actions. Talking to the probe is in `net`, browser APIs in `dom`.
//! All decisions and texts come from `crate::page`, which is tested natively.

mod dom;
mod net;
pub mod view;

use std::rc::Rc;

use yew::prelude::*;

use crate::page::dual::{dual_origins, stream_url};
use crate::page::embed::{is_embed_path, parent_origin};
use crate::page::lang::choose;
use crate::page::state::{Action, PageState, Phase};
use crate::page::text::texts;

/// The reducer's store: the page state behind an `Rc`.
#[derive(Debug, Clone, PartialEq)]
pub struct Store(pub PageState);

impl Reducible for Store {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = self.0.clone();
        next.apply(action);
        Rc::new(Store(next))
    }
}

/// The handle components use to read the state and dispatch actions.
pub type Ctx = UseReducerHandle<Store>;

/// Where the app runs: taken from the address at start, fixed afterwards.
#[derive(Debug, Clone, PartialEq, Properties)]
pub struct AppProps {
    pub initial: PageState,
    /// For the embed view: the host page's origin to post heights to.
    #[prop_or_default]
    pub parent_origin: Option<String>,
    /// Ask the probe for the visitor's address and the operator's details on
    /// start (off in tests that have no probe).
    #[prop_or(true)]
    pub fetch_whoami: bool,
}

impl AppProps {
    /// Reads language, view and host origin from the current address.
    pub fn from_location() -> Self {
        let lang = choose(
            dom::query_param("lang").as_deref(),
            &dom::browser_languages(),
        );
        let embedded = is_embed_path(&dom::path());
        let parent_origin = if embedded {
            parent_origin(dom::query_param("origin").as_deref())
        } else {
            None
        };
        AppProps {
            initial: PageState::new(lang, embedded),
            parent_origin,
            fetch_whoami: true,
        }
    }
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let initial = props.initial.clone();
    let state = use_reducer(move || Store(initial));

    {
        let d = state.dispatcher();
        use_effect_with(props.fetch_whoami, move |fetch| {
            if *fetch {
                wasm_bindgen_futures::spawn_local(async move {
                    d.dispatch(Action::WhoAmI(net::whoami().await));
                    if let Some(site) = net::site().await {
                        d.dispatch(Action::Site(site));
                    }
                });
            }
        });
    }
    {
        let lang = state.0.lang;
        use_effect_with(lang, move |lang| {
            dom::apply_language(lang.code(), texts(*lang).title);
        });
    }

    html! {
        <ContextProvider<Ctx> context={state}>
            <view::Page parent_origin={props.parent_origin.clone()} />
        </ContextProvider<Ctx>>
    }
}

/// Starts check `run` in the background: against this origin, or against
/// the IPv4 and the IPv6 origin at once when the operator configured both.
pub(crate) fn spawn_scan(ctx: &Ctx) {
    if ctx.0.phase == Phase::Running {
        return;
    }
    let next_run = ctx.0.run + 1;
    let d = ctx.dispatcher();
    match dual_origins(&ctx.0.site) {
        None => {
            ctx.dispatch(Action::Start);
            wasm_bindgen_futures::spawn_local(net::scan(net::STREAM.into(), next_run, None, d));
        }
        Some(origins) => {
            ctx.dispatch(Action::StartBoth);
            for (family, origin) in origins {
                let url = stream_url(&origin);
                wasm_bindgen_futures::spawn_local(net::scan(
                    url,
                    next_run,
                    Some(family),
                    d.clone(),
                ));
            }
        }
    }
}

/// Mount the page into the document body.
pub fn start() {
    yew::Renderer::<App>::with_props(AppProps::from_location()).render();
}

pub(crate) use dom::{copy_text, post_height, print};
