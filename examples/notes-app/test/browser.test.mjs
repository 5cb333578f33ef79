// The page in a real browser (Debian's chromium driven by playwright-core).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import jsQR from 'jsqr';
import { generate } from 'otplib';
import { chromium } from 'playwright-core';
import { Client, freePort, startApp } from './helpers.mjs';

// Debian's chromium package; another Chromium build can be named with CHROMIUM_PATH.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PASSWORD = 'correct horse battery staple';
const ACCESS_TTL_MS = 2000;

// Locally a missing browser skips these tests; in CI it must fail, never pass silently.
if (!existsSync(CHROMIUM) && process.env.CI === 'true') {
  throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium)`);
}
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed`;

/** Waits until the element's text contains `text`. */
function waitForText(page, selector, text) {
  return page.waitForFunction(([s, t]) => (document.querySelector(s)?.textContent ?? '').includes(t), [selector, text], { timeout: 10_000 });
}

const isVisible = (page, selector) => page.locator(selector).isVisible();

const TOTP_STEP_SECONDS = 30;
const totpStep = (epochSeconds) => Math.floor(epochSeconds / TOTP_STEP_SECONDS);
const totp = (secret, step) => generate({ secret, epoch: step * TOTP_STEP_SECONDS });
/** Six digits that no step the server may accept while this test runs produces (it allows one either side). */
async function wrongTotp(secret) {
  const now = totpStep(Date.now() / 1000);
  const valid = await Promise.all([now - 1, now, now + 1, now + 2].map((step) => totp(secret, step)));
  return ['000000', '111111', '222222', '333333', '444444'].find((code) => !valid.includes(code));
}

/** What the QR code on the canvas says, read back from its pixels as a phone camera would. */
async function decodeCanvas(page, selector) {
  const { width, height, pixels } = await page.$eval(selector, (canvas) => ({
    width: canvas.width,
    height: canvas.height,
    pixels: canvas.width ? Array.from(canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data) : [],
  }));
  if (!width || !height) return null;
  return jsQR(Uint8ClampedArray.from(pixels), width, height)?.data ?? null;
}

