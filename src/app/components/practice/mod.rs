//! The practice check's part of the page: the offer with its own consent,
//! then each of its checks with grid, verdict, UPnP result and device steps;
//! beside the offer, what the names in CERT-Bund's reports mean.

pub(crate) mod practice_check;
pub(crate) mod practice_section;
pub(crate) mod report_section;
