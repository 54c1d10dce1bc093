//! The cost budget of a local expression rule, checked twice: estimated over the syntax tree
//! before a rule is accepted, and metered while it runs.
//!
//! CEL has no loops, yet a comprehension may use its element twice (`.map(v, v + v)`), and a
//! chain of them doubles a value per level: 45 levels in 506 characters asked for 2^45 bytes,
//! and a failed allocation aborts the process (no panic to catch). So, as Kubernetes does for
//! CEL, every expression gets a worst-case estimate of the largest value it builds and of the
//! work it does, assuming each variable of a case step is at most [`ASSUMED_INPUT`] units, and
//! is refused above [`MAX_COST`] or [`MAX_VALUE_SIZE`].
//!
//! An estimate rests on an assumption (a real step may be larger) and may be wrong, so the
//! evaluated tree is also instrumented: inside comprehensions every value a step builds or
//! reads passes through `@meter`, which measures it (a walk that stops at the limit) and
//! charges the size to a step budget; a value over the size limit or a budget spent stops the
//! evaluation. The meter counts units of the values, never time, so the same expression over
//! the same step always stops at the same place (rules replay re-proves it). Comprehensions
//! range over `@range(...)`, which iterates a map's keys in sorted order (the interpreter's hash
//! order differs per process) and refuses what is neither list nor map (the interpreter reaches
//! an unimplemented branch that panics there).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use cel_interpreter::extractors::This;
use cel_interpreter::objects::Key;
use cel_interpreter::{Context, ExecutionError, IdedExpr, Value};
use cel_parser::ast::operators;
use cel_parser::ast::{
    CallExpr, ComprehensionExpr, EntryExpr, Expr, ListExpr, MapExpr, SelectExpr,
};
use cel_parser::reference::Val;

/// The size (in units: one per value, plus a string's or bytes' length) each variable of a case
/// step is assumed to have at most when an expression is estimated. A step's variables are
/// typically a few hundred units; a larger step is still bounded by the meter.
pub const ASSUMED_INPUT: u64 = 1_024;
/// The number of elements a list or map among a step's variables is assumed to have at most
/// (a comprehension over it iterates that often).
pub const ASSUMED_ITEMS: u64 = 64;
/// At most this much work (units charged by the meter) per evaluation, estimated and metered.
pub const MAX_COST: u64 = 1_000_000;
/// No value built inside a comprehension may be larger than this (units), estimated and metered.
pub const MAX_VALUE_SIZE: u64 = 64 * 1_024;

const SAT: u64 = u64::MAX;

/// Why an expression is refused by the estimate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Costly {
    /// The estimated work is above [`MAX_COST`].
    Work { estimate: u64, limit: u64 },
    /// The largest value it may build is above [`MAX_VALUE_SIZE`].
    Size { estimate: u64, limit: u64 },
    /// A construct the interpreter cannot evaluate (a struct literal).
    Unsupported,
}

/// A runtime budget; [`Budget::RULES`] is the engine's, smaller ones are for tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    pub steps: u64,
    pub value_size: u64,
}

impl Budget {
    pub const RULES: Budget = Budget {
        steps: MAX_COST,
        value_size: MAX_VALUE_SIZE,
    };
}

/// An upper bound linear in the innermost comprehension's accumulator (`a`) and element (`v`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Lin {
    a: u64,
    v: u64,
    c: u64,
}

impl Lin {
    fn num(c: u64) -> Self {
        Lin { a: 0, v: 0, c }
    }
    fn add(self, o: Lin) -> Self {
        Lin {
            a: self.a.saturating_add(o.a),
            v: self.v.saturating_add(o.v),
            c: self.c.saturating_add(o.c),
        }
    }
    fn plus(self, n: u64) -> Self {
        self.add(Lin::num(n))
    }
    fn max(self, o: Lin) -> Self {
        Lin {
            a: self.a.max(o.a),
            v: self.v.max(o.v),
            c: self.c.max(o.c),
        }
    }
    fn at(self, a: u64, v: u64) -> u64 {
        self.a
            .saturating_mul(a)
            .saturating_add(self.v.saturating_mul(v))
            .saturating_add(self.c)
    }
}

