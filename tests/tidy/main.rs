//! Tidy checks over the project's own source and text, in the spirit of rust-analyzer's `tidy`: rules a
//! compiler does not keep, kept by a test.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use std::path::{Path, PathBuf};

mod function_length;
mod layers;
mod operations;
mod words;

/// The repository's root.
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every file the checks read: Rust sources, the README and ARCHITECTURE.md, the end-to-end scripts,
/// the Python package.
pub(crate) fn files() -> Vec<PathBuf> {
    let root = root();
    let mut out = vec![root.join("README.md"), root.join("ARCHITECTURE.md")];
    for dir in ["src", "tests", "benches", "examples", "python"] {
        walk(&root.join(dir), &mut out);
    }
    out
}

pub(crate) fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            // The golden logs are data written by the program, not prose.
            if path.file_name().is_some_and(|n| n == "golden") {
                continue;
            }
            walk(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e == "rs" || e == "md" || e == "sh" || e == "py")
        {
            out.push(path);
        }
    }
}
