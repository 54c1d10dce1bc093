//! The applicant's inbox (issue #19 item 4): every statement of `applicant_accounts` and
//! `applicant_messages`. A message's text is plain words without personal data; the contact
//! mobile a text message goes to (`sms_to`) is kept only until the delivery worker took it.

use crate::sql::{Conn, Row, Value};
use crate::{StoreError, params};

/// Remembers that `subject` has signed in (the first time only).
pub fn note_account(conn: &mut dyn Conn, subject: &str, now: i64) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO applicant_accounts (subject, first_at) VALUES (?, ?) \
         ON CONFLICT (subject) DO NOTHING",
        params![subject, now],
    )?;
    Ok(())
}

/// Whether `subject` has ever signed in.
pub fn has_account(conn: &mut dyn Conn, subject: &str) -> Result<bool, StoreError> {
    Ok(conn
        .query_one(
            "SELECT 1 FROM applicant_accounts WHERE subject = ?",
            params![subject],
        )?
        .is_some())
}

/// A message to put in an inbox.
pub struct NewMessage<'a> {
    pub id: &'a str,
    pub subject: &'a str,
    pub case_number: &'a str,
    pub idx: u64,
    pub step: &'a str,
    pub text: &'a str,
    pub created_at: i64,
    pub sms_to: Option<&'a str>,
}

/// Whether any inbox was told of step `idx` of the case (its text message then went already).
pub fn step_told(conn: &mut dyn Conn, case_number: &str, idx: u64) -> Result<bool, StoreError> {
    Ok(conn
        .query_one(
            "SELECT 1 FROM applicant_messages WHERE case_number = ? AND idx = ?",
            params![case_number, idx],
        )?
        .is_some())
}

/// Puts a message in `m.subject`'s inbox if that subject has an account, keeping `m.sms_to`
/// only if no inbox was told of the step yet: what [`has_account`], [`step_told`] and [`insert`]
/// decide together, in one statement whose reply the writer need not wait for. A window case is
/// told of each public step this way (its contact mobile seldom has an account), which saved
/// the writer's wait for the account's read four times a case.
pub fn insert_if_account(conn: &mut dyn Conn, m: &NewMessage<'_>) -> Result<(), StoreError> {
    conn.write(
        "INSERT INTO applicant_messages (id, subject, case_number, idx, step, text, created_at, \
         read_at, sms_to, sent_at) \
         SELECT CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT), \
         CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT), NULL, \
         CASE WHEN EXISTS (SELECT 1 FROM applicant_messages t \
         WHERE t.case_number = ? AND t.idx = ?) THEN NULL ELSE CAST(? AS TEXT) END, NULL \
         WHERE EXISTS (SELECT 1 FROM applicant_accounts a WHERE a.subject = ?) \
         ON CONFLICT (case_number, idx, subject) DO NOTHING",
        &[
            own_columns(m).as_slice(),
            params![m.case_number, m.idx, m.sms_to, m.subject],
        ]
        .concat(),
    )
}

/// The message's columns up to `created_at`, in the order both inserts name them.
fn own_columns(m: &NewMessage<'_>) -> [Value; 7] {
    [
        m.id.into(),
        m.subject.into(),
        m.case_number.into(),
        m.idx.into(),
        m.step.into(),
        m.text.into(),
        m.created_at.into(),
    ]
}

/// Puts a message in an inbox, once per recipient and step (a second time is ignored).
pub fn insert(conn: &mut dyn Conn, m: &NewMessage<'_>) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO applicant_messages (id, subject, case_number, idx, step, text, created_at, \
         read_at, sms_to, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, NULL) \
         ON CONFLICT (case_number, idx, subject) DO NOTHING",
        &[own_columns(m).as_slice(), params![m.sms_to]].concat(),
    )?;
    Ok(())
}

/// One message as its applicant sees it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Message {
    pub id: String,
    pub case_number: String,
    pub step: String,
    pub text: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

fn decode(r: &Row) -> Result<Message, StoreError> {
    Ok(Message {
        id: r.text(0)?,
        case_number: r.text(1)?,
        step: r.text(2)?,
        text: r.text(3)?,
        created_at: r.int(4)?,
        read_at: r.opt_int(5)?,
    })
}

/// A subject's messages, newest first (at most `limit`).
pub fn inbox(conn: &mut dyn Conn, subject: &str, limit: u32) -> Result<Vec<Message>, StoreError> {
    conn.query(
        "SELECT id, case_number, step, text, created_at, read_at FROM applicant_messages \
         WHERE subject = ? ORDER BY created_at DESC, idx DESC, id LIMIT ?",
        params![subject, i64::from(limit)],
    )?
    .iter()
    .map(decode)
    .collect()
}

