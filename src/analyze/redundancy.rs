//! What a policy says twice: an action pattern another pattern of the same statement
//! already covers, and a statement another statement of the same policy already covers.
//! Conservative: a statement is redundant only when the other has the same effect, covers
//! each of its actions, resources and principals pattern by pattern, and has no condition
//! the redundant one lacks.

use std::cell::Cell;

use foldhash::{HashMap, HashMapExt, HashSet};

use super::codes::{REDUNDANCY_NOT_CHECKED, REDUNDANT_ACTION, REDUNDANT_STATEMENT};
use super::esc;
use super::finding::{Finding, Place};
use crate::eval::action::action_pattern_problem;
use crate::eval::parse_operator;
use crate::model::glob::{covers, has_wildcard};
use crate::model::{Effect, PolicyDocument, PolicyKind, Principal, Statement, Values};

/// An action pattern read once for comparing: as written, lower-cased, its service, and
/// whether IAM can read it at all.
struct Key<'a> {
    text: &'a str,
    lower: String,
    /// Where the service part ends in `lower`; `None` for `*` (and unreadable patterns).
    colon: Option<usize>,
    wild: bool,
    valid: bool,
}

impl<'a> Key<'a> {
    fn new(text: &'a str) -> Self {
        let lower = text.to_ascii_lowercase();
        Key {
            text,
            colon: lower.find(':'),
            lower,
            wild: has_wildcard(text),
            valid: action_pattern_problem(text).is_none(),
        }
    }

    /// The service part, lower-cased; `*` for `*`.
    fn service(&self) -> &str {
        self.colon.map_or("*", |c| &self.lower[..c])
    }
}

/// A list of action patterns indexed for "which of them covers this one": exact names by
/// lower-cased text, wildcards by service (only a pattern of the same service, or `*`, can
/// cover another).
struct Patterns<'a> {
    exact: HashMap<&'a str, usize>,
    wild: HashMap<&'a str, Vec<(usize, &'a str)>>,
    /// What wildcard comparisons may still cost (see [`PATTERN_STEPS`]).
    steps: Cell<usize>,
}

/// How much comparing wildcards with each other may cost in one list of patterns, each
/// comparison charged the two lengths together. Past it, no more
/// patterns are found covered: thousands of wildcards of one service cannot make `check`
/// slow, and `redundancy-not-checked` says where comparing stopped.
const PATTERN_STEPS: usize = 20_000_000;

impl<'a> Patterns<'a> {
    /// The readable patterns among `keys`, by their position there.
    fn new(keys: &'a [Key<'a>]) -> Self {
        let mut patterns = Patterns {
            exact: HashMap::with_capacity(keys.len()),
            wild: HashMap::new(),
            steps: Cell::new(PATTERN_STEPS),
        };
        for (i, key) in keys.iter().enumerate().filter(|(_, k)| k.valid) {
            if key.wild {
                patterns
                    .wild
                    .entry(key.service())
                    .or_default()
                    .push((i, key.text));
            } else {
                patterns.exact.entry(&key.lower).or_insert(i);
            }
        }
        patterns
    }

    /// The first pattern (other than the one at `skip`) that covers `pattern`, and whether
    /// it is the same text.
    fn covering(&self, pattern: &Key, skip: Option<usize>) -> Option<(usize, bool)> {
        if !pattern.wild
            && let Some(&j) = self.exact.get(pattern.lower.as_str())
            && Some(j) != skip
        {
            return Some((j, true));
        }
        let service = pattern.service();
        let candidates = self.wild.get(service).into_iter().flatten();
        let everything = self.wild.get("*").into_iter().flatten();
        candidates
            .chain(everything.filter(|_| service != "*"))
            .find(|&&(j, p)| {
                Some(j) != skip && self.spend(p, pattern.text) && covers(p, pattern.text, true)
            })
            .map(|&(j, p)| (j, p.eq_ignore_ascii_case(pattern.text)))
    }

    /// Charges comparing `a` with `b`; false once the budget is spent.
    fn spend(&self, a: &str, b: &str) -> bool {
        let cost = a.len() + b.len() + 1;
        match self.steps.get().checked_sub(cost) {
            Some(left) => {
                self.steps.set(left);
                true
            }
            None => {
                self.steps.set(0);
                false
            }
        }
    }

    /// Whether the comparison budget has run out.
    fn exhausted(&self) -> bool {
        self.steps.get() == 0
    }
}

