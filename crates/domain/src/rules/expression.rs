//! Local expression rules: a bureau's own checks in CEL (Common Expression Language), a small
//! language with no loops, no I/O and no clock, so a rule stays a deterministic function of the
//! step it looks at. Each version is recorded on the log with its source and hash, like the
//! built-in rules, and an alert names the version that raised it.
//!
//! A rule sees one case step at a time: `kind` (e.g. `"decided"`), `event` (the step as
//! recorded), `case` (`number`, `item`, `steps`, `reviewers`, `accepted`, `decided`,
//! `working_days_since_receipt`), `actor`, `hour` (Beijing time) and `working_day`.

use std::sync::Arc;

use cel_interpreter::{Context, IdedExpr, Value};
use cel_parser::Parser;
use cel_parser::ast::{EntryExpr, Expr};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::cost::{self, Budget, Costly, Meter};
use crate::canonical::canonical_json;

/// What became of one expression source the fuzz target [`crate::fuzz::rule_expression`] tried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpressionOutcome {
    /// [`ExpressionRule::validate`](crate::rules::ExpressionRule::validate) refused it (too
    /// long, or it does not parse).
    Refused,
    /// Validated, yet the engine could not compile it: must never happen.
    ValidatedButNotCompiled,
    /// Validated, compiled and evaluated: whether the rule holds.
    Evaluated(bool),
    /// Validated and compiled, then stopped by the cost meter or a caught panic of the CEL
    /// library (the reason code the engine records).
    Failed(&'static str),
}

/// Why an expression rule is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExpressionRefusal {
    /// Malformed: bad code or name, too long, too deeply nested, or it does not parse.
    Invalid(String),
    /// It parses, but its estimated cost is over the budget (see `rules::cost`).
    TooCostly(Costly),
}

impl ExpressionRefusal {
    pub fn message_zh(&self) -> String {
        match self {
            ExpressionRefusal::Invalid(zh) => zh.clone(),
            ExpressionRefusal::TooCostly(Costly::Work { estimate, limit }) => {
                format!("表达式计算量估计为{estimate}，超过上限{limit}")
            }
            ExpressionRefusal::TooCostly(Costly::Size { estimate, limit }) => {
                format!("表达式中间值大小估计为{estimate}，超过上限{limit}")
            }
            ExpressionRefusal::TooCostly(Costly::Unsupported) => {
                "表达式含不支持的结构（struct）".into()
            }
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            ExpressionRefusal::Invalid(zh) => format!("Bad expression rule: {zh}"),
            ExpressionRefusal::TooCostly(Costly::Work { estimate, limit }) => {
                format!("The expression's estimated cost is {estimate}, over the limit of {limit}")
            }
            ExpressionRefusal::TooCostly(Costly::Size { estimate, limit }) => format!(
                "The expression may build a value of estimated size {estimate}, over the limit of {limit}"
            ),
            ExpressionRefusal::TooCostly(Costly::Unsupported) => {
                "The expression uses a construct that cannot be evaluated (a struct)".into()
            }
        }
    }
}

/// Why an evaluation stopped (recorded once per rule version, see `Engine::expressions_on`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The meter stopped it: a value or the work over the budget.
    BudgetExceeded,
    /// The CEL library panicked (caught).
    Panicked,
}

impl Failure {
    pub fn code(self) -> &'static str {
        match self {
            Failure::BudgetExceeded => "budget_exceeded",
            Failure::Panicked => "evaluation_panicked",
        }
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            Failure::BudgetExceeded => "超出计算预算",
            Failure::Panicked => "求值内部错误",
        }
    }
}

/// The result of one evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Holds,
    DoesNotHold,
    Failed(Failure),
}

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

    /// The rule is well formed, its expression parses and its estimated cost is within budget.
    pub fn validate(&self) -> Result<(), ExpressionRefusal> {
        self.validate_form().map_err(ExpressionRefusal::Invalid)?;
        compile(&self.expression).map(|_| ())
    }

    fn validate_form(&self) -> Result<(), String> {
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
        Ok(())
    }
}

