// Browser mode (issue 16): BROWSER_TABS_PER_USER real browser tabs per user of each flow, and where the target's
// web front end is served (FRONTEND_URL; the embedded sandbox's is in its state file).
import { z } from 'zod';
import { readSandboxState } from './sandbox-state.ts';

/** The flow's roles that get tabs: the outsider is a buyer. */
export const TAB_ROLES = ['buyer', 'seller'] as const;
export type TabRole = (typeof TAB_ROLES)[number];
export type TabsPerUser = Readonly<Record<TabRole, number>>;

export const MAX_TABS_PER_USER = 4;
const ALLOWED = `must be an integer in 0..${MAX_TABS_PER_USER}, or per role like buyer:1,seller:0`;

/** "1" gives every user one tab; "buyer:1,seller:0" per role (a role not named gets none). Null when not valid. */
export function parseTabsPerUser(value: string): TabsPerUser | null {
  const count = (v: string) => (/^[0-9]+$/.test(v) && Number(v) <= MAX_TABS_PER_USER ? Number(v) : null);
  const all = count(value);
  if (all !== null) return { buyer: all, seller: all };
  const tabs: Record<TabRole, number> = { buyer: 0, seller: 0 };
  const seen = new Set<string>();
  for (const part of value.split(',').map((p) => p.trim())) {
    const [role, n, ...rest] = part.split(':').map((s) => s.trim());
    const tabsOf = count(n ?? '');
    if (rest.length || !TAB_ROLES.includes(role as TabRole) || seen.has(role!) || tabsOf === null) return null;
    seen.add(role!);
    tabs[role as TabRole] = tabsOf;
  }
  return tabs;
}

export const BrowserEnvSchema = z.object({
  BROWSER_TABS_PER_USER: z
    .string()
    .trim()
    .transform((v, ctx) => parseTabsPerUser(v) ?? (ctx.addIssue({ code: 'custom', message: ALLOWED }), z.NEVER))
    .default({ buyer: 0, seller: 0 }),
  FRONTEND_URL: z
    .string()
    .trim()
    .refine((v) => /^https?:$/.test(URL.parse(v)?.protocol ?? ''), 'must be an http or https URL')
    .optional(),
});

/** Whether any user of a flow gets a tab: browser mode. */
export const browserMode = (tabs: TabsPerUser): boolean => tabs.buyer + tabs.seller > 0;

/** As the variable would say it: "1", or "buyer:1,seller:0" when the roles differ. */
export const formatTabs = (tabs: TabsPerUser): string =>
  tabs.buyer === tabs.seller ? String(tabs.buyer) : TAB_ROLES.map((role) => `${role}:${tabs[role]}`).join(',');

/** The front end the tabs open: FRONTEND_URL, else the embedded sandbox's; undefined when neither is known. */
export function frontendUrl(cfg: { FRONTEND_URL?: string; sandbox: boolean }): string | undefined {
  return cfg.FRONTEND_URL ?? (cfg.sandbox ? readSandboxState()?.webUrl : undefined);
}
