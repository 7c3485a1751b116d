#!/bin/bash
# tiff-dumper as an AWS Batch array job: N child jobs, child k scans shard k/N
# (tiff-dumper reads AWS_BATCH_JOB_ARRAY_INDEX and AWS_BATCH_JOB_ARRAY_SIZE),
# all writing into one EFS directory (job-definition.json mounts it at
# /mnt/catalog; put config.yaml there and create /mnt/catalog/out first).
#
#   deploy/aws-batch/submit.sh QUEUE [N]          # submit N shards (default 16)
#   deploy/aws-batch/submit.sh QUEUE N rerun K    # re-run shard K of N alone
#
# Failed children are retried by the job definition's retryStrategy with the
# same index; --resume keeps what an attempt already wrote. Done when
# /mnt/catalog/out holds _SUCCESS-s0000.json ... with "shards": N each.
# Credentials: static keys from Secrets Manager (see job-definition.json) or
# a public bucket (skip_signature); the job role's credentials are not read.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
queue=${1:?usage: submit.sh QUEUE [N] [rerun K]}
n=${2:-16}

aws batch register-job-definition --cli-input-json "file://$here/job-definition.json" >/dev/null

if [ "${3:-}" = rerun ]; then
  k=${4:?rerun needs the shard index K}
  # A plain (non-array) job naming its shard explicitly.
  aws batch submit-job --job-name "tiff-dumper-s$k" --job-queue "$queue" --job-definition tiff-dumper \
    --container-overrides "{\"command\": [\"sh\", \"-c\", \"tiff-dumper headers /mnt/catalog/config.yaml /mnt/catalog/out --resume --shard $k/$n; rc=\$?; if [ \$rc -eq 3 ]; then rc=0; fi; exit \$rc\"]}"
else
  # Array size 2..10000; each child gets AWS_BATCH_JOB_ARRAY_INDEX = 0..N-1.
  aws batch submit-job --job-name tiff-dumper --job-queue "$queue" --job-definition tiff-dumper \
    --array-properties "size=$n"
fi