/// At most this many opening brackets (`(`, `[`, `{`) in an expression.
pub const MAX_BRACKETS: usize = 48;
/// At most this many operator characters (`. + - * / % ! < > = & | ? :`) in an expression,
/// where each occurrence of `in` (the one operator without such a character) counts as two.
pub const MAX_OPERATORS: usize = 600;

/// Whether an expression is shallow enough to parse and evaluate on a 2 MiB thread stack.
///
/// The CEL parser, the AST builder and the evaluator all recurse once per nesting level, and a
/// stack overflow is no panic: it aborts the whole process. Measured on a debug build with a
/// 2 MiB stack (a test thread, a tokio worker), 200 nested `[` or 400 nested `(` overflowed (about
/// 8 KiB per level), and a chain of 999 `+` or `.` needed between 512 KiB and 1 MiB; each fits
/// in 2000 characters. Counting every bracket and operator character, also inside string
/// literals and comments, bounds the depth without lexing CEL, and never under-counts. The
/// deepest expression within both limits (48 brackets around a chain of 552 `+`) parsed and
/// evaluated in 768 KiB of stack on the same debug build.
fn nesting_fits(src: &str) -> bool {
    let brackets = src.bytes().filter(|b| b"([{".contains(b)).count();
    let operators = src
        .bytes()
        .filter(|b| b".+-*/%!<>=&|?:".contains(b))
        .count()
        + 2 * src.matches("in").count();
    brackets <= MAX_BRACKETS && operators <= MAX_OPERATORS
}

/// At most this many comprehensions (`all`, `exists`, `exists_one`, `map`, `filter`) nested in
/// the per-element part of one another. Each level multiplies the work by its list's length:
/// three levels over literal lists of 300 elements (1836 characters) ran past the fuzz target's
/// 10 s timeout, once per case step.
pub const MAX_COMPREHENSION_NESTING: usize = 2;

/// How deeply comprehensions nest where they are evaluated once per element of another. An
/// explicit stack rather than recursion: the tree may be a few hundred levels deep.
fn comprehension_nesting(root: &IdedExpr) -> usize {
    // Each node with the number of comprehensions it is evaluated once per element of.
    let mut todo: Vec<(&IdedExpr, usize)> = vec![(root, 0)];
    let mut deepest = 0;
    while let Some((e, level)) = todo.pop() {
        match &e.expr {
            Expr::Comprehension(c) => {
                deepest = deepest.max(level + 1);
                for once in [&c.iter_range, &c.accu_init, &c.result] {
                    todo.push((once, level));
                }
                for per_element in [&c.loop_cond, &c.loop_step] {
                    todo.push((per_element, level + 1));
                }
            }
            Expr::Call(c) => {
                todo.extend(c.target.iter().map(|t| (&**t, level)));
                todo.extend(c.args.iter().map(|a| (a, level)));
            }
            Expr::List(l) => todo.extend(l.elements.iter().map(|x| (x, level))),
            Expr::Map(m) => {
                for entry in &m.entries {
                    push_entry(&mut todo, &entry.expr, level);
                }
            }
            Expr::Struct(st) => {
                for entry in &st.entries {
                    push_entry(&mut todo, &entry.expr, level);
                }
            }
            Expr::Select(sel) => todo.push((&sel.operand, level)),
            Expr::Unspecified | Expr::Ident(_) | Expr::Literal(_) => {}
        }
    }
    deepest
}

fn push_entry<'a>(todo: &mut Vec<(&'a IdedExpr, usize)>, entry: &'a EntryExpr, level: usize) {
    match entry {
        EntryExpr::StructField(f) => todo.push((&f.value, level)),
        EntryExpr::MapEntry(m) => {
            todo.push((&m.key, level));
            todo.push((&m.value, level));
        }
    }
}

