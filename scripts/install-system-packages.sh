#!/usr/bin/env bash
# Install the Debian/Ubuntu packages that Manim needs, skipping those already there.
#
# pycairo and manimpango publish no Linux wheels, so pip builds them against the
# Cairo and Pango headers; MathTex, axis labels and DecimalNumber run LaTeX and
# dvisvgm. Installing uses apt-get as root, or sudo when it needs no password.
set -euo pipefail

packages=(
  libcairo2-dev libpango1.0-dev pkg-config
  texlive-latex-base texlive-latex-recommended texlive-latex-extra
  texlive-fonts-recommended dvisvgm
)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: missing system packages: ${missing[*]}" >&2
  echo "This script installs them with apt-get (Debian or Ubuntu); on another" >&2
  echo "system install Cairo and Pango headers, pkg-config, LaTeX and dvisvgm." >&2
  exit 1
fi

if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "error: missing system packages: ${missing[*]}" >&2
  echo "Installing them needs root. Run:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

echo "Installing system packages: ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq \
  --no-install-recommends "${missing[@]}"
