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
  CreateServiceLinkedRoleCommand,
  ListRolesCommand,
  UpdateRoleDescriptionCommand,
  UpdateRoleCommand,
  TagRoleCommand,
  ListRoleTagsCommand,
  UntagRoleCommand,
  CreateRoleCommand,
  UpdateAssumeRolePolicyCommand,
  AttachRolePolicyCommand,
  DetachRolePolicyCommand,
  PutRolePolicyCommand,
  DeleteRolePolicyCommand,
  PutRolePermissionsBoundaryCommand,
  ListRolePoliciesCommand,
  GetRolePolicyCommand,
  ListInstanceProfilesForRoleCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  ListPolicyVersionsCommand,
  ListEntitiesForPolicyCommand,
  CreateUserCommand,
  CreateAccessKeyCommand,
  PutUserPolicyCommand,
  DeleteUserPolicyCommand,
  AttachUserPolicyCommand,
  DetachUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import {
  MediaTailorClient,
  PutPlaybackConfigurationCommand,
  GetPlaybackConfigurationCommand,
  ListPlaybackConfigurationsCommand,
  ConfigureLogsForPlaybackConfigurationCommand,
  DeletePlaybackConfigurationCommand,
  TagResourceCommand,
  UntagResourceCommand,
  ListTagsForResourceCommand,
} from "@aws-sdk/client-mediatailor";
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  GetLogEventsCommand,
  FilterLogEventsCommand,
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
const SLR_POLICY_ARN = "arn:aws:iam::aws:policy/aws-service-role/AWSMediaTailorServiceRolePolicy";
const LOGS_READ_ARN = "arn:aws:iam::aws:policy/CloudWatchLogsReadOnlyAccess";
const IAM_READ_ARN = "arn:aws:iam::aws:policy/IAMReadOnlyAccess";
const USER = "e2e-js-reader";
const APP = "e2e-js-app";

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

  await theRoleAroundIt(iam);
  await anOrdinaryRole(iam);
  await aUserAndItsPolicies(iam);
  await filteredLogEvents(logs);
  await playbackTags(mt);

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

// --- The rest of what slrsim serves: every client calls every operation (aws_clients.sh checks) ----

/** An IAM policy document as the JS SDK leaves it (URL-encoded, as IAM sends it), parsed. */
function policy(encoded) {
  return JSON.parse(decodeURIComponent(encoded));
}

const EC2_TRUST = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
};

async function theRoleAroundIt(iam) {
  step("4b the service-linked role: a second create, list, description, tags, what tools read around it");
  await expectError(
    "InvalidInputException",
    400,
    iam,
    new CreateServiceLinkedRoleCommand({ AWSServiceName: "mediatailor.amazonaws.com" }),
  );
  const listed = (await iam.send(new ListRolesCommand({ PathPrefix: "/aws-service-role/" }))).Roles;
  check(same(listed.map((r) => [r.RoleName, r.Arn]), [[ROLE, ROLE_ARN]]), "ListRoles PathPrefix", listed);
  check(listed[0].CreateDate instanceof Date, "ListRoles CreateDate parsed as a Date", listed[0]);
  let r = await iam.send(new UpdateRoleDescriptionCommand({ RoleName: ROLE, Description: "edited by the JS SDK" }));
  check(r.Role.Description === "edited by the JS SDK" && r.Role.Arn === ROLE_ARN, "UpdateRoleDescription", body(r));
  r = await iam.send(new UpdateRoleCommand({ RoleName: ROLE, Description: "edited again by the JS SDK" }));
  check(same(body(r), {}), "UpdateRole answers an empty result", body(r));
  const role = (await iam.send(new GetRoleCommand({ RoleName: ROLE }))).Role;
  check(role.Description === "edited again by the JS SDK", "UpdateRole changed the description", role);
  await iam.send(new TagRoleCommand({ RoleName: ROLE, Tags: [{ Key: "a", Value: "1" }, { Key: "b", Value: "2" }] }));
  r = await iam.send(new ListRoleTagsCommand({ RoleName: ROLE, MaxItems: 1 }));
  check(same(r.Tags, [{ Key: "a", Value: "1" }]) && r.IsTruncated === true && r.Marker, "ListRoleTags first page", body(r));
  r = await iam.send(new ListRoleTagsCommand({ RoleName: ROLE, MaxItems: 1, Marker: r.Marker }));
  check(same(body(r), { Tags: [{ Key: "b", Value: "2" }], IsTruncated: false }), "ListRoleTags second page", body(r));
  await iam.send(new UntagRoleCommand({ RoleName: ROLE, TagKeys: ["a", "b"] }));
  r = await iam.send(new ListRoleTagsCommand({ RoleName: ROLE }));
  check(same(body(r), { Tags: [], IsTruncated: false }), "UntagRole", body(r));
  await expectError(
    "UnmodifiableEntityException",
    400,
    iam,
    new PutRolePermissionsBoundaryCommand({ RoleName: ROLE, PermissionsBoundary: IAM_READ_ARN }),
  );
  await expectError(
    "UnmodifiableEntityException",
    400,
    iam,
    new DetachRolePolicyCommand({ RoleName: ROLE, PolicyArn: SLR_POLICY_ARN }),
  );
  r = await iam.send(new ListRolePoliciesCommand({ RoleName: ROLE }));
  check(same(body(r), { PolicyNames: [], IsTruncated: false }), "no inline policy on the service-linked role", body(r));
  r = await iam.send(new ListInstanceProfilesForRoleCommand({ RoleName: ROLE }));
  check(same(body(r), { InstanceProfiles: [], IsTruncated: false }), "ListInstanceProfilesForRole", body(r));
  const p = (await iam.send(new GetPolicyCommand({ PolicyArn: SLR_POLICY_ARN }))).Policy;
  check(
    same(
      [p.PolicyName, p.Path, p.DefaultVersionId, p.AttachmentCount, p.IsAttachable],
      ["AWSMediaTailorServiceRolePolicy", "/aws-service-role/", "v1", 1, true],
    ) && p.CreateDate instanceof Date,
    "GetPolicy",
    p,
  );
  const v = (await iam.send(new GetPolicyVersionCommand({ PolicyArn: SLR_POLICY_ARN, VersionId: "v1" }))).PolicyVersion;
  check(v.IsDefaultVersion === true && v.VersionId === "v1", "GetPolicyVersion", v);
  check(
    policy(v.Document).Statement[0].Resource === "arn:aws:logs:*:*:log-group:MediaTailor/*:log-stream:*",
    "the document as AWS publishes it",
    v.Document,
  );
  r = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: SLR_POLICY_ARN }));
  check(same(r.Versions.map((x) => x.VersionId), ["v1"]) && r.IsTruncated === false, "ListPolicyVersions", body(r));
  r = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: SLR_POLICY_ARN }));
  check(
    same([r.PolicyRoles, r.PolicyUsers, r.PolicyGroups], [[{ RoleName: ROLE, RoleId: role.RoleId }], [], []]),
    "ListEntitiesForPolicy",
    body(r),
  );
}

