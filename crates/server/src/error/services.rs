//! How each service's typed error answers over HTTP: one `From` per error enum, so a handler's
//! `?` maps a refusal to its status, code and messages here and nowhere else. Append a new
//! service's arm at the end.

use super::*;

mod applicant;

impl From<crate::services::ledger::receipts::ReceiptError> for ApiError {
    fn from(e: crate::services::ledger::receipts::ReceiptError) -> Self {
        use crate::services::ledger::receipts::ReceiptError as E;
        match e {
            E::NotCovered(b) => beyond_error(b, ApiError::NotFound("entry")),
            E::Note(why) => ApiError::Internal(why),
            E::Store(e) => e.into(),
        }
    }
}

// ---- rules and ledger ----

impl From<crate::services::rules::RulesError> for ApiError {
    fn from(e: crate::services::rules::RulesError) -> Self {
        use crate::services::commands::MIN_EXPLANATION;
        use crate::services::rules::RulesError;
        use oneseal_domain::rules::ExpressionRefusal;
        match e {
            RulesError::AlertNotFound => ApiError::NotFound("alert"),
            RulesError::AlertClosed => ApiError::conflict(
                "alert_closed",
                "该预警已关闭",
                "The alert is already closed",
            ),
            RulesError::ExplanationRequired => ApiError::bad_request(
                "explanation_required",
                format!("关闭预警须填写说明（至少{MIN_EXPLANATION}个字）"),
                format!("An explanation of at least {MIN_EXPLANATION} characters is required"),
            ),
            RulesError::UnknownRule(_) => {
                ApiError::bad_request("unknown_rule", "没有该监控规则", "No such rule")
            }
            RulesError::BadParams(zh) => {
                ApiError::bad_request("bad_rule_params", zh, "Rule parameters out of range")
            }
            RulesError::Expression(refusal) => {
                let code = match refusal {
                    ExpressionRefusal::Invalid(_) => "bad_expression",
                    ExpressionRefusal::TooCostly(_) => "rule_too_costly",
                };
                ApiError::bad_request(code, refusal.message_zh(), refusal.message_en())
            }
            RulesError::BadReportQuery(what) => ApiError::bad_request(
                "bad_report_query",
                format!("报表参数有误：{what}"),
                format!("Bad report query: {what}"),
            ),
            RulesError::Calendar(e) => ApiError::Internal(format!("calendar: {e}")),
            RulesError::Export(e) => ApiError::Internal(e),
            RulesError::Store(e) => e.into(),
        }
    }
}

// ---- ratings, statistics, dashboard ----

impl From<crate::services::ratings::RatingError> for ApiError {
    fn from(e: crate::services::ratings::RatingError) -> Self {
        use crate::services::ratings::{MAX_COMMENT_CHARS, RatingError as E};
        match e {
            E::CommentTooLong => ApiError::bad_request(
                "comment_too_long",
                format!("评价内容不超过{MAX_COMMENT_CHARS}字"),
                format!("The comment is limited to {MAX_COMMENT_CHARS} characters"),
            ),
            E::LevelRequired => ApiError::bad_request(
                "rating_level_required",
                "请选择评价等级（非常满意、满意、基本满意、不满意、非常不满意）",
                "Choose a rating level",
            ),
            E::CaseNotFound => ApiError::NotFound("case"),
            E::CaseNotClosed => ApiError::conflict(
                "case_not_closed",
                "办件办结后才能评价",
                "A case can be rated once it is closed",
            ),
            E::AlreadyRated => ApiError::conflict(
                "already_rated",
                "该办件已评价，每件只能评价一次",
                "This case has already been rated",
            ),
            E::Calendar(e) => {
                ApiError::conflict("calendar_year_missing", e.to_string(), e.to_string())
            }
            E::RatingNotFound => ApiError::NotFound("rating"),
            E::NoOpenRectification => ApiError::conflict(
                "no_open_rectification",
                "该评价没有待办的整改",
                "No open rectification for this rating",
            ),
            E::Corrupt(why) => ApiError::Internal(why),
            E::Store(e) => e.into(),
        }
    }
}

/// The bureau's keys failing to load is never the caller's fault.
impl From<crate::services::ledger::keys::KeyError> for ApiError {
    fn from(e: crate::services::ledger::keys::KeyError) -> Self {
        ApiError::Internal(e.to_string())
    }
}

