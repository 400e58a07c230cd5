// The govrules playground: a form built from the checklist of the rules in force
// (GET /v1/facts/{kind}?jurisdiction=), judged by POST /v1/decisions. No framework, no build step.
"use strict";

const $ = (sel) => document.querySelector(sel);
const state = { lang: "zh", schema: null, facts: [], decision: null, explanation: { zh: "", en: "" }, action: null };
const VERDICT = { allowed: ["允许", "allowed"], conditional: ["有条件允许", "conditional"], denied: ["不允许", "denied"] };
const OUTCOME_ZH = { violated: "违反", pending: "待办", undetermined: "缺少事实", satisfied: "已满足",
  permitted: "许可", excepted: "例外", obligation: "后续义务" };

function t(zh, en) { return state.lang === "zh" ? (zh || en) : (en || zh); }

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v; else if (k === "text") e.textContent = v; else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  const token = $("#token").value.trim();
  if (token) headers.Authorization = "Bearer " + token;
  const response = await fetch(path, Object.assign({}, options, { headers }));
  const digest = response.headers.get("Govrules-Rulebook-Digest");
  if (digest) $("#digest").textContent = digest;
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    if (response.status === 401) $("details.token").open = true;
    const err = new Error(body.detail || body.title || response.statusText);
    err.problem = body;
    throw err;
  }
  return body;
}

// --- the JSON Schema of actions: kinds, and the values a field may take ---------------------------
function resolve(node) {
  while (node && node.$ref) node = state.schema.$defs[node.$ref.split("/").pop()];
  if (node && node.anyOf) {
    const real = node.anyOf.filter((n) => n.type !== "null");
    if (real.length === 1) return resolve(real[0]);
  }
  return node;
}

function fieldSchema(kind, dotted) {
  let node = resolve({ $ref: state.schema.$defs.Action.discriminator.mapping[kind] });
  for (const part of dotted.split(".")) {
    node = node && node.properties ? resolve(node.properties[part]) : null;
  }
  return node;
}

// --- the form ----------------------------------------------------------------------------------
function factField(f, kind) {
  const label = el("label", { class: "fact", "data-fact": f.name });
  const step = /^step: (\w+) \((\w+)\)$/.exec(f.name);
  const zh = f.description_zh || (step ? `程序「${step[1]}」（${step[2]}）：已办及日期` : f.description_en);
  const name = el("span", { class: "name", "data-zh": zh,
    "data-en": f.description_en || f.description_zh, text: t(zh, f.description_en) || f.name });
  label.append(name, el("code", { text: f.name + (f.presumed ? t("（未填时按规则推定）", " (presumed when not given)") : "") }));
  let input;
  if (f.type === "step") {
    const m = /^step: (\w+) \((\w+)\)$/.exec(f.name);
    const done = el("input", { type: "checkbox", "data-step": m[1], "data-party": m[2] });
    const day = el("input", { type: "date", "data-step-date": f.name });
    const box = el("span", { class: "step" }, done, el("span", { text: t("已办，日期", "done on") }), day);
    label.append(box);
    return label;
  }
  const schema = fieldSchema(kind, f.name) || {};
  if (f.type === "bool") {
    input = el("select", { name: f.name, "data-type": "bool" },
      el("option", { value: "", text: "—" }), el("option", { value: "true", text: t("是", "yes") }),
      el("option", { value: "false", text: t("否", "no") }));
  } else if (schema.enum) {
    input = el("select", { name: f.name, "data-type": "str" }, el("option", { value: "", text: "—" }),
      ...schema.enum.map((v) => el("option", { value: v, text: v })));
  } else if (f.type === "date" || schema.format === "date") {
    input = el("input", { type: "date", name: f.name, "data-type": "str" });
  } else if (f.type === "int") {
    input = el("input", { type: "number", step: "1", name: f.name, "data-type": "int" });
  } else if (schema.type === "array") {
    input = el("input", { type: "text", name: f.name, "data-type": "list", placeholder: "a, b" });
  } else {
    input = el("input", { type: "text", name: f.name, "data-type": "str" });
  }
  label.append(input);
  return label;
}

let factsAsked = 0;  // the latest loadFacts: an answer to an earlier one (a slower reply) is dropped
async function loadFacts() {
  const kind = $("#kind").value, j = $("#jurisdiction").value, day = $("#date").value;
  if (!kind || !j) return;
  const asked = ++factsAsked;
  const note = $("#facts-note"), box = $("#fact-fields");
  let facts, problem = "";
  try {
    const answer = await api(`/v1/facts/${encodeURIComponent(kind)}?jurisdiction=${encodeURIComponent(j)}` +
      (day ? `&date=${day}` : ""));
    facts = answer.facts;
  } catch (err) {
    facts = [];
    problem = err.message;
  }
  if (asked !== factsAsked) return;  // the form changed meanwhile: its own answer will render it
  state.facts = facts;
  note.textContent = problem;
  box.replaceChildren();
  box.dataset.for = `${kind} ${j} ${day}`;  // what the fields are for (the browser tests wait on it)
  const shown = state.facts.slice();
  if (!shown.some((f) => f.name === "actor.role")) {
    shown.unshift({ name: "actor.role", type: "one of", description_zh: "行为人职务", description_en: "The actor's role", rules: [] });
  }
  for (const f of shown) if (!["date", "as_of", "kind", "jurisdiction"].includes(f.name)) box.append(factField(f, kind));
  if (!state.facts.length && !note.textContent) {
    note.textContent = t("该辖区的现行规则对此类事项无规定。", "The rules in force say nothing on this kind of action.");
  }
}

