/** Connection for reads that decide nothing; on FerretDB it keeps its pool while writes go one at a time. */
export const READ_CONNECTION = 'reads';

/** The counter every update of a guarded collection increments: `$inc: { revision: 1 }` (storage-guard.ts). */
export const REVISION_FIELD = 'revision';