impl From<crate::services::statistics::StatisticsError> for ApiError {
    fn from(e: crate::services::statistics::StatisticsError) -> Self {
        use crate::services::statistics::StatisticsError as E;
        match e {
            E::TooManyRequests => ApiError::TooManyRequests,
            E::Store(e) => e.into(),
        }
    }
}

impl From<crate::services::dashboard::DashboardError> for ApiError {
    fn from(e: crate::services::dashboard::DashboardError) -> Self {
        use crate::services::dashboard::DashboardError as E;
        match e {
            E::BadDate => ApiError::bad_request(
                "bad_date",
                "日期格式应为 YYYY-MM-DD",
                "Dates are YYYY-MM-DD",
            ),
            E::BadPeriod => ApiError::bad_request(
                "bad_period",
                "统计期间应为一年以内且起始日不晚于结束日",
                "The period must start before it ends and last at most a year",
            ),
            E::BadJurisdiction(e) => ApiError::bad_request(
                "bad_jurisdiction",
                format!("辖区代码无效：{e}"),
                e.to_string(),
            ),
            E::Forbidden(d) => ApiError::Forbidden(d),
            E::Store(e) => e.into(),
        }
    }
}

// ---- linkage ----

impl From<crate::services::consultations::ConsultationServiceError> for ApiError {
    fn from(e: crate::services::consultations::ConsultationServiceError) -> Self {
        use crate::services::consultations::ConsultationServiceError as E;
        use oneseal_domain::consultation::ConsultationError as Rule;
        match e {
            E::Rule(Rule::WrongDepartment) | E::Denied(Denied::Department) => {
                ApiError::Forbidden(Denied::Department)
            }
            E::Rule(r @ (Rule::NotUnderReview(_) | Rule::AlreadyAnswered | Rule::NotAsked)) => {
                ApiError::conflict(r.code(), r.message_zh(), r.to_string())
            }
            E::Rule(r) => ApiError::bad_request(r.code(), r.message_zh(), r.to_string()),
            E::Denied(d) => ApiError::Forbidden(d),
            E::NotFound(what) => ApiError::NotFound(what),
            E::UnknownDepartment(d) => ApiError::bad_request(
                "unknown_department",
                format!("本辖区没有部门{d}"),
                format!("No department {d} in this jurisdiction"),
            ),
            E::UnknownAttachment(_) => ApiError::bad_request(
                "unknown_attachment",
                "附件须为该办件材料库中的文件（SHA-256）",
                "An attachment must be a file of the case's materials (its SHA-256)",
            ),
            E::Calendar(e) => ApiError::conflict(
                "calendar_year_missing",
                format!("工作日历不完整，无法计算答复期限：{e}"),
                e.to_string(),
            ),
            E::Case(e) => e.into(),
            E::Linkage(e) => e.into(),
            E::Store(e) => e.into(),
            E::Internal(why) => ApiError::Internal(why),
        }
    }
}

impl From<crate::services::linkage::LinkageError> for ApiError {
    fn from(e: crate::services::linkage::LinkageError) -> Self {
        use crate::services::linkage::LinkageError as L;
        use oneseal_domain::linkage::LinkageError as Rule;
        match e {
            L::Rule(Rule::WrongDepartment) => ApiError::Forbidden(Denied::Department),
            L::Rule(r @ (Rule::Empty(_) | Rule::BadSettings)) => {
                ApiError::bad_request(r.code(), r.message_zh(), r.to_string())
            }
            L::Rule(r) => ApiError::conflict(r.code(), r.message_zh(), r.to_string()),
            L::Licence(e) => super::licences::licence_refusal(&e),
            L::Calendar(e) => ApiError::conflict(
                "calendar_year_missing",
                format!("工作日历不完整，无法计算认领期限：{e}"),
                e.to_string(),
            ),
            L::CalendarOnAssign(e) => {
                ApiError::conflict("calendar_year_missing", e.to_string(), e.to_string())
            }
            L::Denied(d) => ApiError::Forbidden(d),
            L::NotFound(what) => ApiError::NotFound(what),
            L::UnknownLicence => ApiError::bad_request(
                "unknown_licence",
                "未找到该许可证件",
                "No such licence in this jurisdiction",
            ),
            L::UnknownDepartment => ApiError::bad_request(
                "unknown_department",
                "本辖区没有该部门",
                "No such department in this jurisdiction",
            ),
            L::UnknownStaff => ApiError::bad_request(
                "unknown_staff",
                "责任人不是该部门的在岗人员",
                "The responsible user is not active staff of that department",
            ),
            L::BadExternalRef => ApiError::bad_request(
                "missing_field",
                "external_ref（部门业务编号）不能为空且不超过100字符",
                "external_ref must be 1 to 100 characters",
            ),
            L::ExternalRefConflict => ApiError::conflict(
                "external_ref_conflict",
                "该部门业务编号已用于内容不同的反馈",
                "This external_ref was already used for different feedback",
            ),
            L::ReviewNotOpen => ApiError::conflict(
                "review_not_open",
                "该反馈没有待办复核",
                "No open review for this feedback",
            ),
            L::BadIdempotencyKey => ApiError::bad_request(
                "invalid_idempotency_key",
                "Idempotency-Key 应为1至200个字符",
                "Idempotency-Key must be 1 to 200 characters",
            ),
            L::IdempotencyKeyReused => ApiError::conflict(
                "idempotency_key_reused",
                "该 Idempotency-Key 已用于另一请求",
                "This Idempotency-Key was used for a different request",
            ),
            L::TooManyRefusals => ApiError::TooManyRequests,
            L::Store(e) => e.into(),
            L::Internal(cause) => ApiError::Internal(cause),
        }
    }
}

