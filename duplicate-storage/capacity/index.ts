/** The capacity and cost model: how a table serves a run, and what the setups cost. Pure. */
export * from "./throughputModel";
export * from "./prices";
export * from "./storageModel";
export * from "./capacityPlanning";
export * from "./history";