/// What a policy says twice: the patterns of a statement's Action or NotAction that
/// another pattern of the same list covers, and the statements another statement covers.
/// Each pattern is read once for both.
pub fn policy(place: Place, kind: PolicyKind, doc: &PolicyDocument, out: &mut Vec<Finding>) {
    fn read(values: &Values) -> Vec<Key<'_>> {
        values.iter().map(Key::new).collect()
    }
    let keys: Vec<Option<Vec<Key>>> = doc
        .statements
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let place = place.with_statement(i, s);
            let action = s.action.as_ref().map(|values| (values, read(values)));
            if let Some((values, keys)) = &action {
                actions(place, values, keys, out);
            }
            if let Some(values) = &s.not_action {
                actions(place, values, &read(values), out);
            }
            action.map(|(_, keys)| keys).filter(|_| comparable(s, kind))
        })
        .collect();
    statements(place, doc, &keys, out);
}

/// Patterns of one Action or NotAction list (read as `keys`) covered by another pattern of
/// the list. Of two patterns that cover each other, the later one is reported.
fn actions(place: Place, values: &Values, keys: &[Key], out: &mut Vec<Finding>) {
    let items = &values.items;
    let patterns = Patterns::new(keys);
    for (i, (a, key)) in items.iter().zip(keys).enumerate() {
        if !key.valid {
            continue;
        }
        let covering = patterns.covering(key, Some(i));
        if patterns.exhausted() {
            out.push(place.finding(
                REDUNDANCY_NOT_CHECKED,
                a.loc,
                format!(
                    "`{}` and the {} patterns after it were not wholly compared with the others (too many wildcards to compare); a redundant one may not be reported",
                    esc(&a.value),
                    items.len() - i - 1
                ),
            ));
            break;
        }
        let Some((j, same)) = covering else {
            continue;
        };
        let b = &items[j];
        let mutual = same || covers(&a.value, &b.value, true);
        if mutual && j > i {
            continue;
        }
        let message = if same {
            let at = if b.loc.is_known() {
                format!(" (also at line {})", b.loc.line)
            } else {
                String::new()
            };
            format!("`{}` is listed twice in this statement{at}", esc(&a.value))
        } else {
            format!(
                "`{}` is already covered by `{}` in this statement",
                esc(&a.value),
                esc(&b.value)
            )
        };
        out.push(
            place
                .finding(REDUNDANT_ACTION, a.loc, message)
                .about_action(&a.value),
        );
    }
}

/// How many comparison steps one policy may take, each comparison charged its worst case
/// (an action, resource, principal or condition of a statement looked up in another's);
/// past them, no more statements are compared and `redundancy-not-checked` says from
/// which one. Real policies stay far below; a generated one cannot make `check` slow.
const STEPS: usize = 1_000_000;

/// Up to this many statements, a policy is compared without an index (see [`Index`]).
const FEW_STATEMENTS: usize = 8;

/// Statements of the policy that another statement covers; `keys` are the Action patterns
/// of the statements simple enough to compare ([`comparable`]).
fn statements(
    place: Place,
    doc: &PolicyDocument,
    keys: &[Option<Vec<Key>>],
    out: &mut Vec<Finding>,
) {
    let all = &doc.statements;
    let shapes: Vec<Option<Shape>> = all
        .iter()
        .zip(keys)
        .map(|(s, keys)| Shape::new(s, keys.as_deref()?))
        .collect();
    let index = Index::new(&shapes);
    let steps = Cell::new(STEPS);
    let covers_statement = |t: usize, s: usize| match (&shapes[t], &shapes[s]) {
        (Some(t), Some(s)) => {
            let cost = t.cost_against(s);
            if cost > steps.get() {
                steps.set(0);
                return false;
            }
            steps.set(steps.get() - cost);
            t.covers(s)
        }
        _ => false,
    };
    // The first statement not (wholly) compared, once the budget has run out.
    let mut unchecked = None;
    for (i, s) in all.iter().enumerate() {
        let Some(shape) = &shapes[i] else { continue };
        let by = index
            .candidates(shape)
            .filter(|&j| j != i)
            .take_while(|_| steps.get() > 0)
            .find(|&j| covers_statement(j, i) && (j < i || !covers_statement(i, j)));
        if steps.get() == 0 {
            unchecked = Some(if by.is_some() { i + 1 } else { i });
        }
        if let Some(j) = by {
            redundant_statement(place, (i, s), (j, &all[j]), out);
        }
        if unchecked.is_some() {
            break;
        }
    }
    if let Some(i) = unchecked.filter(|&i| i < all.len()) {
        out.push(place.with_statement(i, &all[i]).finding(
            REDUNDANCY_NOT_CHECKED,
            all[i].loc,
            format!(
                "{} not wholly compared with the others (the policy is too large for the comparison budget); a redundant one may not be reported",
                if i + 1 == all.len() {
                    format!("statement {} was", i + 1)
                } else {
                    format!("statements {} to {} were", i + 1, all.len())
                }
            ),
        ));
    }
}