/// What the estimator knows of a node: bounds on its size and on the work to evaluate it, and
/// whether it is a scalar (bool, int, double, null: size 1, however it was computed), which
/// keeps `@result || …` from looking like an accumulator that grows.
#[derive(Clone, Copy, Debug, Default)]
struct Est {
    size: Lin,
    cost: Lin,
    scalar: bool,
    /// At most this many elements, if a list or map (a comprehension's iterations).
    items: u64,
}

/// What the estimator knows where it stands: the comprehension variables in scope (with their
/// size and whether they are scalars), the bound of the innermost element, and the largest
/// value seen per comprehension level.
struct Estimator<'a> {
    vars: Vec<(&'a str, Lin, bool)>,
    v_max: u64,
    peaks: Vec<Lin>,
}

/// The estimated work and largest value of an expression, or why it is refused.
pub fn check(tree: &IdedExpr) -> Result<(), Costly> {
    let mut e = Estimator {
        vars: Vec::new(),
        v_max: 0,
        peaks: vec![Lin::default()],
    };
    let top = e.est(tree)?;
    let peak = e.peaks.iter().fold(top.size.c, |m, p| m.max(p.c));
    let work = top.cost.c;
    if peak > MAX_VALUE_SIZE {
        return Err(Costly::Size {
            estimate: peak,
            limit: MAX_VALUE_SIZE,
        });
    }
    if work > MAX_COST {
        return Err(Costly::Work {
            estimate: work,
            limit: MAX_COST,
        });
    }
    Ok(())
}

fn literal(v: &Val) -> Est {
    let (size, scalar) = match v {
        Val::String(s) => (1 + s.len() as u64, false),
        Val::Bytes(b) => (1 + b.len() as u64, false),
        _ => (1, true),
    };
    Est {
        size: Lin::num(size),
        cost: Lin::num(1),
        scalar,
        items: size,
    }
}

fn scalar(cost: Lin) -> Est {
    Est {
        size: Lin::num(1),
        cost,
        scalar: true,
        items: 1,
    }
}

fn value(size: Lin, cost: Lin) -> Est {
    Est {
        size,
        cost,
        scalar: false,
        items: SAT,
    }
}

fn with_items(e: Est, items: u64) -> Est {
    Est { items, ..e }
}

impl<'a> Estimator<'a> {
    /// Size and work of `e`; recursion is bounded by the nesting checks made before, and each
    /// kind of node has its own function so the frame on the recursion path stays small (a
    /// chain of 600 `+` must fit a 2 MiB debug stack).
    fn est(&mut self, e: &'a IdedExpr) -> Result<Est, Costly> {
        let out = match &e.expr {
            Expr::Literal(v) => literal(v),
            Expr::Ident(name) => self.ident(name),
            Expr::Select(sel) => {
                let o = self.est(&sel.operand)?;
                if sel.test {
                    scalar(o.cost.plus(1))
                } else {
                    with_items(value(o.size, o.cost.plus(1)), o.items)
                }
            }
            Expr::List(l) => self.list(&l.elements)?,
            Expr::Map(m) => self.map(m)?,
            Expr::Call(call) => self.call(call)?,
            Expr::Comprehension(c) => self.comprehension(c)?,
            Expr::Struct(_) | Expr::Unspecified => return Err(Costly::Unsupported),
        };
        self.note(out.size);
        Ok(out)
    }

    #[inline(never)]
    fn ident(&self, name: &str) -> Est {
        match self.vars.iter().rev().find(|(n, _, _)| *n == name) {
            Some((_, _, true)) => scalar(Lin::num(2)),
            Some((_, size, false)) => value(*size, size.plus(1)),
            None => {
                let size = Lin::num(ASSUMED_INPUT);
                with_items(value(size, size.plus(1)), ASSUMED_ITEMS)
            }
        }
    }

    #[inline(never)]
    fn list(&mut self, elements: &'a [IdedExpr]) -> Result<Est, Costly> {
        let mut size = Lin::num(1);
        let mut cost = Lin::num(1);
        for x in elements {
            let e = self.est(x)?;
            size = size.add(e.size);
            cost = cost.add(e.cost);
        }
        Ok(with_items(
            value(size, cost.add(size)),
            elements.len() as u64,
        ))
    }

