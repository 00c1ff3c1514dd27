# Rebuilds data/hypothetical_trial.rda: a HYPOTHETICAL two-arm, four-centre
# trial (no such trial exists; see ?hypothetical_trial). Run from the
# package root: Rscript data-raw/hypothetical_trial.R
# The generator, documented line by line, lives in inst/scripts/ so that the
# installed package carries it and the tests check that it reproduces the
# shipped data exactly.
source("inst/scripts/make_hypothetical_trial.R")
hypothetical_trial <- make_hypothetical_trial()
save(hypothetical_trial, file = "data/hypothetical_trial.rda", compress = "xz",
     version = 2)
