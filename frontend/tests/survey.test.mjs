// A child answers the example survey: with JavaScript (steps), without it (one form),
// and with the keyboard alone; a validation error is announced and linked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, tabTo, SURVEY } from './helpers.mjs';

let srv, browser;
before(async () => { srv = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await srv?.stop(); });

const RECEIPT = /^[A-Z0-9]{4}-[A-Z0-9]{4}$/;

// step describes the step on show.
function step(page) {
  return page.evaluate(() => {
    const q = [...document.querySelectorAll('form#survey .q')].find((e) => !e.hidden);
    const item = q && [...q.querySelectorAll('.item')].find((e) => !e.hidden);
    const a = document.activeElement;
    return {
      q: q && q.dataset.q, kind: q && q.dataset.kind, item: item && item.id,
      last: document.querySelector('[data-next]').hidden,
      label: document.querySelector('#step-label').textContent,
      focus: a && a.tagName + ':' + a.textContent.trim(),
    };
  });
}

// storage lists this origin's keys in localStorage.
function storage(page) {
  return page.evaluate(() => Object.keys(localStorage));
}

// resend posts the exact body the page sent, as a retry would: the store must answer
// 200 (a repeat), not 201 (a second response).
async function resend(body) {
  const r = await fetch(srv.base + '/api/v1/responses', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  return { status: r.status, json: await r.json() };
}

test('a child completes the survey with JavaScript on', { timeout: 120_000 }, async () => {
  const { context, page, foreign, csp } = await openPage(browser, srv.base);
  const sent = [];
  page.on('request', (r) => { if (r.url().endsWith('/api/v1/responses')) sent.push(r.postData()); });
  await page.goto(`${srv.base}/s/${SURVEY}/8-12`);
  await page.waitForSelector('.stepper:not([hidden])');
  let s = await step(page);
  assert.equal(s.label, 'Question 1 of 23');
  const seen = [];
  for (let guard = 0; guard < 40; guard++) {
    s = await step(page);
    seen.push(s.item || s.q);
    if (s.item) await page.check(`#${s.item} input[value="4"]`);
    else if (s.q === 'future') await page.check('input[name="q.future"][value="5"]');
    else if (s.q === 'matters_most') {
      await page.check('input[name="q.matters_most"][value="friends"]');
      await page.check('input[name="q.matters_most"][value="home"]');
    } else if (s.q === 'better') await page.fill('textarea[name="q.better"]', 'More days at the beach');
    else if (s.q === 'age_band') await page.check('input[name="q.age_band"][value="11-12"]');
    else if (s.q === 'live_with') {
      await page.check('input[name="q.live_with"][value="other"]');
      assert.equal((await step(page)).label, 'Question 22 of 24', 'the follow-up question joins the steps');
    } else if (s.q === 'live_with_other') await page.fill('input[name="q.live_with_other"]', 'With my nan');
    else if (s.q === 'area') await page.selectOption('select[name="q.area"]', { label: 'Hartlepool' });
    if (s.last) break;
    await page.click('[data-next]');
    const n = await step(page);
    assert.match(n.focus, /^H[23]:/, 'focus moves to the new question\'s heading');
  }
  assert.ok(seen.includes('live_with_other') && seen.includes('i-life_happy-life_overall'), seen.join());
  assert.ok((await storage(page)).some((k) => k.startsWith('chorus.draft.')), 'a draft is kept while answering');
  await Promise.all([page.waitForURL(/\/thanks\?r=/), page.click('[data-send]')]);
  const receipt = (await page.textContent('[data-receipt]')).trim();
  assert.match(receipt, RECEIPT);
  assert.deepEqual((await storage(page)).filter((k) => k !== 'chorus.bigger'), [], 'the draft is cleared after sending');
  assert.equal(sent.length, 1);
  const body = JSON.parse(sent[0]);
  assert.deepEqual(body.answers.matters_most, ['friends', 'home']);
  assert.equal(body.answers.life_happy.friends, '4');
  assert.equal(body.answers.live_with_other, 'With my nan');
  assert.match(body.submission_id, /^[0-9a-f]{32}$/);
  const again = await resend(sent[0]);
  assert.equal(again.status, 200, 'the same submission again is a repeat, not a second response');
  assert.equal(again.json.receipt, receipt);
  assert.deepEqual(foreign, []);
  assert.deepEqual(csp, []);
  await context.close();
});

test('a child completes the survey with JavaScript off', { timeout: 60_000 }, async () => {
  const { context, page, foreign } = await openPage(browser, srv.base, { js: false });
  await page.goto(`${srv.base}/s/${SURVEY}/13-17-easy?lang=cy`);
  assert.equal(await page.getAttribute('html', 'lang'), 'cy');
  assert.ok(await page.isVisible('#q-live_with_other'), 'without JavaScript every question shows');
  assert.ok(!(await page.isVisible('.stepper')));
  await page.check('input[name="q.life_happy.friends"][value="5"]');
  await page.check('input[name="q.life_happy.money"][value="prefer_not"]');
  await page.check('input[name="q.future"][value="3"]');
  await page.check('input[name="q.matters_most"][value="planet"]');
  await page.fill('textarea[name="q.anything_else"]', 'Dim byd');
  await page.selectOption('select[name="q.area"]', { label: 'Hartlepool' });
  const id = await page.inputValue('input[name=submission_id]');
  // Without JavaScript the thank-you page is the answer to the post itself.
  await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/13-17-easy')), page.click('[data-send]')]);
  await page.waitForSelector('[data-receipt]');
  assert.equal(await page.textContent('h1'), 'Diolch');
  assert.match((await page.textContent('[data-receipt]')).trim(), RECEIPT);
  const again = await resend(JSON.stringify({
    survey: SURVEY, version: '13-17-easy', lang: 'cy', submission_id: id, token: '',
    answers: { life_happy: { friends: '5', money: 'prefer_not' }, future: '3', matters_most: ['planet'], anything_else: 'Dim byd', area: 'E06000001' },
  }));
  assert.equal(again.status, 200, `the form's answers were stored once: ${JSON.stringify(again.json)}`);
  assert.deepEqual(foreign, []);
  await context.close();
});

test('keyboard only', { timeout: 120_000 }, async () => {
  const { context, page, csp, foreign } = await openPage(browser, srv.base);
  await page.goto(`${srv.base}/s/${SURVEY}/4-7-assisted`);
  await page.waitForSelector('.stepper:not([hidden])');
  const inStep = () => {
    const a = document.activeElement;
    const q = a && a.closest('.q');
    return !!q && !q.hidden && (!a.closest('.item') || !a.closest('.item').hidden) && /INPUT|SELECT|TEXTAREA/.test(a.tagName);
  };
  const onButton = (name) => document.activeElement && document.activeElement.matches(`[data-${name}]`);
  for (let guard = 0; guard < 30; guard++) {
    const s = await step(page);
    await tabTo(page, inStep);
    if (s.kind === 'long_text') await page.keyboard.type('Play outside more');
    else if (s.kind === 'area') await page.keyboard.press('ArrowDown');
    else if (s.kind !== 'short_text') await page.keyboard.press('Space');
    if (s.last) break;
    await tabTo(page, onButton, 'next');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, 'none', 'focus is visible');
    await page.keyboard.press('Enter');
  }
  await tabTo(page, onButton, 'send');
  await Promise.all([page.waitForURL(/\/thanks\?r=/), page.keyboard.press('Enter')]);
  assert.match((await page.textContent('[data-receipt]')).trim(), RECEIPT);
  assert.deepEqual(csp, []);
  assert.deepEqual(foreign, []);
  await context.close();
});