    #[inline(never)]
    fn map(&mut self, m: &'a MapExpr) -> Result<Est, Costly> {
        let mut size = Lin::num(1);
        let mut cost = Lin::num(1);
        for entry in &m.entries {
            let EntryExpr::MapEntry(me) = &entry.expr else {
                return Err(Costly::Unsupported);
            };
            for x in [&me.key, &me.value] {
                let e = self.est(x)?;
                size = size.add(e.size);
                cost = cost.add(e.cost);
            }
        }
        Ok(with_items(
            value(size, cost.add(size)),
            m.entries.len() as u64,
        ))
    }

    #[inline(never)]
    fn comprehension(&mut self, c: &'a ComprehensionExpr) -> Result<Est, Costly> {
        let r = self.est(&c.iter_range)?;
        let a0 = self.est(&c.accu_init)?;
        // Values of the enclosing comprehension become numbers inside this one.
        let collapse = |l: Lin, v_max: u64| Lin::num(l.at(SAT, v_max));
        let range = r.size.at(SAT, self.v_max);
        let init = a0.size.at(SAT, self.v_max);
        let saved_vars = self.vars.clone();
        let saved_v = self.v_max;
        for var in &mut self.vars {
            var.1 = collapse(var.1, saved_v);
        }
        self.v_max = range;
        let element = Lin {
            v: 1,
            ..Lin::default()
        };
        self.vars.push((c.iter_var.as_str(), element, false));
        if let Some(v2) = &c.iter_var2 {
            self.vars.push((v2.as_str(), element, false));
        }
        let accumulator = Lin {
            a: 1,
            ..Lin::default()
        };
        // A scalar accumulator (all, exists, exists_one) stays one if each step gives one.
        let mut accu_scalar = a0.scalar;
        self.vars
            .push((c.accu_var.as_str(), accumulator, accu_scalar));
        let mut step = self.step(c)?;
        if accu_scalar && !step.0.scalar {
            accu_scalar = false;
            if let Some(last) = self.vars.last_mut() {
                last.2 = false;
            }
            step = self.step(c)?;
        }
        let (step, cond) = step;
        // At most one iteration per element (or unit) of the range; the elements sum to its size.
        let n = range.min(r.items);
        let accu = if accu_scalar {
            1
        } else {
            match step.size.a {
                0 => init.max(step.size.at(0, range)),
                1 => init
                    .saturating_add(step.size.v.saturating_mul(range))
                    .saturating_add(n.saturating_mul(step.size.c)),
                _ => SAT,
            }
        };
        let per = step.cost.add(cond.cost).plus(1);
        let loop_cost = n
            .saturating_mul(per.a.saturating_mul(accu).saturating_add(per.c))
            .saturating_add(per.v.saturating_mul(range));
        if let Some(last) = self.vars.last_mut() {
            last.1 = Lin::num(accu);
        }
        let res = self.est(&c.result)?;
        let body_peak = self.peaks.pop().unwrap_or_default().at(accu, range);
        self.vars = saved_vars;
        self.v_max = saved_v;
        let size = res.size.at(accu, range);
        self.note(Lin::num(body_peak.max(accu).max(size)));
        let cost = r
            .cost
            .add(a0.cost)
            .plus(range)
            .plus(loop_cost)
            .plus(res.cost.at(accu, range));
        // map and filter add at most one element per iteration.
        Ok(Est {
            size: Lin::num(size),
            cost: collapse(cost, self.v_max),
            scalar: res.scalar,
            items: if res.scalar {
                1
            } else {
                a0.items.saturating_add(n)
            },
        })
    }

    /// The loop step and condition of `c`, in a fresh peak level.
    fn step(&mut self, c: &'a ComprehensionExpr) -> Result<(Est, Est), Costly> {
        self.peaks.push(Lin::default());
        let step = self.est(&c.loop_step)?;
        let cond = self.est(&c.loop_cond)?;
        Ok((step, cond))
    }

