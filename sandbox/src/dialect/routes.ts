// Bazaar's HTTP surface: each route translates its input, calls the backend's own route and translates
// the answer. Nothing is fixed or hidden: the backend's status, its error code and whatever it returned
// (an extra list item, a duplicate) come through, in bazaar's words.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { NotificationList } from '../../../contract/events.ts';
import type {
  ChainInfo,
  Offer,
  Payment,
  PaymentLedger,
  PurchaseRequest,
  RequestDetail,
  RequestList,
  Session,
} from '../../../contract/http.ts';
import type { z } from 'zod';
import type { Backend } from './backend.ts';
import type { Numbers } from './ids.ts';
import type { Money } from './money.ts';
import { BackendGone, Problem, invalid } from './problem.ts';
import { ROLE, SETTABLE_STAGE, TOPIC, TYPE_OF_TOPIC, type Translate } from './translate.ts';

export const SESSION_HEADER = 'x-bazaar-session';
const NUMBER = /^[1-9][0-9]{0,15}$/;

type Body = Record<string, unknown>;
const fields = (body: unknown): Body => (body && typeof body === 'object' && !Array.isArray(body) ? (body as Body) : {});
const shown = (value: unknown) => JSON.stringify(value) ?? String(value);

export interface BazaarDeps {
  backend: Backend;
  ids: Numbers;
  money: Money;
  t: Translate;
}