for (const js of [true, false]) {
  test(`a validation error is announced and linked (JavaScript ${js ? 'on' : 'off'})`, { timeout: 60_000 }, async () => {
    const { context, page, foreign } = await openPage(browser, srv.base, { js });
    await page.goto(`${srv.base}/s/${SURVEY}/18-25`);
    if (js) {
      await page.waitForSelector('.stepper:not([hidden])');
      while (!(await page.isVisible('#i-life_happy-health'))) await page.click('[data-next]');
    }
    await page.check('input[name="q.life_happy.health"][value="2"]');
    if (js) while (!(await page.isVisible('#q-matters_most'))) await page.click('[data-next]');
    for (const o of ['family', 'friends', 'home', 'trusted_adult', 'listened_to']) {
      await page.check(`input[name="q.matters_most"][value="${o}"]`);
    }
    // With JavaScript the page undoes a sixth tick as the child answers (limits.test.mjs);
    // tick it without telling the script, as an old or broken page would, so the server's
    // own check and message are tested.
    if (js) await page.evaluate(() => { document.querySelector('input[name="q.matters_most"][value="health"]').checked = true; });
    else await page.check('input[name="q.matters_most"][value="health"]');
    if (js) while (await page.isVisible('[data-next]')) await page.click('[data-next]');
    const [resp] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/s/' + SURVEY + '/18-25')),
      page.click('[data-send]'),
    ]);
    assert.equal(resp.status(), 422);
    await page.waitForSelector('.error-summary');
    assert.equal(await page.getAttribute('.error-summary', 'role'), 'alert');
    await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'error-summary');
    const link = page.locator('.error-summary a');
    assert.equal(await link.count(), 1);
    assert.equal(await link.getAttribute('href'), '#f-matters_most');
    assert.match(await link.textContent(), /up to 5/);
    assert.equal(await page.isChecked('input[name="q.life_happy.health"][value="2"]'), true, 'answers are kept');
    await link.click();
    await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'f-matters_most');
    assert.ok(await page.isVisible('#f-matters_most'), 'the linked field is on show');
    assert.equal(await page.getAttribute('#f-matters_most', 'aria-invalid'), 'true');
    assert.deepEqual(foreign, []);
    await context.close();
  });
}

