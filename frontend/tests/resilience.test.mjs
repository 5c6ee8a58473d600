// Sending survives a dropped signal and a lost reply, storing one response; the draft
// survives a reload; the quick exit leaves no way back and no draft behind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, stubNeutral, SURVEY, NEUTRAL } from './helpers.mjs';

let srv, browser;
before(async () => { srv = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await srv?.stop(); });

const API = '/api/v1/responses';

async function toLastStep(page) {
  await page.waitForSelector('.stepper:not([hidden])');
  while (await page.isVisible('[data-next]')) await page.click('[data-next]');
}

async function resend(body) {
  const r = await fetch(srv.base + API, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  return r.status;
}

// watch records what the server answered to each submit that reached it.
function watch(page) {
  const log = { statuses: [], bodies: [], failed: 0 };
  page.on('response', (r) => { if (r.url().endsWith(API)) log.statuses.push(r.status()); });
  page.on('request', (r) => { if (r.url().endsWith(API)) log.bodies.push(r.postData()); });
  page.on('requestfailed', (r) => { if (r.url().endsWith(API)) log.failed++; });
  return log;
}

test('a submit while the signal is gone is queued, retried and stored once', { timeout: 90_000 }, async () => {
  const { context, page, foreign } = await openPage(browser, srv.base);
  const log = watch(page);
  await page.goto(`${srv.base}/s/${SURVEY}/13-17`);
  await page.waitForSelector('.stepper:not([hidden])');
  await page.check('input[name="q.life_happy.friends"][value="3"]');
  await toLastStep(page);
  await context.setOffline(true);
  await page.click('[data-send]');
  await page.waitForFunction(() => /No signal/.test(document.querySelector('#status').textContent));
  assert.equal(await page.getAttribute('#status', 'aria-live'), 'polite');
  assert.ok((await page.evaluate(() => Object.keys(localStorage))).some((k) => k.startsWith('chorus.queue.')), 'the answers wait on the device');
  await page.waitForTimeout(3500); // at least one retry while still offline
  await context.setOffline(false);
  await page.waitForURL(/\/thanks\?r=/, { timeout: 60_000 });
  assert.ok(log.failed >= 2, `tries while offline: ${log.failed}`);
  assert.deepEqual(log.statuses, [201], 'one try reached the server, and it stored the answers');
  const ids = new Set(log.bodies.map((b) => JSON.parse(b).submission_id));
  assert.equal(ids.size, 1, 'every try carries the same submission id');
  assert.equal(await resend(log.bodies[0]), 200, 'the stored response is the only one');
  assert.deepEqual(foreign, []);
  await context.close();
});

test('a reply lost after the server stored the answers is retried without storing twice', { timeout: 60_000 }, async () => {
  const { context, page } = await openPage(browser, srv.base);
  const log = watch(page);
  let first = true;
  const reached = [];
  await page.route('**' + API, async (route) => {
    if (first) {
      first = false;
      const r = await route.fetch(); // the server stores the answers…
      reached.push(r.status());
      await route.abort('connectionreset'); // …and the reply never arrives
      return;
    }
    const r = await route.fetch();
    reached.push(r.status());
    await route.fulfill({ response: r });
  });
  await page.goto(`${srv.base}/s/${SURVEY}/18-25-easy`);
  await page.waitForSelector('.stepper:not([hidden])');
  await page.check('input[name="q.life_happy.friends"][value="2"]');
  await toLastStep(page);
  await page.click('[data-send]');
  await page.waitForURL(/\/thanks\?r=/, { timeout: 30_000 });
  assert.deepEqual(reached, [201, 200], 'stored on the first try; the retry found it stored');
  assert.equal(new Set(log.bodies.map((b) => JSON.parse(b).submission_id)).size, 1);
  await context.close();
});

test('a busy server (503) is retried and the child is told', { timeout: 60_000 }, async () => {
  const { context, page } = await openPage(browser, srv.base);
  let busy = 1;
  await page.route('**' + API, async (route) => {
    if (busy-- > 0) return route.fulfill({ status: 503, headers: { 'Retry-After': '1' }, contentType: 'application/json', body: '{"error":"busy"}' });
    return route.continue();
  });
  await page.goto(`${srv.base}/s/${SURVEY}/8-12`);
  await page.waitForSelector('.stepper:not([hidden])');
  await page.check('input[name="q.life_happy.friends"][value="4"]'); // an empty form would ask first
  await toLastStep(page);
  await page.click('[data-send]');
  await page.waitForFunction(() => /keep trying/.test(document.querySelector('#status').textContent));
  await page.waitForURL(/\/thanks\?r=/, { timeout: 30_000 });
  await context.close();
});

test('the draft is kept on the device across a reload, and can be cleared', { timeout: 60_000 }, async () => {
  const { context, page } = await openPage(browser, srv.base);
  await page.goto(`${srv.base}/s/${SURVEY}/8-12-easy`);
  await page.waitForSelector('.stepper:not([hidden])');
  await page.check('input[name="q.life_happy.friends"][value="5"]');
  await page.click('[data-next]');
  const reached = await page.evaluate(() => [...document.querySelectorAll('[id^="i-life_happy-"]')].find((e) => e.offsetParent !== null)?.id);
  await page.reload();
  await page.waitForSelector('.stepper:not([hidden])');
  assert.equal(await page.isChecked('input[name="q.life_happy.friends"][value="5"]'), true);
  assert.match(await page.textContent('#status'), /We kept your answers/);
  assert.ok(reached && await page.isVisible('#' + reached), `back at the step the child reached (${reached})`);
  await page.click('[data-clear]');
  assert.equal(await page.isChecked('input[name="q.life_happy.friends"][value="5"]'), false);
  await context.close();
});

test('the draft notice is at the top of the form, clears in one tap, and a draft lasts at most 2 hours', { timeout: 60_000 }, async () => {
  const { context, page } = await openPage(browser, srv.base);
  await page.goto(`${srv.base}/s/${SURVEY}/8-12-easy`);
  await page.waitForSelector('.stepper:not([hidden])');
  assert.equal(await page.isVisible('#draft'), false, 'no notice before any answer');
  await page.check('input[name="q.life_happy.friends"][value="5"]');
  assert.equal(await page.isVisible('#draft'), true, 'the notice shows once a draft is kept');
  assert.match(await page.textContent('#draft'), /until you send them, for up to 2 hours/);
  const box = await page.locator('#draft').boundingBox();
  assert.ok(box && box.y < (await page.locator('form#survey .q').first().boundingBox()).y, 'the notice is above the questions');
  assert.ok(box.y + box.height < 640, 'the notice is on the first screen of a phone');
  await page.click('#draft [data-clear]');
  assert.equal(await page.isVisible('#draft'), false);
  assert.deepEqual(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('chorus.draft.'))), [], 'one tap clears the draft');

  // A draft begun more than 2 hours ago is dropped, not restored.
  await page.check('input[name="q.life_happy.friends"][value="4"]');
  await page.evaluate(() => {
    for (const k of Object.keys(localStorage).filter((k) => k.startsWith('chorus.draft.'))) {
      const dr = JSON.parse(localStorage.getItem(k));
      dr.since = Date.now() - 2 * 3600e3 - 60e3;
      localStorage.setItem(k, JSON.stringify(dr));
    }
  });
  await page.reload();
  await page.waitForSelector('.stepper:not([hidden])');
  assert.equal(await page.isChecked('input[name="q.life_happy.friends"][value="4"]'), false, 'an old draft is not restored');
  assert.deepEqual(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('chorus.draft.'))), [], 'an old draft is deleted');
  await context.close();
});

