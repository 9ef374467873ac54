// The empty test of the bare comparison. node:net only (Playwright's worker has
// it loaded already): the barrier must not add to the footprint it measures.
import { connect } from 'node:net';
import { test } from '@playwright/test';

test('empty', async () => {
  const port = Number(process.env.BENCH_BARRIER_PORT);
  if (!port) return;
  await new Promise<void>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('data', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
});
