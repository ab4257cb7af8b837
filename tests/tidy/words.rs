//! The project speaks to its users: its code, tests, benchmarks and documents name no tracker issues,
//! no files outside the repository, no internal process documents, and no machine of its makers
//! ("this machine": a reader has their own). Figures name the hardware they were measured on, in
//! README.md and ARCHITECTURE.md; code comments say why, and leave the measurements to those.

use std::path::{Path, PathBuf};

use crate::files;

/// Names no file of the project may carry: the folder beside the repository, and the process
/// document of its makers (spelled in pieces so this file does not name them itself).
const FORBIDDEN: [&str; 2] = [concat!("..", "/shared"), concat!("DEVELOPERS", ".md")];

/// Phrases that speak of the makers' own machine (matched in lower case).
const OWN_MACHINE: [&str; 4] = [
    concat!("this ", "machine"),
    concat!("this 2-core ", "machine"),
    concat!("my ", "machine"),
    concat!("this ", "box"),
];

/// Whether `line` (of a file under `src/`) is a comment that carries a measurement.
fn comment_with_a_measurement(line: &str) -> bool {
    let trimmed = line.trim_start();
    trimmed.starts_with("//")
        && trimmed
            .to_ascii_lowercase()
            .contains(concat!("measure", "d"))
}

/// The word the issue check looks for (spelled once, so this file's own examples are built from it).
const WORD: &str = "issue";

/// Whether `line` names a tracker issue by number: the word, an optional `#`, then a digit, in any
/// case.
fn names_an_issue(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    lower.match_indices("issue").any(|(i, m)| {
        let rest = lower.get(i + m.len()..).unwrap_or_default();
        let rest = rest.strip_prefix(' ').unwrap_or(rest);
        let rest = rest.strip_prefix('#').unwrap_or(rest);
        rest.starts_with(|c: char| c.is_ascii_digit())
    })
}

#[test]
fn the_project_names_no_tracker_issue_and_no_file_outside_it() {
    let this = Path::new(file!()).file_name().map(PathBuf::from);
    // (file!() is this module: `words.rs`.)
    let mut found = Vec::new();
    for path in files() {
        // This file spells out what it looks for (in pieces, but still).
        if path.file_name().map(PathBuf::from) == this {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for (n, line) in text.lines().enumerate() {
            let lower = line.to_ascii_lowercase();
            let in_src = path.starts_with(crate::root().join("src"));
            if names_an_issue(line)
                || FORBIDDEN.iter().any(|f| line.contains(f))
                || OWN_MACHINE.iter().any(|m| lower.contains(m))
                || (in_src && comment_with_a_measurement(line))
            {
                found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "words only the project's makers understand:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_issue_check_finds_what_it_should() {
    assert!(names_an_issue(&format!("as {WORD} 5 said")));
    assert!(names_an_issue(&format!(
        "{} 6's goal",
        WORD.to_ascii_uppercase()
    )));
    assert!(names_an_issue(&format!("see {WORD} #12")));
    assert!(!names_an_issue("a known issue with sled"));
    assert!(!names_an_issue("the issues list"));
    assert!(comment_with_a_measurement(
        "    // Measured at 16 connections: 9 answers per flush"
    ));
    assert!(!comment_with_a_measurement("let measured = 3; // why"));
    assert!(
        OWN_MACHINE
            .iter()
            .any(|m| "On THIS machine".to_ascii_lowercase().contains(m))
    );
}