function setPath(obj, dotted, value) {
  const parts = dotted.split(".");
  let o = obj;
  for (const p of parts.slice(0, -1)) o = o[p] = o[p] || {};
  o[parts[parts.length - 1]] = value;
}

function buildAction() {
  const action = { kind: $("#kind").value, jurisdiction: $("#jurisdiction").value, date: $("#date").value };
  if ($("#as_of").value) action.as_of = $("#as_of").value;
  action.actor = {};
  for (const input of document.querySelectorAll("#fact-fields [name]")) {
    const raw = input.value.trim();
    if (raw === "") continue;
    const type = input.dataset.type;
    const value = type === "bool" ? raw === "true" : type === "int" ? parseInt(raw, 10)
      : type === "list" ? raw.split(",").map((s) => s.trim()).filter(Boolean) : raw;
    setPath(action, input.name, value);
  }
  const steps = [];
  for (const box of document.querySelectorAll("#fact-fields input[data-step]")) {
    if (!box.checked) continue;
    const day = box.parentElement.querySelector("input[type=date]").value;
    const step = { step: box.dataset.step, party: box.dataset.party };
    if (day) step.date = day;
    steps.push(step);
  }
  if (steps.length) action.steps = steps;
  return action;
}

// --- the answer ---------------------------------------------------------------------------------
function renderDecision() {
  const d = state.decision;
  if (!d) return;
  $("#result").hidden = false;
  $("#problem").hidden = true;
  const v = $("#verdict");
  v.className = "verdict " + d.verdict;
  v.textContent = t(...VERDICT[d.verdict]);
  $("#rulebook").textContent = `${d.document} (${d.rulebook})` + (d.silent ? t(" · 无相关规定", " · silent") : "");
  const list = $("#findings");
  list.replaceChildren();
  for (const f of d.findings) {
    const details = el("details", { class: "article", "data-jurisdiction": f.jurisdiction, "data-article": String(f.article) },
      el("summary", { text: t("条文", "Article text") }), el("pre", { text: "…" }));
    details.addEventListener("toggle", () => showArticle(details, f), { once: true });
    const extra = [];
    if (f.due) extra.push(t("期限 ", "due ") + f.due);
    if (f.comply_by) extra.push(t("应于 ", "comply by ") + f.comply_by);
    if (f.missing && f.missing.length) extra.push(t("缺少：", "missing: ") + f.missing.join(", "));
    list.append(el("li", { "data-rule": f.rule },
      el("span", { class: "citation", text: `${f.citation_zh}（${f.label}）` }), " ",
      el("span", { class: "outcome " + f.outcome, text: t(OUTCOME_ZH[f.outcome], f.outcome) }),
      el("div", { text: t(f.message_zh, f.message_en) }),
      extra.length ? el("div", { class: "hint", text: extra.join(" · ") }) : null,
      el("div", { class: "hint", text: f.rule }), details));
  }
  if (!d.findings.length) list.append(el("li", { class: "hint", text: t("无适用条款", "No provision applies") }));
  const body = $("#obligations tbody");
  body.replaceChildren();
  for (const o of d.obligations) {
    body.append(el("tr", {}, el("td", { text: o.step + (o.follow_up ? t("（事后）", " (after)") : "") }),
      el("td", { text: (o.party || []).join(", ") + (o.system ? ` · ${o.system}` : "") }),
      el("td", { text: o.due || "—" }), el("td", { text: String(o.article) })));
  }
  $("#obligations").hidden = !d.obligations.length;
  $("#no-obligations").hidden = !!d.obligations.length;
  $("#explanation").textContent = state.explanation[state.lang] || "…";
}

async function showArticle(details, f) {
  const pre = details.querySelector("pre");
  try {
    const a = await api(`/v1/jurisdictions/${encodeURIComponent(f.jurisdiction)}/articles/${f.article}?date=${state.decision.date}`);
    pre.textContent = `${a.chapter}\n${a.text}`;
  } catch (err) {
    pre.textContent = err.message;
  }
}

