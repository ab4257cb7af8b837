//! MediaTailor's session logs as AWS documents them: which event types a logged session writes to
//! `MediaTailor/AdDecisionServerInteractions` (the ADS log) and, in debug log mode only, to
//! `MediaTailor/ManifestService`, and each event's message, a JSON object with the ADS log schema's
//! members (`awsAccountId`, `customerId`, `eventDescription`, `eventTimestamp`, `eventType`,
//! `originId`, `region`, `requestId`, `sessionId`, `sessionType`, and per type `adsRequestUrl` or
//! `avail`).
//!
//! The state keeps one [`Delivery`] per delivery (its record, time, sessions and event types), never
//! the messages: a message is derived from the delivery, the log's seed and the event's place in it,
//! so a delivery of a billion sessions costs one small entry, and reading it back gives the same bytes
//! every time. Within a delivery every message of one type has the same length (ids are fixed-width),
//! so its bytes are known without writing it.

use serde_json::{Value, json};

use crate::core::action::InteractionLog;
use crate::core::clock;
use crate::core::ids;
use crate::core::state::Delivery;

/// The ADS log types a session writes by default, in the order it writes them.
pub const ADS_DEFAULT: [&str; 4] = [
    "MAKING_ADS_REQUEST",
    "MODIFIED_TARGET_URL",
    "VAST_RESPONSE",
    "FILLED_AVAIL",
];
/// The one opt-in ADS type (`PublishOptInEventTypes`), written after `VAST_RESPONSE`.
pub const RAW_ADS_RESPONSE: &str = "RAW_ADS_RESPONSE";
/// The manifest service types a debug session writes: (event type, name in `ExcludeEventTypes`).
pub const MANIFEST_DEBUG: [(&str, &str); 3] = [
    ("SESSION_INITIALIZED_EVENT", "SESSION_INITIALIZED"),
    ("ORIGIN_MANIFEST", "ORIGIN_MANIFEST"),
    ("GENERATED_MANIFEST", "GENERATED_MANIFEST"),
];

fn excluded(log: Option<&InteractionLog>, name: &str) -> bool {
    log.and_then(|l| l.exclude_event_types.as_ref())
        .is_some_and(|x| x.iter().any(|t| t == name))
}

/// The ADS log types a session writes under `log`: the defaults, `RAW_ADS_RESPONSE` when opted in
/// (or in debug mode, which writes every type), less the excluded ones.
pub fn ads_event_types(log: Option<&InteractionLog>, debug: bool) -> Vec<String> {
    let opted = debug
        || log
            .and_then(|l| l.publish_opt_in_event_types.as_ref())
            .is_some_and(|x| x.iter().any(|t| t == RAW_ADS_RESPONSE));
    let mut out = Vec::new();
    for t in ADS_DEFAULT {
        if !excluded(log, t) {
            out.push(t.to_string());
        }
        if t == "VAST_RESPONSE" && opted && !excluded(log, RAW_ADS_RESPONSE) {
            out.push(RAW_ADS_RESPONSE.to_string());
        }
    }
    out
}

/// The manifest service types a session writes: none outside debug log mode (AWS: "You must have
/// debug mode enabled to receive any ManifestService logs"), less the excluded ones.
pub fn manifest_event_types(log: Option<&InteractionLog>, debug: bool) -> Vec<String> {
    if !debug {
        return Vec::new();
    }
    MANIFEST_DEBUG
        .iter()
        .filter(|(_, name)| !excluded(log, name))
        .map(|(t, _)| t.to_string())
        .collect()
}

fn description(event_type: &str) -> &'static str {
    match event_type {
        "MAKING_ADS_REQUEST" => "Making an ADS request",
        "MODIFIED_TARGET_URL" => "Modified the target URL of the ADS request",
        "VAST_RESPONSE" => "VAST response",
        "RAW_ADS_RESPONSE" => "Raw ADS response",
        "FILLED_AVAIL" => "Filled avail",
        "SESSION_INITIALIZED_EVENT" => "Session initialized",
        "ORIGIN_MANIFEST" => "Origin manifest response",
        "GENERATED_MANIFEST" => "Generated manifest",
        _ => "Event",
    }
}

/// Who and where a stream's messages are about.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    /// The log's seed.
    pub seed: u64,
    /// The account.
    pub account: &'a str,
    /// The region.
    pub region: &'a str,
    /// The playback configuration (the stream's name).
    pub config: &'a str,
}

