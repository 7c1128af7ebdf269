//! The command line: every command, argument and option, with the help text users read.

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::session::{Common, parse_key_value};

const ABOUT: &str = "Read AWS IAM permissions in the terminal: vendor pages, templates, policies and account dumps, offline.";

const LONG_ABOUT: &str = "\
Read AWS IAM permissions in the terminal, offline.

iamscope loads policy material in the shapes people receive it (vendor documentation in \
Markdown, HTML or page text; CloudFormation and Terraform templates; policy JSON, even when it \
is broken; `aws iam get-account-authorization-details` dumps) into one tree of roles, policies \
and statements. With no command it opens that tree in an interactive viewer; every feature is \
also a command that prints text or JSON. The AWS action catalog and the AWS managed policies \
are built in: no network, no credentials.

With no PATH it opens the sample policies bundled into the binary.";

const EXAMPLES: &str = "\
Examples:
  iamscope                                   browse the bundled sample policies
  iamscope vendor-onboarding.md              browse one vendor page
  iamscope tree policies/ --format json      print every policy under policies/ as JSON
  iamscope expand 'kms:Create*'              list the actions a wildcard covers
  iamscope tree page.md --var AccountId=111122223333
                                             fill the ${AccountId} placeholder
  iamscope tree notes.txt --input-format markdown
                                             read a file as Markdown whatever it holds
  curl -s https://example.com/policy.json | iamscope tree -

Exit codes: 0 success; 1 a command's negative answer (see its --help); 2 bad usage or input
that could not be read at all.";

#[derive(Parser, Debug)]
#[command(
    name = "iamscope",
    version,
    about = ABOUT,
    long_about = LONG_ABOUT,
    after_help = EXAMPLES,
    args_conflicts_with_subcommands = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Files or directories to open in the viewer; `-` reads standard input. Without any, the
    /// bundled sample policies open.
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,

    /// The viewer's review walkthrough (`r`) keeps its decisions here.
    #[command(flatten)]
    pub review: super::review::ReviewFile,

    /// CloudTrail events (log files, directories of them, or `aws cloudtrail lookup-events`
    /// output): the viewer marks which granted actions each holder used.
    #[arg(long, value_name = "EVENTS", num_args = 1..)]
    pub used: Vec<String>,

    #[command(flatten)]
    pub common: Common,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Print the loaded tree: each source's roles, policies and statements, its placeholders
    /// and what its loader reported. The text shows the viewer's rows: each action with its
    /// access level (a wildcard with how many actions it covers), each row with its
    /// line:column; in an account dump, a managed policy many roles hold is printed once,
    /// under `shared documents`.
    #[command(after_help = "\
Examples:
  iamscope tree sample-policies/stackstate.md
  iamscope tree vendor.md --var AccountId=111122223333 --var Region=us-east-1
  iamscope tree policies/ --format json | jq '.sources[].roles[].policies[].name'
  iamscope tree policy.json --expand         list the actions each wildcard covers")]
    Tree(TreeArgs),

    /// Report what is broken, risky or undocumented: invalid policies, unknown actions,
    /// unfilled placeholders, risky grants. Exits 1 when a finding is at or above --fail-on.
    #[command(after_help = CHECK_EXAMPLES, after_long_help = check_long_help())]
    Check(CheckArgs),
    /// Decide whether a request is allowed, and show why: the deciding statements and, for
    /// every policy and statement, what matched and what did not.
    #[command(after_help = WHY_EXAMPLES)]
    Why(WhyArgs),

    /// Show what each role is granted, service by service, as the IAM console's policy
    /// summary does: List, Read, Write, Permissions management and Tagging, each Full,
    /// Limited (n of m actions) or None, with the resources and conditions of the grants.
    #[command(after_help = MATRIX_EXAMPLES)]
    Matrix(MatrixArgs),

    /// List the AWS actions that action patterns cover, with their access levels, from the
    /// catalog built into iamscope. `*` and `?` work anywhere after the colon; case does not
    /// matter.
    #[command(after_help = "\
Examples:
  iamscope expand 'kms:Create*'                 every KMS action starting with Create
  iamscope expand 's3:Get*' 's3:List*'          several patterns, one sorted list
  iamscope expand 'ec2:Describe?pc*' --format json
  iamscope expand '*' | wc -l                   how many actions AWS has

