// Markdown building blocks of report.md, shared by its sections: a table row
// with its cells escaped, a list of stage names, and a section's chart links.
import { stageName } from '../config/stages.ts';
import type { ChartSection } from './charts.ts';

/** A chart report.md links to: its file under charts/, its title, and the section it is shown in. */
export interface ChartRef {
  file: string;
  title: string;
  section: ChartSection;
}

/** A table cell: pipes and newlines would break the row. */
const cell = (value: string | number): string => String(value).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
export const row = (cells: readonly (string | number)[]): string => `| ${cells.map(cell).join(' | ')} |`;
export const stageList = (levels: readonly number[]): string => levels.map(stageName).join(', ');

/** The section's charts as images, each followed by a blank line. */
export const chartLinks = (charts: readonly ChartRef[], section: ChartSection): string[] =>
  charts.filter((c) => c.section === section).flatMap((c) => [`![${c.title}](charts/${c.file})`, '']);
