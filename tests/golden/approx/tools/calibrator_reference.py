#!/usr/bin/env python3
# Pure-Python (no numpy) line-by-line transliteration of NVIDIA pytorch-quantization's
# calib/histogram.py functions _compute_amax_percentile, _compute_amax_mse (float32 fake quant,
# narrow range) and _compute_amax_entropy (np.digitize + Counter + scipy.stats.entropy), used to
# produce the expected values of ApproxCalibrate.AgreesWithPytorchQuantizationTransliteration.
# Input file (argv[1]): line 1 "BIN_WIDTH NUM_BINS", line 2 the counts separated by spaces, i.e. a
# dump of tessera::approx::Calibrator::bin_width() and histogram() after collecting the batches.
import math, struct, sys
from collections import Counter
lines=open(sys.argv[1]).read().split('\n')
width,nb=lines[0].split(); width=float(width); nb=int(nb)
hist=[int(v) for v in lines[1].split()]
edges=[i*width for i in range(nb+1)]
f32=lambda v: struct.unpack('f',struct.pack('f',v))[0]
# percentile
total=sum(hist); cdf=0; p=99.99/100
for i,h in enumerate(hist):
  cdf+=h/total
  if cdf>=p: print('percentile',edges[i]); break
# mse
centers=[f32((f32(edges[i])+f32(edges[i+1]))/2) for i in range(nb)]
def fq(c,amax):
  s=f32(127.0/amax); q=round(f32(c*s)); q=max(-127,min(127,q)); return f32(q/s)
best=None
for i in range(128,nb):
  amax=centers[i]
  m=sum(((fq(c,amax)-c)**2)*h for c,h in zip(centers,hist) if h)
  if best is None or m<best[0]: best=(m,amax)
print('mse',best[1])
# entropy
bins=hist[:]; bins[0]=bins[1]; total_data=sum(bins); nbins=128
div=[]
for i in range(128,len(bins)+1):
  dig=[ (j*nbins)//i for j in range(i)]  # == np.digitize(range(i), linspace(0,i,129))-1
  dig=[-1 if bins[j]==0 else d for j,d in enumerate(dig)]
  ndc=[0.0]*nbins
  for j,d in enumerate(dig):
    if d!=-1: ndc[d]+=bins[j]
  cnt=Counter(dig)
  for k,v in cnt.items():
    if k!=-1: ndc[k]=ndc[k]/v
  nd=[ndc[d] if d!=-1 else 0.0 for d in dig]
  ref=bins[:i]; ref[-1]+=sum(bins[i:])
  sp=sum(ref); sq=sum(nd)
  ent=0.0
  for pp,qq in zip(ref,nd):
    if pp==0: continue
    if qq==0: ent=math.inf; break
    ent+= (pp/sp)*math.log((pp/sp)/(qq/sq))
  div.append(ent)
mn=min(div); last=max(k for k,v in enumerate(div) if v==mn)
print('entropy',edges[last+128])
