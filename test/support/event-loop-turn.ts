/**
 * Setup for every test file (vitest.config.ts): give the worker's event loop a turn before
 * each test. A model-checking test is one synchronous search, and vitest's worker answers
 * its RPC only when the loop turns; tests run back to back without a turn would otherwise
 * add up past its 60 s "onTaskUpdate" timeout (seen with ioreq.test.ts's 44 tests, 66 s,
 * while a child process shared the two cores).
 */
import { beforeEach } from 'vitest';

beforeEach(() => new Promise<void>((resolve) => { setTimeout(resolve, 0); }));
