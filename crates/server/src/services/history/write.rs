//! Writing a planned history: thousands of steps per writer command, the cases kept folded in
//! memory between steps and between commands (no case is read back from the database).

use std::collections::HashMap;
use std::sync::Arc;

use oneseal_domain::access::Principal;
use oneseal_domain::case::{CaseNumber, Command, QueryCode};
use oneseal_domain::catalog::BasicCode;
use oneseal_domain::event::Actor;
use oneseal_domain::linkage::{Claimant, FeedbackBody};
use oneseal_domain::org::{DepartmentCode, Role, StaffId};
use oneseal_store::{Store, Tx};

use super::plan::{Act, Place, Step, World};
use super::presign;
use super::shared::{Chunk, HistoryError, Keys, Shared, acting};
use crate::services::cases::documents::sealer;
use crate::services::cases::{IntakeRequest, Presigned, Working, act_on, intake_working};
use crate::services::commands::Meta;
use crate::services::linkage::pushes::{ClaimRequest, claim_push};
use crate::services::ratings::{NewRating, record_rating};

/// What was written.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Written {
    pub cases: u64,
    pub steps: u64,
    pub sealed: u64,
    pub claims: u64,
    pub ratings: u64,
    pub penalties: u64,
    /// Writer commands (each one transaction's worth of steps).
    pub batches: u64,
}

/// A case between its steps.
struct Live {
    /// The case folded; dropped after its last command (`Step::settled`), when only claims,
    /// ratings and penalties are left, which need no more than the fields below.
    working: Option<Working>,
    number: CaseNumber,
    item: BasicCode,
    code: QueryCode,
    push: Option<String>,
    licence: Option<String>,
}

/// Chunks in flight between the planner and the writer, per consumer: enough to keep the
/// signers a batch or two ahead, few enough to keep the memory bounded.
const AHEAD: usize = 2;

/// Writes `steps` (in time order) in writer commands of `batch` steps. The steps are taken
/// from the iterator on a thread of their own while the signers and the writer work, so only a
/// few batches are ever held (see `timeline`).
pub(super) fn write(
    store: &Store,
    world: Arc<World>,
    keys: &Keys,
    steps: impl Iterator<Item = Step> + Send,
    batch: usize,
) -> Result<Written, HistoryError> {
    let mut sealers = HashMap::new();
    for p in &world.places {
        let j = p.code.clone();
        let s = store
            .read_blocking(move |c| sealer(c, j.as_str()))
            .map_err(|e| HistoryError::Data(format!("the bureau's seal: {e}")))?;
        sealers.insert(p.code.clone(), s);
    }
    let shared = Arc::new(Shared {
        world,
        seals: keys.seals.clone(),
        secrets: keys.secrets.clone(),
    });
    std::thread::scope(|scope| {
        // The planner: cuts the steps into chunks and hands each to both signers and the writer.
        let (to_writer, chunks) = std::sync::mpsc::sync_channel::<Arc<Chunk>>(AHEAD);
        let mut to_signers = Vec::new();
        let mut signer_chunks = Vec::new();
        for _ in 0..2 {
            let (send, receive) = std::sync::mpsc::sync_channel::<Arc<Chunk>>(AHEAD);
            to_signers.push(send);
            signer_chunks.push(receive);
        }
        let world = &shared.world;
        let planner = scope.spawn(move || {
            let mut numbers = presign::Numbers::default();
            let mut steps = steps.peekable();
            while steps.peek().is_some() {
                let steps: Vec<Step> = steps.by_ref().take(batch).collect();
                let chunk = Arc::new(Chunk {
                    numbers: numbers.of(world, &steps)?,
                    steps,
                });
                for s in &to_signers {
                    if s.send(chunk.clone()).is_err() {
                        return Ok(());
                    }
                }
                if to_writer.send(chunk).is_err() {
                    return Ok(());
                }
            }
            Ok::<_, HistoryError>(())
        });
        // Two signers a batch or two ahead of the writer, each with half of the cases.
        let mut signed = Vec::new();
        for (half, chunks) in (0..2u32).zip(signer_chunks) {
            let (send, receive) = std::sync::mpsc::sync_channel(AHEAD);
            let (sh, sealers) = (&shared, &sealers);
            scope.spawn(move || {
                let mut shadow = presign::Shadow::default();
                for chunk in chunks {
                    let r = shadow.sign(sh, sealers, &chunk, |case| case % 2 == half);
                    // Let go of the chunk before the writer hears of it, so it can take the steps.
                    drop(chunk);
                    let stop = r.is_err();
                    if send.send(r).is_err() || stop {
                        break;
                    }
                }
            });
            signed.push(receive);
        }
        let mut live: HashMap<u32, Live> = HashMap::new();
        let mut written = Written::default();
        for chunk in chunks {
            let mut ahead: Vec<Vec<Presigned>> = chunk.steps.iter().map(|_| Vec::new()).collect();
            for r in &signed {
                let got = r
                    .recv()
                    .map_err(|_| HistoryError::Data("a signer stopped".into()))??;
                for (i, p) in got {
                    if let Some(slot) = ahead.get_mut(i) {
                        *slot = p;
                    }
                }
            }
            let sh = shared.clone();
            let steps = Arc::try_unwrap(chunk).map_or_else(|c| c.steps.clone(), |c| c.steps);
            let (back, w) = store.write_blocking(move |tx| {
                let mut w = Written::default();
                for (step, presigned) in steps.into_iter().zip(ahead) {
                    let (case, last, settled) = (step.case, step.last, step.settled);
                    run_step(tx, &sh, &mut live, step, presigned, &mut w)?;
                    // Keeps SQLite's sub-journal to one step's pages (`Tx::settle`).
                    tx.settle();
                    if last {
                        live.remove(&case);
                    } else if settled && let Some(l) = live.get_mut(&case) {
                        l.working = None;
                    }
                }
                Ok::<_, HistoryError>((live, w))
            })?;
            live = back;
            written.add(&w);
        }
        planner
            .join()
            .map_err(|_| HistoryError::Data("the planner failed".into()))??;
        Ok(written)
    })
}

