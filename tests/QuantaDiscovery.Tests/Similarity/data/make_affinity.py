"""Reference angular affinity for the Similarity tests, computed with numpy in float64.

Re-run from the repository root: /usr/bin/python3 tests/QuantaDiscovery.Tests/Similarity/data/make_affinity.py
Writes gradients.npy (float32 [60, 300]) and affinity.npy (float32 [60, 60]) next to this script.
"""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(7)
g = rng.standard_normal((60, 300)).astype(np.float32)
g[1] = 3 * g[0]      # parallel to row 0: affinity 1
g[2] = -0.5 * g[0]   # opposite to row 0: affinity 0
g[3, :150] = 0       # rows 3 and 4 orthogonal: affinity 1/2
g[4, 150:] = 0
g[4, :150] = rng.standard_normal(150)
g[3, 150:] = rng.standard_normal(150)
g[4, 150:] = 0
g[3, :150] = 0
unit = g.astype(np.float64) / np.linalg.norm(g.astype(np.float64), axis=1, keepdims=True)
a = 1 - np.arccos(np.clip(unit @ unit.T, -1, 1)) / np.pi
np.save(os.path.join(HERE, "gradients.npy"), g)
np.save(os.path.join(HERE, "affinity.npy"), a.astype(np.float32))
print("affinity[0, 1:5] =", a[0, 1:5], "affinity[3, 4] =", a[3, 4])
