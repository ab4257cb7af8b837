//! Authorisation: identity policies are evaluated by `iam-rs` (see ARCHITECTURE.md for why); role trust
//! policies, which `iam-rs` does not evaluate (they have a Principal and no Resource), by a small matcher
//! here. Both are pure.

use iam_rs::{
    Arn, ContextValue, Decision, IAMPolicy, IAMRequest, PolicyEvaluator, Principal, PrincipalId,
};
use serde_json::Value;

use crate::core::catalog;
use crate::core::error::{ApiError, ErrorCode};
use crate::core::state::{Account, Role, User};

/// Who makes a call.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Caller<'a> {
    /// The account's root user: every call is allowed.
    Root,
    /// An IAM user, allowed what its policies allow.
    User(&'a User),
}

/// The outcome of evaluating identity policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Some statement allows and none denies.
    Allow,
    /// A statement explicitly denies.
    ExplicitDeny,
    /// No statement allows.
    ImplicitDeny,
}

/// One authorisation question.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Request<'a> {
    /// The IAM action, e.g. `iam:CreateServiceLinkedRole`.
    pub action: &'a str,
    /// The resource ARN.
    pub resource: &'a str,
    /// The `iam:AWSServiceName` condition key, when the call has one.
    pub aws_service_name: Option<&'a str>,
}

impl<'a> Request<'a> {
    /// A request without condition keys.
    pub(crate) fn new(action: &'a str, resource: &'a str) -> Self {
        Request {
            action,
            resource,
            aws_service_name: None,
        }
    }
}

/// Resolves the caller named in an action: `root`, or a user of the account.
pub(crate) fn resolve_caller<'a>(
    account: &'a Account,
    caller: &str,
) -> Result<Caller<'a>, ApiError> {
    if caller == crate::core::action::ROOT {
        return Ok(Caller::Root);
    }
    account.users.get(caller).map(Caller::User).ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidClientTokenId,
            "The security token included in the request is invalid.",
        )
    })
}

/// How every AWS managed policy's ARN begins.
const AWS_POLICY_ARN_PREFIX: &str = "arn:aws:iam::aws:";
/// What it is evaluated as (see [`evaluate`]).
const AWS_POLICY_STANDIN: &str = "arn:aws:iam::000000000000:";

/// Evaluates `documents` for `principal_arn`: an explicit Deny in any document wins, then an Allow in
/// any; otherwise the implicit deny. Each document is evaluated on its own, so one that does not parse
/// or evaluate (possible only in hand-edited logs: documents are validated when stored) grants and
/// denies nothing and cannot cancel the others.
pub(crate) fn evaluate<'d>(
    documents: impl IntoIterator<Item = &'d str>,
    principal_arn: &str,
    req: &Request<'_>,
) -> Verdict {
    // AWS managed policies are `arn:aws:iam::aws:policy/...`, and iam-rs takes only 12-digit
    // accounts in a request's resource; such a request is evaluated with a stand-in account, in the
    // resource and in the documents' patterns alike, so that `*`, `arn:aws:iam::*:policy/*` and
    // `arn:aws:iam::aws:policy/X` match as AWS matches them. Only requests on a managed policy are
    // rewritten (slrsim models no customer managed policy, so no real policy has the stand-in's ARN).
    let standin = req
        .resource
        .strip_prefix(AWS_POLICY_ARN_PREFIX)
        .map(|rest| format!("{AWS_POLICY_STANDIN}{rest}"));
    let Ok(resource) = Arn::parse(standin.as_deref().unwrap_or(req.resource)) else {
        return Verdict::ImplicitDeny;
    };
    let mut request = IAMRequest::new(
        Principal::Aws(PrincipalId::String(principal_arn.to_string())),
        req.action,
        resource,
    );
    if let Some(svc) = req.aws_service_name {
        request.context.insert(
            "iam:AWSServiceName".to_string(),
            ContextValue::String(svc.to_string()),
        );
    }
    let mut allowed = false;
    for doc in documents {
        let rewritten = standin
            .as_ref()
            .map(|_| doc.replace(AWS_POLICY_ARN_PREFIX, AWS_POLICY_STANDIN));
        let decision = with_evaluator(rewritten.as_deref().unwrap_or(doc), |evaluator| {
            evaluator.and_then(|e| e.evaluate(&request).ok().map(|r| r.decision))
        });
        match decision {
            Some(Decision::Deny) => return Verdict::ExplicitDeny,
            Some(Decision::Allow) => allowed = true,
            _ => {}
        }
    }
    if allowed {
        Verdict::Allow
    } else {
        Verdict::ImplicitDeny
    }
}