impl From<crate::services::linkage::webhooks::WebhookError> for ApiError {
    fn from(e: crate::services::linkage::webhooks::WebhookError) -> Self {
        use crate::services::linkage::webhooks::WebhookError as W;
        match e {
            W::InvalidUrl => ApiError::bad_request(
                "invalid_webhook_url",
                "回调地址应为 http:// 或 https:// 开头的完整网址",
                "The webhook URL must be an absolute http(s) URL without credentials",
            ),
            W::TargetNotAllowed => ApiError::bad_request(
                "webhook_target_not_allowed",
                "回调地址不能指向本机、内网、链路本地或保留地址，请使用可从互联网访问的地址",
                "The webhook URL may not point at loopback, private, link-local or reserved addresses",
            ),
            W::NotRegistered => ApiError::NotFound("webhook"),
            W::Store(e) => e.into(),
            e @ (W::NoMasterKey | W::Secret(_) | W::Client(_) | W::Randomness(_)) => {
                ApiError::Internal(e.to_string())
            }
        }
    }
}

// ---- cases ----

/// A case command the workflow refuses is the user's fault: a typed 4xx with the domain's code
/// and Chinese message; a conflict when the case has moved past the step.
fn case_refusal(e: &oneseal_domain::case::CaseError) -> ApiError {
    use oneseal_domain::case::CaseError;
    let (code, zh, en) = (e.code(), e.message_zh(), e.to_string());
    match e {
        CaseError::MissingRole(_) => ApiError::bad_request("forbidden_role", zh, en),
        CaseError::Closed(_)
        | CaseError::AlreadyAccepted { .. }
        | CaseError::AlreadyDecided { .. }
        | CaseError::NoticeAlreadyIssued(_)
        | CaseError::AlreadyReceived => ApiError::conflict(code, zh, en),
        _ => ApiError::bad_request(code, zh, en),
    }
}

impl From<crate::services::cases::CaseServiceError> for ApiError {
    fn from(e: crate::services::cases::CaseServiceError) -> Self {
        use crate::services::cases::CaseServiceError as E;
        match e {
            E::Refused(e) => case_refusal(&e),
            E::NotFound => ApiError::NotFound("case"),
            E::Denied(d) => ApiError::Forbidden(d),
            E::NotStaff => ApiError::Unauthenticated,
            E::Invalid(errors) => ApiError::Fields(errors),
            E::Idempotency(e) => e.into(),
            E::Sealing(e) => e.into(),
            E::Corrupt(why) => ApiError::Internal(why),
            E::Commitment(r) => ApiError::conflict(r.code(), r.message_zh(), r.to_string()),
            E::Store(e) => e.into(),
            E::Linkage(e) => (*e).into(),
            E::Banned(b) => ApiError::conflict(
                "applicant_banned",
                b.message_zh(),
                format!(
                    "The applicant may not apply for this item before {} (Licensing Law {})",
                    b.until,
                    b.article.code()
                ),
            ),
            E::Licence(e) => (*e).into(),
            E::Moved => ApiError::conflict(
                "case_moved",
                "办件在您操作期间已有新的环节，请刷新后重试",
                "The case took another step while this one was prepared; reload it and try again",
            ),
            E::BundleBlocked(b) => ApiError::conflict(
                "bundle_blocked",
                b.message_zh(),
                format!(
                    "Case(s) {} of the same \"one thing\" application were refused, and this bundle allows no grant then",
                    b.refused.join(", ")
                ),
            ),
        }
    }
}

