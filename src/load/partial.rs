//! Never partial in silence: the parts of an input a loader could not read (its
//! diagnostics say so with `unread_to`) are gathered on the source and marked on the policy
//! or holder each falls in, so every view can say "this policy may grant more".

use crate::model::{Loc, Policy, Role, Source, Unread};

/// Gathers the source's unread parts and marks the policy (or, between policies, the
/// holder) each one falls in: the last that starts at or before it, as findings are placed.
pub fn mark(source: &mut Source) {
    source.unread = source
        .diagnostics
        .iter()
        .filter_map(|d| {
            d.unread_to.map(|last_line| Unread {
                first_line: d.loc.line,
                last_line,
                reason: d.message.clone(),
            })
        })
        .collect();
    if source.unread.is_empty() {
        return;
    }
    // (start, role, policy) of every holder and policy with a known position.
    let mut starts: Vec<(Loc, usize, Option<usize>)> = Vec::new();
    for (r, role) in source.roles.iter().enumerate() {
        starts.push((role.loc, r, None));
        for (p, policy) in role.policies.iter().enumerate() {
            starts.push((policy.loc, r, Some(p)));
        }
    }
    starts.retain(|(loc, ..)| loc.is_known());
    starts.sort_by_key(|(loc, ..)| *loc);
    for part in &source.unread {
        let at = Loc::new(part.first_line, u32::MAX);
        let after = starts.partition_point(|(start, ..)| *start <= at);
        let Some(&(_, r, policy)) = after.checked_sub(1).map(|i| &starts[i]) else {
            continue;
        };
        let role = &mut source.roles[r];
        role.partial.push(part.clone());
        if let Some(p) = policy {
            role.policies[p].partial.push(part.clone());
        }
    }
}

/// What `matrix` and `why` say of a holder: each counted policy that could not be wholly
/// read ("name: this policy may grant more: ..."), then the parts of the holder that
/// fall in none of its policies (a policy that could not be read at all).
pub fn warnings(role: &Role, counted: &[&Policy]) -> Vec<String> {
    let mut out: Vec<String> = counted
        .iter()
        .filter_map(|p| Unread::warning("policy", &p.partial).map(|w| format!("{}: {w}", p.name)))
        .collect();
    let own: Vec<Unread> = role
        .partial
        .iter()
        .filter(|u| !role.policies.iter().any(|p| p.partial.contains(u)))
        .cloned()
        .collect();
    out.extend(Unread::warning("holder", &own));
    out
}

#[cfg(test)]
mod tests {
    use crate::assemble::{Options, load_text};

    #[test]
    fn broken_json_marks_its_policy_holder_and_source() {
        let text = "{\"Version\": \"2012-10-17\", \"Statement\": [\n{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"},\n{\"Effect\": \"Allow\", \"Action\": @iam:*, \"Resource\": \"*\"},\n{\"Effect\": \"Allow\", \"Action\": \"ec2:*\", \"Resource\": \"*\"}\n]}\n";
        let source = load_text("p.json", text, &Options::default());
        let policy = &source.roles[0].policies[0];
        assert_eq!(policy.statements().len(), 2);
        assert_eq!(source.unread.len(), 1);
        assert_eq!(policy.partial, source.unread);
        assert_eq!(source.roles[0].partial, source.unread);
        assert_eq!(
            crate::model::Unread::warning("policy", &policy.partial).unwrap(),
            "this policy may grant more: lines 3-5 could not be read"
        );
    }
}
