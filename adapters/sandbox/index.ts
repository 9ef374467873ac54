// The default target adapter: the embedded sandbox's API (docs/contract.md). It is written against the same
// adapter API as any user's (driver/adapter.ts); examples/adapters/ holds one for another dialect.
import { Notification, SOCKET_EVENTS } from '../../contract/events.ts';
import { defineAdapter, socketIoSource } from '../../driver/adapter.ts';
import { HttpEscrowDriver } from './driver.ts';
import { sandboxFrontEnd } from './frontend.ts';

export default defineAdapter({
  name: 'sandbox',
  driver: ({ baseUrl, ...options }) => new HttpEscrowDriver(baseUrl, options),
  notifications: socketIoSource({
    auth: (token) => ({ token }),
    events: {
      [SOCKET_EVENTS.notification]: (payload) => {
        const parsed = Notification.safeParse(payload);
        if (parsed.success) return parsed.data;
        const issue = parsed.error.issues[0]!;
        return `${issue.path.join('.') || '(payload)'}: ${issue.message}`;
      },
    },
  }),
  capabilities: {
    systemOfRecord: 'postgres',
    localProcesses: true,
    metrics: { backend: '/metrics' },
    backlogGauge: 'scanner_backlog',
  },
  frontend: sandboxFrontEnd,
});
