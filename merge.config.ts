// `npx playwright merge-reports --config merge.config.ts <blob dirs>`: the
// profile report and Playwright's HTML report over every shard's results.
export default {
  testDir: './tests',
  reporter: [
    ['list'],
    ['html', { open: 'never' }],
    ['allure-playwright', { resultsDir: 'allure-results' }],
    ['./reporter/profile-reporter.ts'],
  ],
};
