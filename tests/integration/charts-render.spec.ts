// The charts as a reader sees them: each SVG the reporter writes for a realistic ramp, and for a single-stage run,
// loaded in headless Chromium (lib/browser.ts finds it). Each must draw something (ink on a canvas), have a title
// on the chart and on every panel, and marks with a size in every panel; the screenshots are attached.
import { expect, test as base, type Browser, type Page } from '@playwright/test';
import { DEFAULT_LEVELS, STARTING_LATENCY_GOALS } from '../../config/stages.ts';
import { chromiumLaunch } from '../../lib/browser.ts';
import { chartSpecs, renderSvg } from '../../reporter/charts.ts';
import { chartRun } from '../support/chart-run.ts';

const test = base.extend<object, { chartBrowser: Browser }>({
  chartBrowser: [
    async ({ playwright }, use) => {
      const browser = await playwright.chromium.launch(chromiumLaunch().options);
      await use(browser);
      await browser.close();
    },
    { scope: 'worker' },
  ],
});

interface Drawn {
  width: number;
  height: number;
  /** Share of the canvas that is not white. */
  ink: number;
  /** Share in colour: the data (axes, grid and text are grey or black). */
  colour: number;
  title: string;
  /** Per panel: its title, how many of its data marks have a size, and whether it says `not measured`. */
  panels: { title: string; marks: number; notMeasured: boolean }[];
}

/** The SVG drawn on a canvas (ink), and its panels read from the DOM: vega names a panel's group `concat_<i>_group`. */
async function draw(page: Page, svg: string): Promise<Drawn> {
  await page.setContent(`<body style="margin:0;background:white">${svg}</body>`);
  return page.evaluate(async (source) => {
    const img = new Image();
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(source)}`;
    await img.decode();
    const canvas = Object.assign(document.createElement('canvas'), { width: img.naturalWidth, height: img.naturalHeight });
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = 'white';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0);
    const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let inked = 0;
    let coloured = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      const [r, g, b] = [pixels[i]!, pixels[i + 1]!, pixels[i + 2]!];
      if (Math.min(r, g, b) < 240) inked += 1;
      if (Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured += 1;
    }

    const area = canvas.width * canvas.height;
    const root = document.querySelector('svg')!;
    const titleOf = (g: Element) => g.querySelector('.role-title-text')?.textContent?.trim() ?? '';
    // Data marks (bars, lines, dots, rules) with a size; a text mark is a label, or a panel's `not measured`.
    const sized = (g: Element) =>
      [...g.querySelectorAll('.role-mark:not(.mark-text) > *')].filter((m) => {
        const box = (m as SVGGraphicsElement).getBBox();
        return box.width > 0 || box.height > 0;
      }).length;
    const groups = [...root.querySelectorAll('g.role-scope')].filter((g) => /(^|\s)h?concat_\d+_group/.test(g.getAttribute('class')!));
    // The chart's own title is outside every panel's group.
    const title = [...root.querySelectorAll('.role-title-text')].find((t) => !t.closest('g.role-scope'))?.textContent?.trim() ?? '';
    const panels = (groups.length > 0 ? groups : [root]).map((g) => ({
      title: titleOf(g),
      marks: sized(g),
      notMeasured: [...g.querySelectorAll('.role-mark text')].some((t) => t.textContent === 'not measured'),
    }));
    return { width: canvas.width, height: canvas.height, ink: inked / area, colour: coloured / area, title, panels };
  }, svg);
}

for (const [run, levels] of [
  ['a ramp C1–C64', [...DEFAULT_LEVELS]],
  ['a single-stage run', [8]],
] as const) {
  test(`every chart of ${run} renders in Chromium: ink, a title on it and on each panel, sized marks in each panel`, async ({
    chartBrowser,
  }, testInfo) => {
    const { report, results } = chartRun(levels);
    const charts = chartSpecs(report, results, STARTING_LATENCY_GOALS).filter((c) => c.spec !== null);
    expect(charts.map((c) => c.file)).toEqual(
      expect.arrayContaining(['latency-by-operation.svg', 'flows-per-stage.svg', 'notification-latency.svg', 'cpu-by-stage.svg']),
    );
    const page = await chartBrowser.newPage();
    for (const chart of charts) {
      const drawn = await draw(page, await renderSvg(chart.spec!));
      await testInfo.attach(chart.file.replace(/\.svg$/, '.png'), {
        body: await page.locator('svg').screenshot(),
        contentType: 'image/png',
      });
      expect(drawn.title, chart.file).toBe(chart.title);
      // A readable chart here is 7-30% ink, 0.6-20% in colour; an empty frame has ink but no colour.
      expect(drawn.ink, `${chart.file}: share of non-white pixels`).toBeGreaterThan(0.02);
      expect(drawn.colour, `${chart.file}: share of pixels in colour (the data)`).toBeGreaterThan(0.003);
      expect(drawn.width, `${chart.file}: width`).toBeLessThan(1_600);
      for (const [i, panel] of drawn.panels.entries()) {
        expect(panel.title, `${chart.file} panel ${i} has a title`).not.toBe('');
        // A panel with nothing measured (redis without REDIS_URL) draws no bar of 0: it says `not measured`.
        expect(panel.marks > 0 || panel.notMeasured, `${chart.file} panel "${panel.title}" draws data or says not measured`).toBe(true);
      }
    }
    await page.close();
  });
}

test('the checks catch a chart that drew nothing: an empty dataset leaves a frame with no data mark and no colour', async ({
  chartBrowser,
}) => {
  const empty = {
    title: 'empty',
    data: { values: [] },
    mark: 'point',
    encoding: { x: { field: 'stage', type: 'ordinal' }, y: { field: 'ms', type: 'quantitative' } },
  } as const;
  const page = await chartBrowser.newPage();
  const drawn = await draw(page, await renderSvg(empty));
  await page.close();
  expect(drawn.panels).toEqual([{ title: 'empty', marks: 0, notMeasured: false }]);
  expect(drawn.colour).toBe(0);
});
