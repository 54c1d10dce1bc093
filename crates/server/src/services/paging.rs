//! What every paged list shares: the opaque cursor (`?cursor=`) and the page size (`?limit=`).
//!
//! A cursor names the row a page starts after (or, for the previous page, before) and nothing
//! else: the filters travel as their own parameters, so a cursor never carries a search term
//! (an applicant's name) into a link. It is opaque to clients (base64url of a tagged key) so that
//! the key can change without breaking their contract; a cursor that does not decode is the
//! client's fault (400 `bad_cursor`), never a silent first page.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The page size when none is asked for.
pub const DEFAULT_LIMIT: u32 = 50;
/// The largest page: 200 queue rows stay far below 200 KB.
pub const MAX_LIMIT: u32 = 200;
/// Keys are case numbers, ids and similar; anything longer was not made by us.
const MAX_KEY: usize = 200;

/// Why a list's paging parameters were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PagingError {
    #[error("the cursor is not one this server made")]
    BadCursor,
    #[error("limit must be a whole number from 1 to {MAX_LIMIT}")]
    BadLimit,
}

/// Why a list's parameters were refused (each a 400 with its own code).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListQueryError {
    #[error(transparent)]
    Paging(#[from] PagingError),
    /// A filter's value does not parse; the parameter's name.
    #[error("bad value for {0}")]
    BadFilter(&'static str),
    /// A name piece of one character: no index finds it without reading every case.
    #[error("a search needs at least two characters")]
    SearchTooShort,
}

/// Which way a page runs from its cursor's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    After,
    Before,
}

/// A decoded cursor: the key a page starts after or before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageCursor {
    pub direction: Direction,
    pub key: String,
}

impl PageCursor {
    #[must_use]
    pub fn after(key: &str) -> Self {
        Self {
            direction: Direction::After,
            key: key.to_owned(),
        }
    }

    #[must_use]
    pub fn before(key: &str) -> Self {
        Self {
            direction: Direction::Before,
            key: key.to_owned(),
        }
    }

    /// The opaque text given to clients.
    #[must_use]
    pub fn encode(&self) -> String {
        let tag = match self.direction {
            Direction::After => 'a',
            Direction::Before => 'b',
        };
        URL_SAFE_NO_PAD.encode(format!("{tag}:{}", self.key))
    }

    /// Reads a cursor made by [`PageCursor::encode`].
    ///
    /// # Errors
    /// [`PagingError::BadCursor`] for anything else.
    pub fn decode(text: &str) -> Result<Self, PagingError> {
        if text.len() > MAX_KEY * 2 {
            return Err(PagingError::BadCursor);
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(text)
            .map_err(|_| PagingError::BadCursor)?;
        let plain = String::from_utf8(bytes).map_err(|_| PagingError::BadCursor)?;
        let (direction, key) = match plain.split_once(':') {
            Some(("a", k)) => (Direction::After, k),
            Some(("b", k)) => (Direction::Before, k),
            _ => return Err(PagingError::BadCursor),
        };
        if key.is_empty() || key.len() > MAX_KEY || key.chars().any(char::is_control) {
            return Err(PagingError::BadCursor);
        }
        Ok(Self {
            direction,
            key: key.to_owned(),
        })
    }
}

/// Reads `?limit=` (absent: [`DEFAULT_LIMIT`]).
///
/// # Errors
/// [`PagingError::BadLimit`] unless it is a whole number from 1 to [`MAX_LIMIT`].
pub fn parse_limit(text: Option<&str>) -> Result<u32, PagingError> {
    match text.map(str::trim) {
        None | Some("") => Ok(DEFAULT_LIMIT),
        Some(t) => t
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or(PagingError::BadLimit),
    }
}

/// Reads `?cursor=` (absent or empty: the first page).
///
/// # Errors
/// [`PagingError::BadCursor`] for a cursor this server did not make.
pub fn parse_cursor(text: Option<&str>) -> Result<Option<PageCursor>, PagingError> {
    match text {
        None | Some("") => Ok(None),
        Some(t) => PageCursor::decode(t).map(Some),
    }
}

/// The cursors of the pages either side of one, given its first and last keys and whether
/// rows lie beyond each end.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct PageLinks {
    pub next_cursor: Option<String>,
    pub prev_cursor: Option<String>,
}

impl PageLinks {
    #[must_use]
    pub fn new(
        first: Option<&str>,
        last: Option<&str>,
        more_before: bool,
        more_after: bool,
    ) -> Self {
        Self {
            next_cursor: last
                .filter(|_| more_after)
                .map(|k| PageCursor::after(k).encode()),
            prev_cursor: first
                .filter(|_| more_before)
                .map(|k| PageCursor::before(k).encode()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_as_made() {
        for c in [
            PageCursor::after("37010020261206000001"),
            PageCursor::before("alert-1:x"),
        ] {
            assert_eq!(PageCursor::decode(&c.encode()), Ok(c));
        }
    }

    #[test]
    fn cursors_not_made_here_are_refused() {
        for bad in ["x", "!!!", "YTo", "Yzox", "YTpcAA", &"a".repeat(500)] {
            assert_eq!(
                PageCursor::decode(bad),
                Err(PagingError::BadCursor),
                "{bad}"
            );
        }
    }

    #[test]
    fn limits_are_whole_numbers_up_to_the_maximum() {
        assert_eq!(parse_limit(None), Ok(DEFAULT_LIMIT));
        assert_eq!(parse_limit(Some("200")), Ok(200));
        assert_eq!(parse_limit(Some("1")), Ok(1));
        for bad in ["0", "201", "-1", "1.5", "ten", "99999999999"] {
            assert_eq!(parse_limit(Some(bad)), Err(PagingError::BadLimit), "{bad}");
        }
    }
}
