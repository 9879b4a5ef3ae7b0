// Browser tests of the candidates' page against the local host (embedded storage, in-process
// worker, offline grader). The server binary comes from CYI_LOCAL_BIN; it is started on a free
// port with a fresh data folder for each run.
import { defineConfig, devices } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The main process picks the port and the folder; the workers inherit them through the
// environment, so every process agrees.
if (!process.env.CYI_TEST_PORT) {
  process.env.CYI_TEST_PORT = execFileSync(process.execPath, [
    '-e',
    "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})",
  ])
    .toString()
    .trim();
}
if (!process.env.CYI_TEST_DATA) {
  process.env.CYI_TEST_DATA = mkdtempSync(join(tmpdir(), 'cyi-web-test-'));
}
const port = process.env.CYI_TEST_PORT;
const bin = process.env.CYI_LOCAL_BIN || join(import.meta.dirname, '..', 'target', 'debug', 'cyi-local');
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results/artifacts',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 2,
  retries: 0,
  reporter: [['list'], ['html', { outputFolder: 'playwright-report', open: 'never' }]],
  use: {
    ...devices['Desktop Chrome'],
    baseURL,
    viewport: { width: 1280, height: 800 },
    locale: 'en-US',
    acceptDownloads: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    command: `"${bin}" --port ${port} --data-dir "${process.env.CYI_TEST_DATA}"`,
    url: `${baseURL}/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