/// Reports statement `s` (at index `i`) as covered by statement `t` (at index `j`).
fn redundant_statement(
    place: Place,
    (i, s): (usize, &Statement),
    (j, t): (usize, &Statement),
    out: &mut Vec<Finding>,
) {
    let verb = if t.effect() == Some(Effect::Deny) {
        "denies"
    } else {
        "allows"
    };
    out.push(place.with_statement(i, s).finding(
            REDUNDANT_STATEMENT,
            s.loc,
            format!(
                "statement {}{} already {verb} everything this statement does, with no more conditions",
                j + 1,
                t.sid
                    .as_ref()
                    .map(|sid| format!(" \"{}\"", esc(&sid.value)))
                    .unwrap_or_default()
            ),
        ));
}

/// Statements simple enough to compare: a valid effect, Action (not NotAction), Resource
/// (or none, in trust policies), Principal or none, no element IAM does not define. Its
/// action patterns must be readable too, which [`Shape::new`] finds from their keys.
fn comparable(s: &Statement, kind: PolicyKind) -> bool {
    s.effect().is_some()
        && s.unknown.is_empty()
        && s.not_action.is_none()
        && s.not_resource.is_none()
        && s.not_principal.is_none()
        && s.action.is_some()
        && (s.resource.is_some() || kind == PolicyKind::Trust)
}

/// A condition clause: operator (canonical), key (lower-cased) and its set of values.
type Clause = (String, String, Vec<String>);

/// A comparable statement, read once for comparing it with the others.
struct Shape<'a> {
    effect: Effect,
    /// Its action patterns, as the covered side.
    actions: &'a [Key<'a>],
    /// Its action patterns, as the covering side.
    patterns: Patterns<'a>,
    /// Resource values without a wildcard (which only cover themselves) and with one;
    /// `None` without Resource.
    resources: Option<(HashSet<&'a str>, Vec<&'a str>)>,
    /// Whether the Principal names everyone, and its (type, value) pairs, sorted; `None`
    /// without Principal.
    principals: Option<(bool, Vec<(&'a str, &'a str)>)>,
    /// Its condition clauses, sorted.
    clauses: Vec<Clause>,
}

