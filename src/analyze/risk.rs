//! Risk categories: what a holder's identity policies grant on every resource, read against
//! lists of dangerous actions. Computed across all of a role's identity policies (inline,
//! resolved AWS managed policies, a user's groups'), or per policy for a bare document;
//! reported once per holder, at the statement that first grants the key action.
//!
//! An action counts when an Allow statement covers it with Resource naming every resource
//! of it (`*`, or patterns covering each of its resource types) or with NotResource, and no
//! condition other than ones about the caller's connection or the tags it sets narrows the
//! statement; actions an unconditional Deny covers on every resource do not count.
//!
//! Where the lists come from:
//! - Privilege escalation through `iam:PassRole` on a named role of the inputs with an
//!   action that starts compute ([`PASS_ROLE_COMPUTE`]): PMapper's edges and
//!   cloudsplaining's PassRole methods, applied to the roles the input holds.
//! - Privilege escalation: Rhino Security Labs, "AWS IAM Privilege Escalation – Methods and
//!   Mitigation" (Spencer Gietzen; its 21 methods), as cloudsplaining encodes them in
//!   `PRIVILEGE_ESCALATION_METHODS` (salesforce/cloudsplaining,
//!   `cloudsplaining/shared/constants.py`, which adds paths from DataDog's pathfinding.cloud),
//!   and the edges of NCC Group's PMapper (`principalmapper/graphing/*_edges.py`: EC2,
//!   Lambda, CloudFormation, CodeBuild, SageMaker, SSM, Auto Scaling, ECS).
//! - Credentials exposure: derived from the catalog, so that a service wildcard (`ecr:*`)
//!   counts for the credential-returning actions it covers: every action whose name is a
//!   verb that hands something out (`Get`, `Create`, `Generate`, `Request`, `Rotate`,
//!   `Reset`) followed by a credential noun (`...Credentials`, `...AuthorizationToken`,
//!   `...AccessKey`, `...SessionToken`, `...ApiKey`, `...MasterUserPassword`, see
//!   [`CREDENTIAL_NOUNS`]), plus the actions of cloudsplaining's glossary ("Credentials
//!   Exposure") whose names do not say so (`sts:AssumeRole`, `codepipeline:PollForJobs`,
//!   `rds-db:connect`...) and `ec2:GetPasswordData` (Semgrep's `no-iam-creds-exposure`).
//!   `ecr:GetAuthorizationToken` counts, unlike in Checkov's CKV_AWS_107: its token pulls
//!   and pushes images.
//! - Data exfiltration: cloudsplaining's `READ_ONLY_DATA_EXFILTRATION_ACTIONS` and glossary
//!   (S3 objects, SSM parameters, Secrets Manager, RDS snapshots), plus `kms:Decrypt` and
//!   the reads of whole tables, streams and queues listed below.
//! - Resource exposure: every action the catalog classes as Permissions management, as
//!   cloudsplaining defines the category, less the ones that only read permissions.
//! - Infrastructure modification (cloudsplaining's "Infrastructure Modification": write
//!   access that changes the account's resources): here the Write actions that create,
//!   change or remove compute, network and storage (see [`modifies_infrastructure`]).

use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, OnceLock};

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use super::codes::{
    CREDENTIALS_EXPOSURE, Code, DATA_EXFILTRATION, INFRASTRUCTURE_MODIFICATION,
    PRIVILEGE_ESCALATION, RESOURCE_EXPOSURE,
};
use super::finding::{Finding, Place};
use super::grants::{identity_policies, statement_actions, unconstrained};
use super::list;
use crate::catalog::{AccessLevel, Action, Catalog};
use crate::model::{Effect, Loc, Policy, PolicyKind, Role, RoleKind, Source, Statement};

/// Combinations of actions that let the holder raise its own privileges. The first action
/// of each is the key one: findings are placed where it is granted.
pub const PRIVILEGE_ESCALATION_METHODS: &[&[&str]] = &[
    // Permissions on policies
    &["iam:CreatePolicyVersion"],
    &["iam:SetDefaultPolicyVersion"],
    &["iam:AttachUserPolicy"],
    &["iam:AttachGroupPolicy"],
    &["iam:AttachRolePolicy"],
    &["iam:PutUserPolicy"],
    &["iam:PutGroupPolicy"],
    &["iam:PutRolePolicy"],
    // IAM permissions on other users
    &["iam:CreateAccessKey"],
    &["iam:CreateLoginProfile"],
    &["iam:UpdateLoginProfile"],
    &["iam:AddUserToGroup"],
    // Updating a role's trust policy, then assuming it
    &["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"],
    // Passing a role to compute the holder controls
    &["iam:PassRole", "ec2:RunInstances"],
    &["iam:PassRole", "ec2:RequestSpotInstances"],
    &[
        "iam:PassRole",
        "lambda:CreateFunction",
        "lambda:InvokeFunction",
    ],
    &[
        "iam:PassRole",
        "lambda:CreateFunction",
        "lambda:CreateEventSourceMapping",
    ],
    &[
        "iam:PassRole",
        "lambda:CreateFunction",
        "lambda:AddPermission",
    ],
    &["iam:PassRole", "glue:CreateDevEndpoint"],
    &["iam:PassRole", "glue:CreateJob", "glue:StartJobRun"],
    &["iam:PassRole", "cloudformation:CreateStack"],
    &[
        "iam:PassRole",
        "datapipeline:CreatePipeline",
        "datapipeline:PutPipelineDefinition",
    ],
    &[
        "iam:PassRole",
        "codebuild:CreateProject",
        "codebuild:StartBuild",
    ],
    &["iam:PassRole", "sagemaker:CreateNotebookInstance"],
    &["iam:PassRole", "sagemaker:CreateTrainingJob"],
    &["iam:PassRole", "sagemaker:CreateProcessingJob"],
    &["iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:RunTask"],
    &[
        "iam:PassRole",
        "ecs:RegisterTaskDefinition",
        "ecs:StartTask",
    ],
    &[
        "iam:PassRole",
        "ecs:RegisterTaskDefinition",
        "ecs:CreateService",
    ],
    &[
        "iam:PassRole",
        "autoscaling:CreateLaunchConfiguration",
        "autoscaling:CreateAutoScalingGroup",
    ],
    &["iam:PassRole", "apprunner:CreateService"],
    // Using compute that already runs with a role
    &["lambda:UpdateFunctionCode"],
    &["glue:UpdateDevEndpoint"],
    &["ssm:SendCommand"],
    &["ssm:StartSession"],
    &["ecs:ExecuteCommand"],
    &["ec2-instance-connect:SendSSHPublicKey"],
    &["sagemaker:CreatePresignedNotebookInstanceUrl"],
    &["cloudformation:UpdateStack"],
    &[
        "cloudformation:CreateChangeSet",
        "cloudformation:ExecuteChangeSet",
    ],
    &[
        "ec2:ModifyInstanceAttribute",
        "ec2:StopInstances",
        "ec2:StartInstances",
    ],
];

