/**
 * The one place where tests set up Pulumi's mocks: the offline runner that `npm run plan` uses too,
 * committed stack files, and small helpers.
 */
export * from "../scripts/mockRun";
export { ROOT, committedStacks, loadStackConfig } from "../scripts/stackConfig";
import { PROJECT } from "../scripts/mockRun";

/** Full config keys of this project from short ones. */
export function projectConfig(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [`${PROJECT}:${k}`, v]));
}
