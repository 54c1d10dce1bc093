//! Who may do what, where: role × jurisdiction × department, decided in this one place.
//!
//! The HTTP layer builds a `Principal` from a session or an API token and asks `authorize` before
//! any handler runs; nothing else grants access. Tests enumerate the whole matrix.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::org::{DepartmentCode, DivisionCode, Role, StaffId};

/// Every guarded action of the system.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    ViewCatalog,
    EditCatalog,
    ViewOrganisation,
    ManageOrganisation,
    ManageStaff,
    IssueApiToken,
    ManageCalendar,
    /// Put a proposed correction of the working-day calendar in force (the bureau head).
    ApproveCalendarCorrection,
    IntakeCase,
    AcceptCase,
    ReviewCase,
    DecideCase,
    ApproveExtension,
    ViewCases,
    ManageSeals,
    ClaimPush,
    SubmitFeedback,
    ViewPushes,
    ViewAlerts,
    HandleAlert,
    ManageRules,
    ViewDashboard,
    ReviewPolicyChange,
    RectifyRating,
    /// A provincial platform forwards an online application (`POST /api/v1/intake`); the
    /// token scope is named `intake`.
    #[serde(rename = "intake")]
    PlatformIntake,
    /// See and answer the joint-review requests to one's own department (会签 / 联合审查).
    AnswerConsultation,
    /// See coordination matters (领导协调): the bureau all of its jurisdiction's, a department
    /// those touching it.
    ViewCoordination,
    /// Raise a coordination matter.
    RaiseCoordination,
    /// Lead a matter: record the meeting's decision, assign tasks, close it.
    LeadCoordination,
    /// Report a coordination task done (its holder).
    CompleteCoordinationTask,
}

impl Action {
    pub const ALL: &'static [Action] = &[
        Action::ViewCatalog,
        Action::EditCatalog,
        Action::ViewOrganisation,
        Action::ManageOrganisation,
        Action::ManageStaff,
        Action::IssueApiToken,
        Action::ManageCalendar,
        Action::ApproveCalendarCorrection,
        Action::IntakeCase,
        Action::AcceptCase,
        Action::ReviewCase,
        Action::DecideCase,
        Action::ApproveExtension,
        Action::ViewCases,
        Action::ManageSeals,
        Action::ClaimPush,
        Action::SubmitFeedback,
        Action::ViewPushes,
        Action::ViewAlerts,
        Action::HandleAlert,
        Action::ManageRules,
        Action::ViewDashboard,
        Action::ReviewPolicyChange,
        Action::RectifyRating,
        Action::PlatformIntake,
        Action::AnswerConsultation,
        Action::ViewCoordination,
        Action::RaiseCoordination,
        Action::LeadCoordination,
        Action::CompleteCoordinationTask,
    ];

    /// The roles that may take this action at all.
    pub fn roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Action::ViewCatalog => &[
                Clerk,
                Reviewer,
                Approver,
                BureauHead,
                DepartmentSupervisor,
                Inspector,
                Administrator,
            ],
            Action::EditCatalog | Action::ManageOrganisation | Action::ManageStaff => {
                &[Administrator]
            }
            Action::IssueApiToken | Action::ManageCalendar => &[Administrator],
            Action::ViewOrganisation => &[Administrator, BureauHead, Inspector],
            Action::IntakeCase | Action::AcceptCase => &[Clerk],
            Action::ReviewCase => &[Reviewer],
            Action::DecideCase => &[Approver],
            Action::ApproveExtension | Action::ManageSeals | Action::ApproveCalendarCorrection => {
                &[BureauHead]
            }
            Action::ViewCases => &[Clerk, Reviewer, Approver, BureauHead, Inspector],
            Action::ClaimPush | Action::SubmitFeedback | Action::AnswerConsultation => {
                &[DepartmentSupervisor]
            }
            Action::ViewPushes => &[DepartmentSupervisor, BureauHead, Inspector],
            Action::ViewAlerts => &[Inspector, BureauHead],
            Action::HandleAlert | Action::ManageRules => &[Inspector],
            Action::ViewDashboard => &[BureauHead, Inspector, Administrator],
            Action::ReviewPolicyChange => &[BureauHead, Approver],
            Action::RectifyRating => &[BureauHead],
            Action::PlatformIntake => &[Platform],
            Action::ViewCoordination
            | Action::RaiseCoordination
            | Action::CompleteCoordinationTask => &[
                Clerk,
                Reviewer,
                Approver,
                BureauHead,
                Inspector,
                DepartmentSupervisor,
            ],
            Action::LeadCoordination => &[BureauHead, Approver],
        }
    }

    /// Actions a city-level official may take for a county of the city (oversight and
    /// administration); case work stays with each bureau's own staff, so reading a county's
    /// cases (applicants' names and contact numbers) is for the city's oversight roles only.
    /// A department acts for itself in its own jurisdiction: the city's market regulator is not
    /// the county's, so a county's pushes reach only the city's oversight roles too.
    fn reaches_counties(self, roles: &[Role]) -> bool {
        if self == Action::ViewCases || self.department_bound() {
            return roles
                .iter()
                .any(|r| matches!(r, Role::BureauHead | Role::Inspector));
        }
        matches!(
            self,
            Action::ViewCatalog
                | Action::EditCatalog
                | Action::ViewOrganisation
                | Action::ManageOrganisation
                | Action::ManageStaff
                | Action::IssueApiToken
                | Action::ManageCalendar
                | Action::ViewAlerts
                | Action::HandleAlert
                | Action::ManageRules
                | Action::ViewDashboard
        )
    }

    /// Actions bound to the principal's own department (a department acts only for itself).
    fn department_bound(self) -> bool {
        matches!(
            self,
            Action::ClaimPush
                | Action::SubmitFeedback
                | Action::ViewPushes
                | Action::AnswerConsultation
                | Action::ViewCoordination
                | Action::RaiseCoordination
                | Action::CompleteCoordinationTask
        )
    }
}

