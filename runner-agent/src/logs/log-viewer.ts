import escapeHtml from 'escape-html';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { JobLogMeta } from './log-store.ts';

/**
 * The HTML log viewer: one self-contained page per job that follows its log (a `?follow=1` stream, resumed
 * from the byte offset it has), renders ANSI colours with ansi_up, numbers lines with `#L<n>` anchors, and
 * shows the job's state, exit code and duration with links to the raw log, the meta, the commit and the PR.
 * ansi_up and pretty-bytes (sizes as core/sizes.ts writes them) are inlined from node_modules, so the page loads
 * nothing from anywhere but its own server.
 */

const moduleSources = new Map<string, Promise<string>>();

/** A package's ES module text, read once. */
function moduleSource(specifier: string): Promise<string> {
  let source = moduleSources.get(specifier);
  if (!source) {
    source = readFile(fileURLToPath(import.meta.resolve(specifier)), 'utf8').then((text) => {
      // Inlined into a <script>: a closing tag inside would end it early.
      if (/<\/script/i.test(text))
        throw new Error(`${specifier} source contains </script>; cannot inline it`);
      return text;
    });
    moduleSources.set(specifier, source);
  }
  return source;
}

/** pretty-bytes as a function in its own scope: its module's names stay out of the page's. */
async function prettyBytesScript(): Promise<string> {
  const source = await moduleSource('pretty-bytes');
  const exported = 'export default function prettyBytes(';
  if (source.split(exported).length !== 2)
    throw new Error('pretty-bytes no longer ends in its default export');
  return `const prettyBytes = (() => {\n${source.replace(exported, 'return function prettyBytes(')}\n})();`;
}

