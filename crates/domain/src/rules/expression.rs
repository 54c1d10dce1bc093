//! Local expression rules: a bureau's own checks in CEL (Common Expression Language), a small
//! language with no loops, no I/O and no clock, so a rule stays a deterministic function of the
//! step it looks at. Each version is recorded on the log with its source and hash, like the
//! built-in rules, and an alert names the version that raised it.
//!
//! A rule sees one case step at a time: `kind` (e.g. `"decided"`), `event` (the step as
//! recorded), `case` (`number`, `item`, `steps`, `reviewers`, `accepted`, `decided`,
//! `working_days_since_receipt`), `actor`, `hour` (Beijing time) and `working_day`.

use std::sync::Arc;

use cel_interpreter::{Context, Program, Value};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::event::canonical_json;
use crate::fuzz::ExpressionOutcome;

/// One recorded version of a local expression rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpressionRule {
    /// Lower-case letters, digits and `_`, at most 40.
    pub code: String,
    pub version: u32,
    pub name_zh: String,
    /// The CEL source; true means "raise an alert for this case".
    pub expression: String,
    pub active: bool,
}

impl ExpressionRule {
    /// SHA-256 (hex) of the rule's code, version, name, source and state.
    pub fn hash(&self) -> String {
        let spec = serde_json::to_value(self).unwrap_or_default();
        hex::encode(Sha256::digest(canonical_json(&spec)))
    }

    /// The rule is well formed and its expression parses.
    pub fn validate(&self) -> Result<(), String> {
        let code_ok = !self.code.is_empty()
            && self.code.len() <= 40
            && self
                .code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !code_ok {
            return Err("规则编码应为1至40个小写字母、数字或下划线".into());
        }
        if self.name_zh.trim().is_empty() || self.name_zh.chars().count() > 100 {
            return Err("规则名称不能为空且不超过100字".into());
        }
        if self.expression.len() > 2000 {
            return Err("表达式不超过2000字符".into());
        }
        compile(&self.expression)
            .map(|_| ())
            .map_err(|e| format!("表达式无法解析：{e}"))
    }
}

/// Parses a CEL expression. The parser (antlr4rust, a release candidate) panics on some
/// malformed input instead of returning an error; the panic is caught and becomes an error.
fn compile(src: &str) -> Result<Program, String> {
    match std::panic::catch_unwind(|| Program::compile(src)) {
        Ok(Ok(p)) => Ok(p),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("syntax error".into()),
    }
}

/// Validates `source` as an inspector's rule expression (as [`ExpressionRule::validate`] does
/// when one is recorded) and, when it is valid, compiles and evaluates it as the engine does
/// against `vars`. For the fuzz target, via `oneseal_domain::fuzz::rule_expression`.
pub(crate) fn validate_and_evaluate(source: &str, vars: &serde_json::Value) -> ExpressionOutcome {
    let rule = ExpressionRule {
        code: "fuzz".into(),
        version: 1,
        name_zh: "模糊测试".into(),
        expression: source.into(),
        active: true,
    };
    if rule.validate().is_err() {
        return ExpressionOutcome::Refused;
    }
    match Compiled::new(rule) {
        Some(c) => ExpressionOutcome::Evaluated(c.holds(vars)),
        None => ExpressionOutcome::ValidatedButNotCompiled,
    }
}

/// A rule with its parsed program, shared by clones of the engine.
#[derive(Clone)]
pub(super) struct Compiled {
    pub rule: ExpressionRule,
    program: Arc<Program>,
}

impl std::fmt::Debug for Compiled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Compiled")
            .field("rule", &self.rule)
            .finish()
    }
}

impl Compiled {
    pub fn new(rule: ExpressionRule) -> Option<Self> {
        let program = compile(&rule.expression).ok()?;
        Some(Self {
            rule,
            program: Arc::new(program),
        })
    }

    /// Whether the rule holds for these variables; an error (a missing field, a type
    /// mismatch) counts as not holding, so a rule cannot fail the whole run.
    pub fn holds(&self, vars: &serde_json::Value) -> bool {
        let mut ctx = Context::default();
        if let Some(map) = vars.as_object() {
            for (k, v) in map {
                if ctx.add_variable(k.as_str(), v.clone()).is_err() {
                    return false;
                }
            }
        }
        let run = std::panic::AssertUnwindSafe(|| self.program.execute(&ctx));
        matches!(std::panic::catch_unwind(run), Ok(Ok(Value::Bool(true))))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn rule(expression: &str) -> ExpressionRule {
        ExpressionRule {
            code: "late_decision".into(),
            version: 1,
            name_zh: "午后审批".into(),
            expression: expression.into(),
            active: true,
        }
    }

    #[test]
    fn expressions_see_the_step_and_the_case() {
        let c = Compiled::new(rule(
            "kind == 'decided' && hour >= 12 && case.reviewers < 3",
        ))
        .unwrap();
        let vars = |hour: i64| serde_json::json!({"kind": "decided", "hour": hour, "case": {"reviewers": 2}});
        assert!(c.holds(&vars(14)));
        assert!(!c.holds(&vars(10)));
        // A field that is not there is "does not hold", not a failure.
        let c = Compiled::new(rule("case.nothing > 1")).unwrap();
        assert!(!c.holds(&vars(14)));
    }

    #[test]
    fn bad_rules_are_refused() {
        assert!(rule("kind == 'decided'").validate().is_ok());
        for bad in ["kind == ", "(((", "kind === 'x'", "1 +", ")"] {
            assert!(rule(bad).validate().is_err(), "{bad}");
        }
        let mut r = rule("true");
        r.code = "Bad Code".into();
        assert!(r.validate().is_err());
        assert_ne!(rule("true").hash(), rule("false").hash());
    }
}
