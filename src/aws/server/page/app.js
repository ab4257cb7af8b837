// The page of a running `slrsim serve` (`/_slrsim/`): the timeline of its records, the role's life per
// account, and, for a chosen record, the state after it, what it changed and why a deletion ended as
// it did. Everything comes from the control API's reads (`/_slrsim/log`, `state`, `diff`, `explain`,
// `status`, `fork`), a window of records at a time, so a long log is never downloaded whole.
// No framework and no build step: this file is served from the binary as written.

const WINDOW = 200;
const $ = (sel) => document.querySelector(sel);

let view = { from: null, to: null, last: null, records: [] };
let chosen = null;
let compared = null;

// The token came once in the address (`?token=`); the answer set a cookie, so drop it from the URL
// (and from the history and any Referer).
if (new URLSearchParams(location.search).has("token")) {
  history.replaceState(null, "", location.pathname);
}

async function read(path, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== null && v !== undefined && v !== "" && v !== false) q.set(k, v === true ? "true" : v);
  }
  const url = `/_slrsim/${path}${q.toString() ? "?" + q : ""}`;
  const answer = await fetch(url, { credentials: "same-origin" });
  const body = await answer.json().catch(() => ({ Message: answer.statusText }));
  if (!answer.ok) throw new Error(body.Message || `${answer.status}`);
  return body;
}

function filters() {
  const f = new FormData($("#filters"));
  return {
    account: f.get("account"),
    region: f.get("region"),
    op: f.get("op"),
    errors: f.get("errors") === "on",
  };
}

function when(seconds) {
  return new Date(seconds * 1000).toISOString().replace(".000Z", "Z");
}

function outcome(r) {
  if (r.outcome.error) {
    const e = r.outcome.error.error;
    return `ERROR ${e.code} (${e.status}): ${e.message}`;
  }
  const events = (r.outcome.ok.events || []).map((e) => e.type);
  return events.length ? `ok: ${events.join(", ")}` : "ok";
}

function cell(text, cls) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

function renderTimeline() {
  const body = $("#timeline tbody");
  body.replaceChildren();
  for (const r of view.records) {
    const tr = document.createElement("tr");
    tr.dataset.seq = r.seq;
    if (r.outcome.error) tr.classList.add("error");
    if (r.seq === chosen) tr.classList.add("chosen");
    if (r.seq === compared) tr.classList.add("compared");
    tr.append(
      cell(r.seq),
      cell(when(r.time)),
      cell(`${r.action.account} ${r.action.caller}`),
      cell(r.action.region),
      cell(r.action.op),
      cell(outcome(r), "outcome"),
    );
    tr.addEventListener("click", (ev) => choose(r.seq, ev.shiftKey));
    body.append(tr);
  }
  const shown = view.records.length
    ? `records ${view.records[0].seq}–${view.records[view.records.length - 1].seq} of 0–${view.last}`
    : "no records match";
  $("#window").textContent = shown;
  renderLanes();
}

// The role's life per account (IAM is global), and per account and Region its use by MediaTailor and
// each configuration's logging percentage over time, in the records shown.
function renderLanes() {
  const lanes = new Map();
  const lane = (name) => {
    if (!lanes.has(name)) lanes.set(name, []);
    return lanes.get(name);
  };
  for (const r of view.records) {
    for (const e of (r.outcome.ok && r.outcome.ok.events) || []) {
      const role = `account ${e.account}: the role`;
      if (e.type === "RoleCreated" && e.role && e.role.service_linked) lane(role).push([r.seq, "created", "created"]);
      if (e.type === "RoleDeleted" && e.role_name === "AWSServiceRoleForMediaTailor") lane(role).push([r.seq, "deleted", "deleted"]);
      if (e.type === "DeletionTaskCreated") lane(role).push([r.seq, "task", "deletion asked"]);
      if (e.type === "DeletionTaskFailed") lane(role).push([r.seq, "failed", "deletion FAILED", e.task_id]);
      if (e.type === "DeletionTaskSucceeded") lane(role).push([r.seq, "succeeded", "deletion SUCCEEDED", e.task_id]);
      // The role is global to the account; its use, and logging, are per Region.
      if (e.type === "RoleUsed") lane(`account ${e.account} / ${e.region}: the role in use`).push([r.seq, "used", "in use"]);
      if (e.type === "LogConfigurationSet") {
        lane(`account ${e.account} / ${e.region}: ${e.name} logging`).push([r.seq, "", `${e.log.percent_enabled}%`]);
      }
    }
  }
  const out = $("#lanes");
  out.replaceChildren();
  if (!lanes.size) out.textContent = "Nothing about the role or logging in these records.";
  for (const [name, marks] of lanes) {
    const div = document.createElement("div");
    div.className = "lane";
    const label = document.createElement("b");
    label.textContent = name;
    div.append(label);
    for (const [seq, cls, text, task] of marks) {
      const m = document.createElement("span");
      m.className = `mark ${cls}`;
      m.textContent = `#${seq} ${text}`;
      m.title = task ? "explain this deletion" : "show this record";
      m.addEventListener("click", () => (task ? explain(task) : choose(seq, false)));
      div.append(m);
    }
    out.append(div);
  }
}

