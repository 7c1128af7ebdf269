//! Template placeholders in vendor material: finding them, listing them per source, and
//! filling them with values the user gives (`--var NAME=VALUE`).
//!
//! Recognised spellings: `${Name}` (a `${...}` with a colon inside, such as
//! `${aws:username}`, is an IAM policy variable and `${*}`, `${?}`, `${$}` are its escapes,
//! so neither is a placeholder; CloudFormation's pseudo parameters such as
//! `${AWS::AccountId}` are placeholders, named `AWS::AccountId`), `{{Name}}`, `{Name}`, `<Name>`, and, in resources and
//! principals only, capitals with underscores such as `UPSOLVER_ORG_ID` (elsewhere those are
//! real values, such as the KMS key spec `SYMMETRIC_DEFAULT`).

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::Arc;

use super::loc::Loc;
use super::policy::{Field, PolicyDocument, UnknownElement};
use super::source::{LoopVariable, Placeholder, Source};

/// One placeholder occurrence inside a string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// Byte range of the whole spelling, `${AccountId}` included.
    pub range: Range<usize>,
    /// Byte range of the name inside it.
    pub name: Range<usize>,
}

/// Whether capitals-with-underscores count as placeholders in strings of this element.
fn capitals_count_in(field: Field) -> bool {
    matches!(
        field,
        Field::Resource | Field::NotResource | Field::Principal | Field::NotPrincipal
    )
}

fn is_name_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_name_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-')
}

/// Length of a name (`[A-Za-z_][A-Za-z0-9_.-]*`) starting at `i`, zero if none.
fn name_len(b: &[u8], i: usize) -> usize {
    if i >= b.len() || !is_name_start(b[i]) {
        return 0;
    }
    b[i..].iter().take_while(|&&c| is_name_char(c)).count()
}

