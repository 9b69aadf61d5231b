// Ringkas web page: build a job from the form, submit it, poll it, render the results.
// Plain browser JavaScript, no framework: every user-supplied string goes through
// textContent, never innerHTML.
"use strict";

const POLL_MS = 700;
const FINISHED = ["succeeded", "failed", "partial", "cancelled"];

const $ = (id) => document.getElementById(id);
let articleCounter = 0;
let lastJob = null;

// --- the form -------------------------------------------------------------------------

function addArticle(values = {}) {
  articleCounter += 1;
  const n = articleCounter;
  const node = $("article-template").content.firstElementChild.cloneNode(true);
  // Unique ids, so each label stays tied to its own control.
  for (const el of node.querySelectorAll("[id]")) el.id = el.id.replace("-N", `-${n}`);
  for (const el of node.querySelectorAll("label[for]")) {
    el.htmlFor = el.htmlFor.replace("-N", `-${n}`);
  }
  node.querySelector("[name=title]").value = values.title || "";
  node.querySelector("[name=text]").value = values.text || "";
  node.querySelector("[name=source_lang]").value = values.source_lang === "en" ? "en" : "id";
  node.querySelector("[name=format]").value = values.format === "html" ? "html" : "text";
  node.dataset.articleId = values.id || "";
  node.querySelector(".remove-article").addEventListener("click", () => {
    node.remove();
    if (!$("articles").children.length) addArticle();
    renumber();
  });
  $("articles").appendChild(node);
  renumber();
  return node;
}

function renumber() {
  const nodes = [...$("articles").children];
  nodes.forEach((node, i) => {
    node.querySelector(".article-number").textContent = String(i + 1);
    const remove = node.querySelector(".remove-article");
    remove.setAttribute("aria-label", `Remove article ${i + 1}`);
    remove.hidden = nodes.length === 1;
  });
}

function formArticles() {
  return [...$("articles").children]
    .map((node) => {
      const article = {
        title: node.querySelector("[name=title]").value.trim() || null,
        text: node.querySelector("[name=text]").value,
        source_lang: node.querySelector("[name=source_lang]").value,
      };
      const format = node.querySelector("[name=format]").value;
      if (format !== "text") article.format = format;
      if (node.dataset.articleId) article.id = node.dataset.articleId;
      return article;
    })
    .filter((a) => a.text.trim() || a.title);
}

// A .txt file is one article, its first non-empty line the title (as in `ringkas batch`);
// a .jsonl file is one article per line: {"text", "title"?, "id"?, "source_lang"?}.
function parseFile(name, content) {
  if (name.toLowerCase().endsWith(".jsonl")) {
    return content
      .split(/\r?\n/)
      .filter((line) => line.trim())
      .map((line, i) => {
        let obj;
        try {
          obj = JSON.parse(line);
        } catch (err) {
          throw new Error(`${name}:${i + 1}: not valid JSON`);
        }
        if (typeof obj !== "object" || obj === null || typeof obj.text !== "string") {
          throw new Error(`${name}:${i + 1}: expected an object with a "text" string`);
        }
        return { ...obj, id: obj.id == null ? undefined : String(obj.id) };
      });
  }
  if (/\.html?$/i.test(name)) {
    // An HTML file is one article, translated with its markup (as in `ringkas batch`).
    return [{ text: content.replace(/^\uFEFF/, "").trim(), format: "html",
      id: name.replace(/\.[^.]*$/, "") }];
  }
  const lines = content.replace(/^\uFEFF/, "").split(/\r?\n/);
  const first = lines.findIndex((line) => line.trim());
  if (first < 0) return [];
  return [{
    title: lines[first].trim(),
    text: lines.slice(first + 1).join("\n").trim(),
    id: name.replace(/\.[^.]*$/, ""),
  }];
}

