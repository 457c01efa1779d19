// Leaders on a phone: a cadre submits; the leader adjusts one item with a reason and
// approves; level two (考核办) confirms and publishes; the cadre objects; the reviewer
// changes the score. Taps per approval are counted and printed.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { test, expect, Page } from './fixtures';
import { AppFrame, LoginPage, snap, waitForHydration } from './pages';

// A state-changing request from a script must say it is same-origin, as a browser would.
const sameOrigin = { 'sec-fetch-site': 'same-origin' };

test.describe.configure({ mode: 'serial' });

/** Counts taps (clicks) on the page, so the report can say how many an approval takes. */
class Taps {
  count = 0;
  constructor(readonly page: Page) {}
  async tap(testId: string, nth = 0) {
    this.count += 1;
    await this.page.getByTestId(testId).nth(nth).click();
  }
}

async function signIn(page: Page, username: string) {
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(username);
  await expect(new AppFrame(page).currentUser()).toBeVisible();
  await waitForHydration(page);
}

async function signOut(page: Page) {
  await new AppFrame(page).signOut();
  await expect(page).toHaveURL(/\/login$/);
}

/** Files (or, when an earlier spec already filed for this cadre, re-files) the period's
 * report, and returns the filing's id from the server's receipt. */
async function file(page: Page, username: string, tasks: string): Promise<number> {
  await signIn(page, username);
  await page.goto('/filing');
  await waitForHydration(page);
  await page.getByTestId('input-tasks').fill(tasks);
  await page.getByTestId('input-study').fill('6');
  const receipt = page.waitForResponse((r) => r.url().endsWith('/api/submit_filing') && r.status() === 200);
  await page.getByTestId('submit').click();
  const { filing_id } = (await (await receipt).json()) as { filing_id: number };
  await expect(page.getByTestId('filing-sent')).toBeVisible();
  await signOut(page);
  return filing_id;
}

/** Opens the queue item of `name` (one tap). */
async function openFiling(page: Page, taps: Taps, name: string) {
  const item = page.getByTestId('queue-item').filter({ hasText: name });
  await expect(item).toBeVisible();
  taps.count += 1;
  await item.getByTestId('queue-open').click();
  await expect(page.getByTestId('review-person')).toHaveText(name);
  await waitForHydration(page);
}

test('a cadre files, two levels review, results are published, an objection changes the score', async ({ page }) => {
  const chenjing = await file(page, 'chenjing', '95');
  await file(page, 'liuyang', '100');

  // A cadre cannot approve their own filing, even by calling the server directly.
  await signIn(page, 'chenjing');
  const own = await page.request.post('/api/decide_filing', {
    headers: sameOrigin,
    data: { filing_id: chenjing, version: 1, decision: { kind: 'approve', adjustments: [] } },
  });
  expect(own.status()).toBe(403);
  await signOut(page);

  // Level one: the unit head sees the count on the tab and the queue.
  await signIn(page, 'zhangwei');
  await page.goto('/review');
  await waitForHydration(page);
  await expect(page.getByTestId('review-count')).toHaveText(/[1-9]/);
  await snap(page, 'review-queue');

  // Unchanged filing: open, approve.
  const unchanged = new Taps(page);
  await openFiling(page, unchanged, '刘洋');
  await unchanged.tap('approve');
  await expect(page).toHaveURL(/\/review$/);
  await expect(page.getByTestId('queue-item').filter({ hasText: '刘洋' })).toHaveCount(0);
  expect(unchanged.count).toBeLessThanOrEqual(3);

  // Adjusted filing: open, adjust one item (the engine recomputes live), approve.
  const adjusted = new Taps(page);
  await openFiling(page, adjusted, '陈静');
  const before = await page.getByTestId('review-total').textContent();
  await adjusted.tap('adjust-tasks');
  await page.getByTestId('points-tasks').fill('30');
  // The engine refuses an adjustment without a reason, so the total waits for it.
  await page.getByTestId('reason-tasks').fill('任务完成率与台账不符');
  await expect(page.getByTestId('review-total')).not.toHaveText(before ?? '');
  await expect(page.getByTestId('live-tasks')).toHaveText('30.00');
  await snap(page, 'review-adjust');
  await adjusted.tap('approve');
  await expect(page).toHaveURL(/\/review$/);
  console.log(`taps per approval: unchanged ${unchanged.count}, with one adjusted item ${adjusted.count} (plus typing)`);
  await signOut(page);

  // Rights: another unit's leader neither sees it in the queue nor opens it by id.
  await signIn(page, 'zhaogang');
  await page.goto('/review');
  await waitForHydration(page);
  await expect(page.getByTestId('queue-item').filter({ hasText: '陈静' })).toHaveCount(0);
  const foreign = await page.request.post('/api/review_detail', { headers: sameOrigin, form: { id: String(chenjing) } });
  expect(foreign.status()).toBe(403);
  expect((await foreign.json()).code).toBe('forbidden');
  await signOut(page);

  // Level two: sees the differences at a glance, confirms both, publishes.
  await signIn(page, 'kaoheban');
  await page.goto('/review');
  await waitForHydration(page);
  const confirm = new Taps(page);
  await openFiling(page, confirm, '陈静');
  await expect(page.getByTestId('difference')).toContainText('任务完成率与台账不符');
  await expect(page.getByTestId('item-tasks')).toHaveClass(/changed/);
  await snap(page, 'review-level-two');
  await confirm.tap('confirm');
  await expect(page).toHaveURL(/\/review$/);
  await openFiling(page, confirm, '刘洋');
  await expect(page.getByTestId('no-differences')).toBeVisible();
  await confirm.tap('confirm');
  await expect(page).toHaveURL(/\/review$/);
  await page.getByTestId('publishable').filter({ hasText: '老城街道' }).getByTestId('publish').click();
  await expect(page.getByTestId('publishable')).toHaveCount(0);
  await signOut(page);

  // The cadre sees the board and objects.
  await signIn(page, 'chenjing');
  await page.goto('/publicity');
  await waitForHydration(page);
  await page.getByTestId('publication').filter({ hasText: '老城街道' }).first().click();
  const mine = page.getByTestId('board-row').filter({ hasText: '陈静' });
  await expect(mine.getByTestId('board-reviewed')).toHaveClass(/changed/);
  await expect(mine.getByTestId('board-rank')).toHaveText('#2');
  await waitForHydration(page);
  await mine.getByTestId('object-open').click();
  await mine.getByTestId('objection-reason').fill('台账已按期更新，附照片');
  await mine.getByTestId('objection-submit').click();
  await expect(mine.getByTestId('object-open')).toHaveCount(0);
  await snap(page, 'publicity-board');
  await signOut(page);

});

