//! Names where staff look: a member of staff, a department or an item is shown by its name
//! with its code beside it (`林晓窗（CLERK）`), because codes alone (`CLERK`, `SPJ`) make
//! people guess, while the code still tells apart two people of the same name.
//!
//! Staff names are personal data: only staff pages and staff API answers use this directory.
//! The public ledger, public pages and logs keep naming staff by id (`domain::org`), so nothing
//! here is ever written to an event.

use std::collections::HashMap;

use oneseal_domain::org::{DivisionCode, Role, StaffId};
use oneseal_store::{Conn, Store, StoreError};

/// One member of staff as others see them.
#[derive(Debug, Clone)]
struct Person {
    name: String,
    jurisdiction: String,
    roles: Vec<Role>,
    active: bool,
}

/// Names of staff (all jurisdictions: a city official may act on a county case), departments
/// and items (of the viewer's jurisdiction, departments of every jurisdiction as a fallback),
/// read once per page.
#[derive(Debug, Clone, Default)]
pub struct Names {
    staff: HashMap<String, Person>,
    /// (jurisdiction, code) → Chinese name.
    departments: HashMap<(String, String), String>,
    items: HashMap<String, String>,
    jurisdiction: String,
}

/// `name（code）`, or the code alone when no name is known.
fn labelled(name: Option<&str>, code: &str) -> String {
    match name {
        Some(n) if !n.is_empty() && n != code => format!("{n}（{code}）"),
        _ => code.to_owned(),
    }
}

impl Names {
    /// The directory as the viewer of jurisdiction `j` reads it.
    ///
    /// # Errors
    /// A failed read.
    pub fn load(conn: &mut dyn Conn, j: &DivisionCode) -> Result<Self, StoreError> {
        let staff = oneseal_store::org::staff_names(conn)?
            .into_iter()
            .map(|s| {
                let roles = s.roles.iter().filter_map(|r| Role::parse(r).ok()).collect();
                (
                    s.id,
                    Person {
                        name: s.name,
                        jurisdiction: s.jurisdiction,
                        roles,
                        active: s.active,
                    },
                )
            })
            .collect();
        let departments = oneseal_store::org::all_department_names(conn)?
            .into_iter()
            .map(|(j, code, name)| ((j, code), name))
            .collect();
        let items = oneseal_store::org::item_names(conn, j.as_str())?
            .into_iter()
            .collect();
        Ok(Self {
            staff,
            departments,
            items,
            jurisdiction: j.as_str().to_owned(),
        })
    }

    /// [`Names::load`] in a read of its own.
    ///
    /// # Errors
    /// A failed read.
    pub async fn read(store: &Store, j: DivisionCode) -> Result<Self, StoreError> {
        store.read(move |c| Self::load(c, &j)).await
    }

    /// The name of a member of staff.
    #[must_use]
    pub fn staff_name(&self, id: &str) -> Option<&str> {
        self.staff.get(id).map(|p| p.name.as_str())
    }

    /// `林晓窗（CLERK）`; the id alone for someone unknown.
    #[must_use]
    pub fn staff(&self, id: &str) -> String {
        labelled(self.staff_name(id), id)
    }

    /// [`Names::staff`] of an optional id (`—` when none).
    #[must_use]
    pub fn opt_staff(&self, id: &Option<String>) -> String {
        id.as_deref()
            .map_or_else(|| "—".to_owned(), |s| self.staff(s))
    }

    /// The Chinese names of a member of staff's roles, joined (`窗口人员`).
    #[must_use]
    pub fn roles_zh(&self, id: &str) -> String {
        self.staff.get(id).map_or_else(String::new, |p| {
            p.roles
                .iter()
                .map(|r| r.name_zh())
                .collect::<Vec<_>>()
                .join("、")
        })
    }

    /// The name of a department of the viewer's jurisdiction (of any, failing that).
    #[must_use]
    pub fn department_name(&self, code: &str) -> Option<&str> {
        self.departments
            .get(&(self.jurisdiction.clone(), code.to_owned()))
            .or_else(|| {
                self.departments
                    .iter()
                    .find(|((_, c), _)| c == code)
                    .map(|(_, n)| n)
            })
            .map(String::as_str)
    }

    /// `市场监督管理局（SCJG）`; the code alone for an unknown one, nothing for none.
    #[must_use]
    pub fn dept(&self, code: &str) -> String {
        if code.is_empty() {
            return String::new();
        }
        labelled(self.department_name(code), code)
    }

    /// [`Names::dept`] of an optional code (`—` when none).
    #[must_use]
    pub fn opt_dept(&self, code: &Option<String>) -> String {
        code.as_deref()
            .map_or_else(|| "—".to_owned(), |c| self.dept(c))
    }

    /// The departments of the viewer's jurisdiction as (code, `name（code）`), by code: the
    /// choices of a form that routes something to a department.
    #[must_use]
    pub fn departments_here(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .departments
            .iter()
            .filter(|((j, _), _)| *j == self.jurisdiction)
            .map(|((_, code), name)| (code.clone(), labelled(Some(name), code)))
            .collect();
        out.sort();
        out
    }

    /// The current name of an item of the viewer's jurisdiction.
    #[must_use]
    pub fn item_name(&self, code: &str) -> Option<&str> {
        self.items.get(code).map(String::as_str)
    }

    /// `食品经营许可（1100…）`; the code alone for an unknown item.
    #[must_use]
    pub fn item(&self, code: &str) -> String {
        labelled(self.item_name(code), code)
    }

