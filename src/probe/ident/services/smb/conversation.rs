//! SMB identification over the wire: the per-dialect negotiations, the SMB1
//! question and the guest and anonymous session setups, each on its own
//! connection within the port's deadline, and [`smb_details`], which
//! combines their answers. The messages themselves are built and parsed in
//! [`super`] and [`super::ntlm`]. Stops after session setup: no tree
//! connect, no share, no file.

use std::net::SocketAddr;
use std::time::SystemTime;

use tokio::io::AsyncRead;
use tokio::time::Instant;

use crate::api::SmbDetails;
use crate::probe::ident::io::tcp::{Framing, ReadEnd, connect, exchange, read_framed, write_all};
use crate::probe::ident::io::{Limits, random_bytes};
use crate::probe::ident::services::smb::{self, ntlm};

/// SMB2 and SMB1 messages behind their NetBIOS session header.
const SMB_FRAMING: Framing = Framing {
    len: |h| smb::frame_len(h).ok(),
    max: smb::MAX_MESSAGE,
};

/// Send one request on a fresh connection and read one SMB answer.
async fn smb_exchange(
    addr: SocketAddr,
    request: &[u8],
    deadline: Instant,
    limits: &Limits,
) -> Result<Vec<u8>, ReadEnd> {
    exchange(addr, request, &SMB_FRAMING, deadline, limits).await
}

/// One SMB message on an open connection.
async fn read_smb_message<S: AsyncRead + Unpin>(
    s: &mut S,
    deadline: Instant,
    limits: &Limits,
) -> Result<Vec<u8>, ReadEnd> {
    read_framed(s, &SMB_FRAMING, deadline, limits).await
}

async fn negotiate_one(
    addr: SocketAddr,
    dialect: u16,
    deadline: Instant,
    limits: &Limits,
) -> Option<smb::NegotiateAnswer> {
    let req = smb::negotiate_request(&[dialect], random_bytes(), random_bytes());
    let msg = smb_exchange(addr, &req, deadline, limits).await.ok()?;
    smb::parse_negotiate_response(&msg).ok()
}

/// What a server said to an SMB1 negotiate offering only `NT LM 0.12`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Smb1Question {
    Accepted {
        signing_required: bool,
    },
    /// An SMB answer that is not acceptance.
    Declined,
    /// The connection closed without an answer: "no" from a server that
    /// speaks SMB2, nothing from anything else.
    ClosedWithoutAnswer,
}

/// Ask the SMB1 question; `None` when no answer came in time.
async fn smb1_question(
    addr: SocketAddr,
    deadline: Instant,
    limits: &Limits,
) -> Option<Smb1Question> {
    match smb_exchange(addr, &smb::smb1_negotiate_request(), deadline, limits).await {
        Ok(msg) => match smb::parse_smb1_negotiate_response(&msg) {
            Ok(smb::Smb1Answer::Accepted { signing_required }) => {
                Some(Smb1Question::Accepted { signing_required })
            }
            Ok(smb::Smb1Answer::Refused) => Some(Smb1Question::Declined),
            Err(_) => None,
        },
        Err(ReadEnd::Closed) => Some(Smb1Question::ClosedWithoutAnswer),
        Err(_) => None,
    }
}

/// Negotiate and log on without a password: as the unknown
/// [`ntlm::GUEST_PROBE_USER`], or anonymously with `user` = `None`. Stops
/// after session setup.
async fn session(
    addr: SocketAddr,
    user: Option<&str>,
    deadline: Instant,
    limits: &Limits,
) -> Option<smb::SessionOutcome> {
    let mut s = connect(addr, deadline).await.ok()?;
    let neg = smb::negotiate_request(
        &[0x0202, 0x0210, 0x0300, 0x0302],
        random_bytes(),
        random_bytes(),
    );
    if !write_all(&mut s, &neg, deadline).await {
        return None;
    }
    let msg = read_smb_message(&mut s, deadline, limits).await.ok()?;
    if !matches!(
        smb::parse_negotiate_response(&msg).ok()?,
        smb::NegotiateAnswer::Accepted { .. }
    ) {
        return None;
    }
    let init = smb::spnego_init(&ntlm::negotiate_message(user.is_none()));
    if !write_all(&mut s, &smb::session_setup_request(1, 0, &init), deadline).await {
        return None;
    }
    let msg = read_smb_message(&mut s, deadline, limits).await.ok()?;
    let first = smb::parse_session_setup_response(&msg).ok()?;
    if first.status != smb::STATUS_MORE_PROCESSING_REQUIRED {
        return Some(smb::SessionOutcome::Refused {
            status: first.status,
        });
    }
    let challenge = ntlm::parse_challenge(smb::find_ntlmssp(&first.token)?)?;
    // Windows FILETIME: 100 ns since 1601.
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() / 100) as u64;
    let auth = ntlm::authenticate_message(
        &challenge,
        user,
        random_bytes(),
        now + 116_444_736_000_000_000,
    );
    let req = smb::session_setup_request(2, first.session_id, &smb::spnego_response(&auth));
    if !write_all(&mut s, &req, deadline).await {
        return None;
    }
    let msg = read_smb_message(&mut s, deadline, limits).await.ok()?;
    let last = smb::parse_session_setup_response(&msg).ok()?;
    Some(if last.status == smb::STATUS_SUCCESS {
        smb::SessionOutcome::Granted {
            flags: last.session_flags,
        }
    } else {
        smb::SessionOutcome::Refused {
            status: last.status,
        }
    })
}

