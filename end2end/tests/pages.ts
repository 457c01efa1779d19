// Page objects: what a user sees and does, by test id.
import { expect, Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const DEMO_PASSWORD = 'kaohe2026';

export const users = {
  cadre: { username: 'wangfang', name: '王芳', home: '/filing', tabs: ['本月填报', '我的考核'] },
  leader: { username: 'zhangwei', name: '张伟', home: '/review', tabs: ['待审核', '本单位'] },
  admin: { username: 'admin', name: '组织部管理员', home: '/schemes', tabs: ['方案', '排名'] },
} as const;

export class LoginPage {
  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto('/login');
    await expect(this.page.getByTestId('login-submit')).toBeVisible();
    await waitForHydration(this.page);
  }

  async signIn(username: string, password = DEMO_PASSWORD) {
    await this.page.getByTestId('login-username').fill(username);
    await this.page.getByTestId('login-password').fill(password);
    await this.page.getByTestId('login-submit').click();
  }

  error() {
    return this.page.getByTestId('login-error');
  }
}

export class AppFrame {
  constructor(readonly page: Page) {}

  tabBar() {
    return this.page.getByTestId('tabbar');
  }

  currentUser() {
    return this.page.getByTestId('current-user');
  }

  async signOut() {
    await this.page.getByTestId('sign-out').click();
  }
}

/** Resolves once the WebAssembly has hydrated the page (the entry point marks <body>). */
export async function waitForHydration(page: Page) {
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached', timeout: 15_000 });
}

/** Saves a phone-size screenshot under end2end/screenshots/ (a test artifact to look at). */
export async function snap(page: Page, name: string) {
  const dir = path.join(__dirname, '..', 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: false });
}
