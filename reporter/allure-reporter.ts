// allure-playwright as playwright.config.ts names it: the config passes the run as plain data and the options
// (listener, categories, labels) are built here. Playwright evaluates the config in every worker too, and
// building them there loaded this folder's modules and their schemas (about 15 files) into workers that never report.
import { AllureReporter } from 'allure-playwright';
import { allureReporterOptions } from './allure.ts';

/** What playwright.config.ts passes; `resultsDir` is there for the terminal summary, which reads it from the config. */
export interface AllureRunOptions {
  runId: string | undefined;
  mode: string;
  /** Credentials masked: the options are part of the config every reporter sees. */
  baseUrl: string | undefined;
  resultsDir: string;
}

export default class AllureRunReporter extends AllureReporter {
  constructor(run: AllureRunOptions) {
    super(allureReporterOptions(run));
  }
}
