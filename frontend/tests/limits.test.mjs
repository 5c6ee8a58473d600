// Limits are checked as the child answers (with JavaScript): "choose up to 5" undoes the
// sixth tick and says why. An empty form asks "You haven't answered anything. Send
// anyway?" before anything is sent, with JavaScript and without it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, axe, SURVEY } from './helpers.mjs';

let srv, browser;
before(async () => { srv = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await srv?.stop(); });

// toLastStep presses Next until the send button shows.
async function toLastStep(page) {
  for (let i = 0; i < 60 && await page.isVisible('[data-next]'); i++) await page.click('[data-next]');
}

test('choose up to 5: the sixth tick is undone and the child is told, with JavaScript', { timeout: 60_000 }, async () => {
  const { context, page, csp } = await openPage(browser, srv.base, { viewport: { width: 320, height: 640 } });
  try {
    await page.goto(`${srv.base}/s/${SURVEY}/8-12`);
    await page.waitForSelector('.stepper:not([hidden])');
    while ((await page.evaluate(() => [...document.querySelectorAll('form#survey .q')].find((e) => !e.hidden).dataset.q)) !== 'matters_most') {
      await page.click('[data-next]');
    }
    for (const o of ['family', 'friends', 'home', 'trusted_adult', 'listened_to']) await page.check(`input[name="q.matters_most"][value="${o}"]`);
    assert.equal(await page.isVisible('#q-matters_most .limit'), false, 'no message at five');
    await page.click('input[name="q.matters_most"][value="health"]');
    assert.equal(await page.isChecked('input[name="q.matters_most"][value="health"]'), false, 'the sixth tick is undone');
    assert.equal(await page.locator('input[name="q.matters_most"]:checked').count(), 5);
    assert.match(await page.textContent('#q-matters_most .limit'), /You can choose up to 5\./);
    assert.equal(await page.getAttribute('#q-matters_most .limit', 'role'), 'status', 'the message is announced');
    assert.deepEqual(await axe(page), [], 'axe with the limit message shown');
    await page.uncheck('input[name="q.matters_most"][value="home"]');
    await page.check('input[name="q.matters_most"][value="health"]');
    assert.equal(await page.isChecked('input[name="q.matters_most"][value="health"]'), true, 'after unticking one, another can be chosen');
    assert.equal((await page.textContent('#q-matters_most .limit')).trim(), '', 'the message goes once the child is under the limit');
    assert.deepEqual(csp, []);
  } finally {
    await context.close();
  }
});

test('an empty form asks before sending, with JavaScript', { timeout: 60_000 }, async () => {
  const { context, page, csp } = await openPage(browser, srv.base, { viewport: { width: 360, height: 740 } });
  const sent = [];
  page.on('request', (r) => { if (r.url().endsWith('/api/v1/responses')) sent.push(r.postData()); });
  try {
    await page.goto(`${srv.base}/s/${SURVEY}/8-12?lang=cy`);
    await page.waitForSelector('.stepper:not([hidden])');
    await toLastStep(page);
    await page.click('[data-send]');
    await page.waitForSelector('#confirm-empty:not([hidden])');
    assert.equal((await page.textContent('#confirm-empty h2')).trim(), 'Dwyt ti ddim wedi ateb dim byd. Anfon beth bynnag?');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'confirm-empty', 'focus moves to the question');
    assert.equal(sent.length, 0, 'nothing is sent before the child says so');
    assert.deepEqual(await axe(page), [], 'axe with the question shown');
    await Promise.all([page.waitForURL(/\/thanks\?r=/), page.click('[data-send-empty]')]);
    assert.equal(sent.length, 1);
    assert.deepEqual(JSON.parse(sent[0]).answers, {});
    assert.deepEqual(csp, []);
  } finally {
    await context.close();
  }
});

test('an empty form asks before sending, without JavaScript', { timeout: 60_000 }, async () => {
  const { context, page } = await openPage(browser, srv.base, { js: false, viewport: { width: 320, height: 640 } });
  try {
    await page.goto(`${srv.base}/s/${SURVEY}/13-17`);
    await page.click('[data-send]');
    await page.waitForLoadState();
    assert.equal(await page.isVisible('#confirm-empty'), true);
    assert.equal((await page.textContent('#confirm-empty h2')).trim(), "You haven't answered anything. Send anyway?");
    assert.ok(page.url().endsWith(`/s/${SURVEY}/13-17`), 'the form is shown again, not the thank-you page');
    await page.click('[data-send-empty]');
    await page.waitForSelector('[data-receipt]');
    assert.equal(await page.isVisible('#confirm-empty'), false);
  } finally {
    await context.close();
  }
});
