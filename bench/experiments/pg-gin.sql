-- Experiment "pg-gin" (PostgreSQL backend only, applied after seeding): FerretDB pushes an equality
-- down as `_jsonb -> 'field' @> '"value"'`, which its own btree indexes cannot serve, so PostgreSQL
-- scans every row. GIN indexes on the same expressions can serve @> (also "array contains").
-- {{customers}} is the customers table FerretDB created.
CREATE INDEX bench_gin_search_keys ON {{customers}} USING gin ((_jsonb -> 'search_keys') jsonb_path_ops);
CREATE INDEX bench_gin_phone_number ON {{customers}} USING gin ((_jsonb -> 'phone_number') jsonb_path_ops);
ANALYZE {{customers}};
