# A throwaway PostgreSQL cluster for the source tests: initdb into a
# temporary folder (as the unprivileged "postgres" user when the tests run
# as root, which initdb refuses), pg_ctl start on a free local port, stopped
# and removed when the test file ends. NULL, with the reason, where the
# server binaries or the R driver are absent.

postgres_binaries <- function() {
  found <- Sys.which("initdb")
  dirs <- c(if (nzchar(found)) dirname(found),
            rev(sort(Sys.glob("/usr/lib/postgresql/*/bin"))))
  for (dir in dirs) {
    if (file.exists(file.path(dir, "initdb")) && file.exists(file.path(dir, "pg_ctl"))) {
      return(dir)
    }
  }
  NULL
}

free_port <- function() {
  for (attempt in 1:50) {
    port <- sample(20000:45000, 1L)
    socket <- tryCatch(suppressWarnings(
      serverSocket(port)), error = function(e) NULL)
    if (!is.null(socket)) {
      close(socket)
      return(port)
    }
  }
  NA_integer_
}

# Starts a cluster and returns a list with `connect()` (a new RPostgreSQL
# connection) and `stop()`; or a string saying why it could not.
start_postgres <- function() {
  if (!requireNamespace("DBI", quietly = TRUE) ||
      !requireNamespace("RPostgreSQL", quietly = TRUE)) {
    return("the DBI and RPostgreSQL packages are not installed")
  }
  bin <- postgres_binaries()
  if (is.null(bin)) return("PostgreSQL's initdb and pg_ctl are not installed")
  as_root <- identical(unname(Sys.info()[["effective_user"]]), "root")
  if (as_root && !nzchar(Sys.which("runuser"))) return("running as root without runuser")
  if (as_root && system2("id", "postgres", stdout = FALSE, stderr = FALSE) != 0) {
    return("running as root and there is no \"postgres\" user to run the server as")
  }
  port <- free_port()
  if (is.na(port)) return("no free local port")
  # Under /tmp rather than tempdir(): the server's user must reach it.
  dir <- tempfile("myelorelief-pg-", tmpdir = "/tmp")
  dir.create(dir, mode = "0700")
  run <- function(program, args) {
    if (as_root) {
      system2("runuser", c("-u", "postgres", "--", file.path(bin, program), args),
              stdout = FALSE, stderr = FALSE)
    } else {
      system2(file.path(bin, program), args, stdout = FALSE, stderr = FALSE)
    }
  }
  if (as_root) system2("chown", c("postgres", shQuote(dir)))
  data <- file.path(dir, "data")
  status <- run("initdb", c("-D", shQuote(data), "-U", "postgres", "--auth=trust",
                            "-E", "UTF8", "--locale=C"))
  if (status != 0) {
    unlink(dir, recursive = TRUE)
    return("initdb failed")
  }
  options <- sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", port, dir)
  status <- run("pg_ctl", c("-D", shQuote(data), "-o", shQuote(options), "-w",
                            "-l", shQuote(file.path(dir, "log")), "start"))
  stop_server <- function() {
    run("pg_ctl", c("-D", shQuote(data), "-m", "immediate", "-w", "stop"))
    unlink(dir, recursive = TRUE)
  }
  if (status != 0) {
    stop_server()
    return("pg_ctl could not start the server")
  }
  connect <- function() {
    DBI::dbConnect(RPostgreSQL::PostgreSQL(), host = "127.0.0.1", port = port,
                   user = "postgres", dbname = "postgres")
  }
  list(connect = connect, stop = stop_server, port = port)
}

# A cluster for a test: skips with the reason where there is none; stopped
# when `env` (the test's frame) ends.
local_postgres <- function(env = parent.frame()) {
  testthat::skip_on_cran()
  testthat::skip_if(nzchar(Sys.getenv("MYELORELIEF_MEMCHECK")), "a database server under a memory checker")
  server <- start_postgres()
  if (is.character(server)) testthat::skip(paste("no PostgreSQL:", server))
  withr::defer(server$stop(), envir = env)
  server
}
