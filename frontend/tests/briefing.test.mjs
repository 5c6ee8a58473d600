// Day of Action briefings, read as an MP's caseworker would: made from the dashboard,
// axe-clean, one printed A4 page that opens with headline sentences true to the API's
// figures, every measure with England's beside it, the organisation's line, themes named
// by the codebook's adult labels and long approved quotes; the PDF opens, is one page,
// and its text (pdftotext) holds the same; a constituency's briefing says which councils
// run children's services there; a share link opens it read-only without an account.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launch, openPage, axe, SURVEY } from './helpers.mjs';
import { addFacilitator, seed, signIn, HARTLEPOOL, MIDDLESBROUGH, DARLINGTON } from './results-helpers.mjs';

const LAPTOP = { width: 1280, height: 800 };
const ORG = 'Care Voices Together';
const CONTACT = 'dayofaction@example.org';
const MIDDLESBROUGH_SEAT = 'E14001367'; // Middlesbrough and Thornaby East: Middlesbrough and Stockton-on-Tees

// shareWords mirrors report.ShareWords: a share in plain words.
function shareWords(share) {
  if (typeof share === 'object') {
    if ('fewer_than' in share) return `fewer than ${share.fewer_than}%`;
    if ('more_than' in share) return `more than ${share.more_than}%`;
    return '';
  }
  if (share === 50) return 'half';
  if (share % 10 === 0) return `about ${share / 10} in 10`;
  return { 25: 'about 1 in 4', 75: 'about 3 in 4', 35: 'about 1 in 3', 65: 'about 2 in 3' }[share] ?? `about ${share}%`;
}

