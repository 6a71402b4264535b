// One evaluation of a Pulumi program under mocks, in this fresh process, loaded through ts-node
// the way the Pulumi Node.js runtime (cmd/run/run.js in @pulumi/pulumi) loads it.
//
// Usage: node tools/bench/evaluate.js <program.ts> <project|checked|transpile-only>
// Prints {"maxRssKiB": n} once every resource is registered. BENCH_CONFIG holds the engine config.
"use strict";
const path = require("node:path");

const [program, mode] = process.argv.slice(2);
process.chdir(path.resolve(__dirname, "..", ".."));

// As run.js: PULUMI_NODEJS_TRANSPILE_ONLY wins, else the tsconfig's compilerOptions.noCheck.
const { loadTypeScriptCompilerOptions } = require("@pulumi/pulumi/tsutils");
const transpileOnly = {
  project: loadTypeScriptCompilerOptions("tsconfig.swc.json").noCheck,
  checked: false,
  "transpile-only": true,
}[mode];
if (transpileOnly === undefined && mode !== "project") throw new Error(`unknown mode ${mode}`);
require("ts-node").register({
  compiler: "typescript",
  transpileOnly,
  // The config that Pulumi.yaml names for the program's runs.
  project: "tsconfig.swc.json",
  skipProject: false,
  // Only "project" keeps this project's ts-node settings (swc). The type-checked row cannot use
  // swc, and the baseline is plain transpile-only, as PULUMI_NODEJS_TRANSPILE_ONLY=true gives it.
  ...(mode === "project" ? {} : { swc: false }),
  compilerOptions: {},
});

const pulumi = require("@pulumi/pulumi");
const mocks = {
  newResource: ({ name, inputs }) => ({
    id: `${name}-id`,
    state: {
      ...inputs,
      arn: `arn:aws:dynamodb:eu-west-1:123456789012:table/${inputs.name ?? name}`,
    },
  }),
  // The provider function that the component calls: the partition of the dev stack's eu-west-1.
  call: ({ token }) => {
    if (token === "aws:index/getPartition:getPartition") {
      return {
        id: "aws",
        partition: "aws",
        dnsSuffix: "amazonaws.com",
        reverseDnsPrefix: "com.amazonaws",
      };
    }
    throw new Error(`unexpected call ${token}`);
  },
};

pulumi.runtime.setMocks(mocks, "snowplow-dedup", "dev", false).then(async () => {
  pulumi.runtime.setAllConfig(JSON.parse(process.env.BENCH_CONFIG ?? "{}"));
  require(path.resolve(program));
  await pulumi.runtime.waitForRPCs();
  process.stdout.write(JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS }) + "\n");
});
