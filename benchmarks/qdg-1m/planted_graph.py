"""A planted-cluster graph straight away (no gradients): sample i is in cluster i mod C and links to m others, 90% in its
own cluster, weights in [0.5, 1], symmetrised by the larger weight; scipy CSR .npz plus <out>-truth.npy.
For memory estimates and checks at sizes where building the m-NN graph from gradients would take long.
Usage: /usr/bin/python3 planted_graph.py N C M out.npz
"""
import sys, numpy as np, scipy.sparse as sp
n=int(sys.argv[1]); C=int(sys.argv[2]); m=int(sys.argv[3]); out=sys.argv[4]
rng=np.random.default_rng(n)
truth=np.arange(n)%C
src=np.repeat(np.arange(n),m)
c=truth[src]; size=(n-c+C-1)//C
intra=rng.random(n*m)<0.9
dst=np.where(intra, c+C*(rng.integers(0,1<<30,n*m)%size), rng.integers(0,n,n*m))
keep=dst!=src
src,dst=src[keep],dst[keep]
w=(0.5+0.5*rng.random(len(src))).astype(np.float32)
a=sp.coo_matrix((w,(src,dst)),shape=(n,n)).tocsr()
a=a.maximum(a.T).tocsr().astype(np.float32)
a.sort_indices()
sp.save_npz(out,a,compressed=False)
np.save(out.replace('.npz','-truth.npy'),truth.astype(np.int32))
print(n,a.nnz)
