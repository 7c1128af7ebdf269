//! Work done once per distinct holder in a large input: an account dump repeats the same
//! roles (the same inline policies, the same AWS managed policies) thousands of times under
//! other names. A holder's [`Key`] is what its answers depend on (its kind, its groups,
//! each policy's kind, name and statements as written, positions aside); holders with the
//! same key get the same matrix, so it is worked out once and copied.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex, PoisonError};

use crate::model::{PolicyDocument, Role, Source};

/// Holders per piece of work when one source holds many.
pub const CHUNK: usize = 256;

/// What a holder's answers depend on, hashed.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Key(Vec<u64>);

/// The fingerprints of a source's documents, each worked out once (a managed policy's
/// document is shared by every holder it is attached to).
#[derive(Default)]
pub struct Keys {
    documents: Mutex<HashMap<usize, u64>>,
}

impl Keys {
    /// The key of `role`.
    pub fn of(&self, role: &Role) -> Key {
        let mut parts = vec![hash(&(role.kind, &role.groups))];
        for p in &role.policies {
            let document = p.document.as_ref().map(|d| self.document(d));
            parts.push(hash(&(p.kind, &p.name, document)));
        }
        Key(parts)
    }

    fn document(&self, doc: &Arc<PolicyDocument>) -> u64 {
        let at = Arc::as_ptr(doc) as usize;
        let known = self.lock().get(&at).copied();
        known.unwrap_or_else(|| {
            let statements: Vec<serde_json::Value> = doc
                .statements
                .iter()
                .map(|s| {
                    let mut value = super::tree::statement_json(s);
                    if let Some(fields) = value.as_object_mut() {
                        fields.remove("line");
                        fields.remove("column");
                    }
                    value
                })
                .collect();
            let fingerprint = hash(&(serde_json::to_string(&statements).unwrap_or_default()));
            self.lock().insert(at, fingerprint);
            fingerprint
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<usize, u64>> {
        self.documents
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

fn hash(value: &impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// Answers per holder key, shared by the threads working on one source.
pub struct Memo<T> {
    keys: Keys,
    answers: Mutex<HashMap<Key, Arc<T>>>,
}

impl<T> Default for Memo<T> {
    fn default() -> Self {
        Memo {
            keys: Keys::default(),
            answers: Mutex::default(),
        }
    }
}

impl<T> Memo<T> {
    /// The answer for `role`: worked out by `work` for the first holder of its key, shared
    /// with the others.
    pub fn get(&self, source: &Source, role: &Role, work: impl Fn(&Source, &Role) -> T) -> Arc<T> {
        let key = self.keys.of(role);
        let lock = || self.answers.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(known) = lock().get(&key) {
            return Arc::clone(known);
        }
        let answer = Arc::new(work(source, role));
        Arc::clone(lock().entry(key).or_insert(answer))
    }
}
