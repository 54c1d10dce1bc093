//! Which single event imposes a ban of Art. 78–79, decided from that event and the receipt of
//! the case it belongs to (the item as the case pinned it, so a later catalog change does not
//! move a ban).
//!
//! Why one event at a time: the store records each ban as a row when its event is written
//! (`store::applicants`, the `applicant_bans` projection), so intake reads an applicant's few
//! bans for an item instead of folding every earlier case of theirs, which made intake slower
//! with each case an applicant had filed. The history-wide [`super::art78_ban`] and these give
//! the same bans: the store keeps the first ban of each article per case, as `art78_ban` keeps
//! the first answer for false materials.

use crate::licence::LicenceEvent;
use crate::licence::ban::{Ban, BanArticle};

use super::event::{CaseEvent, Received};
use super::false_materials::{bears_on_safety, false_materials_at};

/// The Art. 78 ban `event`, a step of the case received as `received`, imposes on its
/// applicant: a non-acceptance for false materials, or a refusal marked so, on an item bearing
/// on public safety.
#[must_use]
pub fn ban_by_step(received: &Received, event: &CaseEvent) -> Option<Ban> {
    if !bears_on_safety(received) {
        return None;
    }
    let on = false_materials_at(event)?;
    Some(Ban::new(
        BanArticle::Art78,
        received.item.basic_code.to_string(),
        on,
    ))
}

/// The Art. 79 ban `event` imposes on the holder of the licence the case received as
/// `received` was granted: a revocation for deception or bribery (flagged `fraud`, or one of
/// Art. 69 para 2's grounds), on an item bearing on public safety.
#[must_use]
pub fn ban_by_licence_event(received: &Received, event: &LicenceEvent) -> Option<Ban> {
    let LicenceEvent::Revoked {
        fraud, ground, on, ..
    } = event
    else {
        return None;
    };
    if !(*fraud || ground.is_some_and(|g| g.is_fraud())) || !bears_on_safety(received) {
        return None;
    }
    Some(Ban::new(
        BanArticle::Art79,
        received.item.basic_code.to_string(),
        *on,
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use time::Date;
    use time::macros::date;

    use super::super::testkit::*;
    use super::super::*;
    use super::*;
    use crate::licence::RevocationGround;

    const MON: Date = date!(2026 - 03 - 02);
    const TUE: Date = date!(2026 - 03 - 03);

    fn safety_item() -> ItemSnapshot {
        let mut item = item(20, 10, &[]);
        item.legal = Some(crate::catalog::LegalSettings {
            public_safety: Some("《中华人民共和国行政许可法》第七十八条".into()),
            ..crate::catalog::LegalSettings::default()
        });
        item
    }

    fn receipt(h: &Harness) -> Received {
        h.case().received().clone()
    }

    /// Every ban the history's events impose one at a time, in order.
    fn step_bans(h: &Harness) -> Vec<Ban> {
        let r = receipt(h);
        h.events.iter().filter_map(|e| ban_by_step(&r, e)).collect()
    }

    fn false_materials() -> Command {
        Command::RefuseAcceptance {
            outcome: NonAcceptance::FalseMaterials {
                reasons: Reasons::new(vec!["营业执照系伪造".into()]).unwrap(),
                remedies: remedies(),
            },
        }
    }

    fn decided(refusal: Option<Refusal>) -> Harness {
        let mut h = Harness::received(MON, safety_item());
        h.run(CLERK, MON, Command::Accept);
        h.run(REVIEWER_A, MON, review(ReviewKind::InitialReview, true));
        h.run(REVIEWER_B, MON, review(ReviewKind::Review, true));
        let decision = refusal.map_or(Decision::APPROVE, Decision::Refuse);
        h.run(APPROVER, TUE, Command::Decide { decision });
        h
    }

    fn revoked(fraud: bool, ground: Option<RevocationGround>) -> LicenceEvent {
        LicenceEvent::Revoked {
            reason: "经查".into(),
            fraud,
            by: staff(APPROVER),
            on: TUE,
            ground,
            compensation: Some(false),
        }
    }

    #[test]
    fn a_non_acceptance_for_false_materials_is_the_one_step_that_bans_and_as_the_history_does() {
        let mut h = Harness::received(MON, safety_item());
        h.run(CLERK, TUE, false_materials());
        let bans = step_bans(&h);
        assert_eq!(bans.len(), 1, "{bans:?}");
        assert_eq!(bans[0].article, BanArticle::Art78);
        assert_eq!((bans[0].since, bans[0].until), (TUE, date!(2027 - 03 - 03)));
        assert_eq!(bans[0].item_code, safety_item().basic_code.to_string());
        assert_eq!(Some(bans[0].clone()), art78_ban(&h.events));
        // The receipt alone bans nobody.
        assert_eq!(ban_by_step(&receipt(&h), &h.events[0]), None);
    }

    #[test]
    fn a_refusal_marked_false_materials_bans_and_other_decisions_do_not() {
        let marked = Refusal::new(vec!["材料虚假".into()], remedies())
            .unwrap()
            .for_false_materials();
        let h = decided(Some(marked));
        let bans = step_bans(&h);
        assert_eq!(bans.len(), 1, "{bans:?}");
        assert_eq!((bans[0].article, bans[0].since), (BanArticle::Art78, TUE));
        assert_eq!(Some(bans[0].clone()), art78_ban(&h.events));
        let plain = Refusal::new(vec!["条件不符".into()], remedies()).unwrap();
        assert_eq!(step_bans(&decided(Some(plain))), []);
        assert_eq!(step_bans(&decided(None)), []);
    }

    #[test]
    fn nothing_bans_on_an_item_not_bearing_on_safety_or_on_other_grounds() {
        let mut plain = Harness::received(MON, item(20, 10, &[]));
        plain.run(CLERK, TUE, false_materials());
        assert_eq!(step_bans(&plain), []);
        let mut other = Harness::received(MON, safety_item());
        other.run(
            CLERK,
            TUE,
            Command::RefuseAcceptance {
                outcome: NonAcceptance::NotCompetent {
                    reasons: Reasons::new(vec!["属省级权限".into()]).unwrap(),
                    competent_authority: "山东省市场监督管理局".into(),
                    remedies: remedies(),
                },
            },
        );
        assert_eq!(step_bans(&other), []);
        let r = receipt(&plain);
        assert_eq!(ban_by_licence_event(&r, &revoked(true, None)), None);
    }

    #[test]
    fn a_revocation_for_deception_or_bribery_bans_the_holder_for_three_years() {
        let r = receipt(&decided(None));
        for event in [
            revoked(true, None),
            revoked(false, Some(RevocationGround::Deception)),
            revoked(false, Some(RevocationGround::Bribery)),
        ] {
            let ban = ban_by_licence_event(&r, &event).unwrap();
            assert_eq!(ban.article, BanArticle::Art79);
            assert_eq!((ban.since, ban.until), (TUE, date!(2029 - 03 - 03)));
            assert!(ban.bars(r.item.basic_code.as_str(), date!(2029 - 03 - 02)));
        }
        // Revoked on another ground of Art. 69, or ended otherwise: no ban.
        assert_eq!(
            ban_by_licence_event(&r, &revoked(false, Some(RevocationGround::AbuseOfPower))),
            None
        );
        assert_eq!(ban_by_licence_event(&r, &revoked(false, None)), None);
        let withdrawn = LicenceEvent::Withdrawn {
            reason: "法规修改".into(),
            by: staff(APPROVER),
            on: TUE,
        };
        assert_eq!(ban_by_licence_event(&r, &withdrawn), None);
    }
}
