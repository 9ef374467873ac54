// A Playwright trace is a zip of the page's network log, DOM snapshots and resources; in browser mode those carry the
// test users' session tokens (the sign-in URL's #token=, each API call's Authorization header). Secrets never reach a
// trace: every entry but images is rewritten through redactText before the trace is attached.
import AdmZip from 'adm-zip';
import { redactText } from './redact.ts';

const IMAGE = /\.(png|jpe?g|webp|gif)$/i;

/** Rewrites the zip at `path` in place with every text secret masked; returns how many entries changed. */
export function redactZip(path: string, extraSecrets: readonly string[] = []): number {
  const zip = new AdmZip(path);
  let changed = 0;
  for (const entry of zip.getEntries()) {
    if (entry.isDirectory || IMAGE.test(entry.entryName)) continue;
    // latin1 maps every byte to one character and back, so an entry with no secret is written back byte for byte.
    const before = entry.getData().toString('latin1');
    const after = redactText(before, extraSecrets);
    if (after === before) continue;
    zip.updateFile(entry, Buffer.from(after, 'latin1'));
    changed += 1;
  }
  if (changed > 0) zip.writeZip(path);
  return changed;
}
