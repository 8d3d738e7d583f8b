#!/usr/bin/env bash
# Fails, listing the files, when any C++ source differs from what clang-format would write.
set -uo pipefail
cd "$(dirname "$0")/.."
clang_format="${CLANG_FORMAT:-clang-format}"
bad=()
while IFS= read -r file; do
  if ! "$clang_format" --dry-run --Werror "$file" >/dev/null 2>&1; then bad+=("$file"); fi
done < <(find src bench -name '*.h' -o -name '*.cc' | sort)
if [ ${#bad[@]} -gt 0 ]; then
  echo "not formatted (run: make format):"
  printf '  %s\n' "${bad[@]}"
  exit 1
fi
echo "format: all C++ files formatted"
