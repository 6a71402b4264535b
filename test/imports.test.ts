/**
 * The folders are the architecture, and files import in one direction only: from the stack
 * program and the commands down to the component, and from there to the pure parts, which know
 * nothing of Pulumi.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "./harness";

const LIBRARY = "snowplowdedup";

/** Each layer, by the folder (or file) that holds it, and the layers it may import. */
const LAYERS: Record<string, { readonly uses: readonly string[]; readonly pure: boolean }> = {
  "duplicate-storage/contract": { uses: [], pure: true },
  "duplicate-storage/capacity": { uses: [], pure: true },
  "duplicate-storage/args": {
    uses: ["duplicate-storage/contract", "duplicate-storage/capacity"],
    pure: true,
  },
  "duplicate-storage/component": {
    uses: ["duplicate-storage/contract", "duplicate-storage/capacity", "duplicate-storage/args"],
    pure: false,
  },
  "duplicate-storage/index.ts": {
    uses: ["duplicate-storage/component", "duplicate-storage/args", "duplicate-storage/contract"],
    pure: false,
  },
  stack: { uses: ["duplicate-storage/args", "duplicate-storage/capacity", "stack"], pure: false },
  "index.ts": { uses: ["duplicate-storage/index.ts", "stack"], pure: false },
  tools: { uses: ["stack"], pure: false },
  commands: {
    uses: [
      "duplicate-storage/args",
      "duplicate-storage/capacity",
      "duplicate-storage/contract",
      "stack",
      "commands",
    ],
    pure: false,
  },
};

function layerOf(file: string): string {
  const layer = Object.keys(LAYERS)
    .filter((l) => file === l || file.startsWith(`${l}/`))
    .sort((a, b) => b.length - a.length)[0];
  assert.ok(layer, `${file} belongs to no layer`);
  return layer;
}

/** The TypeScript files of the program, the library and the commands. */
function sources(): string[] {
  const dirs = ["duplicate-storage", "stack", "tools", "commands"];
  return [
    "index.ts",
    ...dirs.flatMap((d) =>
      fs
        .readdirSync(path.join(ROOT, d), { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
        // Installed packages, and the library's compiled package (npm run build).
        .filter((f) => !f.split(path.sep).some((part) => part === "node_modules" || part === "bin"))
        .map((f) => `${d}/${f}`),
    ),
  ];
}

/** Where an import points inside the repository, as a file, or undefined for a package. */
function resolve(from: string, specifier: string): string | undefined {
  let target: string;
  if (specifier.startsWith(".")) target = path.join(path.dirname(from), specifier);
  else if (specifier === LIBRARY || specifier.startsWith(`${LIBRARY}/`)) {
    target = path.join("duplicate-storage", specifier.slice(LIBRARY.length));
  } else return undefined;
  for (const candidate of [`${target}.ts`, path.join(target, "index.ts")]) {
    if (fs.existsSync(path.join(ROOT, candidate))) return candidate;
  }
  assert.fail(`${from} imports ${specifier}, which is no file`);
}

/** The repository's own modules and what each imports, types included, and the packages. */
function importGraph(): Map<string, { files: string[]; packages: string[]; specifiers: string[] }> {
  const graph = new Map<string, { files: string[]; packages: string[]; specifiers: string[] }>();
  for (const file of sources()) {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    const specifiers = [...text.matchAll(/(?:from\s+|import\(|require\()"([^"]+)"/g)].map(
      (m) => m[1],
    );
    const files: string[] = [];
    const packages: string[] = [];
    for (const s of specifiers) {
      const target = resolve(file, s);
      if (target === undefined) packages.push(s);
      else files.push(target);
    }
    graph.set(file, { files, packages, specifiers });
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

/** Every import that crosses layers against the direction `LAYERS` allows. */
function violations(graph: ReturnType<typeof importGraph>): string[] {
  const found: string[] = [];
  for (const [file, { files, packages, specifiers }] of graph) {
    const layer = layerOf(file);
    for (const target of files) {
      const to = layerOf(target);
      if (to !== layer && !LAYERS[layer].uses.includes(to)) found.push(`${file} -> ${target}`);
    }
    if (LAYERS[layer].pure) {
      for (const p of packages.filter((p) => p.startsWith("@pulumi/")))
        found.push(`${file} -> ${p}`);
    }
    if (file.startsWith("duplicate-storage/")) {
      for (const s of specifiers.filter((s) => s.startsWith(LIBRARY))) {
        found.push(`${file} -> ${s} (the library imports itself by path)`);
      }
    }
  }
  return found;
}

describe("the imports", () => {
  const graph = importGraph();
  const edges = new Map([...graph].map(([file, { files }]) => [file, files]));

  it("form no cycle", () => {
    assert.equal(findCycle(edges), undefined);
  });

  it("go one way, from the stack program and the commands down to the pure parts", () => {
    assert.deepEqual(violations(graph), []);
    assert.ok(edges.get("index.ts")!.includes("duplicate-storage/index.ts"));
  });

  it("keep Pulumi out of the contract, the capacity model and the arguments' rules", () => {
    for (const [file, { packages }] of graph) {
      if (LAYERS[layerOf(file)].pure) {
        assert.deepEqual(
          packages.filter((p) => p.startsWith("@pulumi/")),
          [],
          file,
        );
      }
    }
  });

  it("would report an import back up, and a cycle", () => {
    const broken = new Map(graph);
    const args = "duplicate-storage/args/resolve.ts";
    const component = "duplicate-storage/component/duplicateStorage.ts";
    const entry = broken.get(args)!;
    broken.set(args, {
      ...entry,
      files: [...entry.files, component],
      packages: [...entry.packages, "@pulumi/pulumi"],
    });
    assert.deepEqual(violations(broken), [`${args} -> ${component}`, `${args} -> @pulumi/pulumi`]);
    const cycle = findCycle(new Map([...broken].map(([f, { files }]) => [f, files]))) ?? [];
    assert.ok(cycle.includes(args) && cycle.includes(component), cycle.join(" -> "));
  });
});
