// Day of Action briefings: made from the dashboard, axe-clean, one printed A4 page; the
// PDF opens and its text (pdftotext) holds the headline figures; a share link opens it
// read-only without an account.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launch, openPage, axe, SURVEY } from './helpers.mjs';
import { addFacilitator, seed, signIn, HARTLEPOOL, MIDDLESBROUGH, DARLINGTON } from './results-helpers.mjs';

const LAPTOP = { width: 1280, height: 800 };
let srv, browser, tmp;
before(async () => {
  srv = await startServer();
  browser = await launch();
  tmp = mkdtempSync(join(tmpdir(), 'chorus-briefing-'));
  addFacilitator(srv);
  await seed(srv.base, { [HARTLEPOOL]: 150, [MIDDLESBROUGH]: 80, [DARLINGTON]: 3 });
});
after(async () => {
  await browser?.close();
  await srv?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function pdfText(buf, name) {
  const file = join(tmp, name);
  writeFileSync(file, buf);
  const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))[1]);
  return { pages, text: execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }) };
}

async function makeBriefing(page, area) {
  await page.goto(`${srv.base}/dashboard/${SURVEY}`);
  await page.selectOption('#brief-area', area);
  await Promise.all([page.waitForURL(/\/briefings\/[0-9a-f]{24}$/), page.click('form[action="/briefings"] button[type=submit]')]);
  return new URL(page.url()).pathname.split('/').pop();
}

test('briefing: page, print, PDF, CSV and share link', async () => {
  const { context, page, foreign, csp } = await openPage(browser, srv.base, { viewport: LAPTOP });
  try {
    await signIn(page, srv.base);
    const id = await makeBriefing(page, HARTLEPOOL);
    assert.equal(await page.textContent('article h1'), 'Day of Action briefing: Hartlepool');
    assert.deepEqual(await axe(page), [], 'briefing');
    const base = (await page.textContent('article .headline .big')).trim();
    assert.equal(base, '150');
    const headline = (await page.$$eval('article table.compact td.n', (tds) => tds.map((t) => t.textContent.trim())))
      .filter((t) => t.endsWith('%')).slice(0, 3);
    assert.equal(headline.length, 3, 'headline percentages');

    // Printed, the page is one A4 sheet without the staff controls.
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.isVisible('#share'), false);
    const printed = pdfText(await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true }), 'printed.pdf');
    assert.equal(printed.pages, 1, 'printed briefing pages');
    await page.emulateMedia({ media: 'screen' });

    // The PDF made in Go opens, is one page, and its text holds the headline figures.
    const pdf = await context.request.get(`${srv.base}/briefings/${id}.pdf`);
    assert.equal(pdf.status(), 200);
    assert.equal(pdf.headers()['content-type'], 'application/pdf');
    const { pages, text } = pdfText(await pdf.body(), 'briefing.pdf');
    assert.equal(pages, 1, 'PDF pages');
    assert.match(text, /Day of Action briefing: Hartlepool/);
    assert.match(text, new RegExp(`\\b${base}\\b`), 'base in the PDF');
    for (const fig of headline) assert.ok(text.includes(fig), `PDF lacks headline figure ${fig}`);

    const csv = await context.request.get(`${srv.base}/briefings/${id}.csv`);
    assert.equal(csv.status(), 200);
    assert.match(await csv.text(), /^table,question,item,answer,label,count,percent/);

    // A share link opens the briefing read-only for someone without an account.
    await page.fill('#days', '3');
    await Promise.all([page.waitForURL(/\/share$/), page.click('#share button[type=submit]')]);
    assert.deepEqual(await axe(page), [], 'share link page');
    const link = await page.inputValue('#link');
    assert.match(link, /\/briefings\/[0-9a-f]{24}\?share=/);
    const anon = await openPage(browser, srv.base, { viewport: LAPTOP });
    try {
      const resp = await anon.page.goto(link);
      assert.equal(resp.status(), 200);
      assert.equal(await anon.page.textContent('article h1'), 'Day of Action briefing: Hartlepool');
      assert.equal(await anon.page.$$eval('form', (f) => f.length), 0, 'share view has forms');
      assert.deepEqual(await axe(anon.page), [], 'shared briefing');
      const sharedPDF = await anon.page.$eval('a[href*=".pdf"]', (a) => a.href);
      assert.equal((await anon.context.request.get(sharedPDF)).status(), 200);
    } finally {
      await anon.context.close();
    }

    // A rolled-up area says so.
    await makeBriefing(page, DARLINGTON);
    assert.match(await page.textContent('article .notice'), /North East/);
    assert.deepEqual(await axe(page), [], 'rolled-up briefing');

    await page.goto(`${srv.base}/briefings`);
    assert.deepEqual(await axe(page), [], 'briefings list');
    assert.equal(await page.$$eval('tbody tr', (r) => r.length), 2);

    assert.deepEqual(foreign, [], 'requests to other hosts');
    assert.deepEqual(csp, [], 'CSP or script errors');
  } finally {
    await context.close();
  }
});
