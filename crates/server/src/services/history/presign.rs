//! Signing ahead of the writer. An SM2 signature costs about as much as the rest of a sealed
//! step, so the writer would spend half its time signing; instead two threads follow the plan a
//! batch ahead, each with its own half of the cases folded in memory, and sign every document
//! the steps will issue, exactly as the HTTP path presigns (`documents::presign_with`). The
//! writer still builds each document itself and uses a signature only when it was made for the
//! same bytes, seal and second (`Draft::matches`); otherwise it signs, so a wrong guess here
//! costs time, never a wrong seal.
//!
//! The documents name the case number, which the store hands out at intake: in an empty
//! database the numbers are the jurisdiction's daily serials in plan order ([`Numbers`]), and
//! the writer checks each intake against them.

use std::collections::HashMap;

use oneseal_domain::case::{
    Case, CaseContext, CaseNumber, Intake, ItemSnapshot, QueryCode, StoredQueryCode, legal_date,
};
use oneseal_domain::org::DivisionCode;

use super::plan::{Act, Step, World};
use super::shared::{Chunk, HistoryError, Shared, acting};
use crate::services::cases::Presigned;
use crate::services::cases::documents::{Sealer, presign_with};

/// The case numbers the store will give the plan's intakes: each jurisdiction's daily serials,
/// counted over the chunks in their order.
#[derive(Default)]
pub(super) struct Numbers {
    /// The last serial given per (place, day); days before the latest one are dropped.
    serials: HashMap<(usize, time::Date), u32>,
}

impl Numbers {
    /// The numbers of `steps`' intakes, by case.
    pub(super) fn of(
        &mut self,
        world: &World,
        steps: &[Step],
    ) -> Result<HashMap<u32, CaseNumber>, HistoryError> {
        let mut out = HashMap::new();
        for s in steps {
            if !matches!(s.act, Act::Intake { .. }) {
                continue;
            }
            let day = legal_date(s.at);
            // Steps come in time order: no intake falls on an earlier day any more.
            self.serials.retain(|(_, d), _| *d >= day);
            let serial = self.serials.entry((s.place, day)).or_insert(0);
            *serial += 1;
            let place = world
                .places
                .get(s.place)
                .ok_or_else(|| HistoryError::Data("no such place".into()))?;
            let n = CaseNumber::new(&place.code, day, *serial)
                .map_err(|e| HistoryError::Data(e.to_string()))?;
            out.insert(s.case, n);
        }
        Ok(out)
    }
}

/// One signer's cases, folded as the writer will have them.
#[derive(Default)]
pub(super) struct Shadow {
    cases: HashMap<u32, Case>,
}

/// The signatures of one batch's documents, by the step's position in the batch.
pub(super) type Signed = Vec<(usize, Vec<Presigned>)>;

impl Shadow {
    /// Follows `chunk` for the cases `mine` selects and signs what their steps will seal.
    pub(super) fn sign(
        &mut self,
        sh: &Shared,
        sealers: &HashMap<DivisionCode, Sealer>,
        chunk: &Chunk,
        mine: impl Fn(u32) -> bool,
    ) -> Result<Signed, HistoryError> {
        let mut out = Vec::new();
        for (i, step) in chunk.steps.iter().enumerate() {
            if !mine(step.case) {
                continue;
            }
            let Some(place) = sh.world.places.get(step.place) else {
                continue;
            };
            match &step.act {
                Act::Intake {
                    staff,
                    item,
                    channel,
                    applicant,
                    materials,
                } => {
                    let (Some(number), Some(demand)) =
                        (chunk.numbers.get(&step.case), place.demand.get(*item))
                    else {
                        continue;
                    };
                    let intake = Intake {
                        case_number: number.clone(),
                        // The code is never in a document; the writer draws the real one.
                        query_code: StoredQueryCode::Plain(QueryCode::from_random(
                            [0; QueryCode::RANDOM_BYTES],
                        )),
                        channel: *channel,
                        item: ItemSnapshot::from_item(&demand.item, false),
                        applicant: applicant.clone(),
                        materials: materials.clone(),
                        address: None,
                    };
                    let ctx = CaseContext {
                        actor: staff.clone(),
                        roles: vec![oneseal_domain::org::Role::Clerk],
                        now: step.at,
                        calendar: &sh.world.calendar,
                    };
                    if let Ok(case) = Case::receive(intake, &ctx).and_then(|e| Case::apply(&e)) {
                        self.cases.insert(step.case, case);
                    }
                }
                Act::Command {
                    staff,
                    role,
                    command,
                } => {
                    let (Some(case), Some(sealer)) =
                        (self.cases.get_mut(&step.case), sealers.get(&place.code))
                    else {
                        continue;
                    };
                    let who = acting(sh, place, staff.clone(), *role, step.at);
                    let Ok(events) = case.handle(command.clone(), &who.ctx()) else {
                        continue;
                    };
                    let mut signed = Vec::new();
                    for e in &events {
                        if case.evolve(e).is_err() {
                            break;
                        }
                        let p = presign_with(sealer, &who, case, e, &sh.seals)
                            .map_err(|e| HistoryError::Data(format!("presigning: {e}")))?;
                        signed.extend(p);
                    }
                    if !signed.is_empty() {
                        out.push((i, signed));
                    }
                }
                _ => {}
            }
            if step.last || step.settled {
                self.cases.remove(&step.case);
            }
        }
        Ok(out)
    }
}
