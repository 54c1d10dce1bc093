//! Entry points for fuzzing the domain's parsers of outside text that are not public API on
//! their own. Catalog imports (`catalog::import_csv`, `catalog::import_xlsx`) and calendar years
//! (`calendar::YearCalendar::from_json`) are fuzzed through their public functions directly.

pub use crate::rules::ExpressionOutcome;

/// Validates `source` as an inspector's local expression rule (CEL) and, when it is valid,
/// evaluates it as the rules engine does against `vars`, the variables of one case step (see
/// [`sample_step_variables`]). Must never panic, whatever the source.
pub fn rule_expression(source: &str, vars: &serde_json::Value) -> ExpressionOutcome {
    crate::rules::validate_and_evaluate(source, vars)
}

/// The variables a rule sees for one case step, in the shape the engine builds them: a
/// substantive decision on a case with two reviewers, at 14:00 Beijing time on a working day.
pub fn sample_step_variables() -> serde_json::Value {
    serde_json::json!({
        "kind": "decided",
        "event": {
            "kind": "decided",
            "approver": "APPROVE",
            "decision": {
                "outcome": "approve_with_deferred_materials",
                "materials": ["营业执照副本", "场所证明"],
            },
            "decided_at": "2026-09-15T06:00:00Z",
        },
        "actor": "staff:APPROVE",
        "hour": 14,
        "working_day": true,
        "case": {
            "number": "JN-2026-0001",
            "item": "000104002000",
            "steps": 6,
            "reviewers": 2,
            "accepted": true,
            "decided": true,
            "working_days_since_receipt": 12,
        },
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::case::CaseEvent;

    #[test]
    fn the_sample_step_is_a_recorded_case_event() {
        let vars = sample_step_variables();
        let event: CaseEvent = serde_json::from_value(vars["event"].clone()).unwrap();
        assert_eq!(event.kind(), vars["kind"]);
        assert_eq!(serde_json::to_value(&event).unwrap(), vars["event"]);
    }

    #[test]
    fn a_valid_rule_is_evaluated_against_the_sample_step() {
        let vars = sample_step_variables();
        let rule = "kind == 'decided' && hour >= 12 && case.reviewers >= 2";
        assert_eq!(
            rule_expression(rule, &vars),
            ExpressionOutcome::Evaluated(true)
        );
        assert_eq!(
            rule_expression("case.steps > 100", &vars),
            ExpressionOutcome::Evaluated(false)
        );
        assert_eq!(
            rule_expression("kind ==", &vars),
            ExpressionOutcome::Refused
        );
        let too_long = format!("true{}", " || false".repeat(300));
        assert_eq!(
            rule_expression(&too_long, &vars),
            ExpressionOutcome::Refused
        );
    }
}
