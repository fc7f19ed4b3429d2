#!/usr/bin/env python3
# iforest-sklearn.py — scikit-learn's IsolationForest on a CSV matrix, for
# test-profile-iforest: reads IN.csv (rows of numbers, no header), fits
# IsolationForest(n_estimators=100, max_samples=256, random_state=0) and
# writes s(x) = -score_samples(x), one a line, to OUT.
# Exit status 77 when scikit-learn is missing (the test then skips).
#
# Usage: iforest-sklearn.py IN.csv OUT
#
# SPDX-License-Identifier: GPL-3.0-or-later
import sys

try:
    import numpy as np
    from sklearn.ensemble import IsolationForest
except ImportError:
    sys.exit(77)

X = np.loadtxt(sys.argv[1], delimiter=",", ndmin=2)
forest = IsolationForest(n_estimators=100, max_samples=256, random_state=0).fit(X)
np.savetxt(sys.argv[2], -forest.score_samples(X), fmt="%.17g")
