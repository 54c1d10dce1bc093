//! An application as typed at the window or sent by a system, checked field by field.
//!
//! Why a separate step before [`Intake`](super::Intake): a clerk who mistypes two numbers must
//! see both mistakes beside their fields at once, in Chinese, and keep what was typed. Parsing
//! each newtype through serde stops at the first failure and speaks English; here every field
//! is checked, and every problem names its field ([`IntakeField`]) with a stable code and a
//! message in both languages. The HTTP adapters only map fields to their inputs.

use std::fmt;

use crate::catalog::UnifiedSocialCreditCode;

use super::address::Address;
use super::event::Channel;
use super::ids::{MaterialRef, Sha256Digest};
use super::intake_field::{
    ADDRESS_MAX, FieldError, IntakeField, ORGANISATION_NAME_MAX, PERSON_NAME_MAX, name,
};
use super::person::{Applicant, IdNumber};
use super::phone::PhoneNumber;
use super::representation::RepresentationRequest;
use super::representation_input::RepresentationInput;

/// The applicant as typed: every field text, none checked yet. An absent field is empty.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ApplicantInput {
    /// `natural_person` or `organisation`.
    pub kind: String,
    /// Name or registered name.
    pub name: String,
    /// 居民身份证号码 (natural person).
    pub id_number: String,
    /// 统一社会信用代码 (organisation).
    pub uscc: String,
    /// Phone (natural person) or contact phone (organisation).
    pub phone: String,
    /// 住所 / 经营场所 (optional; personal data for a natural person).
    pub address: String,
}

impl fmt::Debug for ApplicantInput {
    /// Only the kind: the other fields are personal data, even when mistyped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApplicantInput")
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// A whole application as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IntakeInput {
    /// The item's basic code.
    pub item_code: String,
    /// `window` or `online`.
    pub channel: String,
    /// Who applies.
    pub applicant: ApplicantInput,
    /// (name, SHA-256 hex) of each material.
    pub materials: Vec<(String, String)>,
    /// The applicant accepts the item's 告知承诺 (issue #19 item 5, `crate::commitment`);
    /// whether the item offers one is the catalog's to say.
    pub commitment: bool,
    /// A "one thing" application (issue #20 item 2): the basic codes of its items whose own
    /// 告知承诺 the applicant signs, each on its own case (`commitment` is then not used).
    pub commitments: Vec<String>,
    /// Who files, when not the applicant in person (委托代理 / 帮办代办).
    pub representation: RepresentationInput,
}

/// An application whose every field checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedIntake {
    /// The item's basic code, trimmed (its existence is the catalog's to say).
    pub item_code: String,
    /// Window or online.
    pub channel: Channel,
    /// Who applies, with normalised numbers.
    pub applicant: Applicant,
    /// Documents received.
    pub materials: Vec<MaterialRef>,
    /// 住所 / 经营场所, trimmed; `None` when not given.
    pub address: Option<Address>,
    /// The applicant signs the item's 告知承诺.
    pub commitment: bool,
    /// 委托代理 or 帮办代办; `None` when the applicant files in person.
    pub representation: Option<RepresentationRequest>,
}

/// An identifier typed with stray spaces: spaces (ASCII and full-width) dropped, letters
/// upper-cased, as on the card or the licence.
fn compact_upper(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase()
}

fn phone(field: IntakeField, text: &str) -> Result<PhoneNumber, FieldError> {
    if text.trim().is_empty() {
        return Err(FieldError::required(field));
    }
    PhoneNumber::parse(text).map_err(|e| FieldError::parse(field, "invalid_phone", &e))
}

/// Collects the error of a field check, keeping its value when it passed.
fn keep<T>(errors: &mut Vec<FieldError>, r: Result<T, FieldError>) -> Option<T> {
    r.map_err(|e| errors.push(e)).ok()
}

impl ApplicantInput {
    /// The address, trimmed with its inner runs of spaces kept single; `None` when blank.
    fn address(&self) -> Result<Option<Address>, FieldError> {
        let t = self
            .address
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if t.is_empty() {
            return Ok(None);
        }
        if t.chars().any(char::is_control) {
            return Err(FieldError::new(
                IntakeField::Address,
                "invalid_text",
                "住所/经营场所含有不可见的控制字符".into(),
                "applicant.address contains control characters".into(),
            ));
        }
        name(IntakeField::Address, &t, ADDRESS_MAX).map(|a| Some(Address::checked(a)))
    }

    /// Checks every field of the applicant.
    ///
    /// # Errors
    /// Every field's problem, in form order.
    pub fn check(&self) -> Result<Applicant, Vec<FieldError>> {
        let mut errors = Vec::new();
        let applicant = self.check_into(&mut errors);
        match applicant {
            Some(a) if errors.is_empty() => Ok(a),
            _ => Err(errors),
        }
    }

