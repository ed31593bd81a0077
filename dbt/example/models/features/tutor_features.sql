-- Features of every tutor as of the forecast term (rebuilt per run).
{{ edupredict.tutor_features(ref('stg_tutors'), ref('stg_placements'), var('as_of')) }}