// A child whose answers suggest risk: the help depends on what they wrote, and nothing
// about it may reach an address, the history or a cache. With JavaScript the answers go
// to the API, then the form is posted again (stored once) and the server answers with
// the thank-you page, whose history entry is then replaced by the plain address.
test('a flagged child sees help by level, and no address or history entry says so', { timeout: 120_000 }, async () => {
  const { context, page } = await openPage(browser, srv.base);
  try {
    const visited = [];
    page.on('framenavigated', (f) => { if (f === page.mainFrame()) visited.push(f.url()); });
    await page.goto(`${srv.base}/s/${SURVEY}/13-17`);
    await page.waitForSelector('.stepper:not([hidden])');
    await page.evaluate(() => { document.querySelector('textarea[name="q.better"]').value = 'my stepdad hits me every night'; });
    // Step through to the end (each submit moves on a step until the last sends).
    for (let i = 0; i < 40; i++) {
      const sent = await page.evaluate(() => {
        const f = document.querySelector('form#survey');
        if (!f) return true;
        const last = document.querySelector('[data-next]').hidden;
        f.requestSubmit();
        return last;
      }).catch(() => true);
      if (sent) break;
    }
    await page.waitForSelector('[data-help]', { timeout: 30_000 });
    assert.equal(await page.getAttribute('[data-help]', 'data-help'), 'urgent');
    assert.equal(await page.getAttribute('[data-help] a.button >> nth=0', 'href'), 'tel:999', '999 comes first');
    const receipt = (await page.textContent('[data-receipt]')).trim();
    assert.match(receipt, RECEIPT);
    assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, `/s/${SURVEY}/thanks?r=${receipt}`, 'history holds the plain address');
    for (const u of visited) assert.doesNotMatch(u, /[?&]h=|urgent|concern|help/, `address ${u} says something about the answers`);
    await page.reload();
    assert.equal(await page.$('[data-help]'), null, 'a reload shows no help by level');
    assert.match((await page.textContent('[data-receipt]')).trim(), RECEIPT);
  } finally {
    await context.close();
  }
});
