// Browser traces are zips that carry session tokens (issue 16): lib/redact-zip.ts masks them in every text entry and
// leaves images and clean entries byte for byte.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AdmZip from 'adm-zip';
import { expect, test } from '@playwright/test';
import { redactZip } from '../../lib/redact-zip.ts';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJpZCI6InUxIiwiZXhwIjoxfQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

test('a JWT in a trace entry is masked; an image and a clean entry are unchanged', () => {
  const dir = mkdtempSync(join(tmpdir(), 'redact-zip-'));
  try {
    const path = join(dir, 'trace.zip');
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 255, 128, 7]);
    const zip = new AdmZip();
    zip.addFile('trace.network', Buffer.from(`{"headers":[{"name":"authorization","value":"Bearer ${JWT}"}]}\n`));
    zip.addFile('trace.trace', Buffer.from(`{"url":"http://127.0.0.1:1/#token=${JWT}"}\n`));
    zip.addFile('resources/page@1.png', png);
    zip.addFile('resources/clean.html', Buffer.from('<p>caf\u00e9</p>', 'utf8'));
    zip.writeZip(path);

    expect(redactZip(path)).toBe(2);
    const back = new AdmZip(readFileSync(path));
    const text = (name: string) => back.getEntry(name)!.getData().toString('utf8');
    expect(text('trace.network')).toBe('{"headers":[{"name":"authorization","value":"Bearer ***"}]}\n');
    expect(text('trace.trace')).toBe('{"url":"http://127.0.0.1:1/#token=***"}\n');
    expect(back.getEntry('resources/page@1.png')!.getData()).toEqual(png);
    expect(text('resources/clean.html')).toBe('<p>caf\u00e9</p>');
    expect(readFileSync(path).includes(JWT)).toBe(false);
    // Nothing left to mask: the file is not rewritten.
    expect(redactZip(path)).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
