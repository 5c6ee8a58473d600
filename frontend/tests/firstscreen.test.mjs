// Help on the first screen: on every page a child may see, at 360 × 740 and 320 × 640, the
// quick exit and Childline (a large tap target) and 999 are inside the first screen, without
// scrolling, with JavaScript on and off. The start page shows the version choice in the first
// screen and the privacy text's first sentence, with the rest one tap away.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, axe, blockScript, SURVEY, VERSIONS } from './helpers.mjs';

let srv, browser;
before(async () => { srv = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await srv?.stop(); });

const VIEWPORTS = [{ width: 360, height: 740 }, { width: 320, height: 640 }];

// Every page a child may land on: the front page, the start page in both languages,
// every version, the thank-you page (with and without the urgent help), and errors.
const PAGES = [
  '/', `/s/${SURVEY}`, `/s/${SURVEY}?lang=cy`,
  ...VERSIONS.map((v) => `/s/${SURVEY}/${v}`), `/s/${SURVEY}/18-25-easy?lang=cy`,
  `/s/${SURVEY}/thanks?r=ABCD-2345`, `/s/${SURVEY}/thanks?r=ABCD-2345&h=1&lang=cy`,
  `/s/${SURVEY}/no-such-version`, '/s/no-such-survey?lang=cy', '/no-such-page', `/s/${SURVEY}/results`,
];

// firstScreen measures, before any scrolling, where the quick exit, the Childline link
// and the 999 link are, and whether the page scrolls sideways.
function firstScreen(page) {
  return page.evaluate(() => {
    window.scrollTo(0, 0);
    const box = (sel) => {
      const e = document.querySelector(sel);
      if (!e) return null;
      const r = e.getBoundingClientRect();
      const style = getComputedStyle(e);
      return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width, height: r.height,
        text: e.textContent.replace(/\s+/g, ' ').trim(), visible: style.visibility !== 'hidden' && style.display !== 'none' && r.width > 0 };
    };
    return {
      h: window.innerHeight, w: window.innerWidth,
      sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      exit: box('[data-quickexit]'), childline: box('a[data-childline]'), emergency: box('.helpbar a[href="tel:999"]'),
    };
  });
}

function assertHelpInFirstScreen(m, where) {
  for (const [name, b] of [['quick exit', m.exit], ['Childline', m.childline], ['999', m.emergency]]) {
    assert.ok(b && b.visible, `${where}: no visible ${name}`);
    assert.ok(b.top >= 0 && b.bottom <= m.h && b.left >= 0 && b.right <= m.w, `${where}: the ${name} is outside the first screen ${JSON.stringify(b)}`);
  }
  assert.match(m.childline.text, /0800 1111/, `${where}: the Childline number is not in the link`);
  assert.ok(m.childline.height >= 44 && m.childline.width >= 44, `${where}: Childline is not a large tap target (${m.childline.width}×${m.childline.height})`);
  assert.ok(m.emergency.height >= 44 && m.emergency.width >= 44, `${where}: 999 is not a large tap target`);
  assert.ok(m.sideways <= 0, `${where}: the page scrolls sideways by ${m.sideways}px`);
}

for (const viewport of VIEWPORTS) {
  for (const js of [true, false]) {
    test(`quick exit and Childline on the first screen of every respondent page at ${viewport.width}×${viewport.height}, JavaScript ${js ? 'on' : 'off'}`, { timeout: 120_000 }, async () => {
      const { context, page, foreign } = await openPage(browser, srv.base, { viewport });
      if (!js) await blockScript(page); // as without JavaScript: respond.js never runs
      try {
        for (const path of PAGES) {
          await page.goto(srv.base + path);
          assertHelpInFirstScreen(await firstScreen(page), path);
        }
        // The bigger-text setting must not push help off the first screen either.
        if (js) {
          await page.goto(`${srv.base}/s/${SURVEY}/8-12`);
          await page.click('[data-bigger]');
          assertHelpInFirstScreen(await firstScreen(page), '8-12 with bigger text');
          await page.click('[data-bigger]');
        }
        assert.deepEqual(foreign, []);
      } finally {
        await context.close();
      }
    });
  }

  test(`the start page shows the version choice and the privacy text's first sentence in the first screen at ${viewport.width}×${viewport.height}`, { timeout: 60_000 }, async () => {
    const { context, page } = await openPage(browser, srv.base, { viewport });
    await blockScript(page); // as without JavaScript, but axe can still run
    try {
      for (const lang of ['en', 'cy']) {
        await page.goto(`${srv.base}/s/${SURVEY}?lang=${lang}`);
        const m = await page.evaluate(() => {
          const r = (sel) => document.querySelector(sel).getBoundingClientRect();
          return { h: window.innerHeight, heading: r('#versions-title').bottom, first: r('ul.versions a').bottom, lead: r('.privacy-lead').bottom,
            open: document.querySelector('details.privacy').open };
        });
        assert.ok(m.heading <= m.h && m.first <= m.h, `${lang}: the version choice starts below the first screen (${JSON.stringify(m)})`);
        assert.ok(m.lead <= m.h, `${lang}: the privacy text's first sentence is below the first screen`);
        assert.equal(m.open, false, 'the rest of the privacy text waits one tap away');
        const lead = (await page.textContent('.privacy-lead')).trim();
        assert.match(lead, lang === 'en' ? /^We don't ask your name, and we can't tell who you are\.$/ : /^Dydyn ni ddim yn gofyn dy enw/);
        assert.equal(await page.isVisible('details.privacy p'), false);
        await page.click('details.privacy summary');
        assert.equal(await page.isVisible('details.privacy p'), true, 'one tap opens the rest, without JavaScript');
        const more = await page.textContent('details.privacy');
        assert.match(more, lang === 'en' ? /We keep the answers for two years/ : /am ddwy flynedd/);
        assert.deepEqual(await axe(page), [], `start page (${lang}) with the privacy text open`);
      }
      await page.goto(srv.base + '/');
      assert.deepEqual(await axe(page), [], 'the front page');
    } finally {
      await context.close();
    }
  });
}
