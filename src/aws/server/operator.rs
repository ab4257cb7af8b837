//! The operator's secrets of one database, kept in a file of the database folder that only its owner
//! may read (mode 0600) and never in the log, so the log stays byte-deterministic:
//!
//! - the **token** every call of the control API (`/_slrsim/`) must carry, as
//!   `Authorization: Bearer TOKEN`, or once as `?token=TOKEN` (the answer then sets a cookie a
//!   browser sends after);
//! - the **key secret**, from which every access key's working secret is derived
//!   ([`crate::core::ids::working_secret`]): root keys and the keys CreateAccessKey hands out. The log
//!   holds only seed-derived placeholders, and the seed is in every log, so without this file nobody
//!   can compute a secret that signs.
//!
//! Both are random (the operating system's generator, through `getrandom`), made once per database
//! and kept across restarts. Deleting the file makes new ones: every key then has a new secret.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::protocol::HttpRequest;

/// The file's name inside the database folder.
pub const FILE_NAME: &str = crate::log::store::OPERATOR_FILE;
/// The cookie a browser keeps the token in.
pub const COOKIE: &str = "slrsim_token";

/// Why the operator file could not be read or made.
#[derive(Debug, thiserror::Error)]
pub enum OperatorError {
    /// Reading, writing or creating it failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
    /// Others than its owner may read it: its secrets may be known, so it is not used.
    #[error(
        "{}: readable by others than its owner (mode {mode:o}); run `chmod 600` on it if nobody else could have read it, or delete it to make new secrets (every access key then gets a new secret)",
        path.display()
    )]
    Exposed {
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// It is not what slrsim writes.
    #[error("{}: not an operator file slrsim wrote ({detail}); delete it to make new secrets", path.display())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// The operating system's random generator failed.
    #[error("no randomness from the operating system: {0}")]
    Random(String),
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Stored {
    /// 64 lower-case hex digits.
    token: String,
    /// 64 lower-case hex digits (32 bytes).
    key_secret: String,
}

/// The operator's secrets. `Debug` shows neither.
#[derive(Clone)]
pub struct Operator {
    token: String,
    key_secret: [u8; 32],
}

impl std::fmt::Debug for Operator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Operator { .. }")
    }
}

/// Whether a control call may go on, and how it proved it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// `Authorization: Bearer` or the cookie.
    Yes,
    /// `?token=` in the query: the answer sets the cookie, so a browser needs it only once.
    SetCookie,
    /// No token, or a wrong one.
    No,
}

fn hex(bytes: &[u8; 32]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

fn random() -> Result<[u8; 32], OperatorError> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| OperatorError::Random(e.to_string()))?;
    Ok(b)
}

impl Operator {
    /// Fresh secrets (not kept anywhere; [`Operator::load_or_create`] keeps them).
    pub fn generate() -> Result<Self, OperatorError> {
        Ok(Operator {
            token: hex(&random()?),
            key_secret: random()?,
        })
    }

