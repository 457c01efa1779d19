// Evaluations on a phone: the admin opens a round for 新城街道; three members rate their
// colleagues anonymously (one tap each) and the unit's leader rates one person on five
// dimensions; the admin closes the round; a member sees an aggregate of three raters and
// one hidden below the minimum. Taps are counted and printed.
import { test, expect, Page } from './fixtures';
import { AppFrame, LoginPage, snap, waitForHydration } from './pages';

test.describe.configure({ mode: 'serial' });

async function signIn(page: Page, username: string) {
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(username);
  await page.waitForURL((url) => !url.pathname.endsWith('/login'));
  await waitForHydration(page);
}

async function signOut(page: Page) {
  await new AppFrame(page).signOut();
  await expect(page).toHaveURL(/\/login$/);
}

/** Opens /evaluate the way a cadre does: 我的考核 → 评价同事. */
async function openEvaluate(page: Page) {
  await page.getByRole('link', { name: '我的考核' }).click();
  await page.getByTestId('to-evaluate').click();
  await expect(page).toHaveURL(/\/evaluate$/);
  await waitForHydration(page);
}

test('peer and leader evaluation rounds, from opening to results', async ({ page }) => {
  // The admin opens a round for 新城街道 with a minimum of three raters.
  await signIn(page, 'admin');
  await page.getByTestId('to-evaluations').click();
  await expect(page).toHaveURL(/\/evaluations$/);
  await waitForHydration(page);
  await page.getByTestId('round-unit').selectOption({ label: '新城街道' });
  await page.getByTestId('round-min').fill('3');
  await page.getByTestId('round-open').click();
  const round = page.getByTestId('round').filter({ hasText: '新城街道' });
  await expect(round).toContainText('进行中');
  await snap(page, 'evaluation-admin');
  await signOut(page);

  // Three members rate every colleague; 周杰 gets 优秀 from all, others 良好.
  for (const user of ['wumin', 'zhenghao', 'sunli']) {
    await signIn(page, user);
    await openEvaluate(page);
    const task = page.getByTestId('eval-task').filter({ hasText: '新城街道' }).filter({ hasText: '干部互评' });
    const targets = task.getByTestId('eval-target');
    await expect(targets).toHaveCount(4);
    let taps = 0;
    for (let i = 0; i < 4; i++) {
      const row = targets.nth(i);
      const level = (await row.textContent())?.includes('周杰') ? 'level-excellent' : 'level-good';
      await row.getByTestId(level).click();
      taps += 1;
    }
    await expect(task.getByTestId('eval-submit')).toBeEnabled();
    if (user === 'wumin') await snap(page, 'evaluation-peer');
    await task.getByTestId('eval-submit').click();
    taps += 1;
    await expect(task.getByTestId('eval-done')).toBeVisible();
    console.log(`peer ballot of 4 colleagues: ${taps} taps`);
    expect(taps).toBe(5);
    // A ballot is final: reloading shows it as sent, with nothing to submit.
    await page.reload();
    await waitForHydration(page);
    await expect(page.getByTestId('eval-task').filter({ hasText: '干部互评' }).getByTestId('eval-submit')).toHaveCount(0);
    await signOut(page);
  }

  // The unit's leader rates 吴敏 on 德能勤绩廉 and saves.
  await signIn(page, 'zhaogang');
  await page.goto('/evaluate');
  await waitForHydration(page);
  const leaderTask = page.getByTestId('eval-task').filter({ hasText: '领导评鉴' });
  const wumin = leaderTask.getByTestId('eval-target').filter({ hasText: '吴敏' });
  for (let i = 0; i < 5; i++) await wumin.getByTestId('level-good').nth(i).click();
  await snap(page, 'evaluation-leader');
  await leaderTask.getByTestId('eval-submit').click();
  await expect(page.getByTestId('eval-saved')).toBeVisible();
  await signOut(page);

  // The admin closes the round.
  await signIn(page, 'admin');
  await page.goto('/evaluations');
  await waitForHydration(page);
  await page.getByTestId('round').filter({ hasText: '新城街道' }).getByTestId('round-close').click();
  await expect(page.getByTestId('round').filter({ hasText: '新城街道' })).toContainText('已结束');
  await signOut(page);

  // 周杰 sees his peers' aggregate (three raters, all 优秀); 吴敏's peer result stays
  // hidden (two raters), her leader's rating shows.
  await signIn(page, 'zhoujie');
  await openEvaluate(page);
  const mine = page.getByTestId('eval-result').filter({ hasText: '周杰' }).filter({ hasText: '干部互评' });
  await expect(mine.getByTestId('eval-result-value')).toHaveText('100.00 分（3 人评价）');
  await snap(page, 'evaluation-results');
  await signOut(page);
  await signIn(page, 'wumin');
  await openEvaluate(page);
  const hidden = page.getByTestId('eval-result').filter({ hasText: '吴敏' }).filter({ hasText: '干部互评' });
  await expect(hidden.getByTestId('eval-result-value')).toHaveText('参评 2 人，不足 3 人不公布');
  const leader = page.getByTestId('eval-result').filter({ hasText: '吴敏' }).filter({ hasText: '领导评鉴' });
  await expect(leader.getByTestId('eval-result-value')).toHaveText('85.00 分（1 人评价）');
});
