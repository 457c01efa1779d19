import { test, expect } from './fixtures';
import { AppFrame, LoginPage, users, waitForHydration } from './pages';

test('signing out returns to sign-in and the old pages stay closed', async ({ page }) => {
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(users.cadre.username);
  await expect(page).toHaveURL(/\/filing$/);
  await waitForHydration(page);
  await new AppFrame(page).signOut();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/filing');
  await expect(page).toHaveURL(/\/login$/);
});

test('a stranger asking for a page is sent to sign in', async ({ page }) => {
  for (const path of ['/', '/filing', '/review', '/schemes']) {
    await page.goto(path);
    await expect(page).toHaveURL(/\/login$/);
  }
});
