//! The holders a template defines, found by their key in the template (a CloudFormation
//! logical ID, a Terraform address) or by name; a holder named but not defined is created
//! and noted as defined elsewhere.

use smol_str::SmolStr;
use std::collections::{BTreeMap, HashMap};

use crate::model::{Loc, ManagedRef, Policy, PolicyKind, Role, RoleKind};

#[derive(Default)]
pub struct Holders {
    pub roles: Vec<Role>,
    pub by_key: BTreeMap<String, usize>,
    /// The first holder of each kind and name, so finding one by name stays constant-time
    /// in templates naming thousands.
    by_name: HashMap<(RoleKind, String), usize>,
}

impl Holders {
    /// Adds a holder the template defines under `key`.
    pub fn define(&mut self, key: &str, role: Role) -> usize {
        self.by_key.insert(key.to_string(), self.roles.len());
        self.push(role)
    }

    fn push(&mut self, role: Role) -> usize {
        let i = self.roles.len();
        self.by_name
            .entry((role.kind, role.name.clone()))
            .or_insert(i);
        self.roles.push(role);
        i
    }

    /// The holder named `name` of `kind`, created when missing (noted as defined outside
    /// the template, except for resources, which templates name by reference).
    pub fn named(&mut self, name: &str, kind: RoleKind, loc: Loc) -> usize {
        if let Some(&i) = self.by_name.get(&(kind, name.to_string())) {
            return i;
        }
        let mut role = Role::new(name, kind);
        role.loc = loc;
        if kind != RoleKind::Resource {
            role.note = Some(format!("{} defined outside this template", kind.as_str()));
        }
        self.push(role)
    }
}

/// A reference to a managed policy by ARN, for the catalog (or the user) to resolve.
pub fn managed_ref(arn: SmolStr, kind: PolicyKind, loc: Loc, note: Option<String>) -> Policy {
    let name = SmolStr::from(arn.rsplit('/').next().unwrap_or(&arn));
    Policy {
        name: name.clone(),
        kind,
        managed: Some(ManagedRef {
            name,
            arn,
            resolved: false,
        }),
        document: None,
        loc,
        note,
        partial: Vec::new(),
    }
}
