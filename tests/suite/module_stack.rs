//! The shape of `src/`, read from the files: a strict stack of modules, no
//! import cycle anywhere, and no folder with more than twelve source files.
//!
//! The stack, lowest first (a module may use what is below it, never what is
//! above): `plan` < `api` < `verdict` < `texts` < {`page`, `probe`,
//! `client`} < {`app`, `cli`}. Modules of one tier may use each other, but
//! never in a cycle. A cycle is counted between siblings: an edge from
//! `a::b::c` to `a::d` is an edge `b → d` among the children of `a`, so
//! `page::practice_check` ↔ `page::state` is a cycle, and so is `api` ↔
//! `plan`. A module using its own parent or child is no edge.
//!
//! Edges come from every `use` tree and every path in code that starts with
//! `crate::`, `super::` or `self::` (and from `use` paths that start with a
//! child module's name), test modules included, plus string literals that
//! are such a path (serde's `skip_serializing_if = "crate::…"`). A path
//! through a `use` of another module (`crate::texts::Lang`, which
//! `texts` re-exports from `texts::lang`) is followed to where the name
//! comes from. Comments, doc links included, are no edges. The binaries'
//! roots (`src/main.rs`, `src/bin/`) are crates of their own that only
//! use the library, so only the folder rule reads them.
//!
//! The test names no file of `src`: it reads the tree as it is, so moving
//! a module changes nothing here unless the move breaks the stack. A new
//! top-level module needs its place in [`LAYERS`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The stack, lowest tier first.
const LAYERS: &[&[&str]] = &[
    &["plan"],
    &["api"],
    &["verdict"],
    &["texts"],
    &["page", "probe", "client"],
    &["app", "cli"],
];

/// At most this many `*.rs` files directly in one folder (`mod.rs` counts).
const MAX_FILES_PER_FOLDER: usize = 12;

#[test]
fn no_import_cycle_between_sibling_modules() {
    let tree = Tree::read();
    let cycles = tree.cycles();
    let mut report = String::new();
    for cycle in &cycles {
        report.push_str(&cycle.describe());
    }
    assert!(report.is_empty(), "import cycles under src/:\n\n{report}");
}

#[test]
fn no_module_uses_one_above_it() {
    let tree = Tree::read();
    // (from, to) → where it is written
    let mut against: BTreeMap<(String, String, usize, usize), Vec<String>> = BTreeMap::new();
    let mut unplaced = BTreeSet::new();
    for edge in &tree.edges {
        let (Some(from), Some(to)) = (edge.from.first(), edge.to.first()) else {
            continue;
        };
        if from == to {
            continue;
        }
        match (tier(from), tier(to)) {
            (Some(f), Some(t)) if t > f => {
                against
                    .entry((edge.from.join("::"), edge.to.join("::"), f + 1, t + 1))
                    .or_default()
                    .push(edge.evidence.clone());
            }
            (Some(_), Some(_)) => {}
            (f, t) => {
                for (module, placed) in [(from, f), (to, t)] {
                    if placed.is_none() {
                        unplaced.insert(module.clone());
                    }
                }
            }
        }
    }
    let mut report = String::new();
    for ((from, to, f, t), evidence) in &against {
        let _ = writeln!(
            report,
            "{from} (tier {f}) uses {to} (tier {t}): {}",
            shortened(evidence)
        );
    }
    for module in &unplaced {
        let _ = writeln!(
            report,
            "top-level module `{module}` has no place in LAYERS (tests/suite/module_stack.rs)"
        );
    }
    let order: Vec<String> = LAYERS.iter().map(|t| t.join(", ")).collect();
    assert!(
        report.is_empty(),
        "imports against the stack ({}):\n{report}",
        order.join(" < ")
    );
}

#[test]
fn no_folder_holds_more_than_twelve_source_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for file in rust_files(&root.join("src")) {
        let folder = file.parent().expect("a file has a folder");
        let rel = folder
            .strip_prefix(root)
            .expect("under the crate")
            .to_string_lossy()
            .replace('\\', "/");
        *counts.entry(rel).or_default() += 1;
    }
    let mut report = String::new();
    for (folder, n) in &counts {
        if *n <= MAX_FILES_PER_FOLDER {
            continue;
        }
        let _ = writeln!(
            report,
            "{folder} holds {n} source files (at most {MAX_FILES_PER_FOLDER}): group them in subfolders"
        );
    }
    assert!(report.is_empty(), "{report}");
}