async function anOrdinaryRole(iam) {
  step("4c an ordinary role: create, inline and managed policies, boundary, trust, delete");
  let r = await iam.send(
    new CreateRoleCommand({ RoleName: APP, Path: "/e2e/", AssumeRolePolicyDocument: JSON.stringify(EC2_TRUST) }),
  );
  check(r.Role.Arn === `arn:aws:iam::${ACCOUNT}:role/e2e/${APP}` && r.Role.Path === "/e2e/", "CreateRole", body(r));
  check(same(policy(r.Role.AssumeRolePolicyDocument), EC2_TRUST), "CreateRole trust policy", r.Role);
  await expectError(
    "EntityAlreadyExistsException",
    409,
    iam,
    new CreateRoleCommand({ RoleName: APP, AssumeRolePolicyDocument: JSON.stringify(EC2_TRUST) }),
  );
  const inline = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] };
  await iam.send(new PutRolePolicyCommand({ RoleName: APP, PolicyName: "inline", PolicyDocument: JSON.stringify(inline) }));
  r = await iam.send(new ListRolePoliciesCommand({ RoleName: APP }));
  check(same(r.PolicyNames, ["inline"]), "ListRolePolicies", body(r));
  r = await iam.send(new GetRolePolicyCommand({ RoleName: APP, PolicyName: "inline" }));
  check(r.RoleName === APP && r.PolicyName === "inline" && same(policy(r.PolicyDocument), inline), "GetRolePolicy", body(r));
  await iam.send(new DeleteRolePolicyCommand({ RoleName: APP, PolicyName: "inline" }));
  await expectError("NoSuchEntityException", 404, iam, new GetRolePolicyCommand({ RoleName: APP, PolicyName: "inline" }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: APP, PolicyArn: LOGS_READ_ARN }));
  r = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: APP }));
  check(
    same(r.AttachedPolicies, [{ PolicyName: "CloudWatchLogsReadOnlyAccess", PolicyArn: LOGS_READ_ARN }]),
    "AttachRolePolicy",
    body(r),
  );
  await iam.send(new DetachRolePolicyCommand({ RoleName: APP, PolicyArn: LOGS_READ_ARN }));
  r = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: APP }));
  check(same(r.AttachedPolicies, []), "DetachRolePolicy", body(r));
  await iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: APP, PermissionsBoundary: IAM_READ_ARN }));
  const lambdaTrust = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
  };
  await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: APP, PolicyDocument: JSON.stringify(lambdaTrust) }));
  const role = (await iam.send(new GetRoleCommand({ RoleName: APP }))).Role;
  check(
    same(role.PermissionsBoundary, { PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: IAM_READ_ARN }),
    "PutRolePermissionsBoundary",
    role,
  );
  check(same(policy(role.AssumeRolePolicyDocument), lambdaTrust), "UpdateAssumeRolePolicy", role);
  const names = (await iam.send(new ListRolesCommand({}))).Roles.map((x) => x.RoleName).sort();
  check(same(names, [ROLE, APP].sort()), "ListRoles", names);
  await iam.send(new DeleteRoleCommand({ RoleName: APP }));
  await expectError("NoSuchEntityException", 404, iam, new GetRoleCommand({ RoleName: APP }));
}

