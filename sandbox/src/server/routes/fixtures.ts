// Fixture mode: a simulated, immediately confirmed deposit. Registered only
// when the sandbox starts with fixtures enabled and NODE_ENV is not production.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { FixtureDepositBody } from '../../../../contract/http.ts';
import { inTx } from '../../db/pool.ts';
import { confirmPayment, toPaymentDto, type PaymentRow } from '../../domain/payments.ts';
import { authenticate, type Deps } from '../context.ts';
import { notFound, parse } from '../errors.ts';

export const fixtureRoutes = (deps: Deps) => async (app: FastifyInstance) => {
  app.post('/test/deposits', async (req, reply) => {
    const user = await authenticate(req);
    const body = parse(FixtureDepositBody, req.body, 'body');
    const payment = await inTx(deps.db, async (tx) => {
      const p = (await tx.query<PaymentRow>('SELECT * FROM payments WHERE id = $1 FOR UPDATE', [body.paymentId])).rows[0];
      if (!p || p.buyer_id !== user.id) throw notFound(`payment ${body.paymentId}`);
      const amount = body.amount ?? p.amount;
      const txHash = `fixture:${randomUUID()}`;
      await tx.query(
        `INSERT INTO deposits (payment_id, chain_id, token_address, destination, tx_hash, log_index, block_number, from_address, amount, source)
         VALUES ($1, $2, $3, $4, $5, 0, 0, 'fixture', $6, 'fixture')`,
        [p.id, p.chain_id, p.token_address, p.destination, txHash, amount],
      );
      const received = (
        await tx.query<{ sum: string }>(
          `SELECT COALESCE(sum(amount), 0)::text AS sum FROM deposits WHERE payment_id = $1 AND source = 'fixture'`,
          [p.id],
        )
      ).rows[0]!.sum;
      if (p.status === 'pending' && (BigInt(received) >= BigInt(p.amount) || deps.faults.underpaidAccepted)) {
        const outcome = await confirmPayment(
          tx,
          p,
          { txHash, logIndex: 0, blockNumber: 0, confirmations: p.required_confirmations, amountReceived: received, source: 'fixture' },
          deps.faults,
        );
        deps.metrics.inserts.inc(outcome.notifications);
      }
      return (await tx.query<PaymentRow>('SELECT * FROM payments WHERE id = $1', [p.id])).rows[0]!;
    });
    return reply.status(201).send(toPaymentDto(payment));
  });
};
