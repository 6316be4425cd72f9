//! The documentation's references resolve. README.md, ARCHITECTURE.md and
//! docs/*.md point at each other, at headings (`file.md#anchor`) and at the
//! code (`src/…` in a code span); files move, and a reference that quietly
//! points nowhere is how a code map drifts. Two tests:
//!
//! - every relative markdown link (`[text](path)`, `[text](path#anchor)`,
//!   `[text](#anchor)`, `[name]: path`) names a file or folder that exists,
//!   and its anchor a heading of the target file by GitHub's slug rules;
//! - every code span that is a bare repository path (`src/probe/scan.rs`,
//!   `deploy/nginx.conf`) names one that exists.
//!
//! Both fail with the list of broken references, each with its file and line.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// README.md, ARCHITECTURE.md and every docs/*.md, relative to the root.
fn documents() -> Vec<PathBuf> {
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .expect("docs/")
        .map(|e| e.expect("docs/ entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .map(|p| {
            p.strip_prefix(root())
                .expect("under the root")
                .to_path_buf()
        })
        .collect();
    docs.sort();
    let mut all = vec![PathBuf::from("README.md"), PathBuf::from("ARCHITECTURE.md")];
    all.extend(docs);
    all
}

fn read(doc: &Path) -> String {
    std::fs::read_to_string(root().join(doc)).unwrap_or_else(|e| panic!("{}: {e}", doc.display()))
}

/// The lines outside fenced code blocks, numbered from 1.
fn prose(text: &str) -> Vec<(usize, &str)> {
    let mut fenced = false;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if !fenced {
            out.push((i + 1, line));
        }
    }
    out
}

/// A line without its code spans (what is inside backticks is not a link).
fn without_code(line: &str) -> String {
    line.split('`').step_by(2).collect::<Vec<_>>().join(" ")
}

/// The code spans of a line.
fn code_spans(line: &str) -> impl Iterator<Item = &str> {
    line.split('`').skip(1).step_by(2)
}

/// Targets of inline links `[text](target "title")` and reference
/// definitions `[name]: target` in one line (code spans removed first).
fn link_targets(line: &str) -> Vec<String> {
    let line = without_code(line);
    let mut targets = Vec::new();
    // `[label]: target`: the label is plain text up to the first `]`.
    let definition = line
        .trim_start()
        .strip_prefix('[')
        .and_then(|l| l.split_once(']'))
        .filter(|(label, _)| !label.contains('['))
        .and_then(|(_, rest)| rest.strip_prefix(':'))
        .and_then(|rest| rest.split_whitespace().next());
    if let Some(target) = definition {
        targets.push(target.trim_matches(['<', '>']).to_owned());
    }
    let mut rest = line.as_str();
    while let Some(at) = rest.find("](") {
        let after = &rest[at + 2..];
        let end = after.find(')').unwrap_or(after.len());
        let inside = after[..end].trim();
        let target = inside.split_whitespace().next().unwrap_or("");
        targets.push(target.trim_matches(['<', '>']).to_owned());
        rest = &after[end..];
    }
    targets
}

/// Links to other sites or other schemes are not checked here.
fn is_external(target: &str) -> bool {
    let scheme = target.split(':').next().unwrap_or("");
    target.contains(':')
        && !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
}

/// GitHub's anchor for a heading's text: the rendered text (no markup)
/// lower-cased, everything but letters, digits, spaces, `-` and `_`
/// dropped, spaces made `-`.
fn slug(heading: &str) -> String {
    // Rendered text: link targets and markup characters go.
    let mut text = String::new();
    let mut rest = heading;
    while let Some(open) = rest.find("](") {
        text.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        rest = after.find(')').map_or("", |end| &after[end + 1..]);
    }
    text.push_str(rest);
    text.trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// Every anchor a markdown file offers: its headings' slugs, the second
/// and later of equal ones numbered as GitHub does (`-1`, `-2`).
fn anchors(text: &str) -> HashSet<String> {
    let mut seen = HashSet::new();
    for (_, line) in prose(text) {
        let Some(heading) = line.strip_prefix('#') else {
            continue;
        };
        let heading = heading.trim_start_matches('#');
        if !heading.starts_with(' ') {
            continue;
        }
        let base = slug(heading);
        let mut candidate = base.clone();
        let mut n = 0;
        while seen.contains(&candidate) {
            n += 1;
            candidate = format!("{base}-{n}");
        }
        seen.insert(candidate);
    }
    seen
}

/// What is wrong with one link from `doc`, if anything.
fn check_link(doc: &Path, target: &str) -> Option<String> {
    if target.is_empty() {
        return Some("empty link target".into());
    }
    if is_external(target) {
        return None;
    }
    let (path, anchor) = match target.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (target, None),
    };
    let file = if path.is_empty() {
        doc.to_path_buf()
    } else {
        doc.parent().unwrap_or(Path::new("")).join(path)
    };
    let on_disk = root().join(&file);
    if !on_disk.exists() {
        return Some(format!("{} does not exist", file.display()));
    }
    let anchor = anchor?;
    if on_disk.extension().is_none_or(|x| x != "md") {
        return None;
    }
    let offered = anchors(&std::fs::read_to_string(&on_disk).ok()?);
    (!offered.contains(anchor)).then(|| format!("{} has no heading #{anchor}", file.display()))
}

