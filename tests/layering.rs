//! The layers, checked on the source: every module under `src/` imports only the modules
//! below it (arrows point down only), and only `cli` and `tui` use terminal code. Test code
//! (items under `#[cfg(test)]`, `*tests.rs` files) may reach across, to build what it checks.
//!
//! The source is parsed (syn), not searched as text, so grouped imports
//! (`use crate::{catalog, model}`), `super::` paths and paths inside macros are all seen,
//! and words in comments and strings are not.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::{self, Visit};

/// Each module of the crate and the modules it may import, lowest first: a module may
/// import any module listed before it, none after it.
const LAYERS: [&str; 11] = [
    "text", "pool", "model", "load", "catalog", "assemble", "eval", "analyze", "session", "cli",
    "tui",
];

/// Modules that may not import each other although one is listed after the other.
const APART: [(&str, &str); 1] = [("tui", "cli")];

/// Crates only the front ends draw with.
const TERMINAL_CRATES: [&str; 3] = ["ratatui", "crossterm", "arboard"];

/// The front ends, which may use terminal crates.
const FRONT_ENDS: [&str; 2] = ["cli", "tui"];

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("src is readable")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file under `src/` (`src/load/page/prose.rs` is `load::page::prose`,
/// `src/load/mod.rs` is `load`).
fn module_path(file: &Path) -> Vec<String> {
    let relative = file.strip_prefix("src").expect("under src");
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// What one file imports: the crate's top-level modules and the external crates its paths
/// start with, outside test code.
struct Imports {
    /// The module path of the code being read (the file's, then any inline module's).
    module: Vec<String>,
    modules: BTreeSet<String>,
    crates: BTreeSet<String>,
}

impl Imports {
    /// Records a path by its leading segments.
    fn path(&mut self, segments: &[String]) {
        let Some(first) = segments.first() else {
            return;
        };
        match first.as_str() {
            "crate" => {
                if let Some(module) = segments.get(1) {
                    self.modules.insert(module.clone());
                }
            }
            "super" => {
                let ups = segments.iter().take_while(|s| *s == "super").count();
                let mut at = self.module.clone();
                at.truncate(at.len().saturating_sub(ups));
                at.extend(segments[ups..].iter().cloned());
                if let Some(module) = at.first() {
                    self.modules.insert(module.clone());
                }
            }
            "self" | "Self" => {}
            name => {
                self.crates.insert(name.to_string());
            }
        }
    }

    /// Records each path a use tree imports, with `prefix` before it.
    fn use_tree(&mut self, tree: &syn::UseTree, prefix: &mut Vec<String>) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(&p.tree, prefix);
                prefix.pop();
            }
            syn::UseTree::Name(n) => self.leaf(prefix, &n.ident),
            syn::UseTree::Rename(r) => self.leaf(prefix, &r.ident),
            syn::UseTree::Glob(_) => self.path(prefix),
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| self.use_tree(t, prefix)),
        }
    }

    fn leaf(&mut self, prefix: &[String], ident: &syn::Ident) {
        let mut full = prefix.to_vec();
        if ident != "self" {
            full.push(ident.to_string());
        }
        self.path(&full);
    }

    /// Records `crate::module` inside a macro's tokens (`format!`, `matches!`...), which
    /// syn does not parse.
    fn tokens(&mut self, tokens: TokenStream) {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        for (i, tree) in trees.iter().enumerate() {
            match tree {
                TokenTree::Group(g) => self.tokens(g.stream()),
                TokenTree::Ident(id) if id == "crate" => {
                    if let [
                        TokenTree::Punct(a),
                        TokenTree::Punct(b),
                        TokenTree::Ident(m),
                        ..,
                    ] = &trees[i + 1..]
                        && a.as_char() == ':'
                        && b.as_char() == ':'
                    {
                        self.modules.insert(m.to_string());
                    }
                }
                _ => {}
            }
        }
    }
}

/// Whether an item is compiled only for tests.
fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.parse_args::<syn::Meta>()
                .is_ok_and(|m| m.path().is_ident("test"))
    })
}