    /// The secrets of the database in folder `db`: read from its operator file, or made and written
    /// there (creating the folder) if it has none. Two processes racing to make it end with the
    /// same secrets: the file appears whole, once, and the loser reads the winner's.
    pub fn load_or_create(db: &Path) -> Result<Self, OperatorError> {
        let path = db.join(FILE_NAME);
        let io = |source| OperatorError::Io {
            path: path.clone(),
            source,
        };
        match Self::load(&path) {
            Err(OperatorError::Io { source, .. })
                if source.kind() == std::io::ErrorKind::NotFound => {}
            other => return other,
        }
        std::fs::create_dir_all(db).map_err(io)?;
        let fresh = Self::generate()?;
        let text = serde_json::to_string(&Stored {
            token: fresh.token.clone(),
            key_secret: hex(&fresh.key_secret),
        })
        .map_err(|e| io(std::io::Error::other(e)))?;
        // Written whole under a name of its own, then linked into place: linking fails if the file
        // appeared meanwhile, and a crash leaves at most a stray temporary file, never a torn one.
        let tmp = db.join(format!("{FILE_NAME}.{}.tmp", hex(&random()?)));
        let written = (|| {
            let mut f = private_file(&tmp)?;
            f.write_all(text.as_bytes())?;
            f.sync_all()?;
            std::fs::hard_link(&tmp, &path)
        })();
        let _ = std::fs::remove_file(&tmp);
        match written {
            Ok(()) => {
                // The new name is durable once the folder is.
                if let Ok(dir) = std::fs::File::open(db) {
                    let _ = dir.sync_all();
                }
                Ok(fresh)
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Self::load(&path),
            Err(e) => Err(io(e)),
        }
    }

    fn load(path: &Path) -> Result<Self, OperatorError> {
        let io = |source| OperatorError::Io {
            path: path.to_path_buf(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(io)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(OperatorError::Exposed {
                    path: path.to_path_buf(),
                    mode,
                });
            }
        }
        if meta.len() > 4096 {
            return Err(OperatorError::Malformed {
                path: path.to_path_buf(),
                detail: "too long".into(),
            });
        }
        let text = std::fs::read_to_string(path).map_err(io)?;
        let malformed = |detail: String| OperatorError::Malformed {
            path: path.to_path_buf(),
            detail,
        };
        let stored: Stored = serde_json::from_str(&text).map_err(|e| malformed(e.to_string()))?;
        let key_secret =
            unhex(&stored.key_secret).ok_or_else(|| malformed("bad key_secret".into()))?;
        if unhex(&stored.token).is_none() {
            return Err(malformed("bad token".into()));
        }
        Ok(Operator {
            token: stored.token,
            key_secret,
        })
    }

    /// The control API's token.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The secret `access_key_id` signs with at this database's server.
    pub fn working_secret(&self, access_key_id: &str) -> String {
        crate::core::ids::working_secret(&self.key_secret, access_key_id)
    }

    /// The root key of `account` under `seed`: its id (from the seed, as the log knows it) and its
    /// working secret.
    pub fn root_key(&self, seed: u64, account: &str) -> (String, String) {
        let (id, _) = crate::core::ids::root_access_key(seed, account);
        let secret = self.working_secret(&id);
        (id, secret)
    }

    /// Whether `req` carries the token: `Authorization: Bearer TOKEN`, the cookie, or `?token=`.
    /// Compared in constant time (BLAKE3 hashes, whose equality is constant-time, so neither the
    /// position of the first difference nor the length shows in the time taken).
    pub fn grant(&self, req: &HttpRequest) -> Grant {
        let matches =
            |given: &str| blake3::hash(given.as_bytes()) == blake3::hash(self.token.as_bytes());
        let mut bearer = false;
        let mut cookie = false;
        for (name, value) in &req.headers {
            if name.eq_ignore_ascii_case("authorization") {
                if let Some(t) = strip_prefix_ignore_case(value.trim(), "bearer ") {
                    bearer |= matches(t.trim());
                }
            } else if name.eq_ignore_ascii_case("cookie") {
                for pair in value.split(';') {
                    if let Some((n, v)) = pair.trim().split_once('=') {
                        cookie |= n == COOKIE && matches(v);
                    }
                }
            }
        }
        if bearer || cookie {
            return Grant::Yes;
        }
        let query = form_urlencoded::parse(req.query().as_bytes())
            .filter(|(k, _)| k == "token")
            .any(|(_, v)| matches(&v));
        if query { Grant::SetCookie } else { Grant::No }
    }

    /// The `Set-Cookie` value that keeps the token in a browser: sent only back to the control API
    /// (`Path=/_slrsim/`), never to scripts (`HttpOnly`), never on a request another site starts
    /// (`SameSite=Strict`).
    pub fn set_cookie(&self) -> String {
        format!(
            "{COOKIE}={}; Path={}; HttpOnly; SameSite=Strict",
            self.token,
            super::protocol::CONTROL_PREFIX
        )
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

/// Creates `path` readable and writable by its owner alone, failing if it exists.
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(uri: &str, headers: &[(&str, &str)]) -> HttpRequest {
        HttpRequest {
            method: "GET".into(),
            uri: uri.into(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: Vec::new(),
        }
    }

    #[test]
    fn the_file_is_made_once_private_and_kept() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("db");
        let a = Operator::load_or_create(&db).expect("made");
        let b = Operator::load_or_create(&db).expect("read back");
        assert_eq!(a.token(), b.token());
        assert_eq!(a.working_secret("AKIAX"), b.working_secret("AKIAX"));
        assert_eq!(a.token().len(), 64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let path = db.join(FILE_NAME);
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            // Nothing else is left in the folder (no temporary file).
            let names: Vec<_> = std::fs::read_dir(&db)
                .expect("list")
                .map(|e| e.expect("entry").file_name())
                .collect();
            assert_eq!(names, vec![std::ffi::OsString::from(FILE_NAME)]);
            // Readable by others: refused, not used.
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
            assert!(matches!(
                Operator::load_or_create(&db),
                Err(OperatorError::Exposed { mode: 0o644, .. })
            ));
        }
        // Another database gets other secrets.
        let c = Operator::load_or_create(&dir.path().join("other")).expect("made");
        assert_ne!(a.token(), c.token());
        assert_ne!(a.working_secret("AKIAX"), c.working_secret("AKIAX"));
        assert!(!format!("{a:?}").contains(a.token()));
    }

    #[test]
    fn a_torn_file_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(FILE_NAME);
        private_file(&path)
            .and_then(|mut f| f.write_all(b"{\"token\":\"ab"))
            .expect("write");
        assert!(matches!(
            Operator::load_or_create(dir.path()),
            Err(OperatorError::Malformed { .. })
        ));
    }

    #[test]
    fn the_token_is_taken_from_bearer_cookie_or_query() {
        let op = Operator::generate().expect("random");
        let t = op.token().to_string();
        let bearer = format!("Bearer {t}");
        assert_eq!(
            op.grant(&req("/_slrsim/status", &[("Authorization", &bearer)])),
            Grant::Yes
        );
        let lower = format!("bearer {t}");
        assert_eq!(
            op.grant(&req("/_slrsim/status", &[("authorization", &lower)])),
            Grant::Yes
        );
        let cookie = format!("other=1; {COOKIE}={t}");
        assert_eq!(
            op.grant(&req("/_slrsim/status", &[("Cookie", &cookie)])),
            Grant::Yes
        );
        assert_eq!(
            op.grant(&req(&format!("/_slrsim/status?x=1&token={t}"), &[])),
            Grant::SetCookie
        );
        assert_eq!(op.grant(&req("/_slrsim/status", &[])), Grant::No);
        let wrong = format!("Bearer {}", t.get(..63).expect("a 64-character token"));
        assert_eq!(
            op.grant(&req("/_slrsim/status", &[("Authorization", &wrong)])),
            Grant::No
        );
        assert_eq!(
            op.grant(&req(
                "/_slrsim/status?token=",
                &[("Cookie", "slrsim_token=")]
            )),
            Grant::No
        );
        // A SigV4 header is not the token.
        assert_eq!(
            op.grant(&req(
                "/_slrsim/status",
                &[("Authorization", "AWS4-HMAC-SHA256 Credential=x")]
            )),
            Grant::No
        );
        let c = op.set_cookie();
        assert!(
            c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.contains("Path=/_slrsim/")
        );
    }
}
