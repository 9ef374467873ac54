// The adapter API: everything an adapter for another backend imports (docs/retargeting.md). An adapter is a
// module whose default export is `defineAdapter({...})`; TARGET_ADAPTER=<path or package> selects it.
export type {
  ApiFailure,
  ApiResult,
  Audience,
  CallRecord,
  Credentials,
  DeclaredCapabilities,
  DeviceRequest,
  DriverOptions,
  EscrowDriver,
  FrontEnd,
  NotificationMatrix,
  NotificationSource,
  RenderedNotification,
  TargetAdapter,
  Trigger,
  Unmapped,
} from './types.ts';
export { HttpClient, type CallSpec, type HttpClientOptions } from './http-client.ts';
export { socketIoSource, type SocketIoSourceOptions } from './socket-io.ts';
export { DEFAULT_NOTIFICATION_MATRIX } from './notification-matrix.ts';
export type { Notification } from '../contract/events.ts';
export type {
  ChainInfo,
  CreateRequestBody,
  Health,
  LedgerJournal,
  Offer,
  Payment,
  PurchaseRequest,
  RegisterBody,
  RequestDetail,
  RequestStatus,
  Session,
  Version,
} from '../contract/http.ts';

import type { TargetAdapter } from './types.ts';

/** Identity, typed: an adapter module's default export. */
export function defineAdapter(adapter: TargetAdapter): TargetAdapter {
  return adapter;
}
