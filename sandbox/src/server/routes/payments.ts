// Payment intents, the on-demand scanner check, and the payment's ledger.
import type { FastifyInstance } from 'fastify';
import { HDNodeWallet } from 'ethers';
import { z } from 'zod';
import { Uuid } from '../../../../contract/http.ts';
import { inTx } from '../../db/pool.ts';
import { ServerTiming, toPaymentDto, type PaymentRow } from '../../domain/payments.ts';
import { loadRequest, type OfferRow } from '../../domain/requests.ts';
import { authenticate, type AuthUser, type Deps } from '../context.ts';
import { conflict, forbidden, HttpError, notFound, parse } from '../errors.ts';

const IdParams = z.object({ id: Uuid });

export const paymentRoutes = (deps: Deps) => async (app: FastifyInstance) => {
  const hd = HDNodeWallet.fromExtendedKey(deps.hdXpub);

  const visiblePayment = async (user: AuthUser, id: string): Promise<PaymentRow> => {
    const payment = (await deps.db.query<PaymentRow>('SELECT * FROM payments WHERE id = $1', [id])).rows[0];
    if (!payment || (payment.buyer_id !== user.id && payment.seller_id !== user.id)) throw notFound(`payment ${id}`);
    return payment;
  };

  app.post('/requests/:id/payment-intents', async (req, reply) => {
    // Server-Timing: each sub-step timed on its own, so a client can tell sub-steps run one after another from parallel ones.
    const timing = new ServerTiming();
    const user = await timing.step('auth', () => authenticate(req));
    const { id } = parse(IdParams, req.params, 'params');
    // Fault slow-payment-intent: a slow dependency on the intent path.
    const slowMs = deps.faults.slowPaymentIntentMs;
    if (slowMs) await timing.step('fault-delay', () => new Promise((r) => setTimeout(r, slowMs)));
    const baseline = await timing.step('chain-block', () => deps.chain.provider.getBlockNumber());
    // `tx` is the transaction's own time (pool connect, BEGIN, COMMIT); its statements are timed apart.
    const txDone = timing.around('tx');
    const result = await inTx(deps.db, async (tx) => {
      const request = await timing.step('request-lock', () => loadRequest(tx, id, true));
      if (!request || request.buyer_id !== user.id) {
        if (request?.invited_seller_ids.includes(user.id)) throw forbidden(`only the buyer of request ${id} may create its payment intent`);
        throw notFound(`request ${id}`);
      }
      const existing = await timing.step('existing-payment', async () => {
        const sql = `SELECT * FROM payments WHERE request_id = $1 AND status IN ('pending', 'confirmed')`;
        return (await tx.query<PaymentRow>(sql, [id])).rows[0];
      });
      if (existing) return { payment: existing, created: false };
      if (request.status !== 'offer_accepted')
        throw conflict(`request ${id} is ${request.status}; a payment intent needs an accepted offer`);
      const offer = await timing.step('offer', async () => {
        return (await tx.query<OfferRow>('SELECT * FROM offers WHERE id = $1', [request.selected_offer_id])).rows[0]!;
      });
      const index = await timing.step('derivation-index', async () => {
        return Number((await tx.query<{ n: string }>(`SELECT nextval('payment_derivation_index') AS n`)).rows[0]!.n);
      });
      const destination = await timing.step('derive-address', () => hd.deriveChild(index).address);
      const insertDone = timing.around('insert-payment');
      const payment = (
        await tx.query<PaymentRow>(
          `INSERT INTO payments (request_id, offer_id, buyer_id, seller_id, chain_id, token_address, derivation_index, destination,
                                 amount, baseline_block, required_confirmations, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now() + make_interval(secs => $12)) RETURNING *`,
          [
            id,
            offer.id,
            user.id,
            offer.seller_id,
            deps.chain.chainId,
            deps.chain.tokenAddress,
            index,
            destination,
            offer.price,
            baseline,
            deps.chain.requiredConfirmations,
            deps.paymentTtlMs / 1000,
          ],
        )
      ).rows[0]!;
      insertDone();
      await timing.step('request-status', () =>
        tx.query(`UPDATE purchase_requests SET status = 'payment', updated_at = now() WHERE id = $1`, [id]),
      );
      return { payment, created: true };
    });
    txDone();
    reply.header('server-timing', timing.header());
    return reply.status(result.created ? 201 : 200).send(toPaymentDto(result.payment));
  });

  app.get('/payments/:id', async (req) => {
    const user = await authenticate(req);
    const { id } = parse(IdParams, req.params, 'params');
    return toPaymentDto(await visiblePayment(user, id));
  });

  app.post('/payments/:id/check', async (req) => {
    const user = await authenticate(req);
    const { id } = parse(IdParams, req.params, 'params');
    await visiblePayment(user, id);
    if (!deps.scannerUrl) throw new HttpError(503, 'scanner_unavailable', 'no scanner is configured (SCANNER_URL)');
    let res: Response;
    try {
      res = await fetch(`${deps.scannerUrl}/check/${id}`, { method: 'POST', signal: AbortSignal.timeout(deps.scannerTimeoutMs) });
    } catch (err) {
      const timedOut = (err as Error).name === 'TimeoutError';
      throw new HttpError(
        timedOut ? 504 : 503,
        'scanner_unavailable',
        timedOut ? `scanner did not answer within ${deps.scannerTimeoutMs} ms` : 'scanner is unreachable',
      );
    }
    if (!res.ok) throw new HttpError(502, 'scanner_error', `scanner answered ${res.status}`);
    return res.json();
  });

  app.get('/payments/:id/ledger', async (req) => {
    const user = await authenticate(req);
    const { id } = parse(IdParams, req.params, 'params');
    await visiblePayment(user, id);
    const rows = (
      await deps.db.query<{ id: number; kind: string; created_at: Date; account: string; amount: string }>(
        `SELECT j.id, j.kind, j.created_at, p.account, p.amount FROM ledger_journals j
         JOIN ledger_postings p ON p.journal_id = j.id WHERE j.payment_id = $1 ORDER BY j.id, p.id`,
        [id],
      )
    ).rows;
    const journals = new Map<
      number,
      { id: string; paymentId: string; kind: string; createdAt: string; postings: { account: string; amount: string }[] }
    >();
    for (const r of rows) {
      const j = journals.get(r.id) ?? {
        id: String(r.id),
        paymentId: id,
        kind: r.kind,
        createdAt: r.created_at.toISOString(),
        postings: [],
      };
      j.postings.push({ account: r.account, amount: r.amount });
      journals.set(r.id, j);
    }
    return { paymentId: id, journals: [...journals.values()] };
  });
};
