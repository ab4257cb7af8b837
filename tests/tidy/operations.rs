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

/// How the README's table of served operations names an operation: by its `Action` or target name,
/// or for rest-json by its method and path.
fn shown_route(spec: &Spec) -> Option<String> {
    match spec.route {
        Route::Query | Route::JsonTarget { .. } => Some(spec.name.to_string()),
        Route::RestJson { method, path, .. } => Some(format!("{method} {path}")),
        Route::Control { .. } | Route::Scenario | Route::Reserved => None,
    }
}

/// Whether a code span of the table names an operation (`GetRole`) or a rest-json route
/// (`GET /playbackConfigurations`), rather than showing a command (`aws sts get-caller-identity`).
fn is_route(span: &str) -> bool {
    let http = ["GET ", "PUT ", "POST ", "DELETE "];
    span.chars().all(|c| c.is_ascii_alphanumeric())
        || http
            .iter()
            .any(|m| span.strip_prefix(m).is_some_and(|p| p.starts_with('/')))
}

/// What the first cell of a service's row must say about its protocol.
fn protocol_words(spec: &Spec) -> Vec<String> {
    match (spec.route, spec.service) {
        (Route::Query, Service::Iam) => vec![
            "query protocol".to_string(),
            format!("Version={IAM_VERSION}"),
        ],
        (Route::Query, _) => vec![
            "query protocol".to_string(),
            format!("Version={STS_VERSION}"),
        ],
        (Route::RestJson { .. }, _) => vec!["rest-json".to_string()],
        (Route::JsonTarget { target }, _) => {
            let prefix = target.split_once('.').map_or(target, |(p, _)| p);
            vec![format!("X-Amz-Target: {prefix}.*")]
        }
        _ => Vec::new(),
    }
}

#[test]
fn the_readme_lists_every_served_operation_with_its_service_and_route_and_nothing_else() {
    let text = readme();
    let rows = table_after(&text, "**What is served");
    assert!(
        !rows.is_empty(),
        "README.md: the table of what is served is gone"
    );
    // service name -> (the row's first cell, the routes it lists)
    let mut listed: BTreeMap<String, (String, BTreeSet<String>)> = BTreeMap::new();
    for row in &rows {
        let service = row[0].split(',').next().unwrap_or_default().to_string();
        let routes = code_spans(&row[1])
            .into_iter()
            .filter(|s| is_route(s))
            .map(String::from)
            .collect();
        let old = listed.insert(service.clone(), (row[0].clone(), routes));
        assert!(old.is_none(), "README.md: two rows for {service}");
    }
    let mut expected: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for spec in specs() {
        let Some(route) = shown_route(spec) else {
            continue;
        };
        let service = spec.service.name().to_string();
        expected.entry(service.clone()).or_default().insert(route);
        let (first, _) = listed
            .get(&service)
            .unwrap_or_else(|| panic!("README.md serves no {service}, which {} is", spec.name));
        for words in protocol_words(spec) {
            assert!(
                first.contains(&words),
                "README.md: the {service} row should say `{words}`"
            );
        }
    }
    let listed: BTreeMap<String, BTreeSet<String>> =
        listed.into_iter().map(|(s, (_, r))| (s, r)).collect();
    for (service, routes) in &expected {
        let got = listed.get(service).cloned().unwrap_or_default();
        let missing: Vec<_> = routes.difference(&got).collect();
        let extra: Vec<_> = got.difference(routes).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "README.md's {service} row: missing {missing:?}, not served {extra:?}"
        );
    }
    let unknown: Vec<_> = listed
        .keys()
        .filter(|s| !expected.contains_key(*s))
        .collect();
    assert!(
        unknown.is_empty(),
        "README.md serves {unknown:?}, which the registry does not"
    );
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