impl From<crate::services::cases::ProgressError> for ApiError {
    fn from(e: crate::services::cases::ProgressError) -> Self {
        use crate::services::cases::ProgressError as E;
        match e {
            E::NotFound => ApiError::NotFound("case"),
            E::TooManyGuesses => ApiError::TooManyRequests,
            E::Case(e) => e.into(),
        }
    }
}

// ---- sealing ----

impl From<crate::services::sealing::SealingError> for ApiError {
    fn from(e: crate::services::sealing::SealingError) -> Self {
        use crate::services::sealing::SealingError as E;
        match e {
            E::NoSeal => ApiError::conflict(
                "no_seal",
                "本辖区没有登记行政审批专用章",
                "No approval seal is registered",
            ),
            E::NoActiveSeal => ApiError::conflict(
                "no_seal",
                "没有在用的审批专用章",
                "No active approval seal to rotate",
            ),
            E::Refused(e) => ApiError::conflict(e.code(), e.message_zh(), e.to_string()),
            E::UnknownJurisdiction => ApiError::NotFound("jurisdiction"),
            e @ (E::KeyNotLoaded | E::Crypto(_)) => ApiError::Internal(e.to_string()),
            E::Store(e) => e.into(),
        }
    }
}

// ---- verification ----

impl From<crate::services::verification::VerificationError> for ApiError {
    fn from(e: crate::services::verification::VerificationError) -> Self {
        use crate::services::verification::VerificationError as E;
        match e {
            E::NotFound(what) => ApiError::NotFound(what),
            E::Unpublished(b) => beyond_error(b, ApiError::NotFound("entry")),
            E::Receipt(e) => e.into(),
            E::Corrupt(why) => ApiError::Internal(why),
            E::Sealing(e) => e.into(),
            E::Store(e) => e.into(),
        }
    }
}

// ---- licences: `error/licences.rs` ----

// ---- commands ----

impl From<crate::services::commands::PublishError> for ApiError {
    fn from(e: crate::services::commands::PublishError) -> Self {
        use crate::services::commands::PublishError as E;
        match e {
            E::InvalidItem(why) => ApiError::bad_request("invalid_item", why.clone(), why),
            E::Corrupt(why) => ApiError::Internal(format!("stored item: {why}")),
            E::Store(e) => e.into(),
        }
    }
}

// ---- org, catalog, calendar ----

impl From<crate::services::sessions::SessionError> for ApiError {
    fn from(e: crate::services::sessions::SessionError) -> Self {
        use crate::services::sessions::SessionError;
        match e {
            SessionError::Store(e) => e.into(),
            e @ (SessionError::Hashing(_)
            | SessionError::Randomness(_)
            | SessionError::StoredIdentity(_)) => ApiError::Internal(e.to_string()),
        }
    }
}

impl From<crate::services::org::OrgError> for ApiError {
    fn from(e: crate::services::org::OrgError) -> Self {
        use crate::services::org::{MAX_TOKEN_DAYS, OrgError};
        match e {
            OrgError::BadJurisdiction(e) => {
                ApiError::bad_request("bad_jurisdiction", format!("辖区代码无效：{e}"), e)
            }
            OrgError::StaffNotFound => ApiError::NotFound("staff"),
            OrgError::UnknownDepartment => ApiError::bad_request(
                "unknown_department",
                "该辖区没有此部门",
                "No such department in that jurisdiction",
            ),
            OrgError::SameDepartment => ApiError::conflict(
                "same_department",
                "已在该部门",
                "Already in that department",
            ),
            OrgError::BadScopes => ApiError::bad_request(
                "bad_scopes",
                "令牌范围只能是 claim_push、submit_feedback、view_pushes、answer_consultation",
                "Token scopes must be among claim_push, submit_feedback, view_pushes, answer_consultation",
            ),
            OrgError::BadExpiry => ApiError::bad_request(
                "bad_expiry",
                format!("令牌有效期应为1至{MAX_TOKEN_DAYS}天"),
                format!("A token's lifetime must be 1 to {MAX_TOKEN_DAYS} days"),
            ),
            OrgError::TokenNotFound => ApiError::NotFound("token"),
            OrgError::TokenRevoked => ApiError::conflict(
                "token_revoked",
                "该令牌已撤销",
                "The token is already revoked",
            ),
            OrgError::Forbidden(d) => ApiError::Forbidden(d),
            OrgError::Stored(e) => ApiError::Internal(e),
            OrgError::Session(e) => e.into(),
            OrgError::Store(e) => e.into(),
        }
    }
}

