//! An LDAP server's root DSE, read anonymously (over TCP), or the same
//! answer over connectionless LDAP (CLDAP, UDP): on a Windows network, a
//! domain controller.

use serde::{Deserialize, Serialize};

/// What the root DSE showed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LdapDetails {
    /// `namingContexts`, e.g. `DC=praxis,DC=local` (capped).
    pub naming_contexts: Vec<String>,
    /// `dnsHostName` (Active Directory), if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_host_name: Option<String>,
    /// `defaultNamingContext` (Active Directory), if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_naming_context: Option<String>,
    /// `supportedLDAPVersion`, e.g. `[3, 2]` (capped).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supported_ldap_versions: Vec<u32>,
    /// The result code of the search when it was not success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_code: Option<u32>,
}
