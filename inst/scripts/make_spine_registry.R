# Writes inst/extdata/spine-registry-hypothetical.csv: a HYPOTHETICAL spine
# registry for the vignette "your-own-data". No such registry exists; every
# number is invented to show the workflow a new user starts with. Base R
# only and deterministic (the seed is fixed; the caller's random numbers are
# untouched).
#
# Design (invented): 240 patients of 4 surgeons, randomised 1:1 to "usual
# care" or "injection"; the Oswestry Disability Index (ODI, 0-100) and
# back-pain VAS (0-100 mm) at baseline and 6 weeks; age and sex. With
# injection the 6-week scores fall by about 8 ODI points and 12 mm more than
# with usual care. About 8% of 6-week values are missing (empty fields, as a
# spreadsheet exports them).
# Usage, from the package root: Rscript inst/scripts/make_spine_registry.R
make_spine_registry <- function(seed = 20261202L) {
  myelorelief:::with_seed(seed, {
    n <- 240L
    surgeon <- sample(c("Surgeon A", "Surgeon B", "Surgeon C", "Surgeon D"), n,
                      replace = TRUE, prob = c(0.3, 0.3, 0.25, 0.15))
    arm <- sample(rep(c("usual care", "injection"), n / 2L))
    sex <- sample(c("female", "male"), n, replace = TRUE)
    age <- round(pmin(88, pmax(30, rnorm(n, 62, 11))))
    odi_pre <- round(pmin(100, pmax(8, rnorm(n, 44, 14))))
    vas_back_pre <- round(pmin(100, pmax(0, rnorm(n, 62, 18))))
    injected <- arm == "injection"
    odi_6w <- round(pmin(100, pmax(0, odi_pre - rnorm(n, 6 + 8 * injected, 11))))
    vas_back_6w <- round(pmin(100, pmax(0, vas_back_pre - rnorm(n, 10 + 12 * injected, 18))))
    odi_6w[sample(n, round(0.08 * n))] <- NA
    vas_back_6w[sample(n, round(0.08 * n))] <- NA
    data.frame(id = sprintf("P%03d", seq_len(n)), surgeon = surgeon, arm = arm,
               sex = sex, age = age, odi_pre = odi_pre, odi_6w = odi_6w,
               vas_back_pre = vas_back_pre, vas_back_6w = vas_back_6w)
  })
}

if (sys.nframe() == 0L) {
  registry <- make_spine_registry()
  utils::write.csv(registry, file.path("inst", "extdata", "spine-registry-hypothetical.csv"),
                   row.names = FALSE, na = "")
}
