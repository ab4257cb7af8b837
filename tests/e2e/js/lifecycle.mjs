// The JavaScript half of the end-to-end test: drives a running `slrsim serve` with the AWS SDK for
// JavaScript v3 (the versions pinned in package.json / package-lock.json) through the
// AWSServiceRoleForMediaTailor lifecycle, as boto3_lifecycle.py does with boto3.
//
// Run by tests/e2e/aws_clients.sh, which installs the SDK with `npm ci` outside the checkout, copies
// this file beside its node_modules, starts the server and exports AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL, AWS_DEFAULT_REGION and SLRSIM_TOKEN. Usage:
//
//     node lifecycle.mjs SUMMARY_JSON
//
// On success it writes SUMMARY_JSON (the ids the shell checks in the log) and exits 0; on the first
// failed check it names the step and exits 1.

import { writeFileSync } from "node:fs";
import {
  IAMClient,
  GetRoleCommand,
  DeleteRoleCommand,
  DeleteServiceLinkedRoleCommand,
  GetServiceLinkedRoleDeletionStatusCommand,
  ListAttachedRolePoliciesCommand,
} from "@aws-sdk/client-iam";
import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import {
  MediaTailorClient,
  PutPlaybackConfigurationCommand,
  GetPlaybackConfigurationCommand,
  ListPlaybackConfigurationsCommand,
  ConfigureLogsForPlaybackConfigurationCommand,
  DeletePlaybackConfigurationCommand,
} from "@aws-sdk/client-mediatailor";
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  GetLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";

