#!/usr/bin/env bash
# Fails when clang-format, with the repository's .clang-format, would change any of our C++ files:
# the tracked .cpp/.h/.cc/.hpp sources (never build directories, node_modules or third-party
# copies). Lists each file it would change and the command that fixes them, exit 1; exit 0 when
# every file is as clang-format writes it; exit 2 when clang-format is missing.
# deploy/test.sh runs it first, before anything is built: a few seconds, not a build's minutes.
#
#   deploy/check-format.sh                  # check
#   CLANG_FORMAT=clang-format-14 deploy/check-format.sh
#
# Layouts differ between clang-format versions; CI uses Debian 12's (14), which install-deps.sh
# installs, and so should whoever formats before committing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

clang_format="${CLANG_FORMAT:-clang-format}"
if ! command -v "$clang_format" >/dev/null; then
  echo "check-format: $clang_format not found (deploy/install-deps.sh clang-format)" >&2
  exit 2
fi

# The files: what git tracks when this is a clone, else what a tarball holds, build dirs pruned.
files=()
if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -d '' files < <(git ls-files -z -- '*.cpp' '*.h' '*.cc' '*.hpp')
else
  mapfile -d '' files < <(find . \( -name 'build*' -o -name node_modules -o -name .git \) -prune \
    -o -type f \( -name '*.cpp' -o -name '*.h' -o -name '*.cc' -o -name '*.hpp' \) -printf '%P\0')
fi
kept=()
for f in "${files[@]}"; do
  case "$f" in
    third_party/* | */third_party/* | vendor/* | */vendor/* | */node_modules/*) ;;
    *) kept+=("$f") ;;
  esac
done

# One clang-format per file, two at a time; a file is flagged when its formatted text differs.
mapfile -t flagged < <(printf '%s\0' "${kept[@]}" |
  xargs -0 -P 2 -I{} sh -c '"$0" --style=file "$1" | cmp -s - "$1" || echo "$1"' \
    "$clang_format" {} | sort)

if ((${#flagged[@]} == 0)); then
  echo "check-format: ${#kept[@]} C++ files, all formatted ($("$clang_format" --version))"
  exit 0
fi

echo "check-format: clang-format would change ${#flagged[@]} of ${#kept[@]} C++ files:" >&2
printf '  %s\n' "${flagged[@]}" >&2
echo "fix them with:" >&2
echo "  $clang_format -i ${flagged[*]}" >&2
exit 1