test('bigger text is remembered', async () => {
  const { context, page } = await openPage(browser, srv.base);
  await page.goto(`${srv.base}/s/${SURVEY}`);
  await page.click('[data-bigger]');
  assert.equal(await page.getAttribute('[data-bigger]', 'aria-pressed'), 'true');
  await page.goto(`${srv.base}/s/${SURVEY}/13-17`);
  await page.waitForSelector('.stepper:not([hidden])');
  assert.equal(await page.evaluate(() => document.documentElement.classList.contains('bigger')), true);
  await context.close();
});

for (const how of ['button', 'Escape three times']) {
  test(`quick exit (${how}) leaves no way back and no draft`, { timeout: 60_000 }, async () => {
    const { context, page, foreign } = await openPage(browser, srv.base);
    await stubNeutral(context);
    await page.goto(`${srv.base}/s/${SURVEY}`);
    await Promise.all([page.waitForURL(/\/8-12$/), page.click(`a[href="/s/${SURVEY}/8-12"]`)]);
    await page.waitForSelector('.stepper:not([hidden])');
    await page.check('input[name="q.life_happy.friends"][value="1"]');
    assert.ok((await page.evaluate(() => Object.keys(localStorage))).some((k) => k.startsWith('chorus.draft.')));
    if (how === 'button') {
      await Promise.all([page.waitForURL(NEUTRAL), page.click('[data-quickexit]')]);
    } else {
      await Promise.all([page.waitForURL(NEUTRAL), (async () => {
        for (let i = 0; i < 3; i++) await page.keyboard.press('Escape');
      })()]);
    }
    await page.goBack().catch(() => null);
    await page.waitForTimeout(300);
    assert.ok(!page.url().includes('/s/'), `Back led to ${page.url()}`);
    const check = await context.newPage();
    await check.goto(`${srv.base}/healthz`);
    assert.deepEqual(await check.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('chorus.'))), [], 'no draft left');
    assert.ok(foreign.every((u) => u.startsWith(NEUTRAL)), `only the stubbed neutral site: ${foreign}`);
    await context.close();
  });
}