impl<'a> Shape<'a> {
    /// `None` when an action pattern or a condition operator cannot be read (nothing can
    /// be said of it). `actions` are the keys of its Action, in order.
    fn new(s: &'a Statement, actions: &'a [Key<'a>]) -> Option<Self> {
        if !actions.iter().all(|k| k.valid) {
            return None;
        }
        let resources = s.resource.as_ref().map(|r| {
            let (wild, exact): (Vec<&str>, Vec<&str>) = r.iter().partition(|v| has_wildcard(v));
            (exact.into_iter().collect(), wild)
        });
        let principals = s.principal.as_ref().map(|p| match p {
            Principal::Wildcard(_) => (true, vec![("AWS", "*")]),
            Principal::Map { entries, .. } => {
                let mut pairs: Vec<(&str, &str)> = entries
                    .iter()
                    .flat_map(|e| e.values.iter().map(|v| (e.key.value.as_str(), v)))
                    .collect();
                pairs.sort_unstable();
                let everyone = pairs.iter().any(|&(k, v)| k == "AWS" && v == "*");
                (everyone, pairs)
            }
        });
        let mut clauses = Vec::new();
        for block in s.condition.iter().flat_map(|c| &c.operators) {
            let op = parse_operator(&block.operator.value).ok()?.canonical();
            for e in &block.entries {
                let mut values: Vec<String> = e.values.iter().map(|v| v.text.clone()).collect();
                values.sort();
                values.dedup();
                clauses.push((op.clone(), e.key.value.to_ascii_lowercase(), values));
            }
        }
        clauses.sort();
        Some(Shape {
            effect: s.effect()?,
            actions,
            patterns: Patterns::new(actions),
            resources,
            principals,
            clauses,
        })
    }

    /// How many steps [`Shape::covers`] may take.
    fn cost_against(&self, s: &Shape) -> usize {
        let wild = self.resources.as_ref().map_or(0, |(_, w)| w.len());
        let resources = s.resources.as_ref().map_or(0, |(e, w)| e.len() + w.len());
        1 + s.actions.len()
            + resources * (1 + wild)
            + s.principals.as_ref().map_or(0, |p| p.1.len())
            + self.clauses.len()
    }

    /// Whether this statement applies to everything `s` applies to: every action, resource
    /// and principal of `s` covered by one of these, and every condition of this one also
    /// in `s`.
    fn covers(&self, s: &Shape) -> bool {
        self.effect == s.effect
            && s.actions
                .iter()
                .all(|a| self.patterns.covering(a, None).is_some())
            && self.covers_resources(s)
            && self.covers_principals(s)
            && self
                .clauses
                .iter()
                .all(|c| s.clauses.binary_search(c).is_ok())
    }

    fn covers_resources(&self, s: &Shape) -> bool {
        match (&self.resources, &s.resources) {
            (None, None) => true,
            (Some((exact, wild)), Some((s_exact, s_wild))) => s_exact
                .iter()
                .chain(s_wild)
                .all(|a| exact.contains(a) || wild.iter().any(|b| super::arn::covers(b, a))),
            _ => false,
        }
    }

    /// Every principal of `s` is one of these (or these name everyone).
    fn covers_principals(&self, s: &Shape) -> bool {
        match (&self.principals, &s.principals) {
            (None, None) => true,
            (Some((everyone, pairs)), Some((_, s_pairs))) => {
                *everyone || s_pairs.iter().all(|p| pairs.binary_search(p).is_ok())
            }
            _ => false,
        }
    }
}

/// Which statements could cover a given one, by effect: those holding the same exact
/// action (lower-cased), a wildcard of its service or `*`; and those holding the same exact
/// resource or a wildcard one. Each list ascends. A policy of a few statements whose
/// comparisons all fit in the budget is not indexed: its lists would cost more than they
/// save, and with no budget to run out every statement of the effect finds the same ones.
#[derive(Default)]
struct Index<'a> {
    by_effect: [Lists<'a>; 2],
    indexed: bool,
}

#[derive(Default)]
struct Lists<'a> {
    all: Vec<usize>,
    exact_actions: HashMap<&'a str, Vec<usize>>,
    wild_actions: HashMap<&'a str, Vec<usize>>,
    exact_resources: HashMap<&'a str, Vec<usize>>,
    wild_resources: Vec<usize>,
    no_resource: Vec<usize>,
}

/// Adds `i` to a list that ascends, once.
fn push(list: &mut Vec<usize>, i: usize) {
    if list.last() != Some(&i) {
        list.push(i);
    }
}

fn effect_index(effect: Effect) -> usize {
    usize::from(effect == Effect::Deny)
}

