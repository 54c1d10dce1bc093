//! Who among the staff sees an applicant's personal identifiers in full (DESIGN.md §10, PIPL
//! Art. 6 data minimisation).
//!
//! The window clerk deals with the applicant in person: checks the ID card, phones about missing
//! materials and hands over the decision, so the clerk sees the ID number and the phone numbers.
//! Reviewers, the approving official, the bureau head and inspectors decide on the merits and
//! oversee; they need to know who applies (the name, an organisation's register data) but not
//! how to reach or identify the person, so they see masked numbers (`3701**********1234`,
//! `138****5678`) and not the query code. The rule lives in [`applicant_view`] and
//! [`events_view`] only; the case API and the case page both use them.

use oneseal_domain::case::{Applicant, CaseEvent};
use oneseal_domain::org::Role;
use serde::Serialize;
use serde_json::Value;

/// An applicant as one member of staff may see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApplicantView {
    /// `natural_person` or `organisation`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The person's name or the organisation's registered name.
    pub name: String,
    /// 居民身份证号码, full or masked (natural persons).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
    /// The person's or the organisation's contact mobile number, full or masked.
    pub phone: String,
    /// 统一社会信用代码 (organisations; a public register).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uscc: Option<String>,
    /// Whether the numbers are masked for this viewer.
    pub masked: bool,
}

/// Whether staff holding `roles` see personal identifiers in full: only the window clerk does.
#[must_use]
pub fn sees_full_contact(roles: &[Role]) -> bool {
    roles.contains(&Role::Clerk)
}

/// The applicant as staff holding `roles` may see them: ID and phone numbers masked unless the
/// viewer is a window clerk.
#[must_use]
pub fn applicant_view(applicant: &Applicant, roles: &[Role]) -> ApplicantView {
    let full = sees_full_contact(roles);
    match applicant {
        Applicant::NaturalPerson {
            name,
            id_number,
            phone,
        } => ApplicantView {
            kind: "natural_person",
            name: name.clone(),
            id_number: Some(if full {
                id_number.as_str().to_owned()
            } else {
                id_number.masked()
            }),
            phone: if full {
                phone.as_str().to_owned()
            } else {
                phone.masked()
            },
            uscc: None,
            masked: !full,
        },
        Applicant::Organisation {
            name,
            uscc,
            contact_phone,
        } => ApplicantView {
            kind: "organisation",
            name: name.clone(),
            id_number: None,
            phone: if full {
                contact_phone.as_str().to_owned()
            } else {
                contact_phone.masked()
            },
            uscc: Some(uscc.as_str().to_owned()),
            masked: !full,
        },
    }
}

/// A case's events as staff holding `roles` may see them: the receipt's applicant through
/// [`applicant_view`], and its query code withheld from those who do not see contact data.
///
/// # Errors
/// A serialisation failure (not expected for well-formed events).
pub fn events_view(events: &[CaseEvent], roles: &[Role]) -> Result<Vec<Value>, serde_json::Error> {
    events
        .iter()
        .map(|e| {
            let mut v = serde_json::to_value(e)?;
            if let (CaseEvent::Received(r), Some(m)) = (e, v.as_object_mut()) {
                m.insert(
                    "applicant".into(),
                    serde_json::to_value(applicant_view(&r.applicant, roles))?,
                );
                // The case keeps only the code's keyed digest (cases received before, the
                // code itself): nobody reads it back; the applicant got it at receipt.
                m.remove("query_code");
                // An agent's ID number is masked like the applicant's (issue #19 item 3).
                if let Some(rep) = &r.representation {
                    m.insert("representation".into(), representation_view(rep, roles)?);
                }
            }
            Ok(v)
        })
        .collect()
}

/// A receipt's 委托代理 / 帮办代办 as staff holding `roles` may see it: an agent's ID number
/// in full for the window clerk only, masked for everyone else.
///
/// # Errors
/// A serialisation failure (not expected).
pub fn representation_view(
    rep: &oneseal_domain::case::Representation,
    roles: &[Role],
) -> Result<Value, serde_json::Error> {
    let mut v = serde_json::to_value(rep)?;
    if let (oneseal_domain::case::Representation::Agent { id_number, .. }, Some(m)) =
        (rep, v.as_object_mut())
        && !sees_full_contact(roles)
    {
        m.insert("id_number".into(), id_number.masked().into());
    }
    if let Some(m) = v.as_object_mut() {
        m.insert("summary_zh".into(), rep.summary_zh().into());
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use oneseal_domain::case::{IdNumber, PhoneNumber};
    use oneseal_domain::catalog::UnifiedSocialCreditCode;

    const ID: &str = "11010519491231002X";

    fn person() -> Applicant {
        Applicant::NaturalPerson {
            name: "张三".into(),
            id_number: IdNumber::parse(ID).unwrap(),
            phone: PhoneNumber::parse("13812345678").unwrap(),
        }
    }

    fn organisation() -> Applicant {
        Applicant::Organisation {
            name: "济南泉城建设发展有限公司".into(),
            uscc: UnifiedSocialCreditCode::with_check_character("91370100MA3C0RT1X").unwrap(),
            contact_phone: PhoneNumber::parse("13912345678").unwrap(),
        }
    }

    #[test]
    fn the_clerk_sees_a_natural_persons_numbers_in_full() {
        let v = applicant_view(&person(), &[Role::Clerk]);
        assert_eq!(v.id_number.as_deref(), Some(ID));
        assert_eq!(v.phone, "13812345678");
        assert!(!v.masked);
    }

    #[test]
    fn every_other_role_sees_them_masked() {
        for role in Role::ALL.iter().filter(|r| **r != Role::Clerk) {
            let v = applicant_view(&person(), &[*role]);
            assert_eq!(
                v.id_number.as_deref(),
                Some("1101**********002X"),
                "{role:?}"
            );
            assert_eq!(v.phone, "138****5678", "{role:?}");
            assert_eq!(v.name, "张三", "the name is needed to decide");
            assert!(v.masked);
        }
    }

    #[test]
    fn a_clerk_who_also_holds_another_role_still_sees_them() {
        assert!(sees_full_contact(&[Role::Reviewer, Role::Clerk]));
        assert!(!sees_full_contact(&[]));
    }

    #[test]
    fn an_organisations_contact_phone_is_masked_but_its_register_data_is_not() {
        let v = applicant_view(&organisation(), &[Role::Approver]);
        assert_eq!(v.phone, "139****5678");
        let uscc = UnifiedSocialCreditCode::with_check_character("91370100MA3C0RT1X").unwrap();
        assert_eq!(v.uscc.as_deref(), Some(uscc.as_str()));
        assert_eq!(v.name, "济南泉城建设发展有限公司");
        assert_eq!(v.id_number, None);
        let full = applicant_view(&organisation(), &[Role::Clerk]);
        assert_eq!(full.phone, "13912345678");
    }
}
