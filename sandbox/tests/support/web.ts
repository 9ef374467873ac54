// Fixtures for the tests of the sandbox's web front end: one headless Chromium per test worker (the suite's finder,
// lib/browser.ts), and tabs, each in a browser context of its own (its own localStorage), opened as a given user
// through `#token=` in the URL.
import { chromium, type Browser, type Locator, type Page } from '@playwright/test';
import type { Notification } from '../../../contract/events.ts';
import type { PurchaseRequest } from '../../../contract/http.ts';
import { chromiumLaunch } from '../../../lib/browser.ts';
import { expect, test as base, type Actor, type Faulty } from './faulty.ts';
import { data } from './flow.ts';

export { expect, fault, type Actor } from './faulty.ts';

export interface Tab {
  page: Page;
  user: Actor;
  /** The notification list (role=list "Notifications"). */
  notifications: Locator;
  /** The list item of one notification, by its accessible name: `<type> <id>`. */
  notification: (type: string, id: string) => Locator;
}

/** After a backend restart: a buyer's and an invited seller's tabs, the seller's showing its invitation. */
export interface Reconnected extends Faulty {
  buyer: Tab;
  seller: Tab;
  request: PurchaseRequest;
  invited: Notification;
}

export const test = base.extend<
  {
    tab: (webUrl: string, user: Actor) => Promise<Tab>;
    /** A front end with these fault switches, two tabs, an invitation seen, then the backend killed and the buyer's tab reconnected. */
    reconnected: (faults: string) => Promise<Reconnected>;
  },
  { uiBrowser: Browser }
>({
  uiBrowser: [
    async ({}, use) => {
      const browser = await chromium.launch(chromiumLaunch().options);
      try {
        await use(browser);
      } finally {
        await browser.close();
      }
    },
    { scope: 'worker', timeout: 30_000 },
  ],
  tab: async ({ uiBrowser }, use) => {
    const contexts: Awaited<ReturnType<Browser['newContext']>>[] = [];
    await use(async (webUrl, user) => {
      const context = await uiBrowser.newContext();
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(`${webUrl}/#token=${user.token}`);
      const notifications = page.getByRole('list', { name: 'Notifications' });
      const tab: Tab = {
        page,
        user,
        notifications,
        notification: (type, id) => notifications.getByRole('listitem', { name: `${type} ${id}` }),
      };
      // Subscribed: what the test triggers next reaches this tab's socket.
      await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'connected');
      return tab;
    });
    for (const context of contexts) await context.close();
  },
  reconnected: async ({ faulty, newUser, tab }, use) => {
    await use(async (faults) => {
      const stack = await faulty(faults, { web: true });
      const [buyer, seller] = await Promise.all([newUser('buyer', stack.api), newUser('seller', stack.api)]);
      const tabs = await Promise.all([tab(stack.sandbox.webUrl!, buyer), tab(stack.sandbox.webUrl!, seller)]);
      const request = data(await stack.api.createRequest(buyer.token, { title: 'lamp', budget: '100', invitedSellerIds: [seller.id] }));
      const [invited] = data(await stack.api.listNotifications(seller.token, { requestId: request.id })).notifications;
      await expect(tabs[1].notification('seller_request_invited', invited!.id)).toBeVisible();
      await expect(tabs[0].notifications.getByRole('listitem')).toHaveCount(0);
      // Every tab's connection ends with the backend; the launcher restarts it.
      stack.sandbox.backend.child!.kill('SIGKILL');
      const connection = tabs[0].page.getByTestId('connection');
      await expect(connection).not.toHaveAttribute('data-state', 'connected');
      await expect(connection).toHaveAttribute('data-state', 'connected', { timeout: 30_000 });
      return { ...stack, buyer: tabs[0], seller: tabs[1], request, invited: invited! };
    });
  },
});
