#!/bin/bash
# Builds .gpu/: what a GPU machine needs to run bench/embed.ts there, where there is no Node.js
# and nothing can be fetched: bench/embed.ts bundled with esbuild, this machine's node binary,
# onnxruntime-node's linux-x64 binary (its WebGPU provider is bundled), a stub for sharp (images
# are not used), and the Vulkan/GL loader packages (Debian). Then, on the GPU machine, from the
# repository root (.gpu carried along): bash .gpu/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
rm -rf .gpu && mkdir -p .gpu/debs .gpu/node_modules/sharp .gpu/node_modules/onnxruntime-node/bin/napi-v6/linux/x64
BANNER="import { createRequire as __gwCreateRequire } from 'module'; const require = __gwCreateRequire(import.meta.url);"
npx esbuild bench/embed.ts --bundle --platform=node --format=esm --target=node20 --outfile=.gpu/embed.mjs \
  --external:onnxruntime-node --external:sharp --banner:js="$BANNER"
# Local models run on worker threads (src/models/local-session.ts): their entry is bundled beside
# embed.mjs under the name the pool starts (local-session-worker.js), as ESM.
npx esbuild src/models/local-session-worker.ts --bundle --platform=node --format=esm --target=node20 --outfile=.gpu/local-session-worker.js \
  --external:onnxruntime-node --external:sharp --banner:js="$BANNER"
echo '{"type":"module"}' > .gpu/package.json
# SciFact abstracts for the real-length inputs, when this machine has them.
SCIFACT=${SCIFACT:-/work/shared/datasets/scifact/corpus.jsonl}
if [ -f "$SCIFACT" ]; then xz -T2 -6 -c "$SCIFACT" > .gpu/scifact.jsonl.xz; else echo "note: $SCIFACT not found; the GPU run will report SciFact as skipped"; fi
echo 'export default function sharp() { throw new Error("sharp is not in the GPU bench bundle (images are not used)"); }' > .gpu/node_modules/sharp/index.js
echo '{"name":"sharp","version":"0.0.0-stub","type":"module","main":"index.js"}' > .gpu/node_modules/sharp/package.json
cp -r node_modules/onnxruntime-common .gpu/node_modules/
cp -r node_modules/onnxruntime-node/package.json node_modules/onnxruntime-node/dist node_modules/onnxruntime-node/lib .gpu/node_modules/onnxruntime-node/
cp node_modules/onnxruntime-node/bin/napi-v6/linux/x64/* .gpu/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/
(cd .gpu && tar -cJf nm.tar.xz node_modules && rm -rf node_modules)
xz -T2 -6 -c "$(command -v node)" > .gpu/node.xz
(cd .gpu/debs && apt-get download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
cp scripts/gpu-bench/run.sh .gpu/run.sh
du -sh .gpu
