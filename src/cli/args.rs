//! The command line: every command, argument and option, with the help text users read.

use clap::{Args, Parser, Subcommand, ValueEnum};

const ABOUT: &str = "Read AWS IAM permissions in the terminal: vendor pages, templates, policies and account dumps, offline.";

const LONG_ABOUT: &str = "\
Read AWS IAM permissions in the terminal, offline.

iamscope loads policy material in the shapes people receive it (vendor documentation in \
Markdown, policy JSON, even when it is broken) into one tree of roles, policies and \
statements. With no command it opens that tree in an interactive viewer; every feature is \
also a command that prints text or JSON.

With no PATH it opens the sample policies bundled into the binary.";

const EXAMPLES: &str = "\
Examples:
  iamscope                                   browse the bundled sample policies
  iamscope vendor-onboarding.md              browse one vendor page
  iamscope tree policies/ --format json      print every policy under policies/ as JSON
  iamscope expand 'kms:Create*'              list the actions a wildcard covers
  iamscope tree page.md --var AccountId=111122223333
                                             fill the ${AccountId} placeholder
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
