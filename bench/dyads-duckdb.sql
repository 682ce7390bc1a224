-- The dyad-year rules of data/rules.ttl as one DuckDB query over the publishers' files: the baseline
-- for bench/bench_dyads.py and for the equivalence test (tests/test_dyads.py). Parameters (bound by
-- DuckDB, never pasted): $universe $mid $war $atop $atopmembers $igo $contiguity $majors $distance (file paths),
-- $start (first year loaded, the rules' longest window before $first), $first $last (years),
-- $successors $predecessors (state successions, lists), and the thresholds read from the rules graph:
-- $maxcont $maxkm $hwindow (interdependence), $wwindow (war), $smin $swindow $syears (sustained force),
-- $rwindow $rmin $rallied $rlapse (rivalry), $rigos $rhost (regime), $cwindow $cmin $cpact $cigos (community),
-- $cfrom $cto (coverage).
WITH succ AS (SELECT UNNEST($successors) s, UNNEST($predecessors) p),
u0 AS (
  SELECT DISTINCT CAST(ccode1 AS INTEGER) a, CAST(ccode2 AS INTEGER) b, CAST(year AS INTEGER) y
  FROM read_csv($universe) WHERE ccode1 < ccode2 AND year BETWEEN $start AND $last
),
u AS (
  SELECT u0.a, u0.b, u0.y, LEAST(COALESCE(s1.p, u0.a), COALESCE(s2.p, u0.b)) la,
         GREATEST(COALESCE(s1.p, u0.a), COALESCE(s2.p, u0.b)) lb
  FROM u0 LEFT JOIN succ s1 ON s1.s = u0.a LEFT JOIN succ s2 ON s2.s = u0.b
),
m AS (
  SELECT LEAST(ccode1, ccode2)::INTEGER a, GREATEST(ccode1, ccode2)::INTEGER b, year::INTEGER y,
         dispnum::INTEGER dispnum, MAX(GREATEST(hostlev1, hostlev2))::INTEGER h,
         BOOL_OR(GREATEST(fatality1, fatality2) >= 1) fatal FROM read_csv($mid) GROUP BY ALL
),
ml AS (SELECT u.la, u.lb, u.y, m.dispnum, m.h, m.fatal FROM m JOIN u USING (a, b, y)),
mh AS (SELECT a, b, y, MAX(h) h FROM m GROUP BY ALL),
w AS (SELECT DISTINCT ccode1::INTEGER a, ccode2::INTEGER b, year::INTEGER y FROM read_csv($war) WHERE ccode1 < ccode2),
wl AS (SELECT DISTINCT u.la, u.lb, u.y FROM w JOIN u USING (a, b, y)),
-- ATOP's file is directed (the first state's obligations towards the second): the non-directed dyad-year
-- holds an obligation when either state has it towards the other
al AS (
  SELECT LEAST(ccode1, ccode2)::INTEGER a, GREATEST(ccode1, ccode2)::INTEGER b, year::INTEGER y,
         MAX(atop_defense)::INTEGER def, MAX(atop_nonagg)::INTEGER na, MAX(atop_consul)::INTEGER co,
         MAX(atop_offense)::INTEGER off, MAX(atop_neutral)::INTEGER neu
  FROM read_csv($atop) WHERE ccode1 <> ccode2 GROUP BY ALL
),
dl AS (SELECT DISTINCT u.la, u.lb, u.y FROM al JOIN u USING (a, b, y) WHERE al.def = 1),
-- the years of the lineage with a pact (any of ATOP's five obligations) that makes two states interdependent
pl AS (SELECT DISTINCT u.la, u.lb, u.y FROM al JOIN u USING (a, b, y) WHERE al.def + al.na + al.co + al.off + al.neu > 0),
-- the years two states are members of one phase of a pact that ATOP codes as bilateral in that phase,
-- both pledging consultation
am AS (
  SELECT atopid::INTEGER id, COALESCE(phase, 0)::INTEGER ph, member::INTEGER m, yrent::INTEGER s,
         CASE WHEN yrexit IS NULL OR yrexit = 0 THEN 9999 ELSE yrexit::INTEGER END e
  FROM read_csv($atopmembers) WHERE bilat = 1 AND consul = 1
),
bil AS (
  SELECT DISTINCT x.m a, z.m b, GREATEST(x.s, z.s) s, LEAST(x.e, z.e) e
  FROM am x JOIN am z ON x.id = z.id AND x.ph = z.ph AND x.m < z.m WHERE GREATEST(x.s, z.s) <= LEAST(x.e, z.e)
),
i AS (SELECT ccode1::INTEGER a, ccode2::INTEGER b, year::INTEGER y, dyadigos::INTEGER n FROM read_csv($igo) WHERE dyadigos >= 0),
ct AS (
  SELECT u.a, u.b, u.y, MIN(c.conttype) conttype FROM u JOIN read_csv($contiguity) c
    ON c.ccode1 = u.a AND c.ccode2 = u.b AND c.conttype > 0
   AND year(c.stdate::DATE) <= u.y AND u.y <= year(c.enddate::DATE)
  GROUP BY ALL
),
mj AS (SELECT ccode::INTEGER c, styear::INTEGER s, endyear::INTEGER e FROM read_csv($majors)),
dist AS (SELECT ccode1::INTEGER a, ccode2::INTEGER b, year::INTEGER y, MIN(mindist) km FROM read_csv($distance) GROUP BY ALL),
t AS (SELECT * FROM u WHERE y BETWEEN $first AND $last),
hist AS (
  SELECT DISTINCT t.a, t.b, t.y FROM t JOIN (SELECT la, lb, y FROM ml UNION SELECT la, lb, y FROM wl) e
    ON e.la = t.la AND e.lb = t.lb AND e.y <= t.y AND t.y - e.y < $hwindow
),
ahist AS (
  SELECT DISTINCT t.a, t.b, t.y FROM t JOIN pl e ON e.la = t.la AND e.lb = t.lb AND e.y <= t.y AND t.y - e.y < $hwindow
),
war AS (
  SELECT t.a, t.b, t.y, MAX(e.y) last_war FROM t JOIN wl e ON e.la = t.la AND e.lb = t.lb AND e.y <= t.y
    AND t.y - e.y < $wwindow GROUP BY ALL
),
sus AS (
  SELECT t.a, t.b, t.y FROM t JOIN (SELECT DISTINCT la, lb, y FROM ml WHERE h >= $smin) e
    ON e.la = t.la AND e.lb = t.lb AND e.y <= t.y AND t.y - e.y < $swindow
  GROUP BY ALL HAVING COUNT(DISTINCT e.y) >= $syears
),
riv AS (
  SELECT t.a, t.b, t.y, COUNT(DISTINCT e.dispnum) n, MAX(e.y) last_dispute,
         MAX(CASE WHEN e.fatal THEN e.y END) last_fatal FROM t JOIN ml e
    ON e.la = t.la AND e.lb = t.lb AND e.y <= t.y AND t.y - e.y < $rwindow GROUP BY ALL
),
x AS (
  SELECT t.a ccode1, t.b ccode2, t.y "year", t.la, t.lb, mh.h hostlev, COALESCE(al.def, 0) def,
         COALESCE(al.na, 0) na, COALESCE(al.co, 0) co, COALESCE(al.off, 0) off, COALESCE(al.neu, 0) neu, i.n dyadigos, ct.conttype, dist.km,
         EXISTS (SELECT 1 FROM mj WHERE mj.c IN (t.a, t.b) AND t.y BETWEEN mj.s AND mj.e) major,
         hist.a IS NOT NULL history, ahist.a IS NOT NULL past_alliance, war.last_war, sus.a IS NOT NULL sustained, riv.n disputes, riv.last_dispute,
         riv.last_fatal, EXISTS (SELECT 1 FROM bil WHERE bil.a = t.a AND bil.b = t.b AND t.y BETWEEN bil.s AND bil.e) bico
  FROM t LEFT JOIN mh ON mh.a = t.a AND mh.b = t.b AND mh.y = t.y
         LEFT JOIN al ON al.a = t.a AND al.b = t.b AND al.y = t.y
         LEFT JOIN i ON i.a = t.a AND i.b = t.b AND i.y = t.y
         LEFT JOIN ct ON ct.a = t.a AND ct.b = t.b AND ct.y = t.y
         LEFT JOIN dist ON dist.a = t.a AND dist.b = t.b AND dist.y = t.y
         LEFT JOIN hist ON hist.a = t.a AND hist.b = t.b AND hist.y = t.y
         LEFT JOIN ahist ON ahist.a = t.a AND ahist.b = t.b AND ahist.y = t.y
         LEFT JOIN war ON war.a = t.a AND war.b = t.b AND war.y = t.y
         LEFT JOIN sus ON sus.a = t.a AND sus.b = t.b AND sus.y = t.y
         LEFT JOIN riv ON riv.a = t.a AND riv.b = t.b AND riv.y = t.y
),
c AS (
  SELECT *, (def + na + co + off + neu) > 0 pact,
         (def = 1 OR na = 1 OR bico OR dyadigos >= $rigos) AND NOT COALESCE(hostlev >= $rhost, false) restraint,
         conttype <= $maxcont OR major OR km <= $maxkm OR pact OR past_alliance OR history interdependent,
         last_war IS NOT NULL OR sustained
           OR (disputes >= CASE WHEN def = 1 AND last_fatal IS NULL THEN $rallied ELSE $rmin END AND "year" - last_dispute < $rlapse) signal
  FROM x
),
cand AS (SELECT * FROM c WHERE interdependent AND NOT COALESCE(signal, false) AND restraint AND def = 1 AND dyadigos >= $cigos),
cexist AS (
  SELECT cand.ccode1, cand.ccode2, cand."year" FROM cand JOIN (SELECT DISTINCT la, lb, y FROM u) e
    ON e.la = cand.la AND e.lb = cand.lb AND e.y <= cand."year" AND cand."year" - e.y < $cwindow
  GROUP BY ALL HAVING COUNT(DISTINCT e.y) = $cwindow
),
cpact AS (
  SELECT cand.ccode1, cand.ccode2, cand."year" FROM cand JOIN dl e
    ON e.la = cand.la AND e.lb = cand.lb AND e.y <= cand."year" AND cand."year" - e.y < $cpact
  GROUP BY ALL HAVING COUNT(DISTINCT e.y) = $cpact
),
cobst AS (
  SELECT DISTINCT cand.ccode1, cand.ccode2, cand."year" FROM cand JOIN
    (SELECT la, lb, y FROM ml WHERE h >= $cmin UNION SELECT la, lb, y FROM wl) e
    ON e.la = cand.la AND e.lb = cand.lb AND e.y <= cand."year" AND cand."year" - e.y < $cwindow
),
community AS (SELECT * FROM cexist INTERSECT SELECT * FROM cpact EXCEPT SELECT * FROM cobst)
SELECT c.ccode1, c.ccode2, c."year",
  CASE WHEN c."year" < $cfrom OR c."year" > $cto THEN NULL
       WHEN NOT COALESCE(c.interdependent, false) THEN 'no-security-interdependence'
       WHEN COALESCE(c.signal, false) THEN 'conflict-formation'
       WHEN community.ccode1 IS NOT NULL THEN 'security-community'
       WHEN COALESCE(c.restraint, false) THEN 'security-regime'
       ELSE 'undetermined' END position,
  c.hostlev, c.def atop_defense, c.na atop_nonagg, c.co atop_consul, c.dyadigos, c.conttype, c.km mindist,
  c.last_dispute last_dispute_year, c.disputes gml_disputes_window, c.last_fatal last_fatal_dispute_year
FROM c LEFT JOIN community USING (ccode1, ccode2, "year")
