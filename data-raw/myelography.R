# Rebuilds data/myelography.rda and data/guo2016.rda. Run from the package
# root: Rscript data-raw/myelography.R
# The generator lives in inst/scripts/ so the installed package carries it
# and the tests can check that it reproduces the shipped data exactly.
source("inst/scripts/make_myelography.R")
myelography <- make_myelography()
guo2016 <- make_guo2016()
save(myelography, file = "data/myelography.rda", compress = "xz", version = 2)
save(guo2016, file = "data/guo2016.rda", compress = "xz", version = 2)
