//! How a refused construction-project step answers over HTTP (apart from `services.rs`, which is
//! near its size limit; the same policy: one exhaustive `From`).

use super::*;

impl From<crate::services::projects::ProjectServiceError> for ApiError {
    fn from(e: crate::services::projects::ProjectServiceError) -> Self {
        use crate::services::projects::ProjectServiceError as E;
        use oneseal_domain::project::ProjectError as R;
        match e {
            E::Rule(r) => {
                let (code, zh, en) = (r.code(), r.message_zh(), r.to_string());
                match r {
                    R::NotRegistered | R::AlreadyRegistered | R::OutOfOrder(_) => {
                        ApiError::Internal(en)
                    }
                    R::ItemNotInStage(_) => ApiError::Refused {
                        status: StatusCode::UNPROCESSABLE_ENTITY,
                        code,
                        zh,
                        en,
                        details: None,
                    },
                    R::AlreadyLinked
                    | R::PreviousStageOpen(..)
                    | R::StageCompleted(_)
                    | R::StageNotOpened(_)
                    | R::ItemsNotGranted(_)
                    | R::UtilityTooEarly
                    | R::UtilityAlreadyRequested
                    | R::UtilityNotRequested
                    | R::UtilityAlreadyConnected
                    | R::Calendar => ApiError::conflict(code, zh, en),
                    R::Empty(_) | R::TooLong(_) | R::BadIndustry => {
                        ApiError::bad_request(code, zh, en)
                    }
                }
            }
            E::ProjectNotFound => ApiError::NotFound("project"),
            E::CaseNotFound => ApiError::NotFound("case"),
            E::BadStage => ApiError::bad_request(
                "bad_stage",
                "阶段应为land_planning、engineering_permit、construction_permit或completion_acceptance",
                "stage is one of land_planning, engineering_permit, construction_permit, completion_acceptance",
            ),
            E::BadUtility => ApiError::bad_request(
                "bad_utility",
                "市政公用服务应为power、water、gas或heat",
                "utility is one of power, water, gas, heat",
            ),
            E::BadKind => ApiError::bad_request(
                "bad_project_kind",
                "项目类型应为approval（审批）、ratification（核准）或filing（备案）",
                "kind is one of approval, ratification, filing",
            ),
            E::CaseInOtherProject(other) => ApiError::conflict(
                "case_in_other_project",
                format!("该办件已关联到工程建设项目{other}"),
                format!("The case belongs to project {other}"),
            ),
            E::NotStaff => ApiError::Unauthenticated,
            E::Plan(why) | E::Corrupt(why) => ApiError::Internal(why),
            E::Store(e) => e.into(),
        }
    }
}
