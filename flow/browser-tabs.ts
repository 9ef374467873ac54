// Browser mode (BROWSER_TABS_PER_USER, issue 16): every expected notification must become visible in every tab of
// its recipient, timed from its trigger to the moment its element entered the tab's DOM; and no tab may show a
// notification meant for another user. The target's front end (the adapter's `frontend`) says where things are.
import { expect, type Locator, type Page } from '@playwright/test';
import type { FrontEnd } from '../driver/types.ts';
import type { Actor, Actors, FlowKit } from './kit.ts';
import { matches } from './expectations.ts';
import type { FlowRecorder } from './recorder.ts';

/** One browser tab of one user, signed in before the stage barrier. */
export interface Tab {
  page: Page;
  user: Actor;
  /** From 0, per user. */
  index: number;
}

/** The page function stampAddedElements installs. */
export const STAMP_NAME = '__escrowRampSeenAt';

/**
 * Installed in every tab before the page loads (context.addInitScript): the epoch ms at which each element entered
 * the DOM, so a visibility is timed where it happened, not when the assertion polled.
 */
export function stampAddedElements(name: string): void {
  const seen = new WeakMap<Node, number>();
  new MutationObserver((records) => {
    const at = performance.timeOrigin + performance.now();
    for (const record of records) for (const node of record.addedNodes) if (!seen.has(node)) seen.set(node, at);
  }).observe(document, { childList: true, subtree: true });
  Object.assign(window, {
    [name]: (el: Node) => {
      for (let n: Node | null = el; n; n = n.parentNode) if (seen.has(n)) return seen.get(n)!;
      return null;
    },
  });
}

const seenAt = (locator: Locator): Promise<number | null> =>
  locator.evaluate((el, name) => (window as unknown as Record<string, (n: Node) => number | null>)[name]!(el), STAMP_NAME);

const tabName = (tab: Tab) => `${tab.user.label} tab ${tab.index + 1}`;

/**
 * Asserts, with web-first assertions, each expected notification in each tab of its recipient (all at once, each
 * within NOTIFY_TIMEOUT_MS), and records one row per notification and tab; then counts what a tab shows of others.
 */
export async function checkTabs(
  { run, recorder, inboxes, actors }: Pick<FlowKit, 'run' | 'recorder' | 'inboxes' | 'actors'>,
  tabs: readonly Tab[],
  requestId: string,
): Promise<void> {
  const frontend = run.adapter.frontend!;
  const rows = recorder.expected.flatMap((e) => {
    // Its socket copy names it; without one the page is searched by type and request.
    const copy = inboxes.get(e.recipientUserId)?.received.find((r) => matches(r.notification, e, requestId));
    return tabs
      .filter((tab) => tab.user.id === e.recipientUserId)
      .map(async (tab) => {
        const item = frontend.notification(tab.page, { id: copy?.notification.id, type: e.type, requestId });
        const visible = await expect(item)
          .toBeVisible({ timeout: run.cfg.NOTIFY_TIMEOUT_MS })
          .then(() => true)
          .catch(() => false);
        const at = visible ? await seenAt(item) : null;
        return {
          step: e.type,
          recipient: e.recipient,
          tab: tab.index,
          visible,
          latencyMs: at === null ? null : Math.max(0, Math.round(at - e.triggeredAt)),
        };
      });
  });
  recorder.tabNotifications = await Promise.all(rows);
  for (const tab of tabs) await foreignIn(tab, frontend, recorder, inboxes, actors);
}

/** What the tab shows that is not its user's: a wrong recipient (P0), named with tab, user and notification. */
async function foreignIn(tab: Tab, frontend: FrontEnd, recorder: FlowRecorder, inboxes: FlowKit['inboxes'], actors: Actors) {
  const own = new Set([
    ...(inboxes.get(tab.user.id)?.received ?? []).filter((r) => r.notification.recipientId === tab.user.id).map((r) => r.notification.id),
    ...(tab.user.before?.notifications ?? []),
  ]);
  const meantFor = (id: string) => {
    for (const [userId, inbox] of inboxes)
      if (inbox.received.some((r) => r.notification.id === id && r.notification.recipientId === userId)) return actors.roleOf(userId);
    return 'another user';
  };
  for (const n of await frontend.rendered(tab.page)) {
    if (own.has(n.id)) continue;
    recorder.count('wrongRecipient', `${tabName(tab)} (user ${tab.user.id}) shows ${n.type} ${n.id} meant for ${meantFor(n.id)}`);
    recorder.misdelivered.push({ step: n.type, receivedBy: tabName(tab), kind: 'wrong-recipient' });
  }
}

/** The flow's browser problems for its verdict: each type not visible, with the tabs it is missing from. */
export function notVisible(recorder: Pick<FlowRecorder, 'tabNotifications'>): string[] {
  const byType = new Map<string, string[]>();
  for (const row of recorder.tabNotifications.filter((r) => !r.visible))
    byType.set(row.step, [...(byType.get(row.step) ?? []), `${row.recipient} tab ${row.tab + 1}`]);
  return [...byType].map(([type, where]) => `${type} not visible in the browser -> ${where.join(', ')}`);
}
