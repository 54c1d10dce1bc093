//! How a refused licence command answers over HTTP (apart from `services.rs`, which is near its
//! size limit; the same policy). The licence's refusals split in two: the request itself is
//! malformed (400: the client must change the body, whatever the licence's state) or the
//! licence's state refuses it (409: the same body may succeed another time, or never on this
//! licence). The match is exhaustive, so a new refusal has to be placed.

use super::*;
use oneseal_domain::licence::LicenceError;

/// A licence refusal with the domain's code and Chinese message, 400 or 409 as above.
pub(super) fn licence_refusal(e: &LicenceError) -> ApiError {
    use LicenceError as L;
    let (code, zh, en) = (e.code(), e.message_zh(), e.to_string());
    match e {
        // The body: a reason left blank, a revocation ground contradicting its fraud flag, a
        // date outside what the law allows, a decision with both or neither of date and reasons.
        L::NoReason
        | L::GroundMismatch
        | L::StartDate(_)
        | L::StartExtensionDate { .. }
        | L::StartExtensionDecision => ApiError::bad_request(code, zh, en),
        // The licence's state, its holder, its item's law or an open application.
        L::NotValid(_)
        | L::Cancelled
        | L::RenewalTooLate { .. }
        | L::NoRenewalApplied
        | L::CancelReason(_)
        | L::BadHistory
        | L::NotHolder
        | L::PurposeNotAllowed(_)
        | L::ApplicationPending(_)
        | L::Expired(_)
        | L::ThroughCase
        | L::NoStartDeadline
        | L::AlreadyStarted
        | L::StartDeadlinePassed(_)
        | L::StartExtensionPending
        | L::NoStartExtensionPending
        | L::StartExtensionsExhausted
        | L::StartLapsed(_) => ApiError::conflict(code, zh, en),
    }
}

impl From<crate::services::licences::LicenceServiceError> for ApiError {
    fn from(e: crate::services::licences::LicenceServiceError) -> Self {
        use crate::services::licences::LicenceServiceError as E;
        match e {
            E::NotFound => ApiError::NotFound("licence"),
            E::Refused(e) => licence_refusal(&e),
            E::Corrupt(why) => ApiError::Internal(why),
            E::Store(e) => e.into(),
            E::Linkage(e) => (*e).into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn status(e: LicenceError) -> StatusCode {
        licence_refusal(&e).status()
    }

    #[test]
    fn a_malformed_licence_request_is_400_and_a_refusing_state_409() {
        let d = date!(2027 - 02 - 24);
        for bad in [
            LicenceError::NoReason,
            LicenceError::GroundMismatch,
            LicenceError::StartDate(d),
            LicenceError::StartExtensionDate {
                current: d,
                latest: d,
                asked: d,
            },
            LicenceError::StartExtensionDecision,
        ] {
            assert_eq!(status(bad), StatusCode::BAD_REQUEST);
        }
        for state in [
            LicenceError::Cancelled,
            LicenceError::AlreadyStarted,
            LicenceError::StartExtensionsExhausted,
            LicenceError::ApplicationPending("C1".into()),
        ] {
            assert_eq!(status(state), StatusCode::CONFLICT);
        }
    }
}