    fn check_into(&self, errors: &mut Vec<FieldError>) -> Option<Applicant> {
        match self.kind.trim() {
            "natural_person" => {
                let name = keep(
                    errors,
                    name(IntakeField::ApplicantName, &self.name, PERSON_NAME_MAX),
                );
                let id = compact_upper(&self.id_number);
                let id_number = keep(
                    errors,
                    if id.is_empty() {
                        Err(FieldError::required(IntakeField::IdNumber))
                    } else {
                        IdNumber::parse(&id).map_err(|e| {
                            FieldError::parse(IntakeField::IdNumber, "invalid_id_number", &e)
                        })
                    },
                );
                let phone = keep(errors, phone(IntakeField::Phone, &self.phone));
                Some(Applicant::NaturalPerson {
                    name: name?,
                    id_number: id_number?,
                    phone: phone?,
                })
            }
            "organisation" => {
                let name = keep(
                    errors,
                    name(
                        IntakeField::ApplicantName,
                        &self.name,
                        ORGANISATION_NAME_MAX,
                    ),
                );
                let code = compact_upper(&self.uscc);
                let uscc = keep(
                    errors,
                    if code.is_empty() {
                        Err(FieldError::required(IntakeField::Uscc))
                    } else {
                        UnifiedSocialCreditCode::parse(&code).map_err(|e| {
                            FieldError::new(
                                IntakeField::Uscc,
                                "invalid_uscc",
                                e.reason_zh(),
                                e.to_string(),
                            )
                        })
                    },
                );
                let phone = keep(errors, phone(IntakeField::ContactPhone, &self.phone));
                Some(Applicant::Organisation {
                    name: name?,
                    uscc: uscc?,
                    contact_phone: phone?,
                })
            }
            "" => {
                errors.push(FieldError::required(IntakeField::ApplicantType));
                None
            }
            _ => {
                errors.push(FieldError::new(
                    IntakeField::ApplicantType,
                    "invalid_choice",
                    "申请人类型应为“个人”或“单位”".into(),
                    "applicant.type must be natural_person or organisation".into(),
                ));
                None
            }
        }
    }
}

