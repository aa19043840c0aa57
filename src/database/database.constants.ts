/** Connection for reads that decide nothing; on FerretDB it keeps its pool while writes go one at a time. */
export const READ_CONNECTION = 'reads';
