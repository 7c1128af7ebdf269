//! A set of catalog actions by id, one bit per action: what a statement has already
//! listed, or what a NotAction names. Small (2.8 KB for 22,000 actions) rather than a flag
//! per action, as one is made or emptied for each statement.

use super::{Action, Catalog};

#[derive(Clone, Debug)]
pub struct ActionSet(Vec<u64>);

impl ActionSet {
    /// An empty set sized for the embedded catalog.
    pub fn new() -> ActionSet {
        ActionSet(vec![0; Catalog::get().action_count().div_ceil(64)])
    }

    /// Adds `action`; whether it was not in the set yet.
    pub fn insert(&mut self, action: &Action) -> bool {
        let (word, bit) = (action.id() / 64, 1u64 << (action.id() % 64));
        match self.0.get_mut(word) {
            Some(w) if *w & bit == 0 => {
                *w |= bit;
                true
            }
            _ => false,
        }
    }

    /// Takes `action` out of the set.
    pub fn remove(&mut self, action: &Action) {
        if let Some(w) = self.0.get_mut(action.id() / 64) {
            *w &= !(1u64 << (action.id() % 64));
        }
    }

    /// Whether `action` is in the set.
    pub fn contains(&self, action: &Action) -> bool {
        self.0
            .get(action.id() / 64)
            .is_some_and(|w| w & (1u64 << (action.id() % 64)) != 0)
    }
}

impl Default for ActionSet {
    fn default() -> Self {
        ActionSet::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_are_added_once_and_found() {
        let catalog = Catalog::get();
        let first = catalog.actions().next().unwrap();
        let last = catalog.actions().last().unwrap();
        let mut set = ActionSet::new();
        assert!(!set.contains(first) && !set.contains(last));
        assert!(set.insert(last));
        assert!(!set.insert(last));
        assert!(set.contains(last) && !set.contains(first));
        assert!(set.insert(first));
        assert!(set.contains(first));
        set.remove(last);
        assert!(!set.contains(last) && set.contains(first));
        assert!(set.insert(last));
    }
}
