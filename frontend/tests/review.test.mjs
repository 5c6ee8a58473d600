// A facilitator, with advisory-board members beside them, reviews free text on a
// laptop: the review page, the quotes page and the safeguarding queue are axe-clean
// (WCAG 2.2 A and AA) and work with the keyboard alone, as ordinary forms.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, axe, tabTo, SURVEY } from './helpers.mjs';
import { addFacilitator, signIn } from './results-helpers.mjs';

const LAPTOP = { width: 1280, height: 800 };
let srv, browser, n = 0;

async function send(answers) {
  n++;
  const body = { survey: SURVEY, version: '13-17', submission_id: `browser-review-${String(n).padStart(4, '0')}`, answers };
  const resp = await fetch(srv.base + '/api/v1/responses', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  if (resp.status !== 201) throw new Error(`send: ${resp.status} ${await resp.text()}`);
  return resp.json();
}

before(async () => {
  srv = await startServer();
  browser = await launch();
  addFacilitator(srv);
  await send({ better: 'I want to see my sister more, she lives with my nan' });
  await send({ better: 'My social worker keeps changing and never listens' });
  await send({ better: 'more turtles at the zoo', anything_else: 'turtles are the best' });
  await send({ better: 'a pet turtle for every kid' });
  const flagged = await send({ better: 'my stepdad hits me and I want to die', anything_else: 'more football' });
  assert.equal(flagged.show_help, true, 'show_help for a disclosure');
  const closed = await send({ life_happy: { feeling_safe: '1' }, better: 'more clubs' });
  assert.equal(closed.show_help, true, 'show_help for the lowest feeling-safe answer');
});
after(async () => { await browser?.close(); await srv?.stop(); });

// focusIn reports whether the focused element is inside the element matching sel.
const focusIn = (sel) => !!document.activeElement && !!document.activeElement.closest(sel);
// focused reports whether the focused element matches sel.
const focused = (sel) => !!document.activeElement && document.activeElement.matches(sel);

async function clean(page, label) {
  assert.deepEqual(await axe(page), [], label);
}

// answerAnchor returns the id of the answer whose text contains words.
function answerAnchor(page, words) {
  return page.$$eval('li.answer', (els, w) => els.find((e) => e.querySelector('blockquote').textContent.includes(w))?.id, words);
}

test('review page: axe-clean and operable by keyboard', { timeout: 180_000 }, async () => {
  const { context, page, foreign, csp } = await openPage(browser, srv.base, { viewport: LAPTOP });
  try {
    await signIn(page, srv.base);
    let resp = await page.goto(`${srv.base}/review`);
    assert.equal(resp.status(), 200);
    await clean(page, 'free text index');

    // The answers can take a moment to be read the first time.
    for (let i = 0; i < 20; i++) {
      resp = await page.goto(`${srv.base}/review/${SURVEY}`);
      if (resp.status() === 200) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(resp.status(), 200);
    await clean(page, 'review page');
    const text = await page.textContent('main');
    assert.ok(!text.includes('stepdad'), 'a flagged answer is on the review page');
    assert.ok(!text.includes('more football'), "a flagged response's other answer is on the review page");
    assert.ok(text.includes('turtles are the best'));

    // Add a theme with the keyboard: Tab to the answer's "Add a theme" list, pick with
    // the arrow keys, Tab to its button, press Enter.
    const turtle = await answerAnchor(page, 'a pet turtle');
    await tabTo(page, focused, `#${turtle} select[name=theme]`, 200);
    await page.keyboard.press('Home');
    let chosen = await page.$eval(`#${turtle} select[name=theme]`, (s) => s.selectedOptions[0].textContent);
    while (chosen !== 'Activities and fun') {
      await page.keyboard.press('ArrowDown');
      const next = await page.$eval(`#${turtle} select[name=theme]`, (s) => s.selectedOptions[0].textContent);
      assert.notEqual(next, chosen, 'the list stopped before "Activities and fun"');
      chosen = next;
    }
    await page.keyboard.press('Tab');
    assert.ok(await page.evaluate(focused, `#${turtle} button`), 'Tab from the list goes to its button');
    await Promise.all([page.waitForURL(/done=added/), page.keyboard.press('Enter')]);
    assert.match(await page.textContent('[role=status]'), /Theme added/);
    assert.ok(page.url().endsWith('#' + turtle), 'back at the answer');
    // The next Tab stays with the answer just changed.
    await page.keyboard.press('Tab');
    assert.ok(await page.evaluate(focusIn, `#${turtle}`), 'focus continues from the answer');
    assert.match(await page.textContent(`#${turtle} .chips`), /Activities and fun/);
    await clean(page, 'review page after a change');

    // Remove a theme and confirm another answer's, with Enter on the buttons.
    const family = await answerAnchor(page, 'see my sister');
    await tabTo(page, focused, `#${family} .chips button`, 300);
    const removed = await page.evaluate(() => document.activeElement.closest('li').firstChild.textContent.trim());
    await Promise.all([page.waitForURL(/done=removed/), page.keyboard.press('Enter')]);
    const chips = await page.$$eval(`#${family} .chips li`, (lis) => lis.map((li) => li.firstChild.textContent.trim()));
    assert.ok(removed && !chips.includes(removed), `"${removed}" still on the answer: ${chips}`);
    const worker = await answerAnchor(page, 'social worker');
    await tabTo(page, (sel) => document.activeElement?.matches(sel) && document.activeElement.textContent.includes('Confirm'), `#${worker} button`, 300);
    await Promise.all([page.waitForURL(/done=confirmed/), page.keyboard.press('Enter')]);
    assert.match(await page.textContent(`#${worker}`), /Reviewed by a person/);
    assert.match(await page.textContent('main'), /Only the 3 answers people have reviewed count here/);
    await clean(page, 'review page with agreement figures');

    // A theme's scope note, and the codebook changes suggested by the reviews.
    resp = await page.goto(`${srv.base}/review/${SURVEY}?theme=family_contact`);
    assert.equal(resp.status(), 200);
    assert.match(await page.textContent('section.scope'), /Does not belong/);
    await clean(page, 'review page of one theme with its scope note');
    resp = await page.goto(`${srv.base}/review/${SURVEY}/codebook`);
    assert.equal(resp.status(), 200);
    await clean(page, 'suggested codebook changes');
    await page.goto(`${srv.base}/review/${SURVEY}`);

    // Approve a quote: open the details with Enter, type an excerpt, submit.
    const anchor = await answerAnchor(page, 'social worker');
    await tabTo(page, focused, `#${anchor} summary`, 300);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab'); // the theme list
    await page.keyboard.press('Tab'); // the excerpt
    assert.ok(await page.evaluate(focused, `#${anchor} input[name=excerpt]`), 'Tab reaches the excerpt field');
    await page.keyboard.type('keeps changing');
    await Promise.all([page.waitForURL(/done=quoted/), page.keyboard.press('Enter')]);
    await clean(page, 'review page after a quote');

    // An excerpt that is not in the answer: the error is announced and linked.
    await tabTo(page, focused, `#${anchor} summary`, 300);
    await page.keyboard.press('Enter');
    await page.fill(`#${anchor} input[name=excerpt]`, 'words nobody wrote');
    await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.press(`#${anchor} input[name=excerpt]`, 'Enter')]);
    await page.waitForSelector('.error-summary');
    await clean(page, 'review page with an error');
    assert.equal(await page.getAttribute(`#excerpt-${anchor}`, 'aria-invalid'), 'true');

    resp = await page.goto(`${srv.base}/review/${SURVEY}/quotes`);
    assert.equal(resp.status(), 200);
    assert.match(await page.textContent('blockquote'), /keeps changing/);
    await clean(page, 'quotes page');
    await tabTo(page, focused, 'form[action$="/withdraw"] button');
    await Promise.all([page.waitForURL(/done=withdrawn/), page.keyboard.press('Enter')]);
    await clean(page, 'quotes page after withdrawing');

    assert.deepEqual(foreign, [], 'requests to other hosts');
    assert.deepEqual(csp, [], 'CSP or script errors');
  } finally {
    await context.close();
  }
});

