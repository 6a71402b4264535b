import * as pulumi from "@pulumi/pulumi";

/** The arguments of `Greeting`. */
export interface GreetingArgs {
  /**
   * What the greeting says.
   * @default "hello"
   */
  readonly message?: pulumi.Input<string>;
}

/** A component with one output and no child: what a component package costs to start, alone. */
export class Greeting extends pulumi.ComponentResource {
  /** What the greeting says. */
  public readonly text: pulumi.Output<string>;

  constructor(name: string, args: GreetingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("trivialcomponent:index:Greeting", name, {}, opts);
    this.text = pulumi.output(args.message ?? "hello");
    this.registerOutputs({ text: this.text });
  }
}
