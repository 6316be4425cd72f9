//! The probe: an HTTP service that checks the address a request came from.