/// The tier of a top-level module, 0 lowest.
fn tier(module: &str) -> Option<usize> {
    LAYERS.iter().position(|t| t.contains(&module))
}

/// Every `*.rs` below `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let entries = std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display()));
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

type ModPath = Vec<String>;

/// One use of another module.
struct Edge {
    from: ModPath,
    to: ModPath,
    /// `file:line path` for the message.
    evidence: String,
}

/// A cycle among the children of `parent`.
struct Cycle {
    /// The sibling modules in it, as full paths.
    members: Vec<String>,
    /// The edges between them that make it, with where they are written.
    edges: Vec<(String, String, String)>,
}

impl Cycle {
    fn describe(&self) -> String {
        let mut s = format!("cycle {}:\n", self.members.join(" ↔ "));
        for (from, to, evidence) in &self.edges {
            let _ = writeln!(s, "  {from} → {to}: {evidence}");
        }
        s.push('\n');
        s
    }
}

/// The library's modules and the edges between them.
struct Tree {
    edges: Vec<Edge>,
}

/// What one file says: its module, inline modules, `use` bindings and paths.
struct Parsed {
    /// Inline `mod name { … }` blocks, as full paths.
    modules: Vec<ModPath>,
    /// `(module, name, raw path)`: `use raw as name` written in `module`.
    bindings: Vec<(ModPath, String, Vec<String>)>,
    /// `(module, raw path, line)`: a path written in `module`.
    paths: Vec<(ModPath, Vec<String>, usize)>,
}

impl Tree {
    fn read() -> Tree {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let src = root.join("src");
        let mut modules: BTreeSet<ModPath> = BTreeSet::new();
        let mut parsed = Vec::new();
        for file in rust_files(&src) {
            let rel = file.strip_prefix(&src).expect("under src");
            let Some(module) = module_of_file(rel) else {
                continue;
            };
            let text = std::fs::read_to_string(&file)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let shown = file
                .strip_prefix(root)
                .expect("under the crate")
                .display()
                .to_string();
            let p = parse(&text, &module);
            modules.insert(module);
            modules.extend(p.modules.iter().cloned());
            parsed.push((shown, p));
        }
        let known = |m: &[String]| m.is_empty() || modules.contains(m);
        // Each module's `use` bindings, made absolute where they point into
        // the crate.
        let mut bindings: BTreeMap<ModPath, BTreeMap<String, ModPath>> = BTreeMap::new();
        for (_, p) in &parsed {
            for (module, name, raw) in &p.bindings {
                if let Some(abs) = absolute(raw, module, &known) {
                    bindings
                        .entry(module.clone())
                        .or_default()
                        .insert(name.clone(), abs);
                }
            }
        }
        let mut edges = Vec::new();
        for (file, p) in &parsed {
            for (module, raw, line) in &p.paths {
                let Some(abs) = absolute(raw, module, &known) else {
                    continue;
                };
                let to = module_named(abs, &known, &bindings);
                let related = to.starts_with(module) || module.starts_with(&to);
                if !related {
                    edges.push(Edge {
                        from: module.clone(),
                        to,
                        evidence: format!("{file}:{line} {}", raw.join("::")),
                    });
                }
            }
        }
        Tree { edges }
    }

    /// Cycles among siblings, found per parent module (strongly connected
    /// components of more than one child).
    fn cycles(&self) -> Vec<Cycle> {
        // parent → child → child → evidence
        type Siblings = BTreeMap<String, BTreeMap<String, Vec<String>>>;
        let mut graphs: BTreeMap<ModPath, Siblings> = BTreeMap::new();
        for e in &self.edges {
            let common = e.from.iter().zip(&e.to).take_while(|(a, b)| a == b).count();
            let parent = e.from[..common].to_vec();
            let a = e.from[common].clone();
            let b = e.to[common].clone();
            graphs
                .entry(parent)
                .or_default()
                .entry(a)
                .or_default()
                .entry(b)
                .or_default()
                .push(e.evidence.clone());
        }
        let mut out = Vec::new();
        for (parent, graph) in &graphs {
            let full = |child: &str| {
                let mut p = parent.clone();
                p.push(child.to_owned());
                p.join("::")
            };
            for component in strongly_connected(graph) {
                let mut edges = Vec::new();
                for a in &component {
                    for (b, evidence) in &graph[a] {
                        if component.contains(b) {
                            edges.push((full(a), full(b), shortened(evidence)));
                        }
                    }
                }
                out.push(Cycle {
                    members: component.iter().map(|c| full(c)).collect(),
                    edges,
                });
            }
        }
        out
    }
}

