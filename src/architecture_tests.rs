//! House rules that a reading of the sources can check (issue 18): imports go down the layers
//! with no import cycle between files, and no function of the product is over 100 lines.
//! Test modules (`#[cfg(test)] mod …`, `tests.rs`, `*_tests.rs`) are left out of both.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use regex::Regex;

/// The library's modules by layer, lowest first: a module imports only from its own layer or
/// below. The binaries (`src/bin`) sit on top of all of them.
const LAYERS: &[&[&str]] = &[
    // Pure functions over a message: import nothing of ours.
    &["anonymise"],
    // The types several layers share, and small helpers.
    &[
        "model",
        "ids",
        "time",
        "hours",
        "text",
        "taxonomy",
        "users",
        "reply_tokens",
        "failpoint",
        "frame",
        "hardening",
    ],
    &["seal", "config"],
    &["store"],
    &["intake", "outbox"],
    &["service"],
    &["control"],
    &["daemon", "doctor"],
    // The corpus generator leaves for a crate of its own (issue 18, point 3).
    &["cli", "corpus"],
];

/// The longest a function of the product may be, from `fn` to its closing brace.
const MAX_FUNCTION_LINES: usize = 100;

/// A source file of the product, its test modules blanked out (lines kept, so that line
/// numbers hold).
struct Source {
    /// Relative to `src/`, with `/` separators.
    rel: String,
    text: String,
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn product_sources() -> Vec<Source> {
    let root = src_dir();
    let mut out = Vec::new();
    let mut dirs = vec![root.clone()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if p.is_dir() {
                if name != "tests" {
                    dirs.push(p);
                }
                continue;
            }
            if !name.ends_with(".rs") || name == "tests.rs" || name.ends_with("_tests.rs") {
                continue;
            }
            let rel = p
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let text = blank_test_modules(&std::fs::read_to_string(&p).unwrap());
            out.push(Source { rel, text });
        }
    }
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    out
}

/// `text` with every `#[cfg(test)] mod name { … }` emptied, lines kept. rustfmt puts the
/// module's closing brace alone on a line, at the indentation of `mod`.
fn blank_test_modules(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<&str> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let next = lines.get(i + 1).copied().unwrap_or("");
        let opens = next
            .trim_start()
            .trim_start_matches("pub ")
            .starts_with("mod ")
            && next.trim_end().ends_with('{');
        if lines[i].trim() == "#[cfg(test)]" && opens {
            let indent = &next[..next.len() - next.trim_start().len()];
            let close = format!("{indent}}}");
            let end = (i + 1..lines.len())
                .find(|&j| lines[j] == close)
                .unwrap_or(lines.len() - 1);
            out.extend(std::iter::repeat_n("", end + 1 - i));
            i = end + 1;
            continue;
        }
        out.push(lines[i]);
        i += 1;
    }
    out.join("\n")
}

