/** What the shredder does with the table: its item, its policy and its config. Pure. */
export * from "./table";
export * from "./fingerprint";
export * from "./policy";
export * from "./storageConfig";
