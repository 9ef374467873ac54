// The sandbox's web front end (sandbox/src/web/, its README's locator table): a tab signs in from `#token=`, and
// each notification is a list item with its id, type and request as data attributes.
import type { FrontEnd, RenderedNotification } from '../../driver/adapter.ts';

const ITEM = '[data-testid="notification"]';

export const sandboxFrontEnd: FrontEnd = {
  async signIn(page, url, user) {
    await page.goto(`${url.replace(/\/$/, '')}/#token=${encodeURIComponent(user.token)}`);
    // Connected: the page has loaded the user's notifications and receives new ones.
    await page.getByTestId('connection').and(page.locator('[data-state="connected"]')).waitFor();
  },
  list: (page) => page.getByRole('list', { name: 'Notifications' }),
  notification(page, n) {
    const list = sandboxFrontEnd.list(page);
    if (n.id) return list.locator(`${ITEM}[data-notification-id="${n.id}"]`);
    return list.locator(`${ITEM}[data-notification-type="${n.type}"][data-request-id="${n.requestId}"]`).first();
  },
  rendered: (page) =>
    sandboxFrontEnd
      .list(page)
      .locator(ITEM)
      .evaluateAll((items) =>
        items.map((item): RenderedNotification => {
          const data = (item as HTMLElement).dataset;
          return { id: data.notificationId ?? '', type: data.notificationType ?? '', requestId: data.requestId };
        }),
      ),
};
