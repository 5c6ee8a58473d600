import { launch, openPage } from '/work/main/frontend/tests/helpers.mjs';
const b = await launch();
const { page } = await openPage(b, 'http://127.0.0.1:18080', { viewport: { width: 180, height: 740 } });
await page.goto('http://127.0.0.1:18080/s/your-life-your-voice/8-12?lang=cy');
await page.evaluate(() => document.documentElement.classList.add('bigger'));
console.log(await page.evaluate(() => ['.top', '.tools', '[data-bigger]', '.langs', '.langs ul'].map(s => { const r = document.querySelector(s).getBoundingClientRect(); return s + ' ' + Math.round(r.left) + '..' + Math.round(r.right); })));
await b.close();
