# Builds the synthetic `myelography` cohort. Base R only and deterministic:
# the same call always returns an identical data frame (tests check it).
#
# The patient-level data of Guo et al. (2016) were never published. This
# cohort is INVENTED so that, under study_rules(), it reproduces every
# published aggregate exactly: 325 patients at four hospitals, April 2012 to
# March 2014; 35 with a symptom alleviated, 26 lower back pain, 2 leg pain,
# 2 numbness, 5 intermittent claudication, each alleviated patient with
# exactly one alleviated symptom. Everything else (ages, hospitals, scores,
# missing values, worsened and symptom-free patients) is plausible fiction.
#
# How the published counts are guaranteed: patients chosen to be alleviated
# get a follow-up that clears the study rules with room to spare; for every
# other patient and symptom the follow-up is drawn from changes that can
# never meet them (a fall of at most 1 point on the 0-10 scales; walking
# distance within -10% .. +20%, or a worsening).
make_myelography <- function(seed = 20161116L) {
  # R's default generators seeded, the session's random state put back after
  myelorelief:::with_seed(seed, {
    n <- 325L

    hospital <- factor(rep(c("A", "B", "C", "D"), c(121L, 94L, 66L, 44L)))
    hospital <- hospital[sample.int(n)]
    first <- as.Date("2012-04-01")
    exam_date <- first + sort(sample.int(as.integer(as.Date("2014-03-31") - first) + 1L,
                                         n, replace = TRUE) - 1L)
    age <- as.integer(pmin(89, pmax(32, round(rnorm(n, 68, 10)))))
    sex <- factor(sample(c("female", "male"), n, replace = TRUE,
                         prob = c(0.45, 0.55)), levels = c("female", "male"))
    diagnoses <- c("lumbar spinal canal stenosis", "lumbar disc herniation",
                   "degenerative spondylolisthesis", "degenerative scoliosis",
                   "other")
    diagnosis <- factor(sample(diagnoses, n, replace = TRUE,
                               prob = c(0.52, 0.18, 0.17, 0.06, 0.07)),
                        levels = diagnoses)

    # Baselines: 0-10 scores, 0 = symptom absent; distance in metres with
    # Inf = no claudication.
    score_baseline <- function(p_absent, mean) {
      s <- pmin(10L, pmax(1L, as.integer(round(rnorm(n, mean, 2)))))
      s[runif(n) < p_absent] <- 0L
      s
    }
    lbp_pre <- score_baseline(0.08, 6)
    leg_pain_pre <- score_baseline(0.15, 6)
    numbness_pre <- score_baseline(0.25, 5)
    claudication_pre <- round(exp(rnorm(n, log(250), 0.7)) / 10) * 10
    claudication_pre <- pmax(10, claudication_pre)
    claudication_pre[runif(n) < 0.35] <- Inf

    # The 35 alleviated patients, one symptom each, among patients who had it.
    alleviated <- rep(NA_character_, n)
    choose <- function(symptom, eligible, k) {
      pool <- which(eligible & is.na(alleviated))
      picked <- pool[sample.int(length(pool), k)]
      alleviated[picked] <<- symptom
    }
    choose("lbp", lbp_pre >= 4L, 26L)
    choose("leg_pain", leg_pain_pre >= 4L, 2L)
    choose("numbness", numbness_pre >= 4L, 2L)
    choose("claudication", is.finite(claudication_pre), 5L)

    # Follow-up of a 0-10 score: relief for the chosen, otherwise a fall of at
    # most 1 point, no change, or (about 6%) a rise of 2-3 points.
    score_followup <- function(pre, relieved) {
      change <- sample(c(-1L, 0L, 0L, 0L, 1L), n, replace = TRUE)
      worse <- runif(n) < 0.06 & pre >= 1L & pre <= 6L
      change[worse] <- -sample(2:3, sum(worse), replace = TRUE)
      post <- pmin(10L, pmax(0L, pre - change))
      post[pre == 0L] <- 0L
      fall <- pmax(2L, as.integer(ceiling(0.3 * pre))) + sample(0:2, n, replace = TRUE)
      post[relieved] <- pmax(0L, pre - fall)[relieved]
      post
    }
    lbp_post <- score_followup(lbp_pre, alleviated %in% "lbp")
    leg_pain_post <- score_followup(leg_pain_pre, alleviated %in% "leg_pain")
    numbness_post <- score_followup(numbness_pre, alleviated %in% "numbness")

    # Walking distance: unlimited or 1.5-2.5 times farther for the chosen;
    # otherwise within -10% .. +20%, or (about 6%) half as far.
    factor_change <- runif(n, 0.9, 1.2)
    worse <- runif(n) < 0.06
    factor_change[worse] <- 0.5
    claudication_post <- pmax(10, round(claudication_pre * factor_change / 10) * 10)
    relieved <- which(alleviated %in% "claudication")
    claudication_post[relieved] <- c(Inf, Inf,
      round(claudication_pre[relieved[-(1:2)]] * runif(3, 1.5, 2.5) / 10) * 10)
    claudication_post[is.infinite(claudication_pre)] <- Inf

    # Missing values (a questionnaire item left blank, a walk test not done)
    # among patients who were not alleviated.
    blank <- function(x, p) {
      x[is.na(alleviated) & runif(n) < p] <- NA
      x
    }
    data <- data.frame(
      id = sprintf("P%03d", seq_len(n)),
      hospital = hospital, exam_date = exam_date, age = age, sex = sex,
      diagnosis = diagnosis,
      lbp_pre = blank(lbp_pre, 0.02), lbp_post = blank(lbp_post, 0.03),
      leg_pain_pre = blank(leg_pain_pre, 0.02),
      leg_pain_post = blank(leg_pain_post, 0.03),
      numbness_pre = blank(numbness_pre, 0.03),
      numbness_post = blank(numbness_post, 0.04),
      claudication_pre = blank(claudication_pre, 0.04),
      claudication_post = blank(claudication_post, 0.05),
      myelo_block = factor(sample(c("none", "partial", "complete"), n,
                                  replace = TRUE, prob = c(0.3, 0.5, 0.2)),
                           levels = c("none", "partial", "complete"))
    )
    data
  })
}

# The figures the paper's abstract reports, paraphrased.
make_guo2016 <- function() {
  data.frame(
    symptom = c("any", "lbp", "leg_pain", "numbness", "claudication"),
    description = c("any symptom", "lower back pain", "leg pain",
                    "numbness of the lower extremities",
                    "intermittent claudication"),
    alleviated = c(35L, 26L, 2L, 2L, 5L),
    patients = 325L,
    reported = c(
      "35 of 325 cases (10.8%) had their symptoms alleviated after myelography",
      "26 of the alleviated cases were of lower back pain",
      "2 were of leg pain",
      "2 were of numbness of the lower extremity",
      "5 were of intermittent claudication")
  )
}