async function loadFiles(files) {
  showError("");
  try {
    for (const file of files) {
      for (const article of parseFile(file.name, await file.text())) {
        const nodes = [...$("articles").children];
        const last = nodes[nodes.length - 1];
        const empty = last && !last.querySelector("[name=text]").value.trim()
          && !last.querySelector("[name=title]").value.trim();
        if (empty) last.remove();
        addArticle(article);
      }
    }
  } catch (err) {
    showError(err.message);
  }
  $("file-input").value = "";
}

function showError(message) {
  $("form-error").textContent = message;
  $("form-error").hidden = !message;
}

function headers() {
  const h = { "content-type": "application/json" };
  const key = $("api-key").value.trim();
  if (key) h.authorization = `Bearer ${key}`;
  return h;
}

// The API's error envelope {"code", "detail", "errors"} as one readable line.
async function describeError(response) {
  try {
    const body = await response.json();
    const fields = (body.errors || []).map((e) => `${e.loc ?? ""}: ${e.msg ?? ""}`).join("; ");
    return `${body.detail || response.statusText}${fields ? ` (${fields})` : ""}`;
  } catch (err) {
    return `HTTP ${response.status} ${response.statusText}`;
  }
}

async function submitJob(event) {
  event.preventDefault();
  showError("");
  const articles = formArticles();
  const tasks = [...document.querySelectorAll("input[name=tasks]:checked")].map((c) => c.value);
  const mode = document.querySelector("input[name=brief_mode]:checked");
  const brief_mode = mode ? mode.value : "full";
  if (!articles.length) return showError("Paste an article's text or load a file first.");
  if (articles.some((a) => !a.text.trim())) return showError("Every article needs its text.");
  if (!tasks.length) return showError("Choose at least one task.");
  $("submit").disabled = true;
  try {
    const response = await fetch("/v1/jobs", {
      method: "POST",
      headers: headers(),
      body: JSON.stringify({ articles, tasks, brief_mode }),
    });
    if (response.status !== 202) throw new Error(await describeError(response));
    const accepted = await response.json();
    $("job").hidden = false;
    $("job-id").textContent = accepted.job_id;
    $("cancel-job").hidden = false;
    $("cancel-job").disabled = false;
    $("results").hidden = true;
    $("result-list").replaceChildren();
    lastJob = null;
    await poll(accepted.status_url);
  } catch (err) {
    showError(err.message);
  } finally {
    $("submit").disabled = false;
    $("cancel-job").hidden = true;
  }
}

// DELETE /v1/jobs/{id}: queued articles never run, running ones stop at their next batch;
// the poll then sees the job cancelled.
async function cancelJob() {
  const jobId = $("job-id").textContent;
  if (!jobId) return;
  $("cancel-job").disabled = true;
  const response = await fetch(`/v1/jobs/${encodeURIComponent(jobId)}`, {
    method: "DELETE",
    headers: headers(),
  });
  if (!response.ok) showError(await describeError(response));
}

// --- progress -------------------------------------------------------------------------

