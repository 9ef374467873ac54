import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { renderContractDoc } from '../../contract/render-docs.ts';

test('docs/contract.md is what the contract schemas generate (run npm run docs:contract)', () => {
  expect(readFileSync(new URL('../../docs/contract.md', import.meta.url), 'utf8')).toBe(renderContractDoc());
});
