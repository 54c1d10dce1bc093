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