/// The message of event `index` of delivery `d` (`index < d.events()`): session `index / types`,
/// type `index % types`.
pub fn message(o: Origin<'_>, d: &Delivery, index: u64) -> String {
    let types = d.event_types.len().max(1) as u64;
    let session = d.first_session.saturating_add(index / types);
    let kind = usize::try_from(index % types)
        .ok()
        .and_then(|i| d.event_types.get(i))
        .map_or("", String::as_str);
    let session_id = ids::uuid(o.seed, d.seq, &format!("session/{}/{session}", o.config));
    let request_id = ids::uuid(
        o.seed,
        d.seq,
        &format!("request/{}/{session}/{kind}", o.config),
    );
    let mut m = json!({
        "awsAccountId": o.account,
        "customerId": ids::hex_token(0, 0, &format!("customer/{}", o.account), 32),
        "eventDescription": description(kind),
        "eventTimestamp": clock::format(d.at),
        "eventType": kind,
        "originId": o.config,
        "region": o.region,
        "requestId": request_id,
        "sessionId": session_id,
        "sessionType": "HLS",
    });
    if let Value::Object(map) = &mut m {
        match kind {
            "MAKING_ADS_REQUEST" | "MODIFIED_TARGET_URL" => {
                if let Some(u) = &d.ads_url {
                    map.insert("adsRequestUrl".into(), json!(u));
                }
            }
            "FILLED_AVAIL" => {
                let avail = ids::hex_token(o.seed, d.seq, &format!("avail/{session}"), 16);
                map.insert(
                    "avail".into(),
                    json!({"availId": avail, "fillRate": 1.0, "filledDuration": 30.0,
                           "numAds": 1, "originAvailDuration": 30.0}),
                );
            }
            _ => {}
        }
    }
    m.to_string()
}

/// Bytes of a delivery's messages: one session's messages, times its sessions (every session's
/// messages have the same lengths).
pub fn delivery_bytes(o: Origin<'_>, d: &Delivery) -> u64 {
    let types = d.event_types.len() as u64;
    let one: u64 = (0..types).map(|i| message(o, d, i).len() as u64).sum();
    one.saturating_mul(d.sessions)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery(types: Vec<String>, sessions: u64) -> Delivery {
        Delivery {
            seq: 7,
            at: clock::DEFAULT_START,
            first_session: 3,
            sessions,
            event_types: types,
            ads_url: Some("https://ads.example.com/vast".into()),
        }
    }

    const O: Origin<'static> = Origin {
        seed: 1,
        account: "111122223333",
        region: "us-east-1",
        config: "live",
    };

    #[test]
    fn types_follow_the_configuration_and_debug_mode() {
        assert_eq!(ads_event_types(None, false), ADS_DEFAULT.map(String::from));
        let log = InteractionLog {
            publish_opt_in_event_types: Some(vec![RAW_ADS_RESPONSE.into()]),
            exclude_event_types: Some(vec!["MODIFIED_TARGET_URL".into()]),
        };
        assert_eq!(
            ads_event_types(Some(&log), false),
            [
                "MAKING_ADS_REQUEST",
                "VAST_RESPONSE",
                RAW_ADS_RESPONSE,
                "FILLED_AVAIL"
            ]
        );
        assert!(manifest_event_types(None, false).is_empty());
        let ex = InteractionLog {
            publish_opt_in_event_types: None,
            exclude_event_types: Some(vec!["SESSION_INITIALIZED".into()]),
        };
        assert_eq!(
            manifest_event_types(Some(&ex), true),
            ["ORIGIN_MANIFEST", "GENERATED_MANIFEST"]
        );
        assert_eq!(ads_event_types(None, true).len(), 5);
    }

    #[test]
    fn messages_have_the_ads_log_schema_and_fixed_lengths() {
        let d = delivery(ads_event_types(None, false), 1_000_000_000);
        let first: Value = serde_json::from_str(&message(O, &d, 0)).expect("json");
        for key in [
            "awsAccountId",
            "customerId",
            "eventDescription",
            "eventTimestamp",
            "eventType",
            "originId",
            "sessionId",
            "requestId",
            "sessionType",
        ] {
            assert!(first.get(key).is_some(), "{key} in {first}");
        }
        assert_eq!(first["eventType"], "MAKING_ADS_REQUEST");
        assert_eq!(first["adsRequestUrl"], "https://ads.example.com/vast");
        let avail: Value = serde_json::from_str(&message(O, &d, 3)).expect("json");
        assert_eq!(avail["eventType"], "FILLED_AVAIL");
        assert_eq!(
            avail["sessionId"], first["sessionId"],
            "one session's events"
        );
        let next: Value = serde_json::from_str(&message(O, &d, 4)).expect("json");
        assert_ne!(next["sessionId"], first["sessionId"]);
        // The same event is the same bytes; a far session's message is as long as the first's.
        assert_eq!(message(O, &d, 12345), message(O, &d, 12345));
        let far = d.events() - 4;
        assert_eq!(message(O, &d, far).len(), message(O, &d, 0).len());
        let small = delivery(d.event_types.clone(), 2);
        let sum: u64 = (0..small.events())
            .map(|i| message(O, &small, i).len() as u64)
            .sum();
        assert_eq!(delivery_bytes(O, &small), sum);
    }
}
