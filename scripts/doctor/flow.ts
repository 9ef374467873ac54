// The doctor's one flow, in the real flow's order (flow/escrow-flow.ts) but without its probes and races: the
// target's facts and capabilities, a buyer and 2 sellers, a socket each, login, request, two offers, accept,
// payment per PAYMENT_MODE, delivery, confirmation; then the matrix's notifications and every read the target offers.
import { randomBytes } from 'node:crypto';
import { loadProvisionedUsers, usersOfFlow } from '../../config/provisioned-users.ts';
import type { Offer, PurchaseRequest } from '../../contract/http.ts';
import type { PaymentMode } from '../../contract/worker-result.ts';
import type { Inbox } from '../../driver/inbox.ts';
import type { LoadedAdapter } from '../../driver/load-adapter.ts';
import type { ApiResult, Audience, EscrowDriver } from '../../driver/types.ts';
import type { Checkup } from './checkup.ts';
import { readTargetFacts, judgeCapabilities } from './facts.ts';
import { accepted, expectThat } from './failure.ts';
import { awaitNotifications, connectAll, expectFrom, type Actor, type ExpectedCopy } from './notify.ts';
import { expectRequest, LIVE_NOT_CHECKED, pay } from './payment.ts';
import { checkReads } from './reads.ts';

export interface Examination {
  adapter: LoadedAdapter;
  api: EscrowDriver;
  baseUrl: string;
  mode: PaymentMode;
  checkup: Checkup;
  /** Per call and per socket connection. */
  timeoutMs: number;
  /** Keeps what the flow opened (the sockets) for the doctor to close, whatever happens. */
  opened: (inbox: Inbox) => void;
  /** TARGET_USERS_FILE: the doctor logs in as the first flow's users instead of registering its own. */
  usersFile?: string;
}

const ROLES = [
  { label: 'buyer', role: 'buyer' },
  { label: 'seller-1', role: 'seller' },
  { label: 'seller-2', role: 'seller' },
] as const;

