#!/bin/bash
# GPU check for groundwork's local models: the embedding/rerank benchmark on onnxruntime-node's
# WebGPU execution provider (Dawn over Vulkan), with the CPU provider on the same machine for reference.
set -u
cd "$(dirname "$0")"
W=/tmp/gw; mkdir -p $W
for f in debs/*.deb; do dpkg -x "$f" /; done; ldconfig
xz -dc node.xz > $W/node && chmod +x $W/node
tar -xJf nm.tar.xz -C .
SCIFACT_ARGS=(--scifact /nonexistent-scifact.jsonl)
if [ -f scifact.jsonl.xz ]; then xz -dc scifact.jsonl.xz > $W/scifact.jsonl; SCIFACT_ARGS=(--scifact $W/scifact.jsonl); fi
export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
ls /usr/local/nvidia/share/vulkan/icd.d/ 2>&1 | head -3
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
$W/node --version
echo "== webgpu"
timeout 240 $W/node embed.mjs --device webgpu --texts 1024 --scifact-texts 1024 --rerank-candidates 100 --naive-texts 64 --dtypes fp32 --ingest-documents 0 "${SCIFACT_ARGS[@]}" > $OUT/embed-webgpu.json 2> $OUT/embed-webgpu.err; echo "webgpu exit $?"
tail -c 1500 $OUT/embed-webgpu.err
cat $OUT/embed-webgpu.json

echo "== cpu (16 cores)"
timeout 150 $W/node embed.mjs --device cpu --texts 256 --scifact-texts 256 --naive-texts 32 --dtypes fp32,q8 --ingest-documents 0 "${SCIFACT_ARGS[@]}" > $OUT/embed-cpu.json 2> $OUT/embed-cpu.err; echo "cpu exit $?"
tail -c 800 $OUT/embed-cpu.err
cat $OUT/embed-cpu.json
