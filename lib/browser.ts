// The Chromium the suite launches, found once for every caller (the chart rendering test, and browser fixtures to
// come): PLAYWRIGHT_CHROMIUM_EXECUTABLE when set, else the distribution's /usr/bin/chromium, else the Chromium
// `npx playwright install chromium` put in Playwright's cache. As root, Chromium refuses to start without --no-sandbox.
import { existsSync } from 'node:fs';
import { chromium, type LaunchOptions } from '@playwright/test';

export const BROWSER_ENV = 'PLAYWRIGHT_CHROMIUM_EXECUTABLE';
export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** Where the browser was found: which of the three places, for messages. */
export type BrowserSource = 'env' | 'system' | 'playwright';

export interface BrowserLaunch {
  source: BrowserSource;
  options: LaunchOptions & { executablePath: string };
}

/** Playwright's own Chromium when it is installed; null when not (executablePath() names it either way). */
function playwrightChromium(): string | null {
  try {
    const path = chromium.executablePath();
    return existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/**
 * Launch options for the Chromium to use, headless. Throws when none is found, naming the variable that picks one,
 * and when the variable names a file that does not exist.
 */
export function chromiumLaunch(
  env: NodeJS.ProcessEnv = process.env,
  exists: (path: string) => boolean = existsSync,
  bundled: () => string | null = playwrightChromium,
  isRoot = process.getuid?.() === 0,
): BrowserLaunch {
  const args = isRoot ? ['--no-sandbox'] : [];
  const fromEnv = env[BROWSER_ENV]?.trim();
  if (fromEnv) {
    if (!exists(fromEnv)) throw new Error(`${BROWSER_ENV}="${fromEnv}" is not a file: set it to a Chromium executable, or unset it`);
    return { source: 'env', options: { executablePath: fromEnv, headless: true, args } };
  }
  if (exists(SYSTEM_CHROMIUM)) return { source: 'system', options: { executablePath: SYSTEM_CHROMIUM, headless: true, args } };
  const own = bundled();
  if (own) return { source: 'playwright', options: { executablePath: own, headless: true, args } };
  throw new Error(
    `no Chromium found: set ${BROWSER_ENV} to a Chromium executable, install the distribution's (apt-get install chromium, ` +
      `${SYSTEM_CHROMIUM}), or run npx playwright install chromium`,
  );
}
