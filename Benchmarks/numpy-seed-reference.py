"""The seed's own numpy code (gradient_nn with its Kronecker product), per-example
SGD, for comparison with `swift run -c release runner-benchmark`:

    python3 Benchmarks/numpy-seed-reference.py

Not part of the package; it keeps the README's comparison honest.
"""
import numpy as np, time
def sigm(x): return 1/(1+np.exp(-x))
def ind(H): return (H>0)*1.0
def gradient_nn(X, Y, Wi, bi, Wo, bo):
    H = np.maximum(np.matmul(X,Wi) + bi, 0)
    Yo = np.dot(Wo, H) + bo
    h,d = len(Wo), len(X)
    grad_s_bo = -Y*sigm(-Y*Yo)
    grad_s_Wo = grad_s_bo*H
    grad_h_Wi = (np.diag(ind(H)) @ np.kron(X,np.eye(h)))
    grad_s_Wi = grad_s_bo * ( Wo @ grad_h_Wi).reshape(d,h)
    grad_s_bi = grad_s_bo*Wo@np.diag(ind(H))
    return grad_s_Wi,grad_s_bi,grad_s_Wo,grad_s_bo
rng=np.random.default_rng(0)
for h in (16,64,256):
    X=rng.normal(size=(2000 if h < 256 else 200,2)); Y=np.sign(X[:,0]*X[:,1])
    Wi=rng.normal(size=(2,h)); bi=np.zeros(h); Wo=rng.normal(size=h); bo=0.0
    t=time.perf_counter()
    for i in range(len(X)):
        gWi,gbi,gWo,gbo=gradient_nn(X[i],Y[i],Wi,bi,Wo,bo)
        Wi-=0.001*gWi; bi-=0.001*gbi; Wo-=0.001*gWo; bo-=0.001*gbo
    el=time.perf_counter()-t
    print(f"h = {h:3d}: {len(X)/el:,.0f} examples/s")
