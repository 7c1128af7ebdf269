//! The holders a template defines, found by their key in the template (a CloudFormation
//! logical ID, a Terraform address) or by name; a holder named but not defined is created
//! and noted as defined elsewhere.

use std::collections::BTreeMap;

use crate::model::{Loc, ManagedRef, Policy, PolicyKind, Role, RoleKind};

#[derive(Default)]
pub struct Holders {
    pub roles: Vec<Role>,
    pub by_key: BTreeMap<String, usize>,
}

impl Holders {
    /// Adds a holder the template defines under `key`.
    pub fn define(&mut self, key: &str, role: Role) -> usize {
        self.by_key.insert(key.to_string(), self.roles.len());
        self.roles.push(role);
        self.roles.len() - 1
    }

    /// The holder named `name` of `kind`, created when missing (noted as defined outside
    /// the template, except for resources, which templates name by reference).
    pub fn named(&mut self, name: &str, kind: RoleKind, loc: Loc) -> usize {
        if let Some(i) = self
            .roles
            .iter()
            .position(|r| r.kind == kind && r.name == name)
        {
            return i;
        }
        let mut role = Role::new(name, kind);
        role.loc = loc;
        if kind != RoleKind::Resource {
            role.note = Some(format!("{} defined outside this template", kind.as_str()));
        }
        self.roles.push(role);
        self.roles.len() - 1
    }
}

/// A reference to a managed policy by ARN, for the catalog (or the user) to resolve.
pub fn managed_ref(arn: String, kind: PolicyKind, loc: Loc, note: Option<String>) -> Policy {
    let name = arn.rsplit('/').next().unwrap_or(&arn).to_string();
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
    }
}
