//! The network lab: visitors on a simulated internet (tests/lab/lab.sh
//! builds them in network namespaces), each checked by the real probe and by
//! independent clients (nmap, smbclient, openssl) from the same probe host.
//! Needs root; `scripts/test-lab` runs it once and checks that it left
//! nothing behind.

mod clients;
mod first_visit;
mod ident;
mod page;
mod plugin;
mod practice;
mod record;
mod teardown;
mod udp_services;
mod visitors;
mod wan;