function formatSeconds(s) {
  if (s == null) return "";
  if (s < 60) return `${Math.round(s)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

function showProgress(job) {
  const p = job.progress;
  const d = job.progress_detail;
  const fraction = d ? d.fraction : p.done / p.total;
  $("job-progress").value = FINISHED.includes(job.status) ? 1 : fraction;
  const parts = [`${job.status}`, `${p.done}/${p.total} articles`];
  if (p.failed) parts.push(`${p.failed} failed`);
  if (d && d.sentences_total) parts.push(`${d.sentences_done}/${d.sentences_total} sentences`);
  if (d && d.eta_s != null && !FINISHED.includes(job.status)) {
    parts.push(`about ${formatSeconds(d.eta_s)} left`);
  }
  if (d && d.elapsed_s != null && FINISHED.includes(job.status)) {
    parts.push(`took ${formatSeconds(d.elapsed_s)}`);
  }
  $("job-status").textContent = parts.join(" · ");
  $("job").dataset.status = job.status;
}

async function poll(statusUrl) {
  let shown = -1;
  for (;;) {
    const response = await fetch(statusUrl, { headers: headers() });
    if (!response.ok) throw new Error(await describeError(response));
    const job = await response.json();
    showProgress(job);
    if (job.progress.done !== shown) {
      shown = job.progress.done;
      renderResults(job);
    }
    if (FINISHED.includes(job.status)) return job;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

// --- results --------------------------------------------------------------------------

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

function warningText(w) {
  if (typeof w === "string") return w;
  if (w && typeof w === "object") return w.message || w.detail || w.code || JSON.stringify(w);
  return String(w);
}

// Paragraphs a warning points at, when it says so ({"paragraph": i} or {"paragraphs": [...]}).
function warnedParagraphs(warnings) {
  const out = new Set();
  for (const w of warnings) {
    if (w && typeof w === "object") {
      if (Number.isInteger(w.paragraph)) out.add(w.paragraph);
      if (Array.isArray(w.paragraphs)) w.paragraphs.forEach((i) => out.add(i));
    }
  }
  return out;
}

// A paragraph's translation as one span per sentence, the ones the adequacy check flagged
// highlighted (with their score as a tooltip); plain text when there is no detail.
function translationParagraph(text, sentences) {
  const node = el("p", "translation");
  if (!sentences.length || !sentences.some((d) => d.adequacy != null)) {
    node.textContent = text;
    return node;
  }
  sentences.forEach((d, i) => {
    if (i) node.appendChild(document.createTextNode(" "));
    const flagged = d.warnings.some((w) => warningText(w).includes("may not match its source"));
    const span = el("span", flagged ? "sentence adequacy-low" : "sentence", d.translation);
    span.title = `adequacy ${d.adequacy.toFixed(2)}${flagged ? ": may not match its source" : ""}`;
    node.appendChild(span);
  });
  return node;
}

function adequacyLine(summary) {
  const flagged = summary.flagged
    ? `${summary.flagged} of ${summary.sentences} sentence(s) may not match their source`
    : `all ${summary.sentences} sentence(s) match their source`;
  const text = `Adequacy: mean ${summary.mean.toFixed(2)} · lowest ${summary.min.toFixed(2)} · ${flagged}`;
  return el("p", `adequacy${summary.flagged ? " has-warning" : ""}`, text);
}

function renderArticle(article) {
  const box = el("article", "article");
  box.dataset.status = article.status;
  box.appendChild(el("h3", null, article.title || article.id || `Article ${article.index + 1}`));
  if (article.status === "failed") {
    box.appendChild(el("p", "failed", `Failed: ${article.error}`));
    return box;
  }
  if (article.status === "cancelled") {
    box.appendChild(el("p", "failed", "Cancelled before it was translated."));
    return box;
  }
  const r = article.result || {};
  if (r.title_translation) box.appendChild(el("p", "title-translation", r.title_translation));
  if (r.brief || r.brief_id) {
    const brief = el("section", "brief");
    brief.dataset.mode = r.brief_mode || "";
    const how = r.brief_mode === "triage" ? " (triage: sentences chosen on the source)" : "";
    brief.appendChild(el("h4", null, `Brief${how}`));
    if (r.brief) brief.appendChild(el("p", null, r.brief));
    if (r.brief_id) brief.appendChild(el("p", "brief-id", r.brief_id));
    box.appendChild(brief);
  }
  if (r.adequacy) box.appendChild(adequacyLine(r.adequacy));
  const warnings = Array.isArray(r.warnings) ? r.warnings : [];
  if (warnings.length) {
    const section = el("section", "warnings");
    section.setAttribute("role", "note");
    section.appendChild(el("h4", null, `⚠ ${warnings.length} warning(s)`));
    const list = el("ul");
    for (const w of warnings) list.appendChild(el("li", null, warningText(w)));
    section.appendChild(list);
    box.appendChild(section);
  }
  if (Array.isArray(r.paragraphs)) {
    const warned = warnedParagraphs(warnings);
    const pairs = el("div", "pairs");
    const head = el("div", "pair-head");
    head.appendChild(el("span", null, `Source (${r.source_lang})`));
    head.appendChild(el("span", null, `Translation (${r.target_lang})`));
    pairs.appendChild(head);
    r.paragraphs.forEach((p, i) => {
      const own = Array.isArray(p.warnings) ? p.warnings : [];
      const row = el("div", `pair${warned.has(i) || own.length ? " has-warning" : ""}`);
      row.appendChild(el("p", "source", p.source));
      const details = Array.isArray(r.sentences_detail) ? r.sentences_detail : [];
      const translation = translationParagraph(
        p.translation,
        details.filter((d) => d.paragraph === i),
      );
      if (own.length) translation.title = own.map(warningText).join("; ");
      row.appendChild(translation);
      pairs.appendChild(row);
    });
    box.appendChild(pairs);
  } else if (r.translation) {
    box.appendChild(el("p", "translation", r.translation));
  }
  if (typeof r.html === "string") {
    // The translated document as source (text, never parsed into this page), to copy.
    const html = el("details", "translated-html");
    html.appendChild(el("summary", null, "Translated HTML"));
    html.appendChild(el("pre", "html-source", r.html));
    box.appendChild(html);
  }
  return box;
}

function renderResults(job) {
  lastJob = job;
  const finished = job.articles.filter((a) => a.status !== "queued" && a.status !== "running");
  if (!finished.length) return;
  $("results").hidden = false;
  $("demo-banner").hidden = !finished.some((a) => a.result && a.result.demo_models);
  $("result-list").replaceChildren(...finished.map(renderArticle));
}

// --- copy and download (the same records and Markdown as `ringkas batch`) ---------------

function records(job) {
  return job.articles
    .filter((a) => a.status === "succeeded" || a.status === "failed")
    .map((a) => {
      const id = a.id || String(a.index);
      return a.status === "succeeded"
        ? { id, title: a.title, status: "succeeded", result: a.result }
        : { id, title: a.title, status: "failed", error: { code: "failed", detail: a.error } };
    });
}

// The API writes the Markdown (GET /v1/jobs/{id}/markdown, the same document as
// `ringkas batch --markdown`), escaping every title, id, error and text in one place.
async function markdown(job) {
  const url = `/v1/jobs/${encodeURIComponent(job.job_id)}/markdown`;
  const response = await fetch(url, { headers: headers() });
  if (!response.ok) throw new Error(await describeError(response));
  return response.text();
}

function download(name, type, content) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = el("a");
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function copyMarkdown() {
  if (!lastJob) return;
  let text;
  try {
    text = await markdown(lastJob);
  } catch (err) {
    $("copy-status").textContent = `Could not get the Markdown: ${err.message}`;
    return;
  }
  try {
    await navigator.clipboard.writeText(text);
    $("copy-status").textContent = "Copied.";
  } catch (err) {
    $("copy-status").textContent = "Copying is not allowed here; use Download instead.";
  }
}

async function downloadMarkdown() {
  if (!lastJob) return;
  try {
    download(`ringkas-${lastJob.job_id}.md`, "text/markdown", await markdown(lastJob));
  } catch (err) {
    $("copy-status").textContent = `Could not get the Markdown: ${err.message}`;
  }
}

// --- wiring ---------------------------------------------------------------------------

document.addEventListener("DOMContentLoaded", () => {
  addArticle();
  $("add-article").addEventListener("click", () => addArticle().querySelector("textarea").focus());
  $("file-input").addEventListener("change", (e) => loadFiles(e.target.files));
  $("job-form").addEventListener("submit", submitJob);
  $("cancel-job").addEventListener("click", cancelJob);
  $("copy-markdown").addEventListener("click", copyMarkdown);
  $("download-jsonl").addEventListener("click", () => {
    if (lastJob) {
      const lines = records(lastJob).map((r) => JSON.stringify(r)).join("\n");
      download(`ringkas-${lastJob.job_id}.jsonl`, "application/x-ndjson", `${lines}\n`);
    }
  });
  $("download-markdown").addEventListener("click", downloadMarkdown);
});