async function load(from, to) {
  const page = await read("log", { from, to, ...filters() });
  view = { from: page.From, to: page.To, last: page.Last, records: page.Records || [] };
  renderTimeline();
}

function detail(title, ...nodes) {
  $("#detail-title").textContent = title;
  $("#detail").replaceChildren(...nodes);
}

function pre(value) {
  const p = document.createElement("pre");
  p.textContent = typeof value === "string" ? value : JSON.stringify(value, null, 2);
  return p;
}

function heading(text) {
  const h = document.createElement("h3");
  h.textContent = text;
  return h;
}

function changes(list) {
  const ul = document.createElement("ul");
  ul.className = "changes";
  for (const c of list) {
    const li = document.createElement("li");
    li.className = c.kind;
    const show = (v) => (v === undefined ? "" : JSON.stringify(v).slice(0, 160));
    li.textContent =
      c.kind === "added" ? `+ ${c.path} = ${show(c.after)}`
      : c.kind === "removed" ? `- ${c.path} (was ${show(c.before)})`
      : `~ ${c.path}: ${show(c.before)} → ${show(c.after)}`;
    ul.append(li);
  }
  if (!list.length) ul.textContent = "nothing";
  return ul;
}

async function choose(seq, shift) {
  if (shift && chosen !== null && chosen !== seq) {
    compared = seq;
    renderTimeline();
    const [a, b] = [Math.min(chosen, seq), Math.max(chosen, seq)];
    detail(`What changed from record ${a} to record ${b}`, changes(await read("diff", { from: a, to: b })));
    return;
  }
  chosen = seq;
  compared = null;
  renderTimeline();
  const record = view.records.find((r) => r.seq === seq);
  const parts = [heading("The record"), pre(record || `record ${seq}`)];
  if (seq > 0) {
    parts.push(heading(`What it changed (diff ${seq - 1} ${seq})`), changes(await read("diff", { from: seq - 1, to: seq })));
  }
  const task = record && record.outcome.ok && record.outcome.ok.response && record.outcome.ok.response.DeletionTaskId;
  if (task) {
    const b = document.createElement("button");
    b.className = "link";
    b.textContent = "explain this deletion task";
    b.addEventListener("click", () => explain(task));
    parts.push(b);
  }
  const fork = document.createElement("button");
  fork.textContent = `fork from record ${seq}…`;
  fork.addEventListener("click", () => forkFrom(seq));
  parts.push(heading("The state after it"), pre(await read("state", { at: seq })), fork);
  detail(`Record ${seq}`, ...parts);
}

async function explain(task) {
  const e = await read("explain", { task });
  const links = document.createElement("p");
  for (const seq of [e.started_by, e.finished_by].filter((s) => s !== null && s !== undefined)) {
    const b = document.createElement("button");
    b.className = "link";
    b.textContent = `record ${seq}`;
    b.addEventListener("click", () => choose(seq, false));
    links.append(b, " ");
  }
  detail(`Why deletion task …${task.slice(-8)} is ${e.status}`, pre(e.summary), links);
}

async function forkFrom(seq) {
  const to = prompt(`A new database folder for records 0–${seq} of this log:`, `fork-at-${seq}.db`);
  if (!to) return;
  try {
    const answer = await fetch("/_slrsim/fork", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ At: seq, To: to }),
    });
    const body = await answer.json();
    if (!answer.ok) throw new Error(body.Message);
    detail(`Forked at record ${seq}`, pre(body));
  } catch (err) {
    detail("The fork was refused", pre(String(err.message || err)));
  }
}

async function tick() {
  try {
    const s = await read("status");
    $("#status").textContent = `${s.Time} · ${s.NextSeq} records · clock ${s.Clock}`;
    // Following the end: load the newest window when new records arrived.
    if ($("#live").checked && (view.last === null || s.NextSeq - 1 > view.last) && (view.to === null || view.to >= (view.last ?? 0))) {
      await load(null, null);
    }
  } catch (err) {
    $("#status").textContent = `cannot read the server: ${err.message}`;
  }
}

$("#filters").addEventListener("submit", (ev) => {
  ev.preventDefault();
  load(null, null).catch((err) => detail("The filter was refused", pre(err.message)));
});
$("#older").addEventListener("click", () => {
  if (view.from === null || view.from === 0) return;
  const to = view.from - 1;
  load(Math.max(0, to - WINDOW + 1), to);
});
$("#newer").addEventListener("click", () => {
  if (view.to === null || view.last === null || view.to >= view.last) return;
  load(view.to + 1, Math.min(view.last, view.to + WINDOW));
});

tick();
setInterval(tick, 2000);
