// The facilitator dashboard on a laptop: axe-clean, charts with their numbers in tables,
// a filter that works as an ordinary form, a clean print, and publishing the young
// people's "what you told us" page (which is axe-clean too).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, axe, SURVEY } from './helpers.mjs';
import { addFacilitator, seed, signIn, HARTLEPOOL, MIDDLESBROUGH, DARLINGTON } from './results-helpers.mjs';

const LAPTOP = { width: 1280, height: 800 };
let srv, browser;
before(async () => {
  srv = await startServer();
  browser = await launch();
  addFacilitator(srv);
  await seed(srv.base, { [HARTLEPOOL]: 60, [MIDDLESBROUGH]: 30, [DARLINGTON]: 3 });
});
after(async () => { await browser?.close(); await srv?.stop(); });

test('dashboard: axe-clean, charts and tables, filters, print', async () => {
  const { context, page, foreign, csp } = await openPage(browser, srv.base, { viewport: LAPTOP });
  try {
    await signIn(page, srv.base);
    const resp = await page.goto(`${srv.base}/dashboard/${SURVEY}`);
    assert.equal(resp.status(), 200);
    assert.deepEqual(await axe(page), [], 'dashboard');
    assert.equal(await page.textContent('.headline .big'), '93');

    const charts = await page.$$eval('section.fig', (figs) => figs.filter((f) => f.querySelector('svg')).map((f) => ({
      role: f.querySelector('svg').getAttribute('role'),
      title: f.querySelector('svg title')?.textContent,
      rows: f.querySelectorAll('table tbody tr').length,
    })));
    assert.ok(charts.length >= 6, `${charts.length} charts`);
    for (const c of charts) {
      assert.equal(c.role, 'img', c.title);
      assert.ok(c.title, 'chart without a title');
      assert.ok(c.rows > 0, `${c.title}: no table`);
    }

    // The filter is an ordinary GET form.
    await page.selectOption('#area', HARTLEPOOL);
    await Promise.all([page.waitForURL(/area=E06000001/), page.click('form.filters button[type=submit]')]);
    assert.equal(await page.textContent('.headline .big'), '60');
    assert.deepEqual(await axe(page), [], 'filtered dashboard');

    // Two filters at once are refused with an error summary that is axe-clean too.
    await page.goto(`${srv.base}/dashboard/${SURVEY}?area=${HARTLEPOOL}&version=8-12`);
    assert.match(await page.textContent('.error-summary'), /one filter at a time/);
    assert.deepEqual(await axe(page), [], 'refused filter');

    // Printing hides the forms and the navigation.
    await page.goto(`${srv.base}/dashboard/${SURVEY}`);
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.isVisible('form.filters'), false, 'filters print');
    assert.equal(await page.isVisible('#publish'), false, 'publish form prints');
    assert.equal(await page.isVisible('svg.chart'), true, 'charts do not print');
    await page.emulateMedia({ media: 'screen' });

    assert.deepEqual(foreign, [], 'requests to other hosts');
    assert.deepEqual(csp, [], 'CSP or script errors');
  } finally {
    await context.close();
  }
});

test('young people\'s page: 404 until published, then easy read and axe-clean', async () => {
  const path = `${srv.base}/s/${SURVEY}/results`;
  assert.equal((await fetch(path)).status, 404);
  const { context, page } = await openPage(browser, srv.base, { viewport: LAPTOP });
  try {
    await signIn(page, srv.base);
    await page.goto(`${srv.base}/dashboard/${SURVEY}`);
    await Promise.all([page.waitForURL(/#publish$/), page.click('#publish button[type=submit]')]);
    assert.match(await page.textContent('#publish'), /published/);
  } finally {
    await context.close();
  }
  for (const viewport of [{ width: 360, height: 740 }, LAPTOP]) {
    const { context: c2, page: p2, foreign } = await openPage(browser, srv.base, { viewport });
    try {
      const resp = await p2.goto(path);
      assert.equal(resp.status(), 200);
      assert.equal(await p2.textContent('h1'), 'What you told us');
      assert.ok((await p2.$$('.card .inten')).length >= 5, 'easy-read figures');
      assert.deepEqual(await axe(p2), [], `young people's page at ${viewport.width}px`);
      await p2.goto(path + '?lang=cy');
      assert.deepEqual(await axe(p2), [], 'Welsh young people\'s page');
      assert.deepEqual(foreign, []);
    } finally {
      await c2.close();
    }
  }
});
