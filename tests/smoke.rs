mod common;
use common::*;

#[test]
fn enabling_logging_creates_the_role() {
    let mut t = TestSim::new();
    t.ok(r#"{"op":"PutPlaybackConfiguration","params":{"Name":"live"}}"#);
    t.ok(r#"{"op":"ConfigureLogsForPlaybackConfiguration","params":{"PlaybackConfigurationName":"live","PercentEnabled":10}}"#);
    let role = t.ok(r#"{"op":"GetRole","params":{"RoleName":"AWSServiceRoleForMediaTailor"}}"#);
    assert_eq!(role["Role"]["Arn"], SLR_ARN);
}
