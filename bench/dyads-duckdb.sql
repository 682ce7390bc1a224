-- The dyad-year rules of data/rules.ttl as one DuckDB query over the publishers' files: the lower bound
-- for bench/bench_dyads.py. Parameters (bound by DuckDB, never pasted): $universe $mid $war $atop $igo
-- (file paths), $first $last (years), $cwindow $chost (conflict rule), $pwindow $phost $pigos (community
-- rule), $rigos (regime rule), $cfrom $cto (coverage).
WITH u AS (
  SELECT CAST(ccode1 AS INTEGER) a, CAST(ccode2 AS INTEGER) b, CAST(year AS INTEGER) y
  FROM read_csv($universe) WHERE ccode1 < ccode2 AND year BETWEEN $first AND $last
),
m AS (
  SELECT LEAST(ccode1, ccode2)::INTEGER a, GREATEST(ccode1, ccode2)::INTEGER b, year::INTEGER y, MAX(hostlev) h
  FROM read_csv($mid) GROUP BY ALL
),
w AS (SELECT DISTINCT ccode1::INTEGER a, ccode2::INTEGER b, year::INTEGER y FROM read_csv($war) WHERE ccode1 < ccode2),
f AS (
  SELECT a, b, y, MAX(h) h FROM (SELECT a, b, y, h FROM m UNION ALL SELECT a, b, y, 5 FROM w) GROUP BY ALL
),
al AS (
  SELECT ccode1::INTEGER a, ccode2::INTEGER b, year::INTEGER y, MAX(atop_defense) def, MAX(atop_nonagg) na,
         MAX(atop_consul) co
  FROM read_csv($atop) WHERE ccode1 < ccode2 GROUP BY ALL
),
i AS (SELECT ccode1::INTEGER a, ccode2::INTEGER b, year::INTEGER y, dyadigos n FROM read_csv($igo) WHERE dyadigos >= 0),
cf AS (
  SELECT u.a, u.b, u.y, MAX(f.y) last_force FROM u JOIN f ON f.a = u.a AND f.b = u.b
  AND f.y <= u.y AND u.y - f.y < $cwindow AND f.h >= $chost GROUP BY ALL
),
pf AS (
  SELECT DISTINCT u.a, u.b, u.y FROM u JOIN f ON f.a = u.a AND f.b = u.b
  AND f.y <= u.y AND u.y - f.y < $pwindow AND f.h >= $phost
),
x AS (
  SELECT u.a ccode1, u.b ccode2, u.y "year", m.h hostlev, (w.a IS NOT NULL)::INTEGER war,
         COALESCE(al.def, 0)::INTEGER defense, COALESCE(al.na, 0)::INTEGER nonagg, COALESCE(al.co, 0)::INTEGER consul,
         i.n dyadigos, cf.last_force last_force_year, pf.a IS NOT NULL peace_broken
  FROM u LEFT JOIN m USING (a, b, y) LEFT JOIN w USING (a, b, y) LEFT JOIN al USING (a, b, y)
         LEFT JOIN i USING (a, b, y) LEFT JOIN cf USING (a, b, y) LEFT JOIN pf USING (a, b, y)
),
c AS (
  SELECT *, (defense + nonagg + consul) > 0 pact,
         "year" < $cfrom OR "year" > $cto OR (last_force_year IS NULL AND (defense + nonagg + consul) = 0
                                             AND dyadigos IS NULL) no_data
  FROM x
)
SELECT ccode1, ccode2, "year",
  CASE WHEN no_data THEN NULL
       WHEN last_force_year IS NULL AND pact AND dyadigos >= $pigos AND NOT peace_broken THEN 'security-community'
       WHEN last_force_year IS NULL AND (pact OR dyadigos >= $rigos) THEN 'security-regime'
       ELSE 'conflict-formation' END position,
  hostlev, war, defense, nonagg, consul, dyadigos, last_force_year
FROM c
