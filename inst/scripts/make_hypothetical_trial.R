# Builds `hypothetical_trial`: a HYPOTHETICAL two-arm, four-centre randomised
# trial of intradural injection against a sham procedure, of the kind Guo et
# al. (2016) suggest. No such trial has been run; every number here is
# invented to show the analysis of a multicentre responder trial. Base R
# only and deterministic: the same call always returns an identical data
# frame (the tests check it), and the caller's random numbers are untouched.
#
# Design (invented): 360 patients at centres "Centre 1" to "Centre 4" (60,
# 80, 100 and 120 patients), randomised 1:1 within centre in permuted blocks
# of four to "sham" or "injection". Each patient's symptoms are measured as
# in the package's synthetic cohort (0-10 scores for lower back pain, leg
# pain and numbness; walking distance to claudication in metres, Inf = no
# claudication) before and one week after the procedure; about 3% of
# follow-ups are missing.
#
# Alleviation under study_rules() is drawn first, then follow-ups that give
# exactly that class: with sham, a symptom the patient has is alleviated with
# probability about 4.5% (lower back pain), 2% (leg pain, numbness) and 2.5%
# (claudication), so that about 11% of sham patients have some symptom
# alleviated, the control rate observed by Guo et al.; with injection the odds
# are 3 times as high. Centres differ in their base rates (odds ratios
# 0.7, 0.9, 1.1, 1.4 against the average), not in the effect.
make_hypothetical_trial <- function(seed = 20240501L) {
  # R's default generators seeded, the session's random state put back after
  myelorelief:::with_seed(seed, {
    sizes <- c(60L, 80L, 100L, 120L)
    centres <- paste("Centre", seq_along(sizes))
    n <- sum(sizes)
    centre <- factor(rep(centres, sizes), levels = centres)
    # permuted blocks of four within each centre
    arm <- unlist(lapply(sizes, function(size) {
      unlist(lapply(seq_len(size / 4L), function(b) {
        sample(c("sham", "sham", "injection", "injection"))
      }))
    }))
    arm <- factor(arm, levels = c("sham", "injection"))
    age <- as.integer(pmin(89, pmax(35, round(rnorm(n, 67, 10)))))
    sex <- factor(sample(c("female", "male"), n, replace = TRUE, prob = c(0.45, 0.55)),
                  levels = c("female", "male"))

    score_baseline <- function(p_absent, mean) {
      s <- pmin(10L, pmax(1L, as.integer(round(rnorm(n, mean, 2)))))
      s[runif(n) < p_absent] <- 0L
      s
    }
    lbp_pre <- score_baseline(0.08, 6)
    leg_pain_pre <- score_baseline(0.15, 6)
    numbness_pre <- score_baseline(0.25, 5)
    claudication_pre <- pmax(10, round(exp(rnorm(n, log(250), 0.7)) / 10) * 10)
    claudication_pre[runif(n) < 0.35] <- Inf

    centre_odds <- c(0.7, 0.9, 1.1, 1.4)[as.integer(centre)]
    treated <- arm == "injection"
    alleviated <- function(p_sham, has_symptom) {
      odds <- p_sham / (1 - p_sham) * centre_odds * ifelse(treated, 3, 1)
      has_symptom & runif(n) < odds / (1 + odds)
    }
    relieved <- list(lbp = alleviated(0.045, lbp_pre > 0L),
                     leg_pain = alleviated(0.02, leg_pain_pre > 0L),
                     numbness = alleviated(0.02, numbness_pre > 0L),
                     claudication = alleviated(0.025, is.finite(claudication_pre)))

    # Follow-ups: relief that clears the rule with room to spare; otherwise a
    # fall of at most 1 point, no change, or (about 6%) a rise of 2-3 points.
    score_followup <- function(pre, relief) {
      change <- sample(c(-1L, 0L, 0L, 0L, 1L), n, replace = TRUE)
      worse <- runif(n) < 0.06 & pre >= 1L & pre <= 6L
      change[worse] <- -sample(2:3, sum(worse), replace = TRUE)
      post <- pmin(10L, pmax(0L, pre - change))
      post[pre == 0L] <- 0L
      fall <- pmax(2L, as.integer(ceiling(0.3 * pre))) + sample(0:2, n, replace = TRUE)
      post[relief] <- pmax(0L, pre - fall)[relief]
      post
    }
    lbp_post <- score_followup(lbp_pre, relieved$lbp)
    leg_pain_post <- score_followup(leg_pain_pre, relieved$leg_pain)
    numbness_post <- score_followup(numbness_pre, relieved$numbness)
    claudication_post <- round(claudication_pre * runif(n, 0.9, 1.2) / 10) * 10
    gain <- ifelse(runif(n) < 0.3, Inf, round(claudication_pre * runif(n, 1.5, 3) / 10) * 10)
    claudication_post[relieved$claudication] <- gain[relieved$claudication]
    claudication_post[is.infinite(claudication_pre)] <- Inf

    lost <- runif(n) < 0.03
    lbp_post[lost] <- NA
    leg_pain_post[lost] <- NA
    numbness_post[lost] <- NA
    claudication_post[lost] <- NA

    data.frame(id = sprintf("T%03d", seq_len(n)), centre = centre, arm = arm,
               age = age, sex = sex,
               lbp_pre = lbp_pre, lbp_post = lbp_post,
               leg_pain_pre = leg_pain_pre, leg_pain_post = leg_pain_post,
               numbness_pre = numbness_pre, numbness_post = numbness_post,
               claudication_pre = claudication_pre, claudication_post = claudication_post)
  })
}
