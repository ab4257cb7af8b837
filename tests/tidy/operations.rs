//! The operation registry (`slrsim::core::operation`) against what is written by hand: the README's
//! tables of served operations, of control calls and of scenario operations, and the operation-name
//! lists tests keep. A served operation missing from the README, or a list missing an operation, fails
//! here rather than being found by a user.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use slrsim::aws::wire::query_xml::{IAM_VERSION, STS_VERSION};
use slrsim::core::operation::{NAMES, OperationKind, Route, Service, Spec};

use crate::{root, walk};

fn readme() -> String {
    std::fs::read_to_string(root().join("README.md")).expect("README.md")
}

/// The rows of the first table after the line starting with `heading`, as trimmed cells.
fn table_after(text: &str, heading: &str) -> Vec<Vec<String>> {
    let lines = text
        .lines()
        .skip_while(|l| !l.starts_with(heading))
        .skip(1)
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'));
    lines
        .skip(2) // the header and the separator
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

/// The `code` spans of a cell.
fn code_spans(cell: &str) -> Vec<&str> {
    cell.split('`').skip(1).step_by(2).collect()
}

fn specs() -> impl Iterator<Item = &'static Spec> {
    OperationKind::ALL.iter().map(|k| k.spec())
}

const SERVED_BEGIN: &str = "<!-- served operations: begin";
const SERVED_END: &str = "<!-- served operations: end -->";

/// The README's table of served operations is the registry's, rendered by `slrsim::aws::served`:
/// every served operation, its service and protocol, how a request names it, its permission and what
/// differs from AWS. `SLRSIM_README_WRITE=1` rewrites the README's copy instead of failing.
#[test]
fn the_readme_lists_every_served_operation_as_the_registry_renders_it() {
    let text = readme();
    // Split on the markers (no byte indexing: the README is not ASCII).
    let (head, rest) = text
        .split_once(SERVED_BEGIN)
        .expect("README.md: the served-operations markers are gone");
    let (marker_rest, rest) = rest
        .split_once('\n')
        .expect("a line after the served-operations marker");
    let (copy, tail) = rest
        .split_once(SERVED_END)
        .expect("README.md: the served-operations end marker is gone");
    let table = slrsim::aws::served::markdown();
    if std::env::var("SLRSIM_README_WRITE").as_deref() == Ok("1") {
        let new = format!("{head}{SERVED_BEGIN}{marker_rest}\n{table}{SERVED_END}{tail}");
        std::fs::write(root().join("README.md"), new).expect("write README.md");
        return;
    }
    assert!(
        copy == table,
        "README.md's table of served operations is not the registry's; run \
         `SLRSIM_README_WRITE=1 cargo test --test tidy` and read the diff\n{table}"
    );
    // Every AWS call of the registry is in it, with its protocol's words.
    for spec in specs().filter(|s| !s.is_simulation()) {
        let words = match (spec.route, spec.service) {
            (Route::Query, Service::Iam) => format!("Version={IAM_VERSION}"),
            (Route::Query, _) => format!("Version={STS_VERSION}"),
            (Route::RestJson { method, path, .. }, _) => format!("`{method} {path}"),
            (Route::JsonTarget { target }, _) => format!("X-Amz-Target: {target}`"),
            _ => panic!("{} is an AWS call without an AWS route", spec.name),
        };
        let row = table
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", spec.name)))
            .unwrap_or_else(|| panic!("the served table has no row for {}", spec.name));
        assert!(
            row.contains(&words),
            "{}: the row should say {words}",
            spec.name
        );
    }
}

#[test]
fn the_readme_lists_every_control_call_that_records_an_operation() {
    let text = readme();
    let rows = table_after(&text, "**The control API**");
    let mut listed = BTreeMap::new();
    for row in &rows {
        let call = code_spans(&row[0]).first().copied().unwrap_or_default();
        // `POST /_slrsim/advance?seconds=N` -> ("POST", "/_slrsim/advance")
        let call = call
            .split(['?', '['])
            .next()
            .unwrap_or_default()
            .to_string();
        if let Some(records) = row[1].strip_prefix("records `") {
            let name = records.split('`').next().unwrap_or_default().to_string();
            listed.insert(name, call);
        }
    }
    let expected: BTreeMap<String, String> = specs()
        .filter_map(|s| match s.route {
            Route::Control { method, path } => {
                Some((s.name.to_string(), format!("{method} {path}")))
            }
            _ => None,
        })
        .collect();
    assert_eq!(listed, expected, "README.md's control API table");
}

#[test]
fn the_readme_lists_every_scenario_operation_under_its_service() {
    let text = readme();
    let rows = table_after(&text, "### Operations");
    let mut seen = BTreeMap::new();
    for row in &rows {
        for span in code_spans(&row[1]) {
            let name = span.split([' ', '(']).next().unwrap_or_default();
            // Operations are capitalised; `serve` and the like are prose.
            if !name.starts_with(|c: char| c.is_ascii_uppercase()) {
                continue;
            }
            let old = seen.insert(name.to_string(), row[0].clone());
            assert!(
                old.is_none(),
                "README.md's Operations table lists {name} twice"
            );
        }
    }
    for spec in specs() {
        if spec.route == Route::Reserved {
            assert!(
                !seen.contains_key(spec.name),
                "{} is not for scenarios",
                spec.name
            );
            continue;
        }
        let service = seen
            .remove(spec.name)
            .unwrap_or_else(|| panic!("README.md's Operations table does not list {}", spec.name));
        assert!(
            service.starts_with(spec.service.name()),
            "README.md lists {} under {service}, not {}",
            spec.name,
            spec.service.name()
        );
    }
    assert!(
        seen.is_empty(),
        "README.md lists unknown operations {seen:?}"
    );
}

/// The names in the first `[` ... `]` or `(` ... `)` after `marker` in `text`: quoted strings or
/// bare identifiers, whichever the list is made of.
fn names_after(text: &str, marker: &str) -> Option<BTreeSet<String>> {
    let start = text.find(marker)? + marker.len();
    let rest = text.get(start..)?;
    let end = rest.find([']', ')'])?;
    let body = rest.get(..end)?;
    Some(
        body.split(',')
            .map(|n| n.trim().trim_matches('"').to_string())
            .filter(|n| !n.is_empty())
            .collect(),
    )
}

/// Tests that keep their own list of operation names keep the registry's, wherever they live.
#[test]
fn the_operation_lists_tests_keep_equal_the_registry() {
    let registry: BTreeSet<String> = NAMES.iter().map(|n| n.to_string()).collect();
    let mut files: Vec<PathBuf> = Vec::new();
    walk(&root().join("tests"), &mut files);
    // Spelled in pieces, so that this file does not hold the lists' markers itself.
    let markers = [
        concat!("const OP_", "NAMES: &[&str] = &["),
        concat!("\nopera", "tions!("),
    ];
    for path in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
    {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        for marker in markers {
            let Some(names) = names_after(&text, marker) else {
                continue;
            };
            assert_eq!(
                names,
                registry,
                "{}: the list after `{}` differs from slrsim::core::operation::NAMES",
                path.strip_prefix(root()).unwrap_or(path).display(),
                marker.trim()
            );
        }
    }
}
