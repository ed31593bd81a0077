-- Weekly attrition panels on the Open University Learning Analytics Dataset
-- (OULAD, data/oulad, CC BY 4.0): one row per student, module presentation
-- and week, labelled "unregisters within the next 2 weeks"; a forest trained
-- on the 2013 presentations flags students in the 2014 ones.  The click log
-- is not in the data set: weekly activity comes from assessment submissions
-- (their scores and lateness), assessments missed by their due day, and the
-- registration dates.
SET client_min_messages = warning;
\echo '--- weekly attrition panels (OULAD): build, train on 2013, test on 2014'

-- Events: a submission (score, days late), or a due day passed without a
-- submission (known on that day).  Banked results carried over from an
-- earlier presentation are not activity.
CREATE OR REPLACE VIEW edupredict_data.oulad_events AS
SELECT a.code_module, a.code_presentation, s.id_student, s.date_submitted AS day,
       1 AS submitted, 0 AS missed, s.score, s.date_submitted - a.date AS days_late
FROM edupredict_data.oulad_submissions s
JOIN edupredict_data.oulad_assessments a USING (id_assessment)
WHERE s.is_banked = 0
UNION ALL
SELECT a.code_module, a.code_presentation, r.id_student, a.date, 0, 1, NULL, NULL
FROM edupredict_data.oulad_assessments a
JOIN edupredict_data.oulad_registrations r USING (code_module, code_presentation)
WHERE a.date IS NOT NULL AND a.assessment_type <> 'Exam'
  AND NOT EXISTS (SELECT 1 FROM edupredict_data.oulad_submissions s
                  WHERE s.id_assessment = a.id_assessment AND s.id_student = r.id_student
                    AND s.date_submitted <= a.date);

-- The spine: rows from the later of registration and the start (day 0) to
-- the unregistration, or to the presentation's last day.  Days count from
-- each presentation's start, so weeks do too (origin 0).
CREATE OR REPLACE VIEW edupredict_data.oulad_spine AS
SELECT r.code_module, r.code_presentation, r.id_student,
       greatest(coalesce(r.date_registration, 0), 0) AS start_day,
       r.date_unregistration AS end_day,
       c.module_presentation_length AS until_day
FROM edupredict_data.oulad_registrations r
JOIN edupredict_data.oulad_courses c USING (code_module, code_presentation);

DROP TABLE IF EXISTS edupredict_data.oulad_weekly CASCADE;
SELECT clock_timestamp() AS t0 \gset
SELECT panel, entities, "rows", labelled, positives
FROM edupredict.build_panel('edupredict_data.oulad_weekly', 'edupredict_data.oulad_events',
       entity => '{code_module,code_presentation,id_student}', time_column => 'day', period => 'week',
       measures => '{count,days_active,since_last,sum(submitted),sum(missed),mean(score),min(score),mean(days_late),max(days_late)}',
       lags => '{1,2}', rolling => '{4,52}', label => 'end', horizon => 2,
       spine => 'edupredict_data.oulad_spine', spine_start => 'start_day',
       spine_end => 'end_day', spine_until => 'until_day');
SELECT clock_timestamp() AS t1 \gset

-- Rows with a known label, with what is known at registration.
CREATE OR REPLACE VIEW edupredict_data.oulad_rows AS
SELECT w.*, r.gender, r.highest_education, r.imd_band, r.age_band, r.num_of_prev_attempts,
       r.studied_credits, r.disability, r.date_registration, w.code_module AS module
FROM edupredict_data.oulad_weekly w
JOIN edupredict_data.oulad_registrations r USING (code_module, code_presentation, id_student)
WHERE w.label IS NOT NULL;
-- (ordered: the forest's bootstrap draws rows by position, so a fixed order
-- makes the model the same in every run, whatever plan reads the rows)
CREATE OR REPLACE VIEW edupredict_data.oulad_train AS
SELECT * FROM edupredict_data.oulad_rows WHERE code_presentation LIKE '2013_'
ORDER BY code_module, code_presentation, id_student, period;
CREATE OR REPLACE VIEW edupredict_data.oulad_test AS
SELECT * FROM edupredict_data.oulad_rows WHERE code_presentation LIKE '2014_'
ORDER BY code_module, code_presentation, id_student, period;

\echo 'training on the 2013 presentations (100 trees, leaves of at least 50 rows, half-size bootstrap samples)'
SELECT name, version, n_rows
FROM edupredict.train_forest('oulad_withdraw', 'edupredict_data.oulad_train', 'label',
       features => (SELECT array_agg(attname::text ORDER BY attnum) FROM pg_attribute
                    WHERE attrelid = 'edupredict_data.oulad_train'::regclass AND attnum > 0
                      AND attname NOT IN ('code_module', 'code_presentation', 'id_student', 'period_start', 'label')),
       n_trees => 100, min_samples_leaf => 50, sample_fraction => 0.5, test_fraction => 0, seed => 42);
