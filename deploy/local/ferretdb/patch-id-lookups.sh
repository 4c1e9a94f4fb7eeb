#!/usr/bin/env bash
# Patch the vendored FerretDB 1.24.2 so that lookups and updates by _id use the unique _id index.
#
# FerretDB's SQLite backend creates that index on the expression `_ferretdb_sjson->"_id"` but
# queries with `_ferretdb_sjson->'$._id'`: the same value, a different expression, so SQLite scans
# the whole table for every find, update and delete by _id. Spelling the query expression like the
# index makes those statements indexed (the upstream code carries a TODO about it, FerretDB#3235).
set -euo pipefail
file="vendor/github.com/FerretDB/FerretDB/internal/backends/sqlite/metadata/metadata.go"
grep -q "IDColumn = DefaultColumn + \"->'\$._id'\"" "$file" || {
  echo "patch-id-lookups: $file no longer has the expected IDColumn; review the patch" >&2
  exit 1
}
sed -i "s|IDColumn = DefaultColumn + \"->'\\\$._id'\"|IDColumn = DefaultColumn + \`->\"_id\"\`|" "$file"