impl IntakeInput {
    /// Checks every field; the item's existence is left to the caller, who has the catalog.
    ///
    /// # Errors
    /// Every field's problem, in form order.
    pub fn check(&self) -> Result<CheckedIntake, Vec<FieldError>> {
        let mut errors = Vec::new();
        let item_code = self.item_code.trim().to_owned();
        if item_code.is_empty() {
            errors.push(FieldError::required(IntakeField::Item));
        }
        let channel = match self.channel.trim() {
            "window" => Some(Channel::Window),
            "online" => Some(Channel::Online),
            _ => {
                errors.push(FieldError::new(
                    IntakeField::Channel,
                    "invalid_choice",
                    "渠道应为“窗口”或“网上”".into(),
                    "channel must be window or online".into(),
                ));
                None
            }
        };
        let applicant = self.applicant.check_into(&mut errors);
        let address = keep(&mut errors, self.applicant.address()).flatten();
        let mut materials = Vec::with_capacity(self.materials.len());
        for (i, (n, digest)) in self.materials.iter().enumerate() {
            let n = keep(
                &mut errors,
                name(IntakeField::MaterialName(i), n, ORGANISATION_NAME_MAX),
            );
            let d = keep(
                &mut errors,
                Sha256Digest::parse(digest.trim()).map_err(|e| {
                    FieldError::parse(IntakeField::MaterialDigest(i), "invalid_sha256", &e)
                }),
            );
            if let (Some(name), Some(sha256)) = (n, d) {
                materials.push(MaterialRef { name, sha256 });
            }
        }
        let representation =
            self.representation
                .check_into(channel, applicant.as_ref(), &mut errors);
        match (channel, applicant) {
            (Some(channel), Some(applicant)) if errors.is_empty() => Ok(CheckedIntake {
                item_code,
                channel,
                applicant,
                materials,
                address,
                commitment: self.commitment,
                representation,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::person::tests::SAMPLE_ID;

    fn person(id: &str, phone: &str) -> IntakeInput {
        IntakeInput {
            item_code: "000104002000".into(),
            channel: "window".into(),
            applicant: ApplicantInput {
                kind: "natural_person".into(),
                name: " 张三 ".into(),
                id_number: id.into(),
                uscc: String::new(),
                phone: phone.into(),
                address: String::new(),
            },
            materials: vec![("营业执照".into(), "AB".repeat(32))],
            commitment: false,
            commitments: Vec::new(),
            representation: RepresentationInput::default(),
        }
    }

    #[test]
    fn a_good_application_comes_out_normalised() {
        let ok = person("1101 0519 4912 3100 2x", "0531 8600 1234 转 802")
            .check()
            .unwrap();
        let Applicant::NaturalPerson {
            name,
            id_number,
            phone,
        } = ok.applicant
        else {
            panic!("not a person");
        };
        assert_eq!(name, "张三");
        assert_eq!(id_number.as_str(), SAMPLE_ID);
        assert_eq!(phone.as_str(), "0531-86001234-802");
        assert_eq!(ok.channel, Channel::Window);
        assert_eq!(ok.materials[0].sha256.as_str(), "ab".repeat(32));
    }

    #[test]
    fn every_bad_field_is_reported_in_chinese_beside_its_name() {
        let mut input = person("110105194912310028", "8600123");
        input.channel = "fax".into();
        input.materials.push((" ".into(), "xyz".into()));
        let errors = input.check().unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.path()).collect();
        assert_eq!(
            fields,
            [
                "channel",
                "applicant.id_number",
                "applicant.phone",
                "materials[1].name",
                "materials[1].sha256"
            ]
        );
        let id = &errors[1];
        assert_eq!(id.code, "invalid_id_number");
        assert_eq!(
            id.message_zh,
            "居民身份证号码校验码为“8”，按其余各位计算应为“X”"
        );
        assert!(
            errors.iter().all(|e| !e.message_zh.is_ascii()
                && !e.message_zh.contains("check")
                && !e.message_zh.contains("must")),
            "{errors:?}"
        );
        assert_eq!(errors[2].message_zh, "固定电话须加区号，例如 0531-86001234");
    }

    #[test]
    fn organisations_need_a_credit_code_and_a_contact_phone() {
        let input = IntakeInput {
            item_code: String::new(),
            channel: "online".into(),
            applicant: ApplicantInput {
                kind: "organisation".into(),
                name: "济南示例食品有限公司".into(),
                id_number: String::new(),
                uscc: "91350100M000100Y44".into(),
                phone: String::new(),
                address: "  济南市历下区\u{3000}泉城路1号  ".into(),
            },
            materials: Vec::new(),
            commitment: false,
            commitments: Vec::new(),
            representation: RepresentationInput::default(),
        };
        let errors = input.check().unwrap_err();
        let got: Vec<_> = errors.iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            got,
            [
                (IntakeField::Item, "required"),
                (IntakeField::Uscc, "invalid_uscc"),
                (IntakeField::ContactPhone, "required"),
            ]
        );
        assert_eq!(errors[2].message_zh, "请填写联系电话");
        assert_eq!(errors[2].labelled_zh(), "请填写联系电话");
        assert_eq!(
            errors[1].labelled_zh(),
            "统一社会信用代码校验码为“4”，按前17位计算应为“3”"
        );
        let name = FieldError::required(IntakeField::ApplicantName);
        assert_eq!(name.labelled_zh(), "请填写名称/姓名");
        let mut fixed = input.clone();
        fixed.item_code = "000104002000".into();
        fixed.applicant.uscc = "91350100m000100y43".into();
        fixed.applicant.phone = "(0531)86001234".into();
        let ok = fixed.check().unwrap();
        assert_eq!(ok.address.unwrap().as_str(), "济南市历下区 泉城路1号");
    }

    #[test]
    fn the_address_is_optional_bounded_and_free_of_control_characters() {
        let mut input = person(SAMPLE_ID, "13800138000");
        assert_eq!(input.check().unwrap().address, None);
        input.applicant.address = " \t ".into();
        assert_eq!(input.check().unwrap().address, None);
        input.applicant.address = "路".repeat(ADDRESS_MAX + 1);
        let e = input.check().unwrap_err();
        assert_eq!((e[0].field, e[0].code), (IntakeField::Address, "too_long"));
        assert_eq!(e[0].field.path(), "applicant.address");
        assert!(e[0].labelled_zh().starts_with("住所/经营场所"), "{e:?}");
        input.applicant.address = "泉城路\u{7}1号".into();
        let e = input.check().unwrap_err();
        assert_eq!(
            (e[0].field, e[0].code),
            (IntakeField::Address, "invalid_text")
        );
        input.applicant.address = "路".repeat(ADDRESS_MAX);
        assert!(input.check().is_ok());
    }

    #[test]
    fn unknown_applicant_type_and_long_names_are_field_errors() {
        let mut input = person(SAMPLE_ID, "13800138000");
        input.applicant.kind = "robot".into();
        let e = input.check().unwrap_err();
        assert_eq!(
            (e[0].field, e[0].code),
            (IntakeField::ApplicantType, "invalid_choice")
        );
        let mut input = person(SAMPLE_ID, "13800138000");
        input.applicant.name = "名".repeat(PERSON_NAME_MAX + 1);
        let e = input.check().unwrap_err();
        assert_eq!(
            (e[0].field, e[0].code),
            (IntakeField::ApplicantName, "too_long")
        );
    }

    #[test]
    fn debug_of_the_input_shows_no_personal_data() {
        let text = format!("{:?}", person(SAMPLE_ID, "13800138000"));
        assert!(
            !text.contains(SAMPLE_ID) && !text.contains("13800138000") && !text.contains("张三"),
            "{text}"
        );
    }
}
