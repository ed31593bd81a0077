-- Loads the UCI "Predict Students' Dropout and Academic Success" data
-- (4,424 students, CC BY 4.0, see PROVENANCE.md) into edupredict_data.students.
-- psql script, run from the repository root; idempotent.
-- The file is ';'-separated, UTF-8 with a byte-order mark and CRLF line
-- endings: HEADER skips the first line (BOM included) and COPY's CSV mode
-- accepts CRLF.  student_id is the row number in the file; it is a key,
-- not a feature (train with the features of edupredict_data.student_features).
SET client_min_messages = warning;
CREATE SCHEMA IF NOT EXISTS edupredict_data;
DROP TABLE IF EXISTS edupredict_data.students CASCADE;
CREATE TABLE edupredict_data.students (
  student_id                                int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  marital_status                            int NOT NULL,
  application_mode                          int NOT NULL,
  application_order                         int NOT NULL,
  course                                    int NOT NULL,
  daytime_evening_attendance                int NOT NULL,
  previous_qualification                    int NOT NULL,
  previous_qualification_grade              float8 NOT NULL,
  nacionality                               int NOT NULL,
  mothers_qualification                     int NOT NULL,
  fathers_qualification                     int NOT NULL,
  mothers_occupation                        int NOT NULL,
  fathers_occupation                        int NOT NULL,
  admission_grade                           float8 NOT NULL,
  displaced                                 int NOT NULL,
  educational_special_needs                 int NOT NULL,
  debtor                                    int NOT NULL,
  tuition_fees_up_to_date                   int NOT NULL,
  gender                                    int NOT NULL,
  scholarship_holder                        int NOT NULL,
  age_at_enrollment                         int NOT NULL,
  international                             int NOT NULL,
  curricular_units_1st_sem_credited         int NOT NULL,
  curricular_units_1st_sem_enrolled         int NOT NULL,
  curricular_units_1st_sem_evaluations      int NOT NULL,
  curricular_units_1st_sem_approved         int NOT NULL,
  curricular_units_1st_sem_grade            float8 NOT NULL,
  curricular_units_1st_sem_without_evaluations int NOT NULL,
  curricular_units_2nd_sem_credited         int NOT NULL,
  curricular_units_2nd_sem_enrolled         int NOT NULL,
  curricular_units_2nd_sem_evaluations      int NOT NULL,
  curricular_units_2nd_sem_approved         int NOT NULL,
  curricular_units_2nd_sem_grade            float8 NOT NULL,
  curricular_units_2nd_sem_without_evaluations int NOT NULL,
  unemployment_rate                         float8 NOT NULL,
  inflation_rate                            float8 NOT NULL,
  gdp                                       float8 NOT NULL,
  target                                    text NOT NULL
    CHECK (target IN ('Dropout', 'Enrolled', 'Graduate'))
);
\copy edupredict_data.students (marital_status, application_mode, application_order, course, daytime_evening_attendance, previous_qualification, previous_qualification_grade, nacionality, mothers_qualification, fathers_qualification, mothers_occupation, fathers_occupation, admission_grade, displaced, educational_special_needs, debtor, tuition_fees_up_to_date, gender, scholarship_holder, age_at_enrollment, international, curricular_units_1st_sem_credited, curricular_units_1st_sem_enrolled, curricular_units_1st_sem_evaluations, curricular_units_1st_sem_approved, curricular_units_1st_sem_grade, curricular_units_1st_sem_without_evaluations, curricular_units_2nd_sem_credited, curricular_units_2nd_sem_enrolled, curricular_units_2nd_sem_evaluations, curricular_units_2nd_sem_approved, curricular_units_2nd_sem_grade, curricular_units_2nd_sem_without_evaluations, unemployment_rate, inflation_rate, gdp, target) FROM 'data/uci_student_dropout/data.csv' WITH (FORMAT csv, HEADER true, DELIMITER ';')

-- Everything but the key: what a model trains on.
CREATE VIEW edupredict_data.student_features AS
SELECT marital_status, application_mode, application_order, course, daytime_evening_attendance,
       previous_qualification, previous_qualification_grade, nacionality, mothers_qualification,
       fathers_qualification, mothers_occupation, fathers_occupation, admission_grade, displaced,
       educational_special_needs, debtor, tuition_fees_up_to_date, gender, scholarship_holder,
       age_at_enrollment, international, curricular_units_1st_sem_credited,
       curricular_units_1st_sem_enrolled, curricular_units_1st_sem_evaluations,
       curricular_units_1st_sem_approved, curricular_units_1st_sem_grade,
       curricular_units_1st_sem_without_evaluations, curricular_units_2nd_sem_credited,
       curricular_units_2nd_sem_enrolled, curricular_units_2nd_sem_evaluations,
       curricular_units_2nd_sem_approved, curricular_units_2nd_sem_grade,
       curricular_units_2nd_sem_without_evaluations, unemployment_rate, inflation_rate, gdp, target
FROM edupredict_data.students
ORDER BY student_id;
RESET client_min_messages;
