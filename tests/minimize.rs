//! `minimize` never widens, proven by the evaluator: for every sample policy and every policy
//! in tests/fixtures, every holder's minimized policy decides every catalog action, on every
//! resource the input names (and on one it writes with wildcards, and on none), for every
//! caller it names, with and without the condition values it names, exactly as the input
//! does. With `--keep`, the kept actions decide as in the input and no other is allowed.

use std::collections::BTreeMap;

use iamscope::analyze::minimize::{self, Options};
use iamscope::assemble::{self, load_paths};
use iamscope::catalog::{Catalog, operations};
use iamscope::eval::rules::Rule;
use iamscope::eval::{Caller, CompiledPolicy, Context, Decision, PolicySet, Request, decide};
use iamscope::model::{
    Field, Loc, PolicyDocument, PolicyKind, Principal, Source, Statement, Text, Values,
};

/// Every sample and fixture, each placeholder filled with a value of its own (`--var`), so
/// that the evaluator reads every resource as the input means it.
fn inputs() -> Vec<Source> {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures").to_string();
    let bare = assemble::Options::default();
    let mut sources = assemble::samples(&bare);
    sources.extend(load_paths(std::slice::from_ref(&fixtures), &bare).sources);
    let vars: BTreeMap<String, String> = sources
        .iter()
        .flat_map(|s| &s.placeholders)
        .map(|p| (p.name.clone(), format!("v{}", p.name.len())))
        .collect();
    let options = assemble::Options { vars, format: None };
    let mut filled = assemble::samples(&options);
    filled.extend(load_paths(&[fixtures], &options).sources);
    filled
}

/// A concrete instance of a pattern: `*` and `?` replaced by letters.
fn instance(pattern: &str) -> String {
    pattern.replace('*', "x").replace('?', "y")
}

/// What the test asks of one holder's policies: resources, callers and contexts named.
struct Probes {
    resources: Vec<Option<String>>,
    callers: Vec<Caller>,
    contexts: Vec<Context>,
}

fn probes(docs: &[&PolicyDocument], caller: Caller) -> Probes {
    let mut resources = vec![None];
    let mut callers = vec![caller];
    let mut values: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for doc in docs {
        for (field, text, _) in doc.texts() {
            match field {
                Field::Resource | Field::NotResource => {
                    resources.push(Some(text.to_string()));
                    resources.push(Some(instance(text)));
                }
                Field::Principal | Field::NotPrincipal => {
                    callers.push(Caller::parse(&instance(text)))
                }
                _ => {}
            }
        }
        for s in &doc.statements {
            if let Some(Principal::Wildcard(_)) = &s.principal {
                callers.push(Caller::Anonymous);
            }
            for block in s.condition.iter().flat_map(|c| &c.operators) {
                for e in &block.entries {
                    let v = values.entry(e.key.value.to_string()).or_default();
                    v.extend(e.values.iter().map(|v| instance(&v.text)));
                }
            }
        }
    }
    resources.sort();
    resources.dedup();
    callers.dedup();
    let mut given = Context::default();
    for (k, v) in values {
        given.set(&k, v);
    }
    Probes {
        resources,
        callers,
        contexts: vec![Context::default(), given],
    }
}

/// One side of the comparison: policies (the input's, or the output's) compiled whole,
/// in the slot `slot` of a policy set.
struct Side<'a> {
    docs: Vec<(&'a PolicyDocument, PolicyKind)>,
    compiled: Vec<CompiledPolicy>,
    slot: PolicyKind,
}

