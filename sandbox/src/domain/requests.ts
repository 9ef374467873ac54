// Purchase request and offer rows, their DTOs, and state-machine checks.
import { REQUEST_TRANSITIONS, type RequestStatus } from '../../../contract/http.ts';
import type { Db, Tx } from '../db/pool.ts';
import { conflict } from '../server/errors.ts';

export interface RequestRow {
  id: string;
  buyer_id: string;
  title: string;
  budget: string;
  status: RequestStatus;
  selected_offer_id: string | null;
  created_at: Date;
  updated_at: Date;
  invited_seller_ids: string[];
}

export interface OfferRow {
  id: string;
  request_id: string;
  seller_id: string;
  price: string;
  status: 'pending' | 'accepted' | 'rejected';
  created_at: Date;
}

export const REQUEST_SELECT = `
  SELECT r.id, r.buyer_id, r.title, r.budget, r.status, r.selected_offer_id, r.created_at, r.updated_at,
         COALESCE((SELECT array_agg(i.seller_id ORDER BY i.seller_id) FROM request_invites i WHERE i.request_id = r.id), '{}') AS invited_seller_ids
  FROM purchase_requests r`;

export function toRequestDto(r: RequestRow) {
  return {
    id: r.id,
    buyerId: r.buyer_id,
    title: r.title,
    budget: r.budget,
    status: r.status,
    invitedSellerIds: r.invited_seller_ids,
    selectedOfferId: r.selected_offer_id,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export function toOfferDto(o: OfferRow) {
  return {
    id: o.id,
    requestId: o.request_id,
    sellerId: o.seller_id,
    price: o.price,
    status: o.status,
    createdAt: o.created_at.toISOString(),
  };
}

export async function loadRequest(db: Db | Tx, id: string, lock = false): Promise<RequestRow | undefined> {
  const sql = lock ? `${REQUEST_SELECT} WHERE r.id = $1 FOR UPDATE OF r` : `${REQUEST_SELECT} WHERE r.id = $1`;
  return (await db.query<RequestRow>(sql, [id])).rows[0];
}

/** Throws 409 naming the current and wanted status when the state machine forbids the move. */
export function assertTransition(request: RequestRow, to: RequestStatus): void {
  if (!REQUEST_TRANSITIONS[request.status].includes(to)) {
    throw conflict(
      `request ${request.id} is ${request.status}; it cannot become ${to} (allowed from ${request.status}: ${REQUEST_TRANSITIONS[request.status].join(', ') || 'none'})`,
    );
  }
}

export async function setStatus(tx: Tx, id: string, from: RequestStatus, to: RequestStatus): Promise<boolean> {
  const res = await tx.query(`UPDATE purchase_requests SET status = $3, updated_at = now() WHERE id = $1 AND status = $2`, [id, from, to]);
  return res.rowCount === 1;
}
