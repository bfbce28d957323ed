#!/usr/bin/env bash
# STYLE rule 7: each third-party library lives in a few named .cc files.
# Debian puts every header in /usr/include, so the compiler cannot catch a
# leak; this check (run by ctest) does. Prints offenders and exits 1.
set -u
cd "$(dirname "$0")/.."
status=0
check() {  # pattern, allowed files (regex over paths)
  local pattern=$1 allowed=$2
  while IFS= read -r file; do
    if ! [[ $file =~ $allowed ]]; then
      echo "$file includes $pattern outside its allowed files ($allowed)"
      status=1
    fi
  done < <(grep -rl --include='*.cc' --include='*.h' "#include <$pattern" \
             crawler rules storage reports app 2>/dev/null)
}
check 'curl/' '^(crawler/fetcher\.cc|crawler/url\.cc|reports/alert\.cc)$'
check 're2/' '^rules/matcher\.cc$'
check 'gumbo' '^rules/document\.cc$'
check 'SQLiteCpp/' '^storage/[a-z_]+\.cc$'
check 'poppler' '^rules/pdf_text\.cc$'
exit $status
