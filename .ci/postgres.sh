#!/usr/bin/env bash
# Start Debian's PostgreSQL cluster and create a throwaway database for the tests.
# Prints the URL to use; the tests read it from INTERVIEWER_TEST_POSTGRES_URL.
set -euo pipefail
# Only the URL may reach stdout: the caller captures it.
exec 3>&1 1>&2
version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
# The server must not inherit any of this script's descriptors: holding fd 3 (the caller's
# $(...) pipe) open made the caller wait forever, and holding stdout/stderr would keep a CI
# runner waiting for end-of-file after the job.
pg_ctlcluster "$version" main start </dev/null >/dev/null 2>&1 3>&- ||
  pg_ctlcluster "$version" main status </dev/null >/dev/null 2>&1 3>&-
for _ in $(seq 1 30); do
  su postgres -c "pg_isready -q" && break
  sleep 1
done
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='interviewer'\"" | grep -q 1 ||
  su postgres -c "psql -qc \"CREATE ROLE interviewer LOGIN PASSWORD 'interviewer'\""
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='interviewer_test'\"" | grep -q 1 ||
  su postgres -c "createdb -O interviewer interviewer_test"
echo "postgresql://interviewer:interviewer@127.0.0.1:5432/interviewer_test" >&3