/// Parses a CEL expression and checks its cost, returning the tree the engine evaluates
/// (instrumented, see `rules::cost`). The parser (antlr4rust, a release candidate) panics on
/// some malformed input instead of returning an error; the panic is caught and becomes an
/// error. An expression nested too deeply for the stack ([`nesting_fits`]) is refused before
/// parsing, one with comprehensions nested too deeply ([`MAX_COMPREHENSION_NESTING`]) or over
/// the cost budget after (never per evaluation: once when a rule is validated or loaded).
fn compile(src: &str) -> Result<IdedExpr, ExpressionRefusal> {
    let invalid = |zh: String| ExpressionRefusal::Invalid(format!("表达式无法解析：{zh}"));
    if !nesting_fits(src) {
        return Err(invalid(format!(
            "嵌套过深（括号至多{MAX_BRACKETS}个，运算符至多{MAX_OPERATORS}个）"
        )));
    }
    let tree = match std::panic::catch_unwind(|| Parser::default().parse(src)) {
        Ok(Ok(tree)) => tree,
        Ok(Err(e)) => return Err(invalid(e.to_string())),
        Err(_) => return Err(invalid("syntax error".into())),
    };
    if comprehension_nesting(&tree) > MAX_COMPREHENSION_NESTING {
        return Err(invalid(format!(
            "all/exists/map/filter 至多嵌套{MAX_COMPREHENSION_NESTING}层"
        )));
    }
    cost::check(&tree).map_err(ExpressionRefusal::TooCostly)?;
    Ok(cost::instrument(tree))
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
        Some(c) => match c.evaluate(vars, Budget::RULES) {
            Verdict::Holds => ExpressionOutcome::Evaluated(true),
            Verdict::DoesNotHold => ExpressionOutcome::Evaluated(false),
            Verdict::Failed(f) => ExpressionOutcome::Failed(f.code()),
        },
        None => ExpressionOutcome::ValidatedButNotCompiled,
    }
}

