#!/bin/sh
# Strategy quality on NAS-Bench-201 (the table in docs/strategies.md): 100 runs of each strategy,
# 12-epoch CIFAR-10 validation accuracy as reward, test accuracy reported, 12,000 simulated seconds.
# Usage: sh bench/strategies.sh [extra options, e.g. --runs 30 --seed 2000]
set -e
cd "$(dirname "$0")/.."
[ -f dist/src/cli.js ] || npx tsc -p .
exec node dist/src/cli.js bench strategies --space nas-bench-201 \
  --table data/nas-bench-201/nb201-12epoch.csv \
  --reward-column cifar10_valid_acc_12ep --report-column cifar10_test_acc_12ep \
  --cost-column cost_12ep_s --budget-seconds 12000 --runs 100 \
  --strategies random,evolution,reinforce,smbo --json runs/bench-strategies.json "$@"
