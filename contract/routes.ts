// The endpoints as data: docs/contract.md is generated from this table and
// the schemas it names, so the written contract cannot drift from the code.
import type { z } from 'zod';
import { NotificationList } from './events.ts';
import * as http from './http.ts';

export interface RouteDoc {
  method: 'GET' | 'POST';
  path: string;
  auth: 'none' | 'any user' | 'buyer' | 'seller' | string;
  summary: string;
  body?: z.ZodType;
  response?: z.ZodType;
  statuses: Record<number, string>;
}

const common = { 400: 'malformed input; `field` names it', 401: 'no or bad bearer token' };

export const ROUTES: RouteDoc[] = [
  {
    method: 'POST',
    path: '/auth/register',
    auth: 'none',
    summary: 'Create a test user',
    body: http.RegisterBody,
    response: http.Session,
    statuses: { 201: 'created', 400: common[400], 409: 'username taken' },
  },
  {
    method: 'POST',
    path: '/auth/login',
    auth: 'none',
    summary: 'Log in; returns a JWT',
    body: http.Credentials,
    response: http.Session,
    statuses: { 200: 'ok', 400: common[400], 401: 'wrong username or password' },
  },
  {
    method: 'POST',
    path: '/requests',
    auth: 'buyer',
    summary: 'Create a purchase request inviting sellers; notifies each invited seller',
    body: http.CreateRequestBody,
    response: http.PurchaseRequest,
    statuses: { 201: 'created', ...common, 403: 'caller is not a buyer' },
  },
  {
    method: 'GET',
    path: '/requests',
    auth: 'any user',
    summary: "The caller's requests (buyer: own; seller: invited to). Query: status, limit",
    response: http.RequestList,
    statuses: { 200: 'ok', 401: common[401] },
  },
  {
    method: 'GET',
    path: '/requests/:id',
    auth: 'buyer of it or invited seller',
    summary: 'A request with its offers (a seller sees only its own offer)',
    response: http.RequestDetail,
    statuses: { 200: 'ok', 401: common[401], 404: 'absent or not visible' },
  },
  {
    method: 'POST',
    path: '/requests/:id/offers',
    auth: 'invited seller',
    summary: 'Offer on an open request (one per seller); notifies the buyer',
    body: http.CreateOfferBody,
    response: http.Offer,
    statuses: { 201: 'created', ...common, 403: 'not invited', 404: 'not visible', 409: 'not open, or already offered' },
  },
  {
    method: 'POST',
    path: '/requests/:id/accept',
    auth: 'buyer of it',
    summary: 'Accept one offer; exactly one wins when accepts race. Notifies selected and other sellers',
    body: http.AcceptOfferBody,
    response: http.PurchaseRequest,
    statuses: { 200: 'accepted', ...common, 403: 'not the buyer', 409: 'already accepted / not open' },
  },
  {
    method: 'POST',
    path: '/requests/:id/payment-intents',
    auth: 'buyer of it',
    summary: 'Create (or return the live) payment intent: unique HD-derived destination, chain, token, amount, expiry',
    response: http.Payment,
    statuses: { 201: 'created', 200: 'the existing live intent', 401: common[401], 403: 'not the buyer', 409: 'no accepted offer' },
  },
  {
    method: 'POST',
    path: '/requests/:id/status',
    auth: 'buyer of it',
    summary:
      'Status mode: offer_accepted -> payment -> paid without a chain payment. Optional: a target may not offer it (GET /chain statusRouteEnabled=false; the sandbox with SANDBOX_STATUS_ROUTE=0)',
    body: http.SetStatusBody,
    response: http.PurchaseRequest,
    statuses: {
      200: 'moved',
      ...common,
      403: 'not the buyer',
      404: 'route disabled, or request not visible',
      409: 'transition not allowed; or `paid` while a payment intent of the request is pending (error `payment_pending`)',
    },
  },
  {
    method: 'GET',
    path: '/payments/:id',
    auth: 'buyer or seller of it',
    summary: 'A payment with its evidence',
    response: http.Payment,
    statuses: { 200: 'ok', 401: common[401], 404: 'not visible' },
  },
  {
    method: 'POST',
    path: '/payments/:id/check',
    auth: 'buyer or seller of it',
    summary: 'Scanner balance check now: scans the chain for the destination and confirms if paid',
    response: http.Payment,
    statuses: { 200: 'checked (status may still be pending)', 404: 'not visible', 503: 'scanner unreachable', 504: 'scanner timed out' },
  },
  {
    method: 'GET',
    path: '/payments/:id/ledger',
    auth: 'buyer or seller of it',
    summary: 'Ledger journals and postings of the payment',
    response: http.PaymentLedger,
    statuses: { 200: 'ok', 404: 'not visible' },
  },
  {
    method: 'POST',
    path: '/test/deposits',
    auth: 'buyer of the payment',
    summary: 'Fixture mode only: a simulated confirmed deposit. Absent (404) unless fixtures are enabled; never with NODE_ENV=production',
    body: http.FixtureDepositBody,
    response: http.Payment,
    statuses: { 201: 'recorded', 400: common[400], 404: 'route disabled or payment not visible' },
  },
  {
    method: 'POST',
    path: '/requests/:id/delivery',
    auth: 'selected seller',
    summary: 'Seller delivery of a paid request; notifies the buyer',
    body: http.DeliveryBody,
    response: http.PurchaseRequest,
    statuses: { 200: 'delivered', ...common, 403: 'not the selected seller', 409: 'not paid' },
  },
  {
    method: 'POST',
    path: '/requests/:id/confirm',
    auth: 'buyer of it',
    summary: 'Buyer confirms delivery; escrow is released to the seller; notifies the seller',
    response: http.PurchaseRequest,
    statuses: { 200: 'completed', 401: common[401], 403: 'not the buyer', 409: 'not delivered' },
  },
  {
    method: 'POST',
    path: '/requests/:id/cancel',
    auth: 'buyer of it',
    summary: 'Cancel an open or accepted request',
    response: http.PurchaseRequest,
    statuses: { 200: 'cancelled', 403: 'not the buyer', 409: 'too late' },
  },
  {
    method: 'GET',
    path: '/notifications',
    auth: 'any user',
    summary: "The caller's notifications, oldest first. Query: type, requestId, limit",
    response: NotificationList,
    statuses: { 200: 'ok', 400: common[400], 401: common[401] },
  },
  {
    method: 'GET',
    path: '/chain',
    auth: 'none',
    summary: 'Chain id, token, confirmations, RPC URL, whether fixture deposits and the status route are offered',
    response: http.ChainInfo,
    statuses: { 200: 'ok' },
  },
  {
    method: 'GET',
    path: '/health',
    auth: 'none',
    summary: 'Each component: state, restarts, pid',
    response: http.Health,
    statuses: { 200: 'all up', 503: 'degraded' },
  },
  {
    method: 'GET',
    path: '/version',
    auth: 'none',
    summary: 'Component versions and git SHA',
    response: http.Version,
    statuses: { 200: 'ok' },
  },
  { method: 'GET', path: '/metrics', auth: 'none', summary: 'Prometheus text: backend and scanner metrics', statuses: { 200: 'ok' } },
];
