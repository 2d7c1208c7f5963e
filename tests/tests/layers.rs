//! The runtime's modules follow the layer map in ARCHITECTURE.md: each
//! imports only from modules listed before it, so the module graph has no
//! cycle and the written map matches the code.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The map's modules, in order, each with the name of its layer.
fn layer_map(architecture: &str) -> Vec<(String, String)> {
    let block = architecture
        .split("```layers\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("ARCHITECTURE.md has a ```layers block");
    let mut modules = Vec::new();
    for line in block.lines().filter(|line| !line.trim().is_empty()) {
        let (layer, names) = line.split_once(':').expect("a layer line reads `layer: module module…`");
        for name in names.split_whitespace() {
            modules.push((name.to_owned(), layer.trim().to_owned()));
        }
    }
    modules
}

/// The top-level module a source file belongs to (`None` for `lib.rs`),
/// following lib.rs's `#[path]` attributes.
fn module_of(src: &Path, file: &Path, paths: &BTreeMap<String, String>) -> Option<String> {
    let relative = file.strip_prefix(src).expect("under src");
    let first = relative.components().next()?.as_os_str().to_str()?.to_owned();
    if first == "lib.rs" {
        return None;
    }
    let stem = first.trim_end_matches(".rs").to_owned();
    Some(paths.get(&stem).cloned().unwrap_or(stem))
}

/// `#[path = "dir/mod.rs"] pub mod name;` in lib.rs: directory → module name.
fn path_attributes(lib: &str) -> BTreeMap<String, String> {
    let mut paths = BTreeMap::new();
    let mut pending: Option<String> = None;
    for line in lib.lines().map(str::trim) {
        if let Some(path) = line.strip_prefix("#[path = \"") {
            pending = path.split('/').next().map(str::to_owned);
        } else if let Some(dir) = pending.take()
            && let Some(name) = line.trim_start_matches("pub ").strip_prefix("mod ")
        {
            paths.insert(dir, name.trim_end_matches(';').to_owned());
        }
    }
    paths
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// Every top-level module a piece of code names through `crate::`,
/// including those inside `crate::{a::X, b}` groups (which rustfmt may
/// spread over several lines), each with its byte offset. Comments are
/// skipped: an intra-doc link is not an import.
fn crate_references(source: &str) -> Vec<(usize, String)> {
    // Blank out comments, keeping offsets (and so line numbers) intact.
    let mut code = String::with_capacity(source.len());
    for line in source.split_inclusive('\n') {
        match line.find("//") {
            Some(comment) => {
                code.push_str(&line[..comment]);
                code.extend(line[comment..].chars().map(|c| if c == '\n' { '\n' } else { ' ' }));
            }
            None => code.push_str(line),
        }
    }
    let ident = |text: &str| -> String {
        text.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect()
    };
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = code[from..].find("crate::").map(|at| from + at) {
        from = at + "crate::".len();
        // A path root only: not `$crate::` in a macro, not part of a longer name.
        if code[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let rest = &code[from..];
        let Some(group) = rest.strip_prefix('{') else {
            let name = ident(rest);
            if !name.is_empty() {
                found.push((at, name));
            }
            continue;
        };
        // The group's first-level names: `a::X` and `a::{X, Y}` count as `a`.
        let mut depth = 0;
        let mut item = String::new();
        for c in group.chars() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => break,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    found.push((at, ident(&item)));
                    item.clear();
                    continue;
                }
                _ => {}
            }
            if depth == 0 {
                item.push(c);
            }
        }
        found.push((at, ident(&item)));
        found.retain(|(_, name)| !name.is_empty());
    }
    found
}

#[test]
fn every_module_imports_only_from_the_layers_below_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let architecture = std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let map = layer_map(&architecture);
    let rank: BTreeMap<&str, usize> =
        map.iter().enumerate().map(|(i, (name, _))| (name.as_str(), i)).collect();
    let layer: BTreeMap<&str, &str> =
        map.iter().map(|(name, layer)| (name.as_str(), layer.as_str())).collect();

    let src = root.join("framework/src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("lib.rs");
    let paths = path_attributes(&lib);
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();

    let mut seen = BTreeSet::new();
    let mut violations = Vec::new();
    for file in &files {
        let Some(module) = module_of(&src, file, &paths) else { continue };
        seen.insert(module.clone());
        let Some(&own) = rank.get(module.as_str()) else {
            violations.push(format!("{}: module `{module}` is missing from the map", file.display()));
            continue;
        };
        let text = std::fs::read_to_string(file).expect("source");
        for (offset, target) in crate_references(&text) {
            let number = text[..offset].matches('\n').count();
            {
                if target == module || target == "__private" {
                    continue;
                }
                match rank.get(target.as_str()) {
                    // Crate-root items (`crate::App`) are re-exports: the
                    // facade is above every layer, so naming it is upward.
                    None => violations.push(format!(
                        "{}:{}: `{module}` names `crate::{target}`, a re-export at the crate root; \
                         name the module that defines it",
                        file.strip_prefix(root).unwrap_or(file).display(),
                        number + 1
                    )),
                    Some(&theirs) if theirs > own => violations.push(format!(
                        "{}:{}: `{module}` ({}) imports `{target}` ({}), a layer above it",
                        file.strip_prefix(root).unwrap_or(file).display(),
                        number + 1,
                        layer[module.as_str()],
                        layer[target.as_str()]
                    )),
                    Some(_) => {}
                }
            }
        }
    }
    for (name, _) in &map {
        if !seen.contains(name) {
            violations.push(format!("the map lists `{name}`, which framework/src does not have"));
        }
    }
    assert!(violations.is_empty(), "the layer map in ARCHITECTURE.md is broken:\n{}", violations.join("\n"));
}

#[test]
fn the_reference_scanner_reads_groups_and_paths() {
    let names =
        |code: &str| -> Vec<String> { crate_references(code).into_iter().map(|(_, name)| name).collect() };
    assert_eq!(names("use crate::body::Body;"), ["body"]);
    assert_eq!(names("use crate::{app::App, body::{Body, BoxError}, state};"), ["app", "body", "state"]);
    assert_eq!(names("use crate::{\n    app::App,\n    state::{State, StateMap},\n};"), ["app", "state"]);
    assert_eq!(names("    let x = crate::errors::error_response(e); // crate::app"), ["errors"]);
    assert_eq!(names("/// [`App`](crate::App)\nfn f() {}"), Vec::<String>::new());
    assert_eq!(names("pub(crate) fn f() {}"), Vec::<String>::new());
    assert_eq!(names("$crate::x"), Vec::<String>::new());
}