impl<'a> Side<'a> {
    fn new(docs: Vec<(&'a PolicyDocument, PolicyKind)>, slot: PolicyKind) -> Side<'a> {
        let compiled = docs
            .iter()
            .enumerate()
            .map(|(i, (d, kind))| CompiledPolicy::compile(d, *kind, format!("p{i}"), None))
            .collect();
        Side {
            docs,
            compiled,
            slot,
        }
    }

    /// The policy set that decides `action` as the whole side does: every policy, each
    /// with only the statements whose Action or NotAction the evaluator finds matching
    /// `action` (an Action list narrowed to that action). A statement that does not match
    /// the action never applies to it, so the decisions are the same; the evaluator is
    /// spared reading thousands of action patterns (AWS managed policies) per request.
    /// Also says whether any statement matched.
    fn for_action(&self, probe: &Request, action: &str) -> (PolicySet, bool) {
        let mut any = false;
        let compiled: Vec<CompiledPolicy> = self
            .docs
            .iter()
            .zip(&self.compiled)
            .enumerate()
            .map(|(i, ((doc, kind), full))| {
                let statements: Vec<Statement> = doc
                    .statements
                    .iter()
                    .zip(full.statements.iter())
                    .filter(|(_, c)| c.action_matches(probe))
                    .map(|(s, _)| narrowed(s, action))
                    .collect();
                any |= !statements.is_empty();
                let doc = PolicyDocument {
                    version: doc.version.clone(),
                    statements,
                    synthesized: doc.synthesized,
                    ..PolicyDocument::default()
                };
                CompiledPolicy::compile(&doc, *kind, format!("p{i}"), None)
            })
            .collect();
        let mut set = PolicySet::default();
        match self.slot {
            PolicyKind::Identity => set.identity = compiled,
            _ => set.resource = compiled,
        }
        (set, any)
    }
}

/// `doc` with each API operation written in an Action list (`s3:HeadBucket`) replaced by
/// the action that authorises it (`s3:ListBucket`).
fn actions_meant(doc: &PolicyDocument) -> PolicyDocument {
    let mut doc = doc.clone();
    for s in &mut doc.statements {
        for t in s.action.iter_mut().flat_map(|v| &mut v.items) {
            if let Some(action) = operations::action_meant(&t.value) {
                t.value = action.into();
            }
        }
    }
    doc
}

/// `s` with its Action list narrowed to `action` (a NotAction kept as it is).
fn narrowed(s: &Statement, action: &str) -> Statement {
    Statement {
        sid: s.sid.clone(),
        effect: s.effect.clone(),
        principal: s.principal.clone(),
        not_principal: s.not_principal.clone(),
        action: s.action.as_ref().map(|_| Values {
            items: vec![Text::new(action, Loc::default())],
            single: true,
            loc: Loc::default(),
        }),
        not_action: s.not_action.clone(),
        resource: s.resource.clone(),
        not_resource: s.not_resource.clone(),
        condition: s.condition.clone(),
        ..Statement::default()
    }
}

/// What the minimized side must decide of a request.
#[derive(Clone, Copy, PartialEq)]
enum Expect {
    /// As the original does.
    Same,
    /// Not Allowed.
    NotAllowed,
    /// Allowed only where the original allows.
    NotWider,
}

/// Checks every catalog action against both sides; `expect` says, per action and resource,
/// what the minimized decision must be.
fn compare(
    what: &str,
    original: &Side,
    minimized: &Side,
    probes: &Probes,
    expect: impl Fn(&str, Option<&str>) -> Expect,
) {
    let mut probe = Request::new(
        "s3:GetObject",
        None,
        probes.callers[0].clone(),
        None,
        Context::default(),
    );
    for action in Catalog::get().actions().map(|a| a.full_name()) {
        probe.set_action(&action);
        let (before, named_before) = original.for_action(&probe, &action);
        let (after, named_after) = minimized.for_action(&probe, &action);
        if !named_before && !named_after {
            // No statement of either side names the action: nothing applies to it.
            continue;
        }
        for caller in &probes.callers {
            for resource in &probes.resources {
                for context in &probes.contexts {
                    let request = Request::new(
                        &action,
                        resource.as_deref(),
                        caller.clone(),
                        None,
                        context.clone(),
                    );
                    if Rule::for_request(&request).is_some() {
                        // An AWS rule decides (sts:GetCallerIdentity needs no permission):
                        // no policy is consulted, so keeping or dropping it changes nothing.
                        continue;
                    }
                    let decided = decide(&after, &request);
                    let expected = expect(&action, resource.as_deref());
                    if expected == Expect::Same {
                        assert_eq!(
                            decide(&before, &request),
                            decided,
                            "{what}: {action} on {resource:?} by {caller:?}"
                        );
                    } else if decided == Decision::Allowed
                        && (expected == Expect::NotAllowed
                            || decide(&before, &request) != Decision::Allowed)
                    {
                        // Allowed without any grant (the account's root user in its own
                        // account) is not something the output kept.
                        assert_eq!(
                            decide(&PolicySet::default(), &request),
                            Decision::Allowed,
                            "{what}: {action} on {resource:?} by {caller:?} is not kept but allowed"
                        );
                    }
                }
            }
        }
    }
}

fn each_holder(options: &Options, expect: impl Fn(&str) -> bool + Copy) -> usize {
    each_holder_with(
        |_| options.clone(),
        |_, action, _| {
            if expect(action) {
                Expect::Same
            } else {
                Expect::NotAllowed
            }
        },
    )
}

/// Minimizes every holder with the options `options` gives for its policies, and compares.
fn each_holder_with(
    options: impl Fn(&[&PolicyDocument]) -> Options,
    expect: impl Fn(&Options, &str, Option<&str>) -> Expect,
) -> usize {
    let sources = inputs();
    let mut holders = 0;
    for source in &sources {
        for role in &source.roles {
            let selection = minimize::select(source, role);
            if selection.policies.is_empty()
                || !matches!(
                    selection.kind,
                    PolicyKind::Identity | PolicyKind::Resource | PolicyKind::Trust
                )
            {
                continue;
            }
            let docs: Vec<&PolicyDocument> = selection
                .policies
                .iter()
                .filter_map(|p| p.document.as_deref())
                .collect();
            let options = options(&docs);
            let result = minimize::minimize(&selection, &options);
            let output: Vec<&PolicyDocument> =
                result.policies.iter().map(|p| &p.document).collect();
            let caller = Caller::session_of(&role.name, role.arn.as_deref());
            let probes = probes(&docs, caller);
            let what = format!("{} › {}", source.path, role.name);
            // The input's documents keep their kind and their reading of a missing
            // Resource (from documentation: any resource). An API operation written where
            // an action belongs is read as the action that authorises it, as minimize
            // writes it (and reports it): that is the one change of meaning it makes.
            let meant: Vec<(PolicyDocument, PolicyKind)> = selection
                .policies
                .iter()
                .filter_map(|p| p.document.as_deref().map(|d| (actions_meant(d), p.kind)))
                .collect();
            let original = Side::new(
                meant.iter().map(|(d, kind)| (d, *kind)).collect(),
                selection.kind,
            );
            let output = Side::new(
                output.iter().map(|d| (*d, selection.kind)).collect(),
                selection.kind,
            );
            compare(&what, &original, &output, &probes, |action, resource| {
                expect(&options, action, resource)
            });
            holders += 1;
        }
    }
    holders
}

#[test]
fn minimized_policies_decide_every_request_as_the_input() {
    let holders = each_holder(&Options::default(), |_| true);
    assert!(holders >= 15, "only {holders} holders checked");
}

#[test]
fn without_wildcards_too() {
    let options = Options {
        no_wildcards: true,
        ..Options::default()
    };
    each_holder(&options, |_| true);
}

#[test]
fn kept_actions_decide_as_the_input_and_nothing_else_is_allowed() {
    let keep = [
        "s3:GetObject",
        "s3:List*",
        "ec2:Describe*",
        "iam:PassRole",
        "kms:*",
    ];
    let options = Options {
        keep: keep.iter().map(|k| k.to_string()).collect(),
        ..Options::default()
    };
    each_holder(&options, |action| {
        keep.iter()
            .any(|k| iamscope::model::glob::matches_ignore_ascii_case(k, action))
    });
}

/// Actions `--used` tests, and whether the events name the resources of each.
const USED: [(&str, bool); 9] = [
    ("s3:GetObject", true),
    ("s3:ListBucket", true),
    ("ec2:DescribeInstances", false),
    ("iam:PassRole", true),
    ("kms:Decrypt", false),
    ("sqs:SendMessage", true),
    ("dynamodb:GetItem", true),
    ("lambda:InvokeFunction", false),
    ("sts:AssumeRole", true),
];

#[test]
fn used_actions_decide_as_the_input_on_the_resources_used_and_nothing_is_wider() {
    use iamscope::analyze::minimize::used::Used;
    use iamscope::analyze::used::{Usage, Use, UsedOn};
    // Each holder used the actions above, those that name resources on an instance of
    // every other Resource its policies write (so that some statements keep the action on
    // some resources and drop it on others).
    let options = |docs: &[&PolicyDocument]| {
        let mut resources: Vec<String> = docs
            .iter()
            .flat_map(|d| d.texts())
            .filter(|(f, _, _)| *f == Field::Resource || *f == Field::NotResource)
            .map(|(_, t, _)| instance(t))
            .filter(|r| r.starts_with("arn:") && !r.contains('$'))
            .collect();
        resources.sort();
        resources.dedup();
        let used: std::collections::BTreeSet<String> = resources.into_iter().step_by(2).collect();
        let actions = USED
            .iter()
            .map(|(a, named)| {
                let on = if *named {
                    UsedOn::Resources(used.clone())
                } else {
                    UsedOn::Unknown
                };
                (a.to_string(), Use { count: 1, on })
            })
            .collect();
        Options {
            used: Some(Used {
                principals: Vec::new(),
                usage: Usage {
                    actions,
                    ..Usage::default()
                },
            }),
            ..Options::default()
        }
    };
    let holders = each_holder_with(options, |options, action, resource| {
        let Some(used) = &options.used else {
            return Expect::Same;
        };
        match used.usage.actions.get(action).map(|u| &u.on) {
            None => Expect::NotAllowed,
            Some(UsedOn::Unknown) => Expect::Same,
            Some(UsedOn::Resources(r)) if resource.is_some_and(|x| r.contains(x)) => Expect::Same,
            Some(UsedOn::Resources(_)) => Expect::NotWider,
        }
    });
    assert!(holders >= 15, "only {holders} holders checked");
}
