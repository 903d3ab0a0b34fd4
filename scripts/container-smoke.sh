#!/usr/bin/env bash
# Builds the groundwork image and checks a running container: /health, /ready, the HEALTHCHECK,
# the non-root user, an upload and one cited answer. Needs a Docker daemon; NODE_IMAGE picks the
# base image (default node:20-bookworm-slim; offline, a locally imported one with the same layout).
#   scripts/container-smoke.sh            # prints one JSON line with what it checked
set -euo pipefail
IMAGE=${IMAGE:-groundwork:smoke}
NODE_IMAGE=${NODE_IMAGE:-node:20-bookworm-slim}
NAME=groundwork-smoke-$$
PORT=${PORT:-18787}
cd "$(dirname "$0")/.."

docker build --quiet --build-arg NODE_IMAGE="$NODE_IMAGE" -t "$IMAGE" . >/dev/null
docker volume create "$NAME-data" >/dev/null
cleanup() { docker rm -f "$NAME" >/dev/null 2>&1 || true; docker volume rm "$NAME-data" >/dev/null 2>&1 || true; }
trap cleanup EXIT
docker run -d --name "$NAME" -p "127.0.0.1:$PORT:8787" -v "$NAME-data:/data" "$IMAGE" >/dev/null
URL="http://127.0.0.1:$PORT"

for _ in $(seq 1 60); do curl -fsS "$URL/health" >/dev/null 2>&1 && break; sleep 1; done
health=$(curl -fsS "$URL/health")
ready=$(curl -sS -o /dev/null -w '%{http_code}' "$URL/ready")
user=$(docker exec "$NAME" id -un)
# The admin key the first start printed once to the logs.
key=$(docker logs "$NAME" 2>&1 | grep -oE 'gwk_[A-Za-z0-9_-]+' | head -1)
[ -n "$key" ] || { echo "no admin key in the logs" >&2; docker logs "$NAME" >&2; exit 1; }
upload=$(curl -fsS -H "Authorization: Bearer $key" -F "file=@samples/corpus/travel-and-expense-policy.md" "$URL/v1/documents" | head -c 400)
answer=$(curl -fsS -H "Authorization: Bearer $key" -H 'content-type: application/json' -d '{"question":"How much is the per diem for meals when travelling overnight?"}' "$URL/v1/ask")
for _ in $(seq 1 40); do
  status=$(docker inspect -f '{{.State.Health.Status}}' "$NAME")
  [ "$status" = starting ] || break
  sleep 1
done
node -e '
const [health, ready, user, upload, answer, status] = process.argv.slice(1);
const a = JSON.parse(answer);
const out = { health: JSON.parse(health).status, ready: Number(ready), user, healthcheck: status, uploaded: JSON.parse(upload).status, refused: a.refused, citations: a.citations.map((c) => c.externalId), answer: a.answer.slice(0, 160) };
console.log(JSON.stringify(out));
if (out.health !== "ok" || out.ready !== 200 || user === "root" || out.refused || out.citations.length === 0 || status !== "healthy") process.exit(1);
' "$health" "$ready" "$user" "$upload" "$answer" "$status"
