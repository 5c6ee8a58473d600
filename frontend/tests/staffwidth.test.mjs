// Staff pages on a phone: at 360 px wide no staff page scrolls sideways; wide tables
// scroll inside their own labelled region (role=region, aria-label, tabindex=0) instead.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, axe, addUser, SURVEY } from './helpers.mjs';
import { seed, HARTLEPOOL, MIDDLESBROUGH, DARLINGTON } from './results-helpers.mjs';

const ADMIN = { email: 'admin.width@example.org', password: 'violet harbour compass 42' };
let srv, browser;

before(async () => {
  srv = await startServer();
  browser = await launch();
  addUser(srv, ADMIN, 'admin');
  await seed(srv.base, { [HARTLEPOOL]: 40, [MIDDLESBROUGH]: 30, [DARLINGTON]: 30 });
  // An answer for the safeguarding queue, so that page has a concern to lay out.
  const resp = await fetch(srv.base + '/api/v1/responses', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ survey: SURVEY, version: '13-17', submission_id: 'staff-width-concern-0001',
      answers: { better: 'my foster carer hits me when i get home late and i am scared to go back', area: HARTLEPOOL } }),
  });
  assert.equal(resp.status, 201);
});
after(async () => { await browser?.close(); await srv?.stop(); });

// sideways returns how far the page scrolls sideways, and the wide elements that are not
// inside a scrolling region of their own.
function sideways(page) {
  return page.evaluate(() => {
    const doc = document.documentElement;
    const over = [];
    for (const e of document.querySelectorAll('body *')) {
      const r = e.getBoundingClientRect();
      if (r.right > doc.clientWidth + 1 && !(e.parentElement && e.parentElement.closest('[role=region][tabindex="0"]')) && getComputedStyle(e).position !== 'fixed') {
        over.push(`${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : ''} (${Math.round(r.right)})`);
      }
    }
    const regions = [...document.querySelectorAll('[role=region][tabindex="0"]')].map((e) => ({
      label: e.getAttribute('aria-label') || e.getAttribute('aria-labelledby'), scrolls: e.scrollWidth > e.clientWidth,
    }));
    return { by: doc.scrollWidth - doc.clientWidth, over: over.slice(0, 5), regions };
  });
}

test('no staff page scrolls sideways at 360 px', { timeout: 180_000 }, async () => {
  const { context, page, foreign } = await openPage(browser, srv.base, { viewport: { width: 360, height: 740 } });
  try {
    await page.goto(srv.base + '/login');
    await page.fill('#email', ADMIN.email);
    await page.fill('#password', ADMIN.password);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('form[action="/login"] button[type=submit]')]);

    // A briefing and a group code, so their pages have something to show.
    const csrf = await page.evaluate(() => document.querySelector('input[name=csrf]')?.value || '');
    await page.goto(`${srv.base}/briefings`);
    await page.selectOption('select#area', HARTLEPOOL);
    await Promise.all([page.waitForURL(/\/briefings\/[^/]+$/), page.click('form[action="/briefings"] button[type=submit]')]);
    const briefing = new URL(page.url()).pathname;
    await page.goto(`${srv.base}/dashboard/${SURVEY}/codes`);
    const makeCode = page.locator(`form[action="/dashboard/${SURVEY}/codes"] button[type=submit]`);
    if (await makeCode.count()) await Promise.all([page.waitForLoadState(), makeCode.first().click()]);
    void csrf;

    const pages = ['/login', '/staff', '/account', '/admin/users', '/admin/users/new', '/admin/audit', '/dashboard',
      `/dashboard/${SURVEY}`, `/dashboard/${SURVEY}?area=${HARTLEPOOL}`, `/dashboard/${SURVEY}/codes`, `/dashboard/${SURVEY}/releases`, '/review', `/review/${SURVEY}`,
      `/review/${SURVEY}/quotes`, `/review/${SURVEY}/codebook`, `/dashboard/${SURVEY}/releases`,
      '/safeguarding', '/safeguarding?show=reviewed', '/briefings', briefing];
    const failures = [];
    for (const path of pages) {
      const resp = await page.goto(srv.base + path);
      assert.equal(resp.status(), 200, path);
      const s = await sideways(page);
      if (path === '/safeguarding') assert.ok(await page.locator('.concern').count() > 0, 'the queue has a concern to lay out');
      if (s.by > 0 || s.over.length) failures.push(`${path}: scrolls sideways by ${s.by}px; too wide: ${s.over.join(', ')}`);
      for (const r of s.regions) assert.ok(r.label, `${path}: a scrolling region without a label`);
      const v = await axe(page);
      if (v.length) failures.push(`${path}: axe ${JSON.stringify(v)}`);
    }
    assert.deepEqual(failures, []);
    assert.deepEqual(foreign, []);
  } finally {
    await context.close();
  }
});