/// How many of a subject's messages are unread.
pub fn unread(conn: &mut dyn Conn, subject: &str) -> Result<u64, StoreError> {
    let n = conn
        .query_one(
            "SELECT COUNT(*) FROM applicant_messages WHERE subject = ? AND read_at IS NULL",
            params![subject],
        )?
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(0);
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Marks a subject's message `id` (or, `None`, every unread one) read; how many rows changed.
/// Another subject's id changes nothing.
pub fn mark_read(
    conn: &mut dyn Conn,
    subject: &str,
    id: Option<&str>,
    now: i64,
) -> Result<u64, StoreError> {
    match id {
        Some(id) => conn.execute(
            "UPDATE applicant_messages SET read_at = COALESCE(read_at, ?) \
             WHERE subject = ? AND id = ?",
            params![now, subject, id],
        ),
        None => conn.execute(
            "UPDATE applicant_messages SET read_at = ? WHERE subject = ? AND read_at IS NULL",
            params![now, subject],
        ),
    }
}

/// A text message waiting for the sender.
#[derive(Clone, PartialEq, Eq)]
pub struct Due {
    pub id: String,
    pub sms_to: String,
    pub text: String,
}

impl std::fmt::Debug for Due {
    /// The number is personal data: never in a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Due")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// The oldest text messages not yet handed to the sender (at most `limit`).
pub fn due(conn: &mut dyn Conn, limit: u32) -> Result<Vec<Due>, StoreError> {
    conn.query(
        "SELECT id, sms_to, text FROM applicant_messages WHERE sms_to IS NOT NULL \
         ORDER BY created_at, id LIMIT ?",
        params![i64::from(limit)],
    )?
    .iter()
    .map(|r| {
        Ok(Due {
            id: r.text(0)?,
            sms_to: r.text(1)?,
            text: r.text(2)?,
        })
    })
    .collect()
}

/// The sender took message `id` (`sent`) or could not: either way the number is forgotten.
pub fn handed_over(conn: &mut dyn Conn, id: &str, sent: bool, now: i64) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE applicant_messages SET sms_to = NULL, sent_at = ? WHERE id = ?",
        params![sent.then_some(now), id],
    )?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn message<'a>(id: &'a str, subject: &'a str, sms_to: Option<&'a str>) -> NewMessage<'a> {
        NewMessage {
            id,
            subject,
            case_number: "370100-20261207-0001",
            idx: 7,
            step: "accepted",
            text: "已受理",
            created_at: 1_796_000_000,
            sms_to,
        }
    }

    /// The one-statement insert decides as the three statements it replaces: nothing for a
    /// subject without an account, and the text message only with the step's first message.
    #[test]
    fn a_message_goes_only_to_an_account_and_its_text_only_once_a_step() {
        let scratch = crate::scratch::ScratchDb::new().unwrap();
        let mut conn = scratch.database.connect().unwrap();
        let c = conn.as_mut();
        crate::migrate::run(c).unwrap();
        let rows =
            |c: &mut dyn Conn| {
                c.query(
                "SELECT subject, sms_to, idx, created_at FROM applicant_messages ORDER BY subject",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| {
                let sms = r.opt_text(1).unwrap();
                (r.text(0).unwrap(), sms, r.int(2).unwrap(), r.int(3).unwrap())
            })
            .collect::<Vec<_>>()
            };
        insert_if_account(c, &message("MSG-1", "phone:a", Some("13712340001"))).unwrap();
        c.flush_writes().unwrap();
        assert!(rows(c).is_empty(), "told a subject without an account");
        assert!(!step_told(c, "370100-20261207-0001", 7).unwrap());
        note_account(c, "phone:a", 1).unwrap();
        note_account(c, "phone:b", 1).unwrap();
        insert_if_account(c, &message("MSG-2", "phone:a", Some("13712340001"))).unwrap();
        insert_if_account(c, &message("MSG-3", "phone:b", Some("13712340002"))).unwrap();
        // Told again: ignored, as `insert` does.
        insert_if_account(c, &message("MSG-4", "phone:a", Some("13712340001"))).unwrap();
        c.flush_writes().unwrap();
        let when = 1_796_000_000;
        assert_eq!(
            rows(c),
            [
                (
                    "phone:a".to_owned(),
                    Some("13712340001".to_owned()),
                    7,
                    when
                ),
                ("phone:b".to_owned(), None, 7, when),
            ]
        );
    }
}
