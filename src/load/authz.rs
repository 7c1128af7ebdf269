//! Account dumps (`aws iam get-account-authorization-details`): users with their groups,
//! groups with their members, roles with their trust policies and instance profiles, the
//! inline, attached and boundary policies of each, and the dump's managed policies at their
//! default version. A managed policy the dump includes is attached with its document
//! (shared, not copied); one it does not include (an AWS managed policy, when the dump was
//! filtered) stays a reference for the catalog to resolve.
//!
//! Policy documents may be objects, JSON strings, or URL-encoded JSON strings (as the IAM
//! API returns them); all three are read.

use crate::model::codes;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use smol_str::SmolStr;

use crate::load::KnownManaged;
use crate::load::document;
use crate::load::holders::managed_ref;
use crate::load::json::{parse, window};
use crate::load::node::{Node, Value};
use crate::model::json;
use crate::model::{
    Diagnostic, Loc, ManagedRef, Policy, PolicyDocument, PolicyKind, Role, RoleKind, Source,
};

/// The top-level lists of a dump.
const LISTS: [&str; 4] = [
    "UserDetailList",
    "GroupDetailList",
    "RoleDetailList",
    "Policies",
];

/// Whether a text is an account dump: JSON with one of the dump's lists.
pub fn looks_like_authorization_details(text: &str) -> bool {
    // One search for what the three lists' names end with before any for each of them. A
    // dump of managed policies only (`--filter LocalManagedPolicy`) has just `Policies`,
    // whose entries carry their versions.
    super::looks_like_json(text)
        && (text.contains("DetailList\"")
            && LISTS[..3]
                .iter()
                .any(|list| text.contains(&format!("\"{list}\"")))
            || text.contains("\"Policies\"") && text.contains("\"PolicyVersionList\""))
}

/// Adds the users, groups and roles of the dump `text` to `source`; its AWS managed
/// policies are compared with the copies `known` holds.
pub fn load(text: &str, source: &mut Source, known: &dyn KnownManaged) {
    load_at(text, Loc::new(1, 1), source, known);
}

/// Like [`load`], for a dump whose first character stands at `origin` in its file (a dump
/// shown in a documentation page).
pub fn load_at(text: &str, origin: Loc, source: &mut Source, known: &dyn KnownManaged) {
    let no_managed = HashMap::new();
    let mut roles = RoleStream::new(&no_managed);
    let parsed = parse::parse_streaming(
        text,
        origin,
        &DOCUMENTS,
        Some(parse::Stream {
            key: ROLES,
            item: &mut |root, node| roles.push(root, node),
        }),
    );
    add(parsed, roles, source, known);
}

/// Like [`load`], for a dump read from `input` a window at a time ([`window`]): its roles
/// are parsed as they are read, so the dump's text is never whole in memory. Gives up
/// (`GaveUp::NotPlain`, `source` untouched) on anything but plain JSON, for the caller to
/// read the dump whole, which reads and reports whatever is wrong in it as usual.
pub fn load_windowed(
    input: impl std::io::Read,
    source: &mut Source,
    known: &dyn KnownManaged,
) -> Result<(), window::GaveUp> {
    let no_managed = HashMap::new();
    let mut roles = RoleStream::new(&no_managed);
    let rest = window::cut(input, ROLES, &mut |text, at| {
        let parsed = parse::parse_keeping_raw(text, at, &DOCUMENTS);
        let clean = parsed.complete && parsed.diagnostics.is_empty();
        match <[Node; 1]>::try_from(parsed.values) {
            Ok([role]) if clean => {
                roles.push(0, role);
                true
            }
            _ => false,
        }
    })?;
    // The rest, with the role list left empty (a list `cut` did not recognise, such as a
    // key written with escapes, is streamed here as usual).
    let parsed = parse::parse_streaming(
        &rest,
        Loc::new(1, 1),
        &DOCUMENTS,
        Some(parse::Stream {
            key: ROLES,
            item: &mut |root, node| roles.push(root, node),
        }),
    );
    if !parsed.complete || !parsed.diagnostics.is_empty() {
        return Err(window::GaveUp::NotPlain);
    }
    add(parsed, roles, source, known);
    Ok(())
}

