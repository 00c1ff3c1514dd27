# Rebuilds data/hypothetical_followup.rda, a HYPOTHETICAL follow-up of the
# synthetic cohort (see inst/scripts/make_followup.R for every assumption).
# Run from the package root, with the package installed:
#   Rscript data-raw/hypothetical_followup.R
source("inst/scripts/make_followup.R")
hypothetical_followup <- make_hypothetical_followup(
  myelorelief::myelography, myelorelief::study_rules())
save(hypothetical_followup, file = "data/hypothetical_followup.rda",
     compress = "xz", version = 2)