impl<'a> Index<'a> {
    fn new(shapes: &[Option<Shape<'a>>]) -> Self {
        let compared: Vec<&Shape> = shapes.iter().flatten().collect();
        let few = compared.len() <= FEW_STATEMENTS
            && compared
                .iter()
                .flat_map(|t| compared.iter().map(|s| t.cost_against(s)))
                .sum::<usize>()
                <= STEPS;
        let mut index = Index {
            indexed: !few,
            ..Index::default()
        };
        for (i, shape) in shapes.iter().enumerate() {
            let Some(shape) = shape else { continue };
            let lists = &mut index.by_effect[effect_index(shape.effect)];
            lists.all.push(i);
            if few {
                continue;
            }
            for a in shape.actions {
                let list = if a.wild {
                    lists.wild_actions.entry(a.service())
                } else {
                    lists.exact_actions.entry(&a.lower)
                };
                push(list.or_default(), i);
            }
            match &shape.resources {
                None => lists.no_resource.push(i),
                Some((exact, wild)) => {
                    for r in exact {
                        push(lists.exact_resources.entry(r).or_default(), i);
                    }
                    if !wild.is_empty() {
                        lists.wild_resources.push(i);
                    }
                }
            }
        }
        index
    }

    /// The statements that could cover `s`, ascending: the shortest of the lists one of its
    /// actions or resources selects.
    fn candidates<'s>(&'s self, s: &Shape<'a>) -> impl Iterator<Item = usize> + 's {
        let lists = &self.by_effect[effect_index(s.effect)];
        if !self.indexed {
            return Merged([&lists.all, &[], &[]]);
        }
        let get = |map: &'s HashMap<&'a str, Vec<usize>>, key: &str| {
            map.get(key).map_or(&[][..], Vec::as_slice)
        };
        let by_action = s.actions.iter().map(|a| {
            [
                if a.wild {
                    &[][..]
                } else {
                    get(&lists.exact_actions, &a.lower)
                },
                get(&lists.wild_actions, a.service()),
                if a.service() == "*" {
                    &[][..]
                } else {
                    get(&lists.wild_actions, "*")
                },
            ]
        });
        let by_resource: Vec<[&[usize]; 3]> = match &s.resources {
            None => vec![[&lists.no_resource, &[], &[]]],
            Some((exact, wild)) => exact
                .iter()
                .chain(wild)
                .map(|r| [get(&lists.exact_resources, r), &lists.wild_resources, &[]])
                .collect(),
        };
        let shortest = by_action
            .chain(by_resource)
            .min_by_key(|group| group.iter().map(|l| l.len()).sum::<usize>())
            .unwrap_or([&lists.all, &[], &[]]);
        Merged(shortest)
    }
}

/// Three ascending lists merged into one, each number once.
struct Merged<'a>([&'a [usize]; 3]);

