// lib/browser.ts: which Chromium is launched, in what order it is looked for, and the error when there is none.
import { expect, test } from '@playwright/test';
import { BROWSER_ENV, chromiumLaunch, SYSTEM_CHROMIUM } from '../../lib/browser.ts';

const none = () => null;
const only =
  (...paths: string[]) =>
  (path: string) =>
    paths.includes(path);

test('PLAYWRIGHT_CHROMIUM_EXECUTABLE first, then the system Chromium, then Playwright’s own', () => {
  const env = { [BROWSER_ENV]: '/opt/chrome/chrome' };
  expect(chromiumLaunch(env, only('/opt/chrome/chrome', SYSTEM_CHROMIUM), none, false)).toEqual({
    source: 'env',
    options: { executablePath: '/opt/chrome/chrome', headless: true, args: [] },
  });
  expect(chromiumLaunch({}, only(SYSTEM_CHROMIUM), () => '/cache/chrome', false).source).toBe('system');
  expect(chromiumLaunch({}, only(), () => '/cache/chrome', false).options.executablePath).toBe('/cache/chrome');
});

test('as root Chromium gets --no-sandbox, which it needs to start there', () => {
  expect(chromiumLaunch({}, only(SYSTEM_CHROMIUM), none, true).options.args).toEqual(['--no-sandbox']);
});

test('no Chromium anywhere, or the variable naming no file, is an error that names the variable', () => {
  expect(() => chromiumLaunch({}, only(), none, false)).toThrow(
    `no Chromium found: set ${BROWSER_ENV} to a Chromium executable, install the distribution's (apt-get install chromium, /usr/bin/chromium), or run npx playwright install chromium`,
  );
  expect(() => chromiumLaunch({ [BROWSER_ENV]: '/nope' }, only(SYSTEM_CHROMIUM), none, false)).toThrow(
    `${BROWSER_ENV}="/nope" is not a file: set it to a Chromium executable, or unset it`,
  );
});