impl From<crate::services::catalog::CatalogError> for ApiError {
    /// A refused import is a typed 400. The domain keeps only the first
    /// `interchange::limits::MAX_ERRORS` row errors, so the answer stays small however many
    /// rows are wrong; `total` says how many there were.
    fn from(e: crate::services::catalog::CatalogError) -> Self {
        use crate::services::catalog::CatalogError;
        match e {
            CatalogError::Unreadable { format, reason } => ApiError::bad_request(
                "unreadable_file",
                format!("无法按 {format} 格式读取文件：{reason}"),
                format!("The file could not be read as {format}: {reason}"),
            ),
            CatalogError::Rejected { errors, total } => {
                let shown = errors.len();
                let (zh_more, en_more) = if shown < total {
                    (
                        format!("（仅列出前 {shown} 处）"),
                        format!(" (the first {shown} are listed)"),
                    )
                } else {
                    (String::new(), String::new())
                };
                ApiError::BadRequest {
                    code: "import_rejected",
                    zh: format!("导入被拒绝：{total} 处错误，未写入任何数据{zh_more}"),
                    en: format!("Import rejected: {total} error(s); nothing was written{en_more}"),
                    details: Some(json!({ "errors": errors, "total": total })),
                }
            }
            CatalogError::ItemNotFound => ApiError::NotFound("item"),
            CatalogError::Internal(e) => ApiError::Internal(e),
            CatalogError::Store(e) => e.into(),
        }
    }
}

impl From<crate::services::calendar::CalendarError> for ApiError {
    fn from(e: crate::services::calendar::CalendarError) -> Self {
        use crate::services::calendar::CalendarError;
        use oneseal_domain::calendar::CorrectionError;
        match e {
            CalendarError::NotUtf8 => ApiError::bad_request(
                "bad_calendar",
                "日历文件不是 UTF-8 文本",
                "The calendar file is not UTF-8",
            ),
            CalendarError::BadYear(e) => {
                ApiError::bad_request("bad_calendar", format!("日历文件无效：{e}"), e)
            }
            CalendarError::Correction(CorrectionError::HistoryImmutable { first, today }) => {
                ApiError::conflict(
                    "calendar_history_immutable",
                    format!(
                        "{today}及以前的工作日历已经生效，不能更改（{first}有变动）；只能更正今后的日期"
                    ),
                    format!(
                        "The working-day calendar up to {today} is history and cannot change ({first} differs); only later days can be corrected"
                    ),
                )
            }
            CalendarError::Correction(e @ CorrectionError::YearMismatch { .. }) => {
                ApiError::bad_request("bad_calendar", format!("日历年份不符：{e}"), e.to_string())
            }
            CalendarError::CorrectionRequired { year, first } => ApiError::conflict(
                "calendar_correction_required",
                format!(
                    "{year}年工作日历已经生效；更改今后的日期（{first}起）须提出更正并经局长批准"
                ),
                format!(
                    "The {year} calendar is in force; changing later days (from {first}) needs a correction approved by the bureau head"
                ),
            ),
            CalendarError::NotInForce { year } => ApiError::conflict(
                "calendar_year_not_in_force",
                format!("{year}年工作日历尚未生效，请直接导入"),
                format!("The {year} calendar is not in force yet: import it instead"),
            ),
            CalendarError::Unchanged { year } => ApiError::conflict(
                "calendar_unchanged",
                format!("{year}年工作日历没有变化"),
                format!("The {year} calendar would not change"),
            ),
            CalendarError::BadText { name, max } => ApiError::bad_request(
                "bad_calendar_correction",
                format!("{name} 须为 1–{max} 个字符的文字"),
                format!("{name} must be 1–{max} characters of text"),
            ),
            CalendarError::CorrectionNotFound => ApiError::NotFound("calendar correction"),
            CalendarError::NotPending => ApiError::conflict(
                "calendar_correction_not_pending",
                "该更正已处理，不能再次批准",
                "This correction is no longer pending",
            ),
            CalendarError::OwnProposal => ApiError::conflict(
                "calendar_correction_own_proposal",
                "提出更正的人不能批准自己的更正",
                "The proposer of a correction may not approve it",
            ),
            CalendarError::Stale => ApiError::conflict(
                "calendar_correction_stale",
                "提出更正后该年度日历已有变化，请重新提出",
                "The year changed since the correction was proposed; propose it again",
            ),
            CalendarError::Internal(e) => ApiError::Internal(e),
            CalendarError::Store(e) => e.into(),
        }
    }
}

