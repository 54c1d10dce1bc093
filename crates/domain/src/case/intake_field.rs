//! The fields of an application form and their problems.
//!
//! Why its own module: the applicant's fields ([`super::intake_input`]) and the representation's
//! ([`super::representation_input`]) are checked apart, but a clerk sees one list of problems,
//! each naming its field with a stable code and a message in both languages.

use super::error::ParseError;

/// Longest name of a natural person.
pub const PERSON_NAME_MAX: usize = 100;
/// Longest registered name of an organisation, and of a material.
pub const ORGANISATION_NAME_MAX: usize = 200;
/// Longest 住所 / 经营场所.
pub const ADDRESS_MAX: usize = 200;

/// A field of an application, named as the JSON API names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntakeField {
    /// `item_code`.
    Item,
    /// `channel`.
    Channel,
    /// `applicant.type`.
    ApplicantType,
    /// `applicant.name`.
    ApplicantName,
    /// `applicant.id_number`.
    IdNumber,
    /// `applicant.uscc`.
    Uscc,
    /// `applicant.phone` (natural person).
    Phone,
    /// `applicant.contact_phone` (organisation).
    ContactPhone,
    /// `applicant.address` (optional).
    Address,
    /// `materials[i].name`.
    MaterialName(usize),
    /// `materials[i].sha256`.
    MaterialDigest(usize),
    /// `representation.kind` (委托代理 / 帮办代办).
    RepresentationKind,
    /// `representation.agent_name`.
    AgentName,
    /// `representation.agent_id_number`.
    AgentIdNumber,
    /// `representation.authorisation_sha256` (授权委托书).
    Authorisation,
    /// `representation.consent` (帮办代办).
    Consent,
    /// `commitments[i]`: an item of a "one thing" application whose 告知承诺 is signed.
    Commitment(usize),
}

impl IntakeField {
    /// The field's path in the JSON body, e.g. `applicant.id_number`.
    #[must_use]
    pub fn path(self) -> String {
        match self {
            Self::Item => "item_code".into(),
            Self::Channel => "channel".into(),
            Self::ApplicantType => "applicant.type".into(),
            Self::ApplicantName => "applicant.name".into(),
            Self::IdNumber => "applicant.id_number".into(),
            Self::Uscc => "applicant.uscc".into(),
            Self::Phone => "applicant.phone".into(),
            Self::ContactPhone => "applicant.contact_phone".into(),
            Self::Address => "applicant.address".into(),
            Self::MaterialName(i) => format!("materials[{i}].name"),
            Self::MaterialDigest(i) => format!("materials[{i}].sha256"),
            Self::RepresentationKind => "representation.kind".into(),
            Self::AgentName => "representation.agent_name".into(),
            Self::AgentIdNumber => "representation.agent_id_number".into(),
            Self::Authorisation => "representation.authorisation_sha256".into(),
            Self::Consent => "representation.consent".into(),
            Self::Commitment(i) => format!("commitments[{i}]"),
        }
    }

    /// The field's label on the intake form.
    #[must_use]
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Item => "申请事项",
            Self::Channel => "渠道",
            Self::ApplicantType => "申请人类型",
            Self::ApplicantName => "名称/姓名",
            Self::IdNumber => "居民身份证号码",
            Self::Uscc => "统一社会信用代码",
            Self::Phone | Self::ContactPhone => "联系电话",
            Self::Address => "住所/经营场所",
            Self::MaterialName(_) => "材料名称",
            Self::MaterialDigest(_) => "材料摘要",
            Self::RepresentationKind => "由谁提交",
            Self::AgentName => "委托代理人姓名",
            Self::AgentIdNumber => "委托代理人身份证号码",
            Self::Authorisation => "授权委托书",
            Self::Consent => "申请人同意方式",
            Self::Commitment(_) => "告知承诺",
        }
    }
}

/// One field's problem: which field, a stable code, and why in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field.
    pub field: IntakeField,
    /// Stable machine code, e.g. `invalid_id_number`.
    pub code: &'static str,
    /// The reason in Chinese.
    pub message_zh: String,
    /// The reason in English.
    pub message_en: String,
}

impl FieldError {
    /// A problem found outside this module (an item missing from the catalog, say).
    #[must_use]
    pub fn new(field: IntakeField, code: &'static str, zh: String, en: String) -> Self {
        Self {
            field,
            code,
            message_zh: zh,
            message_en: en,
        }
    }

    /// The reason with the field's label, so that it reads alone (in a list, in an API
    /// answer); the label is left out when the reason already names the field.
    #[must_use]
    pub fn labelled_zh(&self) -> String {
        let label = self.field.label_zh();
        if self.message_zh.contains(label) {
            self.message_zh.clone()
        } else {
            format!("{label}：{}", self.message_zh)
        }
    }

    pub(super) fn required(field: IntakeField) -> Self {
        Self::new(
            field,
            "required",
            format!("请填写{}", field.label_zh()),
            format!("{} is required", field.path()),
        )
    }

    pub(super) fn parse(field: IntakeField, code: &'static str, e: &ParseError) -> Self {
        Self::new(field, code, e.reason_zh(), e.to_string())
    }
}

/// A name: trimmed, not blank, at most `max` characters.
pub(super) fn name(field: IntakeField, text: &str, max: usize) -> Result<String, FieldError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(FieldError::required(field));
    }
    let n = t.chars().count();
    if n > max {
        return Err(FieldError::new(
            field,
            "too_long",
            format!("{}过长：最多{max}个字，实际{n}个字", field.label_zh()),
            format!(
                "{} is too long: at most {max} characters, got {n}",
                field.path()
            ),
        ));
    }
    Ok(t.to_owned())
}
