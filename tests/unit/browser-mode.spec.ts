// Browser mode (issue 16): BROWSER_TABS_PER_USER and FRONTEND_URL as configuration, the refusal before any flow, the
// verdict's "not visible" lines, and the browser op in a stage's figures.
import { expect, test } from '@playwright/test';
import { formatTabs, parseTabsPerUser } from '../../config/browser-env.ts';
import { parseEnv, type SuiteConfig } from '../../config/env.ts';
import { notVisible } from '../../flow/browser-tabs.ts';
import { summarizeStage } from '../../reporter/summarize.ts';
import { TAB_NOTIFICATION_OP } from '../../reporter/summarize-calls.ts';
import { refuseBrowserModeWithout } from '../../runner/browser-preflight.ts';
import { sandboxFrontEnd } from '../../adapters/sandbox/frontend.ts';
import { stageFlow } from './support/results.ts';

const ALLOWED = 'must be an integer in 0..4, or per role like buyer:1,seller:0';
const issues = (value: string) => {
  try {
    parseEnv({ BROWSER_TABS_PER_USER: value });
    return [];
  } catch (err) {
    return (err as Error).message.split('\n').slice(1);
  }
};

test('BROWSER_TABS_PER_USER is 0 by default, one count for every user, or a count per role', () => {
  expect(parseEnv({}).BROWSER_TABS_PER_USER).toEqual({ buyer: 0, seller: 0 });
  expect(parseEnv({ BROWSER_TABS_PER_USER: '2' }).BROWSER_TABS_PER_USER).toEqual({ buyer: 2, seller: 2 });
  expect(parseTabsPerUser('buyer:1,seller:0')).toEqual({ buyer: 1, seller: 0 });
  expect(parseTabsPerUser(' seller : 3 ')).toEqual({ buyer: 0, seller: 3 });
  expect(formatTabs({ buyer: 1, seller: 0 })).toBe('buyer:1,seller:0');
  expect(formatTabs({ buyer: 1, seller: 1 })).toBe('1');
});

test('a bad BROWSER_TABS_PER_USER is refused naming the variable, its value and what is allowed', () => {
  for (const bad of ['5', '-1', 'one', 'buyer:5', 'outsider:1', 'buyer:1,buyer:2', 'buyer:1:2', ''])
    expect(issues(bad), bad).toEqual(bad ? [`  BROWSER_TABS_PER_USER=${JSON.stringify(bad)} ${ALLOWED}`] : []);
  expect(issues('ftp://x')).toEqual([`  BROWSER_TABS_PER_USER="ftp://x" ${ALLOWED}`]);
  expect(() => parseEnv({ FRONTEND_URL: 'ftp://web' })).toThrow('FRONTEND_URL="ftp://web" must be an http or https URL');
});

test('browser mode is refused before any flow without a front end, its URL or a Chromium; without tabs nothing is asked', () => {
  const cfg = (tabs: string, env: Record<string, string> = {}): SuiteConfig =>
    parseEnv({ BASE_URL: 'http://127.0.0.1:9', PAYMENT_MODE: 'status', BROWSER_TABS_PER_USER: tabs, ...env });
  const noChromium = () => {
    throw new Error('no Chromium found: set PLAYWRIGHT_CHROMIUM_EXECUTABLE to a Chromium executable');
  };
  const launch = () => ({ source: 'system' as const, options: { executablePath: '/usr/bin/chromium' } });
  expect(refuseBrowserModeWithout(cfg('0'), { name: 'bazaar' }, noChromium)).toBeNull();
  expect(() => refuseBrowserModeWithout(cfg('1'), { name: 'bazaar' }, launch)).toThrow(
    'BROWSER_TABS_PER_USER=1 asks for browser tabs, but the target adapter bazaar offers no web front end (frontend)',
  );
  expect(() => refuseBrowserModeWithout(cfg('buyer:1'), { name: 'sandbox', frontend: sandboxFrontEnd }, launch)).toThrow(
    'BROWSER_TABS_PER_USER=buyer:1,seller:0 asks for browser tabs, but where the front end is served is unknown: set FRONTEND_URL',
  );
  const withUrl = cfg('1', { FRONTEND_URL: 'http://127.0.0.1:9/app' });
  expect(() => refuseBrowserModeWithout(withUrl, { name: 'sandbox', frontend: sandboxFrontEnd }, noChromium)).toThrow(
    /preflight check "browser" failed, no flow ran\n {2}BROWSER_TABS_PER_USER=1 asks for browser tabs, but no Chromium found/,
  );
  expect(refuseBrowserModeWithout(withUrl, { name: 'sandbox', frontend: sandboxFrontEnd }, launch)?.source).toBe('system');
});

test('a notification type not visible is one verdict line naming it and every tab it is missing from', () => {
  const row = (step: string, recipient: string, tab: number, visible: boolean) => ({
    step,
    recipient,
    tab,
    visible,
    latencyMs: visible ? 5 : null,
  });
  const tabNotifications = [
    row('payment_confirmed', 'buyer', 0, false),
    row('payment_confirmed', 'seller-1', 0, false),
    row('payment_confirmed', 'buyer', 1, true),
    row('offer_accepted', 'seller-1', 0, true),
  ];
  expect(notVisible({ tabNotifications })).toEqual(['payment_confirmed not visible in the browser -> buyer tab 1, seller-1 tab 1']);
  expect(notVisible({ tabNotifications: [] })).toEqual([]);
});

test('each visible notification in each tab is one sample of the browser op, beside the socket op', () => {
  const tab = (latencyMs: number | null) => ({
    step: 'offer_accepted',
    recipient: 'seller-1',
    tab: 0,
    visible: latencyMs !== null,
    latencyMs,
  });
  const stage = summarizeStage(
    2,
    [stageFlow(2, 1, { tabNotifications: [tab(100), tab(300)] }), stageFlow(2, 2, { tabNotifications: [tab(200), tab(null)] })],
    null,
    0,
  );
  expect(stage.ops[TAB_NOTIFICATION_OP]).toMatchObject({ n: 3, p50: 200, max: 300 });
  expect(summarizeStage(2, [stageFlow(2, 1)], null, 0).ops[TAB_NOTIFICATION_OP]).toBeUndefined();
});