/// Who is asking: a signed-in member of staff, a department's API token, or a provincial
/// platform's API token (role `Platform`, which no other action admits).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    pub staff: Option<StaffId>,
    pub token: Option<String>,
    pub jurisdiction: DivisionCode,
    pub department: DepartmentCode,
    pub roles: Vec<Role>,
    /// An API token may be narrowed to some actions; `None` = whatever the roles allow.
    pub scopes: Option<Vec<Action>>,
}

/// Where the action lands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub jurisdiction: DivisionCode,
    pub department: Option<DepartmentCode>,
}

impl Target {
    pub fn jurisdiction(j: &DivisionCode) -> Self {
        Self {
            jurisdiction: j.clone(),
            department: None,
        }
    }
    pub fn department(j: &DivisionCode, d: &DepartmentCode) -> Self {
        Self {
            jurisdiction: j.clone(),
            department: Some(d.clone()),
        }
    }
}

#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum Denied {
    #[error("no role that may {0:?}")]
    Role(Action),
    #[error("the token's scope does not include {0:?}")]
    Scope(Action),
    #[error("outside the principal's jurisdiction")]
    Jurisdiction,
    #[error("another department's business")]
    Department,
}

impl Denied {
    pub fn code(&self) -> &'static str {
        match self {
            Denied::Role(_) => "forbidden_role",
            Denied::Scope(_) => "forbidden_scope",
            Denied::Jurisdiction => "forbidden_jurisdiction",
            Denied::Department => "forbidden_department",
        }
    }
}