test('the reviewer reconsiders an objection on the phone and the objector sees it', async ({ page }) => {
  // The reviewer reconsiders and changes the score.
  await signIn(page, 'zhangwei');
  await page.goto('/publicity');
  await waitForHydration(page);
  await page.getByTestId('my-objection').filter({ hasText: '陈静' }).getByTestId('answer-objection').click();
  await expect(page.getByTestId('objection')).toBeVisible();
  await waitForHydration(page);
  await page.getByTestId('adjust-tasks').click(); // undo the earlier cut…
  await page.getByTestId('adjust-tasks').click(); // …and set the item again
  await page.getByTestId('points-tasks').fill('38');
  await page.getByTestId('reason-tasks').fill('复议：台账属实');
  await page.getByTestId('objection-answer').fill('经复核台账属实，恢复原分');
  await page.getByTestId('objection-change').click();
  await expect(page.getByTestId('objection-status')).toHaveAttribute('data-status', 'changed');
  await snap(page, 'reconsideration');
  await signOut(page);

  // The objector sees the outcome.
  await signIn(page, 'chenjing');
  await page.goto('/publicity');
  await expect(page.getByTestId('my-objection').getByTestId('objection-status')).toHaveAttribute('data-status', 'changed');
  await expect(page.getByTestId('my-objection').getByTestId('objection-reply')).toHaveText('经复核台账属实，恢复原分');

  // Every step above is in the audit log, and its hash chain verifies end to end
  // (`kaohe verify-audit` against the database the test server writes).
  const root = path.resolve(__dirname, '..', '..');
  const out = execFileSync(path.resolve(root, process.env.KAOHE_E2E_BIN ?? 'target/release/kaohe'), ['verify-audit'], {
    env: { ...process.env, KAOHE_DATABASE_URL: process.env.KAOHE_E2E_DATABASE_URL, RUST_LOG: 'error' },
    encoding: 'utf8',
  });
  expect(out).toMatch(/哈希链校验通过/);
  console.log(`audit chain: ${out.trim()}`);
});

test('a cadre has no review queue (403)', async ({ page }) => {
  await signIn(page, 'chenjing');
  const res = await page.request.post('/api/review_queue', { headers: { 'sec-fetch-site': 'same-origin' } });
  expect(res.status()).toBe(403);
});