/// Most parsed documents kept per thread (a long history keeps reusing a handful).
const EVALUATOR_CACHE: usize = 4096;

thread_local! {
    /// Parsed policy documents by their text. Parsing a document is most of the cost of evaluating
    /// it, and the same few documents are evaluated over and over. This is a memo of a pure function
    /// (text → parsed policy): it changes no result, only how often the parse runs, and it is never
    /// iterated, so its order cannot reach any output.
    static EVALUATORS: std::cell::RefCell<std::collections::HashMap<String, Option<PolicyEvaluator>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// Runs `f` with the evaluator of `doc` (`None` when it does not parse).
fn with_evaluator<T>(doc: &str, f: impl FnOnce(Option<&PolicyEvaluator>) -> T) -> T {
    EVALUATORS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if !cache.contains_key(doc) {
            if cache.len() >= EVALUATOR_CACHE {
                cache.clear();
            }
            let parsed = IAMPolicy::from_json(doc)
                .ok()
                .map(|p| PolicyEvaluator::with_policies(vec![p]));
            cache.insert(doc.to_string(), parsed);
        }
        f(cache.get(doc).and_then(Option::as_ref))
    })
}

/// The documents of a user's identity policies: inline, then attached managed.
pub(crate) fn user_documents(user: &User) -> Vec<&str> {
    let mut docs: Vec<&str> = user.inline_policies.values().map(String::as_str).collect();
    docs.extend(
        user.attached_policies
            .iter()
            .filter_map(|arn| catalog::managed_policy(arn).map(|p| p.document)),
    );
    docs
}

/// The documents of a role's permissions policies: inline, then attached managed.
pub(crate) fn role_documents(role: &Role) -> Vec<&str> {
    let mut docs: Vec<&str> = role.inline_policies.values().map(String::as_str).collect();
    docs.extend(
        role.attached_policies
            .iter()
            .filter_map(|arn| catalog::managed_policy(arn).map(|p| p.document)),
    );
    docs
}

/// What a user's permissions boundary says of a request: `Allow` when the user has none (a boundary
/// only limits what identity policies allow; it grants nothing).
fn boundary_verdict(user: &User, req: &Request<'_>) -> Verdict {
    match &user.permissions_boundary {
        None => Verdict::Allow,
        Some(arn) => {
            let docs = catalog::managed_policy(arn).map(|p| p.document);
            evaluate(docs, &user.arn, req)
        }
    }
}

/// Which service's error code an AccessDenied takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Protocol {
    /// IAM's query protocol: `AccessDenied`, HTTP 403.
    Iam,
    /// MediaTailor's rest-json: `AccessDeniedException`, HTTP 403.
    RestJson,
    /// CloudWatch Logs' awsJson1.1: `AccessDeniedException`, HTTP 400 (its model gives the error no
    /// status, and the JSON protocol's default is 400).
    AwsJson,
}

/// Authorises a call: `Ok` or AWS's AccessDenied naming principal, action and resource.
pub(crate) fn authorize(
    caller: Caller<'_>,
    req: &Request<'_>,
    protocol: Protocol,
) -> Result<(), ApiError> {
    let user = match caller {
        Caller::Root => return Ok(()),
        Caller::User(u) => u,
    };
    let verdict = evaluate(user_documents(user), &user.arn, req);
    let why = match verdict {
        Verdict::Allow => match boundary_verdict(user, req) {
            Verdict::Allow => return Ok(()),
            Verdict::ExplicitDeny => "with an explicit deny in a permissions boundary".to_string(),
            Verdict::ImplicitDeny => format!(
                "because no permissions boundary allows the {} action",
                req.action
            ),
        },
        Verdict::ExplicitDeny => "with an explicit deny in an identity-based policy".to_string(),
        Verdict::ImplicitDeny => format!(
            "because no identity-based policy allows the {} action",
            req.action
        ),
    };
    let (code, status) = match protocol {
        Protocol::Iam => (ErrorCode::AccessDenied, 403),
        Protocol::RestJson => (ErrorCode::AccessDeniedException, 403),
        Protocol::AwsJson => (ErrorCode::AccessDeniedException, 400),
    };
    Err(ApiError {
        status,
        ..ApiError::new(
            code,
            format!(
                "User: {} is not authorized to perform: {} on resource: {} {}",
                user.arn, req.action, req.resource, why
            ),
        )
    })
}

