//! How 告知承诺制's refusals answer over HTTP (issue #19 item 5): `services::commitments`'s
//! error enum, mapped once.

use oneseal_domain::access::Denied;

use super::ApiError;

impl From<crate::services::commitments::CommitmentServiceError> for ApiError {
    fn from(e: crate::services::commitments::CommitmentServiceError) -> Self {
        use crate::services::commitments::CommitmentServiceError as E;
        use oneseal_domain::commitment::CommitmentError as Rule;
        match e {
            E::Rule(Rule::WrongDepartment) | E::Denied(Denied::Department) => {
                ApiError::Forbidden(Denied::Department)
            }
            E::Rule(
                r @ (Rule::AlreadyAnswered
                | Rule::NotAsked
                | Rule::NotOffered
                | Rule::LicenceAlreadyNamed),
            ) => ApiError::conflict(r.code(), r.message_zh(), r.to_string()),
            E::Rule(r @ (Rule::FindingMissing | Rule::FindingTooLong)) => {
                ApiError::bad_request(r.code(), r.message_zh(), r.to_string())
            }
            E::Denied(d) => ApiError::Forbidden(d),
            E::NotFound => ApiError::NotFound("commitment"),
            E::BadNumber => {
                ApiError::bad_request("bad_case_number", "办件编号无效", "Not a case number")
            }
            E::BadFilter => ApiError::bad_request(
                "bad_filter",
                "status 只能是 awaiting、verified、false 或 all",
                "status must be awaiting, verified, false or all",
            ),
            E::Calendar(e) => ApiError::conflict(
                "calendar_year_missing",
                format!("工作日历不完整，无法计算核查期限：{e}"),
                e.to_string(),
            ),
            E::Linkage(e) => e.into(),
            E::Store(e) => e.into(),
        }
    }
}
