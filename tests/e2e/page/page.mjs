// The page of a running server (/_slrsim/) in headless Chromium: opened with the token, the timeline
// shows every record of the demo's log, the lanes show the role's deletion FAILED then SUCCEEDED,
// explain names the records that started and ended a task, a comparison of two records and a filter
// work, a fork from a record is written, and records the AWS CLI sends while the page is open appear
// on their own. Screenshots of the main views go to SHOTS.
//
//   node page.mjs ENDPOINT TOKEN RECORDS SHOTS FORK_DIR
// ENDPOINT and TOKEN: the server's; RECORDS: how many records its log held when the page opened.
// The AWS CLI calls come from `page.sh` while this waits (it writes LIVE_FLAG when they are done).

import { chromium } from "playwright-core";
import { existsSync } from "node:fs";

const [endpoint, token, records, shots, forkDir, liveFlag] = process.argv.slice(2);
// `slrsim ui` of a database no server holds: the page, read-only (no fork, no live calls).
const readOnly = forkDir === "-";
const fail = (what) => {
  console.error(`page: ${what}`);
  process.exit(1);
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
const problems = [];
page.on("pageerror", (e) => problems.push(String(e)));
page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
page.on("dialog", (d) => d.accept(forkDir));
const step = (what) => console.log(`--- page [${what}]`);

step("opened with the token, which leaves the address");
await page.goto(`${endpoint}/_slrsim/?token=${token}`);
await page.locator(`#timeline tbody tr[data-seq="${Number(records) - 1}"]`).waitFor();
if (page.url().includes("token")) fail(`the token stayed in the address: ${page.url()}`);
const rows = await page.locator("#timeline tbody tr").count();
if (rows !== Number(records)) fail(`the timeline shows ${rows} records, the log holds ${records}`);
await page.screenshot({ path: `${shots}/timeline.png` });

step("the lanes: the role's deletion FAILED, then SUCCEEDED");
const marks = await page.locator("#lanes .mark").allTextContents();
const failed = marks.findIndex((m) => m.includes("deletion FAILED"));
const succeeded = marks.findIndex((m) => m.includes("deletion SUCCEEDED"));
if (failed < 0 || succeeded < 0 || failed > succeeded) fail(`lanes: ${JSON.stringify(marks)}`);

step("a record: what it changed and the state after it");
await page.locator('#timeline tbody tr[data-seq="3"]').click();
await page.locator("#detail-title", { hasText: /^Record 3$/ }).waitFor();
const detail = await page.locator("#detail").textContent();
if (!detail.includes("AWSServiceRoleForMediaTailor")) fail("record 3 (logging on) does not show the role it created");
await page.screenshot({ path: `${shots}/record.png` });

step("explain a failed deletion: it names the records that started and ended it");
await page.locator("#lanes .mark.failed").first().click();
await page.locator("#detail-title", { hasText: /^Why deletion task/ }).waitFor();
const why = await page.locator("#detail pre").textContent();
const named = await page.locator("#detail button.link").allTextContents();
// The demo's first deletion: asked by record 10, FAILED during record 11 (logging was on).
if (!why.includes("FAILED") || JSON.stringify(named) !== JSON.stringify(["record 10", "record 11"])) {
  fail(`explain: ${why} ${JSON.stringify(named)}`);
}
await page.screenshot({ path: `${shots}/explain.png` });

step("two records compared");
await page.locator('#timeline tbody tr[data-seq="1"]').click();
await page.locator("#detail-title", { hasText: /^Record 1$/ }).waitFor();
await page.locator(`#timeline tbody tr[data-seq="${Number(records) - 1}"]`).click({ modifiers: ["Shift"] });
await page.locator("#detail-title", { hasText: /^What changed from record 1/ }).waitFor();
if ((await page.locator("#detail .changes li").count()) === 0) fail("the comparison lists no change");

if (readOnly) {
  if (problems.length) fail(`the page reported: ${JSON.stringify(problems)}`);
  await browser.close();
  console.log("page: passed (read-only)");
  process.exit(0);
}

step("a fork from a record");
await page.locator('#timeline tbody tr[data-seq="9"]').click();
await page.locator("#detail-title", { hasText: /^Record 9$/ }).waitFor();
await page.locator("#detail button", { hasText: /^fork from record 9/ }).click();
await page.locator("#detail-title", { hasText: /^Forked at record 9$/ }).waitFor();
if (!existsSync(forkDir)) fail(`the fork was not written to ${forkDir}`);

step("a filter: only the deletions");
await page.fill('input[name="op"]', "DeleteServiceLinkedRole");
await page.click("#filters button");
// The first record (Genesis) leaves the table once the filter's answer is shown.
await page.locator("#timeline tbody tr td:nth-child(5)", { hasText: /^Genesis$/ }).waitFor({ state: "detached" });
const ops = await page.locator("#timeline tbody tr td:nth-child(5)").allTextContents();
if (!ops.length || ops.some((o) => o !== "DeleteServiceLinkedRole")) fail(`filtered: ${JSON.stringify(ops)}`);
await page.fill('input[name="op"]', "");
await page.click("#filters button");

step("live: the AWS CLI's calls appear on their own");
console.log("page: ready for the live calls");
const deadline = Date.now() + 60_000;
while (!existsSync(liveFlag)) {
  if (Date.now() > deadline) fail("the live calls never finished");
  await page.waitForTimeout(100);
}
await page.locator("#timeline tbody tr td:nth-child(5)", { hasText: /^CreateUser$/ }).first().waitFor({ timeout: 15_000 });
await page.screenshot({ path: `${shots}/live.png` });

if (problems.length) fail(`the page reported: ${JSON.stringify(problems)}`);
await browser.close();
console.log("page: passed");
