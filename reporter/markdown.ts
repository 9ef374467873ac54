// Markdown building blocks of report.md, shared by its sections: a table row
// with its cells escaped, a list of stage names, and a section's charts with their takeaways.
import { stageName } from '../config/stages.ts';
import type { ChartSection } from './charts.ts';

/** A chart report.md shows: its file under charts/ (null: not drawn), its title, its section, and its one-line takeaway. */
export interface ChartRef {
  file: string | null;
  title: string;
  section: ChartSection;
  takeaway: string;
}

/** A table cell: pipes and newlines would break the row. */
const cell = (value: string | number): string => String(value).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
export const row = (cells: readonly (string | number)[]): string => `| ${cells.map(cell).join(' | ')} |`;
export const stageList = (levels: readonly number[]): string => levels.map(stageName).join(', ');

/** The section's charts as images, each with its takeaway under it; a chart not drawn is its title and why. */
export const chartLinks = (charts: readonly ChartRef[], section: ChartSection): string[] =>
  charts
    .filter((c) => c.section === section)
    .flatMap((c) =>
      c.file === null ? [`**${c.title}:** ${c.takeaway}`, ''] : [`![${c.title}](charts/${c.file})`, '', `**Takeaway:** ${c.takeaway}`, ''],
    );