/// Finds the placeholders in `s`. `capitals` enables the `UPSOLVER_ORG_ID` spelling.
pub fn find(s: &str, capitals: bool) -> Vec<Found> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    // Every spelling needs one of these; most strings have none.
    if !b
        .iter()
        .any(|&c| c == b'{' || c == b'<' || (capitals && c == b'_'))
    {
        return out;
    }
    let mut i = 0;
    while i < b.len() {
        if let Some(found) = braced_at(b, i).or_else(|| angled_at(b, i)) {
            i = found.range.end;
            out.push(found);
        } else if capitals && (i == 0 || !is_word(b[i - 1])) {
            let n = capitals_len(&b[i..]);
            if n > 0 {
                out.push(Found {
                    range: i..i + n,
                    name: i..i + n,
                });
                i += n;
            } else {
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    out
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// `${Name}`, `{{Name}}` (spaces allowed inside, as Jinja writes it) or `{Name}` at `i`.
fn braced_at(b: &[u8], i: usize) -> Option<Found> {
    let spaces = |from: usize| {
        b[from.min(b.len())..]
            .iter()
            .take_while(|&&c| c == b' ')
            .count()
    };
    let (start, double) = if b[i..].starts_with(b"${") {
        (i + 2, false)
    } else if b[i..].starts_with(b"{{") {
        (i + 2 + spaces(i + 2), true)
    } else if b[i] == b'{' {
        (i + 1, false)
    } else {
        return None;
    };
    let pseudo = if double {
        0
    } else {
        pseudo_prefix_len(b, start)
    };
    let n = name_len(b, start + pseudo);
    let end = start + pseudo + n;
    let (closing, close_at): (&[u8], usize) = if double {
        (b"}}", end + spaces(end))
    } else {
        (b"}", end)
    };
    (n > 0 && b[close_at.min(b.len())..].starts_with(closing)).then(|| Found {
        range: i..close_at + closing.len(),
        name: start..end,
    })
}

/// Length of `AWS::` at `i` (the prefix of a CloudFormation pseudo parameter), else zero.
fn pseudo_prefix_len(b: &[u8], i: usize) -> usize {
    if b[i.min(b.len())..].starts_with(b"AWS::") {
        5
    } else {
        0
    }
}

/// `<Name>` or `<name with spaces>` at `i`.
fn angled_at(b: &[u8], i: usize) -> Option<Found> {
    if b[i] != b'<' || i + 1 >= b.len() || !b[i + 1].is_ascii_alphabetic() {
        return None;
    }
    let inner = b[i + 1..]
        .iter()
        .take(64)
        .take_while(|&&c| is_name_char(c) || c == b' ')
        .count();
    let end = i + 1 + inner;
    (end < b.len() && b[end] == b'>' && b[end - 1] != b' ').then(|| Found {
        range: i..end + 1,
        name: i + 1..end,
    })
}

/// Length of `[A-Z][A-Z0-9]*(_[A-Z0-9]+)+` at the start of `b`, ending at a word boundary;
/// zero if none.
fn capitals_len(b: &[u8]) -> usize {
    if b.is_empty() || !b[0].is_ascii_uppercase() {
        return 0;
    }
    let n = b
        .iter()
        .take_while(|&&c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_')
        .count();
    let word = &b[..n];
    let ends_clean = n == b.len() || !b[n].is_ascii_alphanumeric();
    let has_inner_underscore = word[1..].contains(&b'_') && !word.ends_with(b"_");
    let no_double = !word.windows(2).any(|w| w == b"__");
    if ends_clean && has_inner_underscore && no_double && n >= 4 {
        n
    } else {
        0
    }
}

/// Replaces every placeholder of `s` whose name `vars` holds. Returns whether anything was
/// replaced.
pub fn fill_str(s: &mut String, capitals: bool, vars: &BTreeMap<String, String>) -> bool {
    let found = find(s, capitals);
    if !found.iter().any(|f| vars.contains_key(&s[f.name.clone()])) {
        return false;
    }
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for f in &found {
        if let Some(value) = vars.get(&s[f.name.clone()]) {
            out.push_str(&s[last..f.range.start]);
            out.push_str(value);
            last = f.range.end;
        }
    }
    out.push_str(&s[last..]);
    *s = out;
    true
}

/// Lists the placeholders of a source (role and policy names included), merged by name,
/// into `source.placeholders`, keeping the values of any already filled.
pub fn collect(source: &mut Source) {
    let mut by_name: BTreeMap<String, Placeholder> = BTreeMap::new();
    let mut record = |s: &str, capitals: bool, loc: Loc| {
        for f in find(s, capitals) {
            let name = &s[f.name.clone()];
            let syntax = &s[f.range.clone()];
            let entry = by_name
                .entry(name.to_string())
                .or_insert_with(|| Placeholder {
                    name: name.to_string(),
                    syntax: Vec::new(),
                    locations: Vec::new(),
                    value: None,
                    bound_by: None,
                });
            if !entry.syntax.iter().any(|s| s == syntax) {
                entry.syntax.push(syntax.to_string());
            }
            entry.locations.push(loc);
        }
    };
    // A managed policy attached to many holders is one shared document: read it once.
    let mut read: std::collections::HashSet<*const PolicyDocument> = Default::default();
    for role in &source.roles {
        record(&role.name, false, role.loc);
        for policy in &role.policies {
            record(&policy.name, false, policy.loc);
            let Some(doc) = policy.document.as_deref() else {
                continue;
            };
            if !read.insert(doc as *const PolicyDocument) {
                continue;
            }
            for (field, text, loc) in doc.texts() {
                record(text, capitals_count_in(field), loc);
            }
            for u in unknown_elements(doc) {
                json_strings(&u.value, &mut |s| record(s, true, u.key.loc));
            }
        }
    }
    for old in &source.placeholders {
        if let Some(p) = by_name.get_mut(&old.name) {
            p.value.clone_from(&old.value);
        }
    }
    for p in by_name.values_mut() {
        p.locations.sort();
        p.locations.dedup();
        p.bound_by = binding(&source.loop_variables, &p.name).map(|v| v.bound_by.clone());
    }
    source.placeholders = by_name.into_values().collect();
}

/// The loop variable the placeholder `name` refers to, if it is one: `b`, `b.arn` or
/// `b["key"]` for the variable `b`.
pub fn binding<'a>(variables: &'a [LoopVariable], name: &str) -> Option<&'a LoopVariable> {
    variables.iter().find(|v| {
        name.strip_prefix(v.name.as_str())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
    })
}

/// Fills the placeholders `vars` names everywhere in the source (the prose notes too), and
/// records their values.
/// Placeholders the source does not have are ignored here; the caller reports them.
pub fn fill(source: &mut Source, vars: &BTreeMap<String, String>) {
    if vars.is_empty() {
        return;
    }
    let fill_note = |note: &mut Option<String>| {
        if let Some(n) = note {
            fill_str(n, false, vars);
        }
    };
    // A document shared by several holders (a managed policy) is filled once and stays
    // shared: each original maps to its filled copy, and is kept alive so its address
    // cannot be reused by another document meanwhile.
    let mut filled: HashMap<*const PolicyDocument, (Arc<PolicyDocument>, Arc<PolicyDocument>)> =
        HashMap::new();
    for role in &mut source.roles {
        fill_str(&mut role.name, false, vars);
        fill_note(&mut role.note);
        for policy in &mut role.policies {
            let mut name = policy.name.to_string();
            fill_str(&mut name, false, vars);
            if name != policy.name {
                policy.name = name.into();
            }
            fill_note(&mut policy.note);
            let Some(doc) = policy.document.as_mut() else {
                continue;
            };
            if let Some((_, done)) = filled.get(&Arc::as_ptr(doc)) {
                *doc = Arc::clone(done);
                continue;
            }
            if !needs_fill(doc, vars) {
                continue;
            }
            let mut copy = PolicyDocument::clone(doc);
            copy.statements
                .iter_mut()
                .for_each(|s| fill_note(&mut s.note));
            copy.texts_mut(|field, s| {
                let mut text = s.to_string();
                fill_str(&mut text, capitals_count_in(field), vars);
                if text != *s {
                    *s = text.into();
                }
            });
            let statements = copy.statements.iter_mut().flat_map(|s| &mut s.unknown);
            for u in copy.unknown.iter_mut().chain(statements) {
                json_strings_mut(&mut u.value, &mut |s| {
                    fill_str(s, true, vars);
                });
            }
            let copy = Arc::new(copy);
            let original = std::mem::replace(doc, Arc::clone(&copy));
            filled.insert(Arc::as_ptr(&original), (original, copy));
        }
    }
    for p in &mut source.placeholders {
        if let Some(v) = vars.get(&p.name) {
            p.value = Some(v.clone());
        }
    }
}

fn needs_fill(doc: &PolicyDocument, vars: &BTreeMap<String, String>) -> bool {
    let named = |text: &str, capitals: bool| {
        find(text, capitals)
            .iter()
            .any(|f| vars.contains_key(&text[f.name.clone()]))
    };
    let mut in_unknown = false;
    for u in unknown_elements(doc) {
        json_strings(&u.value, &mut |s| in_unknown |= named(s, true));
    }
    in_unknown
        || doc
            .texts()
            .iter()
            .any(|(field, text, _)| named(text, capitals_count_in(*field)))
        || doc
            .statements
            .iter()
            .filter_map(|s| s.note.as_deref())
            .any(|note| named(note, false))
}

/// The unknown elements of a document and of its statements (a misspelled `Resources`
/// still holds placeholders the user will want filled).
fn unknown_elements(doc: &PolicyDocument) -> impl Iterator<Item = &UnknownElement> {
    doc.unknown
        .iter()
        .chain(doc.statements.iter().flat_map(|s| &s.unknown))
}

fn json_strings(value: &serde_json::Value, f: &mut impl FnMut(&str)) {
    match value {
        serde_json::Value::String(s) => f(s),
        serde_json::Value::Array(items) => items.iter().for_each(|v| json_strings(v, f)),
        serde_json::Value::Object(m) => m.values().for_each(|v| json_strings(v, f)),
        _ => {}
    }
}

fn json_strings_mut(value: &mut serde_json::Value, f: &mut impl FnMut(&mut String)) {
    match value {
        serde_json::Value::String(s) => f(s),
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| json_strings_mut(v, f)),
        serde_json::Value::Object(m) => m.values_mut().for_each(|v| json_strings_mut(v, f)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(s: &str, capitals: bool) -> Vec<&str> {
        find(s, capitals).into_iter().map(|f| &s[f.name]).collect()
    }

    #[test]
    fn finds_each_spelling() {
        assert_eq!(
            names("arn:aws:iam::${AccountId}:root", false),
            ["AccountId"]
        );
        assert_eq!(names("s3://{bucket_name}*", false), ["bucket_name"]);
        assert_eq!(names("{{ account_id }}", false), ["account_id"]);
        assert_eq!(names("x-{{account_id}}", false), ["account_id"]);
        assert_eq!(
            names("arn:aws:iam::<account-id>:role/<Role Name>", false),
            ["account-id", "Role Name"]
        );
        assert_eq!(
            names("arn:aws:s3:::us-east-1-upsolver-UPSOLVER_ORG_ID/*", true),
            ["UPSOLVER_ORG_ID"]
        );
        assert_eq!(
            names("${var.bucket}-${local.prefix}", false),
            ["var.bucket", "local.prefix"]
        );
        assert_eq!(
            names("arn:${AWS::Partition}:s3:::b-${AWS::AccountId}", false),
            ["AWS::Partition", "AWS::AccountId"]
        );
    }

    #[test]
    fn policy_variables_and_constants_are_not_placeholders() {
        assert!(names("arn:aws:s3:::b/${aws:username}/*", true).is_empty());
        assert!(names("${*}${?}${$}", true).is_empty());
        assert!(names("${aws:SourceAccount}${AWS::}", true).is_empty());
        assert!(names("SYMMETRIC_DEFAULT", false).is_empty());
        assert!(names("a < b > c", false).is_empty());
        assert!(names("AB_", true).is_empty());
        assert!(names("lowerUPPER_CASE", true).is_empty());
    }

    #[test]
    fn fills_every_occurrence() {
        let vars = BTreeMap::from([
            ("AccountId".to_string(), "111122223333".to_string()),
            ("bucket_name".to_string(), "logs".to_string()),
        ]);
        let mut s = "arn:aws:s3:::{bucket_name}-${AccountId}/${aws:username}/${Region}".to_string();
        assert!(fill_str(&mut s, false, &vars));
        assert_eq!(
            s,
            "arn:aws:s3:::logs-111122223333/${aws:username}/${Region}"
        );
        let mut untouched = "arn:aws:s3:::${Region}".to_string();
        assert!(!fill_str(&mut untouched, false, &vars));
    }

    #[test]
    fn a_shared_document_is_filled_once_and_stays_shared() {
        use crate::model::{Policy, PolicyKind, Role, RoleKind};
        let text = r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::${Bucket}/*"}]}"#;
        let loaded =
            crate::assemble::load_text("p.json", text, &crate::assemble::Options::default());
        let shared = loaded.roles[0].policies[0].document.clone().unwrap();
        let mut source = Source::new("s", crate::model::Format::Json);
        for name in ["a", "b", "c"] {
            let mut role = Role::new(name, RoleKind::Role);
            let mut policy = Policy::new("shared", PolicyKind::Identity, Default::default());
            policy.document = Some(Arc::clone(&shared));
            role.policies.push(policy);
            source.roles.push(role);
        }
        collect(&mut source);
        fill(
            &mut source,
            &BTreeMap::from([("Bucket".into(), "logs".into())]),
        );
        let docs: Vec<_> = source
            .roles
            .iter()
            .map(|r| r.policies[0].document.clone().unwrap())
            .collect();
        assert!(
            docs.windows(2).all(|w| Arc::ptr_eq(&w[0], &w[1])),
            "still one document"
        );
        assert!(!Arc::ptr_eq(&docs[0], &shared), "a filled copy");
        assert_eq!(
            docs[0].statements[0].resource.as_ref().unwrap().items[0].value,
            "arn:aws:s3:::logs/*"
        );
        assert_eq!(
            shared.statements[0].resource.as_ref().unwrap().items[0].value,
            "arn:aws:s3:::${Bucket}/*"
        );
    }
}
