# Builds `hypothetical_followup`: a HYPOTHETICAL follow-up of the SYNTHETIC
# `myelography` cohort over four visits. Base R only and deterministic: the
# same call always returns an identical data frame (tests check it).
#
# Guo et al. (2016) reported ONE follow-up after myelography and nothing on
# how long relief lasted. Everything after that first visit is INVENTED, to
# show the package's longitudinal tools; it is no finding about myelography.
#
# Visits: "post" (the synthetic cohort's own follow-up, unchanged: its 35
# alleviated patients, as the study found), then "week1", "month1" and
# "month3". Between consecutive visits:
#   * relief is kept with probability 0.75 (week 1), 0.65 (month 1) and 0.75
#     (month 3), the score staying at its earlier value; otherwise it is
#     lost, the score going back to its baseline value (a relapse, which
#     stays);
#   * a symptomatic patient not alleviated on a 0-10 scale with a baseline
#     of at least 4 becomes alleviated with probability 0.01 (the score
#     halves, rounded down: late relief); every other score stays as it was;
#   * 4%, 6% and 8% of the patients still followed drop out for good at
#     each later visit (all their values NA from then on), and 2% of the
#     remaining values are missing at random (a missed questionnaire).
make_hypothetical_followup <- function(cohort, rules, seed = 20161117L) {
  # R's default generators seeded, the session's random state put back after
  myelorelief:::with_seed(seed, {
    visits <- c("week1", "month1", "month3")
    keep <- c(week1 = 0.75, month1 = 0.65, month3 = 0.75)
    dropout <- c(week1 = 0.04, month1 = 0.06, month3 = 0.08)
    late <- 0.01
    intermittent <- 0.02
    symptoms <- c("lbp", "leg_pain", "numbness", "claudication")
    n <- nrow(cohort)
    followed <- rep(TRUE, n)
    state <- lapply(stats::setNames(symptoms, symptoms), function(s) {
      pre <- cohort[[paste0(s, "_pre")]]
      post <- cohort[[paste0(s, "_post")]]
      class <- myelorelief::classify_alleviation(pre, post, rules[[s]])
      list(pre = pre, value = post, relieved = class %in% "alleviated",
           relapsed = rep(FALSE, n),
           could_start = class %in% c("unchanged", "worsened") &
             s != "claudication" & !is.na(pre) & pre >= 4)
    })
    out <- cohort
    for (v in visits) {
      followed <- followed & stats::runif(n) >= dropout[[v]]
      for (s in symptoms) {
        st <- state[[s]]
        kept <- st$relieved & stats::runif(n) < keep[[v]]
        lost <- st$relieved & !kept
        starts <- st$could_start & !st$relieved & !st$relapsed &
          stats::runif(n) < late
        value <- st$value
        value[lost] <- st$pre[lost]
        value[starts] <- floor(st$pre[starts] / 2)
        if (is.integer(st$value)) value <- as.integer(value)
        st$relieved <- kept | starts
        st$relapsed <- st$relapsed | lost
        st$value <- value
        state[[s]] <- st
        shown <- value
        shown[!followed | stats::runif(n) < intermittent] <- NA
        out[[paste0(s, "_", v)]] <- shown
      }
    }
    # measurement columns grouped by symptom, in visit order
    measured <- unlist(lapply(symptoms, function(s) {
      paste0(s, "_", c("pre", "post", visits))
    }))
    out[c(setdiff(names(cohort), measured), measured)]
  })
}