/// Actions that start compute with a role passed to it (PMapper's edges for EC2, Lambda,
/// ECS, CloudFormation, CodeBuild, SageMaker, Auto Scaling; cloudsplaining's PassRole
/// methods with Glue, Data Pipeline, App Runner): with `iam:PassRole` on a role, the
/// holder runs code as that role.
pub const PASS_ROLE_COMPUTE: &[&str] = &[
    "ec2:RunInstances",
    "ec2:RequestSpotInstances",
    "lambda:CreateFunction",
    "lambda:UpdateFunctionConfiguration",
    "ecs:RunTask",
    "ecs:StartTask",
    "ecs:CreateService",
    "glue:CreateJob",
    "glue:UpdateJob",
    "glue:CreateDevEndpoint",
    "cloudformation:CreateStack",
    "cloudformation:UpdateStack",
    "codebuild:CreateProject",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateProcessingJob",
    "datapipeline:CreatePipeline",
    "autoscaling:CreateLaunchConfiguration",
    "apprunner:CreateService",
];

/// Verbs of actions that hand out what follows them in the name.
const CREDENTIAL_VERBS: [&str; 6] = ["Get", "Create", "Generate", "Request", "Rotate", "Reset"];

/// Endings of action names that are credentials or tokens standing for them.
pub const CREDENTIAL_NOUNS: [&str; 13] = [
    "Credentials",
    "Credential",
    "AuthorizationToken",
    "AuthToken",
    "AccessKey",
    "AccessKeys",
    "AccessToken",
    "SessionToken",
    "FederationToken",
    "ApiKey",
    "BearerToken",
    "MasterUserPassword",
    "ChallengePassword",
];

/// What follows the first of `verbs` that starts the action's name as a word
/// (`GetObject` → `Object` for `Get`, but nothing for `Getaway`).
fn after_verb<'a>(action: &'a Action, verbs: &[&str]) -> Option<&'a str> {
    verbs.iter().find_map(|verb| {
        action
            .name
            .strip_prefix(verb)
            .filter(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
    })
}

/// Whether the catalog action's name says it returns credentials (see the module notes).
fn names_credentials(action: &Action) -> bool {
    after_verb(action, &CREDENTIAL_VERBS)
        .is_some_and(|rest| CREDENTIAL_NOUNS.iter().any(|noun| rest.ends_with(noun)))
}

/// Whether an action returns credentials: named so, or listed.
fn returns_credentials(action: &Action) -> bool {
    names_credentials(action) || credential_list().contains(&action.id())
}

fn credential_list() -> &'static HashSet<usize> {
    static LISTED: OnceLock<HashSet<usize>> = OnceLock::new();
    LISTED.get_or_init(|| ids(CREDENTIALS_EXPOSURE_ACTIONS))
}

/// The catalog ids of the actions named.
fn ids<'a>(names: impl IntoIterator<Item = &'a &'a str>) -> HashSet<usize> {
    let catalog = Catalog::get();
    names
        .into_iter()
        .filter_map(|name| catalog.action(name))
        .map(Action::id)
        .collect()
}

/// Actions whose response holds credentials or tokens and whose names do not say so (the
/// others are derived from the catalog by [`names_credentials`]).
pub const CREDENTIALS_EXPOSURE_ACTIONS: &[&str] = &[
    "chime:CreateApiKey",
    "codepipeline:PollForJobs",
    "cognito-identity:GetCredentialsForIdentity",
    "cognito-identity:GetOpenIdToken",
    "cognito-identity:GetOpenIdTokenForDeveloperIdentity",
    "connect:GetFederationToken",
    "ec2:GetPasswordData",
    "gamelift:RequestUploadCredentials",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:CreateServiceSpecificCredential",
    "iam:ResetServiceSpecificCredential",
    "iam:UpdateAccessKey",
    "lightsail:GetInstanceAccessDetails",
    "lightsail:GetRelationalDatabaseMasterUserPassword",
    "mediapackage:RotateChannelCredentials",
    "mediapackage:RotateIngestEndpointCredentials",
    "rds-db:connect",
    "redshift:GetClusterCredentials",
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:GetFederationToken",
    "sts:GetSessionToken",
];