    /// Who a ledger actor label (`staff:CLERK`, `department:SCJG`, `system:rules`, or a bare
    /// staff id) names.
    #[must_use]
    pub fn actor(&self, label: &str) -> String {
        match label.split_once(':') {
            Some(("staff", id)) => self.staff(id),
            Some(("department", d)) => self.dept(d),
            Some(("token", t)) => format!("系统对接（{t}）"),
            Some(("system", s)) => format!("系统（{s}）"),
            _ => self.staff(label),
        }
    }

    /// [`Names::actor`] of an optional label (`—` when none).
    #[must_use]
    pub fn opt_actor(&self, label: &Option<String>) -> String {
        label
            .as_deref()
            .map_or_else(|| "—".to_owned(), |l| self.actor(l))
    }

    /// A monitoring rule by its code: `超期办结（overdue_decision）`; a local rule's code alone.
    #[must_use]
    pub fn rule(&self, code: &str) -> String {
        labelled(
            oneseal_domain::rules::RuleId::parse(code).map(|r| r.name_zh()),
            code,
        )
    }

    /// A report row's key as `by` (`person | department | item | rule`) groups it.
    #[must_use]
    pub fn report_key(&self, by: &str, key: &str) -> String {
        match by {
            "person" => self.staff(key),
            "department" => self.dept(key),
            "item" => self.item(key),
            "rule" => self.rule(key),
            _ => key.to_owned(),
        }
    }

    /// The active staff of jurisdiction `j` holding any of `roles`, except `not`, as
    /// (id, `name（角色，ID）`), by name: the choices of a form that hands a case on.
    #[must_use]
    pub fn eligible(&self, j: &str, roles: &[Role], not: &[StaffId]) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .staff
            .iter()
            .filter(|(id, p)| {
                p.active
                    && p.jurisdiction == j
                    && p.roles.iter().any(|r| roles.contains(r))
                    && !not.iter().any(|n| n.as_str() == id.as_str())
            })
            .map(|(id, p)| {
                let roles = p
                    .roles
                    .iter()
                    .map(|r| r.name_zh())
                    .collect::<Vec<_>>()
                    .join("、");
                (id.clone(), format!("{}（{roles}，{id}）", p.name))
            })
            .collect();
        out.sort_by(|a, b| a.1.cmp(&b.1));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        let mut n = Names {
            jurisdiction: "370100".into(),
            ..Names::default()
        };
        n.staff.insert(
            "CLERK".into(),
            Person {
                name: "林晓窗".into(),
                jurisdiction: "370100".into(),
                roles: vec![Role::Clerk],
                active: true,
            },
        );
        n.staff.insert(
            "REVIEW".into(),
            Person {
                name: "周审安".into(),
                jurisdiction: "370100".into(),
                roles: vec![Role::Reviewer],
                active: true,
            },
        );
        n.staff.insert(
            "GONE".into(),
            Person {
                name: "离任者".into(),
                jurisdiction: "370100".into(),
                roles: vec![Role::Reviewer],
                active: false,
            },
        );
        n.departments
            .insert(("370100".into(), "SCJG".into()), "市场监督管理局".into());
        n.departments.insert(
            ("370124".into(), "SCJG".into()),
            "平阴县市场监督管理局".into(),
        );
        n
    }

    #[test]
    fn names_come_with_their_codes_and_unknown_codes_stay_codes() {
        let n = names();
        assert_eq!(n.staff("CLERK"), "林晓窗（CLERK）");
        assert_eq!(n.staff("NOBODY"), "NOBODY");
        assert_eq!(n.dept("SCJG"), "市场监督管理局（SCJG）");
        assert_eq!(n.dept("XX"), "XX");
        assert_eq!(n.dept(""), "");
        assert_eq!(n.opt_staff(&None), "—");
    }

    #[test]
    fn actor_labels_are_read_by_their_kind() {
        let n = names();
        assert_eq!(n.actor("staff:REVIEW"), "周审安（REVIEW）");
        assert_eq!(n.actor("department:SCJG"), "市场监督管理局（SCJG）");
        assert_eq!(n.actor("CLERK"), "林晓窗（CLERK）");
        assert!(n.actor("system:rules").contains("rules"));
    }

    #[test]
    fn report_keys_are_named_by_what_they_group() {
        let mut n = names();
        n.items
            .insert("11370100MB0000001".into(), "食品经营许可".into());
        assert_eq!(n.report_key("person", "CLERK"), "林晓窗（CLERK）");
        assert_eq!(n.report_key("department", "SCJG"), "市场监督管理局（SCJG）");
        assert_eq!(
            n.report_key("item", "11370100MB0000001"),
            "食品经营许可（11370100MB0000001）"
        );
        let rule = oneseal_domain::rules::RuleId::ALL[0];
        assert_eq!(
            n.report_key("rule", rule.code()),
            format!("{}（{}）", rule.name_zh(), rule.code())
        );
        assert_eq!(n.report_key("rule", "local_x"), "local_x");
    }

    #[test]
    fn eligible_staff_hold_a_role_are_active_and_not_excluded() {
        let n = names();
        let not = [StaffId::parse("CLERK").unwrap()];
        let got = n.eligible("370100", &[Role::Reviewer, Role::Clerk], &not);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "REVIEW");
        assert!(got[0].1.contains("周审安") && got[0].1.contains("审查人员"));
        assert!(n.eligible("370124", &[Role::Reviewer], &[]).is_empty());
    }
}