// ---- commands ----

impl From<crate::services::commands::ExplanationRequired> for ApiError {
    fn from(e: crate::services::commands::ExplanationRequired) -> Self {
        use crate::services::commands::MIN_EXPLANATION;
        ApiError::bad_request(
            "explanation_required",
            format!("{}须填写说明（至少{MIN_EXPLANATION}个字）", e.what_zh),
            format!("An explanation of at least {MIN_EXPLANATION} characters is required"),
        )
    }
}

// ---- idempotency keys ----

impl From<crate::services::idempotency::IdempotencyError> for ApiError {
    fn from(e: crate::services::idempotency::IdempotencyError) -> Self {
        use crate::services::idempotency::{IdempotencyError as E, MAX_KEY_CHARS};
        match e {
            E::BadKey => ApiError::BadRequest {
                code: "invalid_idempotency_key",
                zh: format!("Idempotency-Key 应为1至{MAX_KEY_CHARS}个可见ASCII字符"),
                en: format!(
                    "Idempotency-Key must be 1 to {MAX_KEY_CHARS} printable ASCII characters"
                ),
                details: Some(json!({ "field": "Idempotency-Key" })),
            },
            E::Reused => ApiError::conflict(
                "idempotency_key_reused",
                "该幂等键已用于另一份不同的申请，未重复登记；新的申请请使用新的键",
                "This Idempotency-Key was already used for a different request; nothing was created. Use a new key for a new request",
            ),
            E::Corrupt(why) => ApiError::Internal(why),
            E::Store(e) => e.into(),
        }
    }
}

// ---- paging ----

impl From<crate::services::paging::PagingError> for ApiError {
    fn from(e: crate::services::paging::PagingError) -> Self {
        use crate::services::paging::{MAX_LIMIT, PagingError as E};
        match e {
            E::BadCursor => ApiError::BadRequest {
                code: "bad_cursor",
                zh: "翻页游标无效，请从第一页重新开始".into(),
                en: "The cursor is not valid; start again from the first page".into(),
                details: Some(json!({ "parameter": "cursor" })),
            },
            E::BadLimit => ApiError::BadRequest {
                code: "bad_limit",
                zh: format!("每页条数须为 1–{MAX_LIMIT} 的整数"),
                en: format!("limit must be a whole number from 1 to {MAX_LIMIT}"),
                details: Some(json!({ "parameter": "limit", "max": MAX_LIMIT })),
            },
        }
    }
}

impl From<crate::services::paging::ListQueryError> for ApiError {
    fn from(e: crate::services::paging::ListQueryError) -> Self {
        use crate::services::paging::ListQueryError as E;
        match e {
            E::Paging(e) => e.into(),
            E::BadFilter(parameter) => ApiError::BadRequest {
                code: "bad_filter",
                zh: format!("筛选条件 {parameter} 的值无效"),
                en: format!("The value of the filter {parameter} is not valid"),
                details: Some(json!({ "parameter": parameter })),
            },
            E::SearchTooShort => ApiError::BadRequest {
                code: "search_too_short",
                zh: "搜索姓名或名称至少需要两个字".into(),
                en: "A name search needs at least two characters".into(),
                details: Some(json!({ "parameter": "q" })),
            },
        }
    }
}

// ---- materials ----

