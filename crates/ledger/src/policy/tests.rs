use super::*;
use crate::cosignature::CosignatureSigner;
use crate::note::Ed25519Signer;

const ORIGIN: &str = "example.com/approvals/2026h1";

fn log_signer() -> Ed25519Signer {
    Ed25519Signer::from_seed(ORIGIN, &[1; 32]).unwrap()
}

fn cosigner(i: u8) -> CosignatureSigner {
    CosignatureSigner::from_seed(&format!("witness{i}.example"), &[10 + i; 32]).unwrap()
}

fn example_policy() -> String {
    let w = |i: u8| cosigner(i).verifier_key().to_string();
    format!(
        "# the spec's two-level example\nlog {log} https://log.example/\n\nwitness X1 {x1}\nwitness X2 {x2}\t https://x2.example/\nwitness X3 {x3}\ngroup X-witnesses 2 X1 X2 X3\n\n  witness Y1 {y1}\nwitness Y2 {y2}\nwitness Y3 {y3}\ngroup Y-witnesses any Y1 Y2 Y3\n\ngroup X-and-Y all X-witnesses Y-witnesses\nquorum X-and-Y\n",
        log = log_signer().verifier_key(),
        x1 = w(1),
        x2 = w(2),
        x3 = w(3),
        y1 = w(4),
        y2 = w(5),
        y3 = w(6),
    )
}

fn set<'a>(names: &[&'a str]) -> BTreeSet<&'a str> {
    names.iter().copied().collect()
}

#[test]
fn spec_example_policy_parses_with_groups_and_urls() {
    let p = Policy::parse(example_policy().as_bytes()).unwrap();
    assert_eq!(p.logs().len(), 1);
    assert_eq!(p.logs()[0].url.as_deref(), Some("https://log.example/"));
    assert_eq!(p.witnesses().len(), 6);
    assert_eq!(p.witnesses()[1].url.as_deref(), Some("https://x2.example/"));
    assert_eq!(p.groups().len(), 3);
    assert_eq!(p.groups()[0].threshold, 2);
    assert_eq!(p.groups()[1].threshold, 1);
    assert_eq!(p.groups()[2].threshold, 2);
    assert_eq!(p.quorum(), Some("X-and-Y"));
}

#[test]
fn quorum_needs_two_x_and_one_y() {
    let p = Policy::parse(example_policy().as_bytes()).unwrap();
    assert!(p.quorum_satisfied(&set(&["X1", "X3", "Y2"])));
    assert!(!p.quorum_satisfied(&set(&["X1", "Y1", "Y2", "Y3"])));
    assert!(!p.quorum_satisfied(&set(&["X1", "X2", "X3"])));
    assert!(!p.quorum_satisfied(&set(&[])));
    // Group names in the set do not count as cosignatures.
    assert!(!p.quorum_satisfied(&set(&["X-witnesses", "Y-witnesses"])));
}

#[test]
fn quorum_none_needs_no_cosignature() {
    let text = format!("log {}\nquorum none\n", log_signer().verifier_key());
    let p = Policy::parse(text.as_bytes()).unwrap();
    assert_eq!(p.quorum(), None);
    assert!(p.quorum_satisfied(&set(&[])));
}

type ErrorCheck = fn(&PolicyError) -> bool;

#[test]
fn malformed_policies_are_refused() {
    let log = log_signer().verifier_key().to_string();
    let w1 = cosigner(1).verifier_key().to_string();
    let w2 = cosigner(2).verifier_key().to_string();
    let same_key_other_name = CosignatureSigner::from_seed("elsewhere", &[11; 32])
        .unwrap()
        .verifier_key()
        .to_string();
    let cases: Vec<(String, ErrorCheck)> = vec![
        (format!("log {log}\n"), |e| *e == PolicyError::NoQuorum),
        ("quorum none\nquorum none\n".into(), |e| {
            matches!(e, PolicyError::Syntax { line: 2, .. })
        }),
        ("quorum W\n".into(), |e| {
            matches!(e, PolicyError::UndefinedName { .. })
        }),
        ("frobnicate\nquorum none\n".into(), |e| {
            matches!(e, PolicyError::Syntax { line: 1, .. })
        }),
        (format!("log {w1}\nquorum none\n"), |e| {
            matches!(
                e,
                PolicyError::Key {
                    source: VkeyError::UnsupportedType(4),
                    ..
                }
            )
        }),
        (format!("witness W {log}\nquorum none\n"), |e| {
            matches!(
                e,
                PolicyError::Key {
                    source: VkeyError::UnsupportedType(1),
                    ..
                }
            )
        }),
        (format!("log {log}\nlog {log}\nquorum none\n"), |e| {
            matches!(e, PolicyError::DuplicateKey { line: 2 })
        }),
        (
            format!("witness A {w1}\nwitness B {same_key_other_name}\nquorum none\n"),
            |e| matches!(e, PolicyError::DuplicateKey { line: 2 }),
        ),
        (format!("witness A {w1}\nwitness A {w2}\nquorum A\n"), |e| {
            matches!(e, PolicyError::DuplicateName { .. })
        }),
        (format!("witness none {w1}\nquorum none\n"), |e| {
            matches!(e, PolicyError::DuplicateName { .. })
        }),
        (
            format!("witness A {w1}\ngroup G any A B\nwitness B {w2}\nquorum G\n"),
            |e| matches!(e, PolicyError::UndefinedName { line: 2, .. }),
        ),
        (
            format!("witness A {w1}\ngroup G any A none\nquorum G\n"),
            |e| matches!(e, PolicyError::UndefinedName { .. }),
        ),
        (
            format!("witness A {w1}\ngroup G any A\ngroup H any A\nquorum H\n"),
            |e| matches!(e, PolicyError::MemberReused { line: 3, .. }),
        ),
        (
            format!("witness A {w1}\ngroup G all A A\nquorum G\n"),
            |e| matches!(e, PolicyError::MemberReused { .. }),
        ),
        (format!("witness A {w1}\ngroup G 0 A\nquorum G\n"), |e| {
            matches!(e, PolicyError::Syntax { .. })
        }),
        (format!("witness A {w1}\ngroup G 2 A\nquorum G\n"), |e| {
            matches!(e, PolicyError::Syntax { .. })
        }),
        (format!("witness A {w1}\ngroup G 01 A\nquorum G\n"), |e| {
            matches!(e, PolicyError::Syntax { .. })
        }),
        (format!("witness A {w1}\ngroup G any\nquorum G\n"), |e| {
            matches!(e, PolicyError::Syntax { .. })
        }),
        (format!("log {log} url extra\nquorum none\n"), |e| {
            matches!(e, PolicyError::Syntax { .. })
        }),
        ("quorum none extra\n".into(), |e| {
            matches!(e, PolicyError::Syntax { .. })
        }),
        ("quorum none\r\n".into(), |e| {
            *e == PolicyError::BadCharacter
        }),
        ("quorum\u{0} none\n".into(), |e| {
            *e == PolicyError::BadCharacter
        }),
    ];
    for (text, check) in cases {
        let err = Policy::parse(text.as_bytes()).unwrap_err();
        assert!(check(&err), "{text:?} gave {err:?}");
    }
    assert_eq!(
        Policy::parse(b"quorum none\n\xff\n"),
        Err(PolicyError::NotUtf8)
    );
}

