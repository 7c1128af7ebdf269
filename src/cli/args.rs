//! The command line: every command, argument and option, with the help text users read.

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::model::Format;

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

    #[command(flatten)]
    pub common: Common,
}

/// Options every command takes.
#[derive(Args, Debug, Clone, Default)]
pub struct Common {
    /// Fill a placeholder everywhere it occurs, e.g. `--var AccountId=111122223333` fills
    /// `${AccountId}`. Repeat for more.
    #[arg(long = "var", value_name = "NAME=VALUE", global = true, value_parser = parse_var)]
    pub vars: Vec<(String, String)>,

    /// Never colour the output. Setting the NO_COLOR environment variable does the same.
    #[arg(long, global = true)]
    pub no_color: bool,

    /// Read every input as this format instead of telling it from the content (a file's
    /// name never decides).
    #[arg(
        long,
        global = true,
        value_name = "FORMAT",
        value_parser = PossibleValuesParser::new(Format::ALL.map(Format::as_str))
            .map(|name| Format::parse(&name).unwrap_or_default())
    )]
    pub input_format: Option<Format>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Print the loaded tree: each source's roles, policies and statements, its placeholders
    /// and what its loader reported.
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

Exit codes: 0 allowed; 1 denied (implicitly or explicitly); 2 bad usage or unreadable input.";

#[derive(Args, Debug)]
pub struct WhyArgs {
    /// Files, directories (walked, in name order) or `-` for standard input.
    #[arg(
        value_name = "PATH",
        required_unless_present = "scenario",
        conflicts_with = "scenario"
    )]
    pub paths: Vec<String>,

    /// A scenario file (JSON; see DESIGN.md) holding the request and every policy, instead of
    /// PATHs and the request options.
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<String>,

    /// The action requested, such as s3:GetObject.
    #[arg(
        long,
        value_name = "ACTION",
        required_unless_present = "scenario",
        conflicts_with = "scenario"
    )]
    pub action: Option<String>,

    /// The resource ARN. Without it the request names no resource, which only
    /// `"Resource": "*"` matches (as for s3:ListAllMyBuckets).
    #[arg(long, value_name = "ARN", conflicts_with = "scenario")]
    pub resource: Option<String>,

    /// Who makes the request: an ARN, an account ID, a service or `anonymous`.
    #[arg(long, value_name = "PRINCIPAL", conflicts_with = "scenario")]
    pub principal: Option<String>,

    /// The role (or user, group, resource) of the input whose policies are judged. Needed
    /// when the input holds several.
    #[arg(long, value_name = "NAME", conflicts_with = "scenario")]
    pub role: Option<String>,

    /// The account that owns the resource, when its ARN does not say (S3 buckets).
    #[arg(long, value_name = "ACCOUNT", conflicts_with = "scenario")]
    pub resource_account: Option<String>,

    /// A request context key and value, e.g. `--context aws:SourceIp=203.0.113.7`. Repeat a
    /// key for several values.
    #[arg(long = "context", value_name = "KEY=VALUE", value_parser = parse_var, conflicts_with = "scenario")]
    pub context: Vec<(String, String)>,

    /// Output format: text, or JSON (the `why` shape of DESIGN.md).
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
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

JSON: {\"roles\": [{\"name\", \"kind\", \"path\", \"basis\", \"policies\", \"services\": [{\"service\",
\"name\", \"levels\": {\"List\": {\"granted\", \"total\"}, ...}, \"resources\": [{\"resource\", \"not\",
\"levels\"}], \"conditions\": [{\"operator\", \"key\", \"values\"}], \"summary\"}], \"denied_only\",
\"unknown_actions\"}]}

Exit codes: 0 success; 2 bad usage, unreadable input or no role of that name.";

#[derive(Args, Debug)]
pub struct MatrixArgs {
    /// Files, directories (walked, in name order) or `-` for standard input.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<String>,

    /// Only the role (or user, group, resource) of this name.
    #[arg(long, value_name = "NAME")]
    pub role: Option<String>,

    /// Output format: a table per role, or JSON.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
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

    /// Show the actions each wildcard action covers (in JSON, an `expanded` field per
    /// statement mapping each pattern to its actions).
    #[arg(long)]
    pub expand: bool,
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

fn parse_var(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.to_string()))
        }
        _ => Err(format!("expected NAME=VALUE, got `{s}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn vars_need_a_name_and_an_equals_sign() {
        assert_eq!(parse_var("A=b=c"), Ok(("A".into(), "b=c".into())));
        assert_eq!(parse_var("A="), Ok(("A".into(), String::new())));
        assert!(parse_var("=x").is_err());
        assert!(parse_var("A").is_err());
    }
}