    fn note(&mut self, size: Lin) {
        if let Some(p) = self.peaks.last_mut() {
            *p = p.max(size);
        }
    }

    fn call(&mut self, call: &'a CallExpr) -> Result<Est, Costly> {
        let mut parts = Vec::with_capacity(call.args.len() + 1);
        if let Some(t) = &call.target {
            parts.push(self.est(t)?);
        }
        for a in &call.args {
            parts.push(self.est(a)?);
        }
        Ok(classify(&call.func_name, &parts))
    }
}

/// Size and work of a call from those of its target and arguments.
#[inline(never)]
fn classify(func: &str, parts: &[Est]) -> Est {
    let work = parts.iter().fold(Lin::num(1), |w, p| w.add(p.cost));
    let sum = parts.iter().fold(Lin::num(0), |s, x| s.add(x.size));
    let largest = parts.iter().fold(Lin::num(1), |s, x| s.max(x.size));
    let smallest = parts.iter().map(|p| p.size).reduce(|s, x| Lin {
        a: s.a.min(x.a),
        v: s.v.min(x.v),
        c: s.c.min(x.c),
    });
    let all_scalar = parts.iter().all(|p| p.scalar);
    match func {
        operators::ADD | operators::LOGICAL_OR if all_scalar => scalar(work),
        operators::ADD => with_items(
            value(sum, work.add(sum)),
            parts.iter().fold(0u64, |n, p| n.saturating_add(p.items)),
        ),
        operators::CONDITIONAL => {
            // Only one branch runs.
            let [c, t, f] = parts else {
                return value(sum, work.add(sum));
            };
            let cost = c.cost.add(t.cost.max(f.cost)).plus(1);
            if t.scalar && f.scalar {
                scalar(cost)
            } else {
                value(t.size.max(f.size), cost)
            }
        }
        operators::LOGICAL_OR | operators::INDEX => value(largest, work),
        operators::EQUALS
        | operators::NOT_EQUALS
        | operators::LESS
        | operators::LESS_EQUALS
        | operators::GREATER
        | operators::GREATER_EQUALS => scalar(work.add(smallest.unwrap_or_default())),
        operators::IN | "contains" | "startsWith" | "endsWith" => scalar(work.add(sum)),
        operators::LOGICAL_AND
        | operators::LOGICAL_NOT
        | operators::NOT_STRICTLY_FALSE
        | operators::SUBSTRACT
        | operators::MULTIPLY
        | operators::DIVIDE
        | operators::MODULO
        | operators::NEGATE
        | "size"
        | "int"
        | "uint"
        | "double" => scalar(work),
        "string" | "bytes" => value(sum.plus(24), work.add(sum)),
        "max" | "min" => value(largest, work.add(sum)),
        _ => value(sum.plus(24), work.add(sum)),
    }
}

const METER: &str = "@meter";
const RANGE: &str = "@range";

fn wrap(e: IdedExpr, func: &str) -> IdedExpr {
    IdedExpr {
        id: e.id,
        expr: Expr::Call(CallExpr {
            func_name: func.to_owned(),
            target: Some(Box::new(e)),
            args: Vec::new(),
        }),
    }
}

/// The tree as the engine evaluates it: comprehension ranges through `@range`, and inside
/// comprehensions each step's result, each list or map built, each concatenation (the top of a
/// chain and every 8th link, so a chain neither grows unmetered nor doubles the stack) and
/// each variable read through `@meter`. The values are unchanged.
pub fn instrument(e: IdedExpr) -> IdedExpr {
    rewrite(e, false, 0)
}

/// Each kind of node has its own function, so the frame on the recursion path stays small.
fn rewrite(e: IdedExpr, inside: bool, link: usize) -> IdedExpr {
    let id = e.id;
    let (expr, metered) = match e.expr {
        Expr::Comprehension(c) => (rewrite_comprehension(c, inside), false),
        Expr::Call(call) => {
            let add = call.func_name == operators::ADD && call.args.len() == 2;
            // The top of a chain of `+` and every 8th link.
            (
                rewrite_call(call, inside, link),
                inside && add && link.is_multiple_of(8),
            )
        }
        Expr::List(l) => (rewrite_list(l, inside), inside),
        Expr::Map(m) => (rewrite_map(m, inside), inside),
        Expr::Ident(name) => {
            let metered = inside && !name.starts_with('@');
            (Expr::Ident(name), metered)
        }
        // The selected value is metered, not each link of `a.b.c`.
        Expr::Select(sel) => (rewrite_select(sel, inside), inside),
        other => (other, false),
    };
    let out = IdedExpr { id, expr };
    if metered { wrap(out, METER) } else { out }
}

