// Renders briefings for the README's screenshots and for checking the print layout:
// node tests/shots.mjs OUTDIR [demoResponses]
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, launch, openPage, SURVEY } from './helpers.mjs';
import { addFacilitator, signIn } from './results-helpers.mjs';

const out = process.argv[2] || '/tmp/shots';
const n = process.argv[3] || '16000';
// The demo data goes into the embedded store before the server starts, as the demo
// command's help says.
const { mkdtempSync } = await import('node:fs');
const { tmpdir } = await import('node:os');
const data = mkdtempSync(join(tmpdir(), 'chorus-shots-'));
const t0 = Date.now();
execFileSync(process.env.CHORUS_BIN, ['demo', '--responses', n, '--seed', '7'], { env: { ...process.env, CHORUS_DATA: data, CHORUS_SURVEYS: join(process.cwd(), '..', 'surveys') }, stdio: 'inherit' });
console.log(`demo data: ${(Date.now() - t0) / 1000}s`);
const srv = await startServer({ data, env: { CHORUS_ORG_NAME: 'Care Voices Together', CHORUS_ORG_CONTACT: 'dayofaction@example.org · 020 7946 0000', CHORUS_DAY_OF_ACTION: '2027-03-10', CHORUS_RELEASE_INTERVAL: '0' } });
const browser = await launch();
try {
  addFacilitator(srv);
  const { context, page } = await openPage(browser, srv.base, { viewport: { width: 1280, height: 900 } });
  await signIn(page, srv.base);
  for (let i = 0; i < 120; i++) {
    const r = await context.request.get(`${srv.base}/api/v1/surveys/${SURVEY}/results`);
    if (r.status() === 200 && (await r.json()).base > 1000) break;
    await new Promise((res) => setTimeout(res, 1000));
  }
  for (const [name, area] of [['briefing-council', 'E10000016'], ['briefing-constituency', 'E14001367']]) {
    await page.goto(`${srv.base}/briefings`);
    await page.selectOption('#area', area);
    await Promise.all([page.waitForURL(/\/briefings\/[0-9a-f]{24}$/), page.click('form[action="/briefings"] button[type=submit]')]);
    await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    await page.pdf({ path: join(out, `${name}-print.pdf`), format: 'A4', printBackground: true, preferCSSPageSize: true });
    await page.emulateMedia({ media: 'screen' });
    const pdf = await context.request.get(`${page.url()}.pdf`);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(out, `${name}.pdf`), await pdf.body());
  }
  // Every MP at once, timed.
  await page.goto(`${srv.base}/briefings`);
  const t1 = Date.now();
  await Promise.all([page.waitForURL(/\/briefings\/batch\/[0-9a-f]{24}$/), page.click('form[action="/briefings/batch"] button[type=submit]')]);
  const id = new URL(page.url()).pathname.split('/').pop();
  let st;
  for (;;) {
    st = await (await context.request.get(`${srv.base}/api/v1/briefings/batch/${id}`)).json();
    if (st.state !== 'running') break;
    await new Promise((res) => setTimeout(res, 500));
  }
  console.log(`batch: ${JSON.stringify(st)} in ${(Date.now() - t1) / 1000}s`);
  await page.reload();
  await page.screenshot({ path: join(out, 'briefing-batch.png'), fullPage: true });
  const zip = await context.request.get(`${srv.base}/api/v1/briefings/batch/${id}.zip`);
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(out, 'batch.zip'), await zip.body());
} finally {
  await browser.close();
  await srv.stop();
}
