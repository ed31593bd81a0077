-- The three availability forests are trained as of var('as_of') before this model is built; the
-- table then holds supply (known tutors + recruits) against demand per local authority and term.
{{ config(pre_hook=edupredict.train_availability(var('availability_model'), ref('stg_tutors'), ref('stg_placements'),
                                                  var('as_of'), n_trees=50)) }}
{{ edupredict.supply_demand(var('availability_model'), ref('stg_tutors'), ref('stg_placements'),
                            ref('stg_opportunities'), var('as_of'), ref('stg_responses')) }}