impl From<crate::services::materials::MaterialError> for ApiError {
    fn from(e: crate::services::materials::MaterialError) -> Self {
        use crate::services::materials::MaterialError as E;
        use oneseal_domain::material::{MATERIAL_NAME_MAX, UnsupportedMaterial};
        let mib = |b: u64| b.div_ceil(1 << 20);
        match e {
            E::BadName => ApiError::BadRequest {
                code: "bad_material_name",
                zh: format!("请填写材料名称（最多{MATERIAL_NAME_MAX}字）"),
                en: format!("Give the material's name (at most {MATERIAL_NAME_MAX} characters)"),
                details: Some(json!({ "field": "name" })),
            },
            E::MissingFile => ApiError::BadRequest {
                code: "material_missing",
                zh: "请选择要上传的材料文件".into(),
                en: "Choose the file to upload".into(),
                details: Some(json!({ "field": "file" })),
            },
            E::BadUpload(why) => ApiError::BadRequest {
                code: "bad_upload",
                zh: "上传内容无效：应为 multipart/form-data，字段为 file 和 name".into(),
                en: format!("Bad upload (multipart/form-data with fields file and name): {why}"),
                details: None,
            },
            E::Unsupported(_) => ApiError::Refused {
                status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
                code: "unsupported_material_type",
                zh: UnsupportedMaterial::message_zh().into(),
                en: "Only PDF, OFD, JPEG and PNG files are accepted (told from the file's content)"
                    .into(),
                details: Some(json!({ "accepted": ["pdf", "ofd", "jpeg", "png"] })),
            },
            E::FileTooLarge { max } => ApiError::Refused {
                status: StatusCode::PAYLOAD_TOO_LARGE,
                code: "material_too_large",
                zh: format!("材料文件过大：每个文件不超过 {} MiB", mib(max)),
                en: format!("The file is too large: at most {} MiB a file", mib(max)),
                details: Some(json!({ "max_bytes": max })),
            },
            E::CaseFull { max, used } => ApiError::BadRequest {
                code: "case_materials_full",
                zh: format!(
                    "本件材料总量将超过 {} MiB（已存 {} MiB），请合并或压缩后再上传",
                    mib(max),
                    mib(used)
                ),
                en: format!(
                    "The case's materials would exceed {} MiB ({} MiB stored)",
                    mib(max),
                    mib(used)
                ),
                details: Some(json!({ "max_bytes": max, "used_bytes": used })),
            },
            E::CaseClosed => ApiError::conflict(
                "case_closed",
                "本件已办结（撤回、不予受理或已送达），不再接收材料",
                "The case is closed and takes no more materials",
            ),
            E::NotFound => ApiError::NotFound("material"),
            E::BadDigest => ApiError::BadRequest {
                code: "bad_sha256",
                zh: "材料摘要应为64位十六进制SHA-256".into(),
                en: "The digest must be 64 hex digits (SHA-256)".into(),
                details: Some(json!({ "parameter": "sha256" })),
            },
            E::NotConfigured => ApiError::Internal("no material store configured".into()),
            E::Storage(e) => ApiError::Internal(e.to_string()),
            E::Case(e) => e.into(),
            E::Store(e) => e.into(),
        }
    }
}

// ---- printing (documents as PDF) ----

impl From<crate::services::printing::PrintingError> for ApiError {
    fn from(e: crate::services::printing::PrintingError) -> Self {
        use crate::services::printing::PrintingError as E;
        match e {
            E::NoSuchDocument => ApiError::NotFound("document"),
            E::Corrupt(why) => ApiError::Internal(why),
            E::Pdf(e) => ApiError::Internal(e.to_string()),
            E::Case(e) => e.into(),
            E::Store(e) => e.into(),
        }
    }
}

impl From<crate::services::licences::register::RegisterError> for ApiError {
    fn from(e: crate::services::licences::register::RegisterError) -> Self {
        use crate::services::licences::register::RegisterError as E;
        match e {
            E::Query(e) => e.into(),
            E::Store(e) => e.into(),
        }
    }
}

impl From<crate::services::guide::GuideError> for ApiError {
    fn from(e: crate::services::guide::GuideError) -> Self {
        use crate::services::guide::GuideError as E;
        match e {
            E::Query(e) => e.into(),
            E::ItemNotFound => ApiError::NotFound("item"),
            E::JurisdictionNotFound => ApiError::NotFound("jurisdiction"),
            E::TooManyRequests => ApiError::TooManyRequests,
            E::Store(e) => e.into(),
        }
    }
}
