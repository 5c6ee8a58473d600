// Group access codes: a facilitator makes one on the codes page; a child types it on the
// start page (a wrong one first), answers and sends. Every page is axe-clean at 360×740.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launch, openPage, blockScript, axe, addUser, repo } from './helpers.mjs';

const STAFF = { email: 'facilitator.tester@example.org', password: 'amber lighthouse ferry 17' };
const SURVEY = 'group-voice'; // server/web/testdata/surveys: needs a group code
let srv, browser, code;

before(async () => {
  srv = await startServer({ surveys: join(repo, 'server', 'web', 'testdata', 'surveys') });
  browser = await launch();
  addUser(srv, STAFF, 'facilitator');
});
after(async () => { await browser?.close(); await srv?.stop(); });

async function clean(page, label) {
  assert.deepEqual(await axe(page), [], label);
}

test('a facilitator makes a code and prints it', async () => {
  const { context, page, foreign } = await openPage(browser, srv.base);
  context.setDefaultTimeout(20_000);
  try {
    await page.goto(srv.base + '/login');
    await page.fill('#email', STAFF.email);
    await page.fill('#password', STAFF.password);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('form[action="/login"] button[type=submit]')]);
    await page.goto(srv.base + `/dashboard/${SURVEY}/codes`);
    await clean(page, 'codes page');
    await page.click(`form[action="/dashboard/${SURVEY}/codes"] button[type=submit]`); // no label
    await page.waitForSelector('.error-summary a[href="#label"]');
    await clean(page, 'codes page with an error');
    await page.fill('#label', 'Oakfield CiCC, 12 December');
    await Promise.all([page.waitForURL(/\/codes\/[0-9a-f]+$/), page.click(`form[action="/dashboard/${SURVEY}/codes"] button[type=submit]`)]);
    code = (await page.textContent('.bigcode')).trim();
    assert.match(code, /^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    await clean(page, 'print page');
    await page.goto(srv.base + `/dashboard/${SURVEY}/codes`);
    assert.ok(await page.isVisible(`tbody tr:has-text("${code}")`), 'the list shows the code');
    await clean(page, 'codes page with a code');
    assert.deepEqual(foreign, [], 'no request leaves the server');
  } finally {
    await context.close();
  }
});

test('a child types the code, answers and sends', async () => {
  assert.ok(code, 'the first test made a code');
  for (const js of [false, true]) {
    const { context, page, foreign, csp } = await openPage(browser, srv.base);
    context.setDefaultTimeout(20_000);
    if (!js) await blockScript(page); // as without JavaScript, while axe can still run
    try {
      await page.goto(srv.base + `/s/${SURVEY}`);
      await clean(page, `start page (${js ? 'JavaScript' : 'no JavaScript'})`);
      await page.fill('#code', 'ZZZZ-ZZZZ');
      await page.click('form:has(#code) button[type=submit]');
      await page.waitForSelector('.error-summary a[href="#code"]');
      assert.equal(await page.getAttribute('#code', 'aria-invalid'), 'true');
      await clean(page, 'start page with a wrong code');

      await page.fill('#code', code.toLowerCase().replace('-', ''));
      await page.click('form:has(#code) button[type=submit]');
      await Promise.all([page.waitForURL(new RegExp(`/s/${SURVEY}/all\\?token=`)), page.click('ul.versions a >> nth=0')]);
      assert.ok(await page.getAttribute('form#survey input[name=token]', 'value'), 'the form carries the submit token');
      if (js) {
        await page.click('label:has(input[name="q.feel"][value=good])');
        await page.click('[data-next]');
        await page.fill('input[name="q.better"]', 'more trips out');
      } else {
        await page.check('input[name="q.feel"][value=good]');
      }
      const sent = js && page.waitForResponse((r) => r.url().endsWith('/api/v1/responses'));
      // With JavaScript the page goes to the thank-you address; without it, the
      // thank-you page is the answer to the form's post.
      await Promise.all([js ? page.waitForURL(new RegExp(`/s/${SURVEY}/thanks`)) : page.waitForResponse((r) => r.request().method() === 'POST'), page.click('[data-send]')]);
      await page.waitForSelector('[data-receipt]');
      if (js) assert.equal((await sent).status(), 201, 'respond.js sends the submit token with the answers');
      assert.deepEqual(foreign, [], 'no request leaves the server');
      assert.deepEqual(csp, [], 'no CSP or script errors');
    } finally {
      await context.close();
    }
  }
});
