/**
 * Makes docs/report-ioreq-A-B5-tso.png, the picture of an HTML report in the README:
 * checks ioreq A-B5 under TSO, writes its report, and has Debian's headless Chromium
 * photograph the top of the page (summary, explanation, event graph).
 *
 *   npm run docs:screenshot
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { checkProgram } from '../checker/check.ts';
import ioreq from '../models/ioreq.ts';
import { writeCheckReport } from '../reports/folders/check.ts';
import { launchChromium } from '../test/support/chromium.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const params = ioreq.resolveParams({});
const result = checkProgram(ioreq.program('A-B5', 'tso', params), { mm: 'tso', variant: 'A-B5', params });
const dir = mkdtempSync(path.join(tmpdir(), 'xenmc-docs-'));
await writeCheckReport(dir, result, ioreq);
const ctx = await launchChromium({ width: 1280, height: 2000 });
try {
  const page = await ctx.newPage();
  await page.goto(pathToFileURL(path.join(dir, 'A4', 'report.html')).href);
  const out = path.join(here, 'report-ioreq-A-B5-tso.png');
  await page.screenshot({ path: out });
  console.log(out);
} finally {
  await ctx.close();
}
