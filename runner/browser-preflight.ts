// Browser mode is refused before any flow when a tab could not open: no Chromium on this machine, or no web
// front end of the target (the adapter offers none, or nobody says where it is served).
import { browserMode, formatTabs, frontendUrl } from '../config/browser-env.ts';
import type { SuiteConfig } from '../config/env.ts';
import type { LoadedAdapter } from '../driver/load-adapter.ts';
import { chromiumLaunch, type BrowserLaunch } from '../lib/browser.ts';
import { PreflightError } from './preflight.ts';

const asked = (cfg: SuiteConfig) => `BROWSER_TABS_PER_USER=${formatTabs(cfg.BROWSER_TABS_PER_USER)} asks for browser tabs`;

/** Throws a PreflightError naming what browser mode lacks; the Chromium to launch otherwise, null without browser mode. */
export function refuseBrowserModeWithout(
  cfg: SuiteConfig,
  adapter: Pick<LoadedAdapter, 'name' | 'frontend'>,
  launch: () => BrowserLaunch = chromiumLaunch,
): BrowserLaunch | null {
  if (!browserMode(cfg.BROWSER_TABS_PER_USER)) return null;
  if (!adapter.frontend)
    throw new PreflightError('browser', `${asked(cfg)}, but the target adapter ${adapter.name} offers no web front end (frontend)`);
  if (!frontendUrl(cfg))
    throw new PreflightError(
      'browser',
      `${asked(cfg)}, but where the front end is served is unknown: set FRONTEND_URL${cfg.sandbox ? ' (the sandbox wrote no webUrl in its state file)' : ''}`,
    );
  try {
    return launch();
  } catch (err) {
    throw new PreflightError('browser', `${asked(cfg)}, but ${(err as Error).message}`);
  }
}
