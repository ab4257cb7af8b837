//! The page of a running server (`GET /_slrsim/`): the timeline of its records, the role's life per
//! account, and for a chosen record the state after it, its diff and `explain`'s answer. Plain HTML,
//! CSS and one JavaScript module, embedded in the binary as written (no build step, nothing fetched
//! from the network); the page reads the control API's own reads, so it sees exactly what
//! `slrsim --server` sees, and needs the operator's token like every control call (a browser gives
//! it once as `?token=`; the answer sets the cookie the page's reads then carry).

use super::protocol::HttpResponse;

/// One file of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asset {
    /// `/_slrsim/` (also `/_slrsim/page/index.html`).
    Index,
    /// `/_slrsim/page/app.js`.
    Script,
    /// `/_slrsim/page/style.css`.
    Style,
}

impl Asset {
    /// The asset at `what`, the path after `/_slrsim/`.
    pub fn at(what: &str) -> Option<Asset> {
        match what {
            "" | "page/" | "page/index.html" => Some(Asset::Index),
            "page/app.js" => Some(Asset::Script),
            "page/style.css" => Some(Asset::Style),
            _ => None,
        }
    }

    fn content(self) -> (&'static str, &'static str) {
        match self {
            Asset::Index => ("text/html; charset=utf-8", include_str!("page/index.html")),
            Asset::Script => (
                "text/javascript; charset=utf-8",
                include_str!("page/app.js"),
            ),
            Asset::Style => ("text/css; charset=utf-8", include_str!("page/style.css")),
        }
    }

    /// The answer: the file, with headers that keep it to this origin. The token may be in the
    /// address the page was opened with, so no Referer leaves it, and nothing else may frame or
    /// script the page.
    pub fn answer(self) -> HttpResponse {
        let (content_type, body) = self.content();
        HttpResponse {
            status: 200,
            headers: vec![
                ("Content-Type", content_type.to_string()),
                (
                    "Content-Security-Policy",
                    "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
                        .to_string(),
                ),
                ("X-Content-Type-Options", "nosniff".to_string()),
                ("Referrer-Policy", "no-referrer".to_string()),
                ("Cache-Control", "no-store".to_string()),
            ],
            body: body.as_bytes().to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_is_served_with_its_type_and_the_page_names_the_others() {
        let index = String::from_utf8(Asset::Index.answer().body).unwrap_or_default();
        for (path, asset, kind) in [
            ("page/app.js", Asset::Script, "text/javascript"),
            ("page/style.css", Asset::Style, "text/css"),
            ("", Asset::Index, "text/html"),
        ] {
            assert_eq!(Asset::at(path), Some(asset));
            let a = asset.answer();
            assert!(
                a.headers
                    .iter()
                    .any(|(k, v)| *k == "Content-Type" && v.starts_with(kind))
            );
            if !path.is_empty() {
                assert!(index.contains(&format!("/_slrsim/{path}")), "{path}");
            }
        }
        assert_eq!(Asset::at("page/../operator.json"), None);
    }
}