#[inline(never)]
fn rewrite_comprehension(mut c: ComprehensionExpr, inside: bool) -> Expr {
    c.iter_range = Box::new(wrap(rewrite(*c.iter_range, inside, 0), RANGE));
    c.accu_init = Box::new(rewrite(*c.accu_init, inside, 0));
    c.loop_cond = Box::new(rewrite(*c.loop_cond, true, 0));
    c.loop_step = Box::new(wrap(rewrite(*c.loop_step, true, 0), METER));
    c.result = Box::new(rewrite(*c.result, true, 0));
    Expr::Comprehension(c)
}

#[inline(never)]
fn rewrite_call(mut call: CallExpr, inside: bool, link: usize) -> Expr {
    let add = call.func_name == operators::ADD && call.args.len() == 2;
    // Plain loops: iterator adapters add frames per level in a debug build.
    for (i, a) in call.args.iter_mut().enumerate() {
        let link = if add && i == 0 { link + 1 } else { 0 };
        *a = rewrite(std::mem::take(a), inside, link);
    }
    if let Some(t) = call.target.as_mut() {
        **t = rewrite(std::mem::take(&mut **t), inside, 0);
    }
    Expr::Call(call)
}

#[inline(never)]
fn rewrite_list(mut l: ListExpr, inside: bool) -> Expr {
    for x in &mut l.elements {
        *x = rewrite(std::mem::take(x), inside, 0);
    }
    Expr::List(l)
}

#[inline(never)]
fn rewrite_map(mut m: MapExpr, inside: bool) -> Expr {
    for entry in &mut m.entries {
        if let EntryExpr::MapEntry(me) = &mut entry.expr {
            me.key = rewrite(std::mem::take(&mut me.key), inside, 0);
            me.value = rewrite(std::mem::take(&mut me.value), inside, 0);
        }
    }
    Expr::Map(m)
}

#[inline(never)]
fn rewrite_select(mut sel: SelectExpr, inside: bool) -> Expr {
    let operand = std::mem::take(&mut *sel.operand);
    *sel.operand = match operand.expr {
        Expr::Ident(_) => operand,
        Expr::Select(inner) => IdedExpr {
            id: operand.id,
            expr: rewrite_select(inner, inside),
        },
        _ => rewrite(operand, inside, 0),
    };
    Expr::Select(sel)
}

/// The runtime side of the budget: what one evaluation has spent, and whether it overran.
#[derive(Debug)]
pub struct Meter {
    left: AtomicU64,
    value_size: u64,
    exceeded: AtomicBool,
}

impl Meter {
    pub fn new(budget: Budget) -> Self {
        Self {
            left: AtomicU64::new(budget.steps),
            value_size: budget.value_size,
            exceeded: AtomicBool::new(false),
        }
    }

    pub fn exceeded(&self) -> bool {
        self.exceeded.load(Ordering::Relaxed)
    }

    fn overrun(&self) -> ExecutionError {
        self.exceeded.store(true, Ordering::Relaxed);
        ExecutionError::function_error(METER, "cost budget exceeded")
    }

    fn charge(&self, v: &Value) -> Result<(), ExecutionError> {
        if self.exceeded() {
            return Err(self.overrun());
        }
        let size = value_size(v, self.value_size.saturating_add(1));
        if size > self.value_size {
            return Err(self.overrun());
        }
        let cost = size.saturating_add(1);
        let left = self.left.load(Ordering::Relaxed);
        if cost > left {
            self.left.store(0, Ordering::Relaxed);
            return Err(self.overrun());
        }
        self.left.store(left - cost, Ordering::Relaxed);
        Ok(())
    }