async function aUserAndItsPolicies(iam) {
  step("4d a user: its key, AccessDenied, inline and managed policies taking effect");
  let r = await iam.send(new CreateUserCommand({ UserName: USER }));
  check(r.User.UserName === USER && r.User.Arn === `arn:aws:iam::${ACCOUNT}:user/${USER}`, "CreateUser", body(r));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: USER }))).AccessKey;
  check(key.UserName === USER && key.Status === "Active" && /^AKIA[A-Z0-9]{16}$/.test(key.AccessKeyId), "CreateAccessKey", key);
  const as = { ...options, credentials: { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey } };
  const uiam = new IAMClient(as);
  const ulogs = new CloudWatchLogsClient(as);
  const who = await new STSClient(as).send(new GetCallerIdentityCommand({}));
  check(who.Arn === `arn:aws:iam::${ACCOUNT}:user/${USER}`, "the new key is the user's", body(who));
  await expectError("AccessDenied", 403, uiam, new GetRoleCommand({ RoleName: ROLE }));
  const allow = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "iam:GetRole", Resource: "*" }] };
  await iam.send(new PutUserPolicyCommand({ UserName: USER, PolicyName: "get-role", PolicyDocument: JSON.stringify(allow) }));
  r = await uiam.send(new GetRoleCommand({ RoleName: ROLE }));
  check(r.Role.Arn === ROLE_ARN, "the inline policy allows GetRole", body(r));
  await iam.send(new DeleteUserPolicyCommand({ UserName: USER, PolicyName: "get-role" }));
  await expectError("AccessDenied", 403, uiam, new GetRoleCommand({ RoleName: ROLE }));
  await iam.send(new AttachUserPolicyCommand({ UserName: USER, PolicyArn: LOGS_READ_ARN }));
  const groups = (await ulogs.send(new DescribeLogGroupsCommand({}))).logGroups;
  check(same(groups.map((g) => g.logGroupName), LOG_GROUPS), "CloudWatchLogsReadOnlyAccess allows DescribeLogGroups", groups);
  await iam.send(new DetachUserPolicyCommand({ UserName: USER, PolicyArn: LOGS_READ_ARN }));
  // CloudWatch Logs speaks awsJson1.1: its AccessDeniedException has no status in the model, so 400.
  await expectError("AccessDeniedException", 400, ulogs, new DescribeLogGroupsCommand({}));
}

async function filteredLogEvents(logs) {
  step("4e FilterLogEvents over the sessions' ADS log");
  const ads = "MediaTailor/AdDecisionServerInteractions";
  let r = await logs.send(new FilterLogEventsCommand({ logGroupName: ads, filterPattern: '{ $.eventType = "FILLED_AVAIL" }' }));
  check(r.events.length === 3, "FilterLogEvents: one FILLED_AVAIL per session", body(r));
  check(
    r.events.every((e) => e.logStreamName === CONFIG && e.eventId && JSON.parse(e.message).eventType === "FILLED_AVAIL"),
    "filtered events carry their stream, id and message",
    r.events,
  );
  check(same(r.searchedLogStreams, []) && r.nextToken === undefined, "searchedLogStreams [] and no nextToken", body(r));
  r = await logs.send(new FilterLogEventsCommand({ logGroupName: ads, logStreamNamePrefix: "e2e-", filterPattern: "MAKING_ADS_REQUEST" }));
  check(r.events.length === 3, "FilterLogEvents by a term and a stream prefix", body(r));
  await expectError(
    "InvalidParameterException",
    400,
    logs,
    new FilterLogEventsCommand({ logGroupName: ads, filterPattern: "?MAKING_ADS_REQUEST ?FILLED_AVAIL" }),
  );
}

async function playbackTags(mt) {
  step("4f MediaTailor tags: TagResource, ListTagsForResource, UntagResource");
  let r = await mt.send(new TagResourceCommand({ ResourceArn: CONFIG_ARN, Tags: { env: "e2e" } }));
  check(r.$metadata.httpStatusCode === 204, "TagResource answers 204", r.$metadata);
  r = await mt.send(new ListTagsForResourceCommand({ ResourceArn: CONFIG_ARN }));
  check(same(body(r), { Tags: { team: "video", env: "e2e" } }), "ListTagsForResource", body(r));
  r = await mt.send(new UntagResourceCommand({ ResourceArn: CONFIG_ARN, TagKeys: ["team", "env"] }));
  check(r.$metadata.httpStatusCode === 204, "UntagResource answers 204", r.$metadata);
  r = await mt.send(new ListTagsForResourceCommand({ ResourceArn: CONFIG_ARN }));
  check(same(body(r), { Tags: {} }), "every tag removed", body(r));
  await expectError(
    "BadRequestException",
    400,
    mt,
    new ListTagsForResourceCommand({ ResourceArn: `arn:aws:mediatailor:${REGION}:${ACCOUNT}:playbackConfiguration/e2e-none` }),
  );
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
