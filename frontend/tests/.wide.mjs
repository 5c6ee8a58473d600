import { launch, openPage } from './helpers.mjs';
const [base, path, w] = process.argv.slice(2);
const b = await launch();
const { page } = await openPage(b, base, { viewport: { width: +w, height: 740 } });
await page.goto(base + path);
if (process.argv[5]) await page.evaluate(() => document.documentElement.classList.add('bigger'));
console.log(await page.evaluate(() => document.documentElement.scrollWidth), await page.evaluate(() => { const out = []; const tw = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT); let n; while ((n = tw.nextNode())) { const r = document.createRange(); r.selectNodeContents(n); for (const rc of r.getClientRects()) if (rc.right > document.documentElement.clientWidth) out.push(n.textContent.slice(0, 40) + ' ' + rc.right); } return out; }), await page.evaluate(() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right) + ' ' + (e.textContent||'').slice(0,40))));
await page.screenshot({ path: '/tmp/wide.png', fullPage: true });
await b.close();