    /// Adds `@meter` and `@range` to `ctx`, charging this meter.
    pub fn install(self: &Arc<Self>, ctx: &mut Context) {
        let m = Arc::clone(self);
        ctx.add_function(
            METER,
            move |This(v): This<Value>| -> Result<Value, ExecutionError> {
                m.charge(&v)?;
                Ok(v)
            },
        );
        let m = Arc::clone(self);
        ctx.add_function(
            RANGE,
            move |This(v): This<Value>| -> Result<Value, ExecutionError> {
                let v = match v {
                    Value::List(_) => v,
                    Value::Map(map) => {
                        let mut keys: Vec<&Key> = map.map.keys().collect();
                        keys.sort();
                        Value::List(Arc::new(keys.into_iter().map(Value::from).collect()))
                    }
                    _ => {
                        return Err(ExecutionError::function_error(
                            RANGE,
                            "only a list or a map can be iterated",
                        ));
                    }
                };
                m.charge(&v)?;
                Ok(v)
            },
        );
    }
}

/// The size of `v` in units (one per value, plus a string's or bytes' length), counted up to
/// `limit` and no further: a list holding the same list twice, nested, is small in memory yet
/// large to walk or compare, and counts as large.
pub fn value_size(v: &Value, limit: u64) -> u64 {
    let mut total: u64 = 0;
    let mut todo: Vec<&Value> = vec![v];
    while let Some(v) = todo.pop() {
        total = total.saturating_add(1);
        match v {
            Value::String(s) => total = total.saturating_add(s.len() as u64),
            Value::Bytes(b) => total = total.saturating_add(b.len() as u64),
            Value::List(l) => todo.extend(l.iter()),
            Value::Map(m) => {
                for (k, x) in m.map.iter() {
                    total = total.saturating_add(match k {
                        Key::String(s) => 1 + s.len() as u64,
                        _ => 1,
                    });
                    todo.push(x);
                }
            }
            _ => {}
        }
        if total > limit {
            return total;
        }
    }
    total
}

