// Staff pages (sign in, account, users, audit) share one layout and must pass axe too,
// at laptop width and on a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, axe, addUser } from './helpers.mjs';

const ADMIN = { email: 'admin.tester@example.org', password: 'violet harbour compass 42' };
let srv, browser;

before(async () => {
  srv = await startServer();
  browser = await launch();
  addUser(srv, ADMIN, 'admin');
});
after(async () => { await browser?.close(); await srv?.stop(); });

for (const viewport of [{ width: 1280, height: 800 }, { width: 360, height: 740 }]) {
  test(`staff pages are axe-clean at ${viewport.width}px`, async () => {
    const { context, page, foreign } = await openPage(browser, srv.base, { viewport });
    try {
      await page.goto(srv.base + '/login');
      assert.deepEqual(await axe(page), [], '/login');

      await page.fill('#email', ADMIN.email);
      await page.fill('#password', 'not the password at all');
      await page.click('form[action="/login"] button[type=submit]');
      await page.waitForLoadState();
      assert.ok(page.url().includes('/login'), 'a wrong password stays on the sign-in page');
      assert.deepEqual(await axe(page), [], '/login with an error');

      await page.fill('#email', ADMIN.email);
      await page.fill('#password', ADMIN.password);
      await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('form[action="/login"] button[type=submit]')]);
      for (const path of ['/staff', '/account', '/admin/users', '/admin/users/new', '/admin/audit']) {
        const resp = await page.goto(srv.base + path);
        assert.equal(resp.status(), 200, path);
        assert.deepEqual(await axe(page), [], path);
      }
      assert.deepEqual(foreign, [], 'no request leaves the server');
    } finally {
      await context.close();
    }
  });
}
