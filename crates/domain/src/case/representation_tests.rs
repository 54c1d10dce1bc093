//! 委托代理 and 帮办代办 at intake (issue #19 item 3; Art. 29 of the Licensing Law lets an
//! applicant apply through an agent).

use time::macros::datetime;

use super::person::tests::SAMPLE_ID;
use super::*;
use crate::org::StaffId;

fn agent_id() -> String {
    let body = "37010219800101123";
    format!("{body}{}", IdNumber::compute_check_character(body).unwrap())
}

fn input(kind: &str, channel: &str, rep: RepresentationInput) -> IntakeInput {
    let applicant = if kind == "organisation" {
        ApplicantInput {
            kind: kind.into(),
            name: "济南示例食品有限公司".into(),
            uscc: "91350100M000100Y43".into(),
            phone: "13800138000".into(),
            ..ApplicantInput::default()
        }
    } else {
        ApplicantInput {
            kind: kind.into(),
            name: "张三".into(),
            id_number: SAMPLE_ID.into(),
            phone: "13800138000".into(),
            ..ApplicantInput::default()
        }
    };
    IntakeInput {
        item_code: "000104002000".into(),
        channel: channel.into(),
        applicant,
        materials: Vec::new(),
        commitment: false,
        commitments: Vec::new(),
        representation: rep,
    }
}

fn agent(id: &str, sha: &str) -> RepresentationInput {
    RepresentationInput {
        kind: "agent".into(),
        agent_name: " 李四 ".into(),
        agent_id_number: id.into(),
        authorisation_sha256: sha.into(),
        consent: String::new(),
    }
}

fn codes(r: Result<CheckedIntake, Vec<FieldError>>) -> Vec<(String, &'static str)> {
    r.unwrap_err()
        .into_iter()
        .map(|e| (e.field.path(), e.code))
        .collect()
}

#[test]
fn art29_organisation_files_through_an_agent_with_its_authorisation() {
    let sha = "ab".repeat(32);
    let checked = input("organisation", "online", agent(&agent_id(), &sha))
        .check()
        .unwrap();
    let Some(RepresentationRequest::Agent {
        name,
        id_number,
        authorisation,
    }) = checked.representation.clone()
    else {
        panic!("{:?}", checked.representation)
    };
    assert_eq!(name, "李四");
    assert_eq!(id_number.as_str(), agent_id());
    assert_eq!(authorisation.as_str(), sha);
    let clerk = StaffId::parse("CLERK").unwrap();
    let at = datetime!(2026-03-04 10:00 +08:00);
    let recorded = checked.representation.unwrap().record(&clerk, at);
    // The receipt's JSON keeps it; Debug never shows the name.
    let json = serde_json::to_value(&recorded).unwrap();
    assert_eq!(json["kind"], "agent");
    assert_eq!(json["authorisation"], sha);
    assert!(!format!("{recorded:?}").contains("李四"));
    assert!(!format!("{recorded:?}").contains(&agent_id()));
    assert!(recorded.summary_zh().contains("李四"));
    assert!(!recorded.summary_zh().contains(&agent_id()), "ID masked");
}

#[test]
fn art29_a_natural_persons_agent_needs_the_authorisation_too() {
    let found = codes(input("natural_person", "window", agent(&agent_id(), "")).check());
    assert_eq!(
        found,
        vec![(
            "representation.authorisation_sha256".to_owned(),
            "authorisation_required"
        )]
    );
    // Every agent field is checked, all reported together.
    let found = codes(
        input(
            "natural_person",
            "window",
            RepresentationInput {
                agent_name: " ".into(),
                ..agent("110105194912310028", "xyz")
            },
        )
        .check(),
    );
    let fields: Vec<&str> = found.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        fields,
        [
            "representation.agent_name",
            "representation.agent_id_number",
            "representation.authorisation_sha256"
        ]
    );
}

#[test]
fn art29_nobody_is_their_own_agent() {
    let found = codes(
        input(
            "natural_person",
            "window",
            agent(SAMPLE_ID, &"ab".repeat(32)),
        )
        .check(),
    );
    assert_eq!(
        found,
        vec![(
            "representation.agent_id_number".to_owned(),
            "agent_is_applicant"
        )]
    );
}

#[test]
fn on_behalf_needs_the_applicants_consent() {
    let rep = |consent: &str| RepresentationInput {
        kind: "on_behalf".into(),
        consent: consent.into(),
        ..RepresentationInput::default()
    };
    let found = codes(input("natural_person", "window", rep("")).check());
    assert_eq!(
        found,
        vec![("representation.consent".to_owned(), "consent_required")]
    );
    let found = codes(input("natural_person", "window", rep("nodded")).check());
    assert_eq!(found[0].1, "invalid_choice");
    let checked = input("natural_person", "window", rep("verbal_at_window"))
        .check()
        .unwrap();
    let clerk = StaffId::parse("CLERK").unwrap();
    let at = datetime!(2026-03-04 10:00 +08:00);
    let recorded = checked.representation.unwrap().record(&clerk, at);
    assert_eq!(
        recorded,
        Representation::OnBehalf {
            consent: ConsentMethod::VerbalAtWindow,
            consented_at: at,
            filed_by: clerk,
        }
    );
    let json = serde_json::to_value(&recorded).unwrap();
    assert_eq!(json["kind"], "on_behalf");
    assert_eq!(json["consent"], "verbal_at_window");
    assert_eq!(json["filed_by"], "CLERK");
}

#[test]
fn on_behalf_is_at_the_window_only_and_has_no_agent() {
    let rep = RepresentationInput {
        kind: "on_behalf".into(),
        consent: "signed_form".into(),
        agent_name: "李四".into(),
        ..RepresentationInput::default()
    };
    let found = codes(input("natural_person", "online", rep).check());
    let found: Vec<&str> = found.iter().map(|(_, c)| *c).collect();
    assert_eq!(found, ["on_behalf_window_only", "not_applicable"]);
}

#[test]
fn in_person_is_the_default_and_stray_fields_ask_for_the_kind() {
    let checked = input("natural_person", "window", RepresentationInput::default())
        .check()
        .unwrap();
    assert_eq!(checked.representation, None);
    let stray = RepresentationInput {
        consent: "signed_form".into(),
        ..RepresentationInput::default()
    };
    let found = codes(input("natural_person", "window", stray).check());
    assert_eq!(found, vec![("representation.kind".to_owned(), "required")]);
    let bad = RepresentationInput {
        kind: "proxy".into(),
        ..RepresentationInput::default()
    };
    assert_eq!(
        codes(input("organisation", "window", bad).check())[0].1,
        "invalid_choice"
    );
}

#[test]
fn receipts_before_issue_19_read_without_a_representation() {
    let on = time::macros::date!(2026 - 03 - 04);
    let mut events =
        super::testkit::Harness::received(on, super::testkit::item(20, 10, &[])).events;
    let before = serde_json::to_value(&events[0]).unwrap();
    assert!(before.get("representation").is_none());
    let clerk = StaffId::parse("CLERK").unwrap();
    let rep = RepresentationRequest::OnBehalf {
        consent: ConsentMethod::SignedForm,
    }
    .record(&clerk, datetime!(2026-03-04 10:00 +08:00));
    record_on_receipt(&mut events, &rep);
    let CaseEvent::Received(r) = &events[0] else {
        panic!()
    };
    assert_eq!(r.representation.as_ref(), Some(&rep));
}