/// The first places an edge is written, and how many more there are.
fn shortened(evidence: &[String]) -> String {
    const SHOWN: usize = 3;
    let mut s = evidence[..evidence.len().min(SHOWN)].join("; ");
    if evidence.len() > SHOWN {
        let _ = write!(s, " (and {} more)", evidence.len() - SHOWN);
    }
    s
}

/// The module a file of the library defines (`page/state.rs` and
/// `page/state/mod.rs` → `page::state`, `lib.rs` → the root); `None` for
/// the roots of the binaries.
fn module_of_file(rel: &Path) -> Option<ModPath> {
    let parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    match parts.as_slice() {
        [only] if only == "lib.rs" => return Some(Vec::new()),
        [only] if only == "main.rs" => return None,
        [first, ..] if first == "bin" => return None,
        _ => {}
    }
    let mut module = parts;
    let last = module.pop().expect("a file name");
    if last != "mod.rs" {
        module.push(last.trim_end_matches(".rs").to_owned());
    }
    Some(module)
}

/// `raw`, written in `module`, as a path from the crate root; `None` when
/// it leads outside the crate (`std::…`, `serde::…`) or to a name in scope.
fn absolute(
    raw: &[String],
    module: &[String],
    known: &impl Fn(&[String]) -> bool,
) -> Option<ModPath> {
    let (first, rest) = raw.split_first()?;
    let mut base: ModPath = match first.as_str() {
        "crate" => Vec::new(),
        "self" => module.to_vec(),
        "super" => module[..module.len().checked_sub(1)?].to_vec(),
        child => {
            let mut m = module.to_vec();
            m.push(child.to_owned());
            if !known(&m) {
                return None;
            }
            m
        }
    };
    let mut rest = rest;
    if first == "super" {
        while let Some((s, r)) = rest.split_first() {
            if s != "super" {
                break;
            }
            base.pop()?;
            rest = r;
        }
    }
    base.extend(rest.iter().cloned());
    Some(base)
}

/// The module an absolute path names or names an item of, following `use`
/// bindings to where a name comes from.
fn module_named(
    mut path: ModPath,
    known: &impl Fn(&[String]) -> bool,
    bindings: &BTreeMap<ModPath, BTreeMap<String, ModPath>>,
) -> ModPath {
    for _ in 0..16 {
        let mut depth = path.len();
        while !known(&path[..depth]) {
            depth -= 1;
        }
        let module = path[..depth].to_vec();
        let next = path
            .get(depth)
            .and_then(|name| bindings.get(&module)?.get(name));
        match next {
            Some(target) if *target != path[..=depth] => {
                let mut followed = target.clone();
                followed.extend(path[depth + 1..].iter().cloned());
                path = followed;
            }
            _ => return module,
        }
    }
    // Bindings that lead in a circle: the longest module prefix.
    while !known(&path) {
        path.pop();
    }
    path
}