/** Runs the check-up; throws a DoctorFailure at the first blocking mismatch, every row recorded in `checkup`. */
export async function examine(x: Examination): Promise<void> {
  const { adapter, api, mode, checkup } = x;
  const { secrets } = checkup;
  const chain = await readTargetFacts(api, checkup);
  judgeCapabilities(adapter, api, chain, mode, checkup, x.usersFile);
  // Amounts in base units; a target that states no token decimals is asked for whole base units.
  const unit = 10n ** BigInt(chain?.tokenDecimals ?? 0);

  const prefix = `doctor-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const [buyer, seller1, seller2] = await checkup.step(
    x.usersFile ? 'users' : 'register',
    () => (x.usersFile ? provisioned(x.usersFile, secrets) : registerAll(api, prefix, secrets)),
    { describe: (actors) => actors.map((a) => `${a.label} ${a.id || a.username}`).join(', ') },
  );
  const actors = [buyer!, seller1!, seller2!];
  const sellers = [seller1!, seller2!];

  await checkup.step(
    'login',
    () =>
      Promise.all(
        actors.map(async (actor) => {
          const res = await api.login({ username: actor.username, password: actor.password });
          const session = accepted(res, `a 2xx answer with a session for ${actor.username}`, secrets);
          actor.token = session.token;
          actor.id = session.user.id;
          secrets.push(actor.token);
        }),
      ),
    { describe: () => 'buyer, seller-1, seller-2' },
  );

  const inboxes = await checkup.step(
    'sockets',
    async () => {
      const connected = await connectAll(adapter.notifications, x.baseUrl, actors, x.timeoutMs);
      for (const inbox of connected.values()) x.opened(inbox);
      return connected;
    },
    { what: "one socket per user through the adapter's notification source", describe: (m) => `${m.size} connected, one per user` },
  );

  const expected: ExpectedCopy[] = [];
  const audiences: Partial<Record<Audience, Actor[]>> = {
    buyer: [buyer!],
    invitedSellers: sellers,
  };
  const isRequest = (data: PurchaseRequest, res: ApiResult<unknown>, status: string) =>
    expectRequest(data, res, request.id, status, secrets);

  const created = await checkup.call(
    'createRequest',
    () =>
      api.createRequest(buyer!.token, {
        title: `doctor ${prefix}`,
        budget: (100n * unit).toString(),
        invitedSellerIds: sellers.map((s) => s.id),
      }),
    'a 2xx answer with the new request',
    (data, res) => {
      expectThat(data.buyerId === buyer!.id, res, `buyer ${buyer!.id}`, `buyer ${data.buyerId}`, secrets);
      expectThat(data.status === 'open', res, 'status open', `status ${data.status}`, secrets);
      const invited = sellers.map((s) => s.id);
      const all = invited.every((id) => data.invitedSellerIds.includes(id));
      expectThat(all, res, `invited sellers ${invited.join(', ')}`, `invited ${data.invitedSellerIds.join(', ')}`, secrets);
    },
  );
  const request = created.data;
  expected.push(...expectFrom(adapter.matrix, 'createRequest', audiences, created.res.record));

  const offers: Offer[] = [];
  for (const [i, seller] of sellers.entries()) {
    const price = ((10n + BigInt(i)) * unit).toString();
    const { data: offer, res } = await checkup.call(
      `createOffer ${seller.label}`,
      () => api.createOffer(seller.token, request.id, price),
      `a 2xx answer with ${seller.label}'s offer`,
      (o, r) => {
        const what = (sellerId: string, requestId: string) => `an offer of ${sellerId} on request ${requestId}`;
        const ours = o.requestId === request.id && o.sellerId === seller.id;
        expectThat(ours, r, what(seller.id, request.id), what(o.sellerId, o.requestId), secrets);
        expectThat(o.price === price, r, `price ${price}`, `price ${o.price}`, secrets);
      },
    );
    offers.push(offer);
    expected.push(...expectFrom(adapter.matrix, 'createOffer', audiences, res.record, offer.id));
  }

  const chosen = offers[0]!;
  const acceptedOffer = await checkup.call(
    'acceptOffer',
    () => api.acceptOffer(buyer!.token, request.id, chosen.id),
    `a 2xx answer with the request, offer ${chosen.id} selected`,
    (data, res) => {
      isRequest(data, res, 'offer_accepted');
      expectThat(data.selectedOfferId === chosen.id, res, `selected offer ${chosen.id}`, `selected offer ${data.selectedOfferId}`, secrets);
    },
  );
  audiences.selectedSeller = [seller1!];
  audiences.otherInvitedSellers = [seller2!];
  expected.push(...expectFrom(adapter.matrix, 'acceptOffer', audiences, acceptedOffer.res.record));

  const { payment, paidBy } = await pay({ api, checkup, mode, buyer: buyer!, request, offer: chosen, chain });
  if (paidBy) {
    expected.push(...expectFrom(adapter.matrix, 'paymentConfirmed', audiences, paidBy.record));
    const delivered = await checkup.call(
      'deliver',
      () => api.deliver(seller1!.token, request.id, `delivered by ${prefix}`),
      'a 2xx answer with the request delivered',
      (d, r) => isRequest(d, r, 'delivered'),
    );
    expected.push(...expectFrom(adapter.matrix, 'sellerDelivery', audiences, delivered.res.record));
    const confirmed = await checkup.call(
      'confirmDelivery',
      () => api.confirmDelivery(buyer!.token, request.id),
      'a 2xx answer with the request completed',
      (d, r) => isRequest(d, r, 'completed'),
    );
    expected.push(...expectFrom(adapter.matrix, 'buyerConfirmDelivery', audiences, confirmed.res.record));
  } else {
    const why =
      mode === 'live'
        ? `they need the live payment (${LIVE_NOT_CHECKED})`
        : 'dry mode leaves the payment unpaid, and a target refuses delivery before payment';
    checkup.skip('deliver', 'not checked', why);
    checkup.skip('confirmDelivery', 'not checked', why);
  }

  await awaitNotifications(checkup, inboxes, expected, request.id);
  await checkReads(
    api,
    checkup,
    mode,
    buyer!,
    {
      requestId: request.id,
      offerIds: offers.map((o) => o.id),
      selectedOfferId: chosen.id,
      paymentId: payment?.id ?? null,
    },
    expected,
  );
}

/** A buyer and 2 sellers registered for the doctor, names unique to this check-up. */
function registerAll(api: EscrowDriver, prefix: string, secrets: string[]): Promise<Actor[]> {
  const register = api.register!.bind(api);
  return Promise.all(
    ROLES.map(async ({ label, role }): Promise<Actor> => {
      const username = `${prefix}-${label}`;
      const password = randomBytes(12).toString('base64url');
      secrets.push(password);
      const res = await register({ username, password, role });
      const session = accepted(res, `a 2xx answer with a session for the new ${role} ${username}`, secrets);
      secrets.push(session.token);
      expectThat(session.user.role === role, res, `a ${role}`, `a ${session.user.role}`, secrets);
      return { label, role, username, password, id: session.user.id, token: session.token };
    }),
  );
}

/** The first flow's users of TARGET_USERS_FILE (a buyer and 2 sellers); their ids and tokens come with the login step. */
async function provisioned(file: string, secrets: string[]): Promise<Actor[]> {
  const users = usersOfFlow(loadProvisionedUsers(file), 0, 2);
  secrets.push(users.buyer.password, ...users.sellers.map((s) => s.password));
  return [
    { label: 'buyer', role: 'buyer', ...users.buyer, id: '', token: '' },
    ...users.sellers.map((s, i): Actor => ({ label: `seller-${i + 1}`, role: 'seller', ...s, id: '', token: '' })),
  ];
}
