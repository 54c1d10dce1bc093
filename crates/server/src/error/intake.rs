//! How refused applications that do not come through the desk's own intake answer over HTTP:
//! the provincial platform's and the "one thing" bundles' (apart from `services.rs`, which is
//! near its size limit; the same policy: one exhaustive `From` per service error).

use super::*;

// ---- the provincial platform's intake ----

impl From<crate::services::platform::PlatformServiceError> for ApiError {
    fn from(e: crate::services::platform::PlatformServiceError) -> Self {
        use crate::services::org::MAX_TOKEN_DAYS;
        use crate::services::platform::PlatformServiceError as P;
        match e {
            P::Name(e) => ApiError::bad_request(e.code(), e.message_zh(), e.to_string()),
            P::BadScopes => ApiError::bad_request(
                "bad_scopes",
                "平台令牌的范围只能是 [\"intake\"]",
                "A platform token's scopes are exactly [\"intake\"]",
            ),
            P::BadExpiry => ApiError::bad_request(
                "bad_expiry",
                format!("令牌有效期应为1至{MAX_TOKEN_DAYS}天"),
                format!("A token's lifetime must be 1 to {MAX_TOKEN_DAYS} days"),
            ),
            P::NotPlatform => ApiError::Forbidden(oneseal_domain::access::Denied::Role(
                oneseal_domain::access::Action::PlatformIntake,
            )),
            P::MissingSubmittedAt => ApiError::bad_request(
                "missing_submitted_at",
                "请提供 submitted_at：申请人在平台提交申请的时间（RFC 3339），即收件时间",
                "submitted_at is required: when the applicant submitted on the platform (RFC 3339)",
            ),
            P::RefReused { case_number } => ApiError::Conflict {
                code: "platform_ref_reused",
                zh: format!(
                    "该平台申报编号已用于另一份不同的申请（办件 {case_number}），未重复登记"
                ),
                en: format!(
                    "This platform_ref was already used for a different application (case {case_number}); nothing was created"
                ),
            },
            P::TokenNotFound => ApiError::NotFound("token"),
            P::NoCallback => ApiError::NotFound("platform callback"),
            P::Forbidden(d) => ApiError::Forbidden(d),
            P::Callback(e) => e.into(),
            P::Case(e) => e.into(),
            P::Session(e) => e.into(),
            P::Store(e) => e.into(),
        }
    }
}

impl From<crate::services::bundles::BundleError> for ApiError {
    fn from(e: crate::services::bundles::BundleError) -> Self {
        use crate::services::bundles::BundleError as E;
        match e {
            E::UnknownBundle => ApiError::NotFound("bundle"),
            E::UnknownApplication => ApiError::NotFound("bundle application"),
            E::Unavailable(item) => ApiError::conflict(
                "bundle_unavailable",
                format!("本辖区事项目录中没有该“一件事”的事项{item}，暂不能受理"),
                format!("Item {item} of the bundle is not in this jurisdiction's catalog"),
            ),
            E::Guide(e) => e.into(),
            E::Case(e) => e.into(),
            E::Store(e) => e.into(),
        }
    }
}
