#!/usr/bin/env bash
# Builds the web apps the server serves: web-candidate into dist/web-candidate, web-admin into dist/web-admin.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
for app in web-candidate web-admin; do
  if [ -f "$app/vite.config.ts" ]; then
    npx vite build --config "$app/vite.config.ts" --logLevel warn
  fi
done
