//! The props of every component that draws one check: the check itself,
//! whether it stands alone or beside another.

use yew::prelude::*;

use crate::page::check::Check;

#[derive(Properties, PartialEq)]
pub(crate) struct CheckProps {
    pub check: Check,
}