/// `text` without its `//` comments (doc comments name paths that are not imports).
fn without_comments(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            Some(at) if !l[..at].contains('"') => &l[..at],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The module path of a library file: `store/audit/check.rs` is `["store", "audit", "check"]`.
fn module_of(rel: &str) -> Vec<String> {
    let mut segs: Vec<String> = rel
        .trim_end_matches(".rs")
        .split('/')
        .map(String::from)
        .collect();
    if segs.last().is_some_and(|s| s == "mod" || s == "lib") {
        segs.pop();
    }
    segs
}

/// The file that defines module `segs`, if one does.
fn file_of(segs: &[String]) -> Option<String> {
    if segs.is_empty() {
        return None;
    }
    let base = segs.join("/");
    [format!("{base}.rs"), format!("{base}/mod.rs")]
        .into_iter()
        .find(|rel| src_dir().join(rel).is_file())
}

/// The file a path names: the longest prefix of it that is a module with a file.
fn target_file(segs: &[String]) -> Option<String> {
    (1..=segs.len()).rev().find_map(|n| file_of(&segs[..n]))
}

/// The paths of a `use` tree (`a::{b, c::d as e}` gives `a::b` and `a::c::d`).
fn use_paths(tree: &str) -> Vec<Vec<String>> {
    let tokens: Vec<String> = Regex::new(r"\w+|::|\{|\}|,|\*")
        .unwrap()
        .find_iter(tree)
        .map(|m| m.as_str().to_string())
        .collect();
    let mut out = Vec::new();
    let mut pos = 0;
    expand(&tokens, &mut pos, &mut Vec::new(), &mut out);
    out
}

fn expand(
    tokens: &[String],
    pos: &mut usize,
    prefix: &mut Vec<String>,
    out: &mut Vec<Vec<String>>,
) {
    let depth = prefix.len();
    // `self` or `*` in a group names the group's prefix; a group's paths are its members'.
    let (mut named, mut grouped) = (false, false);
    while *pos < tokens.len() {
        match tokens[*pos].as_str() {
            "{" => {
                grouped = true;
                *pos += 1;
                loop {
                    expand(tokens, pos, prefix, out);
                    match tokens.get(*pos).map(String::as_str) {
                        Some(",") => *pos += 1,
                        Some("}") => {
                            *pos += 1;
                            break;
                        }
                        _ => break,
                    }
                }
            }
            "," | "}" => break,
            "::" => *pos += 1,
            "as" => *pos += 2,
            t => {
                if t == "*" || (t == "self" && depth > 0) {
                    named = true;
                } else {
                    prefix.push(t.to_string());
                }
                *pos += 1;
            }
        }
    }
    if !grouped && (prefix.len() > depth || named) {
        out.push(prefix.clone());
    }
    prefix.truncate(depth);
}

/// The module path `path` names from module `here`, None when it names another crate.
fn resolve(here: &[String], path: &[String]) -> Option<Vec<String>> {
    let mut segs = path.iter().peekable();
    let mut base: Vec<String> = match segs.peek().map(|s| s.as_str()) {
        Some("crate") => {
            segs.next();
            Vec::new()
        }
        Some("self") => {
            segs.next();
            here.to_vec()
        }
        Some("super") => {
            let mut b = here.to_vec();
            while segs.peek().is_some_and(|s| *s == "super") {
                segs.next();
                b.pop();
            }
            b
        }
        Some(first) => {
            let mut child = here.to_vec();
            child.push(first.to_string());
            file_of(&child)?;
            here.to_vec()
        }
        None => return None,
    };
    base.extend(segs.cloned());
    Some(base)
}

/// The inline modules of `lines` (not test modules: those are blanked), as the range of
/// lines each spans and its name.
fn inline_modules(lines: &[&str]) -> Vec<(std::ops::Range<usize>, String)> {
    let re = Regex::new(r"^(\s*)(?:pub(?:\([^)]*\))?\s+)?mod (\w+) \{$").unwrap();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if let Some(c) = re.captures(l) {
            let close = format!("{}}}", &c[1]);
            let end = (i..lines.len())
                .find(|&j| lines[j] == close)
                .unwrap_or(lines.len());
            out.push((i..end, c[2].to_string()));
        }
    }
    out
}

/// Every module path a library file imports or names, resolved from the crate's root (a
/// path in an inline module is resolved from that module).
fn references(src: &Source) -> BTreeSet<Vec<String>> {
    let text = without_comments(&src.text);
    let lines: Vec<&str> = text.lines().collect();
    let inline = inline_modules(&lines);
    let here = |offset: usize| {
        let line = text[..offset].matches('\n').count();
        let mut m = module_of(&src.rel);
        m.extend(
            inline
                .iter()
                .filter(|(r, _)| r.contains(&line))
                .map(|(_, name)| name.clone()),
        );
        m
    };
    let mut paths = Vec::new();
    for c in Regex::new(r"\buse\s+([^;]+);")
        .unwrap()
        .captures_iter(&text)
    {
        let at = here(c.get(0).unwrap().start());
        paths.extend(use_paths(&c[1]).into_iter().map(|p| (at.clone(), p)));
    }
    for m in Regex::new(r"\b(?:crate|super|self)(?:::\w+)+")
        .unwrap()
        .find_iter(&text)
    {
        paths.push((
            here(m.start()),
            m.as_str().split("::").map(String::from).collect(),
        ));
    }
    paths
        .iter()
        .filter_map(|(at, p)| resolve(at, p))
        .filter(|p| !p.is_empty())
        .collect()
}

