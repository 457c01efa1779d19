// The `test` every spec uses: Playwright's, plus an automatic fixture that collects the
// page's console errors and uncaught exceptions (a WebAssembly panic lands here through
// the panic hook) and prints them when a test fails, so a red run in CI says why a page
// did not hydrate instead of only that it did not.
import { test as base, expect } from '@playwright/test';

export { expect };
export type { APIRequestContext, Locator, Page } from '@playwright/test';

export const test = base.extend<{ browserErrors: void }>({
  browserErrors: [
    async ({ page }, use, testInfo) => {
      const lines: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') lines.push(`console.error ${page.url()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => lines.push(`pageerror ${page.url()}: ${e.message}`));
      await use();
      if (testInfo.status !== testInfo.expectedStatus && lines.length > 0) {
        console.log(`browser errors during "${testInfo.title}":\n  ${lines.join('\n  ')}`);
      }
    },
    { auto: true },
  ],
});
