//! Which tables are projections of the events, and their keys and columns: what `ledger verify`
//! rebuilds from the log and compares row by row. A new projected table is one entry here.

/// A table that is a projection of events: its key columns, then its other columns.
#[derive(Debug, Clone, Copy)]
pub struct Projected {
    pub table: &'static str,
    pub key: &'static [&'static str],
    pub columns: &'static [&'static str],
}

/// The tables that are projections of events (all others are operational state).
pub const PROJECTED_TABLES: &[Projected] = &[
    Projected {
        table: "jurisdictions",
        key: &["code"],
        columns: &["name_zh", "name_en", "parent", "bureau_uscc"],
    },
    Projected {
        table: "departments",
        key: &["jurisdiction", "code"],
        columns: &["name_zh", "name_en", "kind"],
    },
    Projected {
        table: "hall_windows",
        key: &["jurisdiction", "code"],
        columns: &["name_zh", "department"],
    },
    Projected {
        table: "staff",
        key: &["id"],
        columns: &["jurisdiction", "department", "name", "roles", "active"],
    },
    Projected {
        table: "staff_postings",
        key: &["staff_id", "seq"],
        columns: &["department", "since", "until"],
    },
    Projected {
        table: "seals",
        key: &["es_id"],
        columns: &[
            "jurisdiction",
            "department",
            "kind",
            "name",
            "public_key_pem",
            "valid_from",
            "valid_to",
            "revoked_at",
            "revoked_order",
            "archived",
            "ses_seal",
        ],
    },
    Projected {
        table: "licence_events",
        key: &["licence_id", "seq"],
        columns: &["body"],
    },
    Projected {
        table: "licences",
        key: &["licence_id"],
        columns: &["jurisdiction", "status", "version", "valid_until"],
    },
    Projected {
        table: "calendar_years",
        key: &["year"],
        columns: &["json"],
    },
    Projected {
        table: "calendar_corrections",
        key: &["correction_id"],
        columns: &[
            "jurisdiction",
            "year",
            "json",
            "base_json",
            "body",
            "status",
            "approved_by",
            "approved_at",
        ],
    },
    Projected {
        table: "case_events",
        key: &["case_number", "seq"],
        columns: &["kind", "body"],
    },
    Projected {
        table: "cases",
        key: &["case_number"],
        columns: &[
            "jurisdiction",
            "item_code",
            "item_name",
            "status",
            "received_on",
            "applicant_label",
            "query_code_hash",
            "closed",
            "events",
            "search_key",
            "channel",
            "assignee",
            "decided_on",
            "applicant_name",
            "applicant_id",
        ],
    },
    Projected {
        table: crate::applicants::PROJECTED.0,
        key: crate::applicants::PROJECTED.1,
        columns: crate::applicants::PROJECTED.2,
    },
    Projected {
        table: "bundle_cases",
        key: &["application", "case_number"],
        columns: &[
            "jurisdiction",
            "bundle_code",
            "position",
            "members",
            "blocks",
            "received_on",
        ],
    },
    Projected {
        table: "case_name_pairs",
        key: &["pair", "case_number"],
        columns: &[],
    },
    Projected {
        table: "case_materials",
        key: &["case_number", "sha256"],
        columns: &[
            "name",
            "listed",
            "media_type",
            "size",
            "uploaded_by",
            "uploaded_at",
        ],
    },
    Projected {
        table: "sealed_documents",
        key: &["case_number", "document_kind"],
        columns: &["es_id", "document_sm3", "signer"],
    },
    Projected {
        table: "items",
        key: &["jurisdiction", "basic_code", "version"],
        columns: &[
            "current",
            "name",
            "category",
            "area",
            "handling_place",
            "original_department",
            "supervising_department",
            "generated",
            "body",
        ],
    },
    Projected {
        table: "linkage_settings",
        key: &["jurisdiction"],
        columns: &["claim_days", "escalate_days"],
    },
    Projected {
        table: "supervision_mappings",
        key: &["jurisdiction", "item_code"],
        columns: &["department", "responsible", "push_refusals"],
    },
    Projected {
        table: "push_events",
        key: &["push_id", "seq"],
        columns: &["body"],
    },
    Projected {
        table: "pushes",
        key: &["push_id"],
        columns: &[
            "jurisdiction",
            "kind",
            "case_number",
            "licence_id",
            "item_code",
            "item_name",
            "department",
            "responsible",
            "status",
            "pushed_on",
            "claim_due",
            "escalate_on",
            "reminded_on",
            "escalated_on",
            "claimed_on",
            "claimed_by",
        ],
    },
    Projected {
        table: "push_tallies",
        key: &["jurisdiction", "department", "status"],
        columns: &["pushes"],
    },
    Projected {
        table: crate::consultations::PROJECTED_EVENTS.0,
        key: crate::consultations::PROJECTED_EVENTS.1,
        columns: crate::consultations::PROJECTED_EVENTS.2,
    },
    Projected {
        table: crate::consultations::PROJECTED_ROWS.0,
        key: crate::consultations::PROJECTED_ROWS.1,
        columns: crate::consultations::PROJECTED_ROWS.2,
    },
    Projected {
        table: crate::commitments::PROJECTED_EVENTS.0,
        key: crate::commitments::PROJECTED_EVENTS.1,
        columns: crate::commitments::PROJECTED_EVENTS.2,
    },
    Projected {
        table: crate::commitments::PROJECTED_ROWS.0,
        key: crate::commitments::PROJECTED_ROWS.1,
        columns: crate::commitments::PROJECTED_ROWS.2,
    },
    Projected {
        table: "feedback",
        key: &["feedback_id"],
        columns: &[
            "jurisdiction",
            "department",
            "external_ref",
            "kind",
            "licence_id",
            "body",
            "impact",
            "review_status",
            "review_explanation",
            "reviewed_by",
        ],
    },
    Projected {
        table: "item_marks",
        key: &["jurisdiction", "item_code", "feedback_id"],
        columns: &[],
    },
    Projected {
        table: "linkage_refusals",
        key: &["jurisdiction", "department", "target", "code"],
        columns: &["attempts"],
    },
    Projected {
        table: "linkage_digests",
        key: &["jurisdiction", "department", "on_date"],
        columns: &["pushed", "awaiting", "claimed_today", "overdue_this_month"],
    },
    Projected {
        table: "rule_versions",
        key: &["jurisdiction", "rule_id", "version"],
        columns: &["params", "active", "hash"],
    },
    Projected {
        table: "expression_rules",
        key: &["jurisdiction", "code", "version"],
        columns: &["name_zh", "expression", "active", "hash"],
    },
    Projected {
        table: "rules_ticks",
        key: &["jurisdiction", "on_date"],
        columns: &[],
    },
    Projected {
        table: "alerts",
        key: &["alert_id"],
        columns: &[
            "jurisdiction",
            "rule_id",
            "rule_version",
            "rule_hash",
            "subject",
            "message_zh",
            "responsible",
            "responsible_department",
            "superior",
            "from_index",
            "at_index",
            "raised_on",
            "status",
            "outcome",
            "explanation",
            "closed_by",
        ],
    },
    Projected {
        table: "alert_tallies",
        key: crate::rules::tallies::DAY_KEY,
        columns: &["alerts"],
    },
    Projected {
        table: "alert_tallies_monthly",
        key: crate::rules::tallies::MONTH_KEY,
        columns: &["alerts"],
    },
    Projected {
        table: "alert_status_tallies",
        key: &["jurisdiction", "status"],
        columns: &["alerts"],
    },
    Projected {
        table: "ratings",
        key: &["case_number"],
        columns: &[
            "jurisdiction",
            "level",
            "channel",
            "rated_on",
            "rectification_due",
            "rectification_status",
            "rectified_by",
            "rectification_explanation",
        ],
    },
    Projected {
        table: "coordination_events",
        key: &["matter_id", "seq"],
        columns: &["body"],
    },
    Projected {
        table: "coordination_matters",
        key: &["matter_id"],
        columns: &crate::coordination::MATTER_COLUMNS,
    },
    Projected {
        table: "coordination_tasks",
        key: &["task_id"],
        columns: &["matter_id", "jurisdiction", "assignee", "due", "done_on"],
    },
    Projected {
        table: "project_events",
        key: &["code", "seq"],
        columns: &["body"],
    },
    Projected {
        table: "projects",
        key: &["code"],
        columns: &crate::projects::PROJECT_COLUMNS,
    },
    Projected {
        table: "project_cases",
        key: &["case_number"],
        columns: &["code", "stage"],
    },
];

/// `case_tallies` as `ledger verify` compares it: it is rebuilt by `aggregates::rebuild` after
/// the replay (a decision's counts need the calendar, which `apply` has not), so it is not
/// among [`PROJECTED_TABLES`].
pub const CASE_TALLIES: Projected = Projected {
    table: "case_tallies",
    key: &["jurisdiction", "day", "item", "person"],
    columns: &crate::aggregates::COUNTERS,
};

/// `case_tallies_monthly` (migration 63) as `ledger verify` compares it: the month sums of
/// [`CASE_TALLIES`], rebuilt with them by `aggregates::rebuild`.
pub const CASE_TALLIES_MONTHLY: Projected = Projected {
    table: "case_tallies_monthly",
    key: &["jurisdiction", "month", "item", "person"],
    columns: &crate::aggregates::COUNTERS,
};

/// `case_due` as `ledger verify` compares it: rebuilt by `case_due::rebuild` after the replay
/// with the stored calendar, like [`CASE_TALLIES`].
pub const CASE_DUE: Projected = Projected {
    table: "case_due",
    key: &["case_number"],
    columns: &crate::case_due::COLUMNS,
};