fn attrs_of(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::ExternCrate(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::ForeignMod(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Macro(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::TraitAlias(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        syn::Item::Union(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

impl<'ast> Visit<'ast> for Imports {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        if is_test_only(attrs_of(item)) {
            return;
        }
        visit::visit_item(self, item);
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        self.module.push(m.ident.to_string());
        visit::visit_item_mod(self, m);
        self.module.pop();
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        self.use_tree(&u.tree, &mut Vec::new());
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        let segments: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        // A path of one segment is a local name, a type or a function in scope.
        if segments.len() > 1 {
            self.path(&segments);
        }
        visit::visit_path(self, p);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.tokens(m.tokens.clone());
        visit::visit_macro(self, m);
    }
}

/// Every top-level module of the library and what its non-test code imports: the crate's
/// modules, then external crates.
fn imports() -> BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)> {
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    let mut out: BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)> = BTreeMap::new();
    for file in files {
        let module = module_path(&file);
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        if matches!(module[0].as_str(), "lib" | "main") || name.ends_with("tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("a readable source file");
        let parsed = syn::parse_file(&text)
            .unwrap_or_else(|e| panic!("{}: does not parse: {e}", file.display()));
        let mut found = Imports {
            module: module.clone(),
            modules: BTreeSet::new(),
            crates: BTreeSet::new(),
        };
        found.visit_file(&parsed);
        let entry = out.entry(module[0].clone()).or_default();
        entry
            .0
            .extend(found.modules.into_iter().filter(|m| *m != module[0]));
        entry.1.extend(found.crates);
    }
    out
}

#[test]
fn every_module_is_in_a_layer() {
    let modules: Vec<String> = imports().into_keys().collect();
    for module in &modules {
        assert!(LAYERS.contains(&module.as_str()), "{module} is in no layer");
    }
    assert_eq!(modules.len(), LAYERS.len(), "{modules:?}");
}

#[test]
fn modules_import_only_the_layers_below_them() {
    let rank = |m: &str| LAYERS.iter().position(|l| *l == m);
    let mut upward = Vec::new();
    for (module, (modules, _)) in imports() {
        for import in modules.iter().filter(|m| rank(m).is_some()) {
            if rank(import) > rank(&module) || APART.contains(&(module.as_str(), import.as_str())) {
                upward.push(format!("{module} imports {import}"));
            }
        }
    }
    assert_eq!(upward, Vec::<String>::new());
}

#[test]
fn only_the_front_ends_use_terminal_crates() {
    let mut found = Vec::new();
    for (module, (_, crates)) in imports() {
        for c in crates
            .iter()
            .filter(|c| TERMINAL_CRATES.contains(&c.as_str()))
        {
            if !FRONT_ENDS.contains(&module.as_str()) {
                found.push(format!("{module} uses {c}"));
            }
        }
    }
    assert_eq!(found, Vec::<String>::new());
}

/// The checker sees what a text search would miss, and skips test code.
#[test]
fn grouped_super_and_macro_paths_count_and_test_code_does_not() {
    let read = |module: &[&str], text: &str| {
        let mut found = Imports {
            module: module.iter().map(|m| m.to_string()).collect(),
            modules: BTreeSet::new(),
            crates: BTreeSet::new(),
        };
        found.visit_file(&syn::parse_file(text).unwrap());
        found.modules
    };
    let set = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(
        read(&["load"], "use crate::{model, catalog::managed};"),
        set(&["catalog", "model"])
    );
    assert_eq!(
        read(
            &["load", "page", "prose"],
            "fn f() { super::super::super::catalog::x(); }"
        ),
        set(&["catalog"])
    );
    assert_eq!(
        read(
            &["load"],
            r#"fn f() { let _ = format!("{}", crate::tui::x()); }"#
        ),
        set(&["tui"])
    );
    assert_eq!(
        read(
            &["load"],
            "// crate::cli::x\n#[cfg(test)]\nmod tests { use crate::catalog::x; }\nconst S: &str = \"crate::eval\";"
        ),
        set(&[])
    );
}
