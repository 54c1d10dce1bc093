//! Domain events and the envelope that puts them on the public ledger.
//!
//! Every state change is an `Event`. The store applies it to the tables and appends its
//! envelope to the Merkle log in the same transaction. The envelope is public, so it carries only
//! non-personal facts; the full event (with names, ID numbers, …) is the private *body*, bound to
//! the envelope by a salted SHA-256 commitment, so it can be disclosed to an auditor and checked
//! without ever being published.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::Date;

mod calendar;
mod sealing;

pub use crate::canonical::{canonical_json, commitment};
use crate::canonical::{write_canonical, write_scalar};

pub use calendar::{CalendarCorrection, CorrectionApproval, DeadlineKind, MovingDeadline};
pub use sealing::{EnvelopeError, Sealed};

use crate::case::{CaseEvent, CaseNumber};
use crate::consultation::ConsultationEvent;
use crate::linkage::{FeedbackBody, Impact, LinkageSettings, PushEvent};
use crate::rules::{Alert, AlertOutcome, ExpressionRule, RuleVersion};
use crate::seal::{Revocation, SealRecord};

use crate::org::{
    Department, DepartmentCode, DivisionCode, HallWindow, Jurisdiction, Role, Staff, StaffId,
};

/// Bumped whenever the envelope's fields change meaning.
///
/// - 1: the first shape.
/// - 2: free text left the public view — a licence event's `what`, `reason` and `decision_ref`,
///   a policy change's `law` and `articles` — and a refused attempt on an id that does not exist
///   names it by length and salted hash. Entries of version 1 stay as written: verification opens
///   the private body against the commitment and never recomputes the public view.
pub const ENVELOPE_VERSION: u16 = 2;

/// Who caused an event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    Staff(StaffId),
    Department(DepartmentCode),
    /// The system itself (seeding, background rules), named by component.
    System(String),
}

