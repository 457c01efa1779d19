// 三亮 on a phone: the cadre shows duties, tasks and achievements; signs a commitment and
// proposes a task; the leader approves it and dispatches another from the unit roster.
import { test, expect, Page } from './fixtures';
import { LoginPage, snap, waitForHydration } from './pages';

async function signIn(page: Page, username: string) {
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(username);
  await page.waitForURL((url) => !url.pathname.endsWith('/login'));
  await waitForHydration(page);
}

test('a cadre signs a commitment and proposes a task; the leader approves and dispatches', async ({ browser }) => {
  const cadreContext = await browser.newContext();
  const cadre = await cadreContext.newPage();
  await signIn(cadre, 'wangfang');
  await cadre.getByRole('link', { name: '我的考核' }).click();
  await cadre.getByTestId('sanliang-link').click();
  await expect(cadre).toHaveURL(/\/sanliang$/);
  await waitForHydration(cadre);
  await expect(cadre.getByTestId('sl-duties-text')).toContainText('综合办');
  const tasks = cadre.getByTestId('sl-task');
  await expect(tasks).toHaveCount(3);

  // 季度政策宣讲 was approved by the leader: the cadre signs it as a commitment.
  const approved = tasks.filter({ hasText: '季度政策宣讲' });
  await expect(approved).toHaveAttribute('data-status', 'approved');
  await approved.getByTestId('sl-task-step').click();
  await expect(approved).toHaveAttribute('data-status', 'committed');

  await cadre.getByTestId('sl-task-new').click();
  await cadre.getByTestId('sl-task-title').fill('背街小巷路灯维修协调');
  await cadre.getByTestId('sl-task-target').fill('12 处');
  await cadre.getByTestId('sl-task-deadline').fill('2026-12-20');
  await cadre.getByTestId('sl-task-submit').click();
  const proposed = tasks.filter({ hasText: '背街小巷路灯维修协调' });
  await expect(proposed).toHaveAttribute('data-status', 'proposed');
  await expect(proposed.getByTestId('sl-task-step')).toHaveCount(0);
  await snap(cadre, 'sanliang-cadre');

  const leaderContext = await browser.newContext();
  const leader = await leaderContext.newPage();
  await signIn(leader, 'zhangwei');
  await leader.getByRole('link', { name: '本单位' }).click();
  await leader.getByTestId('member-link').filter({ hasText: '王芳' }).click();
  await expect(leader).toHaveURL(/\/people\/\d+$/);
  await waitForHydration(leader);
  const row = leader.getByTestId('sl-task').filter({ hasText: '背街小巷路灯维修协调' });
  await row.getByTestId('sl-task-step').click();
  await expect(row).toHaveAttribute('data-status', 'approved');

  await leader.getByTestId('sl-task-new').click();
  await leader.getByTestId('sl-task-title').fill('冬季防火安全检查');
  await leader.getByTestId('sl-task-submit').click();
  await expect(leader.getByTestId('sl-task').filter({ hasText: '冬季防火安全检查' })).toHaveAttribute(
    'data-status',
    'dispatched',
  );
  await snap(leader, 'sanliang-leader');

  // Back on the cadre's phone: accept the dispatched task (接单).
  await cadre.reload();
  await waitForHydration(cadre);
  const dispatched = cadre.getByTestId('sl-task').filter({ hasText: '冬季防火安全检查' });
  await dispatched.getByTestId('sl-task-step').click();
  await expect(dispatched).toHaveAttribute('data-status', 'committed');
  await cadreContext.close();
  await leaderContext.close();
});

test('a colleague cannot open another cadre’s 三亮', async ({ page }) => {
  await signIn(page, 'liuyang');
  const res = await page.request.post('/api/load_sanliang', { form: { person_id: '1' } });
  expect([403, 404]).toContain(res.status());
});

test('党委派单、科室接单、干部分单: the holder splits a task and a colleague accepts her share', async ({ browser }) => {
  // 李娜 holds a task her unit head dispatched and she accepted (demo data).
  const holderContext = await browser.newContext();
  const holder = await holderContext.newPage();
  await signIn(holder, 'lina');
  await holder.goto('/sanliang');
  await waitForHydration(holder);
  const task = holder.getByTestId('sl-task').filter({ hasText: '老城片区燃气安全入户排查' });
  await expect(task).toHaveAttribute('data-status', 'committed');
  await task.getByTestId('sl-split').click();
  const form = task.getByTestId('sl-split-form');
  const row = (name: string) => form.getByTestId('sl-split-row').filter({ hasText: name });
  await row('王芳').getByTestId('sl-split-pick').check();
  await row('王芳').getByTestId('sl-split-target').fill('600 户');
  await row('陈静').getByTestId('sl-split-pick').check();
  await row('陈静').getByTestId('sl-split-target').fill('600 户');
  await snap(holder, 'sanliang-split-form');
  await form.getByTestId('sl-split-submit').click();
  const shares = task.getByTestId('sl-share');
  await expect(shares).toHaveCount(2);
  await expect(shares.first()).toContainText('王芳');
  await expect(shares.first()).toHaveAttribute('data-status', 'dispatched');
  await snap(holder, 'sanliang-split-done');

  const colleagueContext = await browser.newContext();
  const colleague = await colleagueContext.newPage();
  await signIn(colleague, 'wangfang');
  await colleague.goto('/sanliang');
  await waitForHydration(colleague);
  const share = colleague.getByTestId('sl-task').filter({ hasText: '老城片区燃气安全入户排查' });
  await expect(share.getByTestId('sl-split-from')).toContainText('李娜');
  await share.getByTestId('sl-task-step').click();
  await expect(share).toHaveAttribute('data-status', 'committed');

  await holder.reload();
  await waitForHydration(holder);
  await expect(task.getByTestId('sl-share').first()).toHaveAttribute('data-status', 'committed');
  await holderContext.close();
  await colleagueContext.close();
});
