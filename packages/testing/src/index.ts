/**
 * @deeprec/testing: fixtures shared by the packages' tests. Only test files
 * (`*.test.ts`, `*.testutil.ts`) may import it; tools/check-boundaries.js enforces that.
 */
export { silentLogger } from './logger';