fn library_sources() -> Vec<Source> {
    product_sources()
        .into_iter()
        .filter(|s| !s.rel.starts_with("bin/") && s.rel != "lib.rs")
        .collect()
}

/// The macros exported at the crate's root, and the module that defines each.
const CRATE_MACROS: &[(&str, &str)] = &[("tr", "cli"), ("outln", "cli"), ("errln", "cli")];

fn layer_of(top: &str) -> usize {
    let top = CRATE_MACROS
        .iter()
        .find(|(m, _)| *m == top)
        .map_or(top, |(_, module)| module);
    LAYERS
        .iter()
        .position(|l| l.contains(&top))
        .unwrap_or_else(|| panic!("module `{top}` has no layer: add it to LAYERS"))
}

#[test]
fn every_module_of_the_library_has_a_layer() {
    let lib = std::fs::read_to_string(src_dir().join("lib.rs")).unwrap();
    let re = Regex::new(r"(?m)^(?:pub )?mod (\w+);").unwrap();
    let mods: Vec<String> = re.captures_iter(&lib).map(|c| c[1].to_string()).collect();
    assert!(mods.len() > 10, "lib.rs lists its modules");
    for m in mods.iter().filter(|m| !m.ends_with("_tests")) {
        layer_of(m);
    }
}

#[test]
fn imports_go_down_the_layers() {
    let mut upward = Vec::new();
    for src in library_sources() {
        let own = module_of(&src.rel)[0].clone();
        for r in references(&src) {
            if layer_of(&r[0]) > layer_of(&own) {
                upward.push(format!("{} imports crate::{}", src.rel, r.join("::")));
            }
        }
    }
    assert!(
        upward.is_empty(),
        "imports reaching up a layer:\n{}",
        upward.join("\n")
    );
}

/// The import graph between library files.
fn file_graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut graph = BTreeMap::new();
    for src in library_sources() {
        let targets = references(&src)
            .iter()
            .filter_map(|p| target_file(p))
            .filter(|t| *t != src.rel)
            .collect();
        graph.insert(src.rel, targets);
    }
    graph
}

/// The strongly connected components of `graph` with more than one file (Tarjan).
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct Walk<'g> {
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'g>(w: &mut Walk<'g>, v: &'g str) {
        let n = w.index.len();
        w.index.insert(v, n);
        w.low.insert(v, n);
        w.stack.push(v);
        w.on_stack.insert(v);
        for t in w.graph.get(v).into_iter().flatten() {
            let t = t.as_str();
            if !w.index.contains_key(t) {
                visit(w, t);
                let l = w.low[v].min(w.low[t]);
                w.low.insert(v, l);
            } else if w.on_stack.contains(t) {
                let l = w.low[v].min(w.index[t]);
                w.low.insert(v, l);
            }
        }
        if w.low[v] == w.index[v] {
            let mut scc = Vec::new();
            while let Some(t) = w.stack.pop() {
                w.on_stack.remove(t);
                scc.push(t.to_string());
                if t == v {
                    break;
                }
            }
            if scc.len() > 1 {
                scc.sort();
                w.found.push(scc);
            }
        }
    }
    let mut w = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !w.index.contains_key(v.as_str()) {
            visit(&mut w, v);
        }
    }
    w.found
}

#[test]
fn no_import_cycle_between_files() {
    let graph = file_graph();
    let found = cycles(&graph);
    let shown: Vec<String> = found
        .iter()
        .map(|c| {
            let edges: Vec<String> = c
                .iter()
                .flat_map(|f| {
                    graph[f]
                        .iter()
                        .filter(|t| c.contains(t))
                        .map(move |t| format!("  {f} -> {t}"))
                })
                .collect();
            format!("{}\n{}", c.join(" <-> "), edges.join("\n"))
        })
        .collect();
    assert!(
        found.is_empty(),
        "files importing each other:\n{}",
        shown.join("\n")
    );
}

