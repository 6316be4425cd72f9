//! The page's store: the reducer around [`PageState`], the context that
//! shares it with every component, and the function that starts a check.
//!
//! Components read the state with [`use_store`] and change it only by
//! dispatching [`Action`]s, so every transition is the one the native tests
//! of `crate::page::state` walk through.

use std::rc::Rc;

use yew::prelude::*;

use super::net;
use crate::page::check::Phase;
use crate::page::origins::{STREAM_PATH, dual_origins, stream_url};
use crate::page::state::{Action, PageState};
use crate::texts::Lang;
use crate::texts::page_texts::{Texts, texts};

/// The reducer's store: the page state behind an `Rc`.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Store(pub PageState);

impl Reducible for Store {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = self.0.clone();
        next.apply(action);
        Rc::new(Store(next))
    }
}

/// The handle components use to read the state and dispatch actions.
pub(super) type Ctx = UseReducerHandle<Store>;

/// The store the `App` provides.
#[hook]
pub fn use_store() -> Ctx {
    use_context::<Ctx>().expect("App provides the store")
}

/// The page's language and its fixed texts.
#[hook]
pub fn use_texts() -> (Lang, &'static Texts) {
    let lang = use_store().0.lang;
    (lang, texts(lang))
}

/// Starts the next run in the background: one check against this origin,
/// or one against the IPv4 and one against the IPv6 origin when the
/// operator configured both. Does nothing while a check runs (a double
/// click starts one check).
pub(super) fn start_check(ctx: &Ctx) {
    if ctx.0.phase() == Phase::Running {
        return;
    }
    let run = ctx.0.run + 1;
    let streams = match dual_origins(&ctx.0.site) {
        None => {
            ctx.dispatch(Action::Start);
            vec![(None, STREAM_PATH.to_owned())]
        }
        Some(origins) => {
            ctx.dispatch(Action::StartBoth);
            origins
                .into_iter()
                .map(|(family, origin)| (Some(family), stream_url(&origin)))
                .collect()
        }
    };
    for (family, url) in streams {
        let d = ctx.dispatcher();
        let send = move |event| d.dispatch(Action::Check { run, family, event });
        wasm_bindgen_futures::spawn_local(net::scan(url, send));
    }
}
