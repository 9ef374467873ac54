// `npm run merge -- <blob dir>` (scripts/merge.ts), or `npx playwright merge-reports --config merge.config.ts <blob
// dirs>`: the profile report, Playwright's HTML report and the Allure results over every shard's results. The merge
// step's exit code is scripts/merge.ts's: merge-reports alone exits 0 whatever the flows did.
import { allureReporterOptions } from './reporter/allure.ts';

export default {
  testDir: './tests',
  reporter: [
    ['list'],
    ['html', { open: 'never' }],
    [
      './reporter/allure-merge-reporter.ts',
      allureReporterOptions({ runId: process.env.RUN_ID, mode: process.env.PAYMENT_MODE ?? 'status', baseUrl: process.env.BASE_URL }),
    ],
    ['./reporter/profile-reporter.ts'],
  ],
};