#[test]
fn the_cycle_finder_finds_a_cycle_and_the_resolver_reads_use_trees() {
    let mut g = BTreeMap::new();
    g.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    g.insert("b".to_string(), BTreeSet::from(["c".to_string()]));
    g.insert("c".to_string(), BTreeSet::from(["a".to_string()]));
    g.insert("d".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(cycles(&g), vec![vec!["a", "b", "c"]]);
    let paths = use_paths("crate::{a::{self, B}, c::d as e, f::*}");
    let shown: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
    assert_eq!(
        shown,
        ["crate::a", "crate::a::B", "crate::c::d", "crate::f"]
    );
    let here = module_of("store/filing.rs");
    let up = resolve(&here, &["super".into(), "txn".into(), "Txn".into()]).unwrap();
    assert_eq!(target_file(&up).as_deref(), Some("store/txn.rs"));
}

#[test]
fn an_upward_import_is_seen_in_a_use_tree_and_in_a_path() {
    let src = Source {
        rel: "store/filing.rs".into(),
        text: "use crate::{model::Actor, service::Service};\nfn f() { crate::daemon::run(); }\n"
            .into(),
    };
    let up: Vec<String> = references(&src)
        .into_iter()
        .filter(|r| layer_of(&r[0]) > layer_of("store"))
        .map(|r| r.join("::"))
        .collect();
    assert_eq!(up, ["daemon::run", "service::Service"]);
}

/// The functions of `src` over [`MAX_FUNCTION_LINES`], as `file:line name (n lines)`.
fn long_functions(src: &Source) -> Vec<String> {
    let re = Regex::new(r#"^(\s*)(?:pub(?:\([^)]*\))?\s+)?(?:const\s+)?(?:async\s+)?(?:extern\s+"C"\s+)?fn\s+(\w+)"#)
        .unwrap();
    let lines: Vec<&str> = src.text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(c) = re.captures(line) else { continue };
        let Some(open) = (i..lines.len()).find(|&j| {
            let l = lines[j].trim_end();
            l.ends_with('{') || l.ends_with(';') || l.ends_with('}')
        }) else {
            continue;
        };
        if !lines[open].trim_end().ends_with('{') {
            continue;
        }
        let close = format!("{}}}", &c[1]);
        let Some(end) = (open..lines.len()).find(|&j| lines[j] == close) else {
            continue;
        };
        let n = end - i + 1;
        if n > MAX_FUNCTION_LINES {
            out.push(format!("{}:{} {} ({n} lines)", src.rel, i + 1, &c[2]));
        }
    }
    out
}

#[test]
fn no_function_of_the_product_is_over_100_lines() {
    let long: Vec<String> = product_sources()
        .iter()
        .filter(|s| !s.rel.starts_with("corpus/"))
        .flat_map(long_functions)
        .collect();
    assert!(
        long.is_empty(),
        "functions over {MAX_FUNCTION_LINES} lines:\n{}",
        long.join("\n")
    );
}

#[test]
fn the_length_rule_counts_from_fn_to_the_closing_brace() {
    let body = "    x();\n".repeat(MAX_FUNCTION_LINES - 1);
    let text = format!("fn long(\n    a: u8,\n) {{\n{body}}}\nfn short() -> u8 {{ 1 }}\n");
    let src = Source {
        rel: "x.rs".into(),
        text,
    };
    assert_eq!(long_functions(&src), ["x.rs:1 long (103 lines)"]);
    let tests = blank_test_modules(&format!("#[cfg(test)]\nmod tests {{\n{}}}\n", src.text));
    assert!(
        long_functions(&Source {
            rel: "x.rs".into(),
            text: tests
        })
        .is_empty()
    );
}