SELECT clock_timestamp() AS t2 \gset
SELECT round(extract(epoch FROM :'t1'::timestamptz - :'t0'::timestamptz)::numeric, 1) AS panel_seconds,
       round(extract(epoch FROM :'t2'::timestamptz - :'t1'::timestamptz)::numeric, 1) AS train_seconds;

-- Every 2014 row scored once; thresholds: the training class prior, and a
-- fixed capacity (the top 5% of each module presentation's week).
DROP TABLE IF EXISTS edupredict_data.oulad_test_scores CASCADE;
CREATE TABLE edupredict_data.oulad_test_scores AS
SELECT t.code_module, t.code_presentation, t.id_student, t.period AS week, t.label,
       edupredict.predict_proba('oulad_withdraw', t, 'true') AS risk
FROM edupredict_data.oulad_test t;
SELECT avg(label::int) AS prior FROM edupredict_data.oulad_train \gset
CREATE OR REPLACE VIEW edupredict_data.oulad_flags AS
SELECT s.*, s.risk > :prior AS flag_prior,
       row_number() OVER w <= ceil(0.05 * count(*) OVER (PARTITION BY s.code_module, s.code_presentation, s.week))
         AS flag_top5,
       row_number() OVER w AS rank_in_week
FROM edupredict_data.oulad_test_scores s
WINDOW w AS (PARTITION BY s.code_module, s.code_presentation, s.week ORDER BY s.risk DESC, s.id_student);

DROP TABLE IF EXISTS edupredict_data.oulad_metrics;
CREATE TABLE edupredict_data.oulad_metrics (metric text PRIMARY KEY, value float8);
INSERT INTO edupredict_data.oulad_metrics
WITH r AS (SELECT label, rank() OVER (ORDER BY risk) AS rk, count(*) OVER (PARTITION BY risk) AS ties
           FROM edupredict_data.oulad_test_scores),
auc AS (SELECT (sum(rk + (ties - 1) / 2.0) FILTER (WHERE label)
                - count(*) FILTER (WHERE label) * (count(*) FILTER (WHERE label) + 1) / 2.0)
               / (count(*) FILTER (WHERE label) * count(*) FILTER (WHERE NOT label)) AS v FROM r),
f AS (SELECT * FROM edupredict_data.oulad_flags)
SELECT 'panel_seconds', extract(epoch FROM :'t1'::timestamptz - :'t0'::timestamptz)
UNION ALL SELECT 'train_seconds', extract(epoch FROM :'t2'::timestamptz - :'t1'::timestamptz)
UNION ALL SELECT 'train_rows', (SELECT count(*) FROM edupredict_data.oulad_train)
UNION ALL SELECT 'test_rows', count(*) FROM f
UNION ALL SELECT 'test_positives', count(*) FILTER (WHERE label) FROM f
UNION ALL SELECT 'prior', :prior
UNION ALL SELECT 'auc', v FROM auc
UNION ALL SELECT 'prior_flagged', avg(flag_prior::int) FROM f
UNION ALL SELECT 'prior_precision', avg(label::int) FILTER (WHERE flag_prior) FROM f
UNION ALL SELECT 'prior_recall', avg(flag_prior::int) FILTER (WHERE label) FROM f
UNION ALL SELECT 'top5_flagged', avg(flag_top5::int) FROM f
UNION ALL SELECT 'top5_precision', avg(label::int) FILTER (WHERE flag_top5) FROM f
UNION ALL SELECT 'top5_recall', avg(flag_top5::int) FILTER (WHERE label) FROM f;

\echo 'held-out 2014 presentations: ROC AUC, and precision / recall / share flagged at both thresholds'
SELECT metric, round(value::numeric, 4) AS value FROM edupredict_data.oulad_metrics
WHERE metric NOT LIKE '%seconds' ORDER BY metric;
\copy (SELECT metric, value FROM edupredict_data.oulad_metrics ORDER BY metric) TO 'out/oulad_metrics.csv' CSV HEADER

\echo 'the weekly at-risk list of module FFF, presentation 2014J (out/oulad_at_risk_FFF_2014J.csv), first weeks:'
\copy (SELECT week, id_student, round(risk::numeric, 4) AS risk, rank_in_week, flag_prior AS above_prior, flag_top5 AS in_top_5_percent, label AS unregistered_within_2_weeks FROM edupredict_data.oulad_flags WHERE code_module = 'FFF' AND code_presentation = '2014J' AND (flag_prior OR flag_top5) ORDER BY week, rank_in_week) TO 'out/oulad_at_risk_FFF_2014J.csv' CSV HEADER
SELECT week, count(*) FILTER (WHERE flag_top5) AS flagged_top5, count(*) FILTER (WHERE flag_top5 AND label) AS of_whom_withdrew,
       count(*) FILTER (WHERE flag_prior) AS above_prior, count(*) FILTER (WHERE label) AS withdrew_within_2_weeks
FROM edupredict_data.oulad_flags WHERE code_module = 'FFF' AND code_presentation = '2014J' AND week < 8
GROUP BY week ORDER BY week;