/// Actions that read data out of the account.
pub const DATA_EXFILTRATION_ACTIONS: &[&str] = &[
    // cloudsplaining
    "s3:GetObject",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "secretsmanager:GetSecretValue",
    "rds:CopyDBSnapshot",
    "rds:CreateDBSnapshot",
    // decrypting anything encrypted with any key, and reading whole stores
    "kms:Decrypt",
    "s3:GetObjectVersion",
    "ssm:GetParameterHistory",
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "kinesis:GetRecords",
    "sqs:ReceiveMessage",
    "athena:GetQueryResults",
];

/// Condition keys that say how or by whom the request is made, or which tags it sets,
/// but not which existing resources it reaches: conditions on them alone leave a grant
/// unconstrained.
const NOT_NARROWING: &[&str] = &[
    "aws:sourceip",
    "aws:vpcsourceip",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:securetransport",
    "aws:multifactorauthpresent",
    "aws:multifactorauthage",
    "aws:currenttime",
    "aws:epochtime",
    "aws:tokenissuetime",
    "aws:requestedregion",
    "aws:useragent",
    "aws:referer",
    "aws:calledvia",
    "aws:calledviafirst",
    "aws:calledvialast",
    "aws:viaawsservice",
    "aws:tagkeys",
];

/// Whether a condition of the statement may limit what it reaches.
fn narrows(s: &Statement) -> bool {
    s.condition_keys().any(|k| {
        let key = k.value.to_ascii_lowercase();
        let tag_set = key.contains(":requesttag/") || key.ends_with(":tagkeys");
        !(NOT_NARROWING.contains(&key.as_str()) || tag_set || key.starts_with("aws:principaltag/"))
    })
}

/// Verbs of actions that only read: the catalog classes some of them as Permissions
/// management because what they read is permissions (`quicksight:DescribeTopicPermissions`,
/// `backup:ListIndexedRecoveryPointsForSearch`), but they change no one's access.
const READ_VERBS: [&str; 7] = [
    "Describe", "Get", "List", "Search", "View", "BatchGet", "Check",
];

/// Services whose control plane is compute, network or storage infrastructure.
const INFRASTRUCTURE_SERVICES: [&str; 14] = [
    "ec2",
    "lambda",
    "ecs",
    "eks",
    "autoscaling",
    "elasticloadbalancing",
    "rds",
    "s3",
    "elasticfilesystem",
    "fsx",
    "ebs",
    "elasticache",
    "redshift",
    "route53",
];

/// Verbs of Write actions that create, change or remove infrastructure (rather than write
/// data into it, as `s3:PutObject` does).
const INFRASTRUCTURE_VERBS: [&str; 14] = [
    "Create",
    "Delete",
    "Modify",
    "Update",
    "Run",
    "Terminate",
    "Stop",
    "Reboot",
    "Attach",
    "Detach",
    "Authorize",
    "Revoke",
    "Replace",
    "Associate",
];

/// Whether an action creates, changes or removes compute, network or storage
/// infrastructure: a Write action of those services with such a verb (for S3, on buckets).
fn modifies_infrastructure(action: &Action) -> bool {
    action.access_level == AccessLevel::Write
        && INFRASTRUCTURE_SERVICES.contains(&action.service)
        && (action.service != "s3" || action.name.contains("Bucket"))
        && after_verb(action, &INFRASTRUCTURE_VERBS).is_some()
}

/// Whether an action changes who can access resources: Permissions management, less the
/// actions that only read.
fn changes_access(action: &Action) -> bool {
    action.access_level == AccessLevel::PermissionsManagement
        && after_verb(action, &READ_VERBS).is_none()
}

/// Where an action is first granted.
#[derive(Clone, Copy)]
struct Grant<'a> {
    policy: &'a Policy,
    index: usize,
    statement: &'a Statement,
    loc: Loc,
}

impl Grant<'_> {
    fn key(&self) -> (*const Policy, usize) {
        (std::ptr::from_ref(self.policy), self.index)
    }
}