impl Iterator for Merged<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        let next = self.0.iter().filter_map(|l| l.first().copied()).min()?;
        for list in &mut self.0 {
            if list.first() == Some(&next) {
                *list = &list[1..];
            }
        }
        Some(next)
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::findings_of;

    fn found(statements: &str) -> Vec<(String, Option<usize>, String)> {
        findings_of(&["redundant-action", "redundant-statement"], statements)
    }

    #[test]
    fn actions_covered_in_the_same_statement() {
        assert_eq!(
            found(
                r#"{"Effect": "Allow", "Action": ["s3:Get*", "s3:GetObject", "S3:GET*", "s3:List*", "ec2:*"], "Resource": "*"}"#
            ),
            [
                (
                    "redundant-action".into(),
                    Some(1),
                    "`s3:GetObject` is already covered by `s3:Get*` in this statement".into()
                ),
                (
                    "redundant-action".into(),
                    Some(1),
                    "`S3:GET*` is listed twice in this statement (also at line 1)".into()
                ),
            ]
        );
    }

    #[test]
    fn statements_covered_by_another_with_no_more_conditions() {
        let found = found(
            r#"{"Sid": "All", "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"},
               {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/x/*",
                "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
               {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::other/*"},
               {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
               {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}"#,
        );
        assert_eq!(
            found,
            [
                (
                    "redundant-statement".into(),
                    Some(2),
                    "statement 1 \"All\" already allows everything this statement does, with no more conditions".into()
                ),
                (
                    "redundant-statement".into(),
                    Some(5),
                    "statement 1 \"All\" already allows everything this statement does, with no more conditions".into()
                ),
            ]
        );
    }

    /// A policy of a few statements is compared without the index; with more it is indexed,
    /// and the same statements are found either way.
    #[test]
    fn few_and_many_statements_find_the_same() {
        let five = r#"{"Sid": "All", "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"},
               {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/x/*"},
               {"Effect": "Deny", "Action": "S3:get*", "Resource": "arn:aws:s3:::b/x/*"},
               {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/x/y"},
               {"Effect": "Allow", "Action": "*", "Resource": "*"}"#;
        let others: Vec<String> = (0..6)
            .map(|i| format!(r#"{{"Effect": "Deny", "Action": "sqs:Send{i}", "Resource": "arn:aws:sqs:::q{i}"}}"#))
            .collect();
        let few = found(five);
        let many = found(&format!("{five}, {}", others.join(", ")));
        assert_eq!(few.len(), 3, "{few:?}");
        assert_eq!(few, many);
    }

    /// `Principal: *` is covered only by a statement that also names everyone.
    #[test]
    fn everyone_is_covered_only_by_everyone() {
        let found = found(
            r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
               {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#,
        );
        assert_eq!(
            found,
            [(
                "redundant-statement".into(),
                Some(1),
                "statement 2 already allows everything this statement does, with no more conditions".into()
            )]
        );
    }

    /// Thousands of statements, each compared with those that share an action or resource
    /// with it: 2,000 single-object grants under a bucket-wide one written last, and 2,000
    /// identical Denies of which all but the first are redundant.
    #[test]
    fn thousands_of_statements() {
        let mut statements: Vec<String> = (0..2000)
            .map(|i| format!(r#"{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/k{i}"}}"#))
            .collect();
        statements.push(
            r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#
                .into(),
        );
        // Statements `from..=to`, each covered by the one `by` says.
        let redundant =
            |from: usize, to: usize, by: &str| -> Vec<(String, Option<usize>, String)> {
                let message = format!(
                    "statement {by} everything this statement does, with no more conditions"
                );
                (from..=to)
                    .map(|i| ("redundant-statement".into(), Some(i), message.clone()))
                    .collect()
            };
        assert_eq!(
            found(&statements.join(",\n")),
            redundant(1, 2000, "2001 already allows")
        );
        let same = vec![r#"{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}"#; 2000];
        assert_eq!(
            found(&same.join(",\n")),
            redundant(2, 2000, "1 already denies")
        );
    }

    #[test]
    fn a_policy_past_the_comparison_budget_says_where_comparing_stopped() {
        let actions: Vec<String> = (0..100).map(|j| format!(r#""s3:Get{j}""#)).collect();
        let resources: Vec<String> = (0..100)
            .map(|k| format!(r#""arn:aws:s3:::b/*x{k}*""#))
            .collect();
        let statements: Vec<String> = (0..20)
            .map(|i| {
                format!(
                    r#"{{"Effect": "Allow", "Action": [{}], "Resource": [{}], "Condition": {{"StringEquals": {{"aws:username": "u{i}"}}}}}}"#,
                    actions.join(", "),
                    resources.join(", ")
                )
            })
            .collect();
        assert_eq!(
            findings_of(&["redundancy-not-checked"], &statements.join(",\n")),
            [(
                "redundancy-not-checked".into(),
                Some(6),
                "statements 6 to 20 were not wholly compared with the others (the policy is too large for the comparison budget); a redundant one may not be reported".into()
            )]
        );
    }

    #[test]
    fn the_covering_statement_is_found_however_many_candidates_come_first() {
        let conditional: Vec<String> = (0..70)
            .map(|i| {
                format!(
                    r#"{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {{"StringEquals": {{"aws:username": "u{i}"}}}}}}"#
                )
            })
            .collect();
        let policy = format!(
            r#"{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/x"}}, {},
               {{"Sid": "All", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}"#,
            conditional.join(", ")
        );
        let found = found(&policy);
        assert_eq!(found.len(), 71);
        let statements: Vec<usize> = found.iter().filter_map(|f| f.1).collect();
        assert_eq!(statements, (1..=71).collect::<Vec<_>>());
        assert!(found.iter().all(|f| f.2
            == "statement 72 \"All\" already allows everything this statement does, with no more conditions"));
    }

    #[test]
    fn thousands_of_wildcards_in_one_list_stop_at_the_budget_and_say_so() {
        let patterns: Vec<String> = (0..4000).map(|i| format!(r#""s3:Get{i}x*""#)).collect();
        let statement = format!(
            r#"{{"Effect": "Allow", "Action": [{}], "Resource": "*"}}"#,
            patterns.join(", ")
        );
        assert_eq!(
            findings_of(&["redundant-action", "redundancy-not-checked"], &statement),
            [(
                "redundancy-not-checked".into(),
                Some(1),
                "`s3:Get215x*` and the 3784 patterns after it were not wholly compared with the others (too many wildcards to compare); a redundant one may not be reported".into()
            )]
        );
    }
}