impl Actor {
    pub fn label(&self) -> String {
        match self {
            Actor::Staff(s) => format!("staff:{s}"),
            Actor::Department(d) => format!("department:{d}"),
            Actor::System(s) => format!("system:{s}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data")]
pub enum Event {
    #[serde(rename = "org.jurisdiction_registered")]
    JurisdictionRegistered {
        jurisdiction: Jurisdiction,
        parent: Option<DivisionCode>,
    },
    #[serde(rename = "org.department_registered")]
    DepartmentRegistered { department: Department },
    #[serde(rename = "org.hall_window_opened")]
    HallWindowOpened { window: HallWindow },
    #[serde(rename = "org.staff_registered")]
    StaffRegistered { staff: Staff, since: Date },
    #[serde(rename = "org.staff_transferred")]
    StaffTransferred {
        staff: StaffId,
        to: DepartmentCode,
        on: Date,
    },
    #[serde(rename = "org.staff_roles_changed")]
    StaffRolesChanged { staff: StaffId, roles: Vec<Role> },
    #[serde(rename = "access.api_token_issued")]
    ApiTokenIssued {
        id: String,
        department: DepartmentCode,
        scopes: Vec<String>,
    },
    #[serde(rename = "access.api_token_revoked")]
    ApiTokenRevoked { id: String },
    #[serde(rename = "catalog.item_published")]
    ItemPublished { item: Box<crate::catalog::Item> },
    #[serde(rename = "seal.registered")]
    SealRegistered { seal: Box<SealRecord> },
    #[serde(rename = "seal.revoked")]
    SealRevoked {
        es_id: String,
        revocation: Revocation,
    },
    /// An attempt to sign with a seal that may not sign (revoked, expired, not for approvals).
    #[serde(rename = "seal.use_refused")]
    SealUseRefused { es_id: String, reason: String },
    /// An administrator loaded a year of the working-day calendar (an official holiday notice).
    /// `moving` lists the open cases' deadlines it moved (provisional dates replaced by the
    /// notice's): case numbers, so private; the public entry counts them. Absent in imports
    /// recorded before the list existed, and omitted when empty so those entries read the same.
    #[serde(rename = "calendar.year_imported")]
    CalendarYearImported {
        year: i32,
        json: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        moving: Vec<MovingDeadline>,
    },
    /// An administrator proposed correcting days ahead in a year in force; no effect yet.
    #[serde(rename = "calendar.correction_proposed")]
    CalendarCorrectionProposed { correction: Box<CalendarCorrection> },
    /// The bureau head approved a proposed correction: it is in force from now.
    #[serde(rename = "calendar.correction_approved")]
    CalendarCorrectionApproved { approval: Box<CorrectionApproval> },
    /// Something that happened to a licence after approval (变更, 延续, 撤回, 撤销, 吊销, 注销).
    #[serde(rename = "licence.event")]
    Licence {
        licence_id: String,
        event: Box<crate::licence::LicenceEvent>,
    },
    /// One step of a case (办件); the body holds the full event, the public entry a whitelist.
    #[serde(rename = "case.event")]
    Case {
        case_number: CaseNumber,
        event: Box<CaseEvent>,
    },
    /// A document of a case sealed with the bureau's seal (decision, voucher, notice).
    #[serde(rename = "seal.document_sealed")]
    DocumentSealed {
        case_number: CaseNumber,
        document_kind: String,
        es_id: String,
        /// Hex SM3 of the document bytes (the signature's dataHash).
        document_sm3: String,
        /// Hex SM3 of the SES_Signature DER, so the log confirms the signing time too.
        signature_sm3: String,
        signer: StaffId,
        /// The document (canonical JSON) and the SES_Signature DER, base64; private.
        document: String,
        signature_der: String,
    },
    /// A jurisdiction's claim and escalation periods.
    #[serde(rename = "linkage.settings_changed")]
    LinkageSettingsChanged { settings: LinkageSettings },
    /// Item → supervising department (and its default responsible user) for one jurisdiction,
    /// overriding the catalog's supervising department.
    #[serde(rename = "linkage.mapping_set")]
    SupervisionMapped {
        item_code: String,
        department: DepartmentCode,
        responsible: Option<StaffId>,
        /// The department asked to be told of refusals too.
        push_refusals: bool,
    },
    /// One step of a push to a supervising department.
    #[serde(rename = "linkage.push")]
    Push {
        push_id: String,
        event: Box<PushEvent>,
    },
    /// Feedback from a department; `impact` is what a policy change touches.
    #[serde(rename = "linkage.feedback")]
    Feedback {
        feedback_id: String,
        department: DepartmentCode,
        /// The department's own reference, which makes a retry idempotent.
        external_ref: String,
        body: Box<FeedbackBody>,
        impact: Option<Impact>,
    },
    /// The bureau finished reviewing what a policy change touches.
    #[serde(rename = "linkage.review_closed")]
    PolicyReviewClosed {
        feedback_id: String,
        by: StaffId,
        explanation: String,
    },
    /// A party tried to act on another's push or on something unknown; kept for accountability.
    /// `target` is an id the system issued, or — for an id that does not exist — only its kind,
    /// length and salted hash (see [`crate::linkage::refused_target`]): whatever a department
    /// sends never reaches the log as text.
    #[serde(rename = "linkage.attempt_refused")]
    LinkageRefused {
        department: DepartmentCode,
        target: String,
        code: String,
        /// Hex salt of `target`'s hash when it names an unknown id (private: with it, an auditor
        /// who is shown the text can confirm it). Absent in entries of envelope version 1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target_salt: Option<String>,
    },
    /// A monitoring rule installed, changed or retired (its hash covers its specification).
    #[serde(rename = "rules.rule_version")]
    RuleVersionRecorded { version: RuleVersion },
    /// A local expression rule (CEL) installed, changed or retired, with its source.
    #[serde(rename = "rules.expression_version")]
    ExpressionRuleRecorded { rule: ExpressionRule },
    /// A day began for the monitoring rules' working-day timers.
    #[serde(rename = "rules.tick")]
    RulesTick {
        #[serde(with = "crate::calendar::iso_date")]
        on: Date,
    },
    /// A monitoring rule raised an alert.
    #[serde(rename = "rules.alert_raised")]
    AlertRaised { alert: Box<Alert> },
    /// An inspector closed an alert with an explanation and an outcome.
    #[serde(rename = "rules.alert_closed")]
    AlertClosed {
        alert_id: String,
        by: StaffId,
        outcome: AlertOutcome,
        explanation: String,
    },
    /// The applicant rated a closed case (好差评); a bad rating is due for rectification.
    #[serde(rename = "rating.submitted")]
    CaseRated {
        case_number: CaseNumber,
        level: crate::rating::RatingLevel,
        channel: crate::rating::RatingChannel,
        /// The applicant's words: private (may name people).
        comment: String,
        #[serde(with = "crate::calendar::iso_date")]
        rated_on: Date,
        #[serde(with = "crate::linkage::opt_date")]
        rectification_due: Option<Date>,
    },
    /// The bureau closed the rectification of a bad rating.
    #[serde(rename = "rating.rectified")]
    RectificationClosed {
        case_number: CaseNumber,
        by: StaffId,
        explanation: String,
    },
    /// The working-day digest of one department's pushes.
    #[serde(rename = "linkage.digest")]
    DigestIssued {
        department: DepartmentCode,
        #[serde(with = "crate::calendar::iso_date")]
        on: Date,
        pushed: u64,
        awaiting: u64,
        claimed_today: u64,
        overdue_this_month: u64,
    },
    /// A file of a case's materials stored (at intake or with a supplement); the file itself
    /// is kept by the material store under its SHA-256, outside the ledger.
    #[serde(rename = "case.material_stored")]
    MaterialStored {
        case_number: CaseNumber,
        material: Box<crate::material::StoredMaterial>,
    },
    /// An API token issued to a provincial service platform (issue #19 item 7); its callback
    /// address is operational state beside the ledger.
    #[serde(rename = "access.platform_token_issued")]
    PlatformTokenIssued {
        id: String,
        platform: crate::platform::PlatformName,
        scopes: Vec<String>,
    },
    /// A case registered from a platform's application: the platform's reference bound to the
    /// case number (codes only; the application itself is the case's `received` step).
    #[serde(rename = "case.platform_intake")]
    PlatformIntake {
        case_number: CaseNumber,
        platform: crate::platform::PlatformName,
        platform_ref: crate::platform::PlatformRef,
        token: String,
    },
    /// One step of a joint-review consultation (会签 / 联合审查): one department asked for its
    /// opinion on a case (see `consultation`); the question and the opinion's text are private.
    #[serde(rename = "consultation.event")]
    Consultation {
        consultation_id: String,
        event: Box<ConsultationEvent>,
    },
    /// One step of a coordination matter (领导协调); what people typed stays in the body.
    #[serde(rename = "coordination.matter")]
    Coordination {
        matter_id: String,
        event: Box<crate::coordination::MatterEvent>,
    },
    /// One step of a 告知承诺's verification after the grant (issue #19 item 5, `commitment`):
    /// the task given to the supervising department, its finding (private text).
    #[serde(rename = "commitment.verification")]
    Commitment {
        case_number: CaseNumber,
        event: Box<crate::commitment::CommitmentEvent>,
    },
    /// One step of a construction project (工程建设项目); its and its owner's names stay private.
    #[serde(rename = "project.event")]
    Project {
        code: crate::project::ProjectCode,
        event: Box<crate::project::ProjectEvent>,
    },
}

impl Event {
    /// The stable machine name of the event (the serde tag).
    pub fn kind(&self) -> &'static str {
        match self {
            Event::JurisdictionRegistered { .. } => "org.jurisdiction_registered",
            Event::DepartmentRegistered { .. } => "org.department_registered",
            Event::HallWindowOpened { .. } => "org.hall_window_opened",
            Event::StaffRegistered { .. } => "org.staff_registered",
            Event::StaffTransferred { .. } => "org.staff_transferred",
            Event::StaffRolesChanged { .. } => "org.staff_roles_changed",
            Event::ApiTokenIssued { .. } => "access.api_token_issued",
            Event::ApiTokenRevoked { .. } => "access.api_token_revoked",
            Event::ItemPublished { .. } => "catalog.item_published",
            Event::SealRegistered { .. } => "seal.registered",
            Event::SealRevoked { .. } => "seal.revoked",
            Event::SealUseRefused { .. } => "seal.use_refused",
            Event::CalendarYearImported { .. } => "calendar.year_imported",
            Event::CalendarCorrectionProposed { .. } => "calendar.correction_proposed",
            Event::CalendarCorrectionApproved { .. } => "calendar.correction_approved",
            Event::Licence { .. } => "licence.event",
            Event::Case { .. } => "case.event",
            Event::DocumentSealed { .. } => "seal.document_sealed",
            Event::LinkageSettingsChanged { .. } => "linkage.settings_changed",
            Event::SupervisionMapped { .. } => "linkage.mapping_set",
            Event::Push { .. } => "linkage.push",
            Event::Feedback { .. } => "linkage.feedback",
            Event::PolicyReviewClosed { .. } => "linkage.review_closed",
            Event::LinkageRefused { .. } => "linkage.attempt_refused",
            Event::DigestIssued { .. } => "linkage.digest",
            Event::RuleVersionRecorded { .. } => "rules.rule_version",
            Event::ExpressionRuleRecorded { .. } => "rules.expression_version",
            Event::RulesTick { .. } => "rules.tick",
            Event::AlertRaised { .. } => "rules.alert_raised",
            Event::AlertClosed { .. } => "rules.alert_closed",
            Event::CaseRated { .. } => "rating.submitted",
            Event::RectificationClosed { .. } => "rating.rectified",
            Event::MaterialStored { .. } => "case.material_stored",
            Event::PlatformTokenIssued { .. } => "access.platform_token_issued",
            Event::PlatformIntake { .. } => "case.platform_intake",
            Event::Consultation { .. } => "consultation.event",
            Event::Coordination { .. } => "coordination.matter",
            Event::Commitment { .. } => "commitment.verification",
            Event::Project { .. } => "project.event",
        }
    }

    /// Identifiers of what the event is about (no personal data).
    pub fn subject(&self) -> BTreeMap<String, String> {
        let mut s = BTreeMap::new();
        let mut put = |k: &str, v: &str| {
            s.insert(k.to_owned(), v.to_owned());
        };
        match self {
            Event::JurisdictionRegistered { jurisdiction, .. } => {
                put("jurisdiction", jurisdiction.code.as_str())
            }
            Event::DepartmentRegistered { department } => {
                put("department", department.code.as_str())
            }
            Event::HallWindowOpened { window } => put("window", &window.code),
            Event::StaffRegistered { staff, .. } => put("staff", staff.id.as_str()),
            Event::StaffTransferred { staff, .. } | Event::StaffRolesChanged { staff, .. } => {
                put("staff", staff.as_str())
            }
            Event::ApiTokenIssued { id, .. } | Event::ApiTokenRevoked { id } => put("token", id),
            Event::ItemPublished { item } => put("item", item.basic_code.as_str()),
            Event::SealRegistered { seal } => put("seal", &seal.es_id),
            Event::SealRevoked { es_id, .. } | Event::SealUseRefused { es_id, .. } => {
                put("seal", es_id)
            }
            Event::CalendarYearImported { year, .. } => put("calendar_year", &year.to_string()),
            Event::CalendarCorrectionProposed { correction: c } => {
                put("calendar_year", &c.year.to_string());
                put("correction", &c.correction_id);
            }
            Event::CalendarCorrectionApproved { approval: a } => {
                put("calendar_year", &a.year.to_string());
                put("correction", &a.correction_id);
            }
            Event::Case { case_number, event } => {
                put("case", case_number.as_str());
                put("step", event.kind());
            }
            Event::Licence { licence_id, .. } => put("licence", licence_id),
            Event::DocumentSealed {
                case_number, es_id, ..
            } => {
                put("case", case_number.as_str());
                put("seal", es_id);
            }
            Event::LinkageSettingsChanged { .. } => put("linkage", "settings"),
            Event::SupervisionMapped { item_code, .. } => put("item", item_code),
            Event::Push { push_id, event } => {
                put("push", push_id);
                put("step", event.kind());
            }
            Event::Feedback {
                feedback_id,
                department,
                ..
            } => {
                put("feedback", feedback_id);
                put("department", department.as_str());
            }
            Event::PolicyReviewClosed { feedback_id, .. } => put("feedback", feedback_id),
            Event::LinkageRefused { department, .. } | Event::DigestIssued { department, .. } => {
                put("department", department.as_str())
            }
            Event::RuleVersionRecorded { version } => put("rule", version.rule.code()),
            Event::ExpressionRuleRecorded { rule } => put("rule", &format!("expr:{}", rule.code)),
            Event::RulesTick { on } => put("day", &on.to_string()),
            Event::AlertRaised { alert } => {
                put("alert", &alert.alert_id);
                put("rule", alert.rule.code());
            }
            Event::AlertClosed { alert_id, .. } => put("alert", alert_id),
            Event::CaseRated { case_number, .. }
            | Event::RectificationClosed { case_number, .. }
            | Event::MaterialStored { case_number, .. } => put("case", case_number.as_str()),
            Event::PlatformTokenIssued { id, platform, .. } => {
                put("token", id);
                put("platform", platform.as_str());
            }
            Event::PlatformIntake {
                case_number,
                platform,
                ..
            } => {
                put("case", case_number.as_str());
                put("platform", platform.as_str());
            }
            Event::Consultation {
                consultation_id,
                event,
            } => {
                put("consultation", consultation_id);
                put("step", event.kind());
            }
            Event::Coordination { matter_id, event } => {
                put("matter", matter_id);
                put("step", event.kind());
            }
            Event::Commitment { case_number, event } => {
                put("case", case_number.as_str());
                put("step", event.kind());
            }
            Event::Project { code, event } => {
                put("project", code.as_str());
                put("step", event.kind());
            }
        }
        s
    }

    /// The facts of the event that anyone may read.
    pub fn public_view(&self) -> Value {
        match self {
            Event::JurisdictionRegistered {
                jurisdiction,
                parent,
            } => json!({
                "code": jurisdiction.code, "name_zh": jurisdiction.name_zh, "parent": parent,
            }),
            Event::DepartmentRegistered { department } => json!({
                "code": department.code, "name_zh": department.name_zh, "kind": department.kind,
            }),
            Event::HallWindowOpened { window } => json!({
                "code": window.code, "name_zh": window.name_zh, "department": window.department,
            }),
            Event::StaffRegistered { staff, since } => json!({
                "staff": staff.id, "department": staff.department, "roles": staff.roles,
                "since": since.to_string(),
            }),
            Event::StaffTransferred { staff, to, on } => json!({
                "staff": staff, "to": to, "on": on.to_string(),
            }),
            Event::StaffRolesChanged { staff, roles } => json!({ "staff": staff, "roles": roles }),
            Event::ApiTokenIssued {
                id,
                department,
                scopes,
            } => json!({
                "id": id, "department": department, "scopes": scopes,
            }),
            Event::ApiTokenRevoked { id } => json!({ "id": id }),
            Event::ItemPublished { item } => json!({
                "basic_code": item.basic_code, "name": item.name, "version": item.version,
            }),
            Event::SealRegistered { seal } => json!({
                "es_id": seal.es_id, "name": seal.name, "kind": seal.kind, "department": seal.department,
                "public_key_pem": seal.public_key_pem,
                "valid_from": seal.valid_from.date().to_string(), "valid_to": seal.valid_to.date().to_string(),
            }),
            Event::SealRevoked { es_id, revocation } => json!({
                "es_id": es_id, "order_ref": revocation.order_ref, "archived": revocation.archived,
                "at": revocation.at.date().to_string(),
            }),
            Event::SealUseRefused { es_id, reason } => json!({ "es_id": es_id, "reason": reason }),
            Event::CalendarYearImported { year, json, moving } => {
                let mut v =
                    json!({ "year": year, "file_sha256": commitment(&[], json.as_bytes()) });
                // Only when some moved: older imports' public entries keep their exact form.
                if !moving.is_empty() {
                    v["moving_deadlines"] = json!(moving.len());
                }
                v
            }
            // The reason and the source are free text: private.
            Event::CalendarCorrectionProposed { correction } => {
                calendar::proposed_public(correction)
            }
            Event::CalendarCorrectionApproved { approval } => calendar::approved_public(approval),
            Event::Case { case_number, event } => case_public_view(case_number, event),
            // Licences are public registers (Art. 40): their facts, which name the holder only by
            // its public label; what staff or a department typed stays in the private body.
            Event::Licence { licence_id, event } => {
                json!({ "licence_id": licence_id, "event": event.public_view() })
            }
            Event::DocumentSealed {
                case_number,
                document_kind,
                es_id,
                document_sm3,
                signature_sm3,
                signer,
                ..
            } => json!({
                "case_number": case_number, "document_kind": document_kind, "es_id": es_id,
                "document_sm3": document_sm3, "signature_sm3": signature_sm3, "signer": signer,
            }),
            Event::LinkageSettingsChanged { settings } => json!({ "settings": settings }),
            Event::SupervisionMapped {
                item_code,
                department,
                responsible,
                push_refusals,
            } => json!({
                "item_code": item_code, "department": department, "responsible": responsible,
                "push_refusals": push_refusals,
            }),
            // A push names codes, dates and staff ids only.
            Event::Push { push_id, event } => json!({ "push_id": push_id, "event": event }),
            // Feedback is typed by a department and may name natural persons (sole traders): only
            // its kind, codes and counts. A policy change's law and articles are its words too.
            Event::Feedback {
                feedback_id,
                department,
                body,
                impact,
                ..
            } => json!({
                "feedback_id": feedback_id, "department": department, "type": body.kind(),
                "licence_id": body.licence_id(),
                "impact": impact.as_ref().map(|i| json!({
                    "items": i.items.len(), "open_cases": i.open_cases.len(), "valid_licences": i.valid_licences.len(),
                })),
            }),
            Event::PolicyReviewClosed {
                feedback_id, by, ..
            } => {
                json!({ "feedback_id": feedback_id, "by": by })
            }
            Event::LinkageRefused {
                department,
                target,
                code,
                ..
            } => json!({ "department": department, "target": target, "code": code }),
            Event::DigestIssued {
                department,
                on,
                pushed,
                awaiting,
                claimed_today,
                overdue_this_month,
            } => json!({
                "department": department, "on": on.to_string(), "pushed": pushed, "awaiting": awaiting,
                "claimed_today": claimed_today, "overdue_this_month": overdue_this_month,
            }),
            Event::RuleVersionRecorded { version } => json!({
                "rule": version.rule.code(), "version": version.version, "params": version.params,
                "active": version.active, "hash": version.hash(),
            }),
            // The rule's source is public: anyone may see what is being checked.
            Event::ExpressionRuleRecorded { rule } => json!({ "rule": rule, "hash": rule.hash() }),
            Event::RulesTick { on } => json!({ "on": on.to_string() }),
            // Alerts name codes, staff ids and item names, never applicants.
            Event::AlertRaised { alert } => json!({ "alert": alert }),
            Event::AlertClosed {
                alert_id,
                by,
                outcome,
                ..
            } => json!({ "alert_id": alert_id, "by": by, "outcome": outcome }),
            Event::CaseRated {
                case_number,
                level,
                channel,
                rated_on,
                rectification_due,
                ..
            } => json!({
                "case_number": case_number, "level": level, "channel": channel, "rated_on": rated_on.to_string(),
                "rectification_due": rectification_due.map(|d| d.to_string()),
            }),
            Event::RectificationClosed {
                case_number, by, ..
            } => json!({ "case_number": case_number, "by": by }),
            // The digest and a typed name stay private (see `StoredMaterial::public_view`).
            Event::MaterialStored {
                case_number,
                material,
            } => {
                let mut v = material.public_view();
                v["case_number"] = json!(case_number);
                v
            }
            Event::PlatformTokenIssued {
                id,
                platform,
                scopes,
            } => json!({ "id": id, "platform": platform, "scopes": scopes }),
            // The platform's reference is its own opaque code, not the applicant's.
            Event::PlatformIntake {
                case_number,
                platform,
                platform_ref,
                token,
            } => json!({
                "case_number": case_number, "platform": platform, "platform_ref": platform_ref,
                "token": token,
            }),
            Event::Consultation {
                consultation_id,
                event,
            } => json!({ "consultation_id": consultation_id, "event": event.public_view() }),
            // Codes, ids and dates; the title, description, decision, tasks and reports are
            // typed by people and stay in the private body.
            Event::Coordination { matter_id, event } => {
                json!({ "matter_id": matter_id, "event": event.public_view() })
            }
            // Codes, ids, dates and the verdict; the finding's text stays in the private body.
            Event::Commitment { case_number, event } => {
                json!({ "case_number": case_number, "event": event.public_view() })
            }
            Event::Project { code, event } => json!({ "code": code, "event": event.public_view() }),
        }
    }
}

/// Fields of a case event that may be published: dates, steps, staff ids and codes. Free text
/// (opinions, reasons) and everything about the applicant stay in the private body.
const CASE_PUBLIC_FIELDS: &[&str] = &[
    "kind",
    "on",
    "by",
    "reviewer",
    "approver",
    "approved_by",
    "received_by",
    "step",
    "to_step",
    "substantive",
    "deemed",
    "procedure",
    "working_days",
    "method",
    "channel",
    "decided_at",
    "received_at",
    "applicant_notified_on",
    // A hearing act (Art. 36, 46–48) and its day; the parties, their statements, the
    // presiding officer and the references stay private.
    "act",
    "held_on",
    // The "one thing" bundle a receipt belongs to (codes and counts only, issue #20 item 2).
    "bundle",
];

fn case_public_view(case_number: &CaseNumber, event: &CaseEvent) -> Value {
    let full = serde_json::to_value(event).unwrap_or(Value::Null);
    let mut out = serde_json::Map::new();
    out.insert("case_number".into(), json!(case_number));
    if let Value::Object(map) = &full {
        for k in CASE_PUBLIC_FIELDS {
            if let Some(v) = map.get(*k) {
                out.insert((*k).to_owned(), v.clone());
            }
        }
        if let Some(code) = map.get("item").and_then(|i| i.get("basic_code")) {
            out.insert("item".into(), code.clone());
        }
        if let Some(outcome) = map.get("decision").and_then(|d| d.get("outcome")) {
            out.insert("decision".into(), outcome.clone());
        }
        if let Some(ground) = map.get("outcome").and_then(|d| d.get("ground")) {
            out.insert("ground".into(), ground.clone());
        }
    }
    Value::Object(out)
}

/// The public ledger entry of one event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    pub v: u16,
    pub kind: String,
    /// RFC 3339, UTC.
    pub time: String,
    pub jurisdiction: DivisionCode,
    pub actor: String,
    pub subject: BTreeMap<String, String>,
    /// Hex SHA-256 of `salt || body`: the commitment to the private body.
    pub payload: String,
    pub public: Value,
}

impl Envelope {
    /// The entry's bytes: the same as `canonical_json(&serde_json::to_value(self))`, written
    /// field by field in sorted key order without building the tree first (every event is
    /// sealed on the store's single writer thread).
    pub fn canonical_json(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256 + self.payload.len());
        let key = |out: &mut Vec<u8>, k: &str| {
            out.push(if out.is_empty() { b'{' } else { b',' });
            write_scalar(k, out);
            out.push(b':');
        };
        key(&mut out, "actor");
        write_scalar(&self.actor, &mut out);
        key(&mut out, "jurisdiction");
        write_scalar(&self.jurisdiction, &mut out);
        key(&mut out, "kind");
        write_scalar(&self.kind, &mut out);
        key(&mut out, "payload");
        write_scalar(&self.payload, &mut out);
        key(&mut out, "public");
        write_canonical(&self.public, &mut out);
        key(&mut out, "subject");
        // A BTreeMap of strings: serde_json writes it in key order, which is canonical.
        write_scalar(&self.subject, &mut out);
        key(&mut out, "time");
        write_scalar(&self.time, &mut out);
        key(&mut out, "v");
        write_scalar(&self.v, &mut out);
        out.push(b'}');
        out
    }
}

#[cfg(test)]
mod tests;