// readBriefing reads a briefing page as a reader would and checks what every briefing
// must show: 3 to 5 headline sentences, the organisation's line with the day of the
// figures, and England's figure beside every measure. It returns what it read.
async function readBriefing(page) {
  const sentences = await page.$$eval('article .sentences li', (li) => li.map((e) => e.textContent.trim()));
  assert.ok(sentences.length >= 3 && sentences.length <= 5, `headline sentences: ${sentences.join(' | ')}`);
  const madeBy = (await page.textContent('article .madeby')).trim();
  assert.match(madeBy, new RegExp(`Made by ${ORG} · Contact: ${CONTACT} · Day of Action 10 March 2027 · Figures as at \\d+ \\w+ \\d{4}`));
  const rows = await page.$$eval('article table.measures tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())));
  assert.ok(rows.length >= 20, `measures: ${rows.length}`);
  for (const r of rows) assert.match(r[r.length - 1], /^(<|>)?\d+%$|^c$/, `England's figure beside “${r[0]}”: ${r}`);
  const shown = rows.filter((r) => /%/.test(r[1]));
  assert.ok(shown.length >= 10, `measures shown as figures: ${shown.length}`);
  for (const r of shown) assert.match(r[r.length - 1], /%$/, `a measure shown without England's figure: ${r}`);
  return { sentences, madeBy, rows };
}

// checkLead checks the first headline sentence against the API's figure for the lead
// measure: its share in words and its comparison with England.
async function checkLead(request, query, sentence) {
  const resp = await request.get(`${srv.base}/api/v1/surveys/${SURVEY}/results?${query}`);
  assert.equal(resp.status(), 200);
  const lead = (await resp.json()).measures.find((m) => typeof m.share === 'number' || m.share.fewer_than || m.share.more_than);
  assert.ok(lead, 'a measure shown in the API');
  const words = shareWords(lead.share);
  assert.ok(sentence.toLowerCase().startsWith(words.toLowerCase()), `“${sentence}” does not start with the API's ${JSON.stringify(lead.share)} (${words})`);
  assert.ok(sentence.includes(lead.label), `“${sentence}” lacks “${lead.label}”`);
  if (lead.versus_england) assert.ok(sentence.includes(`${lead.versus_england} than England`) || sentence.includes('similar to England'), `comparison ${lead.versus_england} not in “${sentence}”`);
  return lead;
}
const REDCAR = 'E06000003';
// Answers as long as a briefing prints a quote (report.MaxQuoteLen, 160 characters), on
// the themes young people write about most, to be approved as quotes. Quotes serve every
// area's briefing; these answers come from an area no briefing here is about.
const LONG = [
  'I want to see my brother and my sister more often, we were split up when we came into care and I only see them once a month at the contact centre',
  'My social worker keeps changing, I have had four this year and every time I have to tell my whole story again and nobody listens to what I want',
  'Not moving again. I have had five placements in three years and each time I lose my friends and have to start again at a new school where I know nobody',
  'Help with maths at school and a teacher who understands I missed lots of school when I was moving around and does not make me feel stupid in class',
  'Someone to talk to when I feel anxious at night, not a waiting list of eight months for CAMHS, just someone who is there who I can trust and who stays',
  'A social worker who stays, who answers the phone and who remembers what I said last time and does what they promised to do for me this time round',
  'Seeing my mum and my little sister every week, not just on birthdays, and being asked what I want instead of being told what is happening to me',
  'Being listened to in my reviews, they talk about me like I am not in the room and then they decide everything and I only find out after it happened',
];
let srv, browser, tmp;
before(async () => {
  srv = await startServer({ env: { CHORUS_ORG_NAME: ORG, CHORUS_ORG_CONTACT: CONTACT, CHORUS_DAY_OF_ACTION: '2027-03-10', CHORUS_RELEASE_INTERVAL: '0' } });
  browser = await launch();
  tmp = mkdtempSync(join(tmpdir(), 'chorus-briefing-'));
  addFacilitator(srv);
  await seed(srv.base, { [HARTLEPOOL]: 150, [MIDDLESBROUGH]: 80, [DARLINGTON]: 3 });
  for (const [i, better] of LONG.entries()) {
    assert.ok(better.length <= 160, `long answer ${i} is ${better.length} characters`);
    const body = { survey: SURVEY, version: '13-17', submission_id: `browser-long-${i}-quote`, answers: { better, area: REDCAR, age_band: '16-17', live_with: 'foster_carers' } };
    const resp = await fetch(srv.base + '/api/v1/responses', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(resp.status, 201, await resp.text());
  }
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

// approveLong approves each long answer as a quote for its first theme, through the
// review page's forms, and returns the adult labels the review page names themes by.
async function approveLong(page) {
  let labels = [];
  const left = new Set(LONG);
  for (let n = 1; left.size > 0; n++) {
    let resp;
    for (let i = 0; i < 20; i++) { // the answers can take a moment to be read the first time
      resp = await page.goto(`${srv.base}/review/${SURVEY}?page=${n}`);
      if (resp.status() === 200) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(resp.status(), 200);
    if (n === 1) {
      labels = await page.$$eval('nav[aria-labelledby=themes-title] a[href*="theme="]', (as) => as.map((a) => a.firstChild.textContent.trim()));
    }
    const forms = await page.$$eval('li.answer form[action$="/quotes"]', (fs) => fs.map((f) => ({
      text: f.closest('li.answer').querySelector('blockquote').textContent.trim(), data: Object.fromEntries(new FormData(f)),
    })));
    for (const f of forms.filter((x) => left.has(x.text))) {
      left.delete(f.text);
      const r = await page.request.post(`${srv.base}/review/${SURVEY}/quotes`, { form: f.data, maxRedirects: 0 });
      assert.equal(r.status(), 303, `approving “${f.text}”`);
    }
    if (!(await page.$('a[rel=next]'))) break;
  }
  assert.deepEqual([...left], [], 'long answers not found on the review page');
  return labels;
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
    const adult = await approveLong(page);
    assert.ok(adult.includes('Contact with family and siblings'), `codebook labels on the review page: ${adult}`);
    const id = await makeBriefing(page, HARTLEPOOL);
    assert.equal(await page.textContent('article h1'), 'Day of Action briefing: Hartlepool');
    assert.deepEqual(await axe(page), [], 'briefing');
    const read = await readBriefing(page);
    await checkLead(context.request, `area=${HARTLEPOOL}`, read.sentences[0]);
    const base = (await page.textContent('article section:has(#b-who) .base')).trim();
    assert.equal(base, '150');
    assert.ok(read.sentences.some((x) => x.includes(`${base} young people in Hartlepool answered`)), 'base in the sentences');
    const headline = read.rows.map((r) => r[1]).filter((t) => /^\d+%$/.test(t)).slice(0, 3);
    assert.equal(headline.length, 3, 'headline percentages');
    const themes = await page.$$eval('article .themes > li > strong', (s) => s.map((e) => e.textContent));
    assert.equal(themes.length, 5, 'top themes');
    for (const t of themes) assert.ok(adult.includes(t), `theme “${t}” is not named by its codebook label`);
    const quotes = await page.$$eval('article blockquote', (q) => q.map((e) => e.textContent.trim()));
    assert.ok(quotes.filter((q) => q.length > 140).length >= 5, `long quotes on the briefing: ${quotes.join(' | ')}`);
    assert.equal(await page.$$eval('article section:has(> .themes) > blockquote', (q) => q.length), 3, 'quotes under what young people want changed');

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
    const words = text.replace(/\s+/g, ' ');
    for (const want of [...themes, ...quotes, ...read.sentences, read.madeBy, 'What young people want changed', 'Who answered', 'About these figures']) {
      assert.ok(words.includes(want), `PDF lacks “${want}”`);
    }

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

    // A constituency split between two councils: the briefing says which councils run
    // children's services there and that the figures are theirs.
    await page.goto(`${srv.base}/briefings`);
    await page.selectOption('#area', MIDDLESBROUGH_SEAT);
    await Promise.all([page.waitForURL(/\/briefings\/[0-9a-f]{24}$/), page.click('form[action="/briefings"] button[type=submit]')]);
    assert.equal(await page.textContent('article h1'), 'Day of Action briefing: Middlesbrough and Thornaby East');
    const why = (await page.textContent('article .why')).trim();
    assert.match(why, /Children's services are run by councils, not constituencies: Middlesbrough and Thornaby East is split between 2 councils, Middlesbrough and Stockton-on-Tees, so these are those councils' figures together\./);
    const seat = await readBriefing(page);
    assert.deepEqual(await axe(page), [], 'constituency briefing');
    await page.emulateMedia({ media: 'print' });
    assert.equal(pdfText(await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true }), 'seat.pdf').pages, 1, 'printed constituency briefing pages');
    await page.emulateMedia({ media: 'screen' });
    const seatPDF = pdfText(await (await context.request.get(`${page.url()}.pdf`)).body(), 'seat-go.pdf');
    assert.equal(seatPDF.pages, 1);
    assert.ok(seatPDF.text.replace(/\s+/g, ' ').includes(why), 'the PDF says which councils run children\'s services');
    assert.ok(seat.sentences.length >= 3);

    // A rolled-up area says so.
    await makeBriefing(page, DARLINGTON);
    assert.match(await page.textContent('article .notice'), /North East/);
    assert.deepEqual(await axe(page), [], 'rolled-up briefing');

    await page.goto(`${srv.base}/briefings`);
    assert.deepEqual(await axe(page), [], 'briefings list');
    // Every MP at once: the page action starts a batch and shows its progress (the Go
    // tests in server/briefing read a finished batch's ZIP).
    await Promise.all([page.waitForURL(/\/briefings\/batch\/[0-9a-f]{24}$/), page.click('form[action="/briefings/batch"] button[type=submit]')]);
    assert.match(await page.textContent('[role=status]'), /of \d+|briefings are made/);
    assert.deepEqual(await axe(page), [], 'batch progress page');
    await page.goto(`${srv.base}/briefings`);
    assert.equal(await page.$$eval('tbody tr', (r) => r.length), 3);

    assert.deepEqual(foreign, [], 'requests to other hosts');
    assert.deepEqual(csp, [], 'CSP or script errors');
  } finally {
    await context.close();
  }
});
