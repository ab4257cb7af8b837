//! AWS at the edge: SigV4 signatures, the three wire protocols (IAM query, MediaTailor rest-json,
//! CloudWatch Logs JSON) and the HTTP server that records every request.

pub mod served;
pub mod server;
pub mod sigv4;
pub mod wire;
