-- Loads the Open University Learning Analytics Dataset (OULAD, CC BY 4.0, see
-- PROVENANCE.md) into edupredict_data.oulad_*: 22 module presentations, 32,593
-- registrations with the students' background, 206 assessments and 173,912
-- assessment submissions.  Days are counted from each presentation's start.
-- psql script, run from the repository root; idempotent.
SET client_min_messages = warning;
CREATE SCHEMA IF NOT EXISTS edupredict_data;
DROP TABLE IF EXISTS edupredict_data.oulad_submissions, edupredict_data.oulad_registrations,
  edupredict_data.oulad_assessments, edupredict_data.oulad_courses CASCADE;

CREATE TABLE edupredict_data.oulad_courses (
  code_module                 text NOT NULL,
  code_presentation           text NOT NULL,   -- year and B (February start) or J (October start)
  module_presentation_length  int  NOT NULL,   -- days
  PRIMARY KEY (code_module, code_presentation)
);
\copy edupredict_data.oulad_courses FROM 'data/oulad/courses.csv' CSV HEADER

CREATE TABLE edupredict_data.oulad_assessments (
  code_module        text NOT NULL,
  code_presentation  text NOT NULL,
  id_assessment      int  PRIMARY KEY,
  assessment_type    text NOT NULL CHECK (assessment_type IN ('TMA', 'CMA', 'Exam')),
  date               int,                      -- due day; NULL for some exams
  weight             float8 NOT NULL,
  FOREIGN KEY (code_module, code_presentation) REFERENCES edupredict_data.oulad_courses
);
\copy edupredict_data.oulad_assessments FROM 'data/oulad/assessments.csv' CSV HEADER

CREATE TABLE edupredict_data.oulad_registrations (
  code_module           text NOT NULL,
  code_presentation     text NOT NULL,
  id_student            int  NOT NULL,
  date_registration     int,                   -- day (negative: before the start)
  date_unregistration   int,                   -- day of withdrawal, NULL if none
  gender                text NOT NULL,
  highest_education     text NOT NULL,
  imd_band              text,
  age_band              text NOT NULL,
  num_of_prev_attempts  int  NOT NULL,
  studied_credits       int  NOT NULL,
  disability            text NOT NULL,
  PRIMARY KEY (code_module, code_presentation, id_student),
  FOREIGN KEY (code_module, code_presentation) REFERENCES edupredict_data.oulad_courses
);
\copy edupredict_data.oulad_registrations FROM 'data/oulad/registrations.csv' CSV HEADER

CREATE TABLE edupredict_data.oulad_submissions (
  id_assessment   int NOT NULL REFERENCES edupredict_data.oulad_assessments,
  id_student      int NOT NULL,
  date_submitted  int NOT NULL,                -- day
  is_banked       int NOT NULL CHECK (is_banked IN (0, 1)),  -- carried over from an earlier presentation
  score           float8,
  PRIMARY KEY (id_assessment, id_student)
);
\copy edupredict_data.oulad_submissions FROM 'data/oulad/submissions.csv' CSV HEADER
ANALYZE edupredict_data.oulad_courses, edupredict_data.oulad_assessments,
  edupredict_data.oulad_registrations, edupredict_data.oulad_submissions;