/// A rule with its instrumented tree, shared by clones of the engine.
#[derive(Clone)]
pub(super) struct Compiled {
    pub rule: ExpressionRule,
    tree: Arc<IdedExpr>,
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
        Self::try_new(rule).ok()
    }

    /// The compiled rule, or why a recorded version cannot run (one recorded before the cost
    /// budget existed may be over it).
    pub fn try_new(rule: ExpressionRule) -> Result<Self, ExpressionRefusal> {
        let tree = compile(&rule.expression)?;
        Ok(Self {
            rule,
            tree: Arc::new(tree),
        })
    }

    /// Whether the rule holds for these variables within `budget`. An error (a missing field,
    /// a type mismatch) counts as not holding, so a rule cannot fail the whole run; an
    /// evaluation the meter stopped, or a panic of the CEL library, is a failure.
    pub fn evaluate(&self, vars: &serde_json::Value, budget: Budget) -> Verdict {
        let meter = Arc::new(Meter::new(budget));
        let mut ctx = Context::default();
        meter.install(&mut ctx);
        if let Some(map) = vars.as_object() {
            for (k, v) in map {
                if ctx.add_variable(k.as_str(), v.clone()).is_err() {
                    return Verdict::DoesNotHold;
                }
            }
        }
        // Through `Context::resolve`, compiled in cel-interpreter (optimized even in a debug
        // build): `Value::resolve` is `#[inline(always)]`, and instantiated in this crate at
        // opt-level 0 its frames overflowed a 2 MiB stack on the deepest accepted expression.
        let run = std::panic::AssertUnwindSafe(|| ctx.resolve(&self.tree));
        match std::panic::catch_unwind(run) {
            Err(_) => Verdict::Failed(Failure::Panicked),
            Ok(_) if meter.exceeded() => Verdict::Failed(Failure::BudgetExceeded),
            Ok(Ok(Value::Bool(true))) => Verdict::Holds,
            Ok(_) => Verdict::DoesNotHold,
        }
    }

    /// For tests of the meter alone: parsed and instrumented, without the estimate.
    #[cfg(test)]
    pub fn unestimated(rule: ExpressionRule) -> Self {
        let tree = Parser::default()
            .parse(&rule.expression)
            .unwrap_or_default();
        Self {
            rule,
            tree: Arc::new(cost::instrument(tree)),
        }
    }

    #[cfg(test)]
    pub fn holds(&self, vars: &serde_json::Value) -> bool {
        self.evaluate(vars, Budget::RULES) == Verdict::Holds
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

    /// Found with hand-made inputs to the `rules_expression` fuzz target (docs/FUZZING.md; in
    /// its 10 minutes the fuzzer itself stayed under ~100-byte inputs): each fits in 2000
    /// characters, and the brackets overflowed a 2 MiB debug stack, the chains the fuzz target's
    /// 8 MiB stack (ASan build). The process aborts: there is no panic to catch.
    #[test]
    fn deeply_nested_expressions_are_refused_before_they_overflow_the_stack() {
        let deep = [
            format!("{}1{}", "(".repeat(999), ")".repeat(999)),
            format!("{}{}", "[".repeat(999), "]".repeat(999)),
            format!("{}1{}", "{1:".repeat(400), "}".repeat(400)),
            format!("1{}", "+1".repeat(999)),
            format!("case{}", ".b".repeat(997)),
            format!("1{}", " in a".repeat(399)),
        ];
        for src in &deep {
            assert!(src.len() <= 2000);
            let err = rule(src).validate().unwrap_err().message_zh();
            assert!(err.contains("嵌套过深"), "{err}");
            assert!(Compiled::new(rule(src)).is_none());
        }
        // At the limits, on this test thread's 2 MiB stack: the deepest brackets around the
        // longest operator chain still parse and evaluate.
        let fits = format!(
            "{}1{}{}",
            "(".repeat(MAX_BRACKETS),
            "+1".repeat(MAX_OPERATORS - MAX_BRACKETS),
            ")".repeat(MAX_BRACKETS)
        );
        assert!(nesting_fits(&fits));
        let c = Compiled::new(rule(&fits)).unwrap();
        assert!(!c.holds(&serde_json::json!({})));
        let lists = format!("{}{}", "[".repeat(MAX_BRACKETS), "]".repeat(MAX_BRACKETS));
        assert!(rule(&lists).validate().is_ok());
        let members = format!("case{} == 1", ".b".repeat(MAX_OPERATORS - 2));
        assert!(rule(&members).validate().is_ok());
        assert!(
            !Compiled::new(rule(&members))
                .unwrap()
                .holds(&serde_json::json!({}))
        );
    }

    /// Found with a hand-made input to the `rules_expression` fuzz target: three nested
    /// comprehensions over literal lists of 300 elements fit in 2000 characters and ran past the
    /// target's 10 s timeout.
    #[test]
    fn comprehensions_nested_three_deep_are_refused() {
        let list = format!("[{}1]", "1,".repeat(299));
        let cubic = format!("{list}.all(a, {list}.all(b, {list}.all(c, c == 1)))");
        assert!(cubic.len() <= 2000);
        let err = rule(&cubic).validate().unwrap_err().message_zh();
        assert!(err.contains("至多嵌套2层"), "{err}");
        assert!(Compiled::new(rule(&cubic)).is_none());
        // Two levels, and comprehensions side by side or in the part evaluated once, are fine.
        let vars = serde_json::json!({"m": ["营业执照副本", "场所证明"]});
        for ok in [
            "m.exists(x, ['证明', '执照'].exists(k, x.contains(k)))",
            "m.all(x, size(x) > 1) && m.exists(x, x.endsWith('证明')) && m.map(x, x).size() == 2",
            "m.filter(x, x.contains('证明')).map(y, [y].all(z, z == y)).all(b, b)",
        ] {
            let c = Compiled::new(rule(ok)).unwrap();
            assert!(c.holds(&vars), "{ok}");
        }
        for deep in [
            "m.all(x, m.all(y, m.all(z, true)))",
            "m.exists(x, {'k': m.map(y, m.filter(z, z == y))}.size() > 0)",
            "[1].all(a, [1].map(b, [1].exists(c, true)).size() == 1)",
        ] {
            assert!(rule(deep).validate().is_err(), "{deep}");
        }
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