for (const strategy of ['database', 'jwt']) {
  describe(`notes-app in Chromium, AUTH_STRATEGY=${strategy}`, { skip }, () => {
    const sessionCookie = strategy === 'jwt' ? 'at' : 'sid';
    let app, browser, context, tab1, tab2, origin, attacker;

    before(async () => {
      app = await startApp({ strategy, accessTtl: `${ACCESS_TTL_MS / 1000}s` });
      // The app is addressed as localhost and the attacker as 127.0.0.1: two different sites.
      origin = `http://localhost:${app.port}`;
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      context = await browser.newContext();
      tab1 = await context.newPage();
    });

    after(async () => {
      await browser?.close();
      await new Promise((resolve) => (attacker ? attacker.close(resolve) : resolve()));
      await app?.stop();
    });

    test('signing up and in through the page sets an HttpOnly session cookie the page cannot read', async () => {
      await tab1.goto(origin);
      await tab1.locator('#signed-out').waitFor();
      await tab1.fill('#email', 'ada@example.com');
      await tab1.fill('#password', PASSWORD);
      await tab1.click('#register');
      await waitForText(tab1, '#me', 'ada@example.com');

      const cookie = (await context.cookies(origin)).find((c) => c.name === sessionCookie);
      assert.ok(cookie, `a "${sessionCookie}" cookie is set`);
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.sameSite, 'Lax');
      const visible = await tab1.evaluate(() => document.cookie);
      assert.ok(!visible.includes(`${sessionCookie}=`), `document.cookie is "${visible}"`);
      assert.ok(!visible.includes(cookie.value));
    });

    test('notes are added and listed from the page', async () => {
      await tab1.fill('#note-text', 'written in a browser');
      await tab1.press('#note-text', 'Enter');
      await waitForText(tab1, '#notes', 'written in a browser');
    });

    test('a second tab of the same browser shares the session', async () => {
      tab2 = await context.newPage();
      await tab2.goto(origin);
      await waitForText(tab2, '#me', 'ada@example.com');
      await waitForText(tab2, '#notes', 'written in a browser');
    });

    test('the device list revokes another device', async () => {
      const phone = new Client(app.url);
      assert.equal((await phone.post('/auth/login', { email: 'ada@example.com', password: PASSWORD })).status, 200);
      assert.equal((await phone.get('/notes')).status, 200);

      await tab1.click('#reload-devices');
      await tab1.waitForFunction(() => document.querySelectorAll('#devices li').length === 2);
      await tab1.locator('#devices li', { hasNotText: 'this device' }).locator('button.revoke').click();
      await tab1.waitForFunction(() => document.querySelectorAll('#devices li').length === 1);
      await waitForText(tab1, '#devices', 'this device');
      assert.equal((await phone.get('/notes')).status, 401, 'the revoked device is signed out');
    });

    test('a cross-site form POST cannot end the session', async () => {
      const attackerPort = await freePort();
      attacker = createServer((_req, res) => {
        res.setHeader('content-type', 'text/html');
        res.end(`<!doctype html><form method="POST" action="${origin}/auth/logout-all"><input name="x" value="1"></form>
          <script>document.forms[0].submit()</script>`);
      });
      await new Promise((resolve) => attacker.listen(attackerPort, '127.0.0.1', resolve));

      const evil = await context.newPage();
      const forged = evil.waitForResponse((r) => r.url() === `${origin}/auth/logout-all`);
      await evil.goto(`http://127.0.0.1:${attackerPort}/`);
      const response = await forged;
      assert.ok(response.status() >= 400, `the forged request was refused (got ${response.status()})`);
      await evil.close();

      // Under JWT the 2 s access cookie may have lapsed by now: the refresh cookie is the one that lasts.
      const lasting = strategy === 'jwt' ? 'rt' : sessionCookie;
      assert.ok((await context.cookies()).some((c) => c.name === lasting), `the "${lasting}" cookie is still there`);
      await tab1.click('#whoami');
      await tab1.click('#reload-notes');
      await waitForText(tab1, '#notes', 'written in a browser');
      assert.equal(await isVisible(tab1, '#signed-in'), true);
      assert.equal((await new Client(app.url).get('/notes')).status, 401, 'sanity: anonymous is still refused');
    });

    test('a request after the access-token lifetime still succeeds', async () => {
      const refreshes = [];
      const onResponse = (r) => r.url() === `${origin}/auth/refresh` && refreshes.push(r.status());
      tab1.on('response', onResponse);
      await tab1.waitForTimeout(ACCESS_TTL_MS + 1000);

      await tab1.fill('#note-text', 'after the access token expired');
      await tab1.press('#note-text', 'Enter');
      await waitForText(tab1, '#notes', 'after the access token expired');
      tab1.off('response', onResponse);
      assert.equal(await isVisible(tab1, '#signed-in'), true);
      if (strategy === 'jwt') {
        // The 2 s access cookie lapsed: the page renewed it through the refresh cookie.
        assert.ok(refreshes.length >= 1 && refreshes.every((status) => status === 200), `refreshes: ${refreshes}`);
      } else {
        // A database session lives by the idle timeout (12 h here): nothing to renew.
        assert.deepEqual(refreshes, []);
      }
    });

    test('sign out everywhere in one tab signs the other tab out on its next request', async () => {
      const bearer = (await new Client(app.url).post('/auth/token', { grant_type: 'password', email: 'ada@example.com', password: PASSWORD })).json;

      await tab1.click('#sign-out-all');
      await tab1.locator('#signed-out').waitFor();

      const refused = tab2.waitForResponse((r) => r.url() === `${origin}/auth/me`);
      await tab2.click('#whoami');
      assert.equal((await refused).status(), 401);
      await tab2.locator('#signed-out').waitFor();
      assert.equal(await isVisible(tab2, '#signed-in'), false);

      const api = await new Client(app.url).get('/notes', { headers: { authorization: `Bearer ${bearer.access_token}` } });
      assert.equal(api.status, 401, 'the API client of the same user is out too');
    });

    // The two-factor tests use their own user and browser context, independent of the tests above.
    describe('two-factor sign-in', () => {
      const email = 'grace@example.com';
      const foreign = [];
      let page, mfaContext, secret, confirmedStep, recoveryCodes;

      before(async () => {
        mfaContext = await browser.newContext();
        // Everything the page loads, the QR code library included, must come from the app itself.
        mfaContext.on('request', (request) => {
          if (!request.url().startsWith(`${origin}/`)) foreign.push(request.url());
        });
        page = await mfaContext.newPage();
      });

      async function signOut() {
        await page.click('#sign-out');
        await page.locator('#signed-out').waitFor();
      }

      async function enterPassword() {
        await page.fill('#email', email);
        await page.fill('#password', PASSWORD);
        await page.click('#sign-in');
        await page.locator('#code-form').waitFor();
      }

      test('turning it on from the page: a QR code drawn locally, the key as text, ten recovery codes', async () => {
        await page.goto(origin);
        await page.locator('#signed-out').waitFor();
        await page.fill('#email', email);
        await page.fill('#password', PASSWORD);
        await page.click('#register');
        await waitForText(page, '#me', email);
        await waitForText(page, '#mfa-status', 'Off');

        await page.click('#mfa-start');
        await page.fill('#mfa-password', PASSWORD);
        await page.press('#mfa-password', 'Enter');
        await page.locator('#mfa-setup').waitFor();
        secret = await page.textContent('#mfa-secret');
        assert.match(secret, /^[A-Z2-7]{32}$/, 'a 160-bit base32 key');

        const scanned = await decodeCanvas(page, '#mfa-qr');
        assert.ok(scanned, 'the canvas holds a readable QR code');
        const uri = new URL(scanned);
        assert.equal(uri.protocol, 'otpauth:');
        assert.equal(uri.host, 'totp');
        assert.equal(uri.searchParams.get('secret'), secret, 'the QR code carries the key shown as text');
        assert.ok(decodeURIComponent(uri.pathname).includes(email), uri.pathname);

        confirmedStep = totpStep(Date.now() / 1000);
        await page.fill('#mfa-code', await totp(secret, confirmedStep));
        await page.press('#mfa-code', 'Enter');
        await page.waitForFunction(() => document.querySelectorAll('#recovery-codes li').length > 0);
        recoveryCodes = await page.locator('#recovery-codes li').allTextContents();
        assert.equal(recoveryCodes.length, 10);
        assert.equal(new Set(recoveryCodes).size, 10);
        for (const code of recoveryCodes) assert.match(code, /^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$/);
        await waitForText(page, '#mfa-status', 'Recovery codes left: 10');
        await waitForText(page, '#me', 'signed in with pwd + otp');
        assert.equal(await page.textContent('#mfa-secret'), '', 'the key is no longer on screen');
        assert.equal(await isVisible(page, '#mfa-start'), false);

        await page.click('#mfa-recovery-done');
        assert.equal(await page.locator('#recovery-codes li').count(), 0, 'the recovery codes are shown once');
      });

      test('signing in asks for a code after the password; a wrong code is refused, a current one signs in', async () => {
        await signOut();
        await enterPassword();
        assert.equal(await isVisible(page, '#signed-in'), false);
        assert.equal(await isVisible(page, '#sign-in-form'), false);
        assert.ok(!(await mfaContext.cookies(origin)).some((c) => c.name === sessionCookie), 'no session before the code');

        await page.fill('#code', await wrongTotp(secret));
        await page.press('#code', 'Enter');
        await waitForText(page, '#status', 'Wrong code');
        assert.equal(await isVisible(page, '#code-form'), true, 'the page stays on the code step');

        // The confirmation used up its step and the server refuses a code twice. The next step's code
        // is not a replay, and the server already accepts it: one step either side counts, for clock drift.
        const step = Math.max(totpStep(Date.now() / 1000), confirmedStep + 1);
        await page.fill('#code', await totp(secret, step));
        await page.press('#code', 'Enter');
        await waitForText(page, '#me', `${email} `);
        await waitForText(page, '#me', 'signed in with pwd + otp');
        assert.ok((await mfaContext.cookies(origin)).some((c) => c.name === sessionCookie), `a "${sessionCookie}" cookie is set`);
      });

      test('a recovery code signs in once', async () => {
        await signOut();
        await enterPassword();
        await page.click('#use-recovery-code');
        assert.equal(await isVisible(page, '#code'), false);
        await page.fill('#recovery-code', recoveryCodes[3]);
        await page.press('#recovery-code', 'Enter');
        await waitForText(page, '#me', 'signed in with pwd + recovery');
        await waitForText(page, '#mfa-status', 'Recovery codes left: 9');

        await signOut();
        await enterPassword();
        await page.click('#use-recovery-code');
        await page.fill('#recovery-code', recoveryCodes[3]);
        await page.press('#recovery-code', 'Enter');
        await waitForText(page, '#status', 'Wrong or already used recovery code');
        assert.equal(await isVisible(page, '#signed-in'), false);

        await page.click('#cancel-code');
        assert.equal(await isVisible(page, '#sign-in-form'), true, 'cancel goes back to the password');
      });

      test('nothing was loaded from another origin', () => {
        assert.ok(page, 'the tests above ran');
        assert.deepEqual(foreign, []);
      });
    });
  });
}
