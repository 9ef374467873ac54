// Fault switches of the web front end (issue 16): each is caught only by a browser. The backend sends every
// notification to its recipient, as a check of its sockets or its lists sees; the page, or its relay, gets it wrong.
import { NotificationType } from '../../contract/events.ts';
import { UI_DROPPED_TYPE } from '../src/faults.ts';
import { data, deliveredRequest } from './support/flow.ts';
import { expect, fault, test, type Tab } from './support/web.ts';

/** The types of the notifications a tab renders. */
const renderedTypes = (tab: Tab) =>
  tab.notifications.getByRole('listitem').evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.notificationType));

test.describe('front-end fault switches', () => {
  test(
    fault('ui-drops-notification', `every notification type renders but ${UI_DROPPED_TYPE}, which the backend still sends`),
    async ({ faulty, newUser, tab, inbox }) => {
      const { sandbox, api } = await faulty('ui-drops-notification', { web: true });
      const [buyer, chosen, other] = [await newUser('buyer', api), await newUser('seller', api), await newUser('seller', api)];
      const tabs = await Promise.all([buyer, chosen, other].map((user) => tab(sandbox.webUrl!, user)));
      const buyerBox = await inbox(sandbox.url, buyer);
      // Every type: invited and rejected (other), offers, accepted, paid, delivered and confirmed.
      const { request } = await deliveredRequest(api, buyer, [chosen, other]);
      expect(data(await api.confirmDelivery(buyer.token, request.id)).status).toBe('completed');

      const sent = new Set<string>();
      for (const t of tabs) {
        for (const n of data(await api.listNotifications(t.user.token, { requestId: request.id })).notifications) {
          sent.add(n.type);
          if (n.type === UI_DROPPED_TYPE) continue;
          await expect(t.notification(n.type, n.id)).toBeVisible();
        }
      }
      expect([...sent].sort()).toEqual([...NotificationType.options].sort());
      // Every other notification is on screen by now; the dropped ones, which came with them, are not.
      const rendered = new Set((await Promise.all(tabs.map(renderedTypes))).flat());
      expect([...sent].filter((type) => !rendered.has(type))).toEqual([UI_DROPPED_TYPE]);
      for (const t of tabs) await expect(t.notifications.locator(`[data-notification-type="${UI_DROPPED_TYPE}"]`)).toHaveCount(0);
      // A socket-only check sees nothing wrong: the backend sent it.
      await buyerBox.waitFor((n) => n.type === UI_DROPPED_TYPE && n.requestId === request.id, 15_000);
    },
  );

  test(fault('ui-wrong-user', 'after a reconnect a tab shows the last notification relayed to another user'), async ({ reconnected }) => {
    // Healthy, the same restart leaves the buyer's tab with nothing of the seller's (web.spec.ts).
    const { api, buyer, seller, invited } = await reconnected('ui-wrong-user');
    expect(invited.recipientId).toBe(seller.user.id);
    await expect(buyer.notification('seller_request_invited', invited.id)).toBeVisible();
    // The backend never sent the buyer anything: its list is empty, as a socket-only check would find.
    expect(data(await api.listNotifications(buyer.user.token)).notifications).toEqual([]);
  });
});
