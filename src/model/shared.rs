//! Documents that several policies of one source hold: an account dump lists a managed
//! policy once and attaches it to thousands of roles, and the loader gives every holder the
//! same document. Printed output (`tree`'s JSON and text) shows such a document once and
//! refers to it from each policy holding it, as the dump itself does.

use std::collections::HashMap;
use std::sync::Arc;

use super::policy::PolicyDocument;
use super::source::{Format, Source};

/// The documents of a source held by more than one of its policies, numbered from 0 in the
/// order their first holder comes.
#[derive(Default)]
pub struct SharedDocuments {
    /// Document address to its number.
    index: HashMap<usize, usize>,
    documents: Vec<Shared>,
}

/// One shared document and where it is held.
pub struct Shared {
    pub document: Arc<PolicyDocument>,
    /// How many policies of the source hold it.
    pub holders: usize,
    /// The first of them: its holder's and its own index in the source.
    pub first: (usize, usize),
}

impl SharedDocuments {
    /// The shared documents of an account dump; none for other inputs, which print every
    /// policy's statements where it is held.
    pub fn of(source: &Source) -> SharedDocuments {
        let mut shared = SharedDocuments::default();
        if source.format != Format::AuthorizationDetails {
            return shared;
        }
        let mut holders: HashMap<usize, (usize, (usize, usize))> = HashMap::new();
        let documents = || {
            source.roles.iter().enumerate().flat_map(|(r, role)| {
                let policies = role.policies.iter().enumerate();
                policies.filter_map(move |(p, policy)| Some(((r, p), policy.document.as_ref()?)))
            })
        };
        for (at, doc) in documents() {
            holders.entry(address(doc)).or_insert((0, at)).0 += 1;
        }
        for (_, doc) in documents() {
            let (count, first) = holders[&address(doc)];
            if count > 1 && !shared.index.contains_key(&address(doc)) {
                shared.index.insert(address(doc), shared.documents.len());
                shared.documents.push(Shared {
                    document: Arc::clone(doc),
                    holders: count,
                    first,
                });
            }
        }
        shared
    }

    /// The number of `doc` when other policies hold it too.
    pub fn get(&self, doc: &Arc<PolicyDocument>) -> Option<usize> {
        self.index.get(&address(doc)).copied()
    }

    pub fn documents(&self) -> &[Shared] {
        &self.documents
    }

    pub fn is_empty(&self) -> bool {
        self.documents.is_empty()
    }
}

fn address(doc: &Arc<PolicyDocument>) -> usize {
    Arc::as_ptr(doc) as usize
}
