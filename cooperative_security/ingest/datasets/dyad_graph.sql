-- The N-Triples of the dyad-year graph (datasets/dyad_graph.py), one line per row of the result (each made
-- by one concat(), which builds a string in one piece where a chain of || copies it at every step), from
-- the checked tables universe(a, b, y), majors(c, s, e), contiguity(a, b, k, s, e), distance(a, b, y, km),
-- mid(a, b, y, dispnum, h, fatal), war(a, b, y), atop(a, b, y, defencePact, ...), igo(a, b, y, n),
-- bilateral(a, b, s, e) (the years two states are the only members of a pact pledging consultation),
-- roots(code, root) (a state's earliest predecessor) and kept(a, b) (with $only: the dyads to keep).
-- The same triples as the row-by-row reader (dyads.dyad_lines). Parameters (bound, never pasted): $id
-- $cs $xsd (IRI prefixes), $start $first $last (years: the look-back's first, the span's first, the
-- last), $only (restrict to kept). The years before $first (the rules' look-back) carry only what the
-- rules read there: the dyad-years, disputes, wars and pacts (a pact within the interdependence
-- window, the community's pact years); a year's contiguity, major powers, distance and shared IGOs are
-- read for that year alone. A dyad-year of the span
-- that the distance or IGO file (given year by year) has no value for gets cs:unrecorded and the
-- indicator, which queries/classify/dyads/rule-95-unassessed.rq reads.
WITH
k AS (SELECT a, b FROM kept),
u AS (
  SELECT DISTINCT a, b, y FROM universe
  WHERE NOT $only OR (a, b) IN (SELECT (a, b) FROM k)
),
ud AS (
  SELECT a, b, y, concat('<', $id, 'dyad-year/', a, '-', b, '-', y, '>') AS dy
  FROM u
),
dyad AS (
  SELECT d.a, d.b, LEAST(COALESCE(r1.root, d.a), COALESCE(r2.root, d.b)) AS la,
         GREATEST(COALESCE(r1.root, d.a), COALESCE(r2.root, d.b)) AS lb
  FROM (SELECT DISTINCT a, b FROM u) d LEFT JOIN roots r1 ON r1.code = d.a LEFT JOIN roots r2 ON r2.code = d.b
),
m AS (
  SELECT LEAST(a, b) AS a, GREATEST(a, b) AS b, y, dispnum, h, fatal FROM mid
  WHERE y BETWEEN $start AND $last
    AND (NOT $only OR (LEAST(a, b), GREATEST(a, b)) IN (SELECT (a, b) FROM k))
),
lines AS (
  SELECT concat(dy, ' <', $cs, 'dyad> <', $id, 'dyad/', a, '-', b, E'> .\n') AS line FROM ud
  UNION ALL
  SELECT concat(dy, ' <', $cs, 'year> "', y, '"^^<', $xsd, E'integer> .\n') FROM ud
  UNION ALL
  SELECT DISTINCT concat(ud.dy, ' <', $cs, 'majorPower1> "true"^^<', $xsd, E'boolean> .\n')
  FROM ud JOIN majors mj ON mj.c = ud.a AND mj.s <= ud.y AND ud.y <= mj.e WHERE ud.y >= $first
  UNION ALL
  SELECT DISTINCT concat(ud.dy, ' <', $cs, 'majorPower2> "true"^^<', $xsd, E'boolean> .\n')
  FROM ud JOIN majors mj ON mj.c = ud.b AND mj.s <= ud.y AND ud.y <= mj.e WHERE ud.y >= $first
  UNION ALL
  SELECT concat('<', $id, 'dyad/', a, '-', b, '> <', $cs, 'ccode1> "', a, '"^^<', $xsd, E'integer> .\n') FROM dyad
  UNION ALL
  SELECT concat('<', $id, 'dyad/', a, '-', b, '> <', $cs, 'ccode2> "', b, '"^^<', $xsd, E'integer> .\n') FROM dyad
  UNION ALL
  SELECT concat('<', $id, 'dyad/', a, '-', b, '> <', $cs, 'lineage> <', $id, 'dyad/', la, '-', lb, E'> .\n') FROM dyad
  UNION ALL
  SELECT concat(ANY_VALUE(ud.dy), ' <', $cs, 'contiguity> "', MIN(c.k), '"^^<', $xsd, E'integer> .\n')
  FROM ud JOIN contiguity c ON c.a = ud.a AND c.b = ud.b AND c.s <= ud.y AND ud.y <= c.e
  WHERE ud.y >= $first
  GROUP BY ud.a, ud.b, ud.y
  UNION ALL
  SELECT DISTINCT concat(ud.dy, ' <', $cs, 'minimumDistance> "', d.km, '"^^<', $xsd, E'decimal> .\n')
  FROM distance d JOIN ud ON ud.a = LEAST(d.a, d.b) AND ud.b = GREATEST(d.a, d.b) AND ud.y = d.y
  WHERE ud.y >= $first
  UNION ALL
  SELECT concat('<', $id, 'dyad-year/', a, '-', b, '-', y, '> <', $cs, 'hostility> "', MAX(h), '"^^<', $xsd, E'integer> .\n')
  FROM m GROUP BY a, b, y
  UNION ALL
  SELECT DISTINCT concat('<', $id, 'dyad-year/', a, '-', b, '-', y, '> <', $cs, 'dispute> "', dispnum, '"^^<', $xsd, E'integer> .\n')
  FROM m
  UNION ALL
  SELECT DISTINCT concat('<', $id, 'dyad-year/', a, '-', b, '-', y, '> <', $cs, 'fatalDispute> "', dispnum, '"^^<', $xsd, E'integer> .\n')
  FROM m WHERE fatal
  UNION ALL
  SELECT DISTINCT concat('<', $id, 'dyad-year/', a, '-', b, '-', y, '> <', $cs, 'war> "true"^^<', $xsd, E'boolean> .\n')
  FROM war WHERE a < b AND y BETWEEN $start AND $last AND (NOT $only OR (a, b) IN (SELECT (a, b) FROM k))
  UNION ALL
  -- ATOP's dyad-year file is directed (a row's flags are the first state's obligations towards the
  -- second): the non-directed dyad-year holds an obligation when either state has it towards the other
  SELECT DISTINCT concat('<', $id, 'dyad-year/', LEAST(a, b), '-', GREATEST(a, b), '-', y, '> <', $cs, prop,
                         '> "true"^^<', $xsd, E'boolean> .\n')
  FROM (UNPIVOT (SELECT * FROM atop WHERE a <> b AND y BETWEEN $start AND $last
                   AND (NOT $only OR (LEAST(a, b), GREATEST(a, b)) IN (SELECT (a, b) FROM k)))
        ON defencePact, offencePact, neutralityPact, nonAggressionPact, consultationPact
        INTO NAME prop VALUE held)
  WHERE held
  UNION ALL
  SELECT DISTINCT concat(ud.dy, ' <', $cs, 'bilateralConsultationPact> "true"^^<', $xsd, E'boolean> .\n')
  FROM ud JOIN bilateral bc ON bc.a = ud.a AND bc.b = ud.b AND bc.s <= ud.y AND ud.y <= bc.e
  WHERE ud.y >= $first
  UNION ALL
  SELECT DISTINCT concat('<', $id, 'dyad-year/', LEAST(a, b), '-', GREATEST(a, b), '-', y, '> <', $cs, 'sharedIgos> "', n, '"^^<', $xsd, E'integer> .\n')
  FROM igo WHERE n IS NOT NULL AND y BETWEEN $first AND $last
    AND (NOT $only OR (LEAST(a, b), GREATEST(a, b)) IN (SELECT (a, b) FROM k))
  UNION ALL
  -- a dyad-year of the span for which a year-by-year file records no value: said, not left to absence
  SELECT concat(ud.dy, ' <', $cs, 'unrecorded> <', $cs, E'minimumDistance> .\n') FROM ud
  WHERE ud.y >= $first AND NOT EXISTS (SELECT 1 FROM distance d
    WHERE LEAST(d.a, d.b) = ud.a AND GREATEST(d.a, d.b) = ud.b AND d.y = ud.y)
  UNION ALL
  SELECT concat(ud.dy, ' <', $cs, 'unrecorded> <', $cs, E'sharedIgos> .\n') FROM ud
  WHERE ud.y >= $first AND NOT EXISTS (SELECT 1 FROM igo i
    WHERE i.n IS NOT NULL AND LEAST(i.a, i.b) = ud.a AND GREATEST(i.a, i.b) = ud.b AND i.y = ud.y)
)
SELECT line FROM lines
