//! Service ratings (好差评): the applicant rates a closed case once, with its query code and no
//! sign-in; a bad rating is due for rectification within 15 working days, which the bureau head
//! closes with what was done. The bureau's list and the dashboard's counts read the same rows.

use std::collections::HashMap;
use std::sync::Arc;

use oneseal_domain::calendar::{Calendar, CalendarError, TimeLimit};
use oneseal_domain::case::{CaseNumber, legal_date};
use oneseal_domain::event::{Actor, Event};
use oneseal_domain::org::{DivisionCode, StaffId};
use oneseal_domain::rating::{RECTIFICATION_DAYS, RatingChannel, RatingLevel};
use oneseal_store::{Conn, Store, StoreError};
use time::{Date, OffsetDateTime};

pub use oneseal_store::ratings::{RatingKey, RatingRow};

use crate::services::case_secrets::CaseSecrets;
use crate::services::commands::Meta;
use crate::services::paging::{Direction, PageCursor, PageLinks, PagingError};

/// The longest comment an applicant may leave, in characters.
pub const MAX_COMMENT_CHARS: usize = 500;

/// Why a rating or a rectification was refused.
#[derive(Debug, thiserror::Error)]
pub enum RatingError {
    #[error("the comment is limited to {MAX_COMMENT_CHARS} characters")]
    CommentTooLong,
    /// No rating level chosen (the form preselects none), or one that is not a level.
    #[error("choose a rating level")]
    LevelRequired,
    /// No such case, or the query code does not match: the applicant cannot tell which.
    #[error("no such case")]
    CaseNotFound,
    #[error("the case is not closed")]
    CaseNotClosed,
    #[error("the case has already been rated")]
    AlreadyRated,
    /// The rectification's due date falls in a year whose calendar is not loaded.
    #[error(transparent)]
    Calendar(CalendarError),
    #[error("no such rating")]
    RatingNotFound,
    #[error("no open rectification for this rating")]
    NoOpenRectification,
    #[error("stored case: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// An applicant's rating as submitted.
#[derive(Debug, Clone)]
pub struct NewRating {
    pub case: CaseNumber,
    pub code: String,
    pub level: RatingLevel,
    pub channel: RatingChannel,
    pub comment: String,
}

/// What a recorded rating gave.
#[derive(Debug, Clone)]
pub struct Submitted {
    pub ledger_index: u64,
    pub level: RatingLevel,
    pub rectification_due: Option<Date>,
}

/// The level the applicant chose (its code); nothing chosen, or no level by that code, is
/// [`RatingError::LevelRequired`]: the form offers no default, so that a rating is never one
/// the applicant did not pick.
pub fn parse_level(code: Option<&str>) -> Result<RatingLevel, RatingError> {
    let code = code.map(str::trim).unwrap_or_default();
    RatingLevel::ALL
        .iter()
        .copied()
        .find(|l| l.code() == code)
        .ok_or(RatingError::LevelRequired)
}

/// Refuses a comment over [`MAX_COMMENT_CHARS`]; checked before anything else is looked at.
pub fn check_comment(comment: &str) -> Result<(), RatingError> {
    if comment.chars().count() > MAX_COMMENT_CHARS {
        return Err(RatingError::CommentTooLong);
    }
    Ok(())
}

/// Records the applicant's rating of a closed case, once per case.
pub async fn submit(
    store: &Store,
    secrets: Arc<CaseSecrets>,
    calendar: Arc<Calendar>,
    now: OffsetDateTime,
    rating: NewRating,
) -> Result<Submitted, RatingError> {
    check_comment(&rating.comment)?;
    store
        .write(move |tx| record_rating(tx, &secrets, &calendar, now, rating))
        .await
}

/// [`submit`] inside a write transaction the caller holds (the history generator rates many
/// cases in one).
pub fn record_rating(
    tx: &mut oneseal_store::Tx<'_>,
    secrets: &CaseSecrets,
    calendar: &Calendar,
    now: OffsetDateTime,
    rating: NewRating,
) -> Result<Submitted, RatingError> {
    let code = rating.code.clone();
    let proven = |c: &oneseal_store::ratings::RatedCase| secrets.matches(&c.query_code_hash, &code);
    record_proven(tx, calendar, now, rating, proven, "public-rating")
}

/// The signed-in applicant's rating of their own case (`/my`): the account proves the case is
/// theirs (`online::own_case`) where the public form asks for the query code; every other rule
/// is the same (once per case, after closure), and so is the ledger event.
///
/// # Errors
/// As [`submit`], but never a wrong code.
pub async fn submit_own(
    store: &Store,
    calendar: Arc<Calendar>,
    now: OffsetDateTime,
    case: CaseNumber,
    level: RatingLevel,
    comment: String,
) -> Result<Submitted, RatingError> {
    check_comment(&comment)?;
    let rating = NewRating {
        case,
        code: String::new(),
        level,
        channel: RatingChannel::Online,
        comment,
    };
    store
        .write(move |tx| record_proven(tx, &calendar, now, rating, |_| true, "applicant-account"))
        .await
}

fn record_proven(
    tx: &mut oneseal_store::Tx<'_>,
    calendar: &Calendar,
    now: OffsetDateTime,
    rating: NewRating,
    proven: impl FnOnce(&oneseal_store::ratings::RatedCase) -> bool,
    actor: &str,
) -> Result<Submitted, RatingError> {
    check_comment(&rating.comment)?;
    let today = legal_date(now);
    let number = rating.case;
    let case = oneseal_store::ratings::case_to_rate(tx.conn(), number.as_str())?
        .ok_or(RatingError::CaseNotFound)?;
    if !proven(&case) {
        return Err(RatingError::CaseNotFound);
    }
    if !case.closed {
        return Err(RatingError::CaseNotClosed);
    }
    if oneseal_store::ratings::is_rated(tx.conn(), number.as_str())? {
        return Err(RatingError::AlreadyRated);
    }
    let j =
        DivisionCode::parse(&case.jurisdiction).map_err(|e| RatingError::Corrupt(e.to_string()))?;
    let due = if rating.level.is_bad() {
        Some(
            calendar
                .deadline(today, TimeLimit::working_days(RECTIFICATION_DAYS), &[])
                .map_err(RatingError::Calendar)?
                .due,
        )
    } else {
        None
    };
    let event = Event::CaseRated {
        case_number: number,
        level: rating.level,
        channel: rating.channel,
        comment: rating.comment,
        rated_on: today,
        rectification_due: due,
    };
    let actor = Actor::System(actor.into());
    let ledger_index = tx.record(&event, now, &j, &actor)?;
    Ok(Submitted {
        ledger_index,
        level: rating.level,
        rectification_due: due,
    })
}

/// Every rating of a jurisdiction, newest first, inside a read the caller already holds.
pub fn query(c: &mut dyn Conn, j: &DivisionCode) -> Result<Vec<RatingRow>, StoreError> {
    oneseal_store::ratings::list(c, j.as_str())
}

/// One page of ratings, the cursors either side, and the count of each level in all.
pub struct RatingView {
    pub rows: Vec<RatingRow>,
    pub links: PageLinks,
    /// Every level in the order of [`RatingLevel::ALL`], with how many ratings have it.
    pub summary: Vec<(RatingLevel, i64)>,
}

/// A rating's place in the list as a cursor key: its day and case number.
fn rating_key(r: &RatingRow) -> String {
    format!("{}|{}", r.rated_on, r.case_number)
}

/// Reads a ratings cursor.
///
/// # Errors
/// [`PagingError::BadCursor`] for a cursor that is not a rating's.
pub fn parse_rating_cursor(c: Option<&PageCursor>) -> Result<Option<RatingKey>, PagingError> {
    let Some(c) = c else { return Ok(None) };
    let (rated_on, number) = c.key.split_once('|').ok_or(PagingError::BadCursor)?;
    if oneseal_domain::catalog::date_format::parse(rated_on).is_err()
        || CaseNumber::parse(number).is_err()
    {
        return Err(PagingError::BadCursor);
    }
    Ok(Some(RatingKey {
        after: c.direction == Direction::After,
        rated_on: rated_on.to_owned(),
        case_number: number.to_owned(),
    }))
}

/// Every level in the order of [`RatingLevel::ALL`] with its count among `counts` (level code,
/// count), empty levels included.
pub fn summary(counts: &[(String, i64)]) -> Vec<(RatingLevel, i64)> {
    RatingLevel::ALL
        .iter()
        .map(|l| {
            let n = counts
                .iter()
                .find(|(code, _)| code == l.code())
                .map_or(0, |(_, n)| *n);
            (*l, n)
        })
        .collect()
}

/// One page of a jurisdiction's ratings, newest first.
pub async fn list(
    store: &Store,
    j: DivisionCode,
    key: Option<RatingKey>,
    limit: u32,
) -> Result<RatingView, RatingError> {
    Ok(store
        .read(move |c| {
            let page = oneseal_store::ratings::page(c, j.as_str(), key.as_ref(), limit)?;
            let counts = oneseal_store::ratings::count_by_level(c, j.as_str())?;
            let links = PageLinks::new(
                page.rows.first().map(rating_key).as_deref(),
                page.rows.last().map(rating_key).as_deref(),
                page.more_before,
                page.more_after,
            );
            Ok::<_, StoreError>(RatingView {
                rows: page.rows,
                links,
                summary: summary(&counts),
            })
        })
        .await?)
}

/// The applicant's comments on the given ratings of jurisdiction `j` (those with one), read
/// from each rating's private ledger body and checked against its public commitment. Only the
/// bureau head's rectification form shows them: the comment is personal data, never listed.
pub async fn comments(
    store: &Store,
    j: DivisionCode,
    cases: Vec<String>,
) -> Result<HashMap<String, String>, RatingError> {
    store
        .read(move |c| {
            let mut out = HashMap::new();
            for case in cases {
                let Some((entry, salt, body)) = oneseal_store::ratings::rating_entry(c, &case)?
                else {
                    continue;
                };
                let (envelope, event) = Event::open(&entry, &salt, &body)
                    .map_err(|e| RatingError::Corrupt(e.to_string()))?;
                if envelope.jurisdiction != j {
                    continue;
                }
                if let Event::CaseRated { comment, .. } = event
                    && !comment.trim().is_empty()
                {
                    out.insert(case, comment);
                }
            }
            Ok(out)
        })
        .await
}

/// Closes the open rectification of a bad rating in the staff member's jurisdiction.
pub async fn rectify(
    store: &Store,
    meta: Meta,
    by: StaffId,
    case: CaseNumber,
    explanation: String,
) -> Result<u64, RatingError> {
    store
        .write(move |tx| {
            let status = oneseal_store::ratings::rectification_status(
                tx.conn(),
                case.as_str(),
                meta.jurisdiction.as_str(),
            )?
            .ok_or(RatingError::RatingNotFound)?;
            if status.as_deref() != Some("open") {
                return Err(RatingError::NoOpenRectification);
            }
            let event = Event::RectificationClosed {
                case_number: case,
                by,
                explanation,
            };
            Ok(tx.record(&event, meta.time, &meta.jurisdiction, &meta.actor)?)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comment_of_exactly_the_limit_passes_and_one_more_character_does_not() {
        assert!(check_comment(&"好".repeat(MAX_COMMENT_CHARS)).is_ok());
        assert!(matches!(
            check_comment(&"好".repeat(MAX_COMMENT_CHARS + 1)),
            Err(RatingError::CommentTooLong)
        ));
    }

    #[test]
    fn a_level_must_be_chosen() {
        for l in RatingLevel::ALL {
            assert_eq!(parse_level(Some(l.code())).unwrap(), l);
        }
        for bad in [None, Some(""), Some("  "), Some("excellent")] {
            assert!(
                matches!(parse_level(bad), Err(RatingError::LevelRequired)),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn counts_follow_the_order_of_the_levels_and_include_empty_ones() {
        let first = RatingLevel::ALL[0];
        let counts = summary(&[(first.code().to_owned(), 2), ("unknown".to_owned(), 5)]);
        assert_eq!(counts.len(), RatingLevel::ALL.len());
        assert_eq!(counts[0], (first, 2));
        assert!(counts[1..].iter().all(|(_, n)| *n == 0));
    }
}
