//! The project speaks to its users: its code, tests, benchmarks and documents name no tracker issues,
//! no files outside the repository and no internal process documents.

use std::path::{Path, PathBuf};

use crate::files;

/// Names no file of the project may carry: the folder beside the repository, and the process
/// document of its makers (spelled in pieces so this file does not name them itself).
const FORBIDDEN: [&str; 2] = [concat!("..", "/shared"), concat!("DEVELOPERS", ".md")];

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
            if names_an_issue(line) || FORBIDDEN.iter().any(|f| line.contains(f)) {
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
}
