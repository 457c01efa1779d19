import { test, expect } from './fixtures';
import { AppFrame, LoginPage, snap, users, waitForHydration } from './pages';

for (const [role, user] of Object.entries(users)) {
  test(`a ${role} signs in and lands on their home with their tabs`, async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto();
    if (role === 'cadre') await snap(page, 'login');
    await login.signIn(user.username);
    await expect(page).toHaveURL(new RegExp(`${user.home}$`));
    const frame = new AppFrame(page);
    await expect(frame.currentUser()).toHaveText(user.name);
    for (const tab of user.tabs) {
      await expect(frame.tabBar().getByText(tab, { exact: true })).toBeVisible();
    }
    // A leader who also files (every unit head does) has the cadre's tabs as well.
    await expect(frame.tabBar().locator('a')).toHaveCount(role === 'leader' ? 4 : 2);
    await waitForHydration(page);
    await snap(page, `home-${role}`);
  });
}

test('a wrong password shows a Chinese error and no session', async ({ page, context }) => {
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(users.cadre.username, 'wrong-password');
  await expect(login.error()).toHaveText('用户名或密码错误');
  await expect(page).toHaveURL(/\/login$/);
  const cookies = await context.cookies();
  expect(cookies.find((c) => c.name === '__Host-kaohe')).toBeUndefined();
  await snap(page, 'login-wrong-password');
});

test('the session cookie is host-only, secure, http-only and strict', async ({ page, context }) => {
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(users.cadre.username);
  await expect(page).toHaveURL(/\/filing$/);
  const session = (await context.cookies()).find((c) => c.name === '__Host-kaohe');
  expect(session).toBeDefined();
  expect(session!.secure).toBe(true);
  expect(session!.httpOnly).toBe(true);
  expect(session!.sameSite).toBe('Strict');
  expect(await page.evaluate(() => document.cookie)).not.toContain('__Host-kaohe');
});

test('tabs navigate inside the app once hydrated', async ({ page }) => {
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(users.leader.username);
  await expect(page).toHaveURL(/\/review$/);
  await waitForHydration(page);
  await page.getByTestId('tabbar').getByText('本单位').click();
  await expect(page).toHaveURL(/\/unit$/);
  await expect(page.getByTestId('unit-roster')).toHaveCount(1);
  await expect(page.getByTestId('unit-roster')).toContainText('李娜');
  await expect(page.getByRole('link', { name: '本单位' })).toHaveAttribute('aria-current', 'page');
  await snap(page, 'leader-unit');
});

test('the admin sees units by peer group', async ({ page }) => {
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(users.admin.username);
  await expect(page).toHaveURL(/\/schemes$/);
  await waitForHydration(page);
  await page.getByTestId('tabbar').getByText('排名').click();
  await expect(page.getByTestId('peer-group')).toHaveCount(4);
  await snap(page, 'admin-ranking');
});

test('a cadre can switch the interface to English and back', async ({ page }) => {
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(users.cadre.username);
  await waitForHydration(page);
  await page.getByTestId('tabbar').getByText('我的考核').click();
  await expect(page.getByTestId('profile')).toContainText('综合办科员');
  await snap(page, 'cadre-mine');
  await page.getByTestId('switch-language').click();
  await expect(page.getByTestId('tabbar')).toContainText('My results');
  await page.getByTestId('switch-language').click();
  await expect(page.getByTestId('tabbar')).toContainText('我的考核');
});
