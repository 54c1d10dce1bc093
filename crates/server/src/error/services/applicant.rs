//! How the applicant side's errors answer (issue #19 items 3–4): kept beside
//! `error/services.rs`, of which this is a part.

use axum::http::StatusCode;
use serde_json::json;

use crate::error::ApiError;

fn too_many(code: &'static str, zh: &str, en: &str, retry_after: i64) -> ApiError {
    ApiError::Refused {
        status: StatusCode::TOO_MANY_REQUESTS,
        code,
        zh: zh.into(),
        en: en.into(),
        details: Some(json!({ "retry_after_seconds": retry_after })),
    }
}

impl From<crate::services::applicant_identity::IdentityError> for ApiError {
    fn from(e: crate::services::applicant_identity::IdentityError) -> Self {
        use crate::services::applicant_identity::{IdentityError as E, SendError};
        match e {
            E::BadPhone => ApiError::BadRequest {
                code: "bad_phone",
                zh: "请填写正确的11位手机号码".into(),
                en: "Give a mainland mobile number (11 digits)".into(),
                details: Some(json!({ "field": "phone" })),
            },
            E::BadCode => ApiError::BadRequest {
                code: "bad_code",
                zh: "验证码为6位数字".into(),
                en: "The code is six digits".into(),
                details: Some(json!({ "field": "code" })),
            },
            E::WrongCode => ApiError::BadRequest {
                code: "wrong_code",
                zh: "验证码错误或已失效，请重新获取".into(),
                en: "Wrong or expired code; ask for a new one".into(),
                details: Some(json!({ "field": "code" })),
            },
            E::TooManyCodes { retry_after } => too_many(
                "otp_rate_limited",
                &format!("获取验证码过于频繁，请 {retry_after} 秒后再试"),
                &format!("Too many codes asked for; retry in {retry_after} s"),
                retry_after,
            ),
            E::TooManyGuesses => too_many(
                "otp_locked",
                "验证码输错次数过多，请重新获取验证码",
                "Too many wrong codes; ask for a new one",
                crate::services::applicant_identity::RESEND_SECONDS,
            ),
            E::Send(SendError::Unavailable) => ApiError::Refused {
                status: StatusCode::SERVICE_UNAVAILABLE,
                code: "otp_unavailable",
                zh: "短信验证码服务未开通，请使用统一身份认证登录或到窗口办理".into(),
                en: "No code sender is configured on this server".into(),
                details: None,
            },
            E::Send(SendError::Failed(why)) => ApiError::Internal(format!("sending a code: {why}")),
            E::Session(e) => e.into(),
            E::Store(e) => e.into(),
        }
    }
}

impl From<crate::services::online::OnlineError> for ApiError {
    fn from(e: crate::services::online::OnlineError) -> Self {
        use crate::services::online::{MAX_BODY, OnlineError as E};
        match e {
            E::Bundle(e) => e.into(),
            E::NotFound => ApiError::NotFound("online application"),
            E::WrongStatus { status } => ApiError::conflict(
                "wrong_application_status",
                format!("该申请当前状态（{status}）不允许此操作"),
                format!("The application is {status}: not allowed now"),
            ),
            E::NotOnline => ApiError::BadRequest {
                code: "channel_online",
                zh: "网上申请的渠道只能是 online".into(),
                en: "An online application's channel is online".into(),
                details: Some(json!({ "field": "channel" })),
            },
            E::UnknownFile { sha256 } => ApiError::BadRequest {
                code: "unknown_file",
                zh: "材料文件未上传，请先上传文件".into(),
                en: format!("No uploaded file {sha256}: upload it first"),
                details: Some(json!({ "field": "materials" })),
            },
            E::TooLarge => ApiError::BadRequest {
                code: "too_long",
                zh: format!("申请内容过长（上限 {MAX_BODY} 字节）"),
                en: format!("The application is over {MAX_BODY} bytes"),
                details: None,
            },
            E::NoOpenNotice => ApiError::conflict(
                "no_open_notice",
                "该办件当前没有待补正（一次性告知）或待补交（容缺受理）的材料",
                "The case awaits no supplement",
            ),
            E::NothingToReceive => ApiError::conflict(
                "nothing_to_receive",
                "该网上申请没有待接收的内容",
                "Nothing of this application waits to be received",
            ),
            E::Case(e) => e.into(),
            E::Material(e) => e.into(),
            E::Store(e) => e.into(),
        }
    }
}

fn oidc_refused(status: StatusCode, code: &'static str, zh: &str, en: &str) -> ApiError {
    ApiError::Refused {
        status,
        code,
        zh: zh.into(),
        en: en.into(),
        details: None,
    }
}

impl From<crate::services::applicant_identity::oidc::OidcError> for ApiError {
    fn from(e: crate::services::applicant_identity::oidc::OidcError) -> Self {
        use crate::services::applicant_identity::oidc::OidcError as E;
        let bad = StatusCode::BAD_REQUEST;
        match e {
            E::NotConfigured => ApiError::NotFound("OpenID Connect sign-in"),
            E::BadConfig(why) => ApiError::Internal(format!("OpenID Connect setting: {why}")),
            E::FlowMissing => oidc_refused(
                bad,
                "oidc_flow_missing",
                "没有找到登录过程，请回到“我的申请”重新点击统一身份认证登录",
                "No sign-in flow in this browser: start again from /my",
            ),
            E::FlowForged => oidc_refused(
                bad,
                "oidc_flow_invalid",
                "登录过程信息无效，请重新登录",
                "The sign-in flow is not valid: start again",
            ),
            E::FlowExpired => oidc_refused(
                bad,
                "oidc_flow_expired",
                "登录已超时（10分钟），请重新登录",
                "The sign-in took longer than 10 minutes: start again",
            ),
            E::StateMismatch => oidc_refused(
                bad,
                "oidc_state_mismatch",
                "登录回调与本次登录不符，请重新登录",
                "The callback does not belong to this sign-in (state)",
            ),
            E::WrongIssuer => oidc_refused(
                bad,
                "oidc_wrong_issuer",
                "登录回调来自其他身份认证服务，已拒绝",
                "The callback names another identity provider",
            ),
            E::NoCode => oidc_refused(
                bad,
                "oidc_no_code",
                "登录回调缺少授权码，请重新登录",
                "The callback carries no authorization code",
            ),
            E::Denied(provider_error) => ApiError::Refused {
                status: StatusCode::FORBIDDEN,
                code: "oidc_denied",
                zh: "统一身份认证未完成登录（已取消或被拒绝）".into(),
                en: "The identity provider did not sign you in (declined or refused)".into(),
                details: Some(json!({ "provider_error": provider_error })),
            },
            E::CodeRefused => oidc_refused(
                bad,
                "oidc_code_refused",
                "授权码无效或已使用，请重新登录",
                "The identity provider refused the authorization code",
            ),
            E::TokenInvalid(why) => {
                tracing::warn!(%why, "OpenID Connect ID token refused");
                oidc_refused(
                    bad,
                    "oidc_token_invalid",
                    "身份令牌校验未通过，请重新登录",
                    "The ID token failed verification",
                )
            }
            E::Unavailable(why) => {
                tracing::warn!(%why, "OpenID Connect provider unavailable");
                oidc_refused(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "oidc_unavailable",
                    "统一身份认证服务暂时无法访问，请稍后再试或使用短信验证码登录",
                    "The identity provider cannot be reached; try again later",
                )
            }
            E::Session(e) => e.into(),
            E::Store(e) => e.into(),
        }
    }
}
