library(testthat)
library(myelorelief)

test_check("myelorelief")
