import { defineConfig } from '@playwright/test';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';

// The tests run against the release build, on a fresh SQLite database with the demo
// district, on a port of their own so a developer's server on :3000 is left alone.
const port = Number(process.env.KAOHE_E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
// Workers load this file again; they inherit the runner's environment, so the database
// is chosen once and tests can reach it (the audit chain check runs `kaohe verify-audit`).
process.env.KAOHE_E2E_DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), 'kaohe-e2e-'));
const dataDir = process.env.KAOHE_E2E_DATA_DIR;
process.env.KAOHE_E2E_DATABASE_URL = `sqlite://${dataDir}/e2e.db`;
const root = path.resolve(__dirname, '..');
// KAOHE_E2E_BIN=target/debug/kaohe runs against a debug build (after `cargo leptos build`):
// hydration errors then name the component and the node they expected.
const bin = path.resolve(root, process.env.KAOHE_E2E_BIN ?? 'target/release/kaohe');

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL,
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: { executablePath: '/usr/bin/chromium', args: chromiumArgs },
  },
  webServer: {
    command: `${bin} serve --demo`,
    cwd: root,
    url: `${baseURL}/healthz`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    env: {
      KAOHE_DATABASE_URL: process.env.KAOHE_E2E_DATABASE_URL,
      KAOHE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: `${root}/target/site`,
      LEPTOS_SITE_PKG_DIR: 'pkg',
      LEPTOS_OUTPUT_NAME: 'kaohe',
      LEPTOS_ENV: 'PROD',
      RUST_LOG: 'warn',
    },
  },
});
