// Loads TypeScript for the commands and the tests: transpiled by swc, with no type check (npm test
// type-checks), as tsconfig.swc.json says. tsconfig.json itself names no transpiler, because
// Pulumi's @pulumi/pulumi/cmd/run-plugin reads the tsconfig.json of the folder it runs in with
// type checks on, which swc refuses: `pulumi package get-schema ./duplicate-storage` run from this
// folder would then fail. The stack program's runs name tsconfig.swc.json in Pulumi.yaml.
const given = process.env.TS_NODE_PROJECT;
process.env.TS_NODE_PROJECT =
  given ?? require("node:path").join(__dirname, "..", "tsconfig.swc.json");
require("ts-node/register/transpile-only");
// Read once, at registration: the processes that this one starts (the Pulumi CLI, a plugin) must
// not inherit it.
if (given === undefined) delete process.env.TS_NODE_PROJECT;
