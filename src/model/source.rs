//! The loaded tree: a `Source` (one input file) holds `Role`s (anything that holds
//! policies), which hold `Policy`s (a document with a kind), plus the source's placeholders
//! and the diagnostics its loader reported.

use std::sync::Arc;

use serde::Serialize;
use smol_str::SmolStr;

use super::codes::Code;
use super::loc::Loc;
use super::policy::PolicyDocument;

/// One loaded input file (or standard input, or a bundled sample).
#[derive(Clone, Debug, Default)]
pub struct Source {
    /// The path as the user gave it; `-` for standard input.
    pub path: String,
    pub format: Format,
    pub roles: Vec<Role>,
    pub placeholders: Vec<Placeholder>,
    pub diagnostics: Vec<Diagnostic>,
    /// Parts of the input the loader could not read: the source is partial when any.
    pub unread: Vec<Unread>,
    /// Names bound by a loop of the input (Terraform's `[for b in var.buckets : ...]`):
    /// one value per item, known only when the loop runs, so no `--var` fills them.
    pub loop_variables: Vec<LoopVariable>,
}

/// A name a loop of the input binds, with the clause that binds it (`for b in var.buckets`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoopVariable {
    pub name: String,
    pub bound_by: String,
}

impl Source {
    pub fn new(path: impl Into<String>, format: Format) -> Self {
        Source {
            path: path.into(),
            format,
            ..Source::default()
        }
    }

    /// Every policy of the source with the role that holds it.
    pub fn policies(&self) -> impl Iterator<Item = (&Role, &Policy)> {
        self.roles
            .iter()
            .flat_map(|r| r.policies.iter().map(move |p| (r, p)))
    }
}

/// The shape an input arrived in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    #[default]
    Json,
    Markdown,
    Html,
    Text,
    Cloudformation,
    Terraform,
    AuthorizationDetails,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::Json,
        Format::Markdown,
        Format::Html,
        Format::Text,
        Format::Cloudformation,
        Format::Terraform,
        Format::AuthorizationDetails,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Text => "text",
            Format::Cloudformation => "cloudformation",
            Format::Terraform => "terraform",
            Format::AuthorizationDetails => "authorization-details",
        }
    }

    /// The format named `name` as [`Format::as_str`] spells it.
    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == name)
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Anything that holds policies: an IAM role, user or group, a resource with a resource
/// policy (a KMS key, a bucket), or the document itself when nothing names a holder.
#[derive(Clone, Debug, Default)]
pub struct Role {
    pub name: String,
    pub kind: RoleKind,
    pub policies: Vec<Policy>,
    pub loc: Loc,
    /// Prose the source attached to the holder.
    pub note: Option<String>,
    /// The holder's ARN when the source gives it (account dumps).
    pub arn: Option<String>,
    /// Groups a user belongs to (account dumps); their policies apply to the user too.
    pub groups: Vec<String>,
    /// Parts of the input that could not be read and fall in this holder (its policies'
    /// included): it may hold more than shown.
    pub partial: Vec<Unread>,
    /// What the source calls the holder when its name is taken from elsewhere (a page's
    /// heading "Management Account Role" over the role it names `ProwlerScan`).
    pub title: Option<String>,
}

impl Role {
    pub fn new(name: impl Into<String>, kind: RoleKind) -> Self {
        Role {
            name: name.into(),
            kind,
            ..Role::default()
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RoleKind {
    Role,
    User,
    Group,
    /// A resource holding a resource policy: a KMS key, an S3 bucket, an SQS queue...
    Resource,
    /// The document itself, when nothing names a holder.
    #[default]
    Document,
}

impl RoleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RoleKind::Role => "role",
            RoleKind::User => "user",
            RoleKind::Group => "group",
            RoleKind::Resource => "resource",
            RoleKind::Document => "document",
        }
    }
}

/// A policy held by a role: a document with a kind, or a reference to a managed policy.
#[derive(Clone, Debug, Default)]
pub struct Policy {
    pub name: SmolStr,
    pub kind: PolicyKind,
    /// Set when this is a reference to a managed policy (an AWS managed policy from the
    /// catalog, or a customer managed policy by ARN).
    pub managed: Option<ManagedRef>,
    /// The document; `None` for an unresolved managed reference. Shared because one
    /// managed policy may be attached to many holders.
    pub document: Option<Arc<PolicyDocument>>,
    pub loc: Loc,
    /// Prose the source attached to the policy (a table's description column).
    pub note: Option<String>,
    /// Parts of the input that could not be read and fall in this policy: it may grant
    /// more than shown.
    pub partial: Vec<Unread>,
}

impl Policy {
    pub fn new(name: impl Into<SmolStr>, kind: PolicyKind, document: PolicyDocument) -> Self {
        let loc = document.loc;
        Policy {
            name: name.into(),
            kind,
            managed: None,
            document: Some(Arc::new(document)),
            loc,
            note: None,
            partial: Vec::new(),
        }
    }

