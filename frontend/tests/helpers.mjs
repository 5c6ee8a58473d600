// Shared setup for the browser tests: start the real server on a free port with a
// fresh data directory, and drive Debian's Chromium through playwright-core.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, existsSync, cpSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, '..', '..');
export const SURVEY = 'your-life-your-voice';
export const VERSIONS = ['4-7-assisted', '8-12', '8-12-easy', '13-17', '13-17-easy', '18-25', '18-25-easy'];
export const NEUTRAL = 'https://www.bbc.co.uk/weather';

const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

function freePort() {
  return new Promise((ok, fail) => {
    const srv = net.createServer();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

export function serverBinary() {
  if (process.env.CHORUS_BIN) return process.env.CHORUS_BIN;
  const bin = join(here, '.chorus-test-server');
  if (!existsSync(bin)) execFileSync('go', ['build', '-o', bin, './server'], { cwd: repo, stdio: 'inherit' });
  return bin;
}

// addUser runs `chorus user add` against a running server's embedded store (its URI is
// printed at start), piping the password in, as an operator would.
export function addUser(srv, { email, password }, role) {
  const m = /Embedded store \(FerretDB on SQLite in [^)]*\): (mongodb:\/\/\S+)/.exec(srv.output());
  if (!m) throw new Error('no embedded store URI in the server output:\n' + srv.output());
  execFileSync(serverBinary(), ['user', 'add', '--email', email, '--role', role], {
    env: { ...process.env, MONGODB_URI: m[1] }, input: password + '\n', stdio: ['pipe', 'pipe', 'inherit'],
  });
}

// openSurveys copies a survey directory into dir with every survey's closing date moved
// to a year from today, so that no browser test depends on today's date (the shipped
// example closes on a fixed day).
function openSurveys(from, dir) {
  cpSync(from, dir, { recursive: true });
  const closes = new Date(Date.now() + 365 * 86400e3).toISOString().slice(0, 10);
  for (const name of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n) && !n.includes('.codebook.'))) {
    const file = join(dir, name);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^closes: \S+$/m, `closes: ${closes}`));
  }
  return dir;
}

// startServer runs the server binary (on the shipped surveys, or the directory given,
// open until a year from today) and resolves once /readyz answers 200.
export async function startServer({ surveys = join(repo, 'surveys'), env = {}, data = mkdtempSync(join(tmpdir(), 'chorus-browser-')) } = {}) {
  const port = await freePort();
  surveys = openSurveys(surveys, join(data, 'surveys'));
  let output = '';
  const child = spawn(serverBinary(), [], {
    env: { ...process.env, PORT: String(port), CHORUS_DATA: data, CHORUS_SURVEYS: surveys, CHORUS_LOG_LEVEL: 'warn', CHORUS_RELEASE_INTERVAL: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (b) => { output += b; });
  child.stderr.on('data', (b) => { output += b; });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${output}`);
    try {
      const r = await fetch(base + '/readyz');
      if (r.status === 200) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready after 90s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    base,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(t);
      }
      rmSync(data, { recursive: true, force: true });
    },
  };
}

// launch starts Chromium with a fresh profile (Playwright makes a new temporary
// user-data-dir for every launch).
export function launch() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_FLAGS });
}

// openPage opens a phone-sized page in a new context and records every request that
// is not to the test server, so a test can assert that none was made.
export async function openPage(browser, base, { js = true, viewport = { width: 360, height: 740 } } = {}) {
  const context = await browser.newContext({ viewport, javaScriptEnabled: js, locale: 'en-GB' });
  const page = await context.newPage();
  const foreign = [];
  const csp = [];
  page.on('request', (req) => {
    const u = req.url();
    if (!u.startsWith(base + '/') && !u.startsWith('data:') && u !== 'about:blank') foreign.push(u);
  });
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/.test(m.text())) csp.push(m.text());
  });
  page.on('pageerror', (e) => csp.push('page error: ' + e.message));
  return { context, page, foreign, csp };
}

// blockScript makes a page behave as if JavaScript were off while the test can still
// evaluate in it (for axe): respond.js is not served.
export async function blockScript(page) {
  await page.route('**/static/respond.js*', (route) => route.abort());
}

// axe runs axe-core in the page (evaluated over the DevTools protocol, so the page's
// CSP does not block it) and returns the violations of WCAG 2.2 A and AA.
export async function axe(page) {
  const has = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!has) await page.evaluate(axeSource);
  const violations = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } })
    .then((r) => r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }))), AXE_TAGS);
  return violations;
}

// stubNeutral answers the quick-exit site's requests locally, so no request leaves.
export async function stubNeutral(context) {
  await context.route('https://www.bbc.co.uk/**', (route) => route.fulfill({
    status: 200, contentType: 'text/html', body: '<!doctype html><html lang="en"><title>Weather</title><h1>Weather</h1></html>',
  }));
}

// tabTo presses Tab until the focused element matches the test (at most max times).
export async function tabTo(page, test, arg, max = 60) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(test, arg)) return;
  }
  throw new Error('tabTo: focus never reached ' + test.toString());
}
