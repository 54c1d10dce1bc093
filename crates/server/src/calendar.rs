//! The working-day calendar the server computes with: the years shipped in the binary plus the
//! years administrators imported (each import is a ledger event), swapped in atomically so a
//! request always sees one whole calendar.

use std::sync::{Arc, RwLock};

use oneseal_domain::calendar::Calendar;
use oneseal_store::{Conn, StoreError};

#[derive(Debug)]
pub struct CalendarStore {
    current: RwLock<Arc<Calendar>>,
}

impl Default for CalendarStore {
    fn default() -> Self {
        let builtin = Calendar::builtin().unwrap_or_else(|e| {
            tracing::error!(error = %e, "built-in calendar does not load; deadlines will fail");
            Calendar::new()
        });
        Self::new(builtin)
    }
}

impl CalendarStore {
    pub fn new(calendar: Calendar) -> Self {
        Self {
            current: RwLock::new(Arc::new(calendar)),
        }
    }

    /// A consistent snapshot for one request.
    pub fn current(&self) -> Arc<Calendar> {
        self.current
            .read()
            .map_or_else(|e| e.into_inner().clone(), |c| c.clone())
    }

    pub fn replace(&self, calendar: Calendar) {
        match self.current.write() {
            Ok(mut c) => *c = Arc::new(calendar),
            Err(e) => *e.into_inner() = Arc::new(calendar),
        }
    }

    /// The shipped years plus every imported one (an import of a shipped year replaces it).
    pub fn load(conn: &mut dyn Conn) -> Result<Self, StoreError> {
        let store = Self::default();
        store.reload(conn)?;
        Ok(store)
    }

    /// Rebuilds the calendar from the shipped years and the stored imports: how a server picks
    /// up a year another server process imported.
    pub fn reload(&self, conn: &mut dyn Conn) -> Result<(), StoreError> {
        let mut cal = (*Self::default().current()).clone();
        for r in conn.query("SELECT json FROM calendar_years ORDER BY year", &[])? {
            cal.load_year_json(&r.text(0)?)
                .map_err(|e| StoreError::Corrupt(format!("stored calendar year: {e}")))?;
        }
        self.replace(cal);
        Ok(())
    }
}