test('safeguarding queue: axe-clean and operable by keyboard', { timeout: 120_000 }, async () => {
  const { context, page, foreign, csp } = await openPage(browser, srv.base, { viewport: LAPTOP });
  try {
    await signIn(page, srv.base);
    await page.goto(`${srv.base}/staff`);
    assert.equal((await page.textContent('.concerns .badge.urgent')).trim(), '1 urgent');
    await clean(page, 'staff home with the queue badge');

    const resp = await page.goto(`${srv.base}/safeguarding`);
    assert.equal(resp.status(), 200);
    await clean(page, 'safeguarding queue');
    await page.click('.levels summary');
    await clean(page, 'safeguarding queue with the levels explained');
    const concern = await page.textContent('article.concern');
    assert.match(concern, /Urgent/);
    assert.match(concern, /my stepdad hits me/);
    assert.match(concern, /Abuse/);

    // An empty note is refused, with the error linked to the field.
    await tabTo(page, focused, 'article.concern button[type=submit]');
    await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.keyboard.press('Enter')]);
    await page.waitForSelector('.error-summary');
    await clean(page, 'safeguarding queue with an error');
    await page.click('.error-summary a');
    assert.ok(await page.evaluate(focused, 'article.concern textarea'), 'the error link goes to the note');

    await page.keyboard.type('Passed to the designated safeguarding lead of the children\'s home.');
    await page.keyboard.press('Tab');
    await Promise.all([page.waitForURL(/done=reviewed/), page.keyboard.press('Enter')]);
    assert.match(await page.textContent('[role=status]'), /Marked as reviewed/);
    assert.equal(await page.$$eval('article.concern', (a) => a.length), 0);
    await clean(page, 'empty safeguarding queue');

    await page.goto(`${srv.base}/safeguarding?show=closed`);
    assert.match(await page.textContent('table.signals'), /Feeling safe/);
    await clean(page, 'closed answers only, grouped');

    await page.goto(`${srv.base}/safeguarding?show=reviewed`);
    assert.match(await page.textContent('article.concern'), /designated safeguarding lead/);
    await clean(page, 'reviewed concerns');

    assert.deepEqual(foreign, [], 'requests to other hosts');
    assert.deepEqual(csp, [], 'CSP or script errors');
  } finally {
    await context.close();
  }
});
