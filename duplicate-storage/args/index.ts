/** The arguments' rules, defaults and checks. Pure: nothing here knows Pulumi. */
export * from "./rules";
export * from "./resolve";