impl Written {
    fn add(&mut self, w: &Written) {
        self.cases += w.cases;
        self.steps += w.steps;
        self.sealed += w.sealed;
        self.claims += w.claims;
        self.ratings += w.ratings;
        self.penalties += w.penalties;
        self.batches += 1;
    }
}

fn failed(case: u32, e: impl std::fmt::Display) -> HistoryError {
    HistoryError::Step {
        case,
        what: e.to_string(),
    }
}

/// The department supervising `item` here and the member of its staff who acts for it.
fn supervisor(place: &Place, item: &BasicCode) -> Option<(DepartmentCode, StaffId)> {
    let dept = place
        .demand
        .iter()
        .find(|d| d.item.basic_code == *item)
        .map(|d| d.item.supervising_department.clone())?;
    place
        .roster
        .supervisors
        .iter()
        .find(|(d, _)| *d == dept)
        .map(|(_, s)| (dept, s.clone()))
}

fn run_step(
    tx: &mut Tx<'_>,
    sh: &Shared,
    live: &mut HashMap<u32, Live>,
    step: Step,
    presigned: Vec<Presigned>,
    w: &mut Written,
) -> Result<(), HistoryError> {
    let case = step.case;
    let place = sh
        .world
        .places
        .get(step.place)
        .ok_or_else(|| failed(case, "no such place"))?;
    w.steps += 1;
    match step.act {
        Act::Tick => {
            crate::background::rules_runner::prepare(tx, step.at).map_err(|e| failed(case, e))?;
        }
        Act::Runner => {
            crate::background::linkage_runner::run_due_in(tx, &sh.world.calendar, step.at)
                .map_err(|e| failed(case, e))?;
        }
        Act::Intake {
            staff,
            item,
            channel,
            applicant,
            materials,
        } => {
            let item = place
                .demand
                .get(item)
                .ok_or_else(|| failed(case, "no such item"))?
                .item
                .clone();
            let mut random = [0u8; QueryCode::RANDOM_BYTES];
            getrandom::fill(&mut random).map_err(|e| failed(case, e))?;
            let code = QueryCode::from_random(random);
            let who = acting(sh, place, staff, Role::Clerk, step.at);
            let req = IntakeRequest {
                item,
                joint_handling: false,
                channel,
                applicant,
                materials,
                licence: None,
                submitted_at: None,
                address: None,
                bundle: None,
                commitment: false,
                representation: None,
            };
            let (working, _) = intake_working(tx, &who, req, &code).map_err(|e| failed(case, e))?;
            live.insert(
                case,
                Live {
                    number: working.number().clone(),
                    item: working.case().received().item.basic_code.clone(),
                    working: Some(working),
                    code,
                    push: None,
                    licence: None,
                },
            );
            w.cases += 1;
        }
        Act::Command {
            staff,
            role,
            command,
        } => {
            let l = live
                .get_mut(&case)
                .ok_or_else(|| failed(case, "step before intake"))?;
            let working = l
                .working
                .as_mut()
                .ok_or_else(|| failed(case, "step after the last command"))?;
            let who = acting(sh, place, staff, role, step.at);
            let decides = matches!(command, Command::Decide { .. });
            let out = act_on(tx, &who, working, command, &sh.seals, presigned)
                .map_err(|e| failed(case, e))?;
            if let Some(s) = &out.sealed {
                w.sealed += 1;
                if s.license_id.is_some() {
                    l.licence.clone_from(&s.license_id);
                }
            }
            if decides {
                l.push = out.pushes.into_iter().next();
            }
        }
        Act::Claim => {
            let l = live
                .get(&case)
                .ok_or_else(|| failed(case, "claim before intake"))?;
            let Some(push) = l.push.clone() else {
                return Ok(());
            };
            let Some((dept, staff)) = supervisor(place, &l.item) else {
                return Ok(());
            };
            let principal = Principal {
                staff: Some(staff.clone()),
                token: None,
                jurisdiction: place.code.clone(),
                department: dept,
                roles: vec![Role::DepartmentSupervisor],
                scopes: None,
            };
            let req = ClaimRequest {
                push_id: push,
                idempotency_key: None,
                claimant: Claimant::Staff(staff.clone()),
                actor: Actor::Staff(staff),
                now: step.at,
            };
            claim_push(tx, &principal, req).map_err(|e| failed(case, e))?;
            w.claims += 1;
        }
        Act::Rate {
            level,
            channel,
            comment,
        } => {
            let l = live
                .get(&case)
                .ok_or_else(|| failed(case, "rating before intake"))?;
            let rating = NewRating {
                case: l.number.clone(),
                code: l.code.as_str().to_owned(),
                level,
                channel,
                comment,
            };
            record_rating(tx, &sh.secrets, &sh.world.calendar, step.at, rating)
                .map_err(|e| failed(case, e))?;
            w.ratings += 1;
        }
        Act::Penalty { revokes } => {
            let l = live
                .get(&case)
                .ok_or_else(|| failed(case, "penalty before intake"))?;
            let Some(licence_id) = l.licence.clone() else {
                return Ok(());
            };
            let Some((dept, staff)) = supervisor(place, &l.item) else {
                return Ok(());
            };
            let meta = Meta {
                time: step.at,
                jurisdiction: place.code.clone(),
                actor: Actor::Staff(staff),
            };
            let year = oneseal_domain::case::legal_date(step.at).year();
            let body = FeedbackBody::Penalty {
                licence_id,
                decision_ref: format!("{}罚〔{year}〕{}号", dept.as_str(), case % 10_000),
                summary: if revokes {
                    "经查存在严重违法行为，依法吊销许可证件".into()
                } else {
                    "经查存在违法行为，依法给予警告并处罚款".into()
                },
                revokes,
            };
            crate::services::linkage::feedback::submit_feedback(
                tx,
                &meta,
                &dept,
                &format!("CF{year}-{case:07}"),
                body,
            )
            .map_err(|e| failed(case, e))?;
            w.penalties += 1;
        }
    }
    Ok(())
}
