/**
 * Headless Chromium for the tests that look at a report as a person would: Debian's
 * chromium (not a browser npm downloads), driven by playwright-core. .ci/run installs it;
 * without it these tests fail, saying so, rather than pass unseen.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.XENMC_CHROMIUM ?? '/usr/bin/chromium';

const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export async function launchChromium(viewport = { width: 1400, height: 1000 }): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`headless Chromium not found at ${CHROMIUM}: these tests need Debian's chromium (apt-get install -y chromium, as .ci/run does), or XENMC_CHROMIUM pointing at a Chromium binary`);
  }
  return chromium.launchPersistentContext(mkdtempSync(path.join(tmpdir(), 'xenmc-chromium-')), {
    executablePath: CHROMIUM, args: FLAGS, viewport, offline: true,
  });
}