JSON is a list of {\"action\", \"service\", \"access_level\", \"resource_types\"}; each resource
type is {\"name\", \"arn\", \"required\"}.

Exit codes: 0 every pattern matched; 1 a pattern matched no action; 2 a pattern is invalid
(such as `*:GetObject`: AWS allows no wildcard in the service prefix).")]
    Expand(ExpandArgs),

    /// Walk through every statement, riskiest first, and record a decision on each (accept,
    /// flag, comment) in a review file; print where the review stands or export a report.
    /// Exits 1 while anything is at or above --fail-on.
    #[command(after_help = super::review::HELP)]
    Review(super::review::ReviewArgs),

    /// Compare what two versions grant, not their text: actions added and removed with
    /// their resources and conditions, access-level changes, findings new and gone, trust
    /// changes. Exits 1 when NEW grants more.
    #[command(after_help = super::diff::HELP)]
    Diff(super::diff::DiffArgs),
    /// Print the completion script for a shell, generated from this command line.
    #[command(after_help = "\
Install (then open a new shell):
  bash:        iamscope completions bash > ~/.local/share/bash-completion/completions/iamscope
  zsh:         iamscope completions zsh > ~/.zfunc/_iamscope   (with fpath+=(~/.zfunc) in ~/.zshrc)
  fish:        iamscope completions fish > ~/.config/fish/completions/iamscope.fish
  PowerShell:  iamscope completions powershell >> $PROFILE")]
    Completions(CompletionsArgs),

    /// Print the least policy that grants what a role's policies grant: redundant statements
    /// and actions dropped, statements merged, actions sorted, placeholders filled by --var;
    /// or, with --keep, only the actions a workload calls. What changed goes to standard error.
    #[command(after_help = MINIMIZE_EXAMPLES)]
    Minimize(MinimizeArgs),
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: super::completions::Shell,
}

const MINIMIZE_EXAMPLES: &str = "\
Never wider: the output grants exactly what the input grants (with --keep, only part of it),
on the same resources and under the same conditions. A list of actions becomes a wildcard
only when the wildcard covers, in the catalog built into iamscope, exactly that list;
--no-wildcards writes every wildcard out as its actions. Placeholders not filled with --var
are written ${Name}. An output over AWS's size quota (a managed policy holds 6,144
characters without white space) is split into several policies, each named.

Which policies: a role's (user's, group's) identity policies, inline and managed, and a
user's groups'; for a holder with none, its resource policies. Trust policies and
boundaries grant nothing and are left out (standard error says so).

Examples:
  iamscope minimize sample-policies/upsolver.md --role UpsolverServerRole
  iamscope minimize vendor.md --role VendorRole --var AccountId=111122223333 > policy.json
  iamscope minimize policy.json --keep s3:GetObject s3:ListBucket
  iamscope minimize policy.json --keep 'kms:Describe*' --no-wildcards
  iamscope minimize account-dump.json --role deploy --format json | jq '.reports[0]'
  iamscope minimize vendor.md --role VendorRole --var AccountId=111122223333 \\
      --used AWSLogs/111122223333/CloudTrail/