async function judge(event) {
  event.preventDefault();
  const action = buildAction();
  state.action = action;
  showYaml(false);
  $("#judge").disabled = true;
  try {
    const answer = await api(`/v1/decisions?explain=${state.lang}`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(action) });
    state.decision = answer.decision;
    state.explanation = { zh: "", en: "" };
    state.explanation[state.lang] = answer.explanation;
    renderDecision();
  } catch (err) {
    state.decision = null;
    $("#result").hidden = false;
    const p = $("#problem");
    p.hidden = false;
    const fields = (err.problem && err.problem.errors || []).map((e) => `${e.path || "(action)"}: ${e.detail}`);
    p.textContent = fields.length ? fields.join("\n") : err.message;
    $("#verdict").className = "verdict";
    $("#verdict").textContent = "";
    for (const sel of ["#findings", "#obligations tbody"]) $(sel).replaceChildren();
    $("#explanation").textContent = "";
  } finally {
    $("#judge").disabled = false;
  }
}

// --- the action as YAML, for `govrules check` -------------------------------------------------------
function scalar(v) {
  if (typeof v === "boolean" || typeof v === "number") return String(v);
  if (/^\d{4}-\d{2}-\d{2}$/.test(v) || (/^[A-Za-z_][\w.-]*$/.test(v) && !/^(true|false|yes|no|on|off|null|y|n)$/i.test(v))) return v;
  return JSON.stringify(v);
}
function flow(v) {
  if (Array.isArray(v)) return "[" + v.map(flow).join(", ") + "]";
  if (v && typeof v === "object") return "{" + Object.entries(v).map(([k, x]) => `${k}: ${flow(x)}`).join(", ") + "}";
  return scalar(v);
}
function toYaml(action) {
  const lines = ["# govrules check action.yaml"];
  for (const [k, v] of Object.entries(action)) {
    if (Array.isArray(v) && v.length && typeof v[0] === "object") {
      lines.push(`${k}:`);
      for (const item of v) lines.push(`  - ${flow(item)}`);
    } else {
      lines.push(`${k}: ${flow(v)}`);
    }
  }
  return lines.join("\n") + "\n";
}
async function copyYaml(event) {
  event.preventDefault();
  const text = toYaml(buildAction());
  const area = $("#yaml");
  area.value = text;
  showYaml(true);
  let copied = false;
  try {
    if (navigator.clipboard && window.isSecureContext) { await navigator.clipboard.writeText(text); copied = true; }
  } catch (err) { copied = false; }
  if (!copied) { area.select(); copied = document.execCommand && document.execCommand("copy"); }
  const note = $("#copied");
  note.hidden = false;
  note.textContent = copied ? t("已复制", "copied") : t("请从下方复制", "copy it from below");
}
function showYaml(on) { $("#yaml").hidden = !on; if (!on) $("#copied").hidden = true; }

// --- language -------------------------------------------------------------------------------------
function setLang(lang) {
  state.lang = lang;
  document.documentElement.lang = lang === "zh" ? "zh-Hans" : "en";
  for (const node of document.querySelectorAll("[data-zh]")) node.textContent = t(node.dataset.zh, node.dataset.en);
  for (const option of document.querySelectorAll("#jurisdiction option")) option.textContent = t(option.dataset.zh, option.dataset.en);
  return loadFacts().then(async () => {
    if (state.decision && !state.explanation[lang] && state.action) {
      try {
        const answer = await api(`/v1/decisions?explain=${lang}`, {
          method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(state.action) });
        state.explanation[lang] = answer.explanation;
      } catch (err) { state.explanation[lang] = err.message; }
    }
    renderDecision();
  });
}

async function start() {
  const [catalogue, schema] = await Promise.all([api("/v1/jurisdictions"), api("/v1/schema/actions")]);
  state.schema = schema;
  for (const j of catalogue.jurisdictions) {
    const latest = j.versions[j.versions.length - 1];
    $("#jurisdiction").append(el("option", { value: j.id, "data-zh": `${latest.title_zh.replace(/人民政府工作规则.*$/, "")}（${j.id}）`,
      "data-en": `${j.id} — ${latest.title_en}`, text: j.id }));
  }
  for (const kind of Object.keys(schema.$defs.Action.discriminator.mapping)) {
    $("#kind").append(el("option", { value: kind, text: kind }));
  }
  $("#kind").value = "leave_jurisdiction";
  $("#date").value = new Date().toISOString().slice(0, 10);
  for (const sel of ["#jurisdiction", "#kind", "#date"]) $(sel).addEventListener("change", loadFacts);
  for (const radio of document.querySelectorAll("input[name=lang]")) radio.addEventListener("change", () => setLang(radio.value));
  $("#action").addEventListener("submit", judge);
  $("#copy-yaml").addEventListener("click", copyYaml);
  await setLang(document.querySelector("input[name=lang]:checked").value);
  document.body.dataset.ready = "true";
}

start().catch((err) => { $("#facts-note").textContent = err.message; });