/// The risk findings of every holder of the source, each reported once per granting
/// statement, naming the holders that have it when there are several (a managed policy
/// attached to ten users is one finding naming the ten).
pub fn source(source: &Source, out: &mut Vec<Finding>) {
    let mut merged: Vec<(Finding, Vec<&str>)> = Vec::new();
    // A policy is the same for two holders when they share its document (a managed policy
    // attached to both).
    let mut index: HashMap<(&'static str, usize, Option<usize>, String), usize> = HashMap::new();
    // Holders with the same documents in the same order (and the same boundary) have the
    // same findings: an account dump's thousands of roles attaching the same managed
    // policies are judged once, and each further one is added to the findings' holders.
    let mut judged: HashMap<(RoleKind, Vec<usize>), Vec<usize>> = HashMap::new();
    let mut judge = Judge::new();
    for role in &source.roles {
        let policies = identity_policies(source, role);
        let boundary = role
            .policies
            .iter()
            .filter(|p| p.kind == PolicyKind::Boundary);
        let judged_policies = policies.iter().map(|(_, p)| *p).chain(boundary);
        let shareable = judged_policies
            .clone()
            .all(|p| p.document.as_ref().is_none_or(|d| Arc::strong_count(d) > 1));
        let signature = (
            role.kind,
            judged_policies.map(document_id).collect::<Vec<usize>>(),
        );
        // A document holder's policies (a managed policy attached to nothing) are each
        // judged alone; any other holder's together.
        let judged_together: Vec<&[(&Role, &Policy)]> = if role.kind == RoleKind::Document {
            policies.iter().map(std::slice::from_ref).collect()
        } else {
            vec![&policies]
        };
        let mut found = Vec::new();
        let same = judged.get(&signature).cloned();
        for &policies in &judged_together {
            if same.is_none() {
                holder(&mut judge, source, role, policies, &mut found);
            }
            // Which roles a PassRole names depends on the holder: never shared.
            pass_role_to_input_roles(&mut judge, source, role, policies, &mut found);
        }
        let mut indices = Vec::new();
        for (f, document) in found {
            let key = (f.code, document, f.statement, f.message.clone());
            match index.get(&key) {
                Some(&i) => {
                    merged[i].1.push(&role.name);
                    indices.push(i);
                }
                None => {
                    index.insert(key, merged.len());
                    indices.push(merged.len());
                    merged.push((f, vec![role.name.as_str()]));
                }
            }
        }
        match same {
            Some(same) => same.iter().for_each(|&i| merged[i].1.push(&role.name)),
            // A holder with a document no other policy holds (its own inline policy) has a
            // signature no other holder can have: not kept.
            None if shareable => {
                judged.insert(signature, indices);
            }
            None => {}
        }
    }
    for (mut f, holders) in merged {
        if holders.len() > 1 {
            let holders: Vec<String> = holders.iter().map(|h| h.to_string()).collect();
            f.message.push_str(&format!("; held by {}", list(&holders)));
        }
        out.push(f);
    }
}

/// Whether `action` is one the risk categories name: in a list above, or changing who can
/// access resources. It depends on the action alone, so each action's answer is worked
/// out once per process (by id: 0 not yet, 1 no, 2 yes) and shared by every source and
/// thread.
fn in_a_category(action: &Action) -> bool {
    static KNOWN: OnceLock<Vec<AtomicU8>> = OnceLock::new();
    let known = KNOWN.get_or_init(|| {
        (0..Catalog::get().action_count())
            .map(|_| AtomicU8::new(0))
            .collect()
    });
    let Some(slot) = known.get(action.id()) else {
        return false;
    };
    match slot.load(Ordering::Relaxed) {
        0 => {
            let named = listed().contains(&action.id())
                || changes_access(action)
                || names_credentials(action)
                || modifies_infrastructure(action);
            slot.store(1 + u8::from(named), Ordering::Relaxed);
            named
        }
        answer => answer == 2,
    }
}

/// The ids of the actions the lists above name.
fn listed() -> &'static HashSet<usize> {
    static LISTED: OnceLock<HashSet<usize>> = OnceLock::new();
    LISTED.get_or_init(|| {
        ids(PRIVILEGE_ESCALATION_METHODS
            .iter()
            .flat_map(|m| m.iter())
            .chain(CREDENTIALS_EXPOSURE_ACTIONS)
            .chain(DATA_EXFILTRATION_ACTIONS))
    })
}

/// What took a granted action away again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Narrowed {
    Deny,
    Boundary,
}

/// The grants of a holder: what the policies grant on every resource, and what a Deny or
/// the permissions boundary took away from that; by action id, in id order.
type Grants<'a> = BTreeMap<usize, (&'static Action, Grant<'a>)>;

/// What one policy document grants and denies on every resource, among the actions the
/// risk categories name, statement by statement: worked out once per document however many
/// holders attach it (an account dump's managed policies).
#[derive(Default)]
struct DocumentGrants {
    /// Each action an Allow statement grants, with the statement's index and where the
    /// pattern that grants it stands (when known).
    allows: Vec<(&'static Action, usize, Option<Loc>)>,
    /// The actions an unconditional Deny takes away.
    denies: Vec<&'static Action>,
    /// The statements that allow `iam:PassRole` on named roles only (not on every role).
    passes_named_roles: Vec<usize>,
}

/// The risk judgement's memory across the holders of a source.
struct Judge {
    /// By document identity ([`document_id`]).
    documents: HashMap<usize, Rc<DocumentGrants>>,
    pass_role: Option<&'static Action>,
}

impl Judge {
    fn new() -> Judge {
        Judge {
            documents: HashMap::new(),
            pass_role: Catalog::get().action("iam:PassRole"),
        }
    }

