//! The folder tree is the code map: each folder of `src/` is one layer, and a layer uses only the
//! layers before it. This test keeps the rules ARCHITECTURE.md states:
//!
//! | layer        | may use                                  |
//! |--------------|------------------------------------------|
//! | `core`       | nothing else in the crate, no I/O crate  |
//! | `log`        | `core`                                   |
//! | `simulator`  | `core`, `log`                            |
//! | `timetravel` | `core`, `log`, `simulator`               |
//! | `aws`        | `core`, `log`, `simulator`, `timetravel` |
//! | `testing`    | everything but `aws`                     |
//! | `bin/slrsim` | everything                               |
//!
//! and sled is named only in `log`. A unit-test module at the end of a file (`#[cfg(test)] mod tests`)
//! may use what `testing` may, and `testing` itself: the generator and the reference model are for tests.
//!
//! Paths are read from the source text (`crate::layer::…`, `crate::{layer, …}`), comments left out.
//! A file inside a layer must name other layers by their path, not through the crate root's
//! re-exports (`crate::State`), so that every use is visible here.

use std::path::Path;

use crate::{root, walk};

/// The layers, and the ones each may use.
const RULES: &[(&str, &[&str])] = &[
    ("core", &[]),
    ("log", &["core"]),
    ("simulator", &["core", "log"]),
    ("timetravel", &["core", "log", "simulator"]),
    ("aws", &["core", "log", "simulator", "timetravel"]),
    ("testing", &["core", "log", "simulator", "timetravel"]),
];

/// What a unit-test module may use besides its own layer's allowance: what the testing layer may,
/// and the testing layer itself.
const TESTS_MAY_USE: &[&str] = &["core", "log", "simulator", "timetravel", "testing"];

/// What `core` must not name: crates and standard modules that do I/O, read a clock, spawn, or
/// belong to the test tools. `core` is pure: `decide` and `apply` are functions of their arguments.
const NOT_IN_CORE: &[&str] = &[
    "sled::",
    "tokio::",
    "hyper::",
    "hyper_util::",
    "http_body_util::",
    "tracing_subscriber::",
    "tempfile::",
    "proptest::",
    "proptest_state_machine::",
    "fs2::",
    "getrandom::",
    "clap::",
    "std::fs",
    "std::net",
    "std::thread",
    "std::process",
    "std::env",
    "std::io",
    "SystemTime",
    "Instant::",
];

/// The code of a file: comments dropped, and the unit-test module at its end cut off (returned
/// apart).
fn code_and_tests(text: &str) -> (String, String) {
    let mut code = String::new();
    let mut tests = String::new();
    let mut in_tests = false;
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if trimmed == "#[cfg(test)]"
            && lines
                .peek()
                .is_some_and(|next| next.trim_start().starts_with("mod "))
        {
            in_tests = true;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        // A trailing comment is dropped too (a `//` inside a string literal would be cut with it,
        // which only hides text from this check, never adds any).
        let line = line.split(" //").next().unwrap_or_default();
        let out = if in_tests { &mut tests } else { &mut code };
        out.push_str(line);
        out.push('\n');
    }
    (code, tests)
}

/// The crate-level names a piece of code uses: `x` of every `crate::x` and of `crate::{x, y::z}`.
fn crate_names(code: &str) -> Vec<String> {
    let mut names = Vec::new();
    for (i, m) in code.match_indices("crate::") {
        // `$crate::` in a macro is not a use of the crate's layers by this file.
        if code.get(..i).is_some_and(|before| before.ends_with('$')) {
            continue;
        }
        let rest = code.get(i + m.len()..).unwrap_or_default();
        if let Some(group) = rest.strip_prefix('{') {
            // Only the first segment of each item of the group: `{core::state, log}`.
            let mut depth = 0usize;
            let mut item = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        names.push(first_segment(&item));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                if depth == 0 {
                    item.push(c);
                }
            }
            names.push(first_segment(&item));
        } else {
            names.push(first_segment(rest));
        }
    }
    names.retain(|n| !n.is_empty());
    names
}

fn first_segment(s: &str) -> String {
    s.trim()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// The layer a file of `src/` belongs to, if it is in one.
fn layer_of(relative: &Path) -> Option<&'static str> {
    let first = relative.components().next()?.as_os_str().to_str()?;
    RULES.iter().map(|(l, _)| *l).find(|l| *l == first)
}

/// Every rule broken in the tree, one line each.
fn broken_rules() -> Vec<String> {
    let src = root().join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    let mut found = Vec::new();
    for path in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
    {
        let Ok(relative) = path.strip_prefix(&src) else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(path) else {
            found.push(format!("{}: cannot be read", relative.display()));
            continue;
        };
        let (code, tests) = code_and_tests(&text);
        if layer_of(relative) != Some("log") && code.contains("sled::") {
            found.push(format!(
                "{}: names sled, which only the log layer may",
                relative.display()
            ));
        }
        let Some(layer) = layer_of(relative) else {
            continue;
        };
        let allowed = RULES
            .iter()
            .find(|(l, _)| *l == layer)
            .map(|(_, a)| *a)
            .unwrap_or_default();
        for (part, is_test) in [(&code, false), (&tests, true)] {
            for name in crate_names(part) {
                let ok = name == layer
                    || allowed.contains(&name.as_str())
                    || (is_test && TESTS_MAY_USE.contains(&name.as_str()));
                if !ok {
                    let why = if RULES.iter().any(|(l, _)| *l == name) {
                        format!("uses the `{name}` layer")
                    } else {
                        format!("uses `crate::{name}`; name the layer it comes from")
                    };
                    found.push(format!("{}: layer `{layer}` {why}", relative.display()));
                }
            }
        }
        if layer == "core" {
            for bad in NOT_IN_CORE.iter().filter(|b| code.contains(*b)) {
                found.push(format!(
                    "{}: the pure core names `{bad}`",
                    relative.display()
                ));
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

#[test]
fn each_layer_uses_only_the_layers_before_it() {
    let found = broken_rules();
    assert!(
        found.is_empty(),
        "the dependency rules of ARCHITECTURE.md are broken:\n{}",
        found.join("\n")
    );
}

#[test]
fn every_folder_of_src_is_a_layer_the_rules_name() {
    let src = root().join("src");
    let mut unnamed = Vec::new();
    for entry in std::fs::read_dir(&src).expect("src/ is readable").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_layer = RULES.iter().any(|(l, _)| *l == name);
        let expected = if entry.path().is_dir() {
            is_layer || name == "bin"
        } else {
            name == "lib.rs"
        };
        if !expected {
            unnamed.push(name);
        }
    }
    assert!(
        unnamed.is_empty(),
        "src/ holds only lib.rs, bin/ and the layers; not in a layer: {unnamed:?}"
    );
}

#[test]
fn the_check_sees_the_uses_it_should() {
    let (code, tests) = code_and_tests(
        "use crate::core::state::State;\n// use crate::aws::x;\nuse crate::{log::store, simulator};\n\
         let x = crate::timetravel::diff(a, b); // crate::testing::y\nmacro_rules! m { () => { $crate::aws } }\n\
         #[cfg(test)]\nmod tests {\n    use crate::testing::reference;\n}\n",
    );
    assert_eq!(
        crate_names(&code),
        ["core", "log", "simulator", "timetravel"],
        "comments and `$crate` are not uses"
    );
    assert_eq!(crate_names(&tests), ["testing"]);
    assert_eq!(
        crate_names("use crate::{core::{state::State, event}, log};"),
        ["core", "log"]
    );
}
