/**
 * Debian's Chromium driven by playwright-core (Playwright's own browser
 * downloads are not possible here). WebGL runs in software (SwiftShader):
 * slow, but the real renderer.
 *
 *   const browser = await launchBrowser();
 *   await browser.page.goto(url);
 *   await browser.close();
 *
 * Console errors and page errors are collected so a failing test can show them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

export interface LaunchOptions {
  width?: number;
  height?: number;
  locale?: string;
}

export interface LaunchedBrowser {
  context: BrowserContext;
  page: Page;
  /** Console errors, failed requests and uncaught page errors, in order. */
  problems: string[];
  close(): Promise<void>;
}

export async function launchBrowser(options: LaunchOptions = {}): Promise<LaunchedBrowser> {
  // A fresh profile each time: no cache, no service worker, no state from a previous run.
  const userDataDir = mkdtempSync(join(tmpdir(), 'minqing-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      args: chromiumFlags,
      viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
      locale: options.locale ?? 'zh-CN',
      timeout: 60_000,
    });
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw new Error(`could not launch Chromium at ${chromiumPath} (run scripts/ensure-chromium.sh): ${String(error)}`, {
      cause: error,
    });
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) =>
    problems.push(`request failed: ${request.url()} (${request.failure()?.errorText ?? '?'})`),
  );
  return {
    context,
    page,
    problems,
    async close() {
      await context.close().catch(() => {});
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