pub(crate) async fn probe_smb(
    addr: SocketAddr,
    deadline: Instant,
    limits: &Limits,
) -> Option<SmbDetails> {
    let negotiations = futures_util::future::join_all(
        smb::DIALECTS
            .iter()
            .map(|&d| negotiate_one(addr, d, deadline, limits)),
    );
    let (answers, smb1, guest, anonymous) = tokio::join!(
        negotiations,
        smb1_question(addr, deadline, limits),
        session(addr, Some(ntlm::GUEST_PROBE_USER), deadline, limits),
        session(addr, None, deadline, limits),
    );
    smb_details(&answers, smb1, guest, anonymous)
}

/// Combine the answers of one SMB identification: the per-dialect
/// negotiations (in [`smb::DIALECTS`] order), the SMB1 question and the two
/// session setups. `None` when nothing answered as SMB.
pub(super) fn smb_details(
    answers: &[Option<smb::NegotiateAnswer>],
    smb1: Option<Smb1Question>,
    guest: Option<smb::SessionOutcome>,
    anonymous: Option<smb::SessionOutcome>,
) -> Option<SmbDetails> {
    let mut dialects = Vec::new();
    let mut signing_required = None;
    let mut smb1_only = false;
    let mut spoke_smb2 = false;
    for (offered, answer) in smb::DIALECTS.iter().zip(answers) {
        match answer {
            Some(smb::NegotiateAnswer::Accepted {
                dialect,
                signing_required: s,
            }) if dialect == offered => {
                spoke_smb2 = true;
                if let Some(name) = smb::dialect_name(*dialect) {
                    dialects.push(name.to_owned());
                }
                // The highest accepted dialect's security mode wins.
                signing_required = Some(*s);
            }
            Some(smb::NegotiateAnswer::Smb1Only) => smb1_only = true,
            Some(_) => spoke_smb2 = true,
            None => {}
        }
    }
    let smb1_accepted = matches!(smb1, Some(Smb1Question::Accepted { .. }));
    if !spoke_smb2 && !smb1_only && !smb1_accepted && guest.is_none() {
        return None;
    }
    // An SMB1-only server states its signing policy in the SMB1 answer.
    if let (
        None,
        Some(Smb1Question::Accepted {
            signing_required: s,
        }),
    ) = (signing_required, smb1)
    {
        signing_required = Some(s);
    }
    let smb1 = match smb1 {
        Some(Smb1Question::Accepted { .. }) => Some(true),
        Some(Smb1Question::Declined) => Some(false),
        // A close without an answer is only "no" from a server that speaks SMB2.
        Some(Smb1Question::ClosedWithoutAnswer) if spoke_smb2 => Some(false),
        Some(Smb1Question::ClosedWithoutAnswer) | None => None,
    };
    Some(SmbDetails {
        dialects,
        smb1,
        signing_required,
        guest_access: guest.map(smb::is_guest_grant),
        anonymous_session: anonymous.map(|o| matches!(o, smb::SessionOutcome::Granted { .. })),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use smb::NegotiateAnswer::*;

    fn acc(d: u16) -> Option<smb::NegotiateAnswer> {
        Some(Accepted {
            dialect: d,
            signing_required: false,
        })
    }

    #[test]
    fn samba_smb2_only_with_guest() {
        let refused = Some(smb::SessionOutcome::Refused {
            status: 0xC000_006D,
        });
        let d = smb_details(
            &[
                acc(0x0202),
                acc(0x0210),
                acc(0x0300),
                acc(0x0302),
                acc(0x0311),
            ],
            Some(Smb1Question::Declined),
            Some(smb::SessionOutcome::Granted { flags: 1 }),
            refused,
        )
        .unwrap();
        assert_eq!(d.dialects, ["2.0.2", "2.1", "3.0", "3.0.2", "3.1.1"]);
        assert_eq!(d.smb1, Some(false));
        assert_eq!(d.signing_required, Some(false));
        assert_eq!(d.guest_access, Some(true));
        assert_eq!(d.anonymous_session, Some(false));
    }

    #[test]
    fn smb1_only_server_and_signing_from_highest_dialect() {
        let d = smb_details(
            &[Some(Smb1Only); 5],
            Some(Smb1Question::Accepted {
                signing_required: true,
            }),
            None,
            None,
        )
        .unwrap();
        assert!(d.dialects.is_empty());
        assert_eq!(d.smb1, Some(true));
        assert_eq!(d.signing_required, Some(true), "from the SMB1 answer");
        assert_eq!(d.guest_access, None);

        let d = smb_details(
            &[
                acc(0x0202),
                Some(Accepted {
                    dialect: 0x0210,
                    signing_required: true,
                }),
                Some(Refused { status: 1 }),
                None,
                None,
            ],
            None,
            None,
            None,
        )
        .unwrap();
        assert_eq!(d.dialects, ["2.0.2", "2.1"]);
        assert_eq!(d.signing_required, Some(true));
    }

    #[test]
    fn a_server_choosing_another_dialect_than_offered_is_not_credited() {
        let d = smb_details(&[acc(0x0311), None, None, None, None], None, None, None).unwrap();
        assert!(d.dialects.is_empty());
    }

    #[test]
    fn nothing_smb_is_none() {
        assert_eq!(smb_details(&[None; 5], None, None, None), None);
        // A closed connection alone does not make a port SMB.
        assert_eq!(
            smb_details(
                &[None; 5],
                Some(Smb1Question::ClosedWithoutAnswer),
                None,
                None
            ),
            None
        );
        // A server that speaks SMB2 and closes on SMB1 does not speak SMB1.
        let d = smb_details(
            &[acc(0x0210), None, None, None, None],
            Some(Smb1Question::ClosedWithoutAnswer),
            None,
            None,
        )
        .unwrap();
        assert_eq!(d.smb1, Some(false));
    }
}
