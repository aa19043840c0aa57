/** Knobs of the resilience suite, all from the environment so CI and a laptop can differ. */
const numberFrom = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

export const RESILIENCE = {
  /** The mixed workload's steady phase (the issue asks for 60 s). */
  loadSeconds: numberFrom('RESILIENCE_LOAD_SECONDS', 60),
  concurrency: numberFrom('RESILIENCE_CONCURRENCY', 32),
  /** How long the database stays down in the outage scenario. */
  outageSeconds: numberFrom('RESILIENCE_OUTAGE_SECONDS', 10),
  /** While the database is down, every request must be answered within this. */
  outageAnswerMs: numberFrom('RESILIENCE_OUTAGE_ANSWER_MS', 2000),
  /** Customers seeded before the load. */
  seedCustomers: numberFrom('RESILIENCE_SEED_CUSTOMERS', 120),
  /** fast-check runs per route and per input position (body, path, query). */
  fuzzRuns: numberFrom('RESILIENCE_FUZZ_RUNS', 20),
  fuzzSeed: process.env.RESILIENCE_FUZZ_SEED ? Number(process.env.RESILIENCE_FUZZ_SEED) : undefined,
};