    /// What `policy`'s document grants and denies on every resource.
    fn document(&mut self, policy: &Policy) -> Rc<DocumentGrants> {
        if let Some(known) = self.documents.get(&document_id(policy)) {
            return Rc::clone(known);
        }
        let mut grants = DocumentGrants::default();
        for (index, s) in policy.statements().iter().enumerate() {
            match s.effect() {
                // A Deny with NotResource leaves the action granted at most on what it
                // lists, so no longer on every resource.
                Some(Effect::Deny) if s.condition.is_none() => {
                    for (a, _) in statement_actions(s) {
                        if in_a_category(a) && unconstrained(s, a) {
                            grants.denies.push(a);
                        }
                    }
                }
                Some(Effect::Allow) if !narrows(s) => {
                    for (a, pattern) in statement_actions(s) {
                        let written = s.action.is_some();
                        let passes = self.pass_role.is_some_and(|p| p.id() == a.id());
                        if written && passes && !unconstrained(s, a) {
                            grants.passes_named_roles.push(index);
                        }
                        if !in_a_category(a) || !unconstrained(s, a) {
                            continue;
                        }
                        let loc = pattern
                            .map(|p| p.loc)
                            .or(s.not_action.as_ref().map(|n| n.loc))
                            .filter(|l| l.is_known())
                            .or(Some(s.loc).filter(|l| l.is_known()));
                        grants.allows.push((a, index, loc));
                    }
                }
                _ => {}
            }
        }
        let grants = Rc::new(grants);
        self.documents
            .insert(document_id(policy), Rc::clone(&grants));
        grants
    }

    /// What the policies grant on every resource, by action id, where first granted (only
    /// the actions the categories name, so each statement's other actions cost nothing),
    /// less what an unconditional Deny takes away (listed in `narrowed`).
    fn unconstrained_grants<'a>(
        &mut self,
        policies: &[(&'a Role, &'a Policy)],
        narrowed: &mut Vec<(&'static Action, Narrowed)>,
    ) -> Grants<'a> {
        let mut granted = Grants::new();
        let mut denied = HashSet::new();
        for (_, policy) in policies {
            let grants = self.document(policy);
            let statements = policy.statements();
            for &(a, index, loc) in &grants.allows {
                let Some(statement) = statements.get(index) else {
                    continue;
                };
                granted.entry(a.id()).or_insert((
                    a,
                    Grant {
                        policy,
                        index,
                        statement,
                        loc: loc.unwrap_or(policy.loc),
                    },
                ));
            }
            denied.extend(grants.denies.iter().map(|a| a.id()));
        }
        granted.retain(|id, (a, _)| {
            let kept = !denied.contains(id);
            if !kept {
                narrowed.push((*a, Narrowed::Deny));
            }
            kept
        });
        granted
    }

