//! Property tests of the SQL Server resolution service's answer parser:
//! whatever a host sends it returns without panicking, within its caps,
//! and reads a well-formed instance list back as it was built. The same
//! function is fuzzed (fuzz target `mssql_browser`).

use portcheck::probe::ident::services::reported::mssql_browser::{self, MAX_INSTANCES};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_bytes(b in prop::collection::vec(any::<u8>(), 0..1500)) {
        if let Some(d) = mssql_browser::parse(&b) {
            prop_assert!(d.instances.len() <= MAX_INSTANCES);
            prop_assert_eq!(b[0], 0x05);
        }
    }

    #[test]
    fn an_instance_list_reads_back(
        instances in prop::collection::vec(("[A-Z][A-Z0-9-]{0,14}", "[A-Z][A-Z0-9$]{0,15}", "1[0-6]\\.0\\.[0-9]{1,4}\\.[0-9]{1,3}", any::<u16>()), 1..30),
    ) {
        let records: String = instances
            .iter()
            .map(|(s, i, v, p)| format!("ServerName;{s};InstanceName;{i};IsClustered;No;Version;{v};tcp;{p};;"))
            .collect();
        let mut m = vec![0x05];
        m.extend_from_slice(&(records.len() as u16).to_le_bytes());
        m.extend_from_slice(records.as_bytes());
        let d = mssql_browser::parse(&m).expect("an answer");
        prop_assert_eq!(d.instances.len(), instances.len().min(MAX_INSTANCES));
        for (got, (s, i, v, p)) in d.instances.iter().zip(&instances) {
            prop_assert_eq!(got.server.as_deref(), Some(s.as_str()));
            prop_assert_eq!(got.instance.as_deref(), Some(i.as_str()));
            prop_assert_eq!(got.version.as_deref(), Some(v.as_str()));
            prop_assert_eq!(got.tcp_port, Some(*p));
        }
    }
}
