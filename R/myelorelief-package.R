#' @keywords internal
#' @references
#' Guo R, Sakakibara T, Mizuno T, Akeda K, Kondo T, Kasai Y. Relief of lower
#' back and leg pain after myelography. Open Orthop J 2016;10:539-542.
#' \doi{10.2174/1874325001610010539}
"_PACKAGE"

#' @useDynLib myelorelief, .registration = TRUE
NULL