    /// Keeps only what the holder's permissions boundary allows on every resource too. A
    /// boundary that is not resolved (a managed policy the input does not hold) is not
    /// judged.
    fn bound(
        &mut self,
        role: &Role,
        granted: &mut Grants<'_>,
        narrowed: &mut Vec<(&'static Action, Narrowed)>,
    ) {
        let boundary: Vec<(&Role, &Policy)> = role
            .policies
            .iter()
            .filter(|p| p.kind == PolicyKind::Boundary)
            .map(|p| (role, p))
            .collect();
        if boundary.is_empty() || boundary.iter().any(|(_, p)| p.document.is_none()) {
            return;
        }
        let allowed = self.unconstrained_grants(&boundary, &mut Vec::new());
        granted.retain(|id, (a, _)| {
            let kept = allowed.contains_key(id);
            if !kept {
                narrowed.push((*a, Narrowed::Boundary));
            }
            kept
        });
    }
}

/// The identity of a policy's document: holders sharing a managed policy share it.
fn document_id(policy: &Policy) -> usize {
    policy
        .document
        .as_ref()
        .map_or(0, |d| Arc::as_ptr(d) as usize)
}

/// Whether an action belongs to a category.
type Belongs = fn(&Action) -> bool;

/// A finding with the identity of the policy document it is about.
type Found = (Finding, usize);

fn holder(
    judge: &mut Judge,
    source: &Source,
    role: &Role,
    policies: &[(&Role, &Policy)],
    out: &mut Vec<Found>,
) {
    if policies.is_empty() {
        return;
    }
    let mut narrowed = Vec::new();
    let mut granted = judge.unconstrained_grants(policies, &mut narrowed);
    judge.bound(role, &mut granted, &mut narrowed);
    if granted.is_empty() {
        return;
    }
    let catalog = Catalog::get();
    let grant_of = |name: &str| {
        catalog
            .action(name)
            .and_then(|a| granted.get(&a.id()))
            .map(|(_, g)| *g)
    };
    let mut found: Vec<(Grant, &Code, String)> = Vec::new();
    for method in PRIVILEGE_ESCALATION_METHODS {
        let grants: Option<Vec<Grant>> = method.iter().map(|a| grant_of(a)).collect();
        if let Some(grants) = grants {
            found.push((grants[0], PRIVILEGE_ESCALATION, method.join(" + ")));
        }
    }
    for name in DATA_EXFILTRATION_ACTIONS {
        if let Some(g) = grant_of(name) {
            found.push((g, DATA_EXFILTRATION, name.to_string()));
        }
    }
    let categories: [(Belongs, &'static Code); 3] = [
        (returns_credentials, CREDENTIALS_EXPOSURE),
        (changes_access, RESOURCE_EXPOSURE),
        (modifies_infrastructure, INFRASTRUCTURE_MODIFICATION),
    ];
    for (belongs, code) in categories {
        found.extend(
            granted
                .values()
                .filter(|(a, _)| belongs(a))
                .map(|(a, g)| (*g, code, a.full_name())),
        );
    }
    report(source, role, found, &narrowed, out);
}

/// Whether an Allow statement (without a narrowing condition) covers `action`.
fn allows(policies: &[(&Role, &Policy)], action: &str) -> bool {
    policies.iter().flat_map(|(_, p)| p.statements()).any(|s| {
        s.effect() == Some(Effect::Allow)
            && !narrows(s)
            && s.action
                .iter()
                .flat_map(|v| v.iter())
                .any(|pattern| crate::eval::action::action_matches(pattern, action))
    })
}

/// Escalation through `iam:PassRole` on named roles (not every role: that is the
/// combinations above): when the holder can also start compute with a role, and a role
/// the PassRole names is in the inputs, the holder gains that role's permissions.
fn pass_role_to_input_roles(
    judge: &mut Judge,
    source: &Source,
    holder: &Role,
    policies: &[(&Role, &Policy)],
    out: &mut Vec<Found>,
) {
    // The statements that pass named roles, looked for first: few policies have one, and
    // then the compute actions need not be looked for.
    let passing: Vec<(&Policy, usize, &Statement)> = policies
        .iter()
        .flat_map(|(_, policy)| {
            let statements = policy.statements();
            judge
                .document(policy)
                .passes_named_roles
                .iter()
                .filter_map(|&i| Some((*policy, i, statements.get(i)?)))
                .collect::<Vec<_>>()
        })
        .collect();
    if passing.is_empty() {
        return;
    }
    let Some(compute) = PASS_ROLE_COMPUTE.iter().find(|a| allows(policies, a)) else {
        return;
    };
    for (policy, index, s) in passing {
        for resource in s.resource.iter().flat_map(|r| &r.items) {
            for target in source.roles.iter().filter(|r| {
                r.kind == RoleKind::Role && r.name != holder.name && names_role(&resource.value, r)
            }) {
                let place = Place::policy(source, holder, policy).with_statement(index, s);
                let document = document_id(policy);
                out.push((
                    place
                        .finding(
                            PRIVILEGE_ESCALATION,
                            resource.loc,
                            format!(
                                "iam:PassRole on `{}` + {compute} lets the holder run code as role `{}` of these inputs, with that role's permissions",
                                super::esc(&resource.value),
                                super::esc(&target.name)
                            ),
                        )
                        .about_action("iam:PassRole"),
                    document,
                ));
            }
        }
    }
}

/// Whether a Resource value names the role: its ARN matches, or (without an ARN) the value
/// ends in `role/NAME` or `role/PATH/NAME`.
fn names_role(resource: &str, role: &Role) -> bool {
    match &role.arn {
        Some(arn) => crate::model::glob::matches(resource, arn),
        None => resource.rsplit_once('/').is_some_and(|(head, name)| {
            head.contains(":role") && crate::model::glob::matches(name, &role.name)
        }),
    }
}

/// Whether an action belongs to the category of `code`.
fn in_category(action: &Action, code: &Code) -> bool {
    match code.code {
        "privilege-escalation" => PRIVILEGE_ESCALATION_METHODS
            .iter()
            .any(|m| m.contains(&action.full_name().as_str())),
        "credentials-exposure" => returns_credentials(action),
        "data-exfiltration" => DATA_EXFILTRATION_ACTIONS.contains(&action.full_name().as_str()),
        "infrastructure-modification" => modifies_infrastructure(action),
        _ => changes_access(action),
    }
}

/// `; narrowed: a Deny removes 2 more (iam:CreateUser, ...), the permissions boundary 3
/// more (...)`, for the actions of `code`'s category that were granted and taken away.
fn narrowing(code: &Code, narrowed: &[(&'static Action, Narrowed)]) -> String {
    let mut parts = Vec::new();
    for (by, words) in [
        (Narrowed::Deny, "a Deny statement removes"),
        (Narrowed::Boundary, "the permissions boundary removes"),
    ] {
        let names: Vec<String> = narrowed
            .iter()
            .filter(|(a, n)| *n == by && in_category(a, code))
            .map(|(a, _)| a.full_name())
            .collect();
        if !names.is_empty() {
            parts.push(format!("{words} {} more ({})", names.len(), list(&names)));
        }
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("; narrowed: {}", parts.join(", "))
    }
}

/// One finding per code and granting statement, naming what it grants there.
fn report(
    source: &Source,
    role: &Role,
    found: Vec<(Grant, &'static Code, String)>,
    narrowed: &[(&'static Action, Narrowed)],
    out: &mut Vec<Found>,
) {
    let mut groups: Vec<(Grant, &Code, Vec<String>)> = Vec::new();
    let mut group_of = HashMap::new();
    for (grant, code, name) in found {
        let i = *group_of.entry((grant.key(), code.code)).or_insert_with(|| {
            groups.push((grant, code, Vec::new()));
            groups.len() - 1
        });
        groups[i].2.push(name);
    }
    for (grant, code, names) in groups {
        let what = match code.code {
            "privilege-escalation" => "that let the holder raise its privileges",
            "credentials-exposure" => "that return credentials",
            "data-exfiltration" => "that read data",
            "infrastructure-modification" => {
                "that create, change or remove compute, network or storage infrastructure"
            }
            _ => "that change who can access resources (Permissions management)",
        };
        let place =
            Place::policy(source, role, grant.policy).with_statement(grant.index, grant.statement);
        // Combinations hold commas of their own, so they are separated by semicolons.
        let listed = if code.code == PRIVILEGE_ESCALATION.code {
            let shown = names.len().min(4);
            let mut text = names[..shown].join("; ");
            if names.len() > shown {
                text.push_str(&format!("; and {} more", names.len() - shown));
            }
            text
        } else {
            list(&names)
        };
        let document = document_id(grant.policy);
        out.push((
            place
                .finding(
                    code,
                    grant.loc,
                    format!(
                        "grants on every resource actions {what}: {listed}{}",
                        narrowing(code, narrowed)
                    ),
                )
                .about_action(names[0].split(" + ").next().unwrap_or(&names[0])),
            document,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::findings_of;
    use smol_str::SmolStr;

    #[test]
    fn every_listed_action_is_in_the_catalog() {
        let catalog = Catalog::get();
        let all = PRIVILEGE_ESCALATION_METHODS
            .iter()
            .flat_map(|m| m.iter())
            .chain(CREDENTIALS_EXPOSURE_ACTIONS)
            .chain(DATA_EXFILTRATION_ACTIONS);
        for name in all {
            let action = catalog.action(name);
            assert!(action.is_some(), "{name} is not in the catalog");
            assert_eq!(&action.unwrap().full_name(), name, "spelling of {name}");
        }
    }

    fn risks(statements: &str) -> Vec<(String, Option<usize>, String)> {
        let codes = [
            "privilege-escalation",
            "credentials-exposure",
            "data-exfiltration",
            "resource-exposure",
        ];
        findings_of(&codes, statements)
    }

    #[test]
    fn escalation_combinations_across_statements() {
        let found = risks(
            r#"
                {"Effect": "Allow", "Action": ["iam:PassRole", "s3:GetObject"], "Resource": "*"},
                {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*",
                 "Condition": {"StringLike": {"aws:RequestTag/Name": "*app*"}}},
                {"Effect": "Allow", "Action": "lambda:CreateFunction", "Resource": "*",
                 "Condition": {"StringEquals": {"aws:ResourceTag/team": "a"}}},
                {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::secret/*"}
            "#,
        );
        assert_eq!(
            found,
            [
                (
                    "privilege-escalation".into(),
                    Some(1),
                    "grants on every resource actions that let the holder raise its privileges: iam:PassRole + ec2:RunInstances".into()
                ),
                (
                    "data-exfiltration".into(),
                    Some(1),
                    "grants on every resource actions that read data: s3:GetObject".into()
                ),
            ]
        );
    }

    #[test]
    fn unconditional_denies_and_scoped_resources_remove_risks() {
        let found = risks(
            r#"
                {"Effect": "Allow", "Action": ["iam:*", "s3:GetObject"], "Resource": ["arn:aws:iam::*:user/app-*", "arn:aws:s3:::b/*"]},
                {"Effect": "Allow", "Action": ["sts:AssumeRole", "kms:Decrypt"], "Resource": "*"},
                {"Effect": "Deny", "Action": "kms:*", "Resource": "*"}
            "#,
        );
        assert_eq!(
            found,
            [(
                "credentials-exposure".into(),
                Some(2),
                "grants on every resource actions that return credentials: sts:AssumeRole".into()
            )]
        );
    }

    #[test]
    fn credentials_exposure_is_derived_from_the_catalog() {
        let found = risks(
            r#"{"Effect": "Allow", "Action": ["ecr:*", "sts:GetSessionToken", "codeartifact:GetAuthorizationToken",
                "secretsmanager:GetRandomPassword", "waf:GetChangeToken"], "Resource": "*"}"#,
        );
        let credentials: Vec<&str> = found
            .iter()
            .filter(|f| f.0 == "credentials-exposure")
            .map(|f| f.2.as_str())
            .collect();
        assert_eq!(
            credentials,
            [
                "grants on every resource actions that return credentials: codeartifact:GetAuthorizationToken, ecr:GetAuthorizationToken, sts:GetSessionToken"
            ]
        );
    }

    #[test]
    fn a_deny_in_the_same_policy_removes_the_risk_and_says_what_it_narrowed() {
        let found = findings_of(
            &[
                "privilege-escalation",
                "pass-role-star",
                "credentials-exposure",
            ],
            r#"{"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
               {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}"#,
        );
        assert_eq!(found, []);
        let found = risks(
            r#"{"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
               {"Effect": "Deny", "Action": ["iam:Create*", "iam:Put*", "iam:Attach*", "iam:Update*", "iam:Add*", "iam:Reset*", "iam:Set*", "iam:Pass*"], "Resource": "*"}"#,
        );
        assert_eq!(
            found,
            [
                (
                    "resource-exposure".into(),
                    Some(1),
                    "grants on every resource actions that change who can access resources (Permissions management): iam:DeleteAccountPasswordPolicy, iam:DeleteGroupPolicy, iam:DeletePolicy and 8 more; narrowed: a Deny statement removes 12 more (iam:AttachGroupPolicy, iam:AttachRolePolicy, iam:AttachUserPolicy and 9 more)".into()
                ),
            ]
        );
    }

    /// Two users hold IAMFullAccess; one has a boundary that denies `iam:*`. The risks are
    /// reported once, for the other.
    #[test]
    fn a_boundary_removes_the_risk_and_a_shared_policy_is_reported_once_with_its_holders() {
        let user = |name: &str, boundary: bool| {
            let boundary = if boundary {
                r#", "PermissionsBoundary": {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": "arn:aws:iam::111122223333:policy/no-iam"}"#
            } else {
                ""
            };
            format!(
                r#"{{"UserName": "{name}", "Arn": "arn:aws:iam::111122223333:user/{name}", "GroupList": [], "UserPolicyList": [],
                    "AttachedManagedPolicies": [{{"PolicyName": "IAMFullAccess", "PolicyArn": "arn:aws:iam::aws:policy/IAMFullAccess"}}]{boundary}}}"#
            )
        };
        let dump = format!(
            r#"{{"UserDetailList": [{}, {}, {}], "GroupDetailList": [], "RoleDetailList": [],
                "Policies": [{{"PolicyName": "no-iam", "Arn": "arn:aws:iam::111122223333:policy/no-iam", "DefaultVersionId": "v1",
                  "PolicyVersionList": [{{"VersionId": "v1", "IsDefaultVersion": true, "Document": {{"Version": "2012-10-17",
                    "Statement": [{{"Effect": "Allow", "Action": "*", "Resource": "*"}}, {{"Effect": "Deny", "Action": "iam:*", "Resource": "*"}}]}}}}]}}]}}"#,
            user("bounded", true),
            user("alice", false),
            user("bob", false)
        );
        let sources = [crate::assemble::load_text(
            "dump.json",
            &dump,
            &crate::assemble::Options::default(),
        )];
        let found: Vec<(String, String, String)> = crate::analyze::check(&sources)
            .into_iter()
            .filter(|f| f.category != crate::analyze::codes::Category::Validity)
            .filter(|f| f.code.contains("escalation") || f.code.contains("exposure"))
            .map(|f| {
                let holders = f
                    .message
                    .rsplit("; held by ")
                    .next()
                    .unwrap_or("")
                    .to_string();
                (
                    f.code.to_string(),
                    f.role.unwrap_or_default().to_string(),
                    holders,
                )
            })
            .collect();
        let expected = |code: &str| {
            (
                code.to_string(),
                "alice".to_string(),
                "alice, bob".to_string(),
            )
        };
        assert_eq!(
            found,
            [
                expected("credentials-exposure"),
                expected("privilege-escalation"),
                expected("resource-exposure"),
            ]
        );
    }

    #[test]
    fn new_rules_infrastructure_could_be_scoped_and_long_lived_credentials() {
        let found = findings_of(
            &[
                "infrastructure-modification",
                "could-be-scoped",
                "long-lived-credentials",
            ],
            r#"{"Sid": "Infra", "Effect": "Allow", "Action": ["ec2:RunInstances", "ec2:CreateSecurityGroup", "s3:PutObject", "s3:CreateBucket"], "Resource": "*"},
               {"Sid": "Keys", "Effect": "Allow", "Action": ["iam:CreateAccessKey", "iam:ListAccessKeys"], "Resource": "arn:aws:iam::*:user/${aws:username}"},
               {"Sid": "Scoped", "Effect": "Allow", "Action": "ec2:TerminateInstances", "Resource": "arn:aws:ec2:*:*:instance/i-1"},
               {"Sid": "NoResourceTypes", "Effect": "Allow", "Action": "ec2:DescribeInstances", "Resource": "*"}"#,
        );
        assert_eq!(
            found,
            [
                (
                    "infrastructure-modification".into(),
                    Some(1),
                    "grants on every resource actions that create, change or remove compute, network or storage infrastructure: ec2:CreateSecurityGroup, ec2:RunInstances, s3:CreateBucket".into()
                ),
                (
                    "could-be-scoped".into(),
                    Some(1),
                    "`\"Resource\": \"*\"` grants write actions that can be limited to named resources: ec2:RunInstances, ec2:CreateSecurityGroup, s3:PutObject and 1 more".into()
                ),
                (
                    "long-lived-credentials".into(),
                    Some(2),
                    "`iam:CreateAccessKey` on `arn:aws:iam::*:user/${aws:username}` lets each user create access keys for itself, which do not expire".into()
                ),
            ]
        );
    }

    /// `iam:PassRole` on `role/app-*` with `lambda:CreateFunction`: escalation to the role
    /// of the inputs that the pattern names, not to the one it does not.
    #[test]
    fn pass_role_on_a_named_role_of_the_inputs_is_escalation_to_it() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/why/pass-role.json"
        ))
        .unwrap();
        let sources = [crate::assemble::load_text(
            "pass-role.json",
            &text,
            &crate::assemble::Options::default(),
        )];
        let found: Vec<(Option<SmolStr>, Option<usize>, u32, String)> =
            crate::analyze::check(&sources)
                .into_iter()
                .filter(|f| f.code == "privilege-escalation" && f.role.as_deref() == Some("dev"))
                .map(|f| (f.policy, f.statement, f.line, f.message))
                .collect();
        assert_eq!(
            found,
            [(
                Some("deploy".into()),
                Some(1),
                3,
                "iam:PassRole on `arn:aws:iam::111122223333:role/app-*` + lambda:CreateFunction lets the holder run code as role `app-admin` of these inputs, with that role's permissions".to_string()
            )]
        );
    }

    #[test]
    fn permissions_management_on_every_resource() {
        let found = risks(
            r#"
                {"Effect": "Allow", "Action": ["s3:PutBucketPolicy", "s3:PutBucketAcl", "kms:CreateGrant", "kms:PutKeyPolicy",
                  "quicksight:DescribeTopicPermissions"], "Resource": "*"}
            "#,
        );
        assert_eq!(
            found,
            [(
                "resource-exposure".into(),
                Some(1),
                "grants on every resource actions that change who can access resources (Permissions management): kms:CreateGrant, kms:PutKeyPolicy, s3:PutBucketAcl and 1 more".into()
            )]
        );
    }
}
