import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { renderContractDoc, renderWorkerResultSchema } from '../../contract/render-docs.ts';

test('docs/contract.md is what the contract schemas generate (run npm run docs:contract)', () => {
  expect(readFileSync(new URL('../../docs/contract.md', import.meta.url), 'utf8')).toBe(renderContractDoc());
});

test('docs/worker-result.schema.json is the JSON Schema of the worker result (run npm run docs:contract)', () => {
  const schema = JSON.parse(readFileSync(new URL('../../docs/worker-result.schema.json', import.meta.url), 'utf8'));
  expect(schema.required).toEqual(expect.arrayContaining(['workerId', 'stage', 'runId', 'status', 'timingsMs', 'notifications', 'errors']));
  expect(`${JSON.stringify(schema, null, 2)}\n`).toBe(renderWorkerResultSchema());
});
