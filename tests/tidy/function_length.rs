//! No function in `src/` is longer than [`MAX_LINES`] lines, counted from its `fn` line to its closing
//! brace, except those in [`ALLOWED`]; and every entry of [`ALLOWED`] is still over the limit, so the
//! list can only shrink.
//!
//! The functions are found in the text as `cargo fmt` lays it out: an item starts with a line whose
//! first word (after `pub`, `pub(crate)`, `const`, `async`, `unsafe` or `extern "C"`) is `fn`, and its
//! body ends at the first later line that is its indentation followed by `}`. Declarations without a
//! body (a trait's `fn f();`) are skipped. Test functions in `#[cfg(test)]` modules count like any
//! other: a long test is as hard to read as long code, and telling them apart would need a parser.
//! Functions are named by file and name, so an entry covers every function of that name in its file.

use std::path::Path;

/// The longest a function may be, in lines.
const MAX_LINES: usize = 80;

/// Functions still longer than [`MAX_LINES`], as `path::name` (the path from the repository's root).
/// Remove an entry once its function is split; never add one.
const ALLOWED: &[&str] = &[];

/// Functions that are one table of data, an arm per operation, and so grow with the operations, not
/// with logic: the registry's facts. They are exempt by design, not waiting to be split.
const TABLES: &[&str] = &[
    "src/core/operation.rs::spec",
    "src/aws/served.rs::differences",
];

/// A function found in a source file.
#[derive(Debug)]
struct Function {
    /// `path::name`, as in [`ALLOWED`].
    key: String,
    /// The line of its `fn`, from 1.
    line: usize,
    /// Its length in lines, from the `fn` line to the closing brace.
    lines: usize,
}

#[test]
fn functions_are_short_or_allowed() {
    let functions = functions_in_src();
    assert!(
        functions.len() > 100,
        "found only {} functions in src/: the scan is broken",
        functions.len()
    );
    let long: Vec<&Function> = functions.iter().filter(|f| f.lines > MAX_LINES).collect();
    let unlisted: Vec<String> = long
        .iter()
        .filter(|f| !ALLOWED.contains(&f.key.as_str()) && !TABLES.contains(&f.key.as_str()))
        .map(|f| format!("{} (line {}): {} lines", f.key, f.line, f.lines))
        .collect();
    assert!(
        unlisted.is_empty(),
        "functions longer than {MAX_LINES} lines; split them into well-named smaller ones:\n  {}",
        unlisted.join("\n  ")
    );
    let stale: Vec<&str> = ALLOWED
        .iter()
        .copied()
        .filter(|key| !long.iter().any(|f| f.key == *key))
        .collect();
    assert!(
        stale.is_empty(),
        "these entries of ALLOWED are no longer over {MAX_LINES} lines (or are gone): remove them:\n  {}",
        stale.join("\n  ")
    );
}

/// The scan finds functions as this file describes them.
#[test]
fn the_scan_measures_functions() {
    let text = "\
pub(crate) fn one() {}
impl X {
    pub fn two(
        a: u8,
    ) -> u8
    where
        u8: Copy,
    {
        let b = {
            a
        };
        b
    }
    fn declared();
}
async fn three() {
    x();
}
";
    let found = functions(Path::new("src/x.rs"), text);
    let got: Vec<(&str, usize, usize)> = found
        .iter()
        .map(|f| (f.key.as_str(), f.line, f.lines))
        .collect();
    assert_eq!(
        got,
        [
            ("src/x.rs::one", 1, 1),
            ("src/x.rs::two", 3, 11),
            ("src/x.rs::three", 16, 3)
        ]
    );
}

/// Every function of every Rust file under `src/`.
fn functions_in_src() -> Vec<Function> {
    let root = super::root();
    let mut paths = Vec::new();
    super::walk(&root.join("src"), &mut paths);
    let mut out = Vec::new();
    for path in paths
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
    {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let relative = path.strip_prefix(root).unwrap_or(path);
        out.extend(functions(relative, &text));
    }
    out
}

/// The functions with a body in one file's text; `path` names them.
fn functions(path: &Path, text: &str) -> Vec<Function> {
    let shown = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some((indent, name)) = fn_start(line) else {
            continue;
        };
        let Some(end) = body_end(&lines, i, indent) else {
            continue;
        };
        out.push(Function {
            key: format!("{shown}::{name}"),
            line: i + 1,
            lines: end - i + 1,
        });
    }
    out
}

/// If `line` starts a function item: its indentation and the function's name.
fn fn_start(line: &str) -> Option<(&str, &str)> {
    let mut rest = line.trim_start();
    let indent = line.get(..line.len() - rest.len())?;
    if let Some(r) = rest.strip_prefix("pub") {
        rest = match r.strip_prefix('(') {
            Some(r) => r.split_once(')')?.1,
            None => r,
        };
        rest = rest.trim_start();
    }
    loop {
        let before = rest;
        for qualifier in ["const ", "async ", "unsafe ", "extern \"C\" "] {
            if let Some(r) = rest.strip_prefix(qualifier) {
                rest = r.trim_start();
            }
        }
        if rest == before {
            break;
        }
    }
    let rest = rest.strip_prefix("fn ")?;
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let name = rest.get(..end)?;
    name.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        .then_some((indent, name))
}

/// The index of the line that closes the function starting at line `start` with indentation
/// `indent`; `None` for a declaration without a body.
fn body_end(lines: &[&str], start: usize, indent: &str) -> Option<usize> {
    // The signature runs until a line that opens the body (or holds all of it, `{}`) or ends it (`;`).
    let opens = (start..lines.len()).find(|&j| {
        let l = lines[j].trim_end();
        l.ends_with('{') || l.ends_with('}') || l.ends_with(';')
    })?;
    let l = lines[opens].trim_end();
    if l.ends_with(';') {
        return None;
    }
    if l.ends_with('}') {
        return Some(opens);
    }
    let closing = format!("{indent}}}");
    Some(
        (opens + 1..lines.len())
            .find(|&k| lines[k].trim_end() == closing)
            .unwrap_or(lines.len() - 1),
    )
}
