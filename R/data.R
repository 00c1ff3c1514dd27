#' Synthetic myelography cohort matching Guo et al. (2016)
#'
#' **These are not the study's patients.** The patient-level data of Guo et
#' al. (2016) were never published. This cohort of 325 invented patients was
#' built (by the deterministic script `inst/scripts/make_myelography.R`,
#' rebuilt with `data-raw/myelography.R`) so that, under [study_rules()], it
#' reproduces every aggregate the paper published exactly: 325 patients at
#' four hospitals examined between April 2012 and March 2014; 35 (10.8%) with
#' a symptom alleviated after myelography, 26 of lower back pain, 2 of leg
#' pain, 2 of numbness and 5 of intermittent claudication, each alleviated
#' patient with exactly one alleviated symptom. Everything else (hospital
#' sizes, ages, sexes, diagnoses, scores, missing values, worsened and
#' symptom-free patients, myelographic block) is plausible but invented, and
#' stands for nothing the study found. Use it to learn and test the package,
#' never as evidence about myelography.
#'
#' @format A data frame with 325 rows, one per patient, and 15 columns:
#' \describe{
#'   \item{id}{Patient identifier, "P001" to "P325".}
#'   \item{hospital}{Factor, four hospitals "A" to "D".}
#'   \item{exam_date}{Date of myelography, April 2012 to March 2014.}
#'   \item{age}{Age in years.}
#'   \item{sex}{Factor: female, male.}
#'   \item{diagnosis}{Factor: lumbar spinal canal stenosis, lumbar disc
#'     herniation, degenerative spondylolisthesis, degenerative scoliosis,
#'     other.}
#'   \item{lbp_pre, lbp_post}{Lower back pain before and after myelography,
#'     numeric rating scale 0-10 (integer; NA = not recorded).}
#'   \item{leg_pain_pre, leg_pain_post}{Leg pain, NRS 0-10.}
#'   \item{numbness_pre, numbness_post}{Numbness of the lower extremities,
#'     NRS 0-10.}
#'   \item{claudication_pre, claudication_post}{Walking distance to
#'     intermittent claudication in metres; `Inf` = walks without limit.}
#'   \item{myelo_block}{Factor: myelographic block none, partial, complete.}
#' }
#' @source Invented; built to match the aggregates of Guo R, Sakakibara T,
#'   Mizuno T, Akeda K, Kondo T, Kasai Y. Relief of lower back and leg pain
#'   after myelography. Open Orthop J 2016;10:539-542.
#'   \doi{10.2174/1874325001610010539}
#' @seealso [guo2016] for the published figures, [reproduce_guo2016()].
#' @examples
#' str(myelography)
#' table(classify_cohort(myelography)$primary_symptom)
"myelography"

#' The figures Guo et al. (2016) published
#'
#' The aggregate results in the abstract of Guo et al. (2016), one row per
#' figure: the patients with any symptom alleviated after myelography, then
#' the alleviated patients by symptom.
#'
#' @format A data frame with 5 rows and 5 columns:
#' \describe{
#'   \item{symptom}{"any", or the symptom's name in [study_rules()].}
#'   \item{description}{The symptom in words.}
#'   \item{alleviated}{Patients with the symptom alleviated.}
#'   \item{patients}{Patients in the study (325).}
#'   \item{reported}{The abstract's statement of the figure (paraphrased).}
#' }
#' @source Guo R, Sakakibara T, Mizuno T, Akeda K, Kondo T, Kasai Y. Relief
#'   of lower back and leg pain after myelography. Open Orthop J
#'   2016;10:539-542. \doi{10.2174/1874325001610010539}
#' @examples
#' guo2016
#' prop_ci(guo2016$alleviated, guo2016$patients, method = "exact")
"guo2016"

#' A HYPOTHETICAL two-arm, four-centre trial of intradural injection
#'
#' **No such trial exists. These patients and results are invented.** Guo et
#' al. (2016) suggest intradural injection as a therapy; this data set
#' imagines the randomised trial that could follow, so that the package can
#' show the analysis of a multicentre responder trial ([compare_rates()],
#' pooled over centres). It was made by the deterministic, documented script
#' `inst/scripts/make_hypothetical_trial.R` (rebuilt with
#' `data-raw/hypothetical_trial.R`): 360 patients at four centres (60, 80,
#' 100 and 120), randomised 1:1 within centre in permuted blocks of four to
#' a sham procedure or injection; symptoms measured as in [myelography]
#' before and one week after; alleviation drawn so that about 11% of sham
#' patients have a symptom alleviated under [study_rules()] (the rate Guo et
#' al. observed) and the odds are three times as high with injection, the
#' same at every centre, whose base rates differ. About 3% of follow-ups are
#' missing. It stands for nothing that has been observed.
#'
#' @format A data frame with 360 rows, one per patient, and 13 columns:
#' \describe{
#'   \item{id}{Patient identifier, "T001" to "T360".}
#'   \item{centre}{Factor, "Centre 1" to "Centre 4".}
#'   \item{arm}{Factor: sham (the reference), injection.}
#'   \item{age}{Age in years.}
#'   \item{sex}{Factor: female, male.}
#'   \item{lbp_pre, lbp_post}{Lower back pain, numeric rating scale 0-10.}
#'   \item{leg_pain_pre, leg_pain_post}{Leg pain, NRS 0-10.}
#'   \item{numbness_pre, numbness_post}{Numbness of the lower extremities,
#'     NRS 0-10.}
#'   \item{claudication_pre, claudication_post}{Walking distance to
#'     intermittent claudication in metres; `Inf` = walks without limit.}
#' }
#' @source Invented (hypothetical); see the script named above.
#' @seealso `vignette("comparing-groups", package = "myelorelief")`.
#' @examples
#' trial <- classify_cohort(hypothetical_trial)
#' compare_rates(tabulate_cohort(trial, by = c("arm", "centre")), "arm",
#'               strata = "centre")
"hypothetical_trial"