/// Strongly connected components with more than one member (Tarjan).
fn strongly_connected(graph: &BTreeMap<String, BTreeMap<String, Vec<String>>>) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a BTreeMap<String, BTreeMap<String, Vec<String>>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        s.on_stack.insert(v);
        if let Some(next) = s.graph.get(v) {
            for w in next.keys() {
                if !s.index.contains_key(w.as_str()) {
                    visit(s, w);
                    let lw = s.low[w.as_str()];
                    let lv = s.low.get_mut(v).expect("visited");
                    *lv = (*lv).min(lw);
                } else if s.on_stack.contains(w.as_str()) {
                    let iw = s.index[w.as_str()];
                    let lv = s.low.get_mut(v).expect("visited");
                    *lv = (*lv).min(iw);
                }
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.out.push(component);
            }
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.out
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    /// A string literal that reads as a path into the crate.
    PathString(String),
    Punct(&'static str),
}

/// The file's tokens with their lines; comments and literals dropped
/// (except string literals that are a `crate::`/`super::`/`self::` path).
fn tokens(text: &str) -> Vec<(Tok, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    let is_ident = |c: u8| c == b'_' || c.is_ascii_alphanumeric();
    while i < b.len() {
        let c = b[i];
        match c {
            b'\n' => {
                line += 1;
                i += 1;
            }
            c if c.is_ascii_whitespace() => i += 1,
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 0;
                while i < b.len() {
                    if b[i..].starts_with(b"/*") {
                        depth += 1;
                        i += 2;
                    } else if b[i..].starts_with(b"*/") {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        line += usize::from(b[i] == b'\n');
                        i += 1;
                    }
                }
            }
            b'r' if matches!(b.get(i + 1), Some(b'"' | b'#'))
                && raw_string_len(&b[i + 1..]).is_some() =>
            {
                let n = raw_string_len(&b[i + 1..]).expect("checked");
                line += b[i..i + 1 + n].iter().filter(|&&c| c == b'\n').count();
                i += 1 + n;
            }
            b'b' if b.get(i + 1) == Some(&b'r') && raw_string_len(&b[i + 2..]).is_some() => {
                let n = raw_string_len(&b[i + 2..]).expect("checked");
                line += b[i..i + 2 + n].iter().filter(|&&c| c == b'\n').count();
                i += 2 + n;
            }
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    line += usize::from(b.get(i) == Some(&b'\n'));
                    i += 1;
                }
                let literal = &text[start..i.min(b.len())];
                i += 1;
                let is_path = literal.split("::").count() > 1
                    && literal
                        .split("::")
                        .all(|s| !s.is_empty() && s.bytes().all(is_ident))
                    && ["crate::", "super::", "self::"]
                        .iter()
                        .any(|p| literal.starts_with(p));
                if is_path {
                    out.push((Tok::PathString(literal.to_owned()), line));
                }
            }
            b'\'' => {
                // A char literal ('a', '\n', '\u{1F512}') or a lifetime ('a).
                if b.get(i + 1) == Some(&b'\\') {
                    i += 2;
                    while i < b.len() && b[i] != b'\'' {
                        i += 1;
                    }
                    i += 1;
                } else {
                    let ch_len = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                    if b.get(i + 1 + ch_len) == Some(&b'\'') {
                        i += 2 + ch_len;
                    } else {
                        i += 1;
                    }
                }
            }
            c if c == b'_' || c.is_ascii_alphabetic() => {
                let start = i;
                while i < b.len() && is_ident(b[i]) {
                    i += 1;
                }
                let word = &text[start..i];
                // b"…" and b'…' are literals, not the identifier b.
                if word == "b" && matches!(b.get(i), Some(b'"' | b'\'')) {
                    continue;
                }
                out.push((Tok::Ident(word.to_owned()), line));
            }
            c if c.is_ascii_digit() => {
                while i < b.len() && (is_ident(b[i]) || b[i] == b'.') {
                    i += 1;
                }
            }
            b':' if b.get(i + 1) == Some(&b':') => {
                out.push((Tok::Punct("::"), line));
                i += 2;
            }
            _ => {
                let p = match c {
                    b'{' => "{",
                    b'}' => "}",
                    b'(' => "(",
                    b')' => ")",
                    b';' => ";",
                    b',' => ",",
                    b'*' => "*",
                    b'#' => "#",
                    b'[' => "[",
                    b']' => "]",
                    _ => "other",
                };
                out.push((Tok::Punct(p), line));
                i += 1;
            }
        }
    }
    out
}

/// Length of a raw string literal starting at `b` (`#*"…"#*`), if it is one.
fn raw_string_len(b: &[u8]) -> Option<usize> {
    let hashes = b.iter().take_while(|&&c| c == b'#').count();
    if b.get(hashes) != Some(&b'"') {
        return None;
    }
    let close: Vec<u8> = std::iter::once(b'"')
        .chain(std::iter::repeat_n(b'#', hashes))
        .collect();
    let body = &b[hashes + 1..];
    let end = body
        .windows(close.len())
        .position(|w| w == close.as_slice())?;
    Some(hashes + 1 + end + close.len())
}

