// The sandbox's web front end (issue 16) in a real headless Chromium: a user's tab renders each of their
// notifications as it arrives over Socket.IO and nobody else's, loads what it missed on (re)connection,
// survives a backend restart, and shows the user's requests with their offers.
import { readFileSync } from 'node:fs';
import { Version } from '../../contract/http.ts';
import { data, requestWithOffers } from './support/flow.ts';
import { expect, test } from './support/web.ts';

test('a notification triggered through the API appears in its recipient tab and in no other user tab', async ({
  stack,
  api,
  newUser,
  tab,
}) => {
  const [buyer, seller, stranger] = [await newUser('buyer'), await newUser('seller'), await newUser('buyer')];
  const [buyerTab, sellerTab, strangerTab] = await Promise.all([
    tab(stack.webUrl!, buyer),
    tab(stack.webUrl!, seller),
    tab(stack.webUrl!, stranger),
  ]);

  const { request, offers } = await requestWithOffers(api, buyer, [seller]);
  const [offerCreated] = data(await api.listNotifications(buyer.token, { requestId: request.id })).notifications;
  const [invited] = data(await api.listNotifications(seller.token, { requestId: request.id })).notifications;
  expect(offerCreated).toMatchObject({ type: 'seller_offer_created', recipientId: buyer.id });
  expect(invited).toMatchObject({ type: 'seller_request_invited', recipientId: seller.id });

  await expect(buyerTab.notification('seller_offer_created', offerCreated!.id)).toBeVisible();
  await expect(sellerTab.notification('seller_request_invited', invited!.id)).toBeVisible();
  await expect(buyerTab.page.getByTestId('notification-bell')).toHaveAccessibleName('Notifications: 1');
  // Both arrived; each tab holds its own one and nothing else.
  await expect(buyerTab.notifications.getByRole('listitem')).toHaveCount(1);
  await expect(sellerTab.notifications.getByRole('listitem')).toHaveCount(1);
  await expect(strangerTab.notifications.getByRole('listitem')).toHaveCount(0);

  // The buyer's request with the seller's offer, refreshed when the notification arrived.
  const requestItem = buyerTab.page.getByTestId('request').and(buyerTab.page.locator(`[data-request-id="${request.id}"]`));
  await expect(requestItem.getByRole('listitem', { name: `offer ${offers[0]!.id} pending` })).toBeVisible();
  await expect(strangerTab.page.getByTestId('request')).toHaveCount(0);
});

test('the login form signs a user in, and the tab loads the notifications they already have', async ({
  stack,
  api,
  newUser,
  uiBrowser,
}) => {
  const [buyer, seller] = [await newUser('buyer'), await newUser('seller')];
  const { request } = await requestWithOffers(api, buyer, [seller]);
  const [existing] = data(await api.listNotifications(seller.token, { requestId: request.id })).notifications;
  const context = await uiBrowser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(stack.webUrl!);
    const form = page.getByRole('form', { name: 'Log in' });
    await form.getByLabel('Username').fill(seller.username);
    await form.getByLabel('Password').fill('wrong password');
    await form.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByTestId('login-error')).toHaveText('username or password is wrong');
    await form.getByLabel('Password').fill('correct horse battery');
    await form.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByTestId('whoami')).toHaveText(`Signed in as ${seller.username} (seller)`);
    const list = page.getByRole('list', { name: 'Notifications' });
    await expect(list.getByRole('listitem', { name: `seller_request_invited ${existing!.id}` })).toBeVisible();
    // The session stays in localStorage: a reload needs no form.
    await page.reload();
    await expect(page.getByTestId('whoami')).toBeVisible();
    await expect(page.getByTestId('login-form')).toBeHidden();
  } finally {
    await context.close();
  }
});

test('after a backend restart a tab reconnects, is subscribed again and shows nothing of another user', async ({ reconnected }) => {
  // No fault switch, on a stack of its own: its backend is killed.
  const { api, buyer, seller, request } = await reconnected('');
  const offer = data(await api.createOffer(seller.user.token, request.id, '50'));
  const [offerCreated] = data(await api.listNotifications(buyer.user.token, { type: 'seller_offer_created' })).notifications;
  expect(offerCreated!.offerId).toBe(offer.id);
  await expect(buyer.notification('seller_offer_created', offerCreated!.id)).toBeVisible();
  await expect(buyer.notifications.getByRole('listitem')).toHaveCount(1);
  await expect(seller.notifications.getByRole('listitem')).toHaveCount(1);
});

test('the front end is a component of its own: its pid in /health and the launcher, its version in /version', async ({ stack }) => {
  const web = stack.components().find((c) => c.name === 'web');
  expect(web).toMatchObject({ state: 'up', restarts: 0, pid: expect.any(Number) });
  expect(new URL(stack.webUrl!).hostname).toBe('127.0.0.1');
  const health = await fetch(new URL('/health', stack.webUrl)).then((res) => res.json());
  expect(health).toEqual({ status: 'ok', components: [{ name: 'web', state: 'up', restarts: 0, pid: web!.pid }] });
  const version = Version.parse(await fetch(new URL('/version', stack.url)).then((res) => res.json()));
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  expect(version.components.web).toEqual({ version: pkg.version, gitSha: version.gitSha });
  // The socket.io client comes from the front end's own Socket.IO server.
  expect((await fetch(new URL('/socket.io/socket.io.js', stack.webUrl))).status).toBe(200);
});