/// The keys whose policy documents are kept as text by the parse, to be read one at a time.
const DOCUMENTS: [&str; 3] = ["PolicyDocument", "Document", "AssumeRolePolicyDocument"];

/// The list of a dump's roles, read as the parser hands its items over.
const ROLES: &str = "RoleDetailList";

/// Adds the dumps of a parse to `source`, with the roles `roles` was handed.
fn add(
    parsed: parse::Parsed,
    mut roles: RoleStream,
    source: &mut Source,
    known: &dyn KnownManaged,
) {
    let no_managed = HashMap::new();
    roles.flush();
    source.diagnostics.extend(parsed.diagnostics);
    let mut read = roles.read.into_iter();
    for root in parsed.values {
        let (roles, reader) = read
            .next()
            .unwrap_or_else(|| (Vec::new(), Reader::new(&no_managed)));
        load_dump(root, roles, reader.diags, source, known);
    }
}

/// How many roles are read at a time while a dump is parsed.
const ROLE_BATCH: usize = 2048;

/// The roles of a dump, read as the parser hands them over, a batch at a time: the value
/// tree of a whole dump is never in memory. The dump's managed policies (listed after the
/// roles) are attached after the parse, by [`attach_listed`].
struct RoleStream<'m> {
    managed: &'m HashMap<SmolStr, Managed>,
    batch: Vec<Node>,
    /// The top-level value the batch's roles belong to.
    batch_root: usize,
    /// Per top-level value: its roles and what reading them noticed.
    read: Vec<(Vec<Role>, Reader<'m>)>,
}

impl<'m> RoleStream<'m> {
    fn new(managed: &'m HashMap<SmolStr, Managed>) -> Self {
        RoleStream {
            managed,
            batch: Vec::new(),
            batch_root: 0,
            read: Vec::new(),
        }
    }

    fn push(&mut self, root: usize, node: Node) {
        if root != self.batch_root || self.batch.len() >= ROLE_BATCH {
            self.flush();
            self.batch_root = root;
        }
        self.batch.push(node);
    }

    /// Reads the batch's roles (on every core), then drops their value trees here, on the
    /// thread that allocated them. Freed on the workers, every node went back to another
    /// thread's arena (`check` on the 100 MB dump: 4.5 s, 3.6 s dropped here).
    fn flush(&mut self) {
        while self.read.len() <= self.batch_root {
            self.read.push((Vec::new(), Reader::new(self.managed)));
        }
        let (roles, reader) = &mut self.read[self.batch_root];
        roles.extend(read_all(&self.batch, self.managed, reader, Reader::role));
        self.batch.clear();
    }
}

/// A managed policy of the dump at its default version.
struct Managed {
    name: SmolStr,
    document: Option<Arc<PolicyDocument>>,
    /// For an AWS managed policy: how the dump's default version compares with the
    /// built-in catalog's copy, when they differ.
    note: Option<String>,
}

/// Reads holders and documents; one per worker thread.
struct Reader<'m> {
    managed: &'m HashMap<SmolStr, Managed>,
    diags: Vec<Diagnostic>,
    /// ARNs of the dump's managed policies this reader attached.
    used: HashSet<&'m str>,
    reported_encoding: bool,
    /// The strings [`Reader::shared`] gave out.
    strings: HashSet<SmolStr>,
}

fn text<'n>(node: &'n Node, key: &str) -> Option<&'n str> {
    node.get(key).and_then(Node::as_str)
}

fn items<'n>(node: &'n Node, key: &str) -> &'n [Node] {
    node.get(key).and_then(Node::as_array).unwrap_or(&[])
}

/// Below this many items a list is read on the calling thread.
const PARALLEL_CHUNK: usize = 512;

