// What a single-file Allure 3 report holds: each data file inlined base64-encoded as d("name", "...") in index.html
// (widgets/charts.json, widgets/quality-gate.json, data/test-results/<id>.json ...), by name.
export function reportData(html: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const m of html.matchAll(/\bd\("([^"]+)","([A-Za-z0-9+/=]*)"\)/g)) files.set(m[1]!, Buffer.from(m[2]!, 'base64').toString('utf8'));
  return files;
}
