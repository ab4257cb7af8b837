//! Signing a request with SigV4 as the AWS SDKs do, with AWS's own `aws-sigv4` crate. The tests of
//! `slrsim serve` and the server benchmark (`benches/serve.rs`, which includes this file alone) sign
//! with it, so it names nothing of the tests' other helpers.

use std::time::SystemTime;

use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;

/// One access key, signing for one service in one region.
pub(crate) struct Signer<'a> {
    pub key: &'a str,
    pub secret: &'a str,
    pub region: &'a str,
    pub service: &'a str,
}

impl Signer<'_> {
    /// The headers SigV4 adds to a request (`authorization`, `x-amz-date`, ...) signed as of `time`;
    /// every header in `headers` is signed.
    pub(crate) fn signature<'r>(
        &self,
        time: SystemTime,
        method: &'r str,
        uri: &'r str,
        headers: impl Iterator<Item = (&'r str, &'r str)>,
        body: &'r [u8],
    ) -> Vec<(String, String)> {
        let identity = aws_credential_types::Credentials::new(
            self.key,
            self.secret,
            None,
            None,
            "slrsim-tests",
        )
        .into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(self.region)
            .name(self.service)
            .time(time)
            .settings(SigningSettings::default())
            .build()
            .expect("complete signing parameters");
        let signable = SignableRequest::new(method, uri, headers, SignableBody::Bytes(body))
            .expect("a signable request");
        let (instructions, _) = sign(signable, &params.into())
            .expect("sign the request")
            .into_parts();
        instructions
            .headers()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }
}
