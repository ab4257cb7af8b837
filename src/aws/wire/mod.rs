//! AWS's wire protocols, for `slrsim serve`: turning the simulator's AWS-shaped JSON
//! responses and errors into what each service's clients parse. Pure functions of their inputs; the
//! server that calls them lives at the edge.

pub mod json_target;
pub mod query_xml;
pub mod rest_json;
