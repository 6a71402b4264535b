import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "./harness";

/** The program's own modules and the relative imports of each, types included. */
function importGraph(): Map<string, string[]> {
  const files = [
    "index.ts",
    ...fs.readdirSync(path.join(ROOT, "components")).map((f) => `components/${f}`),
  ];
  const graph = new Map<string, string[]>();
  for (const file of files.filter((f) => f.endsWith(".ts"))) {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    const targets = [...text.matchAll(/from\s+"(\.{1,2}\/[^"]+)"/g)].map(
      (m) => path.relative(ROOT, path.resolve(ROOT, path.dirname(file), m[1])) + ".ts",
    );
    graph.set(file, targets);
  }
  return graph;
}

/** The first import cycle found, as a path of files, or undefined. */
export function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, "open" | "done">();
  const visit = (file: string, trail: string[]): string[] | undefined => {
    if (state.get(file) === "open") return [...trail.slice(trail.indexOf(file)), file];
    if (state.get(file) === "done") return undefined;
    state.set(file, "open");
    for (const next of graph.get(file) ?? []) {
      const cycle = visit(next, [...trail, file]);
      if (cycle) return cycle;
    }
    state.set(file, "done");
    return undefined;
  };
  for (const file of graph.keys()) {
    const cycle = visit(file, []);
    if (cycle) return cycle;
  }
  return undefined;
}

describe("the program's imports", () => {
  const graph = importGraph();

  it("form no cycle, from index.ts down to the pure modules", () => {
    assert.equal(findCycle(graph), undefined);
    assert.ok(graph.get("index.ts")!.includes("components/duplicateStorage.ts"));
  });

  it("never reach back up: no component imports index.ts or the component", () => {
    for (const [file, targets] of graph) {
      assert.ok(!targets.includes("index.ts"), file);
      if (file !== "index.ts") assert.ok(!targets.includes("components/duplicateStorage.ts"), file);
    }
  });

  it("would report the cycle that config.ts and duplicateStorage.ts once formed", () => {
    const before = new Map(graph);
    before.set("components/config.ts", [
      ...graph.get("components/config.ts")!,
      "components/duplicateStorage.ts",
    ]);
    const cycle = findCycle(before) ?? [];
    assert.ok(cycle.includes("components/config.ts"), cycle.join(" -> "));
    assert.ok(cycle.includes("components/duplicateStorage.ts"), cycle.join(" -> "));
  });
});
