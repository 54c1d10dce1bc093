//! The plan in time order, without holding all of it: a year's history of a million cases is
//! about seven million steps, more than the machine's memory would hold beside the rest.
//!
//! Each case's steps all fall on or after the day it arrives, and which day that is comes from
//! the first two draws of its own random stream (`plan::arrival`), so the timeline first learns
//! every case's day (four bytes a case), then plans the cases one arrival day at a time and
//! merges their steps in a heap: a step earlier than the next arrival day can no longer be
//! preceded by anything unplanned, so it is handed on. What is held is the steps not yet due of
//! the cases planned so far, i.e. of the open cases, whatever the number of cases.
//!
//! The order is the one a stable sort of the whole plan by (time, case) gave — cases in index
//! order, each in its own order, then the days' own steps, then any staged case — so the same
//! seed gives the same history as when the plan was sorted at once.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use time::{Date, OffsetDateTime};

use super::plan::{self, Step, World};

/// A planned step waiting for its turn.
struct Queued {
    at: OffsetDateTime,
    case: u32,
    /// Order of queuing: keeps a case's steps of the same minute in the case's own order.
    order: u64,
    step: Step,
}

impl Queued {
    fn key(&self) -> (OffsetDateTime, u32, u64) {
        (self.at, self.case, self.order)
    }
}

impl PartialEq for Queued {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl Eq for Queued {}
impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Queued {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

/// Every step of cases `0..cases` and of the days, in time order, planned as it is needed.
pub struct Timeline<'a> {
    world: &'a World,
    days: Vec<Date>,
    /// The cases arriving on each of `days`, in index order; emptied once planned.
    arrivals: Vec<Vec<u32>>,
    /// The next day of `days` whose arrivals are not planned yet.
    next_day: usize,
    queue: BinaryHeap<Reverse<Queued>>,
    order: u64,
    /// The most steps held at once (for the report).
    pub most_held: usize,
}

impl<'a> Timeline<'a> {
    /// The timeline of cases `0..cases` and the days' own steps (the rules' tick, the linkage
    /// runner), with `extra` steps (the staged case, numbered after the others) merged in.
    pub fn new(world: &'a World, cases: u32, extra: Vec<Step>) -> Self {
        let days = plan::working_days(
            &world.calendar,
            world.first_day,
            oneseal_domain::case::legal_date(world.end),
        );
        let mut arrivals: Vec<Vec<u32>> = vec![Vec::new(); days.len()];
        for i in 0..cases {
            if let Some(list) = plan::arrival(world, &days, i).and_then(|d| arrivals.get_mut(d)) {
                list.push(i);
            }
        }
        let mut t = Self {
            world,
            days,
            arrivals,
            next_day: 0,
            queue: BinaryHeap::new(),
            order: 0,
            most_held: 0,
        };
        // Neither the days' steps nor `extra` share a case with the numbered cases, and the
        // order only breaks ties within one case, so queuing them first changes nothing.
        for s in plan::day_steps(world).into_iter().chain(extra) {
            t.queue(s);
        }
        t
    }

    fn queue(&mut self, step: Step) {
        self.order += 1;
        self.queue.push(Reverse(Queued {
            at: step.at,
            case: step.case,
            order: self.order,
            step,
        }));
    }

    /// Plans the cases arriving on the next day; false when every day is planned.
    fn plan_next_day(&mut self) -> bool {
        let Some(list) = self.arrivals.get_mut(self.next_day) else {
            return false;
        };
        let list = std::mem::take(list);
        self.next_day += 1;
        for i in list {
            for s in plan::plan_case(self.world, &self.days, i) {
                self.queue(s);
            }
        }
        self.most_held = self.most_held.max(self.queue.len());
        true
    }
}

impl Iterator for Timeline<'_> {
    type Item = Step;

    fn next(&mut self) -> Option<Step> {
        loop {
            // No case planned later has a step before its arrival day.
            let horizon = self.days.get(self.next_day).map(|d| plan::at(*d, 0));
            let due = match (self.queue.peek(), horizon) {
                (Some(Reverse(q)), Some(h)) => q.at < h,
                (Some(_), None) => true,
                (None, _) => false,
            };
            if due {
                return self.queue.pop().map(|Reverse(q)| q.step);
            }
            if !self.plan_next_day() {
                return None;
            }
        }
    }
}
