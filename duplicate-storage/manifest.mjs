// @ts-check
// Writes bin/package.json, the manifest of the npm package that `npm run build` compiles into
// bin/: this folder's package.json, with its entry points moved to the compiled JavaScript and
// its declarations, and without what only the source folder needs. `npm pack ./bin` packs it.
import * as fs from "node:fs";

const here = new URL(".", import.meta.url);
const manifest = JSON.parse(fs.readFileSync(new URL("package.json", here), "utf8"));
delete manifest.scripts;
delete manifest.devDependencies;
// The source folder's exports name its TypeScript; the compiled package is resolved by folder.
delete manifest.exports;
Object.assign(manifest, {
  main: "index.js",
  types: "index.d.ts",
  files: ["**/*.js", "**/*.d.ts", "README.md", "CHANGELOG.md"],
});
fs.writeFileSync(new URL("bin/package.json", here), JSON.stringify(manifest, null, 2) + "\n");
// The package's own README, and the repository's CHANGELOG, which covers the package.
fs.copyFileSync(new URL("README.md", here), new URL("bin/README.md", here));
fs.copyFileSync(new URL("../CHANGELOG.md", here), new URL("bin/CHANGELOG.md", here));
