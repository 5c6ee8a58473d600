// screenshots.mjs takes the README's "first ten minutes" screenshots: it starts the
// server on a fresh data directory, adds a facilitator with `chorus user add`, loads
// demo data with `chorus demo` into the running server, and photographs the pages a
// facilitator visits first, with Debian's Chromium through playwright-core.
//
//	go build -o frontend/tests/.chorus-test-server ./server
//	cd frontend && node tools/screenshots.mjs ../docs/first-ten-minutes
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SURVEY, repo, startServer, launch, serverBinary } from '../tests/helpers.mjs';
import { FACILITATOR, addFacilitator, signIn } from '../tests/results-helpers.mjs';

const out = resolve(process.argv[2] || '../docs/first-ten-minutes');
mkdirSync(out, { recursive: true });
const srv = await startServer();
const browser = await launch();
try {
  addFacilitator(srv);
  const uri = /Embedded store \(FerretDB on SQLite in [^)]*\): (mongodb:\/\/\S+)/.exec(srv.output())[1];
  const demo = execFileSync(serverBinary(), ['demo', '--responses', '3000', '--seed', '7'], {
    env: { ...process.env, MONGODB_URI: uri, CHORUS_SURVEYS: join(repo, 'surveys') }, stdio: ['ignore', 'pipe', 'inherit'],
  }).toString();
  process.stdout.write(demo);

  const context = await browser.newContext({ viewport: { width: 1200, height: 860 } });
  const page = await context.newPage();
  const shot = async (name) => {
    await page.screenshot({ path: join(out, name + '.png') });
    console.log('wrote', join(out, name + '.png'));
  };
  await page.goto(srv.base + '/login');
  await shot('1-sign-in');
  await signIn(page, srv.base);

  // The demo's counts reach the running server at its next poll (2 seconds).
  await new Promise((r) => setTimeout(r, 3000));
  await page.goto(`${srv.base}/dashboard/${SURVEY}`);
  await shot('2-dashboard');
  await page.goto(`${srv.base}/review/${SURVEY}`);
  await shot('3-review');
  await page.goto(`${srv.base}/review/${SURVEY}/quotes`);
  await shot('4-quotes');

  const login = await fetch(srv.base + '/api/v1/auth/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: FACILITATOR.email, password: FACILITATOR.password }),
  });
  const { token } = await login.json();
  const made = await fetch(srv.base + '/api/v1/briefings', {
    method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token },
    body: JSON.stringify({ survey: SURVEY, area: 'E12000001' }), // the North East
  });
  if (made.status !== 201) throw new Error(`create a briefing: ${made.status} ${await made.text()}`);
  const { id } = await made.json();
  await page.goto(`${srv.base}/briefings/${id}`);
  await shot('5-briefing');

  await page.goto(`${srv.base}/dashboard/${SURVEY}`);
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Publish the page")')]);
  await page.goto(`${srv.base}/s/${SURVEY}/results`);
  await shot('6-published');
} finally {
  await browser.close();
  await srv.stop();
}
