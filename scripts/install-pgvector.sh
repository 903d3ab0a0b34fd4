#!/usr/bin/env bash
# Builds pgvector from Debian's source package (trixie carries 0.8.x; Debian 12 packages none)
# against the installed PostgreSQL server and installs it. Idempotent: does nothing when the
# installed extension already has the wanted version. Prints what it did.
set -euo pipefail

WANT="${PGVECTOR_VERSION:-0.8.0}"
PG_MAJOR="${PG_MAJOR:-$(ls /usr/lib/postgresql | sort -n | tail -1)}"
PG_CONFIG="/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config"
SHAREDIR="$("$PG_CONFIG" --sharedir 2>/dev/null || echo /usr/share/postgresql/${PG_MAJOR})"

installed=""
if [ -f "${SHAREDIR}/extension/vector.control" ]; then
  installed="$(sed -n "s/^default_version = '\(.*\)'/\1/p" "${SHAREDIR}/extension/vector.control")"
fi
if [ -n "$installed" ] && [ "${installed%.*}" = "${WANT%.*}" ]; then
  echo "install-pgvector: pgvector ${installed} already installed for PostgreSQL ${PG_MAJOR}; nothing to do"
  exit 0
fi

echo "install-pgvector: building pgvector (wanted ${WANT}, installed: ${installed:-none}) for PostgreSQL ${PG_MAJOR}"
export DEBIAN_FRONTEND=noninteractive
if ! grep -rqs "trixie" /etc/apt/sources.list /etc/apt/sources.list.d/; then
  echo "deb-src http://deb.debian.org/debian trixie main" > /etc/apt/sources.list.d/groundwork-trixie-src.list
  echo "install-pgvector: added a deb-src entry for trixie"
fi
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "postgresql-server-dev-${PG_MAJOR}" build-essential dpkg-dev >/dev/null

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get source -qq pgvector >/dev/null 2>&1 || apt-get source pgvector
src="$(find . -maxdepth 1 -type d -name 'pgvector-*' | head -1)"
[ -n "$src" ] || { echo "install-pgvector: apt-get source pgvector produced no source tree" >&2; exit 1; }
echo "install-pgvector: source $(basename "$src")"
make -s -C "$src" PG_CONFIG="$PG_CONFIG" OPTFLAGS="" >/dev/null
make -s -C "$src" PG_CONFIG="$PG_CONFIG" install >/dev/null
version="$(sed -n "s/^default_version = '\(.*\)'/\1/p" "${SHAREDIR}/extension/vector.control")"
echo "install-pgvector: installed pgvector ${version} into PostgreSQL ${PG_MAJOR}"
