//! How a refused coordination step answers over HTTP (apart from `services.rs`, which is near
//! its size limit; the same policy: one exhaustive `From`).

use super::*;

impl From<crate::services::coordination::CoordinationServiceError> for ApiError {
    fn from(e: crate::services::coordination::CoordinationServiceError) -> Self {
        use crate::services::coordination::CoordinationServiceError as E;
        use oneseal_domain::coordination::CoordinationError as R;
        match e {
            E::Rule(r) => {
                let (code, zh, en) = (r.code(), r.message_zh(), r.to_string());
                match r {
                    R::NotRaised => ApiError::Internal(en),
                    R::UnknownTask => ApiError::NotFound("task"),
                    R::NotLeader | R::NotAssignee => ApiError::Refused {
                        status: StatusCode::FORBIDDEN,
                        code,
                        zh,
                        en,
                        details: None,
                    },
                    R::Closed
                    | R::AlreadyDecided
                    | R::NotDecided
                    | R::TaskAlreadyDone
                    | R::TasksOpen => ApiError::conflict(code, zh, en),
                    R::Empty(_)
                    | R::TooLong(..)
                    | R::BadDays
                    | R::BadMeetingDate
                    | R::PushRequired
                    | R::TooManyDepartments
                    | R::DueInPast => ApiError::bad_request(code, zh, en),
                }
            }
            E::MatterNotFound => ApiError::NotFound("matter"),
            E::TaskNotFound => ApiError::NotFound("task"),
            E::PushNotFound => ApiError::NotFound("push"),
            E::BadKind => ApiError::bad_request(
                "bad_matter_kind",
                "事项类型应为职责争议、监管空白、联合审查受阻、推送逾期未认领或其他",
                "kind is one of competence_dispute, supervision_gap, stuck_joint_review, escalated_push, other",
            ),
            E::BadLeader => ApiError::bad_request(
                "bad_leader",
                "牵头领导应为本辖区在职的局长或审批负责人",
                "The leader must be an active bureau head or approving official of this jurisdiction",
            ),
            E::NoLeader => ApiError::conflict(
                "no_leader",
                "本辖区没有在职的局长，请指定牵头领导",
                "No bureau head here: name the leader",
            ),
            E::UnknownDepartment(_) => ApiError::bad_request(
                "unknown_department",
                "没有该部门",
                "No such department in this jurisdiction",
            ),
            E::UnknownStaff => ApiError::bad_request(
                "unknown_staff",
                "承办人应为本辖区在职工作人员",
                "The task's holder must be an active member of staff of this jurisdiction",
            ),
            E::BadAssignee => ApiError::bad_request(
                "bad_assignee",
                "请指定承办部门或承办人（二选一）",
                "Name either a department or a member of staff",
            ),
            E::BadDate => {
                ApiError::bad_request("bad_date", "日期格式应为YYYY-MM-DD", "Dates are YYYY-MM-DD")
            }
            E::PushNotEscalated => ApiError::conflict(
                "push_not_escalated",
                "该推送尚未升级或已被认领，不能提请领导协调",
                "The push is not escalated, or is already claimed",
            ),
            E::PushAlreadyRaised => ApiError::conflict(
                "push_already_raised",
                "该推送已提请领导协调",
                "A matter already takes up this push",
            ),
            E::Forbidden(d) => ApiError::Forbidden(d),
            E::Calendar(e) => ApiError::conflict(
                "calendar_year_missing",
                "期限所在年度的工作日历尚未导入",
                format!("The deadline's year has no calendar: {e}"),
            ),
            E::Corrupt(why) => ApiError::Internal(why),
            E::Store(e) => e.into(),
        }
    }
}