/// Whether a role's trust policy lets `service` assume it (`sts:AssumeRole`). Explicit Deny wins.
pub(crate) fn trust_allows(document: &str, service: &str) -> bool {
    let Ok(doc) = serde_json::from_str::<Value>(document) else {
        return false;
    };
    let statements: Vec<&Value> = match doc.get("Statement") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => return false,
    };
    let mut allowed = false;
    for st in statements {
        let action_ok = strings(st.get("Action"))
            .iter()
            .any(|a| glob_match(&a.to_ascii_lowercase(), "sts:assumerole"));
        let principal_ok = match st.get("Principal") {
            Some(Value::String(s)) => s == "*",
            Some(Value::Object(m)) => strings(m.get("Service")).iter().any(|s| s == service),
            _ => false,
        };
        if !(action_ok && principal_ok) {
            continue;
        }
        match st.get("Effect").and_then(Value::as_str) {
            Some("Deny") => return false,
            Some("Allow") => allowed = true,
            _ => {}
        }
    }
    allowed
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// IAM wildcard matching: `*` any run of characters, `?` any one character.
pub(crate) fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let (mut star, mut mark) = (None::<usize>, 0usize);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob() {
        assert!(glob_match("a*c", "abbbc"));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("a?c", "abbc"));
        assert!(glob_match("*", ""));
        // The pattern runs out before the text: no match (and no out-of-bounds read).
        assert!(!glob_match("ab", "abc"));
        assert!(glob_match("*c", "abc"));
        assert!(!glob_match("", "a"));
    }

    #[test]
    fn slr_trust_policy_trusts_only_mediatailor() {
        assert!(trust_allows(
            catalog::SLR_TRUST_POLICY,
            catalog::MEDIATAILOR_SERVICE
        ));
        assert!(!trust_allows(
            catalog::SLR_TRUST_POLICY,
            "ec2.amazonaws.com"
        ));
    }

    #[test]
    fn trust_policy_shapes() {
        let svc = catalog::MEDIATAILOR_SERVICE;
        // A single statement object, Action and Service as plain strings.
        let single = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"mediatailor.amazonaws.com"}}}"#;
        assert!(trust_allows(single, svc));
        assert!(!trust_allows(single, "ec2.amazonaws.com"));
        // Principal "*" trusts everyone; any other string trusts no service.
        let star = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:*","Principal":"*"}]}"#;
        assert!(trust_allows(star, "ec2.amazonaws.com"));
        let other = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":"mediatailor.amazonaws.com"}]}"#;
        assert!(!trust_allows(other, svc));
        // An explicit Deny wins over an Allow, in either order.
        let deny_first = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sts:AssumeRole","Principal":{"Service":"mediatailor.amazonaws.com"}},{"Effect":"Allow","Action":"sts:AssumeRole","Principal":"*"}]}"#;
        let deny_last = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":"*"},{"Effect":"Deny","Action":"sts:AssumeRole","Principal":{"Service":"mediatailor.amazonaws.com"}}]}"#;
        assert!(!trust_allows(deny_first, svc));
        assert!(!trust_allows(deny_last, svc));
        // Other actions, other effects and broken documents trust no one.
        let other_action = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:TagSession","Principal":{"Service":"mediatailor.amazonaws.com"}}]}"#;
        assert!(!trust_allows(other_action, svc));
        let no_effect = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"sts:AssumeRole","Principal":"*"}]}"#;
        assert!(!trust_allows(no_effect, svc));
        assert!(!trust_allows("not json", svc));
        assert!(!trust_allows(r#"{"Statement":"x"}"#, svc));
    }

    #[test]
    fn slr_policy_allows_mediatailor_groups_only() {
        let docs = [catalog::SLR_POLICY_DOCUMENT];
        let role = "arn:aws:iam::111122223333:role/x";
        let ok = "arn:aws:logs:us-east-1:111122223333:log-group:MediaTailor/ManifestService:log-stream:live";
        let bad = "arn:aws:logs:us-east-1:111122223333:log-group:/aws/MediaTailor/ManifestService:log-stream:live";
        assert_eq!(
            evaluate(docs, role, &Request::new("logs:PutLogEvents", ok)),
            Verdict::Allow
        );
        assert_eq!(
            evaluate(docs, role, &Request::new("logs:PutLogEvents", bad)),
            Verdict::ImplicitDeny
        );
    }
}