/// Folders a code span may name a path in.
const CODE_FOLDERS: &[&str] = &[
    "src/", "tests/", "scripts/", "deploy/", "docs/", "guides/", "www/", "fuzz/", "bench/",
];

/// A code span that is nothing but a repository path, without wildcards or
/// placeholders (`guides/{de,en}/*.json` is a pattern, not a path).
fn as_repo_path(span: &str) -> Option<&str> {
    let path = span.trim_end_matches([',', '.']);
    let plain = path
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c));
    (plain && CODE_FOLDERS.iter().any(|f| path.starts_with(f))).then_some(path)
}

#[test]
fn every_relative_link_in_the_docs_resolves() {
    let mut broken = Vec::new();
    let mut checked = 0;
    for doc in documents() {
        let text = read(&doc);
        for (number, line) in prose(&text) {
            for target in link_targets(line) {
                checked += 1;
                if let Some(problem) = check_link(&doc, &target) {
                    broken.push(format!("{}:{number}: ({target}): {problem}", doc.display()));
                }
            }
        }
    }
    assert!(
        checked > 20,
        "only {checked} links found: is the reader broken?"
    );
    assert!(
        broken.is_empty(),
        "broken links in the documentation:\n{}",
        broken.join("\n")
    );
}

#[test]
fn every_path_in_a_code_span_exists() {
    let mut missing = Vec::new();
    for doc in documents() {
        let text = read(&doc);
        for (number, line) in prose(&text) {
            for path in code_spans(line).filter_map(as_repo_path) {
                if !root().join(path).exists() {
                    missing.push(format!("{}:{number}: `{path}`", doc.display()));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "paths named in the documentation that do not exist:\n{}",
        missing.join("\n")
    );
}

#[test]
fn slugs_follow_githubs_rules() {
    assert_eq!(slug(" What is checked"), "what-is-checked");
    assert_eq!(
        slug(" The terminal client: `portcheck check`"),
        "the-terminal-client-portcheck-check"
    );
    assert_eq!(slug(" Ports 440–449 and 80–89"), "ports-440449-and-8089");
    assert_eq!(slug(" See [the lab](tests/lab) first"), "see-the-lab-first");
    assert_eq!(slug(" Prüfung"), "prüfung");
    let offered = anchors("# A\n## B\n## B\n```\n# not a heading\n```\n#hashtag\n");
    let expected: HashSet<String> = ["a", "b", "b-1"].map(String::from).into();
    assert_eq!(offered, expected);
}

#[test]
fn the_reader_finds_links_and_ignores_code() {
    assert_eq!(
        link_targets("see [a](docs/a.md#x) and [`b`](b.md \"title\"), not `[c](c.md)`"),
        ["docs/a.md#x", "b.md"]
    );
    assert_eq!(link_targets("[ref]: ../x.md"), ["../x.md"]);
    assert!(link_targets("[If embedded in [www.example.org]: the test]").is_empty());
    assert!(is_external("https://example.org/a"));
    assert!(is_external("mailto:a@example.org"));
    assert!(!is_external("docs/a.md#b:c"));
    assert_eq!(as_repo_path("src/probe/scan.rs"), Some("src/probe/scan.rs"));
    assert_eq!(as_repo_path("guides/{de,en}/*.json"), None);
    assert_eq!(as_repo_path("cargo test --lib page::"), None);
}
