/**
 * What every command shares: flags parsed by Node's `parseArgs`, `--help` with usage and examples,
 * "did you mean" for an unknown flag, and one meaning for each exit code:
 *
 * - 0: done, and the command said what it did;
 * - 1: a check failed (the table would be replaced, a live check failed, no setup serves the run);
 * - 2: bad usage or input (a flag, a stack, a file, missing credentials or tools), said in one
 *   line without a stack trace.
 *
 * Anything else is a bug in the command, reported with its stack trace and exit code 3.
 */
import { parseArgs } from "node:util";
import { nearest } from "../stack/nearest";

/** Exit codes, the same for every command. */
export const EXIT = { ok: 0, checkFailed: 1, usage: 2, bug: 3 } as const;

/** Bad usage or input: the command says why in one line and exits 2. */
export class UsageError extends Error {}

/** A flag of a command. */
export interface Flag {
  readonly type: "string" | "boolean";
  readonly multiple?: boolean;
  /** The value's name in the help, for a string flag: `<file>`. */
  readonly value?: string;
  readonly description: string;
}

/** A command's flags, its positional arguments and its help. */
export interface CommandSpec {
  /** As the user runs it: `npm run plan --`. */
  readonly usage: string;
  /** What it does, in a few lines. */
  readonly description: string;
  readonly flags: Readonly<Record<string, Flag>>;
  /** The positional arguments' name, and how many there may be. */
  readonly positionals?: { readonly name: string; readonly min: number; readonly max: number };
  readonly examples: readonly string[];
}

/** What `parseArgs` found. */
export interface Parsed {
  readonly values: Record<string, string | boolean | string[] | undefined>;
  readonly positionals: string[];
}

/** The command's help, as `--help` prints it. */
export function helpText(spec: CommandSpec): string {
  const pos = spec.positionals;
  const synopsis = [
    spec.usage,
    ...(pos ? [pos.min > 0 ? `<${pos.name}>` : `[${pos.name}]`] : []),
    ...(pos && pos.max > 1 ? ["..."] : []),
    "[flags]",
  ].join(" ");
  const rows = Object.entries({
    ...spec.flags,
    help: { type: "boolean", description: "print this help and exit" } as Flag,
  }).map(([name, f]) => [`--${name}${f.value ? ` ${f.value}` : ""}`, f.description]);
  const width = Math.max(...rows.map(([n]) => n.length));
  return [
    `usage: ${synopsis}`,
    "",
    spec.description,
    "",
    "flags:",
    ...rows.map(([n, d]) => `  ${n.padEnd(width)}  ${d}`),
    "",
    "examples:",
    ...spec.examples.map((e) => `  ${e}`),
    "",
    "exit codes: 0 done; 1 a check failed; 2 bad usage or input; 3 a bug in the command.",
  ].join("\n");
}

/** Parses `argv` as the spec says, or throws a UsageError that says what is wrong. */
export function parse(spec: CommandSpec, argv: readonly string[]): Parsed {
  const options = Object.fromEntries(
    Object.entries(spec.flags).map(([name, f]) => [
      name,
      { type: f.type, multiple: f.multiple === true },
    ]),
  );
  let parsed: Parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options,
      allowPositionals: true,
      strict: true,
    }) as Parsed;
  } catch (e) {
    const err = e as { code?: string; message?: string };
    const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(err.message ?? "");
    if (err.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && unknown) {
      const near = nearest(unknown[1].replace(/^-+/, ""), [...Object.keys(spec.flags), "help"]);
      const hint = near ? `: did you mean '--${near}'?` : "";
      throw new UsageError(`unknown flag '${unknown[1]}'${hint} (--help lists the flags)`);
    }
    throw new UsageError(`${(err.message ?? String(e)).split("\n")[0]} (--help lists the flags)`);
  }
  const pos = spec.positionals;
  const count = parsed.positionals.length;
  if (pos === undefined && count > 0) {
    throw new UsageError(`unexpected argument '${parsed.positionals[0]}' (--help shows the usage)`);
  }
  if (pos !== undefined && (count < pos.min || count > pos.max)) {
    const wanted = pos.min === pos.max ? `${pos.min}` : `${pos.min} to ${pos.max}`;
    throw new UsageError(
      `expected ${wanted} ${pos.name}(s), got ${count}${
        count > 0 ? `: ${parsed.positionals.join(" ")}` : ""
      } (--help shows the usage)`,
    );
  }
  return parsed;
}

/** A choice the user names, such as a stack: "did you mean" when it is close to a known one. */
export function unknownChoice(what: string, given: string, known: readonly string[]): UsageError {
  const near = nearest(given, known);
  const hint = near ? ` Did you mean '${near}'?` : "";
  return new UsageError(`unknown ${what} '${given}'.${hint} Known: ${known.join(", ") || "none"}.`);
}

/**
 * Runs a command's `main` with `argv` and gives its exit code: `--help` prints the help; a
 * UsageError prints its message; any other error is a bug and prints its stack.
 */
export async function execute(
  spec: CommandSpec,
  main: (parsed: Parsed) => Promise<number> | number,
  argv: readonly string[],
): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(helpText(spec));
    return EXIT.ok;
  }
  try {
    return await main(parse(spec, argv));
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`error: ${e.message}`);
      return EXIT.usage;
    }
    console.error("error: an unexpected failure, a bug in this command; please report it:");
    console.error(e);
    return EXIT.bug;
  }
}

/** Runs a command as its process: `execute` with the process's arguments, as its exit code. */
export function run(
  spec: CommandSpec,
  main: (parsed: Parsed) => Promise<number> | number,
  argv: readonly string[] = process.argv.slice(2),
): void {
  void execute(spec, main, argv).then((code) => {
    process.exitCode = code;
  });
}
