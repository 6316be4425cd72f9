//! The self-test page (Yew, wasm32).
//!
//! `App` owns one reducer (the [`store`] around
//! [`crate::page::state::PageState`]) and shares it through a context; the
//! [`components`] only render it and dispatch actions. Talking to the probe
//! is in `net`, browser APIs in `dom`. All decisions and texts come from
//! `crate::page`, which is tested natively.

mod components;
mod dom;
mod net;
mod store;

use yew::prelude::*;

use crate::page::embed::{is_embed_path, parent_origin};
use crate::page::state::{Action, PageState};
use crate::texts::lang::choose;
use crate::texts::words::marks::STATIC_PAGE_ID;
use crate::texts::words::title;
use store::{Ctx, Store};

/// Where the app runs: taken from the address at start, fixed afterwards.
#[derive(Debug, Clone, PartialEq, Properties)]
pub struct AppProps {
    /// The page's state at start.
    pub initial: PageState,
    /// For the embed view: the host page's origin to post heights to.
    #[prop_or_default]
    pub parent_origin: Option<String>,
    /// Ask the probe for the visitor's address and the operator's details on
    /// start, and for the fix guides once a result shows them (off in tests
    /// that have no probe).
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

/// The page: one reducer over [`PageState`], shared by context with the components.
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
        // The fix guides and the practice check's finding texts are not part
        // of a first visit: fetched when a result shows them, again after a
        // failure when the visitor asks.
        let d = state.dispatcher();
        let wanted = state.0.guides_to_fetch().filter(|_| props.fetch_whoami);
        use_effect_with(wanted, move |wanted| {
            if let Some(lang) = *wanted {
                d.dispatch(Action::GuidesLoading(lang));
                wasm_bindgen_futures::spawn_local(async move {
                    d.dispatch(Action::GuidesLoaded(lang, net::later_texts(lang).await));
                });
            }
        });
    }
    {
        let lang = state.0.lang;
        use_effect_with((lang, title(&state.0.plan)), move |(lang, title)| {
            dom::apply_language(lang.code(), title);
        });
    }

    html! {
        <ContextProvider<Ctx> context={state}>
            <components::page::Page parent_origin={props.parent_origin.clone()} />
        </ContextProvider<Ctx>>
    }
}

/// Mount the page into the document body, in place of the consent form
/// the probe wrote for browsers that cannot run the app: from here on the
/// app's own start view asks for consent and shows the check live.
pub fn start() {
    dom::remove_by_id(STATIC_PAGE_ID);
    yew::Renderer::<App>::with_props(AppProps::from_location()).render();
}