fn parse(text: &str, file_module: &[String]) -> Parsed {
    let toks = tokens(text);
    let mut p = Parsed {
        modules: Vec::new(),
        bindings: Vec::new(),
        paths: Vec::new(),
    };
    // The inline modules open at this point, with the brace depth each
    // closes at.
    let mut open: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let current = |open: &[(String, usize)]| {
        let mut m = file_module.to_vec();
        m.extend(open.iter().map(|(n, _)| n.clone()));
        m
    };
    let ident = |i: usize| match toks.get(i) {
        Some((Tok::Ident(s), _)) => Some(s.as_str()),
        _ => None,
    };
    let punct = |i: usize, p: &str| matches!(toks.get(i), Some((Tok::Punct(q), _)) if *q == p);
    let mut i = 0;
    while i < toks.len() {
        let line = toks[i].1;
        match &toks[i].0 {
            Tok::Punct("{") => {
                depth += 1;
                i += 1;
            }
            Tok::Punct("}") => {
                if open.last().is_some_and(|(_, d)| *d == depth) {
                    open.pop();
                }
                depth = depth.saturating_sub(1);
                i += 1;
            }
            Tok::Ident(w) if w == "mod" && ident(i + 1).is_some() && punct(i + 2, "{") => {
                let name = ident(i + 1).expect("checked").to_owned();
                depth += 1;
                open.push((name, depth));
                p.modules.push(current(&open));
                i += 3;
            }
            // `pub(in crate::a::b)` names an ancestor, not a dependency.
            Tok::Ident(w) if w == "pub" && punct(i + 1, "(") && ident(i + 2) == Some("in") => {
                while i < toks.len() && !punct(i, ")") {
                    i += 1;
                }
            }
            Tok::Ident(w) if w == "use" => {
                let module = current(&open);
                let mut j = i + 1;
                let mut leaves = Vec::new();
                use_tree(&toks, &mut j, Vec::new(), &mut leaves);
                for (raw, name) in leaves {
                    if let Some(name) = name {
                        p.bindings.push((module.clone(), name, raw.clone()));
                    }
                    p.paths.push((module.clone(), raw, line));
                }
                i = j;
            }
            Tok::Ident(w)
                if matches!(w.as_str(), "crate" | "super" | "self") && punct(i + 1, "::") =>
            {
                let mut raw = vec![w.clone()];
                let mut j = i + 1;
                while punct(j, "::") {
                    match ident(j + 1) {
                        Some(s) => raw.push(s.to_owned()),
                        None => break,
                    }
                    j += 2;
                }
                p.paths.push((current(&open), raw, line));
                i = j;
            }
            Tok::PathString(s) => {
                let raw = s.split("::").map(str::to_owned).collect();
                p.paths.push((current(&open), raw, line));
                i += 1;
            }
            _ => i += 1,
        }
    }
    p
}

/// One `use` tree from `toks[*j]`: every leaf path, with the name it binds
/// (`None` for globs). Leaves `*j` after the tree.
fn use_tree(
    toks: &[(Tok, usize)],
    j: &mut usize,
    prefix: Vec<String>,
    leaves: &mut Vec<(Vec<String>, Option<String>)>,
) {
    let mut path = prefix;
    loop {
        match toks.get(*j).map(|t| &t.0) {
            Some(Tok::Punct("::")) => *j += 1,
            Some(Tok::Ident(s)) if s == "as" => {
                *j += 1;
                if let Some((Tok::Ident(alias), _)) = toks.get(*j) {
                    *j += 1;
                    leaves.push((path, Some(alias.clone())));
                }
                return;
            }
            Some(Tok::Ident(s)) => {
                path.push(s.clone());
                *j += 1;
            }
            Some(Tok::Punct("*")) => {
                *j += 1;
                leaves.push((path, None));
                return;
            }
            Some(Tok::Punct("{")) => {
                *j += 1;
                loop {
                    match toks.get(*j).map(|t| &t.0) {
                        Some(Tok::Punct("}")) => {
                            *j += 1;
                            return;
                        }
                        Some(Tok::Punct(",")) => *j += 1,
                        None => return,
                        Some(_) => use_tree(toks, j, path.clone(), leaves),
                    }
                }
            }
            _ => {
                // `;`, `,` or `}`: the leaf ends here.
                if path.last().is_some_and(|s| s == "self") {
                    path.pop();
                }
                if let Some(name) = path.last().cloned() {
                    leaves.push((path, Some(name)));
                }
                return;
            }
        }
    }
}