/// The single authorization decision of the system.
pub fn authorize(p: &Principal, action: Action, target: &Target) -> Result<(), Denied> {
    if !p.roles.iter().any(|r| action.roles().contains(r)) {
        return Err(Denied::Role(action));
    }
    if let Some(scopes) = &p.scopes
        && !scopes.contains(&action)
    {
        return Err(Denied::Scope(action));
    }
    let in_reach = p.jurisdiction == target.jurisdiction
        || (action.reaches_counties(&p.roles) && p.jurisdiction.governs(&target.jurisdiction));
    if !in_reach {
        return Err(Denied::Jurisdiction);
    }
    if action.department_bound() && p.roles.iter().all(|r| *r == Role::DepartmentSupervisor) {
        match &target.department {
            Some(d) if *d == p.department => {}
            _ => return Err(Denied::Department),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(role: Role, j: &str, d: &str) -> Principal {
        Principal {
            staff: Some(StaffId::parse("S-1").unwrap()),
            token: None,
            jurisdiction: DivisionCode::parse(j).unwrap(),
            department: DepartmentCode::parse(d).unwrap(),
            roles: vec![role],
            scopes: None,
        }
    }

    fn city() -> DivisionCode {
        DivisionCode::parse("370100").unwrap()
    }
    fn county() -> DivisionCode {
        DivisionCode::parse("370124").unwrap()
    }

    #[test]
    fn every_action_has_at_least_one_role() {
        for a in Action::ALL {
            assert!(!a.roles().is_empty(), "{a:?}");
        }
    }

    #[test]
    fn clerk_accepts_cases_but_cannot_decide() {
        let p = principal(Role::Clerk, "370100", "SPJ");
        assert!(authorize(&p, Action::AcceptCase, &Target::jurisdiction(&city())).is_ok());
        assert_eq!(
            authorize(&p, Action::DecideCase, &Target::jurisdiction(&city())),
            Err(Denied::Role(Action::DecideCase))
        );
    }

    #[test]
    fn city_clerk_cannot_handle_county_cases_but_city_inspector_sees_them() {
        let clerk = principal(Role::Clerk, "370100", "SPJ");
        assert_eq!(
            authorize(&clerk, Action::AcceptCase, &Target::jurisdiction(&county())),
            Err(Denied::Jurisdiction)
        );
        let inspector = principal(Role::Inspector, "370100", "JW");
        assert!(
            authorize(
                &inspector,
                Action::ViewCases,
                &Target::jurisdiction(&county())
            )
            .is_ok()
        );
        let county_inspector = principal(Role::Inspector, "370124", "JW");
        assert_eq!(
            authorize(
                &county_inspector,
                Action::ViewCases,
                &Target::jurisdiction(&city())
            ),
            Err(Denied::Jurisdiction)
        );
    }

    #[test]
    fn city_case_workers_do_not_read_county_cases_but_the_city_oversight_does() {
        for role in [Role::Clerk, Role::Reviewer, Role::Approver] {
            let p = principal(role, "370100", "SPJ");
            assert!(authorize(&p, Action::ViewCases, &Target::jurisdiction(&city())).is_ok());
            assert_eq!(
                authorize(&p, Action::ViewCases, &Target::jurisdiction(&county())),
                Err(Denied::Jurisdiction),
                "{role:?}"
            );
        }
        for role in [Role::BureauHead, Role::Inspector] {
            let p = principal(role, "370100", "SPJ");
            assert!(
                authorize(&p, Action::ViewCases, &Target::jurisdiction(&county())).is_ok(),
                "{role:?}"
            );
        }
    }

    #[test]
    fn department_claims_only_its_own_pushes() {
        let p = principal(Role::DepartmentSupervisor, "370100", "SCJG");
        let own = DepartmentCode::parse("SCJG").unwrap();
        let other = DepartmentCode::parse("ZJ").unwrap();
        assert!(authorize(&p, Action::ClaimPush, &Target::department(&city(), &own)).is_ok());
        assert_eq!(
            authorize(&p, Action::ClaimPush, &Target::department(&city(), &other)),
            Err(Denied::Department)
        );
        assert_eq!(
            authorize(&p, Action::ClaimPush, &Target::jurisdiction(&city())),
            Err(Denied::Department)
        );
    }

    #[test]
    fn a_city_department_never_reaches_a_countys_pushes() {
        let county_scjg = Target::department(&county(), &DepartmentCode::parse("SCJG").unwrap());
        for action in [
            Action::ViewPushes,
            Action::ClaimPush,
            Action::SubmitFeedback,
        ] {
            let p = principal(Role::DepartmentSupervisor, "370100", "SCJG");
            assert_eq!(
                authorize(&p, action, &county_scjg),
                Err(Denied::Jurisdiction),
                "{action:?}"
            );
            let mut token = p.clone();
            token.scopes = Some(vec![action]);
            assert_eq!(
                authorize(&token, action, &county_scjg),
                Err(Denied::Jurisdiction)
            );
        }
        for oversight in [Role::BureauHead, Role::Inspector] {
            let p = principal(oversight, "370100", "SPJ");
            assert!(authorize(&p, Action::ViewPushes, &county_scjg).is_ok());
        }
    }

    #[test]
    fn token_scope_narrows_what_roles_allow() {
        let mut p = principal(Role::DepartmentSupervisor, "370100", "SCJG");
        p.scopes = Some(vec![Action::ViewPushes]);
        let own = DepartmentCode::parse("SCJG").unwrap();
        assert_eq!(
            authorize(&p, Action::ClaimPush, &Target::department(&city(), &own)),
            Err(Denied::Scope(Action::ClaimPush))
        );
        assert!(authorize(&p, Action::ViewPushes, &Target::department(&city(), &own)).is_ok());
    }

    #[test]
    fn a_platform_may_only_forward_applications_and_no_one_else_may() {
        let mut p = principal(Role::Platform, "370100", "PLATFORM");
        p.staff = None;
        p.scopes = Some(vec![Action::PlatformIntake]);
        for action in Action::ALL {
            let r = authorize(&p, *action, &Target::jurisdiction(&city()));
            if *action == Action::PlatformIntake {
                assert!(r.is_ok());
            } else {
                assert_eq!(r, Err(Denied::Role(*action)), "{action:?}");
            }
        }
        assert_eq!(
            authorize(&p, Action::PlatformIntake, &Target::jurisdiction(&county())),
            Err(Denied::Jurisdiction)
        );
        for role in Role::ALL.iter().filter(|r| **r != Role::Platform) {
            let staff = principal(*role, "370100", "SPJ");
            assert_eq!(
                authorize(
                    &staff,
                    Action::PlatformIntake,
                    &Target::jurisdiction(&city())
                ),
                Err(Denied::Role(Action::PlatformIntake)),
                "{role:?}"
            );
        }
        assert_eq!(
            serde_json::to_value(Action::PlatformIntake).unwrap(),
            serde_json::json!("intake")
        );
    }

    #[test]
    fn only_administrators_edit_the_catalog() {
        for role in Role::ALL {
            let p = principal(*role, "370100", "SPJ");
            let r = authorize(&p, Action::EditCatalog, &Target::jurisdiction(&city()));
            assert_eq!(r.is_ok(), *role == Role::Administrator, "{role:?}");
        }
    }
}
