#!/usr/bin/env bash
# modelkit's CI entry (called by .ci/run): install what pyproject needs, run the fast pytest suite
# (parity of every committed graph with PyTorch, finite-difference gradients, a fresh export,
# the rule port's agreement with the task suite's labels, the reasoner's decoders).
set -euo pipefail
cd "$(dirname "$0")"
python -m pip install -q -e . 
python -m pytest -q tests