export async function logViewerPage(meta: JobLogMeta, nonce: string): Promise<string> {
  const [ansiUp, prettyBytes] = await Promise.all([moduleSource('ansi_up'), prettyBytesScript()]);
  const jobId = meta.jobId;
  const title = escapeHtml(`${meta.context} · ${jobId}`);
  const id = encodeURIComponent(jobId);
  const links = [
    `<a id="raw-link" href="${escapeHtml(id)}">raw log</a>`,
    `<a id="meta-link" href="${escapeHtml(id)}/meta">meta</a>`,
  ];
  const commitUrl = webUrl(meta.commitUrl);
  if (commitUrl) {
    const label = meta.sha ? `commit ${meta.sha.slice(0, 10)}` : 'commit';
    links.push(`<a id="commit-link" href="${escapeHtml(commitUrl)}">${escapeHtml(label)}</a>`);
  }
  const pullRequestUrl = webUrl(meta.pullRequestUrl);
  if (pullRequestUrl) {
    const label = meta.pullRequest ? `PR #${meta.pullRequest}` : 'pull request';
    links.push(`<a id="pr-link" href="${escapeHtml(pullRequestUrl)}">${escapeHtml(label)}</a>`);
  }
  const infraUrl = webUrl(meta.infraUrl);
  if (infraUrl) {
    const label = `with ${meta.infra ?? 'infrastructure'}${meta.infraSha ? ` at ${meta.infraSha.slice(0, 10)}` : ''}`;
    links.push(`<a id="infra-link" href="${escapeHtml(infraUrl)}">${escapeHtml(label)}</a>`);
  }
  const repository = meta.repository ? ` · ${escapeHtml(meta.repository)}` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<header>
  <span id="state" class="badge state-${escapeHtml(meta.state)}">${escapeHtml(meta.state)}</span>
  <span class="title">${title}${repository}</span>
  <span id="exit-code"></span>
  <span id="duration"></span>
  <nav>${links.join(' · ')}</nav>
</header>
<main id="log"></main>
<nav id="artifacts" hidden></nav>
<script type="module" nonce="${nonce}">
${ansiUp}
${prettyBytes}
${VIEWER_SCRIPT}
</script>
</body>
</html>
`;
}

/** Only http(s) URLs become links: a meta could hold anything. */
function webUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

const STYLE = `
  body { margin: 0; font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #111; color: #ddd; }
  header { position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; gap: 4px 14px; align-items: center;
    padding: 6px 12px; background: #222; border-bottom: 1px solid #333; }
  header nav { margin-left: auto; }
  a { color: #6cb6ff; }
  .badge { padding: 1px 8px; border-radius: 10px; font-weight: bold; color: #fff; }
  .state-running { background: rgb(191, 135, 0); }
  .state-success { background: rgb(26, 127, 55); }
  .state-failure { background: rgb(207, 34, 46); }
  .state-error { background: rgb(130, 30, 140); }
  .state-cancelled { background: rgb(110, 119, 129); }
  #log { padding: 6px 0; }
  .line { display: flex; white-space: pre-wrap; word-break: break-all; }
  .line:hover { background: #1b1b1b; }
  .line:target, .line.target { background: #3a3000; }
  .ln { flex: none; width: 5em; padding-right: 1em; text-align: right; color: #666; text-decoration: none; user-select: none; }
  .ln:hover { color: #aaa; text-decoration: underline; }
  .text { flex: 1; min-width: 0; }
  #status-line { padding: 4px 12px; color: #888; }
  #artifacts { padding: 6px 12px 12px; border-top: 1px solid #333; }
  #artifacts ul { margin: 4px 0; padding-left: 1.5em; }
  #artifacts .size { color: #888; }
`;

// Plain browser JavaScript, appended to ansi_up's module (which defines AnsiUp). Job output is untrusted:
// ansi_up escapes it (escape_html, http(s)-only OSC 8 links); everything else goes in as textContent.
const VIEWER_SCRIPT = String.raw`
const log = document.getElementById('log');
const stateBadge = document.getElementById('state');
const exitCodeEl = document.getElementById('exit-code');
const durationEl = document.getElementById('duration');
const logUrl = location.pathname.replace(/\.html$/, '');
const ansi = new AnsiUp();
ansi.escape_html = true;
const decoder = new TextDecoder();
let offset = 0;
let pending = '';
let lineCount = 0;
let meta = null;
let finished = false;

const statusLine = document.createElement('div');
statusLine.id = 'status-line';
document.body.append(statusLine);

function atBottom() {
  return innerHeight + scrollY >= document.body.scrollHeight - 40;
}

function appendLine(text) {
  lineCount += 1;
  const id = 'L' + lineCount;
  const line = document.createElement('div');
  line.className = 'line';
  line.id = id;
  const number = document.createElement('a');
  number.className = 'ln';
  number.href = '#' + id;
  number.textContent = String(lineCount);
  const body = document.createElement('span');
  body.className = 'text';
  body.innerHTML = ansi.ansi_to_html(text.endsWith('\r') ? text.slice(0, -1) : text);
  line.append(number, body);
  log.append(line);
  if (location.hash === '#' + id) {
    line.classList.add('target');
    line.scrollIntoView({ block: 'center' });
  }
}

function addText(text, final) {
  const follow = atBottom() && !/^#L\d+$/.test(location.hash);
  pending += text;
  const lines = pending.split('\n');
  pending = lines.pop();
  for (const line of lines) appendLine(line);
  if (final && pending !== '') {
    appendLine(pending);
    pending = '';
  }
  if (follow && lines.length > 0) scrollTo(0, document.body.scrollHeight);
}

function formatDuration(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  return (h ? h + 'h ' : '') + (h || m ? m + 'm ' : '') + sec + 's';
}

function showMeta() {
  if (!meta) return;
  stateBadge.textContent = meta.state;
  stateBadge.className = 'badge state-' + meta.state;
  if (meta.description) stateBadge.title = meta.description;
  exitCodeEl.textContent = typeof meta.exitCode === 'number' ? 'exit code ' + meta.exitCode : '';
  const started = Date.parse(meta.startedAt);
  const ended = meta.finishedAt ? Date.parse(meta.finishedAt) : Date.now();
  durationEl.textContent = Number.isFinite(started)
    ? (meta.finishedAt ? 'took ' : 'running for ') + formatDuration(ended - started)
    : '';
}

async function loadMeta() {
  const res = await fetch(logUrl + '/meta', { cache: 'no-store' });
  if (!res.ok) throw new Error('meta: HTTP ' + res.status);
  meta = await res.json();
  showMeta();
}

// Streams the log from the offset it has; the server ends a stream when the log completes or stops growing
// for a long time, and a network error ends it too: either way the loop resumes from the same offset.
async function follow() {
  while (!finished) {
    try {
      const res = await fetch(logUrl + '?follow=1&offset=' + offset, { cache: 'no-store' });
      if (!res.ok) throw new Error('HTTP ' + res.status);
      statusLine.textContent = '';
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        offset += value.length;
        addText(decoder.decode(value, { stream: true }), false);
      }
      await loadMeta();
      if (meta.state !== 'running') {
        finished = true;
        addText(decoder.decode(), true);
        // Artifacts are stored before the job's final state: now they are all there.
        await showArtifacts().catch(() => {});
        document.body.dataset.complete = 'true';
        return;
      }
    } catch (error) {
      statusLine.textContent = 'reconnecting (' + error.message + ')';
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
  }
}

// As core/sizes.ts writes sizes.
function formatBytes(bytes) {
  return prettyBytes(bytes, { binary: true });
}

// The files the job left in $IRONBOTS_ARTIFACTS, as download links (names are the job's: textContent only).
async function showArtifacts() {
  const res = await fetch(logUrl + '/artifacts', { cache: 'no-store' });
  if (!res.ok) return;
  const artifacts = await res.json();
  if (!artifacts.length) return;
  const nav = document.getElementById('artifacts');
  const heading = document.createElement('div');
  heading.textContent = 'Artifacts';
  const list = document.createElement('ul');
  for (const artifact of artifacts) {
    const item = document.createElement('li');
    const link = document.createElement('a');
    link.href = logUrl + '/artifacts/' + artifact.path.split('/').map(encodeURIComponent).join('/');
    link.textContent = artifact.path;
    link.className = 'artifact';
    const size = document.createElement('span');
    size.className = 'size';
    size.textContent = ' (' + formatBytes(artifact.bytes) + ')';
    item.append(link, size);
    list.append(item);
  }
  nav.append(heading, list);
  nav.hidden = false;
}

addEventListener('hashchange', () => {
  for (const old of document.querySelectorAll('.line.target')) old.classList.remove('target');
});
setInterval(() => { if (meta && meta.state === 'running') showMeta(); }, 1000);
loadMeta().catch(() => {}).finally(follow);
`;