const ACCOUNT = "111122223333";
const REGION = "us-east-1";
const ROLE = "AWSServiceRoleForMediaTailor";
const ROLE_PATH = "/aws-service-role/mediatailor.amazonaws.com/";
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role${ROLE_PATH}${ROLE}`;
const CONFIG = "e2e-js";
const CONFIG_ARN = `arn:aws:mediatailor:${REGION}:${ACCOUNT}:playbackConfiguration/${CONFIG}`;
const TASK_ID =
  /^task\/aws-service-role\/mediatailor\.amazonaws\.com\/AWSServiceRoleForMediaTailor\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const LOG_GROUPS = ["MediaTailor/AdDecisionServerInteractions", "MediaTailor/ManifestService"];

const ENDPOINT = process.env.AWS_ENDPOINT_URL;
// One attempt: a retried call would add a second record to the log and hide a server failure.
const options = {
  endpoint: ENDPOINT,
  region: REGION,
  credentials: {
    accessKeyId: process.env.AWS_ACCESS_KEY_ID,
    secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,
  },
  maxAttempts: 1,
};

let STEP = "setup";
class Failed extends Error {}

function step(name) {
  STEP = name;
  console.log(`--- js [${name}]`);
}

function check(cond, what, got) {
  if (!cond) throw new Failed(got === undefined ? what : `${what}; got ${JSON.stringify(got)}`);
}

/** JSON with object keys sorted, so equal values compare equal whatever their key order. */
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object" && !(v instanceof Date)) {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

function same(a, b) {
  return canonical(a) === canonical(b);
}

/** The output without the SDK's $metadata. */
function body(out) {
  const { $metadata, ...rest } = out;
  return rest;
}

async function expectError(code, status, client, command) {
  const name = command.constructor.name;
  let result;
  try {
    result = await client.send(command);
  } catch (e) {
    const got = [e.name, e.$metadata?.httpStatusCode];
    check(same(got, [code, status]), `${name}: expected error ${code} (${status})`, got);
    check(e.message, `${name}: the ${code} error has no message`);
    check(e.$fault === (status >= 500 ? "server" : "client"), `${name}: ${code} fault`, e.$fault);
    return e;
  }
  throw new Failed(`${name}: expected error ${code} (${status}), but it succeeded: ${JSON.stringify(body(result))}`);
}

async function control(path, payload) {
  const r = await fetch(ENDPOINT + path, {
    method: "POST",
    headers: { Authorization: `Bearer ${process.env.SLRSIM_TOKEN}`, "Content-Type": "application/json" },
    body: payload === undefined ? undefined : JSON.stringify(payload),
  });
  const text = await r.text();
  check(r.status === 200, `POST ${path}: expected 200`, [r.status, text]);
  return JSON.parse(text);
}

async function main(summaryPath) {
  const iam = new IAMClient(options);
  const sts = new STSClient(options);
  const mt = new MediaTailorClient(options);
  const logs = new CloudWatchLogsClient(options);

  step("0 caller identity; no role yet");
  const who = body(await sts.send(new GetCallerIdentityCommand({})));
  check(same(who, { UserId: ACCOUNT, Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:root` }), "GetCallerIdentity", who);
  await expectError("NoSuchEntityException", 404, iam, new GetRoleCommand({ RoleName: ROLE }));

  step("1 put-playback-configuration with tags; get; list");
  let r = await mt.send(
    new PutPlaybackConfigurationCommand({
      Name: CONFIG,
      AdDecisionServerUrl: "https://ads.example.com/vast?session=[session.id]",
      VideoContentSourceUrl: "https://origin.example.com/media",
      Tags: { team: "video" },
    }),
  );
  check(r.$metadata.httpStatusCode === 200, "PutPlaybackConfiguration status", r.$metadata);
  check(r.PlaybackConfigurationArn === CONFIG_ARN, "PutPlaybackConfiguration ARN", body(r));
  // The SDK reads the member under its wire name, `tags`.
  check(same(r.Tags, { team: "video" }), "PutPlaybackConfiguration Tags round trip", r.Tags);
  check(r.LogConfiguration?.PercentEnabled === 0, "a new configuration logs nothing", r.LogConfiguration);
  r = await mt.send(new GetPlaybackConfigurationCommand({ Name: CONFIG }));
  check(r.AdDecisionServerUrl === "https://ads.example.com/vast?session=[session.id]", "GetPlaybackConfiguration URL", body(r));
  check(same(r.Tags, { team: "video" }), "GetPlaybackConfiguration Tags", r.Tags);
  const items = (await mt.send(new ListPlaybackConfigurationsCommand({}))).Items ?? [];
  check(same(items.map((i) => i.Name), [CONFIG]), "ListPlaybackConfigurations", items);

  step("2 enable logging: the role appears");
  r = await mt.send(new ConfigureLogsForPlaybackConfigurationCommand({ PlaybackConfigurationName: CONFIG, PercentEnabled: 100 }));
  check(
    same(body(r), { PercentEnabled: 100, PlaybackConfigurationName: CONFIG, EnabledLoggingStrategies: ["LEGACY_CLOUDWATCH"] }),
    "ConfigureLogsForPlaybackConfiguration",
    body(r),
  );
  let role = (await iam.send(new GetRoleCommand({ RoleName: ROLE }))).Role;
  check(role.Path === ROLE_PATH && role.RoleName === ROLE && role.Arn === ROLE_ARN, "the role", role);
  check(/^AROA[A-Z0-9]{17}$/.test(role.RoleId), "RoleId is AROA + 17", role.RoleId);
  check(role.CreateDate instanceof Date && !isNaN(role.CreateDate), "CreateDate parsed as a Date", role.CreateDate);
  // The JS SDK leaves the policy URL-encoded, as IAM sends it.
  const trust = JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument));
  check(
    same(trust.Statement, [{ Effect: "Allow", Principal: { Service: ["mediatailor.amazonaws.com"] }, Action: ["sts:AssumeRole"] }]),
    "trust policy",
    trust,
  );
  const firstRoleId = role.RoleId;
  const attached = (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: ROLE }))).AttachedPolicies;
  check(same(attached.map((p) => p.PolicyName), ["AWSMediaTailorServiceRolePolicy"]), "the role's managed policy", attached);

  step("3 the role is protected; deleting it while logging is on FAILS");
  await expectError("UnmodifiableEntityException", 400, iam, new DeleteRoleCommand({ RoleName: ROLE }));
  const failedTask = (await iam.send(new DeleteServiceLinkedRoleCommand({ RoleName: ROLE }))).DeletionTaskId;
  check(TASK_ID.test(failedTask), "DeletionTaskId shape", failedTask);
  let s = await iam.send(new GetServiceLinkedRoleDeletionStatusCommand({ DeletionTaskId: failedTask }));
  check(same(body(s), { Status: "NOT_STARTED" }), "status before the clock moves", body(s));
  await control("/_slrsim/advance?seconds=60");
  s = await iam.send(new GetServiceLinkedRoleDeletionStatusCommand({ DeletionTaskId: failedTask }));
  check(s.Status === "FAILED" && s.Reason?.Reason, "deletion FAILED with a reason", body(s));
  check(same(s.Reason.RoleUsageList, [{ Region: REGION, Resources: [CONFIG_ARN] }]), "RoleUsageList", s.Reason);
  role = (await iam.send(new GetRoleCommand({ RoleName: ROLE }))).Role;
  check(role.RoleId === firstRoleId, "the role survives a FAILED deletion", role);

  step("4 sessions with logging on (debug log mode, so the manifest service logs too): the MediaTailor log groups");
  const served = await control("/_slrsim/sessions", {
    PlaybackConfigurationName: CONFIG,
    Sessions: 3,
    Region: REGION,
    LogMode: "DEBUG",
  });
  check(served.Response.LoggedSessions === 3, "3 sessions logged", served);
  const groups = (await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "MediaTailor/" }))).logGroups;
  check(same(groups.map((g) => g.logGroupName), LOG_GROUPS), "DescribeLogGroups", groups);
  for (const g of groups) {
    check(typeof g.creationTime === "number", `${g.logGroupName} creationTime`, g);
    const streams = (await logs.send(new DescribeLogStreamsCommand({ logGroupName: g.logGroupName }))).logStreams;
    check(same(streams.map((x) => x.logStreamName), [CONFIG]), "one stream per configuration", streams);
  }
  const events = (
    await logs.send(
      new GetLogEventsCommand({
        logGroupName: "MediaTailor/AdDecisionServerInteractions",
        logStreamName: CONFIG,
        startFromHead: true,
      }),
    )
  ).events;
  const types = new Set(events.map((e) => JSON.parse(e.message).eventType));
  check(types.has("MAKING_ADS_REQUEST") && types.has("FILLED_AVAIL"), "ADS log events in MediaTailor's format", events);

  step("5 teardown: logging off, delete: SUCCEEDED, role gone");
  r = await mt.send(new ConfigureLogsForPlaybackConfigurationCommand({ PlaybackConfigurationName: CONFIG, PercentEnabled: 0 }));
  check(r.PercentEnabled === 0, "PercentEnabled 0", body(r));
  // MediaTailor used the role to deliver the sessions' logs: a deletion within 5 minutes of that fails.
  await control("/_slrsim/advance?seconds=600");
  const succeededTask = (await iam.send(new DeleteServiceLinkedRoleCommand({ RoleName: ROLE }))).DeletionTaskId;
  check(TASK_ID.test(succeededTask) && succeededTask !== failedTask, "a new deletion task", succeededTask);
  await control("/_slrsim/advance?seconds=60");
  s = await iam.send(new GetServiceLinkedRoleDeletionStatusCommand({ DeletionTaskId: succeededTask }));
  check(same(body(s), { Status: "SUCCEEDED" }), "deletion status SUCCEEDED", body(s));
  await expectError("NoSuchEntityException", 404, iam, new GetRoleCommand({ RoleName: ROLE }));
  r = await mt.send(new DeletePlaybackConfigurationCommand({ Name: CONFIG }));
  check(r.$metadata.httpStatusCode === 204, "DeletePlaybackConfiguration answers 204", r.$metadata);
  await expectError("NotFoundException", 404, mt, new GetPlaybackConfigurationCommand({ Name: CONFIG }));

  writeFileSync(summaryPath, JSON.stringify({ config_arn: CONFIG_ARN, failed_task: failedTask, succeeded_task: succeededTask }));
  console.log(`js e2e passed (node ${process.version})`);
}

if (process.argv.length !== 3) {
  console.error("usage: node lifecycle.mjs SUMMARY_JSON");
  process.exit(2);
}
try {
  await main(process.argv[2]);
} catch (e) {
  const what = e instanceof Failed ? e.message : `${e.name}: ${e.message}\n${e.stack}`;
  console.error(`js e2e FAILED in step [${STEP}]: ${what}`);
  process.exit(1);
}
