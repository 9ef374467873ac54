// allure-playwright under `playwright merge-reports`: its onConfigure reads the first project's output folder, but a
// merge announces the projects only later (onBegin), so the stock reporter throws and merge-reports exits 1 with the
// Allure results unwritten. This one lends it an empty project for that first look; nothing else changes.
import type { FullConfig, FullProject } from '@playwright/test/reporter';
import { AllureReporter } from 'allure-playwright';

export default class AllureMergeReporter extends AllureReporter {
  override onConfigure(config: FullConfig): void {
    const placeholder = { outputDir: '', snapshotDir: '' } as FullProject;
    super.onConfigure(config.projects.length > 0 ? config : { ...config, projects: [placeholder] });
  }
}
