//! The differences between two states, leaf by leaf, as JSON paths.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::core::state::State;

/// How a value changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// Present after, not before.
    Added,
    /// Present before, not after.
    Removed,
    /// Present in both, different.
    Changed,
}

/// One difference between two states, at a JSON path such as
/// `/accounts/111122223333/roles/AWSServiceRoleForMediaTailor/description`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Where.
    pub path: String,
    /// How.
    pub kind: ChangeKind,
    /// The value before (absent when added).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    /// The value after (absent when removed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let show = |v: &Option<Value>| v.as_ref().map(compact).unwrap_or_default();
        match self.kind {
            ChangeKind::Added => write!(f, "+ {} = {}", self.path, show(&self.after)),
            ChangeKind::Removed => write!(f, "- {} (was {})", self.path, show(&self.before)),
            ChangeKind::Changed => write!(
                f,
                "~ {}: {} -> {}",
                self.path,
                show(&self.before),
                show(&self.after)
            ),
        }
    }
}

fn compact(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 160 {
        let head: String = s.chars().take(160).collect();
        format!("{head}...")
    } else {
        s
    }
}

/// The differences between two states, leaf by leaf (whole objects when added or removed).
pub fn diff(before: &State, after: &State) -> Vec<Change> {
    let a = serde_json::to_value(before).unwrap_or(Value::Null);
    let b = serde_json::to_value(after).unwrap_or(Value::Null);
    let mut out = Vec::new();
    diff_values("", &a, &b, &mut out);
    out
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn diff_values(path: &str, a: &Value, b: &Value, out: &mut Vec<Change>) {
    if a == b {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, va) in x {
                let p = format!("{path}/{}", escape(k));
                match y.get(k) {
                    Some(vb) => diff_values(&p, va, vb, out),
                    None if !va.is_null() => out.push(Change {
                        path: p,
                        kind: ChangeKind::Removed,
                        before: Some(va.clone()),
                        after: None,
                    }),
                    None => {}
                }
            }
            for (k, vb) in y {
                if !x.contains_key(k) && !vb.is_null() {
                    out.push(Change {
                        path: format!("{path}/{}", escape(k)),
                        kind: ChangeKind::Added,
                        before: None,
                        after: Some(vb.clone()),
                    });
                }
            }
        }
        (Value::Null, _) => out.push(Change {
            path: path.to_string(),
            kind: ChangeKind::Added,
            before: None,
            after: Some(b.clone()),
        }),
        (_, Value::Null) => out.push(Change {
            path: path.to_string(),
            kind: ChangeKind::Removed,
            before: Some(a.clone()),
            after: None,
        }),
        _ => out.push(Change {
            path: path.to_string(),
            kind: ChangeKind::Changed,
            before: Some(a.clone()),
            after: Some(b.clone()),
        }),
    }
}
