-- The three availability forests are trained as of var('as_of') before this model is built; the
-- table then holds supply (known tutors + recruits) against demand per local authority and term.
-- The pre_hook is a string that dbt renders when it runs the hook: a macro called in config() itself
-- would run at parse time, where ref('stg_tutors') names this model.
{{ config(pre_hook="{{ edupredict.train_availability(var('availability_model'), ref('stg_tutors'), ref('stg_placements'),
                                                      var('as_of'), n_trees=50) }}") }}
{{ edupredict.supply_demand(var('availability_model'), ref('stg_tutors'), ref('stg_placements'),
                            ref('stg_opportunities'), var('as_of'), ref('stg_responses')) }}
