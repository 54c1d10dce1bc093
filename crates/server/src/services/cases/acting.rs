//! Who acts on a case, when, on which calendar: what every step and every sealed document of
//! one command is made with ([`Acting`]), and what a person's request brings before it is
//! authorized ([`Asking`]).

use std::sync::Arc;

use oneseal_domain::access::Principal;
use oneseal_domain::calendar::Calendar;
use oneseal_domain::case::CaseContext;
use oneseal_domain::event::Actor;
use oneseal_domain::org::{DivisionCode, Role, StaffId};
use time::OffsetDateTime;

use crate::services::case_secrets::CaseSecrets;
use crate::services::commands::Meta;

/// A person asking to take a step, as the HTTP edge found them: who (the session's or token's
/// principal), when the request arrived, the calendar as of then, and the case secrets (absent
/// when not loaded). `super::authorize_step` turns it into an [`Acting`], or refuses.
pub struct Asking {
    pub principal: Principal,
    pub now: OffsetDateTime,
    pub calendar: Arc<Calendar>,
    pub secrets: Option<Arc<CaseSecrets>>,
}

/// Who acts, when, on which calendar.
#[derive(Clone)]
pub struct Acting {
    pub staff: StaffId,
    pub roles: Vec<Role>,
    pub now: OffsetDateTime,
    /// The calendar as of this request.
    pub calendar: Arc<Calendar>,
    pub jurisdiction: DivisionCode,
    /// The keys of query-code digests and document salts.
    pub secrets: Arc<CaseSecrets>,
}

impl Acting {
    pub(crate) fn ctx(&self) -> CaseContext<'_> {
        CaseContext {
            actor: self.staff.clone(),
            roles: self.roles.clone(),
            now: self.now,
            calendar: &self.calendar,
        }
    }

    pub(crate) fn meta(&self) -> Meta {
        Meta {
            time: self.now,
            jurisdiction: self.jurisdiction.clone(),
            actor: Actor::Staff(self.staff.clone()),
        }
    }
}
