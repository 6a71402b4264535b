/**
 * Mocha's root hooks, loaded by `.mocharc.json` in every test process.
 *
 * `c8` sets `NODE_V8_COVERAGE` for the test processes, and every process they start would inherit
 * it: each command a test runs (`npm run capacity`, `npm run plan`, the tier scripts) would then
 * write the coverage of all it loads, TypeScript included, for `c8` to read. Coverage is measured
 * in the test processes alone, which run the components themselves.
 */
export const mochaHooks = {
  beforeAll(): void {
    delete process.env.NODE_V8_COVERAGE;
  },
};
