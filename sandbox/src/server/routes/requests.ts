// Purchase requests, offers, accept, delivery and confirmation.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AcceptOfferBody, CreateOfferBody, CreateRequestBody, DeliveryBody, SetStatusBody, Uuid } from '../../../../contract/http.ts';
import { inTx, type Tx } from '../../db/pool.ts';
import { insertNotifications, type NewNotification } from '../../domain/notifications.ts';
import { releaseEscrow } from '../../domain/ledger.ts';
import type { PaymentRow } from '../../domain/payments.ts';
import {
  assertTransition,
  loadRequest,
  REQUEST_SELECT,
  setStatus,
  toOfferDto,
  toRequestDto,
  type OfferRow,
  type RequestRow,
} from '../../domain/requests.ts';
import { authenticate, type AuthUser, type Deps } from '../context.ts';
import { conflict, forbidden, HttpError, notFound, parse } from '../errors.ts';

const IdParams = z.object({ id: Uuid });
const ListQuery = z.object({ status: z.string().optional(), limit: z.coerce.number().int().min(1).max(500).default(100) });

export const requestRoutes = (deps: Deps) => async (app: FastifyInstance) => {
  const notify = async (tx: Tx, items: NewNotification[]) => {
    deps.metrics.inserts.inc(await insertNotifications(tx, items));
  };

  /** The request if the caller is its buyer or an invited seller; 404 otherwise (existence is not leaked). */
  const visibleRequest = async (user: AuthUser, id: string, tx?: Tx): Promise<RequestRow> => {
    const request = await loadRequest(tx ?? deps.db, id, Boolean(tx));
    if (!request || (request.buyer_id !== user.id && !request.invited_seller_ids.includes(user.id))) throw notFound(`request ${id}`);
    return request;
  };
  const requireBuyer = (user: AuthUser, request: RequestRow, action: string) => {
    if (request.buyer_id !== user.id) throw forbidden(`only the buyer of request ${request.id} may ${action}`);
  };

  app.post('/requests', async (req, reply) => {
    const user = await authenticate(req);
    if (user.role !== 'buyer') throw forbidden(`only buyers create purchase requests; you are a ${user.role}`);
    const body = parse(CreateRequestBody, req.body, 'body');
    const sellers = new Set(body.invitedSellerIds);
    const found = await deps.db.query<{ id: string }>(`SELECT id FROM users WHERE id = ANY($1::uuid[]) AND role = 'seller'`, [
      [...sellers],
    ]);
    const missing = [...sellers].filter((id) => !found.rows.some((r) => r.id === id));
    if (missing.length)
      throw new HttpError(400, 'validation', `body.invitedSellerIds: ${missing.join(', ')} are not sellers`, 'body.invitedSellerIds');
    const request = await inTx(deps.db, async (tx) => {
      const { id } = (
        await tx.query<{ id: string }>('INSERT INTO purchase_requests (buyer_id, title, budget) VALUES ($1, $2, $3) RETURNING id', [
          user.id,
          body.title,
          body.budget,
        ])
      ).rows[0]!;
      await tx.query('INSERT INTO request_invites (request_id, seller_id) SELECT $1, unnest($2::uuid[])', [id, [...sellers]]);
      await notify(
        tx,
        [...sellers].map((recipientId) => ({ recipientId, type: 'seller_request_invited' as const, requestId: id })),
      );
      return (await loadRequest(tx, id))!;
    });
    return reply.status(201).send(toRequestDto(request));
  });

  app.get('/requests', async (req) => {
    const user = await authenticate(req);
    const query = parse(ListQuery, req.query, 'query');
    const where: string[] = [];
    const params: unknown[] = [];
    // Fault list-leak: the visibility filter is missing.
    if (!deps.faults.listLeak) {
      params.push(user.id);
      where.push(
        user.role === 'buyer'
          ? 'r.buyer_id = $1'
          : 'EXISTS (SELECT 1 FROM request_invites i WHERE i.request_id = r.id AND i.seller_id = $1)',
      );
    }
    if (query.status) {
      params.push(query.status);
      where.push(`r.status = $${params.length}`);
    }
    params.push(query.limit);
    const sql = `${REQUEST_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.created_at DESC LIMIT $${params.length}`;
    return { requests: (await deps.db.query<RequestRow>(sql, params)).rows.map(toRequestDto) };
  });

  app.get('/requests/:id', async (req) => {
    const user = await authenticate(req);
    const { id } = parse(IdParams, req.params, 'params');
    const request = await visibleRequest(user, id);
    const offers = (
      await deps.db.query<OfferRow>(
        `SELECT * FROM offers WHERE request_id = $1 AND ($2::uuid IS NULL OR seller_id = $2) ORDER BY created_at`,
        [id, request.buyer_id === user.id ? null : user.id],
      )
    ).rows;
    return { ...toRequestDto(request), offers: offers.map(toOfferDto) };
  });

  app.post('/requests/:id/offers', async (req, reply) => {
    const user = await authenticate(req);
    const { id } = parse(IdParams, req.params, 'params');
    const body = parse(CreateOfferBody, req.body, 'body');
    if (BigInt(body.price) <= 0n)
      throw new HttpError(400, 'validation', `body.price: must be greater than 0 (got "${body.price}")`, 'body.price');
    const offer = await inTx(deps.db, async (tx) => {
      const request = await visibleRequest(user, id, tx);
      if (!request.invited_seller_ids.includes(user.id)) throw forbidden(`only sellers invited to request ${id} may offer`);
      if (request.status !== 'open') throw conflict(`request ${id} is ${request.status}; offers are taken only while it is open`);
      const row = (
        await tx.query<OfferRow>(
          `INSERT INTO offers (request_id, seller_id, price) VALUES ($1, $2, $3) ON CONFLICT (request_id, seller_id) DO NOTHING RETURNING *`,
          [id, user.id, body.price],
        )
      ).rows[0];
      if (!row) throw conflict(`seller ${user.id} already made an offer on request ${id}`);
      // Fault wrong-recipient: the offer's own seller is notified instead of the buyer.
      const recipientId = deps.faults.wrongRecipient ? user.id : request.buyer_id;
      await notify(tx, [{ recipientId, type: 'seller_offer_created', requestId: id, offerId: row.id }]);
      return row;
    });
    return reply.status(201).send(toOfferDto(offer));
  });

  app.post('/requests/:id/accept', async (req) => {
    const user = await authenticate(req);
    const { id } = parse(IdParams, req.params, 'params');
    const { offerId } = parse(AcceptOfferBody, req.body, 'body');
    const request = await inTx(deps.db, async (tx) => {
      // Fault double-accept: check-then-act without a row lock (and the unique index dropped by migrate).
      const current = await visibleRequest(user, id, deps.faults.doubleAccept ? undefined : tx);
      requireBuyer(user, current, 'accept an offer');
      const offer = (await tx.query<OfferRow>('SELECT * FROM offers WHERE id = $1 AND request_id = $2', [offerId, id])).rows[0];
      if (!offer) throw new HttpError(400, 'validation', `body.offerId: offer ${offerId} is not an offer on request ${id}`, 'body.offerId');
      assertTransition(current, 'offer_accepted');
      const moved = await tx.query(
        `UPDATE purchase_requests SET status = 'offer_accepted', selected_offer_id = $2, updated_at = now()
         WHERE id = $1 ${deps.faults.doubleAccept ? '' : "AND status = 'open'"}`,
        [id, offerId],
      );
      if (moved.rowCount !== 1) throw conflict(`request ${id} already has an accepted offer`);
      await tx.query(`UPDATE offers SET status = 'accepted' WHERE id = $1`, [offerId]);
      await tx.query(`UPDATE offers SET status = 'rejected' WHERE request_id = $1 AND id <> $2 AND status = 'pending'`, [id, offerId]);
      const others = current.invited_seller_ids.filter((s) => s !== offer.seller_id);
      const accepted = { recipientId: offer.seller_id, type: 'offer_accepted' as const, requestId: id, offerId };
      await notify(tx, [
        accepted,
        // Fault duplicate-notification: the accepted seller is notified twice.
        ...(deps.faults.duplicateNotification ? [accepted] : []),
        ...others.map((recipientId) => ({ recipientId, type: 'offer_rejected' as const, requestId: id, offerId })),
      ]);
      return (await loadRequest(tx, id))!;
    }).catch((err: { code?: string }) => {
      if (err.code === '23505') throw conflict(`request ${id} already has an accepted offer`);
      throw err;
    });
    return toRequestDto(request);
  });

  // Status mode's shortcut past the payment. Off (SANDBOX_STATUS_ROUTE=0): not registered, a 404 like any unknown route.
  if (deps.statusRouteEnabled) {
    app.post('/requests/:id/status', async (req) => {
      const user = await authenticate(req);
      const { id } = parse(IdParams, req.params, 'params');
      const { status } = parse(SetStatusBody, req.body, 'body');
      const request = await inTx(deps.db, async (tx) => {
        // The request row is locked (FOR UPDATE), as payment-intent creation locks it: no intent appears meanwhile.
        const current = await visibleRequest(user, id, tx);
        requireBuyer(user, current, 'change its status');
        assertTransition(current, status);
        // A request with a pending payment intent becomes paid when that payment is confirmed (scanner or fixture
        // deposit), with its escrow credit; a status jump would mark it paid with no money and no ledger entry.
        if (status === 'paid') {
          const pending = (
            await tx.query<{ id: string; amount: string }>(
              `SELECT id, amount FROM payments WHERE request_id = $1 AND status = 'pending' ORDER BY created_at LIMIT 1`,
              [id],
            )
          ).rows[0];
          if (pending) {
            throw new HttpError(
              409,
              'payment_pending',
              `request ${id} has a pending payment intent ${pending.id} (amount ${pending.amount}); it becomes paid when that payment is confirmed, not through the status route`,
            );
          }
        }
        await setStatus(tx, id, current.status, status);
        if (status === 'paid') {
          const sellerId = (
            await tx.query<{ seller_id: string }>('SELECT seller_id FROM offers WHERE id = $1', [current.selected_offer_id])
          ).rows[0]!.seller_id;
          await notify(
            tx,
            [current.buyer_id, sellerId].map((recipientId) => ({
              recipientId,
              type: 'payment_confirmed' as const,
              requestId: id,
              offerId: current.selected_offer_id,
            })),
          );
        }
        return (await loadRequest(tx, id))!;
      });
      return toRequestDto(request);
    });
  }

  app.post('/requests/:id/delivery', async (req) => {
    const user = await authenticate(req);
    const { id } = parse(IdParams, req.params, 'params');
    const body = parse(DeliveryBody, req.body, 'body');
    const request = await inTx(deps.db, async (tx) => {
      const current = await visibleRequest(user, id, tx);
      const offer = (await tx.query<OfferRow>('SELECT * FROM offers WHERE id = $1', [current.selected_offer_id])).rows[0];
      if (!offer || offer.seller_id !== user.id) throw forbidden(`only the selected seller of request ${id} may deliver`);
      assertTransition(current, 'delivered');
      await tx.query(`UPDATE purchase_requests SET status = 'delivered', delivery_note = $2, updated_at = now() WHERE id = $1`, [
        id,
        body.note,
      ]);
      // Fault missing-notification: the buyer is never told about the delivery.
      if (!deps.faults.missingNotification) {
        await notify(tx, [{ recipientId: current.buyer_id, type: 'delivery_submitted', requestId: id, offerId: offer.id }]);
      }
      return (await loadRequest(tx, id))!;
    });
    return toRequestDto(request);
  });

  app.post('/requests/:id/confirm', async (req) => {
    const user = await authenticate(req);
    const { id } = parse(IdParams, req.params, 'params');
    const request = await inTx(deps.db, async (tx) => {
      const current = await visibleRequest(user, id, tx);
      // Fault non-buyer-confirm: any participant of the request may confirm.
      if (!deps.faults.nonBuyerConfirm) requireBuyer(user, current, 'confirm delivery');
      assertTransition(current, 'completed');
      await setStatus(tx, id, 'delivered', 'completed');
      const payment = (await tx.query<PaymentRow>(`SELECT * FROM payments WHERE request_id = $1 AND status = 'confirmed'`, [id])).rows[0];
      if (payment) await releaseEscrow(tx, payment, deps.faults);
      const sellerId = (await tx.query<{ seller_id: string }>('SELECT seller_id FROM offers WHERE id = $1', [current.selected_offer_id]))
        .rows[0]!.seller_id;
      await notify(tx, [{ recipientId: sellerId, type: 'delivery_confirmed', requestId: id, offerId: current.selected_offer_id }]);
      return (await loadRequest(tx, id))!;
    });
    return toRequestDto(request);
  });

  app.post('/requests/:id/cancel', async (req) => {
    const user = await authenticate(req);
    const { id } = parse(IdParams, req.params, 'params');
    const request = await inTx(deps.db, async (tx) => {
      const current = await visibleRequest(user, id, tx);
      requireBuyer(user, current, 'cancel it');
      assertTransition(current, 'cancelled');
      await setStatus(tx, id, current.status, 'cancelled');
      return (await loadRequest(tx, id))!;
    });
    return toRequestDto(request);
  });
};