    /// The statements of the document, none for an unresolved reference.
    pub fn statements(&self) -> &[super::policy::Statement] {
        self.document
            .as_deref()
            .map_or(&[], |d| d.statements.as_slice())
    }
}

/// What a policy is for, which decides how the evaluator uses it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyKind {
    /// Attached to a user, group or role (inline or managed).
    #[default]
    Identity,
    /// A role's trust policy (AssumeRolePolicyDocument): a resource policy on the role.
    Trust,
    /// A resource-based policy (bucket policy, key policy, queue policy...).
    Resource,
    /// A permissions boundary.
    Boundary,
    /// A service control policy.
    Scp,
    /// A resource control policy.
    Rcp,
    /// A session policy passed when assuming a role.
    Session,
}

impl PolicyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyKind::Identity => "identity",
            PolicyKind::Trust => "trust",
            PolicyKind::Resource => "resource",
            PolicyKind::Boundary => "boundary",
            PolicyKind::Scp => "scp",
            PolicyKind::Rcp => "rcp",
            PolicyKind::Session => "session",
        }
    }
}

/// A reference to a managed policy by name or ARN.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ManagedRef {
    pub name: SmolStr,
    pub arn: SmolStr,
    /// Whether the policy's document was found (in the catalog or the source).
    pub resolved: bool,
}

/// A part of the input a loader could not read (a JSON error it could not repair, a
/// macro, an expression known only at deployment): whatever holds it may grant more than
/// the tree shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unread {
    pub first_line: u32,
    pub last_line: u32,
    /// Why it could not be read, as its diagnostic says.
    pub reason: String,
}

impl Unread {
    /// `line 27` or `lines 27-140`.
    pub fn lines(&self) -> String {
        if self.first_line >= self.last_line {
            format!("line {}", self.first_line)
        } else {
            format!("lines {}-{}", self.first_line, self.last_line)
        }
    }

    /// "this policy may grant more: lines 27-140 could not be read", for `what` (a policy,
    /// a holder, a source) carrying these parts.
    pub fn warning(what: &str, parts: &[Unread]) -> Option<String> {
        let shown = parts.iter().take(3).map(Unread::lines).collect::<Vec<_>>();
        let first = shown.first()?;
        let mut lines = shown[1..]
            .iter()
            .fold(first.clone(), |all, l| all + ", " + l);
        if parts.len() > shown.len() {
            lines.push_str(&format!(" and {} more", parts.len() - shown.len()));
        }
        Some(format!(
            "this {what} may grant more: {lines} could not be read"
        ))
    }
}

/// Something a loader noticed: a repair it made, an element it did not know, input it
/// could not read. Codes are kebab-case and stable.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    #[serde(flatten)]
    pub loc: Loc,
    /// Set when the input from `loc` to this line (included) could not be read at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unread_to: Option<u32>,
}

impl Diagnostic {
    /// A diagnostic of `code`, at the severity the table of codes gives it.
    pub fn new(code: &'static Code, loc: Loc, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: code.severity,
            code: code.code,
            message: message.into(),
            loc,
            unread_to: None,
        }
    }

    /// A diagnostic that what stands at `loc` (on its line) was skipped, not read.
    pub fn skipped(code: &'static Code, loc: Loc, message: impl Into<String>) -> Self {
        Self::new(code, loc, message).unread_to(loc.line)
    }

    /// Marks the input from this diagnostic's position to `last_line` as not read.
    pub fn unread_to(mut self, last_line: u32) -> Self {
        self.unread_to = Some(last_line.max(self.loc.line));
        self
    }
}

/// How much a diagnostic or finding matters. Ordered: `Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A template placeholder found in a source, such as `${AccountId}` or `{bucket_name}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Placeholder {
    /// The name inside the syntax: `AccountId` for `${AccountId}`.
    pub name: String,
    /// Every spelling it was written with, such as `${AccountId}`.
    pub syntax: Vec<String>,
    /// Where it occurs (the position of each string containing it).
    pub locations: Vec<Loc>,
    /// The value given with `--var` (or in the TUI), once filled.
    pub value: Option<String>,
    /// For a loop variable, the clause that binds it (`for b in var.buckets`): it takes one
    /// value per item when the loop runs, so it is not a name a user fills.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bound_by: Option<String>,
}

impl Placeholder {
    /// Its state as the tree shows it: `= value`, `loop variable of `for b in ...``, or
    /// `unfilled`.
    pub fn state(&self) -> String {
        match (&self.value, &self.bound_by) {
            (Some(v), _) => format!("= {v}"),
            (None, Some(clause)) => format!("loop variable of `{clause}`"),
            (None, None) => "unfilled".to_string(),
        }
    }
}
