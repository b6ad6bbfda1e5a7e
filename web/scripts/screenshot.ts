/**
 * Screenshots of the running app in headless Chromium, for looking at the map
 * while working on it (not a test). Start the API first, then:
 *
 *   pnpm --filter @minqing/web screenshot -- --url http://localhost:8080 --out /tmp/minqing-screenshots
 *
 * Writes district.png, town.png, grid.png (a grid clicked, panel open),
 * english.png, wall.png, phone.png and phone-grid.png (a grid opened from its link).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://localhost:8080' },
    out: { type: 'string', default: '/tmp/minqing-screenshots' },
    chromium: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
    center: { type: 'string', default: '108.40,30.81' },
  },
});
const url = values.url.replace(/\/$/, '');
const out = values.out;
const [centerLon, centerLat] = values.center.split(',').map(Number) as [number, number];
mkdirSync(out, { recursive: true });

interface PageMap {
  once(event: string, listener: () => void): unknown;
  jumpTo(options: { center: [number, number]; zoom: number }): unknown;
  getCanvas(): HTMLCanvasElement;
  queryRenderedFeatures(...query: unknown[]): { properties: Record<string, unknown> }[];
}
type PageWindow = Window & { __minqing?: { map: PageMap } };

const browser = await chromium.launch({
  executablePath: values.chromium,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--use-angle=swiftshader',
    '--enable-unsafe-swiftshader',
  ],
});

async function openMap(page: Page): Promise<void> {
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') console.error(`console ${message.type()}: ${message.text()}`);
  });
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.mapReady === 'true', undefined, { timeout: 180_000, polling: 500 });
}

async function jump(page: Page, center: [number, number], zoom: number): Promise<void> {
  await page.evaluate(
    ({ center, zoom }) =>
      new Promise<void>((resolve) => {
        const map = (window as PageWindow).__minqing!.map;
        map.once('idle', () => resolve());
        map.jumpTo({ center, zoom });
      }),
    { center, zoom },
  );
  // Labels fade in after idle.
  await page.waitForTimeout(600);
}

async function shoot(page: Page, name: string): Promise<void> {
  const path = join(out, `${name}.png`);
  await page.screenshot({ path });
  console.log(path);
}

try {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const started = Date.now();
  await openMap(page);
  console.log(`map ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await page.waitForTimeout(800);
  await shoot(page, 'district');

  await jump(page, [centerLon, centerLat], 12);
  await shoot(page, 'town');

  await jump(page, [centerLon, centerLat], 14.5);
  const point = await page.evaluate(() => {
    const map = (window as PageWindow).__minqing!.map;
    const canvas = map.getCanvas().getBoundingClientRect();
    const x = canvas.width / 2;
    const y = canvas.height / 2;
    const [feature] = map.queryRenderedFeatures([x, y], { layers: ['grid-fill'] });
    return { x: canvas.left + x, y: canvas.top + y, code: feature ? String(feature.properties.code) : null };
  });
  console.log(`clicking grid ${point.code}`);
  await page.mouse.click(point.x, point.y);
  await page.locator('[data-testid=grid-band]').waitFor({ timeout: 30_000 });
  await page.waitForTimeout(500);
  await shoot(page, 'grid');

  await page.click('[data-testid=language-en]');
  await page.waitForTimeout(800);
  await shoot(page, 'english');
  await page.click('[data-testid=language-zh-CN]');

  await page.goto(`${url}/wall`);
  await page.waitForSelector('[data-testid=not-built-wall]');
  await shoot(page, 'wall');

  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    locale: 'zh-CN',
    isMobile: true,
    hasTouch: true,
  });
  const phonePage = await phone.newPage();
  await openMap(phonePage);
  await phonePage.waitForTimeout(800);
  await shoot(phonePage, 'phone');
  if (point.code) {
    await phonePage.goto(`${url}/?grid=${point.code}`);
    await phonePage.locator('[data-testid=grid-band]').waitFor({ timeout: 60_000 });
    await phonePage.waitForFunction(() => document.body.dataset.mapReady === 'true', undefined, {
      timeout: 180_000,
      polling: 500,
    });
    await phonePage.waitForTimeout(800);
    await shoot(phonePage, 'phone-grid');
  }
} finally {
  await browser.close();
}
