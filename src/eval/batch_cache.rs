//! Policies compiled once for a whole `why --scenarios` run. The lines of a scenario file
//! repeat the same few policies with many requests; each distinct policy text (by its slot
//! and kind) is read and compiled the first time it is met, and later lines that hold the
//! same text reuse it, its statement positions moved to where it now is. A line is read
//! this way only when [`skim`](super::skim) finds plain, well-formed layout and every part
//! reads without error; otherwise [`read`] answers `None` and the full reader reads the line,
//! with its messages. Either way the answer is the same. The catalog's word on each action
//! is kept too.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::ops::Range;
use std::sync::{Arc, Mutex, PoisonError};

use super::batch::{Case, LINE_KEYS, line_expect, line_id};
use super::compile::{CompiledPolicy, moved_loc};
use super::decide::PolicySet;
use super::scenario::{self, KEYS, Scenario};
use super::skim::Skim;
use crate::load::node::Node;
use crate::model::{Diagnostic, Loc, PolicyKind};

/// How much policy text the cache keeps, in bytes, before it stops taking more.
const MAX_CACHED_BYTES: usize = 64 << 20;

/// The compiled policies of a run, shared by its threads.
#[derive(Default)]
pub struct PolicyCache {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    entries: HashMap<u64, Vec<Arc<Entry>>>,
    bytes: usize,
    /// What the catalog check said about each action met.
    actions: HashMap<String, Option<String>>,
}

/// How many actions' checks the cache keeps.
const MAX_CACHED_ACTIONS: usize = 100_000;

/// One policy text as compiled where it was first met.
struct Entry {
    kind: PolicyKind,
    path: String,
    text: String,
    at: Loc,
    policies: Vec<CompiledPolicy>,
    warnings: Vec<Diagnostic>,
}

impl PolicyCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// What `check` says about `action`, asked once per run.
    pub fn action_problem(
        &self,
        action: &str,
        check: &(dyn Fn(&str) -> Option<String> + Sync),
    ) -> Option<String> {
        if let Some(found) = self.lock().actions.get(action) {
            return found.clone();
        }
        let found = check(action);
        let mut state = self.lock();
        if state.actions.len() < MAX_CACHED_ACTIONS {
            state.actions.insert(action.to_string(), found.clone());
        }
        found
    }

    /// The policies of `text` (at `at`) in slot `path`, compiled now or before.
    fn policies(&self, kind: PolicyKind, path: &str, text: &str, at: Loc) -> Option<Arc<Entry>> {
        let mut hasher = DefaultHasher::new();
        (kind, path, text).hash(&mut hasher);
        let hash = hasher.finish();
        if let Some(found) = self.lock().entries.get(&hash).and_then(|list| {
            list.iter()
                .find(|e| e.kind == kind && e.path == path && e.text == text)
                .cloned()
        }) {
            return Some(found);
        }
        let node = scenario::read_json(text, at, "", "").ok()?;
        let mut warnings = Vec::new();
        let policies = scenario::policies(&node, path, kind, &mut warnings).ok()?;
        let entry = Arc::new(Entry {
            kind,
            path: path.to_string(),
            text: text.to_string(),
            at,
            policies,
            warnings,
        });
        let mut state = self.lock();
        if state.bytes + text.len() <= MAX_CACHED_BYTES {
            state.bytes += text.len();
            state.entries.entry(hash).or_default().push(entry.clone());
        }
        Some(entry)
    }
}

/// Where each byte offset of a line is, as a line and column (columns count characters).
struct Place<'t> {
    text: &'t str,
    line: u32,
    ascii: bool,
}

impl Place<'_> {
    fn at(&self, offset: usize) -> Loc {
        let column = if self.ascii {
            offset
        } else {
            self.text.as_bytes()[..offset]
                .iter()
                .filter(|&&b| (b & 0xC0) != 0x80)
                .count()
        };
        Loc::new(self.line, u32::try_from(column + 1).unwrap_or(u32::MAX))
    }
}

/// Reads line `number` with the policies of `cache`; `None` when the full reader must.
pub fn read(number: u32, text: &str, cache: &PolicyCache) -> Option<Case> {
    let skim = Skim::new(text)?;
    let members = skim.members(skim.line_object()?)?;
    let place = Place {
        text,
        line: number,
        ascii: text.is_ascii(),
    };
    let mut slots: HashMap<&str, Range<usize>> = HashMap::with_capacity(members.len());
    for (key, span) in members {
        let known = KEYS.contains(&key) || LINE_KEYS.contains(&key);
        if !known || slots.insert(key, span).is_some() {
            return None;
        }
    }
    let node = |key: &str| -> Option<Option<Node>> {
        match slots.get(key) {
            None => Some(None),
            Some(span) => {
                let at = place.at(span.start);
                scenario::read_json(&text[span.clone()], at, "", "")
                    .ok()
                    .map(Some)
            }
        }
    };
    let id = line_id(node("id")?.as_ref()).ok()?;
    let expect = line_expect(node("expect")?.as_ref()).ok()?;
    let request_node = node("request")??;
    let mut notes = Vec::new();
    let (request, action) = scenario::request(&request_node, &mut notes).ok()?;
    let mut warnings = Vec::new();
    let mut one = |span: &Range<usize>, path: &str, kind| -> Option<Vec<CompiledPolicy>> {
        let policy_text = &text[span.clone()];
        if policy_text == "null" {
            return Some(Vec::new());
        }
        let now = place.at(span.start);
        let entry = cache.policies(kind, path, policy_text, now)?;
        warnings.extend(entry.warnings.iter().map(|w| {
            let mut w = w.clone();
            w.loc = moved_loc(w.loc, entry.at, now);
            w
        }));
        Some(
            entry
                .policies
                .iter()
                .map(|p| CompiledPolicy {
                    moved: Some((entry.at, now)),
                    ..p.clone()
                })
                .collect(),
        )
    };
    let mut set = PolicySet::default();
    // The order of the full reader, so warnings come in the same order.
    for (key, kind) in [
        ("resource_policy", scenario::resource_kind(&action)),
        ("permission_boundary", PolicyKind::Boundary),
        ("session_policy", PolicyKind::Session),
    ] {
        let Some(span) = slots.get(key) else {
            continue;
        };
        let policies = one(span, key, kind)?;
        match kind {
            PolicyKind::Boundary => set.boundary = policies,
            PolicyKind::Session => set.session = policies,
            _ => set.resource = policies,
        }
    }
    if let Some(span) = slots.get("identity_policies") {
        for (i, item) in skim.elements(span.clone())?.iter().enumerate() {
            if &text[item.clone()] == "null" {
                return None;
            }
            let path = format!("identity_policies[{i}]");
            set.identity.extend(one(item, &path, PolicyKind::Identity)?);
        }
    }
    for (key, kind) in [("scps", PolicyKind::Scp), ("rcps", PolicyKind::Rcp)] {
        let Some(span) = slots.get(key) else {
            continue;
        };
        let mut levels = Vec::new();
        for (level, list) in skim.elements(span.clone())?.iter().enumerate() {
            let mut at_level = Vec::new();
            for (i, item) in skim.elements(list.clone())?.iter().enumerate() {
                if &text[item.clone()] == "null" {
                    return None;
                }
                at_level.extend(one(item, &format!("{key}[{level}][{i}]"), kind)?);
            }
            levels.push(at_level);
        }
        match kind {
            PolicyKind::Scp => set.scps = levels,
            _ => set.rcps = levels,
        }
    }
    Some(Case {
        id,
        expect,
        scenario: Scenario {
            set,
            request,
            warnings,
            notes,
        },
    })
}