export const bazaarRoutes =
  ({ backend, ids, money, t }: BazaarDeps) =>
  async (app: FastifyInstance) => {
    const sessionOf = (req: FastifyRequest): string | undefined => {
      const value = req.headers[SESSION_HEADER];
      return Array.isArray(value) ? value[0] : value;
    };

    /**
     * A number the dialect never issued: 404, once the session is known to be good (the backend is asked who
     * the caller is), so a caller without a valid session learns nothing and gets the backend's 401.
     */
    const notIssued = async (session: string | undefined, what: string, value: unknown, field?: string): Promise<never> => {
      await backend.call('GET', '/me', { session });
      throw new Problem(404, 'not_found', `${what} ${typeof value === 'string' ? value : shown(value)} does not exist`, field);
    };

    /** A number from the path, query or body as the backend's UUID. */
    const uuidOf = async (session: string | undefined, what: string, value: unknown, field?: string): Promise<string> => {
      const n = typeof value === 'number' ? value : typeof value === 'string' && NUMBER.test(value) ? Number(value) : undefined;
      const uuid = n === undefined ? undefined : await ids.uuidOf(n);
      return uuid ?? notIssued(session, what, value, field);
    };

    /** A number in a JSON body: must be a positive integer; unknown ones are 404. */
    const bodyRef = async (session: string | undefined, field: string, value: unknown): Promise<string | undefined> => {
      if (value === undefined) return undefined; // the backend says it is missing, in its order of checks
      if (!Number.isSafeInteger(value) || (value as number) < 1) throw invalid(field, `must be a positive integer (got ${shown(value)})`);
      return uuidOf(session, field, value, field);
    };

    const amount = (field: string, value: unknown): string | undefined => {
      if (value === undefined) return undefined;
      const base = money.parse(value);
      if (base === undefined) throw invalid(field, `must be ${money.describe()} (got ${shown(value)})`);
      return base;
    };

    const order = (req: FastifyRequest) => uuidOf(sessionOf(req), 'order', (req.params as { no: string }).no);
    const invoice = (req: FastifyRequest) => uuidOf(sessionOf(req), 'invoice', (req.params as { no: string }).no);
    const call = <T>(
      req: FastifyRequest,
      method: 'GET' | 'POST',
      path: string,
      extra: { body?: unknown; query?: Record<string, string | undefined>; paramsId?: string } = {},
    ) => backend.call<T>(method, path, { session: sessionOf(req), ...extra });
    const send = async (reply: FastifyReply, status: number, body: Promise<unknown>) => reply.status(status).send(await body);

    // --- members
    const kindToRole = (kind: unknown) => {
      if (kind === undefined) return undefined;
      if (typeof kind !== 'string' || !Object.hasOwn(ROLE, kind))
        throw invalid('kind', `must be "customer" or "merchant" (got ${shown(kind)})`);
      return ROLE[kind];
    };
    app.post('/api/signup', async (req, reply) => {
      const b = fields(req.body);
      const role = kindToRole(b.kind);
      const res = await call<Session>(req, 'POST', '/auth/register', { body: { username: b.handle, password: b.secret, role } });
      return send(reply, res.status, t.member(res.data));
    });
    app.post('/api/signin', async (req, reply) => {
      const b = fields(req.body);
      const res = await call<Session>(req, 'POST', '/auth/login', { body: { username: b.handle, password: b.secret } });
      return send(reply, res.status, t.member(res.data));
    });

    // --- orders
    app.post('/api/orders', async (req, reply) => {
      const b = fields(req.body);
      const budget = amount('ceiling', b.ceiling);
      let sellers: unknown = b.merchants;
      if (b.merchants !== undefined) {
        if (!Array.isArray(b.merchants)) throw invalid('merchants', `must be an array of member numbers (got ${shown(b.merchants)})`);
        sellers = [];
        for (const [i, n] of b.merchants.entries()) (sellers as string[]).push((await bodyRef(sessionOf(req), `merchants.${i}`, n))!);
      }
      const res = await call<PurchaseRequest>(req, 'POST', '/requests', { body: { title: b.subject, budget, invitedSellerIds: sellers } });
      return send(reply, res.status, t.order(res.data));
    });
    app.get('/api/orders', async (req, reply) => {
      const res = await call<z.infer<typeof RequestList>>(req, 'GET', '/requests');
      return send(reply, res.status, t.orders(res.data.requests));
    });
    app.get('/api/orders/:no', async (req, reply) => {
      const res = await call<RequestDetail>(req, 'GET', `/requests/${await order(req)}`, { paramsId: 'order_no' });
      return send(reply, res.status, t.orderWithBids(res.data));
    });
    app.post('/api/orders/:no/bids', async (req, reply) => {
      const id = await order(req);
      const price = amount('ask', fields(req.body).ask);
      const res = await call<Offer>(req, 'POST', `/requests/${id}/offers`, { body: { price }, paramsId: 'order_no' });
      return send(reply, res.status, t.bid(res.data));
    });
    app.post('/api/orders/:no/award', async (req, reply) => {
      const id = await order(req);
      const offerId = await bodyRef(sessionOf(req), 'bid_no', fields(req.body).bid_no);
      const res = await call<PurchaseRequest>(req, 'POST', `/requests/${id}/accept`, { body: { offerId }, paramsId: 'order_no' });
      return send(reply, res.status, t.order(res.data));
    });
    app.post('/api/orders/:no/invoice', async (req, reply) => {
      const res = await call<Payment>(req, 'POST', `/requests/${await order(req)}/payment-intents`, { paramsId: 'order_no' });
      return send(reply, res.status, t.invoice(res.data));
    });
    app.post('/api/orders/:no/stage', async (req, reply) => {
      const id = await order(req);
      const { stage } = fields(req.body);
      let status: unknown = stage;
      if (stage !== undefined) {
        if (typeof stage !== 'string' || !Object.hasOwn(SETTABLE_STAGE, stage))
          throw invalid('stage', `must be "AWAITING_PAYMENT" or "PAID" (got ${shown(stage)})`);
        status = SETTABLE_STAGE[stage];
      }
      const res = await call<PurchaseRequest>(req, 'POST', `/requests/${id}/status`, { body: { status }, paramsId: 'order_no' });
      return send(reply, res.status, t.order(res.data));
    });
    app.post('/api/orders/:no/ship', async (req, reply) => {
      const id = await order(req);
      const res = await call<PurchaseRequest>(req, 'POST', `/requests/${id}/delivery`, {
        body: { note: fields(req.body).memo },
        paramsId: 'order_no',
      });
      return send(reply, res.status, t.order(res.data));
    });
    app.post('/api/orders/:no/receive', async (req, reply) => {
      const res = await call<PurchaseRequest>(req, 'POST', `/requests/${await order(req)}/confirm`, { paramsId: 'order_no' });
      return send(reply, res.status, t.order(res.data));
    });

    // --- invoices
    app.get('/api/invoices/:no', async (req, reply) => {
      const res = await call<Payment>(req, 'GET', `/payments/${await invoice(req)}`, { paramsId: 'invoice_no' });
      return send(reply, res.status, t.invoice(res.data));
    });
    app.post('/api/invoices/:no/recheck', async (req, reply) => {
      const res = await call<Payment>(req, 'POST', `/payments/${await invoice(req)}/check`, { paramsId: 'invoice_no' });
      return send(reply, res.status, t.invoice(res.data));
    });
    app.get('/api/invoices/:no/entries', async (req, reply) => {
      const res = await call<z.infer<typeof PaymentLedger>>(req, 'GET', `/payments/${await invoice(req)}/ledger`, {
        paramsId: 'invoice_no',
      });
      return send(reply, res.status, t.entries(res.data.paymentId, res.data.journals));
    });
    app.post('/api/dev/settle', async (req, reply) => {
      const b = fields(req.body);
      const paymentId = await bodyRef(sessionOf(req), 'invoice_no', b.invoice_no);
      const res = await call<Payment>(req, 'POST', '/test/deposits', { body: { paymentId, amount: amount('amount', b.amount) } });
      return send(reply, res.status, t.invoice(res.data));
    });

    // --- alerts and facts
    app.get('/api/alerts', async (req, reply) => {
      const q = req.query as { order_no?: string; topic?: string };
      const requestId = q.order_no ? await uuidOf(sessionOf(req), 'order', q.order_no, 'order_no') : undefined;
      if (q.topic && !Object.hasOwn(TYPE_OF_TOPIC, q.topic))
        throw invalid('topic', `must be one of ${Object.values(TOPIC).join(', ')} (got ${shown(q.topic)})`);
      const type = q.topic ? TYPE_OF_TOPIC[q.topic] : undefined;
      const res = await call<z.infer<typeof NotificationList>>(req, 'GET', '/notifications', { query: { requestId, type } });
      return send(reply, res.status, t.alerts(res.data.notifications));
    });
    app.get('/api/about', async (req, reply) => {
      const res = await call<ChainInfo>(req, 'GET', '/chain');
      const c = res.data;
      return reply.status(res.status).send({
        network: c.chainId,
        token: c.tokenAddress,
        token_symbol: c.tokenSymbol,
        decimals: c.tokenDecimals,
        confirmations_needed: c.requiredConfirmations,
        rpc: c.rpcUrl,
        dev_settlement: c.fixturesEnabled,
        manual_stage: c.statusRouteEnabled === true,
      });
    });

    // --- errors
    app.setErrorHandler(async (err: FastifyError | Problem | BackendGone, req, reply) => {
      if (err instanceof BackendGone) {
        // The backend dropped the call (down, restarting, crashed mid-answer): so does the dialect, as the backend would have.
        console.error(`${req.method} ${req.url}: the backend dropped the call: ${err.message}`);
        reply.hijack();
        reply.raw.destroy();
        return;
      }
      if (err instanceof Problem) {
        const detail = await ids.inText(err.detail).catch(() => err.detail);
        return reply.status(err.status).send(new Problem(err.status, err.problem, detail, err.field).body());
      }
      const status = err.statusCode ?? 500;
      if (status < 500) {
        const field = err.code?.startsWith('FST_ERR_CTP_') ? 'body' : undefined;
        return reply.status(status).send({ problem: err.code ?? 'bad_request', detail: err.message, ...(field ? { field } : {}) });
      }
      console.error(`${req.method} ${req.url} failed: ${err.stack ?? err.message}`);
      return reply.status(500).send({ problem: 'internal', detail: 'internal error in the dialect' });
    });
    app.setNotFoundHandler((req, reply) =>
      reply.status(404).send({ problem: 'not_found', detail: `${req.method} ${req.url.split('?')[0]} is not a route of this API` }),
    );
  };
