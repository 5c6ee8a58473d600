import { launch, openPage } from './helpers.mjs';
const [base, path, out, w = '360', h = '740', opts = ''] = process.argv.slice(2);
const b = await launch();
const { page, foreign, csp } = await openPage(b, base, { js: !opts.includes('nojs'), viewport: { width: +w, height: +h } });
await page.goto(base + path);
if (opts.includes('big')) await page.evaluate(() => document.documentElement.classList.add('bigger'));
if (opts.includes('next')) { for (let i = 0; i < 13; i++) await page.click('[data-next]'); }
await page.waitForTimeout(300);
await page.screenshot({ path: out, fullPage: opts.includes('full') });
console.log('foreign', foreign, 'csp', csp);
await b.close();