#[cfg(test)]
pub(super) mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::rules::ExpressionRule;
    use crate::rules::expression::{Compiled, ExpressionRefusal, Failure, Verdict};

    fn rule(expression: &str) -> ExpressionRule {
        ExpressionRule {
            code: "costly".into(),
            version: 1,
            name_zh: "代价".into(),
            expression: expression.into(),
            active: true,
        }
    }

    /// The expression of issue #22: each `.map(v, v + v)` doubles the string, 45 levels asked
    /// for 2^45 bytes and the allocation failure aborted the server, at every restart.
    pub fn boom() -> String {
        format!("['a']{} == []", ".map(v,v+v)".repeat(45))
    }

    fn refused_as_too_costly(src: &str) -> Costly {
        match rule(src).validate() {
            Err(ExpressionRefusal::TooCostly(c)) => c,
            other => panic!("{src}: {other:?}"),
        }
    }

    #[test]
    fn doubling_and_multiplying_comprehensions_are_refused_by_the_estimate() {
        let boom = boom();
        assert_eq!(boom.len(), 506);
        assert!(matches!(
            refused_as_too_costly(&boom),
            Costly::Size {
                limit: MAX_VALUE_SIZE,
                ..
            }
        ));
        assert!(Compiled::new(rule(&boom)).is_none());
        for src in [
            // Fewer levels, more copies per level, over an input, through filter and exists.
            format!("['a']{}.size() > 0", ".map(v,v+v+v+v)".repeat(12)),
            format!("event.map(v,v+v){}.size() > 0", ".map(v,v+v)".repeat(10)),
            format!("['ab']{}.exists(x, x == 'a')", ".map(v,v+v+v)".repeat(12)),
            format!("[[1]]{}.size() > 0", ".map(v,[v,v,v,v])".repeat(10)),
            format!(
                "['a']{}.filter(x, true).size() > 0",
                ".map(v,v+v)".repeat(20)
            ),
            // Quadratic in a large input: two levels over the step's variables, with copies.
            "event.all(a, event.all(b, a + b + a + b + a + b != ''))".into(),
        ] {
            refused_as_too_costly(&src);
        }
        // Struct literals reach an unimplemented, panicking branch of the interpreter: refused before they run.
        assert_eq!(refused_as_too_costly("Foo{a: 1} == 1"), Costly::Unsupported);
        // The rules a bureau writes are far inside the budget.
        for ok in [
            "kind == 'decided' && hour >= 12 && case.reviewers < 3",
            "event.materials.exists(m, m.name.contains('证明'))",
            "event.materials.map(m, m.name).filter(n, n.size() > 2).size() > 1",
            "['a', 'b'].map(v, v + v + v).all(x, x.size() == 3)",
            "case.steps > 3 && [1, 2, 3].exists(x, x == case.reviewers)",
        ] {
            assert_eq!(rule(ok).validate(), Ok(()), "{ok}");
        }
    }

    #[test]
    fn the_meter_stops_what_the_estimate_let_through_the_same_way_every_time() {
        // Within the estimate's assumption (a variable of at most ASSUMED_INPUT units) this
        // costs about 300 000 units; with a 20 000-character opinion, twenty times more.
        let src = "[1,2,3,4,5,6,7,8].all(i, [1,2,3,4,5,6,7,8].all(j, (event.opinion + event.opinion).size() > 0))";
        let c = Compiled::new(rule(src)).unwrap();
        let vars = |n: usize| serde_json::json!({"event": {"opinion": "意".repeat(n)}});
        assert_eq!(c.evaluate(&vars(300), Budget::RULES), Verdict::Holds);
        let big = vars(20_000 / 3);
        for _ in 0..2 {
            assert_eq!(
                c.evaluate(&big, Budget::RULES),
                Verdict::Failed(Failure::BudgetExceeded)
            );
        }
        // Were the estimate wrong, the meter alone stops the expression of issue #22 (2^45
        // bytes) at its first value over the size limit, long before memory runs out.
        let boom = Compiled::unestimated(rule(&boom()));
        assert_eq!(
            boom.evaluate(&serde_json::json!({}), Budget::RULES),
            Verdict::Failed(Failure::BudgetExceeded)
        );
        // A value over the size limit stops it too, before it is built any larger.
        let grow = Compiled::new(rule("['a', 'b'].map(v, v + v).size() == 2")).unwrap();
        let tight = Budget {
            steps: MAX_COST,
            value_size: 4,
        };
        assert_eq!(
            grow.evaluate(&serde_json::json!({}), tight),
            Verdict::Failed(Failure::BudgetExceeded)
        );
        assert_eq!(
            grow.evaluate(&serde_json::json!({}), Budget::RULES),
            Verdict::Holds
        );
    }

    #[test]
    fn ranges_are_lists_or_maps_in_a_fixed_order() {
        // The interpreter panicked (an unimplemented branch) iterating a string: now an error, so "does not hold".
        let s = Compiled::new(rule("'a'.exists(x, true)")).unwrap();
        assert_eq!(
            s.evaluate(&serde_json::json!({}), Budget::RULES),
            Verdict::DoesNotHold
        );
        let absent = Compiled::new(rule("event.materials.exists(m, true)")).unwrap();
        assert_eq!(
            absent.evaluate(&serde_json::json!({"event": {}}), Budget::RULES),
            Verdict::DoesNotHold
        );
        // A map's keys in sorted order, whatever the hash order: the first key wins here.
        let first = Compiled::new(rule("{'b': 1, 'a': 2, 'c': 3}.map(k, k)[0] == 'a'")).unwrap();
        for _ in 0..20 {
            assert_eq!(
                first.evaluate(&serde_json::json!({}), Budget::RULES),
                Verdict::Holds
            );
        }
    }

    #[test]
    fn sizes_count_what_a_walk_would_visit() {
        let s = Value::String(Arc::new("abc".into()));
        assert_eq!(value_size(&s, 100), 4);
        let mut v = Value::List(Arc::new(vec![s]));
        for _ in 0..40 {
            v = Value::List(Arc::new(vec![v.clone(), v]));
        }
        // 2^40 strings in a few kilobytes: counted up to the limit, no further.
        assert!((1_001..=1_004).contains(&value_size(&v, 1_000)));
    }
}