--used: least privilege from CloudTrail. Each event counts for its caller: the role of an
assumed-role session (sessionContext.sessionIssuer.arn), or the IAM user; it is the
holder's when that ARN is the holder's (as the input gives it), else when it names a role
(user) of the holder's name. The event's source and name give the action (s3 ListObjectsV2
is s3:ListBucket); its resources list, and for S3 the bucket and key of its parameters,
give the resources. The output grants the actions used, on the resources used where the
events name them (else on the input's), never more than the input. Standard error reports
what was granted and used by service and access level, the grants nobody used (take them
back), calls answered AccessDenied or UnauthorizedOperation, events that map to no action,
and the time span read.

JSON: {\"policies\": [{\"name\", \"holder\", \"kind\", \"characters\", \"document\"}], \"reports\":
[{\"holder\", \"statements_before\", \"statements_after\", \"redundant\", \"not_granted\", ...,
\"used\": {\"granted\", \"used\", \"services\", \"unused\", \"denied\", ...}}], \"events\": {\"files\",
\"records\", \"problems\", ...}} (used and events with --used)

Exit codes: 0 success; 2 bad usage, unreadable input or no role of that name; with --used,
also events that could not all be read (the policy is still printed from those read) or
none of which is the holder's.";

#[derive(Args, Debug)]
pub struct MinimizeArgs {
    /// Files, directories (walked, in name order) or `-` for standard input.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<String>,

    /// The role (or user, group, resource) to minimize; without it, every holder in turn.
    #[arg(long, value_name = "NAME")]
    pub role: Option<String>,

    /// Keep only these actions or patterns, each on the resources and under the conditions
    /// the input grants it; one the input does not grant is reported, never added.
    #[arg(long, value_name = "ACTION", num_args = 1..)]
    pub keep: Vec<String>,

    /// Write every wildcard action out as the catalog actions it covers.
    #[arg(long)]
    pub no_wildcards: bool,

    /// Keep only what these CloudTrail events show the holder called, on the resources it
    /// called it on: log files as CloudTrail delivers them (`.json`, `.json.gz`),
    /// directories of them, or `aws cloudtrail lookup-events` output.
    #[arg(long, value_name = "EVENTS", num_args = 1..)]
    pub used: Vec<String>,

    /// Output format: the policy JSON (what changed on standard error), or JSON holding
    /// the policies and the reports.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,

    #[command(flatten)]
    pub common: Common,
}

const WHY_EXAMPLES: &str = "\
The caller: --principal (an ARN, an account ID, a service such as lambda.amazonaws.com, or
`anonymous`); else a session of the --role (its ARN when the input gives one, else a session
of a role of that name in the resource's account). With sts:AssumeRole* and --principal, the
role's trust policy is the resource policy and --principal is who assumes it. Resource
policies of the input that name the resource, and its SCPs and RCPs, take part too.

Examples:
  iamscope why policy.json --action s3:GetObject --resource arn:aws:s3:::bucket/key
  iamscope why sample-policies/stackstate.md --role StackStateAwsIntegrationRole \\
      --var AccountId=111122223333 --action s3:GetObject \\
      --resource arn:aws:s3:::stackstate-logs-111122223333/x
  iamscope why vendor.md --role VendorRole --action sts:AssumeRole \\
      --principal arn:aws:iam::111122223333:root --context sts:ExternalId=abc
  iamscope why policy.json --action s3:PutObject --context aws:TagKeys=a --context aws:TagKeys=b
  iamscope why --scenario case.json --format json
  iamscope why --scenarios cases.jsonl -j 4          many decisions, one JSON result per line
  iamscope why --scenarios cases.jsonl --format text --explain
  cat cases.jsonl | iamscope why --scenarios -

A --scenarios line, and the JSON result it gets (one line each; \"explanation\" only with
--explain, \"expect\" and \"pass\" only when the line has \"expect\", \"warnings\" only when
the policy reader noticed something, such as a repaired Principal):
  {\"id\": \"vendor-no-payroll\", \"expect\": \"Denied\",
   \"request\": {\"action\": \"s3:GetObject\", \"resource\": \"arn:aws:s3:::hr/payroll/2024.csv\",
               \"principal\": \"arn:aws:iam::111122223333:role/Vendor\"},
   \"identity_policies\": [POLICY], \"permission_boundary\": POLICY, \"scps\": [[POLICY]]}
  {\"line\": 1, \"id\": \"vendor-no-payroll\", \"decision\": \"ExplicitDeny\", \"deciding\": [{\"role\",
   \"policy\", \"kind\", \"statement\", \"sid\", \"effect\", \"line\", \"column\"}], \"denied_by\": null,
   \"rule\": null, \"expect\": \"Denied\", \"pass\": true, \"explanation\": {WHY JSON}}
A line that cannot be read gets {\"line\", \"id\", \"error\": {\"line\", \"column\", \"message\"}}
and the other lines still run. Keep \"the vendor role must never read payroll\" as such a
file in CI: the run fails when a decision is not the one expected.

Exit codes: 0 allowed; 1 denied (implicitly or explicitly); 2 bad usage or unreadable input.
With --scenarios: 0 every line judged (and every \"expect\" met), whatever the decisions;
1 an \"expect\" not met or a line that could not be judged; 2 bad usage or a file that could
not be read at all.";

#[derive(Args, Debug)]
pub struct WhyArgs {
    /// Files, directories (walked, in name order) or `-` for standard input.
    #[arg(
        value_name = "PATH",
        required_unless_present_any = ["scenario", "scenarios"],
        conflicts_with_all = ["scenario", "scenarios"]
    )]
    pub paths: Vec<String>,

    /// A scenario file (JSON; see DESIGN.md) holding the request and every policy, instead of
    /// PATHs and the request options.
    #[arg(long, value_name = "FILE", conflicts_with = "scenarios")]
    pub scenario: Option<String>,

    /// Many decisions in one run: a JSON Lines file (`-` for standard input), one scenario
    /// per line plus an optional "id" and "expect" (Allowed, ImplicitDeny, ExplicitDeny, or
    /// Denied for either deny). Prints one result per line, in input order; with "expect"
    /// the run is a test: a summary on standard error, exit 1 on any failure.
    #[arg(long, value_name = "FILE")]
    pub scenarios: Option<String>,

    /// With --scenarios: add each line's whole answer (the reason and the trace of every
    /// policy and statement) to its result.
    #[arg(long, requires = "scenarios")]
    pub explain: bool,

    /// The action requested, such as s3:GetObject.
    #[arg(
        long,
        value_name = "ACTION",
        required_unless_present_any = ["scenario", "scenarios"],
        conflicts_with_all = ["scenario", "scenarios"]
    )]
    pub action: Option<String>,

    /// The resource ARN. Without it the request names no resource, which only
    /// `"Resource": "*"` matches (as for s3:ListAllMyBuckets).
    #[arg(long, value_name = "ARN", conflicts_with_all = ["scenario", "scenarios"])]
    pub resource: Option<String>,

    /// Who makes the request: an ARN, an account ID, a service or `anonymous`.
    #[arg(long, value_name = "PRINCIPAL", conflicts_with_all = ["scenario", "scenarios"])]
    pub principal: Option<String>,

    /// The role (or user, group, resource) of the input whose policies are judged. Needed
    /// when the input holds several.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["scenario", "scenarios"])]
    pub role: Option<String>,

    /// The account that owns the resource, when its ARN does not say (S3 buckets).
    #[arg(long, value_name = "ACCOUNT", conflicts_with_all = ["scenario", "scenarios"])]
    pub resource_account: Option<String>,

    /// A request context key and value, e.g. `--context aws:SourceIp=203.0.113.7`. Repeat a
    /// key for several values.
    #[arg(long = "context", value_name = "KEY=VALUE", value_parser = parse_key_value, conflicts_with_all = ["scenario", "scenarios"])]
    pub context: Vec<(String, String)>,

    /// Output format: text, or JSON (the `why` shape of DESIGN.md). Default: text; with
    /// --scenarios, JSON Lines.
    #[arg(long, value_enum)]
    pub format: Option<OutputFormat>,

    #[command(flatten)]
    pub common: Common,
}

const MATRIX_EXAMPLES: &str = "\
What counts: a role's (or user's, group's) identity policies, inline and managed (AWS managed
policies resolved from the catalog built into iamscope), and a user's groups'; for a holder
with none, such as a bucket or a key, its resource policies. Trust policies, permissions
boundaries, session policies, SCPs and RCPs do not count: they limit or delegate access but
grant none. Counts come from expanding each Allow's actions (NotAction included) against the
catalog, less what an unconditional Deny on every resource removes; a grant with a condition
or on some resources only still counts, and the resource and condition lines say so.

Examples:
  iamscope matrix policy.json
  iamscope matrix sample-policies/stackstate.md --role StackStateAwsIntegrationRole
  iamscope matrix account-dump.json --role deploy --format json
  iamscope matrix sample-policies/stackstate.md --service s3

JSON: {\"roles\": [{\"name\", \"kind\", \"path\", \"basis\", \"policies\", \"services\": [{\"service\",
\"name\", \"levels\": {\"List\": {\"granted\", \"total\"}, ...}, \"resources\": [{\"resource\", \"not\",
\"levels\"}], \"conditions\": [{\"operator\", \"key\", \"values\"}], \"summary\"}], \"denied_only\",
\"unknown_actions\"}]}
With --service: {\"roles\": [{\"name\", \"kind\", \"path\", \"service\", \"actions\": [{\"action\",
\"access_level\", \"statements\": [{\"holder\", \"policy\", \"statement\", \"sid\", \"resources\",
\"not_resource\", \"conditions\", \"line\", \"column\"}]}]}]}

Exit codes: 0 success; 2 bad usage, unreadable input or no role of that name.";

#[derive(Args, Debug)]
pub struct MatrixArgs {
    /// Files, directories (walked, in name order) or `-` for standard input.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<String>,

    /// Only the role (or user, group, resource) of this name.
    #[arg(long, value_name = "NAME")]
    pub role: Option<String>,

    /// Drill into one service (a prefix such as `s3`): each granted action with its access
    /// level, the statements that grant it, their resources and the conditions that gate it.
    #[arg(long, value_name = "PREFIX")]
    pub service: Option<String>,

    /// Output format: a table per role, or JSON.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,

    #[command(flatten)]
    pub common: Common,
}

#[derive(Args, Debug)]
pub struct ExpandArgs {
    /// Action patterns such as `s3:Get*`, `ec2:Describe?pc*` or `*`.
    #[arg(value_name = "PATTERN", required = true)]
    pub patterns: Vec<String>,

    /// Output format: one action per line with its access level, or JSON.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}

#[derive(Args, Debug)]
pub struct TreeArgs {
    /// Files, directories (walked, in name order) or `-` for standard input.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<String>,

    /// Output format: an indented tree, or JSON (see DESIGN.md for its fields).
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,

    /// Show the actions each wildcard action covers: in text, listed under it (up to 2,000
    /// a pattern; `*` shows its count); in JSON, an `expanded` field per statement mapping
    /// each pattern to all its actions.
    #[arg(long)]
    pub expand: bool,

    #[command(flatten)]
    pub common: Common,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files, directories (walked, in name order) or `-` for standard input.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<String>,

    /// Output format: text grouped by source, role and policy; JSON; or SARIF 2.1.0.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,

    /// Exit 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,

    /// Suppress every finding with this code (repeatable).
    #[arg(long = "ignore", value_name = "CODE", value_parser = parse_code)]
    pub ignore: Vec<String>,

    /// Read suppression rules from this file instead of ./.iamscope-ignore.
    #[arg(long, value_name = "FILE")]
    pub ignore_file: Option<std::path::PathBuf>,

    #[command(flatten)]
    pub common: Common,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CheckFormat {
    #[default]
    Text,
    Json,
    Sarif,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FailOn {
    #[default]
    Error,
    Warning,
    Info,
    Never,
}

const CHECK_EXAMPLES: &str = "\
Examples:
  iamscope check vendor.md
  iamscope check policies/ --fail-on warning --ignore missing-version
  iamscope check policies/ --format sarif > iamscope.sarif     (for GitHub code scanning)

Suppressing findings: --ignore CODE (repeatable), or rules in .iamscope-ignore in the current
directory (or the file named by --ignore-file), one a line: a code (or *), then optionally a
path glob and/or sid=NAME. Suppressed findings are counted in the summary.";

/// `--help` (not `-h`) also lists every finding code.
fn check_long_help() -> String {
    format!("{CHECK_EXAMPLES}\n\n{}", crate::analyze::codes::listing())
}

fn parse_code(s: &str) -> Result<String, String> {
    if crate::analyze::codes::find(s).is_some() {
        Ok(s.to_string())
    } else {
        Err(format!(
            "`{s}` is not a finding code (see `iamscope check --help`)"
        ))
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum OutputFormat {
    #[default]
    Text,
    Json,
}

impl Cli {
    /// The options shared by every command, of the command given (or of the viewer).
    pub fn common_mut(&mut self) -> Option<&mut Common> {
        match &mut self.command {
            None => Some(&mut self.common),
            Some(Command::Tree(a)) => Some(&mut a.common),
            Some(Command::Check(a)) => Some(&mut a.common),
            Some(Command::Why(a)) => Some(&mut a.common),
            Some(Command::Matrix(a)) => Some(&mut a.common),
            Some(Command::Review(a)) => Some(&mut a.common),
            Some(Command::Diff(a)) => Some(&mut a.common),
            Some(Command::Minimize(a)) => Some(&mut a.common),
            Some(Command::Expand(_) | Command::Completions(_)) => None,
        }
    }
}

/// The command line definition, with the version texts (which name the built-in catalog)
/// filled in.
pub fn command() -> clap::Command {
    let info = crate::catalog::info();
    Cli::command()
        .version(super::version::short(&info).leak() as &str)
        .long_version(super::version::long(&info).leak() as &str)
}

/// Parses the process's arguments, exiting with clap's message on bad usage (and printing
/// help or version when asked).
pub fn parse() -> Cli {
    let matches = command().get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// The command a viewer PATH names, when options came before it (`iamscope --var X=1 tree
/// page.md` reads `tree` as a path) and no file of that name exists.
pub fn misplaced_command(paths: &[String]) -> Option<String> {
    let first = paths.first()?;
    let is_command = Cli::command()
        .get_subcommands()
        .any(|c| c.get_name() == first);
    (is_command && !std::path::Path::new(first).exists()).then(|| first.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
