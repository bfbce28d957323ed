#!/usr/bin/env bash
# STYLE rule 7: each third-party library lives in a few named .cc files.
# Debian puts every header in /usr/include, so the compiler cannot catch a
# leak; this check (run by ctest) does. Prints offenders and exits 1.
set -u
cd "$(dirname "$0")/.."
status=0
check() {  # what follows "#include ", allowed files (regex over paths)
  local pattern=$1 allowed=$2
  while IFS= read -r file; do
    if ! [[ $file =~ $allowed ]]; then
      echo "$file includes $pattern outside its allowed files ($allowed)"
      status=1
    fi
  done < <(grep -rlE --include='*.cc' --include='*.h' "#include $pattern" \
             crawler rules storage reports app 2>/dev/null)
}
# The fetcher is fetcher.cc (the multi loop), fetcher_transfer.{h,cc} (one
# transfer's options and callbacks) and fetcher_response.cc (an ended
# transfer -> FetchResult). fetcher_transfer.h carries curl.h, so it and
# fetcher_response.h are internal: only the fetcher's own files include them.
check '<curl/' '^(crawler/fetcher(_transfer|_response)?\.cc|crawler/fetcher_transfer\.h|crawler/url\.cc|reports/alert\.cc)$'
check '"crawler/fetcher_(transfer|response)\.h' '^crawler/fetcher(_transfer|_response)?\.(cc|h)$'
check '<re2/' '^rules/matcher\.cc$'
check '<gumbo' '^rules/document\.cc$'
check '<SQLiteCpp/' '^storage/[a-z_]+\.cc$'
check '<poppler' '^rules/pdf_text\.cc$'
check '<(zlib\.h|brotli/)' '^crawler/content_decoder\.cc$'
check '<zstd\.h' '^(crawler/content_decoder|storage/links_blob)\.cc$'
exit $status
