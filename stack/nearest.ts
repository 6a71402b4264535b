/** "Did you mean": the known name nearest to a mistyped one, when it is near enough. */
import { closest, distance } from "fastest-levenshtein";

/** The known name within a third of the given one's length (at least 2 edits), or undefined. */
export function nearest(given: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const near = closest(given, [...known]);
  return distance(given, near) <= Math.max(2, Math.floor(given.length / 3)) ? near : undefined;
}