#[test]
fn comments_whitespace_and_a_missing_final_newline_are_fine() {
    let text = format!(
        " \t# comment\n\n\tlog\t{}  \n# quorum X\nquorum none",
        log_signer().verifier_key()
    );
    assert!(Policy::parse(text.as_bytes()).is_ok());
}

#[test]
fn too_many_entries_are_refused_not_recursed_into() {
    let mut text = String::new();
    text.push_str(&format!("witness W0 {}\n", cosigner(0).verifier_key()));
    text.push_str("group G0 any W0\n");
    for i in 1..=MAX_ENTRIES {
        text.push_str(&format!("group G{i} any G{}\n", i - 1));
    }
    text.push_str("quorum G1\n");
    assert!(matches!(
        Policy::parse(text.as_bytes()),
        Err(PolicyError::Syntax { .. })
    ));
}

fn cosigned_checkpoint(witnesses: &[u8]) -> Note {
    let cp = Checkpoint::new(ORIGIN, 10, [3; 32]).unwrap();
    let mut note = cp.sign(&[&log_signer()]).unwrap();
    for i in witnesses {
        cosigner(*i)
            .cosign_note(&mut note, 1_780_000_000 + u64::from(*i))
            .unwrap();
    }
    note
}

#[test]
fn checkpoint_meeting_the_quorum_verifies() {
    let p = Policy::parse(example_policy().as_bytes()).unwrap();
    let ok = p
        .verify_checkpoint(cosigned_checkpoint(&[1, 3, 5]).to_text().as_bytes())
        .unwrap();
    assert_eq!(ok.checkpoint.size(), 10);
    let names: Vec<&str> = ok.cosigned_by.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["X1", "X3", "Y2"]);
    assert_eq!(ok.newest_cosignature(), Some(1_780_000_005));
}

#[test]
fn checkpoint_short_of_the_quorum_fails() {
    let p = Policy::parse(example_policy().as_bytes()).unwrap();
    assert_eq!(
        p.verify_note(&cosigned_checkpoint(&[1, 4, 5, 6])),
        Err(PolicyError::QuorumNotMet)
    );
}

#[test]
fn unknown_cosigners_are_ignored_but_bad_known_ones_reject() {
    let p = Policy::parse(example_policy().as_bytes()).unwrap();
    // Witness 9 is not in the policy.
    assert!(p.verify_note(&cosigned_checkpoint(&[1, 2, 9, 4])).is_ok());
    // A cosignature by X1's key over another checkpoint.
    let mut note = cosigned_checkpoint(&[2, 4]);
    let other = Checkpoint::new(ORIGIN, 11, [3; 32]).unwrap();
    note.add_signature(cosigner(1).cosign(&other.to_text(), 5).unwrap())
        .unwrap();
    assert!(matches!(
        p.verify_note(&note),
        Err(PolicyError::Note(NoteError::InvalidSignature { .. }))
    ));
}

#[test]
fn checkpoint_needs_the_policy_log_under_its_origin() {
    let p = Policy::parse(example_policy().as_bytes()).unwrap();
    // Cosigned only, no log signature.
    let cp = Checkpoint::new(ORIGIN, 10, [3; 32]).unwrap();
    let mut note = cp.to_note().unwrap();
    for i in [1, 2, 4] {
        cosigner(i).cosign_note(&mut note, 1).unwrap();
    }
    assert_eq!(p.verify_note(&note), Err(PolicyError::NoLogSignature));
    // Signed by the log key, but for another origin.
    let other = Checkpoint::new("example.com/test-log", 10, [3; 32]).unwrap();
    let mut note = other.sign(&[&log_signer()]).unwrap();
    for i in [1, 2, 4] {
        cosigner(i).cosign_note(&mut note, 1).unwrap();
    }
    assert_eq!(p.verify_note(&note), Err(PolicyError::NoLogSignature));
}
