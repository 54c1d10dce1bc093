use super::*;
use time::macros::{date, datetime};

fn staff_event() -> Event {
    Event::StaffRegistered {
        staff: Staff {
            id: StaffId::parse("S-0001").unwrap(),
            jurisdiction: DivisionCode::parse("370100").unwrap(),
            department: DepartmentCode::parse("SPJ").unwrap(),
            name: "张三丰".into(),
            roles: vec![Role::Clerk],
        },
        since: date!(2018 - 12 - 20),
    }
}

#[test]
fn public_entry_carries_no_staff_name_but_commits_to_it() {
    let e = staff_event();
    let j = DivisionCode::parse("370100").unwrap();
    let sealed = e
        .seal(
            datetime!(2026-11-27 09:00 UTC),
            &j,
            &Actor::System("seed".into()),
            [7; 16],
        )
        .unwrap();
    let entry = String::from_utf8(sealed.entry.clone()).unwrap();
    assert!(!entry.contains("张三丰"), "{entry}");
    assert!(
        String::from_utf8(sealed.body.clone())
            .unwrap()
            .contains("张三丰")
    );
    let (env, back) = Event::open(&sealed.entry, &sealed.salt, &sealed.body).unwrap();
    assert_eq!(back, e);
    assert_eq!(env.kind, "org.staff_registered");
    assert_eq!(env.time, "2026-11-27T09:00:00Z");
}

#[test]
fn a_changed_body_breaks_the_commitment() {
    let j = DivisionCode::parse("370100").unwrap();
    let sealed = staff_event()
        .seal(
            datetime!(2026-11-27 09:00 UTC),
            &j,
            &Actor::System("seed".into()),
            [7; 16],
        )
        .unwrap();
    let forged = String::from_utf8(sealed.body)
        .unwrap()
        .replace("张三丰", "李四");
    assert!(matches!(
        Event::open(&sealed.entry, &sealed.salt, forged.as_bytes()),
        Err(EnvelopeError::Commitment)
    ));
}

#[test]
fn canonical_json_sorts_keys_at_every_depth() {
    let v = json!({"b": 1, "a": {"d": [true, null], "c": "x"}});
    assert_eq!(
        canonical_json(&v),
        br#"{"a":{"c":"x","d":[true,null]},"b":1}"#.to_vec()
    );
}

#[test]
fn serde_tag_matches_kind_for_every_variant_we_build() {
    let e = staff_event();
    let v = serde_json::to_value(&e).unwrap();
    assert_eq!(v["kind"], e.kind());
}

/// JSON values with nested objects, arrays, escapes and non-ASCII text.
fn json_value() -> impl proptest::strategy::Strategy<Value = Value> {
    use proptest::prelude::*;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "[a-z\\\\\"\\u{0}-\\u{1f}审批🔏]{0,8}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map("[a-zA-Z_审]{0,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest::proptest! {
    /// The entry written field by field is the canonical JSON of the whole envelope.
    #[test]
    fn envelope_bytes_are_the_canonical_json_of_the_envelope(
        v in proptest::prelude::any::<u16>(),
        kind in "[a-z._]{1,20}",
        time in "[0-9TZ:-]{0,25}",
        actor in "\\PC{0,12}",
        subject in proptest::collection::btree_map("[a-z_]{1,8}", "\\PC{0,10}", 0..4),
        payload in "[0-9a-f]{64}",
        public in json_value(),
    ) {
        let envelope = Envelope {
            v,
            kind,
            time,
            jurisdiction: DivisionCode::parse("370100").unwrap(),
            actor,
            subject,
            payload,
            public,
        };
        let tree = canonical_json(&serde_json::to_value(&envelope).unwrap());
        proptest::prop_assert_eq!(envelope.canonical_json(), tree);
    }
}

/// Free text a department or staff member typed stays in the body; the entry holds codes.
#[test]
fn typed_text_of_feedback_licences_and_refusals_stays_out_of_the_entry() {
    let j = DivisionCode::parse("370100").unwrap();
    let secret = "欧阳隐秘 13812345678";
    let fg = DepartmentCode::parse("FG").unwrap();
    let events = [
        Event::Feedback {
            feedback_id: "F-1".into(),
            department: fg.clone(),
            external_ref: secret.into(),
            body: Box::new(FeedbackBody::PolicyChange {
                law: secret.into(),
                articles: vec![secret.into()],
                summary: secret.into(),
                effective_on: date!(2026 - 12 - 01),
            }),
            impact: None,
        },
        Event::Licence {
            licence_id: "L-1".into(),
            event: Box::new(crate::licence::LicenceEvent::PenaltyRevoked {
                department: fg.clone(),
                decision_ref: secret.into(),
                on: date!(2026 - 12 - 01),
            }),
        },
        Event::LinkageRefused {
            department: fg,
            target: crate::linkage::refused_target("push", secret, &[1; 16]),
            code: "not_found".into(),
            target_salt: Some(hex::encode([1; 16])),
        },
    ];
    for e in events {
        let sealed = e
            .seal(
                datetime!(2026-11-27 09:00 UTC),
                &j,
                &Actor::System("t".into()),
                [7; 16],
            )
            .unwrap();
        let entry = String::from_utf8(sealed.entry.clone()).unwrap();
        assert!(
            !entry.contains("13812345678") && !entry.contains("欧阳"),
            "{entry}"
        );
        assert!(entry.contains("\"v\":2"), "{entry}");
        let (_, back) = Event::open(&sealed.entry, &sealed.salt, &sealed.body).unwrap();
        assert_eq!(back, e);
    }
}

/// A refusal recorded before version 2 (its target verbatim, no salt) still opens and replays.
#[test]
fn a_version_1_refusal_body_still_reads() {
    let body = br#"{"data":{"code":"not_found","department":"FG","target":"push:X-1"},"kind":"linkage.attempt_refused"}"#;
    let e: Event = serde_json::from_slice(body).unwrap();
    assert!(
        matches!(&e, Event::LinkageRefused { target, target_salt: None, .. } if target == "push:X-1"),
        "{e:?}"
    );
}