/// Maps `items` with `f` on the machine's cores, in order, and merges what the readers
/// noticed (diagnostics in item order, attached managed policies). The items stay with the
/// caller, so they are freed on the thread that parsed them.
fn read_all<'m, I: Sync, T: Send>(
    items: &[I],
    managed: &'m HashMap<SmolStr, Managed>,
    reader: &mut Reader<'m>,
    f: impl Fn(&mut Reader<'m>, &I) -> T + Sync,
) -> Vec<T> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let chunk = items.len().div_ceil(threads).max(PARALLEL_CHUNK);
    let len = items.len();
    if len <= chunk {
        return items.iter().map(|n| f(reader, n)).collect();
    }
    let parts: Vec<(Vec<T>, Reader<'m>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = items
            .chunks(chunk)
            .map(|part| {
                let f = &f;
                scope.spawn(move || {
                    let mut r = Reader::new(managed);
                    let out: Vec<T> = part.iter().map(|n| f(&mut r, n)).collect();
                    (out, r)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let mut out = Vec::with_capacity(len);
    for (values, r) in parts {
        out.extend(values);
        reader.merge(r);
    }
    out
}

/// Adds the holders of one dump to `source`: `root` with its roles already read (`roles`,
/// with the diagnostics reading them gave).
fn load_dump(
    root: Node,
    mut streamed: Vec<Role>,
    role_diags: Vec<Diagnostic>,
    source: &mut Source,
    known: &dyn KnownManaged,
) {
    let root = &root;
    let no_managed = HashMap::new();
    let mut first = Reader::new(&no_managed);
    let policies = read_all(items(root, "Policies"), &no_managed, &mut first, |r, p| {
        r.managed_policy(p, known)
    });
    let managed: HashMap<SmolStr, Managed> = policies.into_iter().flatten().collect();
    let mut r = Reader::new(&managed);
    r.diags = first.diags;
    r.reported_encoding = first.reported_encoding;
    let mut members: HashMap<&str, Vec<&str>> = HashMap::new();
    for user in items(root, "UserDetailList") {
        for group in items(user, "GroupList").iter().filter_map(Node::as_str) {
            members
                .entry(group)
                .or_default()
                .push(text(user, "UserName").unwrap_or_default());
        }
    }
    let mut roles = read_all(
        items(root, "UserDetailList"),
        &managed,
        &mut r,
        |r, user| {
            let mut role = r.holder(user, "UserName", RoleKind::User, "UserPolicyList");
            role.groups = items(user, "GroupList")
                .iter()
                .filter_map(Node::as_str)
                .map(str::to_string)
                .collect();
            role
        },
    );
    for group in items(root, "GroupDetailList") {
        let mut role = r.holder(group, "GroupName", RoleKind::Group, "GroupPolicyList");
        if let Some(names) = members.get(role.name.as_str()) {
            role.note = Some(format!("members: {}", names.join(", ")));
        }
        roles.push(role);
    }
    for policy in streamed.iter_mut().flat_map(|role| &mut role.policies) {
        r.attach_listed(policy);
    }
    // The roles follow the users and groups; they are most of a large dump, so they are
    // moved, not copied into a new list.
    streamed.splice(0..0, roles);
    streamed.shrink_to_fit();
    let mut roles = streamed;
    r.merge_diags(role_diags);
    // Customer managed policies left over, and AWS managed ones when the dump was taken
    // with the AWS-managed filter: exactly what a reviewer cleans up.
    // AWS managed policies every account can attach are listed only when the dump holds
    // nothing else (taken with the AWS-managed filter).
    let only_policies = LISTS[..3].iter().all(|list| root.get(list).is_none());
    let mut unattached: Vec<(&SmolStr, &Managed)> = managed
        .iter()
        .filter(|(arn, _)| {
            !r.used.contains(arn.as_str()) && (only_policies || !arn.contains(":iam::aws:policy/"))
        })
        .collect();
    unattached.sort_by(|a, b| a.0.cmp(b.0));
    if !unattached.is_empty() {
        let mut role = Role::new("managed policies attached to nothing", RoleKind::Document);
        role.loc = root.loc;
        role.note = Some(format!(
            "{} in the dump's Policies list attached to no user, group or role",
            crate::text::plural(unattached.len(), "managed policy", "managed policies")
        ));
        role.policies = unattached
            .into_iter()
            .map(|(arn, m)| {
                let loc = m.document.as_ref().map_or(root.loc, |d| d.loc);
                attached(arn, m, PolicyKind::Identity, loc)
            })
            .collect();
        roles.push(role);
    }
    source.diagnostics.append(&mut r.diags);
    if source.roles.is_empty() {
        source.roles = roles;
    } else {
        source.roles.append(&mut roles);
    }
}

/// A policy holding a managed policy's default version (or a reference when its document
/// is not in the dump).
fn attached(arn: &SmolStr, m: &Managed, kind: PolicyKind, loc: Loc) -> Policy {
    Policy {
        name: m.name.clone(),
        kind,
        managed: Some(ManagedRef {
            name: m.name.clone(),
            arn: arn.clone(),
            resolved: m.document.is_some(),
        }),
        document: m.document.clone(),
        loc,
        note: m.note.clone(),
        ..Policy::default()
    }
}

/// What an AWS managed policy in the dump is next to the built-in catalog's copy (which
/// `known` holds): `None` when they grant alike (the same statements) or the ARN is a
/// customer's.
fn compared_with_catalog(
    arn: &str,
    dump: &PolicyDocument,
    version: &str,
    known: &dyn KnownManaged,
) -> Option<String> {
    if !arn.contains(":iam::aws:policy/") {
        return None;
    }
    let statements = |d: &PolicyDocument| json::document_to_json(d)["Statement"].clone();
    match known.document(arn) {
        Some(built_in) if statements(&built_in) == statements(dump) => None,
        Some(_) => Some(format!(
            "the dump's default version ({}) differs from iamscope's built-in copy of this AWS managed policy; the dump's is shown",
            crate::text::escape(version)
        )),
        None => Some(format!(
            "not in iamscope's built-in catalog; the dump's default version ({}) is shown",
            crate::text::escape(version)
        )),
    }
}

impl<'m> Reader<'m> {
    fn new(managed: &'m HashMap<SmolStr, Managed>) -> Self {
        Reader {
            managed,
            diags: Vec::new(),
            used: HashSet::new(),
            reported_encoding: false,
            strings: HashSet::new(),
        }
    }

    /// Takes in what another reader (of later items) noticed.
    fn merge(&mut self, other: Reader<'m>) {
        self.merge_diags(other.diags);
        self.used.extend(other.used);
    }

    /// Takes in diagnostics of later items; the URL encoding is reported once.
    fn merge_diags(&mut self, diags: Vec<Diagnostic>) {
        for d in diags {
            if d.code != codes::URL_ENCODED_POLICY.code || !self.reported_encoding {
                self.reported_encoding |= d.code == codes::URL_ENCODED_POLICY.code;
                self.diags.push(d);
            }
        }
    }

    /// Gives a managed-policy reference read before the dump's `Policies` list the
    /// document the list holds for it.
    fn attach_listed(&mut self, policy: &mut Policy) {
        let Some(reference) = &policy.managed else {
            return;
        };
        if let Some((key, m)) = self.managed.get_key_value(&reference.arn) {
            self.used.insert(key.as_str());
            *policy = attached(key, m, policy.kind, policy.loc);
        }
    }

    /// A role with its trust policy first, and the instance profiles that use it.
    fn role(&mut self, node: &Node) -> Role {
        let mut role = self.holder(node, "RoleName", RoleKind::Role, "RolePolicyList");
        if let Some(trust) = node.get("AssumeRolePolicyDocument")
            && let Some(doc) = self.document(trust)
        {
            role.policies
                .insert(0, Policy::new("trust policy", PolicyKind::Trust, doc));
        }
        let profiles: Vec<&str> = items(node, "InstanceProfileList")
            .iter()
            .filter_map(|p| text(p, "InstanceProfileName"))
            .collect();
        if !profiles.is_empty() {
            role.note = Some(format!(
                "used by instance profile{} {}",
                if profiles.len() == 1 { "" } else { "s" },
                profiles.join(", ")
            ));
        }
        role.policies.shrink_to_fit();
        role
    }

    /// A managed policy of the dump's `Policies` list, with its ARN, at its default version.
    fn managed_policy(&mut self, p: &Node, known: &dyn KnownManaged) -> Option<(SmolStr, Managed)> {
        let Some(arn) = text(p, "Arn") else {
            let name = text(p, "PolicyName").map_or_else(
                || "a managed policy".to_string(),
                |n| format!("managed policy {}", crate::text::escape(n)),
            );
            self.incomplete(
                p.loc,
                format!("{name} has no Arn; it is not shown, and nothing can attach it"),
            );
            return None;
        };
        let name = SmolStr::from(text(p, "PolicyName").unwrap_or(arn));
        let versions = items(p, "PolicyVersionList");
        let default_id = text(p, "DefaultVersionId");
        let is_default = |v: &Node| match v.get("IsDefaultVersion").map(|d| &d.value) {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
            _ => default_id.is_some() && text(v, "VersionId") == default_id,
        };
        let version = versions.iter().find(|v| is_default(v));
        let document = match version.and_then(|v| v.get("Document")) {
            Some(d) => self.document(d).map(Arc::new),
            None => {
                self.diags.push(Diagnostic::new(
                    codes::NO_DEFAULT_VERSION,
                    p.loc,
                    format!(
                        "managed policy {} has no default version in the dump; its document is unknown",
                        crate::text::escape(&name)
                    ),
                ));
                None
            }
        };
        let note = document
            .as_deref()
            .and_then(|d| compared_with_catalog(arn, d, default_id.unwrap_or("default"), known));
        Some((
            arn.into(),
            Managed {
                name,
                document,
                note,
            },
        ))
    }

    /// A user, group or role with its inline, attached and boundary policies.
    fn holder(&mut self, node: &Node, name_key: &str, kind: RoleKind, inline_key: &str) -> Role {
        let name = text(node, name_key).unwrap_or("(unnamed)");
        let mut role = Role::new(name, kind);
        // Room for every policy (a role's trust policy and a boundary included), so that
        // the list of each of a dump's many holders is allocated once, at its size.
        let present = |key| node.get(key).is_some_and(|n| n.value != Value::Null);
        let trust_and_boundary = [
            kind == RoleKind::Role && present("AssumeRolePolicyDocument"),
            present("PermissionsBoundary"),
        ];
        role.policies = Vec::with_capacity(
            items(node, inline_key).len()
                + items(node, "AttachedManagedPolicies").len()
                + trust_and_boundary.iter().filter(|&&p| p).count(),
        );
        role.loc = node.loc;
        role.arn = text(node, "Arn").map(str::to_string);
        let holder = crate::text::escape(name);
        for p in items(node, inline_key) {
            let name = text(p, "PolicyName").unwrap_or("inline policy");
            match p.get("PolicyDocument") {
                Some(d) => {
                    if let Some(doc) = self.document(d) {
                        role.policies
                            .push(Policy::new(name, PolicyKind::Identity, doc));
                    }
                }
                None => self.incomplete(
                    p.loc,
                    format!(
                        "inline policy {} of {holder} has no PolicyDocument; it is not shown",
                        crate::text::escape(name)
                    ),
                ),
            }
        }
        for p in items(node, "AttachedManagedPolicies") {
            let name = text(p, "PolicyName");
            match text(p, "PolicyArn") {
                Some(arn) => {
                    role.policies
                        .push(self.attach(arn, name, PolicyKind::Identity, p.loc))
                }
                None => {
                    let name = name.map_or_else(
                        || "a managed policy".to_string(),
                        |n| format!("managed policy {}", crate::text::escape(n)),
                    );
                    self.incomplete(
                        p.loc,
                        format!("{holder} attaches {name} without its PolicyArn; it is not shown"),
                    );
                }
            }
        }
        if let Some(boundary) = node.get("PermissionsBoundary")
            && boundary.value != Value::Null
        {
            match text(boundary, "PermissionsBoundaryArn") {
                Some(arn) => role
                    .policies
                    .push(self.attach(arn, None, PolicyKind::Boundary, boundary.loc)),
                None => self.incomplete(
                    boundary.loc,
                    format!(
                        "the permissions boundary of {holder} has no PermissionsBoundaryArn; it is not shown"
                    ),
                ),
            }
        }
        role
    }

    /// Reports an entry that cannot be read into the tree.
    fn incomplete(&mut self, loc: Loc, message: String) {
        self.diags.push(Diagnostic::skipped(
            codes::INCOMPLETE_DUMP_ENTRY,
            loc,
            message,
        ));
    }

    /// A managed policy attached by ARN: with its document when the dump has it.
    fn attach(&mut self, arn: &str, name: Option<&str>, kind: PolicyKind, loc: Loc) -> Policy {
        if let Some((key, m)) = self.managed.get_key_value(arn) {
            self.used.insert(key.as_str());
            return attached(key, m, kind, loc);
        }
        let mut policy = managed_ref(self.shared(arn), kind, loc, None);
        policy.name = self.shared(name.unwrap_or(&policy.name));
        if let Some(reference) = &mut policy.managed {
            reference.name = self.shared(&reference.name);
        }
        policy
    }

    /// `s` as a string shared with every other use of it by this reader: the references
    /// to one managed policy (its ARN and name, held by thousands of roles) are one string.
    fn shared(&mut self, s: &str) -> SmolStr {
        if let Some(known) = self.strings.get(s) {
            return known.clone();
        }
        let s = SmolStr::from(s);
        self.strings.insert(s.clone());
        s
    }

    /// A policy document given as an object, a JSON string or a URL-encoded JSON string.
    fn document(&mut self, node: &Node) -> Option<PolicyDocument> {
        let Value::String(s) = &node.value else {
            return Some(document::build(node, &mut self.diags));
        };
        let decoded;
        let json = if s.trim_start().starts_with('{') {
            s.as_str()
        } else {
            decoded = percent_decode(s);
            if !self.reported_encoding {
                self.reported_encoding = true;
                self.diags.push(Diagnostic::new(
                    codes::URL_ENCODED_POLICY,
                    node.loc,
                    "policy documents in this dump are URL-encoded, as the IAM API returns them; decoded (positions inside them count within the decoded text)",
                ));
            }
            &decoded
        };
        let value = super::json::first_value(json, node.loc, &mut self.diags)?;
        Some(document::build(&value, &mut self.diags))
    }
}

/// Decodes `%XX` escapes (and `+` as a space, as form encoding writes it).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match b[i] {
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A dump read a window at a time, or why not.
    fn windowed(text: &str) -> Result<Source, window::GaveUp> {
        let mut source = Source::new("dump.json", crate::model::Format::AuthorizationDetails);
        load_windowed(
            text.as_bytes(),
            &mut source,
            &crate::catalog::managed::BuiltIn,
        )?;
        Ok(source)
    }

    #[test]
    fn a_dump_read_a_window_at_a_time_is_the_dump_read_whole() {
        let dumps = [
            include_str!("../../tests/fixtures/authorization-details/account.json"),
            include_str!("../../tests/fixtures/why/users-and-trust.json"),
            include_str!("../../tests/fixtures/why/pass-role.json"),
            include_str!("../../tests/fixtures/codes/incomplete-dump-entry.json"),
            include_str!("../../tests/fixtures/codes/no-default-version.json"),
        ];
        for text in dumps {
            let mut whole = Source::new("dump.json", crate::model::Format::AuthorizationDetails);
            load(text, &mut whole, &crate::catalog::managed::BuiltIn);
            let windowed = windowed(text).expect("a plain dump is read a window at a time");
            assert_eq!(format!("{windowed:?}"), format!("{whole:?}"));
        }
    }

    #[test]
    fn a_corrupted_dump_the_window_reads_loads_as_read_whole() {
        // Every byte of a dump deleted, or replaced by a character that matters to JSON.
        let dump = include_str!("../../tests/fixtures/why/users-and-trust.json").as_bytes();
        let (mut read, mut given_up) = (0, 0);
        for at in 0..dump.len() {
            for with in [
                None,
                Some(b'{'),
                Some(b'}'),
                Some(b']'),
                Some(b','),
                Some(b'"'),
            ] {
                let mut bytes = dump[..at].to_vec();
                bytes.extend(with);
                bytes.extend(&dump[at + 1..]);
                let mut source =
                    Source::new("dump.json", crate::model::Format::AuthorizationDetails);
                let known = &crate::catalog::managed::BuiltIn;
                if load_windowed(bytes.as_slice(), &mut source, known).is_err() {
                    given_up += 1;
                    continue;
                }
                read += 1;
                let text = std::str::from_utf8(&bytes).unwrap();
                let mut whole =
                    Source::new("dump.json", crate::model::Format::AuthorizationDetails);
                load(text, &mut whole, known);
                assert_eq!(format!("{source:?}"), format!("{whole:?}"), "{text}");
            }
        }
        assert!(read > 0 && given_up > 0, "{read} read, {given_up} given up");
    }

    #[test]
    fn a_dump_the_parser_repairs_is_left_to_the_whole_read() {
        let dump = include_str!("../../tests/fixtures/why/pass-role.json");
        // Plain to the window, but reported by the parse: a role item, then the rest.
        let repaired = [
            dump.replacen("\"RoleName\":", "\"RoleName\": ,", 1),
            dump.replacen("\"UserName\":", "\"UserName\": ,", 1),
        ];
        for text in repaired {
            assert!(matches!(windowed(&text), Err(window::GaveUp::NotPlain)));
        }
    }

    #[test]
    fn large_lists_are_read_in_parallel_in_order() {
        let roles: Vec<String> = (0..3 * PARALLEL_CHUNK)
            .map(|i| {
                format!(
                    r#"{{"RoleName": "r{i}", "AttachedManagedPolicies": [{{"PolicyArn": "arn:aws:iam::1:policy/p"}}],
                    "RolePolicyList": [{{"PolicyName": "x", "PolicyDocument": "{{\"Statement\": {{\"Effect\": \"Allow\", \"Actions\": \"s3:*\"}}}}"}}]}}"#
                )
            })
            .collect();
        let text = format!(
            r#"{{"RoleDetailList": [{}], "Policies": [{{"Arn": "arn:aws:iam::1:policy/p", "PolicyName": "p",
            "PolicyVersionList": [{{"IsDefaultVersion": true, "Document": {{"Statement": []}}}}]}}]}}"#,
            roles.join(",")
        );
        let mut source = Source::default();
        load(&text, &mut source, &crate::catalog::managed::BuiltIn);
        let names: Vec<&str> = source.roles.iter().map(|r| r.name.as_str()).collect();
        let expected: Vec<String> = (0..3 * PARALLEL_CHUNK).map(|i| format!("r{i}")).collect();
        assert_eq!(names, expected);
        // Every role reports its misspelled element once, in order; `p` is attached.
        assert_eq!(source.diagnostics.len(), 3 * PARALLEL_CHUNK);
        assert!(source.diagnostics.windows(2).all(|w| w[0].loc < w[1].loc));
        assert!(source.roles.iter().all(|r| r.kind == RoleKind::Role));
    }

    #[test]
    fn decodes_url_encoding() {
        assert_eq!(percent_decode("%7B%22a%22%3A1%7D"), "{\"a\":1}");
        assert_eq!(percent_decode("a+b%2"), "a b%2");
        assert_eq!(percent_decode("%zz%"), "%zz%");
        assert_eq!(percent_decode("%C3%A9"), "é");
    }
}
