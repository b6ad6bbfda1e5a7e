/**
 * The case desk in real Chromium, on the built web app served by the real API
 * over a PostGIS database holding the demo district:
 * - a hotline operator (dispatcher) signs in and enters a request about a
 *   blocked drain in 分水镇石碾村 with the keyboard, and reads out its tracking code;
 * - the village cadre of 石碾村 (shinian) signs in, finds it in their queue,
 *   opens it, accepts it and resolves it;
 * - a resident, not signed in, follows the code on the public tracking page
 *   and sees it resolved, with no personal data on the page;
 * - a resident files their own request on the public page and follows it;
 * - a second call about the same drain is linked to it as a duplicate;
 * - a planner is told why the desk is not for them; repeated wrong passwords
 *   are answered with the wait.
 * Screenshots go to test-results/desk-*.png.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sql } from '@minqing/db';
import type { Page } from 'playwright-core';
import { launchBrowser, type LaunchedBrowser } from '../support/browser.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startServer, type RunningServer } from '../support/server.ts';

const resultsFolder = fileURLToPath(new URL('../../test-results', import.meta.url));
const REPORTER_NAME = '黄昌术';
const REPORTER_PHONE = '13812345678';
const DESCRIPTION = '石碾村3组公路边的下水道堵了，雨水漫到院坝里，请尽快疏通';
const RESOLUTION = '村里组织人员疏通了下水道，院坝积水已排净';

describe('the case desk', () => {
  let database: TestDatabase;
  let server: RunningServer;
  let browser: LaunchedBrowser;
  let trackingCode = '';

  beforeAll(async () => {
    database = await createTestDatabase({ template: 'demo' });
    server = await startServer({ databaseUrl: database.url, demo: true, label: 'e2e-desk' });
    browser = await launchBrowser({ width: 1440, height: 900 });
    mkdirSync(resultsFolder, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await database?.drop();
  });

  const diagnostics = () =>
    `page problems:\n${browser.problems.slice(-20).join('\n') || '(none)'}\nserver output:\n${server.output().split('\n').slice(-30).join('\n')}`;
  const shot = (page: Page, name: string, fullPage = false) =>
    page.screenshot({ path: `${resultsFolder}/desk-${name}.png`, fullPage });
  const text = async (page: Page, testId: string) => ((await page.locator(`[data-testid=${testId}]`).textContent()) ?? '').trim();

  /** Signs in on the sign-in page the guard sent us to, by keyboard. */
  async function signIn(page: Page, username: string, password = 'minqing2026') {
    await page.locator('[data-testid=sign-in-form]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid=sign-in-username]').fill(username);
    await page.locator('[data-testid=sign-in-password]').fill(password);
    await page.keyboard.press('Enter');
  }

  test('an operator enters a case by keyboard, the village cadre handles it, the resident follows it', async () => {
    const { page } = browser;

    // The desk needs a user: the guard sends the operator to sign in, and back.
    await page.goto(`${server.url}/desk`);
    await page.waitForURL((url) => url.pathname === '/signin' && url.searchParams.get('redirect') === '/desk');
    await signIn(page, 'dispatcher', 'not-the-password');
    await expect.poll(() => text(page, 'sign-in-error'), { timeout: 15_000 }).toBe('用户名或密码错误，请重新输入。');
    await signIn(page, 'dispatcher');
    await page.locator('[data-testid=intake-form]').waitFor({ timeout: 30_000 });
    expect(new URL(page.url()).pathname).toBe('/desk');
    expect(await text(page, 'current-user')).toContain('指挥中心值班员');

    // Keyboard only: the cursor starts in the reporter's name; Tab moves on; Enter submits.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id), { timeout: 15_000 }).toBe('intake-reporterName');
    await page.keyboard.type(REPORTER_NAME);
    await page.keyboard.press('Tab');
    await page.keyboard.type(REPORTER_PHONE);
    await page.keyboard.press('Tab'); // channel: the hotline already, for a dispatcher
    expect(await page.locator('[data-testid=intake-channel]').inputValue()).toBe('hotline');
    await page.keyboard.press('Tab'); // category: type to filter, Enter to pick
    await page.keyboard.type('排水');
    await expect
      .poll(() => page.locator('[data-testid=intake-category-options] [role=option]').first().textContent(), { timeout: 15_000 })
      .toContain('排水与下水道');
    await page.keyboard.press('Enter');
    expect(await page.locator('[data-testid=intake-category]').inputValue()).toContain('0401');
    await page.keyboard.press('Tab'); // urgency stays normal
    await page.keyboard.press('Tab');
    await page.keyboard.type(DESCRIPTION);
    await page.keyboard.press('Tab');
    await page.keyboard.type('分水镇石碾村3组');
    await shot(page, 'intake');
    await page.keyboard.press('Enter');

    const result = page.locator('[data-testid=intake-result]');
    try {
      await result.waitFor({ timeout: 30_000 });
    } catch (error) {
      await shot(page, 'intake-failed');
      const refusal = await page
        .locator('[data-testid=intake-error]')
        .textContent({ timeout: 1_000 })
        .catch(() => null);
      throw new Error(`no intake result (${refusal ?? 'no message on the form'})\n${diagnostics()}`, { cause: error });
    }
    trackingCode = await text(page, 'tracking-code');
    expect(trackingCode).toMatch(/^[0-9]{6}-[A-Z2-9]{6}-[A-Z2-9]$/);
    expect(await text(page, 'intake-result-unit')).toContain('石碾村便民服务站');
    expect(await text(page, 'intake-result-state')).toBe('待签收');
    // The code to read out is big: at least 24 px.
    const fontSize = await page
      .locator('[data-testid=tracking-code]')
      .evaluate((element) => parseFloat(getComputedStyle(element).fontSize));
    expect(fontSize).toBeGreaterThanOrEqual(24);
    await shot(page, 'registered');

    // The database holds it where the desk said: in 石碾村, owned by its station.
    const [stored] = await database.db.query<{ village: string; owner: string; reporter_name: string }>(sql`
      select v.name as village, u.name as owner, c.reporter_name
      from cases c join region v on v.code = c.village_code join unit u on u.id = c.owner_unit_id
      where c.tracking_code = ${trackingCode}`);
    expect(stored).toEqual({ village: '石碾村', owner: '石碾村便民服务站', reporter_name: REPORTER_NAME });

    // The village cadre of 石碾村 signs in and finds it in their queue, on the clock.
    await page.locator('[data-testid=sign-out]').click();
    await page.waitForURL(/\/signin/);
    await signIn(page, 'shinian');
    const row = page.locator(`[data-testid="queue-row-${trackingCode}"]`);
    await row.waitFor({ timeout: 30_000 });
    expect(await text(page, 'current-user')).toContain('村社干部');
    const rowText = (await row.textContent()) ?? '';
    expect(rowText).toContain('待签收');
    expect(rowText).toContain('排水与下水道');
    expect(rowText).toMatch(/剩\s*\d/);
    await shot(page, 'queue');

    // Opens it: the handler sees the reporter in full, the timeline, and may accept.
    await row.click();
    await page.locator('[data-testid=case-page]').waitFor();
    expect(await text(page, 'case-tracking-code')).toBe(trackingCode);
    expect(await text(page, 'case-reporter-name')).toBe(REPORTER_NAME);
    expect(await text(page, 'case-reporter-phone')).toBe(REPORTER_PHONE);
    expect(await page.locator('[data-testid=case-timeline] li').count()).toBe(2);
    const offered = await page.locator('[data-testid=case-actions] button').allTextContents();
    expect(offered.map((label) => label.trim())).toEqual(['签收', '转办', '上报', '关联为重复件']);

    // Accept: one step, the confirm button has the focus.
    await page.locator('[data-testid=action-accept]').click();
    await page.locator('[data-testid=action-form-accept]').waitFor();
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')), { timeout: 15_000 })
      .toBe('action-submit');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('[data-testid=case-state]').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('accepted');
    expect(await text(page, 'case-state')).toBe('已签收');

    // Resolve, saying what was done.
    await page.locator('[data-testid=action-resolve]').click();
    await page.locator('[data-testid=action-resolution]').fill(RESOLUTION);
    await page.locator('[data-testid=action-submit]').click();
    await expect
      .poll(() => page.locator('[data-testid=case-state]').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('resolved');
    expect(await text(page, 'case-state')).toBe('已办结');
    expect(await text(page, 'case-resolution')).toBe(RESOLUTION);
    expect(await page.locator('[data-testid=case-timeline] li').count()).toBe(4);
    await page
      .locator('[data-testid=case-map][data-map-ready=true]')
      .waitFor({ timeout: 60_000 })
      .catch(() => {});
    await shot(page, 'case', true);

    // A resident, not signed in, follows the code: resolved, and nothing personal on the page.
    await browser.context.clearCookies();
    await page.goto(`${server.url}/track`);
    await page.locator('[data-testid=track-code]').fill(trackingCode.toLowerCase());
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=track-result]').waitFor({ timeout: 30_000 });
    expect(new URL(page.url()).pathname).toBe(`/track/${trackingCode}`);
    expect(await page.locator('[data-testid=track-state]').getAttribute('data-state')).toBe('resolved');
    expect(await text(page, 'track-state')).toBe('已办结');
    expect(await text(page, 'track-handled-by')).toBe('石碾村便民服务站');
    expect(await text(page, 'track-resolution')).toBe(RESOLUTION);
    const publicText = (await page.locator('body').textContent()) ?? '';
    for (const personal of [REPORTER_NAME, REPORTER_PHONE, '黄*术', '138****5678']) expect(publicText).not.toContain(personal);
    await shot(page, 'track', true);
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'track-phone', true);
    await page.setViewportSize({ width: 1440, height: 900 });

    expect(
      browser.problems.filter((problem) => problem.startsWith('page error')),
      diagnostics(),
    ).toEqual([]);
  });

  test('a resident files a request on the public page and follows it with the code it answers', async () => {
    const { page } = browser;
    await browser.context.clearCookies();
    await page.goto(`${server.url}/track`);
    await page.locator('[data-testid=public-request-form]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid=public-category]').selectOption('0403');
    await page.locator('[data-testid=public-description]').fill('石碾村5组路口的路灯坏了一个多星期，晚上很黑');
    await page.locator('[data-testid=public-address]').fill('分水镇石碾村5组');
    await page.locator('[data-testid=public-request-submit]').click();
    const code = page.locator('[data-testid=public-tracking-code]');
    await code.waitFor({ timeout: 30_000 });
    const publicCode = ((await code.textContent()) ?? '').trim();
    expect(publicCode).toMatch(/^[0-9]{6}-[A-Z2-9]{6}-[A-Z2-9]$/);
    await page.getByRole('link', { name: '查看进度' }).click();
    await page.locator('[data-testid=track-result]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid=track-state]').getAttribute('data-state')).toBe('dispatched');
    const [stored] = await database.db.query<{ channel: string; category_code: string }>(
      sql`select channel, category_code from cases where tracking_code = ${publicCode}`,
    );
    expect(stored).toEqual({ channel: 'web', category_code: '0403' });
  });

  test('a second call about the same drain is offered as a likely duplicate and linked in one click', async () => {
    expect(trackingCode, 'the first test registers the original case').not.toBe('');
    const { page } = browser;
    await browser.context.clearCookies();
    await page.goto(`${server.url}/desk`);
    await signIn(page, 'dispatcher');
    await page.locator('[data-testid=intake-form]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid=intake-reporter-phone]').fill(REPORTER_PHONE);
    await page.locator('[data-testid=intake-category]').fill('0401');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=intake-description]').fill('石碾村3组下水道又堵了，院坝里全是水');
    await page.locator('[data-testid=intake-address]').fill('分水镇石碾村3组');
    await page.locator('[data-testid=intake-submit]').click();
    await page.locator('[data-testid=intake-result]').waitFor({ timeout: 30_000 });

    const [original] = await database.db.query<{ id: number }>(sql`select id from cases where tracking_code = ${trackingCode}`);
    const candidate = page.locator(`[data-testid=intake-duplicates] [data-testid="duplicate-${original!.id}"]`);
    await candidate.waitFor();
    expect(await candidate.textContent()).toContain(trackingCode);
    await shot(page, 'duplicates');
    await candidate.locator('[data-testid=link-duplicate]').click();
    await expect.poll(() => text(page, 'intake-linked'), { timeout: 15_000 }).toContain(trackingCode);
    expect(await text(page, 'intake-result-state')).toBe('已结案');
    const [linked] = await database.db.query<{ raised_count: number }>(
      sql`select raised_count from cases where id = ${original!.id}`,
    );
    expect(linked!.raised_count).toBe(2);
  });

  test('a planner is told why the desk is not for them', async () => {
    const { page } = browser;
    await browser.context.clearCookies();
    await page.goto(`${server.url}/desk`);
    await signIn(page, 'planner');
    await page.locator('[data-testid=no-access]').waitFor({ timeout: 30_000 });
    expect(await text(page, 'no-access-reason')).toContain('网格规划员负责绘制');
    expect(await page.locator('[data-testid=intake-form]').count()).toBe(0);
    await shot(page, 'no-access');
  });

  test('repeated wrong passwords are refused with the time to wait', async () => {
    const { page } = browser;
    await browser.context.clearCookies();
    await page.goto(`${server.url}/signin`);
    // Five failures are allowed per username in the window; the sixth attempt is held off.
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      await signIn(page, 'renshe', `wrong-${attempt}`);
      // A refused password is cleared from the box once the answer is in.
      await expect.poll(() => page.locator('[data-testid=sign-in-password]').inputValue(), { timeout: 15_000 }).toBe('');
      expect(await text(page, 'sign-in-error')).toBe('用户名或密码错误，请重新输入。');
    }
    await signIn(page, 'renshe');
    await expect
      .poll(() => text(page, 'sign-in-error'), { timeout: 15_000 })
      .toMatch(/^登录失败次数过多，请在 \d+分钟 后再试。$/);
    await shot(page, 'rate-limited');
  });
});
